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
	    b[2] != CTL_SYNC_OP_PULL || b[1] == 0 || b[1] > CTL_SYNC_VERSION)
		return -EBADMSG;
	if (b[1] != CTL_SYNC_VERSION)
		return -EPROTONOSUPPORT;
	*cursor = get_be(b + 3, 8);
	return 0;
}

size_t
ctl_sync_page_raw_len(const struct store_msg *recs, size_t n)
{
	size_t len = CTL_SYNC_PAGE_HDR;

	for (size_t i = 0; i < n; i++)
		len += CTL_SYNC_REC_FIXED + recs[i].len;
	return len;
}

size_t
ctl_sync_page_len(const struct store_bulk_page *p)
{
	size_t len = ctl_sync_page_raw_len(p->recs, p->n) + CTL_SYNC_TOMB_LEN * p->n_tombs;

	for (size_t i = 0; i < p->n_revs; i++)
		len += CTL_SYNC_REVS_FIXED + CTL_SYNC_REV_ENTRY * (p->revs[i].n + p->revs[i].n_un);
	return len;
}

/* flags: bit 1 on every answer (a version-2 node reads our refusals and codes); bit 2 on pages
 * (version 3), which a version-2 node cannot read. */
static void
header(uint8_t *out, uint8_t status, uint64_t next, uint32_t raw_len)
{
	out[0] = CTL_SYNC_MAGIC;
	out[1] = status;
	out[2] = (next == 0 ? CTL_SYNC_FLAG_LAST : 0) | CTL_SYNC_FLAG_V2;
	put_be(out + 3, next, 8);
	put_be(out + 11, raw_len, 4);
}

void
ctl_sync_answer_status(uint8_t out[CTL_SYNC_ANS_HDR], enum ctl_sync_status status)
{
	header(out, (uint8_t)status, 0, 0);
}

