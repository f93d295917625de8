/* SPDX-License-Identifier: MIT */
#include "json_flat.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const uint8_t *
skip_ws(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static bool
plain(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* The first byte at or after p that is not plain, or end. 16 bytes a step where 16 are
 * left (the 64-digit keys are most of a routing layer's JSON). */
static const uint8_t *
plain_run(const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
	while (end - p >= 16) {
		const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed compares: bytes >= 0x80 are negative, below 0x20 too */
		const __m128i bad =
			_mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(c, _mm_set1_epi8(0x20)),
						  _mm_cmpeq_epi8(c, _mm_set1_epi8(0x7f))),
				     _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('"')),
						  _mm_cmpeq_epi8(c, _mm_set1_epi8('\\'))));
		unsigned mask = (unsigned)_mm_movemask_epi8(bad);
		if (mask != 0)
			return p + __builtin_ctz(mask);
		p += 16;
	}
#endif
	while (p < end && plain(*p))
		p++;
	return p;
}

/* A plain string at *pp (its opening quote); *pp moves past the closing one. */
static bool
plain_string(const uint8_t **pp, const uint8_t *end, struct snc_json_str *out)
{
	const uint8_t *p = *pp, *q;

	if (p >= end || *p != '"')
		return false;
	q = plain_run(p + 1, end);
	if (q >= end || *q != '"')
		return false; /* an escape, a control or non-ASCII byte, or no end: not plain */
	*out = (struct snc_json_str){
		.raw = (const char *)(p + 1), .raw_len = (size_t)(q - p - 1), .escaped = false};
	*pp = q + 1;
	return true;
}

/* 1 to 18 digits at *pp without a leading zero (int64 holds them all); what follows is the
 * caller's: a '.', 'e' or 19th digit there fails its grammar, and the scanner decides. */
static bool
small_integer(const uint8_t **pp, const uint8_t *end, struct snc_json_flat_member *m)
{
	const uint8_t *p = *pp;
	int64_t v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return false;
	if (*p == '0') {
		p++;
	} else {
		for (int i = 0; i < 18 && p < end && *p >= '0' && *p <= '9'; i++)
			v = v * 10 + (*p++ - '0');
	}
	m->type = SNC_JSON_INTEGER;
	m->integer = v;
	m->value = (struct snc_json_str){
		.raw = (const char *)*pp, .raw_len = (size_t)(p - *pp), .escaped = false};
	*pp = p;
	return true;
}

/* The member's value: a plain string or a small integer. */
static bool
flat_value(const uint8_t **pp, const uint8_t *end, struct snc_json_flat_member *m)
{
	if (*pp < end && **pp == '"') {
		m->type = SNC_JSON_STRING;
		m->integer = 0;
		return plain_string(pp, end, &m->value);
	}
	return small_integer(pp, end, m);
}

static bool
repeated(const struct snc_json_flat_member *m, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (m[i].key.raw_len == m[n - 1].key.raw_len &&
		    memcmp(m[i].key.raw, m[n - 1].key.raw, m[i].key.raw_len) == 0)
			return true;
	return false;
}

int
snc_json_flat_scan(const char *buf, size_t len, struct snc_json_flat_member *m, size_t cap,
		   size_t *n)
{
	const uint8_t *p = (const uint8_t *)buf, *end = p + len;
	size_t k = 0;

	p = skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	for (;;) {
		if (k == cap)
			return -1;
		p = skip_ws(p, end);
		if (!plain_string(&p, end, &m[k].key))
			return -1;
		p = skip_ws(p, end);
		if (p >= end || *p++ != ':')
			return -1;
		p = skip_ws(p, end);
		if (!flat_value(&p, end, &m[k]))
			return -1;
		if (repeated(m, ++k))
			return -1;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p >= end || *p++ != '}')
			return -1;
		break;
	}
	if (skip_ws(p, end) != end)
		return -1;
	*n = k;
	return 0;
}
