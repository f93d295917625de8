/* SPDX-License-Identifier: MIT */
#include "node_stats.h"

#include "direct.h"
#include "direct_frag.h"
#include "direct_rpc.h"
#include "dp_channel.h"
#include "http_onion.h"
#include "http_server.h"
#include "node.h"
#include "onion_proxy.h"
#include "reach.h"
#include "uptime.h"
#include "catchup.h"
#include "replicate.h"
#include "vote_service.h"
#include "stest_report_service.h"
#include "storage_test_service.h"
#include "rpc_server.h"
#include "swarm_view_registry.h"

/* One counter named as its struct field, so the JSON and the header agree. */
#define PUT(o, s, field) json_object_set_new(o, #field, json_integer((json_int_t)(s).field))

static json_t *
rpc_part(const struct ctl_rpc_server *srv)
{
	struct ctl_rpc_server_stats s;
	json_t *o = json_object();

	ctl_rpc_server_stats(srv, &s);
	PUT(o, s, requests);
	PUT(o, s, in_flight);
	PUT(o, s, storage_unavailable);
	PUT(o, s, storage_errors);
	PUT(o, s, store_full);
	PUT(o, s, fanouts);
	PUT(o, s, forwarded_in);
	PUT(o, s, forward_rejected);
	return o;
}

static json_t *
channel_part(const struct ctl_dp_channel *ch)
{
	struct ctl_dp_channel_stats s;
	json_t *o = json_object();

	ctl_dp_channel_stats(ch, &s);
	PUT(o, s, connected);
	PUT(o, s, connects);
	PUT(o, s, requests);
	PUT(o, s, replies_sent);
	PUT(o, s, replies_dropped);
	PUT(o, s, bad_messages);
	PUT(o, s, hello_mismatch);
	PUT(o, s, directs_in);
	PUT(o, s, directs_out);
	PUT(o, s, directs_dropped);
	PUT(o, s, entries_out);
	PUT(o, s, entries_dropped);
	PUT(o, s, entry_replies_in);
	PUT(o, s, node_tables_out);
	PUT(o, s, node_tables_dropped);
	return o;
}

static json_t *
onion_dest_part(const struct ctl_onion_dest *d)
{
	json_t *o = json_object();

	PUT(o, *d, requests);
	PUT(o, *d, replies);
	PUT(o, *d, reply_failed);
	PUT(o, *d, proxied);
	PUT(o, *d, proxy_refused);
	return o;
}

/* The registry the swarm view replays (swarm_view_registry.h); NULL without one. */
static json_t *
registry_part(const struct ctl_swarm_view *v)
{
	struct ctl_swarm_view_registry_info s;
	json_t *o;

	if (ctl_swarm_view_registry_info(v, &s) != 0 || (o = json_object()) == NULL)
		return NULL;
	PUT(o, s, height);
	PUT(o, s, nodes);
	PUT(o, s, active);
	PUT(o, s, swarms);
	PUT(o, s, reloads);
	PUT(o, s, errors);
	PUT(o, s, incremental);
	PUT(o, s, full);
	PUT(o, s, redis_errors);
	PUT(o, s, outages);
	return o;
}

/* The registry's node table sent to the dataplane (dp_nodes.h). */
static json_t *
dp_nodes_part(const struct ctl_dp_nodes *d)
{
	json_t *o = json_object();

	PUT(o, *d, generation);
	PUT(o, *d, sent);
	PUT(o, *d, failed);
	return o;
}

static json_t *
http_part(const struct ctl_http *h)
{
	struct ctl_http_stats s;
	json_t *o = json_object();

	ctl_http_stats(h, &s);
	PUT(o, s, requests);
	PUT(o, s, storage_rpc);
	PUT(o, s, onion_req);
	PUT(o, s, ping_test);
	PUT(o, s, json_rpc);
	PUT(o, s, not_found);
	PUT(o, s, rate_limited);
	PUT(o, s, long_poll);
	PUT(o, s, in_flight);
	PUT(o, s, rate_clients);
	return o;
}

