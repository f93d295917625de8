#!/usr/bin/env bash
# The operator's files of deploy/ (docs/operations.md): the systemd units pass
# `systemd-analyze verify` (with ExecStart pointed at this build), each unit's
# ExecStart names the binary it runs and the config it reads, and the dataplane's
# example config parses with the dataplane's own parser (EAL in software mode).
set -u
DATAPLANE=$1
CONTROL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/tap.sh"
T=$(mktemp -d /tmp/snode-test-deploy.XXXXXX)
PREFIX=snode-test-deploy-$$
trap 'rm -rf "$T" "/var/run/dpdk/$PREFIX"' EXIT
UNITS=$ROOT/deploy/systemd

for u in snode-redis.service snode-control.service snode-dataplane.service snode.target; do
	sed -e "s|/usr/local/bin/snode-control|$CONTROL|" -e "s|/usr/local/bin/snode-dataplane|$DATAPLANE|" \
		"$UNITS/$u" >"$T/$u"
done
if command -v systemd-analyze >/dev/null; then
	out=$(cd "$T" && systemd-analyze verify snode-redis.service snode-control.service \
		snode-dataplane.service snode.target 2>&1)
	rc=$?
	# any line about our units is a warning systemd would log at load: a failure here
	bad=$(printf '%s\n' "$out" | grep -E 'snode' || true)
	if [ $rc -eq 0 ] && [ -z "$bad" ]; then
		tap_result ok "systemd-analyze verify: the 3 services and the target load cleanly"
	else
		tap_result not-ok "systemd-analyze verify: the 3 services and the target load cleanly" "rc $rc: $out"
	fi
	# and the check can fail: a bad service type is reported
	sed 's/^Type=notify/Type=notifyy/' "$T/snode-control.service" >"$T/snode-broken.service"
	check "... and it reports a broken unit (a bad Type=)" \
		sh -c "cd '$T' && systemd-analyze verify snode-broken.service 2>&1 | grep -q 'service type'"
else
	tap_skip "systemd-analyze verify" "systemd-analyze is not installed"
	tap_skip "... and it reports a broken unit" "systemd-analyze is not installed"
fi
check "snode-control.service runs snode-control --config /etc/snode/control.conf as user snode" \
	sh -c "grep -q '^ExecStart=/usr/local/bin/snode-control --config /etc/snode/control.conf$' '$UNITS/snode-control.service' && grep -q '^User=snode$' '$UNITS/snode-control.service'"
check "snode-dataplane.service reads /etc/snode/dataplane.conf, group snode, socket 0770" \
	sh -c "grep -q -- '--config-file /etc/snode/dataplane.conf' '$UNITS/snode-dataplane.service' && grep -q '^Group=snode$' '$UNITS/snode-dataplane.service' && grep -q '^UMask=0007$' '$UNITS/snode-dataplane.service'"
check "snode-redis.service uses the redis.conf of deploy/ and the socket control.conf names" \
	sh -c "grep -q '/run/snode/redis.sock' '$UNITS/snode-redis.service' && grep -q '^redis = /run/snode/redis.sock$' '$ROOT/deploy/etc/control.conf.example'"

# The dataplane example parses (three lcores mapped onto CPU 0: only the syntax and values
# are checked; --self-check then exercises a net_null port and exits).
eal() {
	"$DATAPLANE" --no-huge -m 64 --no-pci --vdev net_null0 --lcores '0@0,1@0,2@0' \
		--file-prefix "$PREFIX" --no-telemetry --log-level=lib.eal:error -- "$@"
}
out=$(eal --config-file "$ROOT/deploy/etc/dataplane.conf.example" --self-check 2>&1)
rc=$?
if [ $rc -eq 0 ]; then tap_result ok "deploy/etc/dataplane.conf.example parses (self-check exit 0)"
else tap_result not-ok "deploy/etc/dataplane.conf.example parses (self-check exit 0)" "rc $rc: $out"; fi
{ cat "$ROOT/deploy/etc/dataplane.conf.example"; echo "no-such-key = 1"; } >"$T/bad.conf"
out=$(eal --config-file "$T/bad.conf" --self-check 2>&1)
rc=$?
check "... and a copy with an unknown key is refused (exit 2, naming the line)" \
	sh -c "[ $rc -eq 2 ] && printf '%s' '$out' | grep -q 'bad.conf:[0-9]*: unknown key'"
tap_done
