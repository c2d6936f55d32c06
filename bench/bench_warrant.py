"""Benchmark the warrant Monte Carlo: 100,000 price paths x monthly steps to 2031, one core.

Target (issue 3): well under a second. Also prints the whole `analyse` on openai-amd.
Run: .venv/bin/python bench/bench_warrant.py
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: no threaded BLAS anywhere
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402


def timed(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    import gigawatt
    from gigawatt.analyses.deals import PriceOptions, analyse
    from gigawatt.model import warrant as wm

    n_paths, n_months = 100_000, (2031 * 12 + 11) - (2025 * 12 + 9)  # 2025-10 to 2031-12: 74 monthly steps
    r = gigawatt.evaluate("openai-amd")
    delivered = np.linspace(0, 6, n_months + 1)
    milestones = np.arange(1.0, 7.0)
    hurdles = np.linspace(200, 600, 6)

    def kernel():
        rng = np.random.default_rng(np.random.SeedSequence(0))
        prices = wm.gbm_paths(203.71, 0.55, 0.04, 0.0, n_months, n_paths, rng)
        vest = wm.vest_months(delivered, prices, milestones, hurdles, n_months)
        return wm.warrant_value_usd(prices, vest, np.full(6, 160e6 / 6), 0.01, 0.04).mean()

    t, value = timed(kernel)
    print(f"warrant kernel: {n_paths:,} paths x {n_months} months x 6 tranches: {t:.3f} s best of 5 (target well under 1 s); "
          f"{n_paths * n_months / t / 1e6:.0f} M path-months/s; value ${value / 1e9:.1f}B")
    t, _ = timed(lambda: analyse(r, PriceOptions(samples=n_paths)), 3)
    print(f"analyse(openai-amd) with {n_paths:,} paths (warrant + supplier + buyer): {t:.3f} s best of 3")


if __name__ == "__main__":
    main()
