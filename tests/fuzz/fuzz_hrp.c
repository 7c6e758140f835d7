// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HRP frame layer's receive side (hrp_rx_feed()) on what the TCP
 * stream from the peer may carry, after a valid handshake: the harness
 * plays the peer (its own hrp_conn_keys), so the connection under test
 * has real per-connection keys.
 *
 * Input: one mode byte, then
 *   raw mode (bit 0 set): arbitrary stream bytes. Bit 1 set: no handshake
 *     first (the stream is the first thing the connection hears);
 *   frame mode (bit 0 clear): a list of frames, each a 32-byte header
 *     chosen by the fuzzer, a 2-byte big-endian payload length and the
 *     payload. The harness authenticates each as the peer would - the
 *     HMAC-SHA256 trailer with the hello key (type HELLO) or the peer's
 *     data key - so the fuzzer reaches everything behind the HMAC without
 *     a test-only switch in the product. It also writes the true length
 *     into the header unless bit 1 is set, and the next sequence number
 *     when bit 2 is set.
 * A BULK_CHUNK with HRP_FF_ZLIB is inflated by the frame layer (bounded,
 * hrp_chunk.h) and its records go the same record path as RECORDS: the
 * seeds carry real compressed chunks, so the fuzzer reaches inflate and
 * what comes out of it.
 * The stream is fed in pieces of 1..16 bytes (bits 4..7 of the mode byte;
 * 0: all at once), as TCP may deliver it.
 *
 * Invariants: a feed never takes more than it was given, and makes
 * progress; an accepted frame's payload lies in the receive buffer with
 * the length the header gave, or (an inflated chunk) in the inflate
 * buffer within its limit; sequence numbers of accepted frames go up
 * by one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz_common.h"
#include "hrp_chunk.h"
#include "hrp_frame.h"
#include "hrp/hrp_record.h"

#define KEY "fuzz-hrp-authentication-key"
#define M_RAW 0x01
#define M_NO_HANDSHAKE 0x02 /* raw mode */
#define M_KEEP_LENGTH 0x02 /* frame mode */
#define M_FIX_SEQ 0x04 /* frame mode */

static const uint8_t node[HRP_NODE_LEN] = { 'p', 'e', 'e', 'r' };
static const uint8_t us_node[HRP_NODE_LEN] = { 'u', 's' };

static void nonce(uint8_t *n, uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < HRP_NONCE_LEN; i++)
		n[i] = (uint8_t)(seed + i * 7);
}

/* Feeds the whole of data to c as TCP might, checking every answer.
 * Returns -1 once the connection must close. */
/* A frame's records, as the receiver handles them: checked whole, then
 * walked; every record the check accepted decodes, and re-encodes to the
 * bytes it came from (one layout description serves both ways). */
static void records(const struct hrp_frame *f)
{
	uint8_t again[HRP_REC_MAX_LEN];
	struct hrp_rec_iter it;
	struct hrp_rec r;
	uint32_t unknown, known = 0;
	enum hrp_rec_err e;

	e = hrp_recs_check(f->payload, f->payload_len, f->count, &unknown);
	FUZZ_ASSERT(hrp_rec_err_name(e));
	if (e != HRP_RE_OK)
		return;
	hrp_rec_iter_init(&it, f->payload, f->payload_len);
	while (hrp_rec_next(&it, &r)) {
		size_t n = hrp_rec_encode(&r, again, sizeof(again));

		/* the record just decoded ends where the walk is now */
		FUZZ_ASSERT(n > 0 && it.p - n >= f->payload);
		FUZZ_ASSERT(!memcmp(again, it.p - n, n));
		known++;
	}
	FUZZ_ASSERT(it.left == 0);
	FUZZ_ASSERT(known + unknown == f->count);
}

static int feed(struct hrp_conn_keys *c, const uint8_t *data, size_t len,
		size_t piece)
{
	while (len) {
		size_t n = piece && piece < len ? piece : len, used;
		struct hrp_frame f;
		struct hrp_hello h;
		bool complete;
		enum hrp_frame_err e;
		uint64_t seq = c->rx.seq;

		e = hrp_rx_feed(c, data, n, &used, &complete, &f, &h);
		FUZZ_ASSERT(hrp_frame_err_name(e));
		if (e != HRP_FE_OK) {
			FUZZ_ASSERT(c->rx.err[e] > 0);
			return -1;
		}
		FUZZ_ASSERT(used <= n);
		FUZZ_ASSERT(used > 0 || complete);
		if (complete) {
			FUZZ_ASSERT(f.type > 0 && f.type < HRP_FT__MAX);
			if (f.type == HRP_FT_BULK_CHUNK &&
			    (f.flags & HRP_FF_ZLIB)) {
				FUZZ_ASSERT(f.payload == c->rx.inf->buf);
				FUZZ_ASSERT(f.payload_len > 0 &&
					    f.payload_len <= HRP_CHUNK_RAW_MAX);
			} else {
				FUZZ_ASSERT(f.payload ==
					    c->rx.buf + HRP_HDR_LEN);
				FUZZ_ASSERT(f.payload_len <= HRP_MAX_PAYLOAD);
				FUZZ_ASSERT(f.wire_len ==
					    HRP_HDR_LEN + f.payload_len +
						    HRP_HMAC_LEN);
			}
			if (f.type == HRP_FT_HELLO) {
				FUZZ_ASSERT(f.seq == 0 && c->rx.keyed);
			} else {
				FUZZ_ASSERT(f.seq == seq + 1 &&
					    c->rx.seq == seq + 1);
				records(&f);
			}
		}
		data += used;
		len -= used;
	}
	return 0;
}

