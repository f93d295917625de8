#!/usr/bin/env bash
# The demo without root: onion requests through three snode-dataplane processes
# (A -> B -> C) in software mode, each reading the previous one's output through
# net_pcap, with each node's counters. deploy/demo.sh runs it when it cannot
# create a network namespace for the live testnet.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOL=build/tools/snode-tool
DP=build/dataplane/snode-dataplane
PY=/usr/bin/python3
echo "== three dataplanes relay onion requests: client -> A -> B -> C"
WORK=$(mktemp -d /tmp/snode-demo.XXXXXX)
trap 'rm -rf "$WORK" /var/run/dpdk/snode-demo-*-$$' EXIT
seed() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
names=(A B C)
ips=(10.0.0.1 10.0.0.2 10.0.0.3)
macs=(02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:03)
seeds=("$(seed)" "$(seed)" "$(seed)")
for i in 0 1 2; do
	$TOOL keygen --data-dir "$WORK/${names[i]}" --from-seed "${seeds[i]}" >/dev/null
done
for i in 0 1 2; do
	for j in 0 1 2; do
		[ "$i" = "$j" ] && continue
		$TOOL id --data-dir "$WORK/${names[j]}" | $PY -c 'import json,sys
d=json.load(sys.stdin); print(d["ed25519"], d["x25519"], sys.argv[1] + ":22030", sys.argv[2])' \
			"${ips[j]}" "${macs[j]}"
	done >"$WORK/${names[i]}.nodes"
done
cat >"$WORK/spec.json" <<JSON
{"count": 20,
 "client": {"ip": "10.0.0.100", "mac": "02:00:00:00:00:64", "port": 40000},
 "nodes": [{"seed": "${seeds[0]}", "ip": "${ips[0]}", "mac": "${macs[0]}", "port": 22030},
           {"seed": "${seeds[1]}", "ip": "${ips[1]}", "mac": "${macs[1]}", "port": 22030},
           {"seed": "${seeds[2]}", "ip": "${ips[2]}", "mac": "${macs[2]}", "port": 22030}]}
JSON
# 20 onions for the path A -> B -> C built by the independent client, plus a
# replay, a tampered cell, a stray datagram, an ARP request and a medium onion
# cut into the six IPv4 fragments of a 1500-byte link.
$PY tests/tools/cell_builder.py make --spec "$WORK/spec.json" --out "$WORK/A.in"
in=$WORK/A.in
for i in 0 1 2; do
	n=${names[i]}
	timeout -s TERM 4 $DP -l 0 --no-huge -m 256 --no-pci --no-telemetry \
		--log-level=lib.eal:error --file-prefix "snode-demo-$n-$$" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$WORK/$n.out" \
		-- --ip "${ips[i]}" --nodes "$WORK/$n.nodes" --data-dir "$WORK/$n" |
		sed -n "s/^snode-dp final: /   node $n (${ips[i]}): /p" || true
	in=$WORK/$n.out
done
echo "   (A relays 21 cells to B, the medium one reassembled from and sent again as fragments,"
echo "    and answers the ARP request; B relays them to C, and C, the destination, peels its"
echo "    layer and counts them as channel_down: no snode-control is connected to its channel"
echo "    in this demo)"
