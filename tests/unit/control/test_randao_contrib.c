/* SPDX-License-Identifier: MIT */
/* control/randao_contrib.c: the lines this node appends are the ones the
 * registry accepts. Over three epochs a node commits, reveals and commits
 * again (each pending line, its '*' filled, applied to the registry that
 * produced the state), the next epoch is seeded by its reveal; nothing in the
 * second half of an epoch, nothing when decommissioned or unknown, nothing with
 * epochs under 4 blocks; a failed append is counted. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>
#include <unistd.h>

#include "randao_contrib.h"
#include "registry_pending.h"

static char dir[64], pending[128];
static uint8_t pk[3][32], sk[3][64];
static char pkh[3][65];

static void
apply(struct ctl_registry *r, const char *line)
{
	char why[200];

	if (ctl_registry_apply_line(r, line, why, sizeof(why)) != 0)
		fail_msg("%s: %s", line, why);
}

static void
block(struct ctl_registry *r, uint64_t h)
{
	char line[120];

	snprintf(line, sizeof(line), "block %" PRIu64 " %064" PRIx64, h, h + 1);
	apply(r, line);
}

/* Moves the pending lines into the log at height h (the producer's step); the count. */
static int
produce(struct ctl_registry *r, uint64_t h)
{
	char line[CTL_REGISTRY_RECORD_LINE_MAX], out[CTL_REGISTRY_RECORD_LINE_MAX + 32];
	FILE *f = fopen(pending, "r");
	int n = 0;

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			assert_int_equal(ctl_registry_pending_fill(line, h, out, sizeof(out)), 0);
			apply(r, out);
			n++;
		}
		fclose(f);
		unlink(pending);
	}
	block(r, h);
	return n;
}

static void
net(struct ctl_registry *r, unsigned epoch_blocks)
{
	char line[300];

	ctl_registry_init(r);
	snprintf(line, sizeof(line), "option epoch-blocks %u", epoch_blocks);
	apply(r, line);
	apply(r, "option unverified-records");
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), "register %s %064x 10.0.0.%d:22030 1", pkh[i], i + 1,
			 i + 1);
		apply(r, line);
	}
	block(r, 1);
}

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	make_tmpdir(dir, sizeof(dir));
	snprintf(pending, sizeof(pending), "%s/registry.pending", dir);
	for (int i = 0; i < 3; i++) {
		crypto_sign_keypair(pk[i], sk[i]);
		sodium_bin2hex(pkh[i], 65, pk[i], 32);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(pending);
	rmdir(dir);
	return 0;
}

static void
test_three_epochs(void **state)
{
	struct ctl_registry r;
	struct ctl_randao c;

	(void)state;
	net(&r, 4); /* epochs 0-3, 4-7, 8-11 */
	ctl_randao_init(&c, pending, pk[0], sk[0]);
	ctl_randao_on_registry(&c, &r); /* height 1: first half of epoch 0 */
	assert_int_equal(c.st.commits, 1);
	ctl_randao_on_registry(&c, &r); /* once per epoch */
	assert_int_equal(c.st.commits, 1);
	assert_int_equal(produce(&r, 2), 1); /* the registry verifies its signature */
	assert_int_equal(r.commits, 1);
	ctl_randao_on_registry(&c, &r); /* height 2: second half, nothing */
	block(&r, 3);
	block(&r, 4); /* epoch 1 */
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.reveals, 1);
	assert_int_equal(c.st.commits, 2);
	assert_int_equal(produce(&r, 5), 2);
	assert_int_equal(r.reveals, 1);
	assert_int_equal(r.commits, 2);
	block(&r, 8); /* epoch 2: seeded by the reveal of epoch 1 */
	assert_int_equal(r.randao_seeds, 1);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.reveals, 2);
	assert_int_equal(produce(&r, 9), 2);
	assert_int_equal(r.reveals, 2);
	assert_int_equal(c.st.failed, 0);
	ctl_randao_wipe(&c);
	ctl_registry_free(&r);
}

static void
test_no_contribution(void **state)
{
	struct ctl_registry r;
	struct ctl_randao c;
	uint8_t stranger_pk[32], stranger_sk[64];
	char line[200];

	(void)state;
	/* epochs of 3 blocks: too short for the producer's delay */
	net(&r, 3);
	ctl_randao_init(&c, pending, pk[0], sk[0]);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	ctl_randao_wipe(&c);
	ctl_registry_free(&r);
	/* decommissioned; unknown */
	net(&r, 4);
	snprintf(line, sizeof(line), "decommission %s 4 -", pkh[1]);
	apply(&r, line);
	block(&r, 4);
	ctl_randao_init(&c, pending, pk[1], sk[1]);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	ctl_randao_wipe(&c);
	crypto_sign_keypair(stranger_pk, stranger_sk);
	ctl_randao_init(&c, pending, stranger_pk, stranger_sk);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	/* an append that fails is counted */
	ctl_randao_wipe(&c);
	snprintf(line, sizeof(line), "%s/no/such/dir", dir);
	ctl_randao_init(&c, line, pk[2], sk[2]);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	assert_int_equal(c.st.failed, 1);
	ctl_randao_wipe(&c);
	ctl_registry_free(&r);
	assert_int_equal(access(pending, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_epochs),
		cmocka_unit_test(test_no_contribution),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
