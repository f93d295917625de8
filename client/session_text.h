/* SPDX-License-Identifier: MIT */
/*
 * One-to-one Session text messages as the apps store and read them (facts doc 5.1):
 * Content (client/content.h) -> padded -> Session-encrypted to the recipient -> wrapped in
 * an Envelope and a WebSocketMessage (client/envelope.h). The stored `data` is the base64
 * of what seal writes. Open undoes each step and names the one that failed.
 */
#ifndef SCL_SESSION_TEXT_H
#define SCL_SESSION_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "identity.h"

/* Seals text (and a sync target, or NULL) to recipient (33 bytes, 05 prefix), sent at
 * sent_ms (the envelope timestamp and the Content's sigTimestamp). *out is malloc'd.
 * -EINVAL (see scl_content_encode_text), -EKEYREJECTED (unusable recipient key), -ENOMEM. */
int scl_session_text_seal(const struct snc_identity *sender, const uint8_t recipient[33],
			  const char *text, const char *sync_target, uint64_t sent_ms,
			  uint8_t **out, size_t *out_len);

/* What open found, beyond the text. */
struct scl_session_text_meta {
	uint8_t sender[33]; /* the verified sender's Session ID (05 + X25519) */
	uint64_t sent_ms;   /* the envelope's timestamp */
};

/* Opens stored bytes (base64-decoded `data`) addressed to recipient. Errors:
 * -EPROTO   not Session's wrapping (no WebSocketMessage/Envelope of a one-to-one message)
 * -EACCES   does not decrypt for this account, or the sender's signature is invalid
 * -EBADMSG  decrypts, but is not a text message (another Content kind, or bad padding)
 * -ETIME    the Content's sigTimestamp differs from the envelope's timestamp
 * -EPERM    a sync copy (syncTarget set) from another account than recipient itself
 * -ENOMEM */
int scl_session_text_open(const struct snc_identity *recipient, const uint8_t *buf, size_t len,
			  struct scl_text_msg *msg, struct scl_session_text_meta *meta);

/* A short name of an open error ("not-session", "undecryptable", "not-text",
 * "timestamp-mismatch", "foreign-sync", "no-memory"). */
const char *scl_session_text_error(int rc);

#endif
