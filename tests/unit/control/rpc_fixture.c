/* SPDX-License-Identifier: MIT */
#include "rpc_fixture.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <event2/event.h>
#include <sodium.h>

static uint64_t
fx_clock(void *arg)
{
	return ((struct rpc_fx *)arg)->now;
}

int
fx_redis_up(struct rpc_fx *f)
{
	memset(f, 0, sizeof(*f));
	signal(SIGPIPE, SIG_IGN); /* store.h: hiredis writes with write() */
	if (sodium_init() < 0 || redis_test_start(&f->rt, "always") != 0)
		return -1;
	f->base = event_base_new();
	return f->base != NULL ? 0 : -1;
}

void
fx_redis_down(struct rpc_fx *f)
{
	if (f->base != NULL)
		event_base_free(f->base);
	f->base = NULL;
	redis_test_stop(&f->rt);
}

struct store *
fx_store_new(struct rpc_fx *f, char tag)
{
	static int prefix;
	struct store_config sc = {0};
	struct store *st;
	char pfx[32], err[256];

	snprintf(pfx, sizeof(pfx), "%c%d:", tag, ++prefix);
	sc.redis.unix_path = f->rt.sock;
	sc.redis.prefix = pfx;
	st = store_new(f->base, &sc, err, sizeof(err));
	assert_non_null(st);
	for (int w = 0; w < FX_WAIT_MS && !store_is_ready(st); w += 10)
		redis_test_loop_for(f->base, 10);
	assert_true(store_is_ready(st));
	return st;
}

