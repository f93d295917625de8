/* SPDX-License-Identifier: MIT */
/*
 * Node identity: the Ed25519 seed that names a node on the network, and the
 * X25519 key derived from it (Session converts Ed25519 -> X25519 for onion
 * layers). The seed lives in <data-dir>/ed25519.seed, 32 raw bytes, mode 0600.
 * Operators see it through `snode-tool keygen` and `snode-tool id`.
 */
#ifndef SNC_IDENTITY_H
#define SNC_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_SEED_BYTES = 32,
	SNC_ED25519_PK_BYTES = 32,
	SNC_ED25519_SK_BYTES = 64, /* libsodium layout: seed || pk */
	SNC_X25519_BYTES = 32,
	SNC_SESSION_ID_BYTES = 33, /* 0x05 || X25519 pk */
};

#define SNC_IDENTITY_FILE "ed25519.seed"

/* A node's keys. Secret members are wiped by snc_identity_wipe(). */
struct snc_identity {
	uint8_t seed[SNC_SEED_BYTES];
	uint8_t ed25519_sk[SNC_ED25519_SK_BYTES];
	uint8_t ed25519_pk[SNC_ED25519_PK_BYTES];
	uint8_t x25519_sk[SNC_X25519_BYTES];
	uint8_t x25519_pk[SNC_X25519_BYTES];
};

/* Derives every key from a 32-byte seed. Returns 0, or -EINVAL when libsodium
 * refuses the conversion (cannot happen for a valid seed; checked anyway). */
int snc_identity_from_seed(struct snc_identity *id, const uint8_t seed[SNC_SEED_BYTES]);

/*
 * Loads the seed file at path. On failure returns a negative errno and writes
 * a one-line reason naming the file into err:
 *   -ENOENT missing, -EACCES unreadable, -EPERM group/other may access it,
 *   -EBADMSG wrong size (truncated or not a seed file), -EIO read error.
 */
int snc_identity_load(const char *path, struct snc_identity *id, char *err, size_t errlen);

/*
 * Writes a seed file (mode 0600, created exclusively, fsynced). Never
 * overwrites: an existing file gives -EEXIST. Same err contract as load.
 */
int snc_identity_save(const char *path, const uint8_t seed[SNC_SEED_BYTES], char *err,
		      size_t errlen);

/* 0x05 || X25519 public key: the Session-style ID of this node's X25519 key. */
void snc_identity_session_id(const struct snc_identity *id, uint8_t out[SNC_SESSION_ID_BYTES]);

void snc_identity_wipe(struct snc_identity *id);

#endif
