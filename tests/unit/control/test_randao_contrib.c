/* SPDX-License-Identifier: MIT */
/* control/randao_contrib.c: the lines this node queues are the ones the
 * registry accepts. Through a real pending queue (a file, registry_append.h):
 * over three epochs a node commits, reveals and commits again, each line
 * taken by the producer's step and applied to the registry (the commit's
 * signature checked), the next epoch seeded by its reveal; a commit whose
 * block came without it is queued again for the next block; nothing in the
 * second half of an epoch, nothing when decommissioned or unknown, nothing
 * with epochs under 4 blocks; a failed submission is counted. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>
#include <unistd.h>

#include "randao_contrib.h"
#include "registry_append.h"

static char dir[64], pending[128], regpath[128];
static struct ctl_registry_spec spec;
static bool submit_down;
static uint8_t pk[3][32], sk[3][64];
static char pkh[3][65];

static int
submit(void *arg, const char *line)
{
	char err[200];

	(void)arg;
	if (submit_down)
		return -EIO;
	return ctl_registry_pending_put(&spec, &line, 1, err, sizeof(err));
}

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

/* The producer's step for block h: the queued lines, all meant for h, applied; the count
 * (drop: take them and apply nothing). */
static int
produce(struct ctl_registry *r, uint64_t h, bool drop)
{
	char **lines = NULL, err[200], want[32];
	size_t n = 0;

	assert_int_equal(ctl_registry_pending_take(&spec, 100, &lines, &n, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), " %" PRIu64 " ", h);
	for (size_t i = 0; i < n && !drop; i++) {
		assert_non_null(strstr(lines[i], want)); /* for this block */
		apply(r, lines[i]);
	}
	ctl_registry_lines_free(lines, n);
	block(r, h);
	return (int)n;
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
	char err[200];

	(void)state;
	assert_true(sodium_init() >= 0);
	make_tmpdir(dir, sizeof(dir));
	snprintf(pending, sizeof(pending), "%s/registry.pending", dir);
	snprintf(regpath, sizeof(regpath), "%s/registry", dir);
	assert_int_equal(ctl_registry_spec_parse(regpath, &spec, err, sizeof(err)), 0);
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
	net(&r, 4); /* epochs 0-3, 4-7, 8-11, 12-15; first halves: positions 0 and 1 */
	ctl_randao_init(&c, submit, NULL, pk[0], sk[0]);
	ctl_randao_on_registry(&c, &r); /* next block 2: second half of epoch 0, nothing */
	assert_int_equal(c.st.commits, 0);
	block(&r, 3);
	ctl_randao_on_registry(&c, &r); /* next block 4: epoch 1 begins, a commit */
	assert_int_equal(c.st.commits, 1);
	ctl_randao_on_registry(&c, &r); /* queued for block 4: wait */
	assert_int_equal(c.st.commits, 1);
	assert_int_equal(produce(&r, 4, true), 1); /* the producer dropped it */
	ctl_randao_on_registry(&c, &r);		   /* next block 5: still the first half */
	assert_int_equal(c.st.commits, 2);
	assert_int_equal(produce(&r, 5, false), 1); /* the registry verifies its signature */
	assert_int_equal(r.commits, 1);
	ctl_randao_on_registry(&c, &r); /* next block 6: second half, nothing */
	assert_int_equal(c.st.commits, 2);
	block(&r, 6);
	block(&r, 7);
	ctl_randao_on_registry(&c, &r); /* next block 8, epoch 2: reveal, and commit again */
	assert_int_equal(c.st.reveals, 1);
	assert_int_equal(c.st.commits, 3);
	assert_int_equal(produce(&r, 8, false), 2);
	assert_int_equal(r.reveals, 1);
	assert_int_equal(r.commits, 2);
	block(&r, 12); /* epoch 3: seeded by the reveal made in epoch 2 */
	assert_int_equal(r.randao_seeds, 1);
	ctl_randao_on_registry(&c, &r); /* next block 13: reveal epoch 2's secret, commit */
	assert_int_equal(c.st.reveals, 2);
	assert_int_equal(c.st.commits, 4);
	assert_int_equal(produce(&r, 13, false), 2);
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
	ctl_randao_init(&c, submit, NULL, pk[0], sk[0]);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	ctl_randao_wipe(&c);
	ctl_registry_free(&r);
	/* decommissioned; unknown */
	net(&r, 4);
	snprintf(line, sizeof(line), "decommission %s 4 -", pkh[1]);
	apply(&r, line);
	block(&r, 4);
	ctl_randao_init(&c, submit, NULL, pk[1], sk[1]);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	ctl_randao_wipe(&c);
	crypto_sign_keypair(stranger_pk, stranger_sk);
	ctl_randao_init(&c, submit, NULL, stranger_pk, stranger_sk);
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	/* a submission that fails is counted, and tried again at the next reload */
	ctl_randao_wipe(&c);
	ctl_randao_init(&c, submit, NULL, pk[2], sk[2]);
	submit_down = true;
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 0);
	assert_int_equal(c.st.failed, 1);
	submit_down = false;
	ctl_randao_on_registry(&c, &r);
	assert_int_equal(c.st.commits, 1);
	ctl_randao_wipe(&c);
	ctl_registry_free(&r);
	unlink(pending);
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
