/* SPDX-License-Identifier: MIT */
/*
 * snode-bench-route: nanoseconds per route parse of one peeled layer's JSON,
 * the jansson parser (onion_route_jansson.c) against the scanner-based one
 * (onion_route.c), on the shapes real clients send. Not a test. Each row runs
 * both parsers for --seconds (default 0.5) each, alternating in slices so
 * that machine noise hits both; pin it with taskset:
 *   taskset -c 1 build/bench/snode-bench-route [--seconds S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onion_route.h"
#include "onion_route_jansson.h"
#include "snc.h"

enum {
	SLICES = 10,   /* alternations per row */
	ROUNDS = 1000, /* parses between clock reads */
};

struct shape {
	const char *name;
	const char *json;
	bool entry;
};

static const struct shape shapes[] = {
	{"relay (onion_build)",
	 "{\"destination\":\"ffffeeeeddddccccbbbbaaaa9999888877776666555544443333222211110000\","
	 "\"ephemeral_key\":\"8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652\","
	 "\"enc_type\":\"xchacha20\"}",
	 false},
	{"destination, libsession", "{\"headers\":\"\"}", false},
	{"destination, desktop", "{\"headers\":{},\"body\":null}", false},
	{"proxy exit",
	 "{\"host\":\"open.getsession.org\",\"target\":\"/oxen/v4/lsrpc\",\"method\":\"POST\","
	 "\"protocol\":\"https\",\"port\":443,"
	 "\"ephemeral_key\":\"8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652\","
	 "\"enc_type\":\"xchacha20\"}",
	 false},
	{"entry (client request)",
	 "{\"ephemeral_key\":\"8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652\","
	 "\"enc_type\":\"aes-gcm\"}",
	 true},
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses s ROUNDS times with the scanner (or jansson); aborts on a failure. */
static void
rounds(const struct shape *s, size_t len, bool jansson)
{
	struct snc_route_entry e;
	struct snc_route r;
	int rc = 0;

	for (int i = 0; i < ROUNDS; i++) {
		if (s->entry)
			rc |= jansson ? snc_route_jansson_parse_entry(s->json, len, &e)
				      : snc_route_parse_entry(s->json, len, &e);
		else
			rc |= jansson ? snc_route_jansson_parse(s->json, len, &r)
				      : snc_route_parse(s->json, len, &r);
	}
	if (rc != 0) {
		fprintf(stderr, "snode-bench-route: %s does not parse\n", s->name);
		exit(1);
	}
}

/* Seconds spent and parses done, per parser, over the slices. */
static void
measure(const struct shape *s, double seconds, double ns[2])
{
	size_t len = strlen(s->json);
	double spent[2] = {0, 0}, count[2] = {0, 0};

	for (int slice = 0; slice < SLICES; slice++) {
		for (int j = 0; j < 2; j++) {
			double t0 = now(), t;
			do {
				rounds(s, len, j == 0);
				count[j] += ROUNDS;
				t = now() - t0;
			} while (t < seconds / SLICES);
			spent[j] += t;
		}
	}
	for (int j = 0; j < 2; j++)
		ns[j] = spent[j] / count[j] * 1e9;
}

int
main(int argc, char **argv)
{
	double seconds = 0.5;

	if (argc == 3 && strcmp(argv[1], "--seconds") == 0) {
		seconds = atof(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: snode-bench-route [--seconds S]\n");
		return 2;
	}
	if (snc_init() != 0 || seconds <= 0) {
		fprintf(stderr, "snode-bench-route: bad --seconds or snc_init failed\n");
		return 1;
	}
	printf("snode-bench-route: ns per route parse, one core, %.2f s per parser per row\n",
	       seconds);
	printf("%-26s %6s %12s %12s %9s\n", "JSON", "bytes", "jansson ns", "scanner ns",
	       "speed-up");
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		double ns[2];
		measure(&shapes[i], seconds, ns);
		printf("%-26s %6zu %12.0f %12.0f %8.1fx\n", shapes[i].name, strlen(shapes[i].json),
		       ns[0], ns[1], ns[0] / ns[1]);
	}
	return 0;
}
