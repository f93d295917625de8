/* SPDX-License-Identifier: MIT */
/* control/registry_redis.c, registry_source.c and registry_append.c against a
 * real redis-server on a private unix socket (tests/lib/redis_test.c):
 * loading (the same state as the file reader for the same lines, every
 * "redis:ADDR/KEY:LINE: reason" at its edge), reloading (unchanged, appended
 * = only the new entries over several read calls, rewritten, shrunk, an LSET
 * in the middle found by the deep check), a bad version reported once, Redis
 * going down and coming back; the source specs; appends checked by length
 * (file and Redis) and the pending queues; the swarm view over Redis. */
#include "test_common_ctl.h"

#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "redis_test.h"
#include "registry_append.h"
#include "registry_file.h"
#include "registry_redis.h"
#include "registry_source.h"
#include "swarm_view_registry.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static int alloc_fail_at; /* 0: never; k: the k-th calloc/realloc of libctl fails */
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

static struct redis_test rt;
static redisContext *rc;
static char dir[64], path[128], err[1024];
static const char KEY[] = "t:registry";

static void
cmd(const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	assert_non_null(r);
	assert_int_not_equal(r->type, REDIS_REPLY_ERROR);
	freeReplyObject(r);
}

static void
push(const char *line)
{
	cmd("RPUSH %s %b", KEY, line, strlen(line));
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
}

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
register_line(int i, uint64_t h, char out[300])
{
	char ed[65], x[65];

	hex_of("ed", i, ed);
	hex_of("x", i, x);
	snprintf(out, 300, "register %s %s 10.0.%d.%d:22030 %" PRIu64, ed, x, i / 250, i % 250 + 1,
		 h);
}

static void
block_line(uint64_t h, char out[300])
{
	char t[32], hex[65];
	uint8_t d[32];

	snprintf(t, sizeof(t), "block %" PRIu64, h);
	crypto_hash_sha256(d, (const uint8_t *)t, strlen(t));
	sodium_bin2hex(hex, sizeof(hex), d, 32);
	snprintf(out, 300, "block %" PRIu64 " %s", h, hex);
}

static void
push_register(int i, uint64_t h)
{
	char l[300];

	register_line(i, h, l);
	push(l);
}

static void
push_block(uint64_t h)
{
	char l[300];

	block_line(h, l);
	push(l);
}

