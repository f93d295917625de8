/* SPDX-License-Identifier: MIT */
/*
 * expire, expire_all and get_expiries.
 *
 *   expire        recursive; this node's {"updated": [sorted hashes],
 *                 "expiry": the applied expiry (one given) or the applied
 *                 expiries of the updated messages (one per message given),
 *                 "unchanged": {hash: expiry} (only with shorten/extend),
 *                 "signature"} signed over PUBKEY_HEX || expiry part ||
 *                 requested hashes || updated hashes || hash+expiry of each
 *                 unchanged message (by hash). Expiries above now + 30 days
 *                 were clamped by rpc_auth; a subaccount without Delete may
 *                 only extend.
 *   expire_all    recursive; {"updated": ...} shaped and signed like
 *                 delete_all, with the requested expiry (expiries only go down)
 *   get_expiries  {"expiries": {hash: expiry}} for the live messages among the
 *                 hashes (no "t"/"hf": the reference sends none)
 */
#ifndef CTL_RPC_EXPIRE_H
#define CTL_RPC_EXPIRE_H

#include "rpc_call.h"

void rpc_expire_msgs(struct rpc_req *r, struct ctl_rpc_call *c);
void rpc_expire_all(struct rpc_req *r, struct ctl_rpc_call *c);
void rpc_expire_get(struct rpc_req *r, struct ctl_rpc_call *c);

#endif
