/* SPDX-License-Identifier: MIT */
#include "circuit.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

int
dp_circuit_table_init(struct dp_circuit_table *t, uint32_t capacity, uint64_t ttl_ns)
{
	uint32_t slots = 8;

	memset(t, 0, sizeof(*t));
	if (capacity == 0 || capacity > (1u << 30) || ttl_ns == 0)
		return -EINVAL;
	while (slots < 2 * capacity)
		slots <<= 1;
	t->capacity = capacity; /* dp_circuit_table_free's size, on failure too */
	t->entries = dp_bigmem_alloc((size_t)capacity * sizeof(*t->entries));
	t->free_list = calloc(capacity, sizeof(*t->free_list));
	if (t->entries == NULL || t->free_list == NULL || dp_u64map_init(&t->by_in, slots) != 0 ||
	    dp_u64map_init(&t->by_out, slots) != 0) {
		dp_circuit_table_free(t);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < capacity; i++)
		t->free_list[i] = capacity - 1 - i;
	t->nfree = capacity;
	t->ttl_ns = ttl_ns;
	return 0;
}

void
dp_circuit_table_free(struct dp_circuit_table *t)
{
	if (t->entries != NULL) {
		sodium_memzero(t->entries, (size_t)t->capacity * sizeof(*t->entries));
		dp_bigmem_free(t->entries, (size_t)t->capacity * sizeof(*t->entries));
	}
	free(t->free_list);
	dp_u64map_free(&t->by_in);
	dp_u64map_free(&t->by_out);
	memset(t, 0, sizeof(*t));
}

static uint32_t
index_of(const struct dp_circuit_table *t, const struct dp_circuit *c)
{
	return (uint32_t)(c - t->entries);
}

struct dp_circuit *
dp_circuit_add(struct dp_circuit_table *t, uint64_t in_label, const struct dp_addr *prev,
	       uint64_t now_ns)
{
	struct dp_circuit *c;
	uint32_t idx;

	if (t->nfree == 0)
		return NULL;
	idx = t->free_list[t->nfree - 1];
	if (dp_u64map_put(&t->by_in, in_label, idx) != 0)
		return NULL;
	t->nfree--;
	c = &t->entries[idx];
	memset(c, 0, sizeof(*c));
	c->in_label = in_label;
	c->prev = *prev;
	c->expires_ns = now_ns + t->ttl_ns;
	return c;
}

int
dp_circuit_set_out(struct dp_circuit_table *t, struct dp_circuit *c, uint64_t out_label,
		   const struct dp_addr *next)
{
	int rc = dp_u64map_put(&t->by_out, out_label, index_of(t, c));

	if (rc == 0) {
		c->out_label = out_label;
		c->next = *next;
	}
	return rc;
}

static bool
same_addr(const struct dp_addr *a, const struct dp_addr *b)
{
	return a->ip == b->ip && a->port == b->port;
}

/* Common tail of both lookups: address check, expiry, refresh. */
static struct dp_circuit *
checked(struct dp_circuit_table *t, struct dp_circuit *c, const struct dp_addr *expect,
	const struct dp_addr *from, uint64_t now_ns)
{
	if (!same_addr(expect, from))
		return NULL;
	if (now_ns >= c->expires_ns) {
		dp_circuit_remove(t, c);
		return NULL;
	}
	c->expires_ns = now_ns + t->ttl_ns;
	return c;
}

struct dp_circuit *
dp_circuit_find_in(struct dp_circuit_table *t, uint64_t label, const struct dp_addr *from,
		   uint64_t now_ns)
{
	uint32_t idx;

	if (!dp_u64map_get(&t->by_in, label, &idx))
		return NULL;
	return checked(t, &t->entries[idx], &t->entries[idx].prev, from, now_ns);
}

struct dp_circuit *
dp_circuit_find_out(struct dp_circuit_table *t, uint64_t label, const struct dp_addr *from,
		    uint64_t now_ns)
{
	uint32_t idx;

	if (!dp_u64map_get(&t->by_out, label, &idx))
		return NULL;
	return checked(t, &t->entries[idx], &t->entries[idx].next, from, now_ns);
}

void
dp_circuit_remove(struct dp_circuit_table *t, struct dp_circuit *c)
{
	dp_u64map_del(&t->by_in, c->in_label);
	if (c->out_label != 0)
		dp_u64map_del(&t->by_out, c->out_label);
	sodium_memzero(c, sizeof(*c));
	t->free_list[t->nfree++] = index_of(t, c);
}

uint32_t
dp_circuit_age(struct dp_circuit_table *t, uint64_t now_ns, uint32_t budget)
{
	uint32_t removed = 0;

	for (uint32_t n = 0; n < budget && n < t->capacity; n++) {
		struct dp_circuit *c = &t->entries[t->age_cursor];
		t->age_cursor = (t->age_cursor + 1) % t->capacity;
		/* in_label 0 marks a free entry (labels are never 0 on the wire). */
		if (c->in_label != 0 && now_ns >= c->expires_ns) {
			dp_circuit_remove(t, c);
			removed++;
		}
	}
	return removed;
}

uint32_t
dp_circuit_count(const struct dp_circuit_table *t)
{
	return t->capacity - t->nfree;
}
