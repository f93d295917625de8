/* SPDX-License-Identifier: MIT */
/*
 * One onion request as cells (docs/wire-format.md), without any I/O: the
 * CREATE (+ DATA when the body does not fit) for a path, and the opening of
 * the REPLY cells in both reply modes. transport.c moves the bytes.
 */
#ifndef SCL_ONION_REQ_H
#define SCL_ONION_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "onion_build.h"

enum {
	SCL_CELL_BYTES = 1232,		     /* small class: every request cell */
	SCL_REPLY_MODE_COMPAT = 0,	     /* the destination's Session reply, unchanged */
	SCL_REPLY_MODE_LAYERED = 1,	     /* every hop adds a layer (default) */
	SCL_REPLY_CELLS_MAX = 16384,	     /* the seq bound of the wire format */
	SCL_REPLY_BODY_MAX = 10551296,	     /* 10 MiB + 64 KiB: the dataplane's reply limit */
	SCL_REQUEST_BODY_MAX = 10 * 1048576, /* 10 MiB: the dataplane's request limit */
};

struct scl_circuit {
	struct snc_onion onion; /* hop keys, relay 0 first */
	uint64_t label;		/* on the client-entry link */
	int reply_mode;
	uint8_t kf[SNC_ONION_MAX_RELAYS + 1][32];
	uint8_t kr[SNC_ONION_MAX_RELAYS + 1][32];
};

/*
 * Builds the cells of one request: path[0] the entry, path[n - 1] the
 * destination (n 1..15), body the storage RPC request. *cells is malloc'd,
 * *n_cells x SCL_CELL_BYTES; circ keeps what opens the reply.
 * Returns 0 or -1 (SCL_E_USAGE for a body over the limit, SCL_E_SYSTEM).
 */
int scl_onion_req_build(const struct snc_onion_node *path, size_t n, enum snc_enc_type enc,
			int reply_mode, const uint8_t *body, size_t len, struct scl_circuit *circ,
			uint8_t **cells, size_t *n_cells, struct scl_error *err);

/* Wipes the circuit's keys. */
void scl_circuit_free(struct scl_circuit *circ);

/*
 * Opens the reply: cells[seq] for seq 0..n-1 (each len[seq] bytes, a whole
 * REPLY cell as received), into *body (malloc'd, NUL-terminated, *body_len
 * bytes). Returns 0 or -1 with SCL_E_REPLY (a length past its cell, a layer
 * that does not open, bad base64 in mode 0, over SCL_REPLY_BODY_MAX).
 */
int scl_onion_reply_open(const struct scl_circuit *circ, const uint8_t *const *cells,
			 const size_t *len, size_t n, char **body, size_t *body_len,
			 struct scl_error *err);

/*
 * The destination's answer {"status": code, "body": text or JSON}: *status and
 * the body as text (a JSON body is serialised; malloc'd, NUL-terminated).
 * Returns 0 or -1 with SCL_E_REPLY.
 */
int scl_onion_reply_parse(const char *reply, size_t len, int *status, char **body, size_t *body_len,
			  struct scl_error *err);

#endif
