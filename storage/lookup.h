/* SPDX-License-Identifier: MIT */
/*
 * Lookups of whole messages by account and hash, for storage-proof tests
 * (control/storage_test.h, docs/storage-tests.md): the testee answers with a
 * hash over the data of the records a tester names, so it must read them
 * back exactly as stored (namespace and raw data). One atomic script per
 * lookup; an expired message (expiry <= now) counts as absent, as retrieve
 * would have it. All or nothing: when one key is absent, every item comes back
 * not found and no data is read (the testee retries such a request every
 * 100 ms: reading the present records' data each time would let a tester that
 * names one unknown hash make it read megabytes a second).
 */
#ifndef STORE_LOOKUP_H
#define STORE_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum {
	STORE_LOOKUP_MAX = 64, /* records per lookup */
};

/* What to look up: an account and one of its message hashes (43 base64 characters). */
struct store_lookup_key {
	uint8_t pubkey[STORE_PUBKEY_BYTES];
	char hash[STORE_HASH_BUF];
};

struct store_lookup_item {
	bool found;
	int32_t ns;
	const uint8_t *data; /* lives only during the callback */
	size_t len;
};

/* items[i] answers keys[i]; items NULL unless st->rc is 0. */
typedef void store_lookup_cb(void *arg, const struct store_status *st,
			     const struct store_lookup_item *items, size_t n);

/* Looks keys[0..n) up. -EINVAL (NULL, n 0 or over STORE_LOOKUP_MAX, a malformed hash), or
 * what store_redis_eval returns. */
int store_msg_lookup(struct store *st, const struct store_lookup_key *keys, size_t n,
		     int64_t now_ms, store_lookup_cb *cb, void *arg);

#endif
