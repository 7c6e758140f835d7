// SPDX-License-Identifier: GPL-2.0-only
/*
 * The configuration file holds the HRP key that authenticates the
 * heartbeat and backup channel: anyone who reads it can forge VGMP and
 * HRP frames. hsbctl save writes it 0600; a file made some other way
 * (an editor, a copy, configuration management) may be wider.
 *
 * A warning, not a refusal: refusing would turn a permission slip into a
 * gateway that does not come up after a reboot, the worst time to find
 * it; the warning says what to run. It is repeated on each load/reload.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "privs/conf_mode.h"

bool hsbd_conf_mode_unsafe(const char *path, const struct hsb_config *cfg,
			   char *msg, size_t len)
{
	struct stat st;

	if (!cfg->hrp.auth_key[0] || stat(path, &st))
		return false;
	if (!(st.st_mode & (S_IRWXG | S_IRWXO)))
		return false;
	snprintf(
		msg, len,
		"%s holds hrp authentication-key but is mode %04o: group or others may read or change it; chmod 600 %s",
		path, (unsigned int)(st.st_mode & 07777), path);
	return true;
}
