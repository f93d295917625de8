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

/* Sealed by tests/tools/msg_reference.py (random ephemeral keys, so only opening is checked);
 * ID(n) is the Session ID of the seed n*32, all sent at 1700000000123:
 * session-wire-seal 01*32 ID(2) "hello from the reference" ... 7: a message to ID(2). */
static const char ref_to_2[] =
	"CAES1gIKA1BVVBIPL2FwaS92MS9tZXNzYWdlGrsCCAYo+9CV/7wxQq8C/YogjGeDfwW2oHiTo05mpdvN"
	"83kwmTU+FOJFU4HQdXlAd/zMrFeq4dxytlHnmgxAEr5h9a7c4i+LwLTeG/4XcQF6QU8fgBl6PDg8mGFq"
	"EF71L3w7EzpngQmshtQorCiLE+h3fLYm7OQaGxeUi8a8zZ41iVOa4K3mWn5prk37VU9lvPk7/R0CE2cX"
	"akeuEmeUh+S5qEH+6jiSXknsghdQytJMRVDIXr8IujME78sNIqkMtkOm1i5Yk40uoJOW+Uels+Y5lQXP"
	"4L2yPRiaX/d68783S7ti5dgHfCYA4nZzkmqJaLDS3+YEQQhy4Dc+P5k7WBWAIz812VHCjrm4C6xQ8gOY"
	"AhH5LOl9Qr3Q4Oemo1ChQoeb1wfo5p4JvFs76Na2SaKNfEh8w9p9IgzPdZ8pIAc=";
/* session-wire-seal 01*32 ID(1) "hello from the reference" ... 8 ID(2): ID(1)'s sync copy of
 * it, in ID(1)'s own inbox. */
static const char ref_sync_1[] =
	"CAES1gIKA1BVVBIPL2FwaS92MS9tZXNzYWdlGrsCCAYo+9CV/7wxQq8CVF9MTglYuXdO9naSYAPCtUvO"
	"oL4GlUCuGZezceWhJU1QU2kQ+vPYPVTHo96SOjxn7DbSR2/CJ7ZAd6EGc7iFT3abYdFNhw7bn2sQSBEX"
	"G/xJ7c8nGJ7EDhx/PTl2bq9SfrM3CKcoYveG7OudfYAx3Tnd+Vr9kT+/JHgWZvXTsGVBMf8885WzqPff"
	"Rb00+p1zP1L4OsJb0RLCG4AOpZ8Th3W2Ul5lIJjX6vqA4McJce/Gfw64ONN9MOHxOp2KOAGsuhez9/mv"
	"A9NMiQGucOl9m2S6b337WYv2IsCzdx5yJGxx6ZscXXiLih8E+MQR8kPNFL/eRMxz/a6hpOk+TnDlt/Ug"
	"ps0wa1JQ0GMHMRSiOU2ji/Qw16RAoHx5h2++SFRtsV+S4BEOk4cmokMoXOu5IAg=";
/* session-wire-seal 01*32 ID(2) "hello from the reference" ... 7 ID(1): a "sync copy" sent
 * to someone else (must be refused: only the account itself writes its sync copies). */
static const char ref_foreign_sync[] =
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

/* Opens b64 as the account of seed tag; the open's result. */
static int
open_as(uint8_t tag, const char *b64, struct scl_text_msg *m, struct scl_session_text_meta *meta)
{
	struct snc_identity id;
	size_t len;
	uint8_t *buf = from_b64(b64, &len);
	int rc;

	ident(&id, tag);
	rc = scl_session_text_open(&id, buf, len, m, meta);
	free(buf);
	return rc;
}

static void
session_id_hex(uint8_t tag, uint8_t sid[33], char hex[67])
{
	struct snc_identity id;

	ident(&id, tag);
	snc_identity_session_id(&id, sid);
	sodium_bin2hex(hex, 67, sid, 33);
}

static void
opens_the_reference(void **state)
{
	uint8_t sid1[33], sid2[33];
	char hex1[67], hex2[67];
	struct scl_text_msg m;
	struct scl_session_text_meta meta;

	(void)state;
	session_id_hex(1, sid1, hex1);
	session_id_hex(2, sid2, hex2);
	assert_int_equal(open_as(2, ref_to_2, &m, &meta), 0);
	assert_string_equal(m.text, "hello from the reference");
	assert_null(m.sync_target);
	assert_memory_equal(meta.sender, sid1, 33);
	assert_int_equal(meta.sent_ms, 1700000000123ULL);
	scl_text_msg_free(&m);
	assert_int_equal(open_as(1, ref_to_2, &m, &meta), -EACCES); /* not for ID(1) */
	assert_int_equal(open_as(1, ref_sync_1, &m, &meta), 0);
	assert_string_equal(m.text, "hello from the reference");
	assert_string_equal(m.sync_target, hex2);
	assert_memory_equal(meta.sender, sid1, 33);
	scl_text_msg_free(&m);
	assert_int_equal(open_as(2, ref_foreign_sync, &m, &meta), -EPERM);
	assert_null(m.text);
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
	assert_string_equal(scl_session_text_error(-EPERM), "foreign-sync");
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
