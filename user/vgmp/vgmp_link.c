// SPDX-License-Identifier: GPL-2.0-only
/* VGMP message layer: sequence, replay, ACKs. See vgmp_link.h. */
#include <string.h>

#include "vgmp_link.h"

static uint32_t retransmit_ms(const struct vgmp_link *l)
{
	uint32_t ms = l->hello_ms / 10;

	return ms < 5 ? 5 : ms > 50 ? 50 : ms;
}

void vgmp_link_init(struct vgmp_link *l, const uint8_t *node, uint64_t epoch,
		    uint32_t hello_ms)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->node, node, VGMP_NODE_ID_SIZE);
	l->epoch = epoch;
	l->hello_ms = hello_ms;
}

static void header(struct vgmp_link *l, enum vgmp_msg_type type,
		   struct vgmp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->epoch = l->epoch;
	m->seq = ++l->seq;
	m->hello_ms = l->hello_ms > 0xffff ? 0xffff : (uint16_t)l->hello_ms;
	memcpy(m->node, l->node, VGMP_NODE_ID_SIZE);
}

void vgmp_link_next(struct vgmp_link *l, enum vgmp_msg_type type,
		    bool ack_requested, uint64_t now_ms, struct vgmp_msg *m)
{
	header(l, type, m);
	if (type == VGMP_MSG_ACK) {
		l->st.tx_acks++;
		return;
	}
	l->st.tx_hellos++;
	if (!ack_requested)
		return;
	m->flags |= VGMP_F_ACK_REQUESTED;
	/* a retransmission keeps counting; a new change starts afresh */
	if (l->retransmitting)
		l->st.tx_retransmits++;
	else
		l->retransmits = 0;
	l->retransmitting = false;
	l->st.tx_triggered++;
	l->awaiting_ack = true;
	l->ack_seq = m->seq;
	l->retransmit_at_ms = now_ms + retransmit_ms(l);
}

void vgmp_link_ack(struct vgmp_link *l, const struct vgmp_msg *h,
		   uint64_t now_ms, struct vgmp_msg *ack)
{
	vgmp_link_next(l, VGMP_MSG_ACK, false, now_ms, ack);
	ack->ack = h->seq;
}

void vgmp_link_rx_rejected(struct vgmp_link *l, enum vgmp_rx_reason r)
{
	if ((unsigned int)r < VGMP_RX__COUNT)
		l->st.rx_rejected[r]++;
}

enum vgmp_rx_reason vgmp_link_rx(struct vgmp_link *l, const struct vgmp_msg *m,
				 uint64_t now_ms)
{
	(void)now_ms;
	if (!memcmp(m->node, l->node, VGMP_NODE_ID_SIZE)) {
		l->st.rx_rejected[VGMP_RX_SELF]++;
		return VGMP_RX_SELF;
	}
	if (l->peer_seen &&
	    (m->epoch < l->peer_epoch ||
	     (m->epoch == l->peer_epoch && m->seq <= l->peer_seq))) {
		l->st.rx_rejected[VGMP_RX_REPLAY]++;
		return VGMP_RX_REPLAY;
	}
	if (l->peer_seen && m->epoch != l->peer_epoch)
		l->st.peer_restarts++;
	l->peer_seen = true;
	l->peer_epoch = m->epoch;
	l->peer_seq = m->seq;
	if (m->type == VGMP_MSG_HELLO) {
		l->st.rx_hellos++;
		return VGMP_RX_OK;
	}
	l->st.rx_acks++;
	if (l->awaiting_ack && m->ack == l->ack_seq)
		l->awaiting_ack = false;
	else
		l->st.rx_acks_stale++;
	return VGMP_RX_OK;
}

uint64_t vgmp_link_deadline(const struct vgmp_link *l)
{
	return l->awaiting_ack ? l->retransmit_at_ms : 0;
}

bool vgmp_link_retransmit_due(struct vgmp_link *l, uint64_t now_ms)
{
	if (!l->awaiting_ack || now_ms < l->retransmit_at_ms)
		return false;
	if (l->retransmits == VGMP_MAX_RETRANSMITS) {
		l->awaiting_ack = false;
		l->st.acks_missing++;
		return false;
	}
	l->retransmits++;
	l->retransmitting = true;
	return true;
}
