/* SPDX-License-Identifier: MIT */
/* info, get_swarm and 421 bodies (see rpc_info.h). */
#include "rpc_info.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>

#include "rpc_sign.h"

void
rpc_info_base32z(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = digits[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = digits[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

static json_t *
node_json(const struct ctl_swarm_node *nd)
{
	char addr[CTL_RPC_BASE32Z_32 + 7], ed[65], x[65], ip[INET_ADDRSTRLEN], port[8];
	struct in_addr in = {.s_addr = htonl(nd->ip)};

	rpc_info_base32z(nd->ed25519, 32, addr);
	snprintf(addr + CTL_RPC_BASE32Z_32, sizeof(addr) - CTL_RPC_BASE32Z_32, ".snode");
	sodium_bin2hex(ed, sizeof(ed), nd->ed25519, 32);
	sodium_bin2hex(x, sizeof(x), nd->x25519, 32);
	inet_ntop(AF_INET, &in, ip, sizeof(ip));
	snprintf(port, sizeof(port), "%u", (unsigned)nd->https_port);
	return json_pack("{ss ss ss si si si ss ss ss}", "address", addr, "ip", ip, "port", port,
			 "port_https", (int)nd->https_port, "port_omq", (int)nd->port, "port_quic",
			 (int)nd->port, "pubkey_ed25519", ed, "pubkey_legacy", ed, "pubkey_x25519",
			 x);
}

json_t *
rpc_info_swarm_json(const struct ctl_rpc_server *s, const uint8_t *pubkey, uint64_t now)
{
	json_t *body, *snodes = json_array();
	struct ctl_swarm sw;
	char id[20];

	if (snodes == NULL)
		return NULL;
	ctl_swarm_view_swarm_of(s->swarm, pubkey, &sw); /* none: NO_SWARM, no nodes */
	for (size_t i = 0; i < sw.n; i++)
		if (json_array_append_new(snodes, node_json(&sw.nodes[i])) != 0) {
			json_decref(snodes);
			return NULL;
		}
	snprintf(id, sizeof(id), "%" PRIx64, sw.id);
	body = json_pack("{soss}", "snodes", snodes, "swarm", id);
	if (body != NULL && rpc_sign_misc(s, body, now) != 0) {
		json_decref(body);
		body = NULL;
	}
	return body;
}

void
rpc_info_run(struct rpc_req *r)
{
	const struct ctl_rpc_server *s = r->srv;
	json_t *body = json_pack("{s[iii]sI}", "version", (int)s->version[0], (int)s->version[1],
				 (int)s->version[2], "timestamp", (json_int_t)r->now_ms);

	if (body != NULL && rpc_sign_misc(s, body, r->now_ms) != 0) {
		json_decref(body);
		body = NULL;
	}
	rpc_call_done(r, 200, body, NULL);
}

void
rpc_info_get_swarm(struct rpc_req *r, const struct ctl_rpc_call *c)
{
	rpc_call_done(r, 200, rpc_info_swarm_json(r->srv, c->acct.pubkey, r->now_ms), NULL);
}

void
rpc_info_misdirected(struct rpc_req *r, const struct ctl_rpc_call *c)
{
	struct ctl_swarm sw;

	/* handle_wrong_swarm: without any swarm there is nothing to point to. */
	if (ctl_swarm_view_swarm_of(r->srv->swarm, c->acct.pubkey, &sw) != 0) {
		rpc_call_done(r, 500, NULL, "No swarms known!");
		return;
	}
	rpc_call_done(r, 421, rpc_info_swarm_json(r->srv, c->acct.pubkey, r->now_ms), NULL);
}
