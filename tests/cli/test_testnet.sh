#!/usr/bin/env bash
# End to end on a local testnet (deploy/testnet.sh, 3 nodes: dataplanes on tap devices in a
# private network namespace, snode-control and redis-server per node). An independent client
# (tests/tools/snode_client.py) sends Session onion requests over 3-hop paths as CREATE cells
# and opens the REPLY cells: info, store, retrieve (one and several reply cells), both reply
# modes and both enc_types, error answers, a restarted snode-control. Needs root (netns, tap):
# otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
PY=/usr/bin/python3
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "1..0 # SKIP needs root and ip netns (network namespace with tap devices)"
	exit 0
fi
DIR=$(mktemp -d /tmp/snode-test-testnet.XXXXXX)
rmdir "$DIR"
TN="env SNODE_BUILD=$BUILD $ROOT/deploy/testnet.sh"
cleanup() { $TN down --dir "$DIR" >/dev/null 2>&1; rm -rf "$DIR"; }
trap cleanup EXIT

if ! out=$($TN up --nodes 3 --dir "$DIR" 2>&1); then
	tap_result not-ok "testnet of 3 nodes starts" "$out"
	tap_done
	exit 1
fi
tap_result ok "testnet of 3 nodes starts"
NS=$(cat "$DIR/netns")
# 15 s: generous for a machine busy with builds (a given --timeout later wins)
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" --timeout 15 "$@"; }
# field FILE EXPR: evaluates a Python expression over r (the client's JSON) and b (its body).
field() {
	$PY -c 'import json,sys
r = json.load(open(sys.argv[1])); b = r["body"]
try: b = json.loads(b)
except (ValueError, TypeError): pass
print(eval(sys.argv[2]))' "$1" "$2"
}
expect() { # expect NAME FILE EXPR: the expression is True
	local got
	got=$(field "$2" "$3" 2>&1)
	if [ "$got" = True ]; then tap_result ok "$1"; else tap_result not-ok "$1" "$3 -> $got: $(cat "$2")"; fi
}

# DIRECT messages through the dataplanes: every snode-control pings every other node (1 s).
reach() { cat "$DIR"/node*/control.log | grep -c "reachable over DIRECT"; }
for _ in $(seq 50); do [ "$(reach)" -ge 6 ] && break; sleep 0.1; done
check "every node reaches both others over signed DIRECT pings through the dataplanes" \
	test "$(reach)" -eq 6

client --path 0,1,2 info >"$DIR/r1" 2>&1
expect "info over 3 hops, layered replies, aes-gcm" "$DIR/r1" 'r["status"] == 200 and b["version"] == [0, 1, 0] and b["hf"] == [19, 4]'
client --path 2,1,0 --mode 0 --enc xchacha20 info >"$DIR/r2" 2>&1
expect "info over 3 hops, Session-compatible reply, xchacha20" "$DIR/r2" 'r["status"] == 200 and "timestamp" in b'

