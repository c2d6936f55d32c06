"""The fused Monte Carlo kernels (numba) against the NumPy engine, which is their reference.

Where numba is missing the comparisons are skipped and the fallback is tested instead.
"""
from __future__ import annotations

import numpy as np
import pytest

import gigawatt
from gigawatt.engine import kernels
from gigawatt.engine import uncertainty as unc
from gigawatt.engine.core import run_totals
from gigawatt.core.errors import GigawattError
from gigawatt.engine.mc import TOTAL_SERIES, Reducer, _evaluate, resolve_kernel, run_range, simulate, split
from gigawatt.model import warrant as wm

needs_numba = pytest.mark.skipif(not kernels.AVAILABLE, reason="numba is not installed (the optional [fast] extra)")
SUMS = ("opex_usd", "co2_t", "capex_refresh_usd", "water_m3", "energy_cost_usd")
ALL = list(TOTAL_SERIES) + ["it_mw", "systems", "hbm_gb", "accelerators_bought", "capex_refresh_usd", "maintenance_usd", "water_m3"]


@pytest.fixture(scope="module")
def portfolio():
    return gigawatt.evaluate("openai-portfolio")


def _sampled(result, n_blocks=2, seed=1):
    variables = unc.compile_variables(result.scenario, result.inputs)
    x = unc.draw(variables, unc.uniforms(seed, 0, n_blocks, sum(v.columns for v in variables), None))
    return unc.apply(result.inputs, variables, x)[0]


