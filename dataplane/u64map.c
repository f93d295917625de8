/* SPDX-License-Identifier: MIT */
#include "u64map.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>

#include "bigmem.h"

int
dp_u64map_init(struct dp_u64map *m, uint32_t capacity)
{
	if (capacity < 8 || (capacity & (capacity - 1)) != 0)
		return -EINVAL;
	m->slots = dp_bigmem_alloc((size_t)capacity * sizeof(*m->slots));
	if (m->slots == NULL)
		return -ENOMEM;
	m->mask = capacity - 1;
	m->count = 0;
	m->max_count = capacity - capacity / 8;
	randombytes_buf(&m->secret, sizeof(m->secret));
	return 0;
}

void
dp_u64map_free(struct dp_u64map *m)
{
	if (m->slots != NULL)
		dp_bigmem_free(m->slots, ((size_t)m->mask + 1) * sizeof(*m->slots));
	m->slots = NULL;
}

static uint32_t
home(const struct dp_u64map *m, uint64_t key)
{
	uint64_t x = (key ^ m->secret) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(x >> 32) & m->mask;
}

static bool
find(const struct dp_u64map *m, uint64_t key, uint32_t *at)
{
	uint32_t i = home(m, key);

	for (uint32_t n = 0; n <= m->mask; n++, i = (i + 1) & m->mask) {
		if (m->slots[i].key == key) {
			*at = i;
			return true;
		}
		if (m->slots[i].key == 0)
			return false;
	}
	return false;
}

int
dp_u64map_put(struct dp_u64map *m, uint64_t key, uint32_t value)
{
	uint32_t i;

	if (key == 0)
		return -EINVAL;
	if (find(m, key, &i))
		return -EEXIST;
	if (m->count >= m->max_count)
		return -ENOSPC;
	for (i = home(m, key); m->slots[i].key != 0; i = (i + 1) & m->mask)
		;
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
	return 0;
}

void
dp_u64map_prefetch(const struct dp_u64map *m, uint64_t key)
{
	__builtin_prefetch(&m->slots[home(m, key)], 1);
}

bool
dp_u64map_get(const struct dp_u64map *m, uint64_t key, uint32_t *value)
{
	uint32_t i;

	if (key == 0 || !find(m, key, &i))
		return false;
	*value = m->slots[i].value;
	return true;
}

/* Pulls later members of the probe chain back over the hole so no lookup stops early. */
bool
dp_u64map_del(struct dp_u64map *m, uint64_t key)
{
	uint32_t hole, j;

	if (key == 0 || !find(m, key, &hole))
		return false;
	for (j = (hole + 1) & m->mask; m->slots[j].key != 0; j = (j + 1) & m->mask) {
		uint32_t h = home(m, m->slots[j].key);
		/* Move j into the hole unless its home lies cyclically in (hole, j]. */
		if (((j - h) & m->mask) >= ((j - hole) & m->mask)) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].key = 0;
	m->count--;
	return true;
}
