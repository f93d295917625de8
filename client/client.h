/* SPDX-License-Identifier: MIT */
/*
 * libsnclient's front: storage RPC requests to an account's swarm over random
 * 3-hop onion paths of cells. One call = up to `attempts` tries: a timeout
 * counts a failure for each node of the path and retries on a fresh path
 * drawn among the nodes with the fewest (path.h); a 421
 * updates the swarm from its body and retries. All state is in struct
 * scl_client (no globals); errors are struct scl_error.
 */
#ifndef SCL_CLIENT_H
#define SCL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "enc_type.h"
#include "error.h"
#include "nodes.h"
#include "path.h"

struct scl_client_opts {
	int timeout_ms; /* per attempt (default 5000) */
	int attempts;	/* tries per call, 1..10 (default 3) */
	int reply_mode; /* SCL_REPLY_MODE_LAYERED (default) or _COMPAT */
	enum snc_enc_type enc;
	size_t hops; /* path length, 1..SCL_PATH_HOPS (default 3) */
	FILE *trace; /* one line per attempt, or NULL */
};

struct scl_client {
	struct scl_nodes nodes;
	struct scl_client_opts o;
	uint8_t *fails; /* per node: failed paths it was on (path.h) */
	size_t fails_n;
	size_t first_path[SCL_PATH_HOPS]; /* forced path for the first attempt (tests) */
	size_t first_path_n;
};

struct scl_result {
	int status; /* the destination's HTTP-style status */
	char *body; /* its body as text (malloc'd, NUL-terminated) */
	size_t body_len;
	size_t cells;		    /* REPLY cells of the answer */
	int attempts;		    /* tries it took */
	size_t path[SCL_PATH_HOPS]; /* node indexes of the path that answered */
	size_t path_len;
};

/* Fills opts with the defaults above. */
void scl_client_opts_default(struct scl_client_opts *o);

/* Takes ownership of nodes (moved in, then reset in the caller's copy). */
int scl_client_init(struct scl_client *c, struct scl_nodes *nodes, const struct scl_client_opts *o,
		    struct scl_error *err);
void scl_client_free(struct scl_client *c);

/*
 * Sends body to a member of the account's swarm and returns the answer in res
 * (whatever its status: the caller decides; scl_result_check maps errors).
 * Returns 0, or -1: SCL_E_NO_ROUTE, SCL_E_TIMEOUT (every attempt), SCL_E_REPLY,
 * SCL_E_SYSTEM.
 */
int scl_client_account_call(struct scl_client *c, const uint8_t pubkey[33], const char *body,
			    size_t len, struct scl_result *res, struct scl_error *err);

/* One try on a given path (node indexes, the destination last): no retry. */
int scl_client_path_call(struct scl_client *c, const size_t *path, size_t n, const char *body,
			 size_t len, struct scl_result *res, struct scl_error *err);

/* 0 for a 2xx, else -1 with the error for the status (401/403 unauthorised,
 * 406 clock skew, 421 no route, others server) and the node's text. */
int scl_result_check(const struct scl_result *res, const char *what, struct scl_error *err);

void scl_result_free(struct scl_result *res);

#endif
