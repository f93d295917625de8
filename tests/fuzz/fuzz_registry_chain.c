/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the registry writers' inputs (control/registry_source.c,
 * registry_chain.c, and through them registry.c's parser) on any bytes. The
 * first line is a source value (`registry =`); the rest are pending lines for
 * the block producer over a fixed state of three nodes at block 1.
 * Invariants: a parsed source names a file (absolute path) or a Redis
 * address and a key without '/'; every pending line is accepted, deferred
 * or dropped exactly once; the block's lines apply to the state, end with
 * block 2, and the state itself is untouched.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "registry_chain.h"
#include "registry_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	LINES_MAX = 64,
};

static void
base_state(struct ctl_registry *r)
{
	static const char *const lines[] = {
		"register 0101010101010101010101010101010101010101010101010101010101010101 "
		"0202020202020202020202020202020202020202020202020202020202020202 10.0.0.1:1 1",
		"register 0303030303030303030303030303030303030303030303030303030303030303 "
		"0404040404040404040404040404040404040404040404040404040404040404 10.0.0.2:1 1",
		"register 0505050505050505050505050505050505050505050505050505050505050505 "
		"0606060606060606060606060606060606060606060606060606060606060606 10.0.0.3:1 1",
		"block 1 0707070707070707070707070707070707070707070707070707070707070707",
	};
	char why[200];

	ctl_registry_init(r);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (ctl_registry_apply_line(r, lines[i], why, sizeof(why)) != 0)
			abort();
}

static void
check_spec(const char *v)
{
	struct ctl_registry_spec s;
	char err[300];

	if (ctl_registry_spec_parse(v, &s, err, sizeof(err)) != 0)
		return;
	if (s.kind == CTL_REGISTRY_SOURCE_FILE && s.path[0] != '/')
		abort();
	if (s.kind == CTL_REGISTRY_SOURCE_REDIS &&
	    (s.addr[0] == '\0' || s.key[0] == '\0' || strchr(s.key, '/') != NULL))
		abort();
	if (s.kind != CTL_REGISTRY_SOURCE_FILE && s.kind != CTL_REGISTRY_SOURCE_REDIS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *lines[LINES_MAX], *save = NULL, why[200];
	struct ctl_registry r, before;
	struct ctl_chain_block b;
	size_t n = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* a NUL inside ends the input: lines are C strings */
	for (char *l = strtok_r(text, "\n", &save); l != NULL && n < LINES_MAX;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	if (n > 0)
		check_spec(lines[0]);
	base_state(&r);
	if (ctl_registry_copy(&before, &r) != 0)
		abort();
	if (ctl_chain_build(&r, n > 1 ? lines + 1 : NULL, n > 1 ? n - 1 : 0, NULL, NULL, &b, why,
			    sizeof(why)) != 0)
		abort();
	if (b.accepted + b.dropped + b.n_deferred != (n > 1 ? n - 1 : 0) || b.n != b.accepted + 1 ||
	    b.height != 2)
		abort();
	if (r.n != before.n || memcmp(r.nodes, before.nodes, r.n * sizeof(*r.nodes)) != 0)
		abort();
	for (size_t i = 0; i < b.n; i++)
		if (ctl_registry_apply_line(&r, b.lines[i], why, sizeof(why)) != 0)
			abort();
	if (r.height != 2 || r.open)
		abort();
	ctl_chain_block_free(&b);
	ctl_registry_free(&r);
	ctl_registry_free(&before);
	free(text);
	return 0;
}
