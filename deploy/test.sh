#!/usr/bin/env bash
# The README's test command: sets up (deploy/setup.sh), checks formatting, runs
# every meson suite (unit, cli, dpdk), runs the unit and cli suites again under
# AddressSanitizer + UBSan, runs each libFuzzer harness for a bounded count, and ends with one line "N passed, N failed"
# counting every individual test case. Exits non-zero on any failure or when
# no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! deploy/setup.sh; then
	echo "not ok - deploy/setup.sh failed (see above)"
	echo "0 passed, 1 failed"
	exit 1
fi

logs=()
format_log=build/meson-logs/format.tap
{
	files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
	if out=$(clang-format --dry-run --Werror $files 2>&1); then
		echo "ok 1 - clang-format: every C source matches .clang-format"
	else
		echo "not ok 1 - clang-format: sources differ from .clang-format"
		echo "$out" | head -40 | sed 's/^/# /'
	fi
	echo "1..1"
} >"$format_log"
cat "$format_log"
logs+=("tap:$format_log")

rm -f build/meson-logs/testlog.json
meson test -C build --print-errorlogs --num-processes 2
logs+=("meson:build/meson-logs/testlog.json")

# Sanitizer build of the unit suite (pure logic; DPDK EAL is not run under ASan).
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# A build that fails leaves no fresh log: the stale one is removed first, and the
# failure is reported as a failing case of its own.
build_failed() { # build_failed DIR: one TAP file with a failing case naming the build
	echo "not ok 1 - ninja -C $1 failed (see the compiler output above)" >"$1.build.tap"
	logs+=("tap:$1.build.tap")
}
quiet_ninja() { # quiet_ninja DIR: builds; on failure prints what failed (ninja's own output)
	local out
	out=$(ninja -C "$1" 2>&1) && return 0
	printf '%s\n' "$out" | grep -E -A12 '^FAILED|error' | head -80
	return 1
}
rm -f build-asan/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json
if quiet_ninja build-asan; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --suite cli --print-errorlogs --num-processes 2
	logs+=("meson:build-asan/meson-logs/testlog.json")
else
	build_failed build-asan
fi

# libFuzzer harnesses (clang), each a bounded run over its seed corpus.
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Ddataplane=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
if quiet_ninja build-fuzz; then
	meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2
	logs+=("meson:build-fuzz/meson-logs/testlog.json")
else
	build_failed build-fuzz
fi

python3 tests/lib/count_results.py "${logs[@]}"
