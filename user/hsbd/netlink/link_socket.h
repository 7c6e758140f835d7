/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rtnetlink socket behind a link-event source (link_events.h): joins
 * the groups, and on each loop round feeds what it reads into the source
 * and flushes it. Only link_events.c uses this.
 */
#ifndef HSBD_LINK_SOCKET_H
#define HSBD_LINK_SOCKET_H

#include <stddef.h>
#include <stdint.h>

struct hsb_loop;
struct hsb_link_events;
struct hsb_lev_socket;

/* *out is set on success; 0 or -errno with a message in err. */
int hsb_lev_socket_open(struct hsb_lev_socket **out,
			struct hsb_link_events *src, struct hsb_loop *loop,
			int rcvbuf, char *err, size_t errlen);
/* NULL is a no-op. */
void hsb_lev_socket_close(struct hsb_lev_socket *s);
/* Receive errors other than overruns; 0 for NULL. */
uint64_t hsb_lev_socket_errors(const struct hsb_lev_socket *s);

#endif /* HSBD_LINK_SOCKET_H */
