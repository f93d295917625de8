/* SPDX-License-Identifier: MIT */
/*
 * The first node list, from seed nodes over HTTP(S) (whitepaper 4.5): POST
 * URL (e.g. https://seed1.example/json_rpc, or any snode node's
 * http://IP:PORT/json_rpc) with JSON-RPC get_n_service_nodes, and take the list
 * only when every seed answered the same one. libcurl; nothing else in
 * libsnclient does I/O over TCP.
 */
#ifndef SCL_SEED_H
#define SCL_SEED_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "nodes.h"

enum {
	SCL_SEEDS_MAX = 8,
	SCL_SEED_ANSWER_MAX = 16 << 20, /* bytes of one seed's answer */
};

/*
 * Asks every seed (1..SCL_SEEDS_MAX URLs, http or https; insecure: accept a
 * self-signed certificate, as snode nodes have) within timeout_ms each, and
 * fills ns only when all gave the same list. Errors: SCL_E_NODES (a seed did
 * not answer or answered something else than a node list, naming it; or the
 * seeds disagree, naming the first two that differ), SCL_E_USAGE (bad URL
 * count), SCL_E_SYSTEM.
 */
int scl_seed_bootstrap(const char *const *urls, size_t n, int timeout_ms, bool insecure,
		       struct scl_nodes *ns, struct scl_error *err);

#endif
