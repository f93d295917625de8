#!/usr/bin/python3
"""Every snode benchmark in one run, one table (docs/performance.md, "One table"): each row a
figure and its ratio to a ceiling measured in the same run on the same machine.

  bench/run_all.py [--build DIR] [--no-testnet] [--seconds S] [--only STEP,...]

STEP: crypto, dataplane, packet-io, storage, testnet (default: all of them). The DPDK runtime
directories this run's processes create (…/dpdk/snode-bench-*) are removed after each step.

Needs a build (deploy/setup.sh). The testnet rows need root (network namespace and taps); they
are skipped, and say so, without it. Not a test: figures depend on the machine and its load."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
rows = []  # (group, row, figure, ceiling, ratio)


def add(group, row, figure, ceiling="", ratio=""):
    rows.append((group, row, figure, ceiling, ratio))
    print(f"  {row}: {figure}" + (f"  vs {ceiling}: {ratio}" if ratio else ""), flush=True)


def dpdk_rundir():
    """Where EAL keeps its per-prefix runtime directories (as EAL chooses it)."""
    if os.geteuid() == 0:
        return "/var/run/dpdk"
    return os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")


def remove_rundir(prefix):
    """Removes the runtime directory of one --file-prefix this run used (and only that)."""
    assert prefix.startswith("snode-bench-")
    shutil.rmtree(os.path.join(dpdk_rundir(), prefix), ignore_errors=True)


def run(cmd, timeout, **kw):
    """Runs cmd; a benchmark binary's own EAL directory (snode-bench-PID) goes afterwards,
    also when it failed before removing it itself."""
    print("$ " + " ".join(cmd), flush=True)
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          **kw) as p:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise
        finally:
            remove_rundir(f"snode-bench-{p.pid}")
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}: {err[-800:]}")
    return out


def crypto(build, seconds):
    out = run(["taskset", "-c", "1", f"{build}/bench/snode-bench-crypto", "--seconds",
               str(seconds)], 600)
    rate = {m[1].strip(): float(m[2]) for m in re.finditer(r"^(.+?)\s+(\d+) ops/s", out, re.M)}
    for name, base in (("x25519 batch 32 (avx512ifma-8way)", "x25519 batch 32 (libsodium-scalar)"),
                       ("peel layer aes-gcm 1 KB, b32, ifma", "peel layer aes-gcm 1 KB, batch 32"),
                       ("peel layer xchacha20 1 KB, b32, ifma",
                        "peel layer xchacha20 1 KB, batch 32")):
        if name in rate and base in rate:
            add("crypto, 1 core", f"{name} ops/s", f"{rate[name]:,.0f}",
                f"{base} {rate[base]:,.0f}", f"{rate[name] / rate[base]:.2f}x")
        elif base in rate:
            add("crypto, 1 core", f"{base} ops/s", f"{rate[base]:,.0f}", "(no AVX-512 IFMA)")
    # AES-GCM alone, 1 KB open: ipsec-mb's best arch against libsodium.
    mb = [n for n in rate if re.fullmatch(r"open aes-gcm/ipsec-mb-\w+ 1024 B", n)]
    base = "open aes-gcm/libsodium 1024 B"
    if mb and base in rate:
        name = mb[-1]
        add("crypto, 1 core", f"{name} ops/s", f"{rate[name]:,.0f}",
            f"libsodium {rate[base]:,.0f}", f"{rate[name] / rate[base]:.2f}x")


def dataplane(build, cells):
    exe = f"{build}/bench/snode-bench-dataplane"
    out = run(["taskset", "-c", "1", exe, "--cells", str(cells)], 600)
    lines = {m[1].strip(): (float(m[2]), m[3]) for m in
             re.finditer(r"^(.+?)\s+(\d+)\s+([\d.]+x)(.*)$", out, re.M)}
    for t in ("aes-gcm", "xchacha20"):
        ceil, relay = lines[f"crypto ceiling: peel batch, {t}"], lines[f"dataplane CREATE relay, {t}"]
        add("dataplane, 1 worker", f"CREATE cells/s, {t}", f"{relay[0]:,.0f}",
            f"peel batch {ceil[0]:,.0f}", relay[1])
        more = lines.get(f"CREATE relay, MORE set (1 round), {t}")
        if more:  # DATA follows: the hops derive kf too
            add("dataplane, 1 worker", f"CREATE cells/s, {t}, MORE set (1 round)",
                f"{more[0]:,.0f}", f"peel batch {ceil[0]:,.0f}", more[1])
    gbit = re.findall(r"^(AEAD ceiling.*|dataplane DATA relay.*?)\s+(\d+)\s+([\d.]+x)\s+([\d.]+) Gbit",
                      out, re.M)
    if len(gbit) == 2:
        add("dataplane, 1 worker", "DATA cells/s (1,232 B)", f"{float(gbit[1][1]):,.0f}",
            f"XChaCha20-Poly1305 open {float(gbit[0][1]):,.0f}", gbit[1][2])
        add("dataplane, 1 worker", "DATA Gbit/s", gbit[1][3], f"AEAD {gbit[0][3]}", gbit[1][2])
    if os.cpu_count() >= 2:
        out = run([exe, "--cells", str(cells), "--workers", "2"], 600)
        m = re.search(r"1 worker lcore, aes-gcm\s+(\d+).*\n.*2 worker lcores, aes-gcm\s+(\d+)\s+([\d.]+x)",
                      out)
        add("dataplane, 2 workers", "CREATE cells/s, aes-gcm, 2 lcores", f"{float(m[2]):,.0f}",
            f"1 lcore {float(m[1]):,.0f} (ideal 2.00x)", m[3])


def rates(text, pattern):
    """Per-second rates from cumulative counters printed once a second (first interval dropped)."""
    vals = [int(v) for v in re.findall(pattern, text)]
    return [b - a for a, b in zip(vals[1:], vals[2:])]


def packet_io(build, seconds):
    """Rx of net_null's packets (garbage to snode: classified and dropped as not_cell) by one
    snode worker, against dpdk-testpmd rxonly on the same vdev and lcores."""
    tp = shutil.which("dpdk-testpmd")
    if tp is None:
        add("packet I/O", "rx Mpps", "skipped: no dpdk-testpmd")
        return
    eal = ["-l", "0-1", "--no-huge", "-m", "512", "--no-pci", "--vdev", "net_null0",
           "--log-level=lib.eal:error"]
    io_prefix, tp_prefix = f"snode-bench-io-{os.getpid()}", f"snode-bench-tp-{os.getpid()}"
    try:
        with tempfile.TemporaryDirectory(prefix="snode-bench-io.") as d:
            run([f"{build}/tools/snode-tool", "keygen", "--data-dir", d], 60)
            open(f"{d}/nodes", "w").close()
            sn = subprocess.run(["timeout", "-s", "INT", str(seconds + 2),
                                 f"{build}/dataplane/snode-dataplane", *eal,
                                 f"--file-prefix={io_prefix}", "--", "--ip",
                                 "10.0.0.1", "--nodes", f"{d}/nodes", "--data-dir", d,
                                 "--stats-interval", "1", "--channel", "none"],
                                capture_output=True, text=True, timeout=seconds + 30)
        snode = rates(sn.stdout + sn.stderr, r"snode-dp stats: rx=(\d+)")
        t = subprocess.run(["timeout", "-s", "INT", str(seconds + 2), tp, *eal,
                            f"--file-prefix={tp_prefix}", "--",
                            "--forward-mode=rxonly", "--port-topology=loop", "--stats-period", "1",
                            "--total-num-mbufs=4096"], capture_output=True, text=True,
                           timeout=seconds + 30, stdin=subprocess.DEVNULL)
    finally:
        remove_rundir(io_prefix)
        remove_rundir(tp_prefix)
    testpmd = rates(t.stdout, r"RX-packets:\s+(\d+)")
    if not snode or not testpmd:
        add("packet I/O", "rx Mpps", "failed: no per-second figures (see the commands above)")
        return
    s, p = sorted(snode)[len(snode) // 2] / 1e6, sorted(testpmd)[len(testpmd) // 2] / 1e6
    add("packet I/O, net_null", "rx + classify + drop, 1 worker (Mpps)", f"{s:.1f}",
        f"testpmd rxonly {p:.1f}", f"{s / p:.2f}x")


def control(build, requests):
    out = run([f"{build}/bench/snode-bench-control", "--requests", str(requests)], 900)
    for m in re.finditer(r"^((?:store|retrieve), crypto \w+ \([^)]*\))\s+(\d+)\s+([\d.]+x)", out,
                         re.M):
        script = "EVALSHA store script" if m[1].startswith("store") else "EVALSHA retrieve script"
        base = re.search(rf"^{script}.*?\s+(\d+)\s", out, re.M)
        add("storage (snode-control + Redis)", f"{m[1]} req/s", f"{int(m[2]):,}",
            f"redis-benchmark {script} {int(base[1]):,}", m[3])


def wait_reachable(d, n, seconds):
    """Until every node has reached every other over signed DIRECT pings (as the testnet test
    waits): a request sent before may meet a node whose path is not up yet."""
    want = n * (n - 1)
    for _ in range(int(seconds * 10)):
        got = sum(open(f"{d}/node{i}/control.log").read().count("reachable over DIRECT")
                  for i in range(n))
        if got >= want:
            return
        time.sleep(0.1)
    raise RuntimeError(f"testnet: only {got} of {want} peer links reachable after {seconds} s")


def testnet(build, requests):
    if os.geteuid() != 0:
        add("end to end (testnet)", "3-hop stores", "skipped: needs root")
        return
    d = tempfile.mkdtemp(prefix="snode-bench-tn.")
    os.rmdir(d)  # testnet.sh creates it
    env = dict(os.environ, SNODE_BUILD=build)
    try:
        run([f"{ROOT}/deploy/testnet.sh", "up", "--nodes", "3", "--dir", d], 300, env=env)
        ns = open(f"{d}/netns").read().strip()
        try:
            wait_reachable(d, 3, 30)
            out = run(["ip", "netns", "exec", ns, PY, f"{ROOT}/bench/bench_e2e.py", "--testnet",
                       d, "--requests", str(requests)], 900)
        except (RuntimeError, subprocess.TimeoutExpired):
            keep = tempfile.mkdtemp(prefix="snode-bench-tn-logs.")
            subprocess.run(f"{ROOT}/deploy/testnet.sh status --dir {d} >{keep}/status.txt; "
                           f"for n in {d}/node*; do mkdir {keep}/${{n##*/}}; "
                           f"cp $n/*.log {keep}/${{n##*/}}/; done", shell=True, env=env)
            print(f"  testnet logs kept in {keep}", flush=True)
            raise
    finally:
        subprocess.run([f"{ROOT}/deploy/testnet.sh", "down", "--dir", d], env=env,
                       capture_output=True, timeout=120)
    for m in re.finditer(r"(\d+) in flight:\s+(\d+) req/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
                         r"\s+client CPU\s+(\d+)", out):
        ceiling = 1e6 / int(m[5])
        add("end to end (testnet, 3 nodes)", f"3-hop stores, {m[1]} in flight: req/s (p50, p99)",
            f"{int(m[2]):,} ({m[3]} ms, {m[4]} ms)", f"client CPU bound {ceiling:,.0f}",
            f"{int(m[2]) / ceiling:.2f}x")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-testnet", action="store_true")
    ap.add_argument("--seconds", type=float, default=0.3, help="per crypto row")
    ap.add_argument("--only", default="", help="comma-separated steps to run (default: all)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    if not os.path.exists(f"{build}/bench/snode-bench-dataplane"):
        print(f"run_all: no benchmarks in {build}: build first (deploy/setup.sh)", file=sys.stderr)
        return 2
    steps = [("crypto", lambda: crypto(build, a.seconds)),
             ("dataplane", lambda: dataplane(build, 2048)),
             ("packet-io", lambda: packet_io(build, 5)),
             ("storage", lambda: control(build, 5000))]
    if not a.no_testnet:
        steps.append(("testnet", lambda: testnet(build, 300)))
    if a.only:
        only = a.only.split(",")
        unknown = [o for o in only if o not in ("crypto", "dataplane", "packet-io", "storage",
                                                "testnet")]
        if unknown:
            print(f"run_all: unknown step(s) {', '.join(unknown)}", file=sys.stderr)
            return 2
        steps = [st for st in steps if st[0] in only]
    failed = 0
    for name, step in steps:
        print(f"== {name}", flush=True)
        try:
            step()
        except (RuntimeError, subprocess.TimeoutExpired, KeyError, TypeError) as e:
            add(name, "failed", str(e).splitlines()[0][:200])
            failed += 1
    load = open("/proc/loadavg").read().split()[:3]
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    print(f"\nsnode benchmarks: {os.cpu_count()} cores, {cpu[1] if cpu else '?'}, "
          f"load average {' '.join(load)}\n")
    print("| group | row | figure | ceiling, same run | ratio |\n|---|---|---:|---|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
