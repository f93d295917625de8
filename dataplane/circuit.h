/* SPDX-License-Identifier: MIT */
/*
 * Circuit table of one worker lcore: for every circuit through this node,
 * (label on the previous link, previous hop) <-> (label on the next link,
 * next hop), the hop key and the data keys derived from it, and an expiry.
 * Fixed capacity, no allocation after init, no locks (one owner). Keys are
 * wiped when an entry is removed or ages out. Operators see the count and
 * the drops (no_circuit, circuit_full) in /snode/dp/ telemetry.
 */
#ifndef DP_CIRCUIT_H
#define DP_CIRCUIT_H

#include <stdbool.h>
#include <stdint.h>

#include "u64map.h"

enum {
	/* Seconds a circuit lives without traffic: session-storage-server gives up on a
	 * next hop after 30 s (facts doc 1.7), so no reply comes later than that. */
	DP_CIRCUIT_DEFAULT_TTL_S = 30,
	/* Circuits per worker: a circuit closes with its reply's LAST cell, so only
	 * unanswered requests accumulate; 262,144 over 30 s is ~8,700 unanswered CREATEs/s
	 * per worker before circuit_full (about 60 MB of table, mapped as it is used). */
	DP_CIRCUIT_DEFAULT_CAPACITY = 262144,
};

struct dp_addr {
	uint32_t ip; /* IPv4, host order */
	uint16_t port;
};

struct dp_circuit {
	uint64_t in_label;  /* chosen by the previous hop */
	uint64_t out_label; /* chosen by us for the next link; 0 at the destination */
	struct dp_addr prev;
	struct dp_addr next;
	uint64_t expires_ns;
	uint8_t hop_key[32];
	uint8_t kf[32]; /* DATA, forward: derived only when the CREATE had MORE (has_kf) */
	uint8_t kr[32]; /* REPLY, backward */
	uint8_t size_class;
	uint8_t reply_mode;
	uint8_t enc_type;
	uint8_t client_link; /* the previous hop is a client (mask with hop keys) */
	uint8_t hop_no;	     /* from the CREATE: how many layers a reply gets (mode 1) */
	uint8_t prev_mac[6]; /* Ethernet source of the CREATE: where cells back go */
	uint8_t prev_port;   /* DPDK port the CREATE came in on: cells back leave there */
	uint8_t proxy;	     /* destination is a proxy: its reply is already end-to-end */
	uint8_t replying;    /* destination: a reply is queued (reply.c) */
	uint8_t reply_done;  /* relay: LAST seen, later REPLY cells are refused */
	uint32_t reply_seq;  /* relay: lowest REPLY seq still accepted */
	uint8_t data_done;   /* LAST DATA seen, later DATA cells are refused */
	uint32_t data_seq;   /* lowest DATA seq still accepted (the next one, at the destination) */
	uint8_t entry;	     /* the previous hop is snode-control's HTTP entry (entry.h) */
	uint8_t has_kf;	     /* the CREATE had MORE: kf derived, DATA cells may follow (a
				destination's circuit lives on with it only if reassembly began) */
};

struct dp_circuit_table {
	struct dp_circuit *entries;
	uint32_t *free_list;
	uint32_t nfree;
	uint32_t capacity;
	uint32_t age_cursor;
	uint64_t ttl_ns;
	struct dp_u64map by_in;
	struct dp_u64map by_out;
};

/* capacity circuits (the label maps get twice as many slots). 0, -EINVAL, -ENOMEM. */
int dp_circuit_table_init(struct dp_circuit_table *t, uint32_t capacity, uint64_t ttl_ns);
void dp_circuit_table_free(struct dp_circuit_table *t);

/* A new entry for (in_label, prev), expiring ttl from now; NULL when full or in_label is taken. */
struct dp_circuit *dp_circuit_add(struct dp_circuit_table *t, uint64_t in_label,
				  const struct dp_addr *prev, uint64_t now_ns);

/* Indexes c by the label it chose for the next link. 0, -EEXIST, -ENOSPC. */
int dp_circuit_set_out(struct dp_circuit_table *t, struct dp_circuit *c, uint64_t out_label,
		       const struct dp_addr *next);

/* Forward lookup (DATA from prev) and backward lookup (REPLY from next). The
 * address must match the one recorded; expired entries are removed and missed.
 * A hit refreshes the expiry. */
struct dp_circuit *dp_circuit_find_in(struct dp_circuit_table *t, uint64_t label,
				      const struct dp_addr *from, uint64_t now_ns);
struct dp_circuit *dp_circuit_find_out(struct dp_circuit_table *t, uint64_t label,
				       const struct dp_addr *from, uint64_t now_ns);

void dp_circuit_remove(struct dp_circuit_table *t, struct dp_circuit *c);

/* Removes expired entries among the next `budget` slots; returns how many. */
uint32_t dp_circuit_age(struct dp_circuit_table *t, uint64_t now_ns, uint32_t budget);

uint32_t dp_circuit_count(const struct dp_circuit_table *t);

#endif
