/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HRP engine of hsbd: state backup to the peer over the heartbeat
 * link (docs/hrp.md). Each host sends what its own datapath made - the
 * change records of the bus, sessions and NAT entries not installed from
 * the peer - and installs what the peer sends through the install path
 * (datapath/install.h), which never emits records: nothing echoes back.
 *
 * Sender: records are converted to their transfer form as the bus
 * delivers them, gathered into a RECORDS frame and flushed when the frame
 * is full or HRP_FLUSH_MS after its first record. A change of a session
 * whose record is still in the frame replaces that record in place
 * (hrp_coalesce.h): one flush carries a session's latest state once. On (re)connection, and
 * when the connection's send buffer overflowed (records dropped, counted),
 * a batch backup walks the session and NAT tables in slices, paced by the
 * send buffer, between BULK_BEGIN and BULK_END, in zlib-compressed
 * BULK_CHUNK frames (hrp_chunk.h); meanwhile and just after, live session
 * records carry the table's value (hrp_fresh.h).
 *
 * Receiver: a frame's records are checked whole (a bad one refuses the
 * frame, counted), then installed one by one; refusals are counted by
 * reason. Session deletes remove only sessions installed from the peer.
 * Each RECORDS frame applied is acknowledged (an ACK frame with its
 * sequence): the sender's applied lag (hrp_lag.h) ends there.
 */
#ifndef HSBD_HRP_ENGINE_H
#define HSBD_HRP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "hrp/hrp_record.h"
#include "datapath/install.h"
#include "hrp/hrp_lag.h"
#include "hrp/hrp_owner.h"

struct hsb_hrp;
struct hrp_link_stats;

#define HRP_FLUSH_MS 1
/* A session from the peer that had a packet here this recently is not
 * removed by the peer's delete, but taken over (hrp_engine.c). */
#define HRP_LIVE_NS (2ull * 1000 * 1000 * 1000)
#define HRP_FRAME_PAYLOAD (60u * 1024u) /* records per frame, bytes */
/* zlib level of BULK_CHUNK frames: measured (docs/benchmarks.md, 6) */
#define HRP_BULK_ZLIB_LEVEL 1

struct hsb_hrp_stats {
	uint64_t tx_records[HRP_REC__MAX];
	uint64_t tx_skipped_peer; /* records of entries from the peer */
	uint64_t tx_dropped; /* records lost to a full send buffer */
	uint64_t tx_coalesced; /* changes merged into a record in the frame */
	uint64_t tx_down; /* records while the link was down */
	uint64_t rx_records[HRP_REC__MAX];
	uint64_t rx_unknown; /* record types this host does not know */
	uint64_t rx_refused_frames[HRP_RE__COUNT];
	uint64_t rx_deletes_ignored; /* not a session from the peer */
	uint64_t rx_deletes_kept_live; /* packets passed here: claimed */
	uint64_t rx_stale_removed; /* the peer no longer had them */
	uint64_t bulk_started, bulk_sent_entries, bulk_done;
	uint64_t bulk_received; /* BULK_END from the peer */
	/* compressed BULK_CHUNK frames: their records, and on the wire */
	uint64_t bulk_raw_bytes, bulk_zlib_bytes;
	uint64_t last_bulk_ms; /* CLOCK_REALTIME of the last BULK_END sent */
	uint64_t ready_timeouts; /* preemption allowed without a backup */
	uint64_t tx_freshened; /* session records sent with the table's value */
	uint64_t tx_stale_dropped; /* ... not sent: gone, or the peer's now */
	uint64_t rx_bad_acks; /* ACK frames of another length: ignored */
	uint64_t tx_acks_lost; /* ACKs not sent: send buffer full, or down */
};

struct hsb_hrp_info {
	bool up;
	bool connects; /* this side connects (lower node id) */
	bool bulk_running;
	size_t queued; /* bytes waiting in the send buffer */
	const struct hrp_link_stats *link;
	const struct hsb_hrp_stats *st;
	const struct hsb_install_stats *install;
	const struct hrp_owner_stats *owner;
	bool owner_pass_running; /* a claim or yield under way */
	bool backup_complete;
	bool mirror_on; /* quick session backup forwarding (hrp_mirror.h) */
	struct hrp_lag_q lag; /* applied lag, the last minute */
	const struct hrp_lag *lag_stats;
	/* the batch backup under way (bulk_running) */
	const char *bulk_phase; /* "sessions", "nat-pat", ... */
	uint64_t bulk_sent; /* entries of this one so far */
	uint64_t bulk_elapsed_ms;
	uint64_t bulk_rate; /* entries/s so far */
	uint64_t bulk_sessions; /* the table's size at the last sweep */
	uint64_t bulk_eta_ms; /* of the sessions phase; 0: unknown/past */
};

/* VGMP's preemption hook: the batch backup from the peer has arrived
 * (BULK_END), or HRP_READY_TIMEOUT_MS passed without one (logged). */
#define HRP_READY_TIMEOUT_MS 30000
bool hsb_hrp_backup_complete(const struct hsb_hrp *v);

/* v may be NULL (HRP not enabled): out->link is NULL then. */
void hsb_hrp_info(const struct hsb_hrp *v, struct hsb_hrp_info *out);
/* hsbctl hrp sync: a batch backup now. -1 with err when down. */
int hsb_hrp_sync(struct hsb_hrp *v, char *err, size_t errlen);

/* Configuration backup (hrp_config.h); v not NULL for the info. */
struct hrp_config_info;
void hsb_hrp_config_info(const struct hsb_hrp *v, struct hrp_config_info *out);
/* hsbctl hrp sync config. -1 with err. */
int hsb_hrp_sync_config(struct hsb_hrp *v, char *err, size_t errlen);
/* This host is HRP_S: its backed-up part is the peer's (a reload keeps
 * it rather than the file's). v may be NULL. */
bool hsb_hrp_config_from_peer(const struct hsb_hrp *v);

#endif /* HSBD_HRP_ENGINE_H */
