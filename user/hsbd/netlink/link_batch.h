/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The summary of one batch of rtnetlink notifications (the datagrams one
 * event-loop round read): which kinds of object changed and, bounded,
 * which interfaces, with a link's name and flags as its last message gave
 * them. Enough for a subscriber to act on the interfaces named without
 * re-reading the world; when the summary is incomplete (notifications
 * lost, more interfaces than it holds), resync says so. Pure: parsing
 * only, no I/O.
 */
#ifndef HSBD_LINK_BATCH_H
#define HSBD_LINK_BATCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds of notification; a subscriber names those it wants. */
enum hsb_lev_kind {
	HSB_LEV_LINK = 1u << 0, /* RTM_NEWLINK, RTM_DELLINK */
	HSB_LEV_ADDR = 1u << 1, /* IPv4/IPv6 addresses */
	HSB_LEV_ROUTE = 1u << 2, /* IPv4/IPv6 routes */
	HSB_LEV_NEIGH = 1u << 3, /* neighbours (MAC, NUD state) */
	HSB_LEV_RULE = 1u << 4, /* policy-routing rules */
	HSB_LEV_NETCONF = 1u << 5, /* forwarding and other sysctls */
	HSB_LEV_NEXTHOP = 1u << 6, /* next-hop objects */
	HSB_LEV_OTHER = 1u << 7, /* any other message type */
	HSB_LEV_ANY = (1u << 8) - 1,
};

/* Distinct interfaces a summary names at most. More is rare (a burst over
 * many interfaces) and then cheaper to treat as "re-read everything". */
#define HSB_LEV_IFS 32

struct hsb_lev_if {
	int ifindex;
	unsigned int kinds; /* kinds of the messages that named it */
	/* From its last link message, when kinds has HSB_LEV_LINK: */
	bool deleted; /* RTM_DELLINK */
	unsigned int flags; /* ifi_flags: IFF_UP, IFF_RUNNING, IFF_LOWER_UP */
	char name[IF_NAMESIZE]; /* "" when the message had none */
};

/* IPv4/IPv6 neighbour notifications a summary lists at most (in arrival
 * order); more set neighs_many. Neighbours of other families (bridge FDB
 * entries, which a busy bridge reports by the thousand) are counted in
 * the kind but not listed: no FIB lookup answers with them. */
#define HSB_LEV_NEIGHS 64
/* Link-layer address bytes kept (Ethernet 6, InfiniBand 20). */
#define HSB_LEV_LLADDR_MAX 20

struct hsb_lev_neigh {
	int ifindex;
	uint8_t family; /* AF_INET, AF_INET6 */
	bool deleted; /* RTM_DELNEIGH */
	uint16_t state; /* ndm_state: NUD_* */
	uint8_t addr[16]; /* NDA_DST, the first 4 bytes for IPv4 */
	uint8_t lladdr_len; /* NDA_LLADDR's length; 0: none given */
	uint8_t lladdr[HSB_LEV_LLADDR_MAX];
};

struct hsb_lev_batch {
	unsigned int kinds; /* kinds that arrived; HSB_LEV_ANY after a loss */
	unsigned int messages; /* notifications in the batch */
	bool overrun; /* the kernel dropped notifications (ENOBUFS) */
	bool many; /* more interfaces than ifs[] holds: ifs[] incomplete */
	/* Assume anything changed: overrun or many, set by
	 * hsb_lev_batch_close(). Subscribers re-read what they track. */
	bool resync;
	unsigned int n_ifs;
	struct hsb_lev_if ifs[HSB_LEV_IFS];
	/* IPv4/IPv6 neighbour changes; neighs_many: more than neighs[]
	 * holds, or one that could not be read whole (no NDA_DST, an
	 * address too long): neighs[] is incomplete */
	bool neighs_many;
	unsigned int n_neighs;
	struct hsb_lev_neigh neighs[HSB_LEV_NEIGHS];
};

void hsb_lev_batch_reset(struct hsb_lev_batch *b);
/* Adds the messages of one datagram (several notifications may share
 * one); returns how many there were. Truncated or malformed messages end
 * the datagram; fields a message lacks are left out. */
unsigned int hsb_lev_batch_add(struct hsb_lev_batch *b, const void *buf,
			       size_t len);
/* Notifications were lost: the batch stands for every kind. */
void hsb_lev_batch_lost(struct hsb_lev_batch *b);
/* Sets resync; returns whether there is anything to deliver. */
bool hsb_lev_batch_close(struct hsb_lev_batch *b);

/* The entry for ifindex, or NULL. */
const struct hsb_lev_if *hsb_lev_batch_find(const struct hsb_lev_batch *b,
					    int ifindex);
/* An RTM_NEWLINK arrived (an interface appeared or changed), or resync:
 * what re-attaching to re-created interfaces waits for. */
bool hsb_lev_batch_has_newlink(const struct hsb_lev_batch *b);

#endif /* HSBD_LINK_BATCH_H */
