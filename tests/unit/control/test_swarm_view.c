/* SPDX-License-Identifier: MIT */
/* control/swarm_view.c: the node list parser (every rejected form), file
 * loading with its limits at their edges, and the single-swarm semantics. */
#include "test_common_ctl.h"

#include <sodium.h>
#include <unistd.h>

#include "swarm_view.h"

static const char ED1[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char ED2[] = "0222222222222222222222222222222222222222222222222222222222222222";
static const char ED3[] = "f333333333333333333333333333333333333333333333333333333333333333";
static const char X[] = "abababababababababababababababababababababababababababababababab";

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/nodes", dir);
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

static void
key(const char *hex, uint8_t out[32])
{
	assert_int_equal(sodium_hex2bin(out, 32, hex, 64, NULL, NULL, NULL), 0);
}

static void
bad_line(const char *line, const char *why)
{
	struct ctl_swarm_node n;
	const char *got = NULL;

	assert_int_equal(ctl_swarm_view_parse_line(line, 443, &n, &got), -EINVAL);
	assert_non_null(got);
	assert_string_equal(got, why);
}

static void
test_parse_line(void **state)
{
	struct ctl_swarm_node n;
	char line[300];
	const char *why = NULL;
	uint8_t ed[32], x[32];

	(void)state;
	snprintf(line, sizeof(line), "%s %s 10.1.2.3:22020 02:00:00:aa:BB:cc\n", ED1, X);
	assert_int_equal(ctl_swarm_view_parse_line(line, 443, &n, &why), 0);
	key(ED1, ed);
	key(X, x);
	assert_memory_equal(n.ed25519, ed, 32);
	assert_memory_equal(n.x25519, x, 32);
	assert_int_equal(n.ip, 0x0a010203u);
	assert_int_equal(n.port, 22020);
	assert_int_equal(n.https_port, 443);
	/* Port edges. */
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:1 02:00:00:00:00:01", ED1, X);
	assert_int_equal(ctl_swarm_view_parse_line(line, 443, &n, &why), 0);
	assert_int_equal(n.port, 1);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:65535 02:00:00:00:00:01", ED1, X);
	assert_int_equal(ctl_swarm_view_parse_line(line, 443, &n, &why), 0);
	assert_int_equal(n.port, 65535);
}

static void
test_parse_line_errors(void **state)
{
	char line[300];
	static const char fields[] = "expected: ed25519 x25519 ip:port mac";
	static const char keys[] = "keys must be 64 hex characters";
	static const char addr[] = "bad IPv4 address or port";

	(void)state;
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:5", ED1, X);
	bad_line(line, fields);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:5 02:00:00:00:00:01 extra", ED1, X);
	bad_line(line, fields);
	snprintf(line, sizeof(line), "%.63s %s 1.2.3.4:5 02:00:00:00:00:01", ED1, X);
	bad_line(line, keys);
	snprintf(line, sizeof(line), "%.63sg %s 1.2.3.4:5 02:00:00:00:00:01", ED1, X);
	bad_line(line, keys);
	snprintf(line, sizeof(line), "%s %s0 1.2.3.4:5 02:00:00:00:00:01", ED1, X);
	bad_line(line, keys);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:0 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:65536 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:22x 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4: 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3:5 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s ::1:5 02:00:00:00:00:01", ED1, X);
	bad_line(line, addr);
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:5 02:00:00:00:00", ED1, X);
	bad_line(line, "bad MAC address");
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:5 02:00:00:00:00:0g", ED1, X);
	bad_line(line, "bad MAC address");
	snprintf(line, sizeof(line), "%s %s 1.2.3.4:5 02-00-00-00-00-01", ED1, X);
	bad_line(line, "bad MAC address");
}

static struct ctl_swarm_view *
load(const char *text, const char *self_hex, char *err)
{
	uint8_t self[32];

	key(self_hex, self);
	write_file(path, text);
	return ctl_swarm_view_load(path, self, 22021, err, 256);
}

static void
test_load_member(void **state)
{
	char text[1024], err[256] = "";
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t pk[33] = {0x05}, e1[32], e2[32], e3[32];

	(void)state;
	snprintf(text, sizeof(text),
		 "# swarm\n\n%s %s 10.0.0.1:1 02:00:00:00:00:01  # one\n"
		 "   \t\n%s %s 10.0.0.2:2 02:00:00:00:00:02\n%s %s 10.0.0.3:3 02:00:00:00:00:03",
		 ED1, X, ED3, X, ED2, X);
	v = load(text, ED3, err);
	if (v == NULL)
		fail_msg("%s", err);
	assert_true(ctl_swarm_view_serves(v, pk));
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
	assert_int_equal(sw.id, CTL_SWARM_VIEW_SINGLE_ID);
	assert_int_equal(sw.n, 3);
	/* Ascending by Ed25519 key. */
	key(ED1, e1);
	key(ED2, e2);
	key(ED3, e3);
	assert_memory_equal(sw.nodes[0].ed25519, e2, 32);
	assert_memory_equal(sw.nodes[1].ed25519, e1, 32);
	assert_memory_equal(sw.nodes[2].ed25519, e3, 32);
	assert_int_equal(sw.nodes[2].port, 2);
	assert_int_equal(sw.nodes[2].https_port, 22021);
	/* the swarm of a member node, and nodes known or not (catch-up's checks) */
	memset(&sw, 0, sizeof(sw));
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, e1, &sw), 0);
	assert_int_equal(sw.n, 3);
	assert_true(ctl_swarm_view_knows_node(v, e2));
	e1[0] ^= 1;
	assert_int_equal(ctl_swarm_view_swarm_of_node(v, e1, &sw), -ENOENT);
	assert_int_equal(sw.id, CTL_SWARM_VIEW_NO_SWARM);
	assert_int_equal(sw.n, 0);
	assert_false(ctl_swarm_view_knows_node(v, e1));
	/* hand-offs: members hold every account (of this swarm); no past layouts here */
	assert_true(ctl_swarm_view_held_recently(v, e2, e3, pk));
	assert_true(ctl_swarm_view_held_recently(v, e2, e3, NULL));
	assert_false(ctl_swarm_view_held_recently(v, e1, e3, pk));
	assert_false(ctl_swarm_view_held_recently(v, e1, e3, NULL));
	ctl_swarm_view_free(v);
}

