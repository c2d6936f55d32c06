"""Fused Monte Carlo kernels (numba): the engine's formulas in one pass per sample and tranche.

The NumPy engine (:func:`gigawatt.engine.core.run_totals`) is the reference: it builds each
fraction array ``(S, T, M)`` (delivered, online, added, bought) in separate full passes and
reduces them over tranches with matrix products. The fused kernel computes the same
fractions month by month for one sample and tranche at a time, in a few registers' worth of
scratch, and adds ``fraction × weight`` straight into the per-sample totals. The weights
are the engine's own (:func:`gigawatt.engine.core.terms`), so every formula except the ramp
itself (:func:`gigawatt.model.ramp.delivered_by_month`, restated here per element) lives in
one place. Series whose horizon total is all the Monte Carlo needs are summed in place, and
the present value is a dot product per fraction. Tests compare the two to ~1e-12 relative.

The Monte Carlo's reductions have kernels too, each next to its NumPy reference: fixed-bin
fan histograms (:func:`bin_counts`), the first month a monotone series reaches a level
(:func:`first_at_least`, a binary search; milestones and completion) and warrant vesting
(:func:`vest`, the same rule as :func:`gigawatt.model.warrant.vest_months`).

numba is an optional extra (``pip install 'gigawatt[fast]'``). Without it (or with
``GIGAWATT_NO_NUMBA=1``) :data:`AVAILABLE` is False and callers use the NumPy path;
importing this module never fails.

The kernels are serial on purpose: parallelism comes from Dask workers (``--workers``), and
a kernel's result never depends on how samples are split, so chunking and worker counts
give bit-identical results.
"""
from __future__ import annotations

import os

import numpy as np

#: Codes of the fractions the kernel computes (names as in :data:`gigawatt.engine.core.FRACTIONS`).
DELIVERED, ONLINE, ADDED, BOUGHT = 0, 1, 2, 3
CODES = {"delivered": DELIVERED, "online": ONLINE, "added": ADDED, "bought": BOUGHT}

try:  # pragma: no cover - exercised where numba is installed
    if os.environ.get("GIGAWATT_NO_NUMBA"):
        raise ImportError("disabled by GIGAWATT_NO_NUMBA")
    import numba as _nb

    AVAILABLE = True
    WHY_NOT = ""
except ImportError as exc:  # pragma: no cover - exercised where numba is missing
    _nb = None
    AVAILABLE = False
    WHY_NOT = f"numba is not installed ({exc}); pip install 'gigawatt[fast]'"


def _jit(fn):
    """``numba.njit`` where numba exists (compiled code cached on disk where a cache directory
    is writable; ``NUMBA_CACHE_DIR`` chooses one); the plain function otherwise (never called).

    No fast-math: every machine rounds the same way, so Dask workers on different CPUs give
    bit-identical results."""
    if _nb is None:
        return fn
    try:
        return _nb.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(fn)
    except RuntimeError:  # pragma: no cover - no writable cache location: compile in memory
        return _nb.njit(cache=False, nogil=True, fastmath=False, error_model="numpy")(fn)


@_jit
def _support(row):
    """(first, last + 1) of the non-zero entries of ``row`` ((0, 0) when all are zero)."""
    n = row.shape[0]
    first = 0
    while first < n and row[first] == 0.0:
        first += 1
    last = n
    while last > first and row[last - 1] == 0.0:
        last -= 1
    return first, last


@_jit
def _sum(x, lo, hi):
    """Σ x[lo:hi] with four running sums (a fixed order, so the same on every machine, but not
    one long dependency chain)."""
    a0 = a1 = a2 = a3 = 0.0
    m = lo
    while m + 4 <= hi:
        a0 += x[m]
        a1 += x[m + 1]
        a2 += x[m + 2]
        a3 += x[m + 3]
        m += 4
    while m < hi:
        a0 += x[m]
        m += 1
    return (a0 + a1) + (a2 + a3)


@_jit
def _dot(x, y, lo, hi):
    """Σ x[lo:hi] y[lo:hi], four running sums (see :func:`_sum`)."""
    a0 = a1 = a2 = a3 = 0.0
    m = lo
    while m + 4 <= hi:
        a0 += x[m] * y[m]
        a1 += x[m + 1] * y[m + 1]
        a2 += x[m + 2] * y[m + 2]
        a3 += x[m + 3] * y[m + 3]
        m += 4
    while m < hi:
        a0 += x[m] * y[m]
        m += 1
    return (a0 + a1) + (a2 + a3)


