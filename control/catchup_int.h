/* SPDX-License-Identifier: MIT */
/* Internals shared by catchup.c (pulls), catchup_serve.c (pages for peers)
 * and catchup_drop.c (records this node no longer serves). */
#ifndef CTL_CATCHUP_INT_H
#define CTL_CATCHUP_INT_H

#include "catchup.h"

struct event;

/* A storage call in flight; c is NULL once the catch-up is freed. */
struct cu_op {
	struct ctl_catchup *c;
	struct cu_op *prev, *next;
	uint8_t peer[32];
	uint64_t id;	   /* the request being answered (serving) */
	uint64_t swarm_id; /* the asking node's swarm (serving) */
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
	size_t rr; /* round robin over the swarm's members */
	struct ctl_catchup_stats at_start;
	/* the erase pass (catchup_drop.c) */
	bool drop_needed, dropping;
	uint64_t drop_cursor;
};

uint64_t cu_now(const struct ctl_catchup *c);
struct cu_op *cu_op_new(struct ctl_catchup *c);
/* Unlinks op (when still attached) and frees it. */
void cu_op_free(struct cu_op *op);
const char *cu_short_hex(const uint8_t *key, char out[17]);

/* catchup_drop.c: one erase pass over the store, when drop_needed and idle. */
void cu_drop_start(struct ctl_catchup *c);

#endif
