#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Command lines for load-testing snode-dataplane with Pktgen-DPDK (deploy/pktgen/README.md).
#   run.sh snode memif            snode-dataplane on a net_memif server port (no NIC, no hugepages)
#   run.sh snode nic PCI          snode-dataplane on a NIC bound to vfio-pci
#   run.sh pktgen memif [SCRIPT]  Pktgen-DPDK on the memif client port, replaying $PCAP
#   run.sh pktgen nic PCI [SCRIPT]   Pktgen-DPDK on a second NIC cabled to snode's
#   run.sh testpmd memif          dpdk-testpmd in pktgen's place: sends $PCAP once over memif,
#                                 writes what comes back to $BACK (runs where pktgen cannot)
#   run.sh restart                restart the snode-dataplane `run.sh snode` started
#   run.sh telemetry [CMD]        one telemetry command of it as JSON (default /snode/dp/stats)
# SCRIPT is a pktgen -f file: deploy/pktgen/snode.pkt (CLI commands) or snode-ndr.lua.
# Settings come from the environment; `run.sh env` prints them with their defaults.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
: "${SNODE_BUILD:=$ROOT/build}"                  # where snode-dataplane was built
: "${NODES:=}"                                   # node table (gen-pcap's --nodes file)
: "${DATA_DIR:=}"                                # identity of the node under test
: "${IP:=}"                                      # its IPv4 address (gen-pcap's target's)
: "${CHANNEL:=none}"                             # --channel: none, or snode-control's socket
: "${PCAP:=cells.pcap}"                          # what pktgen/testpmd sends
: "${BACK:=back.pcap}"                           # testpmd: what came back
: "${WORK:=/tmp/snode-pktgen}"                   # pid, command line and log of `snode`
: "${MEMIF_SOCK:=$WORK/memif.sock}"              # the memif control socket
: "${SNODE_LCORES:=0-1}"                         # main lcore + worker(s)
: "${SNODE_MEM:=1024}"                           # MB without hugepages (memif)
: "${SNODE_PREFIX:=snode-pktgen}"                # EAL --file-prefix (telemetry socket path)
: "${PKTGEN:=pktgen}"                            # the Pktgen-DPDK binary
: "${PKTGEN_LCORES:=2-4}"                        # pktgen's display lcore + rx + tx
: "${PKTGEN_MAP:=[3:4].0}"                       # -m: rx lcore 3, tx lcore 4 on port 0
: "${PKTGEN_MEM:=4096}"                          # MB without hugepages: ~2.2 KB per pcap frame
: "${PKTGEN_PREFIX:=pktgen}"
: "${TESTPMD_LCORES:=2-3}"                       # testpmd: main + one forwarding lcore
: "${TESTPMD_SECONDS:=5}"                        # how long testpmd forwards
: "${TESTPMD_PREFIX:=testpmd-snode}"

die() {
	echo "run.sh: $*" >&2
	exit 2
}
need() { for v in "$@"; do [ -n "${!v}" ] || die "set $v (run.sh env lists the settings)"; done; }
rundir() { if [ "$(id -u)" -eq 0 ]; then echo /var/run/dpdk; else echo "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; fi; }
memif() { echo "net_memif0,role=$1,socket=$MEMIF_SOCK,id=0"; }

# The dataplane in the foreground (exec keeps this PID); its command line is kept for restart.
snode() {
	need NODES DATA_DIR IP
	local eal
	case ${1:-} in
	memif) eal=(--no-huge -m "$SNODE_MEM" --no-pci --vdev "$(memif server)") ;;
	nic) [ -n "${2:-}" ] || die "snode nic needs the PCI address"; eal=(-n 4 -a "$2") ;;
	*) die "snode memif | snode nic PCI" ;;
	esac
	mkdir -p "$WORK"
	local cmd=("$SNODE_BUILD/dataplane/snode-dataplane" -l "$SNODE_LCORES" "${eal[@]}"
		--file-prefix "$SNODE_PREFIX" -- --ip "$IP" --nodes "$NODES" --data-dir "$DATA_DIR"
		--channel "$CHANNEL" --stats-interval 1)
	printf '%q ' "${cmd[@]}" >"$WORK/snode.cmd"
	echo $$ >"$WORK/snode.pid"
	exec "${cmd[@]}"
}

