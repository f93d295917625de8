/* SPDX-License-Identifier: MIT */
/* snode-cli: shared options, output and the client set-up (docs/snode-cli.md). */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "client.h"
#include "error.h"
#include "identity.h"

enum {
	CLI_HASHES_MAX = 100,	    /* --hash given at most this often */
	CLI_MEMBERS_MAX = 100,	    /* --member: a group's 100 members (SCL_GROUP_MEMBERS_MAX) */
	CLI_TEXT_MAX = 60000,	    /* bytes of --text (under store's 76,800) */
	CLI_TTL_DEFAULT_S = 86400,  /* a day */
	CLI_TTL_MAX_S = 14 * 86400, /* the public inbox's maximum */
	CLI_TTL_MIN_S = 10,	    /* the server's minimum */
	CLI_REFRESH_AFTER_S = 3600, /* HOME/nodes.json older than this is refreshed first */
	CLI_REFRESH_FROM = 3,	    /* nodes asked by a refresh (all must agree) */
};

struct cli_args {
	const char *home, *account, *name, *phrase, *registry, *to, *text, *first_path;
	const char *hashes[CLI_HASHES_MAX];
	size_t n_hashes;
	const char *members[CLI_MEMBERS_MAX]; /* group --member */
	size_t n_members;
	const char *group;    /* group --group G */
	const char *seeds[8]; /* nodes bootstrap --seed URL (SCL_SEEDS_MAX) */
	size_t n_seeds;
	long from;	      /* nodes refresh --from N */
	long refresh_after_s; /* --refresh-after S (0: never) */
	long ttl_s;
	bool json, verbose, show_phrase, all_ns, only_new;
	struct scl_client_opts copts;
	char home_buf[4096];
};

/* Prints the error (stderr; and {"error", "message"} on stdout with --json) and
 * returns the exit code of its kind. */
int cli_error(const struct cli_args *a, const struct scl_error *err);

/* Prints a JSON document (--json) to stdout and frees it; returns 0. */
int cli_json_out(json_t *doc);

/* The account of --account (default "default"). */
int cli_load_account(struct cli_args *a, struct snc_identity *id, struct scl_error *err);

/* Node list from --registry / $SNODE_CLI_REGISTRY, else HOME/nodes.json (snode-cli nodes),
 * else HOME/registry; and the client. */
int cli_client(struct cli_args *a, struct scl_client *c, struct scl_error *err);

/* Asks `from` known nodes of c for the node list over onion requests (each over its own
 * random path); *out only when all of them agree. */
int cli_nodes_ask(struct scl_client *c, size_t from, struct scl_nodes *out, struct scl_error *err);

/* HOME/nodes.json, replaced whole. */
int cli_nodes_save(struct cli_args *a, const struct scl_nodes *ns, struct scl_error *err);

/* A 05 Session ID (66 hex digits) into out. */
int cli_parse_session_id(const char *s, uint8_t out[33], struct scl_error *err);

uint64_t cli_now_ms(void);

/* One request to an account's swarm (body is freed); the answer must be 2xx. */
int cli_call(struct cli_args *a, struct scl_client *c, const uint8_t pubkey[33], char *body,
	     const char *what, struct scl_result *res, struct scl_error *err);

/* Stores text to pubkey's namespace 0 (--ttl) as a Session message (client/session_text.h;
 * sync_target: NULL, or the recipient's ID for the sender's own copy); the answer's JSON
 * (with "hash") in *out. */
int cli_store_text(struct cli_args *a, struct scl_client *c, const struct snc_identity *id,
		   const uint8_t pubkey[33], const char *text, const char *sync_target,
		   uint64_t sent_ms, const char *what, json_t **out, struct scl_result *res,
		   struct scl_error *err);

/* One retrieved namespace-0 message opened and verified: {from, text, sent, hash,
 * timestamp, expiration, sync_target (sync copies only)}, or NULL with *why naming what
 * failed (scl_session_text_error). */
json_t *cli_open_message(const struct snc_identity *id, json_t *m, const char **why);

int cmd_account(struct cli_args *a, int argc, char **argv);
int cmd_send(struct cli_args *a);
int cmd_receive(struct cli_args *a);
int cmd_delete(struct cli_args *a, bool all);
int cmd_expire(struct cli_args *a);
int cmd_nodes(struct cli_args *a, int argc, char **argv);
int cmd_group(struct cli_args *a, int argc, char **argv);

#endif
