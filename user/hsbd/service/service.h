/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hsbd and its service manager (systemd's notify protocol, sd_notify(3)):
 * READY=1 once the datapath is attached and every engine has reconciled
 * the first configuration, STATUS= when the summary changes,
 * RELOADING=1 ... READY=1 around a re-read of the file, STOPPING=1 on an
 * orderly stop, and WATCHDOG=1 from a timer of the event loop at half of
 * WATCHDOG_USEC, so a loop that is stuck stops petting and systemd
 * restarts hsbd. Without NOTIFY_SOCKET (not under systemd, in a container)
 * every call is a no-op.
 */
#ifndef HSBD_SERVICE_H
#define HSBD_SERVICE_H

#include <stdbool.h>

struct hsbd;
struct hsbd_service;

/* After the engines and the control socket are up: arms the watchdog,
 * tells READY=1 with the first STATUS=, and follows HA changes. NULL
 * without NOTIFY_SOCKET (not started by a service manager: nothing to
 * do), or (logged) on ENOMEM: READY=1 is still sent, and hsbd runs on
 * without status lines or watchdog. */
struct hsbd_service *hsbd_service_start(struct hsbd *d);
/* Before the engines stop: STOPPING=1; frees the timers. s may be NULL. */
void hsbd_service_stop(struct hsbd_service *s);

/* Around hsbd_reload(): RELOADING=1 first, then READY=1 and the status
 * (which says so when the file was refused). s may be NULL. */
void hsbd_service_reloading(struct hsbd_service *s);
void hsbd_service_reloaded(struct hsbd_service *s, bool ok);

/* Recompute the summary now and send it if it changed. */
void hsbd_service_refresh(struct hsbd_service *s);

#endif /* HSBD_SERVICE_H */
