/* SPDX-License-Identifier: MIT */
/*
 * The catch-up page codec (control/sync_page.c): round trips through igzip
 * with every field kept (negative namespaces, empty and maximum-size data),
 * the limits at their edges (records, inflated size, the DIRECT body), and
 * malformed input refused: bad header, flags, lengths, truncated or extended
 * deflate, raw length that does not match, bad hash, trailing bytes. Version
 * 2: tombstones and revocation lists round trip and are bounded; version-1
 * requests, pushes and pages are told apart (-EPROTONOSUPPORT).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <isa-l/igzip_lib.h>

#include "bulk.h"
#include "msg_hash.h"
#include "sync_page.h"

static uint8_t big[STORE_DATA_MAX];

static void
rec(struct store_msg *m, uint8_t seed, int32_t ns, const uint8_t *data, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->pubkey[0] = 0x05;
	memset(m->pubkey + 1, seed, 32);
	m->ns = ns;
	m->data = data;
	m->len = len;
	m->timestamp_ms = INT64_C(1700000000000) + seed;
	m->expiry_ms = INT64_C(1800000000000) - seed;
	m->expiry_set_ms = INT64_C(1750000000000) + seed;
	snc_msg_hash_compute(m->pubkey, ns, data, len, m->hash);
}

static void
same(const struct store_msg *a, const struct store_msg *b)
{
	assert_memory_equal(a->pubkey, b->pubkey, 33);
	assert_string_equal(a->hash, b->hash);
	assert_int_equal(a->ns, b->ns);
	assert_int_equal(a->timestamp_ms, b->timestamp_ms);
	assert_int_equal(a->expiry_ms, b->expiry_ms);
	assert_int_equal(a->expiry_set_ms, b->expiry_set_ms);
	assert_int_equal(a->len, b->len);
	if (a->len > 0)
		assert_memory_equal(a->data, b->data, a->len);
}

static void
test_request(void **state)
{
	uint8_t b[CTL_SYNC_REQ_LEN];
	uint64_t c = 0;

	(void)state;
	ctl_sync_req_encode(b, UINT64_C(0x0123456789abcdef));
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b), &c), 0);
	assert_int_equal(c, UINT64_C(0x0123456789abcdef));
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b) - 1, &c), -EBADMSG);
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b) + 1, &c), -EBADMSG);
	for (int i = 0; i < 3; i++) {
		b[i] ^= 0x40;
		assert_int_equal(ctl_sync_req_decode(b, sizeof(b), &c), -EBADMSG);
		b[i] ^= 0x40;
	}
	assert_int_equal(ctl_sync_req_decode(NULL, 0, &c), -EBADMSG);
	b[1] = 2; /* a version-2 node's request */
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b), &c), -EPROTONOSUPPORT);
	b[1] = 1; /* an older node's request */
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b), &c), -EPROTONOSUPPORT);
	b[1] = 0;
	assert_int_equal(ctl_sync_req_decode(b, sizeof(b), &c), -EBADMSG);
}

static void
test_round_trip(void **state)
{
	static const uint8_t hello[] = "hello, swarm";
	struct store_msg in[4], *rt;
	struct ctl_sync_answer a;
	uint8_t *b;
	size_t len;

	(void)state;
	memset(big, 0x61, sizeof(big)); /* compresses well */
	rec(&in[0], 1, 0, hello, sizeof(hello) - 1);
	rec(&in[1], 2, STORE_NS_MIN, NULL, 0);
	rec(&in[2], 3, STORE_NS_MAX, big, sizeof(big));
	rec(&in[3], 4, -21, hello, 1);
	assert_int_equal(ctl_sync_answer_encode(in, 4, 42, &b, &len), 0);
	assert_true(len < ctl_sync_page_raw_len(in, 4)); /* igzip did compress */
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.status, CTL_SYNC_OK);
	assert_false(a.last);
	assert_int_equal(a.next, 42);
	assert_int_equal(a.n, 4);
	rt = a.recs;
	for (int i = 0; i < 4; i++)
		same(&in[i], &rt[i]);
	ctl_sync_answer_free(&a);
	free(b);
	/* an empty last page */
	assert_int_equal(ctl_sync_answer_encode(in, 0, 0, &b, &len), 0);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_true(a.last);
	assert_int_equal(a.n, 0);
	ctl_sync_answer_free(&a);
	free(b);
}

