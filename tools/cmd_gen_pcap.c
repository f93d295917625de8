/* SPDX-License-Identifier: MIT */
/*
 * snode-tool gen-pcap: a pcap of client traffic for one node under test (the
 * target), which Pktgen-DPDK replays (deploy/pktgen/README.md) and
 * snode-dataplane reads in software mode (net_pcap). Every CREATE carries a
 * real Session onion whose first layer is the target's and whose later hops
 * are other nodes of the table, so the target does the whole work of a live
 * cell (X25519, KDF, AEAD, route JSON, circuit, re-mask) and relays it; DATA
 * cells can follow their CREATE; a chosen share is garbage for the drop
 * paths. The same --seed gives the same bytes: every random choice, key and
 * nonce comes from one ChaCha20 stream keyed by the seed. Frames are written
 * as they are made (one cell in memory), to a temporary file renamed at the end.
 * Medium and large cells are written as the IPv4 fragments a 1500-byte link
 * carries (one record each), as the dataplane and the kernel send them.
 */
#include "cmd_gen_pcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aead.h"
#include "cell.h"
#include "cell_mask.h"
#include "data_cell.h"
#include "kdf.h"
#include "node_table.h"
#include "onion_layer.h"
#include "payload.h"
#include "tool.h"
#include "x25519.h"

static const char gp_cmd[] = "gen-pcap";
static const uint32_t gp_pcap_magic = 0xa1b2c3d4; /* pcap, microsecond timestamps */

enum {
	GP_COUNT_MAX = 1000000,	     /* frames: Pktgen holds the whole pcap in mbufs */
	GP_CLIENTS_MAX = 1 << 20,    /* distinct client addresses */
	GP_HOPS_MAX = 3,	     /* a Session path: entry, middle, destination */
	GP_DATA_MAX = 1000,	     /* DATA cells after one CREATE (1.1 MB of request) */
	GP_NODES_MAX = 1 << 16,	     /* node table lines, as snode-dataplane's table */
	GP_HDRS = 14 + 20 + 8,	     /* bytes: Ethernet + IPv4 + UDP before the cell */
	GP_NOT_CELL_LEN = 100,	     /* bytes of a not-a-cell datagram's payload */
	GP_BUF = 2048,		     /* bytes: an onion layer of one small cell, and headroom */
	GP_RNG_BLOCK = 512,	     /* bytes of keystream per ChaCha20 call */
	GP_ENC_MIX = 3,		     /* --enc mix: aes-gcm and xchacha20 by turns */
	GP_PORT_FIRST = 1024,	     /* client source ports: 1024..65535 */
	GP_GARBAGE_KINDS = 3,	     /* bad_version, bad_mac, not_cell, by turns */
	GP_DISCARD_PORT = 9,	     /* where not-a-cell datagrams go */
	GP_LINKTYPE_ETHERNET = 1,    /* pcap LINKTYPE_ETHERNET */
	GP_PCAP_SNAPLEN = 65535,     /* bytes */
	GP_DEFAULT_COUNT = 10000,    /* frames */
	GP_DEFAULT_CLIENTS = 1024,   /* addresses */
	GP_MAC_TEXT = 17,	     /* "aa:bb:cc:dd:ee:ff" */
	GP_JSON_MAX = 256,	     /* bytes of one hop's routing JSON */
	GP_PCAP_RECORD = 16,	     /* bytes of a pcap record header */
	GP_PCAP_FILE_HDR = 24,	     /* bytes of the pcap file header */
	GP_USEC = 1000000,	     /* microseconds per second (record timestamps) */
	GP_LABEL_FALLBACK = 1,	     /* a label drawn as 0 becomes 1 (0 is not a circuit) */
	GP_TTL = 64,		     /* IPv4 TTL of every frame */
	GP_IPV4_DF = 0x4000,	     /* IPv4 don't-fragment flag */
	GP_ETHERTYPE_IPV4 = 0x0800,  /* Ethernet type */
	GP_IPPROTO_UDP = 17,	     /* IPv4 protocol */
	GP_BAD_VERSION_DEFAULT = 0,  /* a drawn version of 1 becomes 0 */
	GP_HEX32 = 65,		     /* hex of 32 bytes with its NUL */
	GP_PORT_SPAN = 65536 - 1024, /* ports 1024..65535 */
	GP_CLIENT_IP = 0x64400001,   /* 100.64.0.1: shared address space, never a node's */
	GP_MTU = 1500,		     /* IP bytes per frame: bigger cells go as fragments */
	GP_FRAG_PAYLOAD = 1480,	     /* IP payload bytes per fragment at GP_MTU (8-aligned) */
	GP_IPV4_MF = 0x2000,	     /* IPv4 more-fragments flag */
};

