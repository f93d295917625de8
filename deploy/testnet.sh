#!/usr/bin/env bash
# A local snode testnet on one machine (docs/testnet.md):
#   deploy/testnet.sh up [--nodes N] [--dir DIR] [--registry file|redis]
#                                                  start N nodes (default 3), print the table;
#                                                  the registry log in DIR/registry (file) or in
#                                                  a registry redis-server (DIR/registry-redis/)
#   deploy/testnet.sh add [--dir DIR] [--no-register]  start one more node; register it
#                                                  in the registry unless --no-register
#   deploy/testnet.sh restart --node I [--dir DIR] stop node I's processes (if running) and
#                                                  start them again with the same keys and
#                                                  data dirs (a node back after a crash)
#   deploy/testnet.sh status [--dir DIR]           processes and channel state per node
#   deploy/testnet.sh down [--dir DIR]             stop everything `up` started, remove DIR
# Every node is a snode-dataplane in software mode on its own tap interface inside one
# private network namespace (the kernel there routes between the taps), its own
# snode-control and its own redis-server. Needs root (network namespace, tap devices).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${SNODE_BUILD:-$ROOT/build}
DP=$BUILD/dataplane/snode-dataplane
CTL=$BUILD/control/snode-control
TOOL=$BUILD/tools/snode-tool
PY=/usr/bin/python3

cmd=${1:-}
shift || true
N=3
DIR=${SNODE_TESTNET_DIR:-/tmp/snode-testnet}
REGISTER=1
REGISTRY=file
NODE=
while [ $# -gt 0 ]; do
	case $1 in
	--nodes) N=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	--no-register) REGISTER=0; shift ;;
	--registry) REGISTRY=$2; shift 2 ;;
	--node) NODE=$2; shift 2 ;;
	*) echo "testnet: unknown option '$1'" >&2; exit 2 ;;
	esac
done
case $N in ''|*[!0-9]*) echo "testnet: --nodes expects 1..50" >&2; exit 2 ;; esac
if [ "$N" -lt 1 ] || [ "$N" -gt 50 ]; then echo "testnet: --nodes expects 1..50" >&2; exit 2; fi
case $REGISTRY in file|redis) ;; *) echo "testnet: --registry expects file or redis" >&2; exit 2 ;; esac

die() { echo "testnet: $*" >&2; exit 1; }
ns_of() { cat "$DIR/netns"; }
node_ip() { echo "10.77.$1.2"; }
gw_ip() { echo "10.77.$1.1"; }
gw_mac() { printf '02:00:00:00:%02x:01' "$1"; }
dp_mac() { printf '02:00:00:00:%02x:02' "$1"; }

start_redis() {
	local d=$1
	redis-server "$ROOT/deploy/redis.conf" --dir "$d" --unixsocket "$d/redis.sock" \
		--appendfsync always >"$d/redis.log" 2>&1 &
	echo $! >"$d/redis.pid"
}

wait_for() { # wait_for TEST... : up to 10 s ($WAIT_TENTHS tenths of a second)
	for _ in $(seq "${WAIT_TENTHS:-100}"); do "$@" && return 0; sleep 0.1; done
	return 1
}

keygen() {
	local d=$DIR/node$1
	mkdir -p "$d" && chmod 700 "$d"
	"$TOOL" keygen --data-dir "$d" >/dev/null || die "keygen for node $1 failed"
	"$TOOL" id --data-dir "$d" >"$d/id.json"
}

# registry_line J HEIGHT: node J's register event.
registry_line() {
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("register", d["ed25519"], d["x25519"], sys.argv[2] + ":22030", sys.argv[3])' \
		"$DIR/node$1/id.json" "$(node_ip "$1")" "$2"
}

