/* SPDX-License-Identifier: GPL-2.0-only */
/* `show vrrp [brief]`: the VRRP instances as JSON. */
#ifndef HSB_CTL_VRRP_H
#define HSB_CTL_VRRP_H

#include <stddef.h>

struct hsbd;
struct hsb_ctl_request;
struct json_object;

/* words: how many leading request words name the command ("show vrrp");
 * the optional argument is "brief". */
int hsbd_ctl_show_vrrp(struct hsbd *d, const struct hsb_ctl_request *req,
		       int words, struct json_object **reply, char *err,
		       size_t errlen);

#endif /* HSB_CTL_VRRP_H */
