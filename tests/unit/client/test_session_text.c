/* SPDX-License-Identifier: MIT */
/* Seal and open of one-to-one Session text messages: a message sealed by the independent
 * builder (tests/tools/msg_reference.py session-wire-seal) opens here, our own round trip,
 * and each open error named by the step that failed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "content.h"
#include "envelope.h"
#include "session_msg.h"
#include "session_text.h"
#include "snc.h"

/* msg_reference.py session-wire-seal 01*32 <Session ID of seed 02*32> "hello from the
 * reference" 1700000000123 7 <Session ID of seed 01*32>: random ephemeral key, so only
 * opening it is checked. */
static const char ref_b64[] =
	"CAES1gIKA1BVVBIPL2FwaS92MS9tZXNzYWdlGrsCCAYo+9CV/7wxQq8CJgr3zfDWsYEvS9Ec5wRcBxu/"
	"INHjl8yTfn0ydiyS4BsIvYY+hynM9GFZ1z3VV626vZT0o2XHiKkzhFVWJYg6rcDjCjudBGZPW7mQjU9S"
	"Hj1qLMk5X4215Na1lW6liiiiMv4UxYHG3O9IO/bu/+nRctvu5uLMkIq8flsHD7Z9FUf4xE5AtL4VFNGu"
	"nkSTye3sT4pCRxF6AfwthXDwk/ZS4YJ5YaeO2SDefxODE5+95BePVxbtpgs5DxszAq562MpkILhEvlfp"
	"zB/C+dEacpGzSCWfgLR/u4cbccMlhzxVya2qn2t9vrAqSwQ1b0vIfLdddANnhewafgjrYLfXjB419tcq"
	"qjpT0CQtaRkqHaXRu7DmG5AQnsakUZ0Rfv4SrN0210k+0dBu9SE73NRhx692IAc=";

static void
ident(struct snc_identity *id, uint8_t tag)
{
	uint8_t seed[32];

	memset(seed, tag, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

static uint8_t *
from_b64(const char *b64, size_t *len)
{
	uint8_t *out = malloc(strlen(b64));

	assert_int_equal(sodium_base642bin(out, strlen(b64), b64, strlen(b64), NULL, len, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	return out;
}

static void
opens_the_reference(void **state)
{
	struct snc_identity alice, bob;
	uint8_t alice_sid[33], *buf;
	char alice_hex[67];
	size_t len;
	struct scl_text_msg m;
	struct scl_session_text_meta meta;

	(void)state;
	ident(&alice, 1);
	ident(&bob, 2);
	snc_identity_session_id(&alice, alice_sid);
	sodium_bin2hex(alice_hex, sizeof(alice_hex), alice_sid, 33);
	buf = from_b64(ref_b64, &len);
	assert_int_equal(scl_session_text_open(&bob, buf, len, &m, &meta), 0);
	assert_string_equal(m.text, "hello from the reference");
	assert_string_equal(m.sync_target, alice_hex);
	assert_memory_equal(meta.sender, alice_sid, 33);
	assert_int_equal(meta.sent_ms, 1700000000123ULL);
	scl_text_msg_free(&m);
	/* Another account cannot open it. */
	assert_int_equal(scl_session_text_open(&alice, buf, len, &m, &meta), -EACCES);
	free(buf);
}

static void
round_trip(void **state)
{
	struct snc_identity alice, bob;
	uint8_t bob_sid[33], alice_sid[33], *buf;
	size_t len;
	struct scl_text_msg m;
	struct scl_session_text_meta meta;

	(void)state;
	ident(&alice, 3);
	ident(&bob, 4);
	snc_identity_session_id(&bob, bob_sid);
	snc_identity_session_id(&alice, alice_sid);
	assert_int_equal(scl_session_text_seal(&alice, bob_sid, "hi Bob", NULL, 42, &buf, &len), 0);
	assert_int_equal(scl_session_text_open(&bob, buf, len, &m, &meta), 0);
	assert_string_equal(m.text, "hi Bob");
	assert_null(m.sync_target);
	assert_int_equal(m.sig_timestamp_ms, 42);
	assert_int_equal(meta.sent_ms, 42);
	assert_memory_equal(meta.sender, alice_sid, 33);
	scl_text_msg_free(&m);
	free(buf);
}

/* Content (sigTimestamp content_ms) -> padded -> encrypted -> wrapped with envelope_ms. */
static uint8_t *
seal_raw(const struct snc_identity *from, const uint8_t to[33], const uint8_t *content, size_t clen,
	 bool pad, uint64_t envelope_ms, size_t *len)
{
	uint8_t padded[512], ct[1024], *out;
	size_t plen = clen, ct_len;

	memcpy(padded, content, clen);
	if (pad)
		assert_int_equal(snc_session_msg_pad(content, clen, padded, sizeof(padded), &plen),
				 0);
	assert_int_equal(
		snc_session_msg_encrypt(from, to + 1, padded, plen, ct, sizeof(ct), &ct_len), 0);
	assert_int_equal(scl_envelope_wrap(ct, ct_len, envelope_ms, 1, &out, len), 0);
	return out;
}

static void
names_each_failure(void **state)
{
	/* Content{6: TypingMessage{1: 5, 2: 0}} */
	static const uint8_t typing[] = {0x32, 0x04, 0x08, 0x05, 0x10, 0x00};
	struct snc_identity alice, bob;
	uint8_t bob_sid[33], *content, *buf, ct[256];
	size_t clen, len, ct_len;
	struct scl_text_msg m;
	struct scl_session_text_meta meta;

	(void)state;
	ident(&alice, 5);
	ident(&bob, 6);
	snc_identity_session_id(&bob, bob_sid);
	assert_int_equal(scl_content_encode_text("when?", NULL, 1000, &content, &clen), 0);
	buf = seal_raw(&alice, bob_sid, content, clen, true, 1001, &len);
	assert_int_equal(scl_session_text_open(&bob, buf, len, &m, &meta), -ETIME);
	free(buf);
	buf = seal_raw(&alice, bob_sid, content, clen, false, 1000, &len); /* no 0x80 marker */
	assert_int_equal(scl_session_text_open(&bob, buf, len, &m, &meta), -EBADMSG);
	free(buf);
	buf = seal_raw(&alice, bob_sid, typing, sizeof(typing), true, 1000, &len);
	assert_int_equal(scl_session_text_open(&bob, buf, len, &m, &meta), -EBADMSG);
	free(buf);
	/* A bare Session ciphertext (no Envelope): what snode-cli stored before. */
	assert_int_equal(snc_session_msg_encrypt(&alice, bob_sid + 1, content, clen, ct, sizeof(ct),
						 &ct_len),
			 0);
	assert_int_equal(scl_session_text_open(&bob, ct, ct_len, &m, &meta), -EPROTO);
	assert_null(m.text);
	free(content);
	assert_string_equal(scl_session_text_error(-EPROTO), "not-session");
	assert_string_equal(scl_session_text_error(-EACCES), "undecryptable");
	assert_string_equal(scl_session_text_error(-EBADMSG), "not-text");
	assert_string_equal(scl_session_text_error(-ETIME), "timestamp-mismatch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opens_the_reference),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(names_each_failure),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("client_session_text", tests, NULL, NULL);
}
