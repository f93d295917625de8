/* SPDX-License-Identifier: MIT */
/* Catch-up page codec with ISA-L igzip (see sync_page.h). */
#include "sync_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>

#include "bulk.h"
#include "msg_hash.h"

_Static_assert((int)CTL_SYNC_CODE_REFUSED == (int)STORE_BULK_CODES,
	       "one code space for a push's answer");

static void
put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

void
ctl_sync_req_encode(uint8_t out[CTL_SYNC_REQ_LEN], uint64_t cursor)
{
	out[0] = CTL_SYNC_MAGIC;
	out[1] = CTL_SYNC_VERSION;
	out[2] = CTL_SYNC_OP_PULL;
	put_be(out + 3, cursor, 8);
}

int
ctl_sync_req_decode(const uint8_t *b, size_t len, uint64_t *cursor)
{
	if (b == NULL || len != CTL_SYNC_REQ_LEN || b[0] != CTL_SYNC_MAGIC ||
	    b[1] != CTL_SYNC_VERSION || b[2] != CTL_SYNC_OP_PULL)
		return -EBADMSG;
	*cursor = get_be(b + 3, 8);
	return 0;
}

size_t
ctl_sync_page_raw_len(const struct store_msg *recs, size_t n)
{
	size_t len = 2;

	for (size_t i = 0; i < n; i++)
		len += CTL_SYNC_REC_FIXED + recs[i].len;
	return len;
}

static void
header(uint8_t *out, uint8_t status, uint64_t next, uint32_t raw_len)
{
	out[0] = CTL_SYNC_MAGIC;
	out[1] = status;
	out[2] = next == 0 ? CTL_SYNC_FLAG_LAST : 0;
	put_be(out + 3, next, 8);
	put_be(out + 11, raw_len, 4);
}

void
ctl_sync_answer_status(uint8_t out[CTL_SYNC_ANS_HDR], enum ctl_sync_status status)
{
	header(out, (uint8_t)status, 0, 0);
}

static void
page_write(const struct store_msg *recs, size_t n, uint8_t *p)
{
	put_be(p, n, 2);
	p += 2;
	for (size_t i = 0; i < n; i++) {
		memcpy(p, recs[i].pubkey, 33);
		memcpy(p + 33, recs[i].hash, 43);
		put_be(p + 76, (uint16_t)(int16_t)recs[i].ns, 2);
		put_be(p + 78, (uint64_t)recs[i].timestamp_ms, 8);
		put_be(p + 86, (uint64_t)recs[i].expiry_ms, 8);
		put_be(p + 94, recs[i].len, 4);
		if (recs[i].len > 0)
			memcpy(p + CTL_SYNC_REC_FIXED, recs[i].data, recs[i].len);
		p += CTL_SYNC_REC_FIXED + recs[i].len;
	}
}

/* Deflates raw into out (cap bytes); the compressed length, or 0 when it did not fit. */
static size_t
deflate_into(uint8_t *raw, size_t len, uint8_t *out, size_t cap, uint8_t *lvl_buf)
{
	struct isal_zstream z;

	isal_deflate_init(&z);
	z.level = 1;
	z.level_buf = lvl_buf;
	z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	z.end_of_stream = 1;
	z.flush = NO_FLUSH;
	z.next_in = raw;
	z.avail_in = (uint32_t)len;
	z.next_out = out;
	z.avail_out = (uint32_t)cap;
	if (isal_deflate(&z) != COMP_OK || z.internal_state.state != ZSTATE_END)
		return 0;
	return z.total_out;
}

