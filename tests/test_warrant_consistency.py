"""The warrant's vesting probability and value from `deal` (gigawatt.analyses.deals) and from `mc`
(gigawatt.engine.mc), against a closed form, against a simulation written independently here, and
against each other on the built-in AMD terms.

Toy terms (both toy scenarios): spot S = $100, hurdle H = $130, strike K = $20, σ = 0.4,
r = 5 %, q = 1 %, risk-neutral drift, 1,000,000 shares in one tranche with a 1 GW milestone;
valued 2026-01, expiring 2028-01: n = 24 monthly steps, T = 2 years.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import gigawatt
from gigawatt.analyses.deals import PriceOptions, analyse
from gigawatt.engine.mc import simulate
from gigawatt.scenario.spec import BUILTIN_DIR, loads
from tests.closed_forms import terminal_hurdle_moments, terminal_hurdle_probability

S0, H, K, VOL, R, Q, SHARES, N_MONTHS = 100.0, 130.0, 20.0, 0.4, 0.05, 0.01, 1_000_000, 24
T = N_MONTHS / 12

TOY = textwrap.dedent("""
    name: warrant-toy
    horizon: {{start: 2026-01, end: 2029-12}}
    deals:
      - name: D
        buyer: B
        supplier: S
        tranches: [{{product: gb200, gw: 1, basis: facility, start: {start}, ramp_months: {ramp}}}]
        warrant:
          shares: 1000000
          strike_usd: 20
          issued: 2026-01
          expiry: 2028-01
          shares_outstanding: 100000000
          averaging_months: {averaging}
          underlying: {{spot_usd: 100, as_of: 2026-01, volatility: 0.4, risk_free_rate: 0.05, dividend_yield: 0.01}}
          tranches: [{{shares: 1000000, gw: 1, price_hurdle_usd: 130}}]
