/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HRP frames on the TCP connection between the two hosts (pure: no I/O).
 * docs/hrp.md ("Wire format") has the byte layout; integers big-endian.
 *
 * A frame is a 32-byte header, a payload (TLV records, or a compressed
 * chunk of a batch backup) and an HMAC-SHA256 trailer over header and
 * payload. The first frame each side sends is a HELLO carrying a fresh
 * random nonce, authenticated with a key derived from the shared
 * `hrp authentication-key` alone. Every later frame of a direction is
 * authenticated with a key derived from the shared key and *both*
 * nonces of this connection, and carries a sequence number that must be
 * exactly one more than the previous frame's: a frame captured on an
 * earlier connection fails its HMAC on this one (other nonces), and a
 * frame replayed, dropped or reordered within a connection fails the
 * sequence check. Any failure closes the connection; no byte of a frame
 * is handed up before its HMAC checked out.
 */
#ifndef HSB_HRP_FRAME_H
#define HSB_HRP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HRP_MAGIC 0x4852 /* "HR" */
#define HRP_VERSION 1
#define HRP_HDR_LEN 32
#define HRP_HMAC_LEN 32
#define HRP_KEY_LEN 32
#define HRP_NONCE_LEN 16
#define HRP_NODE_LEN 16
/* A whole frame at most: bounds the receiver's buffer. */
#define HRP_MAX_FRAME (256u * 1024u)
#define HRP_MAX_PAYLOAD (HRP_MAX_FRAME - HRP_HDR_LEN - HRP_HMAC_LEN)
/* HELLO payload: nonce, node id, flags (4), reserved (4) */
#define HRP_HELLO_LEN (HRP_NONCE_LEN + HRP_NODE_LEN + 8)
/* ACK payload: the sequence of the last RECORDS frame applied (8) */
#define HRP_ACK_LEN 8

enum hrp_frame_type {
	HRP_FT_HELLO = 1, /* nonce and node id; seq 0 */
	HRP_FT_RECORDS = 2, /* state records (hrp_record.h) */
	HRP_FT_BULK_BEGIN = 3, /* a batch backup starts */
	HRP_FT_BULK_CHUNK = 4, /* zlib-compressed records */
	HRP_FT_BULK_END = 5, /* a batch backup is complete */
	HRP_FT_KEEPALIVE = 6, /* nothing to send for a while */
	HRP_FT_CONFIG = 7, /* configuration commands */
	HRP_FT_ACK = 8, /* RECORDS frames applied, up to a sequence */
	HRP_FT__MAX,
};

/* Why a frame closed the connection (counted per reason). */
enum hrp_frame_err {
	HRP_FE_OK = 0,
	HRP_FE_MAGIC,
	HRP_FE_VERSION, /* a version this host does not speak */
	HRP_FE_TYPE,
	HRP_FE_LENGTH, /* shorter than header + HMAC, or over HRP_MAX_FRAME */
	HRP_FE_AUTH, /* HMAC mismatch: wrong key, another connection, altered */
	HRP_FE_SEQ, /* not the next sequence number: replayed or lost */
	HRP_FE_HELLO, /* no HELLO first, a second HELLO, or a bad one */
	HRP_FE_CHUNK_CORRUPT, /* a compressed chunk that does not inflate */
	HRP_FE_CHUNK_SIZE, /* a compressed chunk over its size limit */
	HRP_FE__COUNT
};

const char *hrp_frame_err_name(enum hrp_frame_err e);

struct hrp_frame {
	enum hrp_frame_type type;
	uint16_t flags;
	uint32_t count; /* records in the payload, as the sender says */
	uint64_t seq;
	/* valid until the next hrp_rx_feed(); a compressed chunk
	 * (HRP_FF_ZLIB, hrp_chunk.h) is handed up inflated */
	const uint8_t *payload;
	size_t payload_len;
	uint32_t wire_len; /* the whole frame as received */
};

struct hrp_hello {
	uint8_t nonce[HRP_NONCE_LEN];
	uint8_t node[HRP_NODE_LEN];
	uint32_t flags;
};

/* One direction of a connection, sending. */
struct hrp_tx {
	uint8_t hello_key[HRP_KEY_LEN];
	uint8_t key[HRP_KEY_LEN];
	uint8_t nonce[HRP_NONCE_LEN]; /* ours */
	bool keyed; /* the peer's HELLO arrived: key derived */
	bool hello_sent;
	uint64_t seq; /* last sent */
};

struct hrp_inflater;

/* The other direction, receiving: reassembles frames from the stream. */
struct hrp_rx {
	uint8_t hello_key[HRP_KEY_LEN];
	uint8_t key[HRP_KEY_LEN];
	bool keyed;
	bool hello_seen;
	uint64_t seq; /* last accepted */
	uint8_t *buf; /* HRP_MAX_FRAME bytes */
	struct hrp_inflater *inf; /* compressed chunks */
	size_t have; /* bytes of the frame in progress */
	uint64_t frames, bytes;
	uint64_t err[HRP_FE__COUNT];
};

/* Both directions of one connection. nonce: 16 fresh random bytes. */
struct hrp_conn_keys {
	struct hrp_tx tx;
	struct hrp_rx rx;
};

/* Sets up a connection's frame layer; rx.buf and rx.inf are allocated
 * (-ENOMEM). */
int hrp_conn_init(struct hrp_conn_keys *c, const uint8_t *auth_key,
		  size_t keylen, const uint8_t nonce[HRP_NONCE_LEN]);
void hrp_conn_release(struct hrp_conn_keys *c);

/* Encodes our HELLO (seq 0) into out (at least HRP_HDR_LEN +
 * HRP_HELLO_LEN + HRP_HMAC_LEN). Returns its length. */
size_t hrp_hello_encode(struct hrp_conn_keys *c, const uint8_t *node,
			uint32_t flags, uint8_t *out);

/* Encodes one frame (not HELLO; only after the peer's HELLO arrived).
 * Returns its length, or 0: payload over HRP_MAX_PAYLOAD, out too small,
 * or not keyed yet. */
size_t hrp_frame_encode(struct hrp_conn_keys *c, enum hrp_frame_type type,
			uint16_t flags, uint32_t count, const uint8_t *payload,
			size_t len, uint8_t *out, size_t outlen);

/*
 * Feeds received bytes. Consumes at most one frame's worth: *used says
 * how many bytes were taken (call again with the rest). Returns
 * HRP_FE_OK with *complete set when a whole frame checked out (*f
 * filled; a HELLO fills *hello too and keys both directions); HRP_FE_OK
 * with *complete clear when more bytes are needed; anything else is an
 * error after which the connection must be closed (counted in rx.err).
 */
enum hrp_frame_err hrp_rx_feed(struct hrp_conn_keys *c, const uint8_t *data,
			       size_t len, size_t *used, bool *complete,
			       struct hrp_frame *f, struct hrp_hello *hello);

#endif /* HSB_HRP_FRAME_H */
