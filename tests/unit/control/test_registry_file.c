/* SPDX-License-Identifier: MIT */
/* control/registry_file.c: loading (every "FILE:LINE: reason" the reader
 * adds, limits at their edges), reloading (unchanged, appended = only the
 * new lines, rewritten = from scratch, a bad version keeps the old state and
 * is reported once, a vanished file), and a file grown block by block giving
 * after every block the state of a fresh load. */
#include "test_common_ctl.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry_file.h"
#include "swarm_assign.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static int alloc_fail_at; /* 0: never; k: the k-th calloc/realloc fails */
static int alloc_calls;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (alloc_fail_at > 0 && ++alloc_calls == alloc_fail_at)
		return NULL;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	if (alloc_fail_at > 0 && ++alloc_calls == alloc_fail_at)
		return NULL;
	return __real_realloc(p, size);
}

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/registry", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

/* Node i's keys: sha256("ed i"), sha256("x i"). */
static void
hex_of(const char *what, int i, char out[65])
{
	char t[32];
	uint8_t d[32];

	snprintf(t, sizeof(t), "%s %d", what, i);
	crypto_hash_sha256(d, (const uint8_t *)t, strlen(t));
	sodium_bin2hex(out, 65, d, 32);
}

/* The first line of a log whose state changes carry "-" (docs/quorums.md). */
#define UNVERIFIED "option unverified-records\n"

static void
append(const char *p, const char *text)
{
	FILE *f = fopen(p, "a");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
append_register(const char *p, int i, uint64_t h)
{
	char e[65], x[65], l[300];

	hex_of("ed", i, e);
	hex_of("x", i, x);
	snprintf(l, sizeof(l), "register %s %s 10.0.%d.%d:22030 %" PRIu64 "\n", e, x, i / 250,
		 i % 250, h);
	append(p, l);
}

static void
append_change(const char *p, const char *what, int i, uint64_t h)
{
	char e[65], l[200];

	hex_of("ed", i, e);
	snprintf(l, sizeof(l), "%s %s %" PRIu64 " -\n", what, e, h);
	append(p, l);
}

static void
append_block(const char *p, uint64_t h)
{
	char hash[65], l[120];

	hex_of("block", (int)h, hash);
	snprintf(l, sizeof(l), "block %" PRIu64 " %s\n", h, hash);
	append(p, l);
}

/* Sets the file's mtime, so that a rewrite of the same size is a change
 * whatever the clock's resolution. */
static void
set_mtime(const char *p, time_t sec)
{
	struct timespec ts[2] = {{sec, 0}, {sec, 0}};

	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
assert_same_state(const struct ctl_registry *a, const struct ctl_registry *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_memory_equal(a->nodes[i].ed25519, b->nodes[i].ed25519, 32);
		assert_memory_equal(a->nodes[i].x25519, b->nodes[i].x25519, 32);
		assert_int_equal(a->nodes[i].ip, b->nodes[i].ip);
		assert_int_equal(a->nodes[i].port, b->nodes[i].port);
		assert_int_equal(a->nodes[i].status, b->nodes[i].status);
		assert_int_equal(a->nodes[i].registered, b->nodes[i].registered);
		assert_int_equal(a->nodes[i].swarm_id, b->nodes[i].swarm_id);
	}
	assert_int_equal(a->have_block, b->have_block);
	assert_int_equal(a->height, b->height);
	assert_memory_equal(a->hash, b->hash, 32);
	assert_int_equal(a->open, b->open);
	assert_int_equal(a->blocks, b->blocks);
	assert_int_equal(a->updates, b->updates);
	assert_int_equal(a->refused, b->refused);
}

static void
expect_load_error(const char *p, int rc, const char *tail)
{
	struct ctl_registry_file f;
	char err[512] = "", want[600];

	snprintf(want, sizeof(want), "%s%s", p, tail);
	assert_int_equal(ctl_registry_file_load(&f, p, err, sizeof(err)), rc);
	assert_string_equal(err, want);
	assert_int_equal(f.reg.n, 0);
	ctl_registry_file_free(&f);
}

/* ---- loading ---------------------------------------------------------- */

static void
test_load(void **state)
{
	struct ctl_registry_file f;
	char err[512];
	struct stat st;

	(void)state;
	append(path, "# a testnet\n\n");
	for (int i = 0; i < 3; i++)
		append_register(path, i, 1);
	append(path, "   # the genesis block:\n");
	append_block(path, 1);
	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(f.bytes, st.st_size);
	assert_int_equal(f.lines, 7);
	assert_int_equal(f.reg.n, 3);
	assert_int_equal(f.reg.height, 1);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(f.reg.nodes[i].swarm_id, 0); /* one swarm, id 0 */
		assert_int_equal(f.reg.nodes[i].port, 22030);
	}
	assert_string_equal(f.path, path);
	ctl_registry_file_free(&f);
}

