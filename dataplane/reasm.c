/* SPDX-License-Identifier: MIT */
#include "reasm.h"

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "worker.h"

enum {
	ETH_LEN = 14,
	IP_LEN = 20,		       /* the header the whole datagram gets (options dropped) */
	PAYLOAD_AT = ETH_LEN + IP_LEN, /* where fragment offset 0 lands in the big mbuf */
};

/* What one fragment says about itself. */
struct frag {
	const struct rte_ipv4_hdr *ip;
	const uint8_t *data;
	uint32_t off, len; /* payload bytes */
	bool more;
};

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

static void
release(struct dp_reasm *r, struct dp_reasm_slot *s)
{
	rte_pktmbuf_free(s->m);
	memset(s, 0, sizeof(*s));
	r->active--;
}

/* The fragment's place in its datagram; dp_pkt_parse checked the IPv4 header. */
static enum dp_drop_reason
describe(struct rte_mbuf *m, struct frag *f)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, ETH_LEN);
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);

	f->ip = ip;
	f->data = (const uint8_t *)ip + ihl;
	f->len = rte_be_to_cpu_16(ip->total_length) - ihl;
	f->off = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * 8;
	f->more = (fo & RTE_IPV4_HDR_MF_FLAG) != 0;
	/* Only the last fragment may end off the 8-byte grid; empty fragments say nothing. */
	if (f->len == 0 || (f->more && f->len % 8 != 0))
		return DP_DROP_FRAG_BAD;
	if (f->off + f->len > DP_REASM_MAX_IP - IP_LEN)
		return DP_DROP_FRAG_OVERSIZE;
	return DP_DROP_NONE;
}

static struct dp_reasm_slot *
find(struct dp_reasm *r, const struct frag *f)
{
	uint32_t src = f->ip->src_addr, dst = f->ip->dst_addr;

	for (unsigned i = 0; i < DP_REASM_SLOTS; i++) {
		struct dp_reasm_slot *s = &r->slot[i];
		if (s->used && s->id == f->ip->packet_id && s->src_ip == src && s->dst_ip == dst)
			return s;
	}
	return NULL;
}

static enum dp_drop_reason
open_slot(struct dp_worker *w, const struct frag *f, uint64_t now_ns, struct dp_reasm_slot **out)
{
	struct dp_reasm *r = &w->reasm;
	struct dp_reasm_slot *s = NULL;
	unsigned same_source = 0;

	if (w->big_pool == NULL)
		return DP_DROP_FRAGMENT; /* --big-mbufs 0: nowhere to reassemble */
	for (unsigned i = 0; i < DP_REASM_SLOTS; i++) {
		if (!r->slot[i].used)
			s = s != NULL ? s : &r->slot[i];
		else if (r->slot[i].src_ip == f->ip->src_addr)
			same_source++;
	}
	if (same_source >= DP_REASM_PER_SOURCE)
		return DP_DROP_FRAG_SOURCE_LIMIT;
	if (s == NULL)
		return DP_DROP_FRAG_TABLE_FULL;
	s->m = rte_pktmbuf_alloc(w->big_pool);
	if (s->m == NULL)
		return DP_DROP_FRAG_NOMBUF;
	s->used = true;
	s->src_ip = f->ip->src_addr;
	s->dst_ip = f->ip->dst_addr;
	s->id = f->ip->packet_id;
	s->deadline_ns = now_ns + (uint64_t)DP_REASM_TIMEOUT_MS * 1000000ull;
	r->active++;
	*out = s;
	return DP_DROP_NONE;
}

/* Marks the fragment's 8-byte blocks; -1 (nothing marked) when one was already there. */
static int
mark(struct dp_reasm_slot *s, const struct frag *f)
{
	uint32_t first = f->off / 8, last = (f->off + f->len - 1) / 8;

	for (uint32_t b = first; b <= last; b++)
		if (s->seen[b / 64] & (1ull << (b % 64)))
			return -1;
	for (uint32_t b = first; b <= last; b++)
		s->seen[b / 64] |= 1ull << (b % 64);
	return 0;
}

/* Copies the fragment into the slot's mbuf; the headers come from the first one. */
static enum dp_drop_reason
place(struct dp_reasm_slot *s, struct rte_mbuf *m, const struct frag *f)
{
	uint8_t *base = rte_pktmbuf_mtod(s->m, uint8_t *);

	if (PAYLOAD_AT + f->off + f->len > rte_pktmbuf_tailroom(s->m))
		return DP_DROP_FRAG_OVERSIZE; /* past what a big mbuf holds */
	if (s->total != 0 && f->off + f->len > s->total)
		return DP_DROP_FRAG_BAD; /* past the end the last fragment set */
	if (!f->more && (s->total != 0 || f->off + f->len < s->end))
		return DP_DROP_FRAG_BAD; /* a second end, or an end before bytes we have */
	if (mark(s, f) != 0)
		return DP_DROP_FRAG_BAD; /* overlap or duplicate */
	memcpy(base + PAYLOAD_AT + f->off, f->data, f->len);
	if (f->off == 0) {
		memcpy(base, rte_pktmbuf_mtod(m, const uint8_t *), PAYLOAD_AT);
		s->have_first = true;
	}
	if (!f->more)
		s->total = f->off + f->len;
	s->got += f->len;
	if (f->off + f->len > s->end)
		s->end = f->off + f->len;
	return DP_DROP_NONE;
}

/* The slot's datagram as one unfragmented IPv4 packet; the slot is freed. */
static struct rte_mbuf *
finish(struct dp_reasm *r, struct dp_reasm_slot *s)
{
	struct rte_mbuf *m = s->m;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(IP_LEN + s->total));
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m->data_len = (uint16_t)(PAYLOAD_AT + s->total);
	m->pkt_len = m->data_len;
	s->m = NULL;
	release(r, s);
	return m;
}

struct rte_mbuf *
dp_reasm_add(struct dp_worker *w, struct rte_mbuf *m, uint64_t now_ns)
{
	struct dp_reasm_slot *s;
	struct frag f;
	enum dp_drop_reason why = describe(m, &f);

	if (why == DP_DROP_NONE) {
		s = find(&w->reasm, &f);
		if (s == NULL)
			why = open_slot(w, &f, now_ns, &s);
	}
	if (why == DP_DROP_NONE) {
		why = place(s, m, &f);
		if (why != DP_DROP_NONE && s->got == 0) /* its first fragment was refused */
			release(&w->reasm, s);
	}
	if (why != DP_DROP_NONE) {
		drop(w, m, why);
		return NULL;
	}
	rte_pktmbuf_free(m);
	w->stats.frags_in++;
	if (s->total == 0 || s->got != s->total || !s->have_first)
		return NULL;
	w->stats.reassembled++;
	return finish(&w->reasm, s);
}

void
dp_reasm_age(struct dp_worker *w, uint64_t now_ns)
{
	struct dp_reasm *r = &w->reasm;

	for (unsigned i = 0; i < DP_REASM_SLOTS && r->active > 0; i++)
		if (r->slot[i].used && now_ns >= r->slot[i].deadline_ns) {
			dp_stats_drop(&w->stats, DP_DROP_FRAG_TIMEOUT);
			release(r, &r->slot[i]);
		}
}

void
dp_reasm_free(struct dp_worker *w)
{
	struct dp_reasm *r = &w->reasm;

	for (unsigned i = 0; i < DP_REASM_SLOTS && r->active > 0; i++)
		if (r->slot[i].used)
			release(r, &r->slot[i]);
}