pktgen() {
	local eal script
	case ${1:-} in
	memif) eal=(-n 1 --no-huge -m "$PKTGEN_MEM" --no-pci --vdev "$(memif client)"); script=${2:-} ;;
	nic) [ -n "${2:-}" ] || die "pktgen nic needs the PCI address"; eal=(-n 4 -a "$2"); script=${3:-} ;;
	*) die "pktgen memif [SCRIPT] | pktgen nic PCI [SCRIPT]" ;;
	esac
	[ -f "$PCAP" ] || die "no pcap at $PCAP (snode-tool gen-pcap ... --out $PCAP)"
	exec "$PKTGEN" -l "$PKTGEN_LCORES" "${eal[@]}" --file-prefix "$PKTGEN_PREFIX" -- \
		-P -m "$PKTGEN_MAP" -s "0:$PCAP" ${script:+-f "$script"}
}

# testpmd forwards between the memif client (port 0) and a pcap port (port 1): the pcap in,
# snode's relayed cells out to $BACK. --no-flush-rx: testpmd would otherwise drain the pcap
# port at start; the pause lets the memif link come up first.
testpmd() {
	[ "${1:-}" = memif ] || die "testpmd memif"
	[ -f "$PCAP" ] || die "no pcap at $PCAP"
	{
		sleep 2
		echo start
		sleep "$TESTPMD_SECONDS"
		echo stop
		sleep 1
		echo quit
	} | dpdk-testpmd -l "$TESTPMD_LCORES" --no-huge -m 512 --no-pci \
		--file-prefix "$TESTPMD_PREFIX" --vdev "$(memif client)" \
		--vdev "net_pcap0,rx_pcap=$PCAP,tx_pcap=$BACK" -- \
		-i --forward-mode=io --no-flush-rx --total-num-mbufs 8192
	rm -rf "$(rundir)/${TESTPMD_PREFIX:?}"
}

running() { [ -f "$WORK/snode.pid" ] && kill -0 "$(cat "$WORK/snode.pid")" 2>/dev/null; }

# For snode-ndr.lua between trials: a fresh replay filter and circuit table.
restart() {
	[ -f "$WORK/snode.cmd" ] || die "no snode started by run.sh in $WORK"
	if running; then
		kill -TERM "$(cat "$WORK/snode.pid")"
		for _ in $(seq 100); do running || break; sleep 0.1; done
		running && die "snode-dataplane did not stop within 10 s"
	fi
	bash -c "exec $(cat "$WORK/snode.cmd")" >>"$WORK/snode.log" 2>&1 </dev/null &
	echo $! >"$WORK/snode.pid"
	# 30 s: EAL start-up on a loaded 2-core machine has taken over 10 s.
	for _ in $(seq 300); do
		[ -S "$(rundir)/$SNODE_PREFIX/dpdk_telemetry.v2" ] && telemetry /snode/dp/stats >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "snode-dataplane did not come back within 30 s ($WORK/snode.log)"
}

telemetry() {
	/usr/bin/python3 - "$(rundir)/$SNODE_PREFIX/dpdk_telemetry.v2" "${1:-/snode/dp/stats}" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
s.recv(16384)  # the greeting
s.send(sys.argv[2].encode())
print(json.dumps(json.loads(s.recv(65536)), sort_keys=True))
PY
}

env_list() { sed -n 's/^: "\${\([A-Z_]*\):=\(.*\)}" *\(# \(.*\)\)\?$/\1=\2    \4/p' "$0"; }

case ${1:-} in
snode | pktgen | testpmd | restart | telemetry) what=$1; shift; "$what" "$@" ;;
env) env_list ;;
*) sed -n '3,15s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
