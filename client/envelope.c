/* SPDX-License-Identifier: MIT */
/* The Envelope / WebSocketMessage wrapping of stored one-to-one messages (protobuf-c). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "session.pb-c.h"

/* Not const: protobuf-c's structs take char * for what pack only reads. */
static char envelope_verb[] = "PUT";
static char envelope_path[] = "/api/v1/message";

int
scl_envelope_wrap(const uint8_t *ct, size_t ct_len, uint64_t sent_ms, uint64_t request_id,
		  uint8_t **out, size_t *out_len)
{
	Signalservice__Envelope e = SIGNALSERVICE__ENVELOPE__INIT;
	Signalservice__WebSocketRequestMessage r = SIGNALSERVICE__WEB_SOCKET_REQUEST_MESSAGE__INIT;
	Signalservice__WebSocketMessage w = SIGNALSERVICE__WEB_SOCKET_MESSAGE__INIT;
	size_t elen;
	uint8_t *ebuf;
	int rc = 0;

	e.type = SIGNALSERVICE__ENVELOPE__TYPE__SESSION_MESSAGE;
	e.timestamp = sent_ms;
	e.has_content = true;
	e.content.data = (uint8_t *)(uintptr_t)ct; /* only read by pack */
	e.content.len = ct_len;
	elen = signalservice__envelope__get_packed_size(&e);
	ebuf = malloc(elen);
	if (ebuf == NULL)
		return -ENOMEM;
	signalservice__envelope__pack(&e, ebuf);
	r.verb = envelope_verb;
	r.path = envelope_path;
	r.has_body = true;
	r.body.data = ebuf;
	r.body.len = elen;
	r.has_id = true;
	r.id = request_id;
	w.has_type = true;
	w.type = SIGNALSERVICE__WEB_SOCKET_MESSAGE__TYPE__REQUEST;
	w.request = &r;
	*out_len = signalservice__web_socket_message__get_packed_size(&w);
	*out = malloc(*out_len);
	if (*out == NULL)
		rc = -ENOMEM;
	else
		signalservice__web_socket_message__pack(&w, *out);
	free(ebuf);
	return rc;
}

/* The Envelope's content when it is a one-to-one Session message; NULL otherwise. */
static const ProtobufCBinaryData *
session_content(const Signalservice__Envelope *e)
{
	if (e->type != SIGNALSERVICE__ENVELOPE__TYPE__SESSION_MESSAGE || !e->has_content)
		return NULL;
	return &e->content;
}

int
scl_envelope_unwrap(const uint8_t *buf, size_t len, uint8_t **ct, size_t *ct_len, uint64_t *sent_ms)
{
	Signalservice__WebSocketMessage *w;
	Signalservice__Envelope *e = NULL;
	const ProtobufCBinaryData *content = NULL;
	int rc = -EBADMSG;

	w = signalservice__web_socket_message__unpack(NULL, len, buf);
	if (w != NULL && w->has_type &&
	    w->type == SIGNALSERVICE__WEB_SOCKET_MESSAGE__TYPE__REQUEST && w->request != NULL &&
	    w->request->has_body)
		e = signalservice__envelope__unpack(NULL, w->request->body.len,
						    w->request->body.data);
	if (e != NULL)
		content = session_content(e);
	if (content != NULL) {
		*ct = malloc(content->len > 0 ? content->len : 1);
		rc = *ct == NULL ? -ENOMEM : 0;
	}
	if (rc == 0) {
		if (content->len > 0) /* protobuf-c leaves data NULL for an empty field */
			memcpy(*ct, content->data, content->len);
		*ct_len = content->len;
		*sent_ms = e->timestamp;
	}
	if (e != NULL)
		signalservice__envelope__free_unpacked(e, NULL);
	if (w != NULL)
		signalservice__web_socket_message__free_unpacked(w, NULL);
	return rc;
}