@_jit
def _fused_totals(start, ramp, s_curve, life, refresh, cycles, w, kind, code, row, rate, disc0, uniform_rate, n_months,
                  groups, group_gw, out, sums, npv, grouped):
    """One pass per (sample, tranche): the fractions, then each term's weight × fraction.

    start, ramp, life: (S, T) float; s_curve, refresh: (S, T) bool; cycles: refresh rounds.
    Terms q: weight w[s, t, q] on fraction code[q] (0 delivered, 1 online, 2 added, 3 bought),
    by kind[q]: 0 adds the monthly fraction into out[s, row[q], :]; 1 adds its horizon sum into
    sums[s, row[q]]; 2 adds its discounted sum into npv[s, t] (factors disc0 (M,) when
    uniform_rate, else from rate (S, T)). groups: (J, T) masks summing delivered GW
    (``group_gw`` (S, T)) into grouped (S, J, M). out, sums, grouped zeroed; npv written.
    """
    n_s, n_t = start.shape
    m_n = n_months
    n_q = w.shape[2]
    n_j = groups.shape[0]
    fr = np.empty((4, m_n))
    lo = np.zeros(4, np.int64)  # each fraction row is zero outside lo .. hi (skipped below)
    hi = np.zeros(4, np.int64)
    need_sum = np.zeros(4, np.bool_)
    need_dot = np.zeros(4, np.bool_)
    for q in range(n_q):
        if kind[q] == 1:
            need_sum[code[q]] = True
        elif kind[q] == 2:
            need_dot[code[q]] = True
    csum = np.zeros(4)
    cdot = np.zeros(4)
    disc = np.empty(m_n)
    for m in range(m_n):
        disc[m] = disc0[m]
    for s in range(n_s):
        for t in range(n_t):
            inv = 1.0 / max(ramp[s, t], 1.0)
            b = (1.0 - start[s, t]) * inv
            sc = s_curve[s, t]
            for m in range(m_n):
                x = min(max(m * inv + b, 0.0), 1.0)
                fr[0, m] = x * x * (3.0 - 2.0 * x) if sc else x
            lo[0], hi[0] = _support(fr[0])
            if refresh[s, t]:
                for m in range(m_n):
                    fr[1, m] = fr[0, m]
            else:
                b2 = (1.0 - (start[s, t] + life[s, t])) * inv
                for m in range(m_n):
                    x = min(max(m * inv + b2, 0.0), 1.0)
                    fr[1, m] = fr[0, m] - (x * x * (3.0 - 2.0 * x) if sc else x)
            lo[1], hi[1] = _support(fr[1])
            fr[2, 0] = fr[0, 0]
            for m in range(1, m_n):
                fr[2, m] = fr[0, m] - fr[0, m - 1]
            lo[2], hi[2] = _support(fr[2])
            for m in range(m_n):
                fr[3, m] = fr[2, m]
            lo[3], hi[3] = lo[2], hi[2]
            if refresh[s, t]:
                lag = np.int64(life[s, t])
                for c in range(1, cycles + 1):
                    shift = c * lag
                    if shift >= m_n:
                        break
                    for m in range(shift, m_n):
                        fr[3, m] += fr[2, m - shift]
                lo[3], hi[3] = _support(fr[3])
            if not uniform_rate:
                base = 1.0 + rate[s, t]
                for m in range(m_n):
                    disc[m] = base ** (-(m + 1.0) / 12.0)
            for c in range(4):
                if need_sum[c]:
                    csum[c] = _sum(fr[c], lo[c], hi[c])
                if need_dot[c]:
                    cdot[c] = _dot(fr[c], disc, lo[c], hi[c])
            pv = 0.0
            for q in range(n_q):
                wq = w[s, t, q]
                c = code[q]
                if kind[q] == 0:
                    dst = out[s, row[q]]
                    src = fr[c]
                    for m in range(lo[c], hi[c]):
                        dst[m] += src[m] * wq
                elif kind[q] == 1:
                    sums[s, row[q]] += wq * csum[c]
                else:
                    pv += wq * cdot[c]
            npv[s, t] = pv
            for j in range(n_j):
                g = groups[j, t] * group_gw[s, t]
                if g != 0.0:
                    dst = grouped[s, j]
                    for m in range(lo[0], hi[0]):
                        dst[m] += fr[0, m] * g
    return out


