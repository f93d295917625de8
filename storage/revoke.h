/* SPDX-License-Identifier: MIT */
/*
 * Subaccount revocations per account: revoke, unrevoke, list, check. Tokens
 * are the 36 raw bytes and compare by all of them. Only the newest
 * STORE_KEYS_REVOKED_KEEP (50) are kept; revoking a listed token again makes it
 * the newest. Revocations do not depend on the account holding messages.
 */
#ifndef STORE_REVOKE_H
#define STORE_REVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum {
	STORE_REVOKE_KEEP = 50,	       /* == STORE_KEYS_REVOKED_KEEP */
	STORE_REVOKE_BATCH_MAX = 1000, /* tokens per call */
};

/* count: revoke -> tokens now listed; unrevoke -> tokens that were listed. */
typedef void store_revoke_cb(void *arg, const struct store_status *st, uint64_t count);

/* tokens: n * 36 bytes; later ones count as newer. -EINVAL for n outside 1..BATCH_MAX. */
int store_revoke_add(struct store *st, const uint8_t *pubkey, const uint8_t *tokens, size_t n,
		     store_revoke_cb *cb, void *arg);
int store_revoke_remove(struct store *st, const uint8_t *pubkey, const uint8_t *tokens, size_t n,
			store_revoke_cb *cb, void *arg);

/* tokens: n * 36 bytes, newest first. */
typedef void store_revoked_cb(void *arg, const struct store_status *st, const uint8_t *tokens,
			      size_t n);

int store_revoke_list(struct store *st, const uint8_t *pubkey, store_revoked_cb *cb, void *arg);

typedef void store_revoke_check_cb(void *arg, const struct store_status *st, bool revoked);

int store_revoke_check(struct store *st, const uint8_t *pubkey, const uint8_t *token,
		       store_revoke_check_cb *cb, void *arg);

#endif
