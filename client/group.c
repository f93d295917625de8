/* SPDX-License-Identifier: MIT */
/* Group state: create, invite, remove with key rotation, and its JSON text. */
#include "group.h"

#include <string.h>

#include <jansson.h>
#include <sodium.h>

bool
scl_group_name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	return n > 0 && n <= SCL_GROUP_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		       n;
}

int
scl_group_find(const struct scl_group *g, const uint8_t member[33])
{
	for (size_t i = 0; i < g->n_members; i++)
		if (memcmp(g->members[i], member, 33) == 0)
			return (int)i;
	return -1;
}

/* 03 || the Ed25519 public key of seed. */
static void
id_of_seed(const uint8_t seed[32], uint8_t id[33])
{
	uint8_t sk[64];

	crypto_sign_seed_keypair(id + 1, sk, seed);
	id[0] = 0x03;
	sodium_memzero(sk, sizeof(sk));
}

int
scl_group_create(struct scl_group *g, const char *name, const struct snc_identity *admin,
		 const uint8_t (*members)[33], size_t n, struct scl_error *err)
{
	memset(g, 0, sizeof(*g));
	if (!scl_group_name_ok(name))
		return scl_fail(err, SCL_E_USAGE,
				"bad group name '%.64s': 1-64 letters, digits, '.', '_' or '-'",
				name != NULL ? name : "");
	strcpy(g->name, name);
	snc_identity_session_id(admin, g->admin);
	memcpy(g->members[g->n_members++], g->admin, 33);
	for (size_t i = 0; i < n; i++) {
		if (members[i][0] != 0x05)
			return scl_fail(err, SCL_E_USAGE, "member %zu is not a 05 Session ID",
					i + 1);
		if (scl_group_find(g, members[i]) >= 0)
			continue;
		if (g->n_members == SCL_GROUP_MEMBERS_MAX)
			return scl_fail(err, SCL_E_USAGE,
					"more than %d members (the admin included)",
					SCL_GROUP_MEMBERS_MAX);
		memcpy(g->members[g->n_members++], members[i], 33);
	}
	if (g->n_members < SCL_GROUP_MEMBERS_MIN)
		return scl_fail(
			err, SCL_E_USAGE,
			"a group needs %d to %d distinct members (the admin included), got %zu",
			SCL_GROUP_MEMBERS_MIN, SCL_GROUP_MEMBERS_MAX, g->n_members);
	g->has_seed = true;
	randombytes_buf(g->seed, 32);
	id_of_seed(g->seed, g->id);
	randombytes_buf(g->keys[0], 32);
	g->n_keys = 1;
	/* Every member must be able to get a token, before anything is saved or sent. */
	for (size_t i = 1; i < g->n_members; i++) {
		uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES];
		int rc = snc_subaccount_make(g->seed, g->members[i] + 1, SCL_GROUP_FLAGS, auth,
					     NULL);

		sodium_memzero(auth, sizeof(auth));
		if (rc != 0) {
			scl_group_wipe(g);
			return scl_fail(err, SCL_E_USAGE,
					"member %zu: not a usable X25519 key (no Session account)",
					i);
		}
	}
	return 0;
}

int
scl_group_invite(const struct scl_group *g, const uint8_t member[33], struct scl_group *out,
		 struct scl_error *err)
{
	if (!g->has_seed)
		return scl_fail(err, SCL_E_USAGE, "only the group's admin can invite");
	if (scl_group_find(g, member) < 0)
		return scl_fail(err, SCL_E_USAGE, "not a member of the group");
	*out = *g;
	out->has_seed = false;
	sodium_memzero(out->seed, sizeof(out->seed));
	if (snc_subaccount_make(g->seed, member + 1, SCL_GROUP_FLAGS, out->auth, NULL) != 0) {
		scl_group_wipe(out);
		return scl_fail(err, SCL_E_USAGE, "the member's key is not usable");
	}
	return 0;
}

