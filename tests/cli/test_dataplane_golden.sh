#!/usr/bin/env bash
# Golden test of the relay (issue 4): the recorded client cells of tests/golden/relay_in.pcap
# go through snode-dataplane (net_pcap, software mode) with a fixed test seed for padding and
# labels (SNODE_DP_TEST_RNG_SEED, dataplane/test_rng.h); every frame it writes must equal
# tests/golden/relay_out.pcap's byte for byte (pcap timestamps aside). The recorded output is
# itself checked by the independent builder (tests/tools/cell_builder.py: each relayed cell
# unmasks with the A-B link key and peels at B toward C), so the golden file is not just a
# snapshot of whatever the code did. A change that alters the wire bytes on purpose
# regenerates it: tests/cli/test_dataplane_golden.sh DP TOOL --regen (then review and commit).
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

# run NAME ENV...: one relay over relay_in.pcap into $DIR/NAME.pcap; waits for its exit
run() {
	local name=$1 rc
	shift
	env "$@" "$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX-$name" \
		--vdev "net_pcap0,rx_pcap=$GOLD/relay_in.pcap,tx_pcap=$DIR/$name.pcap" \
		-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none \
		>"$DIR/$name.out" 2>&1 &
	DP_PID=$!
	# the relay reads the pcap once; wait until it relayed the 7 CREATEs (6 small, 1 medium in 6
	# fragments), then stop it
	for _ in $(seq 100); do
		sleep 0.1
		kill -0 "$DP_PID" 2>/dev/null || break
		[ -s "$DIR/$name.pcap" ] && [ "$(stat -c %s "$DIR/$name.pcap")" -ge 16000 ] && break
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

if [ "$REGEN" = --regen ]; then
	run regen SNODE_DP_TEST_RNG_SEED=$SEED || { cat "$DIR/regen.out"; exit 1; }
	cp "$DIR/regen.pcap" "$GOLD/relay_out.pcap"
	echo "wrote $GOLD/relay_out.pcap ($(frames "$GOLD/relay_out.pcap" | wc -l) frames)"
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
