/* SPDX-License-Identifier: MIT */
#include "arp_table.h"

#include <errno.h>
#include <string.h>

enum {
	READ_TRIES = 4, /* a reader gives up on an entry being rewritten (PENDING) */
};

unsigned
dp_arp_bucket(uint32_t ip)
{
	return (unsigned)((ip * 0x9e3779b1u) >> 25) & (DP_ARP_BUCKETS - 1);
}

static uint64_t
pack(const uint8_t mac[6], enum dp_arp_state s)
{
	uint64_t w = (uint64_t)s << 48;

	for (int i = 0; mac != NULL && i < 6; i++)
		w |= (uint64_t)mac[i] << (8 * i);
	return w;
}

static void
unpack_mac(uint64_t w, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(w >> (8 * i));
}

static enum dp_arp_state
state_of(uint64_t w)
{
	return (enum dp_arp_state)(w >> 48 & 0xff);
}

/* The owner rewrites what readers see: sequence odd, the fields, sequence even. */
static void
publish(struct dp_arp_entry *e, uint32_t ip, uint64_t word, uint64_t learned_ns)
{
	uint32_t s = e->seq;

	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->ip, ip, __ATOMIC_RELAXED);
	__atomic_store_n(&e->word, word, __ATOMIC_RELAXED);
	__atomic_store_n(&e->learned_ns, learned_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
}

/* A consistent (ip, word, learned) of e, or -1 when the owner kept rewriting it. */
static int
snapshot(const struct dp_arp_entry *e, uint32_t *ip, uint64_t *word, uint64_t *learned_ns)
{
	for (int i = 0; i < READ_TRIES; i++) {
		uint32_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE), s2;

		*ip = __atomic_load_n(&e->ip, __ATOMIC_RELAXED);
		*word = __atomic_load_n(&e->word, __ATOMIC_RELAXED);
		*learned_ns = __atomic_load_n(&e->learned_ns, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
		if ((s1 & 1) == 0 && s1 == s2)
			return 0;
	}
	return -1;
}

enum dp_arp_lookup
dp_arp_table_lookup(struct dp_arp_table *t, uint32_t ip, uint8_t mac[6])
{
	struct dp_arp_entry *b = &t->e[dp_arp_bucket(ip) * DP_ARP_WAYS];

	for (unsigned k = 0; ip != 0 && k < DP_ARP_WAYS; k++) {
		uint32_t eip;
		uint64_t word, learned;

		if (snapshot(&b[k], &eip, &word, &learned) != 0)
			return DP_ARP_REWRITTEN; /* never wait for the owner */
		if (eip != ip)
			continue;
		if (state_of(word) != DP_ARP_REACHABLE && state_of(word) != DP_ARP_REFRESHING)
			return DP_ARP_PENDING;
		unpack_mac(word, mac);
		if (__atomic_load_n(&b[k].used, __ATOMIC_RELAXED) == 0)
			__atomic_store_n(&b[k].used, 1, __ATOMIC_RELAXED);
		return DP_ARP_HIT;
	}
	return DP_ARP_MISS;
}

/* Owner: the entry of ip, or NULL. */
static struct dp_arp_entry *
find(struct dp_arp_table *t, uint32_t ip)
{
	struct dp_arp_entry *b = &t->e[dp_arp_bucket(ip) * DP_ARP_WAYS];

	for (unsigned k = 0; ip != 0 && k < DP_ARP_WAYS; k++)
		if (b[k].ip == ip)
			return &b[k];
	return NULL;
}

static void
forget(struct dp_arp_table *t, struct dp_arp_entry *e)
{
	t->bn[dp_arp_bucket(e->ip)]--;
	publish(e, 0, 0, 0);
	e->tries = 0;
	e->used = 0;
	t->n--;
}

/* want, with room: entries its bucket may hold, counting this one. */
static int
want_within(struct dp_arp_table *t, uint32_t ip, uint64_t now_ns, unsigned room)
{
	struct dp_arp_entry *b = &t->e[dp_arp_bucket(ip) * DP_ARP_WAYS];

	if (ip == 0)
		return -EINVAL;
	if (find(t, ip) != NULL)
		return 0;
	for (unsigned k = 0; t->bn[dp_arp_bucket(ip)] < room && k < DP_ARP_WAYS; k++) {
		struct dp_arp_entry *e = &b[k];

		if (e->ip != 0)
			continue;
		e->tries = 1;
		e->next_ns = now_ns + DP_ARP_RETRY_NS;
		__atomic_store_n(&e->used, 0, __ATOMIC_RELAXED);
		publish(e, ip, pack(NULL, DP_ARP_INCOMPLETE), now_ns);
		t->n++;
		t->bn[dp_arp_bucket(ip)]++;
		t->c.requests++;
		return 1;
	}
	return -ENOSPC;
}