static void
test_load_empty(void **state)
{
	struct ctl_registry_file f;
	char err[512];

	(void)state;
	append(path, "");
	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
	assert_int_equal(f.reg.n, 0);
	assert_false(f.reg.have_block);
	assert_int_equal(f.bytes, 0);
	ctl_registry_file_free(&f);
}

static void
test_load_errors(void **state)
{
	char tail[200], l[CTL_REGISTRY_LINE_MAX + 8], longpath[PATH_MAX + 8];
	struct ctl_registry_file f;
	char err[512];
	int n;

	(void)state;
	expect_load_error(path, -ENOENT, ": No such file or directory");
	expect_load_error(dir, -EIO, ": read error"); /* a directory opens, then fails */
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(ctl_registry_file_load(&f, longpath, err, sizeof(err)), -EINVAL);
	snprintf(tail, sizeof(tail), "registry path longer than %d bytes", PATH_MAX - 1);
	assert_string_equal(err, tail);

	/* a bad event: its line */
	append_register(path, 0, 1);
	append_block(path, 1);
	append(path, "unregister x\n");
	expect_load_error(path, -EINVAL, ":3: unknown event 'unregister'");
	unlink(path);

	/* out of order: the line of the event at fault */
	append_register(path, 0, 5);
	append_block(path, 5);
	append_register(path, 1, 5);
	expect_load_error(path, -EINVAL, ":3: height 5 is not above the last block 5");
	unlink(path);

	/* a line of 511 bytes is the longest */
	n = snprintf(l, sizeof(l), "block 1 %064d #", 0);
	memset(l + n, 'x', CTL_REGISTRY_LINE_MAX - 1 - (size_t)n);
	l[CTL_REGISTRY_LINE_MAX - 1] = '\n';
	l[CTL_REGISTRY_LINE_MAX] = '\0';
	append(path, "\n");
	append(path, l);
	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
	assert_int_equal(f.reg.height, 1);
	ctl_registry_file_free(&f);
	unlink(path);
	memmove(l + 1, l, CTL_REGISTRY_LINE_MAX + 1);
	l[0] = ' ';
	append(path, "\n");
	append(path, l);
	expect_load_error(path, -EINVAL, ":2: line longer than 511 bytes");
	unlink(path);

	/* a state change may be 2047 bytes (its quorum record), not 2048 */
	{
		static char big[CTL_REGISTRY_RECORD_LINE_MAX + 2];
		char e[65];

		append(path, UNVERIFIED);
		append_register(path, 0, 1);
		append_block(path, 1);
		hex_of("ed", 0, e);
		n = snprintf(big, sizeof(big), "decommission %s 2 -", e);
		memset(big + n, ' ', CTL_REGISTRY_RECORD_LINE_MAX - 1 - (size_t)n);
		big[CTL_REGISTRY_RECORD_LINE_MAX - 1] = '\n';
		append(path, big);
		append_block(path, 2);
		assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
		assert_int_equal(ctl_registry_count(&f.reg, CTL_REGISTRY_DECOMMISSIONED), 1);
		ctl_registry_file_free(&f);
		unlink(path);
		append(path, UNVERIFIED);
		append_register(path, 0, 1);
		append_block(path, 1);
		big[CTL_REGISTRY_RECORD_LINE_MAX - 1] = ' ';
		big[CTL_REGISTRY_RECORD_LINE_MAX] = '\n';
		append(path, big);
		expect_load_error(path, -EINVAL, ":4: line longer than 2047 bytes");
		unlink(path);
	}

	/* a NUL byte */
	append_register(path, 0, 1);
	{
		FILE *fp = fopen(path, "a");

		assert_non_null(fp);
		assert_int_equal(fwrite("block 1\0 x\n", 1, 11, fp), 11);
		fclose(fp);
	}
	expect_load_error(path, -EINVAL, ":2: NUL byte in the line");
	unlink(path);

	/* half written: no newline at the end */
	append_register(path, 0, 1);
	append_block(path, 1);
	append(path, "register 00");
	expect_load_error(path, -EINVAL,
			  ":3: no newline at the end of the file (still being written?)");
	unlink(path);

	/* events whose block line has not come: the first of them */
	append_register(path, 0, 1);
	append_block(path, 1);
	append(path, "# next\n");
	append_register(path, 1, 5);
	append_register(path, 2, 5);
	expect_load_error(path, -EINVAL, ":4: events for height 5 have no block line");
}

