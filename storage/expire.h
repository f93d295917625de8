/* SPDX-License-Identifier: MIT */
/*
 * Expiries: expire (any / shorten-only / extend-only, one expiry or one per
 * message), expire_all (shorten only), get_expiries, and the sweep that
 * removes expired messages in bounded batches. Clamping expiries (now + 30 d)
 * and the timestamp windows are the caller's (control's) job.
 */
#ifndef STORE_EXPIRE_H
#define STORE_EXPIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "store.h"

enum store_expire_mode {
	STORE_EXPIRE_ANY,
	STORE_EXPIRE_SHORTEN,
	STORE_EXPIRE_EXTEND,
};

enum {
	STORE_SWEEP_MAX = 10000, /* messages one sweep call may remove */
};

struct store_expire_req {
	const uint8_t *pubkey; /* 33 bytes */
	enum store_expire_mode mode;
	const char *const *hashes;
	size_t n;
	const int64_t *expiries_ms; /* 1, or n (one per hash) */
	size_t n_expiries;
	int64_t now_ms; /* messages with expiry <= now count as gone */
};

struct store_hash_expiry {
	char hash[STORE_HASH_BUF];
	int64_t expiry_ms;
};

struct store_expire_result {
	size_t n_updated;
	const struct store_hash_expiry *updated; /* sorted by hash; the applied expiry */
	size_t n_unchanged;			 /* shorten/extend only: left as they were */
	const struct store_hash_expiry *unchanged;
};

typedef void store_expire_cb(void *arg, const struct store_status *st,
			     const struct store_expire_result *res);

/*
 * Sets the expiry of the account's live messages among req->hashes. ANY sets
 * it; SHORTEN only lowers it, EXTEND only raises it (the others are answered
 * unchanged with their current expiry). Returns -EINVAL on a malformed hash,
 * n == 0, or n_expiries neither 1 nor n.
 */
int store_expire_set(struct store *st, const struct store_expire_req *req, store_expire_cb *cb,
		     void *arg);

/* Lowers to expiry_ms every later expiry of the account in ns or STORE_NS_ALL. */
int store_expire_all(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t expiry_ms,
		     store_ns_cb *cb, void *arg);

typedef void store_expiries_cb(void *arg, const struct store_status *st, size_t n,
			       const struct store_hash_expiry *expiries);

/* Expiries of the account's live messages among hashes (sorted by hash). */
int store_expire_get(struct store *st, const uint8_t *pubkey, const char *const *hashes, size_t n,
		     int64_t now_ms, store_expiries_cb *cb, void *arg);

typedef void store_sweep_cb(void *arg, const struct store_status *st, uint64_t removed, bool more);

/*
 * Removes up to limit (1..STORE_SWEEP_MAX) messages whose expiry <= now_ms;
 * more says expired messages remain (call again soon).
 */
int store_expire_sweep(struct store *st, int64_t now_ms, uint32_t limit, store_sweep_cb *cb,
		       void *arg);

#endif