int
dp_arp_table_want(struct dp_arp_table *t, uint32_t ip, uint64_t now_ns)
{
	int rc = want_within(t, ip, now_ns, DP_ARP_WAYS);

	t->c.full += rc == -ENOSPC;
	return rc;
}

int
dp_arp_table_want_warm(struct dp_arp_table *t, uint32_t ip, uint64_t now_ns)
{
	return want_within(t, ip, now_ns, DP_ARP_WARM_WAYS);
}

int
dp_arp_table_learn(struct dp_arp_table *t, uint32_t ip, const uint8_t mac[6], uint64_t now_ns)
{
	struct dp_arp_entry *e = find(t, ip);

	/* only an outstanding request takes a reply: an on-link host cannot plant
	 * or replace entries by answering questions nobody asked */
	if (e == NULL || state_of(e->word) == DP_ARP_REACHABLE) {
		t->c.unsolicited++;
		return -ENOENT;
	}
	e->tries = 0;
	e->next_ns = now_ns + DP_ARP_REFRESH_NS;
	__atomic_store_n(&e->used, 0, __ATOMIC_RELAXED);
	publish(e, ip, pack(mac, DP_ARP_REACHABLE), now_ns);
	t->c.learned++;
	return 0;
}

/* Owner, one entry of the tick: 1 when its address is to be asked now. */
static int
tick_one(struct dp_arp_table *t, struct dp_arp_entry *e, uint64_t now_ns, int room)
{
	enum dp_arp_state s = state_of(e->word);

	if (s == DP_ARP_REACHABLE) {
		uint64_t age = now_ns - e->learned_ns;
		int used = __atomic_load_n(&e->used, __ATOMIC_RELAXED) != 0;

		if (age >= DP_ARP_REFRESH_NS && used && room) {
			e->tries = 1;
			e->next_ns = now_ns + DP_ARP_RETRY_NS;
			__atomic_store_n(&e->used, 0, __ATOMIC_RELAXED);
			publish(e, e->ip,
				(e->word & 0xffffffffffffull) | (uint64_t)DP_ARP_REFRESHING << 48,
				e->learned_ns);
			t->c.requests++;
			return 1;
		}
		if (age >= DP_ARP_EXPIRE_NS && !used) {
			forget(t, e);
			t->c.expired++;
		}
		return 0;
	}
	/* INCOMPLETE or REFRESHING: a request is outstanding */
	if (now_ns < e->next_ns)
		return 0;
	if (e->tries >= DP_ARP_TRIES) {
		forget(t, e);
		t->c.failed++;
		return 0;
	}
	if (!room)
		return 0;
	e->tries++;
	e->next_ns = now_ns + DP_ARP_RETRY_NS;
	t->c.requests++;
	return 1;
}

unsigned
dp_arp_table_tick(struct dp_arp_table *t, uint64_t now_ns, uint32_t *ask, unsigned max)
{
	unsigned n = 0;

	for (unsigned b = 0; t->n > 0 && b < DP_ARP_BUCKETS; b++)
		for (unsigned k = 0; t->bn[b] > 0 && k < DP_ARP_WAYS; k++) {
			struct dp_arp_entry *e = &t->e[b * DP_ARP_WAYS + k];

			if (e->ip != 0 && tick_one(t, e, now_ns, n < max))
				ask[n++] = e->ip;
		}
	return n;
}

void
dp_arp_table_read(const struct dp_arp_table *t, unsigned i, struct dp_arp_view *v)
{
	uint64_t word = 0;

	memset(v, 0, sizeof(*v));
	if (i >= DP_ARP_ENTRIES || snapshot(&t->e[i], &v->ip, &word, &v->learned_ns) != 0 ||
	    v->ip == 0) {
		v->ip = 0;
		v->state = DP_ARP_FREE;
		return;
	}
	unpack_mac(word, v->mac);
	v->state = state_of(word);
}

const char *
dp_arp_state_name(enum dp_arp_state s)
{
	switch (s) {
	case DP_ARP_INCOMPLETE:
		return "incomplete";
	case DP_ARP_REACHABLE:
		return "reachable";
	case DP_ARP_REFRESHING:
		return "refreshing";
	default:
		return "free";
	}
}
