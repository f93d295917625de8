#!/usr/bin/env bash
# Golden test of the relay (issue 4): the recorded client cells of tests/golden/relay_in.pcap
# go through snode-dataplane (net_pcap, software mode) with a fixed test seed for padding and
# labels (SNODE_DP_TEST_RNG_SEED, dataplane/test_rng.h); every frame it writes must equal
# tests/golden/relay_out.pcap's byte for byte (pcap timestamps aside). The recorded output is
# itself checked by the independent builder (tests/tools/cell_builder.py: each relayed cell
# unmasks with the A-B link key and peels at B toward C), so the golden file is not just a
# snapshot of whatever the code did. A change that alters the wire bytes on purpose
# regenerates it: tests/cli/test_dataplane_golden.sh DP TOOL --regen (then review and commit).
# Two more golden sets come from the golden generator snode-tool gen-pcap (fixed --seed, inputs
# recorded too): DATA cut-through (CREATEs with MORE, each followed by its DATA cells, relayed
# hop by hop without reassembly) and large cells (a large CREATE and its DATA, 44 IPv4
# fragments each way); their recorded outputs are checked by tests/tools/gen_pcap_check.py.
# A REPLY set: 4 client CREATEs (reply modes 0, 1, 0, 1) relayed to B, then B's REPLY on each
# circuit (its label the one A chose, known from a first seeded run); A must carry each back to
# the client, unchanged in mode 0, under its own layer in mode 1 (cell_builder.py reply-check).
# A DIRECT set: tests/tools/direct_golden.py plays snode-control on the channel; the DIRECT
# messages the relay sends up must equal the ones it builds from the docs, and the DIRECT cells
# the relay sends for it must equal direct_out.pcap (itself equal to its frames but the padding).
set -u
DP=$1
TOOL=$2
REGEN=${3:-}
HERE=$(dirname "$0")
GOLD=$(cd "$HERE/../golden" && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
SEED=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed
DIR=$(mktemp -d /tmp/snode-test-golden.XXXXXX)
PREFIX=snode-test-golden-$$
RUNDIR=/var/run/dpdk
[ "$(id -u)" -ne 0 ] && RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
DP_PID=
cleanup() {
	[ -n "$DP_PID" ] && kill -KILL "$DP_PID" 2>/dev/null
	rm -rf "$DIR" "$RUNDIR/$PREFIX"*
}
trap cleanup EXIT

seed_of() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][int(sys.argv[2])]["seed"])' "$GOLD/spec.json" "$1"; }
"$TOOL" keygen --data-dir "$DIR/a" --from-seed "$(seed_of 0)" >/dev/null
node_line() { # index ip mac
	"$TOOL" keygen --data-dir "$DIR/n$1" --from-seed "$(seed_of "$1")" >/dev/null
	$PY -c 'import json,sys; d=json.load(sys.stdin); print(d["ed25519"], d["x25519"], sys.argv[1]+":22030", sys.argv[2])' \
		"$2" "$3" < <("$TOOL" id --data-dir "$DIR/n$1")
}
{
	node_line 1 10.0.0.2 02:00:00:00:00:02
	node_line 2 10.0.0.3 02:00:00:00:00:03
} >"$DIR/nodes.txt"

# run NAME ENV...: one relay over $IN (relay_in.pcap) into $DIR/NAME.pcap; waits for its exit.
# LCORES (default 0) and CHANNEL (default none) are EAL's -l and --channel.
IN=$GOLD/relay_in.pcap
OUT_BYTES=16000
run() {
	local name=$1 rc
	shift
	env "$@" "$DP" -l "${LCORES:-0}" --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX-$name" \
		--vdev "net_pcap0,rx_pcap=$IN,tx_pcap=$DIR/$name.pcap" \
		-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel "${CHANNEL:-none}" \
		>"$DIR/$name.out" 2>&1 &
	DP_PID=$!
	# the relay reads the pcap once; wait until it wrote what it relays ($OUT_BYTES: for
	# relay_in.pcap the 7 CREATEs, 6 small, 1 medium in 6 fragments), then stop it
	for _ in $(seq 100); do
		sleep 0.1
		kill -0 "$DP_PID" 2>/dev/null || break
		[ -s "$DIR/$name.pcap" ] && [ "$(stat -c %s "$DIR/$name.pcap")" -ge "$OUT_BYTES" ] && break
	done
	sleep 0.3
	term_wait "$DP_PID" 100
	rc=$?
	DP_PID=
	return "$rc"
}
# frames FILE: the frames of a pcap, one hex line each (the record headers hold timestamps)
frames() {
	$PY - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off = 24
while off + 16 <= len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    print(data[off + 16:off + 16 + incl].hex())
    off += 16 + incl
PY
}

