"""The engine against a one-tranche toy scenario computed by hand (see conftest numbers).

Hand computation, 1 GW facility basis, PUE 1.25:
  IT power            1 GW / 1.25 = 800 MW
  all-in IT per GPU   15 kW / 10 x 1.2 = 1,800 W
  accelerators        800e6 / 1800 = 444,444.4;  systems = 44,444.4
  capex               systems $44.444B + network 20% $8.889B + facility 800 MW x $10M = $8B -> $61.333B
  top-down            1 GW x $40B = $40B
  energy              1,000 MW x 0.5 x 8,760 h = 4.38 TWh/yr; 365,000 MWh a month at full build
"""
from __future__ import annotations

import numpy as np
import pytest

from gigawatt import evaluate
from gigawatt.scenario.spec import loads

ACC = 800e6 / 1800.0


@pytest.fixture
def toy(toy_catalog, toy_scenario_text):
    return evaluate(loads(toy_scenario_text), catalog=toy_catalog)


def test_nameplate_matches_hand_computation(toy):
    t = toy.totals()
    assert t["gw"] == 1.0
    assert t["gw_it"] == pytest.approx(0.8)
    assert t["it_mw"] == pytest.approx(800.0)
    assert t["accelerators"] == pytest.approx(ACC)
    assert t["systems"] == pytest.approx(ACC / 10)
    assert t["capex_systems_usd"] == pytest.approx(44.4444444e9, rel=1e-8)
    assert t["capex_network_usd"] == pytest.approx(8.8888889e9, rel=1e-7)
    assert t["capex_facility_usd"] == pytest.approx(8e9)
    assert t["capex_usd"] == pytest.approx(61.3333333e9, rel=1e-8)
    assert t["capex_topdown_usd"] == pytest.approx(40e9)
    assert t["capex_ratio_topdown_to_bottomup"] == pytest.approx(40 / 61.3333333, rel=1e-7)
    assert t["energy_twh_per_year"] == pytest.approx(4.38)
    assert t["peak_pflops_bf16"] == pytest.approx(ACC * 1000 / 1e3)
    assert t["effective_pflops_bf16"] == pytest.approx(ACC * 0.8 * 0.5)
    assert t["hbm_gb"] == pytest.approx(ACC * 100)


def test_linear_ramp_then_retirement_after_five_years(toy):
    online = toy.monthly(["online_gw"])["online_gw"]
    assert online[:5].tolist() == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0])
    # Cohorts delivered in months 0..3 retire in months 60..63.
    assert online[59:64].tolist() == pytest.approx([1.0, 0.75, 0.5, 0.25, 0.0])
    assert online[64:].max() == 0.0


def test_monthly_flows_at_full_build(toy):
    s = toy.monthly()
    m = 10  # fully built, all hardware within its life
    assert s["energy_mwh"][m] == pytest.approx(365_000.0)
    assert s["energy_cost_usd"][m] == pytest.approx(36.5e6)
    assert s["co2_t"][m] == pytest.approx(146_000.0)
    assert s["water_m3"][m] == pytest.approx(365_000.0 / 1.25 * 0.5)
    assert s["maintenance_usd"][m] == pytest.approx(61.3333333e9 * 0.012 / 12, rel=1e-7)
    assert s["depreciation_usd"][m] == pytest.approx(53.3333333e9 / 60 + 8e9 / 120, rel=1e-7)


def test_capex_is_spent_as_capacity_arrives(toy):
    s = toy.monthly()
    assert s["capex_usd"][:4].tolist() == pytest.approx([61.3333333e9 / 4] * 4, rel=1e-7)
    assert s["capex_usd"][4:].sum() == 0.0
    assert s["capex_topdown_usd"].sum() == pytest.approx(40e9)


def test_depreciation_sums_to_capex_when_horizon_covers_lives(toy):
    s = toy.monthly()
    # IT lives end by month 63, facility by month 123 < 132 months in the horizon.
    assert s["depreciation_usd"].sum() == pytest.approx(s["capex_usd"].sum(), rel=1e-9)


def test_refresh_keeps_capacity_and_buys_hardware_again(toy_catalog, toy_scenario_text):
    text = toy_scenario_text.replace("ramp_months: 4}", "ramp_months: 4, refresh: true}")
    r = evaluate(loads(text), catalog=toy_catalog)
    s = r.monthly()
    assert s["online_gw"][4:].min() == pytest.approx(1.0)
    it_capex = s["capex_systems_usd"] + s["capex_network_usd"]
    # Bought in months 0-3, again in 60-63 and 120-123 (within a 132-month horizon).
    assert it_capex.sum() == pytest.approx(3 * 53.3333333e9, rel=1e-7)
    assert it_capex[60:64].sum() == pytest.approx(53.3333333e9, rel=1e-7)
    assert s["capex_facility_usd"].sum() == pytest.approx(8e9)


