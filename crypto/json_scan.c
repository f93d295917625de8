/* SPDX-License-Identifier: MIT */
/*
 * The scanner of json_scan.h: one forward pass, no recursion (the container
 * kinds live in a bit per level), no allocation. Where jansson's behaviour is
 * a choice rather than RFC 8259, the comment says so: the route parser must
 * accept and reject exactly what it did with jansson (docs/crypto.md).
 */
#include "json_scan.h"

#include <string.h>

#include "hex.h"

enum {
	KEY_ESCAPED = 1 << 15,	/* in snc_json_key.depth, above SNC_JSON_MAX_DEPTH */
	INT64_DIGITS_MAX = 19,	/* digits of INT64_MAX; no leading zeros in JSON */
	EXP_SATURATE = 1000000, /* exponents beyond overflow or underflow anyway */
};

/*
 * 2^1024 - 2^970, the midpoint between DBL_MAX and 2^1024: glibc's strtod
 * (correctly rounded, ties to even) overflows exactly from here on, and
 * jansson rejects a real whose strtod overflows.
 */
static const char real_overflow_digits[] =
	"17976931348623158079372897140530341507993413271003782693617377898044496829276475094664"
	"90179775872070963302864166928879109465555478519404026306574886715058206819089020007083"
	"83676273854845817711531764475730270069855571366959622842914819860834936475292719074168"
	"444365510704342711559699508093042880177904174497792";

