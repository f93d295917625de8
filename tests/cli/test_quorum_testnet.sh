#!/usr/bin/env bash
# Quorum votes end to end (docs/quorums.md) on a local testnet of 12 nodes (10 validators and 2
# workers an epoch), epochs of 10 blocks, votes every second, failing after 4 s unreachable, and
# `snode-tool chain run` appending a block a second with the queued lines that apply. Every node
# commits and reveals (RANDAO). Messages are
# stored, then a worker of the current epoch has its processes stopped: its validators vote, 7
# votes make a record, the producer puts it in a block, every snode-control's registry
# verifies and applies it, the swarm is recomputed without the node, and every acknowledged
# message is still retrieved. The stopped node is then restarted: it passes again (answers the
# DIRECT pings, its uptime proof is fresh), its validators vote a `recommission` record, every node
# applies it and the node takes part in its swarm again. The log's `option block-seconds 1` (the
# producer's interval) makes its decommission credit 2 h of real time: no deregistration here
# (that is tested on replayed logs, test_quorum_changes). Storage-proof tests
# (docs/storage-tests.md) run all along, every 0.5 s with 12 pairs a height: they pass between
# the healthy members (none fails), and fail against a member whose Redis is flushed at the end
# (the testee answers "other"). Needs root (netns, tap): otherwise every case is skipped.
set -u
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/testnet_test.sh"
PY=/usr/bin/python3
tn_require_root
EPOCH=10
# a failing node retested every 3 s at most (default: 10 s x failures + ~10 s, up to 2 min): a
# node back after a restart is found passing, and recommissioned, in seconds; the random tests
# keep their pace (~10 s)
CONF=$(mktemp /tmp/snode-test-quorum-conf.XXXXXX)
cat >"$CONF" <<'CONFEOF'
[reach]
reach-backoff-ms = 1000
reach-backoff-max-ms = 3000
[storage_test]
storage-test-interval-ms = 500
storage-test-records = 3
storage-test-timeout-ms = 4000
storage-test-retry-ms = 1500
storage-test-failures = 3
CONFEOF
export SNODE_TESTNET_CONTROL_CONF=$CONF
# 12 storage-test pairs a height, network-wide through the registry's option (each node's
# config keeps the default 1)
export SNODE_TESTNET_EPOCH_BLOCKS=$EPOCH SNODE_TESTNET_VOTE_FAIL_AFTER=4 SNODE_TESTNET_BLOCK_SECONDS=1
export SNODE_TESTNET_STEST_PAIRS=12
PRODUCER=
tn_cleanup_extra() { # (defined before tn_up: its exit trap calls it even when the start fails)
	if [ -n "$PRODUCER" ]; then
		kill "$PRODUCER" 2>/dev/null
		wait "$PRODUCER" 2>/dev/null
	fi
	rm -f "$CONF"
}
tn_up quorum 12
client() { ip netns exec "$NS" $PY "$ROOT/tests/tools/snode_client.py" --testnet "$DIR" --timeout 20 "$@"; }
REG=$DIR/registry

# The block producer (snode-tool chain run): a block a second with the pending lines that apply
# (the copies other validators queued, and lines for a block already past, are dropped).
"$BUILD/tools/snode-tool" chain run --registry "$(cat "$DIR/registry.src")" --block-interval 1 >"$DIR/chain.out" \
	2>"$DIR/chain.log" &
PRODUCER=$!

key_of() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"])' "$DIR/node$1/id.json"; }
since() { tail -n +$(($1 + 1)) "$REG"; } # since N: the log's lines after its first N
height() { awk '$1 == "block" { h = $2 } END { print h }' "$REG"; }

# messages on every node of the one swarm, acknowledged before anything fails
for a in 1 2 3; do
	seed=$(printf '%064x' $((a * 7919 + RANDOM)))
	echo "$seed" >"$DIR/seed$a"
	tn_store "$DIR/s$a" --path 0 store --seed "$seed" --ttl 7200000 --data "quorum test $a"
done
acked=$($PY -c 'import json,sys; print(sum(json.load(open(f))["status"] == 200 for f in sys.argv[1:]))' "$DIR"/s1 "$DIR"/s2 "$DIR"/s3)
check "3 messages acknowledged (got $acked)" test "$acked" = 3

# wait for the start of an epoch seeded by reveals (commits of epoch e, reveals in e + 1, the
# seed of e + 2), then take a worker of its quorum (not node 0: the client's)
for _ in $(seq 120); do [ $(($(height) % EPOCH)) -le 2 ] && [ "$(height)" -ge $((3 * EPOCH)) ] && break; sleep 0.5; done
check "node 0 logs its role in each epoch's quorum" \
	grep -Eq "quorum of epoch [0-9]+: 10 validators, 2 workers; this node: (validator|worker|neither)" "$DIR/node0/control.log"
check "every node commits and reveals ($(grep -c '^commit ' "$REG") commits, $(grep -c '^reveal ' "$REG") reveals)" \
	test "$(grep -c '^reveal ' "$REG")" -ge 12
