/* SPDX-License-Identifier: MIT */
/*
 * snode-tool gen-pcap: load-test pcaps of client cells for one node under
 * test (docs/snode-tool.md, deploy/pktgen/README.md).
 */
#ifndef SNODE_TOOL_CMD_GEN_PCAP_H
#define SNODE_TOOL_CMD_GEN_PCAP_H

int tool_cmd_gen_pcap(int argc, char **argv);

#endif
