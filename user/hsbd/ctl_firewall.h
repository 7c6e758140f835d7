/* SPDX-License-Identifier: GPL-2.0-only */
/* Control requests on the firewall state: sessions and the lists. */
#ifndef HSB_CTL_FIREWALL_H
#define HSB_CTL_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

struct hsbd;
struct hsb_ctl_request;
struct json_object;

/* At most this many sessions in one `show sessions` reply. */
#define HSB_SHOW_SESSIONS_MAX 10000

/* words: how many leading request words name the command; the rest are
 * its arguments. */
int hsbd_ctl_show_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			   int words, struct json_object **reply, char *err,
			   size_t errlen);
/* `show nat sessions [FILTER]`: sessions with a translation. */
int hsbd_ctl_show_nat_sessions(struct hsbd *d,
			       const struct hsb_ctl_request *req, int words,
			       struct json_object **reply, char *err,
			       size_t errlen);
int hsbd_ctl_clear_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			    int words, struct json_object **reply, char *err,
			    size_t errlen);
/* `show blacklist` / `show whitelist`. */
int hsbd_ctl_show_list(struct hsbd *d, bool black, struct json_object **reply);

#endif /* HSB_CTL_FIREWALL_H */