static int
group_setup(void **state)
{
	(void)state;
	if (redis_test_start(&rt, "always") != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	redis_test_stop(&rt);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	rc = redisConnectUnix(rt.sock);
	assert_non_null(rc);
	assert_int_equal(rc->err, 0);
	cmd("FLUSHALL");
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/registry", dir);
	write_file(path, "");
	return 0;
}

static int
teardown(void **state)
{
	char p[160];

	(void)state;
	redisFree(rc);
	rc = NULL;
	unlink(path);
	snprintf(p, sizeof(p), "%s.pending", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* r's state equals a fresh file load of the same lines. */
static void
assert_same_as_file(const struct ctl_registry *r)
{
	struct ctl_registry_file f;

	assert_int_equal(ctl_registry_file_load(&f, path, err, sizeof(err)), 0);
	assert_int_equal(r->n, f.reg.n);
	assert_int_equal(r->height, f.reg.height);
	assert_int_equal(r->blocks, f.reg.blocks);
	assert_int_equal(r->updates, f.reg.updates);
	assert_memory_equal(r->hash, f.reg.hash, 32);
	if (r->n > 0)
		assert_memory_equal(r->nodes, f.reg.nodes, r->n * sizeof(*r->nodes));
	ctl_registry_file_free(&f);
}

static int
load(struct ctl_registry_redis *r)
{
	return ctl_registry_redis_load(r, rt.sock, KEY, err, sizeof(err));
}

static void
expect_load_error(const char *want_suffix)
{
	struct ctl_registry_redis r;
	char want[1200];

	assert_int_equal(load(&r), -EINVAL);
	snprintf(want, sizeof(want), "redis:%s/%s:%s", rt.sock, KEY, want_suffix);
	assert_string_equal(err, want);
	ctl_registry_redis_free(&r);
}

/* ---- loading ------------------------------------------------------------- */

static void
test_load(void **state)
{
	struct ctl_registry_redis r;
	char name[600];

	(void)state;
	assert_int_equal(load(&r), 0); /* no key: an empty log */
	assert_int_equal(r.reg.n, 0);
	assert_false(r.reg.have_block);
	assert_int_equal(r.lines, 0);
	snprintf(name, sizeof(name), "redis:%s/%s", rt.sock, KEY);
	assert_string_equal(r.name, name);
	ctl_registry_redis_free(&r);

	push("# a testnet");
	push("");
	for (int i = 0; i < 14; i++) /* two swarms */
		push_register(i, 1);
	push_block(1);
	assert_int_equal(load(&r), 0);
	assert_int_equal(r.lines, 17);
	assert_int_equal(r.reg.n, 14);
	assert_same_as_file(&r.reg);
	ctl_registry_redis_free(&r);
}

static void
test_load_errors(void **state)
{
	struct ctl_registry_redis r;
	char l[CTL_REGISTRY_LINE_MAX + 8], want[300];

	(void)state;
	push_register(0, 1);
	push_block(1);
	/* an entry of 511 bytes is a line; 512 is too long */
	memset(l, ' ', sizeof(l));
	l[0] = '#';
	l[CTL_REGISTRY_LINE_MAX - 1] = '\0';
	push(l);
	assert_int_equal(load(&r), 0);
	assert_int_equal(r.lines, 3);
	ctl_registry_redis_free(&r);
	l[CTL_REGISTRY_LINE_MAX - 1] = ' ';
	l[CTL_REGISTRY_LINE_MAX] = '\0';
	cmd("RPUSH %s %b", KEY, l, strlen(l));
	expect_load_error("4: line longer than 511 bytes");
	cmd("LSET %s 3 %b", KEY, "# a\0b", (size_t)5);
	expect_load_error("4: NUL byte in the line");
	cmd("LSET %s 3 %s", KEY, "# one\n# two");
	expect_load_error("4: newline in the entry (one line per entry)");
	cmd("LSET %s 3 %s", KEY, "blocks 2");
	expect_load_error("4: unknown event 'blocks'");
	register_line(1, 2, l);
	cmd("LSET %s 3 %s", KEY, l);
	expect_load_error("4: events for height 2 have no block line");
	block_line(2, want);
	cmd("RPUSH %s %s", KEY, want);
	assert_int_equal(load(&r), 0);
	assert_int_equal(r.reg.n, 2);
	ctl_registry_redis_free(&r);

	/* not a list; Redis unreachable */
	cmd("SET %s x", KEY);
	assert_int_equal(load(&r), -EIO);
	assert_non_null(strstr(err, "WRONGTYPE"));
	ctl_registry_redis_free(&r);
	assert_int_equal(
		ctl_registry_redis_load(&r, "/nonexistent/redis.sock", KEY, err, sizeof(err)),
		-ECONNREFUSED);
	assert_string_equal(err, "redis:/nonexistent/redis.sock/t:registry: redis at "
				 "/nonexistent/redis.sock unreachable: No such file or directory");
	ctl_registry_redis_free(&r);
}

/* ---- reloading ------------------------------------------------------------ */

static void
test_reload_incremental(void **state)
{
	struct ctl_registry_redis r;
	bool changed;

	(void)state;
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	assert_int_equal(load(&r), 0);
	r.chunk = 2; /* several read calls per reload */
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_false(changed);
	for (int b = 2; b <= 40; b++) { /* grown block by block: each reload = a fresh load */
		if (b % 3 == 0)
			push_register(b + 10, (uint64_t)b);
		push_block((uint64_t)b);
		assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
		assert_true(changed);
		assert_int_equal(r.reg.height, b);
		assert_same_as_file(&r.reg);
	}
	assert_int_equal(r.incremental, 39);
	assert_int_equal(r.full, 0);
	ctl_registry_redis_free(&r);
}

static void
test_reload_rewritten(void **state)
{
	struct ctl_registry_redis r;
	bool changed;
	int polls = 0;

	(void)state;
	push("# first");
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	push_block(2);
	assert_int_equal(load(&r), 0);
	/* a middle entry changed, same length and last entry: the cheap probe cannot see
	 * it; the deep check (every CTL_REGISTRY_REDIS_DEEP_POLLS reloads) does */
	cmd("LSET %s 0 %s", KEY, "# changed");
	do {
		assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
		polls++;
	} while (!changed && polls < 2 * CTL_REGISTRY_REDIS_DEEP_POLLS);
	assert_true(changed);
	assert_int_equal(polls, CTL_REGISTRY_REDIS_DEEP_POLLS);
	assert_int_equal(r.full, 1);
	assert_int_equal(r.incremental, 0);
	/* shrunk: from scratch */
	cmd("RPOP %s", KEY);
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(r.full, 2);
	assert_int_equal(r.reg.height, 1);
	/* prefix changed and appended: from scratch, the same as a fresh load */
	cmd("DEL %s", KEY);
	unlink(path);
	for (int i = 5; i < 9; i++)
		push_register(i, 3);
	push_block(3);
	push_block(4);
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(r.full, 3);
	assert_int_equal(r.reg.height, 4);
	assert_same_as_file(&r.reg);
	ctl_registry_redis_free(&r);
}

static void
test_reload_error_once(void **state)
{
	struct ctl_registry_redis r;
	char want[600], l[300];
	bool changed;

	(void)state;
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	assert_int_equal(load(&r), 0);
	push("decommission 00 2 -");
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), -EINVAL);
	assert_false(changed);
	snprintf(want, sizeof(want), "redis:%s/%s:5: bad Ed25519 key (64 hex digits)", rt.sock,
		 KEY);
	assert_string_equal(err, want);
	assert_int_equal(r.reg.height, 1);			      /* kept */
	for (int i = 0; i < 2 * CTL_REGISTRY_REDIS_DEEP_POLLS; i++) { /* deep checks included */
		assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
		assert_false(changed);
	}
	/* fixed: loads */
	register_line(3, 2, l);
	cmd("LSET %s 4 %s", KEY, l);
	block_line(2, l);
	cmd("RPUSH %s %s", KEY, l);
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(r.reg.n, 4);
	assert_int_equal(r.reg.height, 2);
	ctl_registry_redis_free(&r);
}

static void
test_redis_down(void **state)
{
	struct ctl_registry_redis r;
	char name[600];
	bool changed;
	int calls = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	assert_int_equal(load(&r), 0);
	redisFree(rc);
	rc = NULL;
	assert_int_equal(redis_test_kill(&rt, SIGKILL), 0);
	assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), -ECONNREFUSED);
	snprintf(name, sizeof(name), "redis:%s/%s: ", rt.sock, KEY);
	assert_memory_equal(err, name, strlen(name)); /* the connection broke */
	assert_true(r.down);
	/* later failures are counted, not reported, and back off: 1 + 2 + 4 + 8 + 16 + 16
	 * calls skipped after the failures at calls 1, 3, 6, 11, 20, 37 */
	for (calls = 1; calls < 40; calls++)
		assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_int_equal(r.redis_errors, 6);
	assert_int_equal(r.outages, 1);
	assert_int_equal(r.reg.height, 1); /* kept */
	assert_int_equal(redis_test_restart(&rt), 0);
	rc = redisConnectUnix(rt.sock);
	assert_int_equal(rc->err, 0);
	push_block(2); /* the file too */
	changed = false;
	for (int i = 0; i < 20 && !changed; i++)
		assert_int_equal(ctl_registry_redis_reload(&r, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_false(r.down);
	assert_int_equal(r.reg.height, 2);
	assert_int_equal(r.incremental, 1);
	assert_same_as_file(&r.reg);
	ctl_registry_redis_free(&r);
}

/* Every allocation of a reload failing in turn: -ENOMEM, the state and the
 * connection kept (not an outage), and the next reload adopts the list. */
static void
test_reload_alloc_failures(void **state)
{
	struct ctl_registry_redis r;
	bool changed;
	int k, rc_;

	(void)state;
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	assert_int_equal(load(&r), 0);
	for (int b = 2; b <= 60; b++) { /* past 64 nodes: the node array grows (realloc) */
		push_register(b + 10, (uint64_t)b);
		push_block((uint64_t)b);
	}
	for (k = 1;; k++) {
		alloc_calls = 0;
		alloc_fail_at = k;
		rc_ = ctl_registry_redis_reload(&r, &changed, err, sizeof(err));
		alloc_fail_at = 0;
		if (alloc_calls < k) /* no allocation failed: done */
			break;
		assert_int_equal(rc_, -ENOMEM);
		assert_false(changed);
		if (strstr(err, "out of memory") == NULL && strstr(err, "no memory") == NULL)
			fail_msg("k=%d: %s", k, err); /* libswarm says "no memory for N nodes" */
		assert_int_equal(r.reg.height, 1);
		assert_false(r.down);
		assert_int_equal(r.redis_errors, 0);
	}
	assert_true(k > 3);
	assert_int_equal(rc_, 0);
	assert_true(changed);
	assert_int_equal(r.reg.height, 60);
	assert_same_as_file(&r.reg);
	ctl_registry_redis_free(&r);
}

/* ---- specs ---------------------------------------------------------------- */

static void
test_spec(void **state)
{
	struct ctl_registry_spec s;
	char longkey[200];

	(void)state;
	assert_int_equal(ctl_registry_spec_parse("/etc/snode/registry", &s, err, sizeof(err)), 0);
	assert_int_equal(s.kind, CTL_REGISTRY_SOURCE_FILE);
	assert_string_equal(s.path, "/etc/snode/registry");
	assert_int_equal(ctl_registry_spec_parse("file:/srv/r", &s, err, sizeof(err)), 0);
	assert_string_equal(s.path, "/srv/r");
	assert_int_equal(
		ctl_registry_spec_parse("redis:/run/r.sock/snode:registry", &s, err, sizeof(err)),
		0);
	assert_int_equal(s.kind, CTL_REGISTRY_SOURCE_REDIS);
	assert_string_equal(s.addr, "/run/r.sock");
	assert_string_equal(s.key, "snode:registry");
	assert_int_equal(ctl_registry_spec_parse("redis:10.0.0.1:6379/k", &s, err, sizeof(err)), 0);
	assert_string_equal(s.addr, "10.0.0.1:6379");
	assert_string_equal(s.key, "k");
	assert_int_equal(ctl_registry_spec_parse("registry", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "registry must be an absolute path, file:PATH or redis:ADDR/KEY, "
				 "not 'registry'");
	assert_int_equal(ctl_registry_spec_parse("file:rel", &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_registry_spec_parse("redis:key", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "registry redis:ADDR/KEY: no ADDR/ in 'redis:key'");
	assert_int_equal(ctl_registry_spec_parse("redis:host/k", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "registry redis:ADDR/KEY: ADDR must be an absolute unix socket "
				 "path or host:port, not 'host'");
	assert_int_equal(ctl_registry_spec_parse("redis:h:65536/k", &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_registry_spec_parse("redis:h:65535/k", &s, err, sizeof(err)), 0);
	assert_int_equal(ctl_registry_spec_parse("redis:/s/", &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_registry_spec_parse("redis:/s/a b", &s, err, sizeof(err)), -EINVAL);
	/* a key of 127 bytes, then 128 */
	memset(longkey, 'k', sizeof(longkey));
	memcpy(longkey, "redis:/s/", 9);
	longkey[9 + CTL_REGISTRY_REDIS_KEY_MAX - 1] = '\0';
	assert_int_equal(ctl_registry_spec_parse(longkey, &s, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.key), CTL_REGISTRY_REDIS_KEY_MAX - 1);
	longkey[9 + CTL_REGISTRY_REDIS_KEY_MAX - 1] = 'k';
	longkey[9 + CTL_REGISTRY_REDIS_KEY_MAX] = '\0';
	assert_int_equal(ctl_registry_spec_parse(longkey, &s, err, sizeof(err)), -EINVAL);
}

/* ---- writers --------------------------------------------------------------- */

static void
spec_of(struct ctl_registry_spec *s, bool redis)
{
	char v[600];

	if (redis)
		snprintf(v, sizeof(v), "redis:%s/%s", rt.sock, KEY);
	else
		snprintf(v, sizeof(v), "%s", path);
	assert_int_equal(ctl_registry_spec_parse(v, s, err, sizeof(err)), 0);
}

static void
check_append(bool redis)
{
	struct ctl_registry_spec spec;
	struct ctl_registry_source src;
	char reg[300], blk[300];
	const char *lines[2] = {reg, blk};
	uint64_t pos;
	bool changed;

	spec_of(&spec, redis);
	register_line(0, 1, reg);
	block_line(1, blk);
	assert_int_equal(ctl_registry_source_load(&src, &spec, err, sizeof(err)), 0);
	pos = ctl_registry_source_position(&src);
	assert_int_equal(pos, 0);
	assert_int_equal(ctl_registry_append(&spec, pos, lines, 2, err, sizeof(err)), 0);
	/* the second writer validated against the same length: refused, nothing written */
	assert_int_equal(ctl_registry_append(&spec, pos, lines, 2, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "another writer appended"));
	assert_int_equal(ctl_registry_source_reload(&src, &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(ctl_registry_source_state(&src)->n, 1);
	assert_int_equal(ctl_registry_source_position(&src),
			 redis ? 2 : strlen(reg) + strlen(blk) + 2);
	lines[0] = "a\nb";
	assert_int_equal(ctl_registry_append(&spec, ctl_registry_source_position(&src), lines, 1,
					     err, sizeof(err)),
			 -EINVAL);
	ctl_registry_source_free(&src);
}

static void
test_append(void **state)
{
	(void)state;
	unlink(path);
	write_file(path, "");
	check_append(false);
	check_append(true);
}

static void
check_pending(bool redis)
{
	struct ctl_registry_spec spec;
	const char *in[3] = {"one", "two", "three"};
	char **out = NULL, p[160];
	size_t n;

	spec_of(&spec, redis);
	assert_int_equal(ctl_registry_pending_take(&spec, 5, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0); /* no queue yet */
	ctl_registry_lines_free(out, n);
	assert_int_equal(ctl_registry_pending_put(&spec, in, 3, err, sizeof(err)), 0);
	assert_int_equal(ctl_registry_pending_take(&spec, 2, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "one");
	assert_string_equal(out[1], "two");
	ctl_registry_lines_free(out, n);
	if (!redis) { /* an unfinished line stays in the file */
		snprintf(p, sizeof(p), "%s.pending", path);
		FILE *f = fopen(p, "a");
		fputs("half", f);
		fclose(f);
	}
	assert_int_equal(ctl_registry_pending_take(&spec, 0, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "three");
	ctl_registry_lines_free(out, n);
	if (!redis) {
		struct stat st;

		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_size, 4);
	}
}

static void
test_pending(void **state)
{
	(void)state;
	check_pending(false);
	check_pending(true);
}

/* ---- the swarm view over Redis -------------------------------------------- */

static void
test_swarm_view(void **state)
{
	struct ctl_swarm_view_registry_info info;
	struct ctl_swarm_view *v;
	uint8_t self[32];
	char src[600], ed[65];
	bool reloaded;

	(void)state;
	for (int i = 0; i < 3; i++)
		push_register(i, 1);
	push_block(1);
	hex_of("ed", 1, ed);
	sodium_hex2bin(self, 32, ed, 64, NULL, NULL, NULL);
	snprintf(src, sizeof(src), "redis:%s/%s", rt.sock, KEY);
	v = ctl_swarm_view_registry_load(src, self, 443, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.nodes, 3);
	assert_int_equal(info.self_swarm, 0);
	push_register(7, 2);
	push_block(2);
	assert_int_equal(ctl_swarm_view_registry_check(v, &reloaded), 0);
	assert_true(reloaded);
	assert_int_equal(ctl_swarm_view_registry_info(v, &info), 0);
	assert_int_equal(info.nodes, 4);
	assert_int_equal(info.height, 2);
	ctl_swarm_view_free(v);
	snprintf(src, sizeof(src), "redis:%s/bad key", rt.sock);
	assert_null(ctl_swarm_view_registry_load(src, self, 443, err, sizeof(err)));
	assert_non_null(strstr(err, "KEY must be"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_error_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_alloc_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swarm_view, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	ctl_log_set_output(stderr, false);
	signal(SIGPIPE, SIG_IGN); /* hiredis writes with write(); snode-control ignores it too */
	return cmocka_run_group_tests_name("registry_redis", tests, group_setup, group_teardown);
}
