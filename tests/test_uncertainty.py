"""Distributions (against scipy.stats), the copula, and applying draws to inputs."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest
from scipy import stats

import gigawatt
from gigawatt.engine import uncertainty as unc
from gigawatt.core.errors import GigawattError
from gigawatt.engine.mc import simulate
from gigawatt.scenario.spec import Distribution, loads
from gigawatt.engine.uncertainty import ppf

U = np.linspace(0.001, 0.999, 199)
ONE_TRANCHE = textwrap.dedent("""
        name: c
        horizon: {start: 2026-01, end: 2030-12}
        deals: [{name: d, buyer: B, supplier: S, tranches: [{product: gb200, gw: 1, start: 2026-07}]}]
""")


@pytest.mark.parametrize("spec,reference", [
    ({"type": "uniform", "low": 2, "high": 5}, stats.uniform(2, 3).ppf),
    ({"type": "triangular", "low": 0, "mode": 3, "high": 12}, stats.triang(0.25, 0, 12).ppf),
    ({"type": "pert", "low": 58, "mode": 80, "high": 120}, stats.beta(1 + 4 * 22 / 62, 1 + 4 * 40 / 62, loc=58, scale=62).ppf),
    ({"type": "normal", "mean": 1, "sd": 0.2}, stats.norm(1, 0.2).ppf),
    ({"type": "normal", "mean": 1, "sd": 0.2, "low": 0.8, "high": 1.5}, stats.truncnorm(-1, 2.5, loc=1, scale=0.2).ppf),
    ({"type": "lognormal", "median": 1, "sigma": 0.15}, stats.lognorm(0.15, scale=1).ppf),
])
def test_inverse_cdfs_match_scipy_stats(spec, reference):
    assert unc.ppf(Distribution(**spec), U) == pytest.approx(reference(U), rel=1e-9, abs=1e-12)


def test_truncated_lognormal_stays_in_bounds_and_keeps_the_shape():
    d = Distribution(type="lognormal", median=1.0, sigma=0.5, low=0.7, high=1.8)
    x = unc.ppf(d, U)
    assert x.min() >= 0.7 and x.max() <= 1.8 and np.all(np.diff(x) > 0)
    ref = stats.truncnorm((np.log(0.7)) / 0.5, np.log(1.8) / 0.5, scale=0.5)
    assert np.log(x) == pytest.approx(ref.ppf(U), rel=1e-9, abs=1e-12)


def test_discrete_and_fixed():
    d = Distribution(type="discrete", values=[0, 6, 12], probs=[0.5, 0.3, 0.2])
    x = unc.ppf(d, np.array([0.1, 0.49, 0.5, 0.79, 0.81, 0.999]))
    assert x.tolist() == [0, 0, 6, 6, 12, 12]
    assert unc.ppf(Distribution(type="fixed", value=3.5), U).tolist() == [3.5] * len(U)


@pytest.mark.parametrize("spec,fragment", [
    ({"type": "triangular", "low": 0, "high": 5}, "needs low, mode, high; missing mode"),
    ({"type": "uniform", "low": 5, "high": 1}, "low (5) must be below high (1)"),
    ({"type": "pert", "low": 0, "mode": 9, "high": 5}, "mode (9) must be between"),
    ({"type": "discrete", "values": [1, 2], "probs": [0.5, 0.6]}, "add up to 1"),
    ({"type": "normal", "mean": 0, "sd": -1}, "greater than 0"),
])
def test_bad_distributions(spec, fragment):
    import re

    with pytest.raises(ValueError, match=re.escape(fragment)):
        Distribution(**spec)


def test_copula_gives_the_stated_rank_correlation():
    text = ONE_TRANCHE + textwrap.dedent("""
        uncertainty:
          - {name: a, dist: {type: uniform, low: 0, high: 1}, targets: [{field: start_delay_months}]}
          - {name: b, dist: {type: uniform, low: 0, high: 1}, targets: [{field: capex_multiplier}]}
        correlation: {names: [a, b], matrix: [[1, 0.8], [0.8, 1]]}
    """)
    r = gigawatt.evaluate(loads(text))
    variables = unc.compile_variables(r.scenario, r.inputs)
    u = unc.uniforms(3, 0, 200, 2, unc.cholesky(r.scenario, variables))
    rho = stats.spearmanr(u[:, 0], u[:, 1])[0]
    assert rho == pytest.approx(6 / np.pi * np.arcsin(0.8 / 2), abs=0.01)  # Gaussian-copula rank correlation


def test_blocks_are_the_same_however_they_are_grouped():
    a = unc.uniforms(7, 0, 4, 3, None)
    b = np.concatenate([unc.uniforms(7, i, 1, 3, None) for i in range(4)])
    assert np.array_equal(a, b)


def test_unknown_field_and_unmatched_target_are_errors():
    text = ONE_TRANCHE + textwrap.dedent("""
        uncertainty:
          - {name: a, dist: {type: uniform, low: 0, high: 1}, targets: [{field: start_delay_month}]}
          - {name: b, dist: {type: uniform, low: 0, high: 1}, targets: [{field: capex_multiplier, product: mi450}]}
    """)
    r = gigawatt.evaluate(loads(text))
    with pytest.raises(GigawattError) as e:
        unc.compile_variables(r.scenario, r.inputs, "c.yaml")
    msg = str(e.value)
    assert "uncertainty[0].targets[0].field" in msg and "start_delay_months" in msg
    assert "uncertainty[1].targets[0]: matches no tranche" in msg


@pytest.mark.parametrize("block,fragment", [
    ("correlation: {names: [a, zz], matrix: [[1, 0], [0, 1]]}", "not uncertainty variables"),
    ("correlation: {names: [a, a], matrix: [[1, 0], [0, 1]]}", "names must be distinct"),
    ("correlation: {names: [a, b], matrix: [[1, 1.5], [1.5, 1]]}", "entries in [-1, 1]"),
])
def test_bad_correlations(block, fragment):
    text = ONE_TRANCHE + textwrap.dedent("""
        uncertainty:
          - {name: a, dist: {type: uniform, low: 0, high: 1}, targets: [{field: start_delay_months}]}
          - {name: b, dist: {type: uniform, low: 0, high: 1}, targets: [{field: capex_multiplier}]}
    """) + block + "\n"
    with pytest.raises(GigawattError) as e:
        loads(text)
    assert fragment in str(e.value)


def test_a_sampled_fractional_life_still_writes_off_all_the_capex():
    """A `set` on it_life_months of 59.7 used to depreciate 99.2 % of the capex (59.7/60.2 of a month
    grid); lives are whole months, so it is 60 and the write-off is complete within the horizon."""
    from gigawatt.engine.core import run

    text = ONE_TRANCHE.replace("end: 2030-12", "end: 2040-12") + "finance: {facility_life_years: 10}\n" + textwrap.dedent("""
        uncertainty:
          - name: life
            dist: {type: fixed, value: 59.7}
            targets: [{field: it_life_months, op: set}]
    """)
    r = gigawatt.evaluate(loads(text))
    variables = unc.compile_variables(r.scenario, r.inputs)
    sampled, _ = unc.apply(r.inputs.with_samples(4), variables, unc.draw(variables, np.full((4, 1), 0.5)))
    assert sampled.p["it_life_months"][:, 0].tolist() == [60.0] * 4
    series, _ = run(sampled)
    # Straight-line depreciation over whole lives that end inside the horizon adds up to the capex.
    np.testing.assert_allclose(series["depreciation_usd"].sum(axis=(1, 2)), series["capex_usd"].sum(axis=(1, 2)), rtol=1e-9)


def test_truncated_normals_stay_inside_far_tail_bounds():
    assert np.all(np.abs(ppf(Distribution(type="normal", mean=0, sd=1, low=20, high=30), np.linspace(0.01, 0.99, 9)) - 20) < 1)
    x = ppf(Distribution(type="lognormal", median=1, sigma=0.1, low=5, high=6), np.linspace(0.01, 0.99, 9))
    assert x.min() >= 5 and x.max() <= 6


GRID = textwrap.dedent("""
    name: g
    horizon: {start: 2026-01, end: 2032-12}
    site: {grid_requested: 2026-01, grid_lead_time_months: 24}
    deals: [{name: d, buyer: B, supplier: S, tranches: [{product: gb200, gw: 1, start: 2026-07, ramp_months: 12}]}]
    uncertainty:
      - {name: slip, dist: {type: fixed, value: 6}, targets: [{field: start_delay_months}]}
