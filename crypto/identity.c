/* SPDX-License-Identifier: MIT */
/*
 * Node identity files. The file holds nothing but the 32-byte seed so that a
 * truncated or foreign file is detected by its size alone; permissions are
 * checked like ssh does, because a readable seed is a stolen node.
 */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
snc_identity_from_seed(struct snc_identity *id, const uint8_t seed[SNC_SEED_BYTES])
{
	memcpy(id->seed, seed, SNC_SEED_BYTES);
	if (crypto_sign_seed_keypair(id->ed25519_pk, id->ed25519_sk, id->seed) != 0)
		return -EINVAL;
	if (crypto_sign_ed25519_sk_to_curve25519(id->x25519_sk, id->ed25519_sk) != 0)
		return -EINVAL;
	if (crypto_sign_ed25519_pk_to_curve25519(id->x25519_pk, id->ed25519_pk) != 0)
		return -EINVAL;
	return 0;
}

static int
fail(char *err, size_t errlen, int rc, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

/* Reads exactly SNC_SEED_BYTES; one extra byte is requested to detect an oversized file. */
static int
read_seed(int fd, const char *path, uint8_t seed[SNC_SEED_BYTES], char *err, size_t errlen)
{
	uint8_t buf[SNC_SEED_BYTES + 1];
	size_t got = 0;

	while (got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sodium_memzero(buf, sizeof(buf));
			return fail(err, errlen, -EIO, path, strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != SNC_SEED_BYTES) {
		char why[96];
		if (got < SNC_SEED_BYTES)
			snprintf(why, sizeof(why), "truncated key file: %zu bytes, expected %d",
				 got, SNC_SEED_BYTES);
		else
			snprintf(why, sizeof(why), "not a key file: more than %d bytes",
				 SNC_SEED_BYTES);
		sodium_memzero(buf, sizeof(buf));
		return fail(err, errlen, -EBADMSG, path, why);
	}
	memcpy(seed, buf, SNC_SEED_BYTES);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

int
snc_identity_load(const char *path, struct snc_identity *id, char *err, size_t errlen)
{
	uint8_t seed[SNC_SEED_BYTES];
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return fail(err, errlen, -ENOENT, path,
				    "no key file (create one with: snode-tool keygen)");
		return fail(err, errlen, -EACCES, path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, -EBADMSG, path, "not a regular file");
	}
	if (st.st_mode & 0077) {
		char why[128];
		snprintf(why, sizeof(why),
			 "key file has mode %04o; group/others must have no access (chmod 600)",
			 (unsigned)(st.st_mode & 07777));
		close(fd);
		return fail(err, errlen, -EPERM, path, why);
	}
	rc = read_seed(fd, path, seed, err, errlen);
	close(fd);
	if (rc != 0)
		return rc;
	rc = snc_identity_from_seed(id, seed);
	sodium_memzero(seed, sizeof(seed));
	if (rc != 0) {
		snc_identity_wipe(id);
		return fail(err, errlen, rc, path, "seed rejected by key derivation");
	}
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
snc_identity_save(const char *path, const uint8_t seed[SNC_SEED_BYTES], char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return fail(err, errlen, -EEXIST, path,
				    "key file exists; refusing to overwrite a node identity");
		return fail(err, errlen, -errno, path, strerror(errno));
	}
	/* open() honours the umask only by narrowing; make 0600 exact anyway. */
	if (fchmod(fd, 0600) != 0 || write_all(fd, seed, SNC_SEED_BYTES) != 0 || fsync(fd) != 0) {
		int saved = errno;
		close(fd);
		unlink(path);
		return fail(err, errlen, -EIO, path, strerror(saved));
	}
	if (close(fd) != 0) {
		unlink(path);
		return fail(err, errlen, -EIO, path, strerror(errno));
	}
	return 0;
}

void
snc_identity_session_id(const struct snc_identity *id, uint8_t out[SNC_SESSION_ID_BYTES])
{
	out[0] = 0x05;
	memcpy(out + 1, id->x25519_pk, SNC_X25519_BYTES);
}

void
snc_identity_wipe(struct snc_identity *id)
{
	sodium_memzero(id, sizeof(*id));
}
