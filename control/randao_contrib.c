/* SPDX-License-Identifier: MIT */
/* This node's RANDAO commits and reveals (randao_contrib.h). */
#include "randao_contrib.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

void
ctl_randao_init(struct ctl_randao *r, const char *pending_path, const uint8_t pk[32],
		const uint8_t sk[64])
{
	memset(r, 0, sizeof(*r));
	snprintf(r->pending_path, sizeof(r->pending_path), "%s", pending_path);
	memcpy(r->pk, pk, 32);
	memcpy(r->sk, sk, 64);
}

void
ctl_randao_wipe(struct ctl_randao *r)
{
	sodium_memzero(r, sizeof(*r));
}

static int
append(const struct ctl_randao *r, const char *line, size_t len)
{
	int fd = open(r->pending_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, line, len); /* one write: a whole line or nothing */
	close(fd);
	return w == (ssize_t)len ? 0 : -EIO;
}

/* The node's commit of epoch e in the log, or NULL. */
static const struct ctl_registry_commit *
logged_commit(const struct ctl_registry_node *nd, uint64_t e)
{
	const struct ctl_registry_commit *c = &nd->commits[e % 2];

	return c->have && c->epoch == e ? c : NULL;
}

static void
commit(struct ctl_randao *r, uint64_t e)
{
	uint8_t hash[32], msg[CTL_REGISTRY_COMMIT_MSG], sig[64];
	char line[400], key[65], hh[65], sh[129];
	int n;
	struct ctl_randao_secret *s = &r->slot[e % 2];

	if (!s->have || s->epoch != e) {
		memset(s, 0, sizeof(*s));
		randombytes_buf(s->secret, sizeof(s->secret));
		s->have = true;
		s->epoch = e;
	}
	crypto_generichash(hash, sizeof(hash), s->secret, sizeof(s->secret), NULL, 0);
	ctl_registry_commit_message(msg, r->pk, e, hash);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), r->sk);
	sodium_bin2hex(key, sizeof(key), r->pk, 32);
	sodium_bin2hex(hh, sizeof(hh), hash, 32);
	sodium_bin2hex(sh, sizeof(sh), sig, 64);
	n = snprintf(line, sizeof(line), "commit %s * %s %s\n", key, hh, sh);
	if (append(r, line, (size_t)n) == 0) {
		s->committed = true;
		r->st.commits++;
	} else {
		r->st.failed++;
	}
}

static void
reveal(struct ctl_randao *r, uint64_t e)
{
	struct ctl_randao_secret *s = &r->slot[e % 2];
	char line[200], key[65], sec[65];
	int n;

	sodium_bin2hex(key, sizeof(key), r->pk, 32);
	sodium_bin2hex(sec, sizeof(sec), s->secret, 32);
	n = snprintf(line, sizeof(line), "reveal %s * %s\n", key, sec);
	sodium_memzero(sec, sizeof(sec));
	if (append(r, line, (size_t)n) == 0) {
		s->revealed = true;
		r->st.reveals++;
	} else {
		r->st.failed++;
	}
}

void
ctl_randao_on_registry(struct ctl_randao *r, const struct ctl_registry *reg)
{
	uint64_t eb = ctl_registry_epoch_blocks(reg), e, pos;
	const struct ctl_registry_node *nd = ctl_registry_find(reg, r->pk);
	const struct ctl_registry_commit *prev;

	if (!reg->have_block || eb < CTL_RANDAO_MIN_EPOCH_BLOCKS || nd == NULL)
		return;
	e = reg->height / eb;
	pos = reg->height % eb;
	/* the next block comes after the producer's delay: stay in the first half */
	if (pos * 2 >= eb)
		return;
	/* reveal last epoch's secret once its commit is in the log */
	prev = e > 0 ? logged_commit(nd, e - 1) : NULL;
	if (prev != NULL && !prev->revealed && r->slot[(e - 1) % 2].have &&
	    r->slot[(e - 1) % 2].epoch == e - 1 && !r->slot[(e - 1) % 2].revealed)
		reveal(r, e - 1);
	/* commit once per epoch while active */
	if (nd->status == CTL_REGISTRY_ACTIVE && logged_commit(nd, e) == NULL &&
	    !(r->slot[e % 2].have && r->slot[e % 2].epoch == e && r->slot[e % 2].committed))
		commit(r, e);
}
