/* SPDX-License-Identifier: MIT */
/*
 * Swarm view interface and its single-swarm implementation from a node list
 * file (see swarm_view.h). The parser is control's own: snode-control does
 * not link DPDK, so dataplane/node_table.c is not reused, but the format is
 * the same and so are the checks.
 */
#include "swarm_view.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct single {
	struct ctl_swarm_node *nodes; /* ascending by ed25519 */
	size_t n;
	bool member; /* this node is in the file */
};

int
ctl_swarm_view_swarm_of(const struct ctl_swarm_view *v, const uint8_t *pubkey,
			struct ctl_swarm *out)
{
	int rc = v->ops->swarm_of(v->impl, pubkey, out);

	if (rc != 0) {
		out->id = CTL_SWARM_VIEW_NO_SWARM;
		out->nodes = NULL;
		out->n = 0;
	}
	return rc;
}

bool
ctl_swarm_view_serves(const struct ctl_swarm_view *v, const uint8_t *pubkey)
{
	return v->ops->serves(v->impl, pubkey);
}

int
ctl_swarm_view_swarm_of_node(const struct ctl_swarm_view *v, const uint8_t ed25519[32],
			     struct ctl_swarm *out)
{
	int rc = v->ops->swarm_of_node(v->impl, ed25519, out);

	if (rc != 0) {
		out->id = CTL_SWARM_VIEW_NO_SWARM;
		out->nodes = NULL;
		out->n = 0;
	}
	return rc;
}

bool
ctl_swarm_view_knows_node(const struct ctl_swarm_view *v, const uint8_t ed25519[32])
{
	return v->ops->knows_node(v->impl, ed25519);
}

static bool
in_swarm(const struct ctl_swarm *sw, const uint8_t ed25519[32])
{
	for (size_t i = 0; i < sw->n; i++)
		if (memcmp(sw->nodes[i].ed25519, ed25519, 32) == 0)
			return true;
	return false;
}

bool
ctl_swarm_view_held_recently(const struct ctl_swarm_view *v, const uint8_t ed25519[32],
			     const uint8_t *self_ed25519, const uint8_t *pubkey)
{
	struct ctl_swarm sw;
	int rc = pubkey != NULL ? ctl_swarm_view_swarm_of(v, pubkey, &sw)
				: ctl_swarm_view_swarm_of_node(v, self_ed25519, &sw);

	if (rc == 0 && in_swarm(&sw, ed25519))
		return true;
	/* a past layout speaks only for a node still registered: a deregistered one may no
	 * longer hand over (push tombstones, revocations) for the layout's 60 blocks */
	return v->ops->held_before != NULL && ctl_swarm_view_knows_node(v, ed25519) &&
	       v->ops->held_before(v->impl, ed25519, pubkey);
}

void
ctl_swarm_view_free(struct ctl_swarm_view *v)
{
	if (v == NULL)
		return;
	v->ops->free(v->impl);
	free(v);
}

/* ---- single swarm ------------------------------------------------------ */

static int
single_swarm_of(const void *impl, const uint8_t *pubkey, struct ctl_swarm *out)
{
	const struct single *s = impl;

	(void)pubkey; /* one swarm: it is the closest to every point */
	if (s->n == 0)
		return -ENOENT;
	out->id = CTL_SWARM_VIEW_SINGLE_ID;
	out->nodes = s->nodes;
	out->n = s->n;
	return 0;
}

static bool
single_serves(const void *impl, const uint8_t *pubkey)
{
	(void)pubkey;
	return ((const struct single *)impl)->member;
}

static int
single_swarm_of_node(const void *impl, const uint8_t ed25519[32], struct ctl_swarm *out)
{
	const struct single *s = impl;

	for (size_t i = 0; i < s->n; i++)
		if (memcmp(s->nodes[i].ed25519, ed25519, 32) == 0)
			return single_swarm_of(impl, ed25519, out);
	return -ENOENT;
}

static bool
single_knows_node(const void *impl, const uint8_t ed25519[32])
{
	struct ctl_swarm sw;

	return single_swarm_of_node(impl, ed25519, &sw) == 0;
}

static void
single_free(void *impl)
{
	struct single *s = impl;

	free(s->nodes);
	free(s);
}

static const struct ctl_swarm_view_ops single_ops = {
	.swarm_of = single_swarm_of,
	.serves = single_serves,
	.swarm_of_node = single_swarm_of_node,
	.knows_node = single_knows_node,
	.free = single_free,
};

static int
by_ed25519(const void *a, const void *b)
{
	return memcmp(((const struct ctl_swarm_node *)a)->ed25519,
		      ((const struct ctl_swarm_node *)b)->ed25519, 32);
}