static json_t *
onion_entry_part(const struct ctl_onion_entry *e)
{
	struct ctl_onion_entry_stats s;
	json_t *o = json_object();

	ctl_onion_entry_stats(e, &s);
	PUT(o, s, requests);
	PUT(o, s, parse_errors);
	PUT(o, s, bad_ciphertext);
	PUT(o, s, bad_json);
	PUT(o, s, destination);
	PUT(o, s, proxied);
	PUT(o, s, proxy_refused);
	PUT(o, s, relayed);
	PUT(o, s, relay_replies);
	PUT(o, s, relay_timeouts);
	PUT(o, s, relay_failed);
	PUT(o, s, not_ready);
	PUT(o, s, busy);
	PUT(o, s, pending);
	return o;
}

static json_t *
proxy_part(const struct ctl_proxy *p)
{
	struct ctl_proxy_stats s;
	json_t *o = json_object();

	ctl_proxy_stats(p, &s);
	PUT(o, s, requests);
	PUT(o, s, answered);
	PUT(o, s, bad_url);
	PUT(o, s, refused_address);
	PUT(o, s, timeouts);
	PUT(o, s, failed);
	PUT(o, s, busy);
	PUT(o, s, active);
	return o;
}

static json_t *
ping_part(const struct ctl_peer_ping *pp)
{
	json_t *o = json_object();

	PUT(o, pp->st, pings_sent);
	PUT(o, pp->st, pongs_sent);
	PUT(o, pp->st, pongs);
	PUT(o, pp->st, rejected);
	PUT(o, pp->st, unknown_sender);
	PUT(o, pp->st, send_failed);
	return o;
}

static json_t *
drpc_part(const struct ctl_drpc *d)
{
	struct ctl_drpc_stats s;
	json_t *o = json_object();

	ctl_drpc_stats(d, &s);
	PUT(o, s, calls);
	PUT(o, s, answered);
	PUT(o, s, timed_out);
	PUT(o, s, shutdown);
	PUT(o, s, cancelled);
	PUT(o, s, busy);
	PUT(o, s, send_failed);
	PUT(o, s, requests_in);
	PUT(o, s, responses_out);
	PUT(o, s, late);
	PUT(o, s, unhandled);
	PUT(o, s, rejected);
	PUT(o, s, unknown_kind);
	return o;
}

/* DIRECT messages that reach the node-to-node RPC: fragments, then opening. */
static json_t *
direct_part(const struct ctl_drpc *d)
{
	struct ctl_frag_stats f;
	struct snc_direct_stats s;
	json_t *o = json_object(), *frag = json_object();

	ctl_drpc_frag_stats(d, &f);
	ctl_drpc_open_stats(d, &s);
	PUT(frag, f, fragments);
	PUT(frag, f, delivered);
	PUT(frag, f, malformed);
	PUT(frag, f, duplicate);
	PUT(frag, f, inconsistent);
	PUT(frag, f, over_budget);
	PUT(frag, f, timed_out);
	json_object_set_new(o, "fragments", frag);
	PUT(o, s, accepted);
	PUT(o, s, malformed);
	PUT(o, s, stale);
	PUT(o, s, forged);
	PUT(o, s, replayed);
	PUT(o, s, full);
	PUT(o, s, undecryptable);
	return o;
}

static json_t *
replicate_part(const struct ctl_replicate *r)
{
	struct ctl_replicate_stats s;
	json_t *o = json_object();

	ctl_replicate_stats(r, &s);
	PUT(o, s, fanouts);
	PUT(o, s, peer_calls);
	PUT(o, s, peer_ok);
	PUT(o, s, peer_error);
	PUT(o, s, peer_bad);
	PUT(o, s, peer_timeout);
	PUT(o, s, peer_unsent);
	PUT(o, s, served);
	PUT(o, s, answer_failed);
	return o;
}

