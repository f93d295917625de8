/* SPDX-License-Identifier: MIT */
/*
 * The swarm view over a registry (a file or a Redis list, registry_source.h):
 * many swarms, as the network has them. An account belongs to the swarm whose id is closest to
 * its point in swarm space (crypto/swarm_space.h, whitepaper 4.4); that
 * swarm's members are the active nodes the replayed assignment put in it,
 * ascending by Ed25519 key. This node serves an account when it is one of
 * them, so a misdirected request is answered 421 with the right swarm by the
 * RPC, unchanged (swarm_view.h). Decommissioned nodes are in no swarm.
 *
 * snode-control uses it when `registry` is configured. The log is re-read
 * when it changes: a libevent timer looks once a second (a file's inode,
 * size, mtime; a list's length and last entry) and replays what changed; a file with an error is
 * logged as "FILE:LINE: reason" once and the previous state stays in use. Each load logs one line:
 * "registry FILE: block H, N nodes (A active), S swarms; this node: swarm ID" (or "this node: in no
 * swarm").
 */
#ifndef CTL_SWARM_VIEW_REGISTRY_H
#define CTL_SWARM_VIEW_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"
#include "swarm_view.h"

struct event_base;

enum {
	CTL_SWARM_VIEW_REGISTRY_CHECK_MS = 1000, /* how often the file is stat()ed */
	/* Past layouts kept for hand-offs (swarm_view.h held_before): a reload that changes
	 * the swarms (ids or members) keeps the layout it replaces, with the height that
	 * replaced it, for CTL_SWARM_VIEW_PAST_HEIGHTS blocks; at most
	 * CTL_SWARM_VIEW_PAST_LAYOUTS of them (the oldest goes first). */
	CTL_SWARM_VIEW_PAST_LAYOUTS = 4,
	CTL_SWARM_VIEW_PAST_HEIGHTS = 60, /* ~2 h of 2-minute blocks */
};

/* What the view holds now (for logs, status and tests). */
struct ctl_swarm_view_registry_info {
	bool have_block;
	uint64_t height;	    /* the last block applied */
	size_t nodes;		    /* known: active + decommissioned */
	size_t active;		    /* of which active */
	size_t swarms;		    /* distinct swarm ids of active nodes */
	uint64_t self_swarm;	    /* CTL_SWARM_VIEW_NO_SWARM when this node is in none */
	uint64_t reloads;	    /* successful reloads after the first load */
	uint64_t errors;	    /* reloads refused (old state kept) */
	uint64_t incremental, full; /* reloads by appended lines, by full replay */
	uint64_t redis_errors;	    /* a Redis source: calls that failed (registry_redis.h) */
	uint64_t outages;	    /* and times it stopped answering */
	size_t past;		    /* past layouts kept (CTL_SWARM_VIEW_PAST_LAYOUTS at most) */
};

/*
 * Loads the registry at path (a source value: FILE, file:FILE or
 * redis:ADDR/KEY, registry_source.h) into a view for the node self_ed25519;
 * every member gets https_port. NULL with "FILE: reason" or "FILE:LINE:
 * reason" in err (registry_file.h). Logs the summary line.
 */
struct ctl_swarm_view *ctl_swarm_view_registry_load(const char *path,
						    const uint8_t self_ed25519[32],
						    uint16_t https_port, char *err, size_t errlen);

/* Checks the file every CTL_SWARM_VIEW_REGISTRY_CHECK_MS on base until the view
 * is freed. Returns 0, -EINVAL (not a registry view, or already watching) or
 * -ENOMEM. */
int ctl_swarm_view_registry_watch(struct ctl_swarm_view *v, struct event_base *base);

/*
 * One check now (what the timer does): reloads when the file changed and
 * logs the outcome. *reloaded: the view changed. Returns 0 (unchanged or
 * reloaded), -EINVAL for a view that is not a registry view, or the reload's
 * error (logged, old state kept).
 */
int ctl_swarm_view_registry_check(struct ctl_swarm_view *v, bool *reloaded);

/* Called after every successful reload with the new state (borrowed for the call). */
typedef void ctl_swarm_view_reload_fn(void *arg, const struct ctl_registry *reg);

enum {
	CTL_SWARM_VIEW_RELOAD_LISTENERS = 4,
};

/* Adds a reload listener (called in the order added): 0, -EINVAL for a view that is not a
 * registry view (or fn NULL), -ENOSPC beyond CTL_SWARM_VIEW_RELOAD_LISTENERS. */
int ctl_swarm_view_registry_on_reload(struct ctl_swarm_view *v, ctl_swarm_view_reload_fn *fn,
				      void *arg);

/* The replayed state behind the view (borrowed until the next reload), or
 * NULL for a view that is not a registry view. */
const struct ctl_registry *ctl_swarm_view_registry_state(const struct ctl_swarm_view *v);

/* 0, or -EINVAL for a view that is not a registry view. */
int ctl_swarm_view_registry_info(const struct ctl_swarm_view *v,
				 struct ctl_swarm_view_registry_info *out);

#endif
