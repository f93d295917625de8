/* SPDX-License-Identifier: MIT */
/* Pages of the whole store for swarm catch-up and bulk copy (see bulk.h). */
#include "bulk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "hex.h"
#include "msg_hash.h"

enum {
	PUT_MSG_FIELDS = 7,  /* acct, ns, hash, ts, expiry, expiry_set, data */
	PUT_TOMB_FIELDS = 5, /* acct, hash, ns, deleted, until */
	PUT_HEAD = 6,	     /* amax, tmax, now, and the three counts */
	SCAN_MSG = 8,	     /* 'm', acct, hash, ns, ts, expiry, expiry_set, data */
	SCAN_TOMB = 6,	     /* 'd', acct, hash, ns, deleted, until */
	SCAN_REVS = 4,	     /* 'r', acct, count, (token, stamp)..., count, (token, time)... */
};

static bool
pubkey_from_hex(const redisReply *e, uint8_t out[STORE_PUBKEY_BYTES])
{
	if (e->type != REDIS_REPLY_STRING || e->len != STORE_ACCOUNT_HEX)
		return false;
	for (size_t i = 0; i < STORE_PUBKEY_BYTES; i++) {
		int hi = snc_hex_value((unsigned char)e->str[2 * i]);
		int lo = snc_hex_value((unsigned char)e->str[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool
hash_ns(redisReply **e, char hash[STORE_HASH_BUF], int32_t *ns)
{
	int64_t v;

	if (e[0]->type != REDIS_REPLY_STRING || e[0]->len != STORE_HASH_LEN ||
	    !store_reply_int(e[1], &v) || v < STORE_NS_MIN || v > STORE_NS_MAX)
		return false;
	memcpy(hash, e[0]->str, STORE_HASH_LEN);
	hash[STORE_HASH_LEN] = '\0';
	*ns = (int32_t)v;
	return true;
}

/* A message of a bulk_scan answer (e: after its tag). */
static bool
scan_msg(redisReply **e, struct store_msg *m)
{
	if (!pubkey_from_hex(e[0], m->pubkey) || !hash_ns(e + 1, m->hash, &m->ns) ||
	    !store_reply_int(e[3], &m->timestamp_ms) || !store_reply_int(e[4], &m->expiry_ms) ||
	    !store_reply_int(e[5], &m->expiry_set_ms) || e[6]->type != REDIS_REPLY_STRING)
		return false;
	m->data = (const uint8_t *)e[6]->str;
	m->len = e[6]->len;
	return true;
}

static bool
scan_tomb(redisReply **e, struct store_tomb *t)
{
	return pubkey_from_hex(e[0], t->pubkey) && hash_ns(e + 1, t->hash, &t->ns) &&
	       store_reply_int(e[3], &t->deleted_ms) && store_reply_int(e[4], &t->until_ms);
}

/* count (token, int) pairs from e[0] on: 0, or -1 when malformed. */
static int
scan_pairs(redisReply **e, size_t count, uint8_t (*tokens)[STORE_REVOKE_TOKEN], int64_t *v)
{
	for (size_t i = 0; i < count; i++) {
		if (e[2 * i]->type != REDIS_REPLY_STRING || e[2 * i]->len != STORE_REVOKE_TOKEN ||
		    !store_reply_int(e[2 * i + 1], &v[i]))
			return -1;
		memcpy(tokens[i], e[2 * i]->str, STORE_REVOKE_TOKEN);
	}
	return 0;
}

/* A revocation list (e: after its tag; left: elements from e on); its width, 0 if bad:
 * acct, count, (token, stamp)..., unrevoked count, (token, time)... */
static size_t
scan_revs(redisReply **e, size_t left, struct store_revs *r)
{
	int64_t k, ku;

	if (left < 3 || !pubkey_from_hex(e[0], r->pubkey) || !store_reply_int(e[1], &k) || k < 0 ||
	    k > STORE_REVOKE_KEEP || left - 3 < 2 * (size_t)k ||
	    scan_pairs(e + 2, (size_t)k, r->tokens, r->stamps) != 0 ||
	    !store_reply_int(e[2 + 2 * k], &ku) || ku < 0 || ku > STORE_REVOKE_KEEP ||
	    k + ku == 0 || left - 3 - 2 * (size_t)k < 2 * (size_t)ku ||
	    scan_pairs(e + 3 + 2 * k, (size_t)ku, r->un_tokens, r->un_ms) != 0)
		return 0;
	r->n = (size_t)k;
	r->n_un = (size_t)ku;
	return 3 + 2 * r->n + 2 * r->n_un;
}

/* The page's parts, sized for the answer's elements. */
struct scan_parts {
	struct store_msg *recs;
	struct store_tomb *tombs;
	struct store_revs *revs;
};

static bool
scan_parse(const redisReply *reply, struct scan_parts *p, struct store_bulk_page *page)
{
	size_t cap = (reply->elements - 1) / SCAN_TOMB + 1, revs = 1, i = 1;

	/* a list is large (1.8 KB): count its tags (a 1-byte data "r" only adds one) */
	for (size_t k = 1; k < reply->elements; k++)
		revs += reply->element[k]->type == REDIS_REPLY_STRING &&
			reply->element[k]->len == 1 && reply->element[k]->str[0] == 'r';
	p->recs = calloc(cap, sizeof(*p->recs));
	p->tombs = calloc(cap, sizeof(*p->tombs));
	p->revs = calloc(revs, sizeof(*p->revs));
	if (p->recs == NULL || p->tombs == NULL || p->revs == NULL)
		return false;
	while (i < reply->elements) {
		const redisReply *tag = reply->element[i];
		redisReply **e = reply->element + i + 1;
		size_t left = reply->elements - i - 1, w;

		if (tag->type != REDIS_REPLY_STRING || tag->len != 1)
			return false;
		if (tag->str[0] == 'm' && left >= SCAN_MSG - 1 && scan_msg(e, &p->recs[page->n]))
			w = SCAN_MSG, page->n++;
		else if (tag->str[0] == 'd' && left >= SCAN_TOMB - 1 &&
			 scan_tomb(e, &p->tombs[page->n_tombs]))
			w = SCAN_TOMB, page->n_tombs++;
		else if (tag->str[0] == 'r' &&
			 (w = scan_revs(e, left, &p->revs[page->n_revs])) != 0)
			w += 1, page->n_revs++;
		else
			return false;
		i += w;
	}
	page->recs = p->recs;
	page->tombs = p->tombs;
	page->revs = p->revs;
	return true;
}

static void
scan_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_bulk_scan_cb *cb = (store_bulk_scan_cb *)o->cb;
	struct store_status st = *status;
	struct scan_parts parts = {0};
	struct store_bulk_page page = {0};
	uint64_t next = 0;
	char *end;

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
			   reply->element[0]->type != REDIS_REPLY_STRING))
		store_status_proto(&st, STORE_SCRIPT_BULK_SCAN);
	if (st.rc == 0) {
		errno = 0;
		next = strtoull(reply->element[0]->str, &end, 10);
		if (errno != 0 || *end != '\0' || !scan_parse(reply, &parts, &page))
			store_status_proto(&st, STORE_SCRIPT_BULK_SCAN);
	}
	cb(o->arg, &st, next, st.rc == 0 ? &page : NULL);
	free(parts.recs);
	free(parts.tombs);
	free(parts.revs);
	free(o);
}

int
store_bulk_scan(struct store *st, uint64_t cursor, uint32_t max_records, uint64_t max_bytes,
		int64_t now_ms, store_bulk_scan_cb *cb, void *arg)
{
	char cur[24], maxn[16], maxb[24], now[24];
	const char *argv[4] = {cur, maxn, maxb, now};
	size_t lens[4];

	if (st == NULL || cb == NULL || max_records == 0 || max_records > STORE_BULK_RECORDS_MAX)
		return -EINVAL;
	snprintf(cur, sizeof(cur), "%" PRIu64, cursor);
	snprintf(maxn, sizeof(maxn), "%" PRIu32, max_records);
	snprintf(maxb, sizeof(maxb), "%" PRIu64, max_bytes);
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	for (int i = 0; i < 4; i++)
		lens[i] = strlen(argv[i]);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_BULK_SCAN, 4, argv, lens,
			      scan_done);
}

