/* SPDX-License-Identifier: MIT */
/*
 * The registry swarm view (see swarm_view_registry.h). Every load turns the
 * replayed state into a layout the RPC can ask without allocating: the
 * sorted swarm ids and each swarm's members as get_swarm reports them. A
 * reload builds the new layout before it drops the old one, and the RPC only
 * borrows members for the length of one synchronous call, so swapping in the
 * timer callback is safe.
 */
#include "swarm_view_registry.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "registry_source.h"
#include "swarm_assign.h"
#include "swarm_space.h"

_Static_assert(SWARM_ID_UNASSIGNED == CTL_SWARM_VIEW_NO_SWARM, "one value for 'no swarm'");

/* The swarms of one state, ready for lookups. */
struct layout {
	uint64_t *ids;			/* ascending, n of them */
	size_t *first;			/* swarm i's members: [first[i], first[i + 1]) */
	struct ctl_swarm_node *members; /* grouped by swarm, ascending Ed25519 inside */
	size_t n;
	uint64_t self_swarm; /* CTL_SWARM_VIEW_NO_SWARM when this node is in none */
};

/* A layout a reload replaced, and the height of the block that replaced it. */
struct past {
	struct layout lay;
	uint64_t replaced_at;
};

struct regview {
	struct ctl_registry_source src;
	bool was_down; /* the source's Redis did not answer at the last look */
	struct layout lay;
	struct past past[CTL_SWARM_VIEW_PAST_LAYOUTS]; /* newest first */
	size_t n_past;
	uint8_t self[32];
	uint16_t https_port;
	struct event *timer;
	struct {
		ctl_swarm_view_reload_fn *fn; /* after each successful reload */
		void *arg;
	} on_reload[CTL_SWARM_VIEW_RELOAD_LISTENERS];
	size_t n_listeners;
	uint64_t reloads, errors;
	uint64_t refused_logged; /* assignments refused already reported */
};

/* A member to place: its swarm and its index in the key-sorted nodes. */
struct slot {
	uint64_t swarm;
	size_t node;
};

static int
by_swarm_then_key(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->swarm != y->swarm)
		return x->swarm < y->swarm ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static void
layout_free(struct layout *l)
{
	free(l->ids);
	free(l->first);
	free(l->members);
	memset(l, 0, sizeof(*l));
}

static void
member_of(const struct ctl_registry_node *nd, uint16_t https_port, struct ctl_swarm_node *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->ed25519, nd->ed25519, 32);
	memcpy(out->x25519, nd->x25519, 32);
	out->ip = nd->ip;
	out->port = nd->port;
	out->https_port = https_port;
}

/* Fills l from the sorted slots[0..k). */
static void
layout_fill(struct layout *l, const struct ctl_registry *reg, const struct slot *slots, size_t k,
	    uint16_t https_port)
{
	for (size_t i = 0; i < k; i++) {
		if (i == 0 || slots[i].swarm != slots[i - 1].swarm) {
			l->ids[l->n] = slots[i].swarm;
			l->first[l->n++] = i;
		}
		member_of(&reg->nodes[slots[i].node], https_port, &l->members[i]);
	}
	l->first[l->n] = k;
}

static int
layout_build(struct layout *l, const struct ctl_registry *reg, const uint8_t self[32],
	     uint16_t https_port)
{
	const struct ctl_registry_node *me = ctl_registry_find(reg, self);
	struct slot *slots = calloc(reg->n + 1, sizeof(*slots));
	size_t k = 0;

	memset(l, 0, sizeof(*l));
	l->ids = calloc(reg->n + 1, sizeof(*l->ids));
	l->first = calloc(reg->n + 2, sizeof(*l->first));
	l->members = calloc(reg->n + 1, sizeof(*l->members));
	if (slots == NULL || l->ids == NULL || l->first == NULL || l->members == NULL) {
		free(slots);
		layout_free(l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < reg->n; i++)
		if (reg->nodes[i].status == CTL_REGISTRY_ACTIVE &&
		    reg->nodes[i].swarm_id != SWARM_ID_UNASSIGNED)
			slots[k++] = (struct slot){reg->nodes[i].swarm_id, i};
	qsort(slots, k, sizeof(*slots), by_swarm_then_key);
	layout_fill(l, reg, slots, k, https_port);
	free(slots);
	/* an active node left unassigned (a refused assignment) is in no swarm:
	 * SWARM_ID_UNASSIGNED is CTL_SWARM_VIEW_NO_SWARM */
	l->self_swarm = me != NULL && me->status == CTL_REGISTRY_ACTIVE ? me->swarm_id
									: CTL_SWARM_VIEW_NO_SWARM;
	return 0;
}

/* The index of the swarm closest to pubkey's point; -ENOENT without swarms. */
static int
closest(const struct layout *l, const uint8_t *pubkey, size_t *idx)
{
	uint64_t id;
	size_t lo = 0, hi = l->n;

	if (l->n == 0 ||
	    snc_swarm_space_closest(l->ids, l->n, snc_swarm_space_point(pubkey), &id) != 0)
		return -ENOENT;
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->ids[mid] <= id)
			lo = mid;
		else
			hi = mid;
	}
	*idx = lo;
	return 0;
}

