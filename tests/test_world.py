"""`gigawatt deals`, `gigawatt world` and `gigawatt scenario from-ledger` through the CLI, and the world view's figures."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt.interfaces import cli
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


SEED = ("--deal", "openai-amd-2025-10", "--deal", "openai-nvidia-2025-09", "--deal", "openai-broadcom-2025-10")


def test_from_ledger_names_each_deals_ledger_id_and_deal_reads_it(runner, tmp_path):
    import yaml

    text = run(runner, "scenario", "from-ledger", *SEED)
    data = yaml.safe_load(text)
    assert [d["ledger"] for d in data["deals"]] == [d["name"] for d in data["deals"]]
    assert not any("ledger:" in (d.get("note") or "") for d in data["deals"])  # the field, not a note, carries it
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    out = json.loads(run(runner, "deal", str(path), "--samples", "200", "--json"))
    nv = next(d for d in out["deals"] if d["name"] == "openai-nvidia-2025-09")
    assert nv["ledger"]["id"] == "openai-nvidia-2025-09" and nv["ledger"]["status"] == "loi"
    # A scenario that names its ledger entry only in the note (the older form) is still linked.
    from gigawatt.analyses.deals import ledger_link
    from gigawatt.scenario.spec import Deal

    old = Deal.model_validate({"name": "x", "buyer": "OpenAI", "supplier": "NVIDIA", "note": "ledger: openai-nvidia-2025-09. more",
                               "tranches": [{"product": "vr200", "gw": 1, "start": "2026-07"}]})
    assert old.ledger is None and ledger_link(old)["id"] == "openai-nvidia-2025-09"
    assert ledger_link(old.model_copy(update={"note": "no link"})) is None


def test_from_ledger_sample_status_runs_in_gigawatt_mc(runner, tmp_path):
    text = run(runner, "scenario", "from-ledger", *SEED, "--status-weights", "loi=0.5", "--sample-status")
    assert "# Deal completion is sampled: 2 deals" in text
    path = tmp_path / "sampled.yaml"
    path.write_text(text)
    r = runner.invoke(cli.app, ["mc", str(path), "--samples", "2000", "--seed", "5", "--json"])
    assert r.exit_code == 0, r.output
    mc = json.loads(r.stdout)  # stderr carries notes (the warrant's valuation basis)
    g = mc["percentiles"]["gw_delivered"]
    # 6 GW (AMD, definitive) + each LOI's 10 GW with probability 0.5: samples of 6, 16 or 26 GW.
    assert (g["p5"], g["p50"], g["p95"]) == pytest.approx((6, 16, 26))
    assert mc["deterministic"]["gw"] == pytest.approx(26)  # `plan` on the file: every deal at full size
    names = {v["name"] for v in mc["variables"]}
    assert names == {"completes.openai-nvidia-2025-09", "completes.openai-broadcom-2025-10"}
    # Without weights between 0 and 1 nothing is sampled, and the file says so.
    assert "nothing is sampled" in run(runner, "scenario", "from-ledger", *SEED, "--sample-status")


def test_world_samples_deal_completion(runner):
    w = run_json(runner, "world", *SEED, "--status-weights", "loi=0.5", "--samples", "2000", "--seed", "1")
    c = w["completion_mc"]
    assert {d["deal"]: d["probability"] for d in c["deals_sampled"]} == {"openai-nvidia-2025-09": 0.5, "openai-broadcom-2025-10": 0.5}
    assert {d["deal"]: d["gw_if_completed"] for d in c["deals_sampled"]} == pytest.approx({"openai-nvidia-2025-09": 10, "openai-broadcom-2025-10": 10})
    assert c["gw_if_all_complete"] == pytest.approx(26) and w["totals"]["gw"] == pytest.approx(16)  # the expected view stays weighted
    g = c["gw_delivered_at_horizon_end"]
    assert (g["p5"], g["p95"]) == pytest.approx((6, 26)) and g["mean"] == pytest.approx(16, abs=0.7)  # se 0.16 GW
    assert "Deal completion sampled" in run(runner, "world", *SEED, "--status-weights", "loi=0.5", "--samples", "500")
    r = runner.invoke(cli.app, ["world", *SEED, "--samples", "100"])
    assert r.exit_code != 0 and "nothing to sample" in str(r.exception)


def test_world_api_for_the_page(tmp_path):
    from fastapi.testclient import TestClient

    from gigawatt.interfaces.report.world import DEAL_COLUMNS
    from gigawatt.interfaces.server import create_app

    client = TestClient(create_app(tmp_path / "w.db"), base_url="http://localhost", raise_server_exceptions=False)
    r = client.get("/api/world")
    assert r.status_code == 200, r.text
    w = r.json()
    full = run_json(CliRunner(), "world", "--supply")
    assert w["as_of"] == full["as_of"] and len(w["deals"]["rows"]) == len(full["deals"])
    assert w["deals"]["columns"] == DEAL_COLUMNS
    rows = {row[0]: dict(zip(DEAL_COLUMNS, row)) for row in w["deals"]["rows"]}
    meta = rows["meta-amd-2026-02"]
    assert (meta["Status"], meta["Counted (GW)"], meta["Sized in the engine (GW)"]) == ("definitive", "6", "6")
    assert rows["stargate-abilene"]["Counted (GW)"] == "0" and "counted in" in rows["stargate-abilene"]["Why left out or not sized"]
    by_buyer = next(c for c in w["charts"] if c["id"] == "world_gw_by_buyer")
    assert {t["name"] for t in by_buyer["data"]} == set(full["quarterly"]["online_gw_by_buyer"])
    assert by_buyer["data"][0]["x"] == full["quarterly"]["quarter"]
    b = full["supply"]["binding"]
    assert w["binding"].startswith(f"Binding supply input: {b['name']} binds first in {b['quarter']}")
    # As of a month: only deals announced by then; a date that is not a month is refused with 422.
    seed = client.get("/api/world", params={"as_of": "2025-10"}).json()
    ids = {row[0] for row in seed["deals"]["rows"]}
    assert "openai-amd-2025-10" in ids and "meta-amd-2026-02" not in ids and seed["as_of"] == "2025-10"
    for bad in ("2025-13", "2025-10-08", "soon", "x" * 100):
        r = client.get("/api/world", params={"as_of": bad})
        assert r.status_code == 422 and r.json()["error"], bad
    assert "month" in client.get("/api/world", params={"as_of": "2025-13"}).json()["error"]
    assert client.get("/api/world", params={"as_of": "1999-01"}).status_code == 422  # before any deal
