/* SPDX-License-Identifier: MIT */
#include "store_sync.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "msg_hash.h"

static void
on_log(void *arg, enum store_log_level level, const char *line)
{
	struct fixture *f = arg;

	(void)level;
	if (f->n_log < SYNC_LOG_LINES)
		snprintf(f->log[f->n_log], sizeof(f->log[0]), "%s", line);
	f->n_log++;
}

bool
fixture_wait_ready(struct fixture *f, struct store *st, int ms)
{
	int waited;

	for (waited = 0; waited < ms && !store_is_ready(st); waited += 10)
		redis_test_loop_for(f->base, 10);
	return store_is_ready(st);
}

struct store *
fixture_store(struct fixture *f, const struct store_config *cfg)
{
	char err[256];
	struct store_config c = *cfg;
	struct store *st;

	c.redis.unix_path = f->rt.sock;
	if (c.redis.log == NULL) {
		c.redis.log = on_log;
		c.redis.log_arg = f;
	}
	st = store_new(f->base, &c, err, sizeof(err));
	if (st == NULL)
		fprintf(stderr, "# store_new: %s\n", err);
	return st;
}

int
fixture_up(struct fixture *f, const char *appendfsync, const struct store_config *cfg)
{
	memset(f, 0, sizeof(*f));
	/* hiredis 0.14 writes with write(): a dead Redis would raise SIGPIPE (store.h) */
	signal(SIGPIPE, SIG_IGN);
	if (cfg != NULL)
		f->cfg = *cfg;
	if (redis_test_start(&f->rt, appendfsync) != 0)
		return -1;
	f->base = event_base_new();
	f->cfg.redis.unix_path = f->rt.sock;
	f->st = fixture_store(f, &f->cfg);
	if (f->st == NULL || !fixture_wait_ready(f, f->st, SYNC_WAIT_MS)) {
		fprintf(stderr, "# store not ready: %s\n",
			f->st != NULL ? store_last_error(f->st) : "");
		return -1;
	}
	return 0;
}

void
fixture_down(struct fixture *f)
{
	store_free(f->st);
	f->st = NULL;
	if (f->base != NULL)
		event_base_free(f->base);
	f->base = NULL;
	redis_test_stop(&f->rt);
}

void
test_pubkey(uint8_t pk[33], uint8_t prefix, uint8_t seed)
{
	pk[0] = prefix;
	memset(pk + 1, seed, 32);
	pk[32] = (uint8_t)(seed ^ 0x5a);
}

void
test_msg(struct store_msg *m, const uint8_t pk[33], int32_t ns, const void *data, size_t len,
	 int64_t ts, int64_t exp)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->pubkey, pk, 33);
	m->ns = ns;
	m->data = data;
	m->len = len;
	m->timestamp_ms = ts;
	m->expiry_ms = exp;
	snc_msg_hash_compute(pk, ns, data, len, m->hash);
}

/* One pending call: its completion flag and where the result goes. */
struct call {
	struct fixture *f;
	bool done;
	void *out;
	void *out2;
	size_t cap;
};

static int
wait_call(struct call *c, int rc)
{
	if (rc != 0) {
		c->f->status.rc = rc;
		snprintf(c->f->status.text, sizeof(c->f->status.text), "refused: %d", rc);
		return rc;
	}
	if (!redis_test_loop_until(c->f->base, &c->done, SYNC_WAIT_MS)) {
		fprintf(stderr, "# no callback within %d ms\n", SYNC_WAIT_MS);
		return -ETIME;
	}
	return c->f->status.rc;
}

static void
finish(struct call *c, const struct store_status *st)
{
	c->f->status = *st;
	c->done = true;
}

static void
put_cb(void *arg, const struct store_status *st, const struct store_put_result *res)
{
	struct call *c = arg;

	if (res != NULL && c->out != NULL)
		*(struct store_put_result *)c->out = *res;
	finish(c, st);
}

