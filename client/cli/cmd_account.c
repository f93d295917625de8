/* SPDX-License-Identifier: MIT */
/* account create | restore | show */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "home.h"
#include "mnemonic.h"
#include "rpc.h"

static const char *
account_name(const struct cli_args *a)
{
	return a->name != NULL ? a->name : a->account != NULL ? a->account : "default";
}

/* The phrase of a seed, when it is a Session seed (its last 16 bytes zero). */
static bool
phrase_of(const uint8_t seed[32], char out[SCL_MNEMONIC_PHRASE_MAX])
{
	static const uint8_t zero[16];

	if (sodium_memcmp(seed + 16, zero, 16) != 0)
		return false;
	scl_mnemonic_encode(seed, out);
	return true;
}

static int
print_account(const struct cli_args *a, const char *name, const struct snc_identity *id,
	      const char *what, const char *phrase)
{
	char sid[67];

	scl_rpc_session_id_hex(id, sid);
	if (a->json) {
		json_t *o = json_pack("{s:s, s:s}", "account", name, "session_id", sid);

		if (phrase != NULL)
			json_object_set_new(o, "phrase", json_string(phrase));
		return cli_json_out(o);
	}
	printf("account '%s'%s\nSession ID: %s\n", name, what, sid);
	if (phrase != NULL)
		printf("recovery phrase (keep it secret; it restores this account):\n  %s\n",
		       phrase);
	return 0;
}

/* Saves seed as a new account and prints it. */
static int
save_and_print(struct cli_args *a, const uint8_t seed[32], const char *what, bool show_phrase)
{
	struct scl_error err = {0};
	const char *home = cli_home(a->home, a->home_buf, sizeof(a->home_buf));
	const char *name = account_name(a);
	char phrase[SCL_MNEMONIC_PHRASE_MAX];
	struct snc_identity id;
	int rc;

	if (home == NULL) {
		scl_fail(&err, SCL_E_USAGE, "no home directory: give --home or SNODE_CLI_HOME");
		return cli_error(a, &err);
	}
	if (snc_identity_from_seed(&id, seed) != 0 ||
	    cli_account_save(home, name, seed, &err) != 0) {
		if (err.code == SCL_OK)
			scl_fail(&err, SCL_E_SYSTEM, "unusable seed");
		return cli_error(a, &err);
	}
	rc = print_account(a, name, &id, what,
			   show_phrase && phrase_of(seed, phrase) ? phrase : NULL);
	sodium_memzero(phrase, sizeof(phrase));
	snc_identity_wipe(&id);
	return rc;
}

static int
create(struct cli_args *a)
{
	uint8_t seed[32];
	int rc;

	/* Session's seeds: 16 random bytes zero-extended, so a 13-word phrase holds them. */
	randombytes_buf(seed, SCL_MNEMONIC_SEED_BYTES);
	scl_mnemonic_ed25519_seed(seed, seed);
	rc = save_and_print(a, seed, " created", true);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

static int
restore(struct cli_args *a)
{
	struct scl_error err = {0};
	uint8_t seed16[SCL_MNEMONIC_SEED_BYTES], seed[32];
	int rc;

	if (a->phrase == NULL) {
		scl_fail(&err, SCL_E_USAGE, "account restore needs --phrase \"13 words\"");
		return cli_error(a, &err);
	}
	if (scl_mnemonic_decode(a->phrase, seed16, &err) != 0)
		return cli_error(a, &err);
	scl_mnemonic_ed25519_seed(seed16, seed);
	rc = save_and_print(a, seed, " restored", false);
	sodium_memzero(seed16, sizeof(seed16));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

static int
show(struct cli_args *a)
{
	struct scl_error err = {0};
	struct snc_identity id;
	char phrase[SCL_MNEMONIC_PHRASE_MAX];
	bool has_phrase;
	int rc;

	if (a->name != NULL)
		a->account = a->name;
	if (cli_load_account(a, &id, &err) != 0)
		return cli_error(a, &err);
	has_phrase = a->show_phrase && phrase_of(id.seed, phrase);
	rc = print_account(a, account_name(a), &id, "", has_phrase ? phrase : NULL);
	sodium_memzero(phrase, sizeof(phrase));
	snc_identity_wipe(&id);
	return rc;
}

int
cmd_account(struct cli_args *a, int argc, char **argv)
{
	struct scl_error err = {0};

	if (argc == 1 && strcmp(argv[0], "create") == 0)
		return create(a);
	if (argc == 1 && strcmp(argv[0], "restore") == 0)
		return restore(a);
	if (argc == 1 && strcmp(argv[0], "show") == 0)
		return show(a);
	scl_fail(&err, SCL_E_USAGE, "account create | restore | show");
	return cli_error(a, &err);
}
