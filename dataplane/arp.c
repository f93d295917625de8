/* SPDX-License-Identifier: MIT */
#include "arp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "arp_frame.h"
#include "loop.h"
#include "ports.h"
#include "tx.h"
#include "worker.h"

/* The all-zero MAC: "resolve by ARP" in a node table. */
static const uint8_t resolve_by_arp[6];

enum {
	MSG_WANT = 1,  /* a packet wants ip on port */
	MSG_LEARN = 2, /* a reply on port says ip is at mac */
	MSG_BURST = 64,
};

/* One ring element (16 bytes). */
struct msg {
	uint32_t ip;
	uint8_t kind;
	uint8_t port;
	uint8_t mac[6];
	uint32_t pad;
};

_Static_assert(sizeof(struct msg) == 16, "ring elements are 16 bytes");

int
dp_arp_init(struct dp_arp *a, const struct dp_ports *ps, unsigned owner_lcore,
	    struct rte_mempool *pool, bool on_link, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->ports = ps;
	a->owner = owner_lcore;
	a->pool = pool;
	a->on_link = on_link;
	for (uint16_t k = 0; k < ps->n; k++) {
		uint16_t p = ps->ids[k];

		if (ps->p[p].prefix >= 32)
			continue; /* no subnet: nothing is on-link */
		a->t[p] = rte_zmalloc("dp_arp_table", sizeof(*a->t[p]), RTE_CACHE_LINE_SIZE);
		if (a->t[p] == NULL)
			goto fail;
	}
	a->ring = rte_ring_create_elem(name, sizeof(struct msg), DP_ARP_RING, SOCKET_ID_ANY,
				       RING_F_SC_DEQ);
	if (a->ring != NULL)
		return 0;
fail:
	dp_arp_free(a);
	return -ENOMEM;
}

void
dp_arp_free(struct dp_arp *a)
{
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		rte_free(a->t[p]);
	rte_ring_free(a->ring);
	memset(a, 0, sizeof(*a));
}

bool
dp_arp_on_link(const struct dp_arp *a, uint16_t p, uint32_t ip)
{
	const struct dp_port_addr *pa = &a->ports->p[p];
	uint32_t host = ip & ~pa->net_mask;

	if (a->t[p] == NULL || ((ip ^ pa->iface.ip) & pa->net_mask) != 0 || ip == pa->iface.ip)
		return false;
	/* the subnet's own and broadcast addresses name no host (but a /31 has two hosts) */
	return pa->prefix >= 31 || (host != 0 && host != ~pa->net_mask);
}

const uint8_t *
dp_arp_next_hop_mac(const void *arg, uint32_t ip)
{
	const struct dp_arp *a = arg;
	uint16_t p = dp_ports_route(a->ports, ip);
	const struct dp_port_addr *pa = &a->ports->p[p];

	if (dp_arp_on_link(a, p, ip) && (a->on_link || !pa->have_gateway))
		return resolve_by_arp;
	return pa->have_gateway ? pa->gateway_mac : NULL;
}

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

static int
post(struct dp_arp *a, uint8_t kind, uint16_t port, uint32_t ip, const uint8_t *mac)
{
	struct msg msg = {.ip = ip, .kind = kind, .port = (uint8_t)port};

	if (mac != NULL)
		memcpy(msg.mac, mac, 6);
	return rte_ring_mp_enqueue_elem(a->ring, &msg, sizeof(msg));
}

/* A reply sent to this port's MAC and address, or a gratuitous one: why it is
 * refused, DP_DROP_NONE to learn from it, or DP_DROP_NOT_CELL when it is
 * another host's traffic (the port is promiscuous). */
static enum dp_drop_reason
check_reply(const struct dp_arp *a, const struct dp_arp_frame *f, const struct dp_iface *in)
{
	if (f->spa == f->tpa)
		return DP_DROP_ARP_UNSOLICITED; /* gratuitous: nobody asked */
	if (memcmp(f->eth_dst, in->mac.addr_bytes, 6) != 0)
		return DP_DROP_NOT_CELL;
	if (f->tpa != in->ip || memcmp(f->tha, in->mac.addr_bytes, 6) != 0 ||
	    !dp_arp_mac_unicast(f->sha))
		return DP_DROP_ARP_BAD;
	if (a == NULL || in->port_id >= DP_PORTS_MAX || !dp_arp_on_link(a, in->port_id, f->spa))
		return DP_DROP_ARP_UNSOLICITED; /* we never ask for it on this port */
	return DP_DROP_NONE;
}

bool
dp_arp_input(struct dp_worker *w, struct rte_mbuf *m, const struct dp_iface *in)
{
	struct dp_arp_frame f;
	enum dp_arp_verdict v = dp_arp_frame_parse(rte_pktmbuf_mtod(m, const uint8_t *),
						   rte_pktmbuf_data_len(m), &f);
	enum dp_drop_reason r;

	if (v == DP_ARP_NOT_ARP || v == DP_ARP_REQUEST)
		return false; /* requests: answered when they are for us (pkt.h) */
	if (v == DP_ARP_BAD) {
		drop(w, m, DP_DROP_ARP_BAD);
		return true;
	}
	r = check_reply(w->arp, &f, in);
	if (r == DP_DROP_NONE && post(w->arp, MSG_LEARN, in->port_id, f.spa, f.sha) != 0)
		r = DP_DROP_ARP_BUSY;
	if (r == DP_DROP_NONE)
		rte_pktmbuf_free(m); /* the owner learns it (and counts it) */
	else
		drop(w, m, r);
	return true;
}