/* The destination's RPC body. With DATA cells the CREATE carries the head, the
 * DATA cells the padding and the tail, so the whole request stays valid JSON. */
static const char gp_body_full[] = "{\"method\":\"info\",\"params\":{}}";
static const char gp_body_head[] = "{\"method\":\"info\",\"params\":{\"pad\":\"";
static const char gp_body_tail[] = "\"}}";

struct gp_opts {
	const char *nodes, *target_hex, *out;
	unsigned long count, clients, hops, data_per;
	double garbage_pct;
	int enc; /* enum snc_enc_type, or GP_ENC_MIX */
	uint8_t seed[32];
	uint32_t client_ip; /* first client address, host order */
	uint8_t src_mac[6];
	uint8_t cls; /* size class of the valid cells (garbage stays small) */
};

/* A keystream: ChaCha20-IETF under a key derived from the seed, block by block. */
struct gp_rng {
	uint8_t key[crypto_stream_chacha20_ietf_KEYBYTES];
	uint64_t block;
	uint8_t buf[GP_RNG_BLOCK];
	size_t pos;
};

/* One client circuit: the onion's keys as the client knows them. */
struct gp_circuit {
	const struct dp_node *path[GP_HOPS_MAX]; /* path[0] is the target */
	uint32_t hops;
	enum snc_enc_type type;
	uint8_t eph_pk[32];	     /* the entry layer's ephemeral key */
	uint8_t dh[32];		     /* X25519 with the target: masks the CREATE */
	uint8_t kf[GP_HOPS_MAX][32]; /* DATA keys per hop, entry first */
	uint8_t blob[GP_BUF];	     /* the entry layer's ciphertext */
	size_t blob_len;
	uint64_t label;
	uint32_t client;
	uint32_t seq;	    /* next DATA seq */
	uint32_t data_left; /* DATA cells still to send */
};

struct gp_counts {
	uint64_t create, more, data, bad_version, bad_mac, not_cell;
};

struct gp_ctx {
	struct gp_opts o;
	struct gp_rng rng;
	uint8_t port_key[crypto_shorthash_KEYBYTES];
	struct dp_node_table table;
	bool table_ready;
	const struct dp_node *target;
	uint32_t *others; /* indexes of the nodes besides the target */
	uint32_t n_others;
	uint64_t garbage_total, valid_total, circuits, bytes;
	uint64_t records;	   /* pcap records: frames and fragments */
	struct gp_circuit cur;	   /* the circuit whose DATA cells are being sent */
	struct gp_circuit scratch; /* a bad-MAC CREATE's */
	struct gp_counts n;
	FILE *f;
	uint8_t frame[GP_HDRS + DP_CELL_LARGE];
	uint8_t payload[DP_CELL_LARGE]; /* a DATA cell's payload being sealed */
	uint8_t piece[14 + GP_MTU];	/* one fragment of a frame */
};

static const struct option gp_long_opts[] = {
	{"nodes", required_argument, NULL, 'n'},
	{"target", required_argument, NULL, 't'},
	{"out", required_argument, NULL, 'o'},
	{"count", required_argument, NULL, 'c'},
	{"clients", required_argument, NULL, 'C'},
	{"hops", required_argument, NULL, 'h'},
	{"garbage-share", required_argument, NULL, 'g'},
	{"data-per-create", required_argument, NULL, 'D'},
	{"enc", required_argument, NULL, 'e'},
	{"class", required_argument, NULL, 'k'},
	{"seed", required_argument, NULL, 's'},
	{"client-ip", required_argument, NULL, 'i'},
	{"src-mac", required_argument, NULL, 'm'},
	{NULL, 0, NULL, 0},
};

/* ---- command line ---- */

static int
parse_ulong(const char *flag, const char *s, unsigned long min, unsigned long max,
	    unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = s[0] >= '0' && s[0] <= '9' ? strtoul(s, &end, 10) : 0;
	if (end == NULL || *end != '\0' || errno != 0 || v < min || v > max)
		return tool_usage_error(gp_cmd, "%s expects %lu..%lu, not '%s'", flag, min, max, s);
	*out = v;
	return 0;
}

