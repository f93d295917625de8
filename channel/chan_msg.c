/* SPDX-License-Identifier: MIT */
#include "chan_msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chan_le.h"

void
chan_hdr_encode(const struct chan_hdr *h, uint8_t out[CHAN_HDR_BYTES])
{
	out[0] = h->version;
	out[1] = h->type;
	chan_put_le(out + 2, h->flags, 2);
	chan_put_le(out + 4, h->body_len, 4);
	chan_put_le(out + 8, h->ref.label, 8);
	chan_put_le(out + 16, h->ref.ip, 4);
	chan_put_le(out + 20, h->ref.port, 2);
	chan_put_le(out + 22, h->ref.worker, 2);
}

static bool
type_known(uint8_t t)
{
	return t == CHAN_HELLO || t == CHAN_REQUEST || t == CHAN_REPLY || t == CHAN_DIRECT ||
	       t == CHAN_ENTRY || t == CHAN_ENTRY_REPLY || t == CHAN_NODES;
}

int
chan_hdr_decode(const uint8_t *msg, size_t len, struct chan_hdr *h, const uint8_t **body)
{
	if (len < CHAN_HDR_BYTES || len > CHAN_MSG_MAX)
		return -EMSGSIZE;
	h->version = msg[0];
	h->type = msg[1];
	h->flags = (uint16_t)chan_get_le(msg + 2, 2);
	h->body_len = (uint32_t)chan_get_le(msg + 4, 4);
	h->ref.label = chan_get_le(msg + 8, 8);
	h->ref.ip = (uint32_t)chan_get_le(msg + 16, 4);
	h->ref.port = (uint16_t)chan_get_le(msg + 20, 2);
	h->ref.worker = (uint16_t)chan_get_le(msg + 22, 2);
	if (h->version != CHAN_VERSION)
		return -EPROTO;
	if (h->body_len != len - CHAN_HDR_BYTES)
		return -EMSGSIZE;
	if (!type_known(h->type) || (h->flags & ~CHAN_FLAGS_KNOWN) != 0)
		return -EBADMSG;
	if (h->type == CHAN_HELLO && (h->flags != 0 || h->body_len != 32))
		return -EBADMSG;
	if (h->type == CHAN_DIRECT && (h->flags != 0 || h->body_len < CHAN_DIRECT_PEER_BYTES))
		return -EBADMSG;
	/* one datagram each: an ENTRY's blob fits a cell, an ENTRY_REPLY carries one cell */
	if (h->type == CHAN_ENTRY && (h->flags != 0 || h->body_len < CHAN_ENTRY_META_BYTES ||
				      h->body_len > CHAN_ENTRY_META_BYTES + CHAN_ENTRY_BLOB_MAX))
		return -EBADMSG;
	if (h->type == CHAN_ENTRY_REPLY &&
	    (h->flags != 0 || h->body_len < CHAN_ENTRY_REPLY_META_BYTES))
		return -EBADMSG;
	if (h->type == CHAN_NODES && (h->flags & ~CHAN_F_MORE) != 0)
		return -EBADMSG;
	*body = msg + CHAN_HDR_BYTES;
	return 0;
}

const char *
chan_strerror(int err)
{
	switch (err) {
	case -EMSGSIZE:
		return "bad message size";
	case -EPROTO:
		return "unknown channel version";
	case -EBADMSG:
		return "malformed message";
	case -E2BIG:
		return "message parts exceed the total limit";
	case -ENOMEM:
		return "out of memory";
	default:
		return "channel error";
	}
}

static bool
same_ref(const struct chan_ref *a, const struct chan_ref *b)
{
	return a->label == b->label && a->ip == b->ip && a->port == b->port &&
	       a->worker == b->worker;
}

static int
grow(struct chan_assembly *a, size_t need)
{
	size_t cap = a->cap ? a->cap : 4096;
	uint8_t *p;

	while (cap < need)
		cap *= 2;
	if (cap == a->cap)
		return 0;
	p = realloc(a->buf, cap);
	if (p == NULL)
		return -ENOMEM;
	a->buf = p;
	a->cap = cap;
	return 0;
}

int
chan_assembly_add(struct chan_assembly *a, const struct chan_hdr *h, const uint8_t *body)
{
	if (a->active && (h->type != a->first.type || !same_ref(&h->ref, &a->first.ref)))
		return -EBADMSG;
	if (!a->active) {
		a->first = *h;
		a->len = 0;
		a->active = true;
	}
	if (h->body_len > CHAN_TOTAL_MAX - a->len)
		return -E2BIG;
	if (grow(a, a->len + h->body_len) != 0)
		return -ENOMEM;
	if (h->body_len > 0)
		memcpy(a->buf + a->len, body, h->body_len);
	a->len += h->body_len;
	if (h->flags & CHAN_F_MORE)
		return 0;
	a->first.flags = (uint16_t)(h->flags & ~CHAN_F_MORE);
	a->first.body_len = (uint32_t)a->len;
	return 1;
}

void
chan_assembly_reset(struct chan_assembly *a)
{
	a->active = false;
	a->len = 0;
	if (a->cap > 1024 * 1024) { /* do not keep a 10 MiB buffer for small messages */
		free(a->buf);
		a->buf = NULL;
		a->cap = 0;
	}
}

void
chan_assembly_free(struct chan_assembly *a)
{
	free(a->buf);
	memset(a, 0, sizeof(*a));
}