# Node I's table at start lists the other nodes up to N-1; cells to them leave through its
# own tap to the namespace's kernel (the gateway), which routes them. Nodes registered later
# reach its dataplane from snode-control (NODES) with --gateway-mac as their MAC.
write_node_table() {
	local i=$1
	for j in $(seq 0 $((N - 1))); do
		[ "$i" = "$j" ] && continue
		$PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["ed25519"], d["x25519"], sys.argv[2] + ":22030", sys.argv[3])' \
			"$DIR/node$j/id.json" "$(node_ip "$j")" "$(gw_mac "$i")"
	done >"$DIR/node$i/nodes"
}

make_keys() {
	for i in $(seq 0 $((N - 1))); do keygen "$i"; done
	for i in $(seq 0 $((N - 1))); do write_node_table "$i"; done
	# The node list of every node (snode-control --nodes: one swarm), kept for tools and
	# tests that start snode-control that way.
	for j in $(seq 0 $((N - 1))); do
		$PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["ed25519"], d["x25519"], sys.argv[2] + ":22030", sys.argv[3])' \
			"$DIR/node$j/id.json" "$(node_ip "$j")" "$(dp_mac "$j")"
	done >"$DIR/swarm.nodes"
	# The registry every snode-control replays (docs/registry.md): every node registered at
	# height 1, then block 1 with a random hash, which seeds the swarm assignment. With
	# --registry redis the same lines go into the registry Redis (start_registry).
	{
		echo "# snode testnet registry ($N nodes)"
		# state changes are appended by hand with "-" records (docs/quorums.md); a real
		# record is verified all the same. SNODE_TESTNET_EPOCH_BLOCKS: epochs of N blocks.
		[ -n "${SNODE_TESTNET_EPOCH_BLOCKS:-}" ] &&
			echo "option epoch-blocks $SNODE_TESTNET_EPOCH_BLOCKS"
		echo "option unverified-records"
		# SNODE_TESTNET_BLOCK_SECONDS: the block time the decommission credit counts
		# hours in (docs/quorums.md); set it to the producer's interval.
		[ -n "${SNODE_TESTNET_BLOCK_SECONDS:-}" ] &&
			echo "option block-seconds $SNODE_TESTNET_BLOCK_SECONDS"
		# SNODE_TESTNET_STEST_PAIRS: storage-test pairs per height for the whole network
		# (docs/storage-tests.md); overrides each node's storage-test-pairs
		[ -n "${SNODE_TESTNET_STEST_PAIRS:-}" ] &&
			echo "option storage-test-pairs $SNODE_TESTNET_STEST_PAIRS"
		for j in $(seq 0 $((N - 1))); do registry_line "$j" 1; done
		echo "block 1 $(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	} >"$DIR/registry"
	echo "$DIR/registry" >"$DIR/registry.src"
}

# --registry redis: one redis-server in the namespace, on a unix socket every snode-control
# reads (sockets are files: every node reaches it), the log in the list snode:registry.
start_registry() {
	local d=$DIR/registry-redis src
	[ "$REGISTRY" = redis ] || return 0
	mkdir -p "$d" && chmod 700 "$d"
	ip netns exec "$(ns_of)" redis-server "$ROOT/deploy/redis.conf" --dir "$d" \
		--unixsocket "$d/redis.sock" --appendfsync always >"$d/redis.log" 2>&1 &
	echo $! >"$d/redis.pid"
	wait_for test -S "$d/redis.sock" || die "registry redis-server did not start ($d/redis.log)"
	src="redis:$d/redis.sock/snode:registry"
	WAIT_TENTHS=30 wait_for "$TOOL" registry append --registry "$src" --file "$DIR/registry" \
		>/dev/null || die "cannot write the registry into $src"
	mv "$DIR/registry" "$DIR/registry.genesis"
	echo "$src" >"$DIR/registry.src"
}

# What a failed start saw: the dataplane alive or not, the tap present or not, its log's end.
dp_state() {
	local d=$1 ns=$2 i=$3 pid
	pid=$(cat "$d/dataplane.pid" 2>/dev/null)
	printf 'dataplane pid %s %s; ' "$pid" "$(alive "$pid" && echo alive || echo gone)"
	ip netns exec "$ns" ip -br link show "sntap$i" 2>&1 | head -1 | tr '\n' ';'
	printf ' log: '
	tail -n 4 "$d/dataplane.log" 2>/dev/null | tr '\n' '|'
}

