#!/usr/bin/env bash
# Node-table updates without restarts (docs/channel.md, NODES), end to end on a local testnet
# (deploy/testnet.sh): two nodes run; a third starts unregistered and is unreachable (the
# others' dataplanes do not know it: unknown_next_hop); once its register event is appended
# to the registry, every snode-control sends its dataplane the new table, and onion requests
# over paths through and to the new node are answered, while the first dataplanes keep running
# (same processes, one start each). Needs root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
tn_up tnnodes 2
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" "$@"; }
# tel I CMD KEY: one value of node I's dataplane telemetry.
tel() {
	$PY - "/var/run/dpdk/snode-tn-$NS-$1/dpdk_telemetry.v2" "$2" "$3" <<'PY' 2>/dev/null || echo -
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(2)
s.connect(sys.argv[1])
s.recv(16384)
s.send(sys.argv[2].encode())
print(json.loads(s.recv(65536))[sys.argv[2]][sys.argv[3]])
PY
}
PIDS="$(cat "$DIR/node0/dataplane.pid") $(cat "$DIR/node1/dataplane.pid")"

check "each dataplane got the registry's table on connect (generation 1, one peer)" \
	test "$(tel 0 /snode/dp/nodes generation)/$(tel 0 /snode/dp/nodes size)/$(tel 1 /snode/dp/nodes generation)/$(tel 1 /snode/dp/nodes size)" = 1/1/1/1

if ! out=$($TN add --no-register --dir "$DIR" 2>&1); then
	tap_result not-ok "a third node starts, unregistered" "$out"
	tap_done
	exit 1
fi
tap_result ok "a third node starts, unregistered"

before=$(tel 1 /snode/dp/drops unknown_next_hop)
if client --path 0,1,2 --timeout 2 info >"$DIR/r0" 2>&1; then
	tap_result not-ok "before it is registered, a path to it is not answered" "$(cat "$DIR/r0")"
else
	tap_result ok "before it is registered, a path to it is not answered"
fi
check "node 1's dataplane dropped the CREATE for it as unknown_next_hop" \
	test "$(tel 1 /snode/dp/drops unknown_next_hop)" -gt "$before"

# Register it: one write of its event and a new block (the registry file's rule).
HEIGHT=2
LINE=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("register", d["ed25519"], d["x25519"], "10.77.2.2:22030", sys.argv[2])' "$DIR/node2/id.json" $HEIGHT)
printf '%s\nblock %s %s\n' "$LINE" $HEIGHT "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >>"$DIR/registry"
updated() { [ "$(tel 0 /snode/dp/nodes size)" = 2 ] && [ "$(tel 1 /snode/dp/nodes size)" = 2 ]; }
for _ in $(seq 100); do updated && break; sleep 0.1; done
check "within 10 s both dataplanes hold the new table (generation 2, two peers)" \
	test "$(tel 0 /snode/dp/nodes generation)/$(tel 0 /snode/dp/nodes size)/$(tel 1 /snode/dp/nodes generation)/$(tel 1 /snode/dp/nodes size)" = 2/2/2/2
check "the new node's own dataplane holds both others" test "$(tel 2 /snode/dp/nodes size)" = 2

client --path 0,1,2 --timeout 10 info >"$DIR/r1" 2>&1
check "a path to the new node is answered (node 1 relays to it)" \
	$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"] == 200, r' "$DIR/r1"
SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
client --path 1,2,0 --timeout 10 store --seed "$SEED" --data "through the new node" >"$DIR/r2" 2>&1
check "a store through the new node is answered (node 0 takes its REPLY cells)" \
	$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"] == 200, r' "$DIR/r2"
client --path 2,0,1 --timeout 10 info >"$DIR/r3" 2>&1
check "the new node as the entry reaches both others" \
	$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"] == 200, r' "$DIR/r3"

check "the first dataplanes were not restarted" \
	test "$PIDS" = "$(cat "$DIR/node0/dataplane.pid") $(cat "$DIR/node1/dataplane.pid")"
check "each of them started once" \
	test "$(grep -c 'relaying on port' "$DIR/node0/dataplane.log" "$DIR/node1/dataplane.log" | tr '\n' ' ')" = "$DIR/node0/dataplane.log:1 $DIR/node1/dataplane.log:1 "
check "no table was refused, the old ones were freed" \
	test "$(tel 0 /snode/dp/nodes rejected_malformed)$(tel 0 /snode/dp/nodes rejected_busy)$(tel 0 /snode/dp/nodes pending)/$(tel 0 /snode/dp/nodes freed)" = 000/2
check "the dataplane logged the table" grep -q "node table generation 2: 2 nodes" "$DIR/node0/dataplane.log"
# snode-control follows the registry for its pings too: node 0 pings the new node, which answers
NEW=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"][:16])' "$DIR/node2/id.json")
for _ in $(seq 100); do grep -q "peer $NEW... reachable over DIRECT" "$DIR/node0/control.log" && break; sleep 0.1; done
check "node 0's snode-control pings the registered node after the reload" \
	grep -q "registry reload: pinging 2 node(s)" "$DIR/node0/control.log"
check "... and marks it reachable over DIRECT" grep -q "peer $NEW... reachable over DIRECT" "$DIR/node0/control.log"

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process and removes the namespace" \
	sh -c "! ip netns list | grep -q '^$NS' && [ ! -e '$DIR' ]"
tap_done
