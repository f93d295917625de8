/* SPDX-License-Identifier: MIT */
#include "args.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct option dp_long_opts[] = {
	{"self-check", no_argument, NULL, 'S'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int
dp_args_parse(int argc, char **argv, struct dp_args *args)
{
	int c;

	memset(args, 0, sizeof(*args));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", dp_long_opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			args->self_check = true;
			break;
		case 'h':
			args->help = true;
			break;
		default:
			fprintf(stderr, "snode-dataplane: unknown option '%s'\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "snode-dataplane: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

void
dp_args_usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [--self-check] [-h]\n"
	       "  --self-check   start, exercise, stop and close every port, then exit\n"
	       "  -h, --help     this text\n"
	       "software mode example:\n"
	       "  %s --no-huge -m 256 --no-pci --vdev net_null0 --file-prefix sn0 -- "
	       "--self-check\n",
	       prog, prog);
}
