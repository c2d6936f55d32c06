"""Benchmark the core: `evaluate` in-process and CLI start-up, measured in one run.

Targets (issue 2): evaluate(openai-portfolio) < 5 ms in-process; `gigawatt plan openai-amd` < 1 s wall.
Run: .venv/bin/python bench/bench_core.py
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def best_and_median(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    import gigawatt
    from gigawatt.analyses.api import _load_scenario
    from gigawatt.catalog import load_catalog
    from gigawatt.engine.core import run
    from gigawatt.scenario.inputs import compile_inputs

    cat = load_catalog()
    sc = gigawatt.load("openai-portfolio")
    gigawatt.evaluate(sc, catalog=cat)  # warm
    inputs = compile_inputs(sc, cat)
    n_series = len(run(inputs)[0])
    shape = (inputs.samples, len(inputs.tranches), inputs.n_months)
    print(f"openai-portfolio: {shape[1]} tranches x {shape[2]} months, {n_series} series")
    b, m = best_and_median(lambda: gigawatt.evaluate(sc, catalog=cat), 200)
    print(f"evaluate (compile + run + Result), parsed scenario, loaded catalog: best {b * 1e3:.2f} ms, median {m * 1e3:.2f} ms  (target < 5 ms)")
    b, m = best_and_median(lambda: compile_inputs(sc, cat), 200)
    print(f"  compile_inputs alone: median {m * 1e3:.2f} ms")
    b, m = best_and_median(lambda: run(inputs), 200)
    print(f"  engine run alone:     median {m * 1e3:.2f} ms")
    b, m = best_and_median(lambda: _load_scenario("openai-portfolio"), 50)
    print(f"load + validate the YAML scenario (4 files): median {m * 1e3:.2f} ms")

    exe = Path(sys.executable).with_name("gigawatt")
    env = {**os.environ, "COLUMNS": "120"}
    def cli():
        subprocess.run([str(exe), "plan", "openai-amd"], check=True, capture_output=True, env=env)
    def bare():
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
    cli()
    b_cli, m_cli = best_and_median(cli, 7)
    b_py, m_py = best_and_median(bare, 7)
    print(f"`gigawatt plan openai-amd` wall: best {b_cli:.3f} s, median {m_cli:.3f} s  (target < 1 s); "
          f"bare `python -c pass` median {m_py:.3f} s; ratio {m_cli / m_py:.1f}x")


if __name__ == "__main__":
    main()
