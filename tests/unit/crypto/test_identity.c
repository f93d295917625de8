/* SPDX-License-Identifier: MIT */
/* crypto/identity.c: key derivation, and every way a key file can be wrong. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "identity.h"
#include "snc.h"

/* RFC 8032 section 7.1, TEST 1. */
static const char rfc8032_seed[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char rfc8032_pk[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

struct fixture {
	char dir[64];
	char path[128];
};

static void
hex(const char *h, uint8_t *out, size_t len)
{
	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, NULL, NULL), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/snode-test-identity-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, SNC_IDENTITY_FILE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
write_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
derives_rfc8032_public_key(void **state)
{
	uint8_t seed[32], pk[32], x_check[32];
	struct snc_identity id;

	(void)state;
	hex(rfc8032_seed, seed, 32);
	hex(rfc8032_pk, pk, 32);
	assert_int_equal(snc_identity_from_seed(&id, seed), 0);
	assert_memory_equal(id.ed25519_pk, pk, 32);
	/* The X25519 public key must belong to the X25519 secret key. */
	assert_int_equal(crypto_scalarmult_base(x_check, id.x25519_sk), 0);
	assert_memory_equal(id.x25519_pk, x_check, 32);
}

static void
session_id_is_05_prefixed_x25519(void **state)
{
	uint8_t seed[32] = {1}, sid[SNC_SESSION_ID_BYTES];
	struct snc_identity id;

	(void)state;
	assert_int_equal(snc_identity_from_seed(&id, seed), 0);
	snc_identity_session_id(&id, sid);
	assert_int_equal(sid[0], 0x05);
	assert_memory_equal(sid + 1, id.x25519_pk, 32);
}

static void
save_then_load_round_trips_with_mode_0600(void **state)
{
	struct fixture *f = *state;
	uint8_t seed[32];
	struct snc_identity a, b;
	struct stat st;
	char err[256];

	hex(rfc8032_seed, seed, 32);
	assert_int_equal(snc_identity_save(f->path, seed, err, sizeof(err)), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(snc_identity_load(f->path, &b, err, sizeof(err)), 0);
	assert_int_equal(snc_identity_from_seed(&a, seed), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
save_refuses_to_overwrite(void **state)
{
	struct fixture *f = *state;
	uint8_t seed1[32] = {1}, seed2[32] = {2};
	struct snc_identity id, expect;
	char err[256];

	assert_int_equal(snc_identity_save(f->path, seed1, err, sizeof(err)), 0);
	assert_int_equal(snc_identity_save(f->path, seed2, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "refusing to overwrite"));
	assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), 0);
	snc_identity_from_seed(&expect, seed1);
	assert_memory_equal(id.seed, expect.seed, 32);
}

static void
load_missing_file_names_keygen(void **state)
{
	struct fixture *f = *state;
	struct snc_identity id;
	char err[256];

	assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "keygen"));
}

static void
load_rejects_every_truncation_and_oversize(void **state)
{
	struct fixture *f = *state;
	uint8_t data[33] = {0};
	struct snc_identity id;
	char err[256];

	for (size_t len = 0; len <= 33; len++) {
		if (len == 32)
			continue;
		write_file(f->path, data, len, 0600);
		assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), -EBADMSG);
		assert_non_null(strstr(err, len < 32 ? "truncated" : "not a key file"));
	}
	write_file(f->path, data, 32, 0600);
	assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), 0);
}

static void
load_rejects_group_or_world_access(void **state)
{
	struct fixture *f = *state;
	const mode_t bad[] = {0644, 0604, 0640, 0660, 0606, 0601, 0610};
	uint8_t data[32] = {7};
	struct snc_identity id;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f->path, data, 32, bad[i]);
		assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), -EPERM);
		assert_non_null(strstr(err, "chmod 600"));
	}
	write_file(f->path, data, 32, 0400);
	assert_int_equal(snc_identity_load(f->path, &id, err, sizeof(err)), 0);
}

static void
load_rejects_a_directory(void **state)
{
	struct fixture *f = *state;
	struct snc_identity id;
	char err[256];

	assert_int_equal(snc_identity_load(f->dir, &id, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "not a regular file"));
}

static void
wipe_clears_secrets(void **state)
{
	uint8_t seed[32] = {9}, zero[sizeof(struct snc_identity)] = {0};
	struct snc_identity id;

	(void)state;
	snc_identity_from_seed(&id, seed);
	snc_identity_wipe(&id);
	assert_memory_equal(&id, zero, sizeof(id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(derives_rfc8032_public_key),
		cmocka_unit_test(session_id_is_05_prefixed_x25519),
		cmocka_unit_test_setup_teardown(save_then_load_round_trips_with_mode_0600, setup,
						teardown),
		cmocka_unit_test_setup_teardown(save_refuses_to_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(load_missing_file_names_keygen, setup, teardown),
		cmocka_unit_test_setup_teardown(load_rejects_every_truncation_and_oversize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(load_rejects_group_or_world_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(load_rejects_a_directory, setup, teardown),
		cmocka_unit_test(wipe_clears_secrets),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto/identity", tests, NULL, NULL);
}
