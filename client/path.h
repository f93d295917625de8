/* SPDX-License-Identifier: MIT */
/*
 * Random onion paths: SCL_PATH_HOPS distinct nodes, the destination last.
 * Nodes marked in avoid (one flag per node of the list, or NULL) are left out
 * while enough others remain: a client marks the nodes of a path that timed
 * out, so its retry goes around a dead node.
 */
#ifndef SCL_PATH_H
#define SCL_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "nodes.h"

enum {
	SCL_PATH_HOPS = 3
};

/*
 * Fills path[0..hops) with distinct node indexes, path[hops - 1] = dest
 * (hops 1..SCL_PATH_HOPS). Returns 0, or -1 with SCL_E_NO_ROUTE when the list
 * has fewer than hops nodes.
 */
int scl_path_pick(const struct scl_nodes *ns, size_t dest, size_t hops, const bool *avoid,
		  size_t path[], struct scl_error *err);

#endif
