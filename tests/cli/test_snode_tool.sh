#!/usr/bin/env bash
# snode-tool keygen / id as an operator uses them (tools/cmd_identity.c).
set -u
TOOL=$1
. "$(dirname "$0")/../lib/tap.sh"
DIR=$(mktemp -d /tmp/snode-test-tool.XXXXXX)
trap 'chmod -R u+rwx "$DIR"; rm -rf "$DIR"' EXIT
RFC_SEED=9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
RFC_PK=d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# expect CODE NAME CMD...: passes when CMD exits CODE and writes exactly one stderr line.
expect_error() {
	local code=$1 name=$2 rc err
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		[ -n "$err" ]; then
		tap_result ok "$name"
	else
		tap_result not-ok "$name" "exit $rc, stderr: $err"
	fi
}

out=$("$TOOL" keygen --data-dir "$DIR/a" --from-seed $RFC_SEED)
check "keygen --from-seed prints the RFC 8032 public key" \
	test "$(echo "$out" | json_field ed25519)" = $RFC_PK
check "keygen writes a 32-byte seed file with mode 0600" \
	test "$(stat -c '%a %s' "$DIR/a/ed25519.seed")" = "600 32"
check "data dir is created private (0700)" test "$(stat -c '%a' "$DIR/a")" = 700
"$TOOL" keygen --data-dir "$DIR/deep/er/dir" >/dev/null
check "keygen creates missing parent directories" test -f "$DIR/deep/er/dir/ed25519.seed"
id=$("$TOOL" id --data-dir "$DIR/a")
check "id prints the same identity as keygen" test "$id" = "$out"
sid=$(echo "$id" | json_field session_id)
x=$(echo "$id" | json_field x25519)
check "session_id is 05 + x25519" test "$sid" = "05$x"
check "x25519 is 64 hex characters" bash -c "[[ $x =~ ^[0-9a-f]{64}$ ]]"
check "id honours SNODE_DATA_DIR" \
	test "$(SNODE_DATA_DIR=$DIR/a "$TOOL" id | json_field ed25519)" = $RFC_PK

expect_error 1 "keygen refuses to overwrite an existing key" "$TOOL" keygen --data-dir "$DIR/a"
check "the refused keygen left the key unchanged" \
	test "$("$TOOL" id --data-dir "$DIR/a" | json_field ed25519)" = $RFC_PK

"$TOOL" keygen --data-dir "$DIR/r" >/dev/null
"$TOOL" keygen --data-dir "$DIR/r2" >/dev/null
check "two random keygens give different keys" \
	test "$("$TOOL" id --data-dir "$DIR/r")" != "$("$TOOL" id --data-dir "$DIR/r2")"

expect_error 1 "id without a key file fails" "$TOOL" id --data-dir "$DIR/none"
mkdir -p "$DIR/t" && head -c 31 /dev/urandom >"$DIR/t/ed25519.seed" && chmod 600 "$DIR/t/ed25519.seed"
expect_error 1 "id with a truncated key file fails" "$TOOL" id --data-dir "$DIR/t"
mkdir -p "$DIR/w" && head -c 32 /dev/urandom >"$DIR/w/ed25519.seed" && chmod 644 "$DIR/w/ed25519.seed"
expect_error 1 "id with a world-readable key file fails" "$TOOL" id --data-dir "$DIR/w"
check "the world-readable error says how to fix it" \
	bash -c "'$TOOL' id --data-dir '$DIR/w' 2>&1 | grep -q 'chmod 600'"
expect_error 2 "keygen with a short --from-seed is a usage error" \
	"$TOOL" keygen --data-dir "$DIR/s" --from-seed abcd
expect_error 2 "keygen with non-hex --from-seed is a usage error" \
	"$TOOL" keygen --data-dir "$DIR/s" --from-seed "$(printf 'zz%.0s' $(seq 32))"
check "a rejected seed creates no key file" test ! -e "$DIR/s/ed25519.seed"
expect_error 2 "unknown command is a usage error" "$TOOL" frobnicate
check "help lists keygen and id" bash -c "'$TOOL' help | grep -q keygen && '$TOOL' help | grep -q '  id'"
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$DIR/u" && head -c 32 /dev/urandom >"$DIR/u/ed25519.seed" && chmod 000 "$DIR/u/ed25519.seed"
	expect_error 1 "id with an unreadable key file fails" "$TOOL" id --data-dir "$DIR/u"
fi
tap_done
