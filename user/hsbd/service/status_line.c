// SPDX-License-Identifier: GPL-2.0-only
/* The STATUS= summary line (status_line.h). */
#include <stdarg.h>
#include <stdio.h>

#include "service/status_line.h"

struct out {
	char *buf;
	size_t len, used;
	bool parts; /* a part is written: the next one needs ", " */
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->used >= o->len - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	o->used += (size_t)w;
	if (o->used > o->len - 1) /* truncated: vsnprintf ended it */
		o->used = o->len - 1;
}

static void sep(struct out *o)
{
	if (o->parts)
		put(o, ", ");
	o->parts = true;
}

/* Only the states something is in, the one that decides the headline
 * first: "2 vrrp master, 1 vrrp backup". */
static void states(struct out *o, const unsigned int n[3], const char *proto,
		   const char *const names[3])
{
	int i;

	for (i = 2; i >= 0; i--) {
		if (!n[i])
			continue;
		sep(o);
		put(o, "%u %s %s", n[i], proto, names[i]);
	}
}

void hsbd_status_format(const struct hsbd_status_counts *c, char *buf,
			size_t len)
{
	static const char *const vrrp_names[3] = { "init", "backup", "master" };
	static const char *const vgmp_names[3] = { "init", "standby",
						   "active" };
	struct out o = { .buf = buf, .len = len };
	unsigned int total = c->vrrp[0] + c->vrrp[1] + c->vrrp[2] + c->vgmp[0] +
			     c->vgmp[1] + c->vgmp[2];

	if (!len)
		return;
	buf[0] = '\0';
	if (!total)
		put(&o, "running: no vrrp or vgmp configured");
	else if (c->vrrp[2] || c->vgmp[2])
		put(&o, "active: ");
	else if (c->vrrp[1] || c->vgmp[1])
		put(&o, "standby: ");
	else
		put(&o, "starting: ");
	o.parts = !total;
	/* groups first: with VGMP they decide and the members follow */
	states(&o, c->vgmp, "vgmp", vgmp_names);
	states(&o, c->vrrp, "vrrp", vrrp_names);
	if (c->hrp_enabled) {
		sep(&o);
		put(&o, "hrp %s", c->hrp_up ? "up" : "down");
	}
	if (c->reload_failed)
		put(&o, "; last reload refused, running configuration kept");
}
