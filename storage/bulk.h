/* SPDX-License-Identifier: MIT */
/*
 * Bulk access to the whole store for swarm catch-up and bulk copy
 * (docs/replication.md, "Catch-up"): read every live message in pages with a
 * cursor, insert copies received from a peer idempotently, and drop messages
 * this node no longer serves.
 *
 * Scan: a cursor over Redis SCAN of the message keys. SCAN returns every key
 * present for the whole scan at least once (duplicates are possible, hence
 * the idempotent insert); a page stops after max_records records or once
 * max_bytes of data are read, between two SCAN steps (COUNT 1: one hash
 * bucket, in practice a few keys), so a page can pass max_bytes by the
 * records of one step. Expired (expiry <= now) messages are skipped.
 *
 * Pages also carry tombstones (a deleted message's account, hash, namespace,
 * deletion time, and end: the message's expiry) and revocation lists.
 *
 * Insert (docs/replication.md, "Merge rules"): per message one of enum
 * store_bulk_code. A message already present keeps its data, timestamp and
 * namespace; its expiry follows the copy whose expiry was set last
 * (expiry_set_ms), ties keep the later expiry (the rule of a duplicate store).
 * A live tombstone refuses a copy whose expiry was set no later than the
 * deletion; a copy set later (stored again after the deletion) ends the
 * tombstone. Inserted messages keep their timestamp, expiry, expiry_set and
 * namespace and are indexed at the end of their namespace (arrival order on
 * this node). Per tombstone one of enum store_bulk_tomb_code; per revocation
 * list the number of tokens added (missing ones, at their stamp's place, unless unrevoked here
 * as late or later; the newest STORE_REVOKE_KEEP kept) and the number removed (revoked here no
 * later than an unrevocation of the list); unrevocations are kept (the newest
 * STORE_REVOKE_KEEP by time) so a stale revocation does not come back.
 */
#ifndef STORE_BULK_H
#define STORE_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "revoke.h"
#include "store.h"

enum {
	STORE_BULK_SCAN_STEPS_MAX = 4096, /* SCAN steps in one page (bounds one script's time) */
	STORE_BULK_RECORDS_MAX = 1024,	  /* records of one page (scan or insert) */
};

enum store_bulk_code {
	STORE_BULK_INSERTED = 0,
	STORE_BULK_PRESENT = 1,	     /* already there: its expiry set later, or as late */
	STORE_BULK_RAISED = 2,	     /* already there, expiry raised to the record's */
	STORE_BULK_EXPIRED = 3,	     /* the record's expiry is <= now: not inserted */
	STORE_BULK_SUPERSEDED = 4,   /* public outbox: a message as new or newer is there */
	STORE_BULK_ACCOUNT_FULL = 5, /* the account's quota */
	STORE_BULK_STORE_FULL = 6,   /* the node's quota */
	STORE_BULK_LOWERED = 7,	     /* already there, expiry lowered: the copy's was set later */
	STORE_BULK_TOMBSTONED = 8,   /* deleted here (a live tombstone): not inserted */
	STORE_BULK_CODES = 9,
};

enum store_bulk_tomb_code {
	STORE_BULK_TOMB_DELETED = 0,  /* the message was here: deleted, tombstone kept */
	STORE_BULK_TOMB_RECORDED = 1, /* not here: tombstone kept (refuses later copies) */
	STORE_BULK_TOMB_NEWER = 2,    /* here, its expiry set after the deletion: kept */
	STORE_BULK_TOMB_ENDED = 3,    /* the tombstone's end is <= now: ignored */
	STORE_BULK_TOMB_CODES = 4,
};

enum {
	STORE_REVOKE_TOKEN = 36, /* bytes of a subaccount token */
};

/* A deleted message: refuses copies until until_ms (the message's expiry). */
struct store_tomb {
	uint8_t pubkey[STORE_PUBKEY_BYTES];
	int32_t ns;
	char hash[STORE_HASH_BUF];
	int64_t deleted_ms; /* the deleting node's clock */
	int64_t until_ms;
};