static void
test_load_not_member(void **state)
{
	char text[512], err[256] = "";
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t pk[33] = {0x03};

	(void)state;
	snprintf(text, sizeof(text), "%s %s 10.0.0.1:1 02:00:00:00:00:01\n", ED1, X);
	v = load(text, ED3, err);
	assert_non_null(v);
	assert_false(ctl_swarm_view_serves(v, pk));
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
	assert_int_equal(sw.n, 1);
	ctl_swarm_view_free(v);
}

static void
test_load_empty(void **state)
{
	char err[256] = "";
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t pk[33] = {0x05};

	(void)state;
	v = load("# nothing yet\n\n", ED1, err);
	assert_non_null(v);
	assert_false(ctl_swarm_view_serves(v, pk));
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), -ENOENT);
	assert_true(sw.id == CTL_SWARM_VIEW_NO_SWARM);
	assert_int_equal(sw.n, 0);
	assert_null(sw.nodes);
	ctl_swarm_view_free(v);
	ctl_swarm_view_free(NULL);
}

static void
expect_load_error(const char *text, const char *want_suffix)
{
	char err[256] = "", want[256];

	assert_null(load(text, ED1, err));
	snprintf(want, sizeof(want), "%s%s", path, want_suffix);
	assert_string_equal(err, want);
}

