/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the Session message formats of libsnclient on any bytes (client/content.h,
 * envelope.h, session_text.h). The first byte picks: 0 Content decode (what decodes must
 * encode and decode back the same), 1 unwrap (what unwraps must wrap and unwrap back the
 * same), 2 open as stored data, 3 the rest taken as a Content that a fixed sender pads,
 * encrypts and wraps, then opened (reaches the Content decoder after decryption). Nothing
 * may crash, leak or read past its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "envelope.h"
#include "session_msg.h"
#include "session_text.h"
#include "snc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snc_identity sender, recipient;
static uint8_t recipient_sid[33];

static void
content_round_trip(const uint8_t *data, size_t size)
{
	struct scl_text_msg m, back;
	uint8_t *buf;
	size_t len;

	if (scl_content_decode_text(data, size, &m) != 0)
		return;
	if (scl_content_encode_text(m.text, m.sync_target, m.sig_timestamp_ms, &buf, &len) != 0)
		abort();
	if (scl_content_decode_text(buf, len, &back) != 0 || strcmp(back.text, m.text) != 0)
		abort();
	scl_text_msg_free(&back);
	scl_text_msg_free(&m);
	free(buf);
}

static void
envelope_round_trip(const uint8_t *data, size_t size)
{
	uint8_t *ct, *buf, *ct2;
	size_t ct_len, len, ct2_len;
	uint64_t ts, ts2;

	if (scl_envelope_unwrap(data, size, &ct, &ct_len, &ts) != 0)
		return;
	if (scl_envelope_wrap(ct, ct_len, ts, 1, &buf, &len) != 0 ||
	    scl_envelope_unwrap(buf, len, &ct2, &ct2_len, &ts2) != 0 || ct2_len != ct_len ||
	    memcmp(ct, ct2, ct_len) != 0 || ts2 != ts)
		abort();
	free(ct);
	free(ct2);
	free(buf);
}

static void
open_one(const uint8_t *data, size_t size)
{
	struct scl_text_msg m;
	struct scl_session_text_meta meta;

	if (scl_session_text_open(&recipient, data, size, &m, &meta) == 0)
		scl_text_msg_free(&m);
}

/* data as a Content, sealed as a client would (padding, encryption, wrapping), then opened. */
static void
open_sealed_content(const uint8_t *data, size_t size)
{
	size_t plen = snc_session_msg_padded_len(size), cap = snc_session_msg_ciphertext_len(plen);
	uint8_t *padded = malloc(plen), *ct = malloc(cap), *buf = NULL;
	size_t ct_len, len;

	if (snc_session_msg_pad(data, size, padded, plen, &plen) == 0 &&
	    snc_session_msg_encrypt(&sender, recipient_sid + 1, padded, plen, ct, cap, &ct_len) ==
		    0 &&
	    scl_envelope_wrap(ct, ct_len, 1, 1, &buf, &len) == 0)
		open_one(buf, len);
	free(padded);
	free(ct);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t seed[32];

	if (!ready) {
		ready = snc_init() == 0 ? 1 : -1;
		memset(seed, 1, sizeof(seed));
		snc_identity_from_seed(&sender, seed);
		memset(seed, 2, sizeof(seed));
		snc_identity_from_seed(&recipient, seed);
		snc_identity_session_id(&recipient, recipient_sid);
	}
	if (ready < 0 || size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		content_round_trip(data + 1, size - 1);
		break;
	case 1:
		envelope_round_trip(data + 1, size - 1);
		break;
	case 2:
		open_one(data + 1, size - 1);
		break;
	default:
		open_sealed_content(data + 1, size - 1);
	}
	return 0;
}
