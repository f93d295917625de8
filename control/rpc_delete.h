/* SPDX-License-Identifier: MIT */
/*
 * delete, delete_all and delete_before (recursive results, this node's own):
 *
 *   delete         {"deleted": [sorted hashes], "signature"}, signed over
 *                  PUBKEY_HEX || requested hashes (request order) || deleted;
 *                  with "required": true and nothing deleted the status is
 *                  404 (same body)
 *   delete_all     {"deleted": [...] or, for namespace "all", {"<ns>": [...]},
 *                  "signature"}, signed over PUBKEY_HEX || timestamp ||
 *                  every deleted hash sorted across namespaces
 *   delete_before  the same with "before" in place of the timestamp
 */
#ifndef CTL_RPC_DELETE_H
#define CTL_RPC_DELETE_H

#include <jansson.h>

#include "msg.h"
#include "rpc_call.h"

void rpc_delete_msgs(struct rpc_req *r, struct ctl_rpc_call *c);
/* delete_all and delete_before. */
void rpc_delete_ns(struct rpc_req *r, struct ctl_rpc_call *c);

/*
 * The store callback's part of a per-namespace operation (delete_all,
 * delete_before, expire_all): ends the operation and answers the call with
 * its recursive result: mine[key] is the list (one namespace) or the
 * {ns: list} object (all), signed over PUBKEY_HEX || time || sorted hashes.
 */
void rpc_delete_ns_done(struct rpc_req *r, const struct store_status *st, const char *key,
			const struct store_ns_result *res);

#endif
