/* SPDX-License-Identifier: MIT */
/*
 * group create | join | send | receive | remove | show (docs/snode-cli.md
 * "Groups"). Invitations (and key updates after a removal) travel as
 * one-to-one Session messages "snode-group-invite:" + the group JSON without
 * the seed; `group join` imports the newest one from the group's admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "group.h"
#include "group_file.h"
#include "group_msg.h"
#include "home.h"
#include "rpc.h"

static const char invite_prefix[] = "snode-group-invite:";

static const char *
home_of(struct cli_args *a)
{
	return cli_home(a->home, a->home_buf, sizeof(a->home_buf));
}

static void
hex33(const uint8_t b[33], char out[67])
{
	sodium_bin2hex(out, 67, b, 33);
}

/* Sends the invitation (the group's state for that member) to every member but the admin. */
static int
send_invites(struct cli_args *a, struct scl_client *c, const struct snc_identity *id,
	     const struct scl_group *g, size_t *sent, struct scl_error *err)
{
	*sent = 0;
	for (size_t i = 0; i < g->n_members; i++) {
		struct scl_group inv;
		struct scl_result r = {0};
		json_t *out = NULL;
		char *json, *text;
		int rc;

		if (memcmp(g->members[i], g->admin, 33) == 0)
			continue;
		if (scl_group_invite(g, g->members[i], &inv, err) != 0)
			return -1;
		json = scl_group_dump(&inv);
		scl_group_wipe(&inv);
		text = json != NULL ? malloc(strlen(json) + sizeof(invite_prefix)) : NULL;
		if (text == NULL) {
			free(json);
			return scl_fail(err, SCL_E_SYSTEM, "out of memory");
		}
		strcpy(text, invite_prefix);
		strcat(text, json);
		sodium_memzero(json, strlen(json));
		free(json);
		rc = cli_store_text(a, c, id, g->members[i], text, NULL, cli_now_ms(),
				    "store of an invitation", &out, &r, err);
		sodium_memzero(text, strlen(text));
		free(text);
		json_decref(out);
		scl_result_free(&r);
		if (rc != 0)
			return -1;
		(*sent)++;
	}
	return 0;
}

static void
print_group(const struct cli_args *a, const struct scl_group *g, const char *what, size_t sent)
{
	char id[67], admin[67], m[67];
	json_t *members = json_array();

	hex33(g->id, id);
	hex33(g->admin, admin);
	for (size_t i = 0; i < g->n_members; i++) {
		hex33(g->members[i], m);
		json_array_append_new(members, json_string(m));
	}
	if (a->json) {
		cli_json_out(json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:O, s:I}", "group",
				       g->name, "result", what, "id", id, "admin", admin,
				       "is_admin", g->has_seed, "gen", (json_int_t)g->gen, "keys",
				       (json_int_t)g->n_keys, "members", members, "invitations",
				       (json_int_t)sent));
	} else {
		printf("group %s (%s): %s\n  admin %s%s\n  %zu member(s), key generation %llu, %zu "
		       "key(s)\n",
		       g->name, what, id, admin, g->has_seed ? " (you)" : "", g->n_members,
		       (unsigned long long)g->gen, g->n_keys);
		if (sent > 0)
			printf("  %zu invitation(s) sent\n", sent);
	}
	json_decref(members);
}

static int
group_create(struct cli_args *a, const struct snc_identity *id, struct scl_error *err)
{
	const char *name = a->group != NULL ? a->group : a->name;
	uint8_t(*m)[33] = calloc(a->n_members + 1, 33);
	struct scl_group g;
	struct scl_client c = {0};
	size_t sent = 0;
	int rc = m != NULL ? 0 : scl_fail(err, SCL_E_SYSTEM, "out of memory");

	for (size_t i = 0; rc == 0 && i < a->n_members; i++)
		rc = cli_parse_session_id(a->members[i], m[i], err);
	if (rc == 0)
		rc = scl_group_create(&g, name, id, (const uint8_t(*)[33])m, a->n_members, err);
	free(m);
	if (rc == 0)
		rc = cli_group_save(home_of(a), &g, true, err);
	if (rc == 0)
		rc = cli_client(a, &c, err);
	if (rc == 0) {
		rc = send_invites(a, &c, id, &g, &sent, err);
		scl_client_free(&c);
	}
	if (rc == 0)
		print_group(a, &g, "created", sent);
	scl_group_wipe(&g);
	return rc;
}