static int
parse_pct(const char *s, double *out)
{
	char *end = NULL;
	double v = (s[0] >= '0' && s[0] <= '9') || s[0] == '.' ? strtod(s, &end) : NAN;

	if (end == NULL || *end != '\0' || !isfinite(v) || v < 0 || v > 100)
		return tool_usage_error(gp_cmd,
					"--garbage-share expects a percentage 0..100, not '%s'", s);
	*out = v;
	return 0;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];
	char tail;

	if (strlen(s) != GP_MAC_TEXT || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2],
					       &m[3], &m[4], &m[5], &tail) != 6)
		return tool_usage_error(gp_cmd, "--src-mac expects aa:bb:cc:dd:ee:ff, not '%s'", s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

static int
parse_enc(const char *s, int *out)
{
	if (strcmp(s, "mix") == 0) {
		*out = GP_ENC_MIX;
		return 0;
	}
	if (strcmp(s, "aes-gcm") == 0 || strcmp(s, "gcm") == 0)
		*out = SNC_ENC_AES_GCM;
	else if (strcmp(s, "xchacha20") == 0 || strcmp(s, "xchacha20-poly1305") == 0)
		*out = SNC_ENC_XCHACHA20;
	else
		return tool_usage_error(gp_cmd, "--enc expects aes-gcm, xchacha20 or mix, not '%s'",
					s);
	return 0;
}

static int
parse_class(const char *s, uint8_t *out)
{
	static const char *const names[] = {"small", "medium", "large"};

	for (uint8_t i = 0; i < DP_CELL_CLASS_COUNT; i++)
		if (strcmp(s, names[i]) == 0)
			return (*out = i), 0;
	return tool_usage_error(gp_cmd, "--class expects small, medium or large, not '%s'", s);
}

static int
parse_ip(const char *s, uint32_t *out)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1 || in.s_addr == 0)
		return tool_usage_error(gp_cmd,
					"--client-ip expects a non-zero IPv4 address, not '%s'", s);
	*out = ntohl(in.s_addr);
	return 0;
}

static int
take_opt(struct gp_opts *o, int c, const char *v, bool *seeded)
{
	switch (c) {
	case 'n':
		o->nodes = v;
		return 0;
	case 't':
		o->target_hex = v;
		return 0;
	case 'o':
		o->out = v;
		return 0;
	case 'c':
		return parse_ulong("--count", v, 1, GP_COUNT_MAX, &o->count);
	case 'C':
		return parse_ulong("--clients", v, 1, GP_CLIENTS_MAX, &o->clients);
	case 'h':
		return parse_ulong("--hops", v, 1, GP_HOPS_MAX, &o->hops);
	case 'D':
		return parse_ulong("--data-per-create", v, 0, GP_DATA_MAX, &o->data_per);
	case 'g':
		return parse_pct(v, &o->garbage_pct);
	case 'e':
		return parse_enc(v, &o->enc);
	case 'k':
		return parse_class(v, &o->cls);
	case 'i':
		return parse_ip(v, &o->client_ip);
	case 'm':
		return parse_mac(v, o->src_mac);
	case 's':
		*seeded = true;
		return tool_hex_exact(v, o->seed, 32) == 0
			       ? 0
			       : tool_usage_error(gp_cmd, "--seed needs 64 hex characters");
	default:
		return -1;
	}
}

static void
opts_defaults(struct gp_opts *o)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0xff, 0x01};

	memset(o, 0, sizeof(*o));
	o->count = GP_DEFAULT_COUNT;
	o->clients = GP_DEFAULT_CLIENTS;
	o->hops = GP_HOPS_MAX;
	o->enc = SNC_ENC_AES_GCM;
	o->client_ip = GP_CLIENT_IP;
	memcpy(o->src_mac, mac, sizeof(mac));
}

/* DATA payload bytes of one cell of the class for a path of hops nodes. */
static uint32_t
data_chunk(uint8_t cls, unsigned long hops)
{
	return dp_cell_class_size(cls) - DP_CELL_DATA_HDR -
	       SNC_CELL_DATA_TAG_BYTES * (uint32_t)hops;
}

static int
check_opts(const struct gp_opts *o)
{
	if (o->nodes == NULL || o->target_hex == NULL || o->out == NULL)
		return tool_usage_error(gp_cmd, "--nodes, --target and --out are required");
	/* the target would drop the request at the cell that passes it (data_too_big) */
	if ((uint64_t)o->data_per * data_chunk(o->cls, o->hops) + sizeof(gp_body_head) >
	    DP_DATA_MAX)
		return tool_usage_error(gp_cmd,
					"--data-per-create %lu cells of this class run past the "
					"10 MiB request limit",
					o->data_per);
	if ((uint64_t)o->client_ip + o->clients - 1 > UINT32_MAX)
		return tool_usage_error(gp_cmd,
					"--client-ip + --clients runs past 255.255.255.255");
	return 0;
}

static int
parse_opts(int argc, char **argv, struct gp_opts *o)
{
	bool seeded = false;
	int c, rc;

	opts_defaults(o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", gp_long_opts, NULL)) != -1) {
		rc = c == '?' ? -1 : take_opt(o, c, optarg, &seeded);
		if (rc < 0)
			return tool_usage_error(gp_cmd,
						"unknown option or missing value '%s' "
						"(see docs/snode-tool.md)",
						argv[optind - 1]);
		if (rc != 0)
			return rc;
	}
	if (optind != argc)
		return tool_usage_error(gp_cmd, "unexpected argument '%s'", argv[optind]);
	if (!seeded)
		randombytes_buf(o->seed, sizeof(o->seed));
	return check_opts(o);
}

