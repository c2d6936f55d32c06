"""The deal ledger: schema, provenance check, as-of semantics, sizing (counts, contract dollars),
the double-count guard, status weights, and the seed's view reproduced from the ledger."""
from __future__ import annotations

import textwrap

import pytest

import gigawatt
from gigawatt.catalog import load_catalog
from gigawatt.core.errors import GigawattError
from gigawatt.ledger import check, date_key, load_ledger
from gigawatt.analyses import world as W

SEED_IDS = {"openai-amd-2025-10", "openai-nvidia-2025-09", "openai-broadcom-2025-10"}
PLAN_KEYS = ("gw", "gw_it", "accelerators", "racks", "capex_usd", "capex_topdown_usd", "energy_twh_per_year",
             "co2_mt_per_year", "hbm_gb", "npv_cost_usd")


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.fixture(scope="module")
def led():
    return load_ledger()


def world(led, cat, as_of=None, ids=None, weights=None, **filters):
    views = W.select(led.view(as_of), ids=ids, catalog=cat, **filters)
    wi = W.build(led, cat, views, as_of, W.parse_weights(weights) if isinstance(weights, str) or weights is None else weights)
    return wi, W.evaluate(wi, cat) if wi.scenario is not None else None


# -- schema and provenance -----------------------------------------------------------------

def test_at_least_25_deals_with_sources_and_events(led):
    assert len(led.deals) >= 25
    for d in led.deals.values():
        assert d.sources and d.events
        assert all(s.tier in ("primary", "major", "secondary") for s in d.sources.values())


def test_builtin_ledger_passes_check(led, cat):
    assert [p.render() for p in check(led, cat)] == []


def _one_deal(tmp_path, body: str):
    path = tmp_path / "deal.yaml"
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """\
    id: my-deal
    title: My deal
    buyer: Me
    seller: Them
    kind: purchase
    sources:
      pr: {publisher: "Their release", date: 2026-01-05, tier: primary}
    events:
      - date: 2026-01-05
        type: definitive
        summary: "Signed"
        sources: [pr]
        terms:
          gw: {value: 1, unit: GW, kind: spec}
          tranches:
            - {label: "first", product: gb200, gw: {value: 1, unit: GW, kind: spec}, start: 2026-07}
"""


def test_a_user_deal_file_is_added_and_checked(tmp_path, cat):
    led = load_ledger([_one_deal(tmp_path, GOOD)])
    assert "my-deal" in led.deals
    assert [p for p in check(led, cat) if p.path.startswith("my-deal")] == []


@pytest.mark.parametrize("old,new,fragment", [
    ("gw: {value: 1, unit: GW, kind: spec}\n", "gw: {value: 1, unit: GW}\n", "no kind"),
    ("sources: [pr]", "sources: [nope]", "source 'nope' is not in the file's sources"),
    ("product: gb200", "product: gb2000", "not in the catalog; closest: gb200"),
    ("gw: {value: 1, unit: GW, kind: spec}\n", "gw: {unit: GW, kind: spec}\n", "no value"),
    ("gw: {value: 1, unit: GW, kind: spec}\n",
     "gw: {value: 1, unit: GW, kind: spec, alternatives: [{value: 2, source: pr}]}\n", "choice does not say"),
])
def test_check_fails_on_gaps(tmp_path, cat, old, new, fragment):
    assert old in GOOD
    led = load_ledger([_one_deal(tmp_path, GOOD.replace(old, new, 1))])
    problems = [p.render() for p in check(led, cat) if p.path.startswith("my-deal")]
    assert any(fragment in p for p in problems), problems


def test_schema_errors_name_the_file_field_and_fix(tmp_path):
    with pytest.raises(GigawattError) as e:
        load_ledger([_one_deal(tmp_path, GOOD.replace("kind: purchase", "kind: purchse"))])
    assert "deal.yaml" in str(e.value) and "kind" in str(e.value)
    with pytest.raises(GigawattError, match="did you mean 'summary'"):
        load_ledger([_one_deal(tmp_path, GOOD.replace("summary:", "sumary:"))])
    with pytest.raises(GigawattError, match="date order"):
        load_ledger([_one_deal(tmp_path, GOOD.replace("    events:\n", "    events:\n      - {date: 2026-03-01, type: update, summary: x, sources: [pr]}\n"))])


# -- as-of semantics -----------------------------------------------------------------------

