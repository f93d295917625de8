/* SPDX-License-Identifier: MIT */
/* Includes and tiny helpers shared by the crypto unit tests. */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "snc.h"

static inline void
unhex(const char *h, uint8_t *out, size_t len)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, len);
}

#define RUN_GROUP(name, tests)                                                                     \
	(snc_init() != 0 ? 1 : cmocka_run_group_tests_name(name, tests, NULL, NULL))

#endif
