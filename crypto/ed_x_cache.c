/* SPDX-License-Identifier: MIT */
#include "ed_x_cache.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

void
snc_ed_x_cache_init(struct snc_ed_x_cache *c)
{
	memset(c, 0, sizeof(*c));
	randombytes_buf(c->hash_key, sizeof(c->hash_key));
}

static struct snc_ed_x_entry *
slot_of(struct snc_ed_x_cache *c, const uint8_t ed25519[32])
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, ed25519, 32, c->hash_key);
	memcpy(&v, h, sizeof(v));
	return &c->e[v & (SNC_ED_X_CACHE_SLOTS - 1)];
}

int
snc_ed_x_cache_convert(struct snc_ed_x_cache *c, const uint8_t ed25519[32], uint8_t x25519[32])
{
	struct snc_ed_x_entry *e;

	if (c == NULL)
		return crypto_sign_ed25519_pk_to_curve25519(x25519, ed25519) == 0 ? 0 : -EINVAL;
	e = slot_of(c, ed25519);
	if (e->used && memcmp(e->ed25519, ed25519, 32) == 0) {
		c->hits++;
		memcpy(x25519, e->x25519, 32);
		return 0;
	}
	c->misses++;
	if (crypto_sign_ed25519_pk_to_curve25519(x25519, ed25519) != 0)
		return -EINVAL;
	memcpy(e->ed25519, ed25519, 32);
	memcpy(e->x25519, x25519, 32);
	e->used = true;
	return 0;
}
