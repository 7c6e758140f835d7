// SPDX-License-Identifier: GPL-2.0-only
/* HRP frames: encode, reassemble, authenticate. See hrp_frame.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "hrp_chunk.h"
#include "hrp_frame.h"
#include "wire.h"

static const char *const err_names[HRP_FE__COUNT] = {
	[HRP_FE_OK] = "ok",
	[HRP_FE_MAGIC] = "bad-magic",
	[HRP_FE_VERSION] = "unknown-version",
	[HRP_FE_TYPE] = "unknown-type",
	[HRP_FE_LENGTH] = "bad-length",
	[HRP_FE_AUTH] = "authentication",
	[HRP_FE_SEQ] = "sequence",
	[HRP_FE_HELLO] = "hello",
	[HRP_FE_CHUNK_CORRUPT] = "chunk-corrupt",
	[HRP_FE_CHUNK_SIZE] = "chunk-too-large",
};

const char *hrp_frame_err_name(enum hrp_frame_err e)
{
	if ((unsigned int)e >= HRP_FE__COUNT)
		return "unknown";
	return err_names[e];
}

/* HMAC(auth, label || a || b): keys bound to the shared secret, the
 * purpose, and (for data) both nonces in the direction's order. */
static void derive(const uint8_t *auth, size_t authlen, const char *label,
		   const uint8_t *a, const uint8_t *b, uint8_t out[HRP_KEY_LEN])
{
	uint8_t in[32 + 2 * HRP_NONCE_LEN];
	size_t n = strlen(label);

	memcpy(in, label, n);
	if (a) {
		memcpy(in + n, a, HRP_NONCE_LEN);
		memcpy(in + n + HRP_NONCE_LEN, b, HRP_NONCE_LEN);
		n += 2 * HRP_NONCE_LEN;
	}
	hsb_hmac_sha256(auth, authlen, in, n, out);
}

int hrp_conn_init(struct hrp_conn_keys *c, const uint8_t *auth_key,
		  size_t keylen, const uint8_t nonce[HRP_NONCE_LEN])
{
	memset(c, 0, sizeof(*c));
	c->rx.buf = malloc(HRP_MAX_FRAME);
	c->rx.inf = malloc(sizeof(*c->rx.inf));
	if (!c->rx.buf || !c->rx.inf || hrp_inflater_init(c->rx.inf)) {
		free(c->rx.buf);
		free(c->rx.inf);
		c->rx.buf = NULL;
		c->rx.inf = NULL;
		return -ENOMEM;
	}
	derive(auth_key, keylen, "hsb-hrp-hello-v1", NULL, NULL,
	       c->tx.hello_key);
	memcpy(c->rx.hello_key, c->tx.hello_key, HRP_KEY_LEN);
	memcpy(c->tx.nonce, nonce, HRP_NONCE_LEN);
	/* the data keys need the peer's nonce: keyed on its HELLO; until
	 * then the shared key is kept in them (never sent, never used to
	 * authenticate anything) */
	hsb_hmac_sha256(auth_key, keylen, (const uint8_t *)"hsb-hrp-auth-v1",
			15, c->tx.key);
	memcpy(c->rx.key, c->tx.key, HRP_KEY_LEN);
	return 0;
}

void hrp_conn_release(struct hrp_conn_keys *c)
{
	free(c->rx.buf);
	if (c->rx.inf)
		hrp_inflater_release(c->rx.inf);
	free(c->rx.inf);
	OPENSSL_cleanse(c, sizeof(*c));
}

/* Once the peer's nonce is known: tx = ours -> theirs, rx the reverse.
 * The derivation key is itself derived from the shared secret (kept in
 * tx.key until now). */
