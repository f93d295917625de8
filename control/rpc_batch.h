/* SPDX-License-Identifier: MIT */
/*
 * batch and sequence: the subrequests run one after the other (each with its
 * own clock reading, admission and result); batch runs them all, sequence
 * stops after the first result outside 2xx. Either answers 200 with
 * {"results": [{"code": c, "body": <JSON result or error text>}, ...]},
 * one entry per subrequest that ran.
 */
#ifndef CTL_RPC_BATCH_H
#define CTL_RPC_BATCH_H

#include <jansson.h>
#include <stdbool.h>

#include "rpc_call.h"

/* Appends the running call's result (json stolen, or text). 0 or -ENOMEM. */
int rpc_batch_add(struct rpc_req *r, int code, json_t *json, const char *text);

/* True when another subrequest follows the one that just answered code. */
bool rpc_batch_continues(const struct rpc_req *r, int code);

/* {"results": [...]}: takes the results from r. NULL on no memory. */
json_t *rpc_batch_body(struct rpc_req *r);

#endif
