"""Deal economics reproduced from scenario data (8-K terms, LOI terms), plus bad-input errors."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import gigawatt
from gigawatt.analyses.deals import PriceOptions, analyse, parse_price_path
from gigawatt.core.errors import GigawattError
from gigawatt.scenario.spec import BUILTIN_DIR, loads


@pytest.fixture(scope="module")
def amd_result():
    return gigawatt.evaluate("openai-amd")


def test_stake_and_headline_value_from_the_8k(amd_result):
    w = analyse(amd_result, PriceOptions(samples=1000))["warrant"]
    terms = amd_result.scenario.deals[0].warrant
    assert w["shares_total"] == terms.shares == sum(t.shares for t in terms.tranches) == 160_000_000
    assert round(w["stake_pct_pre"], 1) == 9.9      # 160M / 1,622M
    assert round(w["stake_pct_post"], 1) == 9.0     # 160M / (1,622M + 160M)
    assert w["value_at_final_hurdle_usd"] == 96e9   # 160M x $600


def test_all_vest_when_hurdles_met_and_six_gw_delivered(amd_result):
    w = analyse(amd_result, PriceOptions(path={"2026-01": 700.0}))["warrant"]
    assert w["prob_full_vest"] == 1.0
    assert w["expected_vested_shares"] == 160_000_000
    assert [t["prob_vest"] for t in w["tranches"]] == [1.0] * 6
    # Each tranche vests the month its GW milestone is reached (price is already above every hurdle).
    assert [t["expected_vest_month"] for t in w["tranches"]] == [t["gw_milestone_month"] for t in w["tranches"]]


def _amd_with_gw(tmp_path, gw: str):
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text()
    start = text.index("    tranches:\n      - {label")
    end = text.index("    warrant:")
    text = text[:start] + f"    tranches:\n      - {{product: mi450, gw: \"{gw}\", start: 2026-07, ramp_months: 6}}\n" + text[end:]
    path = tmp_path / "amd.yaml"
    path.write_text(text)
    return gigawatt.evaluate(path)


def test_none_vest_with_0_9_gw_delivered(tmp_path):
    r = _amd_with_gw(tmp_path, "0.9 GW")
    w = analyse(r, PriceOptions(path={"2026-01": 700.0}))["warrant"]
    assert w["expected_vested_shares"] == 0 and w["value_usd"] == 0
    assert w["tranches"][0]["gw_milestone_month"] is None


def test_one_gw_vests_exactly_the_first_tranche(tmp_path):
    w = analyse(_amd_with_gw(tmp_path, "1 GW"), PriceOptions(path={"2026-01": 700.0}))["warrant"]
    assert w["expected_vested_shares"] == 26_666_667


def test_nvidia_hundred_billion_arrives_as_ten_per_gw():
    # The LOI's $10B per GW (superseded in February 2026) lives in the dated seed view.
    r = gigawatt.evaluate("openai-portfolio-2025-10")
    inv = analyse(r, PriceOptions(samples=10))["investment"]
    assert inv["deal"] == "OpenAI-NVIDIA"
    assert inv["total_usd"] == 100e9
    assert sum(inv["usd_by_year"].values()) == pytest.approx(100e9)
    idx = [t.index for t in r.tranches if t.deal == "OpenAI-NVIDIA"]
    delivered = r.series["delivered_gw"][0, idx].sum(axis=0)
    per_year_gw = {}
    for m, d in zip(r.months, np.diff(delivered, prepend=0.0)):
        per_year_gw[m[:4]] = per_year_gw.get(m[:4], 0.0) + d
    for year, usd in inv["usd_by_year"].items():
        assert usd == pytest.approx(10e9 * per_year_gw[year], abs=1.0)
    assert inv["stake_pct_at_valuation"] == pytest.approx(20.0)


def test_current_openai_nvidia_has_no_per_gw_investment_and_says_why():
    out = analyse(gigawatt.evaluate("openai-nvidia"), PriceOptions(samples=10))
    assert "investment" not in out
    d = out["deals"][0]
    assert "SUPERSEDED" in d["note"] and d["ledger"]["id"] == "openai-nvidia-2025-09"
    assert {"investment_per_gw", "investment_cap_usd"} <= {s["term"] for s in d["ledger"]["superseded_terms"]}


def test_supplier_revenue_and_eps_by_hand(amd_result):
    s = analyse(amd_result, PriceOptions(samples=1000))["supplier"]
    # 2029: tranche 3 (3 GW over 18 months from 2029-01) delivers 2 GW -> 2 x $17.5B.
    assert s["revenue_usd_by_year"]["2029"] == pytest.approx(35e9)
    assert s["net_income_usd_by_year"]["2029"] == pytest.approx(35e9 * (0.50 - 0.10) * (1 - 0.13))
    assert s["eps_usd_by_year_before_warrant_dilution"]["2029"] == pytest.approx(12.18e9 / 1.65e9)
    assert s["eps_usd_by_year"]["2029"] <= s["eps_usd_by_year_before_warrant_dilution"]["2029"]
    assert sum(s["revenue_usd_by_year"].values()) == pytest.approx(6 * 17.5e9)
    assert sum(s["revenue_usd_by_quarter"].values()) == pytest.approx(6 * 17.5e9)


def test_same_seed_same_answer_and_output_contract(amd_result):
    a = analyse(amd_result, PriceOptions(samples=20_000, seed=3))
    b = analyse(amd_result, PriceOptions(samples=20_000, seed=3))
    c = analyse(amd_result, PriceOptions(samples=20_000, seed=4))
    assert a["warrant"]["value_usd"] == b["warrant"]["value_usd"] != c["warrant"]["value_usd"]
    w = a["warrant"]
    for key in ("shares_total", "stake_pct_pre", "stake_pct_post", "value_usd", "value_usd_p10", "value_usd_p90",
                "prob_full_vest", "tranches"):
        assert key in w
    for t in w["tranches"]:
        assert {"shares", "gw_milestone", "price_hurdle", "prob_vest", "expected_vest_month"} <= set(t)
    assert w["value_usd_p10"] <= w["value_usd"] <= w["value_usd_p90"]
    # Probabilities fall as hurdles and milestones rise.
    probs = [t["prob_vest"] for t in w["tranches"]]
    assert probs == sorted(probs, reverse=True)
    assert "revenue_usd_by_year" in a["supplier"] and "eps_usd_by_year" in a["supplier"]
    assert a["assumptions"]["assumed_tranches"]


def test_a_higher_spot_is_worth_more(amd_result):
    lo = analyse(amd_result, PriceOptions(samples=20_000, seed=1, spot_usd=150.0))["warrant"]["value_usd"]
    hi = analyse(amd_result, PriceOptions(samples=20_000, seed=1, spot_usd=300.0))["warrant"]["value_usd"]
    assert hi > lo


def test_portfolio_carries_each_deals_terms():
    # The seed's view (dated built-in); today's portfolio has no NVIDIA investment (superseded).
    out = analyse(gigawatt.evaluate("openai-portfolio-2025-10"), PriceOptions(samples=1000))
    assert out["warrant"]["deal"] == "OpenAI-AMD"
    assert out["investment"]["deal"] == "OpenAI-NVIDIA"
    assert [d["name"] for d in out["deals"]] == ["OpenAI-AMD", "OpenAI-NVIDIA", "OpenAI-Broadcom"]


def _warrant_file(tmp_path, **changes):
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text()
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "w.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("old,new,fragment", [
    ("price_hurdle_usd: 360", "price_hurdle_usd: 100", "hurdles must not decrease"),
    ("shares: 26666665", "shares: 26666666", "add up to 160,000,001"),
    ("expiry: 2030-10", "expiry: 2024-10", "expiry (2024-10) must be after issued (2025-10)"),
    ("volatility: 0.55", "volatility: -0.2", "deals[0].warrant.underlying.volatility"),
    ("strike_usd: 0.01", "strike: 0.01", "did you mean 'strike_usd'"),
])
def test_bad_warrant_terms_are_clear_errors(tmp_path, old, new, fragment):
    with pytest.raises(GigawattError) as e:
        gigawatt.load(_warrant_file(tmp_path, **{old: new}))
    assert fragment in str(e.value) and "w.yaml" in str(e.value)


@pytest.mark.parametrize("text", ["2026-12 220", "2026-13: 5", "2026-12: -5", "", "2026-12: abc"])
def test_bad_price_paths(text):
    with pytest.raises(GigawattError, match="price-path"):
        parse_price_path(text)


def test_price_path_parses():
    assert parse_price_path("2026-12: 220, 2H 2028: 400") == {"2026-12": 220.0, "2028-07": 400.0}


# -- several warrants on one underlying (the OpenAI and Meta warrants on AMD) ----------------

def _amd_world():
    from gigawatt.catalog import load_catalog
    from gigawatt.ledger import load_ledger
    from gigawatt.analyses import world as W

    cat, led = load_catalog(), load_ledger()
    views = [v for v in led.view() if v.terms.get("warrant") is not None and v.terms["warrant"].issuer == "amd"]
    return W.evaluate(W.build(led, cat, views), cat)


@pytest.fixture(scope="module")
def amd_world():
    return _amd_world()


def test_all_amd_warrants_are_320m_shares(amd_world):
    from gigawatt.analyses.deals import joint_warrants

    j = joint_warrants(amd_world, PriceOptions(samples=2000))
    assert [w["deal"] for w in j["warrants"]] == ["openai-amd-2025-10", "meta-amd-2026-02"]
    assert j["shares_total"] == 320_000_000
    assert j["shares_outstanding"] == 1_630_000_000          # AMD 10-K, 2025-12-27
    assert j["stake_pct_pre"] == pytest.approx(100 * 320 / 1630)            # 19.6 %
    assert j["stake_pct_post"] == pytest.approx(100 * 320 / (1630 + 320))   # 16.4 %


def _naive_joint(result, path_prices, as_of, warrants):
    """An independent calculation: loop over paths, months and tranches in plain Python."""
    import math

    from gigawatt.core.timeline import month_index

    total = []
    for prices in path_prices:
        value = 0.0
        for di, w in warrants:
            idx = [t.index for t in result.tranches if t.deal_index == di]
            delivered = result.series["delivered_gw"][0, idx].sum(axis=0)
            for tr in w.tranches:
                for k, price in enumerate(prices):
                    m = as_of + k
                    if m > month_index(w.expiry):
                        break
                    e = m - result.inputs.month0
                    d = 0.0 if e < 0 else delivered[min(e, len(delivered) - 1)]
                    if d >= tr.gw - 1e-9 and price >= tr.price_hurdle_usd:
                        value += tr.shares * (price - w.strike_usd) * math.exp(-w.underlying.risk_free_rate * k / 12)
                        break
        total.append(value)
    return total


def test_joint_value_matches_an_independent_path_by_path_calculation(amd_world):
    from gigawatt.analyses.deals import joint_warrants
    from gigawatt.model import warrant as wm
    from gigawatt.core.timeline import month_index

    opts = PriceOptions(samples=64, seed=11)
    j = joint_warrants(amd_world, opts)
    warrants = [(i, d.warrant) for i, d in enumerate(amd_world.scenario.deals) if d.warrant]
    u = warrants[0][1].underlying
    as_of = month_index(u.as_of)
    n = max(month_index(w.expiry) for _, w in warrants) - as_of
    prices = wm.gbm_paths(u.spot_usd, u.volatility, u.risk_free_rate, 0.0, n, 64, np.random.default_rng(np.random.SeedSequence(11)))
    naive = _naive_joint(amd_world, prices, as_of, warrants)
    assert j["value_usd"] == pytest.approx(float(np.mean(naive)), rel=1e-12)
    assert j["value_usd_p90"] == pytest.approx(float(np.percentile(naive, 90)), rel=1e-12)


def test_common_prices_make_vesting_move_together(amd_world):
    from gigawatt.analyses.deals import joint_warrants

    j = joint_warrants(amd_world, PriceOptions(samples=20_000, seed=5))
    p_open, p_meta = (w["prob_full_vest"] for w in j["warrants"])
    # On common price paths full vesting is strongly dependent: P(both) is far above P(a) x P(b).
    assert j["prob_all_fully_vest"] > 1.5 * p_open * p_meta
    assert j["prob_all_fully_vest"] <= min(p_open, p_meta) + 1e-12


def test_given_high_path_vests_everything_once_6_gw_each_are_delivered(amd_world):
    from gigawatt.analyses.deals import joint_warrants

    j = joint_warrants(amd_world, PriceOptions(path={"2026-06": 700.0}))
    assert j["expected_vested_shares"] == 320_000_000 and j["prob_all_fully_vest"] == 1.0
    assert j["expected_dilution_pct"] == pytest.approx(100 * 320 / 1950)


def test_deal_inputs_are_checked():
    for bad in ("2026-12: inf", "2026-12: nan"):
        with pytest.raises(GigawattError, match="must be from 0.01 to 1,000,000 USD"):
            parse_price_path(bad)
    r = gigawatt.evaluate("openai-amd")
    with pytest.raises(GigawattError, match="not after the valuation month"):
        analyse(r, PriceOptions(path={"2020-01": 100.0}))


def test_a_tranche_that_can_never_vest_is_flagged():
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text().replace("products: [mi450]", "products: [mi45]")
    w = analyse(gigawatt.evaluate(loads(text)), PriceOptions(samples=100))["warrant"]
    assert any("tranche 1" in m and "can never vest" in m for m in w["warnings"])


def test_eps_by_quarter_adds_up_to_the_year():
    s = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=500))["supplier"]
    gp = sum(v for q, v in s["gross_profit_usd_by_quarter"].items() if q.startswith("2029"))
    assert gp == pytest.approx(s["gross_profit_usd_by_year"]["2029"])
    assert set(s["eps_usd_by_quarter"]) == set(s["gross_profit_usd_by_quarter"])


def test_real_world_drift_is_labelled():
    w = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=500, drift=0.3))["warrant"]
    assert "not a market value" in w["price_mode"]
