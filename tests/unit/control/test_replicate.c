/* SPDX-License-Identifier: MIT */
/*
 * control/replicate.c and the RPC's replication hooks (rpc_swarm.c) with
 * three nodes in one process over a real redis-server (one key prefix per
 * node): each node has its own store, swarm view (the same three members),
 * RPC server, direct_rpc and replicator; DIRECT cells go through an
 * in-memory queue delivered from the event loop. Checks: a store or delete
 * at one node reaches every member and the answer holds each member's
 * result; a silent or unreachable member gets {"failed":true,"timeout":true};
 * "required" counts every member; the receiving side refuses non-members,
 * batches and bad client signatures, and applies the forwarded 70 s window;
 * shutdown with peers outstanding answers exactly once.
 */
#include <event2/event.h>
#include <sodium.h>

#include "replicate.h"
#include "cell_queue.h"
#include "rpc_fixture.h"
#include "test_common_ctl.h"

enum {
	N = 3,
	PEER_TIMEOUT_MS = 300
};

struct node {
	struct snc_identity id;
	char hex[65];
	struct store *st;
	struct ctl_swarm_view *view;
	struct ctl_rpc_server *srv;
	struct ctl_drpc *d;
	struct ctl_replicate *rep;
	bool down;    /* cells to it are lost */
	bool no_send; /* its channel refuses every cell */
};

static struct rpc_fx fx;
static struct node nodes[N];
static struct snc_identity outsider;
static struct cell_queue *cells;
static uint8_t acct_pk[32], acct_sk[64];
static char acct_hex[67];

static void
deliver_to(void *arg, int i, const uint8_t from[32], const uint8_t *cell, size_t len)
{
	struct node *to = &nodes[i];

	(void)arg;
	if (!to->down && to->d != NULL)
		ctl_drpc_on_cell(to->d, from, cell, len);
}

static int
send_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	struct node *from = arg;
	int to = -1;

	if (from->no_send)
		return -ENOTCONN;
	for (int i = 0; i < N; i++)
		if (memcmp(nodes[i].id.ed25519_pk, peer, 32) == 0)
			to = i;
	assert_true(to >= 0);
	cell_queue_push(cells, to, from->id.ed25519_pk, cell, len);
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	if (fx_redis_up(&fx) != 0)
		return -1;
	cells = cell_queue_new(fx.base, 8192, deliver_to, NULL);
	return cells != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	cell_queue_free(cells);
	fx_redis_down(&fx);
	return 0;
}

static void
node_up(int i, const struct ctl_swarm_node *members)
{
	struct node *n = &nodes[i];
	struct ctl_rpc_server_conf rc = {0};
	struct ctl_drpc_conf dc = {.id = &n->id, .send = send_cell, .send_arg = n};
	char err[256];

	n->st = fx_store_new(&fx, 'r');
	n->view = ctl_swarm_view_single(members, N, n->id.ed25519_pk, err, sizeof(err));
	assert_non_null(n->view);
	rc.ed25519_sk = n->id.ed25519_sk;
	rc.store = n->st;
	rc.swarm = n->view;
	rc.hf[0] = 19;
	rc.hf[1] = 4;
	n->srv = ctl_rpc_server_new(&rc, err, sizeof(err));
	assert_non_null(n->srv);
	n->d = ctl_drpc_new(fx.base, &dc);
	assert_non_null(n->d);
	n->rep = ctl_replicate_new(fx.base, n->d, n->view, n->srv, n->id.ed25519_pk,
				   PEER_TIMEOUT_MS);
	assert_non_null(n->rep);
}

static int
setup(void **state)
{
	struct ctl_swarm_node members[N];

	(void)state;
	memset(members, 0, sizeof(members));
	for (int i = 0; i < N; i++) {
		memset(&nodes[i], 0, sizeof(nodes[i]));
		fx_identity(&nodes[i].id);
		sodium_bin2hex(nodes[i].hex, sizeof(nodes[i].hex), nodes[i].id.ed25519_pk, 32);
		memcpy(members[i].ed25519, nodes[i].id.ed25519_pk, 32);
		memcpy(members[i].x25519, nodes[i].id.x25519_pk, 32);
		members[i].ip = 0x0a000001u + (uint32_t)i;
		members[i].port = 22020;
	}
	for (int i = 0; i < N; i++)
		node_up(i, members);
	fx_identity(&outsider);
	crypto_sign_keypair(acct_pk, acct_sk);
	memcpy(acct_hex, "03", 2);
	sodium_bin2hex(acct_hex + 2, 65, acct_pk, 32);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* the order node.c uses: RPC, replicator, DIRECT requests, then storage */
	for (int i = 0; i < N; i++) {
		ctl_rpc_server_free(nodes[i].srv);
		ctl_replicate_free(nodes[i].rep);
		ctl_drpc_free(nodes[i].d);
		store_free(nodes[i].st);
		ctl_swarm_view_free(nodes[i].view);
	}
	cell_queue_clear(cells);
	return 0;
}

