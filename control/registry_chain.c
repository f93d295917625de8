/* SPDX-License-Identifier: MIT */
/* The next block of a testnet registry log (see registry_chain.h). */
#include "registry_chain.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ctl_chain_block_hash(const uint8_t prev[32], uint64_t height, uint8_t out[32])
{
	uint8_t in[40];

	memcpy(in, prev, 32);
	for (int i = 0; i < 8; i++)
		in[32 + i] = (uint8_t)(height >> (8 * i));
	crypto_generichash(out, 32, in, sizeof(in), NULL, 0);
}

void
ctl_chain_block_free(struct ctl_chain_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->lines[i]);
	for (size_t i = 0; i < b->n_deferred; i++)
		free(b->deferred[i]);
	free(b->lines);
	free(b->deferred);
	memset(b, 0, sizeof(*b));
}

static void
drop(struct ctl_chain_block *b, ctl_chain_log_fn *log, void *arg, const char *line, const char *why)
{
	char msg[CTL_REGISTRY_LINE_MAX + 300];

	b->dropped++;
	if (log == NULL)
		return;
	snprintf(msg, sizeof(msg), "pending line dropped: %.200s: '%.*s'", why,
		 CTL_REGISTRY_LINE_MAX - 1, line);
	log(arg, msg);
}

static bool
is_node_event(enum ctl_registry_kind k)
{
	/* RANDAO commits and reveals are node events too (docs/quorums.md) */
	return k == CTL_REGISTRY_REGISTER || k == CTL_REGISTRY_DECOMMISSION ||
	       k == CTL_REGISTRY_RECOMMISSION || k == CTL_REGISTRY_DEREGISTER ||
	       k == CTL_REGISTRY_COMMIT || k == CTL_REGISTRY_REVEAL;
}

/* Sorts one pending line: accepted (applied to work), deferred, or dropped. */
static int
sort_line(struct ctl_registry *work, const char *line, struct ctl_chain_block *b,
	  ctl_chain_log_fn *log, void *arg)
{
	struct ctl_registry_event ev;
	char why[200];
	char **slot;
	int rc;

	if (ctl_registry_parse(line, &ev, why, sizeof(why)) != 0) {
		drop(b, log, arg, line, why);
		return 0;
	}
	if (!is_node_event(ev.kind)) {
		drop(b, log, arg, line, "not a node event");
		return 0;
	}
	if (ev.height < b->height) {
		snprintf(why, sizeof(why), "height %" PRIu64 " is below the next block %" PRIu64,
			 ev.height, b->height);
		drop(b, log, arg, line, why);
		return 0;
	}
	slot = ev.height > b->height ? &b->deferred[b->n_deferred] : &b->lines[b->n];
	if (ev.height == b->height) {
		rc = ctl_registry_apply(work, &ev, why, sizeof(why));
		if (rc == -ENOMEM)
			return rc;
		if (rc != 0) {
			drop(b, log, arg, line, why);
			return 0;
		}
	}
	if ((*slot = strdup(line)) == NULL)
		return -ENOMEM;
	if (ev.height > b->height)
		b->n_deferred++;
	else {
		b->n++;
		b->accepted++;
	}
	return 0;
}

static int
block_line(struct ctl_chain_block *b)
{
	char hex[65], *line = malloc(CTL_REGISTRY_LINE_MAX);

	if (line == NULL)
		return -ENOMEM;
	sodium_bin2hex(hex, sizeof(hex), b->hash, 32);
	snprintf(line, CTL_REGISTRY_LINE_MAX, "block %" PRIu64 " %s", b->height, hex);
	b->lines[b->n++] = line;
	return 0;
}

int
ctl_chain_build(const struct ctl_registry *state, char *const *pending, size_t n,
		ctl_chain_log_fn *log, void *log_arg, struct ctl_chain_block *out, char *err,
		size_t errlen)
{
	static const uint8_t zero[32];
	struct ctl_registry work;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (state->open) {
		snprintf(err, errlen, "the log has events for height %" PRIu64 " without a block",
			 state->open_height);
		return -EINVAL;
	}
	if (state->have_block && state->height == UINT64_MAX) {
		snprintf(err, errlen, "the last block is 2^64 - 1: no next height");
		return -EOVERFLOW;
	}
	out->height = state->have_block ? state->height + 1 : 1;
	ctl_chain_block_hash(state->have_block ? state->hash : zero, out->height, out->hash);
	out->lines = calloc(n + 1, sizeof(*out->lines));
	out->deferred = calloc(n + 1, sizeof(*out->deferred));
	if (out->lines == NULL || out->deferred == NULL || ctl_registry_copy(&work, state) != 0) {
		ctl_chain_block_free(out);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = sort_line(&work, pending[i], out, log, log_arg);
	ctl_registry_free(&work);
	if (rc == 0)
		rc = block_line(out);
	if (rc != 0) {
		ctl_chain_block_free(out);
		snprintf(err, errlen, "out of memory");
	}
	return rc;
}
