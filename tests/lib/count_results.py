#!/usr/bin/env python3
"""Counts individual test cases across meson test logs and TAP files and prints
the closing line 'N passed, N failed' that CI reads.

A meson test that speaks TAP counts once per 'ok'/'not ok' line. A test that
failed without reporting a failing case (crash, timeout, bad plan) counts as one
more failure, so nothing is lost. A missing log counts as a failure."""
import json
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")


def tap_counts(text):
    passed = failed = 0
    for line in text.splitlines():
        m = TAP_LINE.match(line)
        if not m:
            continue
        skipped = "# SKIP" in m.group(2).upper()
        if m.group(1) == "ok":
            passed += 0 if skipped else 1
        else:
            failed += 1
    return passed, failed


def meson_counts(path):
    passed = failed = 0
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            p, fl = tap_counts(t.get("stdout") or "")
            ok = t["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
            if p == 0 and fl == 0:
                p, fl = (1, 0) if t["result"] == "OK" else (0, 0 if ok else 1)
            elif not ok and fl == 0:
                fl = 1
            passed += p
            failed += fl
    return passed, failed


def main(specs):
    passed = failed = 0
    for spec in specs:
        kind, path = spec.split(":", 1)
        try:
            if kind == "tap":
                with open(path) as f:
                    p, fl = tap_counts(f.read())
            else:
                p, fl = meson_counts(path)
        except (OSError, ValueError) as e:
            print(f"# cannot read {path}: {e}")
            p, fl = 0, 1
        passed += p
        failed += fl
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