/* The invitation in one opened message, if it is one from its group's admin for me. */
static int
invite_of(json_t *o, const struct snc_identity *id, const char *name, struct scl_group *g)
{
	const char *text = json_string_value(json_object_get(o, "text"));
	const char *from = json_string_value(json_object_get(o, "from"));
	uint8_t self[33];
	char admin[67];
	struct scl_error err;

	if (text == NULL || from == NULL ||
	    strncmp(text, invite_prefix, sizeof(invite_prefix) - 1) != 0 ||
	    scl_group_parse(g, text + sizeof(invite_prefix) - 1,
			    strlen(text) - (sizeof(invite_prefix) - 1), &err) != 0)
		return -1;
	snc_identity_session_id(id, self);
	hex33(g->admin, admin);
	if (g->has_seed || strcmp(admin, from) != 0 || strcmp(g->name, name) != 0 ||
	    scl_group_find(g, self) < 0) {
		scl_group_wipe(g);
		return -1;
	}
	return 0;
}

/* The newest invitation to `name` in the own inbox, of the group cur when the
 * account has it already (another inviter cannot shadow its updates); *found
 * false when none. */
static int
newest_invite(struct cli_args *a, const struct snc_identity *id, const char *name,
	      const struct scl_group *cur, struct scl_group *best, bool *found,
	      struct scl_error *err)
{
	struct scl_client c = {0};
	struct scl_result r = {0};
	uint8_t self[33];
	json_t *root = NULL, *m;
	size_t i;
	int rc;

	*found = false;
	snc_identity_session_id(id, self);
	rc = cli_client(a, &c, err);
	if (rc == 0)
		rc = cli_call(a, &c, self, scl_rpc_retrieve(id, 0, cli_now_ms(), NULL), "retrieve",
			      &r, err);
	if (rc == 0)
		root = json_loadb(r.body, r.body_len, 0, NULL);
	json_array_foreach(json_object_get(root, "messages"), i, m)
	{
		const char *why;
		json_t *o = cli_open_message(id, m, &why);
		struct scl_group g;

		if (o != NULL && invite_of(o, id, name, &g) == 0) {
			bool same = cur == NULL || (memcmp(cur->id, g.id, 33) == 0 &&
						    memcmp(cur->admin, g.admin, 33) == 0);

			if (same && (!*found || g.gen > best->gen))
				*best = g;
			*found = *found || same;
			scl_group_wipe(&g);
		}
		json_decref(o);
	}
	json_decref(root);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc;
}

static int
group_join(struct cli_args *a, const struct snc_identity *id, struct scl_error *err)
{
	struct scl_group inv, cur;
	bool found = false, have;
	const char *what = "joined";
	int rc;

	have = cli_group_load(home_of(a), a->group, &cur, err) == 0;
	if (have && cur.has_seed) {
		scl_group_wipe(&cur);
		return scl_fail(err, SCL_E_ACCOUNT, "you are the admin of group '%s'", a->group);
	}
	if (newest_invite(a, id, a->group, have ? &cur : NULL, &inv, &found, err) != 0) {
		scl_group_wipe(&cur);
		return -1;
	}
	if (!found) {
		scl_group_wipe(&cur);
		return scl_fail(err, SCL_E_ACCOUNT, "no invitation to group '%s' in your inbox",
				a->group);
	}
	rc = 0;
	if (have && inv.gen <= cur.gen)
		what = "up to date";
	else
		rc = cli_group_save(home_of(a), &inv, !have, err);
	if (rc == 0) {
		if (have && inv.gen > cur.gen)
			what = "updated";
		print_group(a, strcmp(what, "up to date") == 0 ? &cur : &inv, what, 0);
	}
	scl_group_wipe(&inv);
	scl_group_wipe(&cur);
	return rc;
}

static int
group_send(struct cli_args *a, const struct snc_identity *id, struct scl_group *g,
	   struct scl_error *err)
{
	size_t len = strlen(a->text), cap = snc_group_msg_ciphertext_len(len), ct_len = 0;
	long ttl = a->ttl_s > 0 ? a->ttl_s : CLI_TTL_DEFAULT_S;
	uint8_t *ct = cap > 0 ? malloc(cap) : NULL;
	struct scl_client c = {0};
	struct scl_result r = {0};
	json_t *res = NULL;
	int rc;