static void
wait_for(struct answer *a)
{
	for (int w = 0; a->calls == 0 && w < FX_WAIT_MS; w += 5)
		redis_test_loop_for(fx.base, 5);
	assert_int_equal(a->calls, 1);
}

/* Runs body at node i (or forwarded to it from `from`), waits for the answer. */
static void
call(int i, const uint8_t *from, const char *body, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	if (from == NULL)
		assert_int_equal(ctl_rpc_handle(nodes[i].srv, body, strlen(body), fx_on_done, a),
				 0);
	else
		assert_int_equal(ctl_rpc_handle_forwarded(nodes[i].srv, from, body, strlen(body),
							  fx_on_done, a),
				 0);
	wait_for(a);
}

static void
sign_b64(const char *msg, char out[89])
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, strlen(msg), acct_sk);
	sodium_bin2base64(out, 89, sig, 64, sodium_base64_VARIANT_ORIGINAL);
}

/* A public-inbox store of data for the account: the request body. */
static char *
store_body(const char *data)
{
	static char body[512];
	uint64_t now = fx_wall_ms();

	snprintf(body, sizeof(body),
		 "{\"method\":\"store\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%llu,"
		 "\"ttl\":600000,\"data\":\"%s\"}}",
		 acct_hex, (unsigned long long)now, data);
	return body;
}

/* A batch of one public-inbox store: valid, but not forwardable. */
static char *
batch_body(void)
{
	static char body[600];

	snprintf(body, sizeof(body), "{\"method\":\"batch\",\"params\":{\"requests\":[%s]}}",
		 store_body("YmF0Y2g="));
	return body;
}

static json_t *
retrieve_at(int i)
{
	char body[512], msg[64], sig[89];
	struct answer a;
	uint64_t now = fx_wall_ms();
	json_t *msgs;

	snprintf(msg, sizeof(msg), "retrieve%llu", (unsigned long long)now);
	sign_b64(msg, sig);
	snprintf(body, sizeof(body),
		 "{\"method\":\"retrieve\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%llu,"
		 "\"signature\":\"%s\"}}",
		 acct_hex, (unsigned long long)now, sig);
	call(i, NULL, body, &a);
	assert_int_equal(a.code, 200);
	msgs = json_incref(json_object_get(a.j, "messages"));
	answer_free(&a);
	return msgs;
}

static void
delete_at(int i, const char *hash, bool required, struct answer *a)
{
	char body[512], msg[128], sig[89];

	snprintf(msg, sizeof(msg), "delete%s", hash);
	sign_b64(msg, sig);
	snprintf(body, sizeof(body),
		 "{\"method\":\"delete\",\"params\":{\"pubkey\":\"%s\",\"messages\":[\"%s\"],"
		 "\"signature\":\"%s\",\"required\":%s}}",
		 acct_hex, hash, sig, required ? "true" : "false");
	call(i, NULL, body, a);
}

static void
store_and_delete_reach_every_member(void **state)
{
	struct answer a;
	struct ctl_rpc_server_stats ss;
	char hash[44];
	json_t *m;

	(void)state;
	call(0, NULL, store_body("aGVsbG8gc3dhcm0="), &a);
	assert_int_equal(a.code, 200);
	assert_int_equal(json_object_size(json_object_get(a.j, "swarm")), N);
	snprintf(hash, sizeof(hash), "%s", json_string_value(json_object_get(a.j, "hash")));
	for (int i = 0; i < N; i++) {
		json_t *e = json_object_get(json_object_get(a.j, "swarm"), nodes[i].hex);

		assert_string_equal(json_string_value(json_object_get(e, "hash")), hash);
		assert_non_null(json_object_get(e, "signature"));
	}
	assert_non_null(json_object_get(a.j, "t"));
	answer_free(&a);
	for (int i = 1; i < N; i++) {
		m = retrieve_at(i);
		assert_int_equal(json_array_size(m), 1);
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(m, 0), "hash")), hash);
		json_decref(m);
	}
	ctl_rpc_server_stats(nodes[1].srv, &ss);
	assert_int_equal(ss.forwarded_in, 1);
	assert_int_equal(ss.fanouts, 0); /* a forwarded call is not forwarded again */
	delete_at(2, hash, true, &a);
	assert_int_equal(a.code, 200);
	for (int i = 0; i < N; i++) {
		json_t *del = json_object_get(
			json_object_get(json_object_get(a.j, "swarm"), nodes[i].hex), "deleted");

		assert_int_equal(json_array_size(del), 1);
	}
	answer_free(&a);
	/* required, and no member has it any more: 404, still with every entry */
	delete_at(1, hash, true, &a);
	assert_int_equal(a.code, 404);
	assert_int_equal(json_object_size(json_object_get(a.j, "swarm")), N);
	answer_free(&a);
	m = retrieve_at(0);
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
}