/* The answer's codes: counts (nm, nt, nr), then each part's codes in its range (two per list). */
static bool
put_codes(const redisReply *reply, uint8_t *codes, size_t *n)
{
	int64_t cnt[3], c;
	const int64_t top[3] = {STORE_BULK_CODES - 1, STORE_BULK_TOMB_CODES - 1, STORE_REVOKE_KEEP};
	const int64_t per[3] = {1, 1, 2};
	size_t k = 3;

	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 4 ||
	    reply->elements - 3 > 2 * STORE_BULK_RECORDS_MAX)
		return false;
	for (int s = 0; s < 3; s++)
		if (!store_reply_int(reply->element[s], &cnt[s]) || cnt[s] < 0 ||
		    cnt[s] > STORE_BULK_RECORDS_MAX)
			return false;
	if ((uint64_t)(cnt[0] + cnt[1] + 2 * cnt[2]) != reply->elements - 3)
		return false;
	for (int s = 0; s < 3; s++)
		for (int64_t j = 0; j < per[s] * cnt[s]; j++, k++) {
			if (!store_reply_int(reply->element[k], &c) || c < 0 || c > top[s])
				return false;
			codes[k - 3] = (uint8_t)c;
		}
	*n = k - 3;
	return true;
}

static void
put_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_bulk_put_cb *cb = (store_bulk_put_cb *)o->cb;
	struct store_status st = *status;
	uint8_t codes[2 * STORE_BULK_RECORDS_MAX];
	size_t n = 0;

	if (st.rc == 0 && !put_codes(reply, codes, &n))
		store_status_proto(&st, STORE_SCRIPT_BULK_PUT);
	cb(o->arg, &st, st.rc == 0 ? codes : NULL, st.rc == 0 ? n : 0);
	free(o);
}

