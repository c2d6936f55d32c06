"""Deployment over time: the share of a tranche delivered and online in each month."""
from __future__ import annotations

import numpy as np

#: Shape codes used in arrays.
LINEAR, S_CURVE, STEP = 0, 1, 2
SHAPES = {"linear": LINEAR, "s-curve": S_CURVE, "step": STEP}


def delivered_fraction(months_since_start, ramp_months, shape):
    """Cumulative share of a tranche delivered by the end of each month [-], in [0, 1].

    Month 0 is the first month of deliveries. ``linear`` adds ``1/ramp`` a month, so the
    tranche is complete at the end of month ``ramp-1``; ``s-curve`` follows the smoothstep
    3x² − 2x³ over the same months; ``step`` (or ramp 0) delivers everything in month 0.
    Arrays broadcast, e.g. ``(S,T,1)`` parameters against ``(M,)`` months.

    >>> delivered_fraction(np.arange(-1, 4), 4, LINEAR).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    k = np.asarray(months_since_start, float)
    ramp = np.maximum(np.asarray(ramp_months, float), 1.0)
    x = np.clip((k + 1.0) / ramp, 0.0, 1.0)
    shape = np.asarray(shape)
    smooth = x * x * (3.0 - 2.0 * x)
    out = np.where(shape == S_CURVE, smooth, x)
    return np.where(shape == STEP, (k >= 0).astype(float), out)


def online_fraction(months_since_start, ramp_months, shape, life_months, refresh):
    """Share of a tranche's capacity online [-]: delivered minus retired.

    Each monthly cohort retires ``life_months`` after delivery unless ``refresh`` replaces
    it with new hardware at the same power (then online = delivered).

    >>> online_fraction(np.arange(0, 6), 2, LINEAR, 3, False).tolist()
    [0.5, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    delivered = delivered_fraction(months_since_start, ramp_months, shape)
    retired = delivered_fraction(np.asarray(months_since_start) - life_months, ramp_months, shape)
    return np.where(refresh, delivered, delivered - retired)


def additions(cumulative, axis=-1):
    """Monthly additions from a cumulative series (first month counts from zero)."""
    return np.diff(cumulative, axis=axis, prepend=0.0)


def hardware_purchases_fraction(months_since_start, ramp_months, shape, life_months, refresh, horizon_cycles=10):
    """Share of a tranche's hardware bought in each month [-], refreshes included.

    Without refresh this equals the monthly deliveries. With refresh each cohort is bought
    again every ``life_months``; ``horizon_cycles`` is how many refresh cycles to count
    (the engine passes horizon length / shortest life, rounded up).
    """
    k = np.asarray(months_since_start, float)
    first = additions(delivered_fraction(k, ramp_months, shape))
    cycles = np.arange(1, horizon_cycles + 1).reshape((-1,) + (1,) * k.ndim)
    later = additions(delivered_fraction(k[None] - cycles * np.asarray(life_months)[None], ramp_months, shape), axis=-1)
    return first + np.where(refresh, later.sum(axis=0), 0.0)
