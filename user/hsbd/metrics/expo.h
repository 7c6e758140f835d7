/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus text exposition format (version 0.0.4), written into a
 * growing buffer. Pure: no I/O, unit-tested (tests/unit/test_metrics_expo.c).
 *
 * A family is opened with hsb_expo_family() (HELP and TYPE lines), then
 * its samples follow; every sample of a family must come before the next
 * family starts (the format groups them). Label values and HELP texts are
 * escaped here; metric and label names are checked and a bad one is
 * refused (counted in e->errors, never written), so a scrape is always
 * well-formed. Out of memory sets e->oom and stops writing.
 */
#ifndef HSB_METRICS_EXPO_H
#define HSB_METRICS_EXPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hsb_expo_type {
	HSB_EXPO_COUNTER,
	HSB_EXPO_GAUGE,
};

struct hsb_expo_label {
	const char *name;
	const char *value;
};

struct hsb_expo {
	char *buf;
	size_t len, cap;
	bool oom;
	unsigned int errors; /* refused names, samples outside a family */
	char family[128]; /* "" until a family is open */
	unsigned int families;
	unsigned int samples;
};

void hsb_expo_init(struct hsb_expo *e);
void hsb_expo_free(struct hsb_expo *e);
/* Takes the buffer (NUL-terminated; caller frees); e is empty after. */
char *hsb_expo_take(struct hsb_expo *e, size_t *len);

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
bool hsb_expo_metric_name_ok(const char *name);
/* [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved) */
bool hsb_expo_label_name_ok(const char *name);

/* Opens family name: "# HELP name help" and "# TYPE name type". A
 * counter's name must end in _total. Returns false when refused. */
bool hsb_expo_family(struct hsb_expo *e, const char *name,
		     enum hsb_expo_type type, const char *help);

/* One sample of the open family: name{l1="v1",...} value. */
void hsb_expo_u64(struct hsb_expo *e, const struct hsb_expo_label *labels,
		  size_t n_labels, uint64_t value);
void hsb_expo_f64(struct hsb_expo *e, const struct hsb_expo_label *labels,
		  size_t n_labels, double value);

#endif /* HSB_METRICS_EXPO_H */
