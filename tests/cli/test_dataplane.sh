#!/usr/bin/env bash
# snode-dataplane as an operator starts it, in software mode (no hugepages, no NIC).
set -u
DP=$1
. "$(dirname "$0")/../lib/tap.sh"
EAL=(-l 0 --no-huge -m 128 --no-pci --no-telemetry --log-level=lib.eal:error)
prefix() { echo "--file-prefix=snode-test-cli-$1-$$"; }
RUNDIR=/var/run/dpdk
[ "$(id -u)" -ne 0 ] && RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
trap 'rm -rf "$RUNDIR"/snode-test-cli-*-$$' EXIT

out=$(timeout 60 "$DP" "${EAL[@]}" "$(prefix a)" --vdev net_null0 -- --self-check 2>&1)
rc=$?
check "self-check on net_null0 exits 0" test $rc -eq 0
check "self-check reports the port ok" grep -q 'port 0 net_null0: ok' <<<"$out"

out=$(timeout 60 "$DP" "${EAL[@]}" "$(prefix b)" --vdev net_null0 --vdev net_ring0 \
	-- --self-check 2>&1)
check "self-check covers every port (null + ring)" grep -q '2 port(s), 0 failed' <<<"$out"

timeout 60 "$DP" "${EAL[@]}" "$(prefix c)" -- --self-check >/dev/null 2>&1
check "self-check without any port fails" test $? -eq 1

timeout 60 "$DP" "${EAL[@]}" "$(prefix d)" --vdev net_null0 -- --no-such-option >/dev/null 2>&1
check "an unknown app option exits 2" test $? -eq 2

err=$(timeout 60 "$DP" "${EAL[@]}" "$(prefix e)" --vdev net_null0 2>&1 >/dev/null)
rc=$?
check "relay mode without --ip/--nodes exits 2" test $rc -eq 2
check "the error names what is missing" grep -q 'needs --ip and --nodes' <<<"$err"

timeout 60 "$DP" "${EAL[@]}" "$(prefix f)" --vdev net_null0 -- --help | grep -q 'self-check'
check "--help documents --self-check" test "${PIPESTATUS[0]}" -eq 0
tap_done