int
ctl_sync_answer_encode(const struct store_msg *recs, size_t n, uint64_t next, uint8_t **out,
		       size_t *len)
{
	size_t raw_len = ctl_sync_page_raw_len(recs, n), zlen;
	uint8_t *raw, *buf, *lvl;

	if (n > CTL_SYNC_RECORDS_MAX || raw_len > CTL_SYNC_RAW_MAX)
		return -E2BIG;
	raw = malloc(raw_len);
	buf = malloc(CTL_DRPC_BODY_MAX);
	lvl = malloc(ISAL_DEF_LVL1_DEFAULT);
	if (raw == NULL || buf == NULL || lvl == NULL) {
		free(raw);
		free(buf);
		free(lvl);
		return -ENOMEM;
	}
	page_write(recs, n, raw);
	/* room for a push's own header too */
	zlen = deflate_into(raw, raw_len, buf + CTL_SYNC_ANS_HDR,
			    CTL_DRPC_BODY_MAX - CTL_SYNC_ANS_HDR - CTL_SYNC_PUSH_HDR, lvl);
	free(raw);
	free(lvl);
	if (zlen == 0) {
		free(buf);
		return -EIO;
	}
	header(buf, CTL_SYNC_OK, next, (uint32_t)raw_len);
	*out = buf;
	*len = CTL_SYNC_ANS_HDR + zlen;
	return 0;
}

/* Inflates exactly raw_len bytes from exactly zlen; anything else is malformed
 * (igzip reads ahead into read_in: whole bytes left there are trailing input). */
static int
inflate_exact(const uint8_t *z, size_t zlen, uint8_t *raw, size_t raw_len)
{
	struct inflate_state s;

	isal_inflate_init(&s);
	s.next_in = (uint8_t *)(uintptr_t)z; /* igzip does not write its input */
	s.avail_in = (uint32_t)zlen;
	s.next_out = raw;
	s.avail_out = (uint32_t)raw_len;
	s.crc_flag = ISAL_DEFLATE;
	if (isal_inflate(&s) != ISAL_DECOMP_OK || s.block_state != ISAL_BLOCK_FINISH ||
	    s.total_out != raw_len || s.avail_in + (uint32_t)s.read_in_length / 8 != 0)
		return -EBADMSG;
	return 0;
}

static int
page_read(const uint8_t *p, size_t len, struct ctl_sync_answer *a)
{
	size_t n, off = 2;

	if (len < 2)
		return -EBADMSG;
	n = get_be(p, 2);
	if (n > CTL_SYNC_RECORDS_MAX)
		return -EBADMSG;
	a->recs = calloc(n > 0 ? n : 1, sizeof(*a->recs));
	if (a->recs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct store_msg *m = &a->recs[i];
		const uint8_t *r = p + off;

		if (len - off < CTL_SYNC_REC_FIXED)
			return -EBADMSG;
		memcpy(m->pubkey, r, 33);
		memcpy(m->hash, r + 33, 43);
		m->hash[43] = '\0';
		m->ns = (int16_t)(uint16_t)get_be(r + 76, 2);
		m->timestamp_ms = (int64_t)get_be(r + 78, 8);
		m->expiry_ms = (int64_t)get_be(r + 86, 8);
		m->len = get_be(r + 94, 4);
		off += CTL_SYNC_REC_FIXED;
		if (!snc_msg_hash_is_valid(m->hash, 43) || m->len > STORE_DATA_MAX ||
		    len - off < m->len)
			return -EBADMSG;
		m->data = p + off;
		off += m->len;
	}
	if (off != len)
		return -EBADMSG;
	a->n = n;
	return 0;
}

int
ctl_sync_answer_decode(const uint8_t *b, size_t len, struct ctl_sync_answer *a)
{
	size_t raw_len;
	int rc;

	memset(a, 0, sizeof(*a));
	if (b == NULL || len < CTL_SYNC_ANS_HDR || b[0] != CTL_SYNC_MAGIC ||
	    b[1] > CTL_SYNC_STATUS_MAX || (b[2] & ~CTL_SYNC_FLAG_LAST) != 0)
		return -EBADMSG;
	a->status = b[1];
	a->next = get_be(b + 3, 8);
	a->last = (b[2] & CTL_SYNC_FLAG_LAST) != 0;
	raw_len = get_be(b + 11, 4);
	if (a->last != (a->next == 0))
		return -EBADMSG;
	if (a->status != CTL_SYNC_OK)
		return len == CTL_SYNC_ANS_HDR && raw_len == 0 ? 0 : -EBADMSG;
	if (raw_len < 2 || raw_len > CTL_SYNC_RAW_MAX)
		return -EBADMSG;
	a->raw = malloc(raw_len);
	if (a->raw == NULL)
		return -ENOMEM;
	rc = inflate_exact(b + CTL_SYNC_ANS_HDR, len - CTL_SYNC_ANS_HDR, a->raw, raw_len);
	if (rc == 0)
		rc = page_read(a->raw, raw_len, a);
	if (rc != 0)
		ctl_sync_answer_free(a);
	return rc;
}

