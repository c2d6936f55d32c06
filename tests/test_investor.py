"""The investor view (issue 13): reconciled money, shareholder view, market inputs, companies,
compare, buyer economics, deal sensitivity, currency and fiscal years. Hand-computed values."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt.interfaces.cli import app
from gigawatt.analyses.deals import PriceOptions, analyse
from gigawatt.analyses.flows import attribution, companies, flows
from gigawatt.model import finance as fin
from gigawatt.scenario.spec import loads


@pytest.fixture(scope="module")
def amd():
    return gigawatt.evaluate("openai-amd")


def _json(*args):
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# -- reconciled money -------------------------------------------------------------------------

def test_amd_revenue_in_flows_equals_deal_and_lines_sum_to_the_headline_to_the_dollar(amd):
    fl = flows(amd)
    d = analyse(amd, PriceOptions(samples=200))["supplier"]
    assert fl["vendor_revenue"]["amd"]["revenue_usd"] == pytest.approx(d["revenue_usd_total"], abs=0.5)
    assert fl["vendor_revenue"]["amd"]["revenue_usd"] == pytest.approx(6 * 17.5e9, abs=0.5)  # stated $17.5B x 6 GW
    h = fl["headline"]
    assert round(sum(h["lines"].values())) == round(h["total_usd"]) == 300_000_000_000  # 6 GW x $50B
    # Vendor revenue is its own value + HBM + CoWoS + what it states above its content.
    o = fl["vendor_revenue"]["amd"]["of_which"]
    assert sum(o.values()) == pytest.approx(fl["vendor_revenue"]["amd"]["revenue_usd"], rel=1e-12)
    # AMD makes the EPYC CPUs in Helios: none are paid to other CPU vendors.
    assert h["lines"]["cpus_others"] == 0.0
    assert sum(fl["vendor_revenue"]["amd"]["revenue_usd_by_year"].values()) == pytest.approx(105e9)


@pytest.mark.parametrize("name", ["openai-portfolio", "openai-nvidia"])
def test_every_scenario_reconciles_to_the_dollar(name):
    fl = _json("flows", name)
    assert round(sum(fl["headline"]["lines"].values())) == round(fl["headline"]["total_usd"])
    plan = _json("plan", name)
    assert round(fl["headline"]["total_usd"]) == round(plan["totals"]["capex_topdown_usd"])


def test_attribution_by_hand(toy_catalog, toy_scenario_text):
    r = gigawatt.evaluate(loads(toy_scenario_text), catalog=toy_catalog)
    a = attribution(r)
    acc = 800e6 / 1800.0          # 1 GW / PUE 1.25 = 800 MW IT; 1.8 kW all-in per accelerator (conftest)
    systems = acc / 10 * 1e6
    cat = toy_catalog
    cpus, storage = systems * cat.default("cpu_share_of_systems"), systems * cat.default("storage_share_of_systems")
    # Vendor "other" uses the default content: accelerators with HBM and CoWoS, no CPUs.
    assert a["content_usd"][0] == pytest.approx(systems - cpus - storage)
    assert a["lines"]["cpus_others"][0] == pytest.approx(cpus)
    bottom_up = systems * 1.2 + 800 * 10e6
    assert a["lines"]["gap_unattributed"][0] == pytest.approx(40e9 - bottom_up)   # toy top-down $40B per GW
    assert a["lines"]["vendor_revenue_above_content"][0] == 0.0                  # no stated revenue
    assert sum(v[0] for v in a["lines"].values()) == pytest.approx(40e9, rel=1e-12)


def test_stated_revenue_per_gw_changes_only_vendor_lines(toy_catalog, toy_scenario_text):
    text = toy_scenario_text + "    supplier_terms: {revenue_usd_per_gw: 30e9, gross_margin: 0.5, tax_rate: 0.1, diluted_shares: 1e9}\n"
    r = gigawatt.evaluate(loads(text), catalog=toy_catalog)
    a = attribution(r)
    assert a["vendor_revenue_usd"][0] == 30e9
    assert a["lines"]["vendor_revenue_above_content"][0] == pytest.approx(30e9 - a["content_usd"][0])
    assert sum(v[0] for v in a["lines"].values()) == pytest.approx(40e9, rel=1e-12)
    sup = analyse(r, PriceOptions(samples=10))["supplier"]
    assert sup["revenue_usd_total"] == pytest.approx(30e9)


# -- companies ---------------------------------------------------------------------------------

def test_company_revenue_is_segment_times_share(amd):
    c = {x["name"]: x for x in companies(amd)["companies"]}
    lines = attribution(amd)["lines"]
    assert c["Mitsubishi Heavy Industries"]["revenue_usd"] == pytest.approx(lines["power_equipment"].sum() * 0.375 * 0.33)
    hbm = sum(c[n]["revenue_usd"] for n in ("SK hynix", "Samsung Electronics", "Micron"))
    assert hbm == pytest.approx(lines["hbm"].sum())
    assert c["AMD"]["revenue_usd"] == pytest.approx(105e9)
    assert c["Ibiden"]["revenue_usd"] is None and c["Ibiden"]["revenue_text"].startswith("unknown as of")
    assert c["Advantest"]["ticker"] == "6857" and c["Advantest"]["exchange"] == "TSE"
    jp = companies(amd, japan_only=True)["companies"]
    assert jp and all(x["exchange"] == "TSE" for x in jp)
    for x in companies(amd)["companies"]:
        sh = x["share"]
        assert sh.get("text") or ({"kind", "as_of", "source"} <= set(sh)), x["name"]


def test_flows_companies_cli():
    out = _json("flows", "openai-amd", "--companies", "--japan")
    assert {x["exchange"] for x in out["companies"]["companies"]} == {"TSE"}
    r = CliRunner().invoke(app, ["flows", "openai-amd", "--companies"])
    assert r.exit_code == 0 and "Mitsubishi Heavy" in r.stdout and "reconciled" in r.stdout


# -- finance formulas --------------------------------------------------------------------------

def test_capital_recovery_and_levelised_cost_by_hand():
    # 8 %, 5 years: 0.08 x 1.08^5 / (1.08^5 - 1) = 0.2504565
    assert fin.capital_recovery_factor(0.08, 5) == pytest.approx(0.08 * 1.08**5 / (1.08**5 - 1))
    assert fin.capital_recovery_factor(0.0, 4) == 0.25
    assert fin.levelised_cost_per_hour_usd(87600.0, 0.0, 10, 876.0, 0.0) == pytest.approx(1.1)


def test_irr_matches_scipy_root_finding():
    from scipy.optimize import brentq

    rng = np.random.default_rng(3)
    for _ in range(20):
        cf = np.concatenate([[-rng.uniform(50, 150)], rng.uniform(1, 10, size=rng.integers(12, 72))])
        ours = fin.irr(cf)
        if ours is None:
            continue
        monthly = brentq(lambda x: np.sum(cf / (1 + x) ** np.arange(len(cf))), -0.5, 1.0)
        assert ours == pytest.approx((1 + monthly) ** 12 - 1, rel=1e-7)
    assert fin.irr([-100.0, 1.0, 1.0]) is None            # never paid back: no IRR


def test_discounted_payback_and_npv_by_hand():
    assert fin.discounted_payback_periods([-100.0, 60.0, 60.0], 0.0, 1) == 2
    # at 10 %: 60/1.1 + 60/1.21 = 104.13 >= 100 in period 2; at 25 %: 48 + 38.4 < 100
    assert fin.discounted_payback_periods([-100.0, 60.0, 60.0], 0.10, 1) == 2
    assert fin.discounted_payback_periods([-100.0, 60.0, 60.0], 0.25, 1) is None
    assert fin.npv([-100.0, 60.0, 60.0], 0.10, 1) == pytest.approx(-100 + 60 / 1.1 + 60 / 1.21)


def test_eps_formulas_by_hand():
    r = fin.incremental_income_usd(8.75e9, 0.5, 0.1, 0.13)
    assert r["net_income_usd"] == pytest.approx(8.75e9 * 0.4 * 0.87)
    assert fin.eps_after_dilution_usd(10.0, 1e9, 1e9, 0.25e9) == pytest.approx((10e9 + 1e9) / 1.25e9)
    assert fin.accretion_pct(8.8, 8.0) == pytest.approx(10.0)
    assert fin.fiscal_year("2027-03", 4) == "FY2026" and fin.fiscal_year("2027-04", 4) == "FY2027"


# -- shareholder view --------------------------------------------------------------------------

def test_shareholder_rows_reconcile_by_hand(amd):
    # A price of $700 clears every hurdle: each tranche vests the month its GW milestone is met.
    out = analyse(amd, PriceOptions(path={"2026-01": 700.0}))
    sh = out["deals"][0]["shareholder"]
    assert sh["available"] and sh["ticker"] == "AMD"
    rows = {r["fiscal_year"]: r for r in sh["years"]}
    d = 1.646e9                                           # market file: Q4-2025 NI / EPS
    r26 = rows["FY2026"]
    assert r26["revenue_usd"] == pytest.approx(17.5e9 / 12 * 6)   # 1 GW over 12 months from 2026-07: 6 months in 2026
    assert r26["net_income_usd"] == pytest.approx(r26["revenue_usd"] * (0.5 - 0.1) * (1 - 0.13))
    assert r26["incremental_eps_usd"] == pytest.approx(r26["net_income_usd"] / d)
    assert r26["base_eps_usd"] == 6.69 and r26["warrant_shares_expected"] == 0
    r27 = rows["FY2027"]
    assert r27["warrant_shares_expected"] == 26_666_667          # the 1 GW milestone is met in 2027-06
    assert r27["eps_with_deal_after_dilution_usd"] == pytest.approx((10.47 * d + r27["net_income_usd"]) / (d + 26_666_667))
    assert r27["accretion_after_dilution_pct"] == pytest.approx(100 * (r27["eps_with_deal_after_dilution_usd"] / 10.47 - 1))
    assert rows["FY2028"]["base_is"] == "FY2025 actual" and rows["FY2028"]["base_eps_usd"] == 4.17
    assert r27["all_issuer_warrant_shares"] == 320e6                 # OpenAI + Meta warrants in the ledger
    w = out["deals"][0]["warrant"]
    assert sh["warrant_value_per_existing_share_usd"] == pytest.approx(w["value_usd"] / 1.63e9)
    kinds = {a["what"]: a.get("kind") for a in sh["assumptions"]}
    assert kinds["base EPS, non-GAAP (FY2025)"] == "measured" and kinds["consensus EPS FY2026"] == "projection"


def test_deal_cli_values_with_the_market_file_and_prints_value_as_of():
    out = _json("deal", "openai-amd", "--samples", "500")
    assert out["market_inputs"]["spot"]["value"] == 421.39 and out["value_as_of"] == "2026-05"
    assert out["warrant"]["spot_usd"] == 421.39 and out["warrant"]["risk_free_rate"] == 0.03615
    assert "shareholder" in out["deals"][0] and "buyer_hourly" in out["deals"][0]
    r = CliRunner().invoke(app, ["deal", "openai-amd", "--samples", "500"])
    assert r.exit_code == 0 and "Value as of 2026-05-08" in r.stdout and "Warrant value per existing AMD share" in r.stdout


def test_market_inputs_rules():
    from gigawatt.ledger.market import fx_per_usd, today, underlying_inputs

    seed = underlying_inputs("amd", as_of="2025-10-06")
    assert seed["spot"]["value"] == 203.71 and seed["valuation_month"] == "2025-10"
    given = underlying_inputs("amd", spot_usd=300.0)
    assert given["valuation_month"] == today()[:7] and given["notes"]
    assert fx_per_usd("JPY")["per_usd"] == 156.7 and fx_per_usd("JPY", "2026-01-20")["per_usd"] == 157.52
    out = _json("deal", "openai-amd", "--samples", "200", "--as-of", "2025-10-06")
    assert out["warrant"]["spot_usd"] == 203.71 and out["warrant"]["valuation_month"] == "2025-10"
    out = _json("deal", "openai-amd", "--samples", "200", "--scenario-market")
    assert out["warrant"]["valuation_month"] == "2025-10" and out["warrant"]["spot_usd"] == 203.71


def test_all_warrants_has_a_dilution_view():
    out = _json("deal", "amd", "--all-warrants", "--samples", "500")
    sh = out["shareholder"]
    assert sh["available"] and sh["years"]
    row = sh["years"][-1]
    assert row["eps_after_dilution_usd"] == pytest.approx(row["base_eps_usd"] * 1.646e9 / (1.646e9 + row["warrant_shares_expected"]))


# -- currency and fiscal year ------------------------------------------------------------------

def test_money_in_yen_is_converted_at_the_dated_rate():
    from gigawatt.scenario.units import to_canonical

    assert to_canonical("15 JPY/kWh", "USD/MWh") == pytest.approx(15 / 156.7 * 1000)
    with pytest.raises(ValueError, match="FX rate"):
        to_canonical("15 EUR/kWh", "USD/MWh")


def test_fiscal_years_and_display_currency():
    out = _json("flows", "openai-amd", "--fiscal-year-start", "4", "--currency", "JPY")
    years = out["vendor_revenue"]["amd"]["revenue_usd_by_year"]
    assert set(years) == {"FY2026", "FY2027", "FY2028", "FY2029", "FY2030"}
    assert sum(years.values()) == pytest.approx(105e9)
    assert out["display_currency"]["per_usd"] == 156.7
    r = CliRunner().invoke(app, ["flows", "openai-amd", "--currency", "JPY"])
    assert "¥" in r.stdout


# -- buyer economics ---------------------------------------------------------------------------

def test_buyer_cost_per_hour_by_hand_and_life_sensitivity(amd):
    from gigawatt.analyses.buyer import buyer_economics

    b = buyer_economics(amd, 0)
    pa = b["per_accelerator"]
    crf = fin.capital_recovery_factor(0.08, 5)
    by_hand = (pa["it_capex_usd"] * crf + pa["facility_capex_usd"] * fin.capital_recovery_factor(0.08, 14)
               + pa["energy_usd_per_year"] + pa["operations_usd_per_year"]) / 8760
    assert b["usd_per_accelerator_hour"] == pytest.approx(by_hand)
    # MI450: 4,400,000 / 72 x 1.231 (network) per accelerator of IT capex.
    assert pa["it_capex_usd"] == pytest.approx(4.4e6 / 72 * 1.231)
    # energy: 2.91333 kW x PUE 1.2 x 0.7 load x 8760 h x $80/MWh
    assert pa["energy_usd_per_year"] == pytest.approx(2.9133333 * 1.2 * 0.7 * 8760 * 0.080, rel=1e-6)
    costs = [r["usd_per_accelerator_hour"] for r in b["life_sensitivity"]]
    assert [r["life_years"] for r in b["life_sensitivity"]] == [3, 4, 5, 6]
    assert costs == sorted(costs, reverse=True)            # a longer life spreads the capital thinner
    irrs = [r["irr"] for r in b["life_sensitivity"]]
    assert irrs == sorted(irrs)
    assert b["market_price_usd_per_hour"] is None and "unknown as of" in b["market_price_basis"]
    t = buyer_economics(amd, 0, tokens_per_second=1000.0, rental_price_usd_per_hour=5.0)
    assert t["tokens"]["usd_per_million_tokens"] == pytest.approx(t["usd_per_accelerator_hour"] / 3.6)
    assert t["margin_vs_market_pct"] == pytest.approx(100 * (5.0 - t["usd_per_accelerator_hour"]) / 5.0)


# -- compare ------------------------------------------------------------------------------------

def test_compare_two_files(tmp_path):
    from gigawatt.scenario.spec import BUILTIN_DIR

    a = tmp_path / "base.yaml"
    a.write_text((BUILTIN_DIR / "openai-amd.yaml").read_text())
    b = tmp_path / "slip.yaml"
    b.write_text((BUILTIN_DIR / "openai-amd.yaml").read_text().replace("start: 2026-07, ramp_months: 12", "start: 2027-01, ramp_months: 12")
                 .replace("name: openai-amd", "name: openai-amd-slip"))
    out = _json("compare", str(a), str(b))
    cap = out["outputs"]["capex_usd"]
    assert cap["diffs_vs_first"]["openai-amd-slip"]["abs"] == pytest.approx(cap["values"]["openai-amd-slip"] - cap["values"]["openai-amd"])
    assert out["outputs"]["capex_topdown_usd_per_gw"]["values"]["openai-amd"] == pytest.approx(50e9)
    assert out["inputs"]["openai-amd-slip"]["first_start"] == "2027-01"
    r = CliRunner().invoke(app, ["compare", str(a), str(b)])
    assert r.exit_code == 0 and "per effective PFLOP/s" in r.stdout
    assert CliRunner().invoke(app, ["compare", str(a)]).exit_code != 0


# -- deal metrics in sensitivity ----------------------------------------------------------------

def test_deal_sensitivity_and_price_slip_grid(amd):
    from gigawatt.analyses.sensitivity import deal_metrics, deal_tornado, price_slip_grid

    opts = PriceOptions(samples=2000, spot_usd=421.39, as_of="2026-05", volatility=0.55)
    t = deal_tornado(amd, opts)["tornado"]["warrant_value_usd"]
    bars = {b["variable"]: b for b in t["bars"]}
    assert bars["amd_mi450_slip_months"]["output_at_high"] < bars["amd_mi450_slip_months"]["output_at_low"]  # later = less
    assert bars["amd_capex_overrun"]["swing"] == 0.0                  # capex does not move the warrant
    g = price_slip_grid(amd, opts, [300.0, 421.39, 600.0], [0, 12])
    v = np.array(g["values"])
    assert (np.diff(v[:, 0]) > 0).all() and (v[:, 1] <= v[:, 0]).all()
    assert v[1, 0] == pytest.approx(deal_metrics(amd, opts)["warrant_value_usd"])


def test_sensitivity_cli_deal_metric():
    out = _json("sensitivity", "openai-amd", "--metric", "warrant_value", "--samples", "500", "--grid", "--grid-slips", "0,6")
    assert out["metric"] == "warrant_value_usd" and len(out["grid"]["values"][0]) == 2


def test_deal_fiscal_year_start_april():
    out = _json("deal", "openai-amd", "--samples", "300", "--fiscal-year-start", "4")
    rows = out["deals"][0]["shareholder"]["years"]
    assert rows[0]["fiscal_year"] == "FY2026" and rows[0]["warrant_shares_expected"] == 0   # April 2026 to March 2027
    assert rows[0]["revenue_usd"] == pytest.approx(17.5e9 / 12 * 9)                        # 2026-07 .. 2027-03
    assert sum(r["revenue_usd"] for r in rows) == pytest.approx(105e9)


def test_shareholder_assumptions_print_with_units(monkeypatch, capsys):
    """The table printed bare numbers (17,500,000,000, 0.5, 0.13); each is written by its unit now."""
    from tests.test_cli_hostile import run_main

    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run_main(monkeypatch, capsys, "deal", "openai-amd", "--samples", "200")
    assert code == 0
    assert "17,500,000,000" not in out and "$17.5B/GW" in out
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in out.splitlines()
            if line.startswith("│") and line.count("│") > 3}
    assert rows["tax rate"] == "13.0 %" and rows["incremental gross margin"] == "50.0 %"
    assert rows["base EPS, non-GAAP (FY2025)"] == "$4.17"
