/* SPDX-License-Identifier: MIT */
/*
 * Wire format of swarm catch-up pages (docs/replication.md, "Catch-up").
 * Both travel as direct_rpc bodies; their first byte (0xA5) keeps them apart
 * from forwarded storage calls (JSON, '{').
 *
 * Pull request, exactly CTL_SYNC_REQ_LEN bytes:
 *   0xA5, version 3, op 1 (pull), cursor (u64 BE; 0: from the start)
 * Versions 1 and 2 are refused: decode answers -EPROTONOSUPPORT.
 *
 * Answer: 0xA5, status (enum ctl_sync_status), flags (bit 0: last page, bit
 * 1: set on every answer since version 2, bit 2: version-3 layout, set on every
 * OK page), next cursor (u64 BE), raw length (u32 BE), then the page deflated
 * with ISA-L igzip (raw deflate, no gzip wrapper). A status other than OK has
 * raw length 0 and nothing after the header (bits 0 and 1 only: a version-2
 * node reads it). An OK page without bit 2 is version 1 or 2: -EPROTONOSUPPORT.
 *
 * Page (inflated, version 3): counts of messages, tombstones, revocation
 * lists (3 x u16 BE, CTL_SYNC_RECORDS_MAX in all), then the messages
 *   pubkey (33) | hash (43, base64) | ns (i16 BE) | timestamp ms (i64 BE)
 *   | expiry ms (i64 BE) | expiry set ms (i64 BE) | data length (u32 BE) | data
 * then the tombstones
 *   pubkey (33) | hash (43) | ns (i16 BE) | deleted ms (i64 BE) | until ms (i64 BE)
 * then the revocation lists
 *   pubkey (33) | count (u8, 0..50) | count x (token (36), stamp (i64 BE)), newest first
 *   | unrevoked count (u8, 0..50; the two counts not both 0)
 *   | unrevoked count x (token (36), unrevocation time ms (i64 BE))
 * (a stamp is the revocation time ms x 1000 + its place in its request, storage/bulk.h).
 * The decoder is strict: every length within its limit, the hash well
 * formed, nothing left over; raw length must equal what inflates.
 *
 * Hand-off push (a node leaving a swarm gives records to their new swarm):
 *   0xA5, version 3, op 2 (push), then a whole answer (above) with status OK
 *   and cursor 0, carrying messages, tombstones and revocation lists (at least
 *   one entry).
 * Its answer: the answer header (bits 0 and 1) with raw length n (cursor 0), then n bytes, one
 * per entry in page order: a message's enum store_bulk_code, a tombstone's enum
 * store_bulk_tomb_code, 0 for a list taken, or CTL_SYNC_CODE_REFUSED.
 */
#ifndef CTL_SYNC_PAGE_H
#define CTL_SYNC_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulk.h"
#include "direct_rpc.h"
#include "msg.h"

enum {
	CTL_SYNC_MAGIC = 0xA5,
	/* 2: tombstones, expiry set times, revocation lists; 3: revocation stamps and
	 * unrevocations in lists, pushes of tombstones and lists */
	CTL_SYNC_VERSION = 3,
	CTL_SYNC_OP_PULL = 1,
	CTL_SYNC_OP_PUSH = 2,
	CTL_SYNC_PUSH_HDR = 3,	   /* before the embedded answer */
	CTL_SYNC_CODE_REFUSED = 9, /* bad hash, account not served, expiry too far ahead */
	CTL_SYNC_REQ_LEN = 11,
	CTL_SYNC_ANS_HDR = 15,
	CTL_SYNC_PAGE_HDR = 6,				  /* the three counts */
	CTL_SYNC_REC_FIXED = 33 + 43 + 2 + 8 + 8 + 8 + 4, /* a message without its data */
	CTL_SYNC_TOMB_LEN = 33 + 43 + 2 + 8 + 8,
	CTL_SYNC_REVS_FIXED = 33 + 1 + 1, /* a revocation list without its tokens: two counts */
	CTL_SYNC_REV_ENTRY = 36 + 8,	  /* a token and its stamp or time */
	CTL_SYNC_RECORDS_MAX = 1024,	  /* entries (of all three kinds) in one page */
	/* inflated page: records of one SCAN step past the budget still fit, and
	 * deflate's worst case (stored blocks) stays under CTL_DRPC_BODY_MAX */
	CTL_SYNC_RAW_MAX = 768 * 1024,
	CTL_SYNC_FLAG_LAST = 1,
	CTL_SYNC_FLAG_V2 = 2, /* every answer (a version-2 node reads our refusals) */
	CTL_SYNC_FLAG_V3 = 4, /* every OK page: the version-3 layout */
};