def test_as_of_sees_only_events_up_to_the_date(led):
    ids = {v.id for v in led.view("2025-10-08")}
    assert {"openai-amd-2025-10", "openai-nvidia-2025-09"} <= ids
    assert not {"openai-broadcom-2025-10", "meta-amd-2026-02", "anthropic-spacex-2026-05"} & ids
    assert "openai-broadcom-2025-10" in {v.id for v in led.view("2025-10-13")}
    assert len(led.view()) == len(led.deals)


def test_month_only_events_count_from_the_end_of_their_month(led):
    # WSJ 'on ice' is dated 2026-01 (no day): not yet known on 2026-01-15, known on 2026-01-31.
    assert date_key("2026-01") == "2026-01-31"
    mid = [e.type for e in led.get("openai-nvidia-2025-09", "2026-01-15").events]
    end = [e.type for e in led.get("openai-nvidia-2025-09", "2026-01-31").events]
    assert len(end) == len(mid) + 1


def test_superseded_nvidia_investment_is_visible(led):
    then = led.get("openai-nvidia-2025-09", "2025-12-31")
    now = led.get("openai-nvidia-2025-09")
    assert then.terms["investment_per_gw"].x == 10e9 and then.superseded() == []
    assert "investment_per_gw" not in now.terms and now.status == "loi"
    gone = {s["term"]: s for s in now.superseded()}
    assert {"investment_per_gw", "investment_cap_usd", "equity"} <= set(gone)
    assert gone["investment_per_gw"]["replaced"] == "2026-02-27" and gone["investment_per_gw"]["now"] == "removed"


def test_scaled_back_abilene_keeps_both_values(led):
    assert led.get("stargate-abilene", "2025-12-31").terms["gw"].x == 1.8
    now = led.get("stargate-abilene")
    assert now.status == "scaled-back" and now.terms["gw"].x == 1.2
    assert [a.value for a in now.terms["gw"].alternatives] == [1.8] and now.terms["gw"].choice
    assert [s["term"] for s in now.superseded()] == ["gw", "gw"]


def test_unknown_deal_and_not_yet_announced(led):
    with pytest.raises(GigawattError, match="closest: meta-amd-2026-02"):
        led.get("meta-amd-2026")
    with pytest.raises(GigawattError, match="not yet announced as of 2025-10-08"):
        led.get("meta-amd-2026-02", "2025-10-08")


# -- the seed's view from the ledger ---------------------------------------------------------

def test_ledger_as_of_october_2025_reproduces_the_dated_portfolio(led, cat):
    wi, r = world(led, cat, "2025-10-13", ids=SEED_IDS)
    dated = gigawatt.evaluate("openai-portfolio-2025-10")
    for k in PLAN_KEYS:
        assert r.totals()[k] == pytest.approx(dated.totals()[k], rel=1e-12), k
    assert r.totals()["capex_topdown_usd"] == pytest.approx(26 * 50e9)


