/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSB_VERSION_H
#define HSB_VERSION_H

#define HSB_VERSION "0.1.0"

#endif /* HSB_VERSION_H */