/*
 * An account's revocation list, newest first, with the tokens unrevoked there: each revocation
 * has its stamp (revocation time ms x 1000 + its place in its request: the list's order; a
 * revocation made before stamps has a small sequence number, read as time 0), each unrevocation
 * its time (ms). A revocation and an unrevocation of one token: the later wins (the
 * unrevocation on a tie), so a missed unrevoke is caught up like a missed revoke.
 */
struct store_revs {
	uint8_t pubkey[STORE_PUBKEY_BYTES];
	size_t n; /* 0..STORE_REVOKE_KEEP revoked (n + n_un >= 1) */
	uint8_t tokens[STORE_REVOKE_KEEP][STORE_REVOKE_TOKEN];
	int64_t stamps[STORE_REVOKE_KEEP];
	size_t n_un; /* 0..STORE_REVOKE_KEEP unrevoked, newest first */
	uint8_t un_tokens[STORE_REVOKE_KEEP][STORE_REVOKE_TOKEN];
	int64_t un_ms[STORE_REVOKE_KEEP];
};

/* The revocation time (ms) of a stamp. */
static inline int64_t
store_revoke_stamp_ms(int64_t stamp)
{
	return stamp / 1000;
}

/* One page: its three parts (any may be empty). */
struct store_bulk_page {
	const struct store_msg *recs;
	size_t n;
	const struct store_tomb *tombs;
	size_t n_tombs;
	const struct store_revs *revs;
	size_t n_revs;
};

/* One page of a scan (NULL unless st->rc is 0); it lives only during the callback.
 * next_cursor 0: done. */
typedef void store_bulk_scan_cb(void *arg, const struct store_status *st, uint64_t next_cursor,
				const struct store_bulk_page *page);

/* Reads the page at cursor (0: the start). -EINVAL for 0 or too many max_records. */
int store_bulk_scan(struct store *st, uint64_t cursor, uint32_t max_records, uint64_t max_bytes,
		    int64_t now_ms, store_bulk_scan_cb *cb, void *arg);

/* codes[i] (enum store_bulk_code) for recs[i]; codes NULL unless st->rc is 0. */
typedef void store_bulk_put_cb(void *arg, const struct store_status *st, const uint8_t *codes,
			       size_t n);

/* Inserts recs[0..n) in one atomic step. -EINVAL (bad record, n 0 or too big), -ERANGE (ns). */
int store_bulk_put(struct store *st, const struct store_msg *recs, size_t n, int64_t now_ms,
		   store_bulk_put_cb *cb, void *arg);

/* Merges a whole page in one atomic step: codes for its messages, then its tombstones, then two
 * per list: tokens added, tokens removed by its unrevocations (n = messages + tombstones + 2 x
 * lists). -EINVAL (bad entry, nothing, or over STORE_BULK_RECORDS_MAX), -ERANGE. */
int store_bulk_put_page(struct store *st, const struct store_bulk_page *page, int64_t now_ms,
			store_bulk_put_cb *cb, void *arg);

/* Deletes the messages (pubkey, hash) of recs[0..n) (other fields unused); removed: how many. */
typedef void store_bulk_drop_cb(void *arg, const struct store_status *st, uint64_t removed);
int store_bulk_drop(struct store *st, const struct store_msg *recs, size_t n,
		    store_bulk_drop_cb *cb, void *arg);
/* Deletes a page's messages (pubkey, hash), tombstones (pubkey, hash) and revocation lists with
 * their unrevocations (pubkey) without leaving tombstones (a node handing them off); removed:
 * how many entries were there. -EINVAL as store_bulk_put_page. */
int store_bulk_drop_page(struct store *st, const struct store_bulk_page *page,
			 store_bulk_drop_cb *cb, void *arg);

#endif