struct scanner {
	const uint8_t *buf, *p, *end;
	const struct snc_json_scan_opts *o;
	uint32_t depth; /* containers open */
	uint32_t nkeys;
	bool keys_lost;
	bool root_object;
	struct snc_json_str key; /* of the root member being scanned */
	const uint8_t *member;	 /* where its value starts */
	uint8_t is_object[SNC_JSON_MAX_DEPTH / 8];
};

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static void
skip_ws(struct scanner *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* The 4 hex digits at p (end bounds them), or -1. */
static int32_t
hex4(const uint8_t *p, const uint8_t *end)
{
	int32_t v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = snc_hex_value(p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* One escape at *pp (the backslash). Surrogates must pair, as jansson requires. */
static int
scan_escape(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp + 1;
	int32_t cp, lo;

	if (p == end)
		return SNC_JSON_E_SYNTAX;
	if (strchr("\"\\/bfnrt", *p) != NULL && *p != '\0') {
		*pp = p + 1;
		return 0;
	}
	if (*p != 'u' || (cp = hex4(p + 1, end)) < 0)
		return SNC_JSON_E_SYNTAX;
	p += 5;
	/* jansson refuses NUL in strings unless JSON_ALLOW_NUL, which we do not pass. */
	if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
		return SNC_JSON_E_TEXT;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
			return SNC_JSON_E_TEXT;
		if ((lo = hex4(p + 2, end)) < 0)
			return SNC_JSON_E_SYNTAX;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return SNC_JSON_E_TEXT;
		p += 6;
	}
	*pp = p;
	return 0;
}

/* One multi-byte UTF-8 character at *pp: no overlong form, surrogate or value > U+10FFFF. */
static int
scan_utf8(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	uint8_t lo = 0x80, hi = 0xBF;
	size_t n;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		lo = p[0] == 0xE0 ? 0xA0 : 0x80; /* overlong below U+0800 */
		hi = p[0] == 0xED ? 0x9F : 0xBF; /* U+D800..U+DFFF */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		lo = p[0] == 0xF0 ? 0x90 : 0x80; /* overlong below U+10000 */
		hi = p[0] == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
	} else {
		return SNC_JSON_E_TEXT;
	}
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return SNC_JSON_E_TEXT;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return SNC_JSON_E_TEXT;
	*pp = p + n;
	return 0;
}

/*
 * Whether any of 8 bytes needs a look in a string: a quote, a backslash, a
 * control character or a non-ASCII byte. Word-at-a-time tests that are exact
 * for "any byte" (they may misplace which): the plain bytes of a string are
 * skipped at a few instructions per 8, which is most of a route layer.
 */
static bool
word_is_plain(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
	uint64_t control = (w - ones * 0x20) & ~w; /* a byte below 0x20 */

	quote = (quote - ones) & ~quote; /* a zero byte: a quote in w */
	bslash = (bslash - ones) & ~bslash;
	return ((control | quote | bslash | w) & highs) == 0;
}

static const uint8_t *
skip_plain(const uint8_t *p, const uint8_t *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof(w));
		if (!word_is_plain(w))
			break;
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* A string whose opening quote s->p is past; leaves s->p past the closing one. */
static int
scan_string(struct scanner *s, struct snc_json_str *out)
{
	const uint8_t *p = s->p, *end = s->end;
	bool escaped = false;
	int rc = 0;

	for (;;) {
		p = skip_plain(p, end);
		if (p == end || *p < 0x20)
			return SNC_JSON_E_SYNTAX;
		if (*p == '"')
			break;
		if (*p == '\\') {
			escaped = true;
			rc = scan_escape(&p, end);
		} else {
			rc = scan_utf8(&p, end);
		}
		if (rc != 0)
			return rc;
	}
	out->raw = (const char *)s->p;
	out->raw_len = (size_t)(p - s->p);
	out->escaped = escaped;
	s->p = p + 1;
	return 0;
}

/* jansson parses integers with strtoll and rejects the text on ERANGE. */
static int
integer_value(const uint8_t *p, const uint8_t *end, bool neg, int64_t *out)
{
	uint64_t v = 0;

	if (end - p > INT64_DIGITS_MAX)
		return SNC_JSON_E_RANGE;
	for (; p < end; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return SNC_JSON_E_RANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* The exponent's value, saturated: beyond EXP_SATURATE nothing changes. */
static int64_t
exponent_value(const uint8_t *p, const uint8_t *end)
{
	int64_t e = 0;
	bool neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; p < end && e < EXP_SATURATE; p++)
		e = e * 10 + (*p - '0');
	return neg ? -e : e;
}

/*
 * Whether strtod overflows on this real (jansson then rejects the text).
 * digits: the integer and fraction digits without the point; lead: how many of
 * them are before the point. The first non-zero digit gives the decimal
 * magnitude; only at exactly 309 integer digits does the value need comparing
 * with real_overflow_digits.
 */
static bool
real_overflows(const uint8_t *ip, size_t in, const uint8_t *fp, size_t fn, int64_t exp10)
{
	size_t first = 0, total = in + fn;
	int64_t magnitude;

	while (first < total && (first < in ? ip[first] : fp[first - in]) == '0')
		first++;
	if (first == total)
		return false; /* zero */
	magnitude = (int64_t)in - (int64_t)first + exp10;
	if (magnitude != (int64_t)sizeof(real_overflow_digits) - 1)
		return magnitude > (int64_t)sizeof(real_overflow_digits) - 1;
	for (size_t i = 0; i < sizeof(real_overflow_digits) - 1; i++) {
		size_t k = first + i;
		char d = k >= total ? '0' : (char)(k < in ? ip[k] : fp[k - in]);
		if (d != real_overflow_digits[i])
			return d > real_overflow_digits[i];
	}
	return true; /* the midpoint itself rounds up */
}

static const uint8_t *
skip_digits(const uint8_t *p, const uint8_t *end)
{
	while (p < end && is_digit(*p))
		p++;
	return p;
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
scan_number(struct scanner *s, struct snc_json_value *v)
{
	const uint8_t *p = s->p, *end = s->end, *ip, *ie, *fp = NULL, *fe = NULL;
	int64_t exp10 = 0;
	bool neg = *p == '-';

	if (neg)
		p++;
	ip = p;
	if (p == end || !is_digit(*p))
		return SNC_JSON_E_SYNTAX;
	ie = p = *p == '0' ? p + 1 : skip_digits(p, end);
	if (p < end && is_digit(*p))
		return SNC_JSON_E_SYNTAX; /* a leading zero */
	if (p < end && *p == '.') {
		fp = ++p;
		fe = p = skip_digits(p, end);
		if (fe == fp)
			return SNC_JSON_E_SYNTAX;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		const uint8_t *e = ++p;
		p += p < end && (*p == '+' || *p == '-');
		if (p == end || !is_digit(*p))
			return SNC_JSON_E_SYNTAX;
		p = skip_digits(p, end);
		exp10 = exponent_value(e, p);
	} else if (fp == NULL) {
		s->p = p;
		v->type = SNC_JSON_INTEGER;
		return integer_value(ip, ie, neg, &v->integer);
	}
	s->p = p;
	v->type = SNC_JSON_REAL;
	if (real_overflows(ip, (size_t)(ie - ip), fp, (size_t)(fe - fp), exp10))
		return SNC_JSON_E_RANGE;
	return 0;
}

static int
scan_literal(struct scanner *s, const char *word, size_t n, enum snc_json_type type,
	     struct snc_json_value *v)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return SNC_JSON_E_SYNTAX;
	s->p += n;
	v->type = type;
	return 0;
}

/* A value that is not a container, starting at s->p. */
static int
scan_scalar(struct scanner *s, struct snc_json_value *v)
{
	switch (*s->p) {
	case '"':
		s->p++;
		v->type = SNC_JSON_STRING;
		return scan_string(s, &v->str);
	case 't':
		return scan_literal(s, "true", 4, SNC_JSON_TRUE, v);
	case 'f':
		return scan_literal(s, "false", 5, SNC_JSON_FALSE, v);
	case 'n':
		return scan_literal(s, "null", 4, SNC_JSON_NULL, v);
	default:
		if (*s->p == '-' || is_digit(*s->p))
			return scan_number(s, v);
		return SNC_JSON_E_SYNTAX;
	}
}

/* Decodes a validated string one byte at a time (escapes to UTF-8). */
struct str_iter {
	const uint8_t *p, *end;
	bool escaped; /* false: the bytes are the value, backslashes included */
	uint8_t buf[4];
	uint8_t n, i;
};

static void
iter_init(struct str_iter *it, const struct snc_json_str *s)
{
	it->p = (const uint8_t *)s->raw;
	it->end = it->p + s->raw_len;
	it->escaped = s->escaped;
	it->n = it->i = 0;
}

static uint8_t
utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* The escape after a backslash at it->p, into it->buf. */
static void
iter_escape(struct str_iter *it)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	uint32_t cp;

	if (it->p[1] != 'u') {
		it->buf[0] = (uint8_t)to[strchr(from, it->p[1]) - from];
		it->n = 1;
		it->p += 2;
		return;
	}
	cp = (uint32_t)hex4(it->p + 2, it->end);
	it->p += 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) +
		     ((uint32_t)hex4(it->p + 2, it->end) - 0xDC00);
		it->p += 6;
	}
	it->n = utf8_encode(cp, it->buf);
}