victim=$($PY - "$REG" "$DIR" "$ROOT/tests/tools" <<'PYEOF'
import json, sys, glob
sys.path.insert(0, sys.argv[3])
import quorum_reference as q
text = open(sys.argv[1]).read()
quorums = q.replay(text)
epoch = max(quorums)
hashes = {bytes.fromhex(l.split()[2]) for l in text.splitlines() if l.startswith("block ")}
if quorums[epoch][0] in hashes:
    print("")  # the block-hash fallback: the test wants a RANDAO seed
    sys.exit()
keys = {json.load(open(f"{sys.argv[2]}/node{i}/id.json"))["ed25519"]: i for i in range(12)}
workers = [keys[k] for k in quorums[epoch][2] if keys[k] != 0]
print(workers[0] if workers else "")
PYEOF
)
check "epoch $(($(height) / EPOCH)), seeded by reveals, has a worker to stop (node '$victim')" test -n "$victim"
VKEY=$(key_of "$victim")
stats() { "$BUILD/tools/snode-tool" control-stats --data-dir "$DIR/node$1"; }
# storage tests so far (the ~30 blocks above, all 12 nodes healthy): passed, none failed
# (a failure names its reasons, summed: fail_timeout, fail_other, ...)
stest=$(for i in $(seq 0 11); do stats "$i"; done | $PY -c '
import json, sys
s = [json.loads(l)["storage_test"] for l in sys.stdin]
why = {k: sum(x[k] for x in s) for k in s[0] if k.startswith("fail_")}
reasons = " ".join(f"{k}={v}" for k, v in why.items() if v)
print(sum(x["passed"] for x in s) > 0, sum(x["failed"] for x in s), sum(x["answered_ok"] for x in s) > 0,
      *([f"({reasons})"] if reasons else []))')
check "storage tests pass between healthy members, none fails (passed>0, failed, answered>0: $stest)" \
	test "$stest" = "True 0 True"
# their signed reports reach the workers' validators (docs/storage-tests.md, "Reports to the
# quorum"): taken somewhere, none forged or malformed
srep=$(for i in $(seq 0 11); do stats "$i"; done | $PY -c '
import json, sys
s = [json.loads(l)["storage_report"] for l in sys.stdin]
t = lambda k: sum(x[k] for x in s)
print(t("taken") > 0, t("refused_bad_signature") + t("refused_malformed"), "/ taken", t("taken"),
      "of", t("received"), "refused not_worker", t("refused_not_worker"), "wrong_tester",
      t("refused_wrong_tester"), "stale", t("refused_stale_height"), "duplicate", t("refused_duplicate"))')
check "validators take the testers' signed reports (taken>0, forged or malformed: $srep)" \
	test "${srep%% /*}" = "True 0"
check "the registry's option storage-test-pairs 12 overrides the nodes' own 1" \
	grep -q "the registry's option storage-test-pairs 12 overrides storage-test-pairs = 1 " "$DIR/node0/control.log"
stopped_at=$(wc -l <"$REG")
for p in control dataplane redis; do kill "$(cat "$DIR/node$victim/$p.pid")" 2>/dev/null; done
# the dataplane must leave on SIGTERM (its tap with it): a restart reuses the tap's name
dp_pid=$(cat "$DIR/node$victim/dataplane.pid")
for _ in $(seq 100); do tn_exited "$dp_pid" && break; sleep 0.1; done
# (the log's end in the check's output, not its name: a '#' there would be a TAP directive)
check "node $victim's dataplane exits within 10 s of SIGTERM" \
	sh -c "$(declare -f tn_exited); tn_exited $dp_pid || { tail -n 5 '$DIR/node$victim/dataplane.log'; exit 1; }"

for _ in $(seq 120); do since "$stopped_at" | grep -q "^decommission $VKEY " && break; sleep 0.5; done
check "a decommission record for node $victim reaches the log" sh -c "tail -n +$((stopped_at + 1)) '$REG' | grep -q '^decommission $VKEY [0-9]* [0-9]*,[0-9]:'"
check "a validator assembled it from 7+ votes" sh -c "grep -h 'quorum: [0-9]* votes of epoch .* to decommission ${VKEY:0:16}: submitted' '$DIR'/node*/control.log | grep -q ."
applied() { # live nodes whose registry applied the record
	local i n=0
	for i in $(seq 0 11); do
		[ "$i" = "$victim" ] && continue
		grep -q "registry $REG reloaded: block [0-9]*, 12 nodes (11 active)" \
			"$DIR/node$i/control.log" && n=$((n + 1))
	done
	echo "$n"
}
for _ in $(seq 60); do [ "$(applied)" = 11 ] && break; sleep 0.5; done
ok=$(applied)
check "all 11 live nodes verified the record and applied it (got $ok)" test "$ok" = 11
check "no node refused the log" sh -c "! grep -h 'registry not reloaded' '$DIR'/node*/control.log | grep -q ."
counts=$(for i in $(seq 0 11); do [ "$i" = "$victim" ] || stats "$i"; done | $PY -c '
import json, sys
q = [json.loads(l)["quorum"] for l in sys.stdin]
print(sum(x["made"] for x in q) >= 7, sum(x["submitted"] for x in q) >= 1,
      sum(x["submit_failed"] + x["randao_failed"] for x in q), min(x["commits"] for x in q) >= 1)')
# (votes can be refused now and then: a validator whose registry reloads a second later than
# the sender's sees a vote for an epoch it has not reached; the resends cover it)
check "stats: 7+ votes made, a record submitted, no append failed, every node committed (got $counts)" \
	test "$counts" = "True True 0 True"

for a in 1 2 3; do
	client --path 0 retrieve --seed "$(cat "$DIR/seed$a")" >"$DIR/g$a" 2>&1
done
found=$($PY - "$DIR" "$VKEY" <<'PYEOF'
import json, sys
d, vkey = sys.argv[1], sys.argv[2]
n = 0
for a in (1, 2, 3):
    want = json.loads(json.load(open(f"{d}/s{a}"))["body"])["hash"]
    g = json.load(open(f"{d}/g{a}"))
    n += g["status"] == 200 and want in [m["hash"] for m in json.loads(g["body"])["messages"]]
print(n)
PYEOF
)
check "every acknowledged message is still retrieved after the rebalance (got $found of 3)" test "$found" = 3
tn_store "$DIR/s4" --path 0 store --seed "$(cat "$DIR/seed1")" --data "after the vote"
swarm=$($PY -c 'import json,sys; b=json.loads(json.load(open(sys.argv[1]))["body"]); print(len(b["swarm"]), sys.argv[2] in b["swarm"])' "$DIR/s4" "$VKEY" 2>&1)
check "a new store is acknowledged by the 11 remaining members only (got $swarm)" test "$swarm" = "11 False"

# the node comes back: recommissioned by votes, in its swarm again
restarted_at=$(wc -l <"$REG")
out=$($TN restart --dir "$DIR" --node "$victim" 2>&1)
check "node $victim restarts ($out)" grep -q "restarted" <<<"$out"
# the run before's log kept aside (a wait that read it took the old "relaying on port" for the
# new dataplane's), ending in a clean exit: every mbuf back
check "node $victim's old dataplane.log is kept as .prev and ended with every mbuf back" \
	grep -q "mbufs in use at exit: 0 of" "$DIR/node$victim/dataplane.log.prev"
for _ in $(seq 120); do since "$restarted_at" | grep -q "^recommission $VKEY " && break; sleep 0.5; done
check "a recommission record for node $victim reaches the log" sh -c "tail -n +$((restarted_at + 1)) '$REG' | grep -q '^recommission $VKEY [0-9]* [0-9]*,[0-9]:'"
check "a validator assembled it from 7+ votes" sh -c "grep -h 'quorum: [0-9]* votes of epoch .* to recommission ${VKEY:0:16}: submitted' '$DIR'/node*/control.log | grep -q ."
rejoined() { # nodes whose registry applied the recommission (the restarted one too)
	local i n=0
	for i in $(seq 0 11); do
		grep -q "registry $REG reloaded: block [0-9]*, 12 nodes (12 active)" \
			"$DIR/node$i/control.log" && n=$((n + 1))
	done
	echo "$n"
}
for _ in $(seq 60); do [ "$(rejoined)" = 12 ] && break; sleep 0.5; done
ok=$(rejoined)
check "all 12 nodes verified the recommission and applied it (got $ok)" test "$ok" = 12
check "no node refused the log" sh -c "! grep -h 'registry not reloaded' '$DIR'/node*/control.log | grep -q ."
for _ in 1 2 3 4 5 6; do
	tn_store "$DIR/s5" --path 0 store --seed "$(cat "$DIR/seed2")" --data "after the recommission"
	swarm=$($PY -c 'import json,sys; b=json.loads(json.load(open(sys.argv[1]))["body"]); print(len(b["swarm"]), sys.argv[2] in b["swarm"])' "$DIR/s5" "$VKEY" 2>&1)
	[ "$swarm" = "12 True" ] && break
	sleep 1
done
check "a new store is acknowledged by all 12 members, node $victim again among them (got $swarm)" test "$swarm" = "12 True"

# a member that drops its data (not node 0, not the victim) fails its storage tests: it answers
# "other" once the retry window has passed, and its testers log the failure
flushed=$(( victim == 1 ? 2 : 1 ))
FKEY=$(key_of "$flushed")
redis-cli -s "$DIR/node$flushed/redis.sock" FLUSHALL >/dev/null
failed_against() { grep -h "storage test of ${FKEY:0:16} at height [0-9]*: failed (other)" "$DIR"/node*/control.log | wc -l; }
for _ in $(seq 40); do [ "$(failed_against)" -ge 1 ] && break; sleep 0.5; done
check "testers fail node $flushed after its Redis was flushed ($(failed_against) failures logged)" \
	test "$(failed_against)" -ge 1
other=$(stats "$flushed" | $PY -c 'import json,sys; print(json.load(sys.stdin)["storage_test"]["answered_other"])')
check "node $flushed counts its 'other' answers (got $other)" test "$other" -ge 1
tap_done
