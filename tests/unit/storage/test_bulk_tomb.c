/* SPDX-License-Identifier: MIT */
/*
 * Tombstones, expiry set times and revocation lists of storage/bulk.c against
 * a real redis-server (docs/replication.md, "Merge rules"): deletes leave
 * tombstones until the message's expiry; a page's tombstone deletes a stale
 * copy and refuses it later, a copy refused with a later expiry lengthens the
 * tombstone; a message stored again after its deletion wins over the
 * tombstone; the expiry set last wins (a missed shortening is applied, an
 * older longer expiry is not), ties keep the later expiry; ended tombstones
 * are ignored and swept; the bound (STORE_KEYS_TOMBS_MAX) evicts the soonest
 * to end and counts it; revocation lists merge; bad pages are refused.
 *
 * Times: the scripts stamp deletions and expiry changes with Redis TIME, so
 * the tests use the wall clock and sleep a few ms between two changes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bulk.h"
#include "keys.h"
#include "msg_hash.h"
#include "store_sync.h"

#define DAY INT64_C(86400000)

static struct fixture fx;
static struct store *b_st; /* prefix "b:": the member that was away */

struct page_copy {
	size_t n, n_tombs, n_revs;
	struct store_msg recs[64];
	uint8_t data[64][64];
	struct store_tomb tombs[64];
	struct store_revs revs[4];
};

struct wait {
	bool done;
	struct store_status st;
	uint64_t next;
	struct page_copy p;
	size_t n;
	uint8_t codes[2 * STORE_BULK_RECORDS_MAX];
};

static struct wait w;

static int64_t
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void
scan_cb(void *arg, const struct store_status *st, uint64_t next, const struct store_bulk_page *page)
{
	struct wait *x = arg;

	x->st = *st;
	x->next = next;
	/* appended: scan_all reads pages until the cursor is back at 0 */
	if (page != NULL) {
		struct page_copy *c = &x->p;

		assert_true(c->n + page->n <= 64 && c->n_tombs + page->n_tombs <= 64 &&
			    c->n_revs + page->n_revs <= 4);
		for (size_t i = 0; i < page->n; i++, c->n++) {
			c->recs[c->n] = page->recs[i];
			assert_true(page->recs[i].len <= 64);
			memcpy(c->data[c->n], page->recs[i].data, page->recs[i].len);
			c->recs[c->n].data = c->data[c->n];
		}
		memcpy(c->tombs + c->n_tombs, page->tombs, page->n_tombs * sizeof(*page->tombs));
		memcpy(c->revs + c->n_revs, page->revs, page->n_revs * sizeof(*page->revs));
		c->n_tombs += page->n_tombs;
		c->n_revs += page->n_revs;
	}
	x->done = true;
}

static void
put_cb(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct wait *x = arg;

	x->st = *st;
	x->n = n;
	if (codes != NULL)
		memcpy(x->codes, codes, n);
	x->done = true;
}

static int
finish(int rc)
{
	if (rc != 0)
		return rc;
	assert_true(redis_test_loop_until(fx.base, &w.done, SYNC_WAIT_MS));
	if (w.st.rc != 0)
		print_error("store: %s\n", w.st.text);
	return w.st.rc;
}

/* The whole store, page after page (other prefixes' keys cost SCAN steps). */
static void
scan_all(struct store *st)
{
	memset(&w, 0, sizeof(w));
	do {
		w.done = false;
		assert_int_equal(finish(store_bulk_scan(st, w.next, STORE_BULK_RECORDS_MAX,
							UINT64_C(1) << 40, wall(), scan_cb, &w)),
				 0);
	} while (w.next != 0);
}

static int
put_page(struct store *st, const struct store_bulk_page *p)
{
	memset(&w, 0, sizeof(w));
	return finish(store_bulk_put_page(st, p, wall(), put_cb, &w));
}

static struct page_copy pulled; /* the last page pulled */

