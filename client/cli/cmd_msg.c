/* SPDX-License-Identifier: MIT */
/* send | receive | delete | delete-all | expire: one-to-one Session messages in namespace 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "home.h"
#include "seen.h"
#include "msg_hash.h"
#include "rpc.h"
#include "session_text.h"

/* One request to an account's swarm; the answer must be 2xx. */
int
cli_call(struct cli_args *a, struct scl_client *c, const uint8_t pubkey[33], char *body,
	 const char *what, struct scl_result *res, struct scl_error *err)
{
	int rc;

	if (body == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "%s: cannot build the request", what);
	rc = scl_client_account_call(c, pubkey, body, strlen(body), res, err);
	free(body);
	if (rc == 0 && scl_result_check(res, what, err) != 0)
		rc = -1;
	(void)a;
	return rc;
}

/* Members of "swarm" in a recursive result that did not fail, as a JSON array. */
static json_t *
swarm_ok(json_t *result, size_t *total)
{
	json_t *ok = json_array(), *v;
	const char *ed;

	*total = 0;
	json_object_foreach(json_object_get(result, "swarm"), ed, v)
	{
		(*total)++;
		if (!json_is_true(json_object_get(v, "failed")))
			json_array_append_new(ok, json_string(ed));
	}
	return ok;
}

/* Seals text for pubkey: *data (malloc'd), or an error that says what is wrong. */
static int
seal_text(const struct snc_identity *id, const uint8_t pubkey[33], const char *text,
	  const char *sync_target, uint64_t sent_ms, uint8_t **data, size_t *len,
	  struct scl_error *err)
{
	int rc = scl_session_text_seal(id, pubkey, text, sync_target, sent_ms, data, len);

	if (rc == -EINVAL)
		return scl_fail(err, SCL_E_USAGE, "the text is not UTF-8 (or a NUL byte)");
	if (rc == -EKEYREJECTED)
		return scl_fail(err, SCL_E_USAGE, "cannot encrypt to this Session ID");
	if (rc != 0)
		return scl_fail(err, SCL_E_SYSTEM, "cannot seal the message: %s", strerror(-rc));
	return 0;
}

int
cli_store_text(struct cli_args *a, struct scl_client *c, const struct snc_identity *id,
	       const uint8_t pubkey[33], const char *text, const char *sync_target,
	       uint64_t sent_ms, const char *what, json_t **out, struct scl_result *res,
	       struct scl_error *err)
{
	long ttl = a->ttl_s > 0 ? a->ttl_s : CLI_TTL_DEFAULT_S;
	uint8_t *data = NULL;
	size_t len = 0;
	char *body;

	if (seal_text(id, pubkey, text, sync_target, sent_ms, &data, &len, err) != 0)
		return -1;
	body = scl_rpc_store(pubkey, 0, data, len, (uint64_t)ttl * 1000, sent_ms);
	free(data);
	if (cli_call(a, c, pubkey, body, what, res, err) != 0)
		return -1;
	*out = json_loadb(res->body, res->body_len, 0, NULL);
	if (!json_is_string(json_object_get(*out, "hash"))) {
		json_decref(*out);
		*out = NULL;
		return scl_fail(err, SCL_E_REPLY, "%s: no hash in the answer", what);
	}
	return 0;
}

static void
print_sent(const struct cli_args *a, json_t *to_res, json_t *self_res, int attempts)
{
	size_t total = 0, self_total = 0;
	json_t *ok = swarm_ok(to_res, &total), *self_ok = swarm_ok(self_res, &self_total);
	const char *hash = json_string_value(json_object_get(to_res, "hash"));
	const char *copy = json_string_value(json_object_get(self_res, "hash"));

	/* No copy (copy == NULL) for a note to self. */
	if (a->json) {
		cli_json_out(json_pack("{s:s, s:s, s:O, s:I, s:s?, s:O, s:i}", "to", a->to, "hash",
				       hash, "stored_by", ok, "swarm_size", (json_int_t)total,
				       "copy_hash", copy, "copy_stored_by", self_ok, "attempts",
				       attempts));
	} else {
		printf("sent to %s\n  hash %s, stored by %zu of %zu swarm member(s)\n", a->to, hash,
		       json_array_size(ok), total);
		if (copy != NULL)
			printf("  copy for your other devices: hash %s, stored by %zu of %zu\n",
			       copy, json_array_size(self_ok), self_total);
	}
	json_decref(ok);
	json_decref(self_ok);
}

