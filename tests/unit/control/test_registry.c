/* SPDX-License-Identifier: MIT */
/* control/registry.c: every event form and every refusal of the parser, the
 * limits at their edges, the state machine (order, states, a state left
 * untouched by an error), swarms against vectors from an independent Python
 * replay over tests/tools/swarm_reference.py (docs/registry.md), and
 * determinism: twice, and continued from every block boundary. Allocation
 * failures come from calloc/realloc wrapped at link time. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>

#include "registry.h"
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

static void
fail_alloc(int k)
{
	alloc_calls = 0;
	alloc_fail_at = k;
}

/* ---- helpers ---------------------------------------------------------- */

/* The empty registry of a log that allows "-" for state changes (these logs
 * predate quorum records; test_registry_randao.c checks records). */
static void
init_unverified(struct ctl_registry *r)
{
	char why[200];

	ctl_registry_init(r);
	assert_int_equal(ctl_registry_apply_line(r, "option unverified-records", why, sizeof(why)),
			 0);
}

/* sha256(text) in hex: the keys and hashes of the vectors (ref.py in docs). */
static void
sha_hex(const char *text, char out[65])
{
	uint8_t d[32];

	crypto_hash_sha256(d, (const uint8_t *)text, strlen(text));
	sodium_bin2hex(out, 65, d, 32);
}

static void
ed_hex(int i, char out[65])
{
	char t[32];

	snprintf(t, sizeof(t), "ed %d", i);
	sha_hex(t, out);
}

static void
x_hex(int i, char out[65])
{
	char t[32];

	snprintf(t, sizeof(t), "x %d", i);
	sha_hex(t, out);
}

static void
ed_key(int i, uint8_t out[32])
{
	char hex[65];

	ed_hex(i, hex);
	assert_int_equal(sodium_hex2bin(out, 32, hex, 64, NULL, NULL, NULL), 0);
}

/* Appends one formatted line (with its newline) to a growing text. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->cap - t->len < 600) {
		t->cap = t->cap * 2 + 4096;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
	t->s[t->len++] = '\n';
	t->s[t->len] = '\0';
}

static void
add_register(struct text *t, int i, int net, uint64_t h)
{
	char e[65], x[65];

	ed_hex(i, e);
	x_hex(i, x);
	add(t, "register %s %s 10.0.%d.%d:%d %" PRIu64, e, x, net, i, 20000 + 1000 * net + i, h);
}

static void
add_change(struct text *t, const char *what, int i, uint64_t h)
{
	char e[65];

	ed_hex(i, e);
	add(t, "%s %s %" PRIu64 " -", what, e, h);
}

static void
add_block(struct text *t, const char *seed, uint64_t h)
{
	char hash[65];

	sha_hex(seed, hash);
	add(t, "block %" PRIu64 " %s", h, hash);
}

/* Applies every line of text[from..to) to r; every line must be accepted. */
static void
replay_range(struct ctl_registry *r, const char *text, size_t from, size_t to)
{
	char line[CTL_REGISTRY_LINE_MAX + 1], why[200];

	while (from < to) {
		const char *nl = memchr(text + from, '\n', to - from);
		size_t len = (size_t)(nl - (text + from));

		assert_non_null(nl);
		assert_true(len < sizeof(line));
		memcpy(line, text + from, len);
		line[len] = '\0';
		if (ctl_registry_apply_line(r, line, why, sizeof(why)) != 0)
			fail_msg("'%s': %s", line, why);
		from += len + 1;
	}
}

static void
replay(struct ctl_registry *r, const char *text)
{
	replay_range(r, text, 0, strlen(text));
}

static void
assert_same_state(const struct ctl_registry *a, const struct ctl_registry *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct ctl_registry_node *x = &a->nodes[i], *y = &b->nodes[i];

		assert_memory_equal(x->ed25519, y->ed25519, 32);
		assert_memory_equal(x->x25519, y->x25519, 32);
		assert_int_equal(x->ip, y->ip);
		assert_int_equal(x->port, y->port);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->registered, y->registered);
		assert_int_equal(x->swarm_id, y->swarm_id);
	}
	assert_int_equal(a->have_block, b->have_block);
	assert_int_equal(a->height, b->height);
	assert_memory_equal(a->hash, b->hash, 32);
	assert_int_equal(a->open, b->open);
	assert_int_equal(a->open_height, b->open_height);
	assert_int_equal(a->open_update, b->open_update);
	assert_int_equal(a->blocks, b->blocks);
	assert_int_equal(a->updates, b->updates);
	assert_int_equal(a->refused, b->refused);
	assert_int_equal(a->refused_height, b->refused_height);
}

