// SPDX-License-Identifier: GPL-2.0-only
/* Quick session backup, hsbd's part. See hrp_mirror.h. */
#include "hrp/hrp_mirror.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "config/config_model.h"
#include "datapath/datapath.h"
#include "hsb/flow.h"
#include "hsb/peer.h"

bool hrp_mirror_set(struct hsb_datapath *dp, const struct hsb_cfg_hrp *c,
		    bool up)
{
	struct hsb_peer_fwd f;

	memset(&f, 0, sizeof(f));
	if (c && c->mirror_session && c->has_link && up) {
		f.ifindex = if_nametoindex(c->ifname);
		if (c->remote.family == AF_INET) {
			f.family = HSB_FAMILY_IPV4;
			memcpy(f.addr, &c->remote.v4, sizeof(c->remote.v4));
		} else {
			f.family = HSB_FAMILY_IPV6;
			memcpy(f.addr, &c->remote.v6, sizeof(c->remote.v6));
		}
		f.per_ms = HSB_PEER_FWD_PER_MS;
		f.on = f.ifindex != 0;
	}
	if (dp)
		hsb_datapath_set_peer_fwd(dp, &f);
	return f.on;
}
