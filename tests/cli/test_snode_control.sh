#!/usr/bin/env bash
# snode-control as an operator starts it (control/main.c): refusals to start,
# a real private redis-server, READY=1 on a NOTIFY_SOCKET, SIGTERM -> exit 0.
set -u
CTL=$1
TOOL=$2
. "$(dirname "$0")/../lib/tap.sh"
DIR=$(mktemp -d /tmp/snode-test-control.XXXXXX)
REDIS_PID=
NOTIFY_PID=
CTL_PID=
cleanup() {
	for p in $CTL_PID $NOTIFY_PID $REDIS_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT

# expect CODE NAME PATTERN CMD...: CMD exits CODE with one stderr line matching PATTERN.
expect_error() {
	local code=$1 name=$2 pat=$3 rc err
	shift 3
	err=$(timeout 10 "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		printf '%s' "$err" | grep -q -- "$pat"; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc, stderr: $err"
	fi
}

"$TOOL" keygen --data-dir "$DIR/key" >/dev/null

expect_error 1 "refuses to start without a node key" "$DIR/none/ed25519.seed" \
	"$CTL" --data-dir "$DIR/none" --redis "$DIR/redis.sock"
mkdir -p "$DIR/badkey" && head -c 31 /dev/urandom >"$DIR/badkey/ed25519.seed" &&
	chmod 600 "$DIR/badkey/ed25519.seed"
expect_error 1 "refuses to start with a truncated node key" "$DIR/badkey/ed25519.seed" \
	"$CTL" --data-dir "$DIR/badkey" --redis "$DIR/redis.sock"
printf '[node]\ndata-dir = %s\n\n[storage]\nredis = nowhere\n' "$DIR/key" >"$DIR/bad.conf"
expect_error 1 "a bad config value names file:line" "$DIR/bad.conf:5: redis must be" \
	"$CTL" --config "$DIR/bad.conf"
printf '[node]\nno equals sign here\n' >"$DIR/syntax.conf"
expect_error 1 "a config syntax error names file:line" "$DIR/syntax.conf:2: syntax error" \
	"$CTL" --config "$DIR/syntax.conf"
printf '[storage]\ndata-dir = /x\n' >"$DIR/section.conf"
expect_error 1 "a key in the wrong section names file:line" \
	"$DIR/section.conf:2: key 'data-dir' belongs in section \[node\]" \
	"$CTL" --config "$DIR/section.conf"
printf '[uptime]\nproof-interval-ms = 1000\nproof-validity-ms = 1000\n' >"$DIR/uptime.conf"
expect_error 1 "proof validity not above the proof interval is refused, naming both keys" \
	"proof-validity-ms (1000) must exceed proof-interval-ms (1000)" \
	"$CTL" --config "$DIR/uptime.conf"
expect_error 1 "a missing config file is named" "$DIR/missing.conf: cannot open" \
	"$CTL" --config "$DIR/missing.conf"
expect_error 2 "an unknown flag is a usage error" "unknown option" "$CTL" --bogus
expect_error 2 "a bad flag value is a usage error" "^snode-control: --log-level:" \
	"$CTL" --log-level loud
expect_error 1 "refuses to start when Redis is unreachable, naming the address" \
	"redis at $DIR/redis.sock unreachable" \
	"$CTL" --data-dir "$DIR/key" --redis "$DIR/redis.sock"
expect_error 1 "an unreachable host:port is named" "redis at 127.0.0.1:1 unreachable" \
	"$CTL" --data-dir "$DIR/key" --redis 127.0.0.1:1
check "--version prints the version" bash -c "'$CTL' --version | grep -q '^snode-control [0-9]'"
check "--help prints usage" bash -c "'$CTL' --help | grep -q 'usage: snode-control'"

# A private redis-server on a unix socket.
redis-server --port 0 --unixsocket "$DIR/redis.sock" --save "" --appendonly yes \
	--daemonize no --dir "$DIR" >"$DIR/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do [ -S "$DIR/redis.sock" ] && break; sleep 0.1; done
check "private redis-server is up" test -S "$DIR/redis.sock"

# A NOTIFY_SOCKET bound by python: it writes each datagram as a line.
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "a") as out:
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        out.write(d.decode().replace("\n", "|") + "\n")
        out.flush()
' "$DIR/notify.sock" "$DIR/notify.log" &
NOTIFY_PID=$!
for _ in $(seq 50); do [ -S "$DIR/notify.sock" ] && break; sleep 0.1; done

printf '[node]\ndata-dir = %s\nlog-level = debug\n[storage]\nredis = /nonexistent.sock\n' \
	"$DIR/key" >"$DIR/good.conf"
NOTIFY_SOCKET=$DIR/notify.sock "$CTL" --config "$DIR/good.conf" --redis "$DIR/redis.sock" \
	--listen none 2>"$DIR/ctl.log" &
CTL_PID=$!
for _ in $(seq 100); do grep -q 'READY=1' "$DIR/notify.log" 2>/dev/null && break; sleep 0.1; done
check "READY=1 reaches NOTIFY_SOCKET" grep -q '^READY=1|STATUS=ready' "$DIR/notify.log"
check "flags override the config file (redis)" grep -q "redis $DIR/redis.sock" "$DIR/ctl.log"
check "the ready line names the node key" \
	grep -q "ready: node $("$TOOL" id --data-dir "$DIR/key" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["ed25519"])')" "$DIR/ctl.log"
kill -HUP "$CTL_PID"
sleep 0.2
check "SIGHUP is logged and does not stop it" \
	bash -c "kill -0 $CTL_PID && grep -q 'SIGHUP received' '$DIR/ctl.log'"
kill -TERM "$CTL_PID"
rc=124
for _ in $(seq 50); do
	if ! kill -0 "$CTL_PID" 2>/dev/null; then wait "$CTL_PID"; rc=$?; break; fi
	sleep 0.1
done
CTL_PID=
check "SIGTERM stops it with exit 0 within 5 s" test "$rc" -eq 0
sleep 0.2
check "STOPPING=1 reaches NOTIFY_SOCKET" grep -q '^STOPPING=1' "$DIR/notify.log"
check "no secret in the log (seed hex absent)" \
	bash -c "! grep -q \"\$(od -An -tx1 '$DIR/key/ed25519.seed' | tr -d ' \n')\" '$DIR/ctl.log'"
tap_done