static void
test_status_answers(void **state)
{
	uint8_t b[CTL_SYNC_ANS_HDR + 1] = {0};
	struct ctl_sync_answer a;

	(void)state;
	ctl_sync_answer_status(b, CTL_SYNC_NOT_MEMBER);
	assert_int_equal(ctl_sync_answer_decode(b, CTL_SYNC_ANS_HDR, &a), 0);
	assert_int_equal(a.status, CTL_SYNC_NOT_MEMBER);
	assert_int_equal(a.n, 0);
	/* a status answer carries nothing after its header */
	assert_int_equal(ctl_sync_answer_decode(b, CTL_SYNC_ANS_HDR + 1, &a), -EBADMSG);
	ctl_sync_answer_status(b, CTL_SYNC_STATUS_MAX);
	b[1] = CTL_SYNC_STATUS_MAX + 1;
	assert_int_equal(ctl_sync_answer_decode(b, CTL_SYNC_ANS_HDR, &a), -EBADMSG);
}

/* Random bytes do not compress: RAW_MAX of them still fit one DIRECT body. */
static void
test_limits(void **state)
{
	static struct store_msg many[CTL_SYNC_RECORDS_MAX + 1];
	struct ctl_sync_answer a;
	struct store_msg *r;
	size_t n, len;
	uint8_t *b;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(rand() >> 7);
	/* records of STORE_DATA_MAX up to just under RAW_MAX, then one record to reach it */
	n = (CTL_SYNC_RAW_MAX - CTL_SYNC_PAGE_HDR) / (CTL_SYNC_REC_FIXED + STORE_DATA_MAX);
	r = calloc(n + 1, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		rec(&r[i], (uint8_t)i, 0, big, sizeof(big));
	size_t rest = CTL_SYNC_RAW_MAX - ctl_sync_page_raw_len(r, n) - CTL_SYNC_REC_FIXED;
	rec(&r[n], 200, 0, big, rest);
	assert_int_equal(ctl_sync_page_raw_len(r, n + 1), CTL_SYNC_RAW_MAX);
	assert_int_equal(ctl_sync_answer_encode(r, n + 1, 7, &b, &len), 0);
	assert_true(len <= CTL_DRPC_BODY_MAX);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.n, n + 1);
	ctl_sync_answer_free(&a);
	free(b);
	r[n].len = rest + 1; /* one byte over */
	assert_int_equal(ctl_sync_answer_encode(r, n + 1, 7, &b, &len), -E2BIG);
	free(r);
	/* CTL_SYNC_RECORDS_MAX records fit, one more does not */
	for (size_t i = 0; i <= CTL_SYNC_RECORDS_MAX; i++)
		rec(&many[i], (uint8_t)i, 1, NULL, 0);
	assert_int_equal(ctl_sync_answer_encode(many, CTL_SYNC_RECORDS_MAX, 1, &b, &len), 0);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.n, CTL_SYNC_RECORDS_MAX);
	ctl_sync_answer_free(&a);
	free(b);
	assert_int_equal(ctl_sync_answer_encode(many, CTL_SYNC_RECORDS_MAX + 1, 1, &b, &len),
			 -E2BIG);
}

