/* SPDX-License-Identifier: MIT */
/* Uptime proof bytes, signature and checks (see uptime_proof.h). */
#include "uptime_proof.h"

#include <string.h>

#include <sodium.h>

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The signed message: the domain, then the fields. */
static void
signed_msg(const uint8_t *fields,
	   uint8_t out[sizeof(CTL_UPTIME_PROOF_DOMAIN) - 1 + CTL_UPTIME_PROOF_SIGNED])
{
	memcpy(out, CTL_UPTIME_PROOF_DOMAIN, sizeof(CTL_UPTIME_PROOF_DOMAIN) - 1);
	memcpy(out + sizeof(CTL_UPTIME_PROOF_DOMAIN) - 1, fields, CTL_UPTIME_PROOF_SIGNED);
}

void
ctl_uptime_proof_sign(const struct ctl_uptime_proof *p, const uint8_t ed25519_sk[64],
		      uint8_t out[CTL_UPTIME_PROOF_BYTES])
{
	uint8_t msg[sizeof(CTL_UPTIME_PROOF_DOMAIN) - 1 + CTL_UPTIME_PROOF_SIGNED];

	out[0] = CTL_UPTIME_PROOF_VERSION;
	memcpy(out + 1, p->pubkey, 32);
	for (int i = 0; i < 8; i++)
		out[33 + i] = (uint8_t)(p->timestamp_ms >> (56 - 8 * i));
	for (int i = 0; i < 3; i++)
		put16(out + 41 + 2 * i, p->version[i]);
	for (int i = 0; i < 4; i++)
		out[47 + i] = (uint8_t)(p->ip >> (24 - 8 * i));
	put16(out + 51, p->https_port);
	put16(out + 53, p->dp_port);
	signed_msg(out, msg);
	crypto_sign_ed25519_detached(out + CTL_UPTIME_PROOF_SIGNED, NULL, msg, sizeof(msg),
				     ed25519_sk);
}

enum ctl_uptime_verdict
ctl_uptime_proof_parse(const uint8_t *buf, size_t len, struct ctl_uptime_proof *out)
{
	memset(out, 0, sizeof(*out));
	if (len != CTL_UPTIME_PROOF_BYTES || buf[0] != CTL_UPTIME_PROOF_VERSION)
		return CTL_UPTIME_MALFORMED;
	memcpy(out->pubkey, buf + 1, 32);
	for (int i = 0; i < 8; i++)
		out->timestamp_ms = out->timestamp_ms << 8 | buf[33 + i];
	for (int i = 0; i < 3; i++)
		out->version[i] = get16(buf + 41 + 2 * i);
	for (int i = 0; i < 4; i++)
		out->ip = out->ip << 8 | buf[47 + i];
	out->https_port = get16(buf + 51);
	out->dp_port = get16(buf + 53);
	return CTL_UPTIME_OK;
}

enum ctl_uptime_verdict
ctl_uptime_proof_verify(const uint8_t *buf, size_t len, const uint8_t sender[32], uint64_t now_ms,
			uint64_t tolerance_ms, struct ctl_uptime_proof *out)
{
	uint8_t msg[sizeof(CTL_UPTIME_PROOF_DOMAIN) - 1 + CTL_UPTIME_PROOF_SIGNED];
	enum ctl_uptime_verdict v = ctl_uptime_proof_parse(buf, len, out);

	if (v != CTL_UPTIME_OK)
		return v;
	if (sodium_memcmp(out->pubkey, sender, 32) != 0)
		return CTL_UPTIME_WRONG_KEY;
	signed_msg(buf, msg);
	if (crypto_sign_ed25519_verify_detached(buf + CTL_UPTIME_PROOF_SIGNED, msg, sizeof(msg),
						out->pubkey) != 0)
		return CTL_UPTIME_BAD_SIGNATURE;
	if (out->timestamp_ms < now_ms && now_ms - out->timestamp_ms > tolerance_ms)
		return CTL_UPTIME_STALE;
	if (out->timestamp_ms > now_ms && out->timestamp_ms - now_ms > tolerance_ms)
		return CTL_UPTIME_FUTURE;
	return CTL_UPTIME_OK;
}

const char *
ctl_uptime_proof_verdict_name(enum ctl_uptime_verdict v)
{
	static const char *const names[] = {"ok",	 "malformed",	  "unknown_node",
					    "wrong_key", "bad_signature", "stale",
					    "future",	 "older"};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
