/* SPDX-License-Identifier: MIT */
/*
 * snode-tool registry: write and read a registry log (docs/registry.md) in a
 * file or in Redis (control/registry_source.h):
 *   registry append --registry SRC [--file F]   lines from F (or stdin), checked by
 *                                               replaying them after the log, then
 *                                               appended at once (whole blocks)
 *   registry submit --registry SRC [LINE...]    node events (or stdin) into the
 *                                               pending queue of `chain run`
 *   registry show --registry SRC                the replayed state's summary
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_append.h"
#include "registry_source.h"
#include "tool.h"
#include "tool_registry.h"

enum {
	APPEND_TRIES = 5, /* another writer was first this often: give up */
};

int
tool_registry_read_lines(const char *cmd, const char *path, char ***lines, size_t *n)
{
	FILE *f = path != NULL ? fopen(path, "r") : stdin;
	char buf[CTL_REGISTRY_RECORD_LINE_MAX + 2];
	int rc = TOOL_EXIT_OK;

	*n = 0;
	*lines = calloc(CTL_REGISTRY_APPEND_LINES_MAX + 1, sizeof(**lines));
	if (f == NULL || *lines == NULL) {
		free(*lines);
		*lines = NULL;
		return tool_fail(cmd, "%s: %s", path != NULL ? path : "stdin", strerror(errno));
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t l = strcspn(buf, "\n");

		if (buf[l] != '\n' && !feof(f)) {
			rc = tool_fail(cmd, "line %zu: longer than %d bytes", *n + 1,
				       CTL_REGISTRY_RECORD_LINE_MAX - 1);
			break;
		}
		if (*n == CTL_REGISTRY_APPEND_LINES_MAX) {
			rc = tool_fail(cmd, "more than %d lines", CTL_REGISTRY_APPEND_LINES_MAX);
			break;
		}
		buf[l] = '\0';
		if (((*lines)[(*n)++] = strdup(buf)) == NULL) {
			rc = tool_fail(cmd, "out of memory");
			break;
		}
	}
	if (path != NULL)
		fclose(f);
	if (rc != TOOL_EXIT_OK) {
		ctl_registry_lines_free(*lines, *n);
		*lines = NULL;
		*n = 0;
	}
	return rc;
}

/* Replays lines over a copy of s's state; a line the log would refuse fails. */
static int
validate(const char *cmd, const struct ctl_registry_source *s, char *const *lines, size_t n,
	 struct ctl_registry *out)
{
	char why[200];
	size_t open_line = 0;

	if (ctl_registry_copy(out, ctl_registry_source_state(s)) != 0)
		return tool_fail(cmd, "out of memory");
	for (size_t i = 0; i < n; i++) {
		bool was_open = out->open;

		if (ctl_registry_apply_line(out, lines[i], why, sizeof(why)) != 0) {
			ctl_registry_free(out);
			return tool_fail(cmd, "line %zu: %s (nothing appended)", i + 1, why);
		}
		if (!was_open && out->open)
			open_line = i + 1;
	}
	if (out->open) {
		uint64_t h = out->open_height;

		ctl_registry_free(out);
		return tool_fail(cmd,
				 "line %zu: events for height %" PRIu64
				 " have no block line (append whole blocks; nothing appended)",
				 open_line, h);
	}
	return TOOL_EXIT_OK;
}

static int
append_lines(const char *cmd, const struct ctl_registry_spec *spec, char **lines, size_t n)
{
	struct ctl_registry_source src;
	struct ctl_registry after;
	char err[600];
	int rc = -EAGAIN;

	for (int t = 0; t < APPEND_TRIES && rc == -EAGAIN; t++) {
		if (ctl_registry_source_load(&src, spec, err, sizeof(err)) != 0) {
			ctl_registry_source_free(&src);
			return tool_fail(cmd, "%s", err);
		}
		if (validate(cmd, &src, lines, n, &after) != TOOL_EXIT_OK) {
			ctl_registry_source_free(&src);
			return TOOL_EXIT_FAIL;
		}
		rc = ctl_registry_append(spec, ctl_registry_source_position(&src),
					 (const char *const *)lines, n, err, sizeof(err));
		ctl_registry_source_free(&src);
		if (rc == 0) {
			json_t *o =
				json_pack("{s:I, s:I, s:I}", "appended", (json_int_t)n, "height",
					  (json_int_t)after.height, "nodes", (json_int_t)after.n);

			ctl_registry_free(&after);
			return tool_print_json(o);
		}
		ctl_registry_free(&after);
	}
	return tool_fail(cmd, "%s", err);
}

