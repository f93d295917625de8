/* SPDX-License-Identifier: MIT */
/* dataplane/reply_arena.c: full to the byte then refused, the block limit, holes reused
 * first fit, zero-length blocks, trimming, and a random run checked against a model (no overlap,
 * every byte accounted for, nothing left after the last put). */
#include "test_common.h"

#include <stdlib.h>

#include "reply_arena.h"

static void
init_errors_and_put_of_a_stranger(void **state)
{
	struct dp_arena a;
	uint8_t x;
	uint8_t *p;

	(void)state;
	assert_int_equal(dp_arena_init(&a, 0), -EINVAL);
	assert_null(dp_arena_get(&a, 0)); /* no region */
	assert_int_equal(dp_arena_init(&a, 100), 0);
	assert_int_equal(dp_arena_put(&a, &x, 1), -ENOENT);
	p = dp_arena_get(&a, 10);
	assert_non_null(p);
	assert_int_equal(dp_arena_put(&a, p + 1, 9), -ENOENT); /* not a block's start */
	assert_int_equal(dp_arena_put(&a, p, 11), -ENOENT);    /* not its length */
	assert_int_equal(dp_arena_put(&a, p, 10), 0);
	assert_int_equal(dp_arena_put(&a, p, 10), -ENOENT); /* twice */
	assert_int_equal(a.used, 0);
	dp_arena_free(&a);
}

/* A trimmed block gives its tail back: the next get fits there, the block is put at
 * its new length only; trims that do not name a block, or grow one, are refused. */
static void
trim_gives_the_tail_back(void **state)
{
	struct dp_arena a;
	uint8_t *p, *q, *r;

	(void)state;
	assert_int_equal(dp_arena_init(&a, 100), 0);
	p = dp_arena_get(&a, 60);
	q = dp_arena_get(&a, 40);
	assert_non_null(q);
	assert_null(dp_arena_get(&a, 1)); /* full to the byte */
	assert_int_equal(dp_arena_trim(&a, p, 59, 20), -ENOENT);
	assert_int_equal(dp_arena_trim(&a, p, 60, 61), -EINVAL);
	assert_int_equal(dp_arena_trim(&a, p, 60, 20), 0);
	assert_int_equal(a.used, 60);
	r = dp_arena_get(&a, 40); /* exactly the tail */
	assert_ptr_equal(r, p + 20);
	assert_null(dp_arena_get(&a, 1));
	assert_int_equal(dp_arena_put(&a, p, 60), -ENOENT); /* its old length is gone */
	assert_int_equal(dp_arena_put(&a, p, 20), 0);
	assert_int_equal(dp_arena_put(&a, q, 40), 0);
	assert_int_equal(dp_arena_put(&a, r, 40), 0);
	assert_int_equal(a.used, 0);
	assert_int_equal(a.n, 0);
	dp_arena_free(&a);
}

static void
full_to_the_byte_then_refused(void **state)
{
	struct dp_arena a;
	uint8_t *p[3], *z;

	(void)state;
	assert_int_equal(dp_arena_init(&a, 1000), 0);
	p[0] = dp_arena_get(&a, 400);
	p[1] = dp_arena_get(&a, 500);
	assert_null(dp_arena_get(&a, 101)); /* one byte past the edge */
	p[2] = dp_arena_get(&a, 100);	    /* exactly the rest */
	assert_non_null(p[0]);
	assert_ptr_equal(p[1], p[0] + 400);
	assert_ptr_equal(p[2], p[0] + 900);
	assert_int_equal(a.used, 1000);
	assert_null(dp_arena_get(&a, 1));
	z = dp_arena_get(&a, 0); /* an empty reply still fits */
	assert_non_null(z);
	/* the middle freed: a block of its size fits there, a larger one nowhere */
	assert_int_equal(dp_arena_put(&a, p[1], 500), 0);
	assert_null(dp_arena_get(&a, 501));
	assert_ptr_equal(dp_arena_get(&a, 500), p[1]);
	assert_int_equal(dp_arena_put(&a, p[1], 500), 0);
	assert_ptr_equal(dp_arena_get(&a, 200), p[1]); /* first fit */
	assert_ptr_equal(dp_arena_get(&a, 300), p[1] + 200);
	assert_int_equal(dp_arena_put(&a, z, 0), 0);
	assert_int_equal(dp_arena_put(&a, p[0], 400), 0);
	assert_int_equal(dp_arena_put(&a, p[1], 200), 0);
	assert_int_equal(dp_arena_put(&a, p[1] + 200, 300), 0);
	assert_int_equal(dp_arena_put(&a, p[2], 100), 0);
	assert_int_equal(a.used, 0);
	assert_int_equal(a.n, 0);
	dp_arena_free(&a);
}

