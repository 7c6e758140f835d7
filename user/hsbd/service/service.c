// SPDX-License-Identifier: GPL-2.0-only
/* hsbd's notifications to systemd (service.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "clock.h"
#include "ha/switchover.h"
#include "hrp/hrp_engine.h"
#include "hsbd.h"
#include "log.h"
#include "service/service.h"
#include "service/status_line.h"
#include "vgmp/vgmp_engine.h"
#include "vrrp/vrrp_engine.h"

/* HRP's link has no observer: its up/down shows within this. */
#define STATUS_POLL_MS 1000
/* A switchover is a burst of member and group events: summarise once
 * it has settled, not after each. */
#define STATUS_SETTLE_MS 20

struct hsbd_service {
	struct hsbd *d;
	struct hsb_timer *watchdog_t;
	struct hsb_timer *status_t;
	bool reload_failed;
	char status[256]; /* last sent */
};

static void count_vrrp(const struct vrrp_inst *in, void *ctx)
{
	struct hsbd_status_counts *c = ctx;

	if (in->fsm.state <= VRRP_STATE_MASTER)
		c->vrrp[in->fsm.state]++;
}

static void count_vgmp(const struct vgmp_grp *g, void *ctx)
{
	struct hsbd_status_counts *c = ctx;

	if (g->fsm.state <= VGMP_STATE_ACTIVE)
		c->vgmp[g->fsm.state]++;
}

static void summarise(struct hsbd_service *s, char *buf, size_t len)
{
	struct hsbd_status_counts c = { .reload_failed = s->reload_failed };
	struct hsb_hrp_info hi;

	hsb_vrrp_foreach(s->d->vrrp, count_vrrp, &c);
	hsb_vgmp_foreach(s->d->vgmp, count_vgmp, &c);
	if (s->d->hrp) {
		hsb_hrp_info(s->d->hrp, &hi);
		c.hrp_enabled = true;
		c.hrp_up = hi.up;
	}
	hsbd_status_format(&c, buf, len);
}

/* prefix: lines sent in the same datagram ("READY=1\n"), or "". */
static void send_status(struct hsbd_service *s, const char *prefix, bool force)
{
	char now[sizeof(s->status)];
	int ret;

	summarise(s, now, sizeof(now));
	if (!force && !strcmp(now, s->status))
		return;
	ret = sd_notifyf(0, "%sSTATUS=%s", prefix, now);
	if (ret < 0)
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "service manager notification: %s",
				    strerror(-ret));
	snprintf(s->status, sizeof(s->status), "%s", now);
}

void hsbd_service_refresh(struct hsbd_service *s)
{
	if (s)
		send_status(s, "", false);
}

static void on_status(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	hsbd_service_refresh(ctx);
}

static void on_ha(const struct hsb_ha_event *ev, void *ctx)
{
	struct hsbd_service *s = ctx;

	if (ev->kind == HSB_HA_EV_HEARD)
		return;
	hsb_timer_arm(s->status_t, STATUS_SETTLE_MS, STATUS_POLL_MS);
}

/* From the loop, never a thread of its own: a loop that is stuck in a
 * callback stops petting, and that is what the watchdog is for. */
static void on_watchdog(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	(void)ctx;
	sd_notify(0, "WATCHDOG=1");
}

/* WATCHDOG_USEC (and WATCHDOG_PID, when it names us): pet at half the
 * interval, as sd_watchdog_enabled(3) recommends. */
static int arm_watchdog(struct hsbd_service *s)
{
	uint64_t usec = 0, ms;
	int ret;

	ret = sd_watchdog_enabled(0, &usec);
	if (ret < 0) {
		hsb_warn("watchdog: bad WATCHDOG_USEC/WATCHDOG_PID: %s",
			 strerror(-ret));
		return 0;
	}
	if (!ret)
		return 0;
	ms = usec / 2000;
	if (!ms)
		ms = 1;
	s->watchdog_t = hsb_timer_new(s->d->loop, on_watchdog, s);
	if (!s->watchdog_t || hsb_timer_arm(s->watchdog_t, ms, ms))
		return -1;
	hsb_info("watchdog: every %" PRIu64 " ms (WatchdogSec %" PRIu64 " ms)",
		 ms, usec / 1000);
	return 0;
}

struct hsbd_service *hsbd_service_start(struct hsbd *d)
{
	struct hsbd_service *s;

	/* not under a service manager: no status to keep up to date (the
	 * calls below take NULL) */
	if (!getenv("NOTIFY_SOCKET"))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto fail;
	s->d = d;
	s->status_t = hsb_timer_new(d->loop, on_status, s);
	if (!s->status_t ||
	    hsb_timer_arm(s->status_t, STATUS_POLL_MS, STATUS_POLL_MS) ||
	    arm_watchdog(s) ||
	    (d->ha && hsb_switchover_observe(d->ha, on_ha, s)))
		goto fail;
	/* systemd arms the watchdog when the start-up completes (READY=1):
	 * the first pet goes with it, the timer takes over from there */
	send_status(s, "READY=1\nWATCHDOG=1\n", true);
	return s;
fail:
	hsb_err("service manager notifications: out of memory; no status or watchdog");
	/* still ready: a start that systemd times out would be worse */
	sd_notify(0, "READY=1");
	if (s) {
		hsb_timer_free(s->watchdog_t);
		hsb_timer_free(s->status_t);
		free(s);
	}
	return NULL;
}

void hsbd_service_stop(struct hsbd_service *s)
{
	if (!s)
		return;
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	if (s->d->ha)
		hsb_switchover_unobserve(s->d->ha, on_ha, s);
	hsb_timer_free(s->watchdog_t);
	hsb_timer_free(s->status_t);
	free(s);
}

void hsbd_service_reloading(struct hsbd_service *s)
{
	if (!s)
		return;
	/* MONOTONIC_USEC: systemd >= 253 (Type=notify-reload) wants it with
	 * RELOADING=1 to match the READY=1 that ends the reload; older
	 * versions ignore it. */
	sd_notifyf(0,
		   "RELOADING=1\nSTATUS=reloading %s\nMONOTONIC_USEC=%" PRIu64,
		   s->d->opt.config_path, hsb_now_ns() / 1000);
}

void hsbd_service_reloaded(struct hsbd_service *s, bool ok)
{
	if (!s)
		return;
	s->reload_failed = !ok;
	send_status(s, "READY=1\n", true);
}
