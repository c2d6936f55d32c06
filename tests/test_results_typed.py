"""The analyses' typed results: named attributes, ``to_dict()`` that is exactly the documented
JSON contract (the keys of ``deal``, ``supply``, ``flows``, ``sensitivity`` and ``optimize``
``--json``, in order), no private ``_keys`` in the JSON, data passed between functions as named
fields, tables for notebooks (``to_frame()``), and the CLI's ``--json`` equal to ``to_dict()``."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt.analyses import deals, flows, optimize, sensitivity, supply
from gigawatt.core.records import Record
from gigawatt.interfaces import cli

# The documented contract: the keys of each --json object, in order.
DEAL_KEYS = ["scenario", "deals", "market_inputs", "value_as_of", "warrant", "supplier", "assumptions"]
DEAL_ROW_KEYS = ["name", "buyer", "supplier", "buyer_economics", "buyer_hourly", "shareholder", "warrant", "supplier_economics"]
WARRANT_KEYS = ["shares_total", "strike_usd", "issued", "expiry", "shares_outstanding", "stake_pct_pre", "stake_pct_post",
                "value_at_final_hurdle_usd", "intrinsic_at_spot_usd", "valuation_month", "spot_usd", "price_mode", "volatility", "drift",
                "risk_free_rate", "value_usd", "value_usd_se", "value_usd_p10", "value_usd_p50", "value_usd_p90", "prob_full_vest",
                "expected_vested_shares", "expected_dilution_pct", "tranches", "prob_vest_by_month", "conditions", "source", "note",
                "warnings"]
WARRANT_TRANCHE_KEYS = ["shares", "gw_milestone", "products", "price_hurdle", "assumed", "prob_vest", "expected_vest_month",
                        "gw_milestone_month"]
SUPPLIER_KEYS = ["supplier", "revenue_usd_per_gw", "revenue_basis", "revenue_usd_total", "revenue_usd_by_year", "revenue_usd_by_quarter",
                 "gross_profit_usd_by_year", "gross_profit_usd_by_quarter", "eps_usd_by_quarter", "net_income_usd_by_year",
                 "eps_usd_by_year", "eps_usd_by_year_before_warrant_dilution", "warrant_shares_by_year", "gross_margin",
                 "operating_expense_ratio", "tax_rate", "diluted_shares", "source"]
BUYER_KEYS = ["cash_paid_usd", "capex_usd", "opex_usd", "warrant_value_usd", "investment_received_usd", "effective_discount_pct",
              "tco_usd_per_accelerator_hour", "tco_usd_per_effective_pflop_hour", "payback_month", "revenue_usd_per_gw_year"]
SHAREHOLDER_KEYS = ["available", "company", "ticker", "exchange", "base_year", "fiscal_year_start_month", "years", "warrant_value_usd",
                    "warrant_value_per_existing_share_usd", "shares_outstanding", "value_as_of", "investment", "claims",
                    "years_accretive_after_dilution", "assumptions", "notes"]
INVESTMENT_KEYS = ["usd_per_gw", "cap_usd", "total_usd", "usd_by_year", "cap_reached_month", "stake_pct_at_valuation", "valuation_usd",
                   "shares_bought", "price_per_share_usd", "source"]
JOINT_KEYS = ["issuer_spot_usd", "valuation_month", "price_mode", "volatility", "risk_free_rate", "warrants", "shares_total",
              "shares_outstanding", "stake_pct_pre", "stake_pct_post", "value_usd", "value_usd_p10", "value_usd_p50", "value_usd_p90",
              "expected_vested_shares", "vested_shares_p10", "vested_shares_p50", "vested_shares_p90", "expected_dilution_pct",
              "prob_all_fully_vest", "expected_vested_shares_by_year_end", "prob_any_vests", "assumptions"]
ALL_WARRANTS_KEYS = JOINT_KEYS + ["issuer", "deals", "as_of", "tranche_structure", "shareholder", "market_inputs", "value_as_of",
                                  "conventions"]
SUPPLY_KEYS = ["scenario", "case", "allocable_share", "quarters", "binding", "peak_share_of_world", "world_hbm_gb_by_vendor_by_quarter",
               "notes", "sources"]
SUPPLY_CONSTRAINED_KEYS = SUPPLY_KEYS + ["slip_months", "slips", "constrained_totals", "constrained_online_gw"]
QUARTER_KEYS = ["quarter", "hbm_gb", "world_hbm_gb", "hbm_share_of_world", "cowos_wafers", "world_cowos_wafers", "cowos_share_of_world",
                "hbm_stacks", "substrates"]
BINDING_KEYS = ["input", "name", "month", "quarter", "share_of_world", "allocable_share"]
SLIP_KEYS = ["tranche", "label", "deal", "product", "planned_completion", "constrained_completion", "slip_months", "mean_delay_months",
             "delivered_share_at_horizon_end"]
FLOWS_KEYS = ["headline", "vendor_revenue", "scenario", "total_usd", "gw", "segments", "per_gw", "shares", "supplier_groups",
              "accelerator_vendors", "hbm_makers", "hbm_maker_shares_year", "deals", "opex_over_horizon", "capex_refresh_over_horizon_usd",
              "warnings", "method"]
FLOWS_DEAL_KEYS = ["name", "supplier", "gw", "total_usd", "segments", "per_gw"]
COMPANIES_KEYS = ["scenario", "japan_only", "companies", "checked", "sources", "method"]
TORNADO_KEYS = ["scenario", "quantiles", "metrics", "tornado", "skipped_deal_variables", "note"]
BAR_KEYS = ["variable", "low_input", "high_input", "output_at_low", "output_at_high", "swing"]
SOBOL_KEYS = ["scenario", "evaluations", "base_samples", "indices", "skipped_per_tranche_variables", "skipped_deal_variables", "note"]
DEAL_TORNADO_KEYS = ["scenario", "quantiles", "metrics", "tornado", "samples", "seed", "note"]
GRID_KEYS = ["metric", "label", "spots_usd", "slip_months", "values", "valuation_month", "samples", "seed", "note"]
DEAL_SENSITIVITY_KEYS = ["metric", "market_inputs", "tornado", "value_as_of", "grid"]
OPTIMIZE_KEYS = ["name", "target", "max_vendor_share", "cost_usd", "cost_basis", "plan", "gw_by_vendor", "vendor_shares",
                 "coverage_by_vendor", "binding", "candidates", "grid_ready", "diversification", "single_vendor_plans"]
PLAN_KEYS = ["offer", "product", "vendor", "quarter", "gw", "usd_per_gw", "eflops_per_gw_at_target"]
DIVERSIFICATION_KEYS = ["single_sourcing_allowed_cost_usd", "saving_if_unconstrained_usd", "shadow_price_usd_per_point_of_share",
                        "unconstrained_vendor_shares", "unconstrained_coverage_by_vendor", "risk_note"]


def _plain_json(obj) -> None:
    """Only JSON types (no records, no arrays) and no private ``_keys`` anywhere in ``obj``."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert not str(k).startswith("_"), f"private key {k!r} in the JSON"
            _plain_json(v)
    elif isinstance(obj, list):
        for v in obj:
            _plain_json(v)
    else:
        assert not isinstance(obj, (Record, np.ndarray)), type(obj)


