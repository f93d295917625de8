/* SPDX-License-Identifier: MIT */
/* Between registry.c and registry_randao.c only. */
#ifndef CTL_REGISTRY_INT_H
#define CTL_REGISTRY_INT_H

#include <stddef.h>

#include "registry.h"

/* The node with this key, writable, or NULL. */
struct ctl_registry_node *ctl_registry_node_mut(struct ctl_registry *r, const uint8_t key[32]);

/* The first 16 hex digits of a key, for error lines. */
const char *ctl_registry_short_key(const uint8_t key[32], char out[17]);

/*
 * Draws the quorum of the epoch of height when the log reaches a new epoch
 * (docs/quorums.md); nothing when it is in that epoch already. The caller
 * restores r->ep if the line fails afterwards.
 */
void ctl_registry_enter_epoch(struct ctl_registry *r, uint64_t height);

/* commit / reveal lines (their height already checked). 0 or -EINVAL with why. */
int ctl_registry_apply_commit(struct ctl_registry *r, const struct ctl_registry_event *ev,
			      char *why, size_t whylen);
int ctl_registry_apply_reveal(struct ctl_registry *r, const struct ctl_registry_event *ev,
			      char *why, size_t whylen);

/* The credit bookkeeping of a decommission / recommission of nd at height (before its
 * status changes; registry_credit.c). */
void ctl_registry_credit_change(struct ctl_registry *r, struct ctl_registry_node *nd,
				enum ctl_registry_kind kind, uint64_t height);

#endif
