"""Invariants of the whole chain (scenario -> engine), on random scenarios."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigawatt import evaluate
from gigawatt.catalog import load_catalog
from gigawatt.scenario.spec import Scenario

PRODUCTS = sorted(load_catalog().accelerators)

tranche = st.fixed_dictionaries({
    "product": st.sampled_from(PRODUCTS),
    "gw": st.floats(0.01, 10),
    "basis": st.sampled_from(["facility", "it"]),
    "start": st.integers(0, 47).map(lambda i: f"{2026 + i // 12}-{i % 12 + 1:02d}"),
    "ramp_months": st.integers(1, 36),
    "shape": st.sampled_from(["linear", "s-curve"]),
    "refresh": st.booleans(),
})


def scenario(tranches, deals=1):
    return Scenario.model_validate({
        "name": "prop",
        "horizon": {"start": "2026-01", "end": "2034-12"},
        "deals": [{"name": f"d{i}", "buyer": "B", "supplier": f"S{i}", "tranches": tranches[i::deals]} for i in range(deals)],
    })


settings_ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


ADDITIVE_TOTALS = ("accelerators", "systems", "gw", "gw_it", "capex_usd", "capex_topdown_usd", "hbm_gb", "energy_twh_per_year")
ADDITIVE_SERIES = ("delivered_gw", "online_gw", "capex_usd", "energy_mwh", "accelerators")


@settings_
@given(st.lists(tranche, min_size=2, max_size=6))
def test_tranches_sum_to_totals_and_deliveries_reach_stated_gw(tranches):
    r = evaluate(scenario(tranches, deals=2))
    t = r.totals()
    # Independently of how the engine aggregates: the whole equals each tranche run on its own, added up here.
    alone = [evaluate(scenario([tr])) for tr in tranches]
    for key in ADDITIVE_TOTALS:
        assert t[key] == pytest.approx(sum(a.totals()[key] for a in alone), rel=1e-9, abs=1e-9), key
    s = r.monthly()
    for key in ADDITIVE_SERIES:
        expected = sum(a.monthly([key])[key] for a in alone)
        assert np.allclose(s[key], expected, rtol=1e-9, atol=1e-9), key
    # Deliveries reach the stated GW (every start is by 2029-12 and every ramp at most 36 months, so all
    # is delivered by the horizon's end): a facility-basis tranche delivers its stated GW; an IT-basis one
    # its stated GW of IT power, i.e. that times the site's PUE (between 1 and 2) in facility GW.
    for tr, a in zip(tranches, alone):
        end = a.monthly(["delivered_gw"])["delivered_gw"][-1]
        if tr["basis"] == "facility":
            assert end == pytest.approx(tr["gw"], rel=1e-9) and a.totals()["gw"] == pytest.approx(tr["gw"], rel=1e-9)
        else:
            assert a.totals()["gw_it"] == pytest.approx(tr["gw"], rel=1e-9)
            assert tr["gw"] < end < 2 * tr["gw"] and end == pytest.approx(a.totals()["gw"], rel=1e-9)
    delivered = r.monthly(["delivered_gw"])["delivered_gw"]
    assert np.all(np.diff(delivered) >= -1e-9)
    # Capex: first purchases add up to nameplate capex; refreshes only add.
    s = r.monthly()
    assert s["capex_usd"].sum() >= t["capex_usd"] * (1 - 1e-9)
    assert s["capex_topdown_usd"].sum() == pytest.approx(t["capex_topdown_usd"], rel=1e-9)
    assert np.all(s["online_gw"] <= delivered + 1e-9)
    for key in ("energy_mwh", "co2_t", "water_m3", "opex_usd", "accelerators"):
        assert np.all(s[key] >= 0)


@settings_
@given(tranche, st.floats(1.01, 3.0))
def test_more_gw_never_fewer_accelerators_or_less_capex(tr, factor):
    small = evaluate(scenario([tr])).totals()
    big = evaluate(scenario([{**tr, "gw": tr["gw"] * factor}])).totals()
    for key in ("accelerators", "racks", "capex_usd", "capex_topdown_usd", "hbm_gb", "energy_twh_per_year"):
        assert big[key] >= small[key]


@settings_
@given(tranche, st.integers(1, 12))
def test_a_later_start_never_puts_more_online_earlier(tr, delay):
    i = int(tr["start"][:4]) * 12 + int(tr["start"][5:]) - 1 + delay
    late = {**tr, "start": f"{i // 12}-{i % 12 + 1:02d}"}
    a = evaluate(scenario([tr])).monthly(["delivered_gw"])["delivered_gw"]
    b = evaluate(scenario([late])).monthly(["delivered_gw"])["delivered_gw"]
    assert np.all(b <= a + 1e-12)
    assert np.allclose(b[delay:], a[:-delay])