@_jit
def _bin_counts(values, lo, width, n_bins, hist, clipped):
    """Fixed-bin histogram per (series, month): hist[f, m, floor((v - lo) / width)] += 1.

    values: (S, F, M); lo, width: (F, M); hist: (F, M, n_bins) int64; clipped: (F,) int64.
    Out-of-range values count in the end bins and in ``clipped`` (as the NumPy path does).
    """
    n_s, n_f, n_m = values.shape
    for f in range(n_f):
        for m in range(n_m):  # one month's bins stay in cache while the samples stream past
            h = hist[f, m]
            lo_fm, w_fm = lo[f, m], width[f, m]
            for s in range(n_s):
                q = np.floor((values[s, f, m] - lo_fm) / w_fm)
                if not q >= 0.0:  # negative or NaN
                    b = 0
                    clipped[f] += 1
                elif q >= n_bins:
                    b = n_bins - 1
                    clipped[f] += 1
                else:
                    b = np.int64(q)
                h[b] += 1


@_jit
def _first_at_least(rows, thresholds, out):
    """Per row of a monotone non-decreasing ``rows`` (S, M) and threshold k: the first month
    with rows[s, m] >= thresholds[s, k] (binary search), or M where none. out: (S, K) int64."""
    n_s, n_m = rows.shape
    n_k = thresholds.shape[1]
    for s in range(n_s):
        for k in range(n_k):
            thr = thresholds[s, k]
            lo, hi = 0, n_m
            while lo < hi:
                mid = (lo + hi) // 2
                if rows[s, mid] >= thr:
                    hi = mid
                else:
                    lo = mid + 1
            out[s, k] = lo


@_jit
def _vest(grouped, month_shift, avg_price, milestones, hurdles, last, dep_cond, price_cond, out):
    """First path month each warrant tranche vests, or -1 (see :func:`gigawatt.model.warrant.vest_months`).

    grouped: (S, J, M) cumulative GW on engine months; path month i is engine month
    i + month_shift (0 before the engine's first month, held after its last); avg_price: (S, N+1).
    The deliveries are monotone, so the first month they reach the milestone is found by
    binary search; the price is then scanned from there.
    """
    n_s, n_j, n_m = grouped.shape
    n_i = avg_price.shape[1]
    end = min(last, n_i - 1)
    for s in range(n_s):
        for j in range(n_j):
            first = 0
            if dep_cond:
                thr = milestones[j] - 1e-9
                lo, hi = 0, end + 1
                while lo < hi:
                    mid = (lo + hi) // 2
                    em = mid + month_shift
                    if em < 0:
                        v = 0.0
                    elif em >= n_m:
                        v = grouped[s, j, n_m - 1]
                    else:
                        v = grouped[s, j, em]
                    if v >= thr:
                        hi = mid
                    else:
                        lo = mid + 1
                first = lo
            res = -1
            for i in range(first, end + 1):
                if (not price_cond) or avg_price[s, i] >= hurdles[j]:
                    res = i
                    break
            out[s, j] = res


def fused_totals(p: dict, n_months: int, terms_by_series: dict, names: list[str], npv_terms: list, groups=None, group_gw=None,
                 sums: list[str] = ()):
    """The engine's :func:`run_totals` path, fused: totals ``{name: (S, M)}`` over tranches,
    horizon sums ``{name: (S,)}`` for ``sums``, NPV per tranche ``(S, T)`` and, with ``groups``
    ``(J, T)``, delivered GW per group ``(S, J, M)``.

    ``terms_by_series[name]`` is the engine's list of (fraction, weight ``(S, T)``) terms;
    ``npv_terms`` the same for the present value (capex then opex).
    """
    start = np.ascontiguousarray(p["start_offset"], float)
    n_s, n_t = start.shape
    life = np.ascontiguousarray(p["it_life_months"], float)
    refresh = np.ascontiguousarray(p["refresh"] > 0)
    cycles = max(1, int(np.ceil(n_months / max(1.0, float(life.min()))))) if refresh.any() else 0
    items = ([(0, f, wq, k) for k, n in enumerate(names) for f, wq in terms_by_series[n]]
             + [(1, f, wq, k) for k, n in enumerate(sums) for f, wq in terms_by_series[n]]
             + [(2, f, wq, 0) for f, wq in npv_terms])
    w = np.empty((n_s, n_t, len(items)))
    for q, item in enumerate(items):
        w[:, :, q] = item[2]
    kind = np.array([i[0] for i in items], np.int64)
    code = np.array([CODES[i[1]] for i in items], np.int64)
    row = np.array([i[3] for i in items], np.int64)
    rate = np.ascontiguousarray(p["discount_rate"], float)
    uniform = bool(np.all(rate == rate.flat[0]))
    disc0 = (1.0 + float(rate.flat[0])) ** (-(np.arange(n_months, dtype=float) + 1.0) / 12.0)
    if groups is None:
        groups, group_gw = np.zeros((0, n_t)), np.zeros((n_s, n_t))
    # Groups often repeat (every warrant tranche counting the same deal): sum each distinct mask once.
    groups, expand = np.unique(np.asarray(groups, float).reshape(-1, n_t), axis=0, return_inverse=True)
    groups = np.ascontiguousarray(groups)
    out = np.zeros((n_s, len(names), n_months))
    sums_out = np.zeros((n_s, len(sums)))
    npv = np.empty((n_s, n_t))
    grouped = np.zeros((n_s, len(groups), n_months))
    _fused_totals(start, np.ascontiguousarray(p["ramp_months"], float), np.ascontiguousarray(p["shape"] == 1), life, refresh,
                  cycles, w, kind, code, row, rate, disc0, uniform, n_months, groups, np.ascontiguousarray(group_gw, float),
                  out, sums_out, npv, grouped)
    return ({n: out[:, k, :] for k, n in enumerate(names)}, {n: sums_out[:, k].copy() for k, n in enumerate(sums)}, npv,
            grouped[:, expand.ravel()] if len(expand) else grouped)


