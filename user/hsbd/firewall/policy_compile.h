/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The security-policy compiler: configuration rules (names, prefixes,
 * protocol, port ranges) -> the datapath's struct hsb_rule array
 * (include/hsb/policy.h). Pure: no maps, no I/O, so unit tests drive it.
 */
#ifndef HSB_POLICY_COMPILE_H
#define HSB_POLICY_COMPILE_H

#include <stddef.h>

#include "config.h"
#include "hsb/policy.h"

/*
 * Compile cfg's security-policy rules, in order, into out (room for
 * HSB_MAX_RULES). Returns the number of rules, or -1 with a message naming
 * the rule in err when one cannot be expressed in the datapath.
 */
int hsb_policy_compile(const struct hsb_config *cfg, struct hsb_rule *out,
		       char *err, size_t errlen);

#endif /* HSB_POLICY_COMPILE_H */
