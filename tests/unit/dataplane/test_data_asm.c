/* SPDX-License-Identifier: MIT */
/*
 * dataplane/data_asm.c: a request rebuilt from its CREATE layer and DATA
 * bytes as one combined payload; the request limit, the per-worker limits
 * (requests, bytes) and the timeout, each at its edge.
 */
#include "test_common.h"

#include "data_asm.h"

static const char json[] = "{\"headers\":\"\"}";
static const struct dp_addr prev = {0x0a000002, 22030};

static void
layer(const uint8_t *blob, size_t len, struct snc_route *r, struct snc_payload *p)
{
	memset(r, 0, sizeof(*r));
	r->kind = SNC_ROUTE_DESTINATION;
	r->base64_reply = true;
	*p = (struct snc_payload){blob, len, json, strlen(json)};
}

static void
rebuilds_one_combined_payload(void **state)
{
	static struct dp_data_table t;
	static uint8_t body[40000];
	struct snc_route r;
	struct snc_payload p, out;
	struct dp_data_req *q;
	const uint8_t *pt;
	size_t len;

	(void)state;
	assert_int_equal(dp_data_asm_init(&t), 0);
	randombytes_buf(body, sizeof(body));
	layer(body, 1000, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 42, &prev, &r, &p, 0), DP_DROP_NONE);
	assert_null(dp_data_asm_find(&t, 42, &(struct dp_addr){prev.ip, 22031}));
	assert_null(dp_data_asm_find(&t, 43, &prev));
	q = dp_data_asm_find(&t, 42, &prev);
	assert_non_null(q);
	assert_int_equal(t.bytes, DP_DATA_FIRST_CAP);
	for (size_t off = 1000; off < sizeof(body); off += 3000) {
		size_t n = sizeof(body) - off < 3000 ? sizeof(body) - off : 3000;
		assert_int_equal(dp_data_asm_append(&t, q, body + off, n, 1), DP_DROP_NONE);
	}
	assert_int_equal(dp_data_asm_append(&t, q, NULL, 0, 1), DP_DROP_NONE);
	assert_int_equal(t.bytes, 65536);
	dp_data_asm_finish(q, &pt, &len);
	assert_int_equal(len, 4 + sizeof(body) + strlen(json));
	assert_int_equal(snc_payload_parse(pt, len, &out), 0);
	assert_int_equal(out.blob_len, sizeof(body));
	assert_memory_equal(out.blob, body, sizeof(body));
	assert_int_equal(out.json_len, strlen(json));
	assert_memory_equal(out.json, json, strlen(json));
	assert_true(q->route.base64_reply);
	dp_data_asm_end(&t, q);
	assert_int_equal(t.active, 0);
	assert_int_equal(t.bytes, 0);
	dp_data_asm_free(&t);
}

static void
request_limit_at_its_edge(void **state)
{
	static struct dp_data_table t;
	uint8_t *body = malloc(DP_DATA_MAX + 1);
	struct snc_route r;
	struct snc_payload p;
	struct dp_data_req *q;

	(void)state;
	assert_int_equal(dp_data_asm_init(&t), 0);
	assert_non_null(body);
	memset(body, 0x5a, DP_DATA_MAX + 1);
	layer(body, DP_DATA_MAX + 1, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 1, &prev, &r, &p, 0), DP_DROP_DATA_TOO_BIG);
	layer(body, DP_DATA_MAX - 10, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 1, &prev, &r, &p, 0), DP_DROP_NONE);
	q = dp_data_asm_find(&t, 1, &prev);
	assert_int_equal(dp_data_asm_append(&t, q, body, 11, 0), DP_DROP_DATA_TOO_BIG);
	assert_int_equal(q->len, DP_DATA_MAX - 10); /* left as it was */
	assert_int_equal(dp_data_asm_append(&t, q, body, 10, 0), DP_DROP_NONE);
	assert_int_equal(q->len, DP_DATA_MAX);
	assert_int_equal(dp_data_asm_append(&t, q, body, 1, 0), DP_DROP_DATA_TOO_BIG);
	dp_data_asm_clear(&t);
	assert_int_equal(t.active, 0);
	assert_int_equal(t.bytes, 0);
	free(body);
	dp_data_asm_free(&t);
}

