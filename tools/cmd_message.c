/* SPDX-License-Identifier: MIT */
/*
 * `snode-tool session-encrypt|session-decrypt|group-encrypt|group-decrypt`:
 * Session end-to-end message crypto (crypto/session_msg.c, group_msg.c) for
 * tests and debugging against real clients. Keys are given on the command
 * line, so these are test tools: they never touch the node's key file.
 * A malformed argument (hex, base64, missing option) is a usage error (exit
 * 2); a well-formed input the crypto rejects is a failure (exit 1).
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_msg.h"
#include "identity.h"
#include "session_msg.h"
#include "tool.h"

enum {
	MSG_MAX_KEYS = 16, /* --key options group-decrypt accepts */
};

enum msg_opt {
	OPT_SENDER_SEED = 's',
	OPT_RECIPIENT = 'r',
	OPT_RECIPIENT_SEED = 'R',
	OPT_AUTHOR_SEED = 'a',
	OPT_KEY = 'k',
	OPT_NONCE = 'n',
	OPT_DATA = 'd',
	OPT_DETERMINISTIC = 'D',
	OPT_PAD = 'p',
	OPT_UNPAD = 'u',
	OPT_HELP = 'h',
};

struct msg_args {
	const char *sender_seed, *recipient, *recipient_seed, *author_seed, *nonce, *data;
	const char *keys[MSG_MAX_KEYS];
	size_t nkeys;
	bool deterministic, pad, unpad;
};

