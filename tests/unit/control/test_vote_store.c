/* SPDX-License-Identifier: MIT */
/* control/vote_store.c and the restore side of randao_contrib.c: this node's votes and
 * RANDAO secrets survive a restart. Round trip through a real file (0600, written through a
 * temp file that does not stay), every corruption refused (checksum, length, counts, magic,
 * change, index, too long), a missing file is -ENOENT; a committed secret persisted before
 * its commit is queued is taken back by a new process and revealed (the registry accepts the
 * reveal); stale and mismatched secrets ignored; a failed write queues no commit. */
#include "test_common_ctl.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vote_store.h"

static char dir[64], path[128];
static struct ctl_vote_store st, back;
static uint8_t buf[CTL_VOTE_STORE_MAX + 8];
static uint8_t pk[32], sk[64];
static char lines[16][CTL_REGISTRY_LINE_MAX];
static size_t nlines;
static bool persist_down;
static struct ctl_vote vote; /* empty: only the secrets are saved in the RANDAO tests */
static struct ctl_randao *saving;

static int
setup(void **state)
{
	uint8_t seed[32] = {7};

	(void)state;
	assert_true(sodium_init() >= 0);
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/quorum-state", dir);
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

static int
teardown(void **state)
{
	char tmp[160];

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(path);
	unlink(tmp);
	rmdir(dir);
	return 0;
}

static void
fill(struct ctl_vote_store *s)
{
	memset(s, 0, sizeof(*s));
	s->nv = 3;
	for (size_t i = 0; i < s->nv; i++) {
		s->v[i].change = (uint8_t)(1 + i);
		s->v[i].index = (uint8_t)(9 - i);
		s->v[i].epoch = 0x0102030405060708ull + i;
		memset(s->v[i].worker, (int)(0x10 + i), 32);
		memset(s->v[i].sig, (int)(0x20 + i), 64);
	}
	s->ns = 2;
	for (size_t i = 0; i < 2; i++) {
		s->s[i].have = true;
		s->s[i].epoch = 40 + i;
		memset(s->s[i].secret, (int)(0x30 + i), 32);
		s->s[i].commit_for = 400 + i;
		s->s[i].reveal_for = i == 0 ? 0 : UINT64_MAX;
	}
}

static void
test_round_trip(void **state)
{
	struct stat sb;
	char tmp[160];

	(void)state;
	fill(&st);
	assert_int_equal(ctl_vote_store_save(path, &st), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, CTL_VOTE_STORE_HEAD + 3 * CTL_VOTE_STORE_VOTE +
					     2 * CTL_VOTE_STORE_SECRET + 32);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1); /* renamed away */
	assert_int_equal(ctl_vote_store_load(path, &back), 0);
	assert_int_equal(back.nv, 3);
	assert_int_equal(back.ns, 2);
	assert_memory_equal(back.v, st.v, sizeof(st.v[0]) * 3);
	assert_memory_equal(back.s, st.s, sizeof(st.s));
	/* a wider mode left by someone is narrowed again on the next save */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(ctl_vote_store_save(path, &st), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* empty and full */
	memset(&st, 0, sizeof(st));
	assert_int_equal(ctl_vote_store_save(path, &st), 0);
	assert_int_equal(ctl_vote_store_load(path, &back), 0);
	assert_int_equal(back.nv + back.ns, 0);
	fill(&st);
	st.nv = CTL_VOTE_SLOTS;
	for (size_t i = 3; i < st.nv; i++)
		st.v[i] = st.v[i % 3];
	assert_int_equal(ctl_vote_store_encode(&st, buf), CTL_VOTE_STORE_MAX);
	assert_int_equal(ctl_vote_store_save(path, &st), 0);
	assert_int_equal(ctl_vote_store_load(path, &back), 0);
	assert_int_equal(back.nv, CTL_VOTE_SLOTS);
	unlink(path);
	assert_int_equal(ctl_vote_store_load(path, &back), -ENOENT);
}

static void
put_file(const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* Recomputes the checksum so a field's own check is what refuses. */
static void
resum(uint8_t *p, size_t n)
{
	crypto_generichash(p + n - 32, 32, p, n - 32, NULL, 0);
}

static void
test_corrupt(void **state)
{
	size_t n;

	(void)state;
	fill(&st);
	n = ctl_vote_store_encode(&st, buf);
	assert_int_equal(ctl_vote_store_decode(buf, n, &back), 0);
	/* every single flipped byte is refused */
	for (size_t i = 0; i < n; i++) {
		buf[i] ^= 0x01;
		if (ctl_vote_store_decode(buf, n, &back) != -EINVAL)
			fail_msg("byte %zu flipped: accepted", i);
		buf[i] ^= 0x01;
	}
	/* short, long, empty */
	assert_int_equal(ctl_vote_store_decode(buf, n - 1, &back), -EINVAL);
	assert_int_equal(ctl_vote_store_decode(buf, n + 1, &back), -EINVAL);
	assert_int_equal(ctl_vote_store_decode(buf, 0, &back), -EINVAL);
	assert_int_equal(ctl_vote_store_decode(buf, CTL_VOTE_STORE_HEAD + 31, &back), -EINVAL);
	/* fields refused even under a good checksum */
	buf[CTL_VOTE_STORE_HEAD] = 4; /* change */
	resum(buf, n);
	assert_int_equal(ctl_vote_store_decode(buf, n, &back), -EINVAL);
	assert_int_equal(back.nv, 0); /* nothing half-kept */
	buf[CTL_VOTE_STORE_HEAD] = 1;
	buf[CTL_VOTE_STORE_HEAD + 41] = 10; /* index */
	resum(buf, n);
	assert_int_equal(ctl_vote_store_decode(buf, n, &back), -EINVAL);
	n = ctl_vote_store_encode(&st, buf);
	buf[10] = 3; /* 3 secrets */
	resum(buf, n);
	assert_int_equal(ctl_vote_store_decode(buf, n, &back), -EINVAL);
	/* through the file: corrupt, and longer than any state */
	n = ctl_vote_store_encode(&st, buf);
	buf[n / 2] ^= 0x80;
	put_file(buf, n);
	assert_int_equal(ctl_vote_store_load(path, &back), -EINVAL);
	memset(buf, 0, sizeof(buf));
	put_file(buf, CTL_VOTE_STORE_MAX + 1);
	assert_int_equal(ctl_vote_store_load(path, &back), -EINVAL);
	unlink(path);
}

/* ---- RANDAO secrets across a restart ------------------------------------------------ */

static int
submit(void *arg, const char *line)
{
	(void)arg;
	assert_true(nlines < 16);
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
	return 0;
}

static int
persist(void *arg)
{
	(void)arg;
	if (persist_down)
		return -EIO;
	ctl_vote_store_collect(&st, &vote, saving);
	return ctl_vote_store_save(path, &st);
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

static int
no_send(void *arg, const uint8_t peer[32], const uint8_t *body, size_t len)
{
	(void)arg;
	(void)peer;
	(void)body;
	(void)len;
	return 0;
}

static bool
no_reach(void *arg, const uint8_t key[32], uint64_t now_ms, uint64_t *f)
{
	(void)arg;
	(void)key;
	(void)now_ms;
	(void)f;
	return false;
}

static void
test_secret_survives_restart(void **state)
{
	static struct ctl_randao before, after, other;
	struct ctl_registry r;
	struct ctl_vote_conf vc = {.reach = no_reach, .send = no_send, .submit = submit};
	char reg_line[300], key[65];
	size_t kept, stale;
	struct ctl_randao_secret s;

	(void)state;
	assert_int_equal(ctl_vote_init(&vote, &vc, 0), 0);
	ctl_registry_init(&r);
	sodium_bin2hex(key, sizeof(key), pk, 32);
	apply(&r, "option epoch-blocks 4");
	snprintf(reg_line, sizeof(reg_line), "register %s %064d 10.0.0.1:1 1", key, 1);
	apply(&r, reg_line);
	block(&r, 1);
	block(&r, 3); /* next 4: epoch 1, first half */
	ctl_randao_init(&before, submit, NULL, pk, sk);
	ctl_randao_set_persist(&before, persist, NULL);
	saving = &before;
	nlines = 0;
	ctl_randao_on_registry(&before, &r);
	assert_int_equal(nlines, 1); /* the commit, after the secret hit the disk */
	apply(&r, lines[0]);
	block(&r, 4);
	/* the process dies here; a new one reads the file */
	ctl_randao_wipe(&before);
	ctl_randao_init(&after, submit, NULL, pk, sk);
	assert_int_equal(ctl_vote_store_load(path, &back), 0);
	assert_int_equal(back.ns, 1);
	ctl_vote_store_restore(&back, &vote, &after, &r, &kept, &stale);
	assert_int_equal(kept, 1);
	assert_int_equal(stale, 0);
	/* next epoch: the reveal comes, and the registry takes it (the hash matches) */
	block(&r, 7);
	nlines = 0;
	ctl_randao_on_registry(&after, &r);
	assert_true(nlines >= 1);
	assert_int_equal(strncmp(lines[0], "reveal ", 7), 0);
	apply(&r, lines[0]);
	assert_int_equal(r.reveals, 1);
	/* once revealed, the same secret is stale */
	assert_int_equal(ctl_randao_restore(&after, &r, &back.s[0]), -ESTALE);
	/* a secret whose hash is not the commit's */
	ctl_randao_init(&other, submit, NULL, pk, sk);
	s = back.s[0];
	s.secret[0] ^= 1;
	block(&r, 8);
	{
		struct ctl_registry r2;

		assert_int_equal(ctl_registry_copy(&r2, &r), 0);
		/* at height 8 (next 9, epoch 2): epoch 1's commit is still the log's */
		assert_int_equal(ctl_randao_restore(&other, &r2, &s), -EINVAL);
		ctl_registry_free(&r2);
	}
	/* two epochs later: too late to reveal */
	block(&r, 12);
	assert_int_equal(ctl_randao_restore(&other, &r, &back.s[0]), -ESTALE);
	/* a failed write queues no commit (the secret would be lost with the process) */
	persist_down = true;
	ctl_randao_set_persist(&other, persist, NULL);
	saving = &other;
	nlines = 0;
	ctl_randao_on_registry(&other, &r);
	assert_int_equal(nlines, 0);
	assert_int_equal(other.st.failed, 1);
	persist_down = false;
	ctl_randao_on_registry(&other, &r);
	assert_int_equal(nlines, 1);
	assert_int_equal(strncmp(lines[0], "commit ", 7), 0);
	ctl_randao_wipe(&after);
	ctl_randao_wipe(&other);
	ctl_vote_wipe(&vote);
	ctl_registry_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_survives_restart, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
