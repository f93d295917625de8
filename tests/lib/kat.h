/* SPDX-License-Identifier: MIT */
/*
 * Known-answer vectors from the JSON files in tests/kat (upstream Session test suites;
 * each file names its source). KAT_DIR is set by meson.
 */
#ifndef KAT_H
#define KAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Loads tests/kat/<name>; aborts the test binary with a message if it cannot. */
json_t *kat_load(const char *name);

/* Decodes the hex string obj[key] into out (exactly want bytes unless want == 0,
 * then up to cap); returns the byte count. Aborts on a malformed vector. */
size_t kat_hex(json_t *obj, const char *key, uint8_t *out, size_t cap, size_t want);

/* obj[key] as a C string; aborts if missing. */
const char *kat_str(json_t *obj, const char *key);

#endif