static void key_directions(struct hrp_conn_keys *c, const uint8_t *peer)
{
	uint8_t base[HRP_KEY_LEN];

	memcpy(base, c->tx.key, HRP_KEY_LEN);
	derive(base, HRP_KEY_LEN, "hsb-hrp-data-v1", c->tx.nonce, peer,
	       c->tx.key);
	derive(base, HRP_KEY_LEN, "hsb-hrp-data-v1", peer, c->tx.nonce,
	       c->rx.key);
	OPENSSL_cleanse(base, sizeof(base));
	c->tx.keyed = c->rx.keyed = true;
}

/* --- encode ----------------------------------------------------------------- */

static size_t encode(const uint8_t *key, enum hrp_frame_type type,
		     uint16_t flags, uint32_t count, uint64_t seq,
		     const uint8_t *payload, size_t len, uint8_t *out)
{
	size_t total = HRP_HDR_LEN + len + HRP_HMAC_LEN;

	memset(out, 0, HRP_HDR_LEN);
	hsb_put16(out, HRP_MAGIC);
	out[2] = HRP_VERSION;
	out[3] = (uint8_t)type;
	hsb_put16(out + 4, flags);
	hsb_put32(out + 8, (uint32_t)total);
	hsb_put64(out + 16, seq);
	hsb_put32(out + 24, count);
	if (len)
		memcpy(out + HRP_HDR_LEN, payload, len);
	hsb_hmac_sha256(key, HRP_KEY_LEN, out, HRP_HDR_LEN + len,
			out + HRP_HDR_LEN + len);
	return total;
}

size_t hrp_hello_encode(struct hrp_conn_keys *c, const uint8_t *node,
			uint32_t flags, uint8_t *out)
{
	uint8_t p[HRP_HELLO_LEN];

	memset(p, 0, sizeof(p));
	memcpy(p, c->tx.nonce, HRP_NONCE_LEN);
	memcpy(p + HRP_NONCE_LEN, node, HRP_NODE_LEN);
	hsb_put32(p + HRP_NONCE_LEN + HRP_NODE_LEN, flags);
	c->tx.hello_sent = true;
	return encode(c->tx.hello_key, HRP_FT_HELLO, 0, 0, 0, p, sizeof(p),
		      out);
}

size_t hrp_frame_encode(struct hrp_conn_keys *c, enum hrp_frame_type type,
			uint16_t flags, uint32_t count, const uint8_t *payload,
			size_t len, uint8_t *out, size_t outlen)
{
	if (!c->tx.keyed || type == HRP_FT_HELLO || type >= HRP_FT__MAX ||
	    len > HRP_MAX_PAYLOAD || outlen < HRP_HDR_LEN + len + HRP_HMAC_LEN)
		return 0;
	return encode(c->tx.key, type, flags, count, ++c->tx.seq, payload, len,
		      out);
}

/* --- receive ------------------------------------------------------------------ */

static enum hrp_frame_err fail(struct hrp_rx *rx, enum hrp_frame_err e)
{
	rx->err[e]++;
	rx->have = 0;
	return e;
}

/* The header's fixed fields, checked as soon as they are in: a stream
 * that is not HRP is refused before a frame's worth is buffered. */
static enum hrp_frame_err check_header(const uint8_t *h, uint32_t *total)
{
	if (hsb_get16(h) != HRP_MAGIC)
		return HRP_FE_MAGIC;
	if (h[2] != HRP_VERSION)
		return HRP_FE_VERSION;
	if (!h[3] || h[3] >= HRP_FT__MAX)
		return HRP_FE_TYPE;
	*total = hsb_get32(h + 8);
	if (*total < HRP_HDR_LEN + HRP_HMAC_LEN || *total > HRP_MAX_FRAME)
		return HRP_FE_LENGTH;
	return HRP_FE_OK;
}

/* A whole frame in rx->buf: authenticate, then sequence, then HELLO. */
static enum hrp_frame_err finish(struct hrp_conn_keys *c, uint32_t total,
				 struct hrp_frame *f, struct hrp_hello *hello)
{
	struct hrp_rx *rx = &c->rx;
	const uint8_t *b = rx->buf;
	size_t body = total - HRP_HMAC_LEN;
	bool is_hello = b[3] == HRP_FT_HELLO;
	uint8_t want[HRP_HMAC_LEN];
	const uint8_t *payload;
	size_t plen;

