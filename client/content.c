/* SPDX-License-Identifier: MIT */
/* Session's protobuf Content for text messages, through protobuf-c (client/proto). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "session.pb-c.h"

static int
pack_content(const Signalservice__Content *c, uint8_t **out, size_t *out_len)
{
	size_t n = signalservice__content__get_packed_size(c);

	*out = malloc(n > 0 ? n : 1);
	if (*out == NULL)
		return -ENOMEM;
	*out_len = signalservice__content__pack(c, *out);
	return 0;
}

static bool
session_id_ok(const char *s)
{
	size_t i;

	if (strlen(s) != SCL_CONTENT_SESSION_ID_LEN)
		return false;
	for (i = 0; i < SCL_CONTENT_SESSION_ID_LEN; i++) {
		if (strchr("0123456789abcdef", s[i]) == NULL)
			return false;
	}
	return true;
}

int
scl_content_encode_text(const char *text, const char *sync_target, uint64_t sent_ms, uint8_t **out,
			size_t *out_len)
{
	Signalservice__Content c = SIGNALSERVICE__CONTENT__INIT;
	Signalservice__DataMessage d = SIGNALSERVICE__DATA_MESSAGE__INIT;

	if (strlen(text) > SCL_CONTENT_TEXT_MAX ||
	    (sync_target != NULL && !session_id_ok(sync_target)))
		return -EINVAL;
	/* protobuf-c takes char * for strings pack only reads. */
	d.body = (char *)(uintptr_t)text;
	d.synctarget = (char *)(uintptr_t)sync_target;
	c.datamessage = &d;
	/* libsession: the envelope's sent timestamp must match the Content's sigTimestamp. */
	c.has_sigtimestamp = true;
	c.sigtimestamp = sent_ms;
	return pack_content(&c, out, out_len);
}

static char *
dup_string(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
scl_content_decode_text(const uint8_t *buf, size_t len, struct scl_text_msg *m)
{
	Signalservice__Content *c;
	const Signalservice__DataMessage *d;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	/* NULL: malformed (or out of memory: protobuf-c does not tell them apart). */
	c = signalservice__content__unpack(NULL, len, buf);
	if (c == NULL)
		return -EBADMSG;
	d = c->datamessage;
	/* protobuf-c NUL-terminates strings; an embedded NUL would truncate what is shown. */
	if (d == NULL || d->body == NULL || strlen(d->body) > SCL_CONTENT_TEXT_MAX ||
	    (d->synctarget != NULL && !session_id_ok(d->synctarget)))
		rc = -EBADMSG;
	if (rc == 0) {
		m->text = dup_string(d->body);
		m->sync_target = dup_string(d->synctarget);
		m->sig_timestamp_ms = c->has_sigtimestamp ? c->sigtimestamp : 0;
		if (m->text == NULL || (d->synctarget != NULL && m->sync_target == NULL))
			rc = -ENOMEM;
	}
	signalservice__content__free_unpacked(c, NULL);
	if (rc != 0)
		scl_text_msg_free(m);
	return rc;
}

void
scl_text_msg_free(struct scl_text_msg *m)
{
	free(m->text);
	free(m->sync_target);
	memset(m, 0, sizeof(*m));
}
