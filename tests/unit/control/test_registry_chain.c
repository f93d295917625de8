/* SPDX-License-Identifier: MIT */
/* control/registry_chain.c: the block hash against vectors from Python's
 * hashlib (blake2b(prev + height.to_bytes(8, 'little'), digest_size=32)), and
 * how pending lines are sorted: accepted at the next height in a copy of the
 * state, deferred above it, dropped below it, dropped when the parser refuses
 * them (each drop logged), the block line last; the state itself untouched. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>

#include "registry.h"
#include "registry_chain.h"

static void
hex_of(const char *what, int i, char out[65])
{
	char t[32];
	uint8_t d[32];

	snprintf(t, sizeof(t), "%s %d", what, i);
	crypto_hash_sha256(d, (const uint8_t *)t, strlen(t));
	sodium_bin2hex(out, 65, d, 32);
}

static void
apply(struct ctl_registry *r, const char *line)
{
	char why[200];

	if (ctl_registry_apply_line(r, line, why, sizeof(why)) != 0)
		fail_msg("%s: %s", line, why);
}

static void
add_node(struct ctl_registry *r, int i, uint64_t h)
{
	char ed[65], x[65], line[300];

	hex_of("ed", i, ed);
	hex_of("x", i, x);
	snprintf(line, sizeof(line), "register %s %s 10.0.0.%d:22030 %" PRIu64, ed, x, i + 1, h);
	apply(r, line);
}

static char logged[16][600];
static int n_logged;

static void
log_fn(void *arg, const char *line)
{
	(void)arg;
	if (n_logged < 16)
		snprintf(logged[n_logged++], sizeof(logged[0]), "%s", line);
}

static void
test_hash_vectors(void **state)
{
	static const char *const want[] = {
		"4ac59b7cb3f52c068d671e464f0f201350cdc87883e1f16338db6830f511cf3d",
		"55793788c6f2fd2e61c0a961055609177c26e07f70fd38cbdadec3ed5d250971",
		"2a34577516c611e52a3b7a3249ebb97243905bb94d2fe0e1419239cd012c4b48",
	};
	uint8_t h[32] = {0}, prev[32];
	char hex[65];

	(void)state;
	for (uint64_t height = 1; height <= 3; height++) {
		memcpy(prev, h, 32);
		ctl_chain_block_hash(prev, height, h);
		sodium_bin2hex(hex, sizeof(hex), h, 32);
		assert_string_equal(hex, want[height - 1]);
	}
	memset(prev, 0x11, 32);
	ctl_chain_block_hash(prev, UINT64_MAX - 1, h);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	assert_string_equal(hex,
			    "32e143e30e13655ec2f64f550254d94433f531dacf93de3093968dad502a8462");
}

/* An empty log: block 1 over the zero hash; lines for height 1 go in it. */
static void
test_first_block(void **state)
{
	struct ctl_registry r;
	struct ctl_chain_block b;
	char ed[65], x[65], line[300], err[200], *pending[1] = {line};

	(void)state;
	ctl_registry_init(&r);
	hex_of("ed", 0, ed);
	hex_of("x", 0, x);
	snprintf(line, sizeof(line), "register %s %s 10.0.0.1:22030 1", ed, x);
	assert_int_equal(ctl_chain_build(&r, pending, 1, NULL, NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(b.height, 1);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.lines[0], line);
	assert_string_equal(
		b.lines[1],
		"block 1 4ac59b7cb3f52c068d671e464f0f201350cdc87883e1f16338db6830f511cf3d");
	for (size_t i = 0; i < b.n; i++)
		apply(&r, b.lines[i]);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.height, 1);
	ctl_chain_block_free(&b);
	ctl_registry_free(&r);
}

