#!/usr/bin/env bash
# The README's main job. Sets up and builds, creates this node's identity if
# none exists and prints it, runs the dataplane self-check in software mode,
# then starts a local testnet of 3 nodes (deploy/testnet.sh), lets Alice send
# Bob a Session message over a 3-hop onion path, lets Bob retrieve and decrypt
# it over another path, prints every node's counters and stops the testnet
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
client() { ip netns exec "$NS" $PY tests/tools/snode_client.py --testnet "$TN" "$@"; }
seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
session_id() { $PY -c 'import sys, nacl.bindings as b, nacl.signing as s
print("05" + b.crypto_sign_ed25519_pk_to_curve25519(bytes(s.SigningKey(bytes.fromhex(sys.argv[1])).verify_key)).hex())' "$1"; }
ALICE=$(seed) BOB=$(seed)
BOB_ID=$(session_id "$BOB")
echo "== Alice sends Bob a Session message (encrypted for Bob, stored in his swarm's inbox)"
echo "   path: client -> node 0 -> node 1 -> node 2 (destination), layered replies"
text="Hi Bob, this went through three snode hops"
ct=$($TOOL session-encrypt --sender-seed "$ALICE" --recipient "$BOB_ID" \
	--data-b64 "$(printf '%s' "$text" | base64 -w0)" | $PY -c 'import json,sys; print(json.load(sys.stdin)["ciphertext_b64"])')
client --path 0,1,2 store --seed "$ALICE" --to "$BOB_ID" --data-b64 "$ct" | $PY -c 'import json,sys
r = json.load(sys.stdin); b = json.loads(r["body"])
ok = [k[:16] for k, v in b["swarm"].items() if "hash" in v and not v.get("failed")]
print("   status %d, hash %s" % (r["status"], b["hash"]))
print("   stored (signed results) by %d member(s) of the recipient swarm: %s" % (len(ok), ", ".join(ok)))'
echo "== Bob retrieves his inbox over another path: client -> node 1 -> node 0 -> node 2"
client --path 1,0,2 --mode 0 retrieve --seed "$BOB" >"$TN/bob.json"
$PY -c 'import json,sys
r = json.load(open(sys.argv[1])); b = json.loads(r["body"])
print("status %d, %d message(s)" % (r["status"], len(b["messages"])))
for m in b["messages"]: print(m["data"])' "$TN/bob.json" | while read -r line; do
	case $line in
	status*) echo "   $line" ;;
	*) $TOOL session-decrypt --recipient-seed "$BOB" --data-b64 "$line" | $PY -c 'import json,sys,base64
d = json.load(sys.stdin); print("   from %s: %s" % (d["sender_session_id"][:18] + "...", base64.b64decode(d["data_b64"]).decode()))' ;;
	esac
done
echo "== every node's counters (relayed CREATEs, delivered requests, replies, relayed REPLY cells)"
deploy/testnet.sh status --dir "$TN"
if [ "$KEEP" = --keep ]; then
	echo "== the testnet stays up: deploy/testnet.sh status|down --dir $TN"
fi
echo "== done: the node identity is in $DATA_DIR"