# The gen-pcap sets: the node table with the target (gen-pcap needs it), the checker's spec.
{
	node_line 0 10.0.0.1 02:00:00:00:00:01
	cat "$DIR/nodes.txt"
} >"$DIR/nodes-gen.txt"
$PY -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps({"nodes": s["nodes"], "client_ip": "100.64.0.1"}))' \
	"$GOLD/spec.json" >"$DIR/gen-spec.json"
TGT=$(head -n 1 "$DIR/nodes-gen.txt" | cut -d' ' -f1)
# gen_set NAME ARGS...: tests/golden/NAME_in.pcap and its summary NAME_in.json, from gen-pcap
gen_set() {
	local name=$1
	shift
	local tool
	tool=$(realpath "$TOOL")
	(cd "$GOLD" && "$tool" gen-pcap --nodes "$DIR/nodes-gen.txt" --target "$TGT" --clients 1 \
		--seed "$SEED" --out "${name}_in.pcap" "$@" >"${name}_in.json")
}
# set_run NAME BYTES ENV...: the relay over NAME_in.pcap into $DIR/NAME-...pcap
set_run() {
	local name=$1 rc
	IN=$GOLD/${name}_in.pcap OUT_BYTES=$2
	shift 2
	run "$@"
	rc=$?
	IN=$GOLD/relay_in.pcap OUT_BYTES=16000
	return "$rc"
}
gen_check() { # gen_check in|out PCAP NAME: the independent reading of a gen-pcap set
	$PY "$HERE/../tools/gen_pcap_check.py" "$1" "$HERE/../tools" "$DIR/gen-spec.json" "$2" \
		"$GOLD/$3_in.json"
}
# DATA cut-through: 6 small CREATEs with MORE (3 hops), each followed by its 2 DATA cells.
DATA_ARGS=(--count 18 --hops 3 --data-per-create 2 --enc mix)
DATA_BYTES=$((18 * (16 + 42 + 1232)))
# Large cells: one large CREATE with MORE and its DATA cell (2 hops), 44 fragments each.
LARGE_ARGS=(--count 2 --hops 2 --data-per-create 1 --class large)
LARGE_BYTES=$((2 * 44 * 16 + 2 * (65000 + 42) + 43 * 2 * 34))
REPLY_BYTES=$((8 * (16 + 42 + 1232)))
CB=$HERE/../tools/cell_builder.py
# DIRECT both ways: tests/tools/direct_golden.py plays snode-control on the channel. Its cells
# reach the relay through a FIFO (net_pcap's rx_pcap) once HELLO is exchanged, so none arrives
# before the channel is up; a worker lcore (-l 0-1) reads it while the main lcore serves the
# channel. The 2 DIRECT cells A sends are the output.
DG=$HERE/../tools/direct_golden.py
DIRECT_BYTES=$((2 * (16 + 42 + 1232)))
direct_run() { # direct_run NAME ENV...: $DIR/NAME.pcap, and the peer's summary in $DIR/NAME.peer
	local name=$1 rc peer
	shift
	rm -f "$DIR/direct.fifo" "$DIR/dp.sock"
	mkfifo "$DIR/direct.fifo"
	$PY "$DG" frames --spec "$GOLD/spec.json" --out "$DIR/direct_in.pcap" || return 1
	$PY "$DG" peer --spec "$GOLD/spec.json" --socket "$DIR/dp.sock" --fifo "$DIR/direct.fifo" \
		--in "$DIR/direct_in.pcap" >"$DIR/$name.peer" 2>&1 &
	peer=$!
	IN=$DIR/direct.fifo OUT_BYTES=$DIRECT_BYTES LCORES=0-1 CHANNEL=$DIR/dp.sock run "$name" "$@"
	rc=$?
	IN=$GOLD/relay_in.pcap OUT_BYTES=16000
	wait "$peer" || rc=1
	return "$rc"
}

