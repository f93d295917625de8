/* SPDX-License-Identifier: MIT */
/*
 * DIRECT node-to-node messages. The expensive checks (Ed25519 verify, X25519)
 * run only after the cheap ones, and the replay cache is written last, so a
 * flood of stale or forged packets costs one comparison or one verify each and
 * can never evict a genuine entry.
 */
#include "direct.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

enum {
	OFF_VERSION = 0,
	OFF_SENDER = 1,
	OFF_TIMESTAMP = 33,
	OFF_NONCE = 41,
	MAC_BYTES = 16,
	SIG_BYTES = 64,
	KEY_BYTES = 32,
};

static const char kdf_key[] = "snode-direct-v1";

static void
put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* key = BLAKE2b-256(key = kdf_key, X25519(own_sk, peer) || sender_x || receiver_x). */
static int
derive_key(const uint8_t own_x_sk[SNC_X25519_BYTES], const uint8_t peer_x[SNC_X25519_BYTES],
	   const uint8_t sender_x[SNC_X25519_BYTES], const uint8_t receiver_x[SNC_X25519_BYTES],
	   uint8_t key[KEY_BYTES])
{
	crypto_generichash_blake2b_state st;
	uint8_t dh[crypto_scalarmult_BYTES];

	if (crypto_scalarmult(dh, own_x_sk, peer_x) != 0)
		return -EKEYREJECTED;
	crypto_generichash_blake2b_init(&st, (const uint8_t *)kdf_key, sizeof(kdf_key) - 1,
					KEY_BYTES);
	crypto_generichash_blake2b_update(&st, dh, sizeof(dh));
	crypto_generichash_blake2b_update(&st, sender_x, SNC_X25519_BYTES);
	crypto_generichash_blake2b_update(&st, receiver_x, SNC_X25519_BYTES);
	crypto_generichash_blake2b_final(&st, key, KEY_BYTES);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(dh, sizeof(dh));
	return 0;
}

int
snc_direct_verifier_init_slots(struct snc_direct_verifier *v, uint64_t window_ms,
			       unsigned log2_slots)
{
	if (v == NULL || window_ms > SNC_DIRECT_WINDOW_MAX_MS || log2_slots < 1 ||
	    log2_slots > SNC_DIRECT_REPLAY_LOG2_MAX)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->window_ms = window_ms == 0 ? SNC_DIRECT_WINDOW_MS : window_ms;
	v->slots = 1u << log2_slots;
	randombytes_buf(v->hash_key, sizeof(v->hash_key));
	return 0;
}

int
snc_direct_verifier_init(struct snc_direct_verifier *v, uint64_t window_ms)
{
	return snc_direct_verifier_init_slots(v, window_ms, SNC_DIRECT_REPLAY_LOG2_MAX);
}