# A restarted node's logs of the run before go to *.log.prev, here, before anything starts:
# `cmd >log &` truncates the log in the forked child, maybe only after the waits below have
# read it, and the old dataplane.log says "relaying on port" too (the MAC was then set on a
# tap the new dataplane had not yet made: "Device sntapI does not exist", 3 restarts of 13
# under load; and the old control.log says "connected").
keep_old_logs() {
	local f
	for f in redis dataplane control; do
		[ -e "$1/$f.log" ] && mv -f "$1/$f.log" "$1/$f.log.prev"
	done
	return 0
}

start_node() {
	local i=$1 d ns
	d=$DIR/node$i # (not on the local line: $i would be the caller's there)
	ns=$(ns_of)
	keep_old_logs "$d"
	start_redis "$d"
	wait_for test -S "$d/redis.sock" || die "node $i: redis-server did not start ($d/redis.log)"
	# SNODE_TESTNET_LCORES (an EAL --lcores value, e.g. "0@0,1@0,2@1") gives every dataplane
	# a main lcore and workers, one queue each (RSS over the tap's queues).
	local cores=(-l $((i % $(nproc))))
	[ -n "${SNODE_TESTNET_LCORES:-}" ] && cores=(--lcores "$SNODE_TESTNET_LCORES")
	ip netns exec "$ns" "$DP" "${cores[@]}" --no-huge -m 256 --no-pci \
		--log-level=lib.eal:error --file-prefix "snode-tn-$ns-$i" \
		--vdev "net_tap0,iface=sntap$i,mac=$(dp_mac "$i")" \
		-- --ip "$(node_ip "$i")" --nodes "$d/nodes" --gateway-mac "$(gw_mac "$i")" \
		--data-dir "$d" --stats-interval 0 \
		>"$d/dataplane.log" 2>&1 &
	echo $! >"$d/dataplane.pid"
	# The kernel side of the tap gets the gateway's MAC only once the port has started:
	# net_tap sets the interface's MAC while it starts, and a MAC set before that is lost
	# (the kernel then drops every frame the dataplane sends to the gateway).
	WAIT_TENTHS=300 wait_for grep -qs "relaying on port" "$d/dataplane.log" ||
		die "node $i: dataplane did not start ($d/dataplane.log)"
	ip netns exec "$ns" ip link set "sntap$i" address "$(gw_mac "$i")" 2>/dev/null
	ip netns exec "$ns" ip link show "sntap$i" 2>/dev/null | grep -q "link/ether $(gw_mac "$i") " ||
		die "node $i: sntap$i did not take the gateway MAC $(gw_mac "$i") ($(dp_state "$d" "$ns" "$i"))"
	ip netns exec "$ns" ip addr add "$(gw_ip "$i")/24" dev "sntap$i"
	ip netns exec "$ns" ip link set "sntap$i" up
	# SNODE_TESTNET_CONTROL_CONF: a config file for every snode-control (e.g. short
	# [reach]/[uptime] intervals, docs/reachability.md); the flags below win over it.
	local conf=()
	[ -n "${SNODE_TESTNET_CONTROL_CONF:-}" ] && conf=(--config "$SNODE_TESTNET_CONTROL_CONF")
	"$CTL" "${conf[@]}" --data-dir "$d" --redis "$d/redis.sock" --dp-socket "$d/dp.sock" \
		--registry "$(cat "$DIR/registry.src")" --ping-interval 1 --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
		--proxy-private true --vote-interval 1 \
		--vote-fail-after "${SNODE_TESTNET_VOTE_FAIL_AFTER:-3900}" \
		--quorum-votes "$([ -n "${SNODE_TESTNET_EPOCH_BLOCKS:-}" ] && echo true || echo false)" \
		>"$d/control.log" 2>&1 &
	echo $! >"$d/control.pid"
}

