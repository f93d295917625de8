/* SPDX-License-Identifier: MIT */
/*
 * Registry file loading and reloading (see registry_file.h). Lines are split
 * here rather than with fgets so that a NUL byte, an over-long line and a
 * missing final newline are each an error with their line number, and so
 * that every byte read goes through the prefix digest.
 */
#include "registry_file.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
	READ_CHUNK = 16384, /* bytes per fread */
};

/* A line splitter over a FILE that hashes what it consumes. */
struct reader {
	FILE *fp;
	crypto_generichash_state h;
	unsigned char buf[READ_CHUNK];
	size_t len, pos;
};

/* The outcome of one replay, moved into the ctl_registry_file on success. */
struct replay {
	struct ctl_registry reg;
	uint64_t bytes, lines;
	uint8_t digest[32];
	bool incremental;
};

static int
fill(struct reader *rd)
{
	rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->fp);
	rd->pos = 0;
	if (rd->len == 0 && ferror(rd->fp))
		return -EIO;
	crypto_generichash_update(&rd->h, rd->buf, rd->len);
	return 0;
}

/*
 * The next line without its newline into line[CTL_REGISTRY_RECORD_LINE_MAX]
 * (the parser holds lines other than state changes to CTL_REGISTRY_LINE_MAX).
 * Returns 1 (a line), 0 (end of file), -EMSGSIZE (too long), -EILSEQ (a NUL
 * byte), -ENODATA (the last line has no newline) or -EIO. *bytes counts what
 * was consumed, newline included.
 */
static int
next_line(struct reader *rd, char *line, uint64_t *bytes)
{
	size_t n = 0;

	for (;;) {
		unsigned char c;

		if (rd->pos == rd->len) {
			if (fill(rd) != 0)
				return -EIO;
			if (rd->len == 0)
				return n == 0 ? 0 : -ENODATA;
		}
		c = rd->buf[rd->pos++];
		(*bytes)++;
		if (c == '\n') {
			line[n] = '\0';
			return 1;
		}
		if (c == '\0')
			return -EILSEQ;
		if (n == CTL_REGISTRY_RECORD_LINE_MAX - 1)
			return -EMSGSIZE;
		line[n++] = (char)c;
	}
}

/* "FILE:LINE: reason" for what next_line refused; returns the errno to report. */
static int
line_error(int rc, const char *path, uint64_t line, char *err, size_t errlen)
{
	if (rc == -EMSGSIZE)
		snprintf(err, errlen, "%s:%" PRIu64 ": line longer than %d bytes", path, line,
			 CTL_REGISTRY_RECORD_LINE_MAX - 1);
	else if (rc == -EILSEQ)
		snprintf(err, errlen, "%s:%" PRIu64 ": NUL byte in the line", path, line);
	else if (rc == -ENODATA)
		snprintf(err, errlen,
			 "%s:%" PRIu64 ": no newline at the end of the file (still being written?)",
			 path, line);
	else
		snprintf(err, errlen, "%s: read error", path);
	return rc == -EIO ? -EIO : -EINVAL;
}

/* Replays the lines from rd's position into out->reg; out->lines is the line
 * count before the first one. */
static int
run(struct reader *rd, const char *path, struct replay *out, char *err, size_t errlen)
{
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[200];
	uint64_t open_line = 0;
	int rc;

	while ((rc = next_line(rd, line, &out->bytes)) == 1) {
		bool was_open = out->reg.open;

		out->lines++;
		rc = ctl_registry_apply_line(&out->reg, line, why, sizeof(why));
		if (rc != 0) {
			snprintf(err, errlen, "%s:%" PRIu64 ": %s", path, out->lines, why);
			return rc;
		}
		if (!was_open && out->reg.open)
			open_line = out->lines;
	}
	if (rc < 0)
		return line_error(rc, path, out->lines + 1, err, errlen);
	if (out->reg.open) {
		snprintf(err, errlen,
			 "%s:%" PRIu64 ": events for height %" PRIu64 " have no block line", path,
			 open_line, out->reg.open_height);
		return -EINVAL;
	}
	return 0;
}

/* Whether the file starts with the bytes base was replayed from: hashes
 * exactly base->bytes bytes into rd->h and compares. */
static bool
prefix_matches(struct reader *rd, const struct ctl_registry_file *base)
{
	crypto_generichash_state copy;
	uint8_t digest[32];
	uint64_t left = base->bytes;

	while (left > 0) {
		size_t want = left < sizeof(rd->buf) ? (size_t)left : sizeof(rd->buf);
		size_t got = fread(rd->buf, 1, want, rd->fp);

		if (got == 0)
			return false;
		crypto_generichash_update(&rd->h, rd->buf, got);
		left -= got;
	}
	copy = rd->h;
	crypto_generichash_final(&copy, digest, sizeof(digest));
	return sodium_memcmp(digest, base->digest, sizeof(digest)) == 0;
}

