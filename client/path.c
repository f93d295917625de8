/* SPDX-License-Identifier: MIT */
#include "path.h"

#include <stdbool.h>

#include <sodium.h>

static bool
in_path(const size_t *path, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (path[k] == i)
			return true;
	return false;
}

static unsigned
fails_of(const uint8_t *fails, size_t i)
{
	return fails != NULL ? fails[i] : 0;
}

/* Picks uniformly among the nodes not in chosen whose failure count is the lowest. */
static size_t
pick_relay(const struct scl_nodes *ns, const size_t *chosen, size_t n, const uint8_t *fails)
{
	unsigned best = UINT32_MAX;
	size_t count = 0, k;

	for (size_t i = 0; i < ns->n; i++) {
		if (in_path(chosen, n, i))
			continue;
		if (fails_of(fails, i) < best) {
			best = fails_of(fails, i);
			count = 0;
		}
		if (fails_of(fails, i) == best)
			count++;
	}
	k = randombytes_uniform((uint32_t)count);
	for (size_t i = 0; i < ns->n; i++)
		if (!in_path(chosen, n, i) && fails_of(fails, i) == best && k-- == 0)
			return i;
	return 0; /* not reached: count >= 1 when ns->n > n */
}

int
scl_path_pick(const struct scl_nodes *ns, size_t dest, size_t hops, const uint8_t *fails,
	      size_t path[], struct scl_error *err)
{
	if (hops == 0 || hops > SCL_PATH_HOPS || dest >= ns->n)
		return scl_fail(err, SCL_E_USAGE, "bad path request");
	if (ns->n < hops)
		return scl_fail(err, SCL_E_NO_ROUTE,
				"no route: %zu node(s) known, a path needs %zu distinct ones",
				ns->n, hops);
	path[hops - 1] = dest;
	for (size_t k = hops - 1; k-- > 0;) /* path[k + 1..hops) are chosen */
		path[k] = pick_relay(ns, path + k + 1, hops - 1 - k, fails);
	return 0;
}
