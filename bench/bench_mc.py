"""Benchmark the risk engine; every ratio is measured in this one run, on one core.

Targets (issue 15, openai-portfolio, monthly to 2035):
  1. 100,000 samples >= 2x today's engine (the driver before issue 15, frozen in bench/legacy_mc.py,
     on the NumPy engine) and under 3 s;
  2. the engine >= 200x the naive reference (a Python loop per sample, tranche and month);
  3. the hot loop at >= 50 % of a same-run NumPy copy's bandwidth;
  4. 1,000,000 samples under 25 s with peak memory (max RSS) under 1 GiB.
"Fused" is the numba kernel (gigawatt.engine.kernels; the optional [fast] extra); "NumPy" the reference
engine it is tested against. Without numba the fused rows say so and the NumPy path is timed.
Only 2 cores here, shared with other processes: absolute times are noisy. Ratios compare runs made
back to back in this one run; each section prints min and median and the load average (1, 5, 15 min).
Run: .venv/bin/python bench/bench_mc.py [--skip-million] [--repeat 3] [--million-repeat 2]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The naive reference (a test oracle) lives in the repository's tests folder, not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def times_of(fn, repeat=3):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    import legacy_mc

    import gigawatt
    from gigawatt.engine import kernels
    from gigawatt.engine import uncertainty as unc
    from gigawatt.engine.core import run_totals
    from gigawatt.engine.mc import TOTAL_SERIES, simulate
    from reference import NAMES, reference_totals  # tests/reference.py (see sys.path above)

    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    fused = "numba" if kernels.AVAILABLE else "numpy"
    r = gigawatt.evaluate("openai-portfolio")
    n_t, n_m = len(r.tranches), len(r.months)
    print(f"openai-portfolio: {n_t} tranches x {n_m} months ({r.months[0]}..{r.months[-1]}), "
          f"{len(r.scenario.uncertainty)} uncertain inputs, warrant vesting per sample; fused kernel: "
          f"{'numba ' + __import__('numba').__version__ if kernels.AVAILABLE else 'UNAVAILABLE (' + kernels.WHY_NOT + ')'}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    simulate(r, samples=600, seed=1)  # load/compile the kernels once, as any process does once
    legacy_mc.simulate(r, samples=600, seed=1)

    # 1. Whole Monte Carlo, 100k samples: the three drivers interleaved, `repeat` rounds.
    n = 100_000
    runs = {"today's engine (legacy driver, NumPy)": lambda: legacy_mc.simulate(r, samples=n, seed=1),
            "new driver, NumPy kernel": lambda: simulate(r, samples=n, seed=1, kernel="numpy"),
            "new driver, fused kernel": lambda: simulate(r, samples=n, seed=1, kernel=fused)}
    t = {k: [] for k in runs}
    for _ in range(repeat):
        for k, fn in runs.items():
            t[k] += times_of(fn, 1)
    old, new = t["today's engine (legacy driver, NumPy)"], t["new driver, fused kernel"]
    for k, v in t.items():
        print(f"1. 100,000 samples, {k:40s} min {min(v):5.2f} s, median {statistics.median(v):5.2f} s")
    ratios = [a / b for a, b in zip(old, new)]
    print(f"1. TARGET >= 2x today's engine and < 3 s: {min(ratios):.2f}x min / {statistics.median(ratios):.2f}x median "
          f"(per round), fused {min(new):.2f} s min / {statistics.median(new):.2f} s median -> "
          f"{'met' if statistics.median(ratios) >= 2 and statistics.median(new) < 3 else 'NOT met'} (load average {load_average()})")
    a = legacy_mc.simulate(r, samples=3000, seed=2)
    b = simulate(r, samples=3000, seed=2, kernel="numpy")
    # Every figure the legacy driver reports (the new one adds keys since, e.g. the mean completion month).
    same_pct = a["percentiles"].keys() == b["percentiles"].keys() and all(
        b["percentiles"][k][f] == v for k, row in a["percentiles"].items() for f, v in row.items())
    print(f"   the new NumPy path reproduces the legacy driver exactly: {same_pct and a['fans'] == b['fans'] and a['milestones'] == b['milestones']}")

    # 2. The engine against the naive reference (same series), per sample.
    variables = unc.compile_variables(r.scenario, r.inputs)
    cols = sum(v.columns for v in variables)
    x = unc.draw(variables, unc.uniforms(1, 0, 1, cols, None))[:64]
    small, _ = unc.apply(r.inputs, variables, x)
    t_ref = min(times_of(lambda: reference_totals(small), 1)) / 64
    chunk, _ = unc.apply(r.inputs, variables, unc.draw(variables, unc.uniforms(1, 0, 4, cols, None)))  # 1,024: the default chunk
    s = len(chunk.p["gw_stated"])
    t_np = min(times_of(lambda: run_totals(chunk, list(NAMES)), 10)) / s
    t_fu = min(times_of(lambda: run_totals(chunk, list(NAMES), kernel=fused), 10)) / s
    print(f"2. naive reference {t_ref * 1e3:.1f} ms/sample; NumPy engine {t_np * 1e6:.1f} us/sample ({t_ref / t_np:,.0f}x); "
          f"fused {t_fu * 1e6:.1f} us/sample ({t_ref / t_fu:,.0f}x). TARGET >= 200x: "
          f"{'met' if t_ref / t_fu >= 200 else 'NOT met'} ({len(NAMES)} series, 1,024-sample chunks; min of 10; load average {load_average()})")

    # 3. Bandwidth of the hot loop (engine totals of the MC series for one 1,024-sample chunk).
    # The NumPy engine makes 23 full (S, T, M) float64 passes, counted from the code: delivered
    # (multiply 1w, add 1r1w, clip 1r1w) = 5; online (the same ramp shifted, 5, then subtract 2r1w)
    # = 8; added (2r1w) = 3; matmul reductions read delivered, online, added = 3; present value
    # reads them again = 4. The fused kernel does the same work in one pass: its rate is given
    # as the NumPy-equivalent bytes (the same 23 passes) per second, and its own traffic too.
    passes = 23
    t_np_chunk = min(times_of(lambda: run_totals(chunk, TOTAL_SERIES), 10))
    t_fu_chunk = min(times_of(lambda: run_totals(chunk, TOTAL_SERIES, kernel=fused), 10))
    work = passes * 8 * s * n_t * n_m
    own = 8 * s * (n_t * 40 + len(TOTAL_SERIES) * n_m)  # ~40 (S, T) inputs and weights read, (S, K, M) totals written
    for label, size in (("the chunk's (S, T, M) size (cache-resident)", s * n_t * n_m), ("256 MiB (main memory)", 2**25)):
        src = np.ones(size)
        dst = np.empty_like(src)
        bw = 2 * src.nbytes / min(times_of(lambda: np.copyto(dst, src), 10))
        print(f"3. NumPy copy of {label}: {bw / 1e9:.1f} GB/s. NumPy engine {work / t_np_chunk / 1e9:.1f} GB/s "
              f"({work / t_np_chunk / bw:.0%}); fused {work / t_fu_chunk / 1e9:.1f} GB/s NumPy-equivalent ({work / t_fu_chunk / bw:.0%}; "
              f"its own traffic {own / t_fu_chunk / 1e9:.2f} GB/s). TARGET >= 50 %: {'met' if work / t_fu_chunk / bw >= 0.5 else 'NOT met'} "
              f"(min of 10 each; load average {load_average()})")

    if "--skip-million" in sys.argv:
        return
    # 4. A million samples in a fresh process (each repeat): time and peak memory.
    code = ("import resource, time, gigawatt; from gigawatt.engine.mc import simulate; r = gigawatt.evaluate('openai-portfolio'); "
            f"simulate(r, samples=300, seed=1, kernel='{fused}'); t = time.perf_counter(); simulate(r, samples=1_000_000, seed=1, kernel='{fused}'); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    million = int(sys.argv[sys.argv.index("--million-repeat") + 1]) if "--million-repeat" in sys.argv else 1
    secs, rss = [], []
    for _ in range(million):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        secs.append(float(out[0]))
        rss.append(int(out[1]) / 2**20)
    print(f"4. 1,000,000 samples ({million} run{'s' if million > 1 else ''}): min {min(secs):.1f} s, median {statistics.median(secs):.1f} s; "
          f"peak memory (max RSS) {max(rss):.2f} GiB. TARGET < 25 s and < 1 GiB: "
          f"{'met' if statistics.median(secs) < 25 and max(rss) < 1 else 'NOT met'} (load average {load_average()})")


if __name__ == "__main__":
    main()
