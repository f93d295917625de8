/* SPDX-License-Identifier: MIT */
/* The client's node list: registry replay and its limits, swarms, 421 answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "nodes.h"
#include "snc.h"
#include "swarm_space.h"

/* A registry of n nodes at height 1 (keys derived from i), malloc'd. */
static char *
registry(size_t n, size_t *len)
{
	size_t cap = 200 * (n + 2), off = 0;
	char *t = malloc(cap);

	for (size_t i = 0; i < n; i++) {
		uint8_t ed[32], x[32];
		char edh[65], xh[65];

		crypto_generichash(ed, 32, (const uint8_t *)&i, sizeof(i), (const uint8_t *)"ed",
				   2);
		crypto_generichash(x, 32, (const uint8_t *)&i, sizeof(i), (const uint8_t *)"x", 1);
		sodium_bin2hex(edh, 65, ed, 32);
		sodium_bin2hex(xh, 65, x, 32);
		off += (size_t)snprintf(t + off, cap - off, "register %s %s 10.77.%zu.2:22030 1\n",
					edh, xh, i % 256);
	}
	off += (size_t)snprintf(t + off, cap - off, "block 1 %064d\n", 7);
	*len = off;
	return t;
}

static void
test_three_nodes_one_swarm(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t len, idx[8];
	char *t = registry(3, &len);
	uint8_t acct[33] = {0x05};
	uint64_t swarm = 1;

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "r", t, len, &err), 0);
	assert_int_equal(ns.n, 3);
	assert_int_equal(ns.v[0].port, 22030);
	for (size_t i = 1; i < ns.n; i++)
		assert_true(memcmp(ns.v[i - 1].ed25519, ns.v[i].ed25519, 32) < 0);
	assert_int_equal(scl_nodes_swarm_of(&ns, acct, &swarm, idx, 8, &err), 3);
	assert_int_equal(swarm, 0);
	assert_non_null(scl_nodes_find(&ns, ns.v[2].ed25519));
	free(t);
	scl_nodes_free(&ns);
}

/* 14 nodes split into two swarms; every account goes to the swarm closest to its point. */
static void
test_two_swarms(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t len, idx[32];
	char *t = registry(14, &len);

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "r", t, len, &err), 0);
	for (int k = 0; k < 50; k++) {
		uint8_t acct[33] = {0x05};
		uint64_t swarm, ids[2] = {0, 0x7fffffffffffffffULL}, want;
		int n;

		randombytes_buf(acct + 1, 32);
		n = scl_nodes_swarm_of(&ns, acct, &swarm, idx, 32, &err);
		assert_int_equal(
			snc_swarm_space_closest(ids, 2, snc_swarm_space_point(acct), &want), 0);
		assert_int_equal(swarm, want);
		assert_int_equal(n, 7);
		for (int i = 0; i < n; i++)
			assert_int_equal(ns.v[idx[i]].swarm, swarm);
	}
	free(t);
	scl_nodes_free(&ns);
}

static void
expect_error(const char *text, size_t len, const char *msg)
{
	struct scl_nodes ns;
	struct scl_error err = {0};

	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "f", text, len, &err), -1);
	assert_int_equal(err.code, SCL_E_NODES);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	assert_int_equal(ns.n, 0);
}

static void
test_parse_limits(void **state)
{
	char line[600];
	struct scl_nodes ns;
	struct scl_error err = {0};

	(void)state;
	/* 511 bytes + newline is a line; 512 is not. */
	memset(line, 'x', sizeof(line));
	line[0] = '#';
	line[511] = '\n';
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "f", line, 512, &err), 0);
	line[511] = 'x';
	line[512] = '\n';
	expect_error(line, 513, "f:1: line longer than 511");
	{
		/* a state change may be 2047 bytes (quorum records), not 2048 */
		static char t[3000];
		size_t len;
		char *reg = registry(2, &len);
		int n = snprintf(t, sizeof(t), "option unverified-records\n%.*s", (int)len, reg);
		char *key = strstr(t, "register ") + strlen("register ");
		int head = snprintf(t + n, sizeof(t) - (size_t)n, "decommission %.64s 9 -", key);

		memset(t + n + head, ' ', 2047 - (size_t)head);
		t[n + 2047] = '\n';
		n += 2048;
		n += snprintf(t + n, sizeof(t) - (size_t)n, "block 9 %064d\n", 9);
		scl_nodes_init(&ns);
		assert_int_equal(scl_nodes_parse_registry(&ns, "f", t, (size_t)n, &err), 0);
		scl_nodes_free(&ns);
		free(reg);
		reg = registry(2, &len);
		n = snprintf(t, sizeof(t), "option unverified-records\n%.*s", (int)len, reg);
		key = strstr(t, "register ") + strlen("register ");
		head = snprintf(t + n, sizeof(t) - (size_t)n, "decommission %.64s 9 -", key);
		memset(t + n + head, ' ', 2048 - (size_t)head);
		t[n + 2048] = '\n';
		expect_error(t, (size_t)n + 2049, "f:5: line longer than 2047 bytes");
		free(reg);
	}
	expect_error("# no newline", 12, "f:1: no newline");
	expect_error("# a\n\0\n", 6, "f:2: NUL");
	expect_error("bogus\n", 6, "f:1: unknown event");
	expect_error("register 00 00 1.2.3.4:1 1\n", 27, "f:1:");
	{
		size_t len;
		char *t = registry(2, &len);

		t[len - strlen("block 1 ") - 65] = '\0'; /* drop the block line */
		len -= strlen("block 1 ") + 65;
		expect_error(t, len, "have no block line");
		free(t);
	}
	/* no swarm at all: a clear no-route error */
	{
		uint8_t acct[33] = {5};
		uint64_t swarm;
		size_t idx[1];

		assert_int_equal(scl_nodes_swarm_of(&ns, acct, &swarm, idx, 1, &err), -1);
		assert_int_equal(err.code, SCL_E_NO_ROUTE);
	}
	scl_nodes_free(&ns);
}

