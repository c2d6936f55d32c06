"""The seed's figures, reproduced from catalog and scenario data (never typed in as outputs).

Seed (ALLFORCES, 2025-10-08): 6 GW x ~$50B per GW = ~$300B; the first 1 GW is MI450 from
2H 2026; 6 GW means "millions of GPUs". Deals: NVIDIA 10 GW of Vera Rubin from 2H 2026;
Broadcom 10 GW from 2H 2026 to end-2029.
"""
from __future__ import annotations

import pytest

import gigawatt
from gigawatt.catalog import load_catalog
from gigawatt.core.timeline import month_index


@pytest.fixture(scope="module")
def amd():
    return gigawatt.evaluate("openai-amd")


def test_six_gw_at_fifty_billion_is_three_hundred_billion(amd):
    cat = load_catalog()
    stated_gw = sum(t.gw for _, _, t in amd.scenario.tranches)
    assert stated_gw == 6.0
    assert cat.default("topdown_usd_per_gw") == 50e9
    assert amd.totals()["capex_topdown_usd"] == stated_gw * cat.default("topdown_usd_per_gw") == 300e9


def test_first_gigawatt_is_mi450_from_second_half_2026(amd):
    first = amd.scenario.deals[0].tranches[0]
    assert (first.product, first.gw, first.start) == ("mi450", 1.0, "2026-07")
    delivered = amd.monthly(["delivered_gw"])["delivered_gw"]
    months = amd.months
    assert delivered[months.index("2026-06")] == 0.0
    assert delivered[months.index("2026-07")] > 0.0


def test_six_gw_is_low_millions_of_accelerators(amd):
    n = amd.totals()["accelerators"]
    assert 1e6 <= n < 5e6, n


def test_gw_basis_is_explicit_and_both_are_reported(amd):
    t = amd.totals()
    assert all(tr.basis == "facility" for tr in amd.tranches)
    assert t["gw"] == pytest.approx(6.0)
    assert t["gw_it"] == pytest.approx(6.0 / 1.2)  # DLC default PUE 1.2 from the catalog


def test_nvidia_ten_gw_of_vera_rubin_from_2h_2026():
    r = gigawatt.evaluate("openai-nvidia")
    assert {t.product for t in r.tranches} == {"vr200"}
    assert r.totals()["gw"] == 10.0
    assert min(month_index(t.start) for t in r.tranches) == month_index("2H 2026")
    # Huang: 10 GW ~ 4-5 million GPUs, counting Rubin dies (2 per package): packages x 2 lands there.
    assert 4e6 <= 2 * r.totals()["accelerators"] <= 6e6


def test_broadcom_ten_gw_from_2h_2026_to_end_2029():
    r = gigawatt.evaluate("openai-broadcom")
    d = r.monthly(["delivered_gw"])["delivered_gw"]
    assert d[r.months.index("2026-06")] == 0.0
    assert d[r.months.index("2026-07")] > 0.0
    assert d[r.months.index("2029-11")] < 10.0
    assert d[r.months.index("2029-12")] == pytest.approx(10.0)


def test_portfolio_is_26_gw_and_the_sum_of_its_deals():
    p = gigawatt.evaluate("openai-portfolio").totals()
    parts = [gigawatt.evaluate(n).totals() for n in ("openai-amd", "openai-nvidia", "openai-broadcom")]
    assert p["gw"] == 26.0
    for key in ("accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year"):
        assert p[key] == pytest.approx(sum(x[key] for x in parts), rel=1e-12)


# Independent cross-checks against third-party estimates in the fact sheet (ranges, not our outputs).

def test_gb200_gpus_per_gw_within_semianalysis_range():
    # SemiAnalysis all-in power: 476k GB200 per utility GW to 535k per IT GW (hardware.md 2a).
    n_it = gigawatt.size("gb200", gw=1, basis="it")["accelerators"]
    assert 476_000 <= n_it <= 535_000


def test_vera_rubin_racks_per_gw_near_foxconn_estimate():
    # Foxconn: 1 GW of Vera Rubin ~ 3,557 racks (hardware.md 2c).
    racks = gigawatt.size("vr200", gw=1)["racks"]
    assert racks == pytest.approx(3557, rel=0.15)


def test_gb200_bottom_up_capex_near_epoch_estimate():
    # Epoch AI: $37.9B up-front capex for 1 GW of IT nameplate, all GB200 NVL72 (deals.md 4).
    capex = gigawatt.size("gb200", gw=1, basis="it")["capex_usd"]
    assert capex == pytest.approx(37.9e9, rel=0.15)


def test_amd_content_per_gw_in_cfo_range(amd):
    # Jean Hu: AMD content $15-20B per GW (deals.md 1.4); our system capex per facility GW.
    per_gw = amd.totals()["capex_systems_usd"] / amd.totals()["gw"]
    assert 15e9 <= per_gw <= 20e9