void
ctl_sync_answer_free(struct ctl_sync_answer *a)
{
	free(a->recs);
	free(a->raw);
	a->recs = NULL;
	a->raw = NULL;
	a->n = 0;
}

int
ctl_sync_push_encode(const struct store_msg *recs, size_t n, uint8_t **out, size_t *len)
{
	uint8_t *ans, *buf;
	size_t alen;
	int rc;

	if (n == 0)
		return -EINVAL;
	rc = ctl_sync_answer_encode(recs, n, 0, &ans, &alen);
	if (rc != 0)
		return rc;
	buf = malloc(CTL_SYNC_PUSH_HDR + alen);
	if (buf == NULL) {
		free(ans);
		return -ENOMEM;
	}
	buf[0] = CTL_SYNC_MAGIC;
	buf[1] = CTL_SYNC_VERSION;
	buf[2] = CTL_SYNC_OP_PUSH;
	memcpy(buf + CTL_SYNC_PUSH_HDR, ans, alen);
	free(ans);
	*out = buf;
	*len = CTL_SYNC_PUSH_HDR + alen;
	return 0;
}

int
ctl_sync_push_decode(const uint8_t *b, size_t len, struct ctl_sync_answer *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (b == NULL || len < CTL_SYNC_PUSH_HDR || b[0] != CTL_SYNC_MAGIC ||
	    b[1] != CTL_SYNC_VERSION || b[2] != CTL_SYNC_OP_PUSH)
		return -EBADMSG;
	rc = ctl_sync_answer_decode(b + CTL_SYNC_PUSH_HDR, len - CTL_SYNC_PUSH_HDR, a);
	if (rc == 0 && (a->status != CTL_SYNC_OK || !a->last || a->n == 0)) {
		ctl_sync_answer_free(a);
		return -EBADMSG;
	}
	return rc;
}

void
ctl_sync_codes_encode(const uint8_t *codes, size_t n, uint8_t *out)
{
	header(out, CTL_SYNC_OK, 0, (uint32_t)n);
	if (n > 0)
		memcpy(out + CTL_SYNC_ANS_HDR, codes, n);
}

int
ctl_sync_codes_decode(const uint8_t *b, size_t len, uint8_t *status, uint8_t *codes, size_t cap,
		      size_t *n)
{
	size_t k;

	if (b == NULL || len < CTL_SYNC_ANS_HDR || b[0] != CTL_SYNC_MAGIC ||
	    b[1] > CTL_SYNC_STATUS_MAX || b[2] != CTL_SYNC_FLAG_LAST || get_be(b + 3, 8) != 0)
		return -EBADMSG;
	k = get_be(b + 11, 4);
	*status = b[1];
	*n = 0;
	if (b[1] != CTL_SYNC_OK)
		return k == 0 && len == CTL_SYNC_ANS_HDR ? 0 : -EBADMSG;
	if (k > cap || k > CTL_SYNC_RECORDS_MAX || len != CTL_SYNC_ANS_HDR + k)
		return -EBADMSG;
	for (size_t i = 0; i < k; i++)
		if (b[CTL_SYNC_ANS_HDR + i] > CTL_SYNC_CODE_REFUSED)
			return -EBADMSG;
	memcpy(codes, b + CTL_SYNC_ANS_HDR, k);
	*n = k;
	return 0;
}