static int
reg_swarm_of(const void *impl, const uint8_t *pubkey, struct ctl_swarm *out)
{
	const struct layout *l = &((const struct regview *)impl)->lay;
	size_t i;

	if (closest(l, pubkey, &i) != 0)
		return -ENOENT;
	out->id = l->ids[i];
	out->nodes = &l->members[l->first[i]];
	out->n = l->first[i + 1] - l->first[i];
	return 0;
}

static bool
reg_serves(const void *impl, const uint8_t *pubkey)
{
	const struct layout *l = &((const struct regview *)impl)->lay;
	size_t i;

	return l->self_swarm != CTL_SWARM_VIEW_NO_SWARM && closest(l, pubkey, &i) == 0 &&
	       l->ids[i] == l->self_swarm;
}

static int
reg_swarm_of_node(const void *impl, const uint8_t ed25519[32], struct ctl_swarm *out)
{
	const struct layout *l = &((const struct regview *)impl)->lay;

	for (size_t i = 0; i < l->n; i++)
		for (size_t k = l->first[i]; k < l->first[i + 1]; k++)
			if (memcmp(l->members[k].ed25519, ed25519, 32) == 0) {
				out->id = l->ids[i];
				out->nodes = &l->members[l->first[i]];
				out->n = l->first[i + 1] - l->first[i];
				return 0;
			}
	return -ENOENT;
}

/* Node ed25519's place in l: true with its swarm's index in *sw. */
static bool
member_in(const struct layout *l, const uint8_t ed25519[32], size_t *sw)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = l->first[i]; k < l->first[i + 1]; k++)
			if (memcmp(l->members[k].ed25519, ed25519, 32) == 0) {
				*sw = i;
				return true;
			}
	return false;
}

static bool
past_live(const struct regview *rv, const struct past *p)
{
	uint64_t h = ctl_registry_source_state(&rv->src)->height;

	return h <= p->replaced_at + CTL_SWARM_VIEW_PAST_HEIGHTS;
}

static bool
reg_held_before(const void *impl, const uint8_t ed25519[32], const uint8_t *pubkey)
{
	const struct regview *rv = impl;

	for (size_t i = 0; i < rv->n_past; i++) {
		const struct past *p = &rv->past[i];
		size_t was, acct;

		if (!past_live(rv, p) || !member_in(&p->lay, ed25519, &was))
			continue;
		if (pubkey == NULL || (closest(&p->lay, pubkey, &acct) == 0 && acct == was))
			return true;
	}
	return false;
}

static bool
reg_knows_node(const void *impl, const uint8_t ed25519[32])
{
	return ctl_registry_find(ctl_registry_source_state(&((const struct regview *)impl)->src),
				 ed25519) != NULL;
}

static void
reg_free(void *impl)
{
	struct regview *rv = impl;

	if (rv->timer != NULL)
		event_free(rv->timer);
	layout_free(&rv->lay);
	for (size_t i = 0; i < rv->n_past; i++)
		layout_free(&rv->past[i].lay);
	ctl_registry_source_free(&rv->src);
	free(rv);
}

static const struct ctl_swarm_view_ops registry_ops = {
	.swarm_of = reg_swarm_of,
	.serves = reg_serves,
	.swarm_of_node = reg_swarm_of_node,
	.knows_node = reg_knows_node,
	.held_before = reg_held_before,
	.free = reg_free,
};

static struct regview *
impl_of(const struct ctl_swarm_view *v)
{
	return v != NULL && v->ops == &registry_ops ? v->impl : NULL;
}

