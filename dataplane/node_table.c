/* SPDX-License-Identifier: MIT */
#include "node_table.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_mask.h"

static uint64_t
ed_key(const uint8_t ed[32])
{
	uint64_t k;

	memcpy(&k, ed, 8);
	return k | 1; /* never 0, the map's empty marker */
}

static uint64_t
addr_key(uint32_t ip, uint16_t port)
{
	return 1ull << 63 | (uint64_t)ip << 16 | port;
}

int
dp_node_table_init(struct dp_node_table *t, uint32_t cap, const uint8_t self_x25519_sk[32],
		   const uint8_t self_x25519_pk[32])
{
	uint32_t slots = 8;

	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap > (1u << 24))
		return -EINVAL;
	while (slots < 2 * cap)
		slots <<= 1;
	t->nodes = calloc(cap, sizeof(*t->nodes));
	if (t->nodes == NULL || dp_u64map_init(&t->by_ed, slots) != 0 ||
	    dp_u64map_init(&t->by_addr, slots) != 0) {
		dp_node_table_free(t);
		return -ENOMEM;
	}
	t->cap = cap;
	memcpy(t->self_sk, self_x25519_sk, 32);
	memcpy(t->self_pk, self_x25519_pk, 32);
	return 0;
}

void
dp_node_table_free(struct dp_node_table *t)
{
	if (t->nodes != NULL)
		sodium_memzero(t->nodes, (size_t)t->cap * sizeof(*t->nodes));
	free(t->nodes);
	dp_u64map_free(&t->by_ed);
	dp_u64map_free(&t->by_addr);
	sodium_memzero(t, sizeof(*t));
}

int
dp_node_table_add_keyed(struct dp_node_table *t, const uint8_t ed25519[32],
			const uint8_t x25519[32], const uint8_t link_key[32], uint32_t ip,
			uint16_t port, const uint8_t mac[6])
{
	struct dp_node *n;
	int rc;

	if (t->n == t->cap)
		return -ENOSPC;
	n = &t->nodes[t->n];
	rc = dp_u64map_put(&t->by_ed, ed_key(ed25519), t->n);
	if (rc != 0)
		return rc;
	rc = dp_u64map_put(&t->by_addr, addr_key(ip, port), t->n);
	if (rc != 0) {
		dp_u64map_del(&t->by_ed, ed_key(ed25519));
		return rc;
	}
	memcpy(n->ed25519, ed25519, 32);
	memcpy(n->x25519, x25519, 32);
	memcpy(n->link_key, link_key, 32);
	snc_mask_key_init(&n->link_pre, link_key);
	n->ip = ip;
	n->port = port;
	memcpy(n->mac, mac, 6);
	t->n++;
	return 0;
}

int
dp_node_table_add(struct dp_node_table *t, const uint8_t ed25519[32], const uint8_t x25519[32],
		  uint32_t ip, uint16_t port, const uint8_t mac[6])
{
	uint8_t link[32];
	int rc;

	if (t->n == t->cap)
		return -ENOSPC;
	rc = snc_cell_link_key(t->self_sk, t->self_pk, x25519, link);
	if (rc == 0)
		rc = dp_node_table_add_keyed(t, ed25519, x25519, link, ip, port, mac);
	sodium_memzero(link, sizeof(link));
	return rc;
}

const struct dp_node *
dp_node_by_ed25519(const struct dp_node_table *t, const uint8_t ed25519[32])
{
	uint32_t i;

	if (!dp_u64map_get(&t->by_ed, ed_key(ed25519), &i))
		return NULL;
	return memcmp(t->nodes[i].ed25519, ed25519, 32) == 0 ? &t->nodes[i] : NULL;
}

const struct dp_node *
dp_node_by_addr(const struct dp_node_table *t, uint32_t ip, uint16_t port)
{
	uint32_t i;

	return dp_u64map_get(&t->by_addr, addr_key(ip, port), &i) ? &t->nodes[i] : NULL;
}

static int
parse_hex32(const char *s, uint8_t out[32])
{
	size_t got = 0;
	const char *end = NULL;

	return strlen(s) == 64 && sodium_hex2bin(out, 32, s, 64, NULL, &got, &end) == 0 && got == 32
		       ? 0
		       : -1;
}

static int
parse_line(struct dp_node_table *t, char *line, const char **why)
{
	char ed_s[80], x_s[80], addr_s[40], mac_s[40], extra[2], *colon;
	uint8_t ed[32], x[32], mac[6];
	struct in_addr in;
	unsigned m[6];
	long port;
	int rc;

	if (sscanf(line, "%79s %79s %39s %39s %1s", ed_s, x_s, addr_s, mac_s, extra) != 4)
		return (*why = "expected: ed25519 x25519 ip:port mac"), -1;
	if (parse_hex32(ed_s, ed) != 0 || parse_hex32(x_s, x) != 0)
		return (*why = "keys must be 64 hex characters"), -1;
	colon = strchr(addr_s, ':');
	if (colon == NULL)
		return (*why = "address must be ip:port"), -1;
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (inet_pton(AF_INET, addr_s, &in) != 1 || port < 1 || port > 65535)
		return (*why = "bad IPv4 address or port"), -1;
	if (sscanf(mac_s, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return (*why = "bad MAC address"), -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	rc = dp_node_table_add(t, ed, x, ntohl(in.s_addr), (uint16_t)port, mac);
	if (rc == -EEXIST)
		*why = "duplicate node or address";
	else if (rc == -ENOSPC)
		*why = "too many nodes";
	else if (rc != 0)
		*why = "unusable X25519 key";
	return rc;
}

int
dp_node_table_load(struct dp_node_table *t, const char *path, char *err, size_t errlen)
{
	char line[512];
	const char *why = NULL;
	FILE *f = fopen(path, "r");
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#');
		lineno++;
		if (hash != NULL)
			*hash = '\0';
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (parse_line(t, line, &why) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			rc = -EINVAL;
			break;
		}
	}
	fclose(f);
	return rc;
}