static int
page_check(const struct store_bulk_page *p)
{
	size_t total = p->n + p->n_tombs + p->n_revs;

	if (total == 0 || total > STORE_BULK_RECORDS_MAX || (p->n > 0 && p->recs == NULL) ||
	    (p->n_tombs > 0 && p->tombs == NULL) || (p->n_revs > 0 && p->revs == NULL))
		return -EINVAL;
	for (size_t i = 0; i < p->n; i++) {
		const struct store_msg *m = &p->recs[i];

		if (!snc_msg_hash_is_valid(m->hash, strnlen(m->hash, STORE_HASH_BUF)) ||
		    (m->data == NULL && m->len > 0) || m->len > STORE_DATA_MAX)
			return -EINVAL;
		if (m->ns < STORE_NS_MIN || m->ns > STORE_NS_MAX)
			return -ERANGE;
	}
	for (size_t i = 0; i < p->n_tombs; i++) {
		if (!snc_msg_hash_is_valid(p->tombs[i].hash,
					   strnlen(p->tombs[i].hash, STORE_HASH_BUF)))
			return -EINVAL;
		if (p->tombs[i].ns < STORE_NS_MIN || p->tombs[i].ns > STORE_NS_MAX)
			return -ERANGE;
	}
	for (size_t i = 0; i < p->n_revs; i++)
		if (p->revs[i].n > STORE_REVOKE_KEEP || p->revs[i].n_un > STORE_REVOKE_KEEP ||
		    p->revs[i].n + p->revs[i].n_un == 0)
			return -EINVAL;
	return 0;
}

/* Numbers as text, and the accounts' hex, for every argument of a page. */
struct put_text {
	char acct[STORE_ACCOUNT_HEX + 1], ns[12], a[24], b[24], c[24];
};

static size_t
put_argc(const struct store_bulk_page *p)
{
	size_t argc = PUT_HEAD + PUT_MSG_FIELDS * p->n + PUT_TOMB_FIELDS * p->n_tombs;

	for (size_t i = 0; i < p->n_revs; i++)
		argc += 3 + 2 * (p->revs[i].n + p->revs[i].n_un);
	return argc;
}

static const char **
put_msg_args(const struct store_msg *m, struct put_text *t, const char **a, size_t *l)
{
	store_account_hex(m->pubkey, t->acct);
	store_ns_text(m->ns, false, t->ns);
	snprintf(t->a, sizeof(t->a), "%" PRId64, m->timestamp_ms);
	snprintf(t->b, sizeof(t->b), "%" PRId64, m->expiry_ms);
	snprintf(t->c, sizeof(t->c), "%" PRId64, m->expiry_set_ms);
	a[0] = t->acct;
	a[1] = t->ns;
	a[2] = m->hash;
	a[3] = t->a;
	a[4] = t->b;
	a[5] = t->c;
	a[6] = m->len > 0 ? (const char *)m->data : "";
	for (int f = 0; f < PUT_MSG_FIELDS; f++)
		l[f] = f == 6 ? m->len : strlen(a[f]);
	return a + PUT_MSG_FIELDS;
}

