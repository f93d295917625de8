/* SPDX-License-Identifier: MIT */
#include "home.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

const char *
cli_home(const char *opt, char *buf, size_t cap)
{
	const char *env = getenv("SNODE_CLI_HOME"), *home = getenv("HOME");

	if (opt != NULL && *opt != '\0')
		return opt;
	if (env != NULL && *env != '\0')
		return env;
	if (home == NULL || *home == '\0' ||
	    (size_t)snprintf(buf, cap, "%s/.snode-cli", home) >= cap)
		return NULL;
	return buf;
}

int
cli_name_check(const char *name, struct scl_error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > CLI_NAME_MAX || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return scl_fail(err, SCL_E_USAGE,
				"bad account name '%.64s': 1-64 letters, digits, '.', '_' or '-'",
				name);
	return 0;
}

static int
mkdir_private(const char *path, struct scl_error *err)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return scl_fail(err, SCL_E_ACCOUNT, "%s: %s", path, strerror(errno));
	return 0;
}

int
cli_account_save(const char *home, const char *name, const uint8_t seed[32], struct scl_error *err)
{
	char path[PATH_MAX], hex[66];
	int fd, ok;

	if (cli_name_check(name, err) != 0 || mkdir_private(home, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/accounts", home);
	if (mkdir_private(path, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/accounts/%s", home, name);
	if (mkdir(path, 0700) != 0)
		return scl_fail(err, SCL_E_ACCOUNT, "account '%s' %s", name,
				errno == EEXIST ? "already exists" : strerror(errno));
	snprintf(path, sizeof(path), "%s/accounts/%s/seed", home, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return scl_fail(err, SCL_E_ACCOUNT, "%s: %s", path, strerror(errno));
	sodium_bin2hex(hex, 65, seed, 32);
	hex[64] = '\n';
	ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) != 0 || !ok)
		return scl_fail(err, SCL_E_ACCOUNT, "%s: cannot write", path);
	return 0;
}

int
cli_account_load(const char *home, const char *name, struct snc_identity *id, struct scl_error *err)
{
	char path[PATH_MAX], hex[80];
	uint8_t seed[32];
	size_t got = 0;
	FILE *f;
	int rc = 0;

	if (cli_name_check(name, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/accounts/%s/seed", home, name);
	f = fopen(path, "re");
	if (f == NULL)
		return scl_fail(err, SCL_E_ACCOUNT,
				errno == ENOENT
					? "unknown account '%s' (in %s): create or restore it"
					: "account '%s': cannot read it (in %s)",
				name, home);
	if (fgets(hex, sizeof(hex), f) == NULL ||
	    sodium_hex2bin(seed, 32, hex, strcspn(hex, "\n"), NULL, &got, NULL) != 0 || got != 32 ||
	    strcspn(hex, "\n") != 64)
		rc = scl_fail(err, SCL_E_ACCOUNT, "%s: not a 64-hex-digit seed", path);
	fclose(f);
	if (rc == 0 && snc_identity_from_seed(id, seed) != 0)
		rc = scl_fail(err, SCL_E_ACCOUNT, "%s: unusable seed", path);
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

int
cli_file_replace(const char *path, const char *text, size_t len, struct scl_error *err)
{
	char tmp[PATH_MAX];
	int fd, e = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return scl_fail(err, SCL_E_SYSTEM, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return scl_fail(err, SCL_E_SYSTEM, "%s: cannot write: %s", path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
		e = errno != 0 ? errno : EIO;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		return scl_fail(err, SCL_E_SYSTEM, "%s: cannot write: %s", path, strerror(e));
	}
	return 0;
}
