#!/usr/bin/env bash
# Reachability tests and uptime proofs end to end (docs/reachability.md) on a local testnet of
# 3 nodes with short [reach]/[uptime] intervals: every node tests the others (DIRECT ping through
# the dataplanes + HTTPS /ping_test/v1 at the address of their uptime proofs) and passes; node 1's
# snode-control is stopped: nodes 0 and 2 mark it failing with a growing "unreachable for", then,
# with no proof for the validity window, down; node 1 is started again: it passes and is up again.
# Needs root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
CONF=$(mktemp /tmp/snode-test-reach-conf.XXXXXX)
tn_cleanup_extra() { rm -f "$CONF"; }
# a cycle in seconds: a random test every ~0.3 s, retests 0.5 s x failures + ~0.3 s (cap 2 s),
# proofs every second valid 4 s, the first 0.5 s after start
cat >"$CONF" <<'CONFEOF'
[reach]
reach-tick-ms = 100
reach-interval-ms = 300
reach-interval-sd-ms = 100
reach-backoff-ms = 500
reach-backoff-max-ms = 2000
reach-timeout-ms = 1500
reach-failure-validity-ms = 30000
[uptime]
proof-interval-ms = 1000
proof-validity-ms = 4000
proof-tolerance-ms = 60000
proof-startup-delay-ms = 500
proof-check-interval-ms = 200
proof-heard-window-ms = 5000
CONFEOF
export SNODE_TESTNET_CONTROL_CONF=$CONF
tn_up reach 3
stats() { "$BUILD/tools/snode-tool" control-stats --data-dir "$DIR/node$1" 2>/dev/null; }
# field I PATH: one counter of node I ("reach.passed"), -1 when unreadable
field() {
	stats "$1" | $PY -c 'import json,sys
o = json.load(sys.stdin)
for k in sys.argv[1].split("."): o = o[k]
print(o)' "$2" 2>/dev/null || echo -1
}
ed() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node$1/id.json"; }
ED1=$(ed 1)
SHORT1=${ED1:0:16}

# every node passes its tests of the others and holds both their proofs
all_pass() {
	for i in 0 1 2; do
		[ "$(field "$i" reach.failing)" = 0 ] && [ "$(field "$i" reach.passed)" -ge 6 ] &&
			[ "$(field "$i" uptime.accepted)" -ge 2 ] || return 1
	done
}
for _ in $(seq 150); do all_pass && break; sleep 0.2; done
check "every node passes its tests of the others (DIRECT + HTTPS) and holds their proofs" all_pass
check "no HTTPS answer had a wrong key or status (node 0)" \
	sh -c "[ $(field 0 reach.https_pubkey) -eq 0 ] && [ $(field 0 reach.https_status) -eq 0 ]"

# node 1's snode-control stops: its dataplane still runs, but nothing answers pings or HTTPS
# only the log lines after the stop count (startup may have failed a test or two)
L0=$(wc -l <"$DIR/node0/control.log")
L2=$(wc -l <"$DIR/node2/control.log")
after() { tail -n +$(($2 + 1)) "$DIR/node$1/control.log"; }
kill "$(cat "$DIR/node1/control.pid")"
t_stop=$(date +%s)
for _ in $(seq 150); do
	[ "$(after 0 "$L0" | grep -c "reach: node $SHORT1... failed")" -ge 4 ] &&
		[ "$(after 2 "$L2" | grep -c "reach: node $SHORT1... failed")" -ge 4 ] && break
	sleep 0.2
done
# "unreachable for" grows from 0 over the run of failures
growing() {
	after "$1" "$2" | grep "reach: node $SHORT1... failed" | sed -n 's/.*unreachable for \([0-9]*\) ms.*/\1/p' |
		$PY -c 'import sys; v=[int(x) for x in sys.stdin]
sys.exit(0 if len(v) >= 4 and v[0] == 0 and all(a < b for a, b in zip(v, v[1:])) else 1)'
}
check "node 0 marks node 1 failing, 'unreachable for' growing" growing 0 "$L0"
check "node 2 marks node 1 failing, 'unreachable for' growing" growing 2 "$L2"
check "the failures name both legs (direct_timeout, https_connect)" \
	grep -q "reach: node $SHORT1... failed (direct_timeout, https_connect)" "$DIR/node0/control.log"
