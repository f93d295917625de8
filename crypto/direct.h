/* SPDX-License-Identifier: MIT */
/*
 * DIRECT messages: snode's own node-to-node control plane (not Session
 * compatible, not seen by clients). One node seals a payload for one other
 * node, identified by its Ed25519 key; the receiver authenticates the sender,
 * rejects stale and replayed messages and counts every rejection, which
 * operators read as the verifier's stats. Full description with a test
 * vector: docs/direct-messages.md.
 *
 * Byte layout (n = payload length, all offsets in bytes):
 *
 *   off       len   field
 *   0         1     version, 0x01
 *   1         32    sender Ed25519 public key
 *   33        8     timestamp, ms since the Unix epoch, unsigned big-endian
 *   41        24    nonce (random per message)
 *   65        n+16  XChaCha20-Poly1305-IETF(key, nonce, ad = bytes 0..64, payload)
 *   81+n      64    Ed25519 signature by the sender over bytes 0 .. 80+n
 *
 *   key = BLAKE2b-256(key = "snode-direct-v1",
 *                     msg = X25519(sender, receiver) || sender_x25519 || receiver_x25519)
 *
 * X25519 keys are the nodes' Ed25519 keys converted (snc_identity). The public
 * keys are hashed sender first, so each direction has its own key. Total size
 * is n + SNC_DIRECT_OVERHEAD.
 *
 * Receiving runs, in order: size and version checks, the timestamp window,
 * the signature, the replay cache lookup, decryption, and only then records
 * (sender, nonce) in the cache, so only a correctly signed and decryptable
 * message can take a cache slot.
 */
#ifndef SNC_DIRECT_H
#define SNC_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"

enum {
	SNC_DIRECT_VERSION = 1,
	SNC_DIRECT_NONCE_BYTES = 24,
	SNC_DIRECT_HEADER_BYTES = 65,	    /* bytes: version, sender pk, timestamp, nonce */
	SNC_DIRECT_OVERHEAD = 145,	    /* bytes: header 65 + MAC 16 + signature 64 */
	SNC_DIRECT_MAX_PAYLOAD = 1048576,   /* bytes */
	SNC_DIRECT_WINDOW_MS = 60000,	    /* ms: default accepted clock skew, either way */
	SNC_DIRECT_WINDOW_MAX_MS = 3600000, /* ms: largest window a verifier accepts */
	SNC_DIRECT_REPLAY_LOG2_MAX = 17,    /* 131,072 slots of 64 bytes: 8 MiB */
	SNC_DIRECT_REPLAY_SLOTS = 1 << SNC_DIRECT_REPLAY_LOG2_MAX,
	SNC_DIRECT_REPLAY_PROBE = 32, /* slots a (sender, nonce) may take: its hash's run */
};

/*
 * One remembered message. A slot is free once expires_ms has passed: by then
 * the message's timestamp is outside the window and the window check alone
 * rejects a replay.
 */
struct snc_direct_seen {
	uint64_t expires_ms; /* timestamp + window; 0 = never used */
	uint8_t sender[SNC_ED25519_PK_BYTES];
	uint8_t nonce[SNC_DIRECT_NONCE_BYTES];
};

/* Why messages were turned away; every snc_direct_open call bumps exactly one. */
struct snc_direct_stats {
	uint64_t accepted;
	uint64_t malformed;	/* too short, too long, unknown version */
	uint64_t stale;		/* timestamp outside the window */
	uint64_t forged;	/* bad signature or unusable sender key */
	uint64_t replayed;	/* (sender, nonce) already accepted within the window */
	uint64_t full;		/* replay cache had no free slot: rejected, never accepted */
	uint64_t undecryptable; /* signed, but not for us or corrupted inside */
};

