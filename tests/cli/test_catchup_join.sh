#!/usr/bin/env bash
# Swarm changes end to end (docs/replication.md, "Catch-up") on a local testnet of 4 nodes, one
# swarm, driven by blocks appended to the registry: node 3 is decommissioned (it leaves the swarm,
# hands its records to a member and erases them), messages are stored while it is out (they reach
# nodes 0-2 only), then it is recommissioned: the block places it in the swarm again and it
# receives the swarm's records in bulk (igzip pages over DIRECT), every acknowledged message with
# its namespace, timestamp and expiry. Needs root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
tn_up join 4
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" --timeout 20 "$@"; }
ED3=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node3/id.json")
# stored messages on node 3, read from its redis-server (it answers 421 while in no swarm)
msgs3() { redis-cli -s "$DIR/node3/redis.sock" --scan --pattern 'sn1:m:*' | wc -l; }
block() { # HEIGHT EVENT: one node event of node 3 and its block line, appended whole
	printf '%s %s %s -\nblock %s %s\n' "$2" "$ED3" "$1" "$1" \
		"$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$DIR/registry.add"
	cat "$DIR/registry.add" >>"$DIR/registry"
}
SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
tn_store "$DIR/s0" --path 0 store --seed "$SEED" --data "before the swarm changed"
check "a first message reaches node 3" sh -c "[ \$(redis-cli -s '$DIR/node3/redis.sock' --scan --pattern 'sn1:m:*' | wc -l) -eq 1 ]"

block 2 decommission
for _ in $(seq 100); do [ "$(msgs3)" -eq 0 ] && break; sleep 0.1; done
# every entry node must have taken block 2 before the stores (they re-read the registry once a
# second): a store that reaches one still at block 1 names node 3 in its swarm
at_block2() { for i in 0 1 2; do grep -q "registry .*: block 2, 4 nodes (3 active)" "$DIR/node$i/control.log" || return 1; done; }
for _ in $(seq 100); do at_block2 && break; sleep 0.1; done
check "nodes 0-2 reload the registry at block 2 (node 3 decommissioned)" at_block2
check "decommissioned, node 3 hands its record to a member and erases it" test "$(msgs3)" -eq 0
check "node 3 logs the erase pass" grep -q "erase pass: 1 records handed to their swarm and erased, 0 kept" "$DIR/node3/control.log"

# 6 messages while node 3 is out: 3 accounts x namespaces 0 and 7, entries 0 1 2
for a in 1 2 3; do
	seed=$(printf '%064x' $((a * 104729 + RANDOM)))
	echo "$seed" >"$DIR/seed$a"
	for ns in 0 7; do
		tn_store "$DIR/s$a.$ns" --path $((a - 1)) store --seed "$seed" --namespace "$ns" \
			--ttl 7200000 --data "node 3 out: account $a namespace $ns"
	done
done
acked=$($PY - "$DIR" "$ED3" <<'PYEOF'
import json, sys, glob
d, ed3 = sys.argv[1], sys.argv[2]
n = 0
for f in glob.glob(d + "/s[0-9].*"):
    r = json.load(open(f)); b = json.loads(r["body"])
    n += r["status"] == 200 and ed3 not in b["swarm"] and len(b["swarm"]) == 3
print(n)
PYEOF
)
check "6 stores acknowledged by the 3 members (node 3 not among them; got $acked)" test "$acked" = 6
[ "$acked" = 6 ] || for f in "$DIR"/s[0-9].*; do echo "# $f: $(head -c 600 "$f")"; done
check "node 3 holds none of them" test "$(msgs3)" -eq 0

block 3 recommission
for _ in $(seq 200); do [ "$(msgs3)" -ge 7 ] && break; sleep 0.1; done
check "recommissioned, node 3 receives the swarm's 7 records in bulk" test "$(msgs3)" -eq 7
check "node 3 logs the pull" grep -q "catch-up from .* done: .* 7 inserted" "$DIR/node3/control.log"
for a in 1 2 3; do
	for ns in 0 7; do
		client --path 3 retrieve --seed "$(cat "$DIR/seed$a")" --namespace "$ns" >"$DIR/g3.$a.$ns" 2>&1
		client --path 0 retrieve --seed "$(cat "$DIR/seed$a")" --namespace "$ns" >"$DIR/g0.$a.$ns" 2>&1
	done
done
same=$($PY - "$DIR" <<'PYEOF'
import json, sys
d = sys.argv[1]
bad = []
for a in (1, 2, 3):
    for ns in (0, 7):
        g3, g0 = [json.load(open(f"{d}/{p}.{a}.{ns}")) for p in ("g3", "g0")]
        want = json.loads(json.load(open(f"{d}/s{a}.{ns}"))["body"])["hash"]
        m3 = {m["hash"]: m for m in json.loads(g3["body"])["messages"]} if g3["status"] == 200 else {}
        m0 = {m["hash"]: m for m in json.loads(g0["body"])["messages"]}
        if want not in m3 or m3[want] != m0.get(want):
            bad.append(f"{a}/{ns}: node3 {g3['status']} {m3.get(want)} node0 {m0.get(want)}")
print("ok" if not bad else "; ".join(bad))
PYEOF
)
check "node 3 returns each message in its namespace with node 0's data, timestamp and expiry" test "$same" = ok

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process" sh -c "! ip netns list | grep -q '^$NS'"
tap_done
