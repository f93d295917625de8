/* SPDX-License-Identifier: MIT */
/* crypto/swarm_space.c: upstream point and closest-swarm vectors, wrap-around, ties. */
#include <errno.h>
#include <stdbool.h>

#include "kat.h"
#include "swarm_space.h"
#include "test_common.h"

/* Swarm ids above INT64_MAX are quoted by load_big(); both forms read back as u64. */
static uint64_t
json_u64(json_t *j)
{
	if (json_is_string(j))
		return strtoull(json_string_value(j), NULL, 10);
	assert_true(json_is_integer(j));
	return (uint64_t)json_integer_value(j);
}

/*
 * jansson refuses integers beyond int64 (the file has ids up to 2^64 - 20), so
 * kat_load cannot read swarm_closest.json: quote every bare number of 19+ digits
 * outside strings, then parse.
 */
static json_t *
load_big(void)
{
	char path[512];
	FILE *f;
	char *in, *out;
	long size;
	size_t o = 0;
	bool in_str = false;
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/swarm_closest.json", KAT_DIR);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	in = malloc((size_t)size + 1);
	out = malloc(2 * (size_t)size + 1);
	assert_int_equal(fread(in, 1, (size_t)size, f), size);
	fclose(f);
	in[size] = '\0';
	for (long i = 0; i < size;) {
		if (in_str) {
			if (in[i] == '\\') {
				out[o++] = in[i++];
			} else if (in[i] == '"') {
				in_str = false;
			}
			out[o++] = in[i++];
		} else if (in[i] == '"') {
			in_str = true;
			out[o++] = in[i++];
		} else if (in[i] >= '0' && in[i] <= '9') {
			long e = i;

			while (e < size && in[e] >= '0' && in[e] <= '9')
				e++;
			if (e - i >= 19)
				out[o++] = '"';
			memcpy(out + o, in + i, (size_t)(e - i));
			o += (size_t)(e - i);
			if (e - i >= 19)
				out[o++] = '"';
			i = e;
		} else {
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	j = json_loads(out, 0, &err);
	if (j == NULL)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	free(in);
	free(out);
	return j;
}

/* tests/kat/swarm_closest.json: SS unit_test/swarm.cpp "swarm - pubkey to swarm space". */
static void
upstream_points(void **state)
{
	json_t *kat = load_big(), *v;
	size_t i;

	(void)state;
	json_array_foreach(
		json_object_get(json_object_get(kat, "pubkey_to_swarm_space"), "vectors"), i, v)
	{
		uint8_t pk[33];

		kat_hex(v, "pubkey", pk, sizeof(pk), 33);
		assert_true(snc_swarm_space_point(pk) ==
			    json_u64(json_object_get(v, "expected_space")));
	}
	assert_true(i == 11);
	json_decref(kat);
}

/* Same file, "service nodes - pubkey to swarm id": all 32 cases. */
static void
upstream_closest(void **state)
{
	json_t *kat = load_big(), *v;
	size_t i;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		uint64_t ids[64], got = 0;
		size_t n = 0, j;
		json_t *id;
		uint8_t pk[33];

		json_array_foreach(json_object_get(v, "swarm_ids"), j, id) ids[n++] = json_u64(id);
		kat_hex(v, "pubkey", pk, sizeof(pk), 33);
		assert_true(snc_swarm_space_point(pk) ==
			    json_u64(json_object_get(v, "swarm_space")));
		assert_int_equal(snc_swarm_space_check_ids(ids, n), 0);
		assert_int_equal(snc_swarm_space_closest(ids, n, snc_swarm_space_point(pk), &got),
				 0);
		assert_true(got == json_u64(json_object_get(v, "expected_swarm")));
	}
	assert_true(i == 32);
	json_decref(kat);
}

/* Same file, swarm_boundaries (session-foundation SS unit_test/swarm.cpp, pubkey range). */
static void
upstream_boundaries(void **state)
{
	json_t *kat = load_big(), *b = json_object_get(kat, "swarm_boundaries"), *v, *id;
	uint64_t ids[16];
	size_t n = 0, i;

	(void)state;
	json_array_foreach(json_object_get(b, "swarm_ids"), i, id) ids[n++] = json_u64(id);
	json_array_foreach(json_object_get(b, "vectors"), i, v)
	{
		uint64_t want = json_u64(json_object_get(v, "swarm_id")), lo, hi, got;
		size_t idx = 0;

		while (ids[idx] != want)
			idx++;
		assert_int_equal(snc_swarm_space_bounds(ids, n, idx, &lo, &hi), 0);
		assert_true(lo == json_u64(json_object_get(v, "expected_lo")));
		assert_true(hi == json_u64(json_object_get(v, "expected_hi")));
		/* lo is exclusive, hi inclusive: the same answer closest() gives. */
		snc_swarm_space_closest(ids, n, hi, &got);
		assert_true(got == want);
		snc_swarm_space_closest(ids, n, hi + 1, &got);
		assert_true(got != want);
		snc_swarm_space_closest(ids, n, lo + 1, &got);
		assert_true(got == want);
		snc_swarm_space_closest(ids, n, lo, &got);
		assert_true(got != want);
	}
	json_decref(kat);
}

static void
ties_go_left_and_wrap(void **state)
{
	/* The wrap gap from 2^64 - 20 to 100 is 120 wide: its midpoint 40 is a tie. */
	const uint64_t ids[] = {100, 200, UINT64_MAX - 19};
	uint64_t got;

	(void)state;
	snc_swarm_space_closest(ids, 3, 150, &got); /* equidistant: the lower id */
	assert_true(got == 100);
	snc_swarm_space_closest(ids, 3, 151, &got);
	assert_true(got == 200);
	snc_swarm_space_closest(ids, 3, 0, &got); /* below the first: the last is "left" */
	assert_true(got == UINT64_MAX - 19);
	snc_swarm_space_closest(ids, 3, UINT64_MAX, &got); /* every u64 is a point */
	assert_true(got == UINT64_MAX - 19);
	snc_swarm_space_closest(ids, 3, 40, &got); /* tie across the wrap: the left (highest) */
	assert_true(got == UINT64_MAX - 19);
	snc_swarm_space_closest(ids, 3, 41, &got);
	assert_true(got == 100);
	snc_swarm_space_closest(ids, 3, 200, &got);
	assert_true(got == 200);
	snc_swarm_space_closest(ids, 3, UINT64_MAX - 19, &got);
	assert_true(got == UINT64_MAX - 19);
}

static void
point_ignores_netid_and_reads_big_endian(void **state)
{
	uint8_t pk[33] = {0x05};

	(void)state;
	pk[32] = 0x01;
	assert_true(snc_swarm_space_point(pk) == 1);
	pk[0] = 0xff;
	assert_true(snc_swarm_space_point(pk) == 1);
	pk[25] = 0x80; /* top byte of the last chunk */
	assert_true(snc_swarm_space_point(pk) == 0x8000000000000001ULL);
	pk[1] = 0x80; /* same bit in the first chunk cancels it */
	assert_true(snc_swarm_space_point(pk) == 1);
}

static void
id_list_checks_and_edges(void **state)
{
	const uint64_t ok[] = {0, 1, UINT64_MAX - 1};
	const uint64_t dup[] = {5, 5}, desc[] = {6, 5}, invalid[] = {1, UINT64_MAX};
	uint64_t got = 7, lo, hi;

	(void)state;
	assert_int_equal(snc_swarm_space_check_ids(ok, 3), 0);
	assert_int_equal(snc_swarm_space_check_ids(ok, 0), -EINVAL);
	assert_int_equal(snc_swarm_space_check_ids(NULL, 1), -EINVAL);
	assert_int_equal(snc_swarm_space_check_ids(dup, 2), -EINVAL);
	assert_int_equal(snc_swarm_space_check_ids(desc, 2), -EINVAL);
	assert_int_equal(snc_swarm_space_check_ids(invalid, 2), -EINVAL);
	assert_int_equal(snc_swarm_space_closest(ok, 0, 1, &got), -EINVAL);
	assert_int_equal(snc_swarm_space_closest(NULL, 1, 1, &got), -EINVAL);
	assert_int_equal(snc_swarm_space_closest(ok, 1, UINT64_MAX, &got), 0);
	assert_true(got == 0); /* one swarm takes everything */
	assert_int_equal(snc_swarm_space_bounds(ok, 1, 0, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 0);
	assert_int_equal(snc_swarm_space_bounds(ok, 3, 3, &lo, &hi), -EINVAL);
	assert_int_equal(snc_swarm_space_bounds(ok, 3, 2, &lo, &hi), 0);
	assert_true(lo == 1 + (UINT64_MAX - 2) / 2 && hi == UINT64_MAX);
}

/* Every point belongs to exactly the swarm closest() names, across random rings. */
static void
bounds_agree_with_closest(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		uint64_t ids[8], got, lo, hi;
		size_t n = 2 + randombytes_uniform(6), k = 0;

		randombytes_buf(ids, sizeof(ids));
		for (size_t i = 1; i < n; i++) /* insertion sort, drop duplicates */
			for (size_t j = i; j > 0 && ids[j] < ids[j - 1]; j--) {
				uint64_t t = ids[j];
				ids[j] = ids[j - 1];
				ids[j - 1] = t;
			}
		for (size_t i = 0; i < n; i++)
			if ((k == 0 || ids[i] != ids[k - 1]) && ids[i] != UINT64_MAX)
				ids[k++] = ids[i];
		assert_int_equal(snc_swarm_space_check_ids(ids, k), 0);
		for (size_t i = 0; i < k && k > 1; i++) {
			snc_swarm_space_bounds(ids, k, i, &lo, &hi);
			snc_swarm_space_closest(ids, k, hi, &got);
			assert_true(got == ids[i]);
			snc_swarm_space_closest(ids, k, lo + 1, &got);
			assert_true(got == ids[i]);
			snc_swarm_space_closest(ids, k, lo, &got);
			assert_true(got != ids[i]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upstream_points),
		cmocka_unit_test(upstream_closest),
		cmocka_unit_test(upstream_boundaries),
		cmocka_unit_test(ties_go_left_and_wrap),
		cmocka_unit_test(point_ignores_netid_and_reads_big_endian),
		cmocka_unit_test(id_list_checks_and_edges),
		cmocka_unit_test(bounds_agree_with_closest),
	};

	return RUN_GROUP("crypto/swarm_space", tests);
}