/* Drops the frames held for slot i, each counted r. */
static void
drop_held(struct dp_worker *w, unsigned i, enum dp_drop_reason r)
{
	void *f[DP_ARP_HOLD_FRAMES_MAX];
	unsigned n = dp_arp_hold_take(&w->arp_hold, i, f);

	for (unsigned k = 0; k < n; k++)
		drop(w, f[k], r);
}

/* Slot i's address is at mac: its frames leave now, oldest first, straight to
 * the port (before the burst being flushed, which may hold newer ones). */
static void
release(struct dp_worker *w, unsigned i, const uint8_t mac[6])
{
	void *held[DP_ARP_HOLD_FRAMES_MAX];
	struct rte_mbuf *m[DP_ARP_HOLD_FRAMES_MAX];
	uint16_t p = w->arp_hold.a[i].port, sent;
	unsigned n = dp_arp_hold_take(&w->arp_hold, i, held);

	for (unsigned k = 0; k < n; k++) {
		m[k] = held[k];
		memcpy(rte_pktmbuf_mtod(m[k], uint8_t *), mac, 6);
	}
	sent = dp_tx_burst(w, p, w->txq[p], m, (uint16_t)n, NULL);
	w->stats.tx += sent;
	w->arp_hold.released += sent;
	for (unsigned k = sent; k < n; k++)
		drop(w, m[k], DP_DROP_TX_FULL); /* as a flush does: the port is full now */
}

/* Each held address against its port's table (one lock-free lookup each):
 * resolved, its frames leave; gone from the table after it was resolving
 * (its requests went unanswered), or held too long, they are dropped. */
static void
hold_poll(struct dp_worker *w)
{
	struct dp_arp_hold *h = &w->arp_hold;

	for (unsigned i = 0; h->naddrs > 0 && i < DP_ARP_HOLD_ADDRS; i++) {
		struct dp_arp_hold_addr *s = &h->a[i];
		enum dp_arp_lookup l;
		uint8_t mac[6];

		if (s->ip == 0)
			continue;
		l = dp_arp_table_lookup(w->arp->t[s->port], s->ip, mac);
		if (l == DP_ARP_HIT)
			release(w, i, mac);
		else if (l == DP_ARP_MISS && s->seen)
			drop_held(w, i, DP_DROP_ARP_FAILED);
		else if (h->now_ns >= s->deadline_ns)
			drop_held(w, i, DP_DROP_ARP_HOLD_TIMEOUT);
		else if (l == DP_ARP_PENDING)
			s->seen = 1; /* a MISS before this: the owner has not taken the want yet */
	}
}

/* Keeps m until (p, ip) resolves, or says why it cannot. */
static enum dp_drop_reason
hold(struct dp_worker *w, struct rte_mbuf *m, uint16_t p, uint32_t ip)
{
	if (w->arp_hold.per_addr == 0)
		return DP_DROP_ARP_UNRESOLVED; /* --arp-hold 0 */
	return dp_arp_hold_add(&w->arp_hold, p, ip, m) == 0 ? DP_DROP_NONE : DP_DROP_ARP_HOLD_FULL;
}

/* The MAC of a frame to the zero MAC, or why it cannot leave; *held when it
 * waits in the hold instead. *asked: the last address this flush asked the
 * owner for (one message per address). */
static enum dp_drop_reason
resolve(struct dp_worker *w, struct rte_mbuf *m, uint32_t *asked, bool *held)
{
	struct dp_arp *a = w->arp;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t p = m->port;
	uint32_t ip;

	*held = false;
	if (rte_pktmbuf_data_len(m) < DP_PKT_HDR_LEN || f[12] != 0x08 || f[13] != 0x00 ||
	    p >= DP_PORTS_MAX)
		return DP_DROP_ARP_UNRESOLVED;
	ip = (uint32_t)f[30] << 24 | (uint32_t)f[31] << 16 | (uint32_t)f[32] << 8 | f[33];
	if (!dp_arp_on_link(a, p, ip))
		return DP_DROP_ARP_UNRESOLVED; /* off-link with no MAC: nothing to ask */
	*held = true;
	if (w->arp_hold.naddrs > 0 && dp_arp_hold_find(&w->arp_hold, p, ip) >= 0)
		return hold(w, m, p, ip); /* behind the frames already held (the poll just ran) */
	switch (dp_arp_table_lookup(a->t[p], ip, f)) {
	case DP_ARP_HIT:
		*held = false;
		return DP_DROP_NONE;
	case DP_ARP_PENDING:
		return hold(w, m, p, ip); /* asked already (maybe by another worker) */
	default:
		break;
	}
	if (*asked != ip) {
		if (post(a, MSG_WANT, p, ip, NULL) != 0)
			return DP_DROP_ARP_BUSY; /* nobody will ask: not held */
		*asked = ip;
	}
	return hold(w, m, p, ip);
}

