#!/usr/bin/env bash
# Medium and large cells across a 1500-byte link, both ways through the kernel: snode-dataplane
# (node A) runs on a net_tap port in a private network namespace; the kernel side of the tap is
# node B (10.9.0.2) and the client. An independent client (tests/tools, no snode code) sends A a
# medium and a large CREATE whose layer relays to B: the kernel cuts each into IPv4 fragments,
# A reassembles, peels and relays a CREATE of the same class to B, which A must fragment for the
# 1500-byte MTU and the kernel reassembles. B then unmasks the cell with the A-B link key and
# peels its layer: the body must be the client's. Counters, and every mbuf back at exit. Twice:
# at the tap's MTU and at --mtu 576 (the smallest A accepts: 15 and 118 fragments).
set -u
DP=$1
TOOL=$2
HERE=$(dirname "$0")
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/proc.sh"
PY=/usr/bin/python3
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	tap_skip "medium and large cells over a 1500-byte tap link" "needs root and /dev/net/tun"
	tap_done
	exit 0
fi
DIR=$(mktemp -d /tmp/snode-test-frag.XXXXXX)
NS=snfrag$$
TAPIF=snfr$$
PREFIX=snode-test-frag-$$
RUNDIR=/var/run/dpdk
DP_PID=
cleanup() {
	[ -n "$DP_PID" ] && kill -KILL "$DP_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR" "$RUNDIR/$PREFIX"
}
trap cleanup EXIT

seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
SA=$(seed) SB=$(seed)
"$TOOL" keygen --data-dir "$DIR/a" --from-seed "$SA" >/dev/null
"$TOOL" keygen --data-dir "$DIR/b" --from-seed "$SB" >/dev/null
B_MAC=02:00:00:00:09:02
"$TOOL" id --data-dir "$DIR/b" | $PY -c 'import json,sys; d=json.load(sys.stdin)
print(d["ed25519"], d["x25519"], "10.9.0.2:22030", sys.argv[1])' "$B_MAC" >"$DIR/nodes.txt"
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up

