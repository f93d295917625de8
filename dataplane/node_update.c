/* SPDX-License-Identifier: MIT */
#include "node_update.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cell_mask.h"
#include "chan_nodes.h"

const char *
dp_nodes_reject_name(enum dp_nodes_reject r)
{
	static const char *const names[DP_NODES_REJECT_COUNT] = {
		[DP_NODES_OK] = "ok",
		[DP_NODES_MALFORMED] = "malformed",
		[DP_NODES_TOO_MANY] = "too_many",
		[DP_NODES_NO_MEMORY] = "no_memory",
		[DP_NODES_BUSY] = "busy",
	};

	return (unsigned)r < DP_NODES_REJECT_COUNT ? names[r] : "unknown";
}

void
dp_node_table_destroy(struct dp_node_table *t)
{
	if (t == NULL)
		return;
	dp_node_table_free(t);
	free(t);
}

static const uint8_t *
mac_for(const struct dp_node_update_ctx *ctx, const uint8_t ed25519[32], uint32_t ip)
{
	const struct dp_node *f = ctx->file != NULL ? dp_node_by_ed25519(ctx->file, ed25519) : NULL;

	if (f != NULL)
		return f->mac;
	return ctx->gateway_for != NULL ? ctx->gateway_for(ctx->gateway_arg, ip) : ctx->gateway_mac;
}

/* One entry into t; counts what is left out. */
static int
add_entry(struct dp_node_table *t, const struct dp_node_update_ctx *ctx,
	  const struct chan_node_entry *e, struct dp_node_update_stats *st)
{
	const struct dp_node *old =
		ctx->current != NULL ? dp_node_by_ed25519(ctx->current, e->ed25519) : NULL;
	const uint8_t *mac = mac_for(ctx, e->ed25519, e->ip);
	uint8_t link[32];
	int rc;

	if (ctx->self_ed25519 != NULL && memcmp(e->ed25519, ctx->self_ed25519, 32) == 0)
		return st->self++, 0;
	if (mac == NULL)
		return st->no_mac++, 0;
	if (old != NULL && memcmp(old->x25519, e->x25519, 32) == 0) {
		rc = dp_node_table_add_keyed(t, e->ed25519, e->x25519, old->link_key, e->ip,
					     e->port, mac);
		st->keys_reused += rc == 0;
	} else {
		rc = snc_cell_link_key(t->self_sk, t->self_pk, e->x25519, link);
		if (rc != 0)
			return st->bad_key++, 0;
		rc = dp_node_table_add_keyed(t, e->ed25519, e->x25519, link, e->ip, e->port, mac);
		sodium_memzero(link, sizeof(link));
		st->keys_computed += rc == 0;
	}
	if (rc == -EEXIST)
		return st->duplicate++, 0;
	return rc;
}

enum dp_nodes_reject
dp_node_update_build(const uint8_t *body, size_t len, const struct dp_node_update_ctx *ctx,
		     struct dp_node_table **out, struct dp_node_update_stats *st)
{
	struct chan_nodes_hdr h;
	struct dp_node_table *t;
	int rc = chan_nodes_decode_hdr(body, len, &h);

	memset(st, 0, sizeof(*st));
	*out = NULL;
	if (rc == -E2BIG)
		return DP_NODES_TOO_MANY;
	if (rc != 0)
		return DP_NODES_MALFORMED;
	st->generation = h.generation;
	st->count = h.count;
	if (h.count > ctx->cap)
		return DP_NODES_TOO_MANY;
	t = malloc(sizeof(*t));
	if (t == NULL || dp_node_table_init(t, h.count > 0 ? h.count : 1, ctx->self_x25519_sk,
					    ctx->self_x25519_pk) != 0) {
		free(t);
		return DP_NODES_NO_MEMORY;
	}
	for (uint32_t i = 0; i < h.count; i++) {
		struct chan_node_entry e;

		enum dp_nodes_reject why = DP_NODES_OK;

		if (chan_nodes_decode_entry(body, i, &e) != 0)
			why = DP_NODES_MALFORMED;
		else if (add_entry(t, ctx, &e, st) != 0)
			why = DP_NODES_NO_MEMORY;
		if (why != DP_NODES_OK) {
			dp_node_table_destroy(t);
			return why;
		}
	}
	*out = t;
	return DP_NODES_OK;
}
