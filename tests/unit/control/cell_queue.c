/* SPDX-License-Identifier: MIT */
#include "cell_queue.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

struct queued {
	int to;
	uint8_t from[32];
	uint8_t *cell;
	size_t len;
};

struct cell_queue {
	struct event *ev;
	cell_queue_deliver_fn *deliver;
	void *arg;
	size_t n, cap;
	struct queued q[];
};

static void
on_turn(evutil_socket_t fd, short what, void *arg)
{
	struct cell_queue *cq = arg;
	size_t n = cq->n; /* cells queued while delivering wait for the next turn */

	(void)fd;
	(void)what;
	for (size_t i = 0; i < n; i++) {
		cq->deliver(cq->arg, cq->q[i].to, cq->q[i].from, cq->q[i].cell, cq->q[i].len);
		free(cq->q[i].cell);
	}
	memmove(cq->q, cq->q + n, (cq->n - n) * sizeof(cq->q[0]));
	cq->n -= n;
}

struct cell_queue *
cell_queue_new(struct event_base *base, size_t cap, cell_queue_deliver_fn *deliver, void *arg)
{
	struct cell_queue *cq = calloc(1, sizeof(*cq) + cap * sizeof(cq->q[0]));

	if (cq == NULL)
		return NULL;
	cq->cap = cap;
	cq->deliver = deliver;
	cq->arg = arg;
	cq->ev = evtimer_new(base, on_turn, cq);
	if (cq->ev == NULL) {
		free(cq);
		return NULL;
	}
	return cq;
}

void
cell_queue_push(struct cell_queue *cq, int to, const uint8_t from[32], const uint8_t *cell,
		size_t len)
{
	struct timeval now = {0, 0};
	struct queued *e;

	assert_true(cq->n < cq->cap);
	e = &cq->q[cq->n];
	e->cell = malloc(len > 0 ? len : 1);
	assert_non_null(e->cell);
	memcpy(e->cell, cell, len);
	e->len = len;
	e->to = to;
	memcpy(e->from, from, 32);
	cq->n++;
	evtimer_add(cq->ev, &now);
}

size_t
cell_queue_len(const struct cell_queue *cq)
{
	return cq->n;
}

void
cell_queue_clear(struct cell_queue *cq)
{
	for (size_t i = 0; i < cq->n; i++)
		free(cq->q[i].cell);
	cq->n = 0;
}

void
cell_queue_free(struct cell_queue *cq)
{
	if (cq == NULL)
		return;
	cell_queue_clear(cq);
	event_free(cq->ev);
	free(cq);
}
