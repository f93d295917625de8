/* SPDX-License-Identifier: MIT */
/*
 * Dataplane tunables shared by every stage. Integer constants are enums with
 * their unit in the comment (l3fwd.h role).
 */
#ifndef DP_H
#define DP_H

enum {
	DP_BURST = 32, /* packets per rx/tx burst */
};

#endif
