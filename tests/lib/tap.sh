# SPDX-License-Identifier: MIT
# Minimal TAP producer for shell tests: check "name" cmd...; expect_fail;
# tap_done prints the plan and sets the exit status.
TAP_N=0
TAP_FAILED=0

tap_result() { # ok|not-ok name [diagnostic]
	TAP_N=$((TAP_N + 1))
	if [ "$1" = ok ]; then
		echo "ok $TAP_N - $2"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
	return 0
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then tap_result ok "$name"; else tap_result not-ok "$name" "$out"; fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# tap_skip NAME REASON: a case that cannot run here (TAP's SKIP directive).
tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}
