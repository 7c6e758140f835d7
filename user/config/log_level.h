/* SPDX-License-Identifier: GPL-2.0-only */
/* Log levels, shared by the config model (`log level ...`) and user/lib/log. */
#ifndef HSB_LOG_LEVEL_H
#define HSB_LOG_LEVEL_H

/* Values follow syslog(3) priorities so they can be passed straight on. */
enum hsb_log_level {
	HSB_LOG_ERR = 3,
	HSB_LOG_WARNING = 4,
	HSB_LOG_INFO = 6,
	HSB_LOG_DEBUG = 7,
};

#endif /* HSB_LOG_LEVEL_H */
