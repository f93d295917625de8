/* SPDX-License-Identifier: MIT */
#include "node_list.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

static bool
hex32(json_t *v, uint8_t out[32])
{
	const char *s = json_string_value(v);
	size_t got = 0;

	return s != NULL && strlen(s) == 64 &&
	       sodium_hex2bin(out, 32, s, 64, NULL, &got, NULL) == 0 && got == 32;
}

/* "swarm": lower-case hex as get_swarm (any id); else a non-negative swarm_id. */
static bool
swarm_of(json_t *st, uint64_t *out)
{
	const char *hex = json_string_value(json_object_get(st, "swarm"));
	json_t *id = json_object_get(st, "swarm_id");
	char *end = NULL;

	if (hex != NULL) {
		if (hex[0] == '\0' || strlen(hex) > 16 || hex[0] == '-' || hex[0] == '+')
			return false;
		*out = strtoull(hex, &end, 16);
		return *end == '\0';
	}
	if (!json_is_integer(id) || json_integer_value(id) < 0)
		return false;
	*out = (uint64_t)json_integer_value(id);
	return true;
}

static int
one_state(json_t *st, struct scl_node *n)
{
	const char *ip = json_string_value(json_object_get(st, "public_ip"));
	json_t *port = json_object_get(st, "storage_lmq_port");
	struct in_addr in;

	if (!json_is_object(st) || !hex32(json_object_get(st, "pubkey_ed25519"), n->ed25519) ||
	    !hex32(json_object_get(st, "pubkey_x25519"), n->x25519) || ip == NULL ||
	    inet_pton(AF_INET, ip, &in) != 1 || !json_is_integer(port) ||
	    json_integer_value(port) < 1 || json_integer_value(port) > 65535 ||
	    !swarm_of(st, &n->swarm))
		return -1;
	n->ip = ntohl(in.s_addr);
	n->port = (uint16_t)json_integer_value(port);
	return 0;
}

int
scl_node_list_parse(struct scl_nodes *ns, const char *what, const char *json, size_t len,
		    struct scl_error *err)
{
	json_t *root = json_loadb(json, len, 0, NULL), *states;
	struct scl_nodes next;
	size_t i;
	int rc = 0;

	states = json_object_get(root, "service_node_states");
	if (states == NULL)
		states = json_object_get(json_object_get(root, "result"), "service_node_states");
	if (!json_is_array(states)) {
		json_decref(root);
		return scl_fail(err, SCL_E_NODES, "%s: not a get_service_nodes answer", what);
	}
	if (json_array_size(states) > SCL_NODES_MAX) {
		json_decref(root);
		return scl_fail(err, SCL_E_NODES, "%s: more than %d nodes", what, SCL_NODES_MAX);
	}
	scl_nodes_init(&next);
	for (i = 0; i < json_array_size(states); i++) {
		struct scl_node n = {0};
		size_t before = next.n;

		if (one_state(json_array_get(states, i), &n) != 0) {
			rc = scl_fail(err, SCL_E_NODES, "%s: node %zu: missing or malformed field",
				      what, i);
			break;
		}
		if ((rc = scl_nodes_add(&next, &n, err)) != 0)
			break;
		if (next.n == before) {
			rc = scl_fail(err, SCL_E_NODES, "%s: node %zu: a key listed twice", what,
				      i);
			break;
		}
	}
	json_decref(root);
	if (rc != 0) {
		scl_nodes_free(&next);
		return -1;
	}
	scl_nodes_free(ns);
	*ns = next;
	return 0;
}

bool
scl_node_list_same(const struct scl_nodes *a, const struct scl_nodes *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct scl_node *x = &a->v[i], *y = &b->v[i];

		if (memcmp(x->ed25519, y->ed25519, 32) != 0 ||
		    memcmp(x->x25519, y->x25519, 32) != 0 || x->ip != y->ip || x->port != y->port ||
		    x->swarm != y->swarm)
			return false;
	}
	return true;
}

char *
scl_node_list_dump(const struct scl_nodes *ns)
{
	json_t *states = json_array(), *root;
	char *text;

	for (size_t i = 0; states != NULL && i < ns->n; i++) {
		const struct scl_node *n = &ns->v[i];
		char ed[65], x[65], ip[INET_ADDRSTRLEN], swarm[17];
		struct in_addr in = {.s_addr = htonl(n->ip)};

		sodium_bin2hex(ed, sizeof(ed), n->ed25519, 32);
		sodium_bin2hex(x, sizeof(x), n->x25519, 32);
		inet_ntop(AF_INET, &in, ip, sizeof(ip));
		snprintf(swarm, sizeof(swarm), "%" PRIx64, n->swarm);
		if (json_array_append_new(states, json_pack("{sssssssiss}", "pubkey_ed25519", ed,
							    "pubkey_x25519", x, "public_ip", ip,
							    "storage_lmq_port", (int)n->port,
							    "swarm", swarm)) != 0) {
			json_decref(states);
			return NULL;
		}
	}
	root = states != NULL ? json_pack("{so}", "service_node_states", states) : NULL;
	text = root != NULL ? json_dumps(root, JSON_INDENT(1)) : NULL;
	json_decref(root);
	return text;
}