/* The next decoded byte, or -1 at the end. */
static int
iter_next(struct str_iter *it)
{
	if (it->i < it->n)
		return it->buf[it->i++];
	if (it->p == it->end)
		return -1;
	if (!it->escaped || *it->p != '\\')
		return *it->p++;
	iter_escape(it);
	it->i = 1;
	return it->buf[0];
}

static uint32_t
fnv1a(uint32_t h, uint8_t c)
{
	return (h ^ c) * 16777619u;
}

static uint32_t
key_hash(const struct snc_json_str *k)
{
	uint32_t h = 2166136261u;

	if (!k->escaped) {
		for (size_t i = 0; i < k->raw_len; i++)
			h = fnv1a(h, (uint8_t)k->raw[i]);
	} else {
		struct str_iter it;
		int c;
		iter_init(&it, k);
		while ((c = iter_next(&it)) >= 0)
			h = fnv1a(h, (uint8_t)c);
	}
	return h;
}

static bool
str_equal(const struct snc_json_str *a, const struct snc_json_str *b)
{
	struct str_iter ia, ib;
	int c;

	if (!a->escaped && !b->escaped)
		return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
	iter_init(&ia, a);
	iter_init(&ib, b);
	do {
		c = iter_next(&ia);
		if (c != iter_next(&ib))
			return false;
	} while (c >= 0);
	return true;
}

