/* SPDX-License-Identifier: MIT */
#include "kat.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KAT_DIR
#error "KAT_DIR must name the tests/kat folder"
#endif

json_t *
kat_load(const char *name)
{
	char path[512];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", KAT_DIR, name);
	j = json_load_file(path, 0, &err);
	if (j == NULL) {
		fprintf(stderr, "kat: %s:%d: %s\n", path, err.line, err.text);
		abort();
	}
	return j;
}

const char *
kat_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL) {
		fprintf(stderr, "kat: vector has no string '%s'\n", key);
		abort();
	}
	return s;
}

size_t
kat_hex(json_t *obj, const char *key, uint8_t *out, size_t cap, size_t want)
{
	const char *s = kat_str(obj, key);
	size_t got = 0;

	if (sodium_hex2bin(out, cap, s, strlen(s), NULL, &got, NULL) != 0 ||
	    (want != 0 && got != want) || got * 2 != strlen(s)) {
		fprintf(stderr, "kat: '%s' is not %zu bytes of hex\n", key, want);
		abort();
	}
	return got;
}
