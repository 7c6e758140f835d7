/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Common base of the hsb ABI: the definitions shared by the BPF programs in
 * bpf/ and the userspace in user/. Everything in include/hsb/ uses only
 * fixed-width UAPI types, explicit padding and size assertions, so the same
 * bytes mean the same thing on both sides of a map or ring buffer.
 */
#ifndef HSB_ABI_H
#define HSB_ABI_H

#include <linux/types.h>

/* C11 _Static_assert works in clang -target bpf and in gcc alike. */
#define HSB_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "ABI size of " #type)

/* Interfaces hsbd can manage at once; indexes per-interface counters. */
#define HSB_MAX_IFACES 32

/* Zone ids: 0 means "no zone"; built-in zones 1..4, user zones from 5 in
 * the order they are defined. Traffic to the host itself is in zone
 * local. */
#define HSB_ZONE_NONE 0
#define HSB_ZONE_LOCAL 1
#define HSB_ZONE_TRUST 2
#define HSB_ZONE_UNTRUST 3
#define HSB_ZONE_DMZ 4
#define HSB_ZONE_FIRST_USER 5
#define HSB_MAX_ZONES 64

#endif /* HSB_ABI_H */
