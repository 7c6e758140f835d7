// SPDX-License-Identifier: GPL-2.0-only
/* `vrrp vrid` entries onto struct vrrp_fsm_config. Pure. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_map.h"

struct vrrp_addr vrrp_map_addr(const struct hsb_cfg_addr *a)
{
	if (a->family == AF_INET)
		return vrrp_addr_make(AF_INET, &a->v4);
	if (a->family == AF_INET6)
		return vrrp_addr_make(AF_INET6, &a->v6);
	return (struct vrrp_addr){ .family = AF_UNSPEC };
}

int vrrp_map_config(const struct hsb_cfg_vrrp *c, struct vrrp_fsm_config *out,
		    char *err, size_t errlen)
{
	struct vrrp_fsm scratch;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!c->n_vips || c->n_vips > VRRP_FSM_MAX_VIPS)
		goto invalid;
	out->vrid = (uint8_t)c->vrid;
	out->version = (uint8_t)c->version;
	out->family = c->vips[0].addr.family;
	out->priority = (uint8_t)c->priority;
	out->advert_cs = (uint16_t)c->advert_cs;
	out->preempt = c->preempt;
	out->preempt_delay_cs = c->preempt_delay_cs;
	out->accept = c->accept;
	/* a VGMP member: its group decides (user/vrrp/vrrp_fsm.h) */
	out->follow = c->vgmp_group[0] != '\0';
	out->n_vips = c->n_vips;
	for (i = 0; i < c->n_vips; i++)
		out->vips[i] = vrrp_map_addr(&c->vips[i].addr);
	if (c->vrid > 255 || c->priority > 255 || c->advert_cs > 0xffff ||
	    vrrp_fsm_init(&scratch, out))
		goto invalid;
	return 0;
invalid:
	snprintf(err, errlen,
		 "vrrp vrid %u interface %s: settings the VRRP engine refuses",
		 c->vrid, c->ifname);
	return -1;
}

static bool addr_eq(const struct hsb_cfg_addr *a, const struct hsb_cfg_addr *b)
{
	struct vrrp_addr x = vrrp_map_addr(a), y = vrrp_map_addr(b);

	return vrrp_addr_eq(&x, &y);
}

/* Same addresses and prefix lengths in the same order (adverts list the
 * VIPs in configuration order). */
static bool vips_eq(const struct hsb_cfg_vrrp *a, const struct hsb_cfg_vrrp *b)
{
	unsigned int i;

	if (a->n_vips != b->n_vips)
		return false;
	for (i = 0; i < a->n_vips; i++)
		if (!addr_eq(&a->vips[i].addr, &b->vips[i].addr) ||
		    a->vips[i].len != b->vips[i].len)
			return false;
	return true;
}

static bool peers_eq(const struct hsb_cfg_vrrp *a, const struct hsb_cfg_vrrp *b)
{
	unsigned int i;

	if (a->n_peers != b->n_peers)
		return false;
	for (i = 0; i < a->n_peers; i++)
		if (!addr_eq(&a->peers[i], &b->peers[i]))
			return false;
	return true;
}

enum vrrp_map_change vrrp_map_diff(const struct hsb_cfg_vrrp *a,
				   const struct hsb_cfg_vrrp *b)
{
	if (a->vrid != b->vrid || strcmp(a->ifname, b->ifname) ||
	    !vips_eq(a, b) || a->advert_cs != b->advert_cs ||
	    a->preempt != b->preempt ||
	    a->preempt_delay_cs != b->preempt_delay_cs ||
	    a->accept != b->accept || a->version != b->version ||
	    a->vmac != b->vmac || strcmp(a->vgmp_group, b->vgmp_group) ||
	    /* the address owner is fixed when the instance is built */
	    (a->priority == VRRP_PRIO_OWNER) !=
		    (b->priority == VRRP_PRIO_OWNER))
		return VRRP_MAP_RESTART;
	if (a->priority != b->priority || !peers_eq(a, b) ||
	    a->garp_count != b->garp_count ||
	    a->garp_interval_ms != b->garp_interval_ms ||
	    a->garp_refresh_s != b->garp_refresh_s ||
	    strcmp(a->notify, b->notify))
		return VRRP_MAP_UPDATE;
	return VRRP_MAP_SAME;
}
