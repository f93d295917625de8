/* SPDX-License-Identifier: MIT */
#include "chan_nodes.h"

#include <errno.h>
#include <string.h>

#include "chan_le.h"

size_t
chan_nodes_body_len(uint32_t count)
{
	return CHAN_NODES_HDR_BYTES + (size_t)count * CHAN_NODES_ENTRY_BYTES;
}

void
chan_nodes_encode_hdr(const struct chan_nodes_hdr *h, uint8_t *out)
{
	out[0] = CHAN_NODES_FORMAT;
	out[1] = out[2] = out[3] = 0;
	chan_put_le(out + 4, h->count, 4);
	chan_put_le(out + 8, h->generation, 8);
}

void
chan_nodes_encode_entry(const struct chan_node_entry *e, uint8_t *body, uint32_t i)
{
	uint8_t *p = body + chan_nodes_body_len(i);

	memcpy(p, e->ed25519, 32);
	memcpy(p + 32, e->x25519, 32);
	chan_put_le(p + 64, e->ip, 4);
	chan_put_le(p + 68, e->port, 2);
	p[70] = p[71] = 0;
}

int
chan_nodes_decode_hdr(const uint8_t *body, size_t len, struct chan_nodes_hdr *h)
{
	if (len < CHAN_NODES_HDR_BYTES)
		return -EBADMSG;
	if (body[0] != CHAN_NODES_FORMAT)
		return -EPROTO;
	if (body[1] != 0 || body[2] != 0 || body[3] != 0)
		return -EBADMSG;
	h->count = (uint32_t)chan_get_le(body + 4, 4);
	h->generation = chan_get_le(body + 8, 8);
	if (h->count > CHAN_NODES_MAX)
		return -E2BIG;
	return len == chan_nodes_body_len(h->count) ? 0 : -EBADMSG;
}

int
chan_nodes_decode_entry(const uint8_t *body, uint32_t i, struct chan_node_entry *e)
{
	const uint8_t *p = body + chan_nodes_body_len(i);

	memcpy(e->ed25519, p, 32);
	memcpy(e->x25519, p + 32, 32);
	e->ip = (uint32_t)chan_get_le(p + 64, 4);
	e->port = (uint16_t)chan_get_le(p + 68, 2);
	return e->ip != 0 && e->port != 0 && p[70] == 0 && p[71] == 0 ? 0 : -EBADMSG;
}