static void
test_load_node_limit(void **state)
{
	struct ctl_registry_file f;
	char err[512], tail[100];

	(void)state;
	for (int i = 0; i < CTL_REGISTRY_NODES_MAX; i++)
		append_register(path, i, 1);
	append_block(path, 1);
	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
	assert_int_equal(f.reg.n, CTL_REGISTRY_NODES_MAX);
	ctl_registry_file_free(&f);
	append_register(path, CTL_REGISTRY_NODES_MAX, 2);
	append_block(path, 2);
	snprintf(tail, sizeof(tail), ":%d: more than %d nodes", CTL_REGISTRY_NODES_MAX + 2,
		 CTL_REGISTRY_NODES_MAX);
	expect_load_error(path, -E2BIG, tail);
}

/* ---- reloading -------------------------------------------------------- */

static void
load_fresh(struct ctl_registry_file *f)
{
	char err[512];

	if (ctl_registry_file_load(f, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
test_reload_unchanged(void **state)
{
	struct ctl_registry_file f;
	bool changed = true;
	char err[512];

	(void)state;
	append_register(path, 0, 1);
	append_block(path, 1);
	load_fresh(&f);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_false(changed);
	assert_int_equal(f.incremental + f.full, 0);
	/* touched, same bytes: replayed (nothing new), same state */
	set_mtime(path, 1000);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.incremental, 1);
	assert_int_equal(f.reg.n, 1);
	assert_int_equal(f.reg.blocks, 1);
	ctl_registry_file_free(&f);
}

static void
test_reload_append(void **state)
{
	struct ctl_registry_file f, fresh;
	bool changed;
	char err[512];

	(void)state;
	append(path, UNVERIFIED); /* the log allows "-" records */
	for (int i = 0; i < 7; i++)
		append_register(path, i, 1);
	append_block(path, 1);
	load_fresh(&f);
	append_change(path, "decommission", 2, 2);
	append_register(path, 7, 2);
	append_block(path, 2);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.incremental, 1);
	assert_int_equal(f.full, 0);
	load_fresh(&fresh);
	assert_same_state(&f.reg, &fresh.reg);
	assert_int_equal(f.bytes, fresh.bytes);
	assert_int_equal(f.lines, fresh.lines);
	assert_memory_equal(f.digest, fresh.digest, 32);
	ctl_registry_file_free(&fresh);
	ctl_registry_file_free(&f);
}

static void
test_reload_rewrite(void **state)
{
	struct ctl_registry_file f, fresh;
	char err[512], tmp[160];
	bool changed;

	(void)state;
	for (int i = 0; i < 7; i++)
		append_register(path, i, 1);
	append_block(path, 1);
	load_fresh(&f);
	/* a new version, renamed over the old one: other nodes, same length */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	for (int i = 10; i < 17; i++)
		append_register(tmp, i, 1);
	append_block(tmp, 1);
	assert_int_equal(rename(tmp, path), 0);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.full, 1);
	load_fresh(&fresh);
	assert_same_state(&f.reg, &fresh.reg);
	ctl_registry_file_free(&fresh);
	/* rewritten in place, same size and a different byte: also from scratch */
	{
		int fd = open(path, O_WRONLY);

		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, "#", 1, 0), 1); /* the first line becomes a comment */
		close(fd);
	}
	set_mtime(path, 2000);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.full, 2);
	assert_int_equal(f.reg.n, 6);
	/* shorter than what was read: from scratch */
	assert_int_equal(truncate(path, 0), 0);
	append_block(path, 1);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_int_equal(f.full, 3);
	assert_int_equal(f.reg.n, 0);
	ctl_registry_file_free(&f);
}