uint64_t
fx_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
fx_identity(struct snc_identity *id)
{
	uint8_t seed[SNC_SEED_BYTES];

	randombytes_buf(seed, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

static struct ctl_swarm_view *
make_view(struct rpc_fx *f, const struct fx_opts *o)
{
	struct ctl_swarm_node nodes[3];
	uint8_t pk[32], sk[64];
	char err[256];
	size_t n = 0;

	memset(nodes, 0, sizeof(nodes));
	if (!o->no_nodes) {
		for (int i = 0; i < 2; i++) {
			crypto_sign_keypair(pk, sk);
			memcpy(nodes[n].ed25519, pk, 32);
			assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(nodes[n].x25519, pk),
					 0);
			nodes[n].ip = 0x0a000001u + (uint32_t)i;
			nodes[n].port = (uint16_t)(22020 + i);
			nodes[n].https_port = 22021;
			n++;
		}
		if (!o->not_member) {
			memcpy(nodes[n].ed25519, f->node_pk, 32);
			assert_int_equal(
				crypto_sign_ed25519_pk_to_curve25519(nodes[n].x25519, f->node_pk),
				0);
			nodes[n].ip = 0x7f000001u;
			nodes[n].port = 22030;
			nodes[n].https_port = 22021;
			n++;
		}
	}
	return ctl_swarm_view_single(nodes, n, f->node_pk, err, sizeof(err));
}

int
fx_server_up(struct rpc_fx *f, const struct fx_opts *opts)
{
	static const struct fx_opts none;
	const struct fx_opts *o = opts != NULL ? opts : &none;
	struct store_config cfg = {0};
	struct ctl_rpc_server_conf conf = {0};
	char prefix[32], err[256];

	snprintf(prefix, sizeof(prefix), "t%d:", ++f->n_prefix);
	cfg.redis.unix_path = f->rt.sock;
	cfg.redis.prefix = prefix;
	cfg.redis.timeout_ms = o->timeout_ms;
	cfg.account_bytes_max = o->account_bytes_max;
	f->st = store_new(f->base, &cfg, err, sizeof(err));
	if (f->st == NULL)
		return -1;
	for (int waited = 0; waited < FX_WAIT_MS && !store_is_ready(f->st); waited += 10)
		redis_test_loop_for(f->base, 10);
	if (!store_is_ready(f->st))
		return -1;
	crypto_sign_keypair(f->node_pk, f->node_sk);
	sodium_bin2hex(f->node_hex, sizeof(f->node_hex), f->node_pk, 32);
	f->view = make_view(f, o);
	f->now = 1700000000000ULL;
	conf.ed25519_sk = f->node_sk;
	conf.store = f->st;
	conf.swarm = f->view;
	conf.testnet = o->testnet;
	conf.now_ms = fx_clock;
	conf.now_arg = f;
	conf.version[0] = 2;
	conf.version[1] = 11;
	conf.version[2] = 3;
	conf.hf[0] = 21;
	conf.hf[1] = 1;
	f->srv = ctl_rpc_server_new(&conf, err, sizeof(err));
	return f->view != NULL && f->srv != NULL ? 0 : -1;
}

void
fx_server_down(struct rpc_fx *f)
{
	ctl_rpc_server_free(f->srv);
	f->srv = NULL;
	store_free(f->st);
	f->st = NULL;
	ctl_swarm_view_free(f->view);
	f->view = NULL;
}

void
fx_on_done(void *arg, int code, bool json, const char *body, size_t len)
{
	struct answer *a = arg;

	a->calls++;
	if (a->calls > 1)
		return; /* the test asserts calls == 1 */
	a->code = code;
	a->json = json;
	a->body = malloc(len + 1);
	assert_non_null(a->body);
	memcpy(a->body, body, len);
	a->body[len] = '\0';
	/* The length given must be the whole body. */
	assert_int_equal(strlen(a->body), len);
	if (json) {
		a->j = json_loadb(body, len, 0, NULL);
		assert_non_null(a->j);
	}
}

int
fx_start_len(struct rpc_fx *f, const char *body, size_t len, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	return ctl_rpc_handle(f->srv, body, len, fx_on_done, a);
}

int
fx_start(struct rpc_fx *f, const char *body, struct answer *a)
{
	return fx_start_len(f, body, strlen(body), a);
}

void
fx_wait(struct rpc_fx *f, struct answer *a)
{
	for (int waited = 0; a->calls == 0 && waited < FX_WAIT_MS; waited += 5)
		redis_test_loop_for(f->base, 5);
	if (a->calls != 1)
		fail_msg("done called %d times", a->calls);
}

void
fx_call(struct rpc_fx *f, const char *body, struct answer *a)
{
	assert_int_equal(fx_start(f, body, a), 0);
	fx_wait(f, a);
}

void
fx_call_json(struct rpc_fx *f, const char *method, json_t *params, struct answer *a)
{
	json_t *req = json_pack("{ssso}", "method", method, "params", params);
	char *body;

	assert_non_null(req);
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(body);
	fx_call(f, body, a);
	free(body);
}

void
answer_free(struct answer *a)
{
	free(a->body);
	json_decref(a->j);
	memset(a, 0, sizeof(*a));
}

json_t *
fx_expect(struct rpc_fx *f, int code, const char *method, json_t *params, struct answer *a)
{
	fx_call_json(f, method, params, a);
	if (a->code != code)
		fail_msg("%s: want %d, got %d %s", method, code, a->code, a->body);
	return a->j;
}

void
fx_expect_text(struct rpc_fx *f, int code, const char *text, const char *method, json_t *params)
{
	struct answer a;

	fx_expect(f, code, method, params, &a);
	assert_false(a.json);
	assert_string_equal(a.body, text);
	answer_free(&a);
}

json_t *
fx_mine(const struct rpc_fx *f, json_t *body)
{
	json_t *swarm = json_object_get(body, "swarm");
	json_t *hf = json_object_get(body, "hf");

	assert_true(json_is_object(swarm));
	assert_int_equal(json_object_size(swarm), 1);
	assert_int_equal(json_integer_value(json_object_get(body, "t")), (json_int_t)f->now);
	assert_true(json_is_array(hf));
	assert_int_equal(json_integer_value(json_array_get(hf, 0)), 21);
	assert_int_equal(json_integer_value(json_array_get(hf, 1)), 1);
	assert_non_null(json_object_get(swarm, f->node_hex));
	return json_object_get(swarm, f->node_hex);
}

void
fx_check_sig(const struct rpc_fx *f, json_t *mine, const void *msg, size_t len)
{
	const char *b64 = json_string_value(json_object_get(mine, "signature"));
	uint8_t sig[64];
	size_t n = 0;

	assert_non_null(b64);
	/* The reference's oxenc::to_base64 pads: 88 characters. */
	assert_int_equal(strlen(b64), 88);
	assert_int_equal(sodium_base642bin(sig, sizeof(sig), b64, strlen(b64), NULL, &n, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(n, 64);
	if (crypto_sign_verify_detached(sig, msg, len, f->node_pk) != 0)
		fail_msg("node signature does not verify over \"%.*s\"", (int)len,
			 (const char *)msg);
}
