"""Benchmark the array backends: the engine totals and the Monte Carlo on CPU vs GPU (`--device`).

Where no usable GPU is present (no CuPy, no CUDA device) it says so plainly and times only the
CPU paths, including the array-API path run on NumPy (the seam's own overhead, no GPU involved).
With a GPU: engine totals per chunk size on CPU (NumPy engine, fused numba kernel) and GPU
(transfers included), then `simulate` for 100,000 and 1,000,000 samples on each, with the
largest results compared for agreement.
Run: .venv/bin/python bench/bench_gpu.py [--million]
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np


def best(fn, repeat=3):
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main() -> None:
    import gigawatt
    from gigawatt.engine import backend
    from gigawatt.engine import kernels
    from gigawatt.engine import uncertainty as unc
    from gigawatt.engine.core import run_totals, run_totals_xp
    from gigawatt.engine.mc import MONTHLY, SUMMED, _warrant_config, simulate

    ok, why = backend.gpu_status()
    print(f"GPU: {'present: ' + why if ok else 'NO GPU PRESENT (' + why + ')'}; CPU: {os.cpu_count()} cores; "
          f"fused CPU kernel: {'numba' if kernels.AVAILABLE else 'unavailable'}")
    r = gigawatt.evaluate("openai-portfolio")
    variables = unc.compile_variables(r.scenario, r.inputs)
    cols = sum(v.columns for v in variables)
    masks = _warrant_config(r)["masks"]
    fused = "numba" if kernels.AVAILABLE else "numpy"

    def chunk(n):
        x = unc.draw(variables, unc.uniforms(1, 0, n // unc.BLOCK, cols, None))
        return unc.apply(r.inputs, variables, x)[0]

    print(f"\nEngine totals of the Monte Carlo series ({len(r.tranches)} tranches x {len(r.months)} months), per chunk, "
          "best of 3, microseconds per sample:")
    head = f"  {'samples':>8s} {'NumPy':>8s} {'fused':>8s} {'array API on NumPy':>19s}" + (f" {'GPU':>8s} {'GPU vs fused':>13s}" if ok else "")
    print(head)
    sizes = (1024, 8192, 65536) + ((262144,) if ok else ())
    try:
        import array_api_compat.numpy as xnp
    except ImportError:
        xnp = None
    xp_gpu = backend.namespace("gpu") if ok else None
    for n in sizes:
        inp = chunk(n)
        t_np = best(lambda: run_totals(inp, MONTHLY, groups=masks, sums=SUMMED))
        t_fu = best(lambda: run_totals(inp, MONTHLY, groups=masks, sums=SUMMED, kernel=fused))
        t_xa = best(lambda: run_totals_xp(xnp, inp, MONTHLY, groups=masks, sums=SUMMED)) if xnp is not None else float("nan")
        row = f"  {n:8,d} {t_np / n * 1e6:8.2f} {t_fu / n * 1e6:8.2f} {t_xa / n * 1e6:19.2f}"
        if ok:
            run_totals_xp(xp_gpu, inp, MONTHLY, groups=masks, sums=SUMMED)  # warm (kernel compilation)
            t_gpu = best(lambda: run_totals_xp(xp_gpu, inp, MONTHLY, groups=masks, sums=SUMMED))
            a = run_totals_xp(xp_gpu, inp, MONTHLY, groups=masks, sums=SUMMED)[0]
            b = run_totals(inp, MONTHLY, groups=masks, sums=SUMMED)[0]
            agree = max(float(np.abs(a[k] - b[k]).max() / max(np.abs(b[k]).max(), 1e-300)) for k in MONTHLY)
            row += f" {t_gpu / n * 1e6:8.2f} {t_fu / t_gpu:12.2f}x  (max rel. diff {agree:.1e})"
        print(row)

    if not ok:
        print("\nNo GPU: the GPU rows and the CPU-vs-GPU Monte Carlo are skipped. Nothing failed.")
        return
    print("\nMonte Carlo, whole run (chunk 65,536 samples on the GPU; default chunks on the CPU):")
    runs = [100_000] + ([1_000_000] if "--million" in sys.argv else [])
    for n in runs:
        simulate(r, samples=2048, seed=1, device="gpu", chunk_size=65536)
        t0 = time.perf_counter()
        a = simulate(r, samples=n, seed=1, kernel=fused)
        t_cpu = time.perf_counter() - t0
        t0 = time.perf_counter()
        b = simulate(r, samples=n, seed=1, device="gpu", chunk_size=65536)
        t_gpu = time.perf_counter() - t0
        diff = max(abs(a["percentiles"][k]["p50"] - b["percentiles"][k]["p50"]) / max(abs(a["percentiles"][k]["p50"]), 1e-300)
                   for k in a["percentiles"] if a["percentiles"][k]["p50"] is not None)
        print(f"  {n:>9,d} samples: CPU ({fused}) {t_cpu:.2f} s, GPU {t_gpu:.2f} s: {t_cpu / t_gpu:.2f}x; "
              f"P50s agree to {diff:.1e} (relative)")


if __name__ == "__main__":
    main()