int
snc_direct_seal(const struct snc_identity *sender,
		const uint8_t receiver_ed25519_pk[SNC_ED25519_PK_BYTES], uint64_t timestamp_ms,
		const uint8_t nonce[SNC_DIRECT_NONCE_BYTES], const uint8_t *msg, size_t len,
		uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t receiver_x[SNC_X25519_BYTES], key[KEY_BYTES];
	size_t body;
	int rc;

	if (sender == NULL || receiver_ed25519_pk == NULL || (msg == NULL && len > 0) ||
	    out == NULL || outlen == NULL)
		return -EINVAL;
	if (len > SNC_DIRECT_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (outcap < len + SNC_DIRECT_OVERHEAD)
		return -ENOSPC;
	if (crypto_sign_ed25519_pk_to_curve25519(receiver_x, receiver_ed25519_pk) != 0)
		return -EKEYREJECTED;
	rc = derive_key(sender->x25519_sk, receiver_x, sender->x25519_pk, receiver_x, key);
	if (rc != 0)
		return rc;

	out[OFF_VERSION] = SNC_DIRECT_VERSION;
	memcpy(out + OFF_SENDER, sender->ed25519_pk, SNC_ED25519_PK_BYTES);
	put_be64(out + OFF_TIMESTAMP, timestamp_ms);
	if (nonce != NULL)
		memcpy(out + OFF_NONCE, nonce, SNC_DIRECT_NONCE_BYTES);
	else
		randombytes_buf(out + OFF_NONCE, SNC_DIRECT_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + SNC_DIRECT_HEADER_BYTES, NULL, msg, len,
						   out, SNC_DIRECT_HEADER_BYTES, NULL,
						   out + OFF_NONCE, key);
	sodium_memzero(key, sizeof(key));
	body = SNC_DIRECT_HEADER_BYTES + len + MAC_BYTES;
	crypto_sign_ed25519_detached(out + body, NULL, out, body, sender->ed25519_sk);
	*outlen = body + SIG_BYTES;
	return 0;
}

static int
in_window(uint64_t now_ms, uint64_t ts_ms, uint64_t window_ms)
{
	return ts_ms >= now_ms ? ts_ms - now_ms <= window_ms : now_ms - ts_ms <= window_ms;
}

/*
 * Scans the run of slots that (sender, nonce) hashes to: -EALREADY on a live
 * match, else the index of a free slot of the run in *free_slot (-ENOBUFS when
 * none). The whole run is scanned: an entry may sit past a slot freed later.
 */
static int
replay_lookup(const struct snc_direct_verifier *v, uint64_t now_ms, const uint8_t *sender,
	      const uint8_t *nonce, size_t *free_slot)
{
	uint8_t id[SNC_ED25519_PK_BYTES + SNC_DIRECT_NONCE_BYTES], h[crypto_shorthash_BYTES];
	uint32_t run = v->slots < SNC_DIRECT_REPLAY_PROBE ? v->slots : SNC_DIRECT_REPLAY_PROBE;
	uint64_t start;
	size_t found = SIZE_MAX;

	memcpy(id, sender, SNC_ED25519_PK_BYTES);
	memcpy(id + SNC_ED25519_PK_BYTES, nonce, SNC_DIRECT_NONCE_BYTES);
	crypto_shorthash(h, id, sizeof(id), v->hash_key);
	memcpy(&start, h, sizeof(start));
	for (uint32_t i = 0; i < run; i++) {
		size_t slot = (size_t)((start + i) & (v->slots - 1));
		const struct snc_direct_seen *s = &v->seen[slot];

		if (s->expires_ms < now_ms || s->expires_ms == 0) {
			if (found == SIZE_MAX)
				found = slot;
			continue;
		}
		if (memcmp(s->nonce, nonce, SNC_DIRECT_NONCE_BYTES) == 0 &&
		    memcmp(s->sender, sender, SNC_ED25519_PK_BYTES) == 0)
			return -EALREADY;
	}
	if (found == SIZE_MAX)
		return -ENOBUFS;
	*free_slot = found;
	return 0;
}

static int
count(uint64_t *counter, int rc)
{
	(*counter)++;
	return rc;
}

int
snc_direct_open(struct snc_direct_verifier *v, const struct snc_identity *receiver, uint64_t now_ms,
		const uint8_t *in, size_t len, uint8_t *out, size_t outcap, size_t *outlen,
		uint8_t sender_ed25519_pk[SNC_ED25519_PK_BYTES], uint64_t *timestamp_ms)
{
	uint8_t sender_x[SNC_X25519_BYTES], key[KEY_BYTES];
	const uint8_t *sender, *nonce;
	size_t n, body, slot = 0;
	uint64_t ts;
	int rc;

	if (v == NULL || receiver == NULL || (in == NULL && len > 0) || out == NULL ||
	    outlen == NULL || sender_ed25519_pk == NULL || timestamp_ms == NULL)
		return -EINVAL;
	if (len < SNC_DIRECT_OVERHEAD)
		return count(&v->stats.malformed, -EBADMSG);
	if (in[OFF_VERSION] != SNC_DIRECT_VERSION)
		return count(&v->stats.malformed, -EPROTONOSUPPORT);
	n = len - SNC_DIRECT_OVERHEAD;
	if (n > SNC_DIRECT_MAX_PAYLOAD)
		return count(&v->stats.malformed, -EMSGSIZE);
	if (outcap < n)
		return -ENOSPC;
	sender = in + OFF_SENDER;
	nonce = in + OFF_NONCE;
	ts = get_be64(in + OFF_TIMESTAMP);
	if (!in_window(now_ms, ts, v->window_ms))
		return count(&v->stats.stale, -ETIME);
	body = len - SIG_BYTES;
	if (crypto_sign_ed25519_verify_detached(in + body, in, body, sender) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(sender_x, sender) != 0)
		return count(&v->stats.forged, -EKEYREJECTED);
	rc = replay_lookup(v, now_ms, sender, nonce, &slot);
	if (rc == -EALREADY)
		return count(&v->stats.replayed, rc);
	if (rc == -ENOBUFS)
		return count(&v->stats.full, rc);
	if (derive_key(receiver->x25519_sk, sender_x, sender_x, receiver->x25519_pk, key) != 0)
		return count(&v->stats.forged, -EKEYREJECTED);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
							in + SNC_DIRECT_HEADER_BYTES, n + MAC_BYTES,
							in, SNC_DIRECT_HEADER_BYTES, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rc != 0)
		return count(&v->stats.undecryptable, -EBADMSG);

	/* Saturates: a timestamp this close to UINT64_MAX is only reachable with such a now. */
	v->seen[slot].expires_ms = ts > UINT64_MAX - v->window_ms ? UINT64_MAX : ts + v->window_ms;
	memcpy(v->seen[slot].sender, sender, SNC_ED25519_PK_BYTES);
	memcpy(v->seen[slot].nonce, nonce, SNC_DIRECT_NONCE_BYTES);
	memcpy(sender_ed25519_pk, sender, SNC_ED25519_PK_BYTES);
	*timestamp_ms = ts;
	*outlen = n;
	return count(&v->stats.accepted, 0);
}
