/* SPDX-License-Identifier: MIT */
/* dataplane/drop.c: every reason has a unique label and a help text. */
#include "test_common.h"

#include "drop.h"

static void
labels_are_unique_and_telemetry_safe(void **state)
{
	(void)state;
	for (int i = 1; i < DP_DROP_COUNT; i++) {
		const char *l = dp_drop_label(i);
		assert_non_null(l);
		assert_true(strlen(l) > 0 && strlen(l) < 32);
		assert_true(strspn(l, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(l));
		assert_true(strlen(dp_drop_help(i)) > 5);
		for (int j = 1; j < i; j++)
			assert_string_not_equal(l, dp_drop_label(j));
	}
	assert_string_equal(dp_drop_label(DP_DROP_BAD_MAC), "bad_mac");
	assert_string_equal(dp_drop_label(DP_DROP_COUNT), "unknown");
	assert_string_equal(dp_drop_help(-1), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_are_unique_and_telemetry_safe),
	};
	return RUN_GROUP("dataplane/drop", tests);
}
