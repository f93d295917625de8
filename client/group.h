/* SPDX-License-Identifier: MIT */
/*
 * Groups (docs/snode-cli.md "Groups"): a group is an Ed25519 key (its 03 id),
 * the group encryption keys (newest first; group_msg.h), the member list
 * (05 ids, the admin included) and a generation that grows at each key
 * rotation. The admin keeps the group seed and signs storage requests as the
 * group's owner; a member keeps the 100-byte subaccount auth data the admin
 * made for it (subaccount.h: Read + Write) and signs as a subaccount.
 *
 * The same JSON text is the state file and the invitation sent to a member
 * (an invitation carries auth, never the seed):
 *   {"v":1, "name", "id":"03..", "admin":"05..", "gen":N, "keys":[hex32...],
 *    "members":["05"...], "seed":hex32 | "auth":hex100}
 */
#ifndef SCL_GROUP_H
#define SCL_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "identity.h"
#include "subaccount.h"

enum {
	SCL_GROUP_MEMBERS_MIN = 3,   /* at creation, the admin included */
	SCL_GROUP_MEMBERS_KEEP = 2,  /* removals stop at the admin and one member */
	SCL_GROUP_MEMBERS_MAX = 100, /* the admin included */
	SCL_GROUP_KEYS_MAX = 16,     /* keys kept; older ones are dropped at rotation */
	SCL_GROUP_NAME_MAX = 64,
	SCL_GROUP_NS_MESSAGES = 11, /* facts §2.3 GroupMessages */
	SCL_GROUP_FLAGS = SNC_SUBACCOUNT_READ | SNC_SUBACCOUNT_WRITE,
	SCL_GROUP_TEXT_MAX = 16384, /* a group file or invitation, in bytes */
};

struct scl_group {
	char name[SCL_GROUP_NAME_MAX + 1];
	uint8_t id[33];	   /* 03 || group Ed25519 pk */
	uint8_t admin[33]; /* the admin's Session ID */
	uint64_t gen;
	bool has_seed; /* admin: the group seed; member: auth */
	uint8_t seed[32];
	uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES];
	uint8_t keys[SCL_GROUP_KEYS_MAX][32];
	size_t n_keys;
	uint8_t members[SCL_GROUP_MEMBERS_MAX][33];
	size_t n_members;
};

/* 1-64 of A-Za-z0-9._-, not starting with '.'. */
bool scl_group_name_ok(const char *name);

/* A new group of admin and the n other members (duplicates and the admin
 * itself are skipped; the total must be 3..100): a random seed and key. */
int scl_group_create(struct scl_group *g, const char *name, const struct snc_identity *admin,
		     const uint8_t (*members)[33], size_t n, struct scl_error *err);

/* Index of a member, or -1. */
int scl_group_find(const struct scl_group *g, const uint8_t member[33]);

/* Admin: the invitation of one member (no seed; its auth data). */
int scl_group_invite(const struct scl_group *g, const uint8_t member[33], struct scl_group *out,
		     struct scl_error *err);

/* Admin: the member's token (to revoke), the member dropped from the list, a
 * new random key in front and gen + 1. Refuses the admin and when the group
 * would fall under SCL_GROUP_MEMBERS_KEEP. */
int scl_group_remove(struct scl_group *g, const uint8_t member[33],
		     uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES], struct scl_error *err);

/* The JSON text (malloc'd), or NULL. */
char *scl_group_dump(const struct scl_group *g);

/* Strict parse of the JSON text (SCL_E_USAGE naming the bad field). An admin
 * file's seed must give its id. */
int scl_group_parse(struct scl_group *g, const char *text, size_t len, struct scl_error *err);

void scl_group_wipe(struct scl_group *g);

/* Storage requests on the group's swarm signed by me: the admin (g has the
 * seed) as the owner, a member with its subaccount. Malloc'd JSON, or NULL. */
char *scl_group_rpc_store(const struct scl_group *g, const struct snc_identity *me,
			  const uint8_t *data, size_t len, uint64_t ttl_ms, uint64_t now_ms);
char *scl_group_rpc_retrieve(const struct scl_group *g, const struct snc_identity *me,
			     uint64_t now_ms);
/* Admin only: revoke_subaccount of one token. */
char *scl_group_rpc_revoke(const struct scl_group *g, const uint8_t token[36], uint64_t now_ms);

#endif
