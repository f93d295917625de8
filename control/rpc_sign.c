/* SPDX-License-Identifier: MIT */
/*
 * Node signatures and result envelopes (see rpc_sign.h). Integers are decimal
 * without padding, as the reference's concatenate_sig_message_parts writes
 * them; the signature is plain crypto_sign_detached with the node key.
 */
#include "rpc_sign.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"

void
rpc_sign_msg_init(struct rpc_sigmsg *m)
{
	memset(m, 0, sizeof(*m));
}

void
rpc_sign_msg_free(struct rpc_sigmsg *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

void
rpc_sign_msg_add(struct rpc_sigmsg *m, const void *p, size_t n)
{
	if (m->failed || n == 0)
		return;
	if (m->len + n > m->cap) {
		size_t cap = m->cap != 0 ? m->cap : 256;
		uint8_t *b;

		while (cap < m->len + n)
			cap *= 2;
		b = realloc(m->buf, cap);
		if (b == NULL) {
			m->failed = true;
			return;
		}
		m->buf = b;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

void
rpc_sign_msg_str(struct rpc_sigmsg *m, const char *s)
{
	rpc_sign_msg_add(m, s, strlen(s));
}

void
rpc_sign_msg_u64(struct rpc_sigmsg *m, uint64_t v)
{
	char d[24];

	rpc_sign_msg_add(m, d, (size_t)snprintf(d, sizeof(d), "%" PRIu64, v));
}

void
rpc_sign_msg_i64(struct rpc_sigmsg *m, int64_t v)
{
	char d[24];

	rpc_sign_msg_add(m, d, (size_t)snprintf(d, sizeof(d), "%" PRId64, v));
}

void
rpc_sign_msg_pubkey(struct rpc_sigmsg *m, const uint8_t pubkey[33], bool testnet)
{
	char hex[SNC_ACCOUNT_HEX_BUF];

	if (snc_account_format(pubkey, testnet, hex, sizeof(hex)) != 0)
		m->failed = true;
	else
		rpc_sign_msg_str(m, hex);
}

void
rpc_sign_b64(const uint8_t sk[64], const uint8_t *msg, size_t len,
	     char out[CTL_RPC_SIG_B64_LEN + 1])
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_bin2base64(out, CTL_RPC_SIG_B64_LEN + 1, sig, sizeof(sig),
			  sodium_base64_VARIANT_ORIGINAL);
}

int
rpc_sign_put(const struct ctl_rpc_server *s, struct rpc_sigmsg *m, json_t *mine)
{
	char b64[CTL_RPC_SIG_B64_LEN + 1];
	int rc = -ENOMEM;

	if (!m->failed) {
		rpc_sign_b64(s->sk, m->buf, m->len, b64);
		if (json_object_set_new(mine, "signature", json_string(b64)) == 0)
			rc = 0;
	}
	rpc_sign_msg_free(m);
	return rc;
}

int
rpc_sign_misc(const struct ctl_rpc_server *s, json_t *obj, uint64_t now)
{
	json_t *hf = json_pack("[ii]", (int)s->hf[0], (int)s->hf[1]);

	if (hf == NULL || json_object_set_new(obj, "hf", hf) != 0 ||
	    json_object_set_new(obj, "t", json_integer((json_int_t)now)) != 0)
		return -ENOMEM;
	return 0;
}

json_t *
rpc_sign_swarm(const struct ctl_rpc_server *s, json_t *mine, uint64_t now)
{
	json_t *top, *swarm;

	if (mine == NULL)
		return NULL;
	swarm = json_object();
	if (swarm == NULL) {
		json_decref(mine);
		return NULL;
	}
	/* json_object_set_new drops the value itself when it fails. */
	if (json_object_set_new(swarm, s->own_hex, mine) != 0) {
		json_decref(swarm);
		return NULL;
	}
	top = json_object();
	if (top == NULL) {
		json_decref(swarm);
		return NULL;
	}
	if (json_object_set_new(top, "swarm", swarm) != 0 || rpc_sign_misc(s, top, now) != 0) {
		json_decref(top);
		return NULL;
	}
	return top;
}