	if (ct == NULL || snc_group_msg_encrypt(id, g->keys[0], NULL, (const uint8_t *)a->text, len,
						ct, cap, &ct_len) != 0) {
		free(ct);
		return scl_fail(err, SCL_E_USAGE, "cannot encrypt this text (empty?)");
	}
	rc = cli_client(a, &c, err);
	if (rc == 0)
		rc = cli_call(
			a, &c, g->id,
			scl_group_rpc_store(g, id, ct, ct_len, (uint64_t)ttl * 1000, cli_now_ms()),
			"group store", &r, err);
	free(ct);
	if (rc == 0) {
		res = json_loadb(r.body, r.body_len, 0, NULL);
		if (a->json)
			cli_json_out(json_pack("{s:s, s:O, s:I, s:i}", "group", g->name, "hash",
					       json_object_get(res, "hash"), "gen",
					       (json_int_t)g->gen, "attempts", r.attempts));
		else
			printf("sent to group %s: hash %s (key generation %llu)\n", g->name,
			       json_string_value(json_object_get(res, "hash")),
			       (unsigned long long)g->gen);
	}
	json_decref(res);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc;
}

/* One group message decrypted with the known keys: {from, member, text, hash, timestamp}. */
static json_t *
open_group_message(const struct scl_group *g, json_t *m)
{
	const char *data = json_string_value(json_object_get(m, "data"));
	size_t dlen = data != NULL ? strlen(data) : 0, raw_len = 0, pt_len = 0, key = 0;
	uint8_t *raw = malloc(dlen + 1), *pt = malloc(dlen + 1), ed[32], sid[33];
	char from[67];
	json_t *o = NULL;

	if (raw != NULL && pt != NULL &&
	    sodium_base642bin(raw, dlen + 1, data, dlen, NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    snc_group_msg_decrypt(&g->keys[0][0], g->n_keys, raw, raw_len, pt, dlen + 1, &pt_len,
				  &key, ed, sid) == 0) {
		hex33(sid, from);
		o = json_pack("{s:s, s:b, s:s%, s:O, s:O, s:I}", "from", from, "member",
			      scl_group_find(g, sid) >= 0, "text", (const char *)pt, pt_len, "hash",
			      json_object_get(m, "hash"), "timestamp",
			      json_object_get(m, "timestamp"), "key", (json_int_t)key);
	}
	free(raw);
	free(pt);
	return o;
}

static void
print_messages(const struct cli_args *a, const char *name, json_t *list, size_t unreadable,
	       int attempts)
{
	size_t i;
	json_t *m;

	if (a->json) {
		cli_json_out(json_pack("{s:s, s:O, s:I, s:i}", "group", name, "messages", list,
				       "undecryptable", (json_int_t)unreadable, "attempts",
				       attempts));
		return;
	}
	json_array_foreach(list, i, m)
	{
		printf("from %s%s  at %lld  hash %s\n  %s\n",
		       json_string_value(json_object_get(m, "from")),
		       json_is_true(json_object_get(m, "member")) ? "" : " (not a member)",
		       (long long)json_integer_value(json_object_get(m, "timestamp")),
		       json_string_value(json_object_get(m, "hash")),
		       json_string_value(json_object_get(m, "text")));
	}
	printf("%zu message(s)", json_array_size(list));
	if (unreadable > 0)
		printf(", %zu that do not decrypt with the known keys (skipped)", unreadable);
	printf("\n");
}

static int
group_receive(struct cli_args *a, const struct snc_identity *id, struct scl_group *g,
	      struct scl_error *err)
{
	struct scl_client c = {0};
	struct scl_result r = {0};
	json_t *root = NULL, *list = json_array(), *m;
	size_t i, unreadable = 0;
	int rc = cli_client(a, &c, err);

	if (rc == 0)
		rc = cli_call(a, &c, g->id, scl_group_rpc_retrieve(g, id, cli_now_ms()),
			      "group retrieve", &r, err);
	if (rc == 0) {
		root = json_loadb(r.body, r.body_len, 0, NULL);
		if (!json_is_array(json_object_get(root, "messages")))
			rc = scl_fail(err, SCL_E_REPLY, "retrieve: no message list in the answer");
	}
	if (rc == 0) {
		json_array_foreach(json_object_get(root, "messages"), i, m)
		{
			json_t *o = open_group_message(g, m);

			if (o == NULL)
				unreadable++;
			else
				json_array_append_new(list, o);
		}
		print_messages(a, g->name, list, unreadable, r.attempts);
	}
	json_decref(root);
	json_decref(list);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc;
}

/* Revokes the member's token on the group's swarm, rotates the key, saves,
 * and sends the new state to the remaining members. */
static int
group_remove(struct cli_args *a, const struct snc_identity *id, struct scl_group *g,
	     struct scl_error *err)
{
	uint8_t member[33], token[SNC_SUBACCOUNT_TOKEN_BYTES];
	struct scl_client c = {0};
	struct scl_result r = {0};
	size_t sent = 0;
	int rc;

	if (a->n_members != 1)
		return scl_fail(err, SCL_E_USAGE, "group remove needs one --member 05...");
	if (cli_parse_session_id(a->members[0], member, err) != 0 ||
	    scl_group_remove(g, member, token, err) != 0)
		return -1;
	rc = cli_client(a, &c, err);
	if (rc == 0)
		rc = cli_call(a, &c, g->id, scl_group_rpc_revoke(g, token, cli_now_ms()),
			      "revoke_subaccount", &r, err);
	if (rc == 0)
		rc = cli_group_save(home_of(a), g, false, err);
	if (rc == 0)
		rc = send_invites(a, &c, id, g, &sent, err);
	if (rc == 0)
		print_group(a, g, "member removed, key rotated", sent);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc;
}

/* Admin: the invitations again (after a failed create or remove). */
static int
group_invite(struct cli_args *a, const struct snc_identity *id, struct scl_group *g,
	     struct scl_error *err)
{
	struct scl_client c = {0};
	size_t sent = 0;
	int rc;

	if (!g->has_seed)
		return scl_fail(err, SCL_E_USAGE, "only the group's admin can invite");
	rc = cli_client(a, &c, err);
	if (rc == 0)
		rc = send_invites(a, &c, id, g, &sent, err);
	if (rc == 0)
		print_group(a, g, "invitations sent", sent);
	scl_client_free(&c);
	return rc;
}

/* The commands that work on an existing group. */
static int
on_group(struct cli_args *a, const char *sub, const struct snc_identity *id, struct scl_error *err)
{
	struct scl_group g;
	int rc;

	if (strcmp(sub, "send") == 0 && a->text == NULL)
		return scl_fail(err, SCL_E_USAGE, "group send needs --text TEXT");
	if (a->text != NULL && strlen(a->text) > CLI_TEXT_MAX)
		return scl_fail(err, SCL_E_USAGE, "--text is longer than %d bytes", CLI_TEXT_MAX);
	if (cli_group_load(home_of(a), a->group, &g, err) != 0)
		return -1;
	if (strcmp(sub, "send") == 0)
		rc = group_send(a, id, &g, err);
	else if (strcmp(sub, "receive") == 0)
		rc = group_receive(a, id, &g, err);
	else if (strcmp(sub, "remove") == 0)
		rc = group_remove(a, id, &g, err);
	else if (strcmp(sub, "invite") == 0)
		rc = group_invite(a, id, &g, err);
	else {
		print_group(a, &g, "show", 0);
		rc = 0;
	}
	scl_group_wipe(&g);
	return rc;
}

int
cmd_group(struct cli_args *a, int argc, char **argv)
{
	static const char *const subs[] = {"create", "join",   "send", "receive",
					   "remove", "invite", "show"};
	struct scl_error err = {0};
	struct snc_identity id;
	const char *sub = argc > 0 ? argv[0] : "";
	bool known = false;
	int rc;

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		known = known || strcmp(sub, subs[i]) == 0;
	if (argc != 1 || !known)
		scl_fail(&err, SCL_E_USAGE,
			 "group needs one of create, join, send, receive, remove, invite, show");
	else if (home_of(a) == NULL)
		scl_fail(&err, SCL_E_USAGE, "no home directory: give --home or SNODE_CLI_HOME");
	else if (strcmp(sub, "create") != 0 && a->group == NULL)
		scl_fail(&err, SCL_E_USAGE, "group %s needs --group NAME", sub);
	else if (strcmp(sub, "create") == 0 && a->group == NULL && a->name == NULL)
		scl_fail(&err, SCL_E_USAGE, "group create needs --group NAME");
	if (err.code != SCL_OK || cli_load_account(a, &id, &err) != 0)
		return cli_error(a, &err);
	if (strcmp(sub, "create") == 0)
		rc = group_create(a, &id, &err);
	else if (strcmp(sub, "join") == 0)
		rc = group_join(a, &id, &err);
	else
		rc = on_group(a, sub, &id, &err);
	snc_identity_wipe(&id);
	return rc == 0 ? 0 : cli_error(a, &err);
}
