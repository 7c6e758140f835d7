/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSBD_CAPS_H
#define HSBD_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * hsbd's capabilities: the ones it needs, checked at start (a clear
 * error naming what is missing, rather than EPERM from a BPF or socket
 * call deep inside an engine), and everything else given up.
 * docs/operations.md, "Least privilege", says how the set was measured.
 */

/* 0 when every capability hsbd needs is in its effective set; otherwise
 * -1 with the missing ones and what they are for in err. socket_group:
 * --socket-group was given, which needs CAP_CHOWN at start (root giving
 * its file to a group it is not in). */
int hsbd_caps_check(bool socket_group, char *err, size_t errlen);

/* Drop every capability hsbd does not need from the effective,
 * permitted, inheritable, ambient and bounding sets (CAP_SYS_ADMIN,
 * optional, is kept when present). 0 or -1 with err set. */
int hsbd_caps_limit(char *err, size_t errlen);

#endif