static void
worker_limits_at_their_edge(void **state)
{
	static struct dp_data_table t;
	static uint8_t body[DP_DATA_MAX];
	struct snc_route r;
	struct snc_payload p;
	struct dp_data_req *q;
	const uint8_t *old;

	(void)state;
	assert_int_equal(dp_data_asm_init(&t), 0);
	/* Requests: DP_DATA_PENDING, not one more. */
	layer(body, 10, &r, &p);
	for (uint64_t l = 1; l <= DP_DATA_PENDING; l++)
		assert_int_equal(dp_data_asm_begin(&t, l, &prev, &r, &p, 0), DP_DROP_NONE);
	assert_int_equal(dp_data_asm_begin(&t, 999, &prev, &r, &p, 0), DP_DROP_DATA_BUSY);
	dp_data_asm_clear(&t);
	/* Bytes: four 10 MiB bodies take 16 MiB buffers each, exactly DP_DATA_PENDING_BYTES. */
	layer(body, DP_DATA_MAX, &r, &p);
	for (uint64_t l = 1; l <= 4; l++)
		assert_int_equal(dp_data_asm_begin(&t, l, &prev, &r, &p, 0), DP_DROP_NONE);
	assert_int_equal(t.bytes, DP_DATA_PENDING_BYTES);
	layer(body, 1, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 5, &prev, &r, &p, 0), DP_DROP_DATA_BUSY);
	dp_data_asm_end(&t, dp_data_asm_find(&t, 4, &prev));
	assert_int_equal(dp_data_asm_begin(&t, 5, &prev, &r, &p, 0), DP_DROP_NONE);
	/* Growing past the budget fails and leaves the request as it was. */
	layer(body, 12 * 1024 * 1024, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 6, &prev, &r, &p, 0), DP_DROP_DATA_TOO_BIG);
	dp_data_asm_clear(&t);
	assert_int_equal(t.bytes, 0);
	layer(body, 8 * 1024 * 1024, &r, &p); /* 16 MiB buffers: 48 MiB of the budget */
	for (uint64_t l = 1; l <= 3; l++)
		assert_int_equal(dp_data_asm_begin(&t, l, &prev, &r, &p, 0), DP_DROP_NONE);
	for (size_t i = 0; i < 100; i++)
		body[i] = (uint8_t)(i * 7 + 1);
	layer(body, 100, &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 4, &prev, &r, &p, 0), DP_DROP_NONE);
	assert_int_equal(dp_data_asm_begin(&t, 5, &prev, &r, &p, 0), DP_DROP_NONE);
	q = dp_data_asm_find(&t, 4, &prev);
	for (size_t i = 0; i < 100 + DP_DATA_FIRST_CAP; i++)
		body[i] = (uint8_t)(i * 7 + 1);
	old = q->buf;
	assert_int_equal(dp_data_asm_append(&t, q, body + 100, DP_DATA_FIRST_CAP, 0), DP_DROP_NONE);
	assert_int_equal(q->cap, 2 * DP_DATA_FIRST_CAP);
	assert_ptr_not_equal(q->buf, old); /* request 5 is behind it: it moved, bytes kept */
	assert_memory_equal(q->buf + 4, body, 100 + DP_DATA_FIRST_CAP);
	/* To 9 MiB + would need a 16 MiB buffer: 16 KiB more than is left. */
	assert_int_equal(dp_data_asm_append(&t, q, body, 9 * 1024 * 1024, 0), DP_DROP_DATA_BUSY);
	assert_int_equal(q->len, 100 + DP_DATA_FIRST_CAP);
	assert_int_equal(q->cap, 2 * DP_DATA_FIRST_CAP);
	assert_memory_equal(q->buf + 4, body, 100 + DP_DATA_FIRST_CAP); /* untouched */
	dp_data_asm_end(&t, dp_data_asm_find(&t, 5, &prev));
	assert_int_equal(dp_data_asm_append(&t, q, body, 9 * 1024 * 1024, 0), DP_DROP_NONE);
	assert_int_equal(t.bytes, DP_DATA_PENDING_BYTES);
	for (size_t i = 0; i < 100 + DP_DATA_FIRST_CAP; i++)
		assert_int_equal(q->buf[4 + i], (uint8_t)(i * 7 + 1));
	dp_data_asm_clear(&t);
	assert_int_equal(t.bytes, 0);
	dp_data_asm_free(&t);
}

static void
timeout_counts_from_the_last_cell(void **state)
{
	static struct dp_data_table t;
	const uint64_t ms = 1000000ull, timeout = DP_DATA_TIMEOUT_MS * ms;
	uint8_t body[10] = {0};
	struct snc_route r;
	struct snc_payload p;
	struct dp_data_req *q;

	(void)state;
	assert_int_equal(dp_data_asm_init(&t), 0);
	layer(body, sizeof(body), &r, &p);
	assert_int_equal(dp_data_asm_begin(&t, 1, &prev, &r, &p, 1000), DP_DROP_NONE);
	q = dp_data_asm_find(&t, 1, &prev);
	assert_null(dp_data_asm_expired(&t, 1000 + timeout - 1));
	assert_int_equal(dp_data_asm_append(&t, q, body, 1, 5 * ms), DP_DROP_NONE);
	assert_null(dp_data_asm_expired(&t, 1000 + timeout));
	assert_null(dp_data_asm_expired(&t, 5 * ms + timeout - 1));
	assert_ptr_equal(dp_data_asm_expired(&t, 5 * ms + timeout), q);
	dp_data_asm_end(&t, q);
	assert_null(dp_data_asm_expired(&t, UINT64_MAX));
	dp_data_asm_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rebuilds_one_combined_payload),
		cmocka_unit_test(request_limit_at_its_edge),
		cmocka_unit_test(worker_limits_at_their_edge),
		cmocka_unit_test(timeout_counts_from_the_last_cell),
	};
	return RUN_GROUP("dataplane/data_asm", tests);
}