int
scl_group_remove(struct scl_group *g, const uint8_t member[33],
		 uint8_t token[SNC_SUBACCOUNT_TOKEN_BYTES], struct scl_error *err)
{
	uint8_t auth[SNC_SUBACCOUNT_AUTH_BYTES];
	int i = scl_group_find(g, member);

	if (!g->has_seed)
		return scl_fail(err, SCL_E_USAGE, "only the group's admin can remove members");
	if (i < 0)
		return scl_fail(err, SCL_E_USAGE, "not a member of the group");
	if (memcmp(member, g->admin, 33) == 0)
		return scl_fail(err, SCL_E_USAGE, "the admin cannot remove itself");
	if (g->n_members == SCL_GROUP_MEMBERS_KEEP)
		return scl_fail(err, SCL_E_USAGE, "a group keeps at least %d members",
				SCL_GROUP_MEMBERS_KEEP);
	if (snc_subaccount_make(g->seed, member + 1, SCL_GROUP_FLAGS, auth, token) != 0)
		return scl_fail(err, SCL_E_USAGE, "the member's key is not usable");
	sodium_memzero(auth, sizeof(auth));
	memmove(g->members[i], g->members[i + 1], (g->n_members - (size_t)i - 1) * 33);
	g->n_members--;
	memset(g->members[g->n_members], 0, 33);
	/* The new key goes in front; the oldest falls off when the list is full. */
	memmove(g->keys[1], g->keys[0],
		(g->n_keys < SCL_GROUP_KEYS_MAX ? g->n_keys : SCL_GROUP_KEYS_MAX - 1) * 32);
	if (g->n_keys < SCL_GROUP_KEYS_MAX)
		g->n_keys++;
	randombytes_buf(g->keys[0], 32);
	g->gen++;
	return 0;
}

static json_t *
hex(const uint8_t *b, size_t n)
{
	char s[2 * SNC_SUBACCOUNT_AUTH_BYTES + 1];

	sodium_bin2hex(s, sizeof(s), b, n);
	return json_string(s);
}

