/* SPDX-License-Identifier: MIT */
/* The messages `receive --new` has shown (seen.h). */
#include "seen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>

#include "home.h"
#include "msg_hash.h"

/* One "HASH EXPIRY_MS" line into e; false when it is not one. */
static bool
parse_line(const char *line, struct cli_seen_entry *e)
{
	char *end = NULL;
	const char *num = line + CLI_SEEN_HASH + 1;

	if (strlen(line) < CLI_SEEN_HASH + 2 || line[CLI_SEEN_HASH] != ' ' ||
	    !snc_msg_hash_is_valid(line, CLI_SEEN_HASH) || *num < '0' || *num > '9')
		return false;
	errno = 0;
	e->expiry_ms = strtoull(num, &end, 10);
	if (errno != 0 || (*end != '\n' && *end != '\0'))
		return false;
	memcpy(e->hash, line, CLI_SEEN_HASH);
	e->hash[CLI_SEEN_HASH] = '\0';
	return true;
}

static int
grow(struct cli_seen *s)
{
	size_t cap = s->cap ? 2 * s->cap : 64;
	struct cli_seen_entry *v = realloc(s->v, cap * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	s->v = v;
	s->cap = cap;
	return 0;
}

static int
load(struct cli_seen *s, struct scl_error *err)
{
	FILE *f = fopen(s->path, "re");
	char line[128];
	size_t lineno = 0;
	int rc = 0;

	if (f == NULL)
		return errno == ENOENT
			       ? 0
			       : scl_fail(err, SCL_E_SYSTEM, "%s: %s", s->path, strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (s->n == s->cap && grow(s) != 0)
			rc = scl_fail(err, SCL_E_SYSTEM, "out of memory");
		else if (!parse_line(line, &s->v[s->n]))
			rc = scl_fail(
				err, SCL_E_ACCOUNT,
				"%s:%zu: not \"HASH EXPIRY_MS\" (remove the file to start over)",
				s->path, lineno);
		else
			s->n++;
	}
	fclose(f);
	return rc;
}

int
cli_seen_open(struct cli_seen *s, const char *home, const char *account, struct scl_error *err)
{
	char lock[4200];

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	snprintf(s->path, sizeof(s->path), "%s/accounts/%s/seen", home, account);
	snprintf(lock, sizeof(lock), "%s.lock", s->path);
	s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX) != 0) {
		scl_fail(err, SCL_E_SYSTEM, "%s: cannot lock: %s", lock, strerror(errno));
		cli_seen_close(s);
		return -1;
	}
	if (load(s, err) != 0) {
		cli_seen_close(s);
		return -1;
	}
	return 0;
}

bool
cli_seen_has(const struct cli_seen *s, const char *hash)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].hash, hash) == 0)
			return true;
	return false;
}

int
cli_seen_add(struct cli_seen *s, const char *hash, uint64_t expiry_ms)
{
	if (strlen(hash) != CLI_SEEN_HASH || !snc_msg_hash_is_valid(hash, CLI_SEEN_HASH) ||
	    cli_seen_has(s, hash))
		return 0;
	if (s->n == s->cap && grow(s) != 0)
		return -ENOMEM;
	memcpy(s->v[s->n].hash, hash, CLI_SEEN_HASH + 1);
	s->v[s->n].expiry_ms = expiry_ms;
	s->n++;
	return 0;
}

static int
later_expiry_first(const void *a, const void *b)
{
	uint64_t x = ((const struct cli_seen_entry *)a)->expiry_ms;
	uint64_t y = ((const struct cli_seen_entry *)b)->expiry_ms;

	return x < y ? 1 : x > y ? -1 : 0;
}

int
cli_seen_save(struct cli_seen *s, uint64_t now_ms, struct scl_error *err)
{
	size_t keep = 0, len = 0;
	char *text;
	int rc;

	qsort(s->v, s->n, sizeof(*s->v), later_expiry_first);
	while (keep < s->n && keep < CLI_SEEN_MAX && s->v[keep].expiry_ms > now_ms)
		keep++;
	s->n = keep;
	text = malloc(keep * (CLI_SEEN_HASH + 23) + 1);
	if (text == NULL)
		return scl_fail(err, SCL_E_SYSTEM, "out of memory");
	for (size_t i = 0; i < keep; i++)
		len += (size_t)sprintf(text + len, "%s %" PRIu64 "\n", s->v[i].hash,
				       s->v[i].expiry_ms);
	rc = cli_file_replace(s->path, text, len, err);
	free(text);
	return rc;
}

void
cli_seen_close(struct cli_seen *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the lock */
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
	s->lock_fd = -1;
}