def supports(names, terms_by_series) -> bool:
    """True when every fraction the series need is one the fused kernel computes."""
    return all(f in CODES for n in names for f, _ in terms_by_series[n])


def bin_counts(values: np.ndarray, lo: np.ndarray, width: np.ndarray, hist: np.ndarray, clipped: np.ndarray) -> None:
    """Add values (S, F, M) to the fixed-bin counts ``hist`` (F, M, bins) int64 in place;
    out-of-range values count in the end bins and in ``clipped`` (F,) int64."""
    _bin_counts(np.ascontiguousarray(values, float), np.ascontiguousarray(lo, float), np.ascontiguousarray(width, float),
                hist.shape[2], hist, clipped)


def bin_counts_numpy(values: np.ndarray, lo: np.ndarray, width: np.ndarray, hist: np.ndarray, clipped: np.ndarray) -> None:
    """The NumPy reference of :func:`bin_counts` (the same bins, the same counts)."""
    n_bins = hist.shape[2]
    for f in range(values.shape[1]):
        with np.errstate(invalid="ignore"):
            q = np.floor((values[:, f, :] - lo[f][None, :]) / width[f][None, :])
        low, high = ~(q >= 0), q >= n_bins
        clipped[f] += int(low.sum() + high.sum())
        b = np.where(low, 0.0, np.minimum(q, n_bins - 1)).astype(np.int64)
        b += np.arange(values.shape[2])[None, :] * n_bins
        hist[f] += np.bincount(b.ravel(), minlength=n_bins * values.shape[2]).reshape(-1, n_bins)


def first_at_least(rows: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """First month each monotone row reaches each threshold ``(S, K)``, or M (binary search)."""
    out = np.empty(thresholds.shape, np.int64)
    # Any strides (a row of a larger array, broadcast thresholds): no copies.
    _first_at_least(np.asarray(rows, float), np.asarray(thresholds, float), out)
    return out


def first_at_least_numpy(rows: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """:func:`first_at_least` in NumPy: a bisection vectorised over rows and thresholds
    (log2(M) gathers of ``(S, K)`` instead of an ``(S, K, M)`` comparison).

    >>> first_at_least_numpy(np.array([[0.0, 1, 2, 2], [5, 5, 5, 5]]), np.array([[1.5, 3], [0, 9]])).tolist()
    [[2, 4], [0, 4]]
    """
    rows = np.asarray(rows, float)
    n_m = rows.shape[1]
    lo = np.zeros(thresholds.shape, np.int64)
    hi = np.full(thresholds.shape, n_m, np.int64)
    r = np.arange(rows.shape[0])[:, None]
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        ge = rows[r, np.minimum(mid, n_m - 1)] >= thresholds
        hi = np.where(active & ge, mid, hi)
        lo = np.where(active & ~ge, mid + 1, lo)


def vest(grouped, month_shift: int, avg_price, milestones, hurdles, last: int, deployment_condition=True, price_condition=True):
    """Vest months ``(S, J)`` (−1: never) from grouped deliveries on engine months; see :func:`_vest`."""
    out = np.empty((grouped.shape[0], grouped.shape[1]), np.int64)
    _vest(np.ascontiguousarray(grouped, float), int(month_shift), np.ascontiguousarray(avg_price, float),
          np.asarray(milestones, float), np.asarray(hurdles, float), int(last), bool(deployment_condition), bool(price_condition), out)
    return out