enum ctl_sync_status {
	CTL_SYNC_OK = 0,
	CTL_SYNC_NOT_MEMBER = 1,  /* the asking node is in no swarm with us, in our view */
	CTL_SYNC_UNAVAILABLE = 2, /* our storage cannot answer now */
	CTL_SYNC_BAD_REQUEST = 3,
	CTL_SYNC_STATUS_MAX = 3,
};

/* A decoded answer; recs[i].data point into raw. */
struct ctl_sync_answer {
	uint8_t status;
	bool last;
	uint64_t next;
	size_t n, n_tombs, n_revs;
	struct store_msg *recs;
	struct store_tomb *tombs;
	struct store_revs *revs;
	uint8_t *raw;
};

void ctl_sync_req_encode(uint8_t out[CTL_SYNC_REQ_LEN], uint64_t cursor);
/* 0; -EPROTONOSUPPORT for a version-1 pull request; -EBADMSG for anything else
 * but a well-formed pull request. */
int ctl_sync_req_decode(const uint8_t *b, size_t len, uint64_t *cursor);

/* Bytes recs[0..n) take inflated (counts included). */
size_t ctl_sync_page_raw_len(const struct store_msg *recs, size_t n);
/* Bytes a whole page takes inflated. */
size_t ctl_sync_page_len(const struct store_bulk_page *p);

/* The answer carrying page p (any part empty); errors as ctl_sync_answer_encode. */
int ctl_sync_page_encode(const struct store_bulk_page *p, uint64_t next, uint8_t **out,
			 size_t *len);

/*
 * The answer carrying recs[0..n) (n 0 allowed) in *out (malloc'd).
 * -E2BIG (over CTL_SYNC_RAW_MAX or CTL_SYNC_RECORDS_MAX), -ENOMEM, -EIO (igzip).
 */
int ctl_sync_answer_encode(const struct store_msg *recs, size_t n, uint64_t next, uint8_t **out,
			   size_t *len);
/* A header-only answer with a status other than OK. */
void ctl_sync_answer_status(uint8_t out[CTL_SYNC_ANS_HDR], enum ctl_sync_status status);

/* A push of recs[0..n) (n >= 1); errors as ctl_sync_answer_encode. */
int ctl_sync_push_encode(const struct store_msg *recs, size_t n, uint8_t **out, size_t *len);
/* A push of a whole page (at least one entry of any kind); errors as ctl_sync_page_encode. */
int ctl_sync_push_encode_page(const struct store_bulk_page *p, uint8_t **out, size_t *len);
/* 0 (a filled: at least one entry), -EBADMSG, -EPROTONOSUPPORT (an older version's push),
 * -ENOMEM. Free with ctl_sync_answer_free. */
int ctl_sync_push_decode(const uint8_t *b, size_t len, struct ctl_sync_answer *a);
/* A push's answer: header and codes[0..n) in out (CTL_SYNC_ANS_HDR + n bytes). */
void ctl_sync_codes_encode(const uint8_t *codes, size_t n, uint8_t *out);
/* 0 with *status; for OK also codes (*n of them, at most cap); -EBADMSG otherwise. */
int ctl_sync_codes_decode(const uint8_t *b, size_t len, uint8_t *status, uint8_t *codes, size_t cap,
			  size_t *n);

/* 0, -EBADMSG (malformed, counted by the caller), -EPROTONOSUPPORT (an OK page of
 * version 1), -ENOMEM. Free with ctl_sync_answer_free. */
int ctl_sync_answer_decode(const uint8_t *b, size_t len, struct ctl_sync_answer *a);
void ctl_sync_answer_free(struct ctl_sync_answer *a);

#endif
