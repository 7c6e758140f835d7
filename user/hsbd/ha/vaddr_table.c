// SPDX-License-Identifier: GPL-2.0-only
/* The virtual-address tables from hsbd's side; see ha/vaddr_table.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "ha/vaddr_table.h"

static uint32_t low32(const struct hsb_vaddr_key *k)
{
	uint32_t v;

	memcpy(&v, k->addr + (k->family == HSB_FAMILY_IPV6 ? 12 : 0), 4);
	return ntohl(v);
}

/* Into the filters: every address in the neighbour filter, VIPs also in
 * the IP one (include/hsb/vaddr.h). */
static void bloom_add(uint64_t *w, const struct hsb_vaddr_key *k, __u8 kind)
{
	uint32_t b = hsb_vaddr_bloom_bit(low32(k));
	uint64_t bit = 1ULL << (b & 63);

	b = (b >> 6) % HSB_VADDR_BLOOM_WORDS;
	w[HSB_BLOOM_NEIGH * HSB_VADDR_BLOOM_WORDS + b] |= bit;
	if (kind == HSB_VADDR_VIP)
		w[HSB_BLOOM_IP * HSB_VADDR_BLOOM_WORDS + b] |= bit;
}

static void vmac_if_add(uint64_t *w, uint32_t ifindex)
{
	uint32_t b = ifindex & (HSB_VMAC_IF_WORDS * 64 - 1);

	w[b >> 6] |= 1ULL << (b & 63);
}

struct key_list {
	char *keys;
	size_t ksize;
	unsigned int n, max;
};

static void keep_keys(const void *keys, const void *vals, uint32_t n, void *ctx)
{
	struct key_list *l = ctx;

	(void)vals;
	if (n > l->max - l->n)
		n = l->max - l->n;
	memcpy(l->keys + (size_t)l->n * l->ksize, keys, (size_t)n * l->ksize);
	l->n += n;
}

/* Every key of map fd (at most max; values vsize bytes) into a new array
 * (*n of them); NULL on failure. The caller may delete entries while it
 * goes through the copy. */
static void *all_keys(int fd, size_t ksize, size_t vsize, unsigned int max,
		      unsigned int *n)
{
	struct key_list l = { .ksize = ksize, .max = max };

	*n = 0;
	l.keys = calloc(max ? max : 1, ksize);
	if (!l.keys)
		return NULL;
	if (hsb_map_walk_all(fd, ksize, vsize, keep_keys, &l)) {
		free(l.keys);
		return NULL;
	}
	*n = l.n;
	return l.keys;
}

/* The exact address filter of what the map holds now. */
static int rebuild_bloom(struct hsb_datapath *dp)
{
	int fd = hsb_datapath_maps(dp)->vaddrs;
	uint64_t bloom[HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS],
		ifs[HSB_VMAC_IF_WORDS];
	struct hsb_vaddr_key *keys;
	struct hsb_vaddr v;
	unsigned int n, i;

	keys = all_keys(fd, sizeof(*keys), sizeof(struct hsb_vaddr),
			HSB_VADDR_MAX, &n);
	if (!keys)
		return -ENOMEM;
	hsb_datapath_vaddr_filters(dp, bloom, ifs);
	memset(bloom, 0, sizeof(bloom));
	for (i = 0; i < n; i++)
		if (!bpf_map_lookup_elem(fd, &keys[i], &v))
			bloom_add(bloom, &keys[i], v.kind);
	hsb_datapath_set_vaddr_filters(dp, bloom, ifs);
	free(keys);
	return 0;
}

static bool wanted(const struct hsb_vaddr_want *want, unsigned int n,
		   const struct hsb_vaddr_key *k)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!memcmp(&want[i].key, k, sizeof(*k)))
			return true;
	return false;
}

