/* SPDX-License-Identifier: MIT */
#include "json_rpc.h"

#include <string.h>

#include <jansson.h>

#include "rpc_call.h"
#include "rpc_oxend.h"

/* JSON-RPC 2.0 error codes */
enum {
	PARSE_ERROR = -32700,
	INVALID_REQUEST = -32600,
	METHOD_NOT_FOUND = -32601,
	INVALID_PARAMS = -32602,
};

static char *
answer(json_t *id, const char *member, json_t *value)
{
	json_t *o =
		json_pack("{sssOso}", "jsonrpc", "2.0", "id", id ? id : json_null(), member, value);
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

static char *
error(json_t *id, int code, const char *message)
{
	return answer(id, "error", json_pack("{siss}", "code", code, "message", message));
}

char *
ctl_json_rpc(const struct ctl_rpc_server *s, const char *body, size_t len)
{
	json_t *req = json_loadb(body, len, 0, NULL), *id, *method, *result;
	struct ctl_sn_query q;
	char why[96], *text;

	if (!json_is_object(req)) {
		json_decref(req);
		return error(NULL, req == NULL ? PARSE_ERROR : INVALID_REQUEST,
			     req == NULL ? "Parse error" : "Invalid Request");
	}
	id = json_object_get(req, "id");
	method = json_object_get(req, "method");
	if (!json_is_string(method))
		text = error(id, INVALID_REQUEST, "Invalid Request");
	else if (strcmp(json_string_value(method), "get_n_service_nodes") != 0 &&
		 strcmp(json_string_value(method), "get_service_nodes") != 0)
		text = error(id, METHOD_NOT_FOUND, "Method not found");
	else if (ctl_sn_query_parse(json_object_get(req, "params"), &q, why, sizeof(why)) != 0)
		text = error(id, INVALID_PARAMS, why);
	else if ((result = ctl_sn_result(s->swarm, s->https_port, s->hf, &q)) == NULL)
		text = NULL;
	else
		text = answer(id, "result", result);
	json_decref(req);
	return text;
}
