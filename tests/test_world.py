"""`gigawatt deals`, `gigawatt world` and `gigawatt scenario from-ledger` through the CLI, and the world view's figures."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt import cli


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args, code=0):
    r = runner.invoke(cli.app, list(map(str, args)))
    assert r.exit_code == code, r.output
    return r.output


def run_json(runner, *args):
    return json.loads(run(runner, *args, "--json"))


def test_deals_list_has_at_least_25_deals_with_statuses(runner):
    out = run_json(runner, "deals", "list")
    assert len(out["deals"]) >= 25
    assert {d["status"] for d in out["deals"]} >= {"definitive", "loi", "reported", "closed", "paused", "scaled-back"}
    assert all(d["sources"] >= 1 and d["events"] >= 1 for d in out["deals"])
    text = run(runner, "deals", "list")
    assert "Deal ledger as of today" in text and "meta-amd-2026-02" in text


def test_deals_list_filters_and_as_of(runner):
    seed = run_json(runner, "deals", "list", "--as-of", "2025-10-08", "--buyer", "openai")
    ids = {d["id"] for d in seed["deals"]}
    assert {"openai-amd-2025-10", "openai-nvidia-2025-09"} <= ids and "openai-broadcom-2025-10" not in ids
    amd = run_json(runner, "deals", "list", "--vendor", "amd", "--status", "definitive")
    assert {"openai-amd-2025-10", "meta-amd-2026-02"} <= {d["id"] for d in amd["deals"]}


def test_deals_show_gives_terms_history_and_sources(runner):
    d = run_json(runner, "deals", "show", "meta-amd-2026-02")
    assert d["terms"]["warrant"]["shares"]["value"] == 160_000_000
    assert d["terms"]["warrant"]["expiry"]["value"] == "2031-02"
    assert d["events"][0]["date"] == "2026-02-24" and d["sources"]["amd-8k"]["tier"] == "primary"
    nv = run_json(runner, "deals", "show", "openai-nvidia-2025-09")
    assert "investment_per_gw" in {s["term"] for s in nv["superseded_terms"]}
    old = run_json(runner, "deals", "show", "openai-nvidia-2025-09", "--as-of", "2025-10-08")
    assert old["terms"]["investment_per_gw"]["value"] == 10e9 and old["later_events_not_counted"]
    assert "Event history" in run(runner, "deals", "show", "stargate-abilene")


def test_deals_check_passes(runner):
    out = run_json(runner, "deals", "check")
    assert out["ok"] and out["problems"] == [] and out["deals"] >= 25
    assert "every figure has" in run(runner, "deals", "check")


def test_world_json_contract(runner):
    w = run_json(runner, "world")
    for key in ("as_of", "status_weights", "deals", "totals", "by_buyer", "by_vendor", "by_product", "quarterly",
                "vendor_revenue_usd_by_year", "equity_flows", "double_count_guard", "conversions", "observations", "notes"):
        assert key in w, key
    t = w["totals"]
    assert t["gw_counted_facility"] == pytest.approx(t["gw_modelled_facility"] + t["gw_unmodelled_facility"])
    assert t["gw"] == pytest.approx(t["gw_modelled_facility"])
    assert {b["buyer"] for b in w["by_buyer"]} >= {"OpenAI", "Meta", "Anthropic"}
    assert {"amd", "nvidia"} <= set(w["vendor_revenue_usd_by_year"]["hardware"])
    assert "Oracle" in w["vendor_revenue_usd_by_year"]["cloud"] or "AWS" in w["vendor_revenue_usd_by_year"]["cloud"]
    assert {g["id"] for g in w["double_count_guard"]} == {"stargate-abilene", "anthropic-spacex-2026-05"}
    # Observed vs model: Rainier's 500k Trainium2 online in October 2025 is in the model.
    rainier = next(o for o in w["observations"] if o["deal"] == "anthropic-aws-rainier-2025-10")
    assert rainier["observed"] == rainier["model"] == 500_000
    assert "Headline" in run(runner, "world")


def test_world_as_of_the_seed_with_the_seed_deals_reproduces_the_dated_builtin(runner):
    w = run_json(runner, "world", "--as-of", "2025-10-13", "--deal", "openai-amd-2025-10", "--deal", "openai-nvidia-2025-09",
                 "--deal", "openai-broadcom-2025-10")
    dated = gigawatt.evaluate("openai-portfolio-2025-10").totals()
    for k in ("gw", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year", "npv_cost_usd"):
        assert w["totals"][k] == pytest.approx(dated[k], rel=1e-12), k


def test_world_status_weights(runner):
    full = run_json(runner, "world", "--buyer", "openai")
    weighted = run_json(runner, "world", "--buyer", "openai", "--status-weights", "rumoured=0.2,loi=0.5,definitive=0.9")
    assert weighted["status_weights"]["loi"] == 0.5
    assert 0 < weighted["totals"]["gw"] < full["totals"]["gw"]


def test_world_supply_names_the_binding_input_and_the_deals_that_slip(runner):
    w = run_json(runner, "world", "--supply")
    s = w["supply"]
    assert s["binding"]["input"] in ("hbm_gb", "cowos_wafers")
    assert s["slipping_deals"] and all(d["slip_months"] is None or d["slip_months"] > 0 for d in s["slipping_deals"])
    assert s["allocation_rule"] == "contract-date"
    assert {lt["id"] for lt in s["lead_times"]} == {"gas-turbine", "power-transformer", "grid-interconnection"}
    pro = run_json(runner, "world", "--supply", "--allocation", "pro-rata")["supply"]
    assert pro["allocation_rule"] == "pro-rata" and pro["binding"] == s["binding"]
    # With all of world supply (share 1) the announced deals fit: their break-even share is below 1.
    full = run_json(runner, "world", "--supply", "--share", "1")["supply"]
    assert full["binding"] is None and max(v["share"] for v in full["break_even_share"].values()) < 1
    assert "binds first" in run(runner, "world", "--supply")


def test_scenario_from_ledger_is_a_scenario_that_runs(runner, tmp_path):
    text = run(runner, "scenario", "from-ledger", "--buyer", "openai")
    assert text.startswith("# Built by `gigawatt scenario from-ledger`") and "# left out: openai-microsoft-2025-10" in text
    path = tmp_path / "openai-2026.yaml"
    path.write_text(text)
    r = gigawatt.evaluate(path)
    assert {d.name for d in r.scenario.deals} >= {"openai-amd-2025-10", "openai-nvidia-2025-09", "openai-oracle-stargate-2025-07"}


def test_deal_amd_all_warrants(runner):
    out = run_json(runner, "deal", "amd", "--all-warrants", "--samples", "2000")
    assert out["shares_total"] == 320_000_000 and out["deals"] == ["openai-amd-2025-10", "meta-amd-2026-02"]
    assert "320,000,000" in run(runner, "deal", "amd", "--all-warrants", "--samples", "2000")


def test_user_mistakes_are_clear(runner):
    r = runner.invoke(cli.app, ["deals", "show", "meta-amd"])
    assert r.exit_code != 0 and "closest: meta-amd-2026-02" in str(r.exception)
    r = runner.invoke(cli.app, ["world", "--status-weights", "loi=3"])
    assert r.exit_code != 0 and "probability" in str(r.exception)
    r = runner.invoke(cli.app, ["deal", "intel", "--all-warrants"])
    assert r.exit_code != 0 and "no underlying 'intel'" in str(r.exception)
