/* SPDX-License-Identifier: MIT */
#include "tool.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 2, 0))) static void
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

int
tool_b64_decode(const char *b64, uint8_t **out, size_t *out_len)
{
	size_t len = strlen(b64), got = 0;
	const char *end = NULL;
	uint8_t *buf = malloc(len / 4 * 3 + 3);

	if (buf == NULL)
		return -1;
	if (sodium_base642bin(buf, len / 4 * 3 + 3, b64, len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 &&
	    sodium_base642bin(buf, len / 4 * 3 + 3, b64, len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
		free(buf);
		return -1;
	}
	if (end == NULL || *end != '\0') {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = got;
	return 0;
}

json_t *
tool_json_b64(const uint8_t *bin, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	json_t *s;

	if (b64 == NULL)
		return NULL;
	sodium_bin2base64(b64, cap, bin, len, sodium_base64_VARIANT_ORIGINAL);
	s = json_string(b64);
	free(b64);
	return s;
}

const char *
tool_default_data_dir(void)
{
	const char *env = getenv("SNODE_DATA_DIR");

	return env != NULL && env[0] != '\0' ? env : "/var/lib/snode";
}
