/* SPDX-License-Identifier: MIT */
/* dataplane/args.c: application options after EAL's "--". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "args.h"

static int
parse(struct dp_args *a, int argc, const char **argv)
{
	return dp_args_parse(argc, (char **)argv, a);
}

static void
no_options_means_no_mode(void **state)
{
	const char *argv[] = {"snode-dataplane", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 1, argv), 0);
	assert_false(a.self_check);
	assert_false(a.help);
}

static void
self_check_and_help(void **state)
{
	const char *argv[] = {"snode-dataplane", "--self-check", "-h", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, argv), 0);
	assert_true(a.self_check);
	assert_true(a.help);
}

static void
unknown_option_is_an_error(void **state)
{
	const char *argv[] = {"snode-dataplane", "--bogus", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, argv), -1);
}

static void
stray_argument_is_an_error(void **state)
{
	const char *argv[] = {"snode-dataplane", "--self-check", "extra", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, argv), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_options_means_no_mode),
		cmocka_unit_test(self_check_and_help),
		cmocka_unit_test(unknown_option_is_an_error),
		cmocka_unit_test(stray_argument_is_an_error),
	};
	return cmocka_run_group_tests_name("dataplane/args", tests, NULL, NULL);
}