@pytest.fixture(scope="module")
def amd():
    return gigawatt.evaluate("openai-amd")


@pytest.fixture(scope="module")
def amd_deal(amd):
    return deals.analyse(amd, deals.PriceOptions(samples=400, seed=1), market_inputs={"stub": True})


def test_deal_analysis_is_typed_with_the_documented_keys(amd_deal):
    out = amd_deal
    assert isinstance(out, deals.DealAnalysis)
    d = out.to_dict()
    assert list(d) == DEAL_KEYS
    row = d["deals"][0]
    assert list(row) == DEAL_ROW_KEYS
    assert list(row["warrant"]) == WARRANT_KEYS
    assert [list(t) for t in row["warrant"]["tranches"]] == [WARRANT_TRANCHE_KEYS] * len(row["warrant"]["tranches"])
    assert list(row["supplier_economics"]) == SUPPLIER_KEYS
    assert list(row["buyer_economics"]) == BUYER_KEYS + ["cumulative_cash_usd_at_horizon_end"]  # openai-amd states buyer revenue
    assert list(row["shareholder"]) == SHAREHOLDER_KEYS
    # The top-level blocks name their deal and repeat its block.
    assert d["warrant"] == {"deal": row["name"], **row["warrant"]}
    assert d["supplier"] == {"deal": row["name"], **row["supplier_economics"]}
    _plain_json(d)
    json.dumps(d, allow_nan=False)


