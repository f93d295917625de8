#!/usr/bin/env bash
# A 3-hop run across several ports of three snode-dataplane processes (issue 4), software
# mode, no hugepages, real EAL, each process with its own --file-prefix:
#   client --pcap--> A [port 0 net_pcap 10.0.0.1/24 | port 1 memif server 10.0.1.1/24]
#          --memif--> B [port 0 memif client 10.0.1.2/24 | port 1 memif server 10.0.2.2/24]
#          --memif--> C [port 0 memif client 10.0.2.3/24] --channel--> peer (snode-control)
# The client's CREATEs (tests/tools/hop3_client.py, from the nodes' seeds as snode-tool keygen
# writes their keys) go A -> B -> C; C's channel peer checks each REQUEST byte for byte and
# answers; the replies come back C -> B -> A into A's tx pcap, where the client opens them
# (both reply modes). B's /snode/dp/ports shows the cells on both of its ports.
set -u
DP=$1
TOOL=$2
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
H3=$HERE/../tools/hop3_client.py
DIR=$(mktemp -d /tmp/snode-test-3hop.XXXXXX)
PREFIX=snode-test-3hop-$$
RUNDIR=/var/run/dpdk
[ "$(id -u)" -ne 0 ] && RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$DIR" "$RUNDIR/$PREFIX-a" "$RUNDIR/$PREFIX-b" "$RUNDIR/$PREFIX-c"
}
trap cleanup EXIT

# wait_for TENTHS CMD...: CMD until it succeeds, at most TENTHS tenths of a second
wait_for() {
	local n=$1
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
tel() { # tel NODE PATH: one telemetry query to node a, b or c
	$PY - "$RUNDIR/$PREFIX-$1/dpdk_telemetry.v2" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(3)
s.connect(sys.argv[1])
s.recv(16384)  # the greeting
s.send(sys.argv[2].encode())
print(json.dumps(json.loads(s.recv(65536)), sort_keys=True))
PY
}
link_up() { tel "$1" "/ethdev/link_status,$2" 2>/dev/null | grep -q '"status": "UP"'; }

seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
SA=$(seed) SB=$(seed) SC=$(seed)
# MACs of the memif ports (devarg mac=): A1, B0 | B1, C0
MA1=02:00:00:00:01:01 MB0=02:00:00:00:01:02 MB1=02:00:00:00:02:02 MC0=02:00:00:00:02:03
cat >"$DIR/spec.json" <<JSON
{"client": {"ip": "10.0.0.100", "mac": "02:00:00:00:00:64", "port": 40000},
 "nodes": [{"seed": "$SA", "ip": "10.0.0.1", "mac": "02:00:00:00:00:01", "port": 22030},
           {"seed": "$SB", "ip": "10.0.1.2", "mac": "$MB0", "port": 22030},
           {"seed": "$SC", "ip": "10.0.2.3", "mac": "$MC0", "port": 22030}]}
JSON
for n in a:$SA b:$SB c:$SC; do
	"$TOOL" keygen --data-dir "$DIR/${n%%:*}" --from-seed "${n#*:}" >/dev/null
done
node_line() { # node ip mac: the node's line of a --nodes file, keys from its data dir
	$PY -c 'import json,sys; d=json.load(sys.stdin); print(d["ed25519"], d["x25519"], sys.argv[1]+":22030", sys.argv[2])' \
		"$2" "$3" < <("$TOOL" id --data-dir "$DIR/$1")
}
node_line b 10.0.1.2 "$MB0" >"$DIR/nodes-a.txt"
{ node_line a 10.0.1.1 "$MA1"; node_line c 10.0.2.3 "$MC0"; } >"$DIR/nodes-b.txt"
node_line b 10.0.2.2 "$MB1" >"$DIR/nodes-c.txt"
$PY "$H3" make --spec "$DIR/spec.json" --out "$DIR/in.pcap" --state "$DIR/state.json"
check "the client built 4 CREATEs for A -> B -> C" test -s "$DIR/in.pcap"

# start NODE ARGS...: one dataplane in the background, its PID kept for the trap (and in
# PID_A/B/C). H3_EAL_EXTRA adds EAL options, e.g. --log-level=pmd.net.memif:debug.
# Each may float over every CPU this test may use (--lcores 0@(CPUS)): three busy-polling
# mains pinned to one CPU of a loaded machine would starve each other.
CPUS=$($PY -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0)))))')
start() {
	local n=$1
	shift
	# shellcheck disable=SC2086 # H3_EAL_EXTRA: words on purpose
	"$DP" --lcores "0@($CPUS)" --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX-$n" ${H3_EAL_EXTRA:-} "$@" >"$DIR/$n.out" 2>&1 &
	PIDS+=($!)
	eval "PID_${n^^}=$!"
	# its memif server sockets take connections only once its ports started: the next
	# process (the client of this one's server port) starts after that
	wait_for 100 grep -qs "relaying on port" "$DIR/$n.out"
}
# A's port 0 reads the client's cells from a FIFO, written only once the path is up: its
# header at once (net_pcap reads it when the port is probed), the frames later, then EOF
# (net_pcap's rx burst reads until it has a burst or EOF: an open, idle FIFO would block it).
mkfifo "$DIR/in.fifo"
(
	exec 7>"$DIR/in.fifo"
	head -c 24 "$DIR/in.pcap" >&7
	for _ in $(seq 200); do [ -e "$DIR/go" ] && break; sleep 0.1; done
	tail -c +25 "$DIR/in.pcap" >&7
) &
PIDS+=($!)
start a --vdev "net_pcap0,rx_pcap=$DIR/in.fifo,tx_pcap=$DIR/out.pcap" \
	--vdev "net_memif1,role=server,socket=$DIR/ab.sock,id=0,mac=$MA1" \
	-- --portmask 0x3 --ip 10.0.0.1/24 --port-ip "(1,10.0.1.1/24)" --nodes "$DIR/nodes-a.txt" \
	--data-dir "$DIR/a" --channel none
