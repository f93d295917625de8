/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: a group file / invitation (client/group.h) on any bytes. What
 * parses must dump and parse back to the same state; an admin's state must
 * also give invitations and survive a removal. Nothing may crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "snc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const struct scl_group *g)
{
	struct scl_group back;
	struct scl_error err;
	char *t = scl_group_dump(g);

	if (t == NULL)
		return;
	if (scl_group_parse(&back, t, strlen(t), &err) != 0 || memcmp(&back, g, sizeof(back)) != 0)
		abort();
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct scl_group g, inv;
	struct scl_error err;
	uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES];

	if (!ready)
		ready = snc_init() == 0 ? 1 : -1;
	if (ready < 0 || scl_group_parse(&g, (const char *)data, size, &err) != 0)
		return 0;
	round_trip(&g);
	if (g.has_seed) {
		for (size_t i = 0; i < g.n_members; i++)
			if (scl_group_invite(&g, g.members[i], &inv, &err) == 0)
				round_trip(&inv);
		if (g.n_members > 1 &&
		    scl_group_remove(&g, g.members[g.n_members - 1], token, &err) == 0)
			round_trip(&g);
	}
	return 0;
}