static void
block_limit_at_its_edge(void **state)
{
	struct dp_arena a;
	uint8_t *p[DP_ARENA_BLOCKS];

	(void)state;
	assert_int_equal(dp_arena_init(&a, 4096), 0);
	for (unsigned i = 0; i < DP_ARENA_BLOCKS; i++) {
		p[i] = dp_arena_get(&a, i % 2); /* zero-length ones among them */
		assert_non_null(p[i]);
	}
	assert_null(dp_arena_get(&a, 0));
	assert_null(dp_arena_get(&a, 1));
	for (unsigned i = 0; i < DP_ARENA_BLOCKS; i++)
		assert_int_equal(dp_arena_put(&a, p[i], i % 2), 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.used, 0);
	dp_arena_free(&a);
}

/* A zero-length block shares its offset with the block placed after it. */
static void
zero_length_block_and_its_neighbour(void **state)
{
	struct dp_arena a;
	uint8_t *z, *b, *c;

	(void)state;
	assert_int_equal(dp_arena_init(&a, 64), 0);
	b = dp_arena_get(&a, 64);
	z = dp_arena_get(&a, 0);
	assert_int_equal(dp_arena_put(&a, b, 64), 0);
	c = dp_arena_get(&a, 64); /* before z: the first gap */
	assert_ptr_equal(c, b);
	assert_int_equal(dp_arena_put(&a, c, 64), 0); /* the right one of the two at offset 0 */
	assert_int_equal(a.n, 1);
	assert_int_equal(dp_arena_put(&a, z, 0), 0);
	assert_int_equal(a.n, 0);
	dp_arena_free(&a);
}

/* Random gets and puts against a byte map: blocks never overlap and stay inside. */
/* A block grows in place up to the next block (or the end), not past it; grows that
 * do not name a block, or shrink one, are refused. */
static void
grow_takes_the_gap_behind(void **state)
{
	struct dp_arena a;
	uint8_t *p, *q;

	(void)state;
	assert_int_equal(dp_arena_init(&a, 100), 0);
	p = dp_arena_get(&a, 20);
	q = dp_arena_get(&a, 30);
	assert_int_equal(dp_arena_put(&a, p, 20), 0);
	p = dp_arena_get(&a, 10); /* [0,10), gap [10,20), q [20,50), gap [50,100) */
	assert_int_equal(dp_arena_grow(&a, p, 9, 12), -ENOENT);
	assert_int_equal(dp_arena_grow(&a, p, 10, 9), -EINVAL);
	assert_int_equal(dp_arena_grow(&a, p, 10, 21), -ENOSPC); /* one byte into q */
	assert_int_equal(dp_arena_grow(&a, p, 10, 20), 0);	 /* to the byte */
	assert_int_equal(a.used, 50);
	assert_int_equal(dp_arena_grow(&a, q, 30, 81), -ENOSPC); /* past the end */
	assert_int_equal(dp_arena_grow(&a, q, 30, 80), 0);
	assert_null(dp_arena_get(&a, 1));
	assert_int_equal(dp_arena_put(&a, p, 20), 0);
	assert_int_equal(dp_arena_put(&a, q, 80), 0);
	assert_int_equal(a.used, 0);
	dp_arena_free(&a);
}

static void
random_run_against_a_model(void **state)
{
	enum {
		CAP = 1 << 16,
		ROUNDS = 20000
	};
	struct dp_arena a;
	static uint8_t owner[CAP]; /* 1: in a live block */
	uint8_t *p[DP_ARENA_BLOCKS];
	size_t len[DP_ARENA_BLOCKS], used = 0;
	unsigned live = 0;

	(void)state;
	srand(7);
	assert_int_equal(dp_arena_init(&a, CAP), 0);
	for (int r = 0; r < ROUNDS; r++) {
		if (live > 0 && (rand() % 2 || live == DP_ARENA_BLOCKS)) {
			unsigned i = (unsigned)rand() % live;
			size_t off = (size_t)(p[i] - a.base);
			assert_int_equal(dp_arena_put(&a, p[i], len[i]), 0);
			memset(owner + off, 0, len[i]);
			used -= len[i];
			p[i] = p[live - 1];
			len[i] = len[live - 1];
			live--;
		} else {
			size_t want = (size_t)rand() % (CAP / 8);
			uint8_t *q = dp_arena_get(&a, want);
			if (q == NULL)
				continue;
			assert_true(q >= a.base && q + want <= a.base + CAP);
			for (size_t k = 0; k < want; k++)
				assert_int_equal(owner[(size_t)(q - a.base) + k], 0);
			memset(owner + (q - a.base), 1, want);
			p[live] = q;
			len[live++] = want;
			used += want;
		}
		assert_int_equal(a.used, used);
		assert_int_equal(a.n, live);
	}
	while (live > 0) {
		live--;
		assert_int_equal(dp_arena_put(&a, p[live], len[live]), 0);
	}
	assert_int_equal(a.used, 0);
	dp_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_errors_and_put_of_a_stranger),
		cmocka_unit_test(full_to_the_byte_then_refused),
		cmocka_unit_test(trim_gives_the_tail_back),
		cmocka_unit_test(block_limit_at_its_edge),
		cmocka_unit_test(zero_length_block_and_its_neighbour),
		cmocka_unit_test(grow_takes_the_gap_behind),
		cmocka_unit_test(random_run_against_a_model),
	};
	return RUN_GROUP("dataplane/reply_arena", tests);
}
