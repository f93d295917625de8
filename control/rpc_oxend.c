/* SPDX-License-Identifier: MIT */
#include "rpc_oxend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry.h"
#include "rpc_call.h"
#include "rpc_sign.h"
#include "swarm_view.h"
#include "swarm_view_registry.h"

/* One node in oxend's shape, limited to the asked fields. */
struct sn {
	const uint8_t *ed25519, *x25519;
	uint32_t ip;
	uint16_t port, https_port;
	uint64_t swarm, registered;
	bool active;
};

static int
put(json_t *o, uint32_t fields, uint32_t bit, const char *name, json_t *v)
{
	if ((fields & bit) == 0) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(o, name, v);
}

static json_t *
sn_json(const struct sn *n, uint32_t f)
{
	char ed[65], x[65], ip[INET_ADDRSTRLEN], swarm[17];
	struct in_addr in = {.s_addr = htonl(n->ip)};
	json_t *o = json_object();
	int bad = o == NULL;

	sodium_bin2hex(ed, sizeof(ed), n->ed25519, 32);
	sodium_bin2hex(x, sizeof(x), n->x25519, 32);
	inet_ntop(AF_INET, &in, ip, sizeof(ip));
	snprintf(swarm, sizeof(swarm), "%" PRIx64, n->swarm);
	bad = bad || put(o, f, CTL_SN_SERVICE_NODE_PUBKEY, "service_node_pubkey", json_string(ed));
	bad = bad || put(o, f, CTL_SN_PUBKEY_ED25519, "pubkey_ed25519", json_string(ed));
	bad = bad || put(o, f, CTL_SN_PUBKEY_X25519, "pubkey_x25519", json_string(x));
	bad = bad || put(o, f, CTL_SN_PUBLIC_IP, "public_ip", json_string(ip));
	bad = bad || put(o, f, CTL_SN_STORAGE_PORT, "storage_port", json_integer(n->https_port));
	bad = bad || put(o, f, CTL_SN_STORAGE_LMQ_PORT, "storage_lmq_port", json_integer(n->port));
	/* jansson's integers are signed 64-bit: ids from 2^63 up exist only as "swarm" (hex) */
	if (n->swarm <= INT64_MAX)
		bad = bad ||
		      put(o, f, CTL_SN_SWARM_ID, "swarm_id", json_integer((json_int_t)n->swarm));
	bad = bad || put(o, f, CTL_SN_SWARM_ID, "swarm", json_string(swarm));
	bad = bad || put(o, f, CTL_SN_ACTIVE, "active", json_boolean(n->active));
	bad = bad || put(o, f, CTL_SN_FUNDED, "funded", json_true());
	bad = bad || put(o, f, CTL_SN_REGISTRATION_HEIGHT, "registration_height",
			 json_integer((json_int_t)(n->registered & INT64_MAX)));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Keeps a random `limit` of the n entries (Fisher-Yates prefix). */
static void
sample(struct sn *v, size_t n, uint32_t limit)
{
	for (size_t i = 0; i < n && i < limit; i++) {
		size_t j = i + randombytes_uniform((uint32_t)(n - i));
		struct sn t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* Every node the view knows, into a malloc'd array. */
static struct sn *
collect(const struct ctl_swarm_view *view, uint16_t https_port, size_t *n, uint64_t *height,
	const uint8_t **hash)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(view);
	static const uint8_t anyone[33];
	struct ctl_swarm sw = {0};
	struct sn *v;

	*height = 0;
	*hash = NULL;
	if (reg != NULL) {
		*n = reg->n;
		*height = reg->height;
		*hash = reg->have_block ? reg->hash : NULL;
	} else {
		ctl_swarm_view_swarm_of(view, anyone, &sw); /* a node list: one swarm, every node */
		*n = sw.n;
	}
	v = calloc(*n ? *n : 1, sizeof(*v));
	for (size_t i = 0; v != NULL && i < *n; i++) {
		if (reg != NULL) {
			const struct ctl_registry_node *r = &reg->nodes[i];

			v[i] = (struct sn){r->ed25519,	  r->x25519,
					   r->ip,	  r->port,
					   https_port,	  r->swarm_id,
					   r->registered, r->status == CTL_REGISTRY_ACTIVE};
		} else {
			v[i] = (struct sn){sw.nodes[i].ed25519,
					   sw.nodes[i].x25519,
					   sw.nodes[i].ip,
					   sw.nodes[i].port,
					   https_port,
					   sw.id,
					   0,
					   true};
		}
	}
	return v;
}

json_t *
ctl_sn_result(const struct ctl_swarm_view *view, uint16_t https_port, const uint16_t hf[2],
	      const struct ctl_sn_query *q)
{
	size_t n = 0, kept = 0;
	uint64_t height;
	const uint8_t *hash;
	struct sn *v = collect(view, https_port, &n, &height, &hash);
	json_t *states = json_array(), *out = NULL;
	char hash_hex[65] = "";

	if (v == NULL || states == NULL)
		goto done;
	for (size_t i = 0; i < n; i++) /* active_only first: the limit samples what qualifies */
		if (!q->active_only || v[i].active)
			v[kept++] = v[i];
	if (q->limit > 0 && q->limit < kept) {
		sample(v, kept, q->limit);
		kept = q->limit;
	}
	for (size_t i = 0; i < kept; i++)
		if (json_array_append_new(states, sn_json(&v[i], q->fields)) != 0)
			goto done;
	if (hash != NULL)
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, 32);
	out = json_pack("{sOsIsssisiss}", "service_node_states", states, "height",
			(json_int_t)(height & INT64_MAX), "block_hash", hash_hex, "hardfork",
			(int)hf[0], "snode_revision", (int)hf[1], "status", "OK");
done:
	json_decref(states);
	free(v);
	return out;
}

void
rpc_oxend_run(struct rpc_req *r, const struct ctl_rpc_call *c)
{
	const struct ctl_rpc_server *s = r->srv;
	json_t *result, *body;

	if (c->p.oxend.endpoint == CTL_OXEND_ONS_RESOLVE) {
		rpc_call_done(r, 400, NULL,
			      "oxend_request: ons_resolve needs oxend (ONS lives "
			      "on the blockchain): not served by snode");
		return;
	}
	result = ctl_sn_result(s->swarm, s->https_port, s->hf, &c->p.oxend.q);
	body = result != NULL ? json_pack("{so}", "result", result) : NULL;
	if (body != NULL && rpc_sign_misc(s, body, r->now_ms) != 0) {
		json_decref(body);
		body = NULL;
	}
	rpc_call_done(r, 200, body, NULL);
}
