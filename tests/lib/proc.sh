# SPDX-License-Identifier: MIT
# Process helpers for shell tests.

# term_wait PID TENTHS: SIGTERM to PID (a child of this shell), then waits up to TENTHS
# tenths of a second for it to exit; returns its exit status, or 124 if it is still
# running (the caller's cleanup kills it).
term_wait() {
	local pid=$1 tenths=$2
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq "$tenths"); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.1
	done
	return 124
}