/* Copies st's whole page into to; the page is in c, the codes in w. */
static void
pull(struct store *to, struct store *from)
{
	struct store_bulk_page p;

	scan_all(from);
	pulled = w.p;
	p = (struct store_bulk_page){pulled.recs,    pulled.n,	  pulled.tombs,
				     pulled.n_tombs, pulled.revs, pulled.n_revs};
	if (pulled.n + pulled.n_tombs + pulled.n_revs == 0)
		return;
	assert_int_equal(put_page(to, &p), 0);
	assert_int_equal(w.n, pulled.n + pulled.n_tombs + 2 * pulled.n_revs);
}

static struct store *
second(const char *prefix)
{
	struct store_config c = {.redis = {.prefix = prefix}};
	struct store *st = fixture_store(&fx, &c);

	assert_non_null(st);
	assert_true(fixture_wait_ready(&fx, st, SYNC_WAIT_MS));
	return st;
}

static int
setup(void **state)
{
	(void)state;
	if (fixture_up(&fx, "everysec", NULL) != 0)
		return -1;
	b_st = second("b:");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_free(b_st);
	fixture_down(&fx);
	return 0;
}

/* Runs op on store st with the fixture's helpers. */
static struct store *
on(struct store *st)
{
	struct store *keep = fx.st;

	fx.st = st;
	return keep;
}

static int64_t
expiry_in(struct store *st, const struct store_msg *m)
{
	const char *h[1] = {m->hash};
	struct hashes out;
	struct store *keep = on(st);

	assert_int_equal(sync_expiries(&fx, m->pubkey, h, 1, wall(), &out), 0);
	fx.st = keep;
	return out.n == 1 ? out.exp[0] : -1;
}

static uint64_t
tombstones(struct store *st)
{
	struct store_usage u;
	struct store *keep = on(st);

	assert_int_equal(sync_usage(&fx, &u), 0);
	fx.st = keep;
	return u.tombstones;
}

/* m stored in both stores (the copy into b keeps a's expiry set time). */
static void
store_both(struct store_msg *m, uint8_t seed, const char *data, int64_t exp)
{
	struct store_put_result r;
	uint8_t pk[33];
	struct store_bulk_page p;

	test_pubkey(pk, 0x05, seed);
	test_msg(m, pk, 3, data, strlen(data), wall(), exp);
	assert_int_equal(sync_put(&fx, m, &r), 0);
	scan_all(fx.st);
	for (size_t i = 0; i < w.p.n; i++)
		if (strcmp(w.p.recs[i].hash, m->hash) == 0) {
			static struct store_msg copy;

			copy = w.p.recs[i];
			p = (struct store_bulk_page){.recs = &copy, .n = 1};
			assert_true(copy.expiry_set_ms > 0);
			assert_int_equal(put_page(b_st, &p), 0);
			return;
		}
	fail();
}

static void
delete_one(struct store *st, const struct store_msg *m)
{
	const char *h[1] = {m->hash};
	struct hashes out;
	struct store *keep = on(st);

	assert_int_equal(sync_delete(&fx, m->pubkey, h, 1, &out), 0);
	assert_int_equal(out.n, 1);
	fx.st = keep;
}

/* A delete leaves a tombstone until the expiry; delete_all and delete_before too;
 * an expired message leaves none. */
