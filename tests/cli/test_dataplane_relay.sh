#!/usr/bin/env bash
# snode-dataplane relay mode as a process, in software mode: client CREATE cells
# built by an independent builder (tests/tools/cell_builder.py) are fed through
# net_pcap; the relayed cells written to the output pcap must peel at the next
# node; bad cells land in their drop counters; SIGTERM stops it cleanly.
set -u
DP=$1
TOOL=$2
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
DIR=$(mktemp -d /tmp/snode-test-relay.XXXXXX)
PREFIX=snode-test-relay-$$
RUNDIR=/var/run/dpdk
[ "$(id -u)" -ne 0 ] && RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
DP_PID=
NS=
cleanup() {
	[ -n "$DP_PID" ] && kill -KILL "$DP_PID" 2>/dev/null
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR" "$RUNDIR/$PREFIX"
}
trap cleanup EXIT

seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
SA=$(seed) SB=$(seed) SC=$(seed)
cat >"$DIR/spec.json" <<JSON
{"count": 6,
 "client": {"ip": "10.0.0.100", "mac": "02:00:00:00:00:64", "port": 40000},
 "nodes": [{"seed": "$SA", "ip": "10.0.0.1", "mac": "02:00:00:00:00:01", "port": 22030},
           {"seed": "$SB", "ip": "10.0.0.2", "mac": "02:00:00:00:00:02", "port": 22030},
           {"seed": "$SC", "ip": "10.0.0.3", "mac": "02:00:00:00:00:03", "port": 22030}]}
JSON
"$TOOL" keygen --data-dir "$DIR/a" --from-seed "$SA" >/dev/null
node_line() { # seed ip mac
	"$TOOL" keygen --data-dir "$DIR/n$2" --from-seed "$1" >/dev/null
	$PY -c 'import json,sys; d=json.load(sys.stdin); print(d["ed25519"], d["x25519"], sys.argv[1]+":22030", sys.argv[2])' \
		"$2" "$3" < <("$TOOL" id --data-dir "$DIR/n$2")
}
{
	echo "# node table of A"
	node_line "$SB" 10.0.0.2 02:00:00:00:00:02
	node_line "$SC" 10.0.0.3 02:00:00:00:00:03
} >"$DIR/nodes.txt"
$PY "$HERE/../tools/cell_builder.py" make --spec "$DIR/spec.json" --out "$DIR/in.pcap"
check "the independent builder wrote the input pcap" test -s "$DIR/in.pcap"

"$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
	--file-prefix "$PREFIX" --vdev "net_pcap0,rx_pcap=$DIR/in.pcap,tx_pcap=$DIR/out.pcap" \
	-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" >"$DIR/dp.out" 2>&1 &
DP_PID=$!
# The pcap is read once; give the relay time to peel 9 CREATEs (about 50 us each).
for _ in $(seq 50); do
	sleep 0.1
	kill -0 "$DP_PID" 2>/dev/null || break
done
# Telemetry while it runs: the operator's view of the same counters.
tel() {
	$PY - "$RUNDIR/$PREFIX/dpdk_telemetry.v2" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
s.recv(16384)  # the greeting
s.send(sys.argv[2].encode())
print(json.dumps(json.loads(s.recv(65536)), sort_keys=True))
PY
}
stats=$(tel /snode/dp/stats 2>&1)
# the builder's input: 6 small CREATEs, then the extras, then a medium CREATE in 6 fragments
check "telemetry /snode/dp/stats reports 7 relayed CREATEs (one medium, reassembled)" \
	grep -q '"create_relayed": 7' <<<"$stats"
drops=$(tel /snode/dp/drops 2>&1)
check "telemetry /snode/dp/drops counts the replay" grep -q '"replay": 1' <<<"$drops"
check "telemetry /snode/dp/drops lists reasons with zero counts too" grep -q '"tx_full": 0' <<<"$drops"
lcore=$(tel /snode/dp/lcore,0 2>&1)
check "telemetry /snode/dp/lcore,0 shows the worker's 7 circuits" grep -q '"circuits": 7' <<<"$lcore"
ports=$(tel /snode/dp/ports 2>&1)
check "telemetry /snode/dp/ports: port 0 is the default, 10.0.0.1/32, MTU 1500 (its own), 16 frames in, 8 out" \
	grep -q '"port0": {"default": 1, "ip": "10.0.0.1", "mac": "[0-9A-F:]*", "mtu": 1500, "prefix": 32, "rx": 16, "tx": 8, "tx_refused": 0}' <<<"$ports"
