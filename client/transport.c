/* SPDX-License-Identifier: MIT */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "onion_req.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
scl_reply_cells_free(struct scl_reply_cells *rc)
{
	for (size_t i = 0; i < rc->cap; i++)
		free(rc->cell[i]);
	free(rc->cell);
	memset(rc, 0, sizeof(*rc));
}

/* Keeps a REPLY cell of our circuit; returns 1 when it was the LAST one. */
static int
keep_cell(struct scl_reply_cells *rc, const uint8_t *buf, size_t len, uint64_t label, size_t *last,
	  size_t *got)
{
	uint64_t l = 0;
	uint32_t seq;

	if (len != SCL_CELL_BYTES || buf[0] != DP_CELL_VERSION || buf[1] != DP_CELL_REPLY)
		return 0;
	for (int i = 0; i < 8; i++)
		l = l << 8 | buf[4 + i];
	seq = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 | (uint32_t)buf[14] << 8 | buf[15];
	if (l != label || seq >= SCL_REPLY_CELLS_MAX)
		return 0;
	if (seq >= rc->cap) {
		size_t cap = rc->cap == 0 ? 64 : rc->cap;
		uint8_t **v;

		while (cap <= seq)
			cap *= 2;
		v = realloc(rc->cell, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		memset(v + rc->cap, 0, (cap - rc->cap) * sizeof(*v));
		rc->cell = v;
		rc->cap = cap;
	}
	if (rc->cell[seq] != NULL)
		return 0; /* a duplicate */
	rc->cell[seq] = malloc(SCL_CELL_BYTES);
	if (rc->cell[seq] == NULL)
		return -1;
	memcpy(rc->cell[seq], buf, SCL_CELL_BYTES);
	(*got)++;
	if (buf[3] & DP_CELL_FLAG_LAST)
		*last = seq;
	return 0;
}

static int
send_cells(int fd, const struct sockaddr_in *to, const uint8_t *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (sendto(fd, cells + i * SCL_CELL_BYTES, SCL_CELL_BYTES, 0,
			   (const struct sockaddr *)to, sizeof(*to)) != SCL_CELL_BYTES)
			return -1;
		if (i % 32 == 31) /* a pause per burst: a software entry's queue is short */
			usleep(2000);
	}
	return 0;
}

static int
collect(int fd, uint64_t label, int timeout_ms, struct scl_reply_cells *rc, struct scl_error *err)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t last = SIZE_MAX, got = 0;
	uint8_t buf[2048];

	while (last == SIZE_MAX || got < last + 1) {
		int64_t left = deadline - now_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t len;

		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			return scl_fail(err, SCL_E_TIMEOUT,
					"no complete reply in %d ms (%zu cell(s))", timeout_ms,
					got);
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0 && errno != EINTR && errno != EAGAIN)
			return scl_fail(err, SCL_E_SYSTEM, "recv: %s", strerror(errno));
		if (len > 0 && keep_cell(rc, buf, (size_t)len, label, &last, &got) != 0)
			return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	}
	rc->n = last + 1;
	return 0;
}

int
scl_transport_exchange(uint32_t ip, uint16_t port, const uint8_t *cells, size_t n_cells,
		       uint64_t label, int timeout_ms, struct scl_reply_cells *rc,
		       struct scl_error *err)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	memset(rc, 0, sizeof(*rc));
	if (fd < 0)
		return scl_fail(err, SCL_E_SYSTEM, "socket: %s", strerror(errno));
	if (send_cells(fd, &to, cells, n_cells) != 0)
		ret = scl_fail(err, SCL_E_NO_ROUTE, "cannot send to the entry node: %s",
			       strerror(errno));
	else
		ret = collect(fd, label, timeout_ms, rc, err);
	close(fd);
	return ret;
}
