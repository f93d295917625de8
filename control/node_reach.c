/* SPDX-License-Identifier: MIT */
/* Reachability tests and uptime proofs in the running node (see node_reach.h). */
#include "node_reach.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http_server.h"
#include "node.h"
#include "reach.h"
#include "snode_version.h"
#include "store.h"
#include "swarm_view_registry.h"
#include "uptime.h"

/* ---- what both need from the node ---- */

static size_t
known_nodes(void *arg, uint8_t (*out)[32], size_t cap)
{
	const struct ctl_node *n = arg;
	size_t k = 0;

	for (size_t i = 0; i < n->ping.n && k < cap; i++)
		memcpy(out[k++], n->ping.peers[i].ed25519, 32);
	return k;
}

static bool
known(void *arg, const uint8_t key[32])
{
	const struct ctl_node *n = arg;

	for (size_t i = 0; i < n->ping.n; i++)
		if (memcmp(n->ping.peers[i].ed25519, key, 32) == 0)
			return true;
	return false;
}

static const struct ctl_registry_node *
registry_node(const struct ctl_node *n, const uint8_t key[32])
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(n->swarm);

	return reg != NULL ? ctl_registry_find(reg, key) : NULL;
}

/* ---- reachability tests ---- */

static int
send_ping(void *arg, const uint8_t key[32], uint32_t num)
{
	struct ctl_node *n = arg;

	return ctl_peer_ping_send_ping(&n->ping, key, num);
}

static bool
https_address(void *arg, const uint8_t key[32], uint32_t *ip, uint16_t *port)
{
	const struct ctl_node *n = arg;
	const struct ctl_uptime_proof *p =
		n->uptime != NULL ? ctl_uptime_latest(n->uptime, key) : NULL;
	const struct ctl_registry_node *r;

	if (p != NULL) {
		*ip = p->ip;
		*port = p->https_port;
		return true;
	}
	if ((r = registry_node(n, key)) == NULL || n->http == NULL)
		return false;
	*ip = r->ip;
	*port = ctl_http_port(n->http, 1);
	return true;
}

static void
on_pong(void *arg, const uint8_t from[32], uint32_t num)
{
	struct ctl_node *n = arg;

	if (n->reach != NULL && (num & CTL_REACH_PING_BIT) != 0)
		ctl_reach_on_pong(n->reach, from, num);
}

/* ---- uptime proofs ---- */

static int
send_proof(void *arg, const uint8_t peer[32], const uint8_t *proof, size_t len)
{
	struct ctl_node *n = arg;
	char b64[sodium_base64_ENCODED_LEN(CTL_UPTIME_PROOF_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char json[sizeof(b64) + 32];
	int jlen;

	sodium_bin2base64(b64, sizeof(b64), proof, len, sodium_base64_VARIANT_ORIGINAL);
	jlen = snprintf(json, sizeof(json), "{\"t\":\"proof\",\"p\":\"%s\"}", b64);
	return ctl_peer_ping_send_json(&n->ping, peer, json, (size_t)jlen);
}

static bool
healthy(void *arg)
{
	const struct ctl_node *n = arg;

	return ctl_dp_channel_connected(n->channel) && store_is_ready(n->store);
}

/* peer_ping's hook for types other than ping/pong: {"t":"proof","p":base64}. */
static void
on_message(void *arg, const uint8_t from[32], const char *type, const json_t *j)
{
	struct ctl_node *n = arg;
	uint8_t proof[CTL_UPTIME_PROOF_BYTES + 1];
	const char *b64 = json_string_value(json_object_get(j, "p"));
	size_t len = 0;

	if (strcmp(type, "proof") != 0 || n->uptime == NULL) {
		n->ping.st.rejected++;
		return;
	}
	/* a decoding failure or a wrong length is the proof's malformed counter */
	if (b64 == NULL || sodium_base642bin(proof, sizeof(proof), b64, strlen(b64), NULL, &len,
					     NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		len = 0;
	ctl_uptime_on_proof(n->uptime, from, proof, len);
}

/* Our proof's fields: the HTTPS entry's address and port, the dataplane's port. */
static void
self_proof(const struct ctl_node *n, const struct ctl_config *cfg, const uint8_t pk[32],
	   struct ctl_uptime_proof *p)
{
	const struct ctl_registry_node *r = registry_node(n, pk);
	char host[INET_ADDRSTRLEN] = "";
	const char *colon = strrchr(cfg->listen, ':');
	struct in_addr a;

	memset(p, 0, sizeof(*p));
	memcpy(p->pubkey, pk, 32);
	p->version[0] = SNODE_VERSION_MAJOR;
	p->version[1] = SNODE_VERSION_MINOR;
	p->version[2] = SNODE_VERSION_PATCH;
	if (colon != NULL && (size_t)(colon - cfg->listen) < sizeof(host))
		memcpy(host, cfg->listen, (size_t)(colon - cfg->listen));
	if (cfg->reach.proof_ip != 0)
		p->ip = cfg->reach.proof_ip;
	else if (inet_pton(AF_INET, host, &a) == 1 && a.s_addr != 0)
		p->ip = ntohl(a.s_addr);
	else if (r != NULL) /* listening on every address: the registered one */
		p->ip = r->ip;
	p->https_port = n->http != NULL ? ctl_http_port(n->http, 1) : 0;
	p->dp_port = r != NULL ? r->port : 0;
}

int
ctl_node_reach_start(struct ctl_node *n, const struct ctl_config *cfg,
		     const struct snc_identity *id, char *err, size_t errlen)
{
	struct ctl_reach_ops ro = {
		.ping = send_ping, .address = https_address, .nodes = known_nodes, .arg = n};
	struct ctl_uptime_ops uo = {.send = send_proof,
				    .peers = known_nodes,
				    .known = known,
				    .healthy = healthy,
				    .arg = n};
	struct ctl_uptime_proof self;

	if (!n->pinging)
		return 0;
	if (cfg->reach.proofs) {
		self_proof(n, cfg, id->ed25519_pk, &self);
		n->uptime = ctl_uptime_new(n->base, &cfg->reach.uptime, &self, id->ed25519_sk, &uo);
	}
	if (cfg->reach.tests)
		n->reach = ctl_reach_new(n->base, &cfg->reach.reach, 0, &ro);
	if ((cfg->reach.proofs && n->uptime == NULL) || (cfg->reach.tests && n->reach == NULL)) {
		snprintf(err, errlen,
			 "cannot start reachability tests and uptime proofs: out of "
			 "memory or libcurl");
		return -1;
	}
	ctl_peer_ping_set_hooks(&n->ping, on_pong, on_message, n);
	return 0;
}

void
ctl_node_reach_stop(struct ctl_node *n)
{
	if (n->pinging)
		ctl_peer_ping_set_hooks(&n->ping, NULL, NULL, NULL);
	ctl_reach_free(n->reach);
	ctl_uptime_free(n->uptime);
	n->reach = NULL;
	n->uptime = NULL;
}
