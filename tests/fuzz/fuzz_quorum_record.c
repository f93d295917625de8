/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: quorum records (control/quorum_record.c) and registry lines
 * (control/registry.c, with commits, reveals, options and records) on any
 * bytes. Invariants: a record that parses has 7..10 votes with strictly
 * ascending indices, formats back to the same text and parses again to the
 * same record; verifying it against a quorum never crashes; a registry line
 * either applies or leaves the state exactly as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	TEXT_MAX = CTL_REGISTRY_RECORD_LINE_MAX + 16
};

static void
check_record(const char *text)
{
	static struct ctl_quorum q = {.valid = true, .epoch = 1, .nv = 10, .nw = 1};
	struct ctl_quorum_record rec, again;
	char why[200], out[CTL_QUORUM_RECORD_TEXT_MAX];

	if (ctl_quorum_record_parse(text, &rec, why, sizeof(why)) != 0)
		return;
	if (rec.n < CTL_QUORUM_VOTES_NEEDED || rec.n > CTL_QUORUM_VALIDATORS)
		abort();
	for (size_t i = 1; i < rec.n; i++)
		if (rec.v[i].index <= rec.v[i - 1].index)
			abort();
	if (ctl_quorum_record_format(&rec, out, sizeof(out)) != 0)
		abort();
	/* hex digits may come back in another case: compare the records */
	if (ctl_quorum_record_parse(out, &again, why, sizeof(why)) != 0 ||
	    memcmp(&rec, &again, sizeof(rec)) != 0)
		abort();
	(void)ctl_quorum_record_verify(&rec, &q, CTL_QUORUM_DECOMMISSION, q.workers[0], why,
				       sizeof(why));
}

/* A small network that accepts records and RANDAO lines at height 5. */
static struct ctl_registry *
base(void)
{
	static struct ctl_registry r;
	static int ready;
	char line[300], why[200];

	if (ready)
		return &r;
	ctl_registry_init(&r);
	(void)ctl_registry_apply_line(&r, "option epoch-blocks 2", why, sizeof(why));
	for (int i = 0; i < 12; i++) {
		snprintf(line, sizeof(line), "register %064x %064x 10.0.0.%d:22030 1", i + 1,
			 i + 100, i + 1);
		if (ctl_registry_apply_line(&r, line, why, sizeof(why)) != 0)
			abort();
	}
	if (ctl_registry_apply_line(&r,
				    "block 1 "
				    "00000000000000000000000000000000"
				    "00000000000000000000000000000001",
				    why, sizeof(why)) != 0)
		abort();
	ready = 1;
	return &r;
}

static void
check_line(const char *text)
{
	struct ctl_registry copy;
	char why[200];

	if (ctl_registry_copy(&copy, base()) != 0)
		return;
	if (ctl_registry_apply_line(&copy, text, why, sizeof(why)) != 0 &&
	    (copy.n != base()->n ||
	     memcmp(copy.nodes, base()->nodes, copy.n * sizeof(*copy.nodes)) != 0 ||
	     memcmp(&copy.ep, &base()->ep, sizeof(copy.ep)) != 0))
		abort();
	ctl_registry_free(&copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX];

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) != size)
		return 0; /* the registry file refuses NUL bytes before parsing */
	check_record(text);
	check_line(text);
	return 0;
}
