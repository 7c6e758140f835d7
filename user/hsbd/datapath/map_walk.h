/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one way hsbd reads a whole BPF map: batch reads
 * (BPF_MAP_LOOKUP_BATCH), either resumable - a pass spread over
 * event-loop ticks, as the sweeper does - or in one go (the control
 * views, the NAT sweeps, later HRP's bulk backup). Generic over key and
 * value sizes: a batch is two arrays, keys[i] and values[i].
 *
 * What a pass guarantees on a hash map that changes under it (the
 * kernel copies a whole bucket per step and never moves a key to another
 * bucket, and the walker never reads a bucket twice):
 *  - an entry present for the whole pass is returned exactly once;
 *  - an entry inserted or deleted during the pass is returned at most
 *    once (and only if its bucket was read while it was there).
 * So the walker never restarts a pass by itself: a batch count smaller
 * than the next bucket (the kernel refuses it with ENOSPC) enlarges the
 * buffers and reads the same bucket again, and the end of the table
 * (ENOENT, which may come with the last entries) ends the pass.
 */
#ifndef HSB_MAP_WALK_H
#define HSB_MAP_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hsb_map_walk;

/* Entries per read when the caller has no reason to choose. */
#define HSB_MAP_WALK_BATCH 4096
/* The buffers never grow past this many entries (a bucket this large
 * means a broken hash, not a busy table). */
#define HSB_MAP_WALK_MAX_BATCH 65536

/*
 * A walker over map fd (not owned) whose entries are key_size and
 * value_size bytes (a per-CPU map: the value of every CPU), reading up to
 * batch entries at a time. Returns NULL with errno set.
 */
struct hsb_map_walk *hsb_map_walk_new(int fd, size_t key_size,
				      size_t value_size, uint32_t batch);
void hsb_map_walk_free(struct hsb_map_walk *w);

/*
 * Reads the next batch of the pass (the first batch of a new pass when
 * none is under way). Returns the number of entries, with *keys and
 * *values pointing at them (valid until the next call or the free), or
 * -errno: the pass is abandoned and the next call starts a new one.
 * The count may be 0 (an empty table, or nothing left before the end).
 */
int hsb_map_walk_next(struct hsb_map_walk *w, const void **keys,
		      const void **values);

/* Whether a pass is under way: false before the first read and once a
 * read has reached the end of the table (its entries were the last) or
 * failed. */
bool hsb_map_walk_in_pass(const struct hsb_map_walk *w);

/* Drops the pass under way: the next read starts from the beginning. */
void hsb_map_walk_rewind(struct hsb_map_walk *w);

/* Entries the buffers hold now: the batch asked for, or more after the
 * kernel refused a read for a bucket larger than that. */
uint32_t hsb_map_walk_capacity(const struct hsb_map_walk *w);

/* A whole pass in one call: fn gets every batch. Returns 0 or -errno. */
typedef void (*hsb_map_batch_fn)(const void *keys, const void *values,
				 uint32_t n, void *ctx);
int hsb_map_walk_all(int fd, size_t key_size, size_t value_size,
		     hsb_map_batch_fn fn, void *ctx);

#endif /* HSB_MAP_WALK_H */