/* ---- deterministic randomness ---- */

static void
rng_init(struct gp_rng *r, const uint8_t seed[32], const char *domain)
{
	crypto_generichash(r->key, sizeof(r->key), (const uint8_t *)domain, strlen(domain), seed,
			   32);
	r->block = 0;
	r->pos = GP_RNG_BLOCK;
}

static void
rng_bytes(struct gp_rng *r, uint8_t *out, size_t n)
{
	while (n > 0) {
		size_t take;

		if (r->pos == GP_RNG_BLOCK) {
			uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};

			for (int i = 0; i < 8; i++)
				nonce[i] = (uint8_t)(r->block >> (8 * i));
			crypto_stream_chacha20_ietf(r->buf, sizeof(r->buf), nonce, r->key);
			r->block++;
			r->pos = 0;
		}
		take = n < GP_RNG_BLOCK - r->pos ? n : GP_RNG_BLOCK - r->pos;
		memcpy(out, r->buf + r->pos, take);
		r->pos += take;
		out += take;
		n -= take;
	}
}

static uint64_t
rng_u64(struct gp_rng *r)
{
	uint8_t b[8];
	uint64_t v = 0;

	rng_bytes(r, b, sizeof(b));
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* Uniform enough in [0, n): the top 32 bits of a 64-bit draw, scaled. */
static uint32_t
rng_below(struct gp_rng *r, uint32_t n)
{
	return (uint32_t)(((rng_u64(r) >> 32) * n) >> 32);
}

/* A client's source port, fixed per client (one socket each), 1024..65535. */
static uint16_t
client_port(const struct gp_ctx *g, uint32_t client)
{
	uint8_t in[4] = {(uint8_t)client, (uint8_t)(client >> 8), (uint8_t)(client >> 16),
			 (uint8_t)(client >> 24)};
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v = 0;

	crypto_shorthash(h, in, sizeof(in), g->port_key);
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (uint16_t)(GP_PORT_FIRST + v % GP_PORT_SPAN);
}

/* ---- the node table ---- */

/* The dataplane's own parser, so the format cannot drift; the link keys it
 * computes (with a throwaway key pair) are not used. */
static int
load_nodes(struct gp_ctx *g)
{
	char err[PATH_MAX + 128];
	uint8_t seed[32], sk[32], pk[32];
	int rc;

	randombytes_buf(seed, sizeof(seed));
	snc_onion_layer_keypair_from_seed(seed, sk, pk);
	rc = dp_node_table_init(&g->table, GP_NODES_MAX, sk, pk);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	if (rc != 0)
		return tool_fail(gp_cmd, "cannot allocate the node table");
	g->table_ready = true;
	if (dp_node_table_load(&g->table, g->o.nodes, err, sizeof(err)) != 0)
		return tool_fail(gp_cmd, "%s", err);
	return 0;
}

static int
find_target(struct gp_ctx *g)
{
	uint8_t ed[32];

	if (tool_hex_exact(g->o.target_hex, ed, sizeof(ed)) != 0)
		return tool_usage_error(gp_cmd, "--target needs the node's Ed25519 key, 64 hex");
	g->target = dp_node_by_ed25519(&g->table, ed);
	if (g->target == NULL)
		return tool_fail(gp_cmd, "--target %s is not in %s", g->o.target_hex, g->o.nodes);
	g->others = calloc(g->table.n, sizeof(*g->others));
	if (g->others == NULL)
		return tool_fail(gp_cmd, "out of memory");
	for (uint32_t i = 0; i < g->table.n; i++)
		if (&g->table.nodes[i] != g->target)
			g->others[g->n_others++] = i;
	if (g->n_others < g->o.hops - 1)
		return tool_fail(gp_cmd,
				 "--hops %lu needs %lu node(s) besides the target in %s; it has %u",
				 g->o.hops, g->o.hops - 1, g->o.nodes, g->n_others);
	return 0;
}

/* ---- circuits: a Session onion through the target ---- */

/* path[0] = target, then distinct other nodes: a draw among the untaken ones,
 * mapped past the taken indexes (kept sorted). */
static void
pick_path(struct gp_ctx *g, struct gp_circuit *c)
{
	uint32_t taken[GP_HOPS_MAX], n = 0;

	c->path[0] = g->target;
	for (uint32_t j = 1; j < c->hops; j++, n++) {
		uint32_t r = rng_below(&g->rng, g->n_others - n), k = 0;

		while (k < n && taken[k] <= r) {
			r++;
			k++;
		}
		memmove(taken + k + 1, taken + k, (n - k) * sizeof(*taken));
		taken[k] = r;
		c->path[j] = &g->table.nodes[g->others[r]];
	}
}

/* ct := layer j of the onion (to path[j]); keeps the hop's DATA key, and for
 * the entry the X25519 result, which also masks the CREATE. */
static int
seal_layer(struct gp_ctx *g, struct gp_circuit *c, uint32_t j, const uint8_t *pt, size_t pt_len,
	   uint8_t *ct, size_t *ct_len, uint8_t eph_pk[32])
{
	uint8_t seed[32], sk[32], dh[32], key[32], kr[32], nonce[SNC_XCHACHA_NONCE_BYTES];
	int rc;

	rng_bytes(&g->rng, seed, sizeof(seed));
	rng_bytes(&g->rng, nonce, sizeof(nonce)); /* the type uses 12 or 24 of them */
	snc_onion_layer_keypair_from_seed(seed, sk, eph_pk);
	rc = snc_x25519(sk, c->path[j]->x25519, dh);
	if (rc == 0)
		rc = snc_kdf_derive(c->type, dh, eph_pk, c->path[j]->x25519, key);
	if (rc == 0)
		rc = snc_aead_seal_with_nonce(c->type, key, nonce, pt, pt_len, ct, GP_BUF, ct_len);
	if (rc == 0)
		snc_cell_data_keys(key, c->kf[j], kr);
	if (rc == 0 && j == 0)
		memcpy(c->dh, dh, sizeof(dh));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(kr, sizeof(kr));
	return rc;
}

/* The routing JSON a hop finds for the next one (libsession's keys, compact). */
static void
hop_json(char *out, size_t cap, const struct dp_node *next, const uint8_t eph[32],
	 enum snc_enc_type type)
{
	char ed[GP_HEX32], ek[GP_HEX32];

	sodium_bin2hex(ed, sizeof(ed), next->ed25519, 32);
	sodium_bin2hex(ek, sizeof(ek), eph, 32);
	snprintf(out, cap, "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\",\"enc_type\":\"%s\"}",
		 ed, ek, snc_enc_type_name(type));
}

/* Facts 1.5: [N][body]{"headers":""} for the destination, then each relay's
 * layer around the next one's, outward to the target's. */
static int
build_onion(struct gp_ctx *g, struct gp_circuit *c, const char *body)
{
	static const char dest_json[] = "{\"headers\":\"\"}";
	uint8_t pt[GP_BUF], eph[32];
	char json[GP_JSON_MAX];
	size_t pt_len = 0, ct_len = 0;
	int rc = snc_payload_build((const uint8_t *)body, strlen(body), dest_json,
				   sizeof(dest_json) - 1, pt, sizeof(pt), &pt_len);

	for (uint32_t j = c->hops; rc == 0 && j-- > 0;) {
		rc = seal_layer(g, c, j, pt, pt_len, c->blob, &ct_len, eph);
		if (rc == 0 && j > 0) {
			hop_json(json, sizeof(json), c->path[j], eph, c->type);
			rc = snc_payload_build(c->blob, ct_len, json, strlen(json), pt, sizeof(pt),
					       &pt_len);
		}
	}
	sodium_memzero(pt, sizeof(pt));
	memcpy(c->eph_pk, eph, sizeof(eph));
	c->blob_len = ct_len;
	if (rc == 0 && ct_len > dp_cell_class_size(g->o.cls) - DP_CELL_CREATE_HDR)
		rc = -EMSGSIZE;
	return rc;
}

static void
circuit_wipe(struct gp_circuit *c)
{
	sodium_memzero(c, sizeof(*c));
}

/* A new circuit on the next client (round robin: every client gets its share). */
static int
new_circuit(struct gp_ctx *g, struct gp_circuit *c, uint32_t data_cells)
{
	int rc;

	circuit_wipe(c);
	c->hops = (uint32_t)g->o.hops;
	c->type = g->o.enc == GP_ENC_MIX ? (enum snc_enc_type)(g->circuits % 2)
					 : (enum snc_enc_type)g->o.enc;
	c->client = (uint32_t)(g->circuits % g->o.clients);
	g->circuits++;
	pick_path(g, c);
	c->label = rng_u64(&g->rng);
	if (c->label == 0)
		c->label = GP_LABEL_FALLBACK;
	c->data_left = data_cells;
	rc = build_onion(g, c, data_cells > 0 ? gp_body_head : gp_body_full);
	if (rc == -EMSGSIZE)
		return tool_fail(gp_cmd, "the onion for --hops %lu does not fit a small cell",
				 g->o.hops);
	if (rc != 0)
		return tool_fail(gp_cmd, "building an onion failed (error %d)", rc);
	return 0;
}

/* ---- cells ---- */

/* The client's CREATE: CLIENT flag, masked with the X25519 result of this hop. */
static void
write_create(struct gp_ctx *g, const struct gp_circuit *c, uint8_t flags, uint8_t *cell)
{
	uint8_t mask[DP_CELL_MASK_BYTES];
	uint32_t used;

	snc_cell_mask(c->dh, DP_CELL_CREATE, c->label, 0, mask);
	used = dp_cell_write_create(cell, g->o.cls, (uint8_t)(DP_CELL_FLAG_CLIENT | flags),
				    c->label, (uint8_t)c->type, DP_CELL_REPLY_LAYERED, c->eph_pk, 0,
				    mask, c->blob, (uint32_t)c->blob_len);
	rng_bytes(&g->rng, cell + used, dp_cell_class_size(g->o.cls) - used);
}

/* The next DATA cell: sealed with the destination's kf first and the entry's
 * last (outermost), masked with the entry's kf; the chunk fills the cell. */
static void
write_data(struct gp_ctx *g, struct gp_circuit *c, uint8_t *cell)
{
	uint8_t *payload = g->payload, mask[DP_CELL_MASK_BYTES];
	uint32_t len = data_chunk(g->o.cls, c->hops);
	bool last = c->data_left == 1;

	memset(payload, 'x', len);
	if (last)
		memcpy(payload + len - (sizeof(gp_body_tail) - 1), gp_body_tail,
		       sizeof(gp_body_tail) - 1);
	for (uint32_t j = c->hops; j-- > 0; len += SNC_CELL_DATA_TAG_BYTES)
		snc_cell_data_seal(c->kf[j], c->seq, payload, len, payload);
	snc_cell_mask(c->kf[0], DP_CELL_DATA, c->label, c->seq, mask);
	dp_cell_write_data(cell, DP_CELL_DATA, g->o.cls,
			   (uint8_t)(DP_CELL_FLAG_CLIENT | (last ? DP_CELL_FLAG_LAST : 0)),
			   c->label, c->seq, mask, payload, len);
	c->seq++;
	c->data_left--;
}

/* ---- frames and the pcap ---- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
ipv4_checksum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet/IPv4/UDP from a client to the target (UDP checksum 0: allowed on IPv4). */
static void
write_headers(struct gp_ctx *g, uint32_t client, uint16_t dport, uint32_t payload_len)
{
	uint8_t *f = g->frame, *ip = f + 14, *udp = ip + 20;

	memcpy(f, g->target->mac, 6);
	memcpy(f + 6, g->o.src_mac, 6);
	put16(f + 12, GP_ETHERTYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + payload_len));
	put16(ip + 6, GP_IPV4_DF);
	ip[8] = GP_TTL;
	ip[9] = GP_IPPROTO_UDP;
	put32(ip + 12, g->o.client_ip + client);
	put32(ip + 16, g->target->ip);
	put16(ip + 10, ipv4_checksum(ip));
	put16(udp, client_port(g, client));
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + payload_len));
	put16(udp + 6, 0);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int