	hsb_hmac_sha256(is_hello ? rx->hello_key : rx->key, HRP_KEY_LEN, b,
			body, want);
	if (CRYPTO_memcmp(want, b + body, HRP_HMAC_LEN))
		return fail(rx, HRP_FE_AUTH);
	if (is_hello) {
		if (rx->hello_seen || hsb_get64(b + 16) != 0 ||
		    body - HRP_HDR_LEN != HRP_HELLO_LEN ||
		    /* our own HELLO reflected: both keys would be equal */
		    !memcmp(b + HRP_HDR_LEN, c->tx.nonce, HRP_NONCE_LEN))
			return fail(rx, HRP_FE_HELLO);
		rx->hello_seen = true;
		memcpy(hello->nonce, b + HRP_HDR_LEN, HRP_NONCE_LEN);
		memcpy(hello->node, b + HRP_HDR_LEN + HRP_NONCE_LEN,
		       HRP_NODE_LEN);
		hello->flags = hsb_get32(b + HRP_HDR_LEN + HRP_NONCE_LEN +
					 HRP_NODE_LEN);
		key_directions(c, hello->nonce);
	} else {
		if (!rx->hello_seen)
			return fail(rx, HRP_FE_HELLO);
		if (hsb_get64(b + 16) != rx->seq + 1)
			return fail(rx, HRP_FE_SEQ);
		rx->seq++;
	}
	payload = b + HRP_HDR_LEN;
	plen = body - HRP_HDR_LEN;
	if (b[3] == HRP_FT_BULK_CHUNK && (hsb_get16(b + 4) & HRP_FF_ZLIB)) {
		/* authenticated first: only the peer's bytes are inflated */
		switch (hrp_chunk_inflate(rx->inf, payload, plen, &payload,
					  &plen)) {
		case HRP_CE_OK:
			break;
		case HRP_CE_SIZE:
			return fail(rx, HRP_FE_CHUNK_SIZE);
		case HRP_CE_CORRUPT:
			return fail(rx, HRP_FE_CHUNK_CORRUPT);
		}
	}
	f->type = (enum hrp_frame_type)b[3];
	f->flags = hsb_get16(b + 4);
	f->seq = hsb_get64(b + 16);
	f->count = hsb_get32(b + 24);
	f->payload = payload;
	f->payload_len = plen;
	f->wire_len = total;
	rx->frames++;
	rx->bytes += total;
	rx->have = 0;
	return HRP_FE_OK;
}

enum hrp_frame_err hrp_rx_feed(struct hrp_conn_keys *c, const uint8_t *data,
			       size_t len, size_t *used, bool *complete,
			       struct hrp_frame *f, struct hrp_hello *hello)
{
	struct hrp_rx *rx = &c->rx;
	uint32_t total = HRP_HDR_LEN;
	enum hrp_frame_err e;
	size_t take;

	*used = 0;
	*complete = false;
	/* the header first, then exactly the rest of this frame */
	if (rx->have < HRP_HDR_LEN) {
		take = HRP_HDR_LEN - rx->have;
		take = take < len ? take : len;
		memcpy(rx->buf + rx->have, data, take);
		rx->have += take;
		*used = take;
		if (rx->have < HRP_HDR_LEN)
			return HRP_FE_OK;
	}
	e = check_header(rx->buf, &total);
	if (e != HRP_FE_OK)
		return fail(rx, e);
	take = total - rx->have;
	take = take < len - *used ? take : len - *used;
	memcpy(rx->buf + rx->have, data + *used, take);
	rx->have += take;
	*used += take;
	if (rx->have < total)
		return HRP_FE_OK;
	e = finish(c, total, f, hello);
	if (e == HRP_FE_OK)
		*complete = true;
	return e;
}
