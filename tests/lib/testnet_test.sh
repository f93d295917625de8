# SPDX-License-Identifier: MIT
# The start every testnet shell test shares (deploy/testnet.sh). Source it after tap.sh, with
# BUILD (the build directory) and ROOT (the repository) set.
#   tn_require_root      skips the whole test (TAP plan 1..0) without root and ip netns
#   tn_up NAME NODES [ARGS...]  DIR (the testnet) and H (a scratch home) under /tmp, the testnet
#                        started with `up ARGS` (one TAP case; the test stops if it fails),
#                        TN and NS set;
#                        at exit the test's tn_cleanup_extra (if defined), then the testnet
#                        is stopped and both directories removed
#   tn_exited PID        PID has exited: gone, or a zombie (its files and tap closed) that
#                        its reaper has not collected yet (init's, once testnet.sh is gone)
#   tn_store OUT ARGS... the test's client() with ARGS, sent again up to 3 times while it
#                        gets no 200 (a loaded machine drops a request now and then; stores
#                        are idempotent); OUT holds the last answer

tn_require_root() {
	if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
		echo "1..0 # SKIP needs root and ip netns (network namespace with tap devices)"
		exit 0
	fi
}

tn_cleanup() {
	declare -F tn_cleanup_extra >/dev/null && tn_cleanup_extra
	[ -n "${DIR:-}" ] && $TN down --dir "$DIR" >/dev/null 2>&1
	# only what tn_up made: a test that reuses DIR or H for something else removes nothing
	case "${DIR:-}" in /tmp/snode-test-*) rm -rf "$DIR" ;; esac
	case "${H:-}" in /tmp/snode-test-*) rm -rf "$H" ;; esac
}

tn_up() {
	local name=$1 nodes=$2 out
	shift 2
	DIR=$(mktemp -d "/tmp/snode-test-$name.XXXXXX")
	rmdir "$DIR"
	H=$(mktemp -d "/tmp/snode-test-$name-home.XXXXXX")
	TN="env SNODE_BUILD=$BUILD $ROOT/deploy/testnet.sh"
	trap tn_cleanup EXIT
	if ! out=$($TN up --nodes "$nodes" --dir "$DIR" "$@" 2>&1); then
		tap_result not-ok "testnet of $nodes nodes starts" "$out"
		tap_done
		exit 1
	fi
	tap_result ok "testnet of $nodes nodes starts"
	NS=$(cat "$DIR/netns")
}

tn_store() {
	local out=$1 try
	shift
	for try in 1 2 3; do
		client "$@" >"$out" 2>&1
		$PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"] != 200)' "$out" \
			2>/dev/null && return 0
	done
	return 1
}

tn_exited() {
	! kill -0 "$1" 2>/dev/null || grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}
