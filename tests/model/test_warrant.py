"""Warrant model: vesting logic by hand, and the Monte Carlo against two independent closed forms."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.model import warrant as wm
from tests.closed_forms import bgk_barrier, up_and_in_call


def test_vesting_needs_both_milestone_and_hurdle_by_hand():
    delivered = np.array([0, 0.5, 1.0, 1.0, 2.0, 2.0])
    prices = np.array([[100.0, 300, 150, 250, 250, 400]])
    vest = wm.vest_months(delivered, prices, np.array([1.0, 2.0]), np.array([200.0, 350.0]), last_month=5)
    # Tranche 1: 1 GW from month 2, price >= 200 first at month 3. Tranche 2: 2 GW from month 4, >= 350 at month 5.
    assert vest.tolist() == [[3, 5]]
    vest = wm.vest_months(delivered, prices, np.array([1.0, 2.0]), np.array([200.0, 350.0]), last_month=4)
    assert vest.tolist() == [[3, -1]]  # expiry before the second hurdle is met


def test_conditions_can_be_switched_off():
    delivered = np.array([0, 0, 0, 0.0])
    prices = np.array([[100.0, 300, 300, 300]])
    m, h = np.array([1.0]), np.array([200.0])
    assert wm.vest_months(delivered, prices, m, h, 3).tolist() == [[-1]]
    assert wm.vest_months(delivered, prices, m, h, 3, deployment_condition=False).tolist() == [[1]]
    assert wm.vest_months(np.array([0, 0, 1, 1.0]), prices * 0, m, h, 3, price_condition=False).tolist() == [[2]]


def test_value_by_hand():
    prices = np.array([[100.0, 110.0, 121.0]])
    vest = np.array([[1, -1]])
    got = wm.warrant_value_usd(prices, vest, [10, 5], 1.0, 0.12)
    assert got[0] == pytest.approx(10 * (110 - 1) * np.exp(-0.12 / 12))


def test_gbm_mean_is_the_forward():
    rng = np.random.default_rng(5)
    p = wm.gbm_paths(100.0, 0.4, 0.05, 0.01, 24, 200_000, rng)
    assert p[:, 0].tolist() == [100.0] * 200_000
    se = p[:, -1].std() / np.sqrt(len(p))
    assert p[:, -1].mean() == pytest.approx(100 * np.exp(0.04 * 2), abs=4 * se)


def _mc_single_tranche(spot, hurdle, vol, r, years, n=200_000, seed=11):
    months = int(years * 12)
    prices = wm.gbm_paths(spot, vol, r, 0.0, months, n, np.random.default_rng(seed))
    vest = wm.vest_months(np.zeros(months + 1), prices, np.array([0.0]), np.array([hurdle]), months, deployment_condition=False)
    v = wm.warrant_value_usd(prices, vest, [1.0], 0.01, r)
    return v.mean(), v.std() / np.sqrt(n)


@pytest.mark.parametrize("spot,hurdle,vol", [(200.0, 400.0, 0.5), (203.71, 600.0, 0.55), (100.0, 130.0, 0.3)])
def test_monte_carlo_matches_closed_form_barrier(spot, hurdle, vol):
    r, years = 0.04, 5.0
    mc, se = _mc_single_tranche(spot, hurdle, vol, r, years)
    # Monthly monitoring vs the continuous formula: Broadie-Glasserman-Kou barrier shift.
    cf = up_and_in_call(spot, 0.01, bgk_barrier(hurdle, vol, 1 / 12), years, r, 0.0, vol)
    assert mc == pytest.approx(cf, abs=4 * se + 0.002 * cf)


def test_closed_form_agrees_with_quantlib():
    ql = pytest.importorskip("QuantLib")
    for spot, strike, barrier, years, r, q, vol in [(200.0, 0.01, 400.0, 5, 0.04, 0.0, 0.5), (100.0, 90.0, 120.0, 1, 0.05, 0.02, 0.3),
                                                     (100.0, 130.0, 120.0, 2, 0.03, 0.0, 0.25)]:
        today = ql.Date(1, 1, 2026)
        ql.Settings.instance().evaluationDate = today
        expiry = today + ql.Period(int(years * 12), ql.Months)
        dc = ql.Actual365Fixed()
        t = dc.yearFraction(today, expiry)
        proc = ql.BlackScholesMertonProcess(
            ql.QuoteHandle(ql.SimpleQuote(spot)), ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc)),
            ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc)),
            ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), vol, dc)))
        opt = ql.BarrierOption(ql.Barrier.UpIn, barrier, 0.0, ql.PlainVanillaPayoff(ql.Option.Call, strike), ql.EuropeanExercise(expiry))
        opt.setPricingEngine(ql.AnalyticBarrierEngine(proc))
        assert up_and_in_call(spot, strike, barrier, t, r, q, vol) == pytest.approx(opt.NPV(), rel=1e-9)


def test_trailing_mean_and_path_interpolation():
    assert wm.trailing_mean(np.array([[2.0, 4, 6, 8]]), 3).tolist() == [[2, 3, 4, 6]]
    assert wm.interpolate_path({3: 40.0, 5: 20.0}, 1, 5, 10.0).tolist() == [[10, 25, 40, 30, 20, 20]]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(1, 1000), min_size=6, max_size=6), st.floats(1.0, 2.0))
def test_higher_prices_never_vest_later(prices, factor):
    p = np.array([prices])
    d = np.linspace(0, 6, 6)
    m, h = np.array([1.0, 3.0, 6.0]), np.array([100.0, 300.0, 600.0])
    lo = wm.vest_months(d, p, m, h, 5)
    hi = wm.vest_months(d, p * factor, m, h, 5)
    lo_t = np.where(lo < 0, 99, lo)
    hi_t = np.where(hi < 0, 99, hi)
    assert np.all(hi_t <= lo_t)