def test_deal_attributes_replace_private_keys(amd, amd_deal):
    d = amd_deal.deals[0]
    w, sup = d.warrant, d.supplier_economics
    assert isinstance(w, deals.WarrantValuation) and isinstance(w.tranches[0], deals.WarrantTrancheValue)
    assert isinstance(sup, deals.SupplierEconomics) and isinstance(d.buyer_economics, deals.BuyerCash)
    assert isinstance(d.shareholder, deals.ShareholderView) and d.shareholder.available
    # The data `supplier_analysis` and `shareholder_view` take from the warrant are named fields.
    assert w.grid[0] == w.valuation_month and len(w.grid) == len(w.vested_shares_by_month)
    assert w.vested_shares_by_month[-1] == pytest.approx(w.expected_vested_shares)
    assert sup.deal_index == 0
    for hidden in ("grid", "vested_shares_by_month", "_grid", "_vested_shares_by_month"):
        assert hidden not in w.to_dict()
    assert "deal_index" not in sup.to_dict() and "_deal_index" not in sup.to_dict()
    # The rule shared by EPS by year, by quarter and by fiscal year: shares vested by the last month of the period.
    for y, shares in sup.warrant_shares_by_year.items():
        assert shares == w.vested_shares_through(lambda m, y=y: m[:4] <= y)
    assert w.vested_shares_through(lambda m: False) == 0.0
    assert amd_deal.value_as_of == w.valuation_month and amd_deal.first("warrant") is d


def test_to_dict_is_a_fresh_copy_and_the_mapping_view_matches(amd_deal):
    d = amd_deal.to_dict()
    d["deals"][0]["warrant"]["value_usd"] = -1.0
    d["scenario"] = "changed"
    assert amd_deal.to_dict()["deals"][0]["warrant"]["value_usd"] == amd_deal.deals[0].warrant.value_usd > 0
    assert amd_deal.scenario == "openai-amd"
    # Callers not yet moved to attributes read the JSON through the mapping view.
    assert amd_deal["warrant"]["value_usd"] == amd_deal.deals[0].warrant.value_usd
    assert amd_deal.get("investment") is None and "supplier" in amd_deal and list(amd_deal) == DEAL_KEYS
    assert amd_deal == amd_deal.to_dict()


def test_deal_frames(amd_deal):
    f = amd_deal.to_frame()
    assert isinstance(f, pd.DataFrame) and list(f.index) == [d.name for d in amd_deal.deals]
    assert f.loc[amd_deal.deals[0].name, "warrant_value_usd"] == amd_deal.deals[0].warrant.value_usd
    t = amd_deal.deals[0].warrant.to_frame()
    assert len(t) == len(amd_deal.deals[0].warrant.tranches) and "prob_vest" in t.columns
    s = amd_deal.deals[0].shareholder.to_frame()
    assert s.index.name == "fiscal_year" and "accretion_after_dilution_pct" in s.columns
    assert "eps_usd" in amd_deal.deals[0].supplier_economics.to_frame().columns


def test_investment_and_buyer_payback_keys():
    out = deals.analyse(gigawatt.evaluate("openai-portfolio-2025-10"), deals.PriceOptions(samples=50))
    inv = out.first("investment")
    assert inv is not None and isinstance(inv.investment, deals.InvestmentFlow)
    assert list(out.to_dict()["investment"]) == ["deal", *INVESTMENT_KEYS]
    without = [d.buyer_economics for d in out.deals if not d.buyer_economics.revenue_usd_per_gw_year]
    assert without  # a deal without buyer revenue terms: no payback cash line
    for b in without:
        assert list(b.to_dict()) == BUYER_KEYS and b.cumulative_cash_usd_at_horizon_end is None


