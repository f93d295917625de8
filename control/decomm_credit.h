/* SPDX-License-Identifier: MIT */
/*
 * Decommission credit (facts 6.1, docs/quorums.md "Decommission credit"), in
 * blocks, computed from the registry log alone so every node replaying it
 * agrees. Hours become blocks with the log's block time (`option
 * block-seconds S`, default 120 s = oxend's TARGET_BLOCK_TIME):
 *
 *   earned while active  blocks_up / 30                 (24 h per 30 days)
 *   initial              2 h, first active period only (never decommissioned)
 *   cap                  48 h (over earned + initial + carried)
 *   minimum              2 h: a failing active node with less is deregistered,
 *                        not decommissioned
 *   while decommissioned credit_at_decommission - decommissioned_blocks;
 *                        below 0: deregistered
 *   on recommission      carried = max(0, credit_at_decommission - 2 * decommissioned_blocks)
 */
#ifndef CTL_DECOMM_CREDIT_H
#define CTL_DECOMM_CREDIT_H

#include <stdbool.h>
#include <stdint.h>

enum {
	CTL_CREDIT_BLOCK_SECONDS_DEFAULT = 120, /* oxend's TARGET_BLOCK_TIME */
	CTL_CREDIT_BLOCK_SECONDS_MAX = 86400,
	CTL_CREDIT_EARN_DIVISOR = 30, /* 24 h per 30 days = 1 block per 30 */
	CTL_CREDIT_INITIAL_HOURS = 2,
	CTL_CREDIT_MAX_HOURS = 48,
	CTL_CREDIT_MINIMUM_HOURS = 2,
};

/* hours as blocks of block_seconds (0: the default), rounded down. */
int64_t ctl_credit_hours(uint64_t block_seconds, uint64_t hours);

/* The credit of an active node up for blocks_up blocks since it became active;
 * first: never decommissioned (the initial credit); carried: its recommission credit. */
int64_t ctl_credit_active(uint64_t block_seconds, uint64_t blocks_up, bool first, int64_t carried);

/* What is left after down_blocks decommissioned (negative: ran out). */
int64_t ctl_credit_decommissioned(int64_t at_decommission, uint64_t down_blocks);

/* The credit a node takes back into service when recommissioned. */
int64_t ctl_credit_recommission(int64_t at_decommission, uint64_t down_blocks);

/* May a failing active node with this credit be decommissioned (else deregistered)? */
bool ctl_credit_may_decommission(uint64_t block_seconds, int64_t credit);

#endif
