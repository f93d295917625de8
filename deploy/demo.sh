#!/usr/bin/env bash
# The README's main job. Sets up and builds, creates this node's identity if
# none exists and prints it, runs the dataplane self-check in software mode,
# then starts a local testnet of 3 nodes (deploy/testnet.sh); with snode-cli two
# accounts exchange a Session message over 3-hop onion paths (which swarm
# members stored it, Bob's two devices read it), prints every node's counters
# and stops the testnet
# (`deploy/demo.sh --keep` leaves it up). Without root (no network namespace)
# it runs deploy/demo_pcap.sh instead.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh >/dev/null

DATA_DIR=${SNODE_DATA_DIR:-$PWD/run/node0}
TOOL=build/tools/snode-tool
DP=build/dataplane/snode-dataplane
PY=/usr/bin/python3
if [ ! -f "$DATA_DIR/ed25519.seed" ]; then
	echo "== creating a node identity in $DATA_DIR"
	$TOOL keygen --data-dir "$DATA_DIR" >/dev/null
fi
echo "== node identity"
$TOOL id --data-dir "$DATA_DIR" | $PY -m json.tool

echo "== dataplane self-check (software mode: no hugepages, no NIC)"
$DP -l 0 --no-huge -m 256 --no-pci --no-telemetry --file-prefix "snode-demo-$$" \
	--log-level=lib.eal:error --vdev net_null0 -- --self-check
rm -rf "/var/run/dpdk/snode-demo-$$"

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "== (not root: no network namespace for the live testnet; the pcap relay demo instead)"
	deploy/demo_pcap.sh
	echo "== done: the node identity is in $DATA_DIR"
	exit 0
fi

KEEP=${1:-}
TN=$(mktemp -d /tmp/snode-demo-testnet.XXXXXX)
rmdir "$TN"
echo "== a local testnet of 3 nodes: per node a dataplane on a tap device (software mode),"
echo "   snode-control and redis-server; the nodes reach each other through the kernel"
deploy/testnet.sh up --nodes 3 --dir "$TN"
[ "$KEEP" = --keep ] || trap 'deploy/testnet.sh down --dir "$TN" >/dev/null' EXIT
NS=$(cat "$TN/netns")
# snode-cli (client/, docs/snode-cli.md) runs inside the testnet's network namespace
cli() { ip netns exec "$NS" build/client/cli/snode-cli --registry "$TN/registry" "$@"; }
json() { $PY -c "import json,sys; d = json.load(sys.stdin); $1"; }
echo "== two accounts (Session recovery phrases; the seeds stay in $TN/alice and $TN/bob)"
ALICE_ID=$(cli --home "$TN/alice" --json account create | json 'print(d["session_id"])')
BOB_ID=$(cli --home "$TN/bob" --json account create | json 'print(d["session_id"])')
BOB_PHRASE=$(cli --home "$TN/bob" --json account show --show-phrase | json 'print(d["phrase"])')
echo "   Alice $ALICE_ID"
echo "   Bob   $BOB_ID"
echo "== Alice sends Bob a Session message over a random 3-hop path (layered replies)"
cli --home "$TN/alice" --json --verbose send --to "$BOB_ID" \
	--text "Hi Bob, this went through three snode hops" 2>"$TN/send.log" | json '
print("   stored in Bob\x27s swarm by %d of %d member(s): %s" % (len(d["stored_by"]), d["swarm_size"], ", ".join(k[:16] for k in d["stored_by"])))
print("   a copy for Alice\x27s other devices in her swarm, stored by %d member(s)" % len(d["copy_stored_by"]))'
sed 's/^/   /' "$TN/send.log"
echo "== Bob reads his inbox over another random path"
cli --home "$TN/bob" receive | sed 's/^/   /'
echo "== Bob's second device, restored from his recovery phrase, reads it too (Session-compatible replies)"
cli --home "$TN/bob2" account restore --phrase "$BOB_PHRASE" >/dev/null
cli --home "$TN/bob2" --mode 0 receive | sed 's/^/   /'
echo "== every node's counters (relayed CREATEs, delivered requests, replies, relayed REPLY cells)"
deploy/testnet.sh status --dir "$TN"
if [ "$KEEP" = --keep ]; then
	echo "== the testnet stays up: deploy/testnet.sh status|down --dir $TN"
fi
echo "== done: the node identity is in $DATA_DIR"
