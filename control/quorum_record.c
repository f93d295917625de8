/* SPDX-License-Identifier: MIT */
/*
 * Record text, the vote message and the check of a record against its
 * quorum (quorum_record.h). Strict: one canonical spelling per record, so
 * two nodes never disagree on whether a line parses.
 */
#include "quorum_record.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char VOTE_DOMAIN[] = "snode-vote-v1"; /* 13 bytes, no NUL */

void
ctl_quorum_vote_message(uint8_t out[CTL_QUORUM_VOTE_MSG], enum ctl_quorum_change change,
			const uint8_t key[32], uint64_t epoch)
{
	size_t d = sizeof(VOTE_DOMAIN) - 1;

	memcpy(out, VOTE_DOMAIN, d);
	out[d] = (uint8_t)change;
	memcpy(out + d + 1, key, 32);
	for (int i = 0; i < 8; i++)
		out[d + 33 + i] = (uint8_t)(epoch >> (8 * i));
}

static int
bad(char *why, size_t whylen, const char *text)
{
	snprintf(why, whylen, "bad quorum record: %s", text);
	return -EINVAL;
}

/* A canonical decimal up to UINT64_MAX ending at ','; *end after it. */
static int
parse_epoch(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '0' && p[1] != ',')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (p == s || *p != ',')
		return -EINVAL;
	*out = v;
	*end = p + 1;
	return 0;
}

/* "I:" + 128 hex digits, then ',' or the end. */
static int
parse_vote(const char *s, struct ctl_quorum_vote_sig *v, const char **end)
{
	size_t got = 0;
	const char *hex_end = NULL;

	if (s[0] < '0' || s[0] > '9' || s[1] != ':')
		return -EINVAL;
	if (strnlen(s + 2, 2 * CTL_QUORUM_SIG) != 2 * CTL_QUORUM_SIG ||
	    sodium_hex2bin(v->sig, CTL_QUORUM_SIG, s + 2, 2 * CTL_QUORUM_SIG, NULL, &got,
			   &hex_end) != 0 ||
	    got != CTL_QUORUM_SIG)
		return -EINVAL;
	s += 2 + 2 * CTL_QUORUM_SIG;
	if (*s != ',' && *s != '\0')
		return -EINVAL;
	v->index = (uint8_t)(s[-2 * CTL_QUORUM_SIG - 2] - '0');
	*end = *s == ',' ? s + 1 : s;
	return *s == ',' && s[1] == '\0' ? -EINVAL : 0; /* no trailing comma */
}

int
ctl_quorum_record_parse(const char *s, struct ctl_quorum_record *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (parse_epoch(s, &out->epoch, &s) != 0)
		return bad(why, whylen, "expected <epoch>,<index>:<signature>,...");
	while (*s != '\0') {
		struct ctl_quorum_vote_sig *v;

		if (out->n == CTL_QUORUM_VALIDATORS) {
			snprintf(why, whylen, "more than %d signatures", CTL_QUORUM_VALIDATORS);
			return -EINVAL;
		}
		v = &out->v[out->n];
		if (parse_vote(s, v, &s) != 0) {
			snprintf(why, whylen,
				 "bad quorum record: vote %zu: expected <index 0-9>:<signature "
				 "hex128>",
				 out->n + 1);
			return -EINVAL;
		}
		if (out->n > 0 && v->index == v[-1].index) {
			snprintf(why, whylen, "duplicate validator index %u", v->index);
			return -EINVAL;
		}
		if (out->n > 0 && v->index < v[-1].index) {
			snprintf(why, whylen, "validator indices not ascending (%u after %u)",
				 v->index, v[-1].index);
			return -EINVAL;
		}
		out->n++;
	}
	if (out->n < CTL_QUORUM_VOTES_NEEDED) {
		snprintf(why, whylen, "%zu signatures, %d needed", out->n, CTL_QUORUM_VOTES_NEEDED);
		return -EINVAL;
	}
	return 0;
}

int
ctl_quorum_record_format(const struct ctl_quorum_record *rec, char *out, size_t outlen)
{
	int w = snprintf(out, outlen, "%" PRIu64, rec->epoch);
	size_t at = (size_t)w;

	for (size_t i = 0; i < rec->n && at < outlen; i++) {
		char hex[2 * CTL_QUORUM_SIG + 1];

		sodium_bin2hex(hex, sizeof(hex), rec->v[i].sig, CTL_QUORUM_SIG);
		w = snprintf(out + at, outlen - at, ",%u:%s", rec->v[i].index, hex);
		at += (size_t)w;
	}
	return at < outlen ? 0 : -ENOSPC;
}

int
ctl_quorum_record_verify(const struct ctl_quorum_record *rec, const struct ctl_quorum *q,
			 enum ctl_quorum_change change, const uint8_t key[32], char *why,
			 size_t whylen)
{
	uint8_t msg[CTL_QUORUM_VOTE_MSG];
	char hex[17];

	sodium_bin2hex(hex, sizeof(hex), key, 8);
	if (ctl_quorum_worker_index(q, key) < 0) {
		snprintf(why, whylen, "node %s is not a worker of the quorum of epoch %" PRIu64,
			 hex, rec->epoch);
		return -EINVAL;
	}
	ctl_quorum_vote_message(msg, change, key, rec->epoch);
	for (size_t i = 0; i < rec->n; i++) {
		const struct ctl_quorum_vote_sig *v = &rec->v[i];

		if (v->index >= q->nv) {
			snprintf(why, whylen,
				 "validator index %u, but the quorum of epoch %" PRIu64 " has %u",
				 v->index, rec->epoch, q->nv);
			return -EINVAL;
		}
		if (crypto_sign_verify_detached(v->sig, msg, sizeof(msg),
						q->validators[v->index]) != 0) {
			snprintf(why, whylen, "signature of validator %u does not verify",
				 v->index);
			return -EINVAL;
		}
	}
	return 0;
}
