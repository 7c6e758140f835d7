/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one JSON shortcut every view and counter set uses: a named unsigned
 * counter added to an object (json-c takes the new value's reference).
 */
#ifndef HSB_JSON_ADD_H
#define HSB_JSON_ADD_H

#include <stdint.h>
#include <json-c/json.h>

static inline void hsb_json_add_u64(struct json_object *o, const char *key,
				    uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

#endif /* HSB_JSON_ADD_H */