struct ctl_swarm_view *
ctl_swarm_view_single(const struct ctl_swarm_node *nodes, size_t n, const uint8_t self_ed25519[32],
		      char *err, size_t errlen)
{
	struct ctl_swarm_view *v;
	struct single *s;

	if ((nodes == NULL && n > 0) || self_ed25519 == NULL || n > CTL_SWARM_VIEW_NODES_MAX) {
		snprintf(err, errlen, "swarm view: no key, or more than %d nodes",
			 CTL_SWARM_VIEW_NODES_MAX);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	s = calloc(1, sizeof(*s));
	if (v == NULL || s == NULL || (s->nodes = calloc(n + 1, sizeof(*nodes))) == NULL) {
		free(v);
		free(s);
		snprintf(err, errlen, "swarm view: out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(s->nodes, nodes, n * sizeof(*nodes));
	s->n = n;
	qsort(s->nodes, n, sizeof(*nodes), by_ed25519);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && memcmp(s->nodes[i].ed25519, s->nodes[i - 1].ed25519, 32) == 0) {
			snprintf(err, errlen, "swarm view: duplicate node");
			single_free(s);
			free(v);
			return NULL;
		}
		if (memcmp(s->nodes[i].ed25519, self_ed25519, 32) == 0)
			s->member = true;
	}
	v->ops = &single_ops;
	v->impl = s;
	return v;
}

/* ---- node list file ---------------------------------------------------- */

static bool
hex32(const char *s, uint8_t out[32])
{
	size_t got = 0;
	const char *end = NULL;

	return strlen(s) == 64 && sodium_hex2bin(out, 32, s, 64, NULL, &got, &end) == 0 &&
	       got == 32 && end == s + 64;
}

/* "a.b.c.d:port" with a decimal port 1..65535. */
static bool
ip_port(char *s, uint32_t *ip, uint16_t *port)
{
	char *colon = strchr(s, ':');
	struct in_addr in;
	long p = 0;

	if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) > 5)
		return false;
	*colon = '\0';
	for (const char *d = colon + 1; *d != '\0'; d++) {
		if (*d < '0' || *d > '9')
			return false;
		p = p * 10 + (*d - '0');
	}
	if (inet_pton(AF_INET, s, &in) != 1 || p < 1 || p > 65535)
		return false;
	*ip = ntohl(in.s_addr);
	*port = (uint16_t)p;
	return true;
}

/* Six hex pairs separated by ':' (checked, not kept: get_swarm has no MAC). */
static bool
mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		bool colon = i % 3 == 2;
		if (colon ? s[i] != ':' : strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	}
	return true;
}

int
ctl_swarm_view_parse_line(const char *line, uint16_t https_port, struct ctl_swarm_node *node,
			  const char **why)
{
	char ed_s[80], x_s[80], addr_s[40], mac_s[40], extra[2];

	memset(node, 0, sizeof(*node));
	if (sscanf(line, "%79s %79s %39s %39s %1s", ed_s, x_s, addr_s, mac_s, extra) != 4)
		return (*why = "expected: ed25519 x25519 ip:port mac"), -EINVAL;
	if (!hex32(ed_s, node->ed25519) || !hex32(x_s, node->x25519))
		return (*why = "keys must be 64 hex characters"), -EINVAL;
	if (!ip_port(addr_s, &node->ip, &node->port))
		return (*why = "bad IPv4 address or port"), -EINVAL;
	if (!mac_ok(mac_s))
		return (*why = "bad MAC address"), -EINVAL;
	node->https_port = https_port;
	return 0;
}

/* Reads every node of f into *nodes; on error writes "path:line: why". */
static int
read_nodes(FILE *f, const char *path, uint16_t https_port, struct ctl_swarm_node *nodes, size_t *n,
	   char *err, size_t errlen)
{
	char line[CTL_SWARM_VIEW_LINE_MAX + 1];
	const char *why = NULL;
	int lineno = 0;

	*n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char *hash = strchr(line, '#');

		lineno++;
		if (len == CTL_SWARM_VIEW_LINE_MAX && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
				 CTL_SWARM_VIEW_LINE_MAX - 1);
			return -EINVAL;
		}
		if (hash != NULL)
			*hash = '\0';
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (*n == CTL_SWARM_VIEW_NODES_MAX) {
			snprintf(err, errlen, "%s:%d: more than %d nodes", path, lineno,
				 CTL_SWARM_VIEW_NODES_MAX);
			return -EINVAL;
		}
		if (ctl_swarm_view_parse_line(line, https_port, &nodes[*n], &why) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			return -EINVAL;
		}
		for (size_t i = 0; i < *n; i++)
			if (memcmp(nodes[i].ed25519, nodes[*n].ed25519, 32) == 0) {
				snprintf(err, errlen, "%s:%d: duplicate node", path, lineno);
				return -EINVAL;
			}
		(*n)++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		return -EIO;
	}
	return 0;
}

struct ctl_swarm_view *
ctl_swarm_view_load(const char *path, const uint8_t self_ed25519[32], uint16_t https_port,
		    char *err, size_t errlen)
{
	struct ctl_swarm_node *nodes;
	struct ctl_swarm_view *v = NULL;
	FILE *f;
	size_t n;

	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	nodes = calloc(CTL_SWARM_VIEW_NODES_MAX, sizeof(*nodes));
	if (nodes == NULL)
		snprintf(err, errlen, "%s: out of memory", path);
	else if (read_nodes(f, path, https_port, nodes, &n, err, errlen) == 0)
		v = ctl_swarm_view_single(nodes, n, self_ed25519, err, errlen);
	free(nodes);
	fclose(f);
	return v;
}