term_wait "$DP_PID" 100
rc=$?
DP_PID=
check "SIGTERM stops the relay with exit 0 within 10 s" test "$rc" -eq 0
final=$(grep 'snode-dp final' "$DIR/dp.out")
check "it prints a final counter line" test -n "$final"
num() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$final"; }
check "7 CREATEs relayed" test "$(num relayed)" = 7
check "the replayed cell is counted as replay" test "$(num replay)" = 1
check "the tampered cell is counted as bad_mac" test "$(num bad_mac)" = 1
check "the datagram to another port is counted as not_cell" test "$(num not_cell)" = 1
check "the ARP request was answered" test "$(num arp)" = 1
out=$($PY "$HERE/../tools/cell_builder.py" check --spec "$DIR/spec.json" --pcap "$DIR/out.pcap" 2>&1)
check "every relayed cell unmasks with the A-B link key and peels at B toward C" \
	test "$out" = '{"relayed": 7, "arp_replies": 1}'
[ "$out" = '{"relayed": 7, "arp_replies": 1}' ] || echo "$out" | sed 's/^/# /'
sed 's/^/# /' "$DIR/dp.out"

# Two rx queues of one port on one lcore (net_pcap: one queue per rx_pcap): queue 0 reads
# CREATEs 0-2 and the rest of the input, queue 1 CREATEs 3-5; the lone lcore polls both and
# relays all 7 (ethdev's per-queue counters show both queues read).
$PY - "$DIR/in.pcap" "$DIR/q0.pcap" "$DIR/q1.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, frames = 24, []
while off < len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    frames.append(data[off:off + 16 + incl])
    off += 16 + incl
for path, part in ((sys.argv[2], frames[:3] + frames[6:]), (sys.argv[3], frames[3:6])):
    open(path, "wb").write(data[:24] + b"".join(part))
PY
"$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error --file-prefix "$PREFIX" \
	--vdev "net_pcap0,rx_pcap=$DIR/q0.pcap,rx_pcap=$DIR/q1.pcap,tx_pcap=$DIR/outq.pcap" \
	-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none \
	--config "(0,0,0),(0,1,0)" >"$DIR/dpq.out" 2>&1 &
DP_PID=$!
for _ in $(seq 50); do
	sleep 0.1
	kill -0 "$DP_PID" 2>/dev/null || break
	grep -q '"create_relayed": 7' <<<"$(tel /snode/dp/stats 2>/dev/null)" && break
done
stats=$(tel /snode/dp/stats 2>&1)
eth=$(tel /ethdev/stats,0 2>&1)
check "one lcore polling rx queues 0 and 1 of port 0 relays the CREATEs of both (7)" \
	grep -q '"create_relayed": 7' <<<"$stats"
check "... and ethdev counts 13 frames read on queue 0, 3 on queue 1" \
	grep -q '"q_ipackets": \[13, 3,' <<<"$eth"
grep -q '"q_ipackets": \[13, 3,' <<<"$eth" || echo "# $eth"
term_wait "$DP_PID" 100
rc=$?
DP_PID=
out=$($PY "$HERE/../tools/cell_builder.py" check --spec "$DIR/spec.json" --pcap "$DIR/outq.pcap" 2>&1)
check "two queues: exit 0, and every relayed cell peels at B toward C" \
	sh -c "[ $rc -eq 0 ] && [ '$out' = '{\"relayed\": 7, \"arp_replies\": 1}' ]"
[ $rc -eq 0 ] || sed 's/^/# /' "$DIR/dpq.out"

# Two ports: the same input on port 0 (10.0.0.1/24), B and C on port 1's subnet (10.0.1.0/24,
# a net_null that swallows what it is given): the 7 relayed CREATEs leave on port 1, the ARP
# reply on port 0 (telemetry /snode/dp/ports).
{
	node_line "$SB" 10.0.1.2 02:00:00:00:00:02
	node_line "$SC" 10.0.1.3 02:00:00:00:00:03
} >"$DIR/nodes-p1.txt"
"$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error --file-prefix "$PREFIX" \
	--vdev "net_pcap0,rx_pcap=$DIR/in.pcap,tx_pcap=$DIR/out2.pcap" --vdev net_null1,no-rx=1 \
	-- --portmask 0x3 --ip 10.0.0.1/24 --port-ip "(1,10.0.1.1/24)" --nodes "$DIR/nodes-p1.txt" --data-dir "$DIR/a" \
	--channel none --mtu 1400 --port-mtu "(1,2000)" >"$DIR/dp2.out" 2>&1 &