void
dp_arp_resolve_tx(struct dp_worker *w)
{
	uint32_t asked = 0;
	uint16_t k = 0;

	if (w->arp != NULL && w->arp_hold.naddrs > 0)
		hold_poll(w); /* held frames leave before the newer ones below */
	for (uint16_t i = 0; i < w->ntx; i++) {
		struct rte_mbuf *m = w->tx[i];
		enum dp_drop_reason r = DP_DROP_NONE;
		bool held = false;

		if (memcmp(rte_pktmbuf_mtod(m, const uint8_t *), resolve_by_arp, 6) == 0)
			r = w->arp != NULL ? resolve(w, m, &asked, &held) : DP_DROP_ARP_UNRESOLVED;
		if (r != DP_DROP_NONE)
			drop(w, m, r);
		else if (!held)
			w->tx[k++] = m;
	}
	w->ntx = k;
}

void
dp_arp_hold_free(struct dp_worker *w)
{
	void *f[DP_ARP_HOLD_FRAMES_MAX];

	for (unsigned i = 0; i < DP_ARP_HOLD_ADDRS; i++) {
		unsigned n = dp_arp_hold_take(&w->arp_hold, i, f);

		for (unsigned k = 0; k < n; k++)
			rte_pktmbuf_free(f[k]);
	}
}

void
dp_arp_request(struct dp_worker *w, uint16_t p, uint32_t ip)
{
	struct dp_arp *a = w->arp;
	const struct dp_iface *me = &a->ports->p[p].iface;
	struct rte_mbuf *m = rte_pktmbuf_alloc(a->pool);
	uint8_t *buf = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN) : NULL;

	if (buf == NULL) {
		rte_pktmbuf_free(m);
		a->tx_failed++;
		return;
	}
	dp_arp_frame_write_request(buf, me->mac.addr_bytes, me->ip, ip);
	m->port = p;
	if (dp_tx_burst(w, p, w->txq[p], &m, 1, NULL) == 1) {
		a->sent++;
		w->stats.tx++;
	} else {
		rte_pktmbuf_free(m);
		a->tx_failed++;
	}
}

static void
take(struct dp_worker *w, const struct msg *msg, uint64_t now_ns)
{
	struct dp_arp_table *t = msg->port < DP_PORTS_MAX ? w->arp->t[msg->port] : NULL;

	if (t == NULL)
		return;
	if (msg->kind == MSG_WANT && dp_arp_table_want(t, msg->ip, now_ns) == 1)
		dp_arp_request(w, msg->port, msg->ip);
	else if (msg->kind == MSG_LEARN && dp_arp_table_learn(t, msg->ip, msg->mac, now_ns) != 0)
		dp_stats_drop(&w->stats, DP_DROP_ARP_UNSOLICITED);
}

/* The owner's share of dp_arp_service: the ring, then the tables' pass. */
static unsigned
owner_service(struct dp_worker *w, uint64_t now_ns)
{
	struct dp_arp *a = w->arp;
	struct msg msgs[MSG_BURST];
	unsigned n;

	n = rte_ring_sc_dequeue_burst_elem(a->ring, msgs, sizeof(msgs[0]), MSG_BURST, NULL);
	for (unsigned i = 0; i < n; i++)
		take(w, &msgs[i], now_ns);
	if (now_ns - a->last_tick_ns < DP_ARP_TICK_NS)
		return n;
	a->last_tick_ns = now_ns;
	for (uint16_t k = 0; k < a->ports->n; k++) {
		uint16_t p = a->ports->ids[k];
		uint32_t ask[DP_ARP_ASK_MAX];
		unsigned m = a->t[p] != NULL
				     ? dp_arp_table_tick(a->t[p], now_ns, ask, DP_ARP_ASK_MAX)
				     : 0;

		for (unsigned i = 0; i < m; i++)
			dp_arp_request(w, p, ask[i]);
		/* what the retries left of this port's pass, warming may use (arp_warm.h) */
		a->room[p] = (uint8_t)RTE_MIN((unsigned)DP_ARP_WARM_ASK, DP_ARP_ASK_MAX - m);
	}
	dp_arp_warm_pass(w, now_ns);
	return n;
}

unsigned
dp_arp_service(struct dp_worker *w, uint64_t now_ns)
{
	unsigned n = 0;
	uint64_t released;

	if (w->arp == NULL)
		return 0;
	w->arp_hold.now_ns = now_ns;
	if (w->lcore == w->arp->owner)
		n = owner_service(w, now_ns); /* first: a reply learned now frees frames below */
	if (w->arp_hold.naddrs == 0)
		return n;
	released = w->arp_hold.released;
	hold_poll(w);
	return n + (unsigned)(w->arp_hold.released - released);
}
