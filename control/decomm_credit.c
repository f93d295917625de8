/* SPDX-License-Identifier: MIT */
/* Decommission credit in blocks (decomm_credit.h): pure integer arithmetic, saturating. */
#include "decomm_credit.h"

static uint64_t
block_s(uint64_t block_seconds)
{
	if (block_seconds == 0)
		return CTL_CREDIT_BLOCK_SECONDS_DEFAULT;
	return block_seconds > CTL_CREDIT_BLOCK_SECONDS_MAX ? CTL_CREDIT_BLOCK_SECONDS_MAX
							    : block_seconds;
}

int64_t
ctl_credit_hours(uint64_t block_seconds, uint64_t hours)
{
	if (hours > 1000000)
		hours = 1000000; /* far beyond any credit: no overflow below */
	return (int64_t)(hours * 3600 / block_s(block_seconds));
}

/* a saturating difference: heights are below 2^64, credits far below 2^62 */
static int64_t
clamp(uint64_t v)
{
	return v > (uint64_t)INT64_MAX / 4 ? INT64_MAX / 4 : (int64_t)v;
}

int64_t
ctl_credit_active(uint64_t block_seconds, uint64_t blocks_up, bool first, int64_t carried)
{
	int64_t max = ctl_credit_hours(block_seconds, CTL_CREDIT_MAX_HOURS);
	int64_t c = clamp(blocks_up / CTL_CREDIT_EARN_DIVISOR);

	if (first)
		c += ctl_credit_hours(block_seconds, CTL_CREDIT_INITIAL_HOURS);
	if (carried > 0)
		c += carried < max ? carried : max;
	return c > max ? max : c;
}

int64_t
ctl_credit_decommissioned(int64_t at_decommission, uint64_t down_blocks)
{
	return at_decommission - clamp(down_blocks);
}

int64_t
ctl_credit_recommission(int64_t at_decommission, uint64_t down_blocks)
{
	int64_t left = at_decommission - 2 * clamp(down_blocks);

	return left > 0 ? left : 0;
}

bool
ctl_credit_may_decommission(uint64_t block_seconds, int64_t credit)
{
	return credit >= ctl_credit_hours(block_seconds, CTL_CREDIT_MINIMUM_HOURS);
}
