/* SPDX-License-Identifier: MIT */
/*
 * Which change a validator votes for a worker (quorum_vote.h, ctl_vote_decide;
 * docs/quorums.md "Votes for each change"): oxend's quorum_cop logic over the
 * registry's status and decommission credit (decomm_credit.h).
 */
#include "decomm_credit.h"
#include "quorum_vote.h"

bool
ctl_vote_wanted(enum ctl_quorum_change change, uint8_t status)
{
	switch (change) {
	case CTL_QUORUM_DECOMMISSION:
		return status == CTL_REGISTRY_ACTIVE;
	case CTL_QUORUM_RECOMMISSION:
		return status == CTL_REGISTRY_DECOMMISSIONED;
	case CTL_QUORUM_DEREGISTER:
		return status != 0; /* still registered */
	}
	return false;
}

/* like oxend's first 2 h: a validator just started has not seen enough to judge */
static bool
settled(const struct ctl_vote *v, uint64_t now_ms)
{
	return now_ms >= v->started_ms && now_ms - v->started_ms >= v->conf.fail_after_ms;
}

enum ctl_quorum_change
ctl_vote_decide(const struct ctl_vote *v, uint8_t status, int64_t credit, const uint8_t key[32],
		uint64_t now_ms)
{
	if (status == CTL_REGISTRY_ACTIVE) {
		if (!ctl_vote_should_fail(v, key, now_ms))
			return 0;
		/* too little credit to be decommissioned: out for good */
		return ctl_credit_may_decommission(v->block_seconds, credit)
			       ? CTL_QUORUM_DECOMMISSION
			       : CTL_QUORUM_DEREGISTER;
	}
	if (status != CTL_REGISTRY_DECOMMISSIONED || !settled(v, now_ms))
		return 0;
	if (v->conf.pass != NULL && v->conf.pass(v->conf.pass_arg, key, now_ms))
		return CTL_QUORUM_RECOMMISSION;
	return credit < 0 ? CTL_QUORUM_DEREGISTER : 0;
}
