/* SPDX-License-Identifier: GPL-2.0-only */
/* Human-readable views of hsbd's JSON replies. */
#ifndef HSBCTL_RENDER_H
#define HSBCTL_RENDER_H

#include <stdio.h>

struct json_object;

/* Render the reply to `what` (the request line) on out. Returns 0, or -1
 * when the reply does not have the expected shape. */
int hsbctl_render(FILE *out, const char *what, struct json_object *reply);

#endif /* HSBCTL_RENDER_H */