static void
test_reload_error_keeps_state(void **state)
{
	struct ctl_registry_file f;
	char err[512] = "", want[300];
	bool changed = true;

	(void)state;
	append(path, UNVERIFIED); /* the log allows "-" records */
	for (int i = 0; i < 7; i++)
		append_register(path, i, 1);
	append_block(path, 1);
	load_fresh(&f);
	append_change(path, "recommission", 3, 2);
	append_block(path, 2);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), -EINVAL);
	assert_false(changed);
	snprintf(want, sizeof(want), "%s:10: recommission: node ", path);
	assert_memory_equal(err, want, strlen(want));
	assert_non_null(strstr(err, " is not decommissioned"));
	assert_int_equal(f.reg.height, 1); /* the old state */
	assert_int_equal(f.reg.n, 7);
	/* the same bad version is neither retried nor reported again */
	err[0] = '\0';
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_false(changed);
	assert_string_equal(err, "");
	/* fixed: the next look loads it (only the new lines: the prefix is the one loaded) */
	assert_int_equal(truncate(path, (off_t)f.bytes), 0);
	append_change(path, "decommission", 3, 2);
	append_block(path, 2);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.incremental, 1);
	assert_int_equal(f.reg.height, 2);
	assert_int_equal(ctl_registry_count(&f.reg, CTL_REGISTRY_DECOMMISSIONED), 1);
	ctl_registry_file_free(&f);
}

static void
test_reload_vanished(void **state)
{
	struct ctl_registry_file f;
	char err[512] = "", want[300];
	bool changed;

	(void)state;
	append_register(path, 0, 1);
	append_block(path, 1);
	load_fresh(&f);
	unlink(path);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_int_equal(f.reg.n, 1);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_false(changed);
	append_register(path, 0, 1);
	append_register(path, 1, 1);
	append_block(path, 1);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.reg.n, 2);
	ctl_registry_file_free(&f);
}

/* A network written block by block: after every block the reloaded state
 * (only the appended lines replayed) is the state of a fresh load. */
static void
test_grown_block_by_block(void **state)
{
	struct ctl_registry_file f, fresh;
	char err[512];
	bool changed;
	int next = 0;
	uint32_t seed = 99;

	(void)state;
	append(path, UNVERIFIED);
	load_fresh(&f);
	for (uint64_t h = 1; h <= 40; h++) {
		for (int i = 0; i < next; i++) {
			const struct ctl_registry_node *nd;
			uint8_t k[32];
			char e[65];

			seed = seed * 1103515245u + 12345u;
			hex_of("ed", i, e);
			sodium_hex2bin(k, 32, e, 64, NULL, NULL, NULL);
			nd = ctl_registry_find(&f.reg, k);
			if (nd == NULL || (seed >> 8) % 100 >= 6)
				continue;
			append_change(path,
				      nd->status == CTL_REGISTRY_DECOMMISSIONED ? "recommission"
				      : (seed >> 8) % 2 == 0			? "decommission"
										: "deregister",
				      i, h);
		}
		for (int k = h == 1 ? 30 : (int)(h % 3); k > 0; k--)
			append_register(path, next++, h);
		append_block(path, h);
		assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
		assert_true(changed);
		load_fresh(&fresh);
		assert_same_state(&f.reg, &fresh.reg);
		ctl_registry_file_free(&fresh);
	}
	assert_int_equal(f.incremental, 40);
	assert_int_equal(f.full, 0);
	assert_int_equal(f.reg.blocks, 40);
	ctl_registry_file_free(&f);
}

static void
test_alloc_failures(void **state)
{
	struct ctl_registry_file f;
	char err[512], want[300];
	bool changed;

	(void)state;
	append_register(path, 0, 1);
	append_block(path, 1);
	/* the reader */
	alloc_calls = 0;
	alloc_fail_at = 1;
	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), -ENOMEM);
	alloc_fail_at = 0;
	snprintf(want, sizeof(want), "%s: out of memory", path);
	assert_string_equal(err, want);
	ctl_registry_file_free(&f);
	/* the copy of the state an append continues from */
	load_fresh(&f);
	append_register(path, 1, 2);
	append_block(path, 2);
	alloc_calls = 0;
	alloc_fail_at = 2;
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), -ENOMEM);
	alloc_fail_at = 0;
	assert_string_equal(err, want);
	assert_int_equal(f.reg.n, 1);
	/* a replay that runs out of memory on a line: its line; tried again
	 * at the next look although the file did not change */
	alloc_calls = 0;
	alloc_fail_at = 3; /* the reader, the state copy, then the block's workspace */
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), -ENOMEM);
	alloc_fail_at = 0;
	snprintf(want, sizeof(want), "%s:4: out of memory", path);
	assert_string_equal(err, want);
	assert_int_equal(f.reg.n, 1);
	assert_int_equal(ctl_registry_file_reload(&f, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(f.reg.n, 2);
	ctl_registry_file_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_node_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_error_keeps_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_vanished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grown_block_by_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};

	return cmocka_run_group_tests_name("registry_file", tests, NULL, NULL);
}
