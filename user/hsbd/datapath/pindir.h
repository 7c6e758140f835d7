/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSB_PINDIR_H
#define HSB_PINDIR_H

#include <stddef.h>

/*
 * Make sure dir exists on a BPF filesystem. When dir's parent is the
 * standard /sys/fs/bpf and nothing is mounted there, mount a bpffs (as
 * systemd would). Any other location must already be on a bpffs: tests and
 * containers mount their own. Fills err on failure.
 */
int hsb_pindir_prepare(const char *dir, char *err, size_t errlen);

/* Remove dir if it is empty; a non-empty dir is left (someone else's pins). */
void hsb_pindir_remove(const char *dir);

#endif /* HSB_PINDIR_H */
