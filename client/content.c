/* SPDX-License-Identifier: MIT */
/* Session's protobuf Content for text messages, through protobuf-c (client/proto). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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
session_id_ok(const uint8_t *s, size_t len)
{
	if (len != SCL_CONTENT_SESSION_ID_LEN || s[0] != '0' || s[1] != '5')
		return false;
	for (size_t i = 2; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* Length of the UTF-8 sequence that starts with lead, or 0 when lead cannot start one. */
static size_t
utf8_seq_len(uint8_t lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/* Well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points past U+10FFFF)
 * without NUL: what a text a person reads may hold. */
static bool
text_ok(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(s[i]);
		uint32_t cp = n == 1 ? s[i] : s[i] & (0xff >> (n + 1));

		if (n == 0 || n > len - i || (n == 1 && s[i] == 0))
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += n;
	}
	return true;
}

int
scl_content_encode_text(const char *text, const char *sync_target, uint64_t sent_ms, uint8_t **out,
			size_t *out_len)
{
	Signalservice__Content c = SIGNALSERVICE__CONTENT__INIT;
	Signalservice__DataMessage d = SIGNALSERVICE__DATA_MESSAGE__INIT;
	size_t len = strlen(text);

	if (len > SCL_CONTENT_TEXT_MAX || !text_ok((const uint8_t *)text, len) ||
	    (sync_target != NULL &&
	     !session_id_ok((const uint8_t *)sync_target, strlen(sync_target))))
		return -EINVAL;
	/* protobuf-c takes non-const pointers for what pack only reads. */
	d.has_body = true;
	d.body.data = (uint8_t *)(uintptr_t)text;
	d.body.len = len;
	if (sync_target != NULL) {
		d.has_synctarget = true;
		d.synctarget.data = (uint8_t *)(uintptr_t)sync_target;
		d.synctarget.len = strlen(sync_target);
	}
	c.datamessage = &d;
	/* libsession: the envelope's sent timestamp must match the Content's sigTimestamp. */
	c.has_sigtimestamp = true;
	c.sigtimestamp = sent_ms;
	return pack_content(&c, out, out_len);
}

/* A NUL-terminated copy of b; NULL when out of memory. */
static char *
dup_bytes(const ProtobufCBinaryData *b)
{
	char *s = malloc(b->len + 1);

	if (s != NULL) {
		if (b->len > 0)
			memcpy(s, b->data, b->len);
		s[b->len] = '\0';
	}
	return s;
}

/* The text fields of a decoded DataMessage, or -EBADMSG. */
static int
read_text(const Signalservice__DataMessage *d, struct scl_text_msg *m)
{
	if (d == NULL || !d->has_body || d->body.len > SCL_CONTENT_TEXT_MAX ||
	    !text_ok(d->body.data, d->body.len) ||
	    (d->has_synctarget && !session_id_ok(d->synctarget.data, d->synctarget.len)))
		return -EBADMSG;
	m->text = dup_bytes(&d->body);
	if (d->has_synctarget)
		m->sync_target = dup_bytes(&d->synctarget);
	if (m->text == NULL || (d->has_synctarget && m->sync_target == NULL))
		return -ENOMEM;
	return 0;
}

int
scl_content_decode_text(const uint8_t *buf, size_t len, struct scl_text_msg *m)
{
	Signalservice__Content *c;
	int rc;

	memset(m, 0, sizeof(*m));
	/* NULL: malformed (or out of memory: protobuf-c does not tell them apart). */
	c = signalservice__content__unpack(NULL, len, buf);
	if (c == NULL)
		return -EBADMSG;
	rc = read_text(c->datamessage, m);
	if (rc == 0)
		m->sig_timestamp_ms = c->has_sigtimestamp ? c->sigtimestamp : 0;
	/* The decoded copy holds the plaintext: wiped before protobuf-c frees it. */
	if (c->datamessage != NULL && c->datamessage->has_body)
		sodium_memzero(c->datamessage->body.data, c->datamessage->body.len);
	signalservice__content__free_unpacked(c, NULL);
	if (rc != 0)
		scl_text_msg_free(m);
	return rc;
}

void
scl_text_msg_free(struct scl_text_msg *m)
{
	if (m->text != NULL)
		sodium_memzero(m->text, strlen(m->text));
	free(m->text);
	free(m->sync_target);
	memset(m, 0, sizeof(*m));
}