if [ "$REGEN" = --regen ]; then
	# (pcap record timestamps differ from run to run: commit only files whose frames changed)
	run regen SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen.out"; exit 1; }
	cp "$DIR/regen.pcap" "$GOLD/relay_out.pcap"
	echo "wrote $GOLD/relay_out.pcap ($(frames "$GOLD/relay_out.pcap" | wc -l) frames)"
	gen_set data "${DATA_ARGS[@]}" && gen_set large "${LARGE_ARGS[@]}" || exit 1
	for s in data large; do
		bytes=$DATA_BYTES
		[ $s = large ] && bytes=$LARGE_BYTES
		set_run $s "$bytes" "regen-$s" SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen-$s.out"; exit 1; }
		cp "$DIR/regen-$s.pcap" "$GOLD/${s}_out.pcap"
		echo "wrote $GOLD/${s}_out.pcap ($(frames "$GOLD/${s}_out.pcap" | wc -l) frames)"
	done
	# REPLY: the CREATEs alone first, to learn the labels A chooses (the same in the second
	# run: the seed fixes them, and A draws them for the CREATEs before any REPLY)
	$PY "$CB" reply-creates --spec "$GOLD/spec.json" --out "$DIR/reply_creates.pcap" || exit 1
	IN=$DIR/reply_creates.pcap OUT_BYTES=$((REPLY_BYTES / 2))
	run regen-rc SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen-rc.out"; exit 1; }
	$PY "$CB" reply-frames --spec "$GOLD/spec.json" --creates "$DIR/reply_creates.pcap" \
		--pcap "$DIR/regen-rc.pcap" --out "$GOLD/reply_in.pcap" || exit 1
	set_run reply "$REPLY_BYTES" regen-reply SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen-reply.out"; exit 1; }
	cp "$DIR/regen-reply.pcap" "$GOLD/reply_out.pcap"
	echo "wrote $GOLD/reply_out.pcap ($(frames "$GOLD/reply_out.pcap" | wc -l) frames)"
	direct_run regen-direct SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen-direct.out" "$DIR/regen-direct.peer"; exit 1; }
	cp "$DIR/regen-direct.pcap" "$GOLD/direct_out.pcap"
	echo "wrote $GOLD/direct_out.pcap ($(frames "$GOLD/direct_out.pcap" | wc -l) frames)"
	exit 0
fi

out=$($PY "$HERE/../tools/cell_builder.py" check --spec "$GOLD/spec.json" --pcap "$GOLD/relay_out.pcap" 2>&1)
check "the golden output is right by the independent builder: 6 small and 1 medium relayed cells peel at B, 1 ARP reply" \
	test "$out" = '{"relayed": 7, "arp_replies": 1}'

run seeded SNODE_DP_TEST_RNG_SEED=$SEED
check "the relay over the golden input exits 0 on SIGTERM" test $? -eq 0
check "a warning says the padding and labels are deterministic" \
	grep -q "deterministic padding and labels" "$DIR/seeded.out"
frames "$GOLD/relay_out.pcap" >"$DIR/want.hex"
frames "$DIR/seeded.pcap" >"$DIR/got.hex"
check "every frame equals the golden output byte for byte (13 frames: 6 fragments)" \
	sh -c "cmp -s '$DIR/want.hex' '$DIR/got.hex' && [ \$(wc -l <'$DIR/got.hex') -eq 13 ]"
cmp -s "$DIR/want.hex" "$DIR/got.hex" || diff "$DIR/want.hex" "$DIR/got.hex" | head -6 | cut -c1-160 | sed 's/^/# /'

