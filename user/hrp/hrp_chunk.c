// SPDX-License-Identifier: GPL-2.0-only
/* Compressed BULK_CHUNK payloads. See hrp_chunk.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hrp_chunk.h"
#include "wire.h"

int hrp_deflater_init(struct hrp_deflater *d, int level)
{
	memset(d, 0, sizeof(*d));
	if (deflateInit(&d->z, level) != Z_OK)
		return -ENOMEM;
	d->ready = true;
	return 0;
}

void hrp_deflater_release(struct hrp_deflater *d)
{
	if (d->ready)
		deflateEnd(&d->z);
	d->ready = false;
}

size_t hrp_chunk_deflate(struct hrp_deflater *d, const uint8_t *raw, size_t len,
			 uint8_t *out, size_t room)
{
	size_t lim;
	int ret;

	if (!d->ready || !len || len > HRP_CHUNK_RAW_MAX ||
	    room <= HRP_CHUNK_HDR_LEN)
		return 0;
	/* not worth it unless shorter than the records themselves */
	lim = room - HRP_CHUNK_HDR_LEN;
	if (lim >= len)
		lim = len - 1;
	if (deflateReset(&d->z) != Z_OK)
		return 0;
	hsb_put32(out, (uint32_t)len);
	d->z.next_in = (uint8_t *)raw;
	d->z.avail_in = (uInt)len;
	d->z.next_out = out + HRP_CHUNK_HDR_LEN;
	d->z.avail_out = (uInt)lim;
	ret = deflate(&d->z, Z_FINISH);
	if (ret != Z_STREAM_END)
		return 0; /* out of room */
	return HRP_CHUNK_HDR_LEN + d->z.total_out;
}

int hrp_inflater_init(struct hrp_inflater *i)
{
	memset(i, 0, sizeof(*i));
	i->buf = malloc(HRP_CHUNK_RAW_MAX);
	if (!i->buf)
		return -ENOMEM;
	if (inflateInit(&i->z) != Z_OK) {
		free(i->buf);
		i->buf = NULL;
		return -ENOMEM;
	}
	i->ready = true;
	return 0;
}

void hrp_inflater_release(struct hrp_inflater *i)
{
	if (i->ready)
		inflateEnd(&i->z);
	free(i->buf);
	memset(i, 0, sizeof(*i));
}

enum hrp_chunk_err hrp_chunk_inflate(struct hrp_inflater *i, const uint8_t *in,
				     size_t len, const uint8_t **out,
				     size_t *outlen)
{
	uint32_t want;
	uint8_t probe;
	int ret;

	if (!i->ready || len <= HRP_CHUNK_HDR_LEN)
		return HRP_CE_CORRUPT;
	want = hsb_get32(in);
	if (!want || want > HRP_CHUNK_RAW_MAX)
		return HRP_CE_SIZE;
	if (inflateReset(&i->z) != Z_OK)
		return HRP_CE_CORRUPT;
	i->z.next_in = (uint8_t *)in + HRP_CHUNK_HDR_LEN;
	i->z.avail_in = (uInt)(len - HRP_CHUNK_HDR_LEN);
	i->z.next_out = i->buf;
	i->z.avail_out = want;
	ret = inflate(&i->z, Z_FINISH);
	if (ret != Z_STREAM_END && !i->z.avail_out) {
		/* the declared length is out and the stream goes on: one
		 * byte more tells a longer stream (refused as a bomb: it
		 * would have gone on) from one whose end is still to come */
		i->z.next_out = &probe;
		i->z.avail_out = 1;
		ret = inflate(&i->z, Z_FINISH);
		if (ret == Z_STREAM_END ? i->z.total_out > want :
					  !i->z.avail_out)
			return HRP_CE_SIZE;
	}
	if (ret != Z_STREAM_END)
		return HRP_CE_CORRUPT;
	if (i->z.total_out != want || i->z.avail_in)
		return HRP_CE_CORRUPT;
	*out = i->buf;
	*outlen = want;
	return HRP_CE_OK;
}
