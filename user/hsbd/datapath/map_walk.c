// SPDX-License-Identifier: GPL-2.0-only
/* Batch walks over BPF maps. See map_walk.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "datapath/map_walk.h"

struct hsb_map_walk {
	int fd;
	size_t key_size, value_size;
	uint32_t cap; /* entries keys and values hold */
	void *keys, *values;
	bool in_pass;
	/* The kernel's position: a bucket index (4 bytes) for hash maps, a
	 * key for the generic batch code of other map types. */
	size_t pos_size;
	void *pos, *next;
};

static int resize(struct hsb_map_walk *w, uint32_t cap)
{
	void *k = realloc(w->keys, (size_t)cap * w->key_size);

	if (!k)
		return -ENOMEM;
	w->keys = k;
	k = realloc(w->values, (size_t)cap * w->value_size);
	if (!k)
		return -ENOMEM;
	w->values = k;
	w->cap = cap;
	return 0;
}

struct hsb_map_walk *hsb_map_walk_new(int fd, size_t key_size,
				      size_t value_size, uint32_t batch)
{
	struct hsb_map_walk *w;

	if (!key_size || !value_size || !batch ||
	    batch > HSB_MAP_WALK_MAX_BATCH) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fd = fd;
	w->key_size = key_size;
	w->value_size = value_size;
	w->pos_size = key_size > 8 ? key_size : 8;
	w->pos = calloc(2, w->pos_size);
	if (!w->pos || resize(w, batch)) {
		hsb_map_walk_free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->next = (char *)w->pos + w->pos_size;
	return w;
}

void hsb_map_walk_free(struct hsb_map_walk *w)
{
	if (!w)
		return;
	free(w->keys);
	free(w->values);
	free(w->pos);
	free(w);
}

/* One read from the current position; ENOSPC (the next bucket holds more
 * than cap entries, and nothing was read) grows the buffers and reads the
 * same bucket again, so the pass neither restarts nor skips it. */
static int read_batch(struct hsb_map_walk *w, __u32 *count)
{
	for (;;) {
		*count = w->cap;
		if (!bpf_map_lookup_batch(w->fd, w->in_pass ? w->pos : NULL,
					  w->next, w->keys, w->values, count,
					  NULL))
			return 0;
		if (errno != ENOSPC)
			return -errno;
		if (w->cap >= HSB_MAP_WALK_MAX_BATCH)
			return -ENOSPC;
		if (resize(w, w->cap * 2 > HSB_MAP_WALK_MAX_BATCH ?
				      HSB_MAP_WALK_MAX_BATCH :
				      w->cap * 2))
			return -ENOMEM;
	}
}

int hsb_map_walk_next(struct hsb_map_walk *w, const void **keys,
		      const void **values)
{
	__u32 count = 0;
	int ret = read_batch(w, &count);

	if (ret == -ENOENT) {
		/* The end of the table, with the last count entries. */
		w->in_pass = false;
	} else if (ret) {
		w->in_pass = false;
		return ret;
	} else {
		memcpy(w->pos, w->next, w->pos_size);
		w->in_pass = true;
	}
	*keys = w->keys;
	*values = w->values;
	return (int)count;
}

bool hsb_map_walk_in_pass(const struct hsb_map_walk *w)
{
	return w->in_pass;
}

void hsb_map_walk_rewind(struct hsb_map_walk *w)
{
	w->in_pass = false;
}

uint32_t hsb_map_walk_capacity(const struct hsb_map_walk *w)
{
	return w->cap;
}

int hsb_map_walk_all(int fd, size_t key_size, size_t value_size,
		     hsb_map_batch_fn fn, void *ctx)
{
	struct hsb_map_walk *w =
		hsb_map_walk_new(fd, key_size, value_size, HSB_MAP_WALK_BATCH);
	const void *keys, *values;
	int n;

	if (!w)
		return -errno;
	do {
		n = hsb_map_walk_next(w, &keys, &values);
		if (n > 0)
			fn(keys, values, (uint32_t)n, ctx);
	} while (n >= 0 && hsb_map_walk_in_pass(w));
	hsb_map_walk_free(w);
	return n < 0 ? n : 0;
}