static json_t *
catchup_part(const struct ctl_catchup *c)
{
	struct ctl_catchup_stats s;
	json_t *o = json_object();

	ctl_catchup_stats(c, &s);
	PUT(o, s, pulls_started);
	PUT(o, s, pulls_done);
	PUT(o, s, pulls_failed);
	PUT(o, s, pages_requested);
	PUT(o, s, pages_received);
	PUT(o, s, pages_rejected);
	PUT(o, s, inserted);
	PUT(o, s, present);
	PUT(o, s, raised);
	PUT(o, s, expired);
	PUT(o, s, superseded);
	PUT(o, s, full);
	PUT(o, s, lowered);
	PUT(o, s, tombstoned);
	PUT(o, s, rejected);
	PUT(o, s, tombs_deleted);
	PUT(o, s, tombs_recorded);
	PUT(o, s, tombs_newer);
	PUT(o, s, tombs_ended);
	PUT(o, s, revocations_added);
	PUT(o, s, unrevokes_applied);
	PUT(o, s, old_version);
	PUT(o, s, pages_served);
	PUT(o, s, pages_refused);
	PUT(o, s, records_sent);
	PUT(o, s, records_filtered);
	PUT(o, s, tombs_sent);
	PUT(o, s, revs_sent);
	PUT(o, s, drop_passes);
	PUT(o, s, handed_off);
	PUT(o, s, dropped);
	PUT(o, s, kept);
	PUT(o, s, pushes_sent);
	PUT(o, s, pushes_failed);
	PUT(o, s, pushes_received);
	PUT(o, s, pushes_refused);
	PUT(o, s, push_not_holder);
	PUT(o, s, push_too_new);
	PUT(o, s, push_ttl);
	return o;
}

/* Quorum votes and this node's RANDAO lines (docs/quorums.md). */
static json_t *
quorum_part(const struct ctl_vote_service *vs)
{
	const struct ctl_vote_stats *v = ctl_vote_service_stats(vs);
	const struct ctl_randao_stats *r = ctl_vote_service_randao_stats(vs);
	json_t *o = json_object();

	PUT(o, *v, rounds);
	PUT(o, *v, made);
	PUT(o, *v, sent);
	PUT(o, *v, send_failed);
	PUT(o, *v, received);
	PUT(o, *v, refused);
	PUT(o, *v, duplicate);
	PUT(o, *v, unwanted);
	PUT(o, *v, slots_full);
	PUT(o, *v, submitted);
	PUT(o, *v, submit_failed);
	PUT(o, *r, commits);
	PUT(o, *r, reveals);
	json_object_set_new(o, "randao_failed", json_integer((json_int_t)r->failed));
	return o;
}

/* The storage-test reports: as tester, and as validator (each refusal its own counter). */
static json_t *
sreport_part(const struct ctl_srep_service *sv)
{
	struct ctl_srep_stats s;
	json_t *o = json_object();

	ctl_srep_service_stats(sv, &s);
	PUT(o, s, reports);
	PUT(o, s, not_worker);
	PUT(o, s, repeated);
	PUT(o, s, sent);
	PUT(o, s, send_failed);
	PUT(o, s, acked);
	PUT(o, s, answer_refused);
	PUT(o, s, no_answer);
	PUT(o, s, received);
	PUT(o, s, taken);
	PUT(o, s, taken_failed);
	for (int i = 1; i < CTL_SREP_REFUSALS; i++) {
		char name[48];

		snprintf(name, sizeof(name), "refused_%s", ctl_srep_refusal_name(i));
		json_object_set_new(o, name, json_integer((json_int_t)s.refused[i]));
	}
	PUT(o, s, failing);
	return o;
}

static json_t *
stest_part(const struct ctl_stest_service *sv)
{
	struct ctl_stest_stats s;
	json_t *o = json_object();

	ctl_stest_service_stats(sv, &s);
	PUT(o, s, rounds);
	PUT(o, s, no_block);
	PUT(o, s, no_swarm);
	PUT(o, s, started);
	PUT(o, s, passed);
	PUT(o, s, failed);
	PUT(o, s, fail_timeout);
	PUT(o, s, fail_mismatch);
	PUT(o, s, fail_wrong_request);
	PUT(o, s, fail_invalid_height);
	PUT(o, s, fail_other);
	PUT(o, s, fail_invalid_params);
	PUT(o, s, fail_busy);
	PUT(o, s, fail_bad_answer);
	PUT(o, s, no_records);
	PUT(o, s, scan_errors);
	PUT(o, s, send_failed);
	PUT(o, s, in_flight_full);
	PUT(o, s, in_flight);
	PUT(o, s, failing);
	PUT(o, s, requests_in);
	PUT(o, s, answered_ok);
	PUT(o, s, answered_other);
	PUT(o, s, refused_invalid_params);
	PUT(o, s, refused_invalid_height);
	PUT(o, s, refused_wrong_request);
	PUT(o, s, refused_busy);
	PUT(o, s, refused_peer_busy);
	PUT(o, s, retries);
	PUT(o, s, store_errors);
	PUT(o, s, respond_failed);
	PUT(o, s, serving);
	return o;
}

