// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which configuration lines carry a secret, and their masked form. The
 * control socket shows `hrp authentication-key` in clear only to root
 * or hsbd's own user (who can read /etc/hsb/hsbd.conf anyway); a client
 * let in as a member of the socket's group gets the masked line. The mask is not a valid key (the key has at least 8
 * characters): a masked running-config fed back is refused, never taken
 * as the key "******".
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

#define SECRET_CMD "hrp authentication-key"

bool hsb_config_line_secret(const char *line)
{
	size_t n = strlen(SECRET_CMD);

	return !strncmp(line, SECRET_CMD, n) &&
	       (line[n] == ' ' || line[n] == '\0');
}

const char *hsb_config_line_masked(const char *line, char *buf, size_t len)
{
	if (!hsb_config_line_secret(line))
		return line;
	snprintf(buf, len, "%s %s", SECRET_CMD, HSB_CONFIG_SECRET_MASK);
	return buf;
}
