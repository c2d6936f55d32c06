"""Share-price paths, milestone-and-hurdle vesting and the warrant's value per path.

Months are integer indices on the engine's grid; prices are month-end prices [USD/share].
Everything is vectorised over paths; the only loop is over warrant tranches (a handful).
"""
from __future__ import annotations

import numpy as np

MONTH_YEARS = 1.0 / 12.0


def gbm_paths(spot_usd, volatility, drift, dividend_yield, n_months, n_paths, rng=None, antithetic=True, normals=None):
    """Geometric Brownian motion, month-end prices shaped ``(n_paths, n_months + 1)`` [USD].

    Column 0 is the spot; column ``i`` is the price ``i`` months later:
    S_i = S_0 exp(Σ (μ − q − σ²/2)Δ + σ√Δ Z), Δ = 1/12 year. ``spot_usd`` and ``volatility``
    may be arrays ``(n_paths,)`` (one per path). Normals come from ``rng`` (with antithetic
    pairs: half the draws and their negatives) or are given as ``normals``.
    """
    if normals is None:
        half = (n_paths + 1) // 2 if antithetic else n_paths
        z = rng.standard_normal((half, n_months))
        normals = np.concatenate([z, -z])[:n_paths] if antithetic else z
    vol = np.asarray(volatility, float)
    vol = vol[:, None] if vol.ndim else vol
    step = (drift - dividend_yield - 0.5 * vol**2) * MONTH_YEARS + vol * np.sqrt(MONTH_YEARS) * normals
    log_path = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(step, axis=1)], axis=1)
    spot = np.asarray(spot_usd, float)
    return (spot[:, None] if spot.ndim else spot) * np.exp(log_path)


def on_grid(cumulative, engine_month0: int, first: int, n: int):
    """A cumulative engine series (last axis = engine months) on months ``first .. first+n``:
    zero before the engine's first month, held after its last."""
    cumulative = np.asarray(cumulative, float)
    months = np.arange(first, first + n + 1) - engine_month0
    inside = np.clip(months, 0, cumulative.shape[-1] - 1)
    return np.where(months < 0, 0.0, cumulative[..., inside])


def interpolate_path(points: dict[int, float], first_month: int, n_months: int, spot_usd: float):
    """A given price path on months ``first_month .. first_month + n_months`` [USD], shape ``(1, n_months + 1)``.

    ``points`` maps month index → price; the spot sits at ``first_month``. Prices are
    interpolated linearly between points and held flat after the last one.

    >>> interpolate_path({2: 30.0}, 0, 3, 10.0).tolist()
    [[10.0, 20.0, 30.0, 30.0]]
    """
    xs = [first_month] + sorted(m for m in points if m > first_month)
    ys = [spot_usd] + [points[m] for m in xs[1:]]
    months = np.arange(first_month, first_month + n_months + 1)
    return np.interp(months, xs, ys)[None, :]


def trailing_mean(prices, window: int):
    """Mean over the last ``window`` months (fewer at the start) along the last axis.

    >>> trailing_mean(np.array([[1.0, 2, 3, 4]]), 2).tolist()
    [[1.0, 1.5, 2.5, 3.5]]
    """
    if window <= 1:
        return prices
    c = np.cumsum(prices, axis=-1)
    lagged = np.concatenate([np.zeros(prices.shape[:-1] + (window,)), c[..., :-window]], axis=-1)
    counts = np.minimum(np.arange(1, prices.shape[-1] + 1), window)
    return (c - lagged) / counts


def first_true(mask, axis=-1):
    """Index of the first True along ``axis``, or −1 where there is none."""
    idx = np.argmax(mask, axis=axis)
    return np.where(mask.any(axis=axis), idx, -1)


def vest_months(delivered_gw, avg_price, milestones_gw, hurdles_usd, last_month: int,
                deployment_condition=True, price_condition=True):
    """Month (index into the path) each tranche vests, or −1: shape ``(paths, tranches)``.

    A tranche vests in the first month ``t ≤ last_month`` in which cumulative deliveries have
    reached its milestone *and* the (averaged) share price is at or above its hurdle.

    Parameters
    ----------
    delivered_gw : array ``(M,)`` or ``(paths, M)``
        Cumulative delivered GW counted toward each tranche, or ``(J, M)`` / ``(paths, J, M)``
        when tranches count different products.
    avg_price : array ``(paths, M)``
        Share price averaged over the hurdle window [USD].
    milestones_gw, hurdles_usd : array ``(J,)``
    last_month : int
        Last month (index) the warrant can vest in (its expiry).
    """
    avg_price = np.atleast_2d(avg_price)
    n_paths, m = avg_price.shape
    d = np.asarray(delivered_gw, float)
    j_count = len(milestones_gw)
    if d.ndim == 1:
        d = np.broadcast_to(d, (j_count, m))
    in_time = np.arange(m) <= last_month
    out = np.empty((n_paths, j_count), dtype=np.int64)
    for j in range(j_count):  # a handful of tranches; paths and months stay vectorised
        dj = d[..., j, :] if d.ndim == 3 else d[j]
        delivered_ok = (dj >= milestones_gw[j] - 1e-9) if deployment_condition else np.ones_like(dj, dtype=bool)
        price_ok = (avg_price >= hurdles_usd[j]) if price_condition else np.ones((n_paths, m), dtype=bool)
        out[:, j] = first_true(delivered_ok & price_ok & in_time)
    return out


def warrant_value_usd(prices, vest, shares, strike_usd, risk_free_rate):
    """Present value per path of the shares received at vesting, net of the strike [USD].

    Each vested tranche is worth (S_τ − K) × shares at its vest month τ, discounted to
    month 0 at the risk-free rate (continuous compounding). Shape ``(paths,)``.
    """
    n_paths = prices.shape[0]
    safe = np.clip(vest, 0, prices.shape[1] - 1)
    s_at = np.take_along_axis(prices, safe, axis=1)
    disc = np.exp(-risk_free_rate * safe * MONTH_YEARS)
    payoff = np.where(vest >= 0, np.maximum(s_at - strike_usd, 0.0) * disc, 0.0)
    return payoff @ np.asarray(shares, float) if n_paths else np.zeros(0)
