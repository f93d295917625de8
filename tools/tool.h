/* SPDX-License-Identifier: MIT */
/*
 * snode-tool shared helpers. Contract of every subcommand: arguments in,
 * exactly one JSON object on stdout and exit 0; or a one-line error on
 * stderr ("snode-tool <cmd>: <reason>") and a non-zero exit.
 */
#ifndef SNODE_TOOL_H
#define SNODE_TOOL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_FAIL = 1,  /* the operation failed (bad key file, bad input...) */
	TOOL_EXIT_USAGE = 2, /* the command line itself is wrong */
};

/* Prints "snode-tool <cmd>: <message>" on stderr and returns TOOL_EXIT_FAIL. */
int tool_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, for a wrong command line; returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints obj as one line of JSON on stdout and releases it. */
int tool_print_json(json_t *obj);

/* Decodes exactly len bytes of hex; returns 0 or -1 (odd length, bad digit, wrong size). */
int tool_hex_exact(const char *hex, uint8_t *out, size_t len);

/* A json string of the hex encoding of bin. */
json_t *tool_json_hex(const uint8_t *bin, size_t len);

/* Decodes standard base64 (padding optional) into a malloc'd buffer; 0 or -1. */
int tool_b64_decode(const char *b64, uint8_t **out, size_t *out_len);

/* A json string of the standard, padded base64 encoding of bin. */
json_t *tool_json_b64(const uint8_t *bin, size_t len);

/* --data-dir, else $SNODE_DATA_DIR, else /var/lib/snode. */
const char *tool_default_data_dir(void);

int tool_cmd_keygen(int argc, char **argv);
int tool_cmd_id(int argc, char **argv);
int tool_cmd_control_stats(int argc, char **argv);
int tool_cmd_onion_encrypt(int argc, char **argv);
int tool_cmd_onion_decrypt(int argc, char **argv);
int tool_cmd_onion_build(int argc, char **argv);
int tool_cmd_onion_peel(int argc, char **argv);
int tool_cmd_onion_reply_seal(int argc, char **argv);
int tool_cmd_onion_reply_open(int argc, char **argv);
int tool_cmd_session_encrypt(int argc, char **argv);
int tool_cmd_session_decrypt(int argc, char **argv);
int tool_cmd_group_encrypt(int argc, char **argv);
int tool_cmd_group_decrypt(int argc, char **argv);
int tool_cmd_msg_hash(int argc, char **argv);
int tool_cmd_swarm_point(int argc, char **argv);
int tool_cmd_closest_swarm(int argc, char **argv);
int tool_cmd_verify_storage_sig(int argc, char **argv);
int tool_cmd_subaccount_check(int argc, char **argv);
int tool_cmd_blind15_id(int argc, char **argv);
int tool_cmd_blind25_id(int argc, char **argv);

#endif
