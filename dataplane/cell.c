/* SPDX-License-Identifier: MIT */
#include "cell.h"

#include <string.h>

static const uint32_t class_sizes[DP_CELL_CLASS_COUNT] = {DP_CELL_SMALL, DP_CELL_MEDIUM,
							  DP_CELL_LARGE};

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

uint32_t
dp_cell_class_size(uint8_t size_class)
{
	return size_class < DP_CELL_CLASS_COUNT ? class_sizes[size_class] : 0;
}

int
dp_cell_class_for(uint32_t hdr, uint32_t len)
{
	for (int i = 0; i < DP_CELL_CLASS_COUNT; i++)
		if (len <= class_sizes[i] && hdr <= class_sizes[i] - len)
			return i;
	return -1;
}

static uint8_t
allowed_flags(uint8_t kind)
{
	return kind == DP_CELL_DIRECT ? 0 : (uint8_t)(DP_CELL_FLAG_CLIENT | 0x01);
}

static enum dp_drop_reason
parse_create(const uint8_t *buf, uint32_t size, struct dp_cell *c)
{
	c->enc_type = buf[12];
	c->reply_mode = buf[13];
	if (c->enc_type > 2)
		return DP_DROP_BAD_ENC_TYPE;
	if (c->reply_mode > DP_CELL_REPLY_LAYERED)
		return DP_DROP_BAD_REPLY_MODE;
	if (!all_zero(buf + 14, 2) || !all_zero(buf + 53, 3))
		return DP_DROP_BAD_FLAGS;
	c->eph_key = buf + 16;
	memcpy(c->masked, buf + 48, DP_CELL_MASK_BYTES);
	c->data = buf + DP_CELL_CREATE_HDR;
	c->data_cap = size - DP_CELL_CREATE_HDR;
	return DP_DROP_NONE;
}

enum dp_drop_reason
dp_cell_parse(const uint8_t *buf, size_t len, struct dp_cell *c)
{
	uint32_t size;

	memset(c, 0, sizeof(*c));
	if (len < DP_CELL_HDR)
		return DP_DROP_BAD_SIZE;
	if (buf[0] != DP_CELL_VERSION)
		return DP_DROP_BAD_VERSION;
	c->kind = buf[1];
	c->size_class = buf[2];
	c->flags = buf[3];
	c->label = get_be64(buf + 4);
	if (c->kind < DP_CELL_CREATE || c->kind > DP_CELL_DIRECT)
		return DP_DROP_BAD_KIND;
	size = dp_cell_class_size(c->size_class);
	if (size == 0)
		return DP_DROP_BAD_CLASS;
	if (len != size)
		return DP_DROP_BAD_SIZE;
	if (c->flags & ~allowed_flags(c->kind))
		return DP_DROP_BAD_FLAGS;
	if ((c->kind == DP_CELL_DIRECT) != (c->label == 0))
		return DP_DROP_BAD_LABEL;
	switch (c->kind) {
	case DP_CELL_CREATE:
		return parse_create(buf, size, c);
	case DP_CELL_DIRECT:
		c->data_len = get_be32(buf + 12);
		c->data = buf + DP_CELL_DIRECT_HDR;
		c->data_cap = size - DP_CELL_DIRECT_HDR;
		return c->data_len <= c->data_cap ? DP_DROP_NONE : DP_DROP_BAD_LENGTH;
	default:
		c->seq = get_be32(buf + 12);
		memcpy(c->masked, buf + 16, 4);
		c->data = buf + DP_CELL_DATA_HDR;
		c->data_cap = size - DP_CELL_DATA_HDR;
		return DP_DROP_NONE;
	}
}

enum dp_drop_reason
dp_cell_unmask(struct dp_cell *c, const uint8_t mask[DP_CELL_MASK_BYTES])
{
	uint8_t plain[DP_CELL_MASK_BYTES];

	if (c->kind == DP_CELL_DIRECT)
		return DP_DROP_NONE;
	for (int i = 0; i < DP_CELL_MASK_BYTES; i++)
		plain[i] = c->masked[i] ^ mask[i];
	c->data_len = get_be32(plain);
	if (c->data_len > c->data_cap)
		return DP_DROP_BAD_LENGTH;
	if (c->kind == DP_CELL_CREATE) {
		c->hop_no = plain[4];
		if (c->hop_no > DP_CELL_MAX_HOPS)
			return DP_DROP_TOO_MANY_HOPS;
	}
	return DP_DROP_NONE;
}