/* A page of raw bytes deflated as given: lets the tests build malformed pages. */
static size_t
forge(const uint8_t *raw, size_t raw_len, uint32_t claim, uint8_t *out, size_t cap)
{
	static uint8_t lvl[ISAL_DEF_LVL1_DEFAULT];
	struct isal_zstream z;

	isal_deflate_init(&z);
	z.level = 1;
	z.level_buf = lvl;
	z.level_buf_size = sizeof(lvl);
	z.end_of_stream = 1;
	z.next_in = (uint8_t *)(uintptr_t)raw;
	z.avail_in = (uint32_t)raw_len;
	z.next_out = out + CTL_SYNC_ANS_HDR;
	z.avail_out = (uint32_t)(cap - CTL_SYNC_ANS_HDR);
	assert_int_equal(isal_deflate(&z), COMP_OK);
	out[0] = CTL_SYNC_MAGIC;
	out[1] = CTL_SYNC_OK;
	out[2] = CTL_SYNC_FLAG_V2 | CTL_SYNC_FLAG_V3;
	memset(out + 3, 0, 8);
	out[10] = 9; /* next cursor 9 */
	out[11] = (uint8_t)(claim >> 24);
	out[12] = (uint8_t)(claim >> 16);
	out[13] = (uint8_t)(claim >> 8);
	out[14] = (uint8_t)claim;
	return CTL_SYNC_ANS_HDR + z.total_out;
}

static void
test_malformed(void **state)
{
	static const uint8_t d[] = "x";
	uint8_t raw[512], b[1024], *good;
	struct ctl_sync_answer a;
	struct store_msg m;
	size_t glen, rl, len;

	(void)state;
	rec(&m, 9, 5, d, 1);
	assert_int_equal(ctl_sync_answer_encode(&m, 1, 3, &good, &glen), 0);
	/* header fields */
	for (size_t i = 0; i < 3; i++) {
		good[i] ^= 0x80;
		assert_int_equal(ctl_sync_answer_decode(good, glen, &a), -EBADMSG);
		good[i] ^= 0x80;
	}
	good[2] = CTL_SYNC_FLAG_LAST | CTL_SYNC_FLAG_V2 | CTL_SYNC_FLAG_V3; /* "last", a cursor */
	assert_int_equal(ctl_sync_answer_decode(good, glen, &a), -EBADMSG);
	good[2] = 0; /* a version-1 page */
	assert_int_equal(ctl_sync_answer_decode(good, glen, &a), -EPROTONOSUPPORT);
	good[2] = CTL_SYNC_FLAG_V2; /* a version-2 page */
	assert_int_equal(ctl_sync_answer_decode(good, glen, &a), -EPROTONOSUPPORT);
	good[2] = 8; /* an unknown flag */
	assert_int_equal(ctl_sync_answer_decode(good, glen, &a), -EBADMSG);
	good[2] = CTL_SYNC_FLAG_V2 | CTL_SYNC_FLAG_V3;
	/* truncated, extended, short header */
	assert_int_equal(ctl_sync_answer_decode(good, glen - 1, &a), -EBADMSG);
	memcpy(b, good, glen);
	b[glen] = 0;
	assert_int_equal(ctl_sync_answer_decode(b, glen + 1, &a), -EBADMSG);
	assert_int_equal(ctl_sync_answer_decode(good, CTL_SYNC_ANS_HDR - 1, &a), -EBADMSG);
	free(good);
	/* the raw page: one record, then variants (offsets: counts 0..5, record at 6) */
	memset(raw, 0, sizeof(raw));
	raw[1] = 1;
	memcpy(raw + 6, m.pubkey, 33);
	memcpy(raw + 39, m.hash, 43);
	raw[83] = 5;  /* ns */
	raw[111] = 1; /* data length 1 */
	raw[112] = 'x';
	rl = 113;
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	ctl_sync_answer_free(&a);
	len = forge(raw, rl, (uint32_t)rl + 1, b, sizeof(b)); /* claims more than inflates */
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	len = forge(raw, rl, (uint32_t)rl - 1, b, sizeof(b)); /* claims less */
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	len = forge(raw, rl, CTL_SYNC_RAW_MAX + 1, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[rl] = 0; /* a trailing byte after the records */
	len = forge(raw, rl + 1, (uint32_t)rl + 1, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[111] = 2; /* data length past the end */
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[111] = 1;
	raw[39] = '!'; /* not base64 */
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[39] = m.hash[0];
	raw[1] = 2; /* count says two */
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[1] = 1;
	raw[3] = 1; /* and a tombstone that is not there */
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	raw[3] = 0;
	raw[0] = 0x04; /* 1025 records */
	raw[1] = 0x01;
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	/* a data length over STORE_DATA_MAX */
	raw[0] = 0;
	raw[1] = 1;
	raw[109] = 0x01;
	raw[110] = 0x2c;
	raw[111] = 0x01; /* 76801 */
	len = forge(raw, rl, (uint32_t)rl, b, sizeof(b));
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), -EBADMSG);
	/* not deflate at all */
	memset(b + CTL_SYNC_ANS_HDR, 0xff, 32);
	assert_int_equal(ctl_sync_answer_decode(b, CTL_SYNC_ANS_HDR + 32, &a), -EBADMSG);
}