/*
 * Receiver state: fixed size (SNC_DIRECT_REPLAY_SLOTS * 64 bytes, 8 MiB plus a
 * few words), allocated once by the caller (heap or static: too big for a
 * stack); open never allocates. The replay cache is a hash table: a message's
 * (sender, nonce) goes to one of the SNC_DIRECT_REPLAY_PROBE slots that follow
 * SipHash-2-4 of it under a random per-verifier key (senders cannot aim at a
 * run), and stays there until its timestamp leaves the window. It holds the
 * messages accepted in the last 2 * window (120 s by default); with 131,072
 * slots a run is practically never full below ~80% load, about 870 messages
 * per second sustained. When the run is full, a new message is rejected with
 * -ENOBUFS and counted in stats.full; it is never accepted unrecorded. Not
 * thread-safe: one verifier per thread.
 */
struct snc_direct_verifier {
	uint64_t window_ms;
	uint32_t slots; /* in use: a power of two, at most SNC_DIRECT_REPLAY_SLOTS */
	uint8_t hash_key[16];
	struct snc_direct_stats stats;
	struct snc_direct_seen seen[SNC_DIRECT_REPLAY_SLOTS];
};

/*
 * Clears v and sets the accepted skew: window_ms 0 means SNC_DIRECT_WINDOW_MS.
 * Returns 0, or -EINVAL (v NULL, window_ms > SNC_DIRECT_WINDOW_MAX_MS).
 */
int snc_direct_verifier_init(struct snc_direct_verifier *v, uint64_t window_ms);

/* The same with 2^log2_slots slots in use (1..SNC_DIRECT_REPLAY_LOG2_MAX):
 * tests reach a full cache with few messages. -EINVAL out of range. */
int snc_direct_verifier_init_slots(struct snc_direct_verifier *v, uint64_t window_ms,
				   unsigned log2_slots);

/*
 * Seals len payload bytes from sender to the node whose Ed25519 key is
 * receiver_ed25519_pk, stamped timestamp_ms. nonce must be NULL (a random one
 * is drawn) except in known-answer tests. out receives len +
 * SNC_DIRECT_OVERHEAD bytes. Returns 0, -EINVAL (NULL pointer), -EMSGSIZE
 * (len > SNC_DIRECT_MAX_PAYLOAD), -ENOSPC (outcap too small) or -EKEYREJECTED
 * (receiver key is not a valid Ed25519 point, or gives a low-order X25519 key).
 */
int snc_direct_seal(const struct snc_identity *sender,
		    const uint8_t receiver_ed25519_pk[SNC_ED25519_PK_BYTES], uint64_t timestamp_ms,
		    const uint8_t nonce[SNC_DIRECT_NONCE_BYTES], const uint8_t *msg, size_t len,
		    uint8_t *out, size_t outcap, size_t *outlen);

/*
 * Opens a message for receiver at local time now_ms (ms since the epoch).
 * Accepted when |now_ms - timestamp| <= window (inclusive). On success out
 * holds the payload, sender_ed25519_pk and timestamp_ms the authenticated
 * header values; whether that sender is a node worth listening to is the
 * caller's decision. Returns 0 or, with the stats counter bumped:
 *   -EINVAL (NULL pointer; nothing counted), -ENOSPC (outcap too small;
 *   nothing counted), -EBADMSG malformed (too short), -EMSGSIZE malformed
 *   (payload over SNC_DIRECT_MAX_PAYLOAD), -EPROTONOSUPPORT malformed
 *   (version), -ETIME stale, -EKEYREJECTED forged, -EALREADY replayed,
 *   -ENOBUFS full, -EBADMSG undecryptable.
 * The contents of out are unspecified on failure.
 */
int snc_direct_open(struct snc_direct_verifier *v, const struct snc_identity *receiver,
		    uint64_t now_ms, const uint8_t *in, size_t len, uint8_t *out, size_t outcap,
		    size_t *outlen, uint8_t sender_ed25519_pk[SNC_ED25519_PK_BYTES],
		    uint64_t *timestamp_ms);

#endif
