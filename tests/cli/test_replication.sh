#!/usr/bin/env bash
# Swarm replication end to end (docs/replication.md) on a local testnet of 3 nodes, one swarm
# (deploy/testnet.sh): a store sent to one node is forwarded node to node as fragmented DIRECT
# requests through the dataplanes; its answer holds a signed result from each of the 3 members,
# and each other member returns the message to a retrieve sent to it directly. A delete sent to
# another node removes it everywhere. Needs root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
tn_up repl 3
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" --timeout 15 "$@"; }
# expect NAME FILE EXPR: a Python expression over r (the client's JSON) and b (its body) is True
expect() {
	local got
	got=$($PY -c 'import json,sys
r = json.load(open(sys.argv[1])); b = r["body"]
try: b = json.loads(b)
except (ValueError, TypeError): pass
print(eval(sys.argv[2]))' "$2" "$3" 2>&1)
	if [ "$got" = True ]; then tap_result ok "$1"; else tap_result not-ok "$1" "$3 -> $got: $(cat "$2")"; fi
}
ED=()
for i in 0 1 2; do
	ED[i]=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node$i/id.json")
done
# the DIRECT path is up once the pings went through (every node reaches both others)
reach() { cat "$DIR"/node*/control.log | grep -c "reachable over DIRECT"; }
for _ in $(seq 100); do [ "$(reach)" -ge 6 ] && break; sleep 0.1; done

SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# 3,000 bytes of data: the forwarded request takes several DIRECT cells
DATA=$(head -c 3000 /dev/urandom | base64 -w0)
client --path 0 store --seed "$SEED" --data-b64 "$DATA" >"$DIR/r1" 2>&1
expect "a store sent to node 0 has a signed result from each of the 3 members" "$DIR/r1" \
	'r["status"] == 200 and sorted(b["swarm"]) == sorted(["'"${ED[0]}"'", "'"${ED[1]}"'", "'"${ED[2]}"'"]) and all("failed" not in v and v["hash"] == b["hash"] for v in b["swarm"].values())'
sigok=$($PY -c 'import json,sys,base64,nacl.signing
b = json.loads(json.load(open(sys.argv[1]))["body"])
for k, v in b["swarm"].items():
    nacl.signing.VerifyKey(bytes.fromhex(k)).verify(v["hash"].encode(), base64.b64decode(v["signature"]))
print("ok")' "$DIR/r1" 2>&1)
check "each member's result is signed by that member's Ed25519 key" test "$sigok" = ok
HASH=$($PY -c 'import json,sys; print(json.loads(json.load(open(sys.argv[1]))["body"])["hash"])' "$DIR/r1")
for i in 1 2; do
	client --path "$i" retrieve --seed "$SEED" >"$DIR/g$i" 2>&1
	expect "node $i, asked directly, returns the message stored through node 0" "$DIR/g$i" \
		'r["status"] == 200 and [(m["hash"], m["data"]) for m in b["messages"]] == [("'"$HASH"'", "'"$DATA"'")]'
done

client --path 2 delete --seed "$SEED" "$HASH" >"$DIR/r2" 2>&1
expect "a delete sent to node 2 deletes on all 3 members" "$DIR/r2" \
	'r["status"] == 200 and len(b["swarm"]) == 3 and all(v.get("deleted") == ["'"$HASH"'"] for v in b["swarm"].values())'
for i in 0 1; do
	client --path "$i" retrieve --seed "$SEED" >"$DIR/h$i" 2>&1
	expect "node $i no longer has the message" "$DIR/h$i" 'r["status"] == 200 and b["messages"] == []'
done

# node 1's snode-control stops: its entry times out (5 s), the others still answer
kill -9 "$(cat "$DIR/node1/control.pid")"
client --path 0 store --seed "$SEED" --data "while node 1 is away" >"$DIR/r3" 2>&1
expect "a member that does not answer gets {failed, timeout}; the store still succeeds" "$DIR/r3" \
	'r["status"] == 200 and b["swarm"]["'"${ED[1]}"'"] == {"failed": True, "timeout": True} and "failed" not in b["swarm"]["'"${ED[2]}"'"]'

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process and removes the namespace" \
	sh -c "! ip netns list | grep -q '^$NS' && [ ! -e '$DIR' ]"
tap_done
