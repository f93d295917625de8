#!/usr/bin/env bash
# Installs what snode needs from Debian 12 packages (deploy/packages.txt) and
# builds it into build/. Run as root. Idempotent: a second run installs
# nothing, reconfigures nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
while read -r pkg; do
	pkg=${pkg%%#*}
	pkg=${pkg//[[:space:]]/}
	[ -z "$pkg" ] && continue
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$pkg")
done <deploy/packages.txt

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages (${missing[*]}); run deploy/setup.sh as root" >&2
		exit 1
	fi
	echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f build/build.ninja ]; then
	meson setup build
fi
ninja -C build