connected() { grep -q "dataplane channel .* connected" "$1/control.log"; }
reached() { grep "reachable over DIRECT" "$1/control.log" | grep -vc unreachable; }
reaches_all() { [ "$(reached "$1")" -ge $((N - 1)) ]; }

up() {
	[ -e "$DIR" ] && die "$DIR exists (a testnet or its logs): deploy/testnet.sh down --dir $DIR"
	[ "$(id -u)" = 0 ] || die "needs root (network namespace and tap devices)"
	[ -x "$DP" ] && [ -x "$CTL" ] && [ -x "$TOOL" ] || die "build first: deploy/setup.sh"
	mkdir -p "$DIR" || die "cannot create $DIR"
	local ns=snode-tn-$$
	ip netns add "$ns" || die "cannot create network namespace $ns"
	echo "$ns" >"$DIR/netns"
	trap 'stop_all; echo "testnet: start failed; stopped what was started, logs kept in $DIR" >&2' EXIT
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	make_keys
	start_registry
	for i in $(seq 0 $((N - 1))); do start_node "$i"; done
	for i in $(seq 0 $((N - 1))); do
		wait_for connected "$DIR/node$i" ||
			die "node $i: snode-control did not connect ($DIR/node$i/control.log)"
	done
	# Ready means every node has reached every other over signed DIRECT pings through the
	# dataplanes (ping-interval 1 s): the whole path of any client request is up.
	for i in $(seq 0 $((N - 1))); do
		WAIT_TENTHS=300 wait_for reaches_all "$DIR/node$i" ||
			die "node $i reaches only $(reached "$DIR/node$i") of $((N - 1)) peers over DIRECT after 30 s ($DIR/node$i/control.log)"
	done
	trap - EXIT
	table
}

# add: one more node (index = the number of nodes) while the others run. Registered unless
# --no-register: its register event and a new block are appended to the registry at once
# (snode-tool registry append), which every snode-control picks up within a second and
# sends its dataplane.
add() {
	[ -e "$DIR/netns" ] || die "no testnet in $DIR"
	local i height
	i=$(find "$DIR" -maxdepth 1 -name 'node*' -type d | wc -l)
	[ "$i" -lt 50 ] || die "50 nodes at most"
	keygen "$i"
	N=$i write_node_table "$i"
	start_node "$i"
	wait_for connected "$DIR/node$i" ||
		die "node $i: snode-control did not connect ($DIR/node$i/control.log)"
	if [ "$REGISTER" = 1 ]; then
		local src
		src=$(cat "$DIR/registry.src")
		height=$("$TOOL" registry show --registry "$src" |
			$PY -c 'import json,sys; print(json.load(sys.stdin)["height"] + 1)') ||
			die "cannot read the registry $src"
		printf '%s\nblock %s %s\n' "$(registry_line "$i" "$height")" "$height" \
			"$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" |
			"$TOOL" registry append --registry "$src" >/dev/null ||
			die "cannot register node $i in $src"
	fi
	echo "testnet: node $i started$([ "$REGISTER" = 1 ] && echo " and registered at height $height")"
}

# restart --node I: node I's processes stopped (if still running) and started again.
restart() {
	[ -e "$DIR/netns" ] || die "no testnet in $DIR"
	case $NODE in ''|*[!0-9]*) die "restart expects --node I" ;; esac
	local d=$DIR/node$NODE
	[ -d "$d" ] || die "no node $NODE in $DIR"
	stop_pid "$d/control.pid" snode-control
	stop_pid "$d/dataplane.pid" snode-dataplane
	stop_pid "$d/redis.pid" redis-server
	rm -f "$d/redis.sock"
	# the old tap must be gone: a new net_tap of the same name would join it as a queue
	# and vanish with it
	WAIT_TENTHS=50 wait_for sh -c "! ip netns exec '$(ns_of)' ip link show 'sntap$NODE' >/dev/null 2>&1" ||
		die "node $NODE: sntap$NODE is still there after its dataplane stopped"
	start_node "$NODE"
	wait_for connected "$d" || die "node $NODE: snode-control did not connect ($d/control.log)"
	echo "testnet: node $NODE restarted"
}