int
cmd_send(struct cli_args *a)
{
	struct scl_error err = {0};
	struct snc_identity id;
	struct scl_client c = {0};
	struct scl_result r1 = {0}, r2 = {0};
	uint8_t to[33], self[33];
	char to_hex[67];
	uint64_t sent_ms = cli_now_ms(); /* one time: the copy must match the original */
	json_t *to_res = NULL, *self_res = NULL;
	int rc;

	if (a->to == NULL || a->text == NULL)
		scl_fail(&err, SCL_E_USAGE, "send needs --to SESSION_ID and --text TEXT");
	else if (strlen(a->text) > CLI_TEXT_MAX)
		scl_fail(&err, SCL_E_USAGE, "--text is longer than %d bytes", CLI_TEXT_MAX);
	if (err.code != SCL_OK || cli_parse_session_id(a->to, to, &err) != 0)
		return cli_error(a, &err);
	if (cli_load_account(a, &id, &err) != 0)
		return cli_error(a, &err);
	snc_identity_session_id(&id, self);
	sodium_bin2hex(to_hex, sizeof(to_hex), to, sizeof(to)); /* lower case, as the apps */
	rc = cli_client(a, &c, &err);
	if (rc == 0)
		rc = cli_store_text(a, &c, &id, to, a->text, NULL, sent_ms,
				    "store to the recipient", &to_res, &r1, &err);
	/* The copy for this account's other devices: a sync message naming the recipient
	 * (none for a note to self: the message itself is already in this inbox). */
	if (rc == 0 && memcmp(to, self, sizeof(to)) != 0)
		rc = cli_store_text(a, &c, &id, self, a->text, to_hex, sent_ms, "store of the copy",
				    &self_res, &r2, &err);
	if (rc == 0)
		print_sent(a, to_res, self_res, r1.attempts);
	json_decref(to_res);
	json_decref(self_res);
	scl_result_free(&r1);
	scl_result_free(&r2);
	scl_client_free(&c);
	snc_identity_wipe(&id);
	return rc == 0 ? 0 : cli_error(a, &err);
}

json_t *
cli_open_message(const struct snc_identity *id, json_t *m, const char **why)
{
	const char *data = json_string_value(json_object_get(m, "data"));
	size_t dlen = data != NULL ? strlen(data) : 0, raw_len = 0;
	uint8_t *raw = malloc(dlen + 1);
	struct scl_text_msg msg;
	struct scl_session_text_meta meta;
	char sid[67];
	json_t *o = NULL;
	int rc = -EPROTO;

	if (raw == NULL)
		rc = -ENOMEM;
	else if (sodium_base642bin(raw, dlen + 1, data, dlen, NULL, &raw_len, NULL,
				   sodium_base64_VARIANT_ORIGINAL) == 0)
		rc = scl_session_text_open(id, raw, raw_len, &msg, &meta);
	free(raw);
	*why = scl_session_text_error(rc);
	if (rc != 0)
		return NULL;
	sodium_bin2hex(sid, sizeof(sid), meta.sender, sizeof(meta.sender));
	o = json_pack("{s:s, s:s, s:I, s:O, s:O, s:O}", "from", sid, "text", msg.text, "sent",
		      (json_int_t)meta.sent_ms, "hash", json_object_get(m, "hash"), "timestamp",
		      json_object_get(m, "timestamp"), "expiration",
		      json_object_get(m, "expiration"));
	if (o != NULL && msg.sync_target != NULL)
		json_object_set_new(o, "sync_target", json_string(msg.sync_target));
	scl_text_msg_free(&msg);
	return o;
}

/* "from X" or, for a sync copy of this account's own message, "to Y". */
static void
print_one(json_t *m)
{
	const char *to = json_string_value(json_object_get(m, "sync_target"));

	if (to != NULL)
		printf("to %s (sent from this account)", to);
	else
		printf("from %s", json_string_value(json_object_get(m, "from")));
	printf("  at %lld  hash %s\n  %s\n",
	       (long long)json_integer_value(json_object_get(m, "sent")),
	       json_string_value(json_object_get(m, "hash")),
	       json_string_value(json_object_get(m, "text")));
}