run random
frames "$DIR/random.pcap" >"$DIR/random.hex"
check "without the seed the same input gives other padding and labels" \
	sh -c "[ \$(wc -l <'$DIR/random.hex') -eq 13 ] && ! cmp -s '$DIR/want.hex' '$DIR/random.hex'"

# ---- the gen-pcap sets: DATA cut-through, large cells in fragments ----
gen_set_check() { # NAME ARGS...: gen-pcap still writes the recorded input (same seed, same bytes)
	local name=$1
	shift
	"$TOOL" gen-pcap --nodes "$DIR/nodes-gen.txt" --target "$TGT" --clients 1 --seed "$SEED" \
		--out "$DIR/${name}_gen.pcap" "$@" >/dev/null && cmp -s "$DIR/${name}_gen.pcap" "$GOLD/${name}_in.pcap"
}
gen_set_check data "${DATA_ARGS[@]}" && gen_set_check large "${LARGE_ARGS[@]}"
check "gen-pcap --seed still writes data_in.pcap and large_in.pcap byte for byte" test $? -eq 0
out=$(gen_check in "$GOLD/data_in.pcap" data 2>&1)
check "data_in.pcap by the independent checker: 6 CREATEs with MORE and 12 DATA, 6 whole requests" \
	grep -q '"create": 6, "create_more": 6, "data": 12, .*"requests": 6' <<<"$out"
out=$(gen_check out "$GOLD/data_out.pcap" data 2>&1)
check "data_out.pcap by the independent checker: 6 CREATEs peel and 12 DATA open at the next hop" \
	test "$out" = '{"create": 6, "data": 12}'
[ "$out" = '{"create": 6, "data": 12}' ] || echo "$out" | sed 's/^/# /'
set_run data "$DATA_BYTES" data SNODE_DP_TEST_RNG_SEED=$SEED
check "DATA cut-through: the relay exits 0 on SIGTERM" test $? -eq 0
frames "$GOLD/data_out.pcap" >"$DIR/want-data.hex"
frames "$DIR/data.pcap" >"$DIR/got-data.hex"
check "DATA cut-through: every frame equals data_out.pcap byte for byte (18 frames)" \
	sh -c "cmp -s '$DIR/want-data.hex' '$DIR/got-data.hex' && [ \$(wc -l <'$DIR/got-data.hex') -eq 18 ]"
out=$(gen_check in "$GOLD/large_in.pcap" large 2>&1)
check "large_in.pcap by the independent checker: a large CREATE with MORE and its DATA cell" \
	grep -q '"create": 1, "create_more": 1, "data": 1, .*"requests": 1' <<<"$out"
out=$(gen_check out "$GOLD/large_out.pcap" large 2>&1)
check "large_out.pcap by the independent checker: the large CREATE peels and its DATA opens at the next hop" \
	test "$out" = '{"create": 1, "data": 1}'
[ "$out" = '{"create": 1, "data": 1}' ] || echo "$out" | sed 's/^/# /'
set_run large "$LARGE_BYTES" large SNODE_DP_TEST_RNG_SEED=$SEED
check "large cells: the relay exits 0 on SIGTERM" test $? -eq 0
frames "$GOLD/large_out.pcap" >"$DIR/want-large.hex"
frames "$DIR/large.pcap" >"$DIR/got-large.hex"
check "large cells: every frame equals large_out.pcap byte for byte (88 frames: 44 fragments a cell)" \
	sh -c "cmp -s '$DIR/want-large.hex' '$DIR/got-large.hex' && [ \$(wc -l <'$DIR/got-large.hex') -eq 88 ]"
cmp -s "$DIR/want-large.hex" "$DIR/got-large.hex" || diff "$DIR/want-large.hex" "$DIR/got-large.hex" | head -4 | cut -c1-160 | sed 's/^/# /'

# ---- REPLY, both modes ----
out=$($PY "$CB" reply-check --spec "$GOLD/spec.json" --creates "$GOLD/reply_in.pcap" --pcap "$GOLD/reply_out.pcap" 2>&1)
check "reply_out.pcap by the independent builder: 4 CREATEs to B, 4 REPLYs to the client carrying B's payload (2 as is, 2 under A's layer)" \
	test "$out" = '{"relayed": 4, "replies": 4, "mode0": 2, "mode1": 2}'
