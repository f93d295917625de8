/* SPDX-License-Identifier: MIT */
/*
 * Swarm view: which swarm holds an account, who its members are, and whether
 * this node is one of them. The storage RPC asks it for 421 answers and for
 * get_swarm bodies; it never blocks.
 *
 * This is an interface so that the real swarm membership (from the chain,
 * swarm/) can replace the one implementation here without touching the RPC:
 * a single swarm made of every node in a node list file, the dataplane's
 * --nodes format, one node per line ('#' starts a comment):
 *
 *   <ed25519 hex64> <x25519 hex64> <a.b.c.d>:<port> <aa:bb:cc:dd:ee:ff>
 *
 * That swarm has id 0 (CTL_SWARM_VIEW_SINGLE_ID): with one swarm every point
 * of swarm space is closest to it, so it holds every account. This node
 * serves the accounts only when its own Ed25519 key is in the file; otherwise
 * every account-scoped request is answered 421 with that swarm. The file's
 * port is what get_swarm reports as port_omq and port_quic; the HTTPS port is
 * configured (one value for every node). Operators see load errors as
 * "FILE:LINE: reason".
 */
#ifndef CTL_SWARM_VIEW_H
#define CTL_SWARM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2^64 - 1: no swarm (INVALID_SWARM_ID); get_swarm then says "ffffffffffffffff". */
#define CTL_SWARM_VIEW_NO_SWARM	 UINT64_MAX
/* The id of the single swarm a node list file makes. */
#define CTL_SWARM_VIEW_SINGLE_ID 0

enum {
	CTL_SWARM_VIEW_NODES_MAX = 4096,   /* nodes in one file */
	CTL_SWARM_VIEW_LINE_MAX = 512,	   /* bytes of one line, newline included */
	CTL_SWARM_VIEW_HTTPS_PORT = 22021, /* default HTTPS port reported by get_swarm */
};

/* One swarm member as get_swarm reports it. */
struct ctl_swarm_node {
	uint8_t ed25519[32]; /* also its legacy pubkey (Session nodes use one key) */
	uint8_t x25519[32];
	uint32_t ip;	     /* IPv4, host order */
	uint16_t port;	     /* port_omq and port_quic */
	uint16_t https_port; /* port_https (and the string "port") */
};

/* A swarm: its id and members, ascending by Ed25519 key. Borrowed from the view. */
struct ctl_swarm {
	uint64_t id;
	const struct ctl_swarm_node *nodes;
	size_t n;
};

struct ctl_swarm_view;

/* What an implementation provides; impl is its own state. */
struct ctl_swarm_view_ops {
	/* The swarm holding pubkey (33 bytes): 0, or -ENOENT when no swarm is known. */
	int (*swarm_of)(const void *impl, const uint8_t *pubkey, struct ctl_swarm *out);
	/* True when this node is a member of the swarm holding pubkey. */
	bool (*serves)(const void *impl, const uint8_t *pubkey);
	/* The swarm whose members include the node ed25519: 0, or -ENOENT. */
	int (*swarm_of_node)(const void *impl, const uint8_t ed25519[32], struct ctl_swarm *out);
	/* True when the node ed25519 is known at all (active or decommissioned). */
	bool (*knows_node)(const void *impl, const uint8_t ed25519[32]);
	/* True when the node ed25519 was a member of the swarm holding pubkey (33 bytes) in a
	 * recent past layout (the registry view keeps a bounded few, swarm_view_registry.h);
	 * pubkey NULL: of any swarm of such a layout. NULL: the view keeps no past. */
	bool (*held_before)(const void *impl, const uint8_t ed25519[32], const uint8_t *pubkey);
	void (*free)(void *impl);
};

struct ctl_swarm_view {
	const struct ctl_swarm_view_ops *ops;
	void *impl;
};

/* Dispatchers. swarm_of fills out with {NO_SWARM, NULL, 0} on -ENOENT. */
int ctl_swarm_view_swarm_of(const struct ctl_swarm_view *v, const uint8_t *pubkey,
			    struct ctl_swarm *out);
bool ctl_swarm_view_serves(const struct ctl_swarm_view *v, const uint8_t *pubkey);
bool ctl_swarm_view_knows_node(const struct ctl_swarm_view *v, const uint8_t ed25519[32]);
/*
 * A hand-off push (docs/replication.md) is taken only from a node that holds pubkey's swarm
 * now or held it recently: true when ed25519 is a member of the swarm holding pubkey, or was in
 * a recent past layout (ops->held_before). pubkey NULL: of this node's own swarm now, or of any
 * swarm of a recent past layout (the check of the whole push before its records).
 */
bool ctl_swarm_view_held_recently(const struct ctl_swarm_view *v, const uint8_t ed25519[32],
				  const uint8_t *self_ed25519, const uint8_t *pubkey);
/* The swarm node ed25519 is a member of; {NO_SWARM, NULL, 0} and -ENOENT when none. */
int ctl_swarm_view_swarm_of_node(const struct ctl_swarm_view *v, const uint8_t ed25519[32],
				 struct ctl_swarm *out);
void ctl_swarm_view_free(struct ctl_swarm_view *v);

/*
 * The single-swarm view of nodes[0..n) (copied and sorted; n may be 0: no
 * swarm). self: this node's Ed25519 key. NULL with a reason in err on a
 * duplicate Ed25519 key, n above CTL_SWARM_VIEW_NODES_MAX, or no memory.
 */
struct ctl_swarm_view *ctl_swarm_view_single(const struct ctl_swarm_node *nodes, size_t n,
					     const uint8_t self_ed25519[32], char *err,
					     size_t errlen);

/*
 * Loads a node list file into a single-swarm view; every node gets https_port.
 * NULL with "FILE: reason" (cannot open) or "FILE:LINE: reason" in err.
 */
struct ctl_swarm_view *ctl_swarm_view_load(const char *path, const uint8_t self_ed25519[32],
					   uint16_t https_port, char *err, size_t errlen);

/* Parses one line (without comment handling) into node. 0 or -EINVAL with *why set. */
int ctl_swarm_view_parse_line(const char *line, uint16_t https_port, struct ctl_swarm_node *node,
			      const char **why);

#endif