static json_t *
reach_part(const struct ctl_reach *r)
{
	struct ctl_reach_stats s;
	json_t *o = json_object();

	ctl_reach_stats(r, &s);
	PUT(o, s, tests);
	PUT(o, s, random_tests);
	PUT(o, s, retests);
	PUT(o, s, passed);
	PUT(o, s, failed);
	PUT(o, s, in_flight);
	PUT(o, s, failing);
	PUT(o, s, direct_unsent);
	PUT(o, s, direct_timeout);
	PUT(o, s, https_no_address);
	PUT(o, s, https_unsent);
	PUT(o, s, https_connect);
	PUT(o, s, https_timeout);
	PUT(o, s, https_status);
	PUT(o, s, https_pubkey);
	PUT(o, s, pongs_unmatched);
	PUT(o, s, sync_failed);
	return o;
}

static json_t *
uptime_part(const struct ctl_uptime *u)
{
	struct ctl_uptime_stats s;
	json_t *o = json_object();

	ctl_uptime_stats(u, &s);
	PUT(o, s, proofs_sent);
	PUT(o, s, sends);
	PUT(o, s, send_failed);
	PUT(o, s, skipped_unhealthy);
	PUT(o, s, received);
	PUT(o, s, accepted);
	PUT(o, s, malformed);
	PUT(o, s, unknown_node);
	PUT(o, s, wrong_key);
	PUT(o, s, bad_signature);
	PUT(o, s, stale);
	PUT(o, s, future);
	PUT(o, s, older);
	PUT(o, s, full);
	PUT(o, s, expired);
	return o;
}

json_t *
ctl_node_stats(const struct ctl_node *n)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "expired_swept", json_integer((json_int_t)n->swept));
	if (n->rpc != NULL)
		json_object_set_new(o, "rpc", rpc_part(n->rpc));
	if (n->channel != NULL) {
		json_object_set_new(o, "channel", channel_part(n->channel));
		json_object_set_new(o, "onion_dest", onion_dest_part(&n->dest));
		if (n->dp_nodes.channel != NULL)
			json_object_set_new(o, "dp_nodes", dp_nodes_part(&n->dp_nodes));
	}
	if (n->swarm != NULL && ctl_swarm_view_registry_state(n->swarm) != NULL)
		json_object_set_new(o, "registry", registry_part(n->swarm));
	if (n->http != NULL)
		json_object_set_new(o, "http", http_part(n->http));
	if (n->onion != NULL)
		json_object_set_new(o, "onion_entry", onion_entry_part(n->onion));
	if (n->proxy != NULL)
		json_object_set_new(o, "proxy", proxy_part(n->proxy));
	if (n->pinging)
		json_object_set_new(o, "ping", ping_part(&n->ping));
	if (n->drpc != NULL) {
		json_object_set_new(o, "direct_rpc", drpc_part(n->drpc));
		json_object_set_new(o, "direct", direct_part(n->drpc));
	}
	if (n->repl != NULL)
		json_object_set_new(o, "replicate", replicate_part(n->repl));
	if (n->catchup != NULL)
		json_object_set_new(o, "catchup", catchup_part(n->catchup));
	if (n->votes != NULL)
		json_object_set_new(o, "quorum", quorum_part(n->votes));
	if (n->stest != NULL)
		json_object_set_new(o, "storage_test", stest_part(n->stest));
	if (n->sreport != NULL)
		json_object_set_new(o, "storage_report", sreport_part(n->sreport));
	if (n->reach != NULL)
		json_object_set_new(o, "reach", reach_part(n->reach));
	if (n->uptime != NULL)
		json_object_set_new(o, "uptime", uptime_part(n->uptime));
	return o;
}
