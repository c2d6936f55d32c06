"""Monte Carlo: reproducibility, invariance to chunking and workers, closed forms, the oracle."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import gigawatt
from gigawatt.engine.core import run_totals
from gigawatt.engine.mc import simulate
from tests.reference import NAMES, reference_npv, reference_totals
from gigawatt.scenario.spec import loads

DELAY = textwrap.dedent("""
    name: delay
    horizon: {start: 2026-01, end: 2031-12}
    deals: [{name: d, buyer: B, supplier: S, tranches: [{product: gb200, gw: 2, start: 2026-07, ramp_months: 12}]}]
    uncertainty:
      - {name: delay, dist: {type: uniform, low: 0, high: 12}, targets: [{field: start_delay_months}]}
""")


@pytest.fixture(scope="module")
def portfolio():
    return gigawatt.evaluate("openai-portfolio")


def test_same_seed_same_answer(portfolio):
    a = simulate(portfolio, samples=1000, seed=5)
    b = simulate(portfolio, samples=1000, seed=5)
    c = simulate(portfolio, samples=1000, seed=6)
    assert a["percentiles"] == b["percentiles"] and a["fans"] == b["fans"]
    assert a["percentiles"]["capex_usd"]["mean"] != c["percentiles"]["capex_usd"]["mean"]


def test_chunk_size_does_not_change_results(portfolio):
    a = simulate(portfolio, samples=1300, seed=1, chunk_size=256)
    b = simulate(portfolio, samples=1300, seed=1, chunk_size=5000)
    c = simulate(portfolio, samples=1300, seed=1, chunk_size=700)
    for other in (b, c):
        assert other["percentiles"] == a["percentiles"]
        assert other["fans"] == a["fans"]
        assert other["milestones"] == a["milestones"]


@pytest.mark.parametrize("kernel", ["auto", "numpy"])
def test_dask_workers_give_identical_results(portfolio, kernel):
    pytest.importorskip("dask.distributed")
    local = simulate(portfolio, samples=1300, seed=2, chunk_size=256, kernel=kernel)
    seen = []
    dist = simulate(portfolio, samples=1300, seed=2, chunk_size=512, workers=2, min_parallel_samples=0, kernel=kernel,
                    progress=seen.append)
    assert sum(seen) == 1300 and len(seen) > 1  # merged from more than one range
    assert dist["workers_used"] == 2 and dist["kernel"] == local["kernel"]
    assert dist["percentiles"] == local["percentiles"]
    assert dist["fans"] == local["fans"]
    assert dist["milestones"] == local["milestones"]


def test_local_cluster_workers_run_quietly():
    """The settings of QUIET_CLUSTER reach the worker processes (forked or spawned), not only this one."""
    pytest.importorskip("dask.distributed")
    import dask
    from dask.distributed import Client

    from gigawatt.engine import mc

    def settings():
        return {k: dask.config.get(k) for k in mc.QUIET_CLUSTER}

    cluster = mc.local_cluster(1)
    try:
        with Client(cluster) as client:
            seen = list(client.run(settings).values())
    finally:
        cluster.close()
    assert seen == [mc.QUIET_CLUSTER]
    assert dask.config.get("distributed.worker.profile.enabled") is True  # this process keeps its own settings


def test_few_samples_run_here_even_with_workers(portfolio):
    out = simulate(portfolio, samples=300, seed=2, workers=2)
    assert out["workers_used"] is None and any("too few for --workers" in n for n in out["notes"])
    assert out["percentiles"] == simulate(portfolio, samples=300, seed=2)["percentiles"]


def test_uniform_delay_percentiles_match_the_closed_form():
    r = gigawatt.evaluate(loads(DELAY))
    n = 50_000
    out = simulate(r, samples=n, seed=3)
    fan = out["fans"]["online_gw"]
    start = r.months.index("2026-07")
    for m in ("2027-01", "2027-06", "2027-12"):
        i = r.months.index(m)
        for q in (10, 50, 90):
            d = 12 * (1 - q / 100)  # online falls with the delay: the q-th percentile of online is at the (1-q)-th of delay
            expected = 2 * min(1.0, max(0.0, (i + 1 - start - d) / 12))
            # Sampling error of a quantile of U(0, 12): 12 sqrt(q(1-q)/n) months, x 2 GW / 12 months; 4 sigma + bin width.
            tol = 4 * 2 * np.sqrt(q / 100 * (1 - q / 100) / n) + 0.002
            assert fan[f"p{q}"][i] == pytest.approx(expected, abs=tol), (m, q)
    # Completion: first month with (m + 1 - start - d) / 12 >= 1, i.e. ceil(start + d + 11).
    comp = out["percentiles"]["completion_month_index"]
    assert comp["p10"] == pytest.approx(np.ceil(start + 1.2 + 11), abs=0.5)
    assert comp["p90"] == pytest.approx(np.ceil(start + 10.8 + 11), abs=0.5)


def test_all_fixed_equals_the_deterministic_run():
    text = DELAY.replace("{type: uniform, low: 0, high: 12}", "{type: fixed, value: 0}")
    r = gigawatt.evaluate(loads(text))
    out = simulate(r, samples=300, seed=0)
    h = r.horizon_sums()
    for key, expected in (("capex_usd", h["capex_usd"]), ("opex_usd", h["opex_usd"]), ("npv_cost_usd", r.totals()["npv_cost_usd"]),
                          ("energy_twh", h["energy_mwh"] / 1e6)):
        row = out["percentiles"][key]
        assert row["p5"] == pytest.approx(expected, rel=1e-12) and row["p95"] == pytest.approx(expected, rel=1e-12)


def test_engine_totals_match_the_naive_reference(portfolio):
    inputs = portfolio.inputs.with_samples(3)
    inputs.p["start_offset"][1] += 2.5          # a fractional delay
    inputs.p["refresh"][2, :] = 1               # refresh everything in sample 2
    inputs.p["ramp_months"][2] *= 1.5
    inputs.p["discount_rate"][:] = 0.08
    ref = reference_totals(inputs)
    got, npl = run_totals(inputs, list(NAMES))
    for name in NAMES:
        assert got[name] == pytest.approx(np.array(ref[name]), rel=1e-9, abs=1e-3), name
    assert npl["npv_cost_usd"].sum(axis=1) == pytest.approx(np.array(reference_npv(inputs)), rel=1e-9)


def test_warrant_and_milestones_in_the_mc():
    out = simulate(gigawatt.evaluate("openai-amd"), samples=2000, seed=4)
    w = out["warrant"]
    # P(vest) and the value against closed forms, an independent simulation and `deal`: test_warrant_consistency.py
    assert w["value_usd"]["p10"] <= w["value_usd"]["p50"] <= w["value_usd"]["p90"]
    ms = out["milestones"]
    prob = np.array(ms["prob_delivered_by"])
    assert np.all(np.diff(prob, axis=1) >= 0)   # more likely as time passes
    assert np.all(np.diff(prob, axis=0) <= 0)   # less likely for a bigger milestone
    assert ms["gw"][-1] == 6.0


def test_mc_cli_json_and_errors(tmp_path):
    import json

    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    res = CliRunner().invoke(app, ["mc", "openai-amd", "--samples", "500", "--seed", "7", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert {"p5", "p10", "p50", "p90", "p95"} <= set(d["fans"]["online_gw"]) and d["samples"] == 500
    path = tmp_path / "plain.yaml"
    path.write_text(DELAY.split("uncertainty:")[0])
    res = CliRunner().invoke(app, ["mc", str(path)])
    assert "no `uncertainty:` block" in str(res.exception)


def test_typed_result_round_trips_the_dict_contract():
    import json

    from gigawatt.engine.mc import MCResult, simulate

    r = gigawatt.evaluate("openai-amd")
    plain = simulate(r, samples=700, seed=3).to_dict()
    typed = simulate(r, samples=700, seed=3)
    assert isinstance(typed, MCResult) and typed.warrant is not None
    d = typed.to_dict()
    assert list(d) == list(plain) and json.dumps(d) == json.dumps(plain)  # same keys, order and values
    frame = typed.to_frame()
    assert frame.loc["capex_usd", "p50"] == plain["percentiles"]["capex_usd"]["p50"]
    assert list(frame.columns) == ["p5", "p10", "p50", "p90", "p95", "mean", "unit"] and set(frame.index) == set(plain["percentiles"])
    no_warrant = simulate(gigawatt.evaluate(loads(DELAY)), samples=300, seed=0)
    assert "warrant" not in no_warrant and no_warrant.warrant is None
    assert MCResult.from_dict(no_warrant.to_dict()).to_dict() == no_warrant.to_dict()
    with pytest.raises(ValueError):
        MCResult.from_dict({**plain, "extra": 1})


@pytest.mark.parametrize("a,b", [(2.419, 3.581), (1.0001, 4.9999), (3.0, 3.0), (1.2, 1.3), (4.9, 1.1), (1.0, 5.0), (5.0, 1.0)])
def test_beta_quantile_equals_betaincinv_to_rounding(a, b):
    """The PERT draw's fast beta quantile (a table, then Newton steps) against SciPy's inversion:
    equal to ~1e-13 relative everywhere, ends and tails included, in any array shape."""
    from scipy.special import betaincinv

    from gigawatt.engine.uncertainty import beta_ppf

    rng = np.random.default_rng(0)
    u = np.concatenate([rng.random(20_000), [0.0, 1.0, 1e-12, 1 - 1e-12, 0.5, 2.0 ** -14, 1 - 2.0 ** -14], np.linspace(0, 1, 5001)])
    got, ref = beta_ppf(a, b, u), betaincinv(a, b, u)
    assert np.all(np.abs(got - ref) <= 1e-13 * np.abs(ref) + 1e-300)
    assert np.all(np.diff(beta_ppf(a, b, np.linspace(0, 1, 20001))) >= 0)
    assert np.array_equal(beta_ppf(a, b, u[:600].reshape(200, 3)), got[:600].reshape(200, 3))
    assert not np.allclose(beta_ppf(a, b, u), betaincinv(b, a, u), rtol=1e-6) or a == b


def test_mc_result_json_is_a_fresh_copy_and_its_non_finite_numbers_are_caught():
    """to_dict() (and the read-only view) never hand out the result's own dicts, and
    check_finite looks inside a typed result rather than passing it unread."""
    import dataclasses

    from gigawatt.core.bounds import check_finite
    from gigawatt.core.errors import GigawattError

    m = simulate(gigawatt.evaluate("openai-amd"), samples=300, seed=0)
    d = m.to_dict()
    d["percentiles"]["capex_usd"]["p50"] = -1.0
    assert m.to_dict()["percentiles"]["capex_usd"]["p50"] != -1.0 and m.percentiles["capex_usd"]["p50"] != -1.0
    bad = dataclasses.replace(m, percentiles={**m.percentiles, "capex_usd": {**m.percentiles["capex_usd"], "p50": float("nan")}})
    with pytest.raises(GigawattError, match=r"mc\.percentiles\.capex_usd\.p50"):
        check_finite({"mc": bad})


def test_a_run_that_would_not_fit_in_memory_is_refused_before_it_starts(portfolio):
    """Per-sample results are kept for exact percentiles: 10^9 samples asked ~250 GB and grew
    until the machine ran out. The check uses the scenario's own bytes a sample."""
    from gigawatt.core.errors import GigawattError
    from gigawatt.engine import mc

    per = 8 * (11 + 11)  # the portfolio: 11 scalars and 11 drawn columns
    with pytest.raises(GigawattError, match=f"at most {10_000_000 // (2 * per):,} samples") as err:
        simulate(portfolio, samples=1_000_000, seed=1, max_memory_bytes=10_000_000)
    assert f"{per} bytes a sample" in str(err.value)
    ok = simulate(portfolio, samples=10_000_000 // (2 * per), seed=1, max_memory_bytes=10_000_000)
    assert ok["samples"] == 10_000_000 // (2 * per)
    assert mc.machine_memory_bytes() is None or mc.machine_memory_bytes() > 2**30


def test_completion_month_has_a_mean_month(portfolio):
    """The completion row's Mean column printed "100% done"; the mean is a month like the percentiles."""
    out = simulate(portfolio, samples=512, seed=3)
    row = out["percentiles"]["completion_month_index"]
    assert row["mean_month"] is not None and row["p5_month"] <= row["mean_month"] <= row["p95_month"]
