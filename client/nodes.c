/* SPDX-License-Identifier: MIT */
#include "nodes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "registry.h"
#include "swarm_space.h"

void
scl_nodes_init(struct scl_nodes *ns)
{
	ns->v = NULL;
	ns->n = 0;
}

void
scl_nodes_free(struct scl_nodes *ns)
{
	free(ns->v);
	scl_nodes_init(ns);
}

/* ns := the registry's known nodes (decommissioned ones without a swarm). */
static int
adopt_registry(struct scl_nodes *ns, const struct ctl_registry *r, struct scl_error *err)
{
	struct scl_node *v = r->n > 0 ? calloc(r->n, sizeof(*v)) : NULL;

	if (r->n > 0 && v == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < r->n; i++) {
		const struct ctl_registry_node *rn = &r->nodes[i];

		memcpy(v[i].ed25519, rn->ed25519, 32);
		memcpy(v[i].x25519, rn->x25519, 32);
		v[i].ip = rn->ip;
		v[i].port = rn->port;
		v[i].swarm = rn->status == CTL_REGISTRY_ACTIVE ? rn->swarm_id : SCL_SWARM_NONE;
	}
	free(ns->v);
	ns->v = v;
	ns->n = r->n;
	return 0;
}

int
scl_nodes_parse_registry(struct scl_nodes *ns, const char *name, const char *text, size_t len,
			 struct scl_error *err)
{
	struct ctl_registry r;
	/* state changes carry quorum records (up to 2047 bytes); the parser holds every
	 * other line to 511 */
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[160];
	size_t pos = 0, lineno = 0;
	int rc = 0;

	ctl_registry_init(&r);
	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (nl == NULL)
			rc = scl_fail(err, SCL_E_NODES, "%s:%zu: no newline at the end of the file",
				      name, lineno);
		else if (n >= CTL_REGISTRY_RECORD_LINE_MAX)
			rc = scl_fail(err, SCL_E_NODES, "%s:%zu: line longer than %d bytes", name,
				      lineno, CTL_REGISTRY_RECORD_LINE_MAX - 1);
		else if (memchr(text + pos, '\0', n) != NULL)
			rc = scl_fail(err, SCL_E_NODES, "%s:%zu: NUL byte in the line", name,
				      lineno);
		if (rc != 0)
			break;
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (ctl_registry_apply_line(&r, line, why, sizeof(why)) != 0)
			rc = scl_fail(err, SCL_E_NODES, "%s:%zu: %s", name, lineno, why);
		pos += n + 1;
	}
	if (rc == 0 && r.open)
		rc = scl_fail(err, SCL_E_NODES, "%s: events for height %llu have no block line",
			      name, (unsigned long long)r.open_height);
	if (rc == 0)
		rc = adopt_registry(ns, &r, err);
	ctl_registry_free(&r);
	return rc;
}

int
scl_nodes_load_registry(struct scl_nodes *ns, const char *path, struct scl_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t len;
	int rc;

	if (f == NULL)
		return scl_fail(err, SCL_E_NODES, "%s: %s", path, strerror(errno));
	buf = malloc(SCL_NODES_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	}
	len = fread(buf, 1, SCL_NODES_FILE_MAX + 1, f);
	if (ferror(f))
		rc = scl_fail(err, SCL_E_NODES, "%s: read error", path);
	else if (len > SCL_NODES_FILE_MAX)
		rc = scl_fail(err, SCL_E_NODES, "%s: larger than %d bytes", path,
			      SCL_NODES_FILE_MAX);
	else
		rc = scl_nodes_parse_registry(ns, path, buf, len, err);
	fclose(f);
	free(buf);
	return rc;
}

