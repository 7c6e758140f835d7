/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSBD_CORE_DUMPS_H
#define HSBD_CORE_DUMPS_H

#include <stddef.h>

/*
 * Keeps hsbd out of core dumps: its memory holds the HRP/VGMP
 * authentication key in clear (the configuration, the HMAC state), and
 * copies of it that no wiping can reach (freed buffers, OpenSSL's
 * state). Two things, because each stops one kind of dump:
 *  - RLIMIT_CORE 0 (soft and hard): no core file, and systemd-coredump,
 *    which reads the limit from the kernel (%c), stores nothing;
 *  - not dumpable (PR_SET_DUMPABLE 0): no dump at all unless the system
 *    dumps such processes (fs.suid_dumpable 2), and then for root only;
 *    also no ptrace attach but by CAP_SYS_PTRACE.
 * Called before the configuration is read. Returns 0 or -errno with the
 * reason in err.
 */
int hsbd_core_dumps_off(char *err, size_t errlen);

#endif
