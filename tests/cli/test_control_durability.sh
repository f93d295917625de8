#!/usr/bin/env bash
# Issue 5's durability through the whole process: a store is acknowledged (REPLY status 200 on
# the dataplane channel) only after Redis took the write. A private redis-server runs
# deploy/redis.conf with appendfsync always; tests/tools/chan_feeder.py stands in for the
# dataplane (it listens on the channel socket, snode-control connects to it) and streams
# public-inbox stores. Phase 1: kill -9 of snode-control mid-stream, restart, more stores, then
# every acknowledged message is retrieved. Phase 2: kill -9 of redis-server mid-stream: only
# 5xx while it is down, restart on the same directory, stores acknowledged again, and every
# acknowledged message of both phases is retrieved.
set -u
CTL=$1
TOOL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
PY=/usr/bin/python3
FEEDER="$ROOT/tests/tools/chan_feeder.py"
DIR=$(mktemp -d /tmp/snode-test-durability.XXXXXX)
REDIS_PID=
CTL_PID=
FEED_PID=
cleanup() {
	for p in $FEED_PID $CTL_PID $REDIS_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT

STREAM=400	# stores per stream at most
KILL_AFTER=100	# acknowledgements before the kill
AFTER=50	# stores acknowledged after each kill

start_redis() {
	redis-server "$ROOT/deploy/redis.conf" --dir "$DIR/redis" --unixsocket "$DIR/redis.sock" \
		--appendfsync always >>"$DIR/redis.log" 2>&1 &
	REDIS_PID=$!
	for _ in $(seq 100); do
		redis-cli -s "$DIR/redis.sock" ping 2>/dev/null | grep -q PONG && return 0
		sleep 0.05
	done
	return 1
}
# Waits (10 s at most) for its Redis connection to be ready ("redis ...: connected" once more
# in its log): a store before that is rightly answered 503 "not connected to Redis", which
# phase 1's "only 200 answers" must not count (seen under ASan on a loaded machine).
start_control() {
	local before
	before=$(grep -c 'redis .*: connected' "$DIR/ctl.log" 2>/dev/null)
	"$CTL" --data-dir "$DIR/key" --redis "$DIR/redis.sock" --dp-socket "$DIR/dp.sock" \
		--listen none 2>>"$DIR/ctl.log" &
	CTL_PID=$!
	for _ in $(seq 100); do
		[ "$(grep -c 'redis .*: connected' "$DIR/ctl.log" 2>/dev/null)" -gt "${before:-0}" ] && return
		sleep 0.1
	done
	echo "# snode-control did not log its Redis connection within 10 s"
}
# feed OUT ARGS...: runs the feeder (its JSON summary in OUT).
feed() {
	local out=$1
	shift
	timeout 60 $PY "$FEEDER" --socket "$DIR/dp.sock" --node-key "$NODE" "$@" >"$out" \
		2>>"$DIR/feeder.log"
}
# expect NAME FILE EXPR: the Python expression over r (the feeder's JSON summary) is True.
expect() {
	local got
	got=$($PY -c 'import json,sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$2" "$3" 2>&1)
	if [ "$got" = True ]; then
		tap_result ok "$1"
	else
		tap_result not-ok "$1" "$3 -> $got: $(cat "$2" 2>/dev/null)"
	fi
}
# summary TITLE FILE: the feeder's counts as a TAP comment.
summary() { echo "# $1: $(cat "$2")"; }
# reap PID: waits for a process we started; its exit status in RC (not in a subshell: only
# this shell can wait for its children).
reap() {
	RC=0
	{ wait "$1"; } 2>/dev/null || RC=$?
}

mkdir -p "$DIR/redis"
"$TOOL" keygen --data-dir "$DIR/key" >/dev/null
NODE=$("$TOOL" id --data-dir "$DIR/key" | $PY -c 'import json,sys; print(json.load(sys.stdin)["ed25519"])')
SEED1=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
SEED2=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

start_redis
check "redis-server runs deploy/redis.conf with appendfsync always" \
	bash -c "redis-cli -s '$DIR/redis.sock' config get appendfsync | grep -qx always"
start_control

# Phase 1: kill -9 of snode-control while stores are in flight.
feed "$DIR/p1.json" store --seed "$SEED1" --count "$STREAM" --out "$DIR/acked1" \
	--tag ctl-kill --kill-pid "$CTL_PID" --kill-after "$KILL_AFTER"
reap "$CTL_PID"
CTL_PID=
summary "phase 1, snode-control killed" "$DIR/p1.json"
check "snode-control died of SIGKILL (exit 137)" test "$RC" -eq 137
expect "stores were acknowledged before the kill" "$DIR/p1.json" \
	'r["acked_before_kill"] >= '"$KILL_AFTER"' and r["acked"] >= r["acked_before_kill"]'
expect "the kill hit a running stream (stores in flight, channel closed)" "$DIR/p1.json" \
	'r["in_flight_at_kill"] >= 1 and r["closed"] and r["issued"] < '"$STREAM"
expect "only 200 answers before the kill" "$DIR/p1.json" 'list(r["statuses"]) == ["200"]'
start_control
feed "$DIR/p1b.json" store --seed "$SEED1" --count "$AFTER" --out "$DIR/acked1b" --tag ctl-after
expect "the restarted snode-control acknowledges every store" "$DIR/p1b.json" \
	'r["acked"] == '"$AFTER"' and r["statuses"] == {"200": '"$AFTER"'}'
feed "$DIR/r1.json" retrieve --seed "$SEED1" --expect "$DIR/acked1" "$DIR/acked1b"
expect "every acknowledged store is retrieved after the snode-control kill" "$DIR/r1.json" \
	'r["found"] == r["expected"] == sum(1 for f in ("acked1", "acked1b") for _ in open("'"$DIR"'/" + f)) and not r["bad"]'
expect "nothing beyond what was issued is stored" "$DIR/r1.json" \
	'r["expected"] <= r["total"] <= json.load(open("'"$DIR/p1.json"'"))["issued"] + '"$AFTER"

# Phase 2: kill -9 of redis-server while stores are in flight; restarted after 1 s.
feed "$DIR/p2.json" store --seed "$SEED2" --count 5000 --out "$DIR/acked2" --tag redis-kill \
	--kill-pid "$REDIS_PID" --kill-after "$KILL_AFTER" --marker "$DIR/killed" --pace-ms 10 \
	--need-after "$AFTER" &
FEED_PID=$!
for _ in $(seq 200); do [ -e "$DIR/killed" ] && break; sleep 0.05; done
reap "$REDIS_PID"
REDIS_PID=
check "redis-server died of SIGKILL (exit 137)" test "$RC" -eq 137
sleep 1
start_redis
check "redis-server restarts on the same directory" redis-cli -s "$DIR/redis.sock" ping
wait "$FEED_PID"
FEED_PID=
summary "phase 2, redis-server killed" "$DIR/p2.json"
check "snode-control stayed up through the Redis outage" kill -0 "$CTL_PID"
expect "stores were acknowledged before the Redis kill" "$DIR/p2.json" \
	'r["acked_before_kill"] >= '"$KILL_AFTER"' and r["in_flight_at_kill"] >= 1'
expect "only 200 or 5xx answers, and 5xx while Redis was down" "$DIR/p2.json" \
	'all(c == "200" or c.startswith("5") for c in r["statuses"]) and r["statuses"].get("503", 0) >= 1'
expect "every store got exactly one answer through the outage" "$DIR/p2.json" \
	'sum(r["statuses"].values()) == r["issued"]'
expect "stores are acknowledged again once Redis is back" "$DIR/p2.json" \
	'r["acked_after_outage"] >= '"$AFTER"' and not r["timed_out"] and not r["closed"]'
feed "$DIR/r2.json" retrieve --seed "$SEED2" --expect "$DIR/acked2"
expect "every acknowledged store is retrieved after the Redis kill" "$DIR/r2.json" \
	'r["found"] == r["expected"] == json.load(open("'"$DIR/p2.json"'"))["acked"] and not r["bad"]'
feed "$DIR/r3.json" retrieve --seed "$SEED1" --expect "$DIR/acked1" "$DIR/acked1b"
expect "phase 1's stores survived the Redis kill too" "$DIR/r3.json" \
	'r["found"] == r["expected"] > 0 and not r["bad"]'
check "snode-control logged the Redis outage" grep -q "storage:" "$DIR/ctl.log"

kill -TERM "$CTL_PID"
reap "$CTL_PID"
CTL_PID=
check "snode-control stops on SIGTERM with exit 0" test "$RC" -eq 0
check "no sanitizer report in snode-control's log (ASan builds)" \
	bash -c "! grep -q 'Sanitizer\|runtime error' '$DIR/ctl.log'"
tap_done
