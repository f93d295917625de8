/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: storage-test report bodies (control/stest_report.c) on any bytes.
 * Invariants: a body decodes only at its fixed length, with a known result,
 * and encodes back to the same bytes; a decoded report goes through a
 * validator's checks (a registry of heights 71..100 whose hashes are 32 times
 * the height's low byte, this node the one validator, a swarm of 4 workers
 * with the keys of seeds 1..4, 2 pairs a height) without crashing, and is never taken when its
 * signature does not verify; straight into a table it keeps each worker's window within its
 * 2N marks and the table within its bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry.h"
#include "stest_report.h"
#include "swarm_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ctl_registry reg;
static struct ctl_swarm_view *view;
static struct ctl_srep_table table;
static uint8_t self[32];

static void
init(void)
{
	struct ctl_swarm_node nodes[4];
	char err[64];

	if (sodium_init() < 0)
		abort();
	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < 4; i++) { /* real keys (seed bytes i + 1): a seed can be taken */
		uint8_t seed[32], sk[64];

		memset(seed, i + 1, 32);
		crypto_sign_seed_keypair(nodes[i].ed25519, sk, seed);
	}
	memset(self, 0x51, 32);
	view = ctl_swarm_view_single(nodes, 4, self, err, sizeof(err));
	if (view == NULL)
		abort();
	reg.have_block = true;
	reg.height = 100;
	for (uint64_t h = 71; h <= 100; h++) {
		struct ctl_registry_recent *e = &reg.recent[h % CTL_REGISTRY_RECENT_BLOCKS];

		e->have = true;
		e->height = h;
		memset(e->hash, (int)h, 32);
	}
	reg.ep.cur.valid = true;
	reg.ep.cur.nv = 1;
	memcpy(reg.ep.cur.validators[0], self, 32);
	reg.ep.cur.nw = 4;
	for (int i = 0; i < 4; i++)
		memcpy(reg.ep.cur.workers[i], nodes[i].ed25519, 32);
	ctl_srep_table_init(&table, 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_srep_ctx ctx = {.reg = &reg, .self = self, .pairs = 2};
	struct ctl_srep r;
	uint8_t out[CTL_SREP_WIRE];
	enum ctl_srep_refusal why;

	if (view == NULL)
		init();
	ctx.swarm = view;
	if (ctl_srep_decode(data, size, &r) != 0)
		return 0;
	if (size != CTL_SREP_WIRE || r.result > CTL_SREP_FAILED)
		abort();
	ctl_srep_encode(&r, out);
	if (memcmp(out, data, size) != 0)
		abort();
	why = ctl_srep_take(&table, &ctx, r.tester, &r);
	if ((unsigned)why >= CTL_SREP_REFUSALS || (why == CTL_SREP_TAKEN && !ctl_srep_verify(&r)))
		abort();
	(void)ctl_srep_table_add(&table, &r);
	for (size_t i = 0; i < CTL_SREP_WORKERS_MAX; i++) {
		const struct ctl_srep_worker *w = &table.w[i];

		if (w->used &&
		    (w->count > table.window || (table.window > 0 && w->head >= table.window) ||
		     w->n_at > CTL_SREP_SAME_HEIGHT_MAX))
			abort();
	}
	(void)ctl_srep_failing(&table, r.testee);
	(void)ctl_srep_failing_count(&table);
	return 0;
}