static void
test_load_errors(void **state)
{
	char text[2048], err[256] = "";
	uint8_t self[32];

	(void)state;
	key(ED1, self);
	assert_null(ctl_swarm_view_load("/nonexistent/nodes", self, 1, err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/nodes: No such file or directory");
	snprintf(text, sizeof(text), "# c\n%s zz 10.0.0.1:1 02:00:00:00:00:01\n", ED1);
	expect_load_error(text, ":2: keys must be 64 hex characters");
	snprintf(text, sizeof(text),
		 "%s %s 10.0.0.1:1 02:00:00:00:00:01\n\n%s %s 10.0.0.2:1 02:00:00:00:00:02\n", ED1,
		 X, ED1, X);
	expect_load_error(text, ":3: duplicate node");
	/* 511 characters and a newline fit; 512 do not. */
	snprintf(text, sizeof(text), "%s %s 10.0.0.1:1 02:00:00:00:00:01%*s\n", ED1, X,
		 511 - (64 + 1 + 64 + 1 + 10 + 1 + 17), "");
	assert_int_equal(strlen(text), 512);
	{
		struct ctl_swarm_view *v = load(text, ED1, err);
		assert_non_null(v);
		ctl_swarm_view_free(v);
	}
	snprintf(text, sizeof(text), "%s %s 10.0.0.1:1 02:00:00:00:00:01%*s\n", ED1, X,
		 512 - (64 + 1 + 64 + 1 + 10 + 1 + 17), "");
	expect_load_error(text, ":1: line longer than 511 bytes");
}

/* A file of n distinct nodes. */
static void
write_nodes(size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%060zx0000 %s 10.0.%zu.%zu:1 02:00:00:00:00:01\n", i, X, (i >> 8) & 255,
			i & 255);
	fclose(f);
}

static void
test_load_node_limit(void **state)
{
	char err[256] = "", want[256];
	struct ctl_swarm_view *v;
	struct ctl_swarm sw;
	uint8_t self[32] = {0}, pk[33] = {0x05};

	(void)state;
	write_nodes(CTL_SWARM_VIEW_NODES_MAX);
	v = ctl_swarm_view_load(path, self, 1, err, sizeof(err));
	if (v == NULL)
		fail_msg("%s", err);
	assert_int_equal(ctl_swarm_view_swarm_of(v, pk, &sw), 0);
	assert_int_equal(sw.n, CTL_SWARM_VIEW_NODES_MAX);
	assert_true(ctl_swarm_view_serves(v, pk)); /* node 0 has the all-zero key */
	ctl_swarm_view_free(v);
	write_nodes(CTL_SWARM_VIEW_NODES_MAX + 1);
	assert_null(ctl_swarm_view_load(path, self, 1, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: more than %d nodes", path,
		 CTL_SWARM_VIEW_NODES_MAX + 1, CTL_SWARM_VIEW_NODES_MAX);
	assert_string_equal(err, want);
}

static void
test_single_errors(void **state)
{
	struct ctl_swarm_node nodes[2];
	uint8_t self[32] = {1};
	char err[256];

	(void)state;
	memset(nodes, 0, sizeof(nodes));
	assert_null(ctl_swarm_view_single(nodes, 2, self, err, sizeof(err)));
	assert_string_equal(err, "swarm view: duplicate node");
	assert_null(ctl_swarm_view_single(NULL, 1, self, err, sizeof(err)));
	assert_null(ctl_swarm_view_single(nodes, 1, NULL, err, sizeof(err)));
	assert_null(
		ctl_swarm_view_single(nodes, CTL_SWARM_VIEW_NODES_MAX + 1, self, err, sizeof(err)));
	assert_string_equal(err, "swarm view: no key, or more than 4096 nodes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_parse_line_errors),
		cmocka_unit_test_setup_teardown(test_load_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_not_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_node_limit, setup, teardown),
		cmocka_unit_test(test_single_errors),
	};

	return cmocka_run_group_tests_name("swarm_view", tests, NULL, NULL);
}
