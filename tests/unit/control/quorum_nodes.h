/* SPDX-License-Identifier: MIT */
/*
 * The 20 registered nodes of the quorum tests (test_quorum_vote.c,
 * test_quorum_changes.c): node i's Ed25519 seed is SHA-256 of i, and the
 * registry lines that register them and add blocks, so that every test
 * replays the same registry and draws the same quorums.
 */
#ifndef QUORUM_NODES_H
#define QUORUM_NODES_H

#include <stddef.h>
#include <stdint.h>

enum {
	QN_NODES = 20,
	QN_LINE_MAX = 300,
};

extern uint8_t qn_seeds[QN_NODES][32];
extern uint8_t qn_pk[QN_NODES][32];

/* Fills qn_seeds and qn_pk. */
void qn_keys(void);
/* Node i's "register <ed25519> <x25519> 10.0.0.<i+1>:22030 <h>" (x25519 made up, distinct). */
void qn_register_line(int i, uint64_t h, char line[QN_LINE_MAX]);
/* "block <h> <hex SHA-256 of 'block <h>'>". */
void qn_block_line(uint64_t h, char line[QN_LINE_MAX]);
/* The node whose key is key, or -1. */
int qn_node_of(const uint8_t key[32]);

#endif
