/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one-line summary hsbd gives its service manager (systemd's STATUS=,
 * shown by `systemctl status hsbd`): which side of the pair this host is
 * on, and what decided it. Pure, so the wording is unit-tested
 * (tests/unit/test_status_line.c); service.c gathers the counts.
 */
#ifndef HSBD_SERVICE_STATUS_LINE_H
#define HSBD_SERVICE_STATUS_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Indexed by member state: enum vrrp_state / enum vgmp_state order
 * (init, backup or standby, master or active). */
struct hsbd_status_counts {
	unsigned int vrrp[3];
	unsigned int vgmp[3];
	bool hrp_enabled;
	bool hrp_up;
	bool reload_failed; /* the last re-read of the file was refused */
};

/*
 * "active: 2 vrrp master, hrp up", "standby: 1 vgmp standby, hrp down",
 * "running: no vrrp or vgmp configured". Active when this host is master
 * or active for anything (load-balancing pairs are active on both), else
 * standby once something is backup or standby, else starting. Always
 * NUL-terminated; truncated to len.
 */
void hsbd_status_format(const struct hsbd_status_counts *c, char *buf,
			size_t len);

#endif /* HSBD_SERVICE_STATUS_LINE_H */
