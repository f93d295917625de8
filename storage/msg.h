/* SPDX-License-Identifier: MIT */
/*
 * Messages: store with deduplication, retrieve in arrival order with count and
 * size budgets, delete by hash, delete_all, delete_before. The RPC checks
 * (signatures, timestamp windows, TTL bounds) are the caller's; this file
 * checks only what would corrupt the store (sizes, namespace range, hash form).
 */
#ifndef STORE_MSG_H
#define STORE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum {
	STORE_MSG_OVERHEAD = 100, /* bytes each retrieved message costs besides its base64 */
};

struct store_msg {
	uint8_t pubkey[STORE_PUBKEY_BYTES];
	int32_t ns;
	char hash[STORE_HASH_BUF]; /* snc_msg_hash_compute() of the message */
	int64_t timestamp_ms;
	int64_t expiry_ms;
	int64_t expiry_set_ms; /* when the expiry was last set (store, raise, expire); 0: unknown.
				* Read by bulk scans and copies only (store_msg_put sets it). */
	const uint8_t *data;   /* raw bytes, at most STORE_DATA_MAX */
	size_t len;
};

struct store_put_result {
	bool already;	   /* the hash was stored before (its expiry may have been raised) */
	int64_t expiry_ms; /* the message's expiry now */
};

/* res is NULL unless st->rc is 0. st->rc -ENOSPC means store full. */
typedef void store_put_cb(void *arg, const struct store_status *st,
			  const struct store_put_result *res);

/*
 * Stores m. A duplicate hash raises the stored expiry to the later of the two
 * and answers already. In a public outbox namespace (ns < 0, -ns % 20 == 1) a
 * new message replaces every other message of that namespace. Quotas (raw data
 * bytes): reaching a limit exactly is allowed, one byte over is -ENOSPC.
 * Returns -EINVAL (NULL, malformed hash, len > STORE_DATA_MAX), -ERANGE (ns).
 */
int store_msg_put(struct store *st, const struct store_msg *m, store_put_cb *cb, void *arg);

struct store_msg_query {
	const uint8_t *pubkey; /* 33 bytes */
	int32_t ns;
	const char *last_hash; /* NULL or "": from the start; unknown: from the start */
	uint32_t max_count;    /* 0: no limit */
	uint64_t max_size;     /* bytes, 0: no limit; the first message always fits */
	int64_t now_ms;	       /* messages with expiry <= now are not returned */
};

struct store_msg_item {
	char hash[STORE_HASH_BUF];
	int64_t timestamp_ms;
	int64_t expiry_ms;
	const uint8_t *data;
	size_t len;
};

struct store_get_result {
	size_t n;
	const struct store_msg_item *items;
	bool more; /* a budget stopped the page before the end */
};

typedef void store_get_cb(void *arg, const struct store_status *st,
			  const struct store_get_result *res);

/*
 * Retrieves messages of (pubkey, ns) stored after last_hash, oldest first.
 * Each costs STORE_MSG_OVERHEAD + 4 * ceil(len / 3) against max_size.
 */
int store_msg_get(struct store *st, const struct store_msg_query *q, store_get_cb *cb, void *arg);

struct store_hash_list {
	size_t n;
	const char (*hashes)[STORE_HASH_BUF]; /* sorted */
};

typedef void store_delete_cb(void *arg, const struct store_status *st,
			     const struct store_hash_list *deleted);

/* Deletes the account's messages among hashes[0..n); answers those deleted. */
int store_msg_delete(struct store *st, const uint8_t *pubkey, const char *const *hashes, size_t n,
		     store_delete_cb *cb, void *arg);

/* Hashes per namespace, namespaces ascending (only those with any). */
struct store_ns_hashes {
	int32_t ns;
	struct store_hash_list list;
};

struct store_ns_result {
	size_t n_ns;
	const struct store_ns_hashes *ns;
	size_t total;
};

typedef void store_ns_cb(void *arg, const struct store_status *st,
			 const struct store_ns_result *res);

/* Deletes every message of the account in ns, or in all namespaces (STORE_NS_ALL). */
int store_msg_delete_all(struct store *st, const uint8_t *pubkey, int32_t ns, store_ns_cb *cb,
			 void *arg);

/* Deletes the account's messages with timestamp <= before_ms in ns or STORE_NS_ALL. */
int store_msg_delete_before(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t before_ms,
			    store_ns_cb *cb, void *arg);

/*
 * Decodes a {{ns, {hash...}}, ...} answer (delete_all, delete_before,
 * expire_all) and calls cb; shared with expire.c.
 */
void store_msg_ns_reply(const struct redisReply *reply, enum store_script s,
			const struct store_status *status, store_ns_cb *cb, void *arg);

/* Decodes a flat {hash...} answer into a list; -EPROTO on a bad shape. */
int store_msg_hash_list(const struct redisReply *reply, char (**out)[STORE_HASH_BUF], size_t *n);

#endif
