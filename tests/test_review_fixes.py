"""Regression tests for problems found in review (each once gave a wrong answer or a traceback)."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import gigawatt
from gigawatt.deals import PriceOptions, analyse, parse_price_path
from gigawatt.errors import GigawattError
from gigawatt.mc import run_job, simulate
from gigawatt.scenario import BUILTIN_DIR, Distribution, loads
from gigawatt.supply import constrained, supply_report
from gigawatt.uncertainty import ppf


@pytest.mark.parametrize("share", [0.03, 0.06, 0.1, 0.25])
def test_binding_is_reported_exactly_when_the_constrained_schedule_slips(share):
    r = gigawatt.evaluate("openai-portfolio")
    binding = supply_report(r, allocable_share=share)["binding"]
    _, slips = constrained(r, allocable_share=share)
    delayed = any(s["mean_delay_months"] > 1e-9 for s in slips)
    assert (binding is not None) == delayed


def test_slips_of_tranches_with_the_same_label_are_all_kept():
    from typer.testing import CliRunner

    from gigawatt.cli import app

    text = textwrap.dedent("""
        name: dup
        horizon: {start: 2026-01, end: 2034-12}
        deals:
          - {name: A, buyer: B, supplier: S, tranches: [{product: mi450, gw: 2, start: 2027-01}]}
          - {name: C, buyer: B, supplier: S, tranches: [{product: mi450, gw: 2, start: 2027-01}]}
    """)
    import json
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "dup.yaml"
    path.write_text(text)
    out = json.loads(CliRunner().invoke(app, ["supply", str(path), "--constrained", "--share", "0.05", "--json"]).stdout)
    assert len(out["slip_months"]) == 2


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


def test_mc_keeps_no_chunk_arrays_alive():
    r = gigawatt.evaluate("openai-amd")
    from gigawatt import mc

    variables = mc.unc.compile_variables(r.scenario, r.inputs)
    job = mc.Job(r.inputs, variables, None, 0, None, np.array([1.0]), None, n_samples=256)
    part = run_job(job)
    for name, v in part.scalars.items():
        assert v.base is None or v.base.nbytes <= v.nbytes, name


def test_variables_of_included_scenarios_can_be_correlated(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(textwrap.dedent("""
        name: p
        horizon: {start: 2026-01, end: 2035-12}
        include: [openai-amd, openai-nvidia]
        correlation: {names: [amd_mi450_slip_months, nvidia_rubin_slip_months], matrix: [[1, 0.7], [0.7, 1]]}
    """))
    sc = gigawatt.load(p)
    assert set(sc.correlation.names) >= {"amd_mi450_slip_months", "nvidia_rubin_slip_months"}


def test_deal_inputs_are_checked():
    for bad in ("2026-12: inf", "2026-12: nan"):
        with pytest.raises(GigawattError, match="must be from 0.01 to 1,000,000 USD"):
            parse_price_path(bad)
    r = gigawatt.evaluate("openai-amd")
    with pytest.raises(GigawattError, match="not after the valuation month"):
        analyse(r, PriceOptions(path={"2020-01": 100.0}))


def test_warrant_valuation_month_must_be_inside_its_life(tmp_path):
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text().replace("as_of: 2025-10", "as_of: 2031-06")
    with pytest.raises(GigawattError, match=r"underlying.as_of \(2031-06\) must be from issued"):
        loads(text)


def test_a_tranche_that_can_never_vest_is_flagged():
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text().replace("products: [mi450]", "products: [mi45]")
    w = analyse(gigawatt.evaluate(loads(text)), PriceOptions(samples=100))["warrant"]
    assert any("tranche 1" in m and "can never vest" in m for m in w["warnings"])


def test_eps_by_quarter_adds_up_to_the_year():
    s = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=500))["supplier"]
    gp = sum(v for q, v in s["gross_profit_usd_by_quarter"].items() if q.startswith("2029"))
    assert gp == pytest.approx(s["gross_profit_usd_by_year"]["2029"])
    assert set(s["eps_usd_by_quarter"]) == set(s["gross_profit_usd_by_quarter"])


def test_real_world_drift_is_labelled():
    w = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=500, drift=0.3))["warrant"]
    assert "not a market value" in w["price_mode"]


@pytest.mark.parametrize("args,fragment", [
    (["--as-of", "2026-11"], "give --spot and --as-of together"),
    (["--price-path", "2026-12: 300", "--volatility", "0.4"], "mean nothing with --price-path"),
    (["--spot", "nan", "--as-of", "2026-11"], "--spot must be from 0.01"),
])
def test_deal_cli_refuses_meaningless_options(monkeypatch, capsys, args, fragment):
    import sys

    from gigawatt import cli

    monkeypatch.setattr(sys, "argv", ["gigawatt", "deal", "openai-amd", *args])
    with pytest.raises(SystemExit) as e:
        cli.main()
    assert e.value.code == 2 and fragment in capsys.readouterr().err


def test_optimizer_respects_the_grid_and_names_the_offer():
    import yaml

    from gigawatt.optimize import Spec, solve

    spec = Spec.model_validate(yaml.safe_load(textwrap.dedent("""
        name: t
        horizon: {start: 2026-01, end: 2031-12}
        site: {grid_requested: 2026-01, grid_lead_time_months: 24}
        target: {gw: 3, by: 2029-12}
        offers:
          - {product: mi450, earliest: 2026-07, max_gw_per_quarter: 1.0}
          - {product: vr200, earliest: 2026-07, max_gw_per_quarter: 1.0, max_gw_total: 1}
    """)))
    out = solve(spec)
    assert min(r["quarter"] for r in out["plan"]) >= "2028-Q1" and out["grid_ready"] == "2028-01"
    spec.target.gw = 100
    with pytest.raises(GigawattError, match=r"allow at most (\d+\.\d+)") as e:
        solve(spec)
    # mi450: 1 GW a quarter for the 8 quarters of 2028-2029, plus vr200's 1 GW total cap.
    assert float(e.value.args[0].split("allow at most ")[1]) == pytest.approx(9.0, abs=0.01)