/* 4096 known nodes load, the 4097th is refused. */
static void
test_node_limit(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t len;
	char *t = registry(SCL_NODES_MAX, &len);

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "r", t, len, &err), 0);
	assert_int_equal(ns.n, SCL_NODES_MAX);
	free(t);
	t = registry(SCL_NODES_MAX + 1, &len);
	assert_int_equal(scl_nodes_parse_registry(&ns, "r", t, len, &err), -1);
	assert_non_null(strstr(err.msg, "4096"));
	assert_int_equal(ns.n, SCL_NODES_MAX); /* unchanged */
	free(t);
	scl_nodes_free(&ns);
}

static void
test_load_file(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_load_registry(&ns, "/nonexistent/registry", &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(scl_nodes_load_registry(&ns, "/", &err), -1);
}

/* A 421 body: its members get the swarm, an unknown one is added, a former member loses it. */
static void
test_apply_swarm(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t len;
	char *t = registry(3, &len), json[2048], ed0[65], ed_new[65];
	uint8_t new_ed[32];

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(scl_nodes_parse_registry(&ns, "r", t, len, &err), 0);
	memset(new_ed, 0xee, 32);
	sodium_bin2hex(ed0, 65, ns.v[0].ed25519, 32);
	sodium_bin2hex(ed_new, 65, new_ed, 32);
	snprintf(json, sizeof(json),
		 "{\"swarm\":\"0\",\"snodes\":[{\"pubkey_ed25519\":\"%s\",\"pubkey_x25519\":\"%s\","
		 "\"ip\":\"10.9.9.9\",\"port_omq\":22031},{\"pubkey_ed25519\":\"%s\","
		 "\"pubkey_x25519\":\"%s\",\"ip\":\"10.1.2.3\",\"port_omq\":22030}]}",
		 ed0, ed0, ed_new, ed_new);
	assert_int_equal(scl_nodes_apply_swarm(&ns, json, strlen(json), &err), 2);
	assert_int_equal(ns.n, 4);
	assert_int_equal(ns.v[0].ip, 0x0a090909);
	assert_int_equal(ns.v[0].port, 22031);
	assert_int_equal(ns.v[1].swarm, SCL_SWARM_NONE);
	assert_int_equal(ns.v[2].swarm, SCL_SWARM_NONE);
	assert_int_equal(scl_nodes_find(&ns, new_ed)->swarm, 0);
	static const char *bad[] = {
		"",
		"[]",
		"{\"swarm\":\"0\"}",
		"{\"swarm\":\"zz\",\"snodes\":[]}",
		"{\"swarm\":\"ffffffffffffffff\",\"snodes\":[]}",
		"{\"swarm\":\"10000000000000000\",\"snodes\":[]}",
		"{\"swarm\":\"1\",\"snodes\":[{\"pubkey_ed25519\":\"00\"}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(scl_nodes_apply_swarm(&ns, bad[i], strlen(bad[i]), &err), -1);
		assert_int_equal(err.code, SCL_E_REPLY);
	}
	free(t);
	scl_nodes_free(&ns);
}

/* 64 members are taken, 65 refused (SCL_NODES_SWARM_MAX). */
static void
test_apply_swarm_limit(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	static char json[65 * 200 + 100];

	(void)state;
	scl_nodes_init(&ns);
	for (int total = 64; total <= 65; total++) {
		size_t off = (size_t)sprintf(json, "{\"swarm\":\"5\",\"snodes\":[");

		for (int i = 0; i < total; i++)
			off += (size_t)sprintf(
				json + off,
				"%s{\"pubkey_ed25519\":\"%064x\",\"pubkey_x25519\":\"%064x\","
				"\"ip\":\"1.2.3.4\",\"port_omq\":1}",
				i ? "," : "", i + 1, i + 1);
		strcpy(json + off, "]}");
		assert_int_equal(scl_nodes_apply_swarm(&ns, json, strlen(json), &err),
				 total == 64 ? 64 : -1);
	}
	scl_nodes_free(&ns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_nodes_one_swarm),
		cmocka_unit_test(test_two_swarms),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_apply_swarm),
		cmocka_unit_test(test_apply_swarm_limit),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests_name("nodes", tests, NULL, NULL);
}