DP_PID=$!
for _ in $(seq 50); do
	sleep 0.1
	kill -0 "$DP_PID" 2>/dev/null || break
	grep -q '"create_relayed": 7' <<<"$(tel /snode/dp/stats 2>/dev/null)" && break
done
ports=$(tel /snode/dp/ports 2>&1)
check "two ports: the relayed CREATEs leave on port 1 (its subnet holds B), the ARP reply on port 0; MTUs --mtu's and --port-mtu's" \
	grep -q '"port0": {"default": 1, "ip": "10.0.0.1", "mac": "[0-9A-F:]*", "mtu": 1400, "prefix": 24, "rx": 16, "tx": 1, "tx_refused": 0}, "port1": {"default": 0, "ip": "10.0.1.1", "mac": "[0-9A-F:]*", "mtu": 2000, "prefix": 24, "rx": 0, "tx": 7, "tx_refused": 0}' <<<"$ports"
grep -q '"tx": 7' <<<"$ports" || echo "# $ports"
term_wait "$DP_PID" 100
rc=$?
DP_PID=
cat "$DIR/dp2.out" | sed "s/^/# /"
check "two ports: SIGTERM stops it with exit 0; only the ARP reply was written to port 0's pcap" \
	sh -c "[ $rc -eq 0 ] && [ \$(stat -c %s '$DIR/out2.pcap') -eq \$((24 + 16 + 42)) ]"

# ARP against the Linux kernel as the responder: port 1 is a net_tap whose kernel side, in a
# network namespace of this test, holds B's address 10.0.1.2 with a MAC the test sets; B's
# --nodes MAC is 00:00:00:00:00:00 (resolve by ARP). Warming (--arp-warm on, the default) asks
# for B at start, before the first CREATE toward B (the kernel gets its address a moment after
# the port starts, so a retry at 1 s or 2 s is the one it answers; the pcap's cells come in at
# once, so they still wait); the dataplane must learn the kernel's MAC (/snode/dp/arp).
# Meanwhile it holds the first 4 CREATEs toward B (--arp-hold's default; the other 3 of the
# pcap's burst are arp_hold_full), and sends them once the kernel answered: the kernel side
# receives them, in their order, addressed to its MAC, and they peel at B.
NS=snode-arp-$$
TAPIF=snarp$$
KMAC=02:00:00:00:0a:02
sed "s/\"ip\": \"10.0.0.2\", \"mac\": \"02:00:00:00:00:02\"/\"ip\": \"10.0.1.2\", \"mac\": \"$KMAC\"/" \
	"$DIR/spec.json" >"$DIR/spec-arp.json"
