/* SPDX-License-Identifier: MIT */
/*
 * `snode-tool keygen` and `snode-tool id`: create and show a node identity.
 * keygen never overwrites an existing key: losing a seed loses the node.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "identity.h"
#include "tool.h"

static const struct option identity_opts[] = {
	{"data-dir", required_argument, NULL, 'd'},
	{"from-seed", required_argument, NULL, 's'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static json_t *
identity_json(const struct snc_identity *id, const char *path)
{
	uint8_t sid[SNC_SESSION_ID_BYTES];
	json_t *o = json_object();

	snc_identity_session_id(id, sid);
	json_object_set_new(o, "key_file", json_string(path));
	json_object_set_new(o, "ed25519", tool_json_hex(id->ed25519_pk, sizeof(id->ed25519_pk)));
	json_object_set_new(o, "x25519", tool_json_hex(id->x25519_pk, sizeof(id->x25519_pk)));
	json_object_set_new(o, "session_id", tool_json_hex(sid, sizeof(sid)));
	return o;
}

static int
key_path(const char *cmd, const char *dir, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/%s", dir, SNC_IDENTITY_FILE) >= len)
		return tool_usage_error(cmd, "data dir path too long: %s", dir);
	return 0;
}

/* mkdir -p: parents as 0755, the data dir itself private (0700). */
static int
make_data_dir(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Parses the shared options; seed_hex may be NULL for commands that do not take it. */
static int
parse_opts(const char *cmd, int argc, char **argv, const char **dir, const char **seed_hex)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", identity_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*dir = optarg;
			break;
		case 's':
			if (seed_hex == NULL)
				return tool_usage_error(cmd, "--from-seed is only for keygen");
			*seed_hex = optarg;
			break;
		case 'h':
			printf("usage: snode-tool %s [--data-dir DIR]%s\n", cmd,
			       seed_hex != NULL ? " [--from-seed HEX64]" : "");
			return -1;
		default:
			return tool_usage_error(cmd, "unknown option");
		}
	}
	if (optind != argc)
		return tool_usage_error(cmd, "unexpected argument: %s", argv[optind]);
	return 0;
}

int
tool_cmd_keygen(int argc, char **argv)
{
	const char *dir = tool_default_data_dir(), *seed_hex = NULL;
	uint8_t seed[SNC_SEED_BYTES];
	struct snc_identity id;
	char path[PATH_MAX], err[PATH_MAX + 128];
	int rc = parse_opts("keygen", argc, argv, &dir, &seed_hex);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (key_path("keygen", dir, path, sizeof(path)) != 0)
		return TOOL_EXIT_USAGE;
	if (seed_hex != NULL) {
		if (tool_hex_exact(seed_hex, seed, sizeof(seed)) != 0)
			return tool_usage_error("keygen", "--from-seed needs 64 hex characters");
	} else {
		randombytes_buf(seed, sizeof(seed));
	}
	rc = make_data_dir(dir);
	if (rc != 0) {
		sodium_memzero(seed, sizeof(seed));
		return tool_fail("keygen", "%s: cannot create data dir: %s", dir, strerror(-rc));
	}
	rc = snc_identity_save(path, seed, err, sizeof(err));
	if (rc == 0)
		rc = snc_identity_from_seed(&id, seed);
	sodium_memzero(seed, sizeof(seed));
	if (rc != 0)
		return tool_fail("keygen", "%s", err);
	rc = tool_print_json(identity_json(&id, path));
	snc_identity_wipe(&id);
	return rc;
}

int
tool_cmd_id(int argc, char **argv)
{
	const char *dir = tool_default_data_dir();
	struct snc_identity id;
	char path[PATH_MAX], err[PATH_MAX + 128];
	int rc = parse_opts("id", argc, argv, &dir, NULL);

	if (rc != 0)
		return rc < 0 ? TOOL_EXIT_OK : rc;
	if (key_path("id", dir, path, sizeof(path)) != 0)
		return TOOL_EXIT_USAGE;
	if (snc_identity_load(path, &id, err, sizeof(err)) != 0)
		return tool_fail("id", "%s", err);
	rc = tool_print_json(identity_json(&id, path));
	snc_identity_wipe(&id);
	return rc;
}
