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
	PUT_FIELDS = 6,	 /* acct, ns, hash, ts, expiry, data */
	SCAN_FIELDS = 6, /* the same, as bulk_scan answers them */
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

/* One record of a bulk_scan answer (e: its SCAN_FIELDS elements). */
static bool
scan_record(redisReply **e, struct store_msg *m)
{
	int64_t ns;

	if (!pubkey_from_hex(e[0], m->pubkey) || e[1]->type != REDIS_REPLY_STRING ||
	    e[1]->len != STORE_HASH_LEN || !store_reply_int(e[2], &ns) || ns < STORE_NS_MIN ||
	    ns > STORE_NS_MAX || !store_reply_int(e[3], &m->timestamp_ms) ||
	    !store_reply_int(e[4], &m->expiry_ms) || e[5]->type != REDIS_REPLY_STRING)
		return false;
	memcpy(m->hash, e[1]->str, STORE_HASH_LEN);
	m->hash[STORE_HASH_LEN] = '\0';
	m->ns = (int32_t)ns;
	m->data = (const uint8_t *)e[5]->str;
	m->len = e[5]->len;
	return true;
}

static void
scan_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_bulk_scan_cb *cb = (store_bulk_scan_cb *)o->cb;
	struct store_status st = *status;
	struct store_msg *recs = NULL;
	uint64_t next = 0;
	size_t n = 0;
	char *end;

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
			   (reply->elements - 1) % SCAN_FIELDS != 0 ||
			   reply->element[0]->type != REDIS_REPLY_STRING))
		store_status_proto(&st, STORE_SCRIPT_BULK_SCAN);
	if (st.rc == 0) {
		errno = 0;
		next = strtoull(reply->element[0]->str, &end, 10);
		n = (reply->elements - 1) / SCAN_FIELDS;
		recs = calloc(n > 0 ? n : 1, sizeof(*recs));
		if (errno != 0 || *end != '\0')
			store_status_proto(&st, STORE_SCRIPT_BULK_SCAN);
		else if (recs == NULL)
			st.rc = -ENOMEM;
	}
	for (size_t i = 0; st.rc == 0 && i < n; i++)
		if (!scan_record(reply->element + 1 + SCAN_FIELDS * i, &recs[i]))
			store_status_proto(&st, STORE_SCRIPT_BULK_SCAN);
	cb(o->arg, &st, next, st.rc == 0 ? recs : NULL, st.rc == 0 ? n : 0);
	free(recs);
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

static void
put_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_bulk_put_cb *cb = (store_bulk_put_cb *)o->cb;
	struct store_status st = *status;
	uint8_t codes[STORE_BULK_RECORDS_MAX];
	size_t n = 0;

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0 ||
			   reply->elements > STORE_BULK_RECORDS_MAX))
		store_status_proto(&st, STORE_SCRIPT_BULK_PUT);
	for (size_t i = 0; st.rc == 0 && i < reply->elements; i++) {
		int64_t c;

		if (!store_reply_int(reply->element[i], &c) || c < 0 || c >= STORE_BULK_CODES)
			store_status_proto(&st, STORE_SCRIPT_BULK_PUT);
		codes[i] = (uint8_t)c;
		n = i + 1;
	}
	cb(o->arg, &st, st.rc == 0 ? codes : NULL, st.rc == 0 ? n : 0);
	free(o);
}

/* The text arguments of every record: (acct, ns, ts, expiry) per record. */
struct put_text {
	char acct[STORE_ACCOUNT_HEX + 1], ns[12], ts[24], exp[24];
};

int
store_bulk_put(struct store *st, const struct store_msg *recs, size_t n, int64_t now_ms,
	       store_bulk_put_cb *cb, void *arg)
{
	char amax[24], tmax[24], now[24];
	size_t argc = 3 + PUT_FIELDS * n;
	struct put_text *t;
	const char **argv;
	size_t *lens;
	int rc = -ENOMEM;

	if (st == NULL || recs == NULL || cb == NULL || n == 0 || n > STORE_BULK_RECORDS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!snc_msg_hash_is_valid(recs[i].hash, strnlen(recs[i].hash, STORE_HASH_BUF)) ||
		    (recs[i].data == NULL && recs[i].len > 0) || recs[i].len > STORE_DATA_MAX)
			return -EINVAL;
		else if (recs[i].ns < STORE_NS_MIN || recs[i].ns > STORE_NS_MAX)
			return -ERANGE;
	t = calloc(n, sizeof(*t));
	argv = calloc(argc, sizeof(*argv));
	lens = calloc(argc, sizeof(*lens));
	if (t == NULL || argv == NULL || lens == NULL)
		goto out;
	snprintf(amax, sizeof(amax), "%" PRIu64, st->account_bytes_max);
	snprintf(tmax, sizeof(tmax), "%" PRIu64, st->total_bytes_max);
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	argv[0] = amax;
	argv[1] = tmax;
	argv[2] = now;
	for (size_t i = 0; i < n; i++) {
		const char **a = argv + 3 + PUT_FIELDS * i;

		store_account_hex(recs[i].pubkey, t[i].acct);
		store_ns_text(recs[i].ns, false, t[i].ns);
		snprintf(t[i].ts, sizeof(t[i].ts), "%" PRId64, recs[i].timestamp_ms);
		snprintf(t[i].exp, sizeof(t[i].exp), "%" PRId64, recs[i].expiry_ms);
		a[0] = t[i].acct;
		a[1] = t[i].ns;
		a[2] = recs[i].hash;
		a[3] = t[i].ts;
		a[4] = t[i].exp;
		a[5] = recs[i].len > 0 ? (const char *)recs[i].data : "";
		for (int f = 0; f < PUT_FIELDS; f++)
			lens[3 + PUT_FIELDS * i + (size_t)f] = f == 5 ? recs[i].len : strlen(a[f]);
	}
	for (size_t i = 0; i < 3; i++)
		lens[i] = strlen(argv[i]);
	rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_BULK_PUT, (int)argc, argv,
			    lens, put_done);
out:
	free(t);
	free(argv);
	free(lens);
	return rc;
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
	char(*acct)[STORE_ACCOUNT_HEX + 1];
	const char **argv;
	size_t *lens;
	int rc = -ENOMEM;

	if (st == NULL || recs == NULL || cb == NULL || n == 0 || n > STORE_BULK_RECORDS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!snc_msg_hash_is_valid(recs[i].hash, strnlen(recs[i].hash, STORE_HASH_BUF)))
			return -EINVAL;
	acct = calloc(n, sizeof(*acct));
	argv = calloc(2 * n, sizeof(*argv));
	lens = calloc(2 * n, sizeof(*lens));
	if (acct == NULL || argv == NULL || lens == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		store_account_hex(recs[i].pubkey, acct[i]);
		argv[2 * i] = acct[i];
		argv[2 * i + 1] = recs[i].hash;
		lens[2 * i] = STORE_ACCOUNT_HEX;
		lens[2 * i + 1] = STORE_HASH_LEN;
	}
	rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_BULK_DROP, (int)(2 * n), argv,
			    lens, drop_done);
out:
	free(acct);
	free(argv);
	free(lens);
	return rc;
}
