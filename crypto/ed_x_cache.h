/* SPDX-License-Identifier: MIT */
/*
 * A cache of Ed25519 -> X25519 public-key conversions. The storage RPC checks
 * on every signed request of a 05 account that pubkey_ed25519 converts to the
 * account's X25519 key; libsodium's conversion checks that the point is in
 * the prime-order subgroup (a full scalar multiplication, ~78 us here), so the
 * same few active accounts cost that again and again. Only conversions that
 * succeeded are kept (the keys are public): answers are exactly libsodium's.
 * Direct-mapped, 4,096 entries, slot chosen by SipHash-2-4 under a random key
 * (a client cannot evict chosen accounts). Not thread-safe: one per thread.
 */
#ifndef SNC_ED_X_CACHE_H
#define SNC_ED_X_CACHE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	SNC_ED_X_CACHE_LOG2 = 12,
	SNC_ED_X_CACHE_SLOTS = 1 << SNC_ED_X_CACHE_LOG2,
};

struct snc_ed_x_entry {
	uint8_t ed25519[32];
	uint8_t x25519[32];
	bool used;
};

struct snc_ed_x_cache {
	uint8_t hash_key[16];
	uint64_t hits, misses;
	struct snc_ed_x_entry e[SNC_ED_X_CACHE_SLOTS];
};

/* Empties c and draws its hash key. */
void snc_ed_x_cache_init(struct snc_ed_x_cache *c);

/* crypto_sign_ed25519_pk_to_curve25519 with c in front: 0, or -EINVAL for a
 * key libsodium refuses. c may be NULL (no cache). */
int snc_ed_x_cache_convert(struct snc_ed_x_cache *c, const uint8_t ed25519[32], uint8_t x25519[32]);

#endif