write_record(struct gp_ctx *g, uint64_t index, uint32_t payload_len)
{
	uint8_t rec[GP_PCAP_RECORD];
	uint32_t len = GP_HDRS + payload_len;

	put_le32(rec, (uint32_t)(index / GP_USEC));
	put_le32(rec + 4, (uint32_t)(index % GP_USEC));
	put_le32(rec + 8, len);
	put_le32(rec + 12, len);
	if (fwrite(rec, sizeof(rec), 1, g->f) != 1 || fwrite(g->frame, len, 1, g->f) != 1)
		return -1;
	g->bytes += sizeof(rec) + len;
	return 0;
}

/* The frame's cell as IPv4 fragments of at most GP_MTU bytes, one record each, all with
 * the slot's timestamp; the IP id is the slot's (low 16 bits), DF clear. */
static int
write_fragments(struct gp_ctx *g, uint64_t index, uint32_t payload_len)
{
	uint32_t total = 8 + payload_len; /* UDP header and cell */
	uint8_t rec[GP_PCAP_RECORD], *ip = g->piece + 14;

	for (uint32_t off = 0; off < total; off += GP_FRAG_PAYLOAD) {
		uint32_t n = total - off < GP_FRAG_PAYLOAD ? total - off : GP_FRAG_PAYLOAD;

		memcpy(g->piece, g->frame, 14 + 20);
		memcpy(ip + 20, g->frame + 34 + off, n);
		put16(ip + 2, (uint16_t)(20 + n));
		put16(ip + 4, (uint16_t)index);
		put16(ip + 6, (uint16_t)(off / 8 | (off + n < total ? GP_IPV4_MF : 0)));
		put16(ip + 10, 0);
		put16(ip + 10, ipv4_checksum(ip));
		put_le32(rec, (uint32_t)(index / GP_USEC));
		put_le32(rec + 4, (uint32_t)(index % GP_USEC));
		put_le32(rec + 8, 34 + n);
		put_le32(rec + 12, 34 + n);
		if (fwrite(rec, sizeof(rec), 1, g->f) != 1 ||
		    fwrite(g->piece, 34 + n, 1, g->f) != 1)
			return -1;
		g->bytes += sizeof(rec) + 34 + n;
		g->records++;
	}
	return 0;
}

