/* SPDX-License-Identifier: MIT */
/*
 * Quotas and usage. The limits themselves are enforced inside the store
 * script (msg.c) so that the check and the write are one atomic step; this
 * file turns a refusal into the "store full" error and logs it at most once
 * per full_log_every refusals (the first one always), so a client hammering a
 * full account cannot flood the log. Usage totals are kept by every script.
 */
#ifndef STORE_QUOTA_H
#define STORE_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct store_usage {
	uint64_t messages;	/* stored, including expired ones not swept yet */
	uint64_t bytes;		/* raw data bytes of those */
	uint64_t accounts;	/* accounts holding at least one message */
	uint64_t tombstones;	/* deleted messages remembered (docs/replication.md) */
	uint64_t tombs_evicted; /* tombstones dropped early: STORE_KEYS_TOMBS_MAX were held */
};

typedef void store_usage_cb(void *arg, const struct store_status *st,
			    const struct store_usage *usage);

int store_quota_usage(struct store *st, store_usage_cb *cb, void *arg);

/*
 * Fills out with -ENOSPC and "store full: ..." for a refused store (account
 * quota when account is true, else the total), counts it and logs it when due.
 */
void store_quota_full(struct store *st, struct store_status *out, bool account, uint64_t used,
		      uint64_t limit);

#endif
