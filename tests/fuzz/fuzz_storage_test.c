/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: storage-proof test bodies (control/storage_test.c) on any bytes,
 * as a request and as an answer. Invariants: a request that decodes has 1..16
 * records and the exact length for them, and encodes back to the same bytes;
 * an answer that decodes has a known code and the exact length for it, and
 * encodes back to the same bytes; the testee's pair check over the decoded
 * height's bytes never crashes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_request(const uint8_t *data, size_t size)
{
	struct ctl_stest_request rq;
	uint8_t out[CTL_STEST_REQ_MAX], members[3][32] = {{1}, {2}, {3}};
	size_t len;

	if (ctl_stest_request_decode(data, size, &rq) != 0)
		return;
	if (rq.n < 1 || rq.n > CTL_STEST_RECORDS_MAX ||
	    size != CTL_STEST_REQ_HDR + (size_t)rq.n * CTL_STEST_REC)
		abort();
	len = ctl_stest_request_encode(&rq, out);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	/* the nonce stands in for a block hash; the first record's account for the tester */
	(void)ctl_stest_check_pair((const uint8_t(*)[32])members, 3, rq.nonce,
				   (unsigned)(rq.height % (CTL_STEST_PAIRS_MAX + 2)),
				   rq.rec[0].account, members[rq.n % 3]);
}

static void
check_answer(const uint8_t *data, size_t size)
{
	enum ctl_stest_code code;
	uint8_t proof[CTL_STEST_PROOF], out[CTL_STEST_ANSWER_MAX];
	size_t len;

	if (ctl_stest_answer_decode(data, size, &code, proof) != 0)
		return;
	if ((unsigned)code >= CTL_STEST_CODES)
		abort();
	len = ctl_stest_answer_encode(code, proof, out);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_answer(data, size);
	return 0;
}
