// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "firewall/zones.h"
#include "hsb/abi.h"

_Static_assert(HSB_ZONE_FIRST_USER - HSB_ZONE_LOCAL == HSB_CFG_N_BUILTIN_ZONES,
	       "the built-in zones and their datapath ids disagree");

#define N_BUILTIN HSB_CFG_N_BUILTIN_ZONES

uint32_t hsb_zone_id(const struct hsb_config *cfg, const char *zone)
{
	unsigned int i;

	if (!zone[0])
		return HSB_ZONE_NONE;
	for (i = 0; i < N_BUILTIN; i++)
		if (!strcmp(zone, hsb_cfg_builtin_zones[i]))
			return HSB_ZONE_LOCAL + i;
	for (i = 0; i < cfg->n_zones; i++)
		if (!strcmp(zone, cfg->zones[i].name))
			return HSB_ZONE_FIRST_USER + i;
	return HSB_ZONE_NONE;
}

const char *hsb_zone_name(const struct hsb_config *cfg, uint32_t id)
{
	if (id >= HSB_ZONE_LOCAL && id < HSB_ZONE_LOCAL + N_BUILTIN)
		return hsb_cfg_builtin_zones[id - HSB_ZONE_LOCAL];
	if (id >= HSB_ZONE_FIRST_USER &&
	    id - HSB_ZONE_FIRST_USER < cfg->n_zones)
		return cfg->zones[id - HSB_ZONE_FIRST_USER].name;
	return NULL;
}
