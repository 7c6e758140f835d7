/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VGMP messages on the heartbeat link (UDP): hellos carrying every group
 * of the sender, and acknowledgements of triggered hellos. The byte
 * layout is in docs/vgmp.md ("Wire format"); integers are big-endian.
 * Every message ends with an HMAC-SHA256 over everything before it,
 * keyed with `hrp authentication-key` (OpenSSL libcrypto). Pure: no
 * I/O; decoding checks every length and field before anything is used.
 */
#ifndef HSB_VGMP_CODEC_H
#define HSB_VGMP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "vgmp_group.h"

#define VGMP_MAGIC 0x5647 /* "VG" */
#define VGMP_VERSION 1
#define VGMP_HDR_LEN 56
#define VGMP_GROUP_LEN 48
#define VGMP_MEMBER_LEN 4
#define VGMP_HMAC_LEN 32
#define VGMP_MAX_GROUPS 8
#define VGMP_MAX_MEMBERS 64 /* per group */
#define VGMP_NAME_LEN 32 /* on the wire, NUL-padded */
#define VGMP_MAX_MSG                                                     \
	(VGMP_HDR_LEN +                                                  \
	 VGMP_MAX_GROUPS *                                               \
		 (VGMP_GROUP_LEN + VGMP_MAX_MEMBERS * VGMP_MEMBER_LEN) + \
	 VGMP_HMAC_LEN)

enum vgmp_msg_type {
	VGMP_MSG_HELLO = 1,
	VGMP_MSG_ACK = 2,
};

/* header flags */
#define VGMP_F_ACK_REQUESTED 0x0001 /* HELLO: answer with an ACK */

/* group flags */
#define VGMP_GF_READY 0x01
#define VGMP_GF_HANDOVER 0x02
#define VGMP_GF_PREEMPT 0x04

enum vgmp_member_state {
	VGMP_MEMBER_DOWN = 0,
	VGMP_MEMBER_BACKUP = 1,
	VGMP_MEMBER_MASTER = 2,
};

struct vgmp_wire_member {
	uint8_t vrid;
	uint8_t state; /* enum vgmp_member_state */
	uint8_t family; /* 4 or 6 */
};

struct vgmp_wire_group {
	char name[VGMP_NAME_LEN + 1];
	struct vgmp_peer_group g; /* state, priority, penalty, ready, handover */
	bool preempt;
	unsigned int n_members;
	struct vgmp_wire_member members[VGMP_MAX_MEMBERS];
};

struct vgmp_msg {
	enum vgmp_msg_type type;
	uint16_t flags;
	uint16_t hello_ms; /* the sender's hello interval */
	/* The sender's agent restarts with its datapath kept: keep it for
	 * alive this long (ms) without hearing it. 0 in every other hello;
	 * a receiver that predates it reads zero bytes (docs/vgmp.md). */
	uint32_t hold_ms;
	uint64_t epoch; /* the sender's start: orders messages across restarts */
	uint64_t seq;
	uint64_t ack; /* ACK: the seq it acknowledges */
	uint8_t node[VGMP_NODE_ID_SIZE];
	unsigned int n_groups;
	struct vgmp_wire_group groups[VGMP_MAX_GROUPS];
};

/* Why a received message was dropped (counted per reason). */
enum vgmp_rx_reason {
	VGMP_RX_OK = 0,
	VGMP_RX_SHORT, /* shorter than a header and its HMAC */
	VGMP_RX_MAGIC,
	VGMP_RX_VERSION, /* a version this host does not speak */
	VGMP_RX_LENGTH, /* length field != datagram, or groups do not fit */
	VGMP_RX_TYPE,
	VGMP_RX_BOUNDS, /* too many groups or members */
	VGMP_RX_FIELD, /* a state, family or name out of range */
	VGMP_RX_AUTH, /* HMAC mismatch: wrong key or altered */
	VGMP_RX_REPLAY, /* not newer than what the peer sent before */
	VGMP_RX_SELF, /* our own node id (a loop) */
	VGMP_RX__COUNT
};

const char *vgmp_rx_reason_name(enum vgmp_rx_reason r);

/* Encodes m into buf (at least VGMP_MAX_MSG bytes) with its HMAC.
 * Returns the length, or -EINVAL (too many groups or members). */
int vgmp_encode(const struct vgmp_msg *m, const uint8_t *key, size_t keylen,
		uint8_t *buf, size_t buflen);

/* Checks and decodes one datagram. The HMAC is checked before any field
 * past the header's lengths is believed. */
enum vgmp_rx_reason vgmp_decode(const uint8_t *buf, size_t len,
				const uint8_t *key, size_t keylen,
				struct vgmp_msg *m);

#endif /* HSB_VGMP_CODEC_H */