/* A cell's frame: whole when it fits GP_MTU, else as fragments. */
static int
write_cell_record(struct gp_ctx *g, uint64_t index, uint32_t payload_len)
{
	if (20 + 8 + payload_len <= GP_MTU) {
		g->records++;
		return write_record(g, index, payload_len);
	}
	return write_fragments(g, index, payload_len);
}

static int
write_file_header(struct gp_ctx *g)
{
	uint8_t h[GP_PCAP_FILE_HDR] = {0};

	put_le32(h, gp_pcap_magic);
	h[4] = 2; /* version 2.4 */
	h[6] = 4;
	put_le32(h + 16, GP_PCAP_SNAPLEN);
	put_le32(h + 20, GP_LINKTYPE_ETHERNET);
	g->bytes = sizeof(h);
	return fwrite(h, sizeof(h), 1, g->f) == 1 ? 0 : -1;
}

/* ---- what each slot of the pcap carries ---- */

static int
emit_create(struct gp_ctx *g, uint64_t index, uint32_t data_cells)
{
	int rc = new_circuit(g, &g->cur, data_cells);

	if (rc != 0)
		return rc;
	write_create(g, &g->cur, data_cells > 0 ? DP_CELL_FLAG_MORE : 0, g->frame + GP_HDRS);
	write_headers(g, g->cur.client, g->target->port, dp_cell_class_size(g->o.cls));
	g->n.create++;
	g->n.more += data_cells > 0;
	if (data_cells == 0)
		circuit_wipe(&g->cur);
	return write_cell_record(g, index, dp_cell_class_size(g->o.cls));
}