static void
tomb(struct store_tomb *t, uint8_t seed, int32_t ns)
{
	memset(t, 0, sizeof(*t));
	t->pubkey[0] = 0x05;
	memset(t->pubkey + 1, seed, 32);
	t->ns = ns;
	snc_msg_hash_compute(t->pubkey, ns, &seed, 1, t->hash);
	t->deleted_ms = INT64_C(1760000000000) + seed;
	t->until_ms = INT64_C(1790000000000) + seed;
}

/* Tombstones and revocation lists: round trip (stamps, unrevocations), the 0..50 token bounds
 * of each part (not both 0), the shared entry limit, a malformed tombstone hash. */
static void
test_tombs_and_revs(void **state)
{
	static struct store_tomb tombs[CTL_SYNC_RECORDS_MAX];
	static struct store_revs revs[2];
	static const uint8_t d[] = "kept";
	struct store_bulk_page p = {0};
	struct ctl_sync_answer a;
	struct store_msg m;
	uint8_t *b;
	size_t len;

	(void)state;
	rec(&m, 3, 7, d, 4);
	tomb(&tombs[0], 1, -5);
	tomb(&tombs[1], 2, 0);
	memset(&revs, 0, sizeof(revs));
	revs[0].pubkey[0] = 0x03;
	revs[0].n = 1;
	memset(revs[0].tokens[0], 0xab, STORE_REVOKE_TOKEN);
	revs[0].stamps[0] = INT64_C(1790000000000123);
	revs[1].pubkey[0] = 0x05;
	revs[1].n = STORE_REVOKE_KEEP;
	revs[1].n_un = STORE_REVOKE_KEEP;
	for (size_t i = 0; i < STORE_REVOKE_KEEP; i++) {
		memset(revs[1].tokens[i], (int)i, STORE_REVOKE_TOKEN);
		revs[1].stamps[i] = (int64_t)i * 1000 + 7;
		memset(revs[1].un_tokens[i], 0x80 + (int)i, STORE_REVOKE_TOKEN);
		revs[1].un_ms[i] = -(int64_t)i;
	}
	p = (struct store_bulk_page){&m, 1, tombs, 2, revs, 2};
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), 0);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.n, 1);
	same(&m, &a.recs[0]);
	assert_int_equal(a.n_tombs, 2);
	for (int i = 0; i < 2; i++) {
		assert_memory_equal(a.tombs[i].pubkey, tombs[i].pubkey, 33);
		assert_string_equal(a.tombs[i].hash, tombs[i].hash);
		assert_int_equal(a.tombs[i].ns, tombs[i].ns);
		assert_int_equal(a.tombs[i].deleted_ms, tombs[i].deleted_ms);
		assert_int_equal(a.tombs[i].until_ms, tombs[i].until_ms);
	}
	assert_int_equal(a.n_revs, 2);
	assert_int_equal(a.revs[1].n, STORE_REVOKE_KEEP);
	assert_memory_equal(a.revs[1].tokens, revs[1].tokens, sizeof(revs[1].tokens));
	assert_memory_equal(a.revs[1].stamps, revs[1].stamps, sizeof(revs[1].stamps));
	assert_int_equal(a.revs[1].n_un, STORE_REVOKE_KEEP);
	assert_memory_equal(a.revs[1].un_tokens, revs[1].un_tokens, sizeof(revs[1].un_tokens));
	assert_memory_equal(a.revs[1].un_ms, revs[1].un_ms, sizeof(revs[1].un_ms));
	assert_memory_equal(a.revs[0].pubkey, revs[0].pubkey, 33);
	assert_int_equal(a.revs[0].n_un, 0);
	assert_int_equal(a.revs[0].stamps[0], revs[0].stamps[0]);
	ctl_sync_answer_free(&a);
	/* a malformed tombstone hash: the first byte of the first tombstone's hash */
	{
		uint8_t raw[6 + CTL_SYNC_TOMB_LEN] = {0, 0, 0, 1, 0, 0}, f[1024];

		memcpy(raw + 6, tombs[0].pubkey, 33);
		memcpy(raw + 39, tombs[0].hash, 43);
		len = forge(raw, sizeof(raw), sizeof(raw), f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), 0);
		ctl_sync_answer_free(&a);
		raw[39] = '!';
		len = forge(raw, sizeof(raw), sizeof(raw), f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), -EBADMSG);
	}
	free(b);
	/* no token at all, or 51 in a part, is refused on both sides; unrevocations alone pass */
	revs[0].n = 0;
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), -EINVAL);
	revs[0].n = STORE_REVOKE_KEEP + 1;
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), -EINVAL);
	revs[0].n = 0;
	revs[0].n_un = STORE_REVOKE_KEEP + 1;
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), -EINVAL);
	revs[0].n_un = 1;
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), 0);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.revs[0].n, 0);
	assert_int_equal(a.revs[0].n_un, 1);
	ctl_sync_answer_free(&a);
	free(b);
	{
		uint8_t raw[6 + CTL_SYNC_REVS_FIXED + CTL_SYNC_REV_ENTRY] = {0, 0, 0, 0, 0, 1};
		uint8_t f[1024];
		size_t rl = 6 + CTL_SYNC_REVS_FIXED;

		raw[6 + 33] = 0; /* both counts 0 */
		len = forge(raw, rl, (uint32_t)rl, f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), -EBADMSG);
		raw[6 + 34] = 1; /* one unrevocation: well formed */
		len = forge(raw, sizeof(raw), sizeof(raw), f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), 0);
		ctl_sync_answer_free(&a);
		raw[6 + 34] = STORE_REVOKE_KEEP + 1;
		len = forge(raw, sizeof(raw), sizeof(raw), f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), -EBADMSG);
		raw[6 + 34] = 2; /* claims one more than there is */
		len = forge(raw, sizeof(raw), sizeof(raw), f, sizeof(f));
		assert_int_equal(ctl_sync_answer_decode(f, len, &a), -EBADMSG);
	}
	revs[0].n = 1;
	revs[0].n_un = 0;
	/* the entry limit counts all three parts */
	for (size_t i = 0; i < CTL_SYNC_RECORDS_MAX; i++)
		tomb(&tombs[i], (uint8_t)i, 1);
	p = (struct store_bulk_page){&m, 1, tombs, CTL_SYNC_RECORDS_MAX - 3, revs, 2};
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), 0);
	assert_int_equal(ctl_sync_answer_decode(b, len, &a), 0);
	assert_int_equal(a.n + a.n_tombs + a.n_revs, CTL_SYNC_RECORDS_MAX);
	ctl_sync_answer_free(&a);
	free(b);
	p.n_tombs++;
	assert_int_equal(ctl_sync_page_encode(&p, 0, &b, &len), -E2BIG);
}

