/* SPDX-License-Identifier: MIT */
/*
 * batch / sequence result collection (see rpc_batch.h). The reference runs a
 * batch's subrequests concurrently; running them in order here gives the
 * same results (each subrequest is independent) with one Redis operation in
 * flight per request.
 */
#include "rpc_batch.h"

#include <errno.h>

int
rpc_batch_add(struct rpc_req *r, int code, json_t *json, const char *text)
{
	json_t *body = json != NULL ? json : json_string(text);
	json_t *entry;

	if (body == NULL)
		return -ENOMEM;
	entry = json_pack("{sisO}", "code", code, "body", body);
	json_decref(body);
	if (entry == NULL || json_array_append_new(r->results, entry) != 0)
		return -ENOMEM;
	return 0;
}

bool
rpc_batch_continues(const struct rpc_req *r, int code)
{
	if (r->cur + 1 >= r->req.n_calls)
		return false;
	return r->req.method == CTL_RPC_BATCH || (code >= 200 && code <= 299);
}

json_t *
rpc_batch_body(struct rpc_req *r)
{
	json_t *results = r->results;

	r->results = NULL;
	return json_pack("{so}", "results", results);
}