/*
 * Checks a key against the others of its object (the workspace's top entries
 * of the same depth) and records it. jansson compares keys after unescaping.
 */
static int
check_key(struct scanner *s, const struct snc_json_str *k)
{
	struct snc_json_key *keys = s->o->keys;
	uint32_t h = key_hash(k);
	size_t off = (size_t)((const uint8_t *)k->raw - s->buf);

	for (uint32_t i = s->nkeys; i-- > 0 && (keys[i].depth & ~KEY_ESCAPED) == s->depth;) {
		struct snc_json_str prev = {.raw = (const char *)s->buf + keys[i].off,
					    .raw_len = keys[i].len,
					    .escaped = (keys[i].depth & KEY_ESCAPED) != 0};
		if (keys[i].hash == h && str_equal(&prev, k))
			return SNC_JSON_E_DUPLICATE;
	}
	if (s->nkeys == s->o->keys_cap || off + k->raw_len > UINT32_MAX) {
		s->keys_lost = true;
		return 0;
	}
	keys[s->nkeys++] =
		(struct snc_json_key){.off = (uint32_t)off,
				      .len = (uint32_t)k->raw_len,
				      .hash = h,
				      .depth = s->depth | (k->escaped ? KEY_ESCAPED : 0)};
	return 0;
}

/* "key" : (leaves s->p at the value). */
static int
scan_key(struct scanner *s)
{
	struct snc_json_str k;
	int rc;

	if (s->p == s->end || *s->p != '"')
		return SNC_JSON_E_SYNTAX;
	s->p++;
	if ((rc = scan_string(s, &k)) != 0 || (rc = check_key(s, &k)) != 0)
		return rc;
	if (s->depth == 1)
		s->key = k;
	skip_ws(s);
	if (s->p == s->end || *s->p != ':')
		return SNC_JSON_E_SYNTAX;
	s->p++;
	skip_ws(s);
	return 0;
}

static bool
in_object(const struct scanner *s)
{
	uint32_t i = s->depth - 1;

	return (s->is_object[i / 8] >> (i % 8) & 1) != 0;
}

