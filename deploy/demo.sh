#!/usr/bin/env bash
# The README's main job. Today: set up and build, create this node's identity
# if none exists, print it, and run the dataplane self-check in software mode
# (EAL on --no-huge --no-pci with a net_null port started and stopped).
# It grows into the local testnet demo as the relay and control plane land.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh >/dev/null

DATA_DIR=${SNODE_DATA_DIR:-$PWD/run/node0}
if [ ! -f "$DATA_DIR/ed25519.seed" ]; then
	echo "== creating a node identity in $DATA_DIR"
	build/tools/snode-tool keygen --data-dir "$DATA_DIR" >/dev/null
fi
echo "== node identity"
build/tools/snode-tool id --data-dir "$DATA_DIR" | python3 -m json.tool

echo "== dataplane self-check (software mode: no hugepages, no NIC)"
build/dataplane/snode-dataplane -l 0 --no-huge -m 256 --no-pci --no-telemetry \
	--file-prefix "snode-demo-$$" --log-level=lib.eal:error --vdev net_null0 -- --self-check
rm -rf "/var/run/dpdk/snode-demo-$$"
echo "== done: the node identity is in $DATA_DIR"
