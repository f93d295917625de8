/* SPDX-License-Identifier: MIT */
/* Internals shared by catchup.c (pulls), catchup_serve.c (pages for peers)
 * and catchup_drop.c (records this node no longer serves). */
#ifndef CTL_CATCHUP_INT_H
#define CTL_CATCHUP_INT_H

#include "bulk.h"
#include "catchup.h"
#include "msg.h"

struct event;

/* A storage call in flight; c is NULL once the catch-up is freed. */
struct cu_op {
	struct ctl_catchup *c;
	struct cu_op *prev, *next;
	uint8_t peer[32];
	uint64_t id;		/* the request being answered (serving) */
	uint64_t swarm_id;	/* the asking node's swarm (serving) */
	uint8_t *codes;		/* a push being stored: one code per record received */
	size_t *map;		/* the stored records' places in codes */
	size_t n;		/* messages of the page being merged (a push: those accepted) */
	size_t n_tombs, n_revs; /* tombstones and lists of the page being merged */
	size_t total;		/* a push: its entries (one answer code each) */
};

/* An entry this node no longer serves (a message, a tombstone, a revocation list: idx in the
 * pass's array of its kind), and the swarm that holds it now. */
enum cu_kind {
	CU_MSG,
	CU_TOMB,
	CU_REVS
};
struct cu_gone {
	enum cu_kind kind;
	size_t idx;
	uint64_t swarm;
};

struct ctl_catchup {
	struct event *timer;
	struct ctl_catchup_conf conf;
	uint8_t self[32];
	struct cu_op *ops;
	struct ctl_catchup_stats st;
	/* what the last tick saw */
	uint64_t swarm_id;
	bool cut_off;
	/* the pull */
	bool need, pulling, call_waiting, last_page;
	uint8_t peer[32];
	uint64_t cursor, call_id, started_ms, pages;
	size_t rr;	   /* round robin over the swarm's members */
	uint64_t retry_at; /* no pull before (after failures) */
	unsigned failures; /* in a row */
	struct ctl_catchup_stats at_start;
	/* the erase pass (catchup_drop.c) */
	bool drop_needed, dropping, drop_last;
	uint64_t drop_cursor, call2_id;
	uint64_t drop_retry_at; /* when a pass that kept records runs again (0: none) */
	bool call2_waiting;	/* a push in flight */
	struct cu_gone *gone;	/* entries of the page this node no longer serves, by swarm */
	struct store_msg *gone_msgs;
	struct store_tomb *gone_tombs;
	struct store_revs *gone_revs;
	uint8_t *gone_data; /* the messages' data */
	size_t n_gone, at;  /* how many, and the first not handled yet */
	size_t batch;	    /* records of the push in flight: gone[at, at + batch) */
	struct ctl_catchup_stats pass_start;
};

uint64_t cu_now(const struct ctl_catchup *c);
struct cu_op *cu_op_new(struct ctl_catchup *c);
/* Unlinks op (when still attached) and frees it. */
void cu_op_free(struct cu_op *op);
const char *cu_short_hex(const uint8_t *key, char out[17]);

/* A pulled or pushed record this node keeps: its hash is right, its account
 * ours, its expiry not too far ahead. */
bool cu_acceptable(const struct ctl_catchup *c, const struct store_msg *m, uint64_t now);
/* A pulled tombstone or revocation list this node keeps: its account ours, its
 * times not too far ahead. */
bool cu_tomb_acceptable(const struct ctl_catchup *c, const struct store_tomb *t, uint64_t now);
bool cu_revs_acceptable(const struct ctl_catchup *c, const struct store_revs *r, uint64_t now);
/* Every stamp's time and unrevocation time of r in [0, latest]. */
bool cu_revs_times_ok(const struct store_revs *r, int64_t latest);
/* Adds store codes (messages) to the counters. */
void cu_count_codes(struct ctl_catchup *c, const uint8_t *codes, size_t n);
/* Adds the codes of nt tombstones and nr lists (two each) to the counters. */
void cu_count_tombs_revs(struct ctl_catchup *c, const uint8_t *codes, size_t nt, size_t nr);

/* catchup_drop.c: one erase pass over the store, when drop_needed and idle. */
void cu_drop_start(struct ctl_catchup *c);
/* Withdraws a push in flight and frees the pass's records (ctl_catchup_free). */
void cu_drop_cancel(struct ctl_catchup *c);
/* catchup_serve.c: a hand-off push from peer. */
void cu_serve_push(struct ctl_catchup *c, const uint8_t peer[32], uint64_t id, const uint8_t *body,
		   size_t len);

#endif
