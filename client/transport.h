/* SPDX-License-Identifier: MIT */
/*
 * UDP to the entry node: sends a request's cells from a fresh socket and
 * collects the REPLY cells of its label until the LAST one and every seq
 * before it arrived, or the deadline passed.
 */
#ifndef SCL_TRANSPORT_H
#define SCL_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct scl_reply_cells {
	uint8_t **cell; /* cell[seq], SCL_CELL_BYTES each; NULL where none came */
	size_t n;	/* seqs 0..n-1 (LAST at n-1) once complete */
	size_t cap;
};

/*
 * Returns 0 with every reply cell in rc, or -1: SCL_E_TIMEOUT (the message
 * says how many cells came), SCL_E_SYSTEM (socket). rc is freed by the caller
 * either way (scl_reply_cells_free).
 */
int scl_transport_exchange(uint32_t ip, uint16_t port, const uint8_t *cells, size_t n_cells,
			   uint64_t label, int timeout_ms, struct scl_reply_cells *rc,
			   struct scl_error *err);

void scl_reply_cells_free(struct scl_reply_cells *rc);

#endif
