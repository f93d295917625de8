/* SPDX-License-Identifier: MIT */
/*
 * --port-mtu "(port,MTU),...": the MTU (IP bytes a packet may have) of some
 * ports, over --mtu for them. Syntax and ranges here, the ports against the
 * mask too; relay.c sets them on the devices (port.h) and the tx path
 * fragments by them (frag.h).
 */
#ifndef DP_ARGS_MTU_H
#define DP_ARGS_MTU_H

#include <stdint.h>

#include "args_config.h"

enum {
	/* IP bytes of one packet: the IPv4 minimum every host takes ... */
	DP_MTU_MIN = 576,
	/* ... to the usual jumbo MTU: a medium cell (8,220 bytes) fits one frame of
	 * 9,018 bytes, which NICs and switches with jumbo frames all take (most
	 * stop at 9,216-byte frames). */
	DP_MTU_MAX = 9000,
};

/*
 * "(port,MTU)" entries separated by ',', spaces and tabs allowed between
 * tokens: port below DP_PORTS_MAX, each once, MTU DP_MTU_MIN..DP_MTU_MAX
 * (decimal, at most 5 digits). Fills mtu[port] of every port, 0 for those
 * not given. 0, or -1 with *why set (mtu untouched).
 */
int dp_parse_port_mtu(const char *s, uint16_t mtu[DP_PORTS_MAX], const char **why);

/* Every port given an MTU is in mask: 0, or -1 with a one-line reason in msg. */
int dp_port_mtu_check(const uint16_t mtu[DP_PORTS_MAX], uint32_t mask, char *msg, unsigned msglen);

#endif