/* One line per load; one more when blocks were refused since the last one. */
static void
log_summary(struct regview *rv, const char *verb)
{
	const struct ctl_registry *reg = ctl_registry_source_state(&rv->src);
	const char *name = ctl_registry_source_name(&rv->src);
	char self[40];

	if (rv->lay.self_swarm == CTL_SWARM_VIEW_NO_SWARM)
		snprintf(self, sizeof(self), "in no swarm");
	else
		snprintf(self, sizeof(self), "swarm %" PRIx64, rv->lay.self_swarm);
	ctl_log(CTL_LOG_NOTICE,
		"registry %s %s: block %" PRIu64 ", %zu nodes (%zu active), %zu swarms; this node: "
		"%s",
		name, verb, reg->height, reg->n, ctl_registry_count(reg, CTL_REGISTRY_ACTIVE),
		rv->lay.n, self);
	if (reg->refused > rv->refused_logged)
		ctl_log(CTL_LOG_WARNING,
			"registry %s: %" PRIu64 " swarm assignment(s) refused (fewer than 5 active "
			"nodes over several swarms), the last at block %" PRIu64 ": swarms kept",
			name, reg->refused, reg->refused_height);
	rv->refused_logged = reg->refused;
}

struct ctl_swarm_view *
ctl_swarm_view_registry_load(const char *path, const uint8_t self_ed25519[32], uint16_t https_port,
			     char *err, size_t errlen)
{
	struct ctl_swarm_view *v = calloc(1, sizeof(*v));
	struct regview *rv = calloc(1, sizeof(*rv));
	struct ctl_registry_spec spec;

	if (ctl_registry_spec_parse(path, &spec, err, errlen) != 0)
		goto fail;
	if (v == NULL || rv == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	memcpy(rv->self, self_ed25519, 32);
	rv->https_port = https_port;
	if (ctl_registry_source_load(&rv->src, &spec, err, errlen) != 0)
		goto fail;
	if (layout_build(&rv->lay, ctl_registry_source_state(&rv->src), rv->self, https_port) !=
	    0) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	v->ops = &registry_ops;
	v->impl = rv;
	log_summary(rv, "loaded");
	return v;
fail:
	if (rv != NULL)
		reg_free(rv);
	free(v);
	return NULL;
}

/* Same swarm ids and the same members in each (addresses may differ). */
static bool
same_swarms(const struct layout *a, const struct layout *b)
{
	if (a->n != b->n || a->self_swarm != b->self_swarm)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->ids[i] != b->ids[i] || a->first[i + 1] != b->first[i + 1])
			return false;
	for (size_t k = 0; k < a->first[a->n]; k++)
		if (memcmp(a->members[k].ed25519, b->members[k].ed25519, 32) != 0)
			return false;
	return true;
}

/* Before next replaces rv->lay: keeps rv->lay as a past layout when the swarms changed (the
 * oldest past one beyond CTL_SWARM_VIEW_PAST_LAYOUTS, and those older than
 * CTL_SWARM_VIEW_PAST_HEIGHTS, are dropped), else frees it. */
static void
keep_past(struct regview *rv, const struct layout *next)
{
	size_t k = 0;

	if (same_swarms(&rv->lay, next)) {
		layout_free(&rv->lay);
	} else {
		if (rv->n_past == CTL_SWARM_VIEW_PAST_LAYOUTS)
			layout_free(&rv->past[--rv->n_past].lay);
		memmove(rv->past + 1, rv->past, rv->n_past * sizeof(rv->past[0]));
		rv->past[0].lay = rv->lay;
		rv->past[0].replaced_at = ctl_registry_source_state(&rv->src)->height;
		rv->n_past++;
	}
	memset(&rv->lay, 0, sizeof(rv->lay));
	for (size_t i = 0; i < rv->n_past; i++)
		if (past_live(rv, &rv->past[i]))
			rv->past[k++] = rv->past[i];
		else
			layout_free(&rv->past[i].lay);
	rv->n_past = k;
}

/* A Redis source's outage is logged by the reload (once); its end here. */
static void
log_redis_state(struct regview *rv)
{
	bool down = ctl_registry_source_down(&rv->src);

	if (rv->was_down && !down)
		ctl_log(CTL_LOG_NOTICE, "registry %s: Redis answers again",
			ctl_registry_source_name(&rv->src));
	rv->was_down = down;
}