static void
test_delete_leaves_tombstone(void **state)
{
	struct store_msg m, m2, m3, old;
	struct store_put_result r;
	struct ns_hashes nsh;
	int64_t before, exp = wall() + DAY;

	(void)state;
	store_both(&m, 1, "deleted while b was away", exp);
	before = wall();
	delete_one(fx.st, &m);
	scan_all(fx.st);
	assert_int_equal(w.p.n_tombs, 1);
	assert_string_equal(w.p.tombs[0].hash, m.hash);
	assert_memory_equal(w.p.tombs[0].pubkey, m.pubkey, 33);
	assert_int_equal(w.p.tombs[0].ns, 3);
	assert_true(w.p.tombs[0].deleted_ms >= before && w.p.tombs[0].deleted_ms <= wall());
	assert_int_equal(w.p.tombs[0].until_ms, exp);
	assert_int_equal(tombstones(fx.st), 1);
	/* delete_all and delete_before leave one each */
	test_msg(&m2, m.pubkey, 4, "all", 3, wall(), exp);
	test_msg(&m3, m.pubkey, 5, "before", 6, wall() - 5000, exp);
	assert_int_equal(sync_put(&fx, &m2, &r), 0);
	assert_int_equal(sync_put(&fx, &m3, &r), 0);
	assert_int_equal(sync_delete_all(&fx, m.pubkey, 4, &nsh), 0);
	assert_int_equal(sync_delete_before(&fx, m.pubkey, 5, wall() - 1000, &nsh), 0);
	assert_int_equal(nsh.total, 1);
	assert_int_equal(tombstones(fx.st), 3);
	/* a message already expired (not swept yet) leaves none */
	test_msg(&old, m.pubkey, 6, "old", 3, wall(), wall() + 20);
	assert_int_equal(sync_put(&fx, &old, &r), 0);
	pause_ms(40);
	delete_one(fx.st, &old);
	assert_int_equal(tombstones(fx.st), 3);
}

/* b missed the delete: pulling from a deletes b's copy; a never takes b's copy back. */
static void
test_tombstone_wins_both_ways(void **state)
{
	struct store_msg m;
	int64_t until;

	(void)state;
	store_both(&m, 2, "deleted at a only", wall() + DAY);
	delete_one(fx.st, &m);
	/* a pulls from b (b still has it): refused, a still lacks it */
	pull(fx.st, b_st);
	{
		bool seen = false;

		for (size_t i = 0; i < pulled.n; i++)
			if (strcmp(pulled.recs[i].hash, m.hash) == 0) {
				assert_int_equal(w.codes[i], STORE_BULK_TOMBSTONED);
				seen = true;
			}
		assert_true(seen);
	}
	assert_int_equal(expiry_in(fx.st, &m), -1);
	/* b pulls from a: its copy is deleted and b keeps the tombstone */
	assert_int_equal(expiry_in(b_st, &m), m.expiry_ms);
	pull(b_st, fx.st);
	assert_int_equal(expiry_in(b_st, &m), -1);
	assert_true(tombstones(b_st) >= 1);
	scan_all(b_st);
	assert_int_equal(w.p.n, 0);
	/* a copy with a later expiry (an extension a missed) is refused and lengthens it */
	{
		struct store_msg later = m;
		struct store_bulk_page p = {.recs = &later, .n = 1};

		later.expiry_ms = m.expiry_ms + DAY;
		assert_int_equal(put_page(fx.st, &p), 0);
		assert_int_equal(w.codes[0], STORE_BULK_TOMBSTONED);
		scan_all(fx.st);
		until = 0;
		for (size_t i = 0; i < w.p.n_tombs; i++)
			if (strcmp(w.p.tombs[i].hash, m.hash) == 0)
				until = w.p.tombs[i].until_ms;
		assert_int_equal(until, m.expiry_ms + DAY);
	}
}

/* Stored again after its deletion: the message wins over the tombstone, here and in a
 * merge; a tombstone older than a message's expiry set time does not delete it. */
