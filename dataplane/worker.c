/* SPDX-License-Identifier: MIT */
#include "worker.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "data.h"
#include "reply.h"

void
dp_worker_conf_defaults(struct dp_worker_conf *conf)
{
	conf->circuits = DP_CIRCUIT_DEFAULT_CAPACITY;
	conf->circuit_ttl_ns = (uint64_t)DP_CIRCUIT_DEFAULT_TTL_S * 1000000000ull;
	conf->replay_log2_bits = DP_REPLAY_DEFAULT_LOG2_BITS;
	conf->replay_window_ns = (uint64_t)DP_REPLAY_DEFAULT_WINDOW_S * 1000000000ull;
	conf->ratelimit_sources = 65536;
	conf->ratelimit_burst = DP_RATELIMIT_BURST;
	conf->ratelimit_rate = DP_RATELIMIT_RATE;
}

int
dp_worker_init(struct dp_worker *w, unsigned lcore, const struct dp_worker_conf *conf,
	       const struct dp_iface *iface, const struct snc_node_keys *keys,
	       const struct dp_node_table *nodes, uint64_t now_ns)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->lcore = lcore;
	w->iface = *iface;
	w->keys = keys;
	w->nodes = nodes;
	w->ip_id = (uint16_t)(lcore << 12); /* apart per lcore: ids of one source stay unique */
	dp_arp_hold_init(&w->arp_hold, DP_ARP_HOLD_FRAMES_DEFAULT);
	w->scratch = calloc(DP_BURST, sizeof(*w->scratch));
	if (w->scratch == NULL)
		return -ENOMEM;
	rc = dp_rng_init_random(&w->rng);
	if (rc == 0)
		rc = dp_data_init(w);
	if (rc == 0)
		rc = dp_circuit_table_init(&w->circuits, conf->circuits, conf->circuit_ttl_ns);
	if (rc == 0)
		rc = dp_replay_init(&w->replay, conf->replay_log2_bits, conf->replay_window_ns,
				    now_ns);
	if (rc == 0)
		rc = dp_ratelimit_init(&w->ratelimit, conf->ratelimit_sources,
				       conf->ratelimit_burst, conf->ratelimit_rate);
	if (rc != 0)
		dp_worker_free(w);
	return rc;
}

void
dp_worker_free(struct dp_worker *w)
{
	dp_reply_free(w); /* before the circuits: it removes the ones it was replying on */
	dp_data_free(w);
	dp_reasm_free(w);
	dp_arp_hold_free(w); /* held frames: back to their pool */
	dp_circuit_table_free(&w->circuits);
	dp_replay_free(&w->replay);
	dp_ratelimit_free(&w->ratelimit);
	dp_rng_free(&w->rng);
	if (w->scratch != NULL) /* peeled plaintexts */
		sodium_memzero(w->scratch, DP_BURST * sizeof(*w->scratch));
	free(w->scratch);
	w->scratch = NULL;
}

void
dp_worker_random(struct dp_worker *w, uint8_t *buf, size_t len)
{
	dp_rng_bytes(&w->rng, buf, len);
}

uint64_t
dp_worker_new_label(struct dp_worker *w)
{
	uint64_t label = 0;

	/* The low 8 bits name the owning lcore (REPLY handoff); the rest is random. */
	while ((label >> 8) == 0)
		dp_worker_random(w, (uint8_t *)&label, sizeof(label));
	return (label & ~0xffull) | (w->lcore & 0xff);
}
