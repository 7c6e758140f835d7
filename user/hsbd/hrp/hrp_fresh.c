// SPDX-License-Identifier: GPL-2.0-only
/* Session records no older than a batch backup. See hrp_fresh.h. */
#include <bpf/bpf.h>

#include "hrp/hrp_fresh.h"
#include "hsb/session.h"

enum hrp_fresh hrp_fresh_session(int fd, union hsb_record *u)
{
	struct hsb_session now;

	if (bpf_map_lookup_elem(fd, &u->sess.key, &now))
		return HRP_FRESH_GONE;
	if (now.flags & HSB_SESS_F_FROM_PEER)
		return HRP_FRESH_PEER;
	u->sess.sess = now;
	return HRP_FRESH_SEND;
}
