/* SPDX-License-Identifier: MIT */
/*
 * The wrapping Session clients put around a one-to-one message before `store` (facts doc
 * 5.1): WebSocketMessage{type REQUEST, request: WebSocketRequestMessage{verb "PUT", path
 * "/api/v1/message", body: Envelope{type SESSION_MESSAGE, timestamp, content}, id}}. The
 * stored `data` is the base64 of these bytes; `content` is the Session-encrypted Content.
 */
#ifndef SCL_ENVELOPE_H
#define SCL_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

/* Wraps ciphertext; request_id is the WebSocketRequestMessage id (the apps draw it at
 * random). *out is malloc'd. -ENOMEM. */
int scl_envelope_wrap(const uint8_t *ct, size_t ct_len, uint64_t sent_ms, uint64_t request_id,
		      uint8_t **out, size_t *out_len);

/* Unwraps: *ct (malloc'd) and the envelope's timestamp. -EBADMSG: not a WebSocketMessage
 * REQUEST with a body, or an Envelope that is not SESSION_MESSAGE or has no content;
 * -ENOMEM. */
int scl_envelope_unwrap(const uint8_t *buf, size_t len, uint8_t **ct, size_t *ct_len,
			uint64_t *sent_ms);

#endif
