// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "zones.h"
#include "hsb/abi.h"

/* Indexed by zone id - HSB_ZONE_LOCAL. */
static const char *const builtin_zones[] = { "local", "trust", "untrust",
					     "dmz" };

#define N_BUILTIN (sizeof(builtin_zones) / sizeof(builtin_zones[0]))

uint32_t hsb_zone_id(const struct hsb_config *cfg, const char *zone)
{
	unsigned int i;

	if (!zone[0])
		return HSB_ZONE_NONE;
	for (i = 0; i < N_BUILTIN; i++)
		if (!strcmp(zone, builtin_zones[i]))
			return HSB_ZONE_LOCAL + i;
	for (i = 0; i < cfg->n_zones; i++)
		if (!strcmp(zone, cfg->zones[i].name))
			return HSB_ZONE_FIRST_USER + i;
	return HSB_ZONE_NONE;
}

const char *hsb_zone_name(const struct hsb_config *cfg, uint32_t id)
{
	if (id >= HSB_ZONE_LOCAL && id < HSB_ZONE_LOCAL + N_BUILTIN)
		return builtin_zones[id - HSB_ZONE_LOCAL];
	if (id >= HSB_ZONE_FIRST_USER &&
	    id - HSB_ZONE_FIRST_USER < cfg->n_zones)
		return cfg->zones[id - HSB_ZONE_FIRST_USER].name;
	return NULL;
}