static void
expect_line_error(struct ctl_registry *r, const char *line, int rc, const char *why_want)
{
	struct ctl_registry before;
	char why[200] = "";

	assert_int_equal(ctl_registry_copy(&before, r), 0);
	assert_int_equal(ctl_registry_apply_line(r, line, why, sizeof(why)), rc);
	assert_string_equal(why, why_want);
	assert_same_state(r, &before); /* an error changes nothing */
	ctl_registry_free(&before);
}

static void
expect_parse_error(const char *line, const char *why_want)
{
	struct ctl_registry_event ev;
	char why[200] = "";

	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, why_want);
}

static const char K1[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char K2[] = "2222222222222222222222222222222222222222222222222222222222222222";
static const char H[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/* ---- parsing ---------------------------------------------------------- */

static void
test_parse_events(void **state)
{
	struct ctl_registry_event ev;
	char line[400], why[200];
	uint8_t k1[32], k2[32], h[32];

	(void)state;
	sodium_hex2bin(k1, 32, K1, 64, NULL, NULL, NULL);
	sodium_hex2bin(k2, 32, K2, 64, NULL, NULL, NULL);
	sodium_hex2bin(h, 32, H, 64, NULL, NULL, NULL);
	snprintf(line, sizeof(line), "register %s %s 10.1.2.3:22030 7", K1, K2);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_REGISTER);
	assert_memory_equal(ev.key, k1, 32);
	assert_memory_equal(ev.x25519, k2, 32);
	assert_int_equal(ev.ip, 0x0a010203u);
	assert_int_equal(ev.port, 22030);
	assert_int_equal(ev.height, 7);
	/* tabs, several blanks, a trailing comment, a CR (CRLF files) */
	snprintf(line, sizeof(line), "\tblock  18446744073709551615\t%s   # tip\r", H);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_BLOCK);
	assert_int_equal(ev.height, UINT64_MAX);
	assert_memory_equal(ev.hash, h, 32);
	snprintf(line, sizeof(line), "decommission %s 0 -", K1);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_DECOMMISSION);
	assert_int_equal(ev.height, 0);
	assert_memory_equal(ev.key, k1, 32);
	snprintf(line, sizeof(line), "recommission %s 12 -", K2);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_RECOMMISSION);
	assert_memory_equal(ev.key, k2, 32);
	snprintf(line, sizeof(line), "deregister %s 13 -", K1);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_DEREGISTER);
	assert_int_equal(ev.height, 13);
	/* upper-case hex is hex */
	snprintf(line, sizeof(line), "block 1 %s",
		 "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_memory_equal(ev.hash, h, 32);
}

static void
test_parse_nothing(void **state)
{
	static const char *const empty[] = {"", "   ", "\t\r", "# a comment", "  # block 1 x"};
	struct ctl_registry_event ev;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		ev.kind = CTL_REGISTRY_BLOCK;
		assert_int_equal(ctl_registry_parse(empty[i], &ev, why, sizeof(why)), 0);
		assert_int_equal(ev.kind, CTL_REGISTRY_NONE);
	}
}

static void
test_parse_errors(void **state)
{
	static const char reg[] = "expected: register <ed25519> <x25519> <ip>:<port> <height>";
	static const char badh[] = "bad height (decimal, no leading zeros, below 2^64)";
	static const char bada[] = "bad address (a.b.c.d:port, port 1-65535)";
	static const char bade[] = "bad Ed25519 key (64 hex digits)";
	char l[400];

	(void)state;
	expect_parse_error("registr x", "unknown event 'registr'");
	expect_parse_error("Block 1 x", "unknown event 'Block'");
	expect_parse_error("a b c d e f g", "too many fields");
	snprintf(l, sizeof(l), "register %s %s 1.2.3.4:5", K1, K2);
	expect_parse_error(l, reg);
	snprintf(l, sizeof(l), "register %s %s 1.2.3.4:5 1 2", K1, K2);
	expect_parse_error(l, reg);
	snprintf(l, sizeof(l), "register %.63s %s 1.2.3.4:5 1", K1, K2);
	expect_parse_error(l, bade);
	snprintf(l, sizeof(l), "register %.63sg %s 1.2.3.4:5 1", K1, K2);
	expect_parse_error(l, bade);
	snprintf(l, sizeof(l), "register %s %s0 1.2.3.4:5 1", K1, K2);
	expect_parse_error(l, "bad X25519 key (64 hex digits)");
	static const char *const addrs[] = {
		"1.2.3.4", "1.2.3.4:",	  "1.2.3.4:0",	"1.2.3.4:65536", "1.2.3.4:022",
		"1.2.3:5", "1.2.3.256:5", "::1:5",	"host:5",	 "1.2.3.4:5x",
		":5",	   "1.2.3.04:5",  "1.2.3.4:+5", "1.2.3.4:-5",	 "111.222.233.244.255:5",
	};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		snprintf(l, sizeof(l), "register %s %s %s 1", K1, K2, addrs[i]);
		expect_parse_error(l, bada);
	}
	static const char *const heights[] = {
		"", "01", "-1", "+1", "1a", "0x10", "18446744073709551616", "99999999999999999999"};
	for (size_t i = 1; i < sizeof(heights) / sizeof(heights[0]); i++) {
		snprintf(l, sizeof(l), "register %s %s 1.2.3.4:5 %s", K1, K2, heights[i]);
		expect_parse_error(l, badh);
		snprintf(l, sizeof(l), "block %s %s", heights[i], H);
		expect_parse_error(l, badh);
		snprintf(l, sizeof(l), "deregister %s %s -", K1, heights[i]);
		expect_parse_error(l, badh);
	}
	expect_parse_error("block 1", "expected: block <height> <hash>");
	snprintf(l, sizeof(l), "block 1 %s x", H);
	expect_parse_error(l, "expected: block <height> <hash>");
	expect_parse_error("block 1 00", "bad block hash (64 hex digits)");
	snprintf(l, sizeof(l), "decommission %s 1", K1);
	expect_parse_error(l, "expected: decommission <ed25519> <height> <quorum record>");
	snprintf(l, sizeof(l), "recommission %s 1 - -", K1);
	expect_parse_error(l, "expected: recommission <ed25519> <height> <quorum record>");
	snprintf(l, sizeof(l), "deregister %s", K1);
	expect_parse_error(l, "expected: deregister <ed25519> <height> <quorum record>");
	expect_parse_error("deregister 12 1 -", bade);
	snprintf(l, sizeof(l), "deregister %s 1 %s", K1, H);
	expect_parse_error(l, "bad quorum record: expected <epoch>,<index>:<signature>,...");
	snprintf(l, sizeof(l), "deregister %s 1 --", K1);
	expect_parse_error(l, "bad quorum record: expected <epoch>,<index>:<signature>,...");
}