# counters I: one line of node I's dataplane counters (DPDK telemetry socket).
counters() {
	$PY - "/var/run/dpdk/snode-tn-$(ns_of)-$1/dpdk_telemetry.v2" <<'PY' 2>/dev/null || echo "-"
import json, socket, sys
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(2)
    s.connect(sys.argv[1])
    s.recv(16384)
    s.send(cmd.encode())
    return json.loads(s.recv(65536))[cmd]
st, ch = ask("/snode/dp/stats"), ask("/snode/dp/channel")
print("relayed=%d delivered=%d replies=%d reply_relayed=%d drops=%d channel=%s" % (
    st["create_relayed"], st["create_delivered"], st["replies"], st["reply_relayed"],
    st["drops"], "up" if ch.get("connected") else "down"))
PY
}

# swarm_of I: node I's swarm id (hex) as its snode-control last loaded the registry.
swarm_of() {
	local s
	s=$(sed -n 's/.*registry .* \(re\)*loaded: .*; this node: \(.*\)$/\2/p' "$DIR/node$1/control.log" \
		2>/dev/null | tail -n 1)
	case $s in "swarm "*) echo "${s#swarm }" ;; "in no swarm") echo none ;; *) echo - ;; esac
}

table() {
	printf '%-5s %-10s %-17s %-17s %-9s %s\n' node address ed25519 swarm state counters
	for d in "$DIR"/node*; do
		local i=${d##*node} state=up
		for p in redis dataplane control; do
			alive "$(cat "$d/$p.pid" 2>/dev/null)" || state="$p-down"
		done
		printf '%-5s %-10s %-17s %-17s %-9s %s\n' "$i" "$(node_ip "$i")" \
			"$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ed25519"][:16])' "$d/id.json")" \
			"$(swarm_of "$i")" "$state" "$(counters "$i")"
	done
	echo "registry $(cat "$DIR/registry.src" 2>/dev/null)"
	echo "namespace $(ns_of); clients run with: ip netns exec $(ns_of) ..."
}

# alive PID: running. A zombie has exited (its files, the tap with them, are closed) but
# stays until its reaper collects it, which took ~2 s here once the script that started it
# had gone (the processes are then init's).
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}

stop_pid() { # stop_pid FILE NAME: SIGTERM, then SIGKILL after 5 s
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 0
	# the pid is still the process the file names (not reused since it exited)
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "$2" || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do alive "$pid" || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	# gone before anything reuses what it held (a dying dataplane still holds its tap)
	for _ in $(seq 50); do alive "$pid" || return 0; sleep 0.1; done
}

stop_all() {
	for d in "$DIR"/node*; do
		[ -d "$d" ] || continue
		stop_pid "$d/control.pid" snode-control
		stop_pid "$d/dataplane.pid" snode-dataplane
		stop_pid "$d/redis.pid" redis-server
	done
	stop_pid "$DIR/registry-redis/redis.pid" redis-server
	rm -rf /var/run/dpdk/snode-tn-"$(ns_of)"-*
	ip netns del "$(ns_of)" 2>/dev/null
	rm -f "$DIR/netns"
}

down() {
	[ -d "$DIR" ] || { echo "testnet: nothing in $DIR"; return 0; }
	[ -e "$DIR/netns" ] && stop_all
	rm -rf "$DIR"
	echo "testnet: stopped and removed $DIR"
}

case $cmd in
up) up ;;
add) add ;;
restart) restart ;;
status) [ -e "$DIR/netns" ] && table || echo "testnet: nothing running in $DIR" ;;
down) down ;;
*) echo "usage: deploy/testnet.sh up|add|restart|status|down [--nodes N] [--node I] [--dir DIR] [--no-register] [--registry file|redis]" >&2; exit 2 ;;
esac
