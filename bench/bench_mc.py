"""Benchmark the risk engine; every ratio is measured in this one run, on one core.

Targets (issue 5): openai-portfolio, 100,000 samples, monthly to 2035, < 5 s; >= 100x the naive
reference (a Python loop per sample, tranche and month); >= 25 % of the machine's NumPy copy
bandwidth in the hot loop; peak memory for 1,000,000 samples < 2 GiB (chunked).
Run: .venv/bin/python bench/bench_mc.py [--skip-million]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def best(fn, repeat=3):
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main() -> None:
    import gigawatt
    from gigawatt import uncertainty as unc
    from gigawatt.engine import run_totals
    from gigawatt.mc import TOTAL_SERIES, simulate
    from gigawatt.reference import NAMES, reference_totals

    r = gigawatt.evaluate("openai-portfolio")
    n_t, n_m = len(r.tranches), len(r.months)
    print(f"openai-portfolio: {n_t} tranches x {n_m} months ({r.months[0]}..{r.months[-1]}), "
          f"{len(r.scenario.uncertainty)} uncertain inputs, warrant vesting per sample")

    t_mc = best(lambda: simulate(r, samples=100_000, seed=1), 2)
    print(f"1. throughput: 100,000 samples in {t_mc:.2f} s (target < 5 s): {100_000 / t_mc:,.0f} samples/s")

    variables = unc.compile_variables(r.scenario, r.inputs)
    x = unc.draw(variables, unc.uniforms(1, 0, 1, sum(v.columns for v in variables), None))[:64]
    inputs, _ = unc.apply(r.inputs, variables, x)
    t_ref = best(lambda: reference_totals(inputs), 1)
    t_eng = best(lambda: run_totals(inputs, list(NAMES)), 20)
    big, _ = unc.apply(r.inputs, variables, unc.draw(variables, unc.uniforms(1, 0, 16, sum(v.columns for v in variables), None)))
    big.p = {k: v[:1024] for k, v in big.p.items()}  # the default chunk
    t_big = best(lambda: run_totals(big, list(NAMES)), 5)
    per_ref, per_eng = t_ref / 64, t_big / len(big.p["gw_stated"])
    print(f"2. vs the naive reference (same {len(NAMES)} series): reference {per_ref * 1e3:.1f} ms/sample, "
          f"engine {per_eng * 1e6:.1f} us/sample at 1,024-sample chunks (the default) ({t_eng / 64 * 1e6:.0f} us/sample at 64): "
          f"{per_ref / per_eng:,.0f}x faster (target >= 100x)")

    # 3. Bytes the hot loop moves per chunk: full (S, T, M) float64 passes in engine.fractions and
    # run_totals, counted from the code: delivered (multiply 1w, add 1r1w, clip 1r1w) = 5;
    # online (the same ramp shifted, 5, then subtract 2r1w) = 8; added (2r1w) = 3;
    # matmul reductions read delivered, online, added (bought is added without refresh) = 3;
    # present value reads the same fractions again = 4.  Total 23 passes of 8 bytes.
    passes = 23
    chunk = 1024
    inp_chunk, _ = unc.apply(r.inputs, variables, unc.draw(variables, unc.uniforms(2, 0, chunk // unc.BLOCK, sum(v.columns for v in variables), None)))
    t_chunk = best(lambda: run_totals(inp_chunk, TOTAL_SERIES), 5)
    moved = passes * 8 * chunk * n_t * n_m
    rate = moved / t_chunk
    for label, n in (("same array size as the chunk (cache-resident)", chunk * n_t * n_m), ("256 MiB (main memory)", 2**25)):
        a = np.ones(n)
        b = np.empty_like(a)
        t_copy = best(lambda: np.copyto(b, a), 10)
        copy_bw = 2 * a.nbytes / t_copy  # a copy reads and writes each byte
        print(f"3. hot loop {rate / 1e9:.1f} GB/s moved ({passes} passes counted) vs NumPy copy of {label} "
              f"{copy_bw / 1e9:.1f} GB/s: {rate / copy_bw:.0%} (target >= 25 %)")

    if "--skip-million" in sys.argv:
        return
    code = ("import resource, time, gigawatt; from gigawatt.mc import simulate; r = gigawatt.evaluate('openai-portfolio'); "
            "t = time.perf_counter(); simulate(r, samples=1_000_000, seed=1); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"4. 1,000,000 samples: {float(out[0]):.1f} s, peak memory (max RSS) {int(out[1]) / 2**20:.2f} GiB (target < 2 GiB)")


if __name__ == "__main__":
    main()
