/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the catch-up decoders (control/sync_page.c) on any bytes: as a
 * page answer, a pull request, a hand-off push and a push's answer (codes). Invariants: a decoded
 * page has at most CTL_SYNC_RECORDS_MAX records, each within STORE_DATA_MAX and inside the inflated
 * buffer; encoding it again and decoding that gives the same records,
 * tombstones and revocation lists (0..50 revoked and 0..50 unrevoked tokens, not both 0,
 * with their stamps and times); a push has at least one entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_again(const struct ctl_sync_answer *a)
{
	struct ctl_sync_answer b;
	uint8_t *out;
	size_t len;

	struct store_bulk_page p = {a->recs, a->n, a->tombs, a->n_tombs, a->revs, a->n_revs};

	if (ctl_sync_page_encode(&p, a->next, &out, &len) != 0)
		abort();
	if (ctl_sync_answer_decode(out, len, &b) != 0 || b.n != a->n || b.next != a->next ||
	    b.n_tombs != a->n_tombs || b.n_revs != a->n_revs ||
	    memcmp(a->tombs, b.tombs, a->n_tombs * sizeof(*a->tombs)) != 0)
		abort();
	for (size_t i = 0; i < a->n_revs; i++) {
		const struct store_revs *x = &a->revs[i], *y = &b.revs[i];

		if (y->n != x->n || y->n_un != x->n_un ||
		    memcmp(y->tokens, x->tokens, STORE_REVOKE_TOKEN * x->n) != 0 ||
		    memcmp(y->stamps, x->stamps, sizeof(x->stamps[0]) * x->n) != 0 ||
		    memcmp(y->un_tokens, x->un_tokens, STORE_REVOKE_TOKEN * x->n_un) != 0 ||
		    memcmp(y->un_ms, x->un_ms, sizeof(x->un_ms[0]) * x->n_un) != 0 ||
		    memcmp(y->pubkey, x->pubkey, 33) != 0)
			abort();
	}
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(&a->recs[i], &b.recs[i], offsetof(struct store_msg, data)) != 0 ||
		    a->recs[i].len != b.recs[i].len ||
		    (a->recs[i].len > 0 &&
		     memcmp(a->recs[i].data, b.recs[i].data, a->recs[i].len) != 0))
			abort();
	ctl_sync_answer_free(&b);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_sync_answer a;
	uint64_t cursor;

	uint8_t codes[CTL_SYNC_RECORDS_MAX], status;
	size_t n;

	(void)ctl_sync_req_decode(data, size, &cursor);
	if (ctl_sync_codes_decode(data, size, &status, codes, sizeof(codes), &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (codes[i] > CTL_SYNC_CODE_REFUSED)
				abort();
	if (ctl_sync_push_decode(data, size, &a) == 0) {
		if (a.n + a.n_tombs + a.n_revs == 0 ||
		    a.n + a.n_tombs + a.n_revs > CTL_SYNC_RECORDS_MAX)
			abort();
		ctl_sync_answer_free(&a);
	}
	if (ctl_sync_answer_decode(data, size, &a) != 0)
		return 0;
	if (a.n + a.n_tombs + a.n_revs > CTL_SYNC_RECORDS_MAX)
		abort();
	for (size_t i = 0; i < a.n_revs; i++)
		if (a.revs[i].n + a.revs[i].n_un == 0 || a.revs[i].n > STORE_REVOKE_KEEP ||
		    a.revs[i].n_un > STORE_REVOKE_KEEP)
			abort();
	for (size_t i = 0; i < a.n; i++)
		if (a.recs[i].len > STORE_DATA_MAX)
			abort();
	if (a.status == CTL_SYNC_OK)
		check_again(&a);
	ctl_sync_answer_free(&a);
	return 0;
}