static int
emit_data(struct gp_ctx *g, uint64_t index)
{
	write_data(g, &g->cur, g->frame + GP_HDRS);
	write_headers(g, g->cur.client, g->target->port, dp_cell_class_size(g->o.cls));
	g->n.data++;
	if (g->cur.data_left == 0)
		circuit_wipe(&g->cur);
	return write_cell_record(g, index, dp_cell_class_size(g->o.cls));
}

/* Valid slot v: a CREATE, with MORE and its DATA cells in the next valid slots
 * when a whole group still fits; leftover slots get plain CREATEs. */
static int
emit_valid(struct gp_ctx *g, uint64_t index, uint64_t v)
{
	uint64_t group = 1 + g->o.data_per;

	if (g->cur.data_left > 0)
		return emit_data(g, index);
	if (g->o.data_per > 0 && v + group <= g->valid_total)
		return emit_create(g, index, (uint32_t)g->o.data_per);
	return emit_create(g, index, 0);
}

/* A datagram of a future cell version: dropped at the first byte (bad_version). */
static void
garbage_bad_version(struct gp_ctx *g, uint8_t *cell)
{
	rng_bytes(&g->rng, cell, DP_CELL_SMALL);
	if (cell[0] == DP_CELL_VERSION)
		cell[0] = GP_BAD_VERSION_DEFAULT;
}

/* A real CREATE with one bit of its tag flipped: costs the target an X25519
 * before it fails (bad_mac), as a forged cell would. */
static int
garbage_bad_mac(struct gp_ctx *g, uint8_t *cell)
{
	int rc = new_circuit(g, &g->scratch, 0);

	if (rc != 0)
		return rc;
	write_create(g, &g->scratch, 0, cell);
	cell[DP_CELL_CREATE_HDR + g->scratch.blob_len - 1] ^= 1;
	return 0;
}

static int
emit_garbage(struct gp_ctx *g, uint64_t index, uint64_t k)
{
	uint8_t *cell = g->frame + GP_HDRS;
	uint32_t client = (uint32_t)(k % g->o.clients), len = DP_CELL_SMALL;
	uint16_t port = g->target->port;
	int rc = 0;

	switch (k % GP_GARBAGE_KINDS) {
	case 0:
		garbage_bad_version(g, cell);
		g->n.bad_version++;
		break;
	case 1: /* in the valid cells' class */
		rc = garbage_bad_mac(g, cell);
		len = dp_cell_class_size(g->o.cls);
		client = g->scratch.client;
		circuit_wipe(&g->scratch);
		g->n.bad_mac++;
		break;
	default: /* any UDP datagram to another port of the node (not_cell) */
		len = GP_NOT_CELL_LEN;
		rng_bytes(&g->rng, cell, len);
		port = g->target->port == GP_DISCARD_PORT ? GP_DISCARD_PORT + 1 : GP_DISCARD_PORT;
		g->n.not_cell++;
		break;
	}
	if (rc != 0)
		return rc;
	write_headers(g, client, port, len);
	return write_cell_record(g, index, len);
}