[ "$out" = '{"relayed": 4, "replies": 4, "mode0": 2, "mode1": 2}' ] || echo "$out" | tail -3 | sed 's/^/# /'
set_run reply "$REPLY_BYTES" reply SNODE_DP_TEST_RNG_SEED=$SEED
check "REPLY: the relay exits 0 on SIGTERM" test $? -eq 0
frames "$GOLD/reply_out.pcap" >"$DIR/want-reply.hex"
frames "$DIR/reply.pcap" >"$DIR/got-reply.hex"
check "REPLY: every frame equals reply_out.pcap byte for byte (8 frames: 4 CREATEs, 4 REPLYs)" \
	sh -c "cmp -s '$DIR/want-reply.hex' '$DIR/got-reply.hex' && [ \$(wc -l <'$DIR/got-reply.hex') -eq 8 ]"
cmp -s "$DIR/want-reply.hex" "$DIR/got-reply.hex" || diff "$DIR/want-reply.hex" "$DIR/got-reply.hex" | head -4 | cut -c1-160 | sed 's/^/# /'

# ---- DIRECT, both ways ----
out=$($PY "$DG" check --spec "$GOLD/spec.json" --pcap "$GOLD/direct_out.pcap" 2>&1)
check "direct_out.pcap by the independent builder: A's 2 DIRECT cells to B and C, equal to its frames up to the padding (the full one whole)" \
	test "$out" = '{"frames": 2, "exact": 2, "whole": 1}'
[ "$out" = '{"frames": 2, "exact": 2, "whole": 1}' ] || echo "$out" | sed 's/^/# /'
direct_run direct SNODE_DP_TEST_RNG_SEED=$SEED
check "DIRECT: the relay with a channel peer exits 0 on SIGTERM" test $? -eq 0
check "DIRECT: the 2 cells from B reach snode-control as the DIRECT messages built from the docs, byte for byte (the stranger's is dropped)" \
	test "$(tail -n 1 "$DIR/direct.peer")" = '{"direct_up": 2, "exact": 2, "sent": 2}'
grep -q '"exact": 2' "$DIR/direct.peer" || sed 's/^/# /' "$DIR/direct.peer"
frames "$GOLD/direct_out.pcap" >"$DIR/want-direct.hex"
frames "$DIR/direct.pcap" >"$DIR/got-direct.hex"
check "DIRECT: every frame equals direct_out.pcap byte for byte (2 frames)" \
	sh -c "cmp -s '$DIR/want-direct.hex' '$DIR/got-direct.hex' && [ \$(wc -l <'$DIR/got-direct.hex') -eq 2 ]"
cmp -s "$DIR/want-direct.hex" "$DIR/got-direct.hex" || diff "$DIR/want-direct.hex" "$DIR/got-direct.hex" | head -4 | cut -c1-160 | sed 's/^/# /'

run badseed SNODE_DP_TEST_RNG_SEED=1234
check "a malformed seed stops the dataplane with exit 1" test $? -eq 1
check "... naming the variable" grep -q "SNODE_DP_TEST_RNG_SEED must be 64 hex digits" "$DIR/badseed.out"

# a port with a wire (net_tap needs root and a tap device): the seed is refused there
if [ "$(id -u)" -eq 0 ] && [ -e /dev/net/tun ]; then
	SNODE_DP_TEST_RNG_SEED=$SEED "$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX-tap" --vdev "net_tap0,iface=sngold$$" \
		-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none \
		>"$DIR/tap.out" 2>&1
	rc=$?
	check "on a net_tap port the seed is refused (exit 1, naming the driver)" \
		sh -c "[ $rc -eq 1 ] && grep -q 'refused on port 0 (driver net_tap)' '$DIR/tap.out'"
else
	tap_skip "on a net_tap port the seed is refused" "needs root and /dev/net/tun"
fi
tap_done