/* A block line padded with a comment to exactly len bytes. */
static void
padded_block(char *l, size_t len)
{
	int n = snprintf(l, len + 1, "block 1 %s #", H);

	memset(l + n, 'x', len - (size_t)n);
	l[len] = '\0';
}

static void
test_parse_edges(void **state)
{
	struct ctl_registry_event ev;
	char l[CTL_REGISTRY_LINE_MAX + 8], why[200];

	(void)state;
	/* line length: 511 bytes (+ newline = CTL_REGISTRY_LINE_MAX) is the most */
	padded_block(l, CTL_REGISTRY_LINE_MAX - 1);
	assert_int_equal(ctl_registry_parse(l, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_BLOCK);
	padded_block(l, CTL_REGISTRY_LINE_MAX);
	expect_parse_error(l, "line longer than 511 bytes");
	/* heights: 0 and 2^64 - 1 */
	snprintf(l, sizeof(l), "block 0 %s", H);
	assert_int_equal(ctl_registry_parse(l, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.height, 0);
	snprintf(l, sizeof(l), "block 18446744073709551615 %s", H);
	assert_int_equal(ctl_registry_parse(l, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.height, UINT64_MAX);
	/* ports 1 and 65535, addresses 0.0.0.0 and 255.255.255.255 */
	snprintf(l, sizeof(l), "register %s %s 0.0.0.0:1 1", K1, K2);
	assert_int_equal(ctl_registry_parse(l, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.port, 1);
	assert_int_equal(ev.ip, 0);
	snprintf(l, sizeof(l), "register %s %s 255.255.255.255:65535 1", K1, K2);
	assert_int_equal(ctl_registry_parse(l, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.port, 65535);
	assert_int_equal(ev.ip, 0xffffffffu);
}

/* ---- the state machine ------------------------------------------------ */

static void
line_of(char *l, size_t cap, const char *what, int i, uint64_t h)
{
	char e[65], x[65];

	ed_hex(i, e);
	x_hex(i, x);
	if (strcmp(what, "register") == 0)
		snprintf(l, cap, "register %s %s 10.0.%d.%d:%d %" PRIu64, e, x, i / 250, i % 250,
			 20000 + i, h);
	else if (strcmp(what, "block") == 0)
		snprintf(l, cap, "block %" PRIu64 " %s", h, H);
	else
		snprintf(l, cap, "%s %s %" PRIu64 " -", what, e, h);
}

static void
ok_line(struct ctl_registry *r, const char *what, int i, uint64_t h)
{
	char l[400], why[200];

	line_of(l, sizeof(l), what, i, h);
	if (ctl_registry_apply_line(r, l, why, sizeof(why)) != 0)
		fail_msg("'%s': %s", l, why);
}

static void
bad_line(struct ctl_registry *r, const char *what, int i, uint64_t h, int rc, const char *why)
{
	char l[400];

	line_of(l, sizeof(l), what, i, h);
	expect_line_error(r, l, rc, why);
}

static void
test_order(void **state)
{
	struct ctl_registry r;

	(void)state;
	init_unverified(&r);
	{
		struct ctl_registry_event ev = {.kind = (enum ctl_registry_kind)99};
		char why[64];

		assert_int_equal(ctl_registry_apply(&r, &ev, why, sizeof(why)), -EINVAL);
		assert_string_equal(why, "unknown event kind");
		ev.kind = CTL_REGISTRY_NONE; /* a blank line: nothing */
		assert_int_equal(ctl_registry_apply(&r, &ev, why, sizeof(why)), 0);
		assert_false(r.open);
	}
	ok_line(&r, "block", 0, 0); /* an empty block 0 is fine */
	bad_line(&r, "block", 0, 0, -EINVAL, "block 0 is not above the last block 0");
	bad_line(&r, "register", 1, 0, -EINVAL, "height 0 is not above the last block 0");
	ok_line(&r, "block", 0, 5); /* heights may skip blocks without events */
	bad_line(&r, "block", 0, 4, -EINVAL, "block 4 is not above the last block 5");
	bad_line(&r, "register", 1, 5, -EINVAL, "height 5 is not above the last block 5");
	ok_line(&r, "register", 1, 7);
	assert_true(r.open);
	assert_int_equal(r.open_height, 7);
	bad_line(&r, "register", 2, 8, -EINVAL,
		 "height 8, but the events above are for 7 (its block line is missing)");
	bad_line(&r, "decommission", 1, 6, -EINVAL,
		 "height 6, but the events above are for 7 (its block line is missing)");
	bad_line(&r, "block", 0, 8, -EINVAL, "block 8, but the events above are for 7");
	bad_line(&r, "block", 0, 6, -EINVAL, "block 6, but the events above are for 7");
	ok_line(&r, "register", 2, 7);
	ok_line(&r, "decommission", 2, 7); /* one block may register and decommission */
	ok_line(&r, "block", 0, 7);
	assert_false(r.open);
	assert_int_equal(r.height, 7);
	assert_int_equal(r.blocks, 3);
	assert_int_equal(r.updates, 1);
	ctl_registry_free(&r);
}

static void
test_states(void **state)
{
	char why[200], l[400], e[65], x[65];
	struct ctl_registry r;
	uint8_t k[32];

	(void)state;
	init_unverified(&r);
	ed_hex(1, e);
	ok_line(&r, "register", 1, 1);
	snprintf(why, sizeof(why), "node %.16s is already registered", e);
	bad_line(&r, "register", 1, 1, -EINVAL, why);
	/* another key, same X25519 */
	ed_hex(2, e);
	x_hex(1, x);
	snprintf(l, sizeof(l), "register %s %s 10.0.0.2:1 1", e, x);
	snprintf(why, sizeof(why), "X25519 key of node %.16s is another node's", e);
	expect_line_error(&r, l, -EINVAL, why);
	ed_hex(3, e);
	snprintf(why, sizeof(why), "decommission: node %.16s is not registered", e);
	bad_line(&r, "decommission", 3, 1, -EINVAL, why);
	snprintf(why, sizeof(why), "recommission: node %.16s is not registered", e);
	bad_line(&r, "recommission", 3, 1, -EINVAL, why);
	snprintf(why, sizeof(why), "deregister: node %.16s is not registered", e);
	bad_line(&r, "deregister", 3, 1, -EINVAL, why);
	ed_hex(1, e);
	snprintf(why, sizeof(why), "recommission: node %.16s is not decommissioned", e);
	bad_line(&r, "recommission", 1, 1, -EINVAL, why);
	ok_line(&r, "block", 0, 1);
	ed_key(1, k);
	assert_int_equal(ctl_registry_find(&r, k)->swarm_id, 0); /* the first swarm */
	assert_int_equal(ctl_registry_find(&r, k)->registered, 1);

	/* decommissioned: out of the swarm at once, kept for lookups */
	ok_line(&r, "decommission", 1, 2);
	assert_int_equal(ctl_registry_find(&r, k)->status, CTL_REGISTRY_DECOMMISSIONED);
	assert_int_equal(ctl_registry_find(&r, k)->swarm_id, SWARM_ID_UNASSIGNED);
	snprintf(why, sizeof(why), "decommission: node %.16s is already decommissioned", e);
	bad_line(&r, "decommission", 1, 2, -EINVAL, why);
	ok_line(&r, "block", 0, 2);
	assert_non_null(ctl_registry_find(&r, k));
	assert_int_equal(ctl_registry_count(&r, CTL_REGISTRY_DECOMMISSIONED), 1);
	assert_int_equal(ctl_registry_count(&r, CTL_REGISTRY_ACTIVE), 0);

	/* recommissioned: active, unassigned until its block places it */
	ok_line(&r, "recommission", 1, 3);
	assert_int_equal(ctl_registry_find(&r, k)->status, CTL_REGISTRY_ACTIVE);
	assert_int_equal(ctl_registry_find(&r, k)->swarm_id, SWARM_ID_UNASSIGNED);
	ok_line(&r, "block", 0, 3);
	assert_int_equal(ctl_registry_find(&r, k)->swarm_id, 0);

	/* deregistered: gone; the key may register again, at a new height */
	ok_line(&r, "deregister", 1, 4);
	assert_null(ctl_registry_find(&r, k));
	ok_line(&r, "block", 0, 4);
	assert_int_equal(r.n, 0);
	ok_line(&r, "register", 1, 5);
	ok_line(&r, "block", 0, 5);
	assert_int_equal(ctl_registry_find(&r, k)->registered, 5);
	/* a decommissioned node can be deregistered */
	ok_line(&r, "decommission", 1, 6);
	ok_line(&r, "block", 0, 6);
	ok_line(&r, "deregister", 1, 7);
	ok_line(&r, "block", 0, 7);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.blocks, 7);
	assert_int_equal(r.updates, 7); /* every block carried a node event */
	ctl_registry_free(&r);
}

/* A block without node events runs no assignment; any node event makes one. */
static void
test_update_blocks(void **state)
{
	struct ctl_registry r;

	(void)state;
	init_unverified(&r);
	for (int i = 0; i < 8; i++)
		ok_line(&r, "register", i, 1);
	ok_line(&r, "block", 0, 1);
	assert_int_equal(r.updates, 1);
	ok_line(&r, "block", 0, 2);
	ok_line(&r, "block", 0, 3);
	assert_int_equal(r.updates, 1);
	assert_int_equal(r.blocks, 3);
	ok_line(&r, "decommission", 0, 4);
	ok_line(&r, "block", 0, 4);
	ok_line(&r, "deregister", 0, 5); /* not active, still a state change (oxend) */
	ok_line(&r, "block", 0, 5);
	assert_int_equal(r.updates, 3);
	ctl_registry_free(&r);
}

/* ---- vectors from the independent replay (docs/registry.md) ----------- */

#define DECOMM UINT64_C(0xfffffffffffffffe) /* test markers, not swarm ids */
#define GONE   UINT64_C(0xfffffffffffffffd)

/* The log of ref.py's scenario(). */
static void
kat_log(struct text *t)
{
	for (int i = 0; i < 16; i++)
		add_register(t, i, 0, 1);
	add_block(t, "block 1", 1);
	add_change(t, "decommission", 3, 2);
	for (int i = 16; i < 20; i++)
		add_register(t, i, 0, 2);
	add_block(t, "block 2", 2);
	add_change(t, "deregister", 5, 3);
	add_change(t, "recommission", 3, 3);
	add_block(t, "block 3", 3);
	add_block(t, "block 4", 4);
	for (int i = 20; i < 30; i++)
		add_register(t, i, 0, 7);
	add_block(t, "block 7", 7);
	for (int i = 0; i < 3; i++)
		add_change(t, "decommission", i, 9);
	add_change(t, "deregister", 7, 9);
	add_block(t, "block 9", 9);
}

static void
assert_text_sha(const struct text *t, const char *want)
{
	uint8_t d[32];
	char hex[65];

	crypto_hash_sha256(d, (const uint8_t *)t->s, t->len);
	sodium_bin2hex(hex, sizeof(hex), d, 32);
	assert_string_equal(hex, want);
}

static void
assert_swarms(const struct ctl_registry *r, const uint64_t *want, int n)
{
	for (int i = 0; i < n; i++) {
		const struct ctl_registry_node *nd;
		uint8_t k[32];

		ed_key(i, k);
		nd = ctl_registry_find(r, k);
		if (want[i] == GONE) {
			assert_null(nd);
		} else if (want[i] == DECOMM) {
			assert_non_null(nd);
			assert_int_equal(nd->status, CTL_REGISTRY_DECOMMISSIONED);
			assert_int_equal(nd->swarm_id, SWARM_ID_UNASSIGNED);
		} else {
			assert_non_null(nd);
			assert_int_equal(nd->status, CTL_REGISTRY_ACTIVE);
			if (nd->swarm_id != want[i])
				fail_msg("node %d: swarm %" PRIx64 ", want %" PRIx64, i,
					 nd->swarm_id, want[i]);
		}
	}
}

static void
test_vector_network(void **state)
{
	static const uint64_t want[30] = {
		[0] = DECOMM,
		[1] = DECOMM,
		[2] = DECOMM,
		[3] = 0xbfffffffffffffffULL,
		[4] = 0x0000000000000000ULL,
		[5] = GONE,
		[6] = 0xbfffffffffffffffULL,
		[7] = GONE,
		[8] = 0x7fffffffffffffffULL,
		[9] = 0x7fffffffffffffffULL,
		[10] = 0x3fffffffffffffffULL,
		[11] = 0x7fffffffffffffffULL,
		[12] = 0x0000000000000000ULL,
		[13] = 0xbfffffffffffffffULL,
		[14] = 0x3fffffffffffffffULL,
		[15] = 0x3fffffffffffffffULL,
		[16] = 0x0000000000000000ULL,
		[17] = 0x0000000000000000ULL,
		[18] = 0x3fffffffffffffffULL,
		[19] = 0x7fffffffffffffffULL,
		[20] = 0x3fffffffffffffffULL,
		[21] = 0x3fffffffffffffffULL,
		[22] = 0x0000000000000000ULL,
		[23] = 0x0000000000000000ULL,
		[24] = 0xbfffffffffffffffULL,
		[25] = 0x7fffffffffffffffULL,
		[26] = 0x7fffffffffffffffULL,
		[27] = 0xbfffffffffffffffULL,
		[28] = 0x3fffffffffffffffULL,
		[29] = 0x7fffffffffffffffULL,
	};
	struct text t = {0};
	struct ctl_registry r;

	(void)state;
	kat_log(&t);
	assert_text_sha(&t, "cd962818b3eaa96a2dafa7f43a021eb9ccd483270259fe4c9656f2c8108e5edf");
	init_unverified(&r);
	replay(&r, t.s);
	assert_swarms(&r, want, 30);
	assert_int_equal(r.n, 28);
	assert_int_equal(r.height, 9);
	assert_int_equal(r.blocks, 6);
	assert_int_equal(r.updates, 5); /* block 4 had no events */
	assert_int_equal(r.refused, 0);
	ctl_registry_free(&r);
	free(t.s);
}

/* 14 nodes in two swarms; 10 leave: 4 nodes over two swarms is what oxend
 * cannot compute, the swarms stay; one more node lets it dissolve one. */
static void
test_vector_refused(void **state)
{
	static const uint64_t after1[14] = {
		0x7fffffffffffffffULL,
		0,
		0,
		0x7fffffffffffffffULL,
		0,
		0,
		0x7fffffffffffffffULL,
		0,
		0,
		0x7fffffffffffffffULL,
		0x7fffffffffffffffULL,
		0x7fffffffffffffffULL,
		0x7fffffffffffffffULL,
		0,
	};
	uint64_t after2[14], after3[15];
	struct text t = {0};
	struct ctl_registry r;
	size_t cut1, cut2;

	(void)state;
	for (int i = 0; i < 14; i++)
		add_register(&t, i, 1, 1);
	add_block(&t, "b1", 1);
	cut1 = t.len;
	for (int i = 0; i < 10; i++)
		add_change(&t, "deregister", i, 2);
	add_block(&t, "b2", 2);
	cut2 = t.len;
	add_register(&t, 14, 1, 3);
	add_block(&t, "b3", 3);
	init_unverified(&r);
	replay_range(&r, t.s, 0, cut1);
	assert_swarms(&r, after1, 14);
	replay_range(&r, t.s, cut1, cut2);
	for (int i = 0; i < 14; i++)
		after2[i] = i < 10 ? GONE : after1[i];
	assert_swarms(&r, after2, 14);
	assert_int_equal(r.refused, 1);
	assert_int_equal(r.refused_height, 2);
	assert_int_equal(r.updates, 1);
	assert_int_equal(r.height, 2); /* the block itself is applied */
	replay_range(&r, t.s, cut2, t.len);
	for (int i = 0; i < 15; i++)
		after3[i] = i < 10 ? GONE : 0x7fffffffffffffffULL;
	assert_swarms(&r, after3, 15);
	assert_int_equal(r.refused, 1);
	assert_int_equal(r.updates, 2);
	ctl_registry_free(&r);
	free(t.s);
}

/* ---- determinism ------------------------------------------------------ */

/* A network of ~120 nodes over 60 blocks: joins, decommissions, returns and
 * departures drawn from a fixed stream (the log is data, its replay must
 * not depend on anything else). */
static void
random_log(struct text *t, uint32_t seed)
{
	enum {
		MAXN = 200
	};
	int status[MAXN] = {0}; /* 0 never, 1 active, 2 decommissioned, 3 gone */
	int next = 0;
	char hs[32];

	for (uint64_t h = 1; h <= 60; h++) {
		for (int i = 0; i < next; i++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t d = (seed >> 8) % 100;

			if (status[i] == 1 && d < 3) {
				add_change(t, "decommission", i, h);
				status[i] = 2;
			} else if (status[i] == 1 && d < 5) {
				add_change(t, "deregister", i, h);
				status[i] = 3;
			} else if (status[i] == 2 && d < 30) {
				add_change(t, "recommission", i, h);
				status[i] = 1;
			}
		}
		seed = seed * 1103515245u + 12345u;
		for (int k = (h == 1 ? 40 : (int)((seed >> 8) % 5)); k > 0 && next < MAXN; k--) {
			add_register(t, next, 2, h);
			status[next++] = 1;
		}
		snprintf(hs, sizeof(hs), "r %u %" PRIu64, seed, h);
		add_block(t, hs, h);
	}
}

static void
test_replay_twice(void **state)
{
	struct ctl_registry a, b;
	struct text t = {0};

	(void)state;
	random_log(&t, 7);
	init_unverified(&a);
	init_unverified(&b);
	replay(&a, t.s);
	replay(&b, t.s);
	assert_same_state(&a, &b);
	assert_int_equal(a.blocks, 60);
	assert_true(a.n > 60);
	assert_true(ctl_registry_count(&a, CTL_REGISTRY_DECOMMISSIONED) > 0);
	ctl_registry_free(&a);
	ctl_registry_free(&b);
	free(t.s);
}

/* Cut after every block line: the state of the prefix (replayed from
 * nothing) continued (from a copy) with the rest equals the whole replay. */
static void
test_replay_split_at_every_block(void **state)
{
	struct ctl_registry whole, prefix, cont;
	struct text t = {0};
	int cuts = 0;

	(void)state;
	random_log(&t, 11);
	init_unverified(&whole);
	replay(&whole, t.s);
	for (size_t at = 0; at < t.len; at += strcspn(t.s + at, "\n") + 1) {
		size_t cut = at == 0 ? 0 : at; /* the start, then after each block line */

		if (at > 0 && strncmp(t.s + at, "block ", 6) != 0)
			continue;
		if (at > 0)
			cut = at + strcspn(t.s + at, "\n") + 1;
		init_unverified(&prefix);
		replay_range(&prefix, t.s, 0, cut);
		assert_false(prefix.open);
		assert_int_equal(ctl_registry_copy(&cont, &prefix), 0);
		assert_same_state(&cont, &prefix);
		replay_range(&cont, t.s, cut, t.len);
		assert_same_state(&cont, &whole);
		ctl_registry_free(&prefix);
		ctl_registry_free(&cont);
		cuts++;
	}
	assert_int_equal(cuts, 61); /* the start and after each of 60 blocks */
	ctl_registry_free(&whole);
	free(t.s);
}

/* The same network through an independent bookkeeping that calls libswarm
 * directly: the registry feeds it the same inputs (active nodes in key
 * order, decommission clears, recommission comes back unassigned). */
static void
test_replay_matches_direct_calls(void **state)
{
	struct ctl_registry r;
	struct text t = {0};
	size_t from = 0;
	struct {
		uint8_t key[32];
		int status; /* 1 active, 2 decommissioned, 3 gone */
		uint64_t swarm;
	} m[200];
	int n = 0;

	(void)state;
	memset(m, 0, sizeof(m));
	random_log(&t, 23);
	init_unverified(&r);
	while (from < t.len) {
		const char *nl = strchr(t.s + from, '\n');
		char line[CTL_REGISTRY_LINE_MAX];
		struct ctl_registry_event ev;
		char why[200];
		size_t len = (size_t)(nl - (t.s + from));

		memcpy(line, t.s + from, len);
		line[len] = '\0';
		from += len + 1;
		assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
		assert_int_equal(ctl_registry_apply(&r, &ev, why, sizeof(why)), 0);
		if (ev.kind == CTL_REGISTRY_REGISTER) {
			memcpy(m[n].key, ev.key, 32);
			m[n].status = 1;
			m[n++].swarm = SWARM_ID_UNASSIGNED;
			continue;
		}
		for (int i = 0; i < n && ev.kind != CTL_REGISTRY_BLOCK; i++)
			if (memcmp(m[i].key, ev.key, 32) == 0) {
				m[i].status = ev.kind == CTL_REGISTRY_DECOMMISSION ? 2
					      : ev.kind == CTL_REGISTRY_DEREGISTER ? 3
										   : 1;
				m[i].swarm = SWARM_ID_UNASSIGNED;
			}
		if (ev.kind != CTL_REGISTRY_BLOCK)
			continue;
		/* the block: active nodes sorted by key, assigned directly */
		struct swarm_node in[200];
		int idx[200], k = 0;

		for (int i = 0; i < n; i++)
			if (m[i].status == 1)
				idx[k++] = i;
		for (int a = 1; a < k; a++)
			for (int b = a; b > 0 && memcmp(m[idx[b - 1]].key, m[idx[b]].key, 32) > 0;
			     b--) {
				int tmp = idx[b];
				idx[b] = idx[b - 1];
				idx[b - 1] = tmp;
			}
		for (int i = 0; i < k; i++) {
			memcpy(in[i].ed25519, m[idx[i]].key, 32);
			in[i].swarm_id = m[idx[i]].swarm;
		}
		assert_int_equal(
			swarm_assign_calc(in, (size_t)k, swarm_assign_seed(ev.hash), NULL, NULL, 0),
			0);
		for (int i = 0; i < k; i++)
			m[idx[i]].swarm = in[i].swarm_id;
		for (int i = 0; i < n; i++) {
			const struct ctl_registry_node *nd = ctl_registry_find(&r, m[i].key);

			if (m[i].status == 3) {
				assert_null(nd);
				continue;
			}
			assert_non_null(nd);
			assert_int_equal(nd->status, m[i].status);
			assert_int_equal(nd->swarm_id, m[i].swarm);
		}
	}
	assert_int_equal(r.blocks, 60);
	ctl_registry_free(&r);
	free(t.s);
}

/* ---- limits and failures ---------------------------------------------- */

static void
test_node_limit(void **state)
{
	struct ctl_registry r;
	char why[64];

	(void)state;
	init_unverified(&r);
	for (int i = 0; i < CTL_REGISTRY_NODES_MAX; i++)
		ok_line(&r, "register", i, 1);
	assert_int_equal(r.n, CTL_REGISTRY_NODES_MAX);
	snprintf(why, sizeof(why), "more than %d nodes", CTL_REGISTRY_NODES_MAX);
	bad_line(&r, "register", CTL_REGISTRY_NODES_MAX, 1, -E2BIG, why);
	ok_line(&r, "block", 0, 1);
	assert_int_equal(ctl_registry_count(&r, CTL_REGISTRY_ACTIVE), CTL_REGISTRY_NODES_MAX);
	bad_line(&r, "register", CTL_REGISTRY_NODES_MAX, 2, -E2BIG, why);
	/* decommissioned nodes count; deregistered ones do not */
	ok_line(&r, "decommission", 0, 2);
	bad_line(&r, "register", CTL_REGISTRY_NODES_MAX, 2, -E2BIG, why);
	ok_line(&r, "deregister", 0, 2);
	ok_line(&r, "register", CTL_REGISTRY_NODES_MAX, 2);
	ok_line(&r, "block", 0, 2);
	assert_int_equal(r.n, CTL_REGISTRY_NODES_MAX);
	for (size_t i = 0; i < r.n; i++)
		assert_int_not_equal(r.nodes[i].swarm_id, SWARM_ID_UNASSIGNED);
	ctl_registry_free(&r);
}

/* line fails with -ENOMEM when the k-th allocation fails; r is unchanged. */
static void
expect_alloc_error(struct ctl_registry *r, const char *line, int k, const char *why_prefix)
{
	struct ctl_registry before;
	char why[200] = "";
	int rc;

	assert_int_equal(ctl_registry_copy(&before, r), 0);
	fail_alloc(k);
	rc = ctl_registry_apply_line(r, line, why, sizeof(why));
	fail_alloc(0);
	assert_int_equal(rc, -ENOMEM);
	if (strncmp(why, why_prefix, strlen(why_prefix)) != 0)
		fail_msg("'%s' does not start with '%s'", why, why_prefix);
	assert_same_state(r, &before);
	ctl_registry_free(&before);
}

static void
test_alloc_failures(void **state)
{
	struct ctl_registry r, c;
	char why[200], l[400];

	(void)state;
	init_unverified(&r);
	/* the first registration allocates the node array */
	line_of(l, sizeof(l), "register", 1, 1);
	expect_alloc_error(&r, l, 1, "out of memory");
	for (int i = 0; i < 64; i++)
		ok_line(&r, "register", i, 1);
	/* the 65th grows it */
	line_of(l, sizeof(l), "register", 64, 1);
	expect_alloc_error(&r, l, 1, "out of memory");
	/* the block's workspace, then libswarm's own */
	line_of(l, sizeof(l), "block", 0, 1);
	expect_alloc_error(&r, l, 1, "out of memory");
	expect_alloc_error(&r, l, 2, "swarm assignment: ");
	assert_true(r.open); /* the block is still to come */
	assert_int_equal(ctl_registry_apply_line(&r, l, why, sizeof(why)), 0);
	assert_int_equal(r.updates, 1);
	fail_alloc(1);
	assert_int_equal(ctl_registry_copy(&c, &r), -ENOMEM);
	fail_alloc(0);
	ctl_registry_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_events),
		cmocka_unit_test(test_parse_nothing),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_edges),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_update_blocks),
		cmocka_unit_test(test_vector_network),
		cmocka_unit_test(test_vector_refused),
		cmocka_unit_test(test_replay_twice),
		cmocka_unit_test(test_replay_split_at_every_block),
		cmocka_unit_test(test_replay_matches_direct_calls),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
