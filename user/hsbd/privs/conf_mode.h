/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSBD_CONF_MODE_H
#define HSBD_CONF_MODE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* True, with the warning in msg, when the configuration file at path
 * holds `hrp authentication-key` and others than its owner may read it. */
bool hsbd_conf_mode_unsafe(const char *path, const struct hsb_config *cfg,
			   char *msg, size_t len);

#endif
