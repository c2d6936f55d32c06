"""Closed forms the tests check the Monte Carlo against (test-only: nothing in the package uses them).

The barrier formulas moved here from ``gigawatt.model.warrant``; the terminal-hurdle formulas
value a warrant tranche that can vest only at its expiry (its GW milestone is met in that month).
"""
from __future__ import annotations

import numpy as np


def bgk_barrier(barrier, volatility, step_years, up=True):
    """Broadie-Glasserman-Kou shift that makes a discretely monitored barrier continuous.

    H' = H exp(±0.5826 σ √Δt) (up barriers move up).
    """
    beta = 0.5825971579390106  # −ζ(1/2)/√(2π)
    return barrier * np.exp((1 if up else -1) * beta * volatility * np.sqrt(step_years))


def up_and_in_call(spot, strike, barrier, years, rate, dividend_yield, volatility):
    """Closed-form up-and-in call (continuous monitoring, no rebate; Reiner-Rubinstein/Haug).

    For K < H: B − C + D; for K ≥ H: A, the vanilla call (Haug, *The Complete Guide to Option Pricing
    Formulas*, 2nd ed., §4.17.1, η = −1, φ = 1). If spot ≥ barrier the option is knocked in
    and equals a vanilla call.
    """
    from scipy.stats import norm

    S, K, H, T, r, q, v = (float(x) for x in (spot, strike, barrier, years, rate, dividend_yield, volatility))
    b = r - q
    vt = v * np.sqrt(T)
    mu = (b - 0.5 * v * v) / (v * v)
    x1 = np.log(S / K) / vt + (1 + mu) * vt
    x2 = np.log(S / H) / vt + (1 + mu) * vt
    y1 = np.log(H * H / (S * K)) / vt + (1 + mu) * vt
    y2 = np.log(H / S) / vt + (1 + mu) * vt
    carry, disc = np.exp((b - r) * T), np.exp(-r * T)
    A = S * carry * norm.cdf(x1) - K * disc * norm.cdf(x1 - vt)
    if S >= H:
        return A
    if K >= H:
        return A
    B = S * carry * norm.cdf(x2) - K * disc * norm.cdf(x2 - vt)
    C = S * carry * (H / S) ** (2 * (mu + 1)) * norm.cdf(-y1) - K * disc * (H / S) ** (2 * mu) * norm.cdf(-y1 + vt)
    D = S * carry * (H / S) ** (2 * (mu + 1)) * norm.cdf(-y2) - K * disc * (H / S) ** (2 * mu) * norm.cdf(-y2 + vt)
    return B - C + D


def _d2(spot, hurdle, years, rate, dividend_yield, volatility):
    """(ln(S/H) + (r − q − σ²/2) T) / (σ √T): P(S_T ≥ H) = N(d2) under the risk-neutral GBM."""
    return (np.log(spot / hurdle) + (rate - dividend_yield - 0.5 * volatility**2) * years) / (volatility * np.sqrt(years))


def terminal_hurdle_probability(spot, hurdle, years, rate, dividend_yield, volatility):
    """P(S_T ≥ H) for a GBM with drift r − q (log S_T ~ N(ln S + (r − q − σ²/2)T, σ²T))."""
    from scipy.stats import norm

    return float(norm.cdf(_d2(spot, hurdle, years, rate, dividend_yield, volatility)))


def terminal_hurdle_moments(spot, strike, hurdle, years, rate, dividend_yield, volatility):
    """Mean and standard deviation of X = e^{−rT} (S_T − K) 1{S_T ≥ H}, for K ≤ H.

    With E[S_T^k 1{S_T ≥ H}] = S^k exp(k(r − q)T + k(k − 1)σ²T/2) N(d2 + kσ√T):
    E[X]  = e^{−rT} (S e^{(r−q)T} N(d2 + σ√T) − K N(d2)) = S e^{−qT} N(d2 + σ√T) − K e^{−rT} N(d2)
    E[X²] = e^{−2rT} (S² e^{(2(r−q)+σ²)T} N(d2 + 2σ√T) − 2KS e^{(r−q)T} N(d2 + σ√T) + K² N(d2))
    """
    from scipy.stats import norm

    assert strike <= hurdle, "for K > H the payoff is a plain call"
    S, K, T, r, q, v = spot, strike, years, rate, dividend_yield, volatility
    d2 = _d2(S, hurdle, T, r, q, v)
    vt = v * np.sqrt(T)
    e1 = S * np.exp((r - q) * T) * norm.cdf(d2 + vt)
    e2 = S * S * np.exp((2 * (r - q) + v * v) * T) * norm.cdf(d2 + 2 * vt)
    p = norm.cdf(d2)
    mean = np.exp(-r * T) * (e1 - K * p)
    second = np.exp(-2 * r * T) * (e2 - 2 * K * e1 + K * K * p)
    return float(mean), float(np.sqrt(second - mean * mean))
