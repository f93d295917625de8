/* SPDX-License-Identifier: MIT */
/*
 * REGISTRY.pending, the submissions of snode-control to the block producer
 * (docs/quorums.md, "Pending submissions"): registry event lines whose height
 * is '*', because only the producer knows the block they go into:
 *
 *   decommission|recommission|deregister <ed25519> * <record>
 *   commit <ed25519> * <hash> <signature>
 *   reveal <ed25519> * <secret>
 *
 * ctl_registry_pending_fill gives the registry line for a height; the
 * producer then applies it to a copy of its state and keeps it only if it
 * applies (registry.h).
 */
#ifndef CTL_REGISTRY_PENDING_H
#define CTL_REGISTRY_PENDING_H

#include <stddef.h>
#include <stdint.h>

/*
 * line (no newline; a trailing "\r\n" or "\n" is ignored) with its '*' field
 * replaced by height into out. 0, -EINVAL (not a pending line: another event,
 * fewer than 4 fields, a third field other than '*') or -ENOSPC (out too small).
 */
int ctl_registry_pending_fill(const char *line, uint64_t height, char *out, size_t outlen);

#endif
