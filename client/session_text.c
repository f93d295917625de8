/* SPDX-License-Identifier: MIT */
/* Seal and open of one-to-one text messages: content, padding, encryption, wrapping. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "envelope.h"
#include "session_msg.h"
#include "session_text.h"

/* Content -> padded -> encrypted; *ct malloc'd. */
static int
encrypt_content(const struct snc_identity *sender, const uint8_t recipient[33],
		const uint8_t *content, size_t len, uint8_t **ct, size_t *ct_len)
{
	size_t plen = snc_session_msg_padded_len(len), cap = snc_session_msg_ciphertext_len(plen);
	uint8_t *padded = malloc(plen);
	int rc = -ENOMEM;

	*ct = malloc(cap);
	if (padded != NULL && *ct != NULL)
		rc = snc_session_msg_pad(content, len, padded, plen, &plen);
	if (rc == 0)
		rc = snc_session_msg_encrypt(sender, recipient + 1, padded, plen, *ct, cap, ct_len);
	if (padded != NULL)
		sodium_memzero(padded, plen);
	free(padded);
	if (rc != 0) {
		free(*ct);
		*ct = NULL;
	}
	return rc;
}

int
scl_session_text_seal(const struct snc_identity *sender, const uint8_t recipient[33],
		      const char *text, const char *sync_target, uint64_t sent_ms, uint8_t **out,
		      size_t *out_len)
{
	uint8_t *content = NULL, *ct = NULL;
	size_t content_len = 0, ct_len = 0;
	uint64_t request_id;
	int rc;

	rc = scl_content_encode_text(text, sync_target, sent_ms, &content, &content_len);
	if (rc == 0)
		rc = encrypt_content(sender, recipient, content, content_len, &ct, &ct_len);
	if (rc == 0) {
		randombytes_buf(&request_id, sizeof(request_id));
		rc = scl_envelope_wrap(ct, ct_len, sent_ms, request_id, out, out_len);
	}
	if (content != NULL)
		sodium_memzero(content, content_len);
	free(content);
	free(ct);
	return rc;
}

/* A sync copy is only believed from the account itself: the apps drop one "from someone
 * else than me", else anyone could make a message look sent by this account. */
static bool
sync_from_self(const struct snc_identity *recipient, const uint8_t sender[33])
{
	uint8_t self[33];

	snc_identity_session_id(recipient, self);
	return memcmp(self, sender, sizeof(self)) == 0;
}

/* Decrypted, unpadded Content -> msg; the sigTimestamp must be the envelope's. */
static int
read_content(const struct snc_identity *recipient, const uint8_t *pt, size_t pt_len,
	     const struct scl_session_text_meta *meta, struct scl_text_msg *msg)
{
	size_t len;
	int rc;

	if (snc_session_msg_unpad(pt, pt_len, &len) != 0)
		return -EBADMSG;
	rc = scl_content_decode_text(pt, len, msg);
	if (rc == 0 && msg->sig_timestamp_ms != 0 && msg->sig_timestamp_ms != meta->sent_ms)
		rc = -ETIME;
	if (rc == 0 && msg->sync_target != NULL && !sync_from_self(recipient, meta->sender))
		rc = -EPERM;
	if (rc != 0)
		scl_text_msg_free(msg);
	return rc;
}

int
scl_session_text_open(const struct snc_identity *recipient, const uint8_t *buf, size_t len,
		      struct scl_text_msg *msg, struct scl_session_text_meta *meta)
{
	uint8_t *ct = NULL, *pt = NULL, sender_ed[32];
	size_t ct_len = 0, pt_len = 0;
	int rc;

	memset(msg, 0, sizeof(*msg));
	rc = scl_envelope_unwrap(buf, len, &ct, &ct_len, &meta->sent_ms);
	if (rc == -EBADMSG)
		return -EPROTO;
	if (rc != 0)
		return rc;
	pt = malloc(ct_len > 0 ? ct_len : 1);
	if (pt == NULL)
		rc = -ENOMEM;
	else if (snc_session_msg_decrypt(recipient, ct, ct_len, pt, ct_len, &pt_len, sender_ed,
					 meta->sender) != 0)
		rc = -EACCES;
	else
		rc = read_content(recipient, pt, pt_len, meta, msg);
	if (pt != NULL)
		sodium_memzero(pt, ct_len);
	free(pt);
	free(ct);
	return rc;
}

const char *
scl_session_text_error(int rc)
{
	switch (rc) {
	case -EPROTO:
		return "not-session";
	case -EACCES:
		return "undecryptable";
	case -EBADMSG:
		return "not-text";
	case -ETIME:
		return "timestamp-mismatch";
	case -EPERM:
		return "foreign-sync";
	case -ENOMEM:
		return "no-memory";
	default:
		return "error";
	}
}