/* Garbage slots spread evenly: slot i is garbage when floor((i+1)G/N) steps. */
static bool
is_garbage(const struct gp_ctx *g, uint64_t i)
{
	return (i + 1) * g->garbage_total / g->o.count > i * g->garbage_total / g->o.count;
}

static int
write_frames(struct gp_ctx *g)
{
	uint64_t v = 0, k = 0;
	int rc = write_file_header(g) == 0 ? 0 : -1;

	for (uint64_t i = 0; rc == 0 && i < g->o.count; i++)
		rc = is_garbage(g, i) ? emit_garbage(g, i, k++) : emit_valid(g, i, v++);
	return rc;
}

/* ---- the command ---- */

static json_t *
summary(const struct gp_ctx *g)
{
	static const char *const enc_names[] = {"aes-gcm", "xchacha20", "aes-cbc", "mix"};
	static const char *const class_names[] = {"small", "medium", "large"};
	uint64_t per_client = (g->circuits + g->o.clients - 1) / g->o.clients;

	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o, "
			 "s:I, s:s, s:I}",
			 "out", g->o.out, "frames", (json_int_t)g->o.count, "create",
			 (json_int_t)g->n.create, "create_more", (json_int_t)g->n.more, "data",
			 (json_int_t)g->n.data, "garbage", (json_int_t)g->garbage_total,
			 "bad_version", (json_int_t)g->n.bad_version, "bad_mac",
			 (json_int_t)g->n.bad_mac, "not_cell", (json_int_t)g->n.not_cell, "clients",
			 (json_int_t)g->o.clients, "hops", (json_int_t)g->o.hops,
			 "creates_per_client_max", (json_int_t)per_client, "enc",
			 enc_names[g->o.enc], "seed", tool_json_hex(g->o.seed, 32), "bytes",
			 (json_int_t)g->bytes, "class", class_names[g->o.cls], "records",
			 (json_int_t)g->records);
}

/* Frames go to OUT.tmp, renamed to OUT once complete: no half-written pcap. */
static int
write_pcap(struct gp_ctx *g)
{
	char tmp[PATH_MAX];
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", g->o.out) >= sizeof(tmp))
		return tool_usage_error(gp_cmd, "--out path too long");
	g->f = fopen(tmp, "wb");
	if (g->f == NULL)
		return tool_fail(gp_cmd, "%s: %s", tmp, strerror(errno));
	rc = write_frames(g);
	if (fclose(g->f) != 0 && rc == 0)
		rc = -1;
	g->f = NULL;
	if (rc == -1)
		tool_fail(gp_cmd, "%s: write failed: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, g->o.out) != 0)
		rc = tool_fail(gp_cmd, "%s: %s", g->o.out, strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		return rc < 0 ? TOOL_EXIT_FAIL : rc;
	}
	return 0;
}

static int
run(struct gp_ctx *g, int argc, char **argv)
{
	json_t *out;
	int rc = parse_opts(argc, argv, &g->o);

	if (rc == 0)
		rc = load_nodes(g);
	if (rc == 0)
		rc = find_target(g);
	if (rc != 0)
		return rc;
	rng_init(&g->rng, g->o.seed, "snode gen-pcap stream");
	crypto_generichash(g->port_key, sizeof(g->port_key),
			   (const uint8_t *)"snode gen-pcap ports", strlen("snode gen-pcap ports"),
			   g->o.seed, 32);
	g->garbage_total = (uint64_t)((double)g->o.count * g->o.garbage_pct / 100.0 + 0.5);
	g->valid_total = g->o.count - g->garbage_total;
	rc = write_pcap(g);
	if (rc != 0)
		return rc;
	out = summary(g);
	return out != NULL ? tool_print_json(out) : tool_fail(gp_cmd, "out of memory");
}

int
tool_cmd_gen_pcap(int argc, char **argv)
{
	struct gp_ctx *g = calloc(1, sizeof(*g));
	int rc;

	if (g == NULL)
		return tool_fail(gp_cmd, "out of memory");
	rc = run(g, argc, argv);
	if (g->table_ready)
		dp_node_table_free(&g->table);
	free(g->others);
	sodium_memzero(g, sizeof(*g));
	free(g);
	return rc;
}