static void
test_stored_again_wins(void **state)
{
	struct store_msg m, copy;
	struct store_put_result r;
	struct store_bulk_page p;

	(void)state;
	store_both(&m, 3, "stored again", wall() + DAY);
	delete_one(fx.st, &m);
	pull(b_st, fx.st); /* b has the tombstone too */
	assert_int_equal(expiry_in(b_st, &m), -1);
	pause_ms(3);
	assert_int_equal(sync_put(&fx, &m, &r), 0); /* the client stores it again at a */
	assert_false(r.already);
	scan_all(fx.st);
	for (size_t i = 0; i < w.p.n_tombs; i++)
		assert_string_not_equal(w.p.tombs[i].hash, m.hash);
	for (size_t i = 0; i < w.p.n; i++)
		if (strcmp(w.p.recs[i].hash, m.hash) == 0)
			copy = w.p.recs[i];
	copy.data = (const uint8_t *)"stored again";
	p = (struct store_bulk_page){.recs = &copy, .n = 1};
	assert_int_equal(put_page(b_st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_INSERTED);
	assert_int_equal(expiry_in(b_st, &m), m.expiry_ms);
	/* an old tombstone of it (deleted before it was set) leaves it */
	{
		struct store_tomb t = {0};
		struct store_bulk_page tp = {.tombs = &t, .n_tombs = 1};

		memcpy(t.pubkey, m.pubkey, 33);
		strcpy(t.hash, m.hash);
		t.ns = m.ns;
		t.deleted_ms = copy.expiry_set_ms - 1;
		t.until_ms = m.expiry_ms;
		assert_int_equal(put_page(b_st, &tp), 0);
		assert_int_equal(w.codes[0], STORE_BULK_TOMB_NEWER);
		assert_int_equal(expiry_in(b_st, &m), m.expiry_ms);
	}
}

/* The expiry set last wins: a missed shortening is applied (lowered), an older longer
 * expiry does not come back; with equal set times the later expiry wins (raised). */
static void
test_expiry_set_last_wins(void **state)
{
	struct store_msg m, copy;
	struct hashes upd, unch;
	int64_t exp = wall() + DAY, shorter = wall() + DAY / 2;
	const char *h[1];
	struct store_expire_req req = {.mode = STORE_EXPIRE_SHORTEN, .n = 1, .n_expiries = 1};
	struct store_bulk_page p = {.recs = &copy, .n = 1};

	(void)state;
	store_both(&m, 4, "shortened while b was away", exp);
	scan_all(b_st);
	for (size_t i = 0; i < w.p.n; i++)
		if (strcmp(w.p.recs[i].hash, m.hash) == 0)
			copy = w.p.recs[i]; /* b's old, longer copy */
	copy.data = (const uint8_t *)"shortened while b was away";
	pause_ms(3);
	h[0] = m.hash;
	req.pubkey = m.pubkey;
	req.hashes = h;
	req.expiries_ms = &shorter;
	req.now_ms = wall();
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 1);
	/* a pulls b's older, longer copy: present, still shortened */
	assert_int_equal(put_page(fx.st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_PRESENT);
	assert_int_equal(expiry_in(fx.st, &m), shorter);
	/* b pulls from a: lowered */
	pull(b_st, fx.st);
	assert_int_equal(expiry_in(b_st, &m), shorter);
	/* equal set times: the later expiry wins (raised), an earlier one does nothing */
	scan_all(b_st);
	for (size_t i = 0; i < w.p.n; i++)
		if (strcmp(w.p.recs[i].hash, m.hash) == 0)
			copy = w.p.recs[i];
	copy.data = (const uint8_t *)"shortened while b was away";
	copy.expiry_ms = shorter - 1000;
	assert_int_equal(put_page(b_st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_PRESENT);
	copy.expiry_ms = shorter + 1000;
	assert_int_equal(put_page(b_st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_RAISED);
	assert_int_equal(expiry_in(b_st, &m), shorter + 1000);
	/* a later extension wins over the shortening */
	copy.expiry_set_ms += 10;
	copy.expiry_ms = exp + DAY;
	assert_int_equal(put_page(fx.st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_RAISED);
	copy.expiry_set_ms += 10;
	copy.expiry_ms = shorter - 5000;
	assert_int_equal(put_page(fx.st, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_LOWERED);
	assert_int_equal(expiry_in(fx.st, &m), shorter - 5000);
}

/* A tombstone whose end has passed is ignored; the sweep removes ended ones. */
static void
test_tombstone_end_and_sweep(void **state)
{
	struct store *t = second("e:");
	struct store_tomb d = {0};
	struct store_bulk_page p = {.tombs = &d, .n_tombs = 1};
	uint64_t removed;
	bool more;

	(void)state;
	test_pubkey(d.pubkey, 0x05, 9);
	snc_msg_hash_compute(d.pubkey, 0, (const uint8_t *)"x", 1, d.hash);
	d.deleted_ms = wall();
	d.until_ms = wall() - 1;
	assert_int_equal(put_page(t, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_TOMB_ENDED);
	assert_int_equal(tombstones(t), 0);
	d.until_ms = wall() + 30;
	assert_int_equal(put_page(t, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_TOMB_RECORDED);
	assert_int_equal(put_page(t, &p), 0);
	assert_int_equal(w.codes[0], STORE_BULK_TOMB_RECORDED); /* known: kept once */
	assert_int_equal(tombstones(t), 1);
	pause_ms(60);
	{
		struct store *keep = on(t);

		assert_int_equal(sync_sweep(&fx, wall(), 100, &removed, &more), 0);
		fx.st = keep;
	}
	assert_false(more);
	assert_int_equal(tombstones(t), 0);
	store_free(t);
}

/* STORE_KEYS_TOMBS_MAX tombstones are held; one more evicts the soonest to end. */
static void
test_tombstone_bound(void **state)
{
	static struct store_tomb d[STORE_BULK_RECORDS_MAX];
	struct store *t = second("t:");
	int64_t base = wall() + DAY;
	size_t done = 0;
	struct store_usage u;
	struct store_msg first;
	struct store_bulk_page p;

	(void)state;
	while (done < STORE_KEYS_TOMBS_MAX) {
		size_t k = STORE_KEYS_TOMBS_MAX - done < STORE_BULK_RECORDS_MAX
				   ? STORE_KEYS_TOMBS_MAX - done
				   : STORE_BULK_RECORDS_MAX;

		for (size_t i = 0; i < k; i++) {
			uint32_t v = (uint32_t)(done + i);

			test_pubkey(d[i].pubkey, 0x05, 10);
			d[i].ns = 0;
			snc_msg_hash_compute(d[i].pubkey, 0, (const uint8_t *)&v, sizeof(v),
					     d[i].hash);
			d[i].deleted_ms = wall();
			d[i].until_ms = base + (int64_t)v; /* v 0 ends first */
		}
		p = (struct store_bulk_page){.tombs = d, .n_tombs = k};
		assert_int_equal(put_page(t, &p), 0);
		done += k;
	}
	{
		struct store *keep = on(t);

		assert_int_equal(sync_usage(&fx, &u), 0);
		assert_int_equal(u.tombstones, STORE_KEYS_TOMBS_MAX);
		assert_int_equal(u.tombs_evicted, 0);
		uint32_t v = STORE_KEYS_TOMBS_MAX;

		snc_msg_hash_compute(d[0].pubkey, 0, (const uint8_t *)&v, sizeof(v), d[0].hash);
		d[0].until_ms = base + DAY;
		p = (struct store_bulk_page){.tombs = d, .n_tombs = 1};
		fx.st = keep;
		assert_int_equal(put_page(t, &p), 0);
		fx.st = t;
		assert_int_equal(sync_usage(&fx, &u), 0);
		fx.st = keep;
	}
	assert_int_equal(u.tombstones, STORE_KEYS_TOMBS_MAX);
	assert_int_equal(u.tombs_evicted, 1);
	/* the evicted one (v 0) no longer refuses its copy; v 1 still does */
	for (uint32_t v = 0; v < 2; v++) {
		static uint32_t val[2];
		struct store_bulk_page mp = {.recs = &first, .n = 1};

		val[v] = v;
		test_msg(&first, d[0].pubkey, 0, &val[v], sizeof(val[v]), wall(), base);
		first.expiry_set_ms = 1; /* older than any deletion */
		assert_int_equal(put_page(t, &mp), 0);
		assert_int_equal(w.codes[0], v == 0 ? STORE_BULK_INSERTED : STORE_BULK_TOMBSTONED);
	}
	store_free(t);
}

/* Revocation lists: missing tokens added (newest stays newest), known ones not again,
 * the newest STORE_REVOKE_KEEP kept. */
static void
test_revocations_merge(void **state)
{
	uint8_t pk[33], tok[3][STORE_REVOKE_TOKEN], got[60][STORE_REVOKE_TOKEN];
	uint8_t own[STORE_REVOKE_KEEP][STORE_REVOKE_TOKEN];
	struct store *keep;
	uint64_t count;
	size_t n;

	(void)state;
	test_pubkey(pk, 0x03, 20);
	for (int i = 0; i < 3; i++)
		memset(tok[i], 0x30 + i, STORE_REVOKE_TOKEN);
	assert_int_equal(sync_revoke(&fx, pk, tok[0], 2, &count), 0); /* a: tok0, then tok1 */
	pull(b_st, fx.st);
	assert_int_equal(pulled.n_revs, 1);
	assert_int_equal(w.codes[w.n - 2], 2); /* added */
	assert_int_equal(w.codes[w.n - 1], 0); /* removed */
	keep = on(b_st);
	assert_int_equal(sync_revoked(&fx, pk, got[0], 60, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(got[0], tok[1], STORE_REVOKE_TOKEN); /* newest first */
	assert_memory_equal(got[1], tok[0], STORE_REVOKE_TOKEN);
	fx.st = keep;
	pull(b_st, fx.st); /* again: nothing added */
	assert_int_equal(w.codes[w.n - 2], 0);
	/* b holds 50 of its own: a's newest comes in, the oldest goes */
	for (int i = 0; i < STORE_REVOKE_KEEP; i++)
		memset(own[i], 0x80 + i, STORE_REVOKE_TOKEN);
	keep = on(b_st);
	assert_int_equal(sync_revoke(&fx, pk, own[0], STORE_REVOKE_KEEP, &count), 0);
	fx.st = keep;
	pause_ms(2); /* a later stamp than b's own */
	assert_int_equal(sync_revoke(&fx, pk, tok[2], 1, &count), 0);
	pull(b_st, fx.st);
	keep = on(b_st);
	assert_int_equal(sync_revoked(&fx, pk, got[0], 60, &n), 0);
	fx.st = keep;
	assert_int_equal(n, STORE_REVOKE_KEEP);
	assert_memory_equal(got[0], tok[2], STORE_REVOKE_TOKEN);
}

/* The last pull's list of pk, with its two codes (added, removed). */
static const struct store_revs *
pulled_list(const uint8_t *pk, uint8_t *added, uint8_t *removed)
{
	for (size_t i = 0; i < pulled.n_revs; i++)
		if (memcmp(pulled.revs[i].pubkey, pk, 33) == 0) {
			size_t at = pulled.n + pulled.n_tombs + 2 * i;

			*added = w.codes[at];
			*removed = w.codes[at + 1];
			return &pulled.revs[i];
		}
	fail_msg("no list for the account in the pull");
	return NULL;
}

/* Whether st lists token for pk. */
static bool
listed(struct store *st, const uint8_t *pk, const uint8_t *token)
{
	uint8_t got[60][STORE_REVOKE_TOKEN];
	struct store *keep = on(st);
	size_t n;

	assert_int_equal(sync_revoked(&fx, pk, got[0], 60, &n), 0);
	fx.st = keep;
	for (size_t i = 0; i < n; i++)
		if (memcmp(got[i], token, STORE_REVOKE_TOKEN) == 0)
			return true;
	return false;
}

/*
 * Unrevocations are caught up (gap of page version 2): a member that missed an unrevoke drops
 * the token when it pulls from one that has it (removed 1), a member that still lists it does
 * not give it back to one that unrevoked it (added 0), a revocation made after the unrevocation
 * wins again, and at most STORE_REVOKE_KEEP unrevocations are kept per account.
 */
static void
test_unrevoke_catch_up(void **state)
{
	uint8_t pk[33], tok[2][STORE_REVOKE_TOKEN], many[60][STORE_REVOKE_TOKEN];
	struct store *c_st = second("c:"), *keep;
	const struct store_revs *r;
	uint8_t added, removed;
	uint64_t count;

	(void)state;
	test_pubkey(pk, 0x03, 21);
	memset(tok[0], 0x41, STORE_REVOKE_TOKEN);
	memset(tok[1], 0x42, STORE_REVOKE_TOKEN);
	assert_int_equal(sync_revoke(&fx, pk, tok[0], 2, &count), 0);
	pull(b_st, fx.st);
	pull(c_st, fx.st);
	assert_true(listed(b_st, pk, tok[0]) && listed(c_st, pk, tok[0]));
	/* a unrevokes tok0 while b and c are away */
	pause_ms(2);
	assert_int_equal(sync_unrevoke(&fx, pk, tok[0], 1, &count), 0);
	assert_int_equal(count, 1);
	pull(b_st, fx.st);
	r = pulled_list(pk, &added, &removed);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->n_un, 1);
	assert_int_equal(added, 0);
	assert_int_equal(removed, 1); /* tok0 removed at b */
	assert_false(listed(b_st, pk, tok[0]));
	assert_true(listed(b_st, pk, tok[1]));
	/* c still lists it: a pulling from c does not take it back, nor does b */
	pull(fx.st, c_st);
	pulled_list(pk, &added, &removed);
	assert_int_equal(added, 0);
	assert_false(listed(fx.st, pk, tok[0]));
	pull(b_st, c_st);
	assert_false(listed(b_st, pk, tok[0]));
	/* and c learns the unrevocation from b */
	pull(c_st, b_st);
	assert_false(listed(c_st, pk, tok[0]));
	/* revoked again at a, later: b takes the revocation back */
	pause_ms(2);
	assert_int_equal(sync_revoke(&fx, pk, tok[0], 1, &count), 0);
	pull(b_st, fx.st);
	r = pulled_list(pk, &added, &removed);
	assert_int_equal(r->n_un, 0); /* the revocation ended a's unrevocation */
	assert_int_equal(added, 1);
	assert_true(listed(b_st, pk, tok[0]));
	/* 60 unrevocations: the newest 50 kept */
	for (int i = 0; i < 60; i++)
		memset(many[i], 0x90 + i, STORE_REVOKE_TOKEN);
	keep = on(c_st);
	assert_int_equal(sync_unrevoke(&fx, pk, many[0], 60, &count), 0);
	fx.st = keep;
	scan_all(c_st);
	pulled = w.p;
	r = pulled_list(pk, &added, &removed);
	assert_int_equal(r->n_un, STORE_REVOKE_KEEP);
	store_free(c_st);
}

static void
test_bad_pages(void **state)
{
	static struct store_tomb many[STORE_BULK_RECORDS_MAX + 1];
	struct store_revs r = {0};
	struct store_tomb d = {0};
	struct store_bulk_page p = {0};

	(void)state;
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL);
	p.revs = &r;
	p.n_revs = 1;
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL); /* 0 */
	r.n = STORE_REVOKE_KEEP + 1;
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL);
	r.n = 0;
	r.n_un = STORE_REVOKE_KEEP + 1;
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL);
	p = (struct store_bulk_page){.tombs = &d, .n_tombs = 1};
	strcpy(d.hash, "not a hash");
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL);
	snc_msg_hash_compute(d.pubkey, 0, (const uint8_t *)"x", 1, d.hash);
	d.ns = STORE_NS_MAX + 1;
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -ERANGE);
	for (size_t i = 0; i <= STORE_BULK_RECORDS_MAX; i++)
		many[i] = d;
	many[0].ns = 0;
	p = (struct store_bulk_page){.tombs = many, .n_tombs = STORE_BULK_RECORDS_MAX + 1};
	assert_int_equal(store_bulk_put_page(fx.st, &p, wall(), put_cb, &w), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delete_leaves_tombstone),
		cmocka_unit_test(test_tombstone_wins_both_ways),
		cmocka_unit_test(test_stored_again_wins),
		cmocka_unit_test(test_expiry_set_last_wins),
		cmocka_unit_test(test_tombstone_end_and_sweep),
		cmocka_unit_test(test_tombstone_bound),
		cmocka_unit_test(test_revocations_merge),
		cmocka_unit_test(test_unrevoke_catch_up),
		cmocka_unit_test(test_bad_pages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
