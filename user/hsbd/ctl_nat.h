/* SPDX-License-Identifier: GPL-2.0-only */
/* Control requests on the NAT tables (user/hsbd/ctl_nat.c); `show nat
 * sessions` is `show sessions` limited to translated sessions
 * (ctl_firewall.h). */
#ifndef HSB_CTL_NAT_H
#define HSB_CTL_NAT_H

#include <stddef.h>

struct hsbd;
struct json_object;

/* At most this many entries in one reply. */
#define HSB_SHOW_NAT_MAX 10000

int hsbd_ctl_show_nat_pat(struct hsbd *d, struct json_object **reply, char *err,
			  size_t errlen);
int hsbd_ctl_show_nat_nopat(struct hsbd *d, struct json_object **reply,
			    char *err, size_t errlen);
int hsbd_ctl_show_server_map(struct hsbd *d, struct json_object **reply,
			     char *err, size_t errlen);
int hsbd_ctl_show_nat_pool_usage(struct hsbd *d, struct json_object **reply,
				 char *err, size_t errlen);

#endif /* HSB_CTL_NAT_H */
