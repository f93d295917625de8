/* SPDX-License-Identifier: MIT */
/*
 * Little-endian 64-bit fields of the control plane's wire and file formats
 * (storage tests, reports, the vote store, RANDAO seeds): byte by byte, so
 * they need no alignment and read the same on any host.
 */
#ifndef CTL_LE64_H
#define CTL_LE64_H

#include <stdint.h>

static inline void
ctl_le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t
ctl_le64_get(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#endif
