/* SPDX-License-Identifier: MIT */
/* The Envelope / WebSocketMessage wrapping: bytes checked against the independent encoder of
 * tests/tools/msg_reference.py (envelope-wrap), and what unwrap refuses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "envelope.h"

/* msg_reference.py envelope-wrap 616263 1700000000000 42 */
static const char kat[] =
	"080112280a03505554120f2f6170692f76312f6d6573736167651a0e08062880d095ffbc31"
	"4203616263202a";

static void
wraps_like_the_reference(void **state)
{
	uint8_t *out;
	size_t len;
	char hex[sizeof(kat) + 2];

	(void)state;
	assert_int_equal(
		scl_envelope_wrap((const uint8_t *)"abc", 3, 1700000000000ULL, 42, &out, &len), 0);
	assert_int_equal(2 * len + 1, sizeof(kat));
	sodium_bin2hex(hex, sizeof(hex), out, len);
	assert_string_equal(hex, kat);
	free(out);
}

static void
unwraps_the_reference(void **state)
{
	uint8_t buf[64], *ct;
	size_t len, ct_len;
	uint64_t ts;

	(void)state;
	assert_int_equal(sodium_hex2bin(buf, sizeof(buf), kat, strlen(kat), NULL, &len, NULL), 0);
	assert_int_equal(scl_envelope_unwrap(buf, len, &ct, &ct_len, &ts), 0);
	assert_int_equal(ct_len, 3);
	assert_memory_equal(ct, "abc", 3);
	assert_int_equal(ts, 1700000000000ULL);
	free(ct);
}

/* An Envelope whose content is empty: unwraps to no bytes (protobuf-c leaves data NULL). */
static void
empty_content(void **state)
{
	uint8_t *out, *ct;
	size_t len, ct_len;
	uint64_t ts;

	(void)state;
	assert_int_equal(scl_envelope_wrap(NULL, 0, 5, 1, &out, &len), 0);
	assert_int_equal(scl_envelope_unwrap(out, len, &ct, &ct_len, &ts), 0);
	assert_int_equal(ct_len, 0);
	assert_int_equal(ts, 5);
	free(ct);
	free(out);
}

/* Unwraps buf after one byte at off is set to v: -EBADMSG expected. */
static void
refused_with(size_t off, uint8_t v)
{
	uint8_t buf[64], *ct = NULL;
	size_t len, ct_len;
	uint64_t ts;

	assert_int_equal(sodium_hex2bin(buf, sizeof(buf), kat, strlen(kat), NULL, &len, NULL), 0);
	buf[off] = v;
	assert_int_equal(scl_envelope_unwrap(buf, len, &ct, &ct_len, &ts), -EBADMSG);
	assert_null(ct);
}

static void
refuses_other_messages(void **state)
{
	uint8_t *ct = NULL;
	size_t ct_len;
	uint64_t ts;

	(void)state;
	refused_with(1, 2);	/* WebSocketMessage type RESPONSE */
	refused_with(29, 7);	/* Envelope type CLOSED_GROUP_MESSAGE */
	refused_with(37, 0x4a); /* Envelope field 9 instead of 8: no content */
	/* Only the type: no request. */
	assert_int_equal(scl_envelope_unwrap((const uint8_t *)"\x08\x01", 2, &ct, &ct_len, &ts),
			 -EBADMSG);
	/* A raw Session ciphertext as snode-cli stored before (no wrapping). */
	assert_int_equal(scl_envelope_unwrap((const uint8_t *)"\xff\xfe\xfd", 3, &ct, &ct_len, &ts),
			 -EBADMSG);
	assert_null(ct);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wraps_like_the_reference),
		cmocka_unit_test(unwraps_the_reference),
		cmocka_unit_test(refuses_other_messages),
		cmocka_unit_test(empty_content),
	};

	return cmocka_run_group_tests_name("client_envelope", tests, NULL, NULL);
}
