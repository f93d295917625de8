/* SPDX-License-Identifier: MIT */
/* control/config.c's `registry` key (the registry swarm view's file): default,
 * [node] in the file, the --registry flag over the file, an absolute path
 * only, its length at the edge, the wrong section. Kept apart from
 * test_config.c, which belongs to the configuration's owner. */
#include "test_common_ctl.h"

#include <limits.h>
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
test_default_and_set(void **state)
{
	struct ctl_config c;
	char err[300];

	(void)state;
	ctl_config_defaults(&c);
	assert_string_equal(c.registry, "");
	assert_int_equal(ctl_config_set(&c, "registry", "/etc/snode/registry", err, sizeof(err)),
			 0);
	assert_string_equal(c.registry, "/etc/snode/registry");
	assert_int_equal(ctl_config_set(&c, "registry", "", err, sizeof(err)), 0);
	assert_string_equal(c.registry, ""); /* empty: no registry */
	assert_int_equal(ctl_config_set(&c, "registry", "etc/registry", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "registry must be an absolute path, file:PATH or redis:ADDR/KEY, "
				 "not 'etc/registry'");
	assert_string_equal(c.registry, "");
}

static void
test_length_edge(void **state)
{
	char value[PATH_MAX + 1], err[300], want[100];
	struct ctl_config c;

	(void)state;
	ctl_config_defaults(&c);
	memset(value, 'r', sizeof(value));
	value[0] = '/';
	value[PATH_MAX - 1] = '\0'; /* PATH_MAX - 1 bytes: fits */
	assert_int_equal(ctl_config_set(&c, "registry", value, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.registry), PATH_MAX - 1);
	value[PATH_MAX - 1] = 'r';
	value[PATH_MAX] = '\0';
	assert_int_equal(ctl_config_set(&c, "registry", value, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "registry: value longer than %d bytes", PATH_MAX - 1);
	assert_string_equal(err, want);
}

static void
test_file_and_flag(void **state)
{
	char *argv[] = {"snode-control", "--config", path, NULL, NULL, NULL};
	struct ctl_config c;
	char err[300];

	(void)state;
	write_file(path, "[node]\nregistry = /srv/registry\nnodes = /srv/nodes\n");
	assert_int_equal(ctl_config_from_args(&c, 3, argv, err, sizeof(err)), 0);
	assert_string_equal(c.registry, "/srv/registry");
	assert_string_equal(c.nodes, "/srv/nodes");
	argv[3] = "--registry";
	argv[4] = "/tmp/other";
	assert_int_equal(ctl_config_from_args(&c, 5, argv, err, sizeof(err)), 0);
	assert_string_equal(c.registry, "/tmp/other"); /* the flag wins */
	argv[4] = "relative";
	assert_int_equal(ctl_config_from_args(&c, 5, argv, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--registry: registry must be an absolute path, file:PATH or "
				 "redis:ADDR/KEY, not 'relative'");
	assert_non_null(strstr(ctl_config_usage(), "[--registry FILE|redis:ADDR/KEY]"));
}

static void
test_file_errors(void **state)
{
	struct ctl_config c;
	char err[300], want[400];

	(void)state;
	write_file(path, "[storage]\nregistry = /srv/registry\n");
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want),
		 "%s:2: key 'registry' belongs in section [node], not [storage]", path);
	assert_string_equal(err, want);
	write_file(path, "[node]\n\nregistry = registry.log\n");
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want),
		 "%s:3: registry must be an absolute path, file:PATH or redis:ADDR/KEY, not "
		 "'registry.log'",
		 path);
	assert_string_equal(err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_and_set),
		cmocka_unit_test(test_length_edge),
		cmocka_unit_test_setup_teardown(test_file_and_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("registry_config", tests, NULL, NULL);
}
