"""Benchmark the server: /api/evaluate throughput and latency with 8 clients, 1 vs N processes.

Target (issue 15): evaluate throughput with 8 clients >= 1.8x one process on 2 cores, p95 < 100 ms.
Four servers run side by side on free ports (one process / N processes, evaluate cache off / on);
each load phase sends `--clients` concurrent keep-alive clients at one server for `--seconds`,
and the phases rotate `--repeat` times, so every ratio compares phases run under similar load.
"Cache off" measures the work itself (each request parses, evaluates and builds its payload);
"cache on" is what repeated requests for one scenario cost (the hash of the resolved scenario
is looked up; parsing still happens).
Run: .venv/bin/python bench/bench_server.py [--workers 2] [--clients 8] [--seconds 6] [--repeat 3]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workers: int, cache_size: int, db: str):
    port = free_port()
    code = ("import sys; from gigawatt.interfaces.server import serve; "
            f"serve('127.0.0.1', {port}, {db!r}, workers={workers}, cache_size={cache_size})")
    env = {k: v for k, v in os.environ.items() if k not in ("GIGAWATT_TOKEN", "GIGAWATT_SERVE_OPTIONS")}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return proc, port


def wait_up(port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/health")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def load(port: int, body: bytes, clients: int, seconds: float) -> tuple[int, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    errors = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request("POST", "/api/evaluate", body=body, headers={"content-type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"errors: {errors[:5]}")
    return len(latencies), latencies


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", default="openai-portfolio")
    args = ap.parse_args()
    n = args.workers
    body = json.dumps({"name": args.scenario}).encode()
    configs = {f"1 process, cache off": (1, 0), f"{n} processes, cache off": (n, 0),
               f"1 process, cache on": (1, 256), f"{n} processes, cache on": (n, 256)}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {k: start(w, c, os.path.join(tmp, f"s{i}.db")) for i, (k, (w, c)) in enumerate(configs.items())}
        try:
            for _, port in servers.values():
                wait_up(port)
            for _, port in servers.values():  # warm every process (imports, catalog, first evaluation)
                load(port, body, args.clients, 1.5)
            res = {k: [] for k in configs}
            for rep in range(args.repeat):
                order = list(configs)
                order = order[rep % len(order):] + order[: rep % len(order)]
                for k in order:
                    count, lat = load(servers[k][1], body, args.clients, args.seconds)
                    lat.sort()
                    res[k].append((count / args.seconds, lat[len(lat) // 2], lat[int(len(lat) * 0.95) - 1]))
                print(f"  round {rep + 1}: " + ", ".join(f"{k} {res[k][-1][0]:.0f}/s" for k in configs)
                      + f"  (load {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        finally:
            for proc, _ in servers.values():
                proc.terminate()
            for proc, _ in servers.values():
                proc.wait(30)

    print(f"\n/api/evaluate {{'name': {args.scenario!r}}}, {args.clients} clients, {args.seconds:g} s per phase, "
          f"{args.repeat} rounds; {os.cpu_count()} cores:")
    print(f"  {'server':28s} {'req/s min':>10s} {'median':>8s} {'p50 ms':>8s} {'p95 ms (median)':>16s}")
    for k in configs:
        rows = res[k]
        print(f"  {k:28s} {min(r[0] for r in rows):10.0f} {statistics.median(r[0] for r in rows):8.0f} "
              f"{statistics.median(r[1] for r in rows) * 1e3:8.1f} {statistics.median(r[2] for r in rows) * 1e3:16.1f}")
    for cache in ("off", "on"):
        one, many = res[f"1 process, cache {cache}"], res[f"{n} processes, cache {cache}"]
        ratios = [b[0] / a[0] for a, b in zip(one, many)]
        p95 = statistics.median(r[2] for r in many) * 1e3
        print(f"TARGET ({n} processes vs 1, cache {cache}) throughput >= 1.8x: {min(ratios):.2f}x min, "
              f"{statistics.median(ratios):.2f}x median; p95 < 100 ms: {p95:.0f} ms -> "
              f"{'met' if statistics.median(ratios) >= 1.8 and p95 < 100 else 'NOT met'}")
    on, off = res[f"{n} processes, cache on"], res[f"1 process, cache off"]
    print(f"cache on, {n} processes vs one process without cache: "
          f"{statistics.median(b[0] / a[0] for a, b in zip(off, on)):.1f}x median")


if __name__ == "__main__":
    main()
