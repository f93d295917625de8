/* SPDX-License-Identifier: MIT */
/*
 * Epochs, RANDAO commit-reveal and the quorum of each epoch
 * (docs/quorums.md). Like the rest of the replay this depends on the log
 * alone: reveals are hashed in key order, the quorum is drawn from the nodes
 * in key order.
 */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "registry_int.h"
#include "le64.h"

static const char COMMIT_DOMAIN[] = "snode-commit-v1"; /* 15 bytes */
static const char RANDAO_DOMAIN[] = "snode-randao-v1";

unsigned
ctl_registry_stest_pairs(const struct ctl_registry *r, unsigned own)
{
	return r != NULL && r->stest_pairs != 0 ? (unsigned)r->stest_pairs : own;
}

uint64_t
ctl_registry_epoch_blocks(const struct ctl_registry *r)
{
	return r->epoch_blocks != 0 ? r->epoch_blocks : CTL_QUORUM_EPOCH_BLOCKS_DEFAULT;
}

uint64_t
ctl_registry_epoch_of(const struct ctl_registry *r, uint64_t height)
{
	return height / ctl_registry_epoch_blocks(r);
}

const struct ctl_quorum *
ctl_registry_quorum(const struct ctl_registry *r, uint64_t epoch)
{
	if (r->ep.cur.valid && r->ep.cur.epoch == epoch)
		return &r->ep.cur;
	if (r->ep.prev.valid && r->ep.prev.epoch == epoch)
		return &r->ep.prev;
	return NULL;
}

void
ctl_registry_commit_message(uint8_t out[CTL_REGISTRY_COMMIT_MSG], const uint8_t key[32],
			    uint64_t epoch, const uint8_t hash[32])
{
	size_t d = sizeof(COMMIT_DOMAIN) - 1;

	memcpy(out, COMMIT_DOMAIN, d);
	memcpy(out + d, key, 32);
	ctl_le64_put(out + d + 32, epoch);
	memcpy(out + d + 40, hash, 32);
}

/* The commit of this epoch in a node's slots, or NULL. */
static struct ctl_registry_commit *
commit_of(struct ctl_registry_node *nd, uint64_t epoch)
{
	struct ctl_registry_commit *c = &nd->commits[epoch % 2];

	return c->have && c->epoch == epoch ? c : NULL;
}

/* The reveals made in epoch q - 1 (of commits of q - 2), hashed in key
 * order; false when there is none. */
static bool
randao_seed(struct ctl_registry *r, uint64_t q, uint8_t seed[32])
{
	crypto_generichash_state h;
	uint8_t e[8];
	size_t count = 0;

	if (q < 2)
		return false;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const uint8_t *)RANDAO_DOMAIN, sizeof(RANDAO_DOMAIN) - 1);
	ctl_le64_put(e, q);
	crypto_generichash_update(&h, e, sizeof(e));
	for (size_t i = 0; i < r->n; i++) {
		struct ctl_registry_commit *c = commit_of(&r->nodes[i], q - 2);

		if (c == NULL || !c->revealed)
			continue;
		crypto_generichash_update(&h, r->nodes[i].ed25519, 32);
		crypto_generichash_update(&h, c->secret, 32);
		count++;
	}
	crypto_generichash_final(&h, seed, 32);
	return count > 0;
}

/* The obligations quorum of epoch q from the nodes as they are now. */
static void
draw(const struct ctl_registry *r, uint64_t q, const uint8_t seed[32], struct ctl_quorum *out)
{
	uint16_t list[CTL_QUORUM_LIST_MAX], idx[CTL_QUORUM_LIST_MAX];
	size_t na = 0, nd = 0, nv, nw;

	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].status == CTL_REGISTRY_ACTIVE)
			list[na++] = (uint16_t)i;
	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].status == CTL_REGISTRY_DECOMMISSIONED)
			list[na + nd++] = (uint16_t)i;
	memset(out, 0, sizeof(*out));
	out->valid = true;
	out->epoch = q;
	memcpy(out->seed, seed, 32);
	/* na + nd <= CTL_REGISTRY_NODES_MAX == CTL_QUORUM_LIST_MAX: cannot fail */
	(void)ctl_quorum_shuffle(na, nd, ctl_quorum_seed64(seed), idx);
	ctl_quorum_sizes(na, nd, &nv, &nw);
	out->nv = (uint8_t)nv;
	out->nw = (uint8_t)nw;
	for (size_t i = 0; i < nv; i++)
		memcpy(out->validators[i], r->nodes[list[idx[i]]].ed25519, 32);
	for (size_t i = 0; i < nw; i++)
		memcpy(out->workers[i], r->nodes[list[idx[nv + i]]].ed25519, 32);
}

