/* SPDX-License-Identifier: MIT */
/*
 * The registry's side of the decommission credit (decomm_credit.h): what a
 * state change records in the node, and the credit at a height. Between
 * registry.c and the voters; every input is a line of the log.
 */
#include "decomm_credit.h"
#include "registry.h"
#include "registry_int.h"

int64_t
ctl_registry_credit(const struct ctl_registry *r, const struct ctl_registry_node *nd,
		    uint64_t height)
{
	if (nd->status == CTL_REGISTRY_DECOMMISSIONED)
		return ctl_credit_decommissioned(
			nd->decomm_credit,
			height > nd->decomm_height ? height - nd->decomm_height : 0);
	return ctl_credit_active(r->block_seconds,
				 height > nd->active_since ? height - nd->active_since : 0,
				 nd->decomm_count == 0, nd->carried);
}

void
ctl_registry_credit_change(struct ctl_registry *r, struct ctl_registry_node *nd,
			   enum ctl_registry_kind kind, uint64_t height)
{
	if (kind == CTL_REGISTRY_DECOMMISSION) {
		nd->decomm_credit = ctl_registry_credit(r, nd, height);
		nd->decomm_height = height;
		nd->decomm_count++;
	} else if (kind == CTL_REGISTRY_RECOMMISSION) {
		nd->carried = ctl_credit_recommission(
			nd->decomm_credit,
			height > nd->decomm_height ? height - nd->decomm_height : 0);
		nd->active_since = height;
	}
}
