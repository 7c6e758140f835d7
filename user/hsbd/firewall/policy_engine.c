// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy engine: keeps the datapath's rule set equal to the configured
 * security policy. A new rule set is written into the inactive half of
 * hsb_policy, then hsb_policy_ctl is flipped with one map update, so a
 * packet sees the old set or the new one, never a mix (include/hsb/
 * policy.h). Nothing is written when the compiled rules did not change, so
 * unrelated configuration changes never touch the datapath. Rolling back is
 * reconciling to the old configuration: recompile and flip again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "datapath/datapath.h"
#include "hsbd.h"
#include "log.h"
#include "firewall/policy_compile.h"

struct hsb_policy_state {
	struct hsb_rule live[HSB_MAX_RULES]; /* what the active half holds */
	int n_live; /* -1 until the first flip of this hsbd */
	uint64_t flips;
	uint64_t failures;
};

static int write_half(int fd, __u32 half, const struct hsb_rule *rules, int n)
{
	__u32 key;
	int i;

	for (i = 0; i < n; i++) {
		key = half * HSB_MAX_RULES + (__u32)i;
		if (bpf_map_update_elem(fd, &key, &rules[i], BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The half about to go live still counts hits of the set it held before:
 * zero them so per-rule hits start with the rule. */
static int zero_hits(int fd, __u32 half, int n, int nr_cpus)
{
	__u64 *zero = calloc((size_t)nr_cpus, sizeof(*zero));
	int i, ret = 0;
	__u32 key;

	if (!zero)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		key = half * HSB_MAX_RULES + (__u32)i;
		if (bpf_map_update_elem(fd, &key, zero, BPF_ANY))
			ret = -errno;
	}
	free(zero);
	return ret;
}

static int flip(const struct hsb_dp_maps *m, const struct hsb_rule *rules,
		int n)
{
	struct hsb_policy_ctl ctl = { 0 };
	__u32 zero = 0, next;
	int ret;

	if (bpf_map_lookup_elem(m->policy_ctl, &zero, &ctl))
		return -errno;
	next = ctl.active ? 0 : 1;
	ret = write_half(m->policy, next, rules, n);
	if (!ret)
		ret = zero_hits(m->rule_stats, next, n,
				libbpf_num_possible_cpus());
	if (ret)
		return ret;
	/* Two writes, because an array update is a plain copy that a packet
	 * may read half-way: first the new half's count, which no reader
	 * looks at while that half is inactive; then the same value with
	 * only `active` changed, so the one word that differs is what makes
	 * the new set live. */
	ctl.n_rules[next] = (__u32)n;
	if (bpf_map_update_elem(m->policy_ctl, &zero, &ctl, BPF_ANY))
		return -errno;
	ctl.active = next;
	if (bpf_map_update_elem(m->policy_ctl, &zero, &ctl, BPF_ANY))
		return -errno;
	return 0;
}

static int policy_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			    char *err, size_t errlen)
{
	struct hsb_policy_state *ps = d->policy;
	struct hsb_rule *rules;
	int n, ret;

	if (!ps) {
		ps = calloc(1, sizeof(*ps));
		if (!ps)
			return -ENOMEM;
		ps->n_live = -1;
		d->policy = ps;
	}
	rules = calloc(HSB_MAX_RULES, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	n = hsb_policy_compile(cfg, rules, err, errlen);
	if (n < 0) {
		free(rules);
		return -EINVAL;
	}
	if (n == ps->n_live &&
	    !memcmp(rules, ps->live, (size_t)n * sizeof(*rules))) {
		free(rules);
		return 0;
	}
	ret = flip(hsb_datapath_maps(d->dp), rules, n);
	if (ret) {
		ps->failures++;
		snprintf(err, errlen, "cannot update the security policy: %s",
			 strerror(-ret));
		free(rules);
		return ret;
	}
	memcpy(ps->live, rules, (size_t)n * sizeof(*rules));
	ps->n_live = n;
	ps->flips++;
	hsb_info("security policy: %d rule%s live", n, n == 1 ? "" : "s");
	free(rules);
	return 0;
}

static void policy_stop(struct hsbd *d)
{
	free(d->policy);
	d->policy = NULL;
}

static void policy_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_policy_state *ps = d->policy;

	if (!ps)
		return;
	json_object_object_add(
		out, "rules",
		json_object_new_int(ps->n_live < 0 ? 0 : ps->n_live));
	json_object_object_add(out, "updates",
			       json_object_new_uint64(ps->flips));
	json_object_object_add(out, "update_failures",
			       json_object_new_uint64(ps->failures));
}

const struct hsb_engine hsb_policy_engine = {
	.name = "policy",
	.reconcile = policy_reconcile,
	.stop = policy_stop,
	.counters = policy_counters,
};
