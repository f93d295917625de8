/* SPDX-License-Identifier: MIT */
#include "path.h"

#include <sodium.h>

static bool
in_path(const size_t *path, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (path[k] == i)
			return true;
	return false;
}

/* Candidates for the relays: not dest, not chosen, not avoided (if honour_avoid). */
static size_t
count_free(const struct scl_nodes *ns, const size_t *path, size_t n, const bool *avoid,
	   bool honour_avoid)
{
	size_t c = 0;

	for (size_t i = 0; i < ns->n; i++)
		if (!in_path(path, n, i) && !(honour_avoid && avoid != NULL && avoid[i]))
			c++;
	return c;
}

/* The k-th (0-based) free candidate. */
static size_t
nth_free(const struct scl_nodes *ns, const size_t *path, size_t n, const bool *avoid,
	 bool honour_avoid, size_t k)
{
	for (size_t i = 0; i < ns->n; i++) {
		if (in_path(path, n, i) || (honour_avoid && avoid != NULL && avoid[i]))
			continue;
		if (k-- == 0)
			return i;
	}
	return 0; /* not reached: k < count_free */
}

int
scl_path_pick(const struct scl_nodes *ns, size_t dest, size_t hops, const bool *avoid,
	      size_t path[], struct scl_error *err)
{
	bool honour;

	if (hops == 0 || hops > SCL_PATH_HOPS || dest >= ns->n)
		return scl_fail(err, SCL_E_USAGE, "bad path request");
	if (ns->n < hops)
		return scl_fail(err, SCL_E_NO_ROUTE,
				"no route: %zu node(s) known, a path needs %zu distinct ones",
				ns->n, hops);
	path[hops - 1] = dest;
	/* Relays first (the chosen ones are path[hops-1..]); avoid only while possible. */
	honour = count_free(ns, path + hops - 1, 1, avoid, true) >= hops - 1;
	for (size_t k = hops - 1; k-- > 0;) {
		const size_t *chosen = path + k + 1;
		size_t n_chosen = hops - 1 - k;
		size_t c = count_free(ns, chosen, n_chosen, avoid, honour);

		path[k] = nth_free(ns, chosen, n_chosen, avoid, honour,
				   randombytes_uniform((uint32_t)c));
	}
	return 0;
}