int hsb_vaddr_replace(struct hsb_datapath *dp, unsigned int kinds,
		      const struct hsb_vaddr_want *want, unsigned int n)
{
	int fd = hsb_datapath_maps(dp)->vaddrs, ret = 0;
	uint64_t bloom[HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS],
		ifs[HSB_VMAC_IF_WORDS];
	struct hsb_vaddr_key *keys;
	struct hsb_vaddr cur, val;
	unsigned int nk, i;

	/* widen first: a new entry is never behind a clear filter bit */
	hsb_datapath_vaddr_filters(dp, bloom, ifs);
	for (i = 0; i < n; i++)
		bloom_add(bloom, &want[i].key, want[i].val.kind);
	hsb_datapath_set_vaddr_filters(dp, bloom, ifs);

	keys = all_keys(fd, sizeof(*keys), sizeof(struct hsb_vaddr),
			HSB_VADDR_MAX, &nk);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < nk; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &cur) ||
		    !(kinds & (1u << cur.kind)) || wanted(want, n, &keys[i]))
			continue;
		if (bpf_map_delete_elem(fd, &keys[i]) && errno != ENOENT)
			ret = -errno;
	}
	free(keys);
	for (i = 0; i < n && !ret; i++) {
		val = want[i].val;
		if (!bpf_map_lookup_elem(fd, &want[i].key, &cur)) {
			val.replies = cur.replies;
			val.drops = cur.drops;
			if (!memcmp(&cur, &val, sizeof(cur)))
				continue;
		}
		if (bpf_map_update_elem(fd, &want[i].key, &val, BPF_ANY))
			ret = -errno;
	}
	if (!ret)
		ret = rebuild_bloom(dp);
	return ret;
}

int hsb_vmac_replace(struct hsb_datapath *dp, const struct hsb_vmac_want *want,
		     unsigned int n)
{
	int fd = hsb_datapath_maps(dp)->vmacs, ret = 0;
	uint64_t bloom[HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS],
		ifs[HSB_VMAC_IF_WORDS];
	struct hsb_vmac_key *keys;
	struct hsb_vmac cur, val;
	unsigned int nk, i, j;

	hsb_datapath_vaddr_filters(dp, bloom, ifs);
	for (i = 0; i < n; i++)
		vmac_if_add(ifs, want[i].key.ifindex);
	hsb_datapath_set_vaddr_filters(dp, bloom, ifs);

	keys = all_keys(fd, sizeof(*keys), sizeof(struct hsb_vmac),
			HSB_VMAC_MAX, &nk);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < nk; i++) {
		for (j = 0; j < n; j++)
			if (!memcmp(&want[j].key, &keys[i], sizeof(keys[i])))
				break;
		if (j == n && bpf_map_delete_elem(fd, &keys[i]) &&
		    errno != ENOENT)
			ret = -errno;
	}
	free(keys);
	for (i = 0; i < n && !ret; i++) {
		val = want[i].val;
		if (!bpf_map_lookup_elem(fd, &want[i].key, &cur)) {
			val.drops = cur.drops;
			if (!memcmp(&cur, &val, sizeof(cur)))
				continue;
		}
		if (bpf_map_update_elem(fd, &want[i].key, &val, BPF_ANY))
			ret = -errno;
	}
	if (ret)
		return ret;
	/* narrow to what is left */
	hsb_datapath_vaddr_filters(dp, bloom, ifs);
	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < n; i++)
		vmac_if_add(ifs, want[i].key.ifindex);
	hsb_datapath_set_vaddr_filters(dp, bloom, ifs);
	return 0;
}

int hsb_vgroup_get(struct hsb_datapath *dp, uint16_t group, bool *active)
{
	struct hsb_vgroup g;
	__u32 k = group;

	*active = true;
	if (!group)
		return 0;
	if (group >= HSB_VGROUP_MAX)
		return -EINVAL;
	if (bpf_map_lookup_elem(hsb_datapath_maps(dp)->vgroups, &k, &g))
		return -errno;
	*active = g.active;
	return 0;
}

void hsb_vaddr_foreach(struct hsb_datapath *dp, unsigned int kinds,
		       uint16_t group,
		       void (*fn)(const struct hsb_vaddr_key *k,
				  const struct hsb_vaddr *v, void *ctx),
		       void *ctx)
{
	int fd = hsb_datapath_maps(dp)->vaddrs;
	struct hsb_vaddr_key *keys;
	struct hsb_vaddr v;
	unsigned int n, i;

	keys = all_keys(fd, sizeof(*keys), sizeof(struct hsb_vaddr),
			HSB_VADDR_MAX, &n);
	if (!keys)
		return;
	for (i = 0; i < n; i++)
		if (!bpf_map_lookup_elem(fd, &keys[i], &v) &&
		    (kinds & (1u << v.kind)) && v.group == group)
			fn(&keys[i], &v, ctx);
	free(keys);
}
