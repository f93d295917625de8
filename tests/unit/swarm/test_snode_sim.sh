#!/usr/bin/env bash
# snode-sim (tools/snode_sim.c) as an operator runs it: a bounded 10,000-node
# network, the command line's errors, a deliberately broken block, and every
# block of several simulated networks recomputed by the independent Python
# reference (tests/tools/swarm_reference.py) and compared node by node.
set -u
SIM=$1
HERE=$(dirname "$0")
. "$HERE/../../lib/tap.sh"
REF=$HERE/../../tools/swarm_reference.py
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# expect_exit CODE NAME CMD...: passes when CMD exits CODE and, for errors, prints
# exactly one line on stderr.
expect_exit() {
	local code=$1 name=$2 rc lines
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -eq "$code" ] && { [ "$code" -eq 0 ] || [ "$lines" -eq 1 ]; }; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc (want $code), stderr: $(cat "$TMP/err")"
	fi
}

expect_exit 0 "--help" "$SIM" --help
check "--help lists the rates" grep -q -- "--decomm-rate" "$TMP/out"

# The bounded run: 10,000 nodes register, then 20 blocks of churn.
expect_exit 0 "10,000 nodes x 20 blocks" "$SIM" --nodes 10000 --blocks 20 --seed 7
cp "$TMP/out" "$TMP/run"
check "summary says invariants ok" grep -q "20 blocks: .* invariants ok$" "$TMP/run"
# upstream's expectation for n registrations: 1 + (n - 7) / 7 swarms
check "genesis makes 1428 swarms" grep -q "^block 0: active 10000 .* swarms 1428 " "$TMP/run"
check "one line per block" test "$(grep -c '^block ' "$TMP/run")" -eq 21
check "moves stay within the bound" awk '/^block /{ for (i = 1; i < NF; i++) if ($i == "moved") { m = $(i + 1); b = $(i + 3); sub(/\)/, "", b); if (m + 0 > b + 0) exit 1 } }' "$TMP/run"
expect_exit 0 "--quiet prints only the summary" "$SIM" --nodes 50 --blocks 5 --quiet
check "--quiet output is one line" test "$(wc -l <"$TMP/out")" -eq 1

# Bad command lines: exit 2, one line.
expect_exit 2 "--nodes not a number" "$SIM" --nodes abc
expect_exit 2 "--nodes above the limit" "$SIM" --nodes 524289
expect_exit 2 "--nodes negative" "$SIM" --nodes -5
expect_exit 2 "--blocks above the limit" "$SIM" --blocks 1000001
expect_exit 2 "--join-rate above 1" "$SIM" --join-rate 1.5
expect_exit 2 "--leave-rate not a number" "$SIM" --leave-rate fast
expect_exit 2 "--seed with junk" "$SIM" --seed 12x
expect_exit 2 "--samples above the limit" "$SIM" --samples 1000001
expect_exit 2 "unknown option" "$SIM" --frobnicate
expect_exit 2 "missing value" "$SIM" --nodes
expect_exit 2 "stray argument" "$SIM" extra
check "usage errors name the option" grep -q "bad --join-rate '1.5'" <("$SIM" --join-rate 1.5 2>&1)
# Limits at their edge: accepted.
expect_exit 0 "--nodes 0 and --blocks 0" "$SIM" --nodes 0 --blocks 0 --quiet
expect_exit 0 "--rates of exactly 0 and 1" "$SIM" --nodes 30 --blocks 3 --join-rate 0 --leave-rate 0 --decomm-rate 1 --recomm-rate 1 --quiet

# The checks catch a broken assignment (test hook).
expect_exit 1 "a corrupted block fails the run" "$SIM" --nodes 200 --blocks 5 --corrupt-block 3
check "the failure names the block" grep -q "block 3: invariant violated" "$TMP/err"
expect_exit 1 "unwritable --dump" "$SIM" --nodes 10 --blocks 1 --dump "$TMP/no/such/dir/d"

# C against the Python reference, block by block.
check "reference selftest (mt19937_64, get_new_swarm_id, g++ sort orders)" /usr/bin/python3 "$REF" selftest
compare() { # NAME ARGS...: dump a run, recompute every block in Python
	local name=$1 blocks
	shift
	if ! "$SIM" "$@" --samples 50 --quiet --dump "$TMP/dump" >"$TMP/out" 2>"$TMP/err"; then
		tap_result not-ok "$name" "snode-sim failed: $(cat "$TMP/err")"
		return
	fi
	blocks=$(grep -c '^block ' "$TMP/dump")
	check "$name: $blocks blocks agree with the reference" /usr/bin/python3 "$REF" check "$TMP/dump"
}
compare "30 nodes, heavy churn" --nodes 30 --blocks 120 --seed 11 --join-rate 0.05 --leave-rate 0.05 --decomm-rate 0.05 --recomm-rate 0.3
compare "300 nodes" --nodes 300 --blocks 100 --seed 12 --join-rate 0.02 --leave-rate 0.02 --decomm-rate 0.02 --recomm-rate 0.3
compare "2000 nodes, ~290 swarms" --nodes 2000 --blocks 40 --seed 13 --join-rate 0.01 --leave-rate 0.01 --decomm-rate 0.01 --recomm-rate 0.3
compare "20 nodes collapsing" --nodes 20 --blocks 40 --seed 8 --join-rate 0.6 --leave-rate 0.6 --decomm-rate 0.1 --recomm-rate 0.5
check "the collapsing network has a refused block" grep -q "refused blocks 1;" "$TMP/out"
check "the refused block is in the dump" grep -q " error$" "$TMP/dump"

tap_done