/* Starts out from base's state when the file only grew, else from nothing. */
static int
start(struct reader *rd, const struct ctl_registry_file *base, struct replay *out)
{
	if (base != NULL && prefix_matches(rd, base)) {
		if (ctl_registry_copy(&out->reg, &base->reg) != 0)
			return -ENOMEM;
		out->bytes = base->bytes;
		out->lines = base->lines;
		out->incremental = true;
		return 0;
	}
	if (base != NULL && fseek(rd->fp, 0, SEEK_SET) != 0)
		return -EIO;
	crypto_generichash_init(&rd->h, NULL, 0, 32);
	return 0;
}

static void
stamp_of(const struct stat *st, struct ctl_registry_file_stamp *s)
{
	memset(s, 0, sizeof(*s));
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = (uint64_t)st->st_size;
	s->mtime = st->st_mtim;
}

static bool
same_stamp(const struct ctl_registry_file_stamp *a, const struct ctl_registry_file_stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->err == b->err;
}

/* Opens and replays path, from base's state when possible (base may be NULL).
 * *stamp is what was opened (even on a replay error). */
static int
replay_path(const char *path, const struct ctl_registry_file *base, struct replay *out,
	    struct ctl_registry_file_stamp *stamp, char *err, size_t errlen)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (rd == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rd->fp = fopen(path, "r");
	if (rd->fp == NULL || fstat(fileno(rd->fp), &st) != 0) {
		int e = errno;

		rc = e == ENOENT || e == EACCES ? -e : -EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		memset(stamp, 0, sizeof(*stamp));
		stamp->err = e;
		goto out;
	}
	stamp_of(&st, stamp);
	crypto_generichash_init(&rd->h, NULL, 0, 32);
	rc = start(rd, base, out);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path,
			 rc == -ENOMEM ? "out of memory" : "read error");
	else if ((rc = run(rd, path, out, err, errlen)) == 0)
		crypto_generichash_final(&rd->h, out->digest, sizeof(out->digest));
out:
	if (rc != 0)
		ctl_registry_free(&out->reg);
	if (rd->fp != NULL)
		fclose(rd->fp);
	free(rd);
	return rc;
}

static void
adopt(struct ctl_registry_file *f, struct replay *r, const struct ctl_registry_file_stamp *stamp)
{
	ctl_registry_free(&f->reg);
	f->reg = r->reg;
	f->bytes = r->bytes;
	f->lines = r->lines;
	memcpy(f->digest, r->digest, sizeof(f->digest));
	f->loaded = *stamp;
	f->seen = *stamp;
}

int
ctl_registry_file_load(struct ctl_registry_file *f, const char *path, char *err, size_t errlen)
{
	struct ctl_registry_file_stamp stamp;
	struct replay r;
	int rc;

	memset(f, 0, sizeof(*f));
	if (strlen(path) >= sizeof(f->path)) {
		snprintf(err, errlen, "registry path longer than %zu bytes", sizeof(f->path) - 1);
		return -EINVAL;
	}
	memcpy(f->path, path, strlen(path) + 1);
	rc = replay_path(path, NULL, &r, &stamp, err, errlen);
	if (rc == 0)
		adopt(f, &r, &stamp);
	return rc;
}

int
ctl_registry_file_reload(struct ctl_registry_file *f, bool *changed, char *err, size_t errlen)
{
	struct ctl_registry_file_stamp now, opened;
	struct replay r;
	struct stat st;
	int rc;

	*changed = false;
	memset(&now, 0, sizeof(now));
	if (stat(f->path, &st) != 0)
		now.err = errno;
	else
		stamp_of(&st, &now);
	if (same_stamp(&now, &f->seen))
		return 0;
	f->seen = now;
	if (now.err != 0) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(now.err));
		return now.err == ENOENT || now.err == EACCES ? -now.err : -EIO;
	}
	rc = replay_path(f->path, f, &r, &opened, err, errlen);
	/* a bad file is not read again until it changes; a lack of memory
	 * says nothing about the file, so the next look tries again */
	f->seen = opened;
	if (rc == -ENOMEM)
		memset(&f->seen, 0, sizeof(f->seen));
	if (rc != 0)
		return rc;
	if (r.incremental)
		f->incremental++;
	else
		f->full++;
	adopt(f, &r, &opened);
	*changed = true;
	return 0;
}

void
ctl_registry_file_free(struct ctl_registry_file *f)
{
	ctl_registry_free(&f->reg);
	memset(f, 0, sizeof(*f));
}