/* A hand-off push round trip, its codes answer, and their malformed variants. */
static void
test_push_and_codes(void **state)
{
	static const uint8_t d[] = "push";
	uint8_t codes[3] = {STORE_BULK_INSERTED, STORE_BULK_PRESENT, CTL_SYNC_CODE_REFUSED};
	uint8_t out[CTL_SYNC_ANS_HDR + 3], got[3], status;
	struct ctl_sync_answer a;
	struct store_msg m[2];
	uint8_t *b;
	size_t len, n;

	(void)state;
	rec(&m[0], 1, 0, d, 4);
	rec(&m[1], 2, -3, d, 2);
	assert_int_equal(ctl_sync_push_encode(m, 0, &b, &len), -EINVAL);
	assert_int_equal(ctl_sync_push_encode(m, 2, &b, &len), 0);
	assert_int_equal(ctl_sync_push_decode(b, len, &a), 0);
	assert_int_equal(a.n, 2);
	same(&m[1], &a.recs[1]);
	ctl_sync_answer_free(&a);
	/* a pull request or a bare answer is not a push */
	assert_int_equal(ctl_sync_push_decode(b + CTL_SYNC_PUSH_HDR, len - CTL_SYNC_PUSH_HDR, &a),
			 -EBADMSG);
	b[1] = 1; /* an older node's push */
	assert_int_equal(ctl_sync_push_decode(b, len, &a), -EPROTONOSUPPORT);
	b[1] = 2;
	assert_int_equal(ctl_sync_push_decode(b, len, &a), -EPROTONOSUPPORT);
	b[1] = CTL_SYNC_VERSION;
	b[2] = CTL_SYNC_OP_PULL;
	assert_int_equal(ctl_sync_push_decode(b, len, &a), -EBADMSG);
	free(b);
	/* a push of tombstones and lists alone (version 3) */
	{
		static struct store_tomb t;
		static struct store_revs r;
		struct store_bulk_page pg = {.tombs = &t, .n_tombs = 1, .revs = &r, .n_revs = 1};

		memset(t.hash, 'A', 43);
		r.n_un = 1;
		assert_int_equal(ctl_sync_push_encode_page(&pg, &b, &len), 0);
		assert_int_equal(ctl_sync_push_decode(b, len, &a), 0);
		assert_int_equal(a.n + a.n_tombs + a.n_revs, 2);
		ctl_sync_answer_free(&a);
		free(b);
		pg.n_tombs = pg.n_revs = 0;
		assert_int_equal(ctl_sync_push_encode_page(&pg, &b, &len), -EINVAL);
	}
	/* an empty page cannot be pushed */
	assert_int_equal(ctl_sync_answer_encode(m, 0, 0, &b, &len), 0);
	uint8_t *p = malloc(len + CTL_SYNC_PUSH_HDR);
	p[0] = CTL_SYNC_MAGIC;
	p[1] = CTL_SYNC_VERSION;
	p[2] = CTL_SYNC_OP_PUSH;
	memcpy(p + CTL_SYNC_PUSH_HDR, b, len);
	assert_int_equal(ctl_sync_push_decode(p, len + CTL_SYNC_PUSH_HDR, &a), -EBADMSG);
	free(p);
	free(b);
	/* codes */
	ctl_sync_codes_encode(codes, 3, out);
	assert_int_equal(ctl_sync_codes_decode(out, sizeof(out), &status, got, 3, &n), 0);
	assert_int_equal(status, CTL_SYNC_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(got, codes, 3);
	assert_int_equal(ctl_sync_codes_decode(out, sizeof(out), &status, got, 2, &n), -EBADMSG);
	assert_int_equal(ctl_sync_codes_decode(out, sizeof(out) - 1, &status, got, 3, &n),
			 -EBADMSG);
	out[CTL_SYNC_ANS_HDR + 2] = CTL_SYNC_CODE_REFUSED + 1;
	assert_int_equal(ctl_sync_codes_decode(out, sizeof(out), &status, got, 3, &n), -EBADMSG);
	ctl_sync_answer_status(out, CTL_SYNC_NOT_MEMBER);
	assert_int_equal(ctl_sync_codes_decode(out, CTL_SYNC_ANS_HDR, &status, got, 3, &n), 0);
	assert_int_equal(status, CTL_SYNC_NOT_MEMBER);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),	       cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_status_answers), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_malformed),      cmocka_unit_test(test_push_and_codes),
		cmocka_unit_test(test_tombs_and_revs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