""")


def test_a_slip_does_not_add_to_the_grid_wait():
    r = gigawatt.evaluate(loads(GRID))
    assert r.tranches[0].start == "2028-01" and r.tranches[0].requested_start == "2026-07"
    out = simulate(r, samples=256)
    # Requested 2026-07 + 6 months = 2027-01, still before the grid (2028-01): full by 2028-12, as in `plan`.
    assert out["percentiles"]["completion_month_index"]["p50_month"] == "2028-12"


def test_sampled_values_outside_their_field_are_refused():
    text = GRID.replace("{type: fixed, value: 6}, targets: [{field: start_delay_months}]",
                        "{type: uniform, low: 0.5, high: 1.5}, targets: [{field: achievable}]")
    with pytest.raises(GigawattError, match="uncertainty 'slip' makes achievable go to .* outside the valid 0.000001 to 1"):
        simulate(gigawatt.evaluate(loads(text)), samples=256)


OWN_PUE = textwrap.dedent("""
        name: own
        horizon: {start: 2026-01, end: 2032-12}
        site: {pue: 1.05}
        deals: [{name: d, buyer: B, supplier: S, tranches: [{product: mi450, gw: 1, start: 2026-07}]}]
""")


def test_catalog_ranges_sample_the_facts_the_run_used_and_nothing_the_scenario_set():
    r = gigawatt.evaluate(loads(OWN_PUE))
    variables = unc.catalog_range_variables(r.inputs)
    names = {v.name for v in variables}
    assert not any("pue" in n for n in names)  # the scenario's own PUE is not the catalog's to sample
    fact = r.catalog.defaults["topdown_usd_per_gw"].value
    assert fact.low is not None and f"catalog.defaults.topdown_usd_per_gw.value" in names
    v = next(v for v in variables if v.name == "catalog.defaults.topdown_usd_per_gw.value")
    assert (v.dist.type, v.dist.low, v.dist.mode, v.dist.high) == ("pert", fact.low / fact.x, 1.0, fact.high / fact.x)
    n = 512
    sampled, _ = unc.apply(r.inputs.with_samples(n), variables, unc.draw(variables, np.random.default_rng(1).random((n, len(variables)))))
    x = sampled.p["topdown_usd_per_gw"][:, 0]
    assert fact.low - 1e-6 <= x.min() < fact.x < x.max() <= fact.high + 1e-6
    assert np.all(sampled.p["pue"] == 1.05)


def test_mc_with_catalog_ranges_needs_no_uncertainty_block(tmp_path):
    import json

    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    path = tmp_path / "own.yaml"
    path.write_text(OWN_PUE)
    refused = CliRunner().invoke(app, ["mc", str(path), "--samples", "300"])
    assert isinstance(refused.exception, GigawattError) and "--catalog-ranges" in str(refused.exception)
    out = CliRunner().invoke(app, ["mc", str(path), "--samples", "300", "--catalog-ranges", "--json"])
    assert out.exit_code == 0, out.output
    pct = json.loads(out.stdout)["percentiles"]["capex_usd"]
    assert pct["p5"] < pct["p95"]  # the catalog's ranges make capex vary


def test_variables_are_labelled_by_what_they_move_not_by_their_identifier():
    r = gigawatt.evaluate("openai-amd")
    labels = {v.name: unc.variable_label(v, r.inputs, "en", {"mi450": "AMD Instinct MI450"})
              for v in unc.compile_variables(r.scenario, r.inputs)}
    assert labels["amd_mi450_slip_months"] == "Start delay (months) — AMD Instinct MI450 (OpenAI-AMD)"
    assert labels["amd_share_price_volatility"] == "Share price volatility"
    ja = {v.name: unc.variable_label(v, r.inputs, "ja") for v in unc.compile_variables(r.scenario, r.inputs)}
    assert ja["amd_capex_overrun"].startswith("設備投資の倍率")
    assert not any("_" in text for text in labels.values())
