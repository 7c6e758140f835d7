/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The message layer of VGMP between the two hosts (pure): sequence
 * numbers, replay protection and the acknowledgement of triggered hellos.
 *
 * Every message carries (epoch, seq): epoch is the sender's start time
 * (CLOCK_REALTIME ns when it started), seq counts from 1 within it. A
 * message is accepted only if it is newer than the last accepted one from
 * that peer: a later epoch, or the same epoch and a higher seq - so a
 * captured hello can be replayed neither during a run nor after the
 * sender restarts. (A receiver that restarted itself has no memory: it
 * may take one stale replay until the peer's next live hello supersedes
 * it; docs/vgmp.md.)
 *
 * A triggered hello (a state or priority change) asks for an ACK; until
 * one comes, it is resent - a fresh hello with the current state - every
 * retransmit interval (a tenth of the hello interval, 5..50 ms), at most
 * VGMP_MAX_RETRANSMITS times, so one lost datagram does not delay a
 * switchover by a whole interval.
 */
#ifndef HSB_VGMP_LINK_H
#define HSB_VGMP_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "vgmp_codec.h"

#define VGMP_MAX_RETRANSMITS 5

struct vgmp_link_stats {
	uint64_t tx_hellos;
	uint64_t tx_triggered; /* hellos asking for an ACK */
	uint64_t tx_retransmits;
	uint64_t tx_acks;
	uint64_t rx_hellos;
	uint64_t rx_acks;
	uint64_t rx_acks_stale; /* for a hello already superseded */
	uint64_t acks_missing; /* gave up after VGMP_MAX_RETRANSMITS */
	uint64_t peer_restarts; /* a new epoch from the peer */
	uint64_t rx_rejected[VGMP_RX__COUNT];
};

struct vgmp_link {
	uint8_t node[VGMP_NODE_ID_SIZE];
	uint64_t epoch;
	uint64_t seq; /* last sent */
	uint32_t hello_ms; /* shortest of the groups' intervals */
	/* the peer as last accepted */
	bool peer_seen;
	uint64_t peer_epoch;
	uint64_t peer_seq;
	/* the triggered hello waiting for its ACK */
	bool awaiting_ack;
	uint64_t ack_seq;
	unsigned int retransmits;
	bool retransmitting; /* the next triggered hello is a resend */
	uint64_t retransmit_at_ms;
	struct vgmp_link_stats st;
};

void vgmp_link_init(struct vgmp_link *l, const uint8_t *node, uint64_t epoch,
		    uint32_t hello_ms);

/* The header of the next message: type, flags, epoch, seq, node. A
 * triggered hello (ack_requested) starts or restarts the ACK wait. */
void vgmp_link_next(struct vgmp_link *l, enum vgmp_msg_type type,
		    bool ack_requested, uint64_t now_ms, struct vgmp_msg *m);
/* The ACK answering hello h. */
void vgmp_link_ack(struct vgmp_link *l, const struct vgmp_msg *h,
		   uint64_t now_ms, struct vgmp_msg *ack);

/* Checks a decoded message (replay, our own); an ACK ends the wait when
 * it answers the hello being waited for. Returns VGMP_RX_OK when the
 * caller should act on it (hellos: pass the groups on; answer with an ACK
 * if m->flags asks). Counts rejections. */
enum vgmp_rx_reason vgmp_link_rx(struct vgmp_link *l, const struct vgmp_msg *m,
				 uint64_t now_ms);
/* Count a message the codec refused. */
void vgmp_link_rx_rejected(struct vgmp_link *l, enum vgmp_rx_reason r);

/* When the link next needs the caller: a retransmit due (0: none). */
uint64_t vgmp_link_deadline(const struct vgmp_link *l);
/* Called at or after vgmp_link_deadline(): true when a fresh triggered
 * hello must be sent now (vgmp_link_next(..., true, ...)). */
bool vgmp_link_retransmit_due(struct vgmp_link *l, uint64_t now_ms);

#endif /* HSB_VGMP_LINK_H */