/* Node events only, each parsed; anything else refuses the whole submission. */
static int
submit_lines(const char *cmd, const struct ctl_registry_spec *spec, char **lines, size_t n)
{
	struct ctl_registry_event ev;
	char err[600];

	for (size_t i = 0; i < n; i++) {
		if (ctl_registry_parse(lines[i], &ev, err, sizeof(err)) != 0)
			return tool_fail(cmd, "line %zu: %s (nothing queued)", i + 1, err);
		if (ev.kind == CTL_REGISTRY_NONE || ev.kind == CTL_REGISTRY_BLOCK ||
		    ev.kind == CTL_REGISTRY_OPTION)
			return tool_fail(cmd, "line %zu: not a node event (nothing queued)", i + 1);
	}
	if (ctl_registry_pending_put(spec, (const char *const *)lines, n, err, sizeof(err)) != 0)
		return tool_fail(cmd, "%s", err);
	return tool_print_json(json_pack("{s:I}", "queued", (json_int_t)n));
}

static int
show(const char *cmd, const struct ctl_registry_spec *spec)
{
	struct ctl_registry_source src;
	const struct ctl_registry *r;
	char err[600];
	json_t *o;

	if (ctl_registry_source_load(&src, spec, err, sizeof(err)) != 0) {
		ctl_registry_source_free(&src);
		return tool_fail(cmd, "%s", err);
	}
	r = ctl_registry_source_state(&src);
	o = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I}", "height", (json_int_t)r->height, "hash",
		      tool_json_hex(r->hash, 32), "nodes", (json_int_t)r->n, "active",
		      (json_int_t)ctl_registry_count(r, CTL_REGISTRY_ACTIVE), "decommissioned",
		      (json_int_t)ctl_registry_count(r, CTL_REGISTRY_DECOMMISSIONED), "position",
		      (json_int_t)ctl_registry_source_position(&src));
	ctl_registry_source_free(&src);
	return tool_print_json(o);
}

static const char usage_text[] =
	"usage: snode-tool registry append --registry SRC [--file F]\n"
	"       snode-tool registry submit --registry SRC [LINE...]\n"
	"       snode-tool registry show --registry SRC\n"
	"SRC: /abs/path, file:/abs/path or redis:ADDR/KEY (docs/registry.md)\n";

int
tool_cmd_registry(int argc, char **argv)
{
	static const struct option opts[] = {
		{"registry", required_argument, NULL, 'r'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cmd = "registry", *src = NULL, *file = NULL, *sub;
	struct ctl_registry_spec spec;
	char err[300], **lines = NULL;
	size_t n = 0;
	int o, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? TOOL_EXIT_USAGE : TOOL_EXIT_OK;
	}
	sub = argv[1];
	optind = 1;
	while ((o = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (o == 'r')
			src = optarg;
		else if (o == 'f')
			file = optarg;
		else if (o == 'h')
			return fputs(usage_text, stdout), TOOL_EXIT_OK;
		else
			return tool_usage_error(cmd, "unknown option ('registry --help')");
	}
	if (src == NULL)
		return tool_usage_error(cmd, "--registry SRC is required");
	if (ctl_registry_spec_parse(src, &spec, err, sizeof(err)) != 0)
		return tool_usage_error(cmd, "%s", err);
	if (strcmp(sub, "show") == 0)
		return show(cmd, &spec);
	if (strcmp(sub, "append") == 0) {
		if ((rc = tool_registry_read_lines(cmd, file, &lines, &n)) != TOOL_EXIT_OK)
			return rc;
		rc = append_lines(cmd, &spec, lines, n);
	} else if (strcmp(sub, "submit") == 0) {
		if (optind + 1 < argc) { /* the lines as arguments */
			lines = calloc((size_t)argc, sizeof(*lines));
			for (int i = optind + 1; lines != NULL && i < argc; i++)
				if ((lines[n] = strdup(argv[i])) != NULL)
					n++;
			if (lines == NULL || n != (size_t)(argc - optind - 1)) {
				ctl_registry_lines_free(lines, n);
				return tool_fail(cmd, "out of memory");
			}
		} else if ((rc = tool_registry_read_lines(cmd, file, &lines, &n)) != TOOL_EXIT_OK) {
			return rc;
		}
		rc = submit_lines(cmd, &spec, lines, n);
	} else {
		return tool_usage_error(cmd, "unknown subcommand '%s' (append, submit, show)", sub);
	}
	ctl_registry_lines_free(lines, n);
	return rc;
}
