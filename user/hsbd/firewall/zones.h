/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Zone names <-> the ids the datapath uses (include/hsb/abi.h): built-in
 * zones 1..4, user zones from HSB_ZONE_FIRST_USER in definition order, 0 for
 * no zone. Shared by the interface table, the policy compiler and the
 * session views.
 */
#ifndef HSB_ZONES_H
#define HSB_ZONES_H

#include <stdint.h>

#include "config.h"

/* HSB_ZONE_NONE for "" or a name the configuration does not define. */
uint32_t hsb_zone_id(const struct hsb_config *cfg, const char *zone);

/* The zone's name, or NULL when no zone has this id. */
const char *hsb_zone_name(const struct hsb_config *cfg, uint32_t id);

#endif /* HSB_ZONES_H */
