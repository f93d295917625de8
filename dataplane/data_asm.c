/* SPDX-License-Identifier: MIT */
#include "data_asm.h"

#include <string.h>

enum {
	N_BYTES = 4, /* the combined payload's u32le N */
};

static uint64_t
timeout_ns(void)
{
	return (uint64_t)DP_DATA_TIMEOUT_MS * 1000000ull;
}

/* q->buf to cap bytes, its n bytes kept: in place when the arena has room behind it,
 * else in a new block (the old one given back first, so it may overlap: memmove). */
static bool
grow(struct dp_arena *a, struct dp_data_req *q, size_t cap, size_t n)
{
	uint8_t *moved;
	bool ok;

	if (q->buf == NULL)
		return (q->buf = dp_arena_get(a, cap)) != NULL;
	if (dp_arena_grow(a, q->buf, q->cap, cap) == 0)
		return true;
	dp_arena_put(a, q->buf, q->cap);
	moved = dp_arena_get(a, cap);
	/* no gap: its old size again (it fits where it was, or in an earlier gap) */
	ok = moved != NULL;
	if (!ok)
		moved = dp_arena_get(a, q->cap);
	memmove(moved, q->buf, n);
	q->buf = moved;
	return ok;
}

/* Grows q->buf to hold want body bytes (plus N and the JSON). */
static enum dp_drop_reason
reserve(struct dp_data_table *t, struct dp_data_req *q, size_t want)
{
	size_t need = N_BYTES + want + q->json_len, cap = q->cap ? q->cap : DP_DATA_FIRST_CAP;

	if (want > DP_DATA_MAX)
		return DP_DROP_DATA_TOO_BIG;
	if (need <= q->cap)
		return DP_DROP_NONE;
	while (cap < need)
		cap *= 2;
	if (cap - q->cap > DP_DATA_PENDING_BYTES - t->bytes)
		return DP_DROP_DATA_BUSY;
	if (!grow(&t->arena, q, cap, N_BYTES + q->len))
		return DP_DROP_DATA_BUSY;
	t->bytes += cap - q->cap;
	q->cap = cap;
	return DP_DROP_NONE;
}

int
dp_data_asm_init(struct dp_data_table *t)
{
	memset(t, 0, sizeof(*t));
	return dp_arena_init(&t->arena, DP_DATA_ARENA_BYTES);
}

void
dp_data_asm_free(struct dp_data_table *t)
{
	dp_data_asm_clear(t);
	dp_arena_free(&t->arena);
}

static struct dp_data_req *
free_slot(struct dp_data_table *t)
{
	for (unsigned i = 0; i < DP_DATA_PENDING; i++)
		if (!t->req[i].used)
			return &t->req[i];
	return NULL;
}

enum dp_drop_reason
dp_data_asm_begin(struct dp_data_table *t, uint64_t in_label, const struct dp_addr *prev,
		  const struct snc_route *r, const struct snc_payload *p, uint64_t now_ns)
{
	struct dp_data_req *q;
	enum dp_drop_reason why;

	if (p->blob_len > DP_DATA_MAX)
		return DP_DROP_DATA_TOO_BIG;
	q = free_slot(t);
	if (q == NULL || p->json_len > sizeof(q->json))
		return DP_DROP_DATA_BUSY;
	memset(q, 0, sizeof(*q));
	q->json_len = p->json_len;
	why = reserve(t, q, p->blob_len);
	if (why != DP_DROP_NONE) {
		memset(q, 0, sizeof(*q)); /* the slot stays free */
		return why;
	}
	memcpy(q->json, p->json, p->json_len);
	memcpy(q->buf + N_BYTES, p->blob, p->blob_len);
	q->len = p->blob_len;
	q->in_label = in_label;
	q->prev = *prev;
	q->route = *r;
	q->deadline_ns = now_ns + timeout_ns();
	q->used = true;
	t->active++;
	return DP_DROP_NONE;
}

struct dp_data_req *
dp_data_asm_find(struct dp_data_table *t, uint64_t in_label, const struct dp_addr *prev)
{
	for (unsigned i = 0; i < DP_DATA_PENDING && t->active > 0; i++) {
		struct dp_data_req *q = &t->req[i];
		if (q->used && q->in_label == in_label && q->prev.ip == prev->ip &&
		    q->prev.port == prev->port)
			return q;
	}
	return NULL;
}

enum dp_drop_reason
dp_data_asm_append(struct dp_data_table *t, struct dp_data_req *q, const uint8_t *data, size_t n,
		   uint64_t now_ns)
{
	enum dp_drop_reason why = reserve(t, q, q->len + n);

	if (why != DP_DROP_NONE)
		return why;
	if (n > 0)
		memcpy(q->buf + N_BYTES + q->len, data, n);
	q->len += n;
	q->deadline_ns = now_ns + timeout_ns();
	return DP_DROP_NONE;
}

void
dp_data_asm_finish(struct dp_data_req *q, const uint8_t **pt, size_t *len)
{
	/* reserve() kept room for N and the JSON around the body. */
	q->buf[0] = (uint8_t)q->len;
	q->buf[1] = (uint8_t)(q->len >> 8);
	q->buf[2] = (uint8_t)(q->len >> 16);
	q->buf[3] = (uint8_t)(q->len >> 24);
	memcpy(q->buf + N_BYTES + q->len, q->json, q->json_len);
	*pt = q->buf;
	*len = N_BYTES + q->len + q->json_len;
}

void
dp_data_asm_end(struct dp_data_table *t, struct dp_data_req *q)
{
	if (q->buf != NULL)
		dp_arena_put(&t->arena, q->buf, q->cap);
	t->bytes -= q->cap;
	t->active--;
	memset(q, 0, sizeof(*q));
}

struct dp_data_req *
dp_data_asm_expired(struct dp_data_table *t, uint64_t now_ns)
{
	for (unsigned i = 0; i < DP_DATA_PENDING && t->active > 0; i++)
		if (t->req[i].used && now_ns >= t->req[i].deadline_ns)
			return &t->req[i];
	return NULL;
}

void
dp_data_asm_clear(struct dp_data_table *t)
{
	for (unsigned i = 0; i < DP_DATA_PENDING; i++)
		if (t->req[i].used)
			dp_data_asm_end(t, &t->req[i]);
}