/* Index of the first node whose key is >= ed. */
static size_t
lower_bound(const struct scl_nodes *ns, const uint8_t ed[32])
{
	size_t lo = 0, hi = ns->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (memcmp(ns->v[mid].ed25519, ed, 32) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct scl_node *
scl_nodes_find(const struct scl_nodes *ns, const uint8_t ed25519[32])
{
	size_t i = lower_bound(ns, ed25519);

	return i < ns->n && memcmp(ns->v[i].ed25519, ed25519, 32) == 0 ? &ns->v[i] : NULL;
}

int
scl_nodes_add(struct scl_nodes *ns, const struct scl_node *node, struct scl_error *err)
{
	size_t i = lower_bound(ns, node->ed25519);
	struct scl_node *v;

	if (i < ns->n && memcmp(ns->v[i].ed25519, node->ed25519, 32) == 0) {
		ns->v[i] = *node;
		return 0;
	}
	if (ns->n >= SCL_NODES_MAX)
		return scl_fail(err, SCL_E_NODES, "more than %d nodes", SCL_NODES_MAX);
	v = realloc(ns->v, (ns->n + 1) * sizeof(*v));
	if (v == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	memmove(v + i + 1, v + i, (ns->n - i) * sizeof(*v));
	v[i] = *node;
	ns->v = v;
	ns->n++;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The distinct swarm ids of ns, ascending (malloc'd, *n of them). */
static uint64_t *
swarm_ids(const struct scl_nodes *ns, size_t *n)
{
	uint64_t *ids = malloc((ns->n + 1) * sizeof(*ids));
	size_t k = 0;

	if (ids == NULL)
		return NULL;
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].swarm != SCL_SWARM_NONE)
			ids[k++] = ns->v[i].swarm;
	qsort(ids, k, sizeof(*ids), cmp_u64);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || ids[*n - 1] != ids[i])
			ids[(*n)++] = ids[i];
	return ids;
}

int
scl_nodes_swarm_of(const struct scl_nodes *ns, const uint8_t pubkey[33], uint64_t *swarm,
		   size_t *idx, size_t cap, struct scl_error *err)
{
	size_t n_ids = 0, count = 0;
	uint64_t *ids = swarm_ids(ns, &n_ids);
	int rc;

	if (ids == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	rc = n_ids == 0 ? -1
			: snc_swarm_space_closest(ids, n_ids, snc_swarm_space_point(pubkey), swarm);
	free(ids);
	if (rc != 0)
		return scl_fail(err, SCL_E_NO_ROUTE, "no node is in a swarm: no swarm to ask");
	for (size_t i = 0; i < ns->n && count < cap; i++)
		if (ns->v[i].swarm == *swarm)
			idx[count++] = i;
	return (int)count;
}

/* One member of a swarm answer into node; false for a malformed entry. */
static bool
member_from_json(json_t *m, uint64_t swarm, struct scl_node *node)
{
	const char *ed = json_string_value(json_object_get(m, "pubkey_ed25519"));
	const char *x = json_string_value(json_object_get(m, "pubkey_x25519"));
	const char *ip = json_string_value(json_object_get(m, "ip"));
	json_int_t port = json_integer_value(json_object_get(m, "port_omq"));
	struct in_addr in;

	if (ed == NULL || x == NULL || ip == NULL || strlen(ed) != 64 || strlen(x) != 64 ||
	    sodium_hex2bin(node->ed25519, 32, ed, 64, NULL, NULL, NULL) != 0 ||
	    sodium_hex2bin(node->x25519, 32, x, 64, NULL, NULL, NULL) != 0 ||
	    inet_pton(AF_INET, ip, &in) != 1 || port < 1 || port > 65535)
		return false;
	node->ip = ntohl(in.s_addr);
	node->port = (uint16_t)port;
	node->swarm = swarm;
	return true;
}

/* Parses the answer into members (at most SCL_NODES_SWARM_MAX); count or -1. */
static int
parse_swarm_answer(json_t *root, uint64_t *swarm, struct scl_node *members)
{
	const char *id = json_string_value(json_object_get(root, "swarm"));
	json_t *snodes = json_object_get(root, "snodes");
	char *end = NULL;
	size_t i;
	json_t *m;

	if (id == NULL || !json_is_array(snodes) || *id == '\0' || strlen(id) > 16)
		return -1;
	errno = 0;
	*swarm = strtoull(id, &end, 16);
	if (errno != 0 || *end != '\0' || *swarm == SCL_SWARM_NONE ||
	    json_array_size(snodes) > SCL_NODES_SWARM_MAX)
		return -1;
	json_array_foreach(snodes, i, m)
	{
		if (!member_from_json(m, *swarm, &members[i]))
			return -1;
	}
	return (int)json_array_size(snodes);
}

int
scl_nodes_apply_swarm(struct scl_nodes *ns, const char *json, size_t len, struct scl_error *err)
{
	struct scl_node members[SCL_NODES_SWARM_MAX];
	json_t *root = json_loadb(json, len, 0, NULL);
	uint64_t swarm = 0;
	int n = root != NULL ? parse_swarm_answer(root, &swarm, members) : -1;

	json_decref(root);
	if (n < 0)
		return scl_fail(err, SCL_E_REPLY, "a swarm answer of an unexpected shape");
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].swarm == swarm)
			ns->v[i].swarm = SCL_SWARM_NONE;
	for (int i = 0; i < n; i++)
		if (scl_nodes_add(ns, &members[i], err) != 0)
			return -1;
	return n;
}
