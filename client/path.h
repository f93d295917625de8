/* SPDX-License-Identifier: MIT */
/*
 * Random onion paths: distinct nodes, the destination last. fails (one count
 * per node of the list, or NULL) says how often a node was on a path that got
 * no answer: each relay is drawn among the free nodes with the fewest, so a
 * retry goes around a dead node, and a node on two failed paths loses to
 * nodes on one.
 */
#ifndef SCL_PATH_H
#define SCL_PATH_H

#include <stddef.h>
#include <stdint.h>

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
int scl_path_pick(const struct scl_nodes *ns, size_t dest, size_t hops, const uint8_t *fails,
		  size_t path[], struct scl_error *err);

#endif
