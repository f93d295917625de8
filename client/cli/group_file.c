/* SPDX-License-Identifier: MIT */
#include "group_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

static int
mkdir_private(const char *path, bool exclusive, struct scl_error *err)
{
	if (mkdir(path, 0700) != 0 && (exclusive || errno != EEXIST))
		return scl_fail(err, SCL_E_ACCOUNT, "%s: %s", path,
				errno == EEXIST ? "the group already exists" : strerror(errno));
	return 0;
}

static int
write_all(const char *path, const char *text, struct scl_error *err)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;

	if (fd >= 0 && close(fd) != 0)
		ok = false;
	return ok ? 0 : scl_fail(err, SCL_E_SYSTEM, "%s: cannot write", path);
}

int
cli_group_save(const char *home, const struct scl_group *g, bool create, struct scl_error *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16], path[PATH_MAX + 16], *text;
	int rc;

	snprintf(dir, sizeof(dir), "%s", home);
	if (mkdir_private(dir, false, err) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/groups", home);
	if (mkdir_private(dir, false, err) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/groups/%s", home, g->name);
	if (mkdir_private(dir, create, err) != 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/group.json.tmp", dir);
	snprintf(path, sizeof(path), "%s/group.json", dir);
	text = scl_group_dump(g);
	if (text == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	rc = write_all(tmp, text, err);
	sodium_memzero(text, strlen(text));
	free(text);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = scl_fail(err, SCL_E_SYSTEM, "%s: %s", path, strerror(errno));
	return rc;
}

int
cli_group_load(const char *home, const char *name, struct scl_group *g, struct scl_error *err)
{
	char path[PATH_MAX], *text;
	size_t len;
	FILE *f;
	int rc;

	if (!scl_group_name_ok(name))
		return scl_fail(err, SCL_E_USAGE,
				"bad group name '%.64s': 1-64 letters, digits, '.', '_' or '-'",
				name);
	snprintf(path, sizeof(path), "%s/groups/%s/group.json", home, name);
	f = fopen(path, "re");
	if (f == NULL)
		return scl_fail(err, SCL_E_ACCOUNT,
				errno == ENOENT ? "unknown group '%s' (in %s): create or join it"
						: "group '%s': cannot read it (in %s)",
				name, home);
	text = malloc(SCL_GROUP_TEXT_MAX + 1);
	len = text != NULL ? fread(text, 1, SCL_GROUP_TEXT_MAX + 1, f) : 0;
	fclose(f);
	if (text == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	rc = scl_group_parse(g, text, len, err);
	if (rc != 0)
		err->code = SCL_E_ACCOUNT;
	sodium_memzero(text, len);
	free(text);
	return rc;
}