void
dp_cell_create_apply_mask(uint8_t *buf, const uint8_t mask[DP_CELL_MASK_BYTES])
{
	for (int i = 0; i < DP_CELL_MASK_BYTES; i++)
		buf[48 + i] ^= mask[i]; /* blob length and hop number, as dp_cell_write_create */
}

static void
write_common(uint8_t *buf, uint8_t kind, uint8_t size_class, uint8_t flags, uint64_t label)
{
	buf[0] = DP_CELL_VERSION;
	buf[1] = kind;
	buf[2] = size_class;
	buf[3] = flags;
	put_be64(buf + 4, label);
}

uint32_t
dp_cell_write_create(uint8_t *buf, uint8_t size_class, uint8_t flags, uint64_t label,
		     uint8_t enc_type, uint8_t reply_mode, const uint8_t eph_key[32],
		     uint8_t hop_no, const uint8_t mask[DP_CELL_MASK_BYTES], const uint8_t *blob,
		     uint32_t blob_len)
{
	uint32_t size = dp_cell_class_size(size_class);

	if (size == 0 || blob_len > size - DP_CELL_CREATE_HDR || label == 0 || enc_type > 2 ||
	    reply_mode > DP_CELL_REPLY_LAYERED || hop_no > DP_CELL_MAX_HOPS ||
	    (flags & ~allowed_flags(DP_CELL_CREATE)))
		return 0;
	write_common(buf, DP_CELL_CREATE, size_class, flags, label);
	buf[12] = enc_type;
	buf[13] = reply_mode;
	memset(buf + 14, 0, 2);
	memcpy(buf + 16, eph_key, 32);
	put_be32(buf + 48, blob_len);
	buf[52] = hop_no;
	for (int i = 0; i < DP_CELL_MASK_BYTES; i++)
		buf[48 + i] ^= mask[i];
	memset(buf + 53, 0, 3);
	if (blob_len > 0)
		memmove(buf + DP_CELL_CREATE_HDR, blob, blob_len);
	return DP_CELL_CREATE_HDR + blob_len;
}

uint32_t
dp_cell_write_data(uint8_t *buf, uint8_t kind, uint8_t size_class, uint8_t flags, uint64_t label,
		   uint32_t seq, const uint8_t mask[DP_CELL_MASK_BYTES], const uint8_t *payload,
		   uint32_t payload_len)
{
	uint32_t size = dp_cell_class_size(size_class);

	if ((kind != DP_CELL_DATA && kind != DP_CELL_REPLY) || size == 0 || label == 0 ||
	    payload_len > size - DP_CELL_DATA_HDR || (flags & ~allowed_flags(kind)))
		return 0;
	write_common(buf, kind, size_class, flags, label);
	put_be32(buf + 12, seq);
	put_be32(buf + 16, payload_len);
	for (int i = 0; i < 4; i++)
		buf[16 + i] ^= mask[i];
	if (payload_len > 0 && payload != buf + DP_CELL_DATA_HDR) /* in place: nothing to move */
		memmove(buf + DP_CELL_DATA_HDR, payload, payload_len);
	return DP_CELL_DATA_HDR + payload_len;
}

uint32_t
dp_cell_write_direct(uint8_t *buf, uint8_t size_class, const uint8_t *body, uint32_t body_len)
{
	uint32_t size = dp_cell_class_size(size_class);

	if (size == 0 || body_len > size - DP_CELL_DIRECT_HDR)
		return 0;
	write_common(buf, DP_CELL_DIRECT, size_class, 0, 0);
	put_be32(buf + 12, body_len);
	if (body_len > 0)
		memmove(buf + DP_CELL_DIRECT_HDR, body, body_len);
	return DP_CELL_DIRECT_HDR + body_len;
}
