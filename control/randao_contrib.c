/* SPDX-License-Identifier: MIT */
/* This node's RANDAO commits and reveals (randao_contrib.h). */
#include "randao_contrib.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
ctl_randao_init(struct ctl_randao *r, ctl_randao_submit_fn *submit, void *submit_arg,
		const uint8_t pk[32], const uint8_t sk[64])
{
	memset(r, 0, sizeof(*r));
	r->submit = submit;
	r->submit_arg = submit_arg;
	memcpy(r->pk, pk, 32);
	memcpy(r->sk, sk, 64);
}

void
ctl_randao_wipe(struct ctl_randao *r)
{
	sodium_memzero(r, sizeof(*r));
}

void
ctl_randao_set_persist(struct ctl_randao *r, ctl_randao_persist_fn *fn, void *arg)
{
	r->persist = fn;
	r->persist_arg = arg;
}

/* The node's commit of epoch e in the log, or NULL. */
static const struct ctl_registry_commit *
logged_commit(const struct ctl_registry_node *nd, uint64_t e)
{
	const struct ctl_registry_commit *c = &nd->commits[e % 2];

	return c->have && c->epoch == e ? c : NULL;
}

/* Queued for a block that is not past yet: wait for it. */
static bool
waiting(uint64_t queued_for, uint64_t next)
{
	return queued_for != 0 && queued_for >= next;
}

static void
commit(struct ctl_randao *r, uint64_t e, uint64_t next)
{
	struct ctl_randao_secret *s = &r->slot[e % 2];
	uint8_t hash[32], msg[CTL_REGISTRY_COMMIT_MSG], sig[64];
	char line[400], key[65], hh[65], sh[129];

	if (!s->have || s->epoch != e) {
		sodium_memzero(s, sizeof(*s));
		randombytes_buf(s->secret, sizeof(s->secret));
		s->have = true;
		s->epoch = e;
		/* on disk before anyone sees its hash: a restart must not lose a committed
		 * secret (its reveal would be missing) */
		if (r->persist != NULL && r->persist(r->persist_arg) != 0) {
			sodium_memzero(s, sizeof(*s));
			r->st.failed++;
			return;
		}
	}
	crypto_generichash(hash, sizeof(hash), s->secret, sizeof(s->secret), NULL, 0);
	ctl_registry_commit_message(msg, r->pk, e, hash);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), r->sk);
	sodium_bin2hex(key, sizeof(key), r->pk, 32);
	sodium_bin2hex(hh, sizeof(hh), hash, 32);
	sodium_bin2hex(sh, sizeof(sh), sig, 64);
	snprintf(line, sizeof(line), "commit %s %llu %s %s", key, (unsigned long long)next, hh, sh);
	if (r->submit(r->submit_arg, line) == 0) {
		s->commit_for = next;
		r->st.commits++;
	} else {
		r->st.failed++;
	}
}

static void
reveal(struct ctl_randao *r, struct ctl_randao_secret *s, uint64_t next)
{
	char line[200], key[65], sec[65];

	sodium_bin2hex(key, sizeof(key), r->pk, 32);
	sodium_bin2hex(sec, sizeof(sec), s->secret, 32);
	snprintf(line, sizeof(line), "reveal %s %llu %s", key, (unsigned long long)next, sec);
	sodium_memzero(sec, sizeof(sec));
	if (r->submit(r->submit_arg, line) == 0) {
		s->reveal_for = next;
		r->st.reveals++;
	} else {
		r->st.failed++;
	}
	sodium_memzero(line, sizeof(line));
}

void
ctl_randao_on_registry(struct ctl_randao *r, const struct ctl_registry *reg)
{
	uint64_t eb = ctl_registry_epoch_blocks(reg), next, e;
	const struct ctl_registry_node *nd = ctl_registry_find(reg, r->pk);
	const struct ctl_registry_commit *prev;
	struct ctl_randao_secret *ps;

	if (!reg->have_block || reg->height == UINT64_MAX || eb < CTL_RANDAO_MIN_EPOCH_BLOCKS ||
	    nd == NULL)
		return;
	next = reg->height + 1;
	e = next / eb;
	/* the producer may be a block late: stay in the first half of the epoch */
	if ((next % eb) * 2 >= eb)
		return;
	/* reveal last epoch's secret once its commit is in the log */
	prev = e > 0 ? logged_commit(nd, e - 1) : NULL;
	ps = e > 0 ? &r->slot[(e - 1) % 2] : NULL;
	if (prev != NULL && !prev->revealed && ps->have && ps->epoch == e - 1 &&
	    !waiting(ps->reveal_for, next))
		reveal(r, ps, next);
	/* commit once per epoch while active (again if its block came without it) */
	if (nd->status == CTL_REGISTRY_ACTIVE && logged_commit(nd, e) == NULL &&
	    !(r->slot[e % 2].have && r->slot[e % 2].epoch == e &&
	      waiting(r->slot[e % 2].commit_for, next)))
		commit(r, e, next);
}

int
ctl_randao_restore(struct ctl_randao *r, const struct ctl_registry *reg,
		   const struct ctl_randao_secret *s)
{
	const struct ctl_registry_node *nd = ctl_registry_find(reg, r->pk);
	uint64_t e = (reg->have_block ? reg->height + 1 : 1) / ctl_registry_epoch_blocks(reg);
	const struct ctl_registry_commit *c;
	uint8_t hash[32];

	if (nd == NULL || !s->have || s->epoch > e || s->epoch + 1 < e)
		return -ESTALE; /* its reveal could only land in epoch s->epoch + 1 */
	c = logged_commit(nd, s->epoch);
	if (c == NULL && s->epoch != e)
		return -ESTALE; /* never committed, and too late to */
	if (c != NULL) {
		crypto_generichash(hash, sizeof(hash), s->secret, sizeof(s->secret), NULL, 0);
		if (sodium_memcmp(hash, c->hash, 32) != 0)
			return -EINVAL;
		if (c->revealed)
			return -ESTALE;
	}
	r->slot[s->epoch % 2] = *s;
	return 0;
}
