/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the storage RPC request decoder (control/rpc_params.c) on any
 * bytes, as snode-control receives request bodies from clients, and the
 * admission checks (control/rpc_auth.c) on whatever it accepts. Checked: a
 * status is always set with a terminated text, accepted requests hold 1..20
 * calls of known methods, and every call survives admission with and without
 * a revocation list.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_auth.h"
#include "rpc_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
admit_all(struct ctl_rpc_request *req)
{
	static const uint8_t revoked[2 * 36];
	struct ctl_rpc_auth_ctx ctx = {.now_ms = 1700000000000ULL};
	struct ctl_rpc_status st;

	for (size_t i = 0; i < req->n_calls; i++) {
		struct ctl_rpc_call *c = &req->calls[i];
		int rc;

		if ((unsigned)c->method >= CTL_RPC_METHOD_COUNT || c->method == CTL_RPC_BATCH ||
		    c->method == CTL_RPC_SEQUENCE)
			abort();
		(void)ctl_rpc_auth_needs_revocations(c);
		rc = ctl_rpc_auth_check(&ctx, c, NULL, 0, &st);
		if ((rc == 0) != (st.code == 200) || memchr(st.text, '\0', sizeof(st.text)) == NULL)
			abort();
		ctx.forwarded = true;
		rc = ctl_rpc_auth_check(&ctx, c, revoked, 2, &st);
		if ((rc == 0) != (st.code == 200))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_rpc_request req;
	struct ctl_rpc_status st;
	bool testnet = size > 0 && (data[size - 1] & 1);

	memset(&st, 0xa5, sizeof(st));
	if (ctl_rpc_params_parse((const char *)data, size, testnet, &req, &st) != 0) {
		if ((st.code != 400 && st.code != 500) ||
		    memchr(st.text, '\0', sizeof(st.text)) == NULL || req.calls != NULL)
			abort();
		return 0;
	}
	if (st.code != 200 || req.n_calls == 0 || req.n_calls > CTL_RPC_BATCH_MAX)
		abort();
	if (req.method != CTL_RPC_BATCH && req.method != CTL_RPC_SEQUENCE &&
	    (req.n_calls != 1 || req.calls[0].method != req.method))
		abort();
	admit_all(&req);
	ctl_rpc_params_free(&req);
	return 0;
}