static const char **
put_tomb_args(const struct store_tomb *d, struct put_text *t, const char **a, size_t *l)
{
	store_account_hex(d->pubkey, t->acct);
	store_ns_text(d->ns, false, t->ns);
	snprintf(t->a, sizeof(t->a), "%" PRId64, d->deleted_ms);
	snprintf(t->b, sizeof(t->b), "%" PRId64, d->until_ms);
	a[0] = t->acct;
	a[1] = d->hash;
	a[2] = t->ns;
	a[3] = t->a;
	a[4] = t->b;
	for (int f = 0; f < PUT_TOMB_FIELDS; f++)
		l[f] = strlen(a[f]);
	return a + PUT_TOMB_FIELDS;
}

/* Numbers of one list as text: its two counts, then a stamp or time per token. */
struct revs_text {
	char n[8], n_un[8];
	char v[2 * STORE_REVOKE_KEEP][24];
};

static const char **
put_revs_args(const struct store_revs *r, struct put_text *t, struct revs_text *rt, const char **a,
	      size_t *l)
{
	size_t k = 0;

	store_account_hex(r->pubkey, t->acct);
	snprintf(rt->n, sizeof(rt->n), "%zu", r->n);
	snprintf(rt->n_un, sizeof(rt->n_un), "%zu", r->n_un);
	a[k] = t->acct;
	l[k++] = STORE_ACCOUNT_HEX;
	a[k] = rt->n;
	l[k++] = strlen(rt->n);
	for (size_t i = 0; i < r->n; i++) {
		snprintf(rt->v[i], sizeof(rt->v[i]), "%" PRId64, r->stamps[i]);
		a[k] = (const char *)r->tokens[i];
		l[k++] = STORE_REVOKE_TOKEN;
		a[k] = rt->v[i];
		l[k++] = strlen(rt->v[i]);
	}
	a[k] = rt->n_un;
	l[k++] = strlen(rt->n_un);
	for (size_t i = 0; i < r->n_un; i++) {
		char *v = rt->v[STORE_REVOKE_KEEP + i];

		snprintf(v, 24, "%" PRId64, r->un_ms[i]);
		a[k] = (const char *)r->un_tokens[i];
		l[k++] = STORE_REVOKE_TOKEN;
		a[k] = v;
		l[k++] = strlen(v);
	}
	return a + k;
}

/* The six leading arguments (text in h, 6 x 24 bytes). */
static void
put_head_args(const struct store *st, const struct store_bulk_page *p, int64_t now_ms,
	      char (*h)[24], const char **argv, size_t *lens)
{
	snprintf(h[0], 24, "%" PRIu64, st->account_bytes_max);
	snprintf(h[1], 24, "%" PRIu64, st->total_bytes_max);
	snprintf(h[2], 24, "%" PRId64, now_ms);
	snprintf(h[3], 24, "%zu", p->n);
	snprintf(h[4], 24, "%zu", p->n_tombs);
	snprintf(h[5], 24, "%zu", p->n_revs);
	for (int i = 0; i < PUT_HEAD; i++) {
		argv[i] = h[i];
		lens[i] = strlen(h[i]);
	}
}

int
store_bulk_put_page(struct store *st, const struct store_bulk_page *p, int64_t now_ms,
		    store_bulk_put_cb *cb, void *arg)
{
	char head[PUT_HEAD][24];
	const char **argv, **a;
	struct put_text *t;
	struct revs_text *rt;
	size_t argc, k = 0;
	size_t *lens;
	int rc;

	if (st == NULL || p == NULL || cb == NULL)
		return -EINVAL;
	rc = page_check(p);
	if (rc != 0)
		return rc;
	argc = put_argc(p);
	t = calloc(p->n + p->n_tombs + p->n_revs, sizeof(*t));
	rt = calloc(p->n_revs + 1, sizeof(*rt));
	argv = calloc(argc, sizeof(*argv));
	lens = calloc(argc, sizeof(*lens));
	rc = -ENOMEM;
	if (t != NULL && rt != NULL && argv != NULL && lens != NULL) {
		put_head_args(st, p, now_ms, head, argv, lens);
		a = argv + PUT_HEAD;
		for (size_t i = 0; i < p->n; i++, k++)
			a = put_msg_args(&p->recs[i], &t[k], a, lens + (a - argv));
		for (size_t i = 0; i < p->n_tombs; i++, k++)
			a = put_tomb_args(&p->tombs[i], &t[k], a, lens + (a - argv));
		for (size_t i = 0; i < p->n_revs; i++, k++)
			a = put_revs_args(&p->revs[i], &t[k], &rt[i], a, lens + (a - argv));
		rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_BULK_PUT, (int)argc,
				    argv, lens, put_done);
	}
	free(t);
	free(rt);
	free(argv);
	free(lens);
	return rc;
}