int
ctl_swarm_view_registry_check(struct ctl_swarm_view *v, bool *reloaded)
{
	struct regview *rv = impl_of(v);
	struct layout next;
	char err[512];
	bool changed;
	int rc;

	*reloaded = false;
	if (rv == NULL)
		return -EINVAL;
	rc = ctl_registry_source_reload(&rv->src, &changed, err, sizeof(err));
	log_redis_state(rv);
	if (rc != 0) {
		rv->errors++;
		ctl_log(CTL_LOG_ERR, "registry not reloaded: %s; keeping block %" PRIu64, err,
			ctl_registry_source_state(&rv->src)->height);
		return rc;
	}
	if (!changed)
		return 0;
	if (layout_build(&next, ctl_registry_source_state(&rv->src), rv->self, rv->https_port) !=
	    0) {
		/* the state moved on but the swarms did not: look again next time */
		ctl_registry_source_forget(&rv->src);
		rv->errors++;
		ctl_log(CTL_LOG_ERR, "registry %s: out of memory, keeping the previous swarms",
			ctl_registry_source_name(&rv->src));
		return -ENOMEM;
	}
	keep_past(rv, &next);
	rv->lay = next;
	rv->reloads++;
	*reloaded = true;
	log_summary(rv, "reloaded");
	for (size_t i = 0; i < rv->n_listeners; i++)
		rv->on_reload[i].fn(rv->on_reload[i].arg, ctl_registry_source_state(&rv->src));
	return 0;
}

int
ctl_swarm_view_registry_on_reload(struct ctl_swarm_view *v, ctl_swarm_view_reload_fn *fn, void *arg)
{
	struct regview *rv = impl_of(v);

	if (rv == NULL || fn == NULL)
		return -EINVAL;
	if (rv->n_listeners == CTL_SWARM_VIEW_RELOAD_LISTENERS)
		return -ENOSPC;
	rv->on_reload[rv->n_listeners].fn = fn;
	rv->on_reload[rv->n_listeners++].arg = arg;
	return 0;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	bool reloaded;

	(void)fd;
	(void)what;
	ctl_swarm_view_registry_check(arg, &reloaded); /* logs its own outcome */
}

int
ctl_swarm_view_registry_watch(struct ctl_swarm_view *v, struct event_base *base)
{
	struct regview *rv = impl_of(v);
	struct timeval tv = {CTL_SWARM_VIEW_REGISTRY_CHECK_MS / 1000,
			     (CTL_SWARM_VIEW_REGISTRY_CHECK_MS % 1000) * 1000};

	if (rv == NULL || rv->timer != NULL || base == NULL)
		return -EINVAL;
	rv->timer = event_new(base, -1, EV_PERSIST, on_timer, v);
	if (rv->timer == NULL)
		return -ENOMEM;
	if (event_add(rv->timer, &tv) != 0) {
		event_free(rv->timer);
		rv->timer = NULL;
		return -ENOMEM;
	}
	return 0;
}

const struct ctl_registry *
ctl_swarm_view_registry_state(const struct ctl_swarm_view *v)
{
	const struct regview *rv = impl_of(v);

	return rv != NULL ? ctl_registry_source_state(&rv->src) : NULL;
}

int
ctl_swarm_view_registry_info(const struct ctl_swarm_view *v,
			     struct ctl_swarm_view_registry_info *out)
{
	const struct regview *rv = impl_of(v);
	const struct ctl_registry *reg;

	if (rv == NULL)
		return -EINVAL;
	reg = ctl_registry_source_state(&rv->src);
	memset(out, 0, sizeof(*out));
	out->have_block = reg->have_block;
	out->height = reg->height;
	out->nodes = reg->n;
	out->active = ctl_registry_count(reg, CTL_REGISTRY_ACTIVE);
	out->swarms = rv->lay.n;
	out->self_swarm = rv->lay.self_swarm;
	out->reloads = rv->reloads;
	out->errors = rv->errors;
	out->past = rv->n_past;
	if (rv->src.kind == CTL_REGISTRY_SOURCE_REDIS) {
		out->incremental = rv->src.u.redis.incremental;
		out->full = rv->src.u.redis.full;
		out->redis_errors = rv->src.u.redis.redis_errors;
		out->outages = rv->src.u.redis.outages;
	} else {
		out->incremental = rv->src.u.file.incremental;
		out->full = rv->src.u.file.full;
	}
	return 0;
}