""")


def toy(start: str, ramp: int, averaging: int = 1):
    return gigawatt.evaluate(loads(TOY.format(start=start, ramp=ramp, averaging=averaging)))


def vest_and_value(method: str, result, samples: int, seed: int) -> tuple[float, float]:
    """(P(every tranche vests), mean value [USD]) as `deal` or `mc` reports them."""
    if method == "deal":
        w = analyse(result, PriceOptions(samples=samples, seed=seed))["warrant"]
        return w["prob_full_vest"], w["value_usd"]
    kernel = {"mc": "auto", "mc-numpy": "numpy"}[method]
    w = simulate(result, samples=samples, seed=seed, kernel=kernel)["warrant"]
    return w["prob_full_vest"], w["value_usd"]["mean"]


def test_the_terminal_closed_form_by_hand():
    # d2 = (ln(100/130) + (0.05 - 0.01 - 0.4²/2) x 2) / (0.4 √2) = (-0.262364 - 0.08) / 0.565685 = -0.605220
    # N(-0.605220) = 0.272517
    assert terminal_hurdle_probability(S0, H, T, R, Q, VOL) == pytest.approx(0.272517, abs=1e-6)
    # E[X] = S e^{-qT} N(d2 + σ√T) - K e^{-rT} N(d2) = 100 e^{-0.02} N(-0.039535) - 20 e^{-0.1} x 0.272517
    #      = 98.019867 x 0.484232 - 18.096748 x 0.272517 = 47.4644 - 4.9317 = 42.5327
    mean, sd = terminal_hurdle_moments(S0, K, H, T, R, Q, VOL)
    assert mean == pytest.approx(42.5327, abs=1e-3)
    assert sd == pytest.approx(76.369, abs=1e-2)  # checked by a 4M-path brute force: 76.359 +- 0.04


@pytest.mark.parametrize("method", ["deal", "mc", "mc-numpy"])
def test_vesting_only_at_expiry_matches_the_terminal_closed_form(method):
    # 1 GW from 2027-10 over 4 months: 0.25, 0.5, 0.75, 1.0 GW delivered in 2027-10 .. 2028-01, so the
    # milestone is met only in the expiry month (step 24) and the tranche vests iff S_24 >= H.
    r = toy("2027-10", 4)
    delivered = r.monthly(["delivered_gw"])["delivered_gw"]
    assert delivered[N_MONTHS - 1] == pytest.approx(0.75) and delivered[N_MONTHS] == pytest.approx(1.0)
    n = 40_000
    prob, value = vest_and_value(method, r, n, seed=1)
    p = terminal_hurdle_probability(S0, H, T, R, Q, VOL)
    mean, sd = terminal_hurdle_moments(S0, K, H, T, R, Q, VOL)
    # 4 standard errors of a plain Monte Carlo mean (antithetic draws in `deal` only make it smaller).
    assert prob == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / n))
    assert value == pytest.approx(SHARES * mean, abs=4 * SHARES * sd / np.sqrt(n))


def independent_paths(n: int, seed: int, averaging: int):
    """Vesting and value per path, written here from the stated terms (not with gigawatt's functions).

    Month-end prices S_0 = spot, S_i = S_{i-1} exp((r - q - σ²/2)/12 + σ √(1/12) Z_i); the hurdle
    test uses the mean of the last ``averaging`` month-end prices (fewer before month ``averaging``);
    the tranche vests in the first month i <= 24 that mean is >= H, worth (S_i - K) e^{-r i/12} per share.
    """
    rng = np.random.default_rng(seed)
    vested = np.zeros(n, bool)
    value = np.zeros(n)
    log_s = np.full(n, np.log(S0))
    window = [np.full(n, S0)]
    for i in range(N_MONTHS + 1):
        if i > 0:
            log_s = log_s + (R - Q - 0.5 * VOL * VOL) / 12 + VOL * np.sqrt(1 / 12) * rng.standard_normal(n)
            window = (window + [np.exp(log_s)])[-averaging:]
        s = window[-1]
        now = ~vested & (sum(window) / len(window) >= H)
        value[now] = (s[now] - K) * np.exp(-R * i / 12) * SHARES
        vested |= now
    return vested, value


@pytest.mark.parametrize("averaging", [1, 3])
@pytest.mark.parametrize("method", ["deal", "mc", "mc-numpy"])
def test_vesting_on_price_alone_matches_an_independent_simulation(method, averaging):
    # 1 GW delivered in 2026-01 (ramp 1 month): the milestone is met from step 0, so only the price decides.
    r = toy("2026-01", 1, averaging)
    assert r.monthly(["delivered_gw"])["delivered_gw"][0] == pytest.approx(1.0)
    n, n_ind = 40_000, 200_000
    prob, value = vest_and_value(method, r, n, seed=2)
    vested, ref = independent_paths(n_ind, seed=12345, averaging=averaging)
    p = vested.mean()
    assert 0.2 < p < 0.8  # a case where both outcomes are common
    assert prob == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) * (1 / n + 1 / n_ind)))
    assert value == pytest.approx(ref.mean(), abs=4 * ref.std() * np.sqrt(1 / n + 1 / n_ind))


def amd_without_warrant_uncertainty():
    """openai-amd with only uncertain inputs that cannot move the warrant (capex, ROCm, power price):
    no start slips and no volatility draw, so `mc` and `deal` value the same terms on the same deliveries."""
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text().split("\nuncertainty:\n")[0]
    text += textwrap.dedent("""
        uncertainty:
          - {name: overrun, dist: {type: lognormal, median: 1.0, sigma: 0.15}, targets: [{field: capex_multiplier, deal: OpenAI-AMD}]}
          - {name: rocm, dist: {type: uniform, low: 0.54, high: 0.79}, targets: [{field: achievable, deal: OpenAI-AMD}]}
          - {name: power, dist: {type: pert, low: 58, mode: 80, high: 120}, targets: [{field: electricity_price, deal: OpenAI-AMD}]}
    """)
    return gigawatt.evaluate(loads(text))


def test_deal_and_mc_give_the_same_warrant_value_on_the_amd_terms():
    r = amd_without_warrant_uncertainty()
    d = analyse(r, PriceOptions(samples=100_000, seed=1))["warrant"]
    # `mc` reports means, not their errors: the error of its mean comes from 8 independent batches (seeds).
    batches = [simulate(r, samples=25_000, seed=s)["warrant"] for s in range(8)]
    values = np.array([b["value_usd"]["mean"] for b in batches])
    probs = np.array([b["prob_full_vest"] for b in batches])
    mc_value, mc_se = values.mean(), values.std(ddof=1) / np.sqrt(len(values))
    assert d["value_usd_se"] > 0 and mc_se > 0
    assert mc_value == pytest.approx(d["value_usd"], abs=4 * np.hypot(d["value_usd_se"], mc_se))
    p = d["prob_full_vest"]
    assert 0.02 < p < 0.98
    assert probs.mean() == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) * (1 / 100_000 + 1 / 200_000)))
