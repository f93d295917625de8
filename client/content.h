/* SPDX-License-Identifier: MIT */
/*
 * Session's protobuf Content for a one-to-one text message (client/proto/session.proto):
 * Content{dataMessage{body, syncTarget?}, sigTimestamp}. This is the plaintext a Session
 * client pads and encrypts (facts doc 5.1); the apps display `body`. A sync copy (the one a
 * sender stores in its own inbox for its other devices) names the recipient in syncTarget.
 */
#ifndef SCL_CONTENT_H
#define SCL_CONTENT_H

#include <stddef.h>
#include <stdint.h>

enum {
	SCL_CONTENT_TEXT_MAX = 65536,	 /* bytes of body snode-cli writes or shows */
	SCL_CONTENT_SESSION_ID_LEN = 66, /* hex characters of a 05 Session ID */
};

/* A decoded text message; strings are NUL-terminated and owned by it. */
struct scl_text_msg {
	char *text;
	char *sync_target;	   /* NULL when not a sync copy */
	uint64_t sig_timestamp_ms; /* 0 when absent */
};

/* Serialises the Content of a text; *out is malloc'd. sync_target may be NULL.
 * -EINVAL: text longer than SCL_CONTENT_TEXT_MAX or not UTF-8, or a sync target that is
 * not 05 + 64 lower-case hex digits; -ENOMEM. */
int scl_content_encode_text(const char *text, const char *sync_target, uint64_t sent_ms,
			    uint8_t **out, size_t *out_len);

/* Parses Content bytes (unpadded) into m. -EBADMSG: not a Content, or a Content without
 * dataMessage.body (another kind of message: typing, receipt, call...), a body that is not
 * UTF-8, holds a NUL byte or is over SCL_CONTENT_TEXT_MAX, or a bad syncTarget; -ENOMEM.
 * The plaintext copies are wiped when freed. */
int scl_content_decode_text(const uint8_t *buf, size_t len, struct scl_text_msg *m);

void scl_text_msg_free(struct scl_text_msg *m);

#endif
