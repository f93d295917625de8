/* SPDX-License-Identifier: MIT */
#include "args_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
dp_args_file_read(const char *path, char **text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	*text = NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(DP_ARGS_FILE_MAX + 1);
	if (buf != NULL)
		n = fread(buf, 1, DP_ARGS_FILE_MAX + 1, f);
	if (buf == NULL || ferror(f))
		snprintf(err, errlen, "%s: %s", path, buf == NULL ? "out of memory" : "read error");
	else if (n > DP_ARGS_FILE_MAX)
		snprintf(err, errlen, "%s: longer than %d bytes", path, DP_ARGS_FILE_MAX);
	else if (memchr(buf, '\0', n) != NULL)
		snprintf(err, errlen, "%s: NUL byte in the file", path);
	else
		err = NULL;
	fclose(f);
	if (err != NULL) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}

static char *
trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* One line (NUL-terminated, no newline): 0 for blank, 1 with key/value, -1 with why. */
static int
split(char *line, char **key, char **value, const char **why)
{
	char *hash = strchr(line, '#'), *eq, *end = line + strlen(line);

	if (hash != NULL)
		end = hash;
	*end = '\0';
	if (line[strspn(line, " \t\r")] == '\0')
		return 0;
	eq = strchr(line, '=');
	if (eq == NULL)
		return (*why = "expected key = value"), -1;
	*key = trim(line, eq);
	*value = trim(eq + 1, end);
	if (**key == '\0' || **value == '\0')
		return (*why = "expected key = value"), -1;
	return 1;
}

int
dp_args_file_parse(char *text, const char *name, dp_args_file_set_fn *set, void *arg, char *err,
		   size_t errlen)
{
	char *line = text;
	const char *why = NULL;

	for (int no = 1; *line != '\0'; no++) {
		char *nl = strchr(line, '\n'), *key, *value;
		size_t len = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);
		int rc;

		if (len - (nl != NULL) > DP_ARGS_FILE_LINE_MAX - 1) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", name, no,
				 DP_ARGS_FILE_LINE_MAX - 1);
			return -1;
		}
		if (nl != NULL)
			*nl = '\0';
		rc = split(line, &key, &value, &why);
		if (rc == 1)
			rc = set(arg, key, value, &why) == 0 ? 0 : -1;
		if (rc < 0) {
			snprintf(err, errlen, "%s:%d: %s", name, no, why);
			return -1;
		}
		line = nl != NULL ? nl + 1 : line + len;
	}
	return 0;
}
