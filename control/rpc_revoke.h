/* SPDX-License-Identifier: MIT */
/*
 * Subaccount revocations (owner only):
 *
 *   revoke_subaccount     recursive; this node's {"signature"} over
 *                         PUBKEY_HEX || timestamp || the 36-byte tokens
 *   unrevoke_subaccount   recursive; {"count": tokens that were revoked,
 *                         "signature"} signed the same way
 *   revoked_subaccounts   {"revoked_subaccounts": [base64 tokens, newest
 *                         first], "t", "hf"}
 *
 * The store keeps the newest 50 revocations of an account.
 */
#ifndef CTL_RPC_REVOKE_H
#define CTL_RPC_REVOKE_H

#include "rpc_call.h"

/* revoke_subaccount and unrevoke_subaccount. */
void rpc_revoke_change(struct rpc_req *r, struct ctl_rpc_call *c);
void rpc_revoke_list(struct rpc_req *r, struct ctl_rpc_call *c);

#endif