def test_unavailable_shareholder_view_is_two_keys():
    v = deals.ShareholderView(available=False, note="no base financials")
    assert v.to_dict() == {"available": False, "note": "no base financials"}
    assert deals.DilutionView(available=False, note="x").to_dict() == {"available": False, "note": "x"}


def test_all_warrants_result_keys():
    out = deals.run_deal("amd", all_warrants=True, samples=200, as_of="2025-10-06")
    assert isinstance(out, deals.IssuerWarrants) and isinstance(out.joint, deals.JointWarrants)
    d = out.to_dict()
    assert list(d) == ALL_WARRANTS_KEYS
    assert d["value_as_of"] == out.joint.valuation_month
    assert isinstance(out.shareholder, deals.DilutionView)
    assert out.fx["per_usd"] == 1.0 and "fx" not in d
    _plain_json(d)


def test_supply_report_keys(amd):
    rep = supply.supply_report(amd, allocable_share=0.005)
    assert isinstance(rep, supply.SupplyReport)
    d = rep.to_dict()
    assert list(d) == SUPPLY_KEYS
    assert all(list(q) == QUARTER_KEYS for q in d["quarters"])
    assert isinstance(rep.binding, supply.Binding) and list(d["binding"]) == BINDING_KEYS
    assert rep.peak_share_of_world["hbm_gb"] == max(q.hbm_share_of_world or 0.0 for q in rep.quarters)
    f = rep.to_frame()
    assert f.index.name == "quarter" and list(f.columns) == QUARTER_KEYS[1:]
    _plain_json(d)


def test_supply_constrained_keys():
    rep = supply.run_supply("openai-portfolio", constrained_schedule=True, share=0.1)
    d = rep.to_dict()
    assert list(d) == SUPPLY_CONSTRAINED_KEYS
    assert all(isinstance(s, supply.TrancheSlip) for s in rep.slips)
    assert list(d["slips"][0]) == SLIP_KEYS
    assert d["slip_months"] == {f"{s.tranche}: {s.deal} / {s.label}": s.slip_months for s in rep.slips}
    assert len(rep.slips_frame()) == len(rep.slips)
    assert "title" not in d and rep.title


def test_flows_keys(amd):
    f = flows.flows(amd)
    assert isinstance(f, flows.Flows) and isinstance(f.deals[0], flows.DealFlows)
    d = f.to_dict()
    assert list(d) == FLOWS_KEYS
    assert list(d["deals"][0]) == FLOWS_DEAL_KEYS
    assert sum(f.segments.values()) == pytest.approx(f.total_usd)
    t = f.to_frame()
    assert list(t.index) == list(flows.SEGMENTS) and t["usd"].sum() == pytest.approx(f.total_usd)
    rec = flows.reconciled(amd)
    assert isinstance(rec, flows.Reconciled) and list(rec.to_dict()) == ["headline", "vendor_revenue"]
    assert rec.to_frame()["usd"].sum() == pytest.approx(rec.headline["total_usd"])
    c = flows.companies(amd, japan_only=True)
    assert isinstance(c, flows.CompanyExposure) and list(c.to_dict()) == COMPANIES_KEYS
    assert len(c.to_frame()) == len(c.companies)
    _plain_json(d)


def test_run_flows_adds_currency_and_companies_at_the_end():
    f = flows.run_flows("openai-amd", with_companies=True, currency="JPY", fiscal_year_start=4)
    d = f.to_dict()
    assert list(d) == FLOWS_KEYS + ["display_currency", "companies"]
    assert f.per_usd == d["display_currency"]["per_usd"] > 1 and "per_usd" not in d
    assert all(y.startswith("FY") for v in f.vendor_revenue.values() for y in v["revenue_usd_by_year"])