/* Builds the frames frame mode describes into out (the peer's stream);
 * returns its length. */
static size_t build(const struct hrp_conn_keys *peer, const uint8_t *in,
		    size_t len, uint8_t mode, uint8_t *out, size_t cap)
{
	size_t o = 0;
	uint64_t seq = 0;

	while (len >= HRP_HDR_LEN + 2) {
		size_t plen = (size_t)in[HRP_HDR_LEN] << 8 |
			      in[HRP_HDR_LEN + 1];
		size_t total;
		uint8_t *h = out + o;
		unsigned int n = HRP_HMAC_LEN;
		bool hello = in[3] == HRP_FT_HELLO;

		if (plen > len - HRP_HDR_LEN - 2)
			plen = len - HRP_HDR_LEN - 2;
		total = HRP_HDR_LEN + plen + HRP_HMAC_LEN;
		if (o + total > cap)
			break;
		memcpy(h, in, HRP_HDR_LEN);
		memcpy(h + HRP_HDR_LEN, in + HRP_HDR_LEN + 2, plen);
		if (!(mode & M_KEEP_LENGTH)) {
			h[8] = (uint8_t)(total >> 24);
			h[9] = (uint8_t)(total >> 16);
			h[10] = (uint8_t)(total >> 8);
			h[11] = (uint8_t)total;
		}
		if ((mode & M_FIX_SEQ) && !hello) {
			unsigned int i;

			seq++;
			for (i = 0; i < 8; i++)
				h[16 + i] = (uint8_t)(seq >> (56 - 8 * i));
		}
		HMAC(EVP_sha256(), hello ? peer->tx.hello_key : peer->tx.key,
		     HRP_KEY_LEN, h, HRP_HDR_LEN + plen, h + HRP_HDR_LEN + plen,
		     &n);
		o += total;
		in += HRP_HDR_LEN + 2 + plen;
		len -= HRP_HDR_LEN + 2 + plen;
	}
	return o;
}

/* The peer, keyed once: our nonce is the same on every run, so the keys
 * it derives from both nonces are too. */
static struct hrp_conn_keys peer;
static uint8_t peer_hello[HRP_HDR_LEN + HRP_HELLO_LEN + HRP_HMAC_LEN];
static size_t peer_hello_len;

static void setup(void)
{
	struct hrp_conn_keys us;
	uint8_t n[HRP_NONCE_LEN];
	uint8_t hello[HRP_HDR_LEN + HRP_HELLO_LEN + HRP_HMAC_LEN];
	size_t len;

	nonce(n, 100);
	FUZZ_ASSERT(hrp_conn_init(&peer, (const uint8_t *)KEY, strlen(KEY),
				  n) == 0);
	nonce(n, 1);
	FUZZ_ASSERT(hrp_conn_init(&us, (const uint8_t *)KEY, strlen(KEY), n) ==
		    0);
	len = hrp_hello_encode(&us, us_node, 0, hello);
	FUZZ_ASSERT(feed(&peer, hello, len, 0) == 0 && peer.tx.keyed);
	peer_hello_len = hrp_hello_encode(&peer, node, 0, peer_hello);
	hrp_conn_release(&us);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hrp_conn_keys us;
	uint8_t n_us[HRP_NONCE_LEN];
	uint8_t mode, *stream;
	size_t piece, slen;

	if (!peer_hello_len)
		setup();
	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	piece = mode >> 4;
	nonce(n_us, 1);
	FUZZ_ASSERT(hrp_conn_init(&us, (const uint8_t *)KEY, strlen(KEY),
				  n_us) == 0);
	if (!(mode & M_RAW) || !(mode & M_NO_HANDSHAKE)) {
		/* the peer's HELLO: keys this side with both nonces */
		FUZZ_ASSERT(feed(&us, peer_hello, peer_hello_len, 0) == 0 &&
			    us.rx.keyed);
	}
	if (mode & M_RAW) {
		feed(&us, data, size, piece);
	} else {
		/* each frame grows by 30 bytes (HMAC - length field) at most */
		size_t cap = size + (size / (HRP_HDR_LEN + 2) + 1) * 32;

		stream = malloc(cap);
		FUZZ_ASSERT(stream);
		slen = build(&peer, data, size, mode, stream, cap);
		feed(&us, stream, slen, piece);
		free(stream);
	}
	hrp_conn_release(&us);
	return 0;
}