def test_ledger_as_of_the_seed_date_has_the_amd_and_nvidia_deals(led, cat):
    # The seed is dated 2025-10-08; Broadcom's term sheet came on 2025-10-13, so it is not there yet.
    wi, r = world(led, cat, "2025-10-08", ids={"openai-amd-2025-10", "openai-nvidia-2025-09"})
    parts = [gigawatt.evaluate(n).totals() for n in ("openai-amd", "openai-nvidia")]
    for k in ("gw", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year"):
        assert r.totals()[k] == pytest.approx(sum(p[k] for p in parts), rel=1e-12), k
    with pytest.raises(GigawattError, match="openai-broadcom-2025-10"):
        world(led, cat, "2025-10-08", ids=SEED_IDS)


def test_dated_portfolio_keeps_the_loi_investment_and_todays_does_not():
    from gigawatt.analyses.deals import PriceOptions, analyse

    dated = analyse(gigawatt.evaluate("openai-portfolio-2025-10"), PriceOptions(samples=10))
    today = analyse(gigawatt.evaluate("openai-portfolio"), PriceOptions(samples=10))
    assert dated["investment"]["deal"] == "OpenAI-NVIDIA" and dated["investment"]["total_usd"] == 100e9
    assert "investment" not in today
    nv = next(d for d in today["deals"] if d["name"] == "OpenAI-NVIDIA")
    assert "SUPERSEDED" in nv["note"]
    assert "investment_per_gw" in {s["term"] for s in nv["ledger"]["superseded_terms"]}
    # Same hardware and schedule: the plan figures of today's and the dated portfolio agree.
    a, b = gigawatt.evaluate("openai-portfolio").totals(), gigawatt.evaluate("openai-portfolio-2025-10").totals()
    assert all(a[k] == pytest.approx(b[k], rel=1e-12) for k in PLAN_KEYS)


# -- sizing: contract dollars and accelerator counts -----------------------------------------

def test_cloud_contract_converts_at_the_stated_rate(led, cat):
    rate = led.rate_for("gb300").usd_per_gw_year
    # The rate itself: $300B / 5 years / 4.5 GW IT (Oracle-OpenAI) = $13.33B per GW-year.
    assert rate.x == pytest.approx(300e9 / 5 / 4.5, rel=1e-3)
    assert rate.kind == "derived" and rate.low == 8.5e9 and rate.high == 19.9e9 and rate.choice
    wi, r = world(led, cat, ids={"openai-aws-2025-11"})
    (x,) = wi.sized["openai-aws-2025-11"]
    assert x.how == "from contract dollars" and x.basis == "it"
    assert x.gw == pytest.approx(38e9 / 7 / 13.33e9)            # 0.407 GW IT
    assert (x.low, x.high) == (pytest.approx(38e9 / 7 / 19.9e9), pytest.approx(38e9 / 7 / 8.5e9))
    assert r.totals()["gw_it"] == pytest.approx(38e9 / 7 / 13.33e9)
    assert r.totals()["gw"] == pytest.approx(38e9 / 7 / 13.33e9 * 1.2)   # DLC PUE 1.2


def test_conversion_range_brackets_a_contract_that_states_its_gw(led):
    # Independent check: IREN states ~200 MW IT for $9.7B over 5 years; the rate's range must contain it.
    rate = led.rate_for("gb300").usd_per_gw_year
    per_year = 9.7e9 / 5
    assert per_year / rate.high <= 0.2 <= per_year / rate.low
    assert led.get("msft-iren-2025-11").terms["gw"].x == 0.2


def test_only_the_dedicated_part_of_a_contract_is_converted(led, cat):
    wi, _ = world(led, cat, ids={"meta-nebius-2026-03"})
    (x,) = wi.sized["meta-nebius-2026-03"]
    assert x.detail["contract_usd"] == 12e9 and x.gw == pytest.approx(12e9 / 5 / 13.33e9)


def test_accelerator_counts_use_the_catalogs_all_in_power(led, cat):
    wi, r = world(led, cat, ids={"humain-nvidia-2025-11"})
    kw = gigawatt.size("gb300", count=1)["it_kw_per_accelerator"]
    assert wi.sized["humain-nvidia-2025-11"][0].gw == pytest.approx(600_000 * kw / 1e6)
    assert r.totals()["accelerators"] == pytest.approx(600_000, rel=1e-9)


def test_deals_without_gw_or_quantity_are_left_out(led, cat):
    wi, r = world(led, cat, ids={"openai-microsoft-2025-10", "openai-amd-2025-10"})
    row = next(x for x in wi.rows if x["id"] == "openai-microsoft-2025-10")
    assert row["gw_counted_facility"] == 0 and "neither GW nor" in row["excluded_reason"]
    assert r.totals()["gw"] == pytest.approx(6.0)


def test_stated_gw_without_hardware_is_counted_but_not_sized(led, cat):
    wi, r = world(led, cat, ids={"openai-oracle-stargate-2025-07"})
    row = wi.rows[0]
    assert row["gw_stated_facility"] == pytest.approx(4.5 * 1.2)       # 4.5 GW IT at PUE 1.2
    assert row["gw_modelled_facility"] == pytest.approx(1.2)           # Abilene GB200
    assert row["gw_unmodelled_facility"] == pytest.approx(4.5 * 1.2 - 1.2)
    assert r.totals()["gw"] == pytest.approx(1.2)


# -- double counting ---------------------------------------------------------------------------

def test_a_site_serving_a_contract_is_counted_once(led, cat):
    both, r_both = world(led, cat, ids={"openai-oracle-stargate-2025-07", "stargate-abilene"})
    one, r_one = world(led, cat, ids={"openai-oracle-stargate-2025-07"})
    site, r_site = world(led, cat, ids={"stargate-abilene"})
    assert r_both.totals()["gw"] == pytest.approx(r_one.totals()["gw"]) == pytest.approx(1.2)
    assert sum(x["gw_counted_facility"] for x in both.rows) == pytest.approx(sum(x["gw_counted_facility"] for x in one.rows))
    assert [g["id"] for g in both.guard] == ["stargate-abilene"]
    assert r_site.totals()["gw"] == pytest.approx(1.2) and site.guard == []   # alone, the site counts


def test_a_contract_served_from_a_site_is_counted_in_the_site(led, cat):
    alone, r_alone = world(led, cat, ids={"anthropic-spacex-2026-05"})
    assert r_alone.totals()["accelerators"] == pytest.approx(325_000, rel=1e-9)
    both, r_both = world(led, cat, ids={"anthropic-spacex-2026-05", "xai-colossus2-2025-10"})
    site, r_site = world(led, cat, ids={"xai-colossus2-2025-10"})
    assert r_both.totals()["accelerators"] == pytest.approx(r_site.totals()["accelerators"])


# -- status weights ------------------------------------------------------------------------------

def test_status_weights_scale_gw_by_status(led, cat):
    ids = {"openai-nvidia-2025-09", "openai-amd-2025-10", "openai-broadcom-2025-10"}
    _, full = world(led, cat, ids=ids)
    wi, half = world(led, cat, ids=ids, weights="loi=0.5,definitive=0.9")
    # NVIDIA (LOI) 10 GW and Broadcom (term sheet: LOI) 10 GW at 0.5, AMD (definitive) 6 GW at 0.9.
    assert half.totals()["gw"] == pytest.approx(0.5 * 10 + 0.5 * 10 + 0.9 * 6)
    assert full.totals()["gw"] == pytest.approx(26)
    # A weighted deal is an expected size: its warrant is not valued on it.
    assert all(d.warrant is None for d in wi.scenario.deals)


def test_paused_deals_weigh_zero_by_default(led, cat):
    wi, _ = world(led, cat, ids={"stargate-uk-2025-09", "openai-amd-2025-10"})
    uk = next(x for x in wi.rows if x["id"] == "stargate-uk-2025-09")
    assert uk["status"] == "paused" and uk["weight"] == 0


@pytest.mark.parametrize("text,fragment", [("loi=2", "probability"), ("maybe=0.5", "cannot read"), ("loi=x", "not a number")])
def test_bad_status_weights(text, fragment):
    with pytest.raises(GigawattError, match=fragment):
        W.parse_weights(text)
    assert W.parse_weights("rumoured=0.2")["reported"] == 0.2


def test_filters(led, cat):
    amd = W.select(led.view(), vendor="amd", catalog=cat)
    assert {"openai-amd-2025-10", "meta-amd-2026-02", "oracle-amd-2025-10", "humain-amd-cisco-2025-11"} <= {v.id for v in amd}
    assert all("openai" in v.entry.buyer.lower() for v in W.select(led.view(), buyer="openai", catalog=cat))
    assert {v.status for v in W.select(led.view(), status="rumoured", catalog=cat)} == {"reported"}
    with pytest.raises(GigawattError, match="--status"):
        W.select(led.view(), status="signed", catalog=cat)


# -- deal completion sampled by status (the Monte Carlo) -----------------------------------------

def _sampled(led, cat, weights):
    views = W.select(led.view(), ids=SEED_IDS, catalog=cat)
    return W.build(led, cat, views, None, W.parse_weights(weights), sample_status=True)


def _mc(scenario, samples=4000, seed=3):
    from gigawatt.engine.mc import simulate

    return simulate(gigawatt.evaluate(scenario), samples=samples, seed=seed)


def test_sample_status_writes_one_completion_draw_per_uncertain_deal(led, cat):
    wi = _sampled(led, cat, "loi=0.5,definitive=1")
    # NVIDIA (LOI, 10 GW) and Broadcom (term sheet: LOI, 10 GW) are drawn; AMD (definitive, weight 1) is certain.
    unc = {u.name: u for u in wi.scenario.uncertainty}
    assert set(unc) == {"completes.openai-nvidia-2025-09", "completes.openai-broadcom-2025-10"}
    u = unc["completes.openai-nvidia-2025-09"]
    assert (u.dist.type, u.dist.values, u.dist.probs) == ("discrete", [0.0, 1.0], [0.5, 0.5])
    assert [(t.field, t.deal) for t in u.targets] == [("deal_completes", "openai-nvidia-2025-09")]
    # A sampled deal keeps its full size in the scenario (the draw scales it), and names its ledger entry.
    gw = {d.name: sum(t.gw for t in d.tranches) for d in wi.scenario.deals}
    assert gw == pytest.approx({"openai-nvidia-2025-09": 10, "openai-broadcom-2025-10": 10, "openai-amd-2025-10": 6})
    assert {d.name: d.ledger for d in wi.scenario.deals} == {d.name: d.name for d in wi.scenario.deals}
    # The expected view in the rows is still weighted: 0.5 x 10 + 0.5 x 10 + 6.
    assert sum(r["gw_modelled_facility"] for r in wi.rows) == pytest.approx(16)


def test_completion_draws_with_probability_0_and_1_are_deterministic(led, cat):
    wi = _sampled(led, cat, "loi=0.5")
    data = wi.scenario.model_dump()
    for u in data["uncertainty"]:  # NVIDIA surely completes, Broadcom surely not
        u["dist"]["probs"] = [0.0, 1.0] if u["targets"][0]["deal"] == "openai-nvidia-2025-09" else [1.0, 0.0]
    from gigawatt.scenario.spec import Scenario

    g = _mc(Scenario.model_validate(data), samples=600)["percentiles"]["gw_delivered"]
    # Every sample: AMD 6 GW + NVIDIA 10 GW, Broadcom 0, all delivered by the horizon's end.
    assert g["p5"] == g["p95"] == pytest.approx(16, rel=1e-12) and g["mean"] == pytest.approx(16, rel=1e-12)


def test_completion_draws_average_to_the_status_weighted_view(led, cat):
    wi = _sampled(led, cat, "loi=0.5")
    g = _mc(wi.scenario)["percentiles"]["gw_delivered"]
    # Each sample is 6, 16 or 26 GW (neither, one or both LOIs complete), with probabilities 1/4, 1/2, 1/4.
    assert (g["p5"], g["p50"], g["p95"]) == pytest.approx((6, 16, 26))
    # Mean 16 GW = the weighted world (5 + 5 + 6); per-sample sd sqrt(2 x 0.25 x 10^2) = 7.07 GW, so the
    # standard error of 4000 samples is 0.11 GW: 0.5 GW is more than 4 standard errors.
    _, weighted = world(led, cat, ids=SEED_IDS, weights="loi=0.5")
    assert weighted.totals()["gw"] == pytest.approx(16)
    assert g["mean"] == pytest.approx(16, abs=0.5)


def test_completion_sampling_needs_a_weight_between_0_and_1(led, cat):
    wi = _sampled(led, cat, None)  # default weights: every live deal 1
    assert wi.scenario.uncertainty == []
    with pytest.raises(GigawattError, match="nothing to sample"):
        W.sample_completion(led, cat, W.select(led.view(), ids=SEED_IDS, catalog=cat), None, W.parse_weights(None), 100)


def test_views_do_not_depend_on_the_string_hash_seed():
    """Term histories (and so `superseded_terms` in `deal --json`) come out in one order whatever
    PYTHONHASHSEED is: the same ledger gives the same JSON in every run."""
    import os
    import subprocess
    import sys

    code = ("import json; from gigawatt.ledger import load_ledger; "
            "print(json.dumps([[v.id, list(v.terms), v.superseded()] for v in load_ledger().view(None)], default=str))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3", "4")}
    assert len(outs) == 1


@pytest.mark.parametrize("text,message", [("2026-13", "no such month"), ("2026-02-30", "no such day"), ("2026-00", "no such month")])
def test_impossible_dates_are_refused(text, message):
    """The date pattern alone let 2026-13 through (`world --as-of 2026-13` printed a world "as of 2026-13")."""
    from gigawatt.ledger.schema import _date_text

    with pytest.raises(ValueError, match=message):
        _date_text(text)
    assert _date_text("2026-02-28") == "2026-02-28" and _date_text("2026-12") == "2026-12"


@pytest.mark.parametrize("command", [["world"], ["deals", "list"]])
def test_cli_as_of_must_be_a_real_month(monkeypatch, capsys, command):
    from tests.test_cli_hostile import run_main

    code, out, err = run_main(monkeypatch, capsys, *command, "--as-of", "2026-13")
    assert code == 2 and "no such month" in err and not out