static void
page_write(const struct store_bulk_page *pg, uint8_t *p)
{
	const struct store_msg *recs = pg->recs;

	put_be(p, pg->n, 2);
	put_be(p + 2, pg->n_tombs, 2);
	put_be(p + 4, pg->n_revs, 2);
	p += CTL_SYNC_PAGE_HDR;
	for (size_t i = 0; i < pg->n; i++) {
		memcpy(p, recs[i].pubkey, 33);
		memcpy(p + 33, recs[i].hash, 43);
		put_be(p + 76, (uint16_t)(int16_t)recs[i].ns, 2);
		put_be(p + 78, (uint64_t)recs[i].timestamp_ms, 8);
		put_be(p + 86, (uint64_t)recs[i].expiry_ms, 8);
		put_be(p + 94, (uint64_t)recs[i].expiry_set_ms, 8);
		put_be(p + 102, recs[i].len, 4);
		if (recs[i].len > 0)
			memcpy(p + CTL_SYNC_REC_FIXED, recs[i].data, recs[i].len);
		p += CTL_SYNC_REC_FIXED + recs[i].len;
	}
	for (size_t i = 0; i < pg->n_tombs; i++, p += CTL_SYNC_TOMB_LEN) {
		const struct store_tomb *t = &pg->tombs[i];

		memcpy(p, t->pubkey, 33);
		memcpy(p + 33, t->hash, 43);
		put_be(p + 76, (uint16_t)(int16_t)t->ns, 2);
		put_be(p + 78, (uint64_t)t->deleted_ms, 8);
		put_be(p + 86, (uint64_t)t->until_ms, 8);
	}
	for (size_t i = 0; i < pg->n_revs; i++) {
		const struct store_revs *r = &pg->revs[i];

		memcpy(p, r->pubkey, 33);
		p[33] = (uint8_t)r->n;
		p += 34;
		for (size_t k = 0; k < r->n; k++, p += CTL_SYNC_REV_ENTRY) {
			memcpy(p, r->tokens[k], STORE_REVOKE_TOKEN);
			put_be(p + STORE_REVOKE_TOKEN, (uint64_t)r->stamps[k], 8);
		}
		*p++ = (uint8_t)r->n_un;
		for (size_t k = 0; k < r->n_un; k++, p += CTL_SYNC_REV_ENTRY) {
			memcpy(p, r->un_tokens[k], STORE_REVOKE_TOKEN);
			put_be(p + STORE_REVOKE_TOKEN, (uint64_t)r->un_ms[k], 8);
		}
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
	struct store_bulk_page p = {.recs = recs, .n = n};

	return ctl_sync_page_encode(&p, next, out, len);
}

int
ctl_sync_page_encode(const struct store_bulk_page *p, uint64_t next, uint8_t **out, size_t *len)
{
	size_t raw_len = ctl_sync_page_len(p), zlen;
	uint8_t *raw, *buf, *lvl;

	if (p->n + p->n_tombs + p->n_revs > CTL_SYNC_RECORDS_MAX || raw_len > CTL_SYNC_RAW_MAX)
		return -E2BIG;
	for (size_t i = 0; i < p->n_revs; i++)
		if (p->revs[i].n > STORE_REVOKE_KEEP || p->revs[i].n_un > STORE_REVOKE_KEEP ||
		    p->revs[i].n + p->revs[i].n_un == 0)
			return -EINVAL;
	raw = malloc(raw_len);
	buf = malloc(CTL_DRPC_BODY_MAX);
	lvl = malloc(ISAL_DEF_LVL1_DEFAULT);
	if (raw == NULL || buf == NULL || lvl == NULL) {
		free(raw);
		free(buf);
		free(lvl);
		return -ENOMEM;
	}
	page_write(p, raw);
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
	buf[2] |= CTL_SYNC_FLAG_V3;
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
read_msgs(const uint8_t *p, size_t len, size_t *off, struct ctl_sync_answer *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct store_msg *m = &a->recs[i];
		const uint8_t *r = p + *off;

		if (len - *off < CTL_SYNC_REC_FIXED)
			return -EBADMSG;
		memcpy(m->pubkey, r, 33);
		memcpy(m->hash, r + 33, 43);
		m->hash[43] = '\0';
		m->ns = (int16_t)(uint16_t)get_be(r + 76, 2);
		m->timestamp_ms = (int64_t)get_be(r + 78, 8);
		m->expiry_ms = (int64_t)get_be(r + 86, 8);
		m->expiry_set_ms = (int64_t)get_be(r + 94, 8);
		m->len = get_be(r + 102, 4);
		*off += CTL_SYNC_REC_FIXED;
		if (!snc_msg_hash_is_valid(m->hash, 43) || m->len > STORE_DATA_MAX ||
		    len - *off < m->len)
			return -EBADMSG;
		m->data = p + *off;
		*off += m->len;
	}
	return 0;
}

static int
read_tombs(const uint8_t *p, size_t len, size_t *off, struct ctl_sync_answer *a)
{
	for (size_t i = 0; i < a->n_tombs; i++, *off += CTL_SYNC_TOMB_LEN) {
		struct store_tomb *t = &a->tombs[i];
		const uint8_t *r = p + *off;

		if (len - *off < CTL_SYNC_TOMB_LEN)
			return -EBADMSG;
		memcpy(t->pubkey, r, 33);
		memcpy(t->hash, r + 33, 43);
		t->hash[43] = '\0';
		t->ns = (int16_t)(uint16_t)get_be(r + 76, 2);
		t->deleted_ms = (int64_t)get_be(r + 78, 8);
		t->until_ms = (int64_t)get_be(r + 86, 8);
		if (!snc_msg_hash_is_valid(t->hash, 43))
			return -EBADMSG;
	}
	return 0;
}

/* count (token, i64) entries at *off. */
static int
read_pairs(const uint8_t *p, size_t len, size_t *off, size_t count,
	   uint8_t (*tokens)[STORE_REVOKE_TOKEN], int64_t *v)
{
	if (len - *off < CTL_SYNC_REV_ENTRY * count)
		return -EBADMSG;
	for (size_t k = 0; k < count; k++, *off += CTL_SYNC_REV_ENTRY) {
		memcpy(tokens[k], p + *off, STORE_REVOKE_TOKEN);
		v[k] = (int64_t)get_be(p + *off + STORE_REVOKE_TOKEN, 8);
	}
	return 0;
}

static int
read_revs(const uint8_t *p, size_t len, size_t *off, struct ctl_sync_answer *a)
{
	for (size_t i = 0; i < a->n_revs; i++) {
		struct store_revs *r = &a->revs[i];

		if (len - *off < CTL_SYNC_REVS_FIXED)
			return -EBADMSG;
		memcpy(r->pubkey, p + *off, 33);
		r->n = p[*off + 33];
		*off += 34;
		if (r->n > STORE_REVOKE_KEEP ||
		    read_pairs(p, len, off, r->n, r->tokens, r->stamps) != 0 || len - *off < 1)
			return -EBADMSG;
		r->n_un = p[(*off)++];
		if (r->n_un > STORE_REVOKE_KEEP || r->n + r->n_un == 0 ||
		    read_pairs(p, len, off, r->n_un, r->un_tokens, r->un_ms) != 0)
			return -EBADMSG;
	}
	return 0;
}

static int
page_read(const uint8_t *p, size_t len, struct ctl_sync_answer *a)
{
	size_t n, nt, nr, off = CTL_SYNC_PAGE_HDR;
	int rc;

	if (len < CTL_SYNC_PAGE_HDR)
		return -EBADMSG;
	n = get_be(p, 2);
	nt = get_be(p + 2, 2);
	nr = get_be(p + 4, 2);
	if (n + nt + nr > CTL_SYNC_RECORDS_MAX)
		return -EBADMSG;
	a->recs = calloc(n > 0 ? n : 1, sizeof(*a->recs));
	a->tombs = calloc(nt > 0 ? nt : 1, sizeof(*a->tombs));
	a->revs = calloc(nr > 0 ? nr : 1, sizeof(*a->revs));
	if (a->recs == NULL || a->tombs == NULL || a->revs == NULL)
		return -ENOMEM;
	a->n = n;
	a->n_tombs = nt;
	a->n_revs = nr;
	rc = read_msgs(p, len, &off, a);
	if (rc == 0)
		rc = read_tombs(p, len, &off, a);
	if (rc == 0)
		rc = read_revs(p, len, &off, a);
	if (rc == 0 && off != len)
		rc = -EBADMSG;
	return rc;
}

int
ctl_sync_answer_decode(const uint8_t *b, size_t len, struct ctl_sync_answer *a)
{
	size_t raw_len;
	int rc;

	memset(a, 0, sizeof(*a));
	if (b == NULL || len < CTL_SYNC_ANS_HDR || b[0] != CTL_SYNC_MAGIC ||
	    b[1] > CTL_SYNC_STATUS_MAX ||
	    (b[2] & ~(CTL_SYNC_FLAG_LAST | CTL_SYNC_FLAG_V2 | CTL_SYNC_FLAG_V3)) != 0)
		return -EBADMSG;
	a->status = b[1];
	a->next = get_be(b + 3, 8);
	a->last = (b[2] & CTL_SYNC_FLAG_LAST) != 0;
	raw_len = get_be(b + 11, 4);
	if (a->last != (a->next == 0))
		return -EBADMSG;
	if (a->status != CTL_SYNC_OK) /* an old node's refusal is read too (without bit 1) */
		return len == CTL_SYNC_ANS_HDR && raw_len == 0 ? 0 : -EBADMSG;
	if ((b[2] & CTL_SYNC_FLAG_V3) == 0) /* a version-1 or version-2 page */
		return -EPROTONOSUPPORT;
	if (raw_len < CTL_SYNC_PAGE_HDR || raw_len > CTL_SYNC_RAW_MAX)
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
	free(a->tombs);
	free(a->revs);
	free(a->raw);
	a->recs = NULL;
	a->tombs = NULL;
	a->revs = NULL;
	a->raw = NULL;
	a->n = a->n_tombs = a->n_revs = 0;
}

int
ctl_sync_push_encode(const struct store_msg *recs, size_t n, uint8_t **out, size_t *len)
{
	struct store_bulk_page p = {.recs = recs, .n = n};

	return ctl_sync_push_encode_page(&p, out, len);
}

int
ctl_sync_push_encode_page(const struct store_bulk_page *p, uint8_t **out, size_t *len)
{
	uint8_t *ans, *buf;
	size_t alen;
	int rc;

	if (p->n + p->n_tombs + p->n_revs == 0)
		return -EINVAL;
	rc = ctl_sync_page_encode(p, 0, &ans, &alen);
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
	    b[2] != CTL_SYNC_OP_PUSH || b[1] == 0 || b[1] > CTL_SYNC_VERSION)
		return -EBADMSG;
	if (b[1] != CTL_SYNC_VERSION)
		return -EPROTONOSUPPORT;
	rc = ctl_sync_answer_decode(b + CTL_SYNC_PUSH_HDR, len - CTL_SYNC_PUSH_HDR, a);
	if (rc == 0 &&
	    (a->status != CTL_SYNC_OK || !a->last || a->n + a->n_tombs + a->n_revs == 0)) {
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
	    b[1] > CTL_SYNC_STATUS_MAX ||
	    (b[2] & ~(CTL_SYNC_FLAG_V2 | CTL_SYNC_FLAG_V3)) != CTL_SYNC_FLAG_LAST ||
	    get_be(b + 3, 8) != 0)
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
