/* SPDX-License-Identifier: MIT */
/* This node's votes and RANDAO secrets on disk (vote_store.h). */
#include "vote_store.h"
#include "le64.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MAGIC[8] = {'S', 'N', 'Q', 'S', 'T', 'A', 'T', '1'};

size_t
ctl_vote_store_encode(const struct ctl_vote_store *st, uint8_t *out)
{
	uint8_t *p = out;

	memcpy(p, MAGIC, 8);
	p[8] = (uint8_t)st->nv;
	p[9] = (uint8_t)(st->nv >> 8);
	p[10] = (uint8_t)st->ns;
	p += CTL_VOTE_STORE_HEAD;
	for (size_t i = 0; i < st->nv; i++, p += CTL_VOTE_STORE_VOTE) {
		const struct ctl_vote_store_vote *v = &st->v[i];

		p[0] = v->change;
		ctl_le64_put(p + 1, v->epoch);
		memcpy(p + 9, v->worker, 32);
		p[41] = v->index;
		memcpy(p + 42, v->sig, CTL_QUORUM_SIG);
	}
	for (size_t i = 0; i < st->ns; i++, p += CTL_VOTE_STORE_SECRET) {
		ctl_le64_put(p, st->s[i].epoch);
		memcpy(p + 8, st->s[i].secret, 32);
		ctl_le64_put(p + 40, st->s[i].commit_for);
		ctl_le64_put(p + 48, st->s[i].reveal_for);
	}
	crypto_generichash(p, 32, out, (size_t)(p - out), NULL, 0);
	return (size_t)(p - out) + 32;
}

int
ctl_vote_store_decode(const uint8_t *buf, size_t len, struct ctl_vote_store *st)
{
	uint8_t sum[32];
	size_t nv, ns;
	const uint8_t *p;

	memset(st, 0, sizeof(*st));
	if (len < CTL_VOTE_STORE_HEAD + 32 || memcmp(buf, MAGIC, 8) != 0)
		return -EINVAL;
	nv = (size_t)buf[8] | (size_t)buf[9] << 8;
	ns = buf[10];
	if (nv > CTL_VOTE_SLOTS || ns > 2 ||
	    len != CTL_VOTE_STORE_HEAD + nv * CTL_VOTE_STORE_VOTE + ns * CTL_VOTE_STORE_SECRET + 32)
		return -EINVAL;
	crypto_generichash(sum, sizeof(sum), buf, len - 32, NULL, 0);
	if (sodium_memcmp(sum, buf + len - 32, 32) != 0)
		return -EINVAL;
	p = buf + CTL_VOTE_STORE_HEAD;
	for (size_t i = 0; i < nv; i++, p += CTL_VOTE_STORE_VOTE) {
		struct ctl_vote_store_vote *v = &st->v[i];

		v->change = p[0];
		v->epoch = ctl_le64_get(p + 1);
		memcpy(v->worker, p + 9, 32);
		v->index = p[41];
		memcpy(v->sig, p + 42, CTL_QUORUM_SIG);
		if (v->change < CTL_QUORUM_DECOMMISSION || v->change > CTL_QUORUM_DEREGISTER ||
		    v->index >= CTL_QUORUM_VALIDATORS) {
			sodium_memzero(st, sizeof(*st));
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < ns; i++, p += CTL_VOTE_STORE_SECRET) {
		st->s[i].have = true;
		st->s[i].epoch = ctl_le64_get(p);
		memcpy(st->s[i].secret, p + 8, 32);
		st->s[i].commit_for = ctl_le64_get(p + 40);
		st->s[i].reveal_for = ctl_le64_get(p + 48);
	}
	st->nv = nv;
	st->ns = ns;
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsyncs the folder of path, so that the rename itself survives a power loss (a
 * committed RANDAO secret must be on disk before its hash is published). */
static int
sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >=
		 sizeof(dir))
		return -ENAMETOOLONG;
	if (dir[0] == '\0')
		snprintf(dir, sizeof(dir), "/");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
ctl_vote_store_save(const char *path, const struct ctl_vote_store *st)
{
	static uint8_t buf[CTL_VOTE_STORE_MAX]; /* one event loop: no concurrent saves */
	char tmp[4096];
	size_t len = ctl_vote_store_encode(st, buf);
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		sodium_memzero(buf, len);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		sodium_memzero(buf, len);
		return -errno;
	}
	/* 0600 whatever the umask or an older file's mode */
	rc = fchmod(fd, 0600) != 0 ? -errno : write_all(fd, buf, len);
	sodium_memzero(buf, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	else
		rc = sync_dir(path);
	return rc;
}

int
ctl_vote_store_load(const char *path, struct ctl_vote_store *st)
{
	static uint8_t buf[CTL_VOTE_STORE_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			close(fd);
			sodium_memzero(buf, len);
			return rc;
		}
		if (r == 0 || (len += (size_t)r) == sizeof(buf))
			break;
	}
	close(fd);
	rc = len > CTL_VOTE_STORE_MAX ? -EINVAL : ctl_vote_store_decode(buf, len, st);
	sodium_memzero(buf, len);
	return rc;
}
