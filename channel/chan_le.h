/* SPDX-License-Identifier: MIT */
/* Little-endian integers of the channel's wire formats (chan_msg.c, chan_nodes.c). */
#ifndef CHAN_LE_H
#define CHAN_LE_H

#include <stdint.h>

static inline void
chan_put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t
chan_get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#endif