SEED=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
client --path 1,2,0 store --seed "$SEED" --data "hello through three hops" >"$DIR/r3" 2>&1
expect "store to the public inbox over 3 hops" "$DIR/r3" 'r["status"] == 200 and len(b["hash"]) == 43'
ED0=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node0/id.json")
sigok=$($PY -c 'import json,sys,base64,nacl.signing
r = json.load(open(sys.argv[1])); b = json.loads(r["body"]); me = b["swarm"][sys.argv[2]]
nacl.signing.VerifyKey(bytes.fromhex(sys.argv[2])).verify(me["hash"].encode(), base64.b64decode(me["signature"]))
print("ok")' "$DIR/r3" "$ED0" 2>&1)
check "the store result is signed by the destination node's Ed25519 key" test "$sigok" = ok
HASH=$(field "$DIR/r3" 'b["hash"]')

client --path 2,1,0 --mode 0 retrieve --seed "$SEED" >"$DIR/r4" 2>&1
expect "retrieve returns the stored message (signed request, another path)" "$DIR/r4" \
	'r["status"] == 200 and [m["hash"] for m in b["messages"]] == ["'"$HASH"'"] and __import__("base64").b64decode(b["messages"][0]["data"]) == b"hello through three hops"'

# Enough messages that the retrieve answer needs several REPLY cells.
for i in 1 2 3 4 5 6; do
	client --path 0 store --seed "$SEED" --data "$(printf 'message %d %0400d' "$i" 0)" >/dev/null 2>&1
done
client --path 1,2,0 retrieve --seed "$SEED" >"$DIR/r5" 2>&1
expect "a retrieve of 7 messages comes back in several REPLY cells (layered)" "$DIR/r5" 'r["cells"] >= 3 and len(b["messages"]) == 7'
client --path 1,2,0 --mode 0 retrieve --seed "$SEED" >"$DIR/r6" 2>&1
expect "the same in several cells with the Session-compatible reply" "$DIR/r6" 'r["cells"] >= 3 and len(b["messages"]) == 7'

# A store longer than one CREATE: the client sends the rest in DATA cells, each hop opens
# its layer, the destination reassembles; the answer to the retrieve takes ~50 REPLY cells.
SEED2=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
BIG=$(head -c 30000 /dev/urandom | base64 -w0)
client --path 0,1,2 store --seed "$SEED2" --data-b64 "$BIG" >"$DIR/r11" 2>&1
expect "a 30,000-byte store over 3 hops (CREATE + DATA cells)" "$DIR/r11" 'r["status"] == 200 and len(b["hash"]) == 43'
client --path 1,0,2 --timeout 10 retrieve --seed "$SEED2" >"$DIR/r12" 2>&1
expect "it is retrieved whole over another path" "$DIR/r12" \
	'r["status"] == 200 and r["cells"] > 30 and [m["data"] for m in b["messages"]] == ["'"$BIG"'"]'

client --path 0,1,2 rpc --json '{"method":"retrieve","params":{"pubkey":"05'"$(printf '%064d' 0)"'"}}' >"$DIR/r7" 2>&1
expect "an unsigned retrieve is answered 401 through the onion" "$DIR/r7" 'r["status"] == 401 and "signature" in b'
client --path 0,1,2 rpc --json '{"method":"no_such_method","params":{}}' >"$DIR/r8" 2>&1
expect "an unknown method is answered 400" "$DIR/r8" 'r["status"] == 400'

# Session clients' way in: the onion POSTed to a node's /onion_req/v2 (plain HTTP on
# 127.0.0.1, snode-control's http-listen), built by the independent builder; the entry's
# snode-control peels the first layer, its dataplane sends the CREATE on (docs/http-entry.md).
http() { $PY "$ROOT/tests/tools/http_onion_client.py" --testnet "$DIR" "$@"; }
hexpect() { # hexpect NAME FILE EXPR: the expression over r (the client's JSON) is True
	local got
	got=$($PY -c 'import json,sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$2" "$3" 2>&1)
	if [ "$got" = True ]; then tap_result ok "$1"; else tap_result not-ok "$1" "$3 -> $got: $(cat "$2")"; fi
}
http --path 0,1,2 info >"$DIR/h1" 2>&1
hexpect "HTTP entry: info over 3 hops, the reply decrypts on the client (aes-gcm)" "$DIR/h1" \
	'r["http"] == 200 and r["status"] == 200 and json.loads(r["body"])["version"] == [0, 1, 0]'
SEED3=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
http --tls --path 2,0,1 --enc xchacha20 store --seed "$SEED3" --data "hello from a Session client" >"$DIR/h2" 2>&1
hexpect "HTTPS entry: a store reaches the destination (xchacha20)" "$DIR/h2" \
	'r["http"] == 200 and r["status"] == 200 and len(json.loads(r["body"])["hash"]) == 43'
http --path 0,2,1 retrieve --seed "$SEED3" >"$DIR/h3" 2>&1
hexpect "HTTP entry: a retrieve over another path returns the message" "$DIR/h3" \
	'r["http"] == 200 and [__import__("base64").b64decode(m["data"]) for m in json.loads(r["body"])["messages"]] == [b"hello from a Session client"]'
# a layer for the second hop over one small cell's 1,176 bytes: the entry's dataplane sends it
# in the smallest class that holds it (here medium: about 4,500 bytes), and the answer comes
# back in that class, over the 1500-byte tap links as IPv4 fragments
SEED5=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
BIGMSG=$(head -c 1500 /dev/urandom | od -An -tx1 | tr -d ' \n')
http --path 0,1,2 store --seed "$SEED5" --data "$BIGMSG" >"$DIR/h11" 2>&1
hexpect "HTTP entry: a 3,000-byte store (second layer in a medium cell) is stored and answered" \
	"$DIR/h11" 'r["http"] == 200 and r["status"] == 200 and len(json.loads(r["body"])["hash"]) == 43'
http --path 2,1,0 retrieve --seed "$SEED5" >"$DIR/h12" 2>&1
hexpect "... and comes back whole over another path" "$DIR/h12" \
	'r["http"] == 200 and [__import__("base64").b64decode(m["data"]).decode() for m in json.loads(r["body"])["messages"]] == ["'"$BIGMSG"'"]'
http --path 1,2,0 retrieve --seed "$SEED" >"$DIR/h4" 2>&1
hexpect "HTTP entry: a reply of several REPLY cells is reassembled (7 messages)" "$DIR/h4" \
	'r["http"] == 200 and len(json.loads(r["body"])["messages"]) == 7'
http --path 1 info >"$DIR/h5" 2>&1
hexpect "HTTP entry: the entry node as the destination answers itself" "$DIR/h5" \
	'r["http"] == 200 and r["status"] == 200'
http --path 0,1,2 rpc --json '{"method":"no_such_method","params":{}}' >"$DIR/h6" 2>&1
hexpect "HTTP entry: the destination's error comes back encrypted inside a 200" "$DIR/h6" \
	'r["http"] == 200 and r["status"] == 400 and r["body"] == "no method no_such_method"'

http --tls --path 0,1,2 --to-server info >"$DIR/h10" 2>&1
hexpect "HTTPS entry: node 2 as the exit proxies to a server; its sealed reply comes back over cells" "$DIR/h10" \
	'r["http"] == 200 and r["server_saw"] == 1 and r["server_reply"].startswith("server saw: ")'
# snode-control of node 0 dies: requests to node 0 time out; restarted, it reconnects to
# its dataplane and the messages are all still there (Redis kept them).
kill -9 "$(cat "$DIR/node0/control.pid")"
if client --path 1,0 --timeout 1.5 info >"$DIR/r9" 2>&1; then
	tap_result not-ok "no answer while node 0's snode-control is down" "$(cat "$DIR/r9")"
else
	tap_result ok "no answer while node 0's snode-control is down"
fi
: >"$DIR/node0/control.log"
"$BUILD/control/snode-control" --data-dir "$DIR/node0" --redis "$DIR/node0/redis.sock" \
	--dp-socket "$DIR/node0/dp.sock" --nodes "$DIR/swarm.nodes" --listen none \
	--http-listen 127.0.0.1:0 --onion-timeout 2 >"$DIR/node0/control.log" 2>&1 &
echo $! >"$DIR/node0/control.pid"
for _ in $(seq 50); do grep -q "dataplane channel .* connected" "$DIR/node0/control.log" && break; sleep 0.1; done
client --path 1,2,0 retrieve --seed "$SEED" >"$DIR/r10" 2>&1
expect "after a restart of snode-control every message is still retrieved" "$DIR/r10" 'r["status"] == 200 and len(b["messages"]) == 7'

# The HTTP entry of a node that was restarted with a 2 s onion timeout.
http --path 0,1,2 --wrong-dest-key info >"$DIR/h7" 2>&1
hexpect "a path whose reply never comes: 504 Request time out after onion-timeout" "$DIR/h7" \
	'r["http"] == 504 and r["text"] == "Request time out"'
http --path 0 --unknown-dest info >"$DIR/h8" 2>&1
hexpect "a next hop the dataplane does not know: 502 Next node not found" "$DIR/h8" \
	'r["http"] == 502 and r["text"].startswith("Next node not found: ")'
http --path 0,2,1 retrieve --seed "$SEED" >"$DIR/h9" 2>&1
hexpect "after both errors the restarted node's HTTP entry still relays" "$DIR/h9" \
	'r["http"] == 200 and r["status"] == 200'

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process and removes the namespace" \
	sh -c "! ip netns list | grep -q '^$NS' && [ ! -e '$DIR' ]"
tap_done
