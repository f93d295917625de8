/* SPDX-License-Identifier: MIT */
/*
 * The whole Redis key schema of libsnstore, in one place (mirrored in
 * docs/storage.md). An operator reading `redis-cli --scan` sees these names.
 *
 * Every key starts with a prefix (STORE_KEYS_PREFIX_DEFAULT, "sn1:", or the
 * one in struct store_config), so one redis-server can hold several
 * independent stores (tests) without collisions. <acct> below is the account's
 * 33-byte prefixed pubkey as 66 lower-case hex characters; <ns> is the
 * namespace in decimal ("0", "-10", ...); <hash> is the 43-character message
 * hash (crypto/msg_hash.h), which already binds account and namespace.
 *
 * key                     type    holds
 * ----------------------  ------  ---------------------------------------------
 * schema                  STRING  schema version (STORE_KEYS_SCHEMA_VERSION);
 *                                 written on first connect, checked on every
 *                                 connect: a mismatch refuses to serve
 * seq                     STRING  INCR counter: arrival sequence of messages and
 *                                 revocations (global, never reused)
 * m:<acct>:<hash>         HASH    one message: ns, t (timestamp ms), e (expiry
 *                                 ms), s (arrival seq), d (raw data bytes), es
 *                                 (when its expiry was last set, ms; absent: 0)
 * i:<acct>:<ns>           ZSET    member <hash>, score arrival seq: the
 *                                 retrieve order; last_hash pages by score
 * n:<acct>                SET     namespaces <ns> that hold messages (for "all")
 * exp                     ZSET    member "<acct>:<hash>", score expiry ms: the
 *                                 sweep reads the lowest scores
 * usage                   HASH    msgs, bytes: totals over all accounts
 * ac                      HASH    field <acct>: its message count (HLEN = accounts)
 * ab                      HASH    field <acct>: its data bytes (the quota)
 * r:<acct>                ZSET    member: 36-byte subaccount token (raw), score
 *                                 its stamp: revocation time ms x 1000 + place in
 *                                 its request (older stores: a seq, read as time
 *                                 0); newest STORE_KEYS_REVOKED_KEEP
 * u:<acct>                ZSET    member: a token unrevoked here, score the
 *                                 unrevocation time ms (a later revocation wins);
 *                                 newest STORE_KEYS_REVOKED_KEEP
 * d:<acct>:<hash>         HASH    tombstone of a deleted message: ns, dt (deleted
 *                                 at, ms), u (until, ms: the message's expiry)
 * dx                      ZSET    member "<acct>:<hash>", score u: tombstones'
 *                                 ends (sweep, count, eviction when full)
 * usage                           also tombs_evicted: tombstones dropped because
 *                                 STORE_KEYS_TOMBS_MAX were held
 *
 * Times the scripts take themselves (es, dt) are the Redis server's clock
 * (TIME), the host's wall clock.
 * No key has a Redis TTL: expiry is ours (the exp ZSET and the sweep), because
 * a Redis TTL would drop a message without updating the index, the counters
 * and the quota. Message bytes counted against quotas are the raw data length.
 * Expired messages are invisible to retrieve, expire and get_expiries at once,
 * and are removed (with their counters) by the sweep.
 *
 * Changing any of this means a new STORE_KEYS_SCHEMA_VERSION, except additions
 * a version-1 store without them reads right: es, d:, dx, tombs_evicted, u: and
 * revocation stamps were added so (a store written before them has no tombstones and es 0).
 */
#ifndef STORE_KEYS_H
#define STORE_KEYS_H

#define STORE_KEYS_PREFIX_DEFAULT "sn1:"

#define STORE_KEYS_SCHEMA     "schema"
#define STORE_KEYS_SEQ	      "seq"
#define STORE_KEYS_MSG	      "m:"
#define STORE_KEYS_INDEX      "i:"
#define STORE_KEYS_NAMESPACES "n:"
#define STORE_KEYS_EXPIRY     "exp"
#define STORE_KEYS_USAGE      "usage"
#define STORE_KEYS_ACCT_COUNT "ac"
#define STORE_KEYS_ACCT_BYTES "ab"
#define STORE_KEYS_REVOKED    "r:"
#define STORE_KEYS_UNREVOKED  "u:"
#define STORE_KEYS_TOMB	      "d:"
#define STORE_KEYS_TOMB_ENDS  "dx"

/* Fields of a message HASH. */
#define STORE_KEYS_F_NS		"ns"
#define STORE_KEYS_F_TIMESTAMP	"t"
#define STORE_KEYS_F_EXPIRY	"e"
#define STORE_KEYS_F_SEQ	"s"
#define STORE_KEYS_F_DATA	"d"
#define STORE_KEYS_F_EXPIRY_SET "es"

/* Kept as macros (not enums) because the Lua scripts embed them as text. */
#define STORE_KEYS_SCHEMA_VERSION 1
#define STORE_KEYS_REVOKED_KEEP	  50	 /* tokens per account: the newest are kept */
#define STORE_KEYS_TOMBS_MAX	  100000 /* tombstones held; the soonest to end is evicted */

enum {
	STORE_KEYS_PREFIX_MAX = 32, /* characters of a configured prefix */
};

#endif