static void
test_sort_pending(void **state)
{
	struct ctl_registry r, before;
	struct ctl_chain_block b;
	char e0[65], e1[65], e2[65], e9[65], x3[65], err[200];
	char l[9][300], *pending[9];

	(void)state;
	ctl_registry_init(&r);
	apply(&r, "option unverified-records"); /* "-" records (docs/quorums.md) */
	for (int i = 0; i < 3; i++)
		add_node(&r, i, 1);
	apply(&r, "block 1 "
		  "1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(ctl_registry_copy(&before, &r), 0);
	hex_of("ed", 0, e0);
	hex_of("ed", 1, e1);
	hex_of("ed", 2, e2);
	hex_of("ed", 9, e9);
	hex_of("x", 3, x3);
	snprintf(l[0], 300, "decommission %s 2 -", e1);			/* accepted */
	snprintf(l[1], 300, "decommission %s 2 -", e1);			/* already, in the copy */
	snprintf(l[2], 300, "decommission %s 2 -", e9);			/* unknown node */
	snprintf(l[3], 300, "deregister %s 3 -", e2);			/* deferred */
	snprintf(l[4], 300, "decommission %s 1 -", e0);			/* below */
	snprintf(l[5], 300, "block 2 %s", e0);				/* not a node event */
	snprintf(l[6], 300, "decommission %s 02 -", e0);		/* the parser refuses */
	snprintf(l[7], 300, "register %s %s 10.0.0.4:22030 2", e9, x3); /* accepted */
	snprintf(l[8], 300, "# a comment");
	for (int i = 0; i < 9; i++)
		pending[i] = l[i];
	n_logged = 0;
	assert_int_equal(ctl_chain_build(&r, pending, 9, log_fn, NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(b.height, 2);
	assert_int_equal(b.accepted, 2);
	assert_int_equal(b.dropped, 6);
	assert_int_equal(n_logged, 6);
	assert_int_equal(b.n_deferred, 1);
	assert_string_equal(b.deferred[0], l[3]);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.lines[0], l[0]);
	assert_string_equal(b.lines[1], l[7]);
	assert_int_equal(strncmp(b.lines[2], "block 2 ", 8), 0);
	assert_non_null(strstr(logged[0], "decommission: node "));
	assert_non_null(strstr(logged[0], "is already decommissioned"));
	assert_non_null(strstr(logged[1], "is not registered"));
	assert_non_null(strstr(logged[2], "height 1 is below the next block 2"));
	assert_non_null(strstr(logged[3], "not a node event"));
	assert_non_null(strstr(logged[4], "bad height"));
	assert_non_null(strstr(logged[5], "not a node event: '# a comment'"));
	/* the state is untouched, and the block applies to it */
	assert_int_equal(r.n, before.n);
	assert_memory_equal(r.nodes, before.nodes, r.n * sizeof(*r.nodes));
	for (size_t i = 0; i < b.n; i++)
		apply(&r, b.lines[i]);
	assert_int_equal(r.height, 2);
	assert_int_equal(r.n, 4);
	assert_int_equal(ctl_registry_count(&r, CTL_REGISTRY_DECOMMISSIONED), 1);
	ctl_chain_block_free(&b);
	ctl_registry_free(&r);
	ctl_registry_free(&before);
}

static void
test_limits(void **state)
{
	struct ctl_registry r;
	struct ctl_chain_block b;
	char err[200];

	(void)state;
	ctl_registry_init(&r);
	apply(&r, "block 18446744073709551614 "
		  "2222222222222222222222222222222222222222222222222222222222222222");
	assert_int_equal(ctl_chain_build(&r, NULL, 0, NULL, NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(b.height, UINT64_MAX); /* 2^64 - 1: the last one */
	assert_int_equal(b.n, 1);
	apply(&r, b.lines[0]);
	ctl_chain_block_free(&b);
	assert_int_equal(ctl_chain_build(&r, NULL, 0, NULL, NULL, &b, err, sizeof(err)),
			 -EOVERFLOW);
	assert_string_equal(err, "the last block is 2^64 - 1: no next height");
	ctl_registry_free(&r);
	ctl_registry_init(&r);
	add_node(&r, 0, 5); /* open: events without their block */
	assert_int_equal(ctl_chain_build(&r, NULL, 0, NULL, NULL, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the log has events for height 5 without a block");
	ctl_registry_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_first_block),
		cmocka_unit_test(test_sort_pending),
		cmocka_unit_test(test_limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("registry_chain", tests, NULL, NULL);
}
