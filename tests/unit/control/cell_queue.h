/* SPDX-License-Identifier: MIT */
/*
 * DIRECT cells between snode-control instances of one test process: a node's
 * send function pushes a cell for node `to`; the queue hands it to the test's
 * deliver function on the next turn of the event loop (as the dataplane would,
 * never re-entrantly). Cells pushed while delivering wait for the next turn.
 */
#ifndef CELL_QUEUE_H
#define CELL_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct cell_queue;

typedef void cell_queue_deliver_fn(void *arg, int to, const uint8_t from[32], const uint8_t *cell,
				   size_t len);

struct cell_queue *cell_queue_new(struct event_base *base, size_t cap,
				  cell_queue_deliver_fn *deliver, void *arg);
/* Queues a copy of cell (fails the test past cap cells). */
void cell_queue_push(struct cell_queue *q, int to, const uint8_t from[32], const uint8_t *cell,
		     size_t len);
size_t cell_queue_len(const struct cell_queue *q);
/* Drops every queued cell undelivered. */
void cell_queue_clear(struct cell_queue *q);
void cell_queue_free(struct cell_queue *q);

#endif
