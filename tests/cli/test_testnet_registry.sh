#!/usr/bin/env bash
# The registry in Redis on a local testnet (deploy/testnet.sh up --registry redis, docs/registry.md):
# every snode-control reads the log from one registry redis-server. A node added with
# `snode-tool registry append` reaches every control plane; a decommission submitted to the
# pending queue goes into the next block of `snode-tool chain run` (an invalid one is dropped)
# and applies on every node; a writer whose lines the log refuses appends nothing. Needs root
# (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
TOOL=$BUILD/tools/snode-tool
tn_require_root
tn_up tnreg 2 --registry redis
SRC=$(cat "$DIR/registry.src")
SOCK=$DIR/registry-redis/redis.sock
ed_of() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node$1/id.json"; }
# all_logged TEXT N: each of nodes 0..N-1 logged TEXT (waits up to 10 s)
all_logged() {
	local text=$1 n=$2 i
	for _ in $(seq 100); do
		for i in $(seq 0 $((n - 1))); do
			grep -qF -- "$text" "$DIR/node$i/control.log" || break
			[ "$i" = $((n - 1)) ] && return 0
		done
		sleep 0.1
	done
	return 1
}

check "the registry is a Redis list" test "$SRC" = "redis:$SOCK/snode:registry"
check "it holds the genesis (its option line, 2 registrations, block 1)" \
	test "$(redis-cli -s "$SOCK" LLEN snode:registry)" = 5
check "every snode-control loaded it from Redis" \
	all_logged "registry $SRC loaded: block 1, 2 nodes (2 active), 1 swarms" 2

if ! out=$($TN add --no-register --dir "$DIR" 2>&1); then
	tap_result not-ok "a third node starts, unregistered" "$out"
	tap_done
	exit 1
fi
tap_result ok "a third node starts, unregistered"
check "it loaded the same registry: it is in no swarm" \
	grep -q "registry $SRC loaded: block 1, 2 nodes (2 active), 1 swarms; this node: in no swarm" \
	"$DIR/node2/control.log"

NEW=$(ed_of 2)
X=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["x25519"])' "$DIR/node2/id.json")
HASH=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf 'register %s %s 10.77.2.2:22030 2\nblock 2 %s\n' "$NEW" "$X" "$HASH" >"$DIR/add.txt"
out=$("$TOOL" registry append --registry "$SRC" --file "$DIR/add.txt" 2>&1)
check "snode-tool registry append writes the block" test "$out" = '{"appended":2,"height":2,"nodes":3}'
check "every control plane (the new node's too) replays it" \
	all_logged "registry $SRC reloaded: block 2, 3 nodes (3 active), 1 swarms; this node: swarm 0" 3
check "node 0 pings the new node" all_logged "registry reload: pinging 2 node(s)" 1

# a writer whose lines the log refuses (height 2 is not above block 2) appends nothing
out=$(printf 'deregister %s 2 -\nblock 2 %s\n' "$NEW" "$HASH" |
	"$TOOL" registry append --registry "$SRC" 2>&1)
check "an append the log refuses fails with the parser's reason" \
	test "$out" = "snode-tool registry: line 1: height 2 is not above the last block 2 (nothing appended)"
check "... and leaves the list as it was" test "$(redis-cli -s "$SOCK" LLEN snode:registry)" = 7

# the block producer: a valid decommission and an invalid one in the pending queue
UNKNOWN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
out=$("$TOOL" registry submit --registry "$SRC" "decommission $NEW 3 -" "decommission $UNKNOWN 3 -" 2>&1)
check "snode-tool registry submit queues both" test "$out" = '{"queued":2}'
check "in the list snode:registry:pending" \
	test "$(redis-cli -s "$SOCK" LLEN snode:registry:pending)" = 2
out=$("$TOOL" chain run --registry "$SRC" --block-interval 1 --count 1 2>"$DIR/chain.log")
check "chain run makes block 3 with the valid event, drops the other" \
	test "$out" = '{"blocks":1,"height":3,"accepted":1,"dropped":1,"deferred":0,"failed":0}'
check "the drop is logged with its reason" \
	grep -q "pending line dropped: decommission: node ${UNKNOWN:0:16} is not registered" "$DIR/chain.log"
check "the queue is empty" test "$(redis-cli -s "$SOCK" LLEN snode:registry:pending)" = 0
check "block 3's hash is BLAKE2b-256(block 2's hash || 3 little-endian)" \
	test "$(redis-cli -s "$SOCK" LINDEX snode:registry -1)" = "block 3 $($PY -c '
import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]) + (3).to_bytes(8, "little"), digest_size=32).hexdigest())' "$HASH")"
check "the decommission applies on every control plane" \
	all_logged "registry $SRC reloaded: block 3, 3 nodes (2 active), 1 swarms" 3
check "the decommissioned node serves no swarm" \
	grep -q "registry $SRC reloaded: block 3, 3 nodes (2 active), 1 swarms; this node: in no swarm" \
	"$DIR/node2/control.log"
check "node 0's counters: registry at block 3, read incrementally, Redis never failed" \
	$PY -c 'import json,sys; r=json.loads(sys.argv[1])["registry"]
assert (r["height"], r["nodes"], r["active"], r["full"], r["redis_errors"], r["outages"]) == (3, 3, 2, 0, 0, 0) and r["incremental"] == r["reloads"] == 2, r' \
	"$("$TOOL" control-stats --data-dir "$DIR/node0" 2>&1)"
check "no control plane refused a version" \
	sh -c "! grep -q 'registry not reloaded' '$DIR'/node*/control.log"

RPID=$(cat "$DIR/registry-redis/redis.pid")
out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops the registry Redis too and removes everything" \
	sh -c "$(declare -f tn_exited); ! ip netns list | grep -q '^$NS' && [ ! -e '$DIR' ] && tn_exited $RPID"
tap_done
