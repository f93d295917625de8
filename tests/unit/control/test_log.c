/* SPDX-License-Identifier: MIT */
/* control/log.c: levels, the "<N>" prefix, one line per event, rate limits. */
#include "test_common_ctl.h"

#include "log.h"

static char buf[8192];
static FILE *mem;

static int
open_mem(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	mem = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(mem);
	ctl_log_set_output(mem, true);
	ctl_log_set_level(CTL_LOG_INFO);
	return 0;
}

static int
close_mem(void **state)
{
	(void)state;
	fclose(mem);
	ctl_log_set_output(NULL, false);
	return 0;
}

static void
levels_and_prefix(void **state)
{
	(void)state;
	ctl_log(CTL_LOG_ERR, "bad %d", 1);
	ctl_log(CTL_LOG_INFO, "fine");
	ctl_log(CTL_LOG_DEBUG, "hidden");
	assert_string_equal(buf, "<3>bad 1\n<6>fine\n");
	ctl_log_set_output(mem, false);
	ctl_log(CTL_LOG_WARNING, "plain");
	assert_string_equal(buf, "<3>bad 1\n<6>fine\nplain\n");
}

static void
one_line_per_event(void **state)
{
	(void)state;
	ctl_log(CTL_LOG_NOTICE, "a\nb\tc\x1b[0m");
	assert_string_equal(buf, "<5>a?b?c?[0m\n");
}

static void
long_lines_are_cut(void **state)
{
	char big[3000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ctl_log(CTL_LOG_INFO, "%s", big);
	assert_true(strlen(buf) < CTL_LOG_LINE_MAX);
	assert_int_equal(buf[strlen(buf) - 1], '\n');
}

static void
level_names(void **state)
{
	enum ctl_log_level l;

	(void)state;
	assert_int_equal(ctl_log_level_parse("warn", &l), 0);
	assert_int_equal(l, CTL_LOG_WARNING);
	assert_int_equal(ctl_log_level_parse("warning", &l), 0);
	assert_int_equal(ctl_log_level_parse("debug", &l), 0);
	assert_int_equal(l, CTL_LOG_DEBUG);
	assert_int_equal(ctl_log_level_parse("trace", &l), -EINVAL);
	assert_int_equal(ctl_log_level_parse(NULL, &l), -EINVAL);
	assert_string_equal(ctl_log_level_name(CTL_LOG_ERR), "error");
}

static void
rate_limit(void **state)
{
	struct ctl_log_rl rl = {.interval_ms = 1000, .burst = 2};

	(void)state;
	assert_true(ctl_log_rl(&rl, 5000, CTL_LOG_WARNING, "flood %d", 1));
	assert_true(ctl_log_rl(&rl, 5001, CTL_LOG_WARNING, "flood %d", 2));
	assert_false(ctl_log_rl(&rl, 5999, CTL_LOG_WARNING, "flood %d", 3));
	assert_false(ctl_log_rl(&rl, 5999, CTL_LOG_WARNING, "flood %d", 4));
	/* a new window at exactly interval_ms */
	assert_true(ctl_log_rl(&rl, 6000, CTL_LOG_WARNING, "flood %d", 5));
	assert_string_equal(buf,
			    "<4>flood 1\n<4>flood 2\n<4>flood 5 (2 similar lines suppressed)\n");
	assert_int_equal(rl.suppressed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(levels_and_prefix, open_mem, close_mem),
		cmocka_unit_test_setup_teardown(one_line_per_event, open_mem, close_mem),
		cmocka_unit_test_setup_teardown(long_lines_are_cut, open_mem, close_mem),
		cmocka_unit_test(level_names),
		cmocka_unit_test_setup_teardown(rate_limit, open_mem, close_mem),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
