"""Scenario -> inputs: energy mix, grid lead time, cooling limits (compile_inputs)."""
from __future__ import annotations

import textwrap

import pytest

import gigawatt
from gigawatt.core.errors import GigawattError
from gigawatt.scenario.spec import loads


def scenario(site: str = "", product: str = "gb200", start: str = "2027-01") -> str:
    return textwrap.dedent(f"""
        name: s
        horizon: {{start: 2026-01, end: 2034-12}}
        site: {{region: us-texas{site}}}
        deals:
          - name: d
            buyer: B
            supplier: S
            tranches:
              - {{product: {product}, gw: 1, start: {start}, ramp_months: 12}}
    """)


def test_energy_mix_blends_price_and_splits_carbon_by_method():
    text = scenario(", power: [{source: grid, share: 0.5}, {source: ppa, share: 0.3, price: '40 USD/MWh', carbon: 0},"
                    " {source: onsite, share: 0.2, price: 90, carbon: '450 g/kWh'}]")
    r = gigawatt.evaluate(loads(text))
    p = r.inputs.p
    grid_price, grid_co2 = 66.0, 367.0  # us-texas in the catalog
    assert p["usd_per_mwh"][0, 0] == pytest.approx(0.5 * grid_price + 0.3 * 40 + 0.2 * 90)
    assert p["gco2_per_kwh"][0, 0] == pytest.approx(0.8 * grid_co2 + 0.2 * 450)  # location-based: PPA at grid intensity
    assert p["gco2_market_per_kwh"][0, 0] == pytest.approx(0.5 * grid_co2 + 0.2 * 450)  # market-based: PPA at 0
    h = r.horizon_sums()
    assert h["co2_market_t"] < h["co2_t"]


@pytest.mark.parametrize("power,fragment", [
    ("[{source: grid, share: 0.5}]", "power shares add up to 0.5, not 1"),
    ("[{source: ppa, share: 1}]", "a ppa source needs its own price and carbon"),
    ("[{source: grid, share: 0.5}, {source: grid, share: 0.5}]", "give each power source"),
])
def test_bad_energy_mix(power, fragment):
    with pytest.raises(GigawattError, match=fragment):
        loads(scenario(f", power: {power}"))


def test_grid_lead_time_delays_the_start_and_says_so():
    r = gigawatt.evaluate(loads(scenario(", grid_requested: 2026-01, grid_lead_time_months: 24")))
    [c] = r.inputs.constraints
    assert (c["constraint"], c["requested_start"], c["start"], c["slip_months"]) == ("grid interconnection", "2027-01", "2028-01", 12)
    d = r.monthly(["delivered_gw"])["delivered_gw"]
    assert d[r.months.index("2027-12")] == 0.0 and d[r.months.index("2028-01")] > 0.0
    assert r.to_dict()["constraints"] == [c]


def test_grid_ready_before_start_changes_nothing():
    r = gigawatt.evaluate(loads(scenario(", grid_requested: 2025-01, grid_lead_time_months: 12")))
    assert r.inputs.constraints == []


def test_air_cooled_rack_over_the_air_limit_is_refused(tmp_path):
    cat = tmp_path / "dense.yaml"
    cat.write_text("systems:\n  - {id: hgx-h100-8, systems_per_rack: 6}\n")  # 6 x 10.2 kW = 61 kW
    with pytest.raises(GigawattError) as e:
        gigawatt.evaluate(loads(scenario(", cooling: air", product="h100-sxm")), catalog_paths=[cat])
    assert "draw 61 kW, above the 50 kW limit of 'air' cooling" in str(e.value)


def test_origins_are_made_on_first_use_and_survive_pickling():
    """Provenance is built lazily (a plan that shows none never pays for it) and travels with
    the inputs to Dask workers and caches, where the thunks' local functions could not go."""
    import pickle

    from gigawatt.analyses.api import evaluate

    inputs = evaluate("openai-amd").inputs
    assert inputs._origins is None
    copy = pickle.loads(pickle.dumps(inputs))
    assert copy.origins == inputs.origins and len(copy.origins) == len(inputs.tranches)
    assert copy.with_samples(4).origins == inputs.origins  # a Monte Carlo copy keeps them too
    assert copy.origins[0]["pue"]["from"] in ("catalog", "scenario", "default", "derived")