void
ctl_registry_enter_epoch(struct ctl_registry *r, uint64_t height)
{
	uint64_t q = ctl_registry_epoch_of(r, height);
	uint8_t seed[32] = {0};

	if (r->ep.have && q <= r->ep.epoch)
		return; /* this epoch (or an out-of-order line the height checks refuse) */
	if (r->ep.have && q == r->ep.epoch + 1 && randao_seed(r, q, seed)) {
		r->randao_seeds++;
	} else if (r->have_block) {
		memcpy(seed, r->hash, 32); /* fallback: the last block's hash */
	}
	r->ep.prev = r->ep.cur;
	draw(r, q, seed, &r->ep.cur);
	r->ep.have = true;
	r->ep.epoch = q;
}

int
ctl_registry_apply_commit(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
			  size_t whylen)
{
	struct ctl_registry_node *nd = ctl_registry_node_mut(r, ev->key);
	uint64_t e = ctl_registry_epoch_of(r, ev->height);
	uint8_t msg[CTL_REGISTRY_COMMIT_MSG];
	struct ctl_registry_commit *c;
	char hex[17];

	ctl_registry_short_key(ev->key, hex);
	if (nd == NULL || nd->status != CTL_REGISTRY_ACTIVE) {
		snprintf(why, whylen, "commit: node %s is not active", hex);
		return -EINVAL;
	}
	if (commit_of(nd, e) != NULL) {
		snprintf(why, whylen, "commit: node %s already committed in epoch %" PRIu64, hex,
			 e);
		return -EINVAL;
	}
	ctl_registry_commit_message(msg, ev->key, e, ev->hash);
	if (crypto_sign_verify_detached(ev->sig, msg, sizeof(msg), ev->key) != 0) {
		snprintf(why, whylen, "commit: signature of node %s does not verify", hex);
		return -EINVAL;
	}
	c = &nd->commits[e % 2];
	memset(c, 0, sizeof(*c));
	c->have = true;
	c->epoch = e;
	memcpy(c->hash, ev->hash, 32);
	r->commits++;
	return 0;
}

int
ctl_registry_apply_reveal(struct ctl_registry *r, const struct ctl_registry_event *ev, char *why,
			  size_t whylen)
{
	struct ctl_registry_node *nd = ctl_registry_node_mut(r, ev->key);
	uint64_t e = ctl_registry_epoch_of(r, ev->height);
	struct ctl_registry_commit *c = NULL;
	uint8_t h[32];
	char hex[17];

	ctl_registry_short_key(ev->key, hex);
	if (nd != NULL && e > 0)
		c = commit_of(nd, e - 1);
	if (c == NULL) {
		snprintf(why, whylen, "reveal: node %s has no commit in the epoch before", hex);
		return -EINVAL;
	}
	if (c->revealed) {
		snprintf(why, whylen, "reveal: node %s already revealed", hex);
		return -EINVAL;
	}
	crypto_generichash(h, sizeof(h), ev->hash, 32, NULL, 0);
	if (sodium_memcmp(h, c->hash, 32) != 0) {
		snprintf(why, whylen, "reveal: the secret does not match node %s's commit", hex);
		return -EINVAL;
	}
	memcpy(c->secret, ev->hash, 32);
	c->revealed = true;
	r->reveals++;
	return 0;
}
