/* SPDX-License-Identifier: MIT */
#include "tool.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
vreport(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "snode-tool %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
tool_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	return TOOL_EXIT_FAIL;
}

int
tool_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	return TOOL_EXIT_USAGE;
}

int
tool_print_json(json_t *obj)
{
	int rc = json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(obj);
	if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
		return TOOL_EXIT_FAIL;
	return TOOL_EXIT_OK;
}

int
tool_hex_exact(const char *hex, uint8_t *out, size_t len)
{
	size_t got = 0;
	const char *end = NULL;

	if (strlen(hex) != 2 * len)
		return -1;
	if (sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, &end) != 0 || got != len ||
	    *end != '\0')
		return -1;
	return 0;
}

json_t *
tool_json_hex(const uint8_t *bin, size_t len)
{
	char *hex = malloc(2 * len + 1);
	json_t *s;

	if (hex == NULL)
		return NULL;
	sodium_bin2hex(hex, 2 * len + 1, bin, len);
	s = json_string(hex);
	free(hex);
	return s;
}

const char *
tool_default_data_dir(void)
{
	const char *env = getenv("SNODE_DATA_DIR");

	return env != NULL && env[0] != '\0' ? env : "/var/lib/snode";
}