# sniff.py KIF PCAP READY: the cells the kernel side of KIF receives (UDP to 22030, not its
# own), at most 4 (and what follows within 0.3 s), into PCAP; prints their enc types in order
cat >"$DIR/sniff.py" <<'PY'
import socket, struct, sys, time
kif, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((kif, 0))
open(ready, "w").close()
s.settimeout(0.1)
frames, end = [], time.time() + 6
while time.time() < end:
    try:
        fr, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    except OSError:  # ENETDOWN until the test sets the link up
        time.sleep(0.01)
        continue
    if addr[2] == socket.PACKET_OUTGOING or fr[12:14] != b"\x08\x00" or fr[23] != 17:
        continue
    if struct.unpack("!H", fr[36:38])[0] == 22030:
        frames.append(fr)
        if len(frames) == 4:
            end = min(end, time.time() + 0.3)
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)) + fr)
print(",".join({0: "aes-gcm", 1: "xchacha20"}.get(fr[54], "?") for fr in frames))
PY
# arp_kernel NAME VDEV KIF UNSOLICITED: the run below with port 1 = VDEV, whose kernel side is
# KIF in NS; UNSOLICITED: the replies counted unsolicited (a pattern)
arp_kernel() {
	local name=$1 vdev=$2 kif=$3 unsolicited=$4
	ip netns exec "$NS" "$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX" --vdev "net_pcap0,rx_pcap=$DIR/in.pcap,tx_pcap=$DIR/out3.pcap" \
		--vdev "$vdev" -- --portmask 0x3 --ip 10.0.0.1/24 \
		--port-ip "(1,10.0.1.1/24)" --nodes "$DIR/nodes-arp.txt" --data-dir "$DIR/a" \
		--channel none >"$DIR/dp3.out" 2>&1 &
	DP_PID=$!
	for _ in $(seq 100); do # the kernel side's MAC holds only once the port has started
		grep -qs "relaying on port" "$DIR/dp3.out" && break
		sleep 0.1
	done
	ip netns exec "$NS" ip link set "$kif" address "$KMAC"
	ip netns exec "$NS" ip addr add 10.0.1.2/24 dev "$kif"
	rm -f "$DIR/sniff.ready" "$DIR/kernel.pcap"
	ip netns exec "$NS" $PY "$DIR/sniff.py" "$kif" "$DIR/kernel.pcap" "$DIR/sniff.ready" \
		>"$DIR/sniff.out" 2>&1 &
	local sniff_pid=$!
	for _ in $(seq 50); do
		[ -e "$DIR/sniff.ready" ] && break
		sleep 0.1
	done
	ip netns exec "$NS" ip link set "$kif" up
	for _ in $(seq 50); do
		arp=$(tel /snode/dp/arp 2>&1)
		grep -q "\"held_released\": 4, .*\"1 10.0.1.2 $KMAC reachable" <<<"$arp" && break
		sleep 0.1
	done
	check "ARP ($name): the dataplane learns the kernel's MAC for an on-link next hop" \
		grep -q "\"1 10.0.1.2 $KMAC reachable [0-9]*\"" <<<"$arp"
	check "ARP ($name): warming asked for B at start (C has a MAC); it held its first 4 cells toward B meanwhile and sent them (3 more: arp_hold_full), nothing refused" \
		grep -q '"bad": 0, "busy": 0, "entries": 1, "expired": 0, "failed": 0, "held": 0, "held_addresses": 0, "held_released": 4, "held_total": 4, "hold_failed": 0, "hold_full": 3, "hold_timeout": 0, "replies_learned": 1, .*"table_full": 0, "unresolved_drops": 0, "unsolicited": '"$unsolicited"', "warm": 1, "warm_asked": 1, "warm_known": 0, "warm_left": 0, "warm_no_room": 0, "warm_tables": 1}' <<<"$arp"
	echo "# $arp"
	wait "$sniff_pid"
	local order
	order=$(cat "$DIR/sniff.out")
	check "ARP ($name): the kernel side receives the 4 held cells, first one first, to its MAC" \
		test "$order" = "xchacha20,aes-gcm,xchacha20,aes-gcm"
	[ "$order" = "xchacha20,aes-gcm,xchacha20,aes-gcm" ] || sed 's/^/# /' <<<"$order"
	out=$($PY "$HERE/../tools/cell_builder.py" check --spec "$DIR/spec-arp.json" --pcap "$DIR/kernel.pcap" 2>&1)
	check "ARP ($name): ... and each peels at B toward C" \
		test "$out" = '{"relayed": 4, "arp_replies": 0}'
	[ "$out" = '{"relayed": 4, "arp_replies": 0}' ] || echo "$out" | sed 's/^/# /'
	term_wait "$DP_PID" 100
	rc=$?
	DP_PID=
	check "ARP ($name): SIGTERM stops it with exit 0, every mbuf back" \
		sh -c "[ $rc -eq 0 ] && grep -q 'mbufs in use at exit: 0 ' '$DIR/dp3.out'"
	grep -q 'mbufs in use at exit: 0 ' "$DIR/dp3.out" || sed 's/^/# /' "$DIR/dp3.out"
}
if [ "$(id -u)" -ne 0 ] || ! ip netns add "$NS" 2>/dev/null; then
	for name in net_tap net_af_packet; do
		tap_skip "ARP ($name): the dataplane learns the kernel's MAC for an on-link next hop" \
			"needs root (network namespace, tap, veth)"
	done
else
	{
		node_line "$SB" 10.0.1.2 00:00:00:00:00:00
		node_line "$SC" 10.0.1.3 02:00:00:00:00:03
	} >"$DIR/nodes-arp.txt"
	arp_kernel net_tap "net_tap0,iface=$TAPIF" "$TAPIF" 0
	# the same over a veth pair: the dataplane on one end through net_af_packet (a PMD on a
	# kernel interface, the other software-mode PMD the brief names), the kernel on the other.
	# Here one reply more than the one learned arrives (counted unsolicited, as a second reply
	# is): most likely the kernel answering both requests; not traced further
	ip netns exec "$NS" ip link add "${TAPIF}a" type veth peer name "${TAPIF}k"
	ip netns exec "$NS" ip link set "${TAPIF}a" up
	arp_kernel net_af_packet "net_af_packet0,iface=${TAPIF}a" "${TAPIF}k" '[01]'
	ip netns del "$NS"