int
sync_put(struct fixture *f, const struct store_msg *m, struct store_put_result *res)
{
	struct call c = {.f = f, .out = res};

	return wait_call(&c, store_msg_put(f->st, m, put_cb, &c));
}

static void
get_cb(void *arg, const struct store_status *st, const struct store_get_result *res)
{
	struct call *c = arg;
	struct got *g = c->out;
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; res != NULL && i < res->n && i < SYNC_MAX_ITEMS; i++) {
		memcpy(g->hash[i], res->items[i].hash, STORE_HASH_BUF);
		g->ts[i] = res->items[i].timestamp_ms;
		g->exp[i] = res->items[i].expiry_ms;
		g->len[i] = res->items[i].len;
		g->data[i] = malloc(res->items[i].len + 1);
		memcpy(g->data[i], res->items[i].data, res->items[i].len);
	}
	g->n = i;
	g->more = res != NULL && res->more;
	finish(c, st);
}

int
sync_get(struct fixture *f, const struct store_msg_query *q, struct got *out)
{
	struct call c = {.f = f, .out = out};

	memset(out, 0, sizeof(*out));
	return wait_call(&c, store_msg_get(f->st, q, get_cb, &c));
}

void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->data[i]);
	g->n = 0;
}

static void
copy_list(struct hashes *h, const struct store_hash_list *l)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	for (i = 0; l != NULL && i < l->n && i < SYNC_MAX_ITEMS; i++)
		memcpy(h->hash[i], l->hashes[i], STORE_HASH_BUF);
	h->n = i;
}

static void
delete_cb(void *arg, const struct store_status *st, const struct store_hash_list *deleted)
{
	struct call *c = arg;

	copy_list(c->out, deleted);
	finish(c, st);
}

int
sync_delete(struct fixture *f, const uint8_t *pk, const char *const *h, size_t n,
	    struct hashes *out)
{
	struct call c = {.f = f, .out = out};

	return wait_call(&c, store_msg_delete(f->st, pk, h, n, delete_cb, &c));
}

static void
ns_cb(void *arg, const struct store_status *st, const struct store_ns_result *res)
{
	struct call *c = arg;
	struct ns_hashes *o = c->out;
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; res != NULL && i < res->n_ns && i < SYNC_MAX_NS; i++) {
		o->ns[i] = res->ns[i].ns;
		copy_list(&o->list[i], &res->ns[i].list);
	}
	o->n_ns = i;
	o->total = res != NULL ? res->total : 0;
	finish(c, st);
}

int
sync_delete_all(struct fixture *f, const uint8_t *pk, int32_t ns, struct ns_hashes *out)
{
	struct call c = {.f = f, .out = out};

	return wait_call(&c, store_msg_delete_all(f->st, pk, ns, ns_cb, &c));
}

int
sync_delete_before(struct fixture *f, const uint8_t *pk, int32_t ns, int64_t before,
		   struct ns_hashes *out)
{
	struct call c = {.f = f, .out = out};

	return wait_call(&c, store_msg_delete_before(f->st, pk, ns, before, ns_cb, &c));
}

int
sync_expire_all(struct fixture *f, const uint8_t *pk, int32_t ns, int64_t exp,
		struct ns_hashes *out)
{
	struct call c = {.f = f, .out = out};

	return wait_call(&c, store_expire_all(f->st, pk, ns, exp, ns_cb, &c));
}

static void
copy_pairs(struct hashes *h, const struct store_hash_expiry *v, size_t n)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	for (i = 0; v != NULL && i < n && i < SYNC_MAX_ITEMS; i++) {
		memcpy(h->hash[i], v[i].hash, STORE_HASH_BUF);
		h->exp[i] = v[i].expiry_ms;
	}
	h->n = i;
}

