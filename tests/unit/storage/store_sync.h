/* SPDX-License-Identifier: MIT */
/*
 * Test fixture for libsnstore: a private redis-server, an event base and a
 * store, plus synchronous wrappers that run the loop (bounded in time) until
 * an operation's callback came and copy its result.
 */
#ifndef STORE_SYNC_H
#define STORE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expire.h"
#include "msg.h"
#include "quota.h"
#include "redis_test.h"
#include "revoke.h"
#include "store.h"

enum {
	SYNC_WAIT_MS = 10000,
	SYNC_MAX_ITEMS = 600,
	SYNC_MAX_NS = 8,
	SYNC_LOG_LINES = 32,
};

struct fixture {
	struct redis_test rt;
	struct event_base *base;
	struct store *st;
	struct store_config cfg;
	struct store_status status; /* of the last operation */
	int n_log;
	char log[SYNC_LOG_LINES][256];
};

/* Starts redis (appendfsync) and a store on it; cfg may be NULL. 0 or -1. */
int fixture_up(struct fixture *f, const char *appendfsync, const struct store_config *cfg);
/* A second store on the same redis-server (own prefix etc. in cfg). */
struct store *fixture_store(struct fixture *f, const struct store_config *cfg);
void fixture_down(struct fixture *f);
bool fixture_wait_ready(struct fixture *f, struct store *st, int ms);

/* pk = prefix byte || 32 bytes of seed. */
void test_pubkey(uint8_t pk[33], uint8_t prefix, uint8_t seed);
/* Fills m (hash computed); data must outlive m. */
void test_msg(struct store_msg *m, const uint8_t pk[33], int32_t ns, const void *data, size_t len,
	      int64_t ts, int64_t exp);

struct got {
	size_t n;
	bool more;
	char hash[SYNC_MAX_ITEMS][STORE_HASH_BUF];
	int64_t ts[SYNC_MAX_ITEMS], exp[SYNC_MAX_ITEMS];
	size_t len[SYNC_MAX_ITEMS];
	uint8_t *data[SYNC_MAX_ITEMS];
};

struct hashes {
	size_t n;
	char hash[SYNC_MAX_ITEMS][STORE_HASH_BUF];
	int64_t exp[SYNC_MAX_ITEMS]; /* for expiries */
};

struct ns_hashes {
	size_t n_ns, total;
	int32_t ns[SYNC_MAX_NS];
	struct hashes list[SYNC_MAX_NS];
};

/* Each returns the status rc (or the call's own negative return). */
int sync_put(struct fixture *f, const struct store_msg *m, struct store_put_result *res);
int sync_get(struct fixture *f, const struct store_msg_query *q, struct got *out);
void got_free(struct got *g);
int sync_delete(struct fixture *f, const uint8_t *pk, const char *const *h, size_t n,
		struct hashes *out);
int sync_delete_all(struct fixture *f, const uint8_t *pk, int32_t ns, struct ns_hashes *out);
int sync_delete_before(struct fixture *f, const uint8_t *pk, int32_t ns, int64_t before,
		       struct ns_hashes *out);
int sync_expire(struct fixture *f, const struct store_expire_req *req, struct hashes *updated,
		struct hashes *unchanged);
int sync_expire_all(struct fixture *f, const uint8_t *pk, int32_t ns, int64_t exp,
		    struct ns_hashes *out);
int sync_expiries(struct fixture *f, const uint8_t *pk, const char *const *h, size_t n, int64_t now,
		  struct hashes *out);
int sync_sweep(struct fixture *f, int64_t now, uint32_t limit, uint64_t *removed, bool *more);
int sync_revoke(struct fixture *f, const uint8_t *pk, const uint8_t *tokens, size_t n,
		uint64_t *count);
int sync_unrevoke(struct fixture *f, const uint8_t *pk, const uint8_t *tokens, size_t n,
		  uint64_t *count);
int sync_revoked(struct fixture *f, const uint8_t *pk, uint8_t *tokens, size_t cap, size_t *n);
int sync_revoke_check(struct fixture *f, const uint8_t *pk, const uint8_t *token, bool *revoked);
int sync_usage(struct fixture *f, struct store_usage *u);

#endif