fi

# --config against EAL's lcores (two here: main 0, worker 1), and the same from a config file.
config_run() { # config_run NAME ARGS...: relay on net_null with --channel none, for 1 s
	timeout --preserve-status -s TERM 2 "$DP" -l 0-1 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--no-telemetry --file-prefix "$PREFIX-$1" --vdev "${VDEV1:-net_null0}" ${VDEV2:+--vdev "$VDEV2"} \
		-- --ip 10.0.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none \
		"${@:2}" >"$DIR/cfg.out" 2>&1
	echo $?
	rm -rf "$RUNDIR/$PREFIX-$1"
}
rc=$(config_run c1 --config "(0,0,1)")
check "--config (0,0,1): worker lcore 1 polls queue 0 until SIGTERM (exit 0)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'relaying on port 0 with 1 lcore(s)' '$DIR/cfg.out'"
rc=$(config_run c2 --config "(0,0,5)")
check "--config naming an lcore EAL does not have fails and names it" \
	sh -c "[ $rc -eq 1 ] && grep -q 'lcore 5 is not in EAL' '$DIR/cfg.out'"
rc=$(config_run c3 --config "(0,0,0)")
check "--config giving the main lcore a queue fails and says why" \
	sh -c "[ $rc -eq 1 ] && grep -q 'lcore 0 is the main lcore' '$DIR/cfg.out'"
rc=$(config_run c4 --config "(0,0,1),(1,0,1)")
check "--config naming port 1 without --port-ip exits 2 saying port 1 has no address" \
	sh -c "[ $rc -eq 2 ] && grep -q 'port 1 has no address' '$DIR/cfg.out'"
printf 'portmask = 0x1\nconfig = (0,0,1)  # worker 1\nstats-interval = 1\n' >"$DIR/dp.conf"
rc=$(config_run c5 --config-file "$DIR/dp.conf")
check "the same from --config-file (with a stats line each second)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'relaying on port 0 with 1 lcore(s)' '$DIR/cfg.out' && grep -q 'snode-dp stats' '$DIR/cfg.out'"
printf 'portmask = 0x3\nport-ip = (1,10.0.1.1/24)\n' >"$DIR/dp.conf"
rc=$(config_run c6 --config-file "$DIR/dp.conf")
check "a config file naming port 1, which EAL does not have, exits 1 naming it" \
	sh -c "[ $rc -eq 1 ] && grep -q 'port 1 (port mask 0x3) does not exist' '$DIR/cfg.out'"
rc=$(VDEV2=net_null1 config_run c7 --config-file "$DIR/dp.conf" --config "(0,0,1),(1,0,1)")
check "two ports (net_null0, net_null1) polled by worker 1 until SIGTERM (exit 0)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'relaying on port 0,1 with 1 lcore(s)' '$DIR/cfg.out'"
rc=$(VDEV2=net_null1 config_run c8 --config-file "$DIR/dp.conf" --port-mtu "(1,9000)")
check "--port-mtu 9000 on net_null1, which has no scattered rx, exits 1 naming port 1 and why" \
	sh -c "[ $rc -eq 1 ] && grep -q 'port 1 (net_null): MTU 9000 makes frames of up to 9018 bytes' '$DIR/cfg.out' && grep -q 'port 1 did not start' '$DIR/cfg.out'"
rc=$(VDEV2=net_null1 config_run c9 --config-file "$DIR/dp.conf" --mtu 576 --port-mtu "(1,2030)")
check "--mtu 576 --port-mtu (1,2030): each port runs at its own MTU (a frame of 2,048 bytes needs no scattered rx)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'port 0: MTU 576,' '$DIR/cfg.out' && grep -q 'port 1: MTU 2030,' '$DIR/cfg.out'"
rc=$(VDEV1=net_ring0 config_run c10 --mtu 9000 --big-mbufs 0)
check "--mtu 9000 on net_ring: scattered rx, runs until SIGTERM; --big-mbufs 0 warns that jumbo frames will be dropped" \
	sh -c "[ $rc -eq 0 ] && grep -q 'port 0 (net_ring): MTU 9000, scattered rx' '$DIR/cfg.out' && grep -q 'port 0: MTU 9000,' '$DIR/cfg.out' && grep -q 'port 0: --big-mbufs 0 with MTU 9000' '$DIR/cfg.out'"
tap_done