static void
expire_cb(void *arg, const struct store_status *st, const struct store_expire_result *res)
{
	struct call *c = arg;

	copy_pairs(c->out, res != NULL ? res->updated : NULL, res != NULL ? res->n_updated : 0);
	copy_pairs(c->out2, res != NULL ? res->unchanged : NULL,
		   res != NULL ? res->n_unchanged : 0);
	finish(c, st);
}

int
sync_expire(struct fixture *f, const struct store_expire_req *req, struct hashes *updated,
	    struct hashes *unchanged)
{
	struct call c = {.f = f, .out = updated, .out2 = unchanged};

	return wait_call(&c, store_expire_set(f->st, req, expire_cb, &c));
}

static void
expiries_cb(void *arg, const struct store_status *st, size_t n, const struct store_hash_expiry *v)
{
	struct call *c = arg;

	copy_pairs(c->out, v, n);
	finish(c, st);
}

int
sync_expiries(struct fixture *f, const uint8_t *pk, const char *const *h, size_t n, int64_t now,
	      struct hashes *out)
{
	struct call c = {.f = f, .out = out};

	return wait_call(&c, store_expire_get(f->st, pk, h, n, now, expiries_cb, &c));
}

static void
sweep_cb(void *arg, const struct store_status *st, uint64_t removed, bool more)
{
	struct call *c = arg;

	*(uint64_t *)c->out = removed;
	*(bool *)c->out2 = more;
	finish(c, st);
}

int
sync_sweep(struct fixture *f, int64_t now, uint32_t limit, uint64_t *removed, bool *more)
{
	struct call c = {.f = f, .out = removed, .out2 = more};

	return wait_call(&c, store_expire_sweep(f->st, now, limit, sweep_cb, &c));
}

static void
count_cb(void *arg, const struct store_status *st, uint64_t count)
{
	struct call *c = arg;

	*(uint64_t *)c->out = count;
	finish(c, st);
}

int
sync_revoke(struct fixture *f, const uint8_t *pk, const uint8_t *tokens, size_t n, uint64_t *count)
{
	struct call c = {.f = f, .out = count};

	return wait_call(&c, store_revoke_add(f->st, pk, tokens, n, count_cb, &c));
}

int
sync_unrevoke(struct fixture *f, const uint8_t *pk, const uint8_t *tokens, size_t n,
	      uint64_t *count)
{
	struct call c = {.f = f, .out = count};

	return wait_call(&c, store_revoke_remove(f->st, pk, tokens, n, count_cb, &c));
}

static void
list_cb(void *arg, const struct store_status *st, const uint8_t *tokens, size_t n)
{
	struct call *c = arg;
	size_t k = n < c->cap ? n : c->cap;

	if (k > 0)
		memcpy(c->out, tokens, k * STORE_TOKEN_BYTES);
	*(size_t *)c->out2 = n;
	finish(c, st);
}

int
sync_revoked(struct fixture *f, const uint8_t *pk, uint8_t *tokens, size_t cap, size_t *n)
{
	struct call c = {.f = f, .out = tokens, .out2 = n, .cap = cap};

	return wait_call(&c, store_revoke_list(f->st, pk, list_cb, &c));
}

static void
check_cb(void *arg, const struct store_status *st, bool revoked)
{
	struct call *c = arg;

	*(bool *)c->out = revoked;
	finish(c, st);
}

int
sync_revoke_check(struct fixture *f, const uint8_t *pk, const uint8_t *token, bool *revoked)
{
	struct call c = {.f = f, .out = revoked};

	return wait_call(&c, store_revoke_check(f->st, pk, token, check_cb, &c));
}

static void
usage_cb(void *arg, const struct store_status *st, const struct store_usage *u)
{
	struct call *c = arg;

	if (u != NULL)
		*(struct store_usage *)c->out = *u;
	finish(c, st);
}

int
sync_usage(struct fixture *f, struct store_usage *u)
{
	struct call c = {.f = f, .out = u};

	return wait_call(&c, store_quota_usage(f->st, usage_cb, &c));
}