def test_it_basis_means_the_gw_is_critical_it(toy_catalog, toy_scenario_text):
    r = evaluate(loads(toy_scenario_text.replace("basis: facility", "basis: it")), catalog=toy_catalog)
    t = r.totals()
    assert t["gw_it"] == pytest.approx(1.0)
    assert t["gw"] == pytest.approx(1.25)
    assert t["capex_topdown_usd"] == pytest.approx(1.25 * 40e9)


def test_group_sums_equal_totals_on_portfolio():
    r = evaluate("openai-portfolio")
    total = r.totals()
    for key in ("deal", "vendor", "product", "supplier"):
        rows = r.groups(key)
        for name in ("accelerators", "capex_usd", "capex_topdown_usd", "gw", "energy_twh_per_year"):
            assert sum(row[name] for row in rows) == pytest.approx(total[name], rel=1e-12)
    assert [row["name"] for row in r.groups("deal")] == ["OpenAI-AMD", "OpenAI-NVIDIA", "OpenAI-Broadcom"]


SECOND_DEAL = """\
  - name: Second deal
    buyer: B
    supplier: S2
    tranches:
      - {product: toy-gpu, gw: 0.5, basis: facility, start: 2026-03, ramp_months: 2}
"""


def test_monthly_series_add_up_tranches_of_several_deals_by_hand(toy_catalog, toy_scenario_text):
    r = evaluate(loads(toy_scenario_text + SECOND_DEAL), catalog=toy_catalog)
    assert len(r.tranches) == 2 and len(r.months) == 132  # 2026-01 .. 2036-12
    s = r.monthly(["online_gw", "capex_usd", "capex_topdown_usd", "energy_mwh"])
    # Online GW: tranche 1 adds 0.25 GW in months 0-3; tranche 2 adds 0.5 / 2 = 0.25 GW in months 2-3.
    assert s["online_gw"][:5].tolist() == pytest.approx([0.25, 0.5, 0.75 + 0.25, 1.0 + 0.5, 1.5])
    # Five-year lives: tranche 1's cohorts retire in months 60-63, tranche 2's in 62-63.
    assert s["online_gw"][59:64].tolist() == pytest.approx([1.5, 0.75 + 0.5, 0.5 + 0.5, 0.25 + 0.25, 0.0])
    # Bottom-up capex is $61.333B per GW (module docstring), spent as capacity arrives:
    # tranche 1 61.333 / 4 = 15.333 $B a month in months 0-3; tranche 2 0.5 x 61.333 / 2 = 15.333 $B in months 2-3.
    month = 61.3333333e9 / 4
    assert s["capex_usd"][:4].tolist() == pytest.approx([month, month, 2 * month, 2 * month], rel=1e-7)
    assert s["capex_usd"][4:].sum() == 0.0
    # Top-down $40B per GW: 1 GW / 4 months = 10 $B a month; 0.5 GW / 2 months = 10 $B a month.
    assert s["capex_topdown_usd"][:4].tolist() == pytest.approx([10e9, 10e9, 20e9, 20e9])
    # Energy at full build: 1,500 MW x 0.5 load x 8,760 h / 12 = 547,500 MWh a month.
    assert s["energy_mwh"][10] == pytest.approx(547_500.0)


def test_samples_axis_broadcasts_identically():
    """Samples > 1 with identical inputs must repeat the deterministic result exactly."""
    from gigawatt.engine.core import run

    r = evaluate("openai-portfolio")
    series, nameplate = run(r.inputs.with_samples(3))
    for k, v in r.series.items():
        assert series[k].shape[0] == 3
        assert np.array_equal(series[k][2], v[0])
    assert np.array_equal(nameplate["capex_usd"][1], r.nameplate["capex_usd"][0])


def test_to_pandas_and_xarray_agree_with_arrays(toy):
    df = toy.to_pandas("monthly")
    assert len(df) == len(toy.months)
    assert df["online_gw"].iloc[3] == pytest.approx(1.0)
    ds = toy.to_xarray()
    assert ds["accelerators"].dims == ("sample", "tranche", "month")
    assert float(ds["nameplate_capex_usd"].sum()) == pytest.approx(toy.totals()["capex_usd"])
    assert list(toy.to_pandas("tranches")["product"]) == ["toy-gpu"]


def test_refresh_capex_is_reported_apart_from_the_initial_build(toy_catalog, toy_scenario_text):
    text = toy_scenario_text.replace("ramp_months: 4}", "ramp_months: 4, refresh: true}")
    r = evaluate(loads(text), catalog=toy_catalog)
    h = r.horizon_sums()
    assert h["capex_refresh_usd"] == pytest.approx(2 * 53.3333333e9, rel=1e-7)
    assert h["capex_usd"] - h["capex_refresh_usd"] == pytest.approx(r.totals()["capex_usd"], rel=1e-9)
    assert h["capex_topdown_usd"] == pytest.approx(40e9)  # top-down prices the initial build only


def test_xarray_tranche_labels_are_unique_even_when_labels_repeat():
    r = evaluate("openai-amd")
    ds = r.to_xarray()
    assert len(set(ds["tranche"].values)) == len(r.tranches)
