"""Site classes (PUE by kind of site), the draw basis and unknown catalog numbers (issue 11)."""
from __future__ import annotations

import pytest

import gigawatt
from gigawatt.catalog import load_catalog
from gigawatt.scenario.inputs import site_class_for, system_power_kw
from gigawatt.scenario.spec import loads


def one_tranche(product: str, site: str = "") -> str:
    return (f"name: t\nhorizon: {{start: 2027-01, end: 2027-12}}\n{site}"
            f"deals:\n  - name: d\n    buyer: B\n    supplier: S\n    tranches:\n"
            f"      - {{product: {product}, gw: 1, basis: it, start: 2027-01, shape: step}}\n")


def test_the_site_class_rule_in_order():
    cat = load_catalog()
    nvl72, hgx, blade = cat.systems["gb200-nvl72"], cat.systems["hgx-h100-8"], cat.systems["cray-ex254n"]
    assert site_class_for(cat, "colocation-enterprise", "dlc", nvl72) == "colocation-enterprise"  # 1. stated class
    assert site_class_for(cat, None, "air", nvl72) == "hyperscale-air"  # 2. class of the stated cooling
    assert site_class_for(cat, None, None, blade) == "hpc-centre"  # 3. the system's own class
    assert site_class_for(cat, None, None, hgx) == "hyperscale-air"  # 4. by the cooling it needs
    assert site_class_for(cat, None, None, cat.systems["mi355x-8"]) == "hyperscale-liquid"


def test_class_pue_reaches_the_engine():
    r = gigawatt.evaluate(loads(one_tranche("h100-sxm", "site: {site_class: colocation-enterprise}\n")))
    assert r.tranches[0].site_class == "colocation-enterprise" and r.tranches[0].cooling == "air"
    assert r.inputs.p["pue"][0, 0] == 1.54  # Uptime 2025 survey average
    assert r.totals()["gw"] == pytest.approx(1.54)  # 1 GW of IT at PUE 1.54
    stated = gigawatt.evaluate(loads(one_tranche("h100-sxm", "site: {site_class: colocation-enterprise, pue: 1.3}\n")))
    assert stated.inputs.p["pue"][0, 0] == 1.3


def test_unknown_site_class_is_named_with_the_closest():
    with pytest.raises(gigawatt.core.errors.GigawattError, match="unknown site class 'hyperscale'.*hyperscale-"):
        gigawatt.evaluate(loads(one_tranche("h100-sxm", "site: {site_class: hyperscale}\n")))


def test_gh200_runs_in_an_hpc_blade_at_680_w():
    # Jupiter: 680 W per superchip (FZJ). Node: 4 x 680 W x 1.10 = 2,992 W -> 2.99 kW in the catalog.
    # IT per GH200 = 2.99 / 4 x 1.14 = 0.85215 kW; facility at the hpc-centre PUE 1.1 = 0.937365 kW.
    s = gigawatt.size("gh200", count=4000)
    assert (s["system"], s["site_class"], s["pue"]) == ("cray-ex254n", "hpc-centre", 1.1)
    assert s["it_kw_per_accelerator"] == pytest.approx(0.85215)
    assert s["facility_mw"] == pytest.approx(4000 * 0.937365 / 1e3)


def test_draw_typical_is_the_default_and_nameplate_can_be_chosen():
    cat = load_catalog()
    rack = cat.systems["gb200-nvl72"]
    assert system_power_kw(rack, "typical") == (120.0, True)
    assert system_power_kw(rack, "nameplate") == (132.0, True)
    assert system_power_kw(cat.systems["helios-72"], "typical") == (184.0, False)  # no typical figure
    typ = gigawatt.size("gb200", count=72_000)
    npl = gigawatt.size("gb200", count=72_000, draw="nameplate")
    # 1,000 racks: 120 kW x 1.14 = 136.8 MW of IT typical, 132 kW x 1.14 = 150.48 MW nameplate.
    assert (typ["draw"], typ["it_mw"]) == ("typical", pytest.approx(136.8))
    assert (npl["draw"], npl["it_mw"]) == ("nameplate", pytest.approx(150.48))
    assert gigawatt.size("mi450", count=72)["draw"] == "nameplate (no typical figure)"


def test_cooling_is_checked_at_the_nameplate_rack():
    # Typical draw of 4 x 9.61 kW H100 servers fits air, but the cooling must carry the 4 x 10.2 kW rating.
    s = gigawatt.size("h100-sxm", count=32)
    assert s["rack_kw"] == pytest.approx(4 * 9.61) and s["rack_kw_nameplate"] == pytest.approx(40.8)


def test_unknown_numbers_count_as_zero_with_a_warning():
    r = gigawatt.evaluate(loads(one_tranche("cerebras-cs3")))
    assert r.inputs.p["bf16_tflops"][0, 0] == 0.0 and r.totals()["effective_pflops_bf16"] == 0.0
    assert any("cerebras-cs3: BF16 dense peak unknown as of 2026-11-29" in w for w in r.warnings)
    assert r.inputs.p["hbm_gb"][0, 0] == 0.0  # on-wafer SRAM is not HBM
    assert r.series["cowos_wafers"].sum() == 0.0  # wafer-scale: no CoWoS
    t = gigawatt.evaluate(loads(one_tranche("trainium2")))
    assert t.totals()["capex_systems_usd"] == 0.0
    assert any("trn2-server-16: Price unknown as of 2026-11-29; bottom-up capex leaves its systems out" in w for w in t.warnings)


def test_size_does_not_warn_about_a_start_month_the_user_never_wrote():
    assert not any("availability" in w for w in gigawatt.size("mi450", gw=1)["warnings"])
    assert not any("availability" in w for w in gigawatt.size("rubin-cpx", count=144)["warnings"])


def test_vera_rubin_2026_figures():
    cat = load_catalog()
    vr, rack = cat.accelerators["vr200"], cat.systems["vr-nvl72"]
    assert vr.tdp_w.x == 2300 and vr.fp4_dense_tflops.x == 35000 and vr.fp4_dense_tflops.high == 50000
    assert vr.packages_per_cowos_wafer.x == 9  # JPMorgan
    assert rack.price_usd.x == 7_803_148  # Morgan Stanley, May 2026
    assert (rack.system_power_kw.x, rack.typical_power_kw.x) == (230, 190)  # Max-P / Max-Q
