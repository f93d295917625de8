#!/usr/bin/env bash
# The bad-input corpus through a real snode-dataplane in software mode: an independent builder
# (tests/tools/bad_cells.py) writes one frame per way a packet can be wrong (header fields, sizes,
# lengths, crypto, JSON, routing, replay, circuit cells nobody asked for, framing, fragments
# that never complete, bad fragments, a CREATE in fragments),
# plus one valid CREATE and an ARP request; the dataplane reads them through net_pcap. Every
# drop counter must equal what the builder expects, exactly; SIGTERM must stop it with exit 0;
# and every mbuf must be back in the pool at exit.
set -u
DP=$1
TOOL=$2
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
DIR=$(mktemp -d /tmp/snode-test-badinput.XXXXXX)
PREFIX=snode-test-badinput-$$
RUNDIR=/var/run/dpdk
[ "$(id -u)" -ne 0 ] && RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
DP_PID=
cleanup() {
	[ -n "$DP_PID" ] && kill -KILL "$DP_PID" 2>/dev/null
	rm -rf "$DIR" "$RUNDIR/$PREFIX"
}
trap cleanup EXIT

seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
SA=$(seed) SB=$(seed)
"$TOOL" keygen --data-dir "$DIR/a" --from-seed "$SA" >/dev/null
"$TOOL" keygen --data-dir "$DIR/b" --from-seed "$SB" >/dev/null
"$TOOL" id --data-dir "$DIR/b" | $PY -c 'import json,sys; d=json.load(sys.stdin)
print(d["ed25519"], d["x25519"], "10.0.0.2:22030", "02:00:00:00:00:02")' >"$DIR/nodes.txt"
$PY "$HERE/../tools/bad_cells.py" --seed-a "$SA" --seed-b "$SB" --out "$DIR/in.pcap" \
	--expect "$DIR/expect.json"
check "the independent builder wrote the corpus" test -s "$DIR/in.pcap"

"$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
	--file-prefix "$PREFIX" --vdev "net_pcap0,rx_pcap=$DIR/in.pcap,tx_pcap=$DIR/out.pcap" \
	-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none \
	>"$DIR/dp.out" 2>&1 &
DP_PID=$!

tel() {
	$PY - "$RUNDIR/$PREFIX/dpdk_telemetry.v2" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
s.recv(16384)
s.send(sys.argv[2].encode())
print(json.dumps(json.loads(s.recv(65536))[sys.argv[2]], sort_keys=True))
PY
}
frames=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["frames"])' "$DIR/expect.json")
for _ in $(seq 100); do
	rx=$(tel /snode/dp/stats 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin)["rx"])' 2>/dev/null)
	[ "${rx:-0}" -ge "$frames" ] && break
	sleep 0.1
done
check "the dataplane received all $frames frames" test "${rx:-0}" -eq "$frames"

# a datagram whose fragments never all come is dropped at its deadline (2 s after its first)
want_to=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["drops"].get("frag_timeout", 0))' "$DIR/expect.json")
for _ in $(seq 50); do
	to=$(tel /snode/dp/drops 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin).get("frag_timeout", 0))' 2>/dev/null)
	[ "${to:-0}" -ge "$want_to" ] && break
	sleep 0.1
done
tel /snode/dp/drops >"$DIR/drops.json"
tel /snode/dp/stats >"$DIR/stats.json"
# One case per drop reason the corpus exercises, then: every other reason is zero.
for reason in $($PY -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["drops"])))' "$DIR/expect.json"); do
	got=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], "missing"))' "$DIR/drops.json" "$reason")
	want=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["drops"][sys.argv[2]])' "$DIR/expect.json" "$reason")
	check "drop counter $reason is $want" test "$got" = "$want"
done
others=$($PY -c 'import json,sys
d = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2]))["drops"]
print(" ".join("%s=%d" % (k, v) for k, v in sorted(d.items()) if k not in e and v))' "$DIR/drops.json" "$DIR/expect.json")
check "no other drop counter moved ($others)" test -z "$others"
for stat in create_relayed arp_replies; do
	got=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$DIR/stats.json" "$stat")
	want=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"][sys.argv[2]])' "$DIR/expect.json" "$stat")
	check "$stat is $want" test "$got" = "$want"
done

term_wait "$DP_PID" 50
rc=$?
DP_PID=
check "SIGTERM stops it with exit 0 within 5 s" test "$rc" -eq 0
check "every mbuf is back in the pool at exit" grep -q "mbufs in use at exit: 0 of" "$DIR/dp.out"
check "every big mbuf is back at exit" grep -q "big pool at exit: 0 of" "$DIR/dp.out"
tap_done
