/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): an assertion that
 * stays on in every build (libFuzzer, replay, coverage) and reports the
 * broken invariant before aborting, so libFuzzer saves the input. */
#ifndef HSB_FUZZ_COMMON_H
#define HSB_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond)                                                \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

#endif /* HSB_FUZZ_COMMON_H */
