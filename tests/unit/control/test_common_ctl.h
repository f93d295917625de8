/* SPDX-License-Identifier: MIT */
/* Includes shared by the snode-control unit tests that need no RPC helpers. */
#ifndef TEST_COMMON_CTL_H
#define TEST_COMMON_CTL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A fresh private directory under /tmp; removed by rm_tmpdir. */
static inline void
make_tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/snode-ctl-test.XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static inline void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