static void
a_silent_member_times_out(void **state)
{
	struct ctl_replicate_stats rs;
	struct answer a;
	json_t *e;

	(void)state;
	nodes[2].down = true;
	call(0, NULL, store_body("c2lsZW50"), &a);
	assert_int_equal(a.code, 200);
	e = json_object_get(json_object_get(a.j, "swarm"), nodes[2].hex);
	assert_true(json_is_true(json_object_get(e, "failed")));
	assert_true(json_is_true(json_object_get(e, "timeout")));
	assert_int_equal(json_object_size(e), 2);
	e = json_object_get(json_object_get(a.j, "swarm"), nodes[1].hex);
	assert_null(json_object_get(e, "failed"));
	answer_free(&a);
	ctl_replicate_stats(nodes[0].rep, &rs);
	assert_int_equal(rs.fanouts, 1);
	assert_int_equal(rs.peer_calls, 2);
	assert_int_equal(rs.peer_ok, 1);
	assert_int_equal(rs.peer_timeout, 1);
}

static void
unsendable_peers_fail_at_once_outside_start(void **state)
{
	struct ctl_replicate_stats rs;
	struct answer a;

	(void)state;
	nodes[0].no_send = true;
	call(0, NULL, store_body("bm8gY2hhbm5lbA=="), &a);
	/* this node stored it: 200, both peers marked as timed out */
	assert_int_equal(a.code, 200);
	for (int i = 1; i < N; i++)
		assert_true(json_is_true(json_object_get(
			json_object_get(json_object_get(a.j, "swarm"), nodes[i].hex), "timeout")));
	answer_free(&a);
	ctl_replicate_stats(nodes[0].rep, &rs);
	assert_int_equal(rs.peer_unsent, 2);
}

static void
the_receiving_side_checks_forwarded_calls(void **state)
{
	char body[512], msg[64], sig[89];
	struct ctl_rpc_server_stats ss;
	struct answer a;
	uint64_t expiry = fx_wall_ms() - 65000; /* inside 70 s, outside 60 s */

	(void)state;
	/* a node outside the account's swarm */
	call(1, outsider.ed25519_pk, store_body("b3V0c2lkZXI="), &a);
	assert_int_equal(a.code, 403);
	answer_free(&a);
	/* not a single recursive call */
	call(1, nodes[0].id.ed25519_pk, batch_body(), &a);
	assert_int_equal(a.code, 400);
	answer_free(&a);
	call(1, nodes[0].id.ed25519_pk, "{\"method\":\"info\",\"params\":{}}", &a);
	assert_int_equal(a.code, 400);
	answer_free(&a);
	ctl_rpc_server_stats(nodes[1].srv, &ss);
	assert_int_equal(ss.forward_rejected, 3);
	/* the client's signature is checked again by the peer */
	snprintf(body, sizeof(body),
		 "{\"method\":\"delete_all\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%llu,"
		 "\"signature\":\"%.86s==\"}}",
		 acct_hex, (unsigned long long)fx_wall_ms(),
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAA");
	call(1, nodes[0].id.ed25519_pk, body, &a);
	assert_int_equal(a.code, 401);
	answer_free(&a);
	/* expire_all 65 s in the past: refused directly, taken when forwarded */
	snprintf(msg, sizeof(msg), "expire_all%llu", (unsigned long long)expiry);
	sign_b64(msg, sig);
	snprintf(body, sizeof(body),
		 "{\"method\":\"expire_all\",\"params\":{\"pubkey\":\"%s\",\"expiry\":%llu,"
		 "\"signature\":\"%s\"}}",
		 acct_hex, (unsigned long long)expiry, sig);
	call(1, NULL, body, &a);
	assert_int_equal(a.code, 406);
	answer_free(&a);
	call(1, nodes[0].id.ed25519_pk, body, &a);
	assert_int_equal(a.code, 200);
	/* the per-node result itself, not the {"swarm": ...} wrapper */
	assert_null(json_object_get(a.j, "swarm"));
	assert_non_null(json_object_get(a.j, "updated"));
	assert_non_null(json_object_get(a.j, "signature"));
	answer_free(&a);
}

static void
shutdown_with_peers_outstanding_answers_once(void **state)
{
	struct answer a;

	(void)state;
	nodes[1].down = nodes[2].down = true;
	memset(&a, 0, sizeof(a));
	assert_int_equal(ctl_rpc_handle(nodes[0].srv, store_body("Ynll"),
					strlen(store_body("Ynll")), fx_on_done, &a),
			 0);
	for (int w = 0; w < 100 && cell_queue_len(cells) == 0; w += 5)
		redis_test_loop_for(fx.base, 5);
	redis_test_loop_for(fx.base, 50); /* the local store is done, the peers are not */
	assert_int_equal(a.calls, 0);
	ctl_rpc_server_free(nodes[0].srv);
	nodes[0].srv = NULL;
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.code, 503);
	assert_int_equal(ctl_drpc_pending(nodes[0].d), 0); /* the peer calls are withdrawn */
	redis_test_loop_for(fx.base, PEER_TIMEOUT_MS + 200);
	assert_int_equal(a.calls, 1);
	answer_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_and_delete_reach_every_member, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_silent_member_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(unsendable_peers_fail_at_once_outside_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_receiving_side_checks_forwarded_calls, setup,
						teardown),
		cmocka_unit_test_setup_teardown(shutdown_with_peers_outstanding_answers_once, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
