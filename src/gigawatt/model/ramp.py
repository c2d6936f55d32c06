"""Deployment over time: the share of a tranche delivered and online in each month."""
from __future__ import annotations

import numpy as np

#: Shape codes used in arrays.
LINEAR, S_CURVE, STEP = 0, 1, 2
SHAPES = {"linear": LINEAR, "s-curve": S_CURVE, "step": STEP}


def start_month(requested, grid_ready):
    """The month a tranche's deliveries start: the later of the requested start and the month
    its site's grid connection is ready — a slip never beats the grid wait [month index].
    Arrays broadcast (the Monte Carlo's samples × tranches); plain ints stay ints.

    >>> start_month(24, 30), start_month(36, 30)
    (30, 36)
    """
    if isinstance(requested, (int, np.integer)) and isinstance(grid_ready, (int, np.integer)):
        return max(int(requested), int(grid_ready))
    return np.maximum(requested, grid_ready)


def delivered_fraction(months_since_start, ramp_months, shape):
    """Cumulative share of a tranche delivered by the end of each month [-], in [0, 1].

    Month 0 is the first month of deliveries. ``linear`` adds ``1/ramp`` a month, so the
    tranche is complete at the end of month ``ramp-1``; ``s-curve`` follows the smoothstep
    3x² − 2x³ over the same months; ``step`` (ramp 0) delivers everything in month 0 — a
    one-month linear ramp, so a fractional start (a sampled delay) delivers pro rata.
    Arrays broadcast, e.g. ``(S,T,1)`` parameters against ``(M,)`` months.

    >>> delivered_fraction(np.arange(-1, 4), 4, LINEAR).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return delivered_by_month(np.asarray(months_since_start, float), 0.0, ramp_months, shape)


def delivered_by_month(months, start, ramp_months, shape):
    """:func:`delivered_fraction` for months counted from any origin and a ``start`` month.

    The engine's hot path: x = (m + 1 − start) / ramp in two fused passes, clipped in place.
    """
    inv = 1.0 / np.maximum(np.asarray(ramp_months, float), 1.0)
    x = np.multiply(months, inv)
    x += (1.0 - np.asarray(start, float)) * inv
    np.clip(x, 0.0, 1.0, out=x)
    shape = np.asarray(shape)
    is_s = shape == S_CURVE
    if is_s.any():
        if shape.ndim == x.ndim and shape.shape[-1] == 1 and shape.shape[:-1] == x.shape[:-1]:
            rows = is_s[..., 0]  # smooth only the s-curve tranches (the hot path: (S, T, 1) shapes)
            xs = x[rows]
            x[rows] = xs * xs * (3.0 - 2.0 * xs)
        else:
            x = np.where(is_s, x * x * (3.0 - 2.0 * x), x)
    return x


def delivered_by_month_xp(xp, months, start, ramp_months, shape):
    """:func:`delivered_by_month` in any array-API namespace ``xp`` (CuPy on a GPU, say): the
    same formula, without NumPy's in-place steps. Arrays broadcast as there."""
    inv = 1.0 / xp.maximum(ramp_months, 1.0)
    x = xp.clip(months * inv + (1.0 - start) * inv, 0.0, 1.0)
    return xp.where(shape == S_CURVE, x * x * (3.0 - 2.0 * x), x)


def additions_xp(xp, cumulative):
    """:func:`additions` (last axis) in namespace ``xp``."""
    return xp.concat([cumulative[..., :1], cumulative[..., 1:] - cumulative[..., :-1]], axis=-1)


def lag_xp(xp, series, months):
    """:func:`lag` in namespace ``xp``: ``months`` (integer array) broadcasts over leading axes."""
    m = series.shape[-1]
    idx = xp.arange(m) - months[..., None]
    idx = xp.broadcast_to(idx, series.shape)
    got = xp.take_along_axis(series, xp.clip(idx, 0, m - 1), axis=-1)
    return xp.where(idx >= 0, got, xp.zeros_like(got))


def lag(series, months):
    """``series`` shifted ``months`` later along the last axis, zeros shifted in.

    ``months`` broadcasts over the leading axes (one lag per tranche, say).

    >>> lag(np.array([1.0, 2, 3, 4]), 1).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    series = np.asarray(series, float)
    m = series.shape[-1]
    idx = np.broadcast_to(np.arange(m) - np.asarray(months)[..., None], series.shape)
    return np.where(idx >= 0, np.take_along_axis(series, np.clip(idx, 0, m - 1).astype(np.int64), axis=-1), 0.0)


def additions(cumulative, axis=-1):
    """Monthly additions from a cumulative series (first month counts from zero)."""
    c = np.moveaxis(np.asarray(cumulative, float), axis, -1)
    out = np.empty_like(c)
    out[..., 0] = c[..., 0]
    np.subtract(c[..., 1:], c[..., :-1], out=out[..., 1:])
    return np.moveaxis(out, -1, axis)


def online_from_delivered(delivered, life_months, refresh):
    """Share online [-]: each month's deliveries retire ``life_months`` later unless refreshed.

    >>> online_from_delivered(np.array([0.5, 1, 1, 1, 1, 1]), 3, False).tolist()
    [0.5, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    return np.where(refresh, delivered, delivered - lag(delivered, life_months))


def purchases_from_delivered(delivered, life_months, refresh, cycles: int):
    """Share of a tranche's hardware bought each month [-]: deliveries, plus their
    replacements every ``life_months`` where ``refresh`` (``cycles`` refresh rounds counted;
    the engine passes horizon length / shortest life, rounded up)."""
    first = additions(delivered)
    total = first.copy()
    life = np.asarray(life_months)
    for c in range(1, cycles + 1):  # refresh rounds (a handful), not months
        total += np.where(refresh, lag(first, c * life), 0.0)
    return total


def online_fraction(months_since_start, ramp_months, shape, life_months, refresh):
    """Share of a tranche's capacity online for a ramp [-] (see :func:`online_from_delivered`).

    >>> online_fraction(np.arange(0, 6), 2, LINEAR, 3, False).tolist()
    [0.5, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    return online_from_delivered(delivered_fraction(months_since_start, ramp_months, shape), life_months, refresh)