/* skipped: {reason: count} of the messages that did not open (scl_session_text_error). */
static void
print_received(const struct cli_args *a, json_t *list, json_t *skipped, int attempts)
{
	size_t i, unreadable = 0;
	const char *why;
	json_t *m, *n;

	json_object_foreach(skipped, why, n) unreadable += (size_t)json_integer_value(n);
	if (a->json) { /* "undecryptable": those that are not for this account (or forged) */
		cli_json_out(
			json_pack("{s:O, s:I, s:O, s:i}", "messages", list, "undecryptable",
				  json_integer_value(json_object_get(skipped, "undecryptable")),
				  "skipped", skipped, "attempts", attempts));
		return;
	}
	json_array_foreach(list, i, m) print_one(m);
	printf("%zu message(s)", json_array_size(list));
	if (unreadable > 0) {
		printf(", %zu skipped:", unreadable);
		json_object_foreach(skipped, why, n)
			printf(" %s %lld", why, (long long)json_integer_value(n));
	}
	printf("\n");
}

/* Counts one message that did not open under its reason. */
static void
count_skipped(json_t *skipped, const char *why)
{
	json_t *n = json_object_get(skipped, why);

	json_object_set_new(skipped, why, json_integer(json_integer_value(n) + 1));
}

/* Each retrieved message opened into list, or counted in skipped by reason; with seen
 * (--new), only the messages not shown before, each then added to it. */
static int
open_all(const struct snc_identity *id, json_t *messages, struct cli_seen *seen, json_t *list,
	 json_t *skipped)
{
	size_t i;
	json_t *m;

	json_array_foreach(messages, i, m)
	{
		const char *why, *hash = json_string_value(json_object_get(m, "hash"));
		json_t *o;

		if (seen != NULL && hash != NULL && cli_seen_has(seen, hash))
			continue;
		o = cli_open_message(id, m, &why);
		if (o == NULL)
			count_skipped(skipped, why);
		else
			json_array_append_new(list, o);
		if (seen != NULL && hash != NULL &&
		    cli_seen_add(seen, hash,
				 (uint64_t)json_integer_value(json_object_get(m, "expiration"))) !=
			    0)
			return -ENOMEM;
	}
	return 0;
}

/* The messages of the account's swarm, opened (and with --new, only the unseen ones). */
static int
receive_into(struct cli_args *a, const struct snc_identity *id, struct cli_seen *seen, json_t *list,
	     json_t *skipped, int *attempts, struct scl_error *err)
{
	struct scl_client c = {0};
	struct scl_result r = {0};
	uint8_t self[33];
	json_t *root = NULL, *msgs = NULL;
	int rc;

	snc_identity_session_id(id, self);
	rc = cli_client(a, &c, err);
	if (rc == 0)
		rc = cli_call(a, &c, self, scl_rpc_retrieve(id, 0, cli_now_ms(), NULL), "retrieve",
			      &r, err);
	if (rc == 0) {
		root = json_loadb(r.body, r.body_len, 0, NULL);
		msgs = json_object_get(root, "messages");
		if (!json_is_array(msgs))
			rc = scl_fail(err, SCL_E_REPLY, "retrieve: no message list in the answer");
	}
	if (rc == 0 && open_all(id, msgs, seen, list, skipped) != 0)
		rc = scl_fail(err, SCL_E_SYSTEM, "out of memory");
	*attempts = r.attempts;
	json_decref(root);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc;
}

int
cmd_receive(struct cli_args *a)
{
	struct scl_error err = {0};
	struct snc_identity id;
	struct cli_seen seen;
	const char *home = cli_home(a->home, a->home_buf, sizeof(a->home_buf));
	json_t *list = json_array(), *skipped = json_object();
	int attempts = 0, rc = cli_load_account(a, &id, &err);
	bool locked = false;

	if (rc == 0 && a->only_new) {
		rc = cli_seen_open(&seen, home, a->account != NULL ? a->account : "default", &err);
		locked = rc == 0;
	}
	if (rc == 0)
		rc = receive_into(a, &id, locked ? &seen : NULL, list, skipped, &attempts, &err);
	if (rc == 0 && locked)
		rc = cli_seen_save(&seen, cli_now_ms(), &err);
	if (rc == 0)
		print_received(a, list, skipped, attempts);
	if (locked)
		cli_seen_close(&seen);
	json_decref(list);
	json_decref(skipped);
	snc_identity_wipe(&id);
	return rc == 0 ? 0 : cli_error(a, &err);
}