def test_tornado_and_sobol_keys(amd):
    t = sensitivity.tornado(amd)
    assert isinstance(t, sensitivity.Tornado)
    d = t.to_dict()
    assert list(d) == TORNADO_KEYS
    for m in sensitivity.METRICS:
        assert list(d["tornado"][m]) == ["base", "bars"]
        assert all(list(b) == BAR_KEYS for b in d["tornado"][m]["bars"])
        swings = [b.swing for b in t.tornado[m].bars]
        assert swings == sorted(swings, reverse=True)
    f = t.to_frame()
    assert f.index.names == ["metric", "variable"] and len(f) == sum(len(x.bars) for x in t.tornado.values())
    s = sensitivity.sobol(amd, 64)
    assert list(s.to_dict()) == SOBOL_KEYS
    first = next(iter(s.indices["capex_usd"].values()))
    assert isinstance(first, sensitivity.SobolIndex) and list(first.to_dict()) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert len(s.to_frame()) == sum(len(v) for v in s.indices.values())
    both = sensitivity.Sensitivity(tornado=t, sobol=None)
    assert list(both.to_dict()) == ["tornado"]
    _plain_json(d)


def test_deal_sensitivity_keys():
    out = sensitivity.run_sensitivity("openai-amd", metric="dilution", samples=64, grid=True, grid_spots="200,400", grid_slips="0,6",
                                      as_of="2025-10-06")
    assert isinstance(out, sensitivity.DealSensitivity)
    d = out.to_dict()
    assert list(d) == DEAL_SENSITIVITY_KEYS and d["metric"] == "dilution_pct"
    assert list(d["tornado"]) == DEAL_TORNADO_KEYS and list(d["grid"]) == GRID_KEYS
    g = out.grid.to_frame()
    assert list(g.index) == [200.0, 400.0] and list(g.columns) == [0, 6] and g.iloc[0, 0] == out.grid.values[0][0]
    assert "grid" not in sensitivity.run_sensitivity("openai-amd", metric="dilution", samples=64, as_of="2025-10-06").to_dict()


def test_optimize_keys():
    spec, source = optimize.load_spec("openai-compute-2029")
    out = optimize.solve(spec, source=source, share=0.5)
    assert isinstance(out, optimize.OptimalPlan) and isinstance(out.plan[0], optimize.PlanRow)
    d = out.to_dict()
    assert list(d) == OPTIMIZE_KEYS
    assert list(d["plan"][0]) == PLAN_KEYS and list(d["diversification"]) == DIVERSIFICATION_KEYS
    assert out.to_frame()["gw"].sum() == pytest.approx(sum(out.gw_by_vendor.values()))
    free = optimize.run_optimize("openai-compute-2029", share=1.0).to_dict()
    assert "diversification" not in free and list(free) == [k for k in OPTIMIZE_KEYS if k != "diversification"]


@pytest.mark.parametrize("args, build", [
    (["supply", "openai-amd", "--constrained", "--share", "0.1"],
     lambda: supply.run_supply("openai-amd", constrained_schedule=True, share=0.1)),
    (["flows", "openai-amd", "--companies", "--currency", "JPY"], lambda: flows.run_flows("openai-amd", with_companies=True, currency="JPY")),
    (["sensitivity", "openai-amd", "--sobol-samples", "0"], lambda: sensitivity.run_sensitivity("openai-amd", sobol_samples=0)),
    (["optimize", "openai-compute-2029"], lambda: optimize.run_optimize("openai-compute-2029")),
    (["deal", "openai-amd", "--samples", "300", "--as-of", "2025-10-06"],
     lambda: deals.run_deal("openai-amd", samples=300, as_of="2025-10-06")),
])
def test_cli_json_is_to_dict(args, build):
    r = CliRunner().invoke(cli.app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    expected = json.loads(json.dumps(build().to_dict(), default=str))
    assert json.loads(r.stdout) == expected


def test_help_does_not_import_the_analyses():
    code = ("import sys; sys.argv = ['gigawatt', '--help']\n"
            "from gigawatt.interfaces import cli\n"
            "try:\n    cli.app()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'pandas', 'gigawatt.core.records', 'gigawatt.analyses.deals', 'gigawatt.engine.core')"
            " if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out, out


def test_an_empty_result_frame_keeps_its_index_and_columns():
    """No slips (no --constrained) is an empty table with named columns, not a (0, 0) frame."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.analyses.supply import supply_report

    df = supply_report(evaluate("openai-amd")).slips_frame()
    assert len(df) == 0 and df.index.name == "tranche" and "slip_months" in df.columns
