#!/usr/bin/env bash
# snode-tool registry append|submit|show and chain run as an operator runs them, on a file and
# on a private redis-server (unix socket in a temporary directory, stopped by PID and removed):
# usage errors exit 2, refused lines append nothing, two blocks made by chain run with the
# pending queue sorted (accepted, deferred, dropped), SIGTERM stops an endless producer.
set -u
TOOL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
T=$(mktemp -d /tmp/snode-test-toolreg.XXXXXX)
RPID=
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
key() { $PY -c 'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())' "$1"; }
E0=$(key "ed 0") X0=$(key "x 0") E1=$(key "ed 1") X1=$(key "x 1")
H1=$(key "block 1")
# the state changes below carry "-" records: the log allows them (docs/quorums.md)
printf 'option unverified-records\nregister %s %s 10.0.0.1:22030 1\nregister %s %s 10.0.0.2:22030 1\nblock 1 %s\n' \
	"$E0" "$X0" "$E1" "$X1" "$H1" >"$T/genesis"

"$TOOL" registry show >/dev/null 2>&1
check "registry without a subcommand exits 2" test $? = 2
"$TOOL" registry show --registry relative >"$T/o" 2>&1
check "a relative source exits 2 with the config's message" \
	sh -c "[ $? = 2 ] && grep -q \"registry must be an absolute path, file:PATH or redis:ADDR/KEY, not 'relative'\" '$T/o'"
"$TOOL" chain run --registry "$T/reg" --block-interval 0 >/dev/null 2>&1
check "chain run --block-interval 0 exits 2" test $? = 2
"$TOOL" chain run --registry "$T/reg" --block-interval 3601 >/dev/null 2>&1
check "chain run --block-interval 3601 exits 2" test $? = 2

for kind in file redis; do
	if [ $kind = file ]; then
		: >"$T/reg"
		SRC=$T/reg
		qlen() { cat "$T/reg.pending" 2>/dev/null | grep -c .; }
	else
		redis-server "$ROOT/deploy/redis.conf" --dir "$T" --unixsocket "$T/r.sock" \
			--appendfsync always >"$T/redis.log" 2>&1 &
		RPID=$!
		for _ in $(seq 50); do redis-cli -s "$T/r.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
		SRC=redis:$T/r.sock/t:reg
		qlen() { redis-cli -s "$T/r.sock" LLEN t:reg:pending; }
	fi
	out=$("$TOOL" registry append --registry "$SRC" --file "$T/genesis" 2>&1)
	check "$kind: append the genesis" test "$out" = '{"appended":4,"height":1,"nodes":2}'
	out=$(printf 'register %s %s 10.0.0.3:22030 2\n' "$(key 'ed 2')" "$(key 'x 2')" |
		"$TOOL" registry append --registry "$SRC" 2>&1)
	check "$kind: a block left open is refused, nothing appended" \
		test "$out" = "snode-tool registry: line 1: events for height 2 have no block line (append whole blocks; nothing appended)"
	out=$("$TOOL" registry append --registry "$SRC" --file "$T/genesis" 2>&1)
	check "$kind: appending the genesis again is refused at line 1" \
		test "$out" = "snode-tool registry: line 1: option unverified-records after the first event (nothing appended)"
	out=$("$TOOL" registry submit --registry "$SRC" "block 2 $H1" 2>&1)
	check "$kind: submit refuses a block line" \
		test "$out" = "snode-tool registry: line 1: not a node event (nothing queued)"
	out=$("$TOOL" registry submit --registry "$SRC" "decommission $E0 2 -" "deregister $E1 3 -" \
		"decommission $E0 1 -" "recommission $E1 2 -" 2>&1)
	check "$kind: submit queues four node events" test "$out" = '{"queued":4}'
	out=$("$TOOL" chain run --registry "$SRC" --block-interval 1 --count 2 2>"$T/chain.log")
	check "$kind: two blocks: one accepted, one deferred then accepted, two dropped" \
		test "$out" = '{"blocks":2,"height":3,"accepted":2,"dropped":2,"deferred":1,"failed":0}'
	check "$kind: each drop logged with its reason" \
		sh -c "grep -q 'height 1 is below the next block 2' '$T/chain.log' &&
			grep -q 'recommission: node ${E1:0:16} is not decommissioned' '$T/chain.log'"
	check "$kind: the queue is empty" test "$(qlen)" = 0
	out=$("$TOOL" registry show --registry "$SRC" 2>&1)
	check "$kind: the state: block 3 with the chain's hash, one node decommissioned, one gone" \
		$PY -c '
import hashlib, json, sys
s = json.loads(sys.argv[1]); h = bytes.fromhex(sys.argv[2])
for height in (2, 3):
    h = hashlib.blake2b(h + height.to_bytes(8, "little"), digest_size=32).digest()
assert (s["height"], s["hash"], s["nodes"], s["active"], s["decommissioned"]) == (3, h.hex(), 1, 0, 1), s' \
		"$out" "$H1"
	"$TOOL" chain run --registry "$SRC" --block-interval 1 >"$T/endless" 2>&1 &
	P=$!
	sleep 2.5
	term_wait $P 50
	check "$kind: SIGTERM stops an endless producer with its summary" \
		sh -c "[ $? = 0 ] && grep -q '\"failed\":0' '$T/endless'"
done
tap_done