/* The union of one list field over the swarm members' results (e.g. "deleted"). */
static json_t *
swarm_union(json_t *result, const char *field)
{
	json_t *all = json_object(), *v, *list, *x, *out = json_array();
	const char *ed, *h;
	size_t i;

	json_object_foreach(json_object_get(result, "swarm"), ed, v)
	{
		list = json_object_get(v, field);
		if (json_is_object(list)) { /* {"<ns>": [...]} for "all" namespaces */
			const char *ns;
			json_t *l;

			json_object_foreach(list, ns, l)
			{
				json_array_foreach(l, i, x)
				{
					if (json_is_string(x))
						json_object_set(all, json_string_value(x), x);
				}
			}
		}
		json_array_foreach(list, i, x)
		{
			if (json_is_string(x))
				json_object_set(all, json_string_value(x), x);
		}
	}
	json_object_foreach(all, h, x) json_array_append_new(out, json_string(h));
	json_decref(all);
	return out;
}

static int
check_hashes(const struct cli_args *a, struct scl_error *err)
{
	if (a->n_hashes == 0)
		return scl_fail(err, SCL_E_USAGE, "give the message(s) with --hash H");
	for (size_t i = 0; i < a->n_hashes; i++)
		if (!snc_msg_hash_is_valid(a->hashes[i], strlen(a->hashes[i])))
			return scl_fail(err, SCL_E_USAGE,
					"bad message hash '%.60s': expected 43 base64 characters",
					a->hashes[i]);
	return 0;
}

/* Runs a signed request on the own account and prints the union of field. */
static int
own_request(struct cli_args *a, const struct snc_identity *id, char *body, const char *what,
	    const char *field, json_t *extra)
{
	struct scl_error err = {0};
	struct scl_client c = {0};
	struct scl_result r = {0};
	uint8_t self[33];
	json_t *root, *list;
	int rc;

	snc_identity_session_id(id, self);
	rc = cli_client(a, &c, &err);
	if (rc == 0)
		rc = cli_call(a, &c, self, body, what, &r, &err);
	else
		free(body);
	if (rc == 0) {
		root = json_loadb(r.body, r.body_len, 0, NULL);
		list = swarm_union(root, field);
		if (a->json) {
			json_object_set(extra, field, list);
			cli_json_out(json_incref(extra));
		} else {
			printf("%s: %zu message(s)\n", what, json_array_size(list));
		}
		json_decref(list);
		json_decref(root);
	}
	json_decref(extra);
	scl_result_free(&r);
	scl_client_free(&c);
	return rc == 0 ? 0 : cli_error(a, &err);
}

int
cmd_delete(struct cli_args *a, bool all)
{
	struct scl_error err = {0};
	struct snc_identity id;
	char *body;
	int rc;

	if (!all && check_hashes(a, &err) != 0)
		return cli_error(a, &err);
	if (cli_load_account(a, &id, &err) != 0)
		return cli_error(a, &err);
	body = all ? scl_rpc_delete_all(&id, a->all_ns ? SNC_STORAGE_SIG_NS_ALL : 0, cli_now_ms())
		   : scl_rpc_delete(&id, a->hashes, a->n_hashes);
	rc = own_request(a, &id, body, all ? "deleted (all)" : "deleted", "deleted", json_object());
	snc_identity_wipe(&id);
	return rc;
}

int
cmd_expire(struct cli_args *a)
{
	struct scl_error err = {0};
	struct snc_identity id;
	uint64_t expiry;
	char *body;
	int rc;

	if (check_hashes(a, &err) != 0)
		return cli_error(a, &err);
	if (a->ttl_s == 0) {
		scl_fail(&err, SCL_E_USAGE,
			 "expire needs --ttl SECONDS (the new lifetime from now)");
		return cli_error(a, &err);
	}
	if (cli_load_account(a, &id, &err) != 0)
		return cli_error(a, &err);
	expiry = cli_now_ms() + (uint64_t)a->ttl_s * 1000;
	body = scl_rpc_expire(&id, a->hashes, a->n_hashes, expiry);
	rc = own_request(a, &id, body, "expiry updated", "updated",
			 json_pack("{s:I}", "expiry", (json_int_t)expiry));
	snc_identity_wipe(&id);
	return rc;
}