check "stats: node 0 counts failed tests and both reasons, node 1 failing" \
	sh -c "[ $(field 0 reach.failed) -ge 4 ] && [ $(field 0 reach.direct_timeout) -ge 4 ] &&
		[ $(field 0 reach.https_connect) -ge 4 ] && [ $(field 0 reach.failing) -eq 1 ]"
# no proof from node 1 for the validity window (4 s): down on both
for _ in $(seq 150); do
	grep -q "uptime: node $SHORT1... down" "$DIR/node0/control.log" &&
		grep -q "uptime: node $SHORT1... down" "$DIR/node2/control.log" && break
	sleep 0.2
done
down_after=$(($(date +%s) - t_stop))
check "nodes 0 and 2 count node 1 down after the validity window (${down_after} s after the stop)" \
	sh -c "grep -q 'uptime: node $SHORT1... down: last proof [4-9][0-9][0-9][0-9] ms ago' '$DIR/node0/control.log' &&
		grep -q 'uptime: node $SHORT1... down' '$DIR/node2/control.log' && [ $down_after -ge 3 ]"
check "stats: node 0 counts the expired proof" sh -c "[ $(field 0 uptime.expired) -ge 1 ]"

# node 1 comes back with the command line testnet.sh gave it (a new HTTPS port); only the log
# lines after the restart count (startup logged "passes again" once already)
R0=$(wc -l <"$DIR/node0/control.log")
R2=$(wc -l <"$DIR/node2/control.log")
d=$DIR/node1
"$BUILD/control/snode-control" --config "$CONF" --data-dir "$d" --redis "$d/redis.sock" \
	--dp-socket "$d/dp.sock" --registry "$DIR/registry" --ping-interval 1 \
	--listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --proxy-private true \
	>"$d/control2.log" 2>&1 &
echo $! >"$d/control.pid"
back() { after 0 "$R0" | grep -q "$1" && after 2 "$R2" | grep -q "$1"; }
for _ in $(seq 150); do
	back "reach: node $SHORT1... passes again" && back "uptime: node $SHORT1... up (proof" && break
	sleep 0.2
done
check "node 1 is up again on both (a new proof with its new HTTPS port)" \
	back "uptime: node $SHORT1... up (proof, https 127.0.0.1:$(sed -n 's/.*HTTP entry: https port \([0-9]*\).*/\1/p' "$d/control2.log"))"
check "nodes 0 and 2 see node 1 pass again" back "reach: node $SHORT1... passes again"
for _ in $(seq 100); do [ "$(field 0 reach.failing)" = 0 ] && [ "$(field 2 reach.failing)" = 0 ] && break; sleep 0.2; done
check "stats: no node failing on nodes 0 and 2" \
	sh -c "[ $(field 0 reach.failing) -eq 0 ] && [ $(field 2 reach.failing) -eq 0 ]"
# node 1's own tests and the peers' next proofs come on their schedules: wait for them
for _ in $(seq 150); do
	[ "$(field 1 reach.passed)" -ge 2 ] 2>/dev/null && [ "$(field 1 uptime.accepted)" -ge 2 ] 2>/dev/null && break
	sleep 0.2
done
check "restarted node 1 passes its own tests of 0 and 2 and holds their proofs" \
	sh -c "[ $(field 1 reach.passed) -ge 2 ] && [ $(field 1 uptime.accepted) -ge 2 ]"

out=$($TN down --dir "$DIR" 2>&1)
check "testnet down stops every process" sh -c "! ip netns list | grep -q '^$NS'"
tap_done