static void
open_container(struct scanner *s, bool object)
{
	uint32_t i = s->depth++;

	if (object)
		s->is_object[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		s->is_object[i / 8] &= (uint8_t) ~(1u << (i % 8));
	s->p++;
	skip_ws(s);
}

/* Closes the innermost container (s->p at its bracket); its keys leave the workspace. */
static enum snc_json_type
close_container(struct scanner *s)
{
	enum snc_json_type t = in_object(s) ? SNC_JSON_OBJECT : SNC_JSON_ARRAY;

	while (s->nkeys > 0 && (s->o->keys[s->nkeys - 1].depth & ~KEY_ESCAPED) == s->depth)
		s->nkeys--;
	s->depth--;
	s->p++;
	return t;
}

/* A value just ended at s->p; report it if it is a member of the root object. */
static void
value_done(struct scanner *s, struct snc_json_value *v)
{
	if (s->depth != 1 || !s->root_object || s->o->member == NULL)
		return;
	v->raw = (const char *)s->member;
	v->raw_len = (size_t)(s->p - s->member);
	s->o->member(s->o->arg, &s->key, v);
}

/*
 * After a value: commas, closing brackets and the end. Returns 1 when the
 * next value starts at s->p, 0 at the end of the text, or an error.
 */
static int
after_value(struct scanner *s, struct snc_json_value *v)
{
	value_done(s, v);
	/*
	 * jansson quirk, kept: its lexer reads one byte past a number or a
	 * true/false/null and pushes it back, and a pushed-back NUL byte is lost
	 * (stream_get takes a NUL in its buffer for "empty"). So one NUL right
	 * after such a value is ignored: {"port":443<NUL>} is accepted.
	 */
	if (v->type != SNC_JSON_STRING && v->type != SNC_JSON_ARRAY && v->type != SNC_JSON_OBJECT &&
	    s->p < s->end && *s->p == '\0')
		s->p++;
	for (;;) {
		skip_ws(s);
		if (s->depth == 0)
			return s->p == s->end ? 0 : SNC_JSON_E_SYNTAX;
		if (s->p == s->end)
			return SNC_JSON_E_SYNTAX;
		if (*s->p == ',') {
			int rc = 0;
			s->p++;
			skip_ws(s);
			if (in_object(s))
				rc = scan_key(s);
			return rc != 0 ? rc : 1;
		}
		if (*s->p != (in_object(s) ? '}' : ']'))
			return SNC_JSON_E_SYNTAX;
		*v = (struct snc_json_value){.type = close_container(s)};
		value_done(s, v);
	}
}

/* The value at s->p (whitespace skipped) and everything after it. */
static int
scan_values(struct scanner *s)
{
	struct snc_json_value v;
	int rc;

	for (;;) {
		/* jansson counts every value, scalars too, against its depth limit. */
		if (s->depth >= SNC_JSON_MAX_DEPTH)
			return SNC_JSON_E_DEPTH;
		if (s->p == s->end)
			return SNC_JSON_E_SYNTAX;
		if (s->depth == 1)
			s->member = s->p;
		memset(&v, 0, sizeof(v));
		if (*s->p == '{' || *s->p == '[') {
			uint8_t close = *s->p == '{' ? '}' : ']';
			open_container(s, close == '}');
			if (s->p < s->end && *s->p == close) {
				v.type = close_container(s);
			} else {
				if (close == '}' && (rc = scan_key(s)) != 0)
					return rc;
				continue;
			}
		} else if ((rc = scan_scalar(s, &v)) != 0) {
			return rc;
		}
		rc = after_value(s, &v);
		if (rc <= 0)
			return rc;
	}
}

int
snc_json_scan_doc(const char *buf, size_t len, const struct snc_json_scan_opts *o,
		  enum snc_json_type *root)
{
	struct scanner s;
	int rc;

	if (buf == NULL)
		return SNC_JSON_E_SYNTAX;
	s.buf = s.p = (const uint8_t *)buf;
	s.end = s.buf + len;
	s.o = o;
	s.depth = s.nkeys = 0;
	s.keys_lost = false;
	skip_ws(&s);
	/* No JSON_DECODE_ANY: jansson wants an object or an array at the root. */
	if (s.p == s.end || (*s.p != '{' && *s.p != '['))
		return SNC_JSON_E_SYNTAX;
	s.root_object = *s.p == '{';
	rc = scan_values(&s);
	if (rc != 0)
		return rc;
	*root = s.root_object ? SNC_JSON_OBJECT : SNC_JSON_ARRAY;
	return s.keys_lost ? SNC_JSON_E_KEYS : 0;
}

bool
snc_json_scan_str_eq(const struct snc_json_str *s, const char *lit, size_t lit_len)
{
	struct snc_json_str l = {.raw = lit, .raw_len = lit_len, .escaped = false};

	return str_equal(s, &l);
}

size_t
snc_json_scan_str_len(const struct snc_json_str *s)
{
	struct str_iter it;
	size_t n = 0;

	if (!s->escaped)
		return s->raw_len;
	iter_init(&it, s);
	while (iter_next(&it) >= 0)
		n++;
	return n;
}

int
snc_json_scan_str_copy(const struct snc_json_str *s, char *out, size_t cap, size_t *len)
{
	struct str_iter it;
	size_t n = snc_json_scan_str_len(s);
	int c;

	if (n >= cap)
		return -ENOBUFS;
	if (!s->escaped) {
		memcpy(out, s->raw, n);
	} else {
		iter_init(&it, s);
		for (size_t i = 0; (c = iter_next(&it)) >= 0; i++)
			out[i] = (char)c;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}