def _awkward(inputs):
    """Every branch of the kernel: refresh, fractional starts and lives, step and s-curve ramps, per-sample rates."""
    p = inputs.p
    n = len(p["gw_stated"])
    p["refresh"][: n // 4] = 1
    p["refresh"][n // 4: n // 2, ::2] = 1
    p["start_offset"][::3] += 0.37
    p["start_offset"][1::5] -= 30.0  # starts before the horizon
    p["it_life_months"][::7] = 13.5
    p["shape"][::2, 1] = 1
    p["shape"][1::2, 0] = 2
    p["ramp_months"][1::2, 0] = 0
    p["discount_rate"][n // 2:] = np.linspace(0.02, 0.12, n - n // 2)[:, None]
    return inputs


@needs_numba
def test_fused_totals_match_the_numpy_engine(portfolio):
    inputs = _awkward(_sampled(portfolio))
    groups = np.array([[1, 0, 1, 0, 1, 0, 1], [0, 1, 1, 1, 0, 0, 0], [1] * 7], float)[:, : len(portfolio.tranches)]
    a, na, ea = run_totals(inputs, ALL, groups=groups, kernel="numba", sums=SUMS)
    b, nb, eb = run_totals(inputs, ALL, groups=groups, kernel="numpy", sums=SUMS)
    for name in ALL:
        scale = np.abs(b[name]).max()
        assert np.abs(a[name] - b[name]).max() <= 1e-12 * scale, name
    for name in SUMS:
        assert ea["sums"][name] == pytest.approx(eb["sums"][name], rel=1e-12), name
        assert eb["sums"][name] == pytest.approx(b[name].sum(axis=1) if name in b else eb["sums"][name], rel=1e-15)
    assert na["npv_cost_usd"] == pytest.approx(nb["npv_cost_usd"], rel=1e-12)
    assert ea["delivered_gw_groups"] == pytest.approx(eb["delivered_gw_groups"], rel=1e-12, abs=1e-12)
    assert not np.array_equal(a["capex_usd"], 0 * a["capex_usd"])


@needs_numba
def test_fused_totals_catch_a_wrong_formula(portfolio, monkeypatch):
    """The comparison above can fail: break one weight and it must show."""
    from gigawatt.engine import core as engine
    inputs = _sampled(portfolio, 1)
    good, _ = run_totals(inputs, TOTAL_SERIES, kernel="numpy")
    real = engine.terms

    def broken(p, npl):
        t = real(p, npl)
        t["opex_usd"] = [(f, w * 1.000001) for f, w in t["opex_usd"]]
        return t

    monkeypatch.setattr(engine, "terms", broken)
    bad, _ = run_totals(inputs, TOTAL_SERIES, kernel="numba")
    assert np.abs(bad["opex_usd"] - good["opex_usd"]).max() > 1e-9 * np.abs(good["opex_usd"]).max()


def test_kernel_falls_back_to_numpy_where_it_cannot_run(portfolio):
    inputs = _sampled(portfolio, 1)
    ref, _ = run_totals(inputs, ["depreciation_usd", "online_gw"])  # depreciation is not fused: NumPy runs
    got, _ = run_totals(inputs, ["depreciation_usd", "online_gw"], kernel="numba")
    assert np.array_equal(got["depreciation_usd"], ref["depreciation_usd"])
    with pytest.raises(ValueError):
        run_totals(inputs, ["online_gw"], kernel="cuda")


def test_first_at_least_is_the_full_comparison():
    rng = np.random.default_rng(0)
    rows = np.cumsum(rng.random((200, 37)) * (rng.random((200, 37)) < 0.4), axis=1)
    rows[:5] = 0.0
    thr = np.concatenate([rng.random((200, 3)) * rows[:, -1:] * 1.2, rows[:, [0, 10, -1]]], axis=1)
    full = (rows[:, None, :] >= thr[:, :, None])
    expected = np.where(full.any(axis=2), full.argmax(axis=2), rows.shape[1])
    assert np.array_equal(kernels.first_at_least_numpy(rows, thr), expected)
    if kernels.AVAILABLE:
        assert np.array_equal(kernels.first_at_least(rows, thr), expected)


@needs_numba
@pytest.mark.parametrize("conditions", [(True, True), (True, False), (False, True)])
def test_vest_matches_vest_months(conditions):
    rng = np.random.default_rng(1)
    n_s, n_j, n_m, n = 300, 4, 50, 40
    grouped = np.cumsum(rng.random((n_s, n_j, n_m)) * 0.2, axis=2)
    prices = wm.gbm_paths(100.0, 0.5, 0.03, 0.0, n, n_s, rng)
    avg = wm.trailing_mean(prices, 3)
    milestones, hurdles = np.array([0.0, 1.0, 3.0, 6.0]), np.array([90.0, 120.0, 150.0, 260.0])
    for shift, month0 in ((-5, 10), (0, 0), (7, 3), (60, 0)):
        as_of = month0 + shift
        d = wm.on_grid(grouped, month0, as_of, n)
        expected = wm.vest_months(d, avg, milestones, hurdles, n, *conditions)
        got = kernels.vest(grouped, shift, avg, milestones, hurdles, n, *conditions)
        assert np.array_equal(got, expected), shift
        assert (got >= 0).any() and (got < 0).any()


@needs_numba
def test_bin_counts_match_numpy():
    rng = np.random.default_rng(2)
    values = rng.normal(size=(500, 3, 11))
    values[0, 0, 0] = np.nan
    values[1, 1, 1] = 1e300
    lo, width = np.full((3, 11), -2.0), np.full((3, 11), 4.0 / 50)
    h1, c1 = np.zeros((3, 11, 50), np.int64), np.zeros(3, np.int64)
    h2, c2 = np.zeros((3, 11, 50), np.int64), np.zeros(3, np.int64)
    kernels.bin_counts(values, lo, width, h1, c1)
    kernels.bin_counts_numpy(values, lo, width, h2, c2)
    assert np.array_equal(h1, h2) and np.array_equal(c1, c2)
    assert h1.sum() == values.size and c1.sum() > 2


@needs_numba
def test_simulate_numba_agrees_with_numpy(portfolio):
    a = simulate(portfolio, samples=1500, seed=3, kernel="numba")
    b = simulate(portfolio, samples=1500, seed=3, kernel="numpy")
    assert a["kernel"] == "numba" and b["kernel"] == "numpy"
    for key, row in b["percentiles"].items():
        for q, v in row.items():
            if isinstance(v, float):
                assert a["percentiles"][key][q] == pytest.approx(v, rel=1e-9, abs=1e-9), (key, q)
    for f, fan in b["fans"].items():
        width = (np.max(fan["p95"]) - np.min(fan["p5"]) + 1.0) / 2000 * 4
        assert np.allclose(a["fans"][f]["p50"], fan["p50"], rtol=0, atol=width), f
    assert a["milestones"] == b["milestones"]


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_chunking_and_ranges_do_not_change_results(portfolio, kernel):
    base = simulate(portfolio, samples=1300, seed=1, chunk_size=256, kernel=kernel)
    other = simulate(portfolio, samples=1300, seed=1, chunk_size=700, kernel=kernel)
    assert other["percentiles"] == base["percentiles"] and other["fans"] == base["fans"]
    assert other["milestones"] == base["milestones"]


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_range_partials_merge_to_the_serial_result(portfolio, kernel):
    """What Dask workers do, without a cluster: any split into ranges merges to the same counts."""
    r = portfolio
    variables = unc.compile_variables(r.scenario, r.inputs)
    from gigawatt.engine.mc import FANS, Job, _warrant_config

    ms = np.arange(1.0, 27.0)
    job = Job(r.inputs, variables, None, 9, None, ms, _warrant_config(r), kernel=kernel, chunk_blocks=1)
    probe = _evaluate(job, 0, 1, 256)["fans"]
    job.edges = {f: (probe[:, i].min(0) * 0.9, probe[:, i].max(0) * 1.1 + 1) for i, f in enumerate(FANS)}
    job.n_blocks, job.n_samples = 5, 1100
    whole = Reducer(r.inputs.n_months, len(ms), kernel)
    whole.merge(run_range(job))
    ref = whole.result()
    for n_ranges in (2, 3, 5):
        parts = split(job, n_ranges)
        assert sum(p.n_samples for p in parts) == 1100 and len(parts) == n_ranges
        red = Reducer(r.inputs.n_months, len(ms), kernel)
        for p in parts:
            partial = run_range(p)
            assert partial.nbytes < 1100 * 200 * 8  # compact: no dense histograms
            red.merge(partial)
        got = red.result()
        for key in ref["scalars"]:
            assert np.array_equal(got["scalars"][key], ref["scalars"][key], equal_nan=True), key
        assert all(np.array_equal(got["hist"][f], ref["hist"][f]) for f in FANS)
        assert np.array_equal(got["milestones"], ref["milestones"]) and got["clipped"] == ref["clipped"]
        assert np.array_equal(got["draws"], ref["draws"])


def test_without_numba_the_numpy_path_runs(portfolio, monkeypatch):
    monkeypatch.setattr(kernels, "AVAILABLE", False)
    monkeypatch.setattr(kernels, "WHY_NOT", "numba is not installed (test)")
    monkeypatch.delenv("GIGAWATT_KERNEL", raising=False)
    assert resolve_kernel("auto") == "numpy"
    out = simulate(portfolio, samples=300, seed=0)
    assert out["kernel"] == "numpy"
    with pytest.raises(GigawattError, match="numba"):
        simulate(portfolio, samples=300, seed=0, kernel="numba")
    inputs = _sampled(portfolio, 1)
    a, _ = run_totals(inputs, TOTAL_SERIES, kernel="numba")  # the engine falls back quietly
    b, _ = run_totals(inputs, TOTAL_SERIES)
    assert all(np.array_equal(a[n], b[n]) for n in TOTAL_SERIES)


def test_kernel_choice_from_the_environment(monkeypatch):
    monkeypatch.setenv("GIGAWATT_KERNEL", "numpy")
    assert resolve_kernel("auto") == "numpy"
    monkeypatch.setenv("GIGAWATT_KERNEL", "fortran")
    with pytest.raises(GigawattError):
        resolve_kernel("auto")


def test_import_without_numba_does_not_fail():
    import subprocess
    import sys

    code = ("import gigawatt.engine.kernels as k, gigawatt; from gigawatt.engine.mc import simulate; "
            "r = simulate(gigawatt.evaluate('openai-amd'), samples=300); print(k.AVAILABLE, r['kernel'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**__import__("os").environ,
                         "GIGAWATT_NO_NUMBA": "1"}, check=True).stdout.split()
    assert out == ["False", "numpy"]


@needs_numba
def test_vest_reads_distinct_groups_through_an_index():
    """The MC passes each distinct deliveries mask once, with the index of each warrant tranche's."""
    rng = np.random.default_rng(5)
    n_s, n_m, n = 200, 40, 36
    distinct = np.cumsum(rng.random((n_s, 2, n_m)) * 0.3, axis=2)
    index = np.array([0, 1, 1, 0])
    prices = wm.gbm_paths(100.0, 0.4, 0.03, 0.0, n, n_s, rng)
    milestones, hurdles = np.array([1.0, 2.0, 4.0, 6.0]), np.array([90.0, 110.0, 140.0, 200.0])
    full = kernels.vest(distinct[:, index], 3, prices, milestones, hurdles, n)
    got = kernels.vest(distinct, 3, prices, milestones, hurdles, n, index=index)
    assert np.array_equal(got, full) and (got >= 0).any() and (got < 0).any()
    assert not np.array_equal(kernels.vest(distinct, 3, prices, milestones, hurdles, n, index=1 - index), full)


@needs_numba
def test_reused_chunk_buffers_give_the_same_chunks(portfolio):
    """A range reuses its large arrays chunk after chunk: each chunk must come out as if computed alone
    (a value left over from the previous chunk would show here: the chunks differ)."""
    from gigawatt.engine.mc import Job, _warrant_config

    r = portfolio
    variables = unc.compile_variables(r.scenario, r.inputs)
    job = Job(r.inputs, variables, None, 4, None, np.arange(1.0, 27.0), _warrant_config(r), kernel="numba")
    work: dict = {}
    for b, nb, n in ((0, 2, 512), (2, 1, 256), (3, 2, 400), (5, 1, 100)):
        alone = _evaluate(job, b, nb, n)
        reused = _evaluate(job, b, nb, n, work)
        assert np.array_equal(reused["fans"], alone["fans"]) and np.array_equal(reused["first"], alone["first"])
        for key, v in alone["scalars"].items():
            assert np.array_equal(reused["scalars"][key], v, equal_nan=True), key
    assert work and reused["fans"].base is not None  # the buffers were used


@needs_numba
def test_fused_totals_match_the_numpy_engine_at_the_edges(portfolio):
    """Ramps past either end of the horizon, lives shorter than the ramp, ramps longer than the
    horizon, whole-month and fractional starts: the kernel skips months it knows are 0 or 1,
    and must still give the NumPy engine's numbers."""
    inputs = _sampled(portfolio, 2, seed=3)
    p = inputs.p
    n, n_t = p["gw_stated"].shape
    rng = np.random.default_rng(7)
    p["start_offset"][:] = rng.choice([-500.0, -40.0, -3.5, 0.0, 1.0, 7.25, 60.0, 118.0, 119.0, 119.9, 120.0, 121.0, 400.0], size=(n, n_t))
    p["ramp_months"][:] = rng.choice([0.0, 0.5, 1.0, 3.0, 17.3, 119.0, 300.0], size=(n, n_t))
    p["it_life_months"][:] = rng.choice([1.0, 2.0, 5.0, 36.0, 60.0, 1000.0], size=(n, n_t))
    p["shape"][:] = rng.choice([0, 1, 2], size=(n, n_t))
    p["refresh"][:] = rng.random((n, n_t)) < 0.3
    groups = np.array([[1, 0, 1, 0, 1, 0, 1], [1] * 7], float)[:, :n_t]
    a, na, ea = run_totals(inputs, ALL, groups=groups, kernel="numba", sums=SUMS)
    b, nb, eb = run_totals(inputs, ALL, groups=groups, kernel="numpy", sums=SUMS)
    for name in ALL:
        assert np.abs(a[name] - b[name]).max() <= 1e-12 * np.abs(b[name]).max(), name
        assert np.array_equal(a[name] == 0, b[name] == 0), name  # exact zeros stay exact (fan edges start at 0)
    for name in SUMS:  # scaled by the largest sample's: refresh capex is a difference of large terms
        assert ea["sums"][name] == pytest.approx(eb["sums"][name], rel=1e-12, abs=1e-12 * np.abs(eb["sums"][name]).max()), name
    assert na["npv_cost_usd"] == pytest.approx(nb["npv_cost_usd"], rel=1e-12, abs=1e-6)
    assert ea["delivered_gw_groups"] == pytest.approx(eb["delivered_gw_groups"], rel=1e-12, abs=1e-12)
