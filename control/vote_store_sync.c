/* SPDX-License-Identifier: MIT */
/* Between the vote store's records and the running ctl_vote / ctl_randao (vote_store.h). */
#include "vote_store.h"

#include <string.h>

void
ctl_vote_store_collect(struct ctl_vote_store *st, const struct ctl_vote *v,
		       const struct ctl_randao *r)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < CTL_VOTE_SLOTS; i++) {
		const struct ctl_vote_slot *s = &v->slots[i];
		const struct ctl_quorum *q = !s->used					? NULL
					     : v->cur.valid && v->cur.epoch == s->epoch ? &v->cur
											: &v->prev;
		int me = q != NULL ? ctl_quorum_validator_index(q, v->conf.id.ed25519_pk) : -1;
		struct ctl_vote_store_vote *o = &st->v[st->nv];

		if (me < 0 || q->epoch != s->epoch || !(s->have & (1u << me)))
			continue; /* only this node's own signatures */
		o->change = s->change;
		o->index = (uint8_t)me;
		o->epoch = s->epoch;
		memcpy(o->worker, s->worker, 32);
		memcpy(o->sig, s->sig[me], CTL_QUORUM_SIG);
		st->nv++;
	}
	for (size_t i = 0; i < 2; i++)
		if (r->slot[i].have)
			st->s[st->ns++] = r->slot[i];
}

void
ctl_vote_store_restore(const struct ctl_vote_store *st, struct ctl_vote *v, struct ctl_randao *r,
		       const struct ctl_registry *reg, size_t *kept, size_t *stale)
{
	*kept = *stale = 0;
	for (size_t i = 0; i < st->nv; i++) {
		const struct ctl_vote_store_vote *o = &st->v[i];
		int rc = ctl_vote_restore(v, o->change, o->epoch, o->worker, o->index, o->sig);

		*kept += rc == 0;
		*stale += rc != 0;
	}
	for (size_t i = 0; i < st->ns; i++) {
		int rc = ctl_randao_restore(r, reg, &st->s[i]);

		*kept += rc == 0;
		*stale += rc != 0;
	}
}