static const struct option opts_session_encrypt[] = {
	{"sender-seed", required_argument, NULL, OPT_SENDER_SEED},
	{"recipient", required_argument, NULL, OPT_RECIPIENT},
	{"data-b64", required_argument, NULL, OPT_DATA},
	{"deterministic", no_argument, NULL, OPT_DETERMINISTIC},
	{"pad", no_argument, NULL, OPT_PAD},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static const struct option opts_session_decrypt[] = {
	{"recipient-seed", required_argument, NULL, OPT_RECIPIENT_SEED},
	{"data-b64", required_argument, NULL, OPT_DATA},
	{"unpad", no_argument, NULL, OPT_UNPAD},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static const struct option opts_group_encrypt[] = {
	{"author-seed", required_argument, NULL, OPT_AUTHOR_SEED},
	{"key", required_argument, NULL, OPT_KEY},
	{"nonce", required_argument, NULL, OPT_NONCE},
	{"data-b64", required_argument, NULL, OPT_DATA},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static const struct option opts_group_decrypt[] = {
	{"key", required_argument, NULL, OPT_KEY},
	{"data-b64", required_argument, NULL, OPT_DATA},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* Returns 0, -1 after printing help (exit 0), or a TOOL_EXIT_USAGE code. */
static int
parse_args(const char *cmd, const char *synopsis, const struct option *table, int argc, char **argv,
	   struct msg_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", table, NULL)) != -1) {
		switch (c) {
		case OPT_SENDER_SEED:
			a->sender_seed = optarg;
			break;
		case OPT_RECIPIENT:
			a->recipient = optarg;
			break;
		case OPT_RECIPIENT_SEED:
			a->recipient_seed = optarg;
			break;
		case OPT_AUTHOR_SEED:
			a->author_seed = optarg;
			break;
		case OPT_KEY:
			if (a->nkeys == MSG_MAX_KEYS)
				return tool_usage_error(cmd, "at most %d --key options",
							MSG_MAX_KEYS);
			a->keys[a->nkeys++] = optarg;
			break;
		case OPT_NONCE:
			a->nonce = optarg;
			break;
		case OPT_DATA:
			a->data = optarg;
			break;
		case OPT_DETERMINISTIC:
			a->deterministic = true;
			break;
		case OPT_PAD:
			a->pad = true;
			break;
		case OPT_UNPAD:
			a->unpad = true;
			break;
		case OPT_HELP:
			printf("usage: snode-tool %s %s\n", cmd, synopsis);
			return -1;
		default:
			return tool_usage_error(cmd, "unknown option or missing value: %s",
						argv[optind - 1]);
		}
	}
	if (optind != argc)
		return tool_usage_error(cmd, "unexpected argument: %s", argv[optind]);
	if (a->data == NULL)
		return tool_usage_error(cmd, "--data-b64 is required");
	return 0;
}

static const char *
why(int rc)
{
	switch (rc) {
	case -EBADMSG:
		return "not a valid message for this key (wrong key, corrupted or truncated)";
	case -EKEYREJECTED:
		return "signature or sender key rejected";
	case -ENOKEY:
		return "none of the keys decrypts it";
	case -ENOTSUP:
		return "compressed (zstd) group messages are not supported";
	case -EPROTONOSUPPORT:
		return "unsupported message version";
	case -EMSGSIZE:
		return "message too large";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-rc);
	}
}

/* Seed option to identity; prints the usage error itself. */
static int
seed_identity(const char *cmd, const char *opt, const char *hex, struct snc_identity *id)
{
	uint8_t seed[SNC_SEED_BYTES];
	int rc;

	if (hex == NULL)
		return tool_usage_error(cmd, "--%s is required", opt);
	if (tool_hex_exact(hex, seed, sizeof(seed)) != 0)
		return tool_usage_error(cmd, "--%s needs 64 hex characters", opt);
	rc = snc_identity_from_seed(id, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc == 0 ? 0 : tool_fail(cmd, "--%s: key derivation failed", opt);
}

static int
print_cipher(const uint8_t *ct, size_t len)
{
	json_t *o = json_object();

	json_object_set_new(o, "ciphertext_b64", tool_json_b64(ct, len));
	json_object_set_new(o, "length", json_integer((json_int_t)len));
	return tool_print_json(o);
}

int
tool_cmd_session_encrypt(int argc, char **argv)
{
	static const char cmd[] = "session-encrypt";
	struct msg_args a;
	struct snc_identity id;
	uint8_t rid[SNC_SESSION_ID_BYTES], *data = NULL, *msg, *padded = NULL, *ct = NULL;
	size_t len, msglen, ctlen = 0;
	int rc = parse_args(cmd,
			    "--sender-seed HEX64 --recipient HEX66 --data-b64 B64 "
			    "[--deterministic] [--pad]",
			    opts_session_encrypt, argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (a.recipient == NULL)
		return tool_usage_error(cmd, "--recipient is required");
	if (tool_hex_exact(a.recipient, rid, sizeof(rid)) != 0 || rid[0] != 0x05)
		return tool_usage_error(cmd, "--recipient needs a 66-hex-character 05 Session ID");
	if (tool_b64_decode(a.data, &data, &len) != 0)
		return tool_usage_error(cmd, "--data-b64 is not valid base64");
	rc = seed_identity(cmd, "sender-seed", a.sender_seed, &id);
	if (rc != 0) {
		free(data);
		return rc;
	}
	msg = data;
	msglen = len;
	if (a.pad) {
		msglen = snc_session_msg_padded_len(len);
		padded = malloc(msglen);
		if (padded == NULL ||
		    snc_session_msg_pad(data, len, padded, msglen, &msglen) != 0) {
			rc = tool_fail(cmd, "cannot pad %zu bytes", len);
			goto out;
		}
		msg = padded;
	}
	ct = malloc(msglen + SNC_SESSION_MSG_OVERHEAD);
	if (ct == NULL) {
		rc = tool_fail(cmd, "out of memory");
		goto out;
	}
	if (a.deterministic)
		rc = snc_session_msg_encrypt_deterministic(
			&id, rid + 1, msg, msglen, ct, msglen + SNC_SESSION_MSG_OVERHEAD, &ctlen);
	else
		rc = snc_session_msg_encrypt(&id, rid + 1, msg, msglen, ct,
					     msglen + SNC_SESSION_MSG_OVERHEAD, &ctlen);
	rc = rc == 0 ? print_cipher(ct, ctlen) : tool_fail(cmd, "%s", why(rc));
out:
	snc_identity_wipe(&id);
	if (padded != NULL)
		sodium_memzero(padded, msglen);
	sodium_memzero(data, len);
	free(padded);
	free(data);
	free(ct);
	return rc;
}

int
tool_cmd_session_decrypt(int argc, char **argv)
{
	static const char cmd[] = "session-decrypt";
	struct msg_args a;
	struct snc_identity id;
	uint8_t pk[SNC_ED25519_PK_BYTES], sid[SNC_SESSION_ID_BYTES], *data = NULL, *out = NULL;
	size_t len, outlen = 0;
	json_t *o;
	int rc = parse_args(cmd, "--recipient-seed HEX64 --data-b64 B64 [--unpad]",
			    opts_session_decrypt, argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (tool_b64_decode(a.data, &data, &len) != 0)
		return tool_usage_error(cmd, "--data-b64 is not valid base64");
	rc = seed_identity(cmd, "recipient-seed", a.recipient_seed, &id);
	if (rc != 0) {
		free(data);
		return rc;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		rc = tool_fail(cmd, "out of memory");
		goto out;
	}
	rc = snc_session_msg_decrypt(&id, data, len, out, len, &outlen, pk, sid);
	if (rc != 0) {
		rc = tool_fail(cmd, "%s", why(rc));
		goto out;
	}
	if (a.unpad && snc_session_msg_unpad(out, outlen, &outlen) != 0) {
		rc = tool_fail(cmd, "decrypted, but the padding has no 0x80 marker");
		goto out;
	}
	o = json_object();
	json_object_set_new(o, "data_b64", tool_json_b64(out, outlen));
	json_object_set_new(o, "sender_ed25519", tool_json_hex(pk, sizeof(pk)));
	json_object_set_new(o, "sender_session_id", tool_json_hex(sid, sizeof(sid)));
	rc = tool_print_json(o);
out:
	snc_identity_wipe(&id);
	if (out != NULL)
		sodium_memzero(out, len);
	free(out);
	free(data);
	return rc;
}

/* Decodes every --key into keys (MSG_MAX_KEYS * 32 bytes); prints the usage error. */
static int
decode_keys(const char *cmd, const struct msg_args *a, uint8_t *keys)
{
	if (a->nkeys == 0)
		return tool_usage_error(cmd, "--key is required");
	for (size_t i = 0; i < a->nkeys; i++)
		if (tool_hex_exact(a->keys[i], keys + i * SNC_GROUP_MSG_KEY_BYTES,
				   SNC_GROUP_MSG_KEY_BYTES) != 0)
			return tool_usage_error(cmd, "--key needs 64 hex characters");
	return 0;
}

int
tool_cmd_group_encrypt(int argc, char **argv)
{
	static const char cmd[] = "group-encrypt";
	struct msg_args a;
	struct snc_identity id;
	uint8_t key[MSG_MAX_KEYS * SNC_GROUP_MSG_KEY_BYTES], nonce[SNC_GROUP_MSG_NONCE_BYTES];
	uint8_t *data = NULL, *ct = NULL;
	size_t len, need, ctlen = 0;
	int rc = parse_args(cmd, "--author-seed HEX64 --key HEX64 --data-b64 B64 [--nonce HEX48]",
			    opts_group_encrypt, argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	rc = decode_keys(cmd, &a, key);
	if (rc != 0)
		return rc;
	if (a.nkeys != 1)
		return tool_usage_error(cmd, "exactly one --key encrypts");
	if (a.nonce != NULL && tool_hex_exact(a.nonce, nonce, sizeof(nonce)) != 0)
		return tool_usage_error(cmd, "--nonce needs 48 hex characters");
	if (tool_b64_decode(a.data, &data, &len) != 0)
		return tool_usage_error(cmd, "--data-b64 is not valid base64");
	rc = seed_identity(cmd, "author-seed", a.author_seed, &id);
	if (rc != 0) {
		free(data);
		sodium_memzero(key, sizeof(key));
		return rc;
	}
	need = snc_group_msg_ciphertext_len(len);
	ct = need == 0 ? NULL : malloc(need);
	if (len == 0) {
		rc = tool_fail(cmd, "empty data: Session clients reject empty group messages");
		goto out;
	}
	if (need == 0) {
		rc = tool_fail(cmd, "data is %zu bytes, the limit is %d", len,
			       SNC_GROUP_MSG_MAX_PLAINTEXT);
		goto out;
	}
	if (ct == NULL) {
		rc = tool_fail(cmd, "out of memory");
		goto out;
	}
	rc = snc_group_msg_encrypt(&id, key, a.nonce != NULL ? nonce : NULL, data, len, ct, need,
				   &ctlen);
	rc = rc == 0 ? print_cipher(ct, ctlen) : tool_fail(cmd, "%s", why(rc));
out:
	snc_identity_wipe(&id);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(data, len);
	free(data);
	free(ct);
	return rc;
}

int
tool_cmd_group_decrypt(int argc, char **argv)
{
	static const char cmd[] = "group-decrypt";
	struct msg_args a;
	uint8_t keys[MSG_MAX_KEYS * SNC_GROUP_MSG_KEY_BYTES];
	uint8_t pk[SNC_ED25519_PK_BYTES], sid[SNC_SESSION_ID_BYTES], *data = NULL, *out = NULL;
	size_t len, outlen = 0, idx = 0;
	json_t *o;
	int rc = parse_args(cmd, "--key HEX64 [--key HEX64 ...] --data-b64 B64", opts_group_decrypt,
			    argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	rc = decode_keys(cmd, &a, keys);
	if (rc != 0)
		return rc;
	if (tool_b64_decode(a.data, &data, &len) != 0) {
		sodium_memzero(keys, sizeof(keys));
		return tool_usage_error(cmd, "--data-b64 is not valid base64");
	}
	out = malloc(len + 1);
	if (out == NULL) {
		rc = tool_fail(cmd, "out of memory");
		goto out;
	}
	rc = snc_group_msg_decrypt(keys, a.nkeys, data, len, out, len, &outlen, &idx, pk, sid);
	if (rc != 0) {
		rc = tool_fail(cmd, "%s", why(rc));
		goto out;
	}
	o = json_object();
	json_object_set_new(o, "data_b64", tool_json_b64(out, outlen));
	json_object_set_new(o, "author_ed25519", tool_json_hex(pk, sizeof(pk)));
	json_object_set_new(o, "author_session_id", tool_json_hex(sid, sizeof(sid)));
	json_object_set_new(o, "key_index", json_integer((json_int_t)idx));
	rc = tool_print_json(o);
out:
	sodium_memzero(keys, sizeof(keys));
	if (out != NULL)
		sodium_memzero(out, len);
	free(out);
	free(data);
	return rc;
}
