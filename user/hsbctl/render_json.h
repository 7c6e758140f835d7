/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading hsbd's JSON replies for the views (render*.c): absent members
 * read as "?" / 0 / NULL, never as an error. */
#ifndef HSBCTL_RENDER_JSON_H
#define HSBCTL_RENDER_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json_object;

const char *str(struct json_object *o, const char *key);
uint64_t u64(struct json_object *o, const char *key);
struct json_object *member(struct json_object *o, const char *key);
/* "-" for null / missing strings */
const char *str_or_dash(struct json_object *o, const char *key);

/* The views in files of their own */
int render_vgmp(FILE *out, struct json_object *r);
int render_hrp(FILE *out, struct json_object *r);

#endif /* HSBCTL_RENDER_JSON_H */