# run_case LABEL MTU FRAGS [dataplane options]: a dataplane on the tap, the client's two cells
run_case() {
	LABEL=$1 MTU=$2 FRAGS=$3
	shift 3
	ip netns exec "$NS" "$DP" -l 0 --no-huge -m 256 --no-pci --log-level=lib.eal:error \
		--file-prefix "$PREFIX" --vdev "net_tap0,iface=$TAPIF,mac=02:00:00:00:09:01" \
		-- --ip 10.9.0.1 --nodes "$DIR/nodes.txt" --data-dir "$DIR/a" --channel none "$@" \
		>"$DIR/dp.out" 2>&1 &
	DP_PID=$!
	for _ in $(seq 100); do
		grep -q "relaying on port 0" "$DIR/dp.out" && break
		sleep 0.1
	done
	check "$LABEL: the dataplane runs on the tap" grep -q "relaying on port 0" "$DIR/dp.out"
	check "$LABEL: port MTU $MTU" grep -q "port 0: MTU $MTU," "$DIR/dp.out"
	# net_tap makes the interface when it starts (and sets its MAC then): set B's after (as
	# deploy/testnet.sh); the kernel side keeps MTU 1500 in both cases
	ip netns exec "$NS" ip link set "$TAPIF" address "$B_MAC"
	ip netns exec "$NS" ip addr add 10.9.0.2/24 dev "$TAPIF"
	ip netns exec "$NS" ip link set "$TAPIF" up

	ip netns exec "$NS" $PY - "$HERE/../tools" "$SA" "$SB" >"$DIR/client.out" 2>&1 <<-'PY'
	import os, socket, struct, sys
	sys.path.insert(0, sys.argv[1])
	import cell_builder as cb
	import onion_builder as ob
	import snode_client as sc
	ENC, SIZES = "xchacha20", {1: 8192, 2: 65000}
	ka, kb = cb.node_keys(sys.argv[2]), cb.node_keys(sys.argv[3])
	a = {"ed": ka["ed"], "x": ka["x_pk"]}
	b = {"ed": kb["ed"], "x": kb["x_pk"]}
	lk = cb.link_key(kb["x_sk"], kb["x_pk"], ka["x_pk"])
	rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	rx.bind(("10.9.0.2", 22030))
	rx.settimeout(5)
	tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	tx.bind(("10.9.0.2", 40000))
	for cls, body_len in ((1, 5000), (2, 40000)):
	    body = os.urandom(body_len // 2).hex().encode()
	    blob, eph, keys, dhs = sc.build(ENC, [a, b], body)
	    label = int.from_bytes(os.urandom(8), "big") | 1
	    m = cb.mask(dhs[0], 1, label)
	    masked = bytes(x ^ y for x, y in zip(struct.pack(">IB", len(blob), 0), m))
	    cell = (bytes([1, 1, cls, 0x80]) + struct.pack(">Q", label) + bytes([1, 1, 0, 0]) + eph
	            + masked + bytes(3) + blob)
	    assert len(cell) <= SIZES[cls], "body too big for the class"
	    tx.sendto(cell + os.urandom(SIZES[cls] - len(cell)), ("10.9.0.1", 22030))
	    got, src = rx.recvfrom(70000)
	    assert src[0] == "10.9.0.1", src
	    assert len(got) == SIZES[cls], f"class {cls}: {len(got)} bytes"
	    assert got[0:4] == bytes([1, 1, cls, 0]), got[0:4].hex()
	    (lab,) = struct.unpack(">Q", got[4:12])
	    n, hop = struct.unpack(">IB", bytes(x ^ y for x, y in zip(got[48:53], cb.mask(lk, 1, lab))))
	    assert hop == 1, hop
	    out = ob.peel(kb["x_sk"], ENC, got[16:48], got[56:56 + n])
	    assert out["kind"] == "destination", out.get("kind")
	    import base64
	    assert base64.b64decode(out["blob_b64"]) == body, "body changed on the way"
	    print(f"class {cls}: {len(got)} bytes relayed, peeled at B")
	PY
	rc=$?
	check "$LABEL: a medium and a large CREATE cross the link both ways and peel at B" \
		test "$rc" -eq 0
	check "$LABEL: ... both classes" sh -c "grep -c 'peeled at B' '$DIR/client.out' | grep -qx 2"
	[ "$rc" -eq 0 ] || { sed 's/^/# /' "$DIR/client.out"; tail -20 "$DIR/dp.out" | sed 's/^/# /'; }

	stats=$($PY - "$RUNDIR/$PREFIX/dpdk_telemetry.v2" <<-'PY'
	import json, socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
	s.settimeout(5)
	s.connect(sys.argv[1])
	s.recv(16384)
	s.send(b"/snode/dp/stats")
	d = json.loads(s.recv(65536))["/snode/dp/stats"]
	print(d["reassembled"], d["fragmented"], d["tx_frags"], d["create_relayed"])
	PY
	)
	read -r reasm fragd frags relayed <<<"${stats:-x x x x}"
	check "$LABEL: A reassembled both cells from the kernel's fragments ($reasm)" test "$reasm" = 2
	check "$LABEL: A sent both as fragments ($fragd)" test "$fragd" = 2
	check "$LABEL: $FRAGS fragments ($frags)" test "$frags" = "$FRAGS"
	check "$LABEL: both relayed ($relayed)" test "$relayed" = 2

	term_wait "$DP_PID" 50
	rc=$?
	DP_PID=
	check "$LABEL: SIGTERM stops it with exit 0" test "$rc" -eq 0
	check "$LABEL: every mbuf is back in the pool at exit" grep -q "mbufs in use at exit: 0 of" "$DIR/dp.out"
	check "$LABEL: every big mbuf is back at exit" grep -q "big pool at exit: 0 of" "$DIR/dp.out"
	rm -rf "${RUNDIR:?}/$PREFIX"
}
# MTU 1500 (the tap's): 1,480 payload bytes a fragment, 6 + 44; --mtu 576 (the minimum):
# 552 bytes, 15 + 118
run_case "tap MTU" 1500 50
run_case "--mtu 576" 576 133 --mtu 576
tap_done