char *
scl_group_dump(const struct scl_group *g)
{
	json_t *o =
		json_pack("{s:i, s:s, s:o, s:o, s:I}", "v", 1, "name", g->name, "id",
			  hex(g->id, 33), "admin", hex(g->admin, 33), "gen", (json_int_t)g->gen);
	json_t *keys = json_array(), *members = json_array();
	char *text = NULL;

	for (size_t i = 0; i < g->n_keys; i++)
		json_array_append_new(keys, hex(g->keys[i], 32));
	for (size_t i = 0; i < g->n_members; i++)
		json_array_append_new(members, hex(g->members[i], 33));
	if (o != NULL && json_object_set_new(o, "keys", keys) == 0 &&
	    json_object_set_new(o, "members", members) == 0 &&
	    json_object_set_new(o, g->has_seed ? "seed" : "auth",
				g->has_seed ? hex(g->seed, 32)
					    : hex(g->auth, SNC_SUBACCOUNT_AUTH_BYTES)) == 0)
		text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/* A string of exactly n bytes in hex into out. */
static bool
unhex(json_t *v, uint8_t *out, size_t n)
{
	const char *s = json_string_value(v);
	size_t got = 0;

	return s != NULL && json_string_length(v) == 2 * n &&
	       sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

static int
parse_lists(struct scl_group *g, json_t *keys, json_t *members, struct scl_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(keys) || json_array_size(keys) == 0 ||
	    json_array_size(keys) > SCL_GROUP_KEYS_MAX)
		return scl_fail(err, SCL_E_USAGE, "group: keys: 1 to %d keys", SCL_GROUP_KEYS_MAX);
	json_array_foreach(keys, i, v) if (!unhex(v, g->keys[i], 32)) return scl_fail(
		err, SCL_E_USAGE, "group: keys[%zu]: not 64 hex digits", i);
	g->n_keys = json_array_size(keys);
	if (!json_is_array(members) || json_array_size(members) < SCL_GROUP_MEMBERS_KEEP ||
	    json_array_size(members) > SCL_GROUP_MEMBERS_MAX)
		return scl_fail(err, SCL_E_USAGE, "group: members: %d to %d",
				SCL_GROUP_MEMBERS_KEEP, SCL_GROUP_MEMBERS_MAX);
	json_array_foreach(members, i, v)
	{
		uint8_t m[33];

		if (!unhex(v, m, 33) || m[0] != 0x05 || scl_group_find(g, m) >= 0)
			return scl_fail(err, SCL_E_USAGE,
					"group: members[%zu]: not a new 05 Session ID", i);
		memcpy(g->members[g->n_members++], m, 33);
	}
	if (scl_group_find(g, g->admin) < 0)
		return scl_fail(err, SCL_E_USAGE, "group: the admin is not a member");
	return 0;
}

static int
parse_secret(struct scl_group *g, json_t *o, struct scl_error *err)
{
	json_t *seed = json_object_get(o, "seed"), *auth = json_object_get(o, "auth");
	uint8_t id[33];

	if ((seed == NULL) == (auth == NULL))
		return scl_fail(err, SCL_E_USAGE, "group: needs one of seed and auth");
	if (seed != NULL) {
		if (!unhex(seed, g->seed, 32))
			return scl_fail(err, SCL_E_USAGE, "group: seed: not 64 hex digits");
		id_of_seed(g->seed, id);
		if (memcmp(id, g->id, 33) != 0)
			return scl_fail(err, SCL_E_USAGE, "group: the seed does not give the id");
		g->has_seed = true;
		return 0;
	}
	if (!unhex(auth, g->auth, SNC_SUBACCOUNT_AUTH_BYTES) || g->auth[0] != 0x03)
		return scl_fail(err, SCL_E_USAGE, "group: auth: not 03 and 99 bytes in hex");
	return 0;
}

static int
parse_object(struct scl_group *g, json_t *o, struct scl_error *err)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	json_t *gen = json_object_get(o, "gen");

	if (!json_is_object(o) || json_object_size(o) != 8 ||
	    !json_is_integer(json_object_get(o, "v")) ||
	    json_integer_value(json_object_get(o, "v")) != 1)
		return scl_fail(err, SCL_E_USAGE, "group: not a version 1 group object");
	if (!scl_group_name_ok(name))
		return scl_fail(err, SCL_E_USAGE, "group: bad name");
	strcpy(g->name, name);
	if (!unhex(json_object_get(o, "id"), g->id, 33) || g->id[0] != 0x03 ||
	    crypto_core_ed25519_is_valid_point(g->id + 1) != 1)
		return scl_fail(err, SCL_E_USAGE, "group: id: not 03 and an Ed25519 key");
	if (!unhex(json_object_get(o, "admin"), g->admin, 33) || g->admin[0] != 0x05)
		return scl_fail(err, SCL_E_USAGE, "group: admin: not a 05 Session ID");
	if (!json_is_integer(gen) || json_integer_value(gen) < 0)
		return scl_fail(err, SCL_E_USAGE, "group: gen: not a non-negative integer");
	g->gen = (uint64_t)json_integer_value(gen);
	if (parse_lists(g, json_object_get(o, "keys"), json_object_get(o, "members"), err) != 0)
		return -1;
	return parse_secret(g, o, err);
}

int
scl_group_parse(struct scl_group *g, const char *text, size_t len, struct scl_error *err)
{
	json_t *o;
	int rc;

	memset(g, 0, sizeof(*g));
	if (len > SCL_GROUP_TEXT_MAX)
		return scl_fail(err, SCL_E_USAGE, "group: longer than %d bytes",
				SCL_GROUP_TEXT_MAX);
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	rc = o != NULL ? parse_object(g, o, err) : scl_fail(err, SCL_E_USAGE, "group: not JSON");
	json_decref(o);
	if (rc != 0)
		scl_group_wipe(g);
	return rc;
}

void
scl_group_wipe(struct scl_group *g)
{
	sodium_memzero(g, sizeof(*g));
}