int
store_bulk_put(struct store *st, const struct store_msg *recs, size_t n, int64_t now_ms,
	       store_bulk_put_cb *cb, void *arg)
{
	struct store_bulk_page p = {.recs = recs, .n = n};

	if (recs == NULL || n == 0)
		return -EINVAL;
	return store_bulk_put_page(st, &p, now_ms, cb, arg);
}

static void
drop_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_bulk_drop_cb *cb = (store_bulk_drop_cb *)o->cb;
	struct store_status st = *status;
	int64_t removed = 0;

	if (st.rc == 0 && (!store_reply_int(reply, &removed) || removed < 0))
		store_status_proto(&st, STORE_SCRIPT_BULK_DROP);
	cb(o->arg, &st, st.rc == 0 ? (uint64_t)removed : 0);
	free(o);
}

int
store_bulk_drop(struct store *st, const struct store_msg *recs, size_t n, store_bulk_drop_cb *cb,
		void *arg)
{
	struct store_bulk_page p = {.recs = recs, .n = n};

	if (recs == NULL || n == 0)
		return -EINVAL;
	return store_bulk_drop_page(st, &p, cb, arg);
}

/* One (acct, hash) pair, or an account alone (hash NULL). */
static size_t
drop_arg(const uint8_t *pubkey, const char *hash, char *acct, const char **argv, size_t *lens)
{
	store_account_hex(pubkey, acct);
	argv[0] = acct;
	lens[0] = STORE_ACCOUNT_HEX;
	if (hash == NULL)
		return 1;
	argv[1] = hash;
	lens[1] = STORE_HASH_LEN;
	return 2;
}

int
store_bulk_drop_page(struct store *st, const struct store_bulk_page *p, store_bulk_drop_cb *cb,
		     void *arg)
{
	size_t total, argc = 3, e = 0;
	char(*acct)[STORE_ACCOUNT_HEX + 1];
	char counts[3][24];
	const char **argv;
	size_t *lens;
	int rc;

	if (st == NULL || p == NULL || cb == NULL)
		return -EINVAL;
	rc = page_check(p);
	if (rc != 0)
		return rc;
	total = p->n + p->n_tombs + p->n_revs;
	acct = calloc(total, sizeof(*acct));
	argv = calloc(3 + 2 * total, sizeof(*argv));
	lens = calloc(3 + 2 * total, sizeof(*lens));
	rc = -ENOMEM;
	if (acct != NULL && argv != NULL && lens != NULL) {
		snprintf(counts[0], sizeof(counts[0]), "%zu", p->n);
		snprintf(counts[1], sizeof(counts[1]), "%zu", p->n_tombs);
		snprintf(counts[2], sizeof(counts[2]), "%zu", p->n_revs);
		for (int i = 0; i < 3; i++) {
			argv[i] = counts[i];
			lens[i] = strlen(counts[i]);
		}
		for (size_t i = 0; i < p->n; i++, e++)
			argc += drop_arg(p->recs[i].pubkey, p->recs[i].hash, acct[e], argv + argc,
					 lens + argc);
		for (size_t i = 0; i < p->n_tombs; i++, e++)
			argc += drop_arg(p->tombs[i].pubkey, p->tombs[i].hash, acct[e], argv + argc,
					 lens + argc);
		for (size_t i = 0; i < p->n_revs; i++, e++)
			argc += drop_arg(p->revs[i].pubkey, NULL, acct[e], argv + argc,
					 lens + argc);
		rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_BULK_DROP, (int)argc,
				    argv, lens, drop_done);
	}
	free(acct);
	free(argv);
	free(lens);
	return rc;
}
