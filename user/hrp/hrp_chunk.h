/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zlib-compressed BULK_CHUNK payloads (pure: no I/O). docs/hrp.md
 * ("Compressed chunks") has the layout: a 4-byte big-endian length of
 * the records once inflated, then one zlib stream (RFC 1950) of them.
 *
 * A batch backup is the bulk of what HRP sends, and consecutive session
 * records differ in a few bytes (neighbouring keys, equal zones, rules,
 * flags): compressed, a 1M-session backup takes a fraction of the wire
 * and of the HMAC work. Live RECORDS frames stay uncompressed: they are
 * small and latency counts there.
 *
 * Inflating is bounded: the declared length is at most
 * HRP_CHUNK_RAW_MAX, the output buffer is that length, and a stream that
 * would produce more (a "zip bomb"), less, or is corrupt is refused
 * whole; nothing of a refused chunk is handed up.
 */
#ifndef HSB_HRP_CHUNK_H
#define HSB_HRP_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "hrp_frame.h"

/* Frame flag of a BULK_CHUNK whose payload is a compressed chunk. */
#define HRP_FF_ZLIB 0x0001
#define HRP_CHUNK_HDR_LEN 4
/* Records of one chunk, inflated, at most: what a frame could carry. */
#define HRP_CHUNK_RAW_MAX HRP_MAX_PAYLOAD

/* Why a chunk was refused. */
enum hrp_chunk_err {
	HRP_CE_OK = 0,
	HRP_CE_CORRUPT, /* not a zlib stream, truncated, trailing bytes, or
			 * fewer bytes than declared */
	HRP_CE_SIZE, /* declared over HRP_CHUNK_RAW_MAX or 0, or inflates
		      * past the declared length */
};

struct hrp_deflater {
	z_stream z;
	bool ready;
};

/* level: zlib's 1..9. -ENOMEM. */
int hrp_deflater_init(struct hrp_deflater *d, int level);
void hrp_deflater_release(struct hrp_deflater *d);

/* Compresses raw (at most HRP_CHUNK_RAW_MAX bytes) into out as a chunk
 * payload. Returns its length, or 0 when it would not be shorter than
 * raw or not fit in room: the caller sends the records uncompressed. */
size_t hrp_chunk_deflate(struct hrp_deflater *d, const uint8_t *raw, size_t len,
			 uint8_t *out, size_t room);

struct hrp_inflater {
	z_stream z;
	bool ready;
	uint8_t *buf; /* HRP_CHUNK_RAW_MAX bytes */
};

int hrp_inflater_init(struct hrp_inflater *i);
void hrp_inflater_release(struct hrp_inflater *i);

/* Inflates a chunk payload into i->buf; *out / *outlen on success. */
enum hrp_chunk_err hrp_chunk_inflate(struct hrp_inflater *i, const uint8_t *in,
				     size_t len, const uint8_t **out,
				     size_t *outlen);

#endif /* HSB_HRP_CHUNK_H */