start b --vdev "net_memif0,role=client,socket=$DIR/ab.sock,id=0,mac=$MB0" \
	--vdev "net_memif1,role=server,socket=$DIR/bc.sock,id=0,mac=$MB1" \
	-- --portmask 0x3 --ip 10.0.1.2/24 --port-ip "(1,10.0.2.2/24)" --nodes "$DIR/nodes-b.txt" \
	--data-dir "$DIR/b" --channel none
start c --vdev "net_memif0,role=client,socket=$DIR/bc.sock,id=0,mac=$MC0" \
	-- --ip 10.0.2.3/24 --nodes "$DIR/nodes-c.txt" --data-dir "$DIR/c" --channel "$DIR/c.sock"
$PY "$H3" peer --spec "$DIR/spec.json" --state "$DIR/state.json" --socket "$DIR/c.sock" \
	--ready "$DIR/peer.ready" >"$DIR/peer.out" 2>&1 &
PEER=$!
PIDS+=("$PEER")

up() { link_up a 1 && link_up b 0 && link_up b 1 && link_up c 0 && [ -e "$DIR/peer.ready" ]; }
wait_for 100 up
UP=$?
check "the memif links A-B and B-C are up and C's channel peer said HELLO within 10 s" test $UP -eq 0
if [ $UP -ne 0 ]; then
	for l in a,1 b,0 b,1 c,0; do echo "# link ${l%,*} port ${l#*,}: $(tel "${l%,*}" "/ethdev/link_status,${l#*,}" 2>&1)"; done
	[ -e "$DIR/peer.ready" ] || echo "# C's channel peer not ready"
	for n in a b c; do sed "s/^/# $n: /" "$DIR/$n.out"; done
fi
touch "$DIR/go"
# 4 REPLYs of one small cell each: 4 x (16 + 42 + 1232) bytes after the 24-byte header
want=$((24 + 4 * (16 + 42 + 1232)))
outsize() { [ "$(stat -c %s "$DIR/out.pcap" 2>/dev/null || echo 0)" -ge "$want" ]; }
[ $UP -eq 0 ] && wait_for 100 outsize # (nothing to wait for when the path is not up)
check "4 replies reach A's port-0 pcap within 10 s" test $? -eq 0
wait "$PEER"
check "C's channel peer got each REQUEST with the client's body and reply mode, and answered" \
	test "$(tail -n 1 "$DIR/peer.out")" = '{"requests": 4, "exact": 4, "replied": 4}'
grep -q '"exact": 4' "$DIR/peer.out" || sed 's/^/# peer: /' "$DIR/peer.out"
ports=$(tel b /snode/dp/ports 2>&1)
# B: 4 CREATEs in on port 0 and out on port 1, 4 REPLYs in on port 1 and out on port 0
check "B's /snode/dp/ports: 4 cells in and 4 out on each port (CREATEs 0 -> 1, REPLYs 1 -> 0)" \
	grep -q '"port0": {"default": 1, "ip": "10.0.1.2", "mac": "02:00:00:00:01:02", "mtu": 1500, "prefix": 24, "rx": 4, "tx": 4, "tx_refused": 0}, "port1": {"default": 0, "ip": "10.0.2.2", "mac": "02:00:00:00:02:02", "mtu": 1500, "prefix": 24, "rx": 4, "tx": 4, "tx_refused": 0}' <<<"$ports"
grep -q '"rx": 4, "tx": 4, "tx_refused": 0}, "port1"' <<<"$ports" || echo "# B ports: $ports"
ports_a=$(tel a /snode/dp/ports 2>&1)
check "A's /snode/dp/ports: CREATEs in on port 0 (pcap) and out on port 1 (memif), REPLYs back" \
	grep -q '"port0": {"default": 1, "ip": "10.0.0.1", "mac": "[0-9A-F:]*", "mtu": 1500, "prefix": 24, "rx": 4, "tx": 4, "tx_refused": 0}, "port1": {"default": 0, "ip": "10.0.1.1", "mac": "02:00:00:00:01:01", "mtu": 1500, "prefix": 24, "rx": 4, "tx": 4, "tx_refused": 0}' <<<"$ports_a"
stats_a=$(tel a /snode/dp/stats 2>&1)
check "A relayed the 4 CREATEs (port 0 -> port 1)" grep -q '"create_relayed": 4' <<<"$stats_a"
grep -q '"create_relayed": 4' <<<"$stats_a" || for n in a b c; do
	echo "# $n stats: $(tel $n /snode/dp/stats 2>&1)"
	echo "# $n drops: $(tel $n /snode/dp/drops 2>&1)"
	echo "# $n ports: $(tel $n /snode/dp/ports 2>&1)"
done
# each node's final counter line: A and B relayed 4 CREATEs and 4 REPLYs, C delivered 4
# requests and sent 4 replies
declare -A FINAL=([a]="relayed=4 delivered=0 replies=0 reply_relayed=4"
	[b]="relayed=4 delivered=0 replies=0 reply_relayed=4"
	[c]="relayed=0 delivered=4 replies=4 reply_relayed=0")
for n in a b c; do
	eval "term_wait \$PID_${n^^} 100"
	rc=$?
	check "$n: SIGTERM stops it with exit 0, every mbuf back, final line: ${FINAL[$n]}" \
		sh -c "[ $rc -eq 0 ] && grep -q 'mbufs in use at exit: 0 ' '$DIR/$n.out' && grep -q 'snode-dp final: .* ${FINAL[$n]} ' '$DIR/$n.out'"
	grep -q "snode-dp final: .* ${FINAL[$n]} " "$DIR/$n.out" || sed "s/^/# $n: /" "$DIR/$n.out"
done
out=$($PY "$H3" check --spec "$DIR/spec.json" --state "$DIR/state.json" --pcap "$DIR/out.pcap" 2>&1)
check "the client opens the 4 replies from C in A's tx pcap: 2 Session-compatible (mode 0), 2 layered over A, B and C (mode 1)" \
	test "$out" = '{"replies": 4, "mode0": 2, "mode1": 2}'
[ "$out" = '{"replies": 4, "mode0": 2, "mode1": 2}' ] || echo "$out" | tail -3 | sed 's/^/# /'
tap_done
