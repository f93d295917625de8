/* SPDX-License-Identifier: MIT */
/* Splitting sealed DIRECT messages into cells and putting them back together (see direct_frag.h).
 */
#include "direct_frag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct partial {
	bool used;
	uint8_t from[32];
	uint64_t id;
	uint16_t count, have;
	uint32_t total;
	uint64_t first_ms; /* when its first fragment came: the timeout runs from here */
	uint8_t *buf;	   /* total bytes */
	uint8_t seen[(CTL_FRAG_COUNT_MAX + 7) / 8];
};

struct ctl_frag_reasm {
	struct ctl_frag_limits lim;
	struct ctl_frag_stats st;
	size_t bytes; /* sum of the used partials' totals */
	struct partial slots[CTL_FRAG_PARTIALS];
};

size_t
ctl_frag_count(size_t len)
{
	if (len == 0 || len > CTL_FRAG_MSG_MAX)
		return 0;
	return (len + CTL_FRAG_PIECE - 1) / CTL_FRAG_PIECE;
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Bytes of the message that fragment index carries. */
static size_t
piece_len(uint32_t total, uint16_t count, uint16_t index)
{
	return index + 1u < count ? CTL_FRAG_PIECE : total - (size_t)(count - 1) * CTL_FRAG_PIECE;
}

int
ctl_frag_split(uint64_t id, const uint8_t *msg, size_t len, ctl_frag_emit_fn *emit, void *arg)
{
	size_t count = ctl_frag_count(len);
	uint8_t cell[CTL_FRAG_CELL_MAX];
	int rc;

	if (count == 0 || msg == NULL || emit == NULL)
		return -EINVAL;
	for (size_t i = 0; i < count; i++) {
		size_t n = piece_len((uint32_t)len, (uint16_t)count, (uint16_t)i);

		memset(cell, 0, CTL_FRAG_HDR);
		cell[0] = CTL_FRAG_KIND;
		put_be(cell + 2, i, 2);
		put_be(cell + 4, count, 2);
		put_be(cell + 6, len, 4);
		put_be(cell + 10, id, 8);
		memcpy(cell + CTL_FRAG_HDR, msg + i * CTL_FRAG_PIECE, n);
		if ((rc = emit(arg, cell, CTL_FRAG_HDR + n)) != 0)
			return rc;
	}
	return 0;
}

int
ctl_frag_parse(const uint8_t *cell, size_t len, struct ctl_frag_hdr *h)
{
	if (cell == NULL || len < CTL_FRAG_HDR || cell[0] != CTL_FRAG_KIND || cell[1] != 0 ||
	    cell[18] != 0 || cell[19] != 0)
		return -EBADMSG;
	h->index = (uint16_t)get_be(cell + 2, 2);
	h->count = (uint16_t)get_be(cell + 4, 2);
	h->total = (uint32_t)get_be(cell + 6, 4);
	h->id = get_be(cell + 10, 8);
	/* count must be exactly what total needs, so every fragment agrees on the layout */
	if (ctl_frag_count(h->total) != h->count || h->index >= h->count ||
	    len - CTL_FRAG_HDR != piece_len(h->total, h->count, h->index))
		return -EBADMSG;
	return 0;
}

struct ctl_frag_reasm *
ctl_frag_reasm_new(const struct ctl_frag_limits *lim)
{
	static const struct ctl_frag_limits def = {CTL_FRAG_PARTIALS, CTL_FRAG_PER_SENDER,
						   CTL_FRAG_BYTES, CTL_FRAG_TIMEOUT_MS};
	struct ctl_frag_reasm *r;

	if (lim == NULL)
		lim = &def;
	if (lim->partials > CTL_FRAG_PARTIALS || lim->per_sender > lim->partials)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r != NULL)
		r->lim = *lim;
	return r;
}

static void
drop(struct ctl_frag_reasm *r, struct partial *p)
{
	r->bytes -= p->total;
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

void
ctl_frag_reasm_free(struct ctl_frag_reasm *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < CTL_FRAG_PARTIALS; i++)
		free(r->slots[i].buf);
	free(r);
}

