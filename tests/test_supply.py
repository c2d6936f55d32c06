"""Supply: demand by hand, conservation, monotonicity, and the constrained schedule."""
from __future__ import annotations

import textwrap
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gigawatt
from gigawatt.scenario.spec import loads
from gigawatt.analyses.supply import constrained, constrained_delivered, monthly_capacity, supply_report, world_capacity

ACC = 800e6 / 1800.0  # toy: 444,444 accelerators in 1 GW (see test_engine)


@pytest.fixture
def toy(toy_catalog, toy_scenario_text):
    return gigawatt.evaluate(loads(toy_scenario_text), catalog=toy_catalog)


def test_demand_by_hand(toy):
    s = toy.monthly(["hbm_gb_bought", "cowos_wafers", "accelerators_bought"])
    # 4-month linear ramp: a quarter of the accelerators a month; 100 GB each; 20 x 0.8 = 16 good packages per wafer.
    assert s["accelerators_bought"][:4].tolist() == pytest.approx([ACC / 4] * 4)
    assert s["hbm_gb_bought"][:4].tolist() == pytest.approx([ACC / 4 * 100] * 4)
    assert s["cowos_wafers"][:4].tolist() == pytest.approx([ACC / 4 / 16] * 4)
    q = supply_report(toy).quarters
    assert q[0].quarter == "2026-Q1" and q[0].hbm_gb == pytest.approx(ACC * 0.75 * 100)
    assert q[0].hbm_stacks == pytest.approx(ACC * 0.75 * 5)
    assert q[1].cowos_wafers == pytest.approx(ACC * 0.25 / 16)


def test_capacity_series_by_hand():
    cat = gigawatt.load_catalog()
    tsmc = cat.series["cowos_wafers_tsmc"]
    m0 = 2025 * 12 + 11  # December 2025: exactly the 2025 year-end point
    got = monthly_capacity(tsmc, m0, 13)
    assert got[0] == 75000 and got[12] == 115000  # end-2026: JPMorgan 115k (hardware-2026 §2a)
    assert got[6] == pytest.approx(75000 + (115000 - 75000) * 6 / 12)
    hbm = cat.series["hbm_gb_per_year"]
    mid_2026 = 2026 * 12 + 6  # July 2026 = year midpoint: the 2026 total spread over 12 months
    assert monthly_capacity(hbm, mid_2026, 1)[0] == pytest.approx(3.75e9 / 12, rel=0.05)
    assert monthly_capacity(hbm, 2040 * 12, 1)[0] == pytest.approx(10.5e9 / 12)  # held after the last point
    low = world_capacity(cat, m0, 1, "low")["cowos_wafers"][0]
    high = world_capacity(cat, m0, 1, "high")["cowos_wafers"][0]
    assert low < world_capacity(cat, m0, 1)["cowos_wafers"][0] < high


def test_quarters_conserve_demand_across_tranches():
    r = gigawatt.evaluate("openai-portfolio")
    rep = supply_report(r)
    assert sum(q.hbm_gb for q in rep.quarters) == pytest.approx(r.series["hbm_gb_bought"].sum())
    per_tranche = (r.series["accelerators_bought"][0].sum(axis=1) * r.inputs.p["hbm_gb"][0])
    assert per_tranche.sum() == pytest.approx(r.series["hbm_gb_bought"].sum())
    # No refresh in the built-ins: every accelerator is bought once.
    assert r.series["accelerators_bought"][0].sum() == pytest.approx(r.totals()["accelerators"], rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.1, 5.0), st.floats(1.01, 3.0))
def test_more_gw_never_less_hbm_or_wafers(gw, factor):
    def run(g):
        text = (f"name: m\nhorizon: {{start: 2026-01, end: 2030-12}}\ndeals:\n  - name: d\n    buyer: B\n    supplier: S\n"
                f"    tranches:\n      - {{product: gb300, gw: {g!r}, start: 2026-07, ramp_months: 12}}\n")
        return gigawatt.evaluate(loads(text))
    a, b = run(gw), run(gw * factor)
    assert b.series["hbm_gb_bought"].sum() >= a.series["hbm_gb_bought"].sum()
    assert b.series["cowos_wafers"].sum() >= a.series["cowos_wafers"].sum()


def test_binding_input_and_quarter():
    r = gigawatt.evaluate("openai-portfolio")
    assert supply_report(r, allocable_share=1.0).binding is None
    b = supply_report(r, allocable_share=0.05).binding
    assert b.input in ("hbm_gb", "cowos_wafers") and b.share_of_world > 0.05
    first = next(q for q in supply_report(r).quarters if q.hbm_gb > 0)
    assert b.quarter == first.quarter  # at 5% it binds as soon as deliveries start


def test_ample_supply_does_not_slip_and_cut_supply_does():
    r = gigawatt.evaluate("openai-portfolio")
    same, slips = constrained(r, allocable_share=1.0)
    assert all(s.slip_months == 0 for s in slips)
    assert np.allclose(same.series["delivered_gw"], r.series["delivered_gw"])
    cut, slips = constrained(r, allocable_share=0.08)
    assert any((s.slip_months or 0) > 0 or s.constrained_completion is None for s in slips)
    assert np.all(cut.series["delivered_gw"] <= r.series["delivered_gw"] + 1e-9)
    # Deliveries only move later: total delivered by the horizon end never exceeds the plan.
    assert cut.totals()["gw"] == r.totals()["gw"]


def test_constrained_deliveries_respect_capacity_each_month():
    r = gigawatt.evaluate("openai-portfolio")
    cat = r.catalog
    cap = world_capacity(cat, r.inputs.month0, len(r.months))
    share = 0.08
    delivered = constrained_delivered(r, cap, share)
    new, _ = constrained(r, allocable_share=share)
    first_buys = np.diff(delivered, axis=-1, prepend=0.0)[0] * (r.nameplate["accelerators"][0][:, None])
    hbm = (first_buys * r.inputs.p["hbm_gb"][0][:, None]).sum(axis=0)
    assert np.all(hbm <= cap["hbm_gb"] * share * (1 + 1e-9))
    wafers = (first_buys / r.inputs.p["packages_per_wafer"][0][:, None]).sum(axis=0)
    assert np.all(wafers <= cap["cowos_wafers"] * share * (1 + 1e-9))
    assert np.allclose(new.series["hbm_gb_bought"][0].sum(axis=0), hbm)


def test_supply_json_contract(toy):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    out = CliRunner().invoke(app, ["supply", "openai-amd", "--constrained", "--share", "0.02", "--json"])
    assert out.exit_code == 0, out.output
    import json

    d = json.loads(out.stdout)
    assert {"quarter", "hbm_gb", "hbm_share_of_world", "cowos_wafers", "cowos_share_of_world"} <= set(d["quarters"][0])
    assert d["binding"]["input"] in ("hbm_gb", "cowos_wafers")
    assert set(d["slip_months"]) == {f"{t.index}: {t.deal} / {t.label}" for t in gigawatt.evaluate("openai-amd").tranches}


@pytest.mark.parametrize("share", [0.03, 0.06, 0.1, 0.25])
def test_binding_is_reported_exactly_when_the_constrained_schedule_slips(share):
    r = gigawatt.evaluate("openai-portfolio")
    binding = supply_report(r, allocable_share=share).binding
    _, slips = constrained(r, allocable_share=share)
    delayed = any(s.mean_delay_months > 1e-9 for s in slips)
    assert (binding is not None) == delayed


def test_slips_of_tranches_with_the_same_label_are_all_kept():
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

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
