/* SPDX-License-Identifier: MIT */
/*
 * A fixed-capacity map from non-zero u64 keys to u32 values: open addressing,
 * linear probing, backward-shift deletion (no tombstones, so lookups stay short
 * under churn). Keys are mixed with a per-map random secret, so peers that
 * pick labels cannot aim them at one probe chain. Single-owner (per lcore).
 */
#ifndef DP_U64MAP_H
#define DP_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

struct dp_u64map_slot {
	uint64_t key; /* 0 = empty */
	uint32_t value;
};

struct dp_u64map {
	struct dp_u64map_slot *slots;
	uint32_t mask;
	uint32_t count;
	uint32_t max_count; /* 7/8 of the slots: probes stay short */
	uint64_t secret;
};

/* capacity: number of slots, a power of two >= 8. 0, -EINVAL or -ENOMEM. */
int dp_u64map_init(struct dp_u64map *m, uint32_t capacity);
void dp_u64map_free(struct dp_u64map *m);

/* 0, -EEXIST (key present), -ENOSPC (full) or -EINVAL (key 0). */
int dp_u64map_put(struct dp_u64map *m, uint64_t key, uint32_t value);
bool dp_u64map_get(const struct dp_u64map *m, uint64_t key, uint32_t *value);
/* Asks for the cache line of key's home slot (a put or get of key comes soon). */
void dp_u64map_prefetch(const struct dp_u64map *m, uint64_t key);
bool dp_u64map_del(struct dp_u64map *m, uint64_t key);

#endif