void
ctl_frag_expire(struct ctl_frag_reasm *r, uint64_t now_ms)
{
	for (size_t i = 0; i < CTL_FRAG_PARTIALS; i++) {
		struct partial *p = &r->slots[i];

		if (p->used && now_ms > p->first_ms && now_ms - p->first_ms > r->lim.timeout_ms) {
			r->st.timed_out++;
			drop(r, p);
		}
	}
}

static struct partial *
find(struct ctl_frag_reasm *r, const uint8_t from[32], uint64_t id, size_t *of_sender,
     struct partial **free_slot)
{
	struct partial *hit = NULL;

	*of_sender = 0;
	*free_slot = NULL;
	for (size_t i = 0; i < r->lim.partials; i++) {
		struct partial *p = &r->slots[i];

		if (!p->used) {
			if (*free_slot == NULL)
				*free_slot = p;
		} else if (memcmp(p->from, from, 32) == 0) {
			(*of_sender)++;
			if (p->id == id)
				hit = p;
		}
	}
	return hit;
}

/* A new partial message for h in slot p, within the limits. */
static int
open_partial(struct ctl_frag_reasm *r, struct partial *p, size_t of_sender, const uint8_t from[32],
	     const struct ctl_frag_hdr *h, uint64_t now_ms)
{
	if (p == NULL || of_sender >= r->lim.per_sender || r->bytes + h->total > r->lim.bytes) {
		r->st.over_budget++;
		return -ENOBUFS;
	}
	p->buf = malloc(h->total);
	if (p->buf == NULL) {
		r->st.over_budget++; /* out of memory is a budget too */
		return -ENOMEM;
	}
	p->used = true;
	memcpy(p->from, from, 32);
	p->id = h->id;
	p->count = h->count;
	p->total = h->total;
	p->first_ms = now_ms;
	r->bytes += h->total;
	return 0;
}

int
ctl_frag_add(struct ctl_frag_reasm *r, const uint8_t from[32], const uint8_t *cell, size_t len,
	     uint64_t now_ms, ctl_frag_deliver_fn *deliver, void *arg)
{
	struct partial *p, *free_slot;
	struct ctl_frag_hdr h;
	size_t of_sender;
	uint8_t *whole;
	int rc;

	r->st.fragments++;
	ctl_frag_expire(r, now_ms);
	if (ctl_frag_parse(cell, len, &h) != 0) {
		r->st.malformed++;
		return -EBADMSG;
	}
	if (h.count == 1) { /* whole already: no slot */
		r->st.delivered++;
		deliver(arg, from, cell + CTL_FRAG_HDR, h.total);
		return 0;
	}
	p = find(r, from, h.id, &of_sender, &free_slot);
	if (p != NULL && (p->count != h.count || p->total != h.total)) {
		r->st.inconsistent++;
		drop(r, p);
		return -EBADMSG;
	}
	if (p == NULL) {
		if ((rc = open_partial(r, free_slot, of_sender, from, &h, now_ms)) != 0)
			return rc;
		p = free_slot;
	} else if (p->seen[h.index / 8] & (1u << (h.index % 8))) {
		r->st.duplicate++;
		return -EALREADY;
	}
	p->seen[h.index / 8] |= (uint8_t)(1u << (h.index % 8));
	memcpy(p->buf + (size_t)h.index * CTL_FRAG_PIECE, cell + CTL_FRAG_HDR, len - CTL_FRAG_HDR);
	if (++p->have < p->count)
		return 0;
	/* Complete: the slot is free before deliver runs, so deliver may add more. */
	whole = p->buf;
	p->buf = NULL;
	drop(r, p);
	r->st.delivered++;
	deliver(arg, from, whole, h.total);
	free(whole);
	return 0;
}

size_t
ctl_frag_partials(const struct ctl_frag_reasm *r, size_t *bytes)
{
	size_t n = 0;

	for (size_t i = 0; i < CTL_FRAG_PARTIALS; i++)
		n += r->slots[i].used;
	if (bytes != NULL)
		*bytes = r->bytes;
	return n;
}

void
ctl_frag_stats(const struct ctl_frag_reasm *r, struct ctl_frag_stats *out)
{
	*out = r->st;
}
