#!/bin/sh
# SPDX-License-Identifier: MIT
# Constant-time check of the 8-way X25519 kernel under valgrind memcheck (TAP).
# $1: emulated build (the kernel source on portable lanes), $2: AVX-512 build
# or "none". Secret inputs are marked undefined inside the harness; any
# memcheck error (branch or address on them) fails through --error-exitcode.
# valgrind 3.19 cannot decode AVX-512: the AVX-512 build is then reported as
# SKIP with valgrind's own message, never as a pass (docs/crypto.md).
. "$(dirname "$0")/../lib/tap.sh"

emu=$1
avx=$2
vg="valgrind --tool=memcheck --error-exitcode=42 --track-origins=yes -q"

check "emulated kernel: no secret-dependent branch or index" $vg "$emu"
if out=$($vg "$emu" --leaky 2>&1); then
	tap_result not-ok "control: a secret-dependent branch is reported" "$out"
else
	case $out in
	*"depends on uninitialised"*) tap_result ok "control: a secret-dependent branch is reported" ;;
	*) tap_result not-ok "control: a secret-dependent branch is reported" "$out" ;;
	esac
fi

if [ "$avx" = none ]; then
	echo "ok $((TAP_N + 1)) - AVX-512 kernel under valgrind # SKIP not built"
	TAP_N=$((TAP_N + 1))
elif out=$($vg "$avx" 2>&1); then
	tap_result ok "AVX-512 kernel: no secret-dependent branch or index"
else
	case $out in
	*"unhandled instruction"* | *"Illegal opcode"*)
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - AVX-512 kernel under valgrind # SKIP valgrind cannot execute AVX-512"
		printf '%s\n' "$out" | grep -m2 -E "unhandled instruction|Illegal opcode|at 0x" |
			sed 's/^/# /'
		;;
	*) tap_result not-ok "AVX-512 kernel: no secret-dependent branch or index" "$out" ;;
	esac
fi
tap_done
