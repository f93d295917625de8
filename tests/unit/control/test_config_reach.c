/* SPDX-License-Identifier: MIT */
/*
 * control/config_reach.c through the configuration (config.c): the defaults
 * are the reference's, every millisecond key at both edges of its range and
 * one past each (the error text), the booleans, proof-address, the section
 * rule of the file (FILE:LINE), and the cross-key checks.
 */
#include "test_common_ctl.h"

#include <unistd.h>

#include "config.h"

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/control.conf", dir);
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
defaults_are_the_reference(void **state)
{
	struct ctl_config c;
	char err[300];

	(void)state;
	ctl_config_defaults(&c);
	assert_true(c.reach.tests && c.reach.proofs);
	assert_int_equal(c.reach.reach.tick_ms, 200);
	assert_int_equal(c.reach.reach.retests_per_tick, 4);
	assert_int_equal(c.reach.reach.interval_mean_ms, 10000);
	assert_int_equal(c.reach.reach.failure_validity_ms, 300000);
	assert_int_equal(c.reach.uptime.interval_ms, 3600000);
	assert_int_equal(c.reach.uptime.validity_ms, 7500000);
	assert_int_equal(c.reach.proof_ip, 0);
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), 0);
}

static void
every_ms_key_at_its_edges(void **state)
{
	static const struct {
		const char *key;
		unsigned long long lo, hi;
	} keys[] = {
		{"reach-tick-ms", 10, 60000},
		{"reach-interval-ms", 1, 86400000},
		{"reach-interval-sd-ms", 0, 86400000},
		{"reach-backoff-ms", 0, 86400000},
		{"reach-backoff-max-ms", 1, 86400000},
		{"reach-timeout-ms", 100, 600000},
		{"reach-failure-validity-ms", 1, 86400000},
		{"proof-interval-ms", 100, 86400000},
		{"proof-validity-ms", 100, 7 * 86400000ULL},
		{"proof-tolerance-ms", 0, 86400000},
		{"proof-startup-delay-ms", 0, 86400000},
		{"proof-check-interval-ms", 10, 86400000},
		{"proof-heard-window-ms", 0, 7 * 86400000ULL},
		{"reach-retests-per-tick", 1, 63},
	};
	struct ctl_config c;
	char err[300], v[32], want[200];

	(void)state;
	ctl_config_defaults(&c);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(v, sizeof(v), "%llu", keys[i].lo);
		assert_int_equal(ctl_config_set(&c, keys[i].key, v, err, sizeof(err)), 0);
		snprintf(v, sizeof(v), "%llu", keys[i].hi);
		assert_int_equal(ctl_config_set(&c, keys[i].key, v, err, sizeof(err)), 0);
		snprintf(v, sizeof(v), "%llu", keys[i].hi + 1);
		assert_int_equal(ctl_config_set(&c, keys[i].key, v, err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s must be %llu..%llu, not '%s'", keys[i].key,
			 keys[i].lo, keys[i].hi, v);
		assert_string_equal(err, want);
		if (keys[i].lo > 0) {
			snprintf(v, sizeof(v), "%llu", keys[i].lo - 1);
			assert_int_equal(ctl_config_set(&c, keys[i].key, v, err, sizeof(err)),
					 -EINVAL);
		}
		assert_int_equal(ctl_config_set(&c, keys[i].key, "-1", err, sizeof(err)), -EINVAL);
		assert_int_equal(ctl_config_set(&c, keys[i].key, "5x", err, sizeof(err)), -EINVAL);
	}
	assert_int_equal(
		ctl_config_set(&c, "reach-tick-ms", "99999999999999999999999", err, sizeof(err)),
		-EINVAL);
}

static void
flags_and_address(void **state)
{
	struct ctl_config c;
	char err[300];

	(void)state;
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_set(&c, "reach-tests", "false", err, sizeof(err)), 0);
	assert_false(c.reach.tests);
	assert_int_equal(ctl_config_set(&c, "uptime-proofs", "no", err, sizeof(err)), 0);
	assert_false(c.reach.proofs);
	assert_int_equal(ctl_config_set(&c, "uptime-proofs", "maybe", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "uptime-proofs must be true or false, not 'maybe'");
	assert_int_equal(ctl_config_set(&c, "proof-address", "10.77.1.2", err, sizeof(err)), 0);
	assert_int_equal(c.reach.proof_ip, 0x0a4d0102);
	assert_int_equal(ctl_config_set(&c, "proof-address", "auto", err, sizeof(err)), 0);
	assert_int_equal(c.reach.proof_ip, 0);
	assert_int_equal(ctl_config_set(&c, "proof-address", "0.0.0.0", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "proof-address", "::1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "proof-address must be an IPv4 address or auto, not '::1'");
}

static void
file_sections_and_cross_checks(void **state)
{
	struct ctl_config c;
	char err[300], want[300];

	(void)state;
	write_file(path, "[reach]\nreach-tick-ms = 50\nreach-interval-ms = 500\n"
			 "[uptime]\nproof-interval-ms = 2000\nproof-validity-ms = 5000\n");
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.reach.reach.tick_ms, 50);
	assert_int_equal(c.reach.reach.interval_mean_ms, 500);
	assert_int_equal(c.reach.uptime.interval_ms, 2000);
	assert_int_equal(c.reach.uptime.validity_ms, 5000);
	write_file(path, "[node]\ntestnet = true\nreach-tick-ms = 50\n");
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want),
		 "%s:3: key 'reach-tick-ms' belongs in section [reach], not [node]", path);
	assert_string_equal(err, want);
	write_file(path, "[uptime]\nproof-interval-ms = 0\n");
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want), "%s:2: proof-interval-ms must be 100..86400000, not '0'",
		 path);
	assert_string_equal(err, want);
	/* cross-key checks */
	ctl_config_defaults(&c);
	c.reach.uptime.validity_ms = c.reach.uptime.interval_ms;
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "proof-validity-ms (3600000) must exceed proof-interval-ms "
				 "(3600000): otherwise every node is down between two proofs");
	ctl_config_defaults(&c);
	c.reach.reach.backoff_max_ms = c.reach.reach.backoff_ms - 1;
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "reach-backoff-max-ms (9999) is below reach-backoff-ms (10000)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_reference),
		cmocka_unit_test(every_ms_key_at_its_edges),
		cmocka_unit_test(flags_and_address),
		cmocka_unit_test_setup_teardown(file_sections_and_cross_checks, setup, teardown),
	};

	return cmocka_run_group_tests_name("config_reach", tests, NULL, NULL);
}
