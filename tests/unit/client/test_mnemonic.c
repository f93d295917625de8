/* SPDX-License-Identifier: MIT */
/* Session recovery phrases: upstream known answers, round trips and every way a phrase fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "identity.h"
#include "mnemonic.h"
#include "snc.h"

static const char puffin[] =
	"puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger kiwi";

/* Known answer of @session.js/mnemonic's README (session-desktop's algorithm). */
static void
test_known_answer(void **state)
{
	uint8_t seed[16], want[16];
	char phrase[SCL_MNEMONIC_PHRASE_MAX];
	struct scl_error err = {0};

	(void)state;
	sodium_hex2bin(want, 16, "39038c8988db02c1af44e8c847bd9713", 32, NULL, NULL, NULL);
	scl_mnemonic_encode(want, phrase);
	assert_string_equal(phrase, puffin);
	assert_int_equal(scl_mnemonic_decode(puffin, seed, &err), 0);
	assert_memory_equal(seed, want, 16);
}

/* Session IDs of two upstream phrases (@session.js tests): the seed is zero-extended. */
static void
test_session_ids(void **state)
{
	static const struct {
		const char *word, *sid;
	} v[] = {
		{"session", "0512742fb4ac033a8a33f5776aa0e7e88f35f7af9f65dee31e57fbc7d6f8664b12"},
		{"love", "053db493811f729da20289e31498b8fe2b28edc90358cd3ec11a6b12ac1b9fb818"},
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char phrase[256] = "", hex[67];
		uint8_t s16[16], seed[32], sid[33];
		struct snc_identity id;
		struct scl_error err = {0};

		for (int k = 0; k < 13; k++)
			snprintf(phrase + strlen(phrase), sizeof(phrase) - strlen(phrase), "%s%s",
				 k ? " " : "", v[i].word);
		assert_int_equal(scl_mnemonic_decode(phrase, s16, &err), 0);
		scl_mnemonic_ed25519_seed(s16, seed);
		assert_int_equal(snc_identity_from_seed(&id, seed), 0);
		snc_identity_session_id(&id, sid);
		sodium_bin2hex(hex, sizeof(hex), sid, 33);
		assert_string_equal(hex, v[i].sid);
	}
}

static void
test_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint8_t seed[16], back[16];
		char phrase[SCL_MNEMONIC_PHRASE_MAX];
		struct scl_error err = {0};

		randombytes_buf(seed, 16);
		if (i == 0)
			memset(seed, 0, 16);
		if (i == 1)
			memset(seed, 0xff, 16);
		scl_mnemonic_encode(seed, phrase);
		assert_true(strlen(phrase) < SCL_MNEMONIC_PHRASE_MAX);
		assert_int_equal(scl_mnemonic_decode(phrase, back, &err), 0);
		assert_memory_equal(seed, back, 16);
	}
}

/* The list: 1626 words, sorted, distinct 3-letter prefixes (the decoder searches them). */
static void
test_word_list(void **state)
{
	(void)state;
	for (int i = 1; i < SCL_MNEMONIC_WORDS; i++)
		assert_true(strncmp(scl_mnemonic_words[i - 1], scl_mnemonic_words[i], 3) < 0);
}

static void
expect_fail(const char *phrase, const char *msg)
{
	uint8_t seed[16];
	struct scl_error err = {0};

	assert_int_equal(scl_mnemonic_decode(phrase, seed, &err), -1);
	assert_int_equal(err.code, SCL_E_PHRASE);
	assert_non_null(strstr(err.msg, msg));
}

static void
test_bad_phrases(void **state)
{
	char buf[SCL_MNEMONIC_INPUT_MAX + 2];

	(void)state;
	expect_fail("", "not 0");
	expect_fail("puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia "
		    "zinger",
		    "not 12");
	expect_fail("puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia "
		    "zinger "
		    "kiwi kiwi",
		    "more than 13");
	expect_fail("puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia "
		    "zinger "
		    "zinger",
		    "checksum");
	expect_fail(
		"puffin luxury xyzzy rustled memoir faxed smidgen puddle kiwi nylon utopia zinger "
		"kiwi",
		"word 3");
	expect_fail("pu luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia "
		    "zinger kiwi",
		    "word 1");
	/* zoom zoom zoom: 1625 + 1626 * 0 + ... fits; "zoom abbey abbey" wraps past 2^32 */
	expect_fail("zoom abbey zoom zoom zoom zoom zoom zoom zoom zoom zoom zoom zoom",
		    "do not decode");
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	expect_fail(buf, "too long");
	expect_fail(NULL, "missing");
}

/* Session reads any case and any spacing, and only the first 3 letters of a word. */
static void
test_lenient_input(void **state)
{
	uint8_t seed[16], want[16];
	struct scl_error err = {0};

	(void)state;
	sodium_hex2bin(want, 16, "39038c8988db02c1af44e8c847bd9713", 32, NULL, NULL, NULL);
	assert_int_equal(
		scl_mnemonic_decode("  PUFFIN luxury\tannoyed\nrustled memoir faxed smidgen "
				    "puddle kiwi nylon utopia zinger kiwi  ",
				    seed, &err),
		0);
	assert_memory_equal(seed, want, 16);
	assert_int_equal(scl_mnemonic_decode("puf lux ann rus mem fax smi pud kiw nyl uto zin kiw",
					     seed, &err),
			 0);
	assert_memory_equal(seed, want, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer), cmocka_unit_test(test_session_ids),
		cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_word_list),
		cmocka_unit_test(test_bad_phrases),  cmocka_unit_test(test_lenient_input),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests_name("mnemonic", tests, NULL, NULL);
}
