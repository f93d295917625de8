/* SPDX-License-Identifier: MIT */
/* Records this node no longer serves (see catchup.h). */
#include "catchup_int.h"

void
cu_drop_start(struct ctl_catchup *c)
{
	c->drop_needed = false; /* not yet: the erase pass comes with the hand-off */
}
