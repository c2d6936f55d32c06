"""Fused Monte Carlo kernels (numba): the engine's formulas in one pass per sample and tranche.

The NumPy engine (:func:`gigawatt.engine.core.run_totals`) is the reference: it builds each
fraction array ``(S, T, M)`` (delivered, online, added, bought) in separate full passes and
reduces them over tranches with matrix products. The fused kernel computes the same
fractions month by month for one sample and tranche at a time, in a few registers' worth of
scratch, and adds ``fraction × weight`` straight into the per-sample totals. The weights
are the engine's own (:func:`gigawatt.engine.core.terms`), so every formula except the ramp
itself (:func:`gigawatt.model.ramp.delivered_by_month`, restated here per element) lives in
one place. Series whose horizon total is all the Monte Carlo needs are summed in place, and
the present value is a dot product per fraction. Each fraction is computed only over the
months where it can be non-zero (found from the ramp's formula, with a margin for rounding),
and loops index with unsigned integers so that LLVM vectorises them. Tests compare the two to
~1e-12 relative, exact zeros included. The Monte Carlo passes a workspace (:func:`buffer`) so
that the large arrays are reused chunk after chunk instead of mapped afresh.

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
import threading

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
def _month_at(x, n):
    """floor(x) as a month index clamped to 0 .. n."""
    return np.int64(min(max(np.floor(x), 0.0), float(n)))


# Loop indices below are unsigned (np.uint64): numba then drops the negative-index wraparound
# check from every element access, which lets LLVM vectorise the month loops (~3x faster).
_ONE = np.uint64(1)


@_jit
def _sum(x, lo, hi):
    """Σ x[lo:hi] with four running sums (a fixed order, so the same on every machine, but not
    one long dependency chain)."""
    a0 = a1 = a2 = a3 = 0.0
    m, end = np.uint64(lo), np.uint64(hi)
    one, two, three, four = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
    while m + four <= end:
        a0 += x[m]
        a1 += x[m + one]
        a2 += x[m + two]
        a3 += x[m + three]
        m += four
    while m < end:
        a0 += x[m]
        m += one
    return (a0 + a1) + (a2 + a3)


@_jit
def _dot(x, y, lo, hi):
    """Σ x[lo:hi] y[lo:hi], four running sums (see :func:`_sum`)."""
    a0 = a1 = a2 = a3 = 0.0
    m, end = np.uint64(lo), np.uint64(hi)
    one, two, three, four = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
    while m + four <= end:
        a0 += x[m] * y[m]
        a1 += x[m + one] * y[m + one]
        a2 += x[m + two] * y[m + two]
        a3 += x[m + three] * y[m + three]
        m += four
    while m < end:
        a0 += x[m] * y[m]
        m += one
    return (a0 + a1) + (a2 + a3)


@_jit
def _axpy(dst, src, a, lo, hi):
    """dst[lo:hi] += src[lo:hi] * a."""
    for m in range(np.uint64(lo), np.uint64(hi)):
        dst[m] += src[m] * a


@_jit
def _ramp(dst, lo, hi, inv, b, s_curve):
    """dst[m] = the delivered fraction at month m, m in lo .. hi (as :func:`gigawatt.model.ramp.delivered_by_month`)."""
    if s_curve:
        for m in range(np.uint64(lo), np.uint64(hi)):
            x = min(max(m * inv + b, 0.0), 1.0)
            dst[m] = x * x * (3.0 - 2.0 * x)
    else:
        for m in range(np.uint64(lo), np.uint64(hi)):
            dst[m] = min(max(m * inv + b, 0.0), 1.0)


@_jit
def _less_ramp(dst, src, lo, hi, inv, b, s_curve):
    """dst[m] = src[m] - the ramp at month m, m in lo .. hi (online = delivered - retired)."""
    if s_curve:
        for m in range(np.uint64(lo), np.uint64(hi)):
            x = min(max(m * inv + b, 0.0), 1.0)
            dst[m] = src[m] - x * x * (3.0 - 2.0 * x)
    else:
        for m in range(np.uint64(lo), np.uint64(hi)):
            dst[m] = src[m] - min(max(m * inv + b, 0.0), 1.0)


@_jit
def _fused_totals(start, ramp, s_curve, life, refresh, cycles, w, kind, code, row, rate, disc0, uniform_rate, n_months,
                  groups, group_gw, out, sums, npv, grouped):
    """One pass per (sample, tranche): the fractions, then each term's weight × fraction.

    start, ramp, life: (S, T) float; s_curve, refresh: (S, T) bool; cycles: refresh rounds.
    Terms q: weight w[q, s, t] on fraction code[q] (0 delivered, 1 online, 2 added, 3 bought),
    by kind[q]: 0 adds the monthly fraction into out[s, row[q], :]; 1 adds its horizon sum into
    sums[s, row[q]]; 2 adds its discounted sum into npv[s, t] (factors disc0 (M,) when
    uniform_rate, else from rate (S, T)). groups: (J, T) masks summing delivered GW
    (``group_gw`` (S, T)) into grouped (S, J, M). out, sums, grouped zeroed; npv written.

    Each fraction is computed only where it can be non-zero (from the ramp's formula, with two
    months' margin for rounding: the skipped entries are exactly 0 in the NumPy engine too).
    """
    n_s, n_t = start.shape
    m_n = n_months
    n_q = w.shape[0]
    n_j = groups.shape[0]
    fr = np.zeros((4, m_n))
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
    src = np.arange(4)  # the row of fr holding each fraction (bought is added's row unless refreshed)
    for s in range(n_s):
        for t in range(n_t):
            r = max(ramp[s, t], 1.0)
            inv = 1.0 / r
            st = start[s, t]
            sc = s_curve[s, t]
            # Before a0 every fraction is 0; from f0 on, delivered is exactly 1.
            a0 = _month_at(st - 2.0, m_n)
            f0 = max(a0, _month_at(np.ceil(st + r + 1.0), m_n))
            _ramp(fr[0], a0, m_n, inv, (1.0 - st) * inv, sc)
            lo[0], hi[0] = a0, m_n
            if refresh[s, t]:
                src[1] = 0  # online is delivered
            else:
                src[1] = 1
                st2 = st + life[s, t]
                # Retirement ramps from a1; from e1 on delivered and retired are both 1: online is 0.
                e1 = max(f0, _month_at(np.ceil(st2 + r + 1.0), m_n))
                a1 = min(max(a0, _month_at(st2 - 2.0, m_n)), e1)
                f1, f0row = fr[1], fr[0]
                for m in range(np.uint64(a0), np.uint64(a1)):
                    f1[m] = f0row[m]
                _less_ramp(f1, f0row, a1, e1, inv, (1.0 - st2) * inv, sc)
                lo[1], hi[1] = a0, e1
            e2 = min(f0 + 1, m_n)  # no additions once delivered stays at 1
            if a0 < e2:
                f2, f0row = fr[2], fr[0]
                f2[a0] = f0row[a0]  # delivered is 0 before a0
                for m in range(np.uint64(a0 + 1), np.uint64(e2)):
                    f2[m] = f0row[m] - f0row[m - _ONE]
            lo[2], hi[2] = a0, max(a0, e2)
            if refresh[s, t]:
                src[3] = 3
                f3, f2 = fr[3], fr[2]
                for m in range(np.uint64(a0), np.uint64(m_n)):
                    f3[m] = f2[m] if m < hi[2] else 0.0
                lag = np.int64(life[s, t])
                for c in range(1, cycles + 1):
                    shift = c * lag
                    if shift >= m_n:
                        break
                    ushift = np.uint64(shift)
                    for m in range(np.uint64(max(shift, lo[2] + shift)), np.uint64(min(m_n, hi[2] + shift))):
                        f3[m] += f2[m - ushift]
                lo[3], hi[3] = a0, m_n
            else:
                src[3] = 2
            if not uniform_rate:
                base = 1.0 + rate[s, t]
                for m in range(np.uint64(a0), np.uint64(m_n)):
                    disc[m] = base ** (-(m + 1.0) / 12.0)
            for c in range(4):
                rc = src[c]
                if need_sum[c]:
                    csum[c] = _sum(fr[rc], lo[rc], hi[rc])
                if need_dot[c]:
                    cdot[c] = _dot(fr[rc], disc, lo[rc], hi[rc])
            pv = 0.0
            for q in range(n_q):
                wq = w[q, s, t]
                c = code[q]
                if kind[q] == 0:
                    rc = src[c]
                    _axpy(out[s, row[q]], fr[rc], wq, lo[rc], hi[rc])
                elif kind[q] == 1:
                    sums[s, row[q]] += wq * csum[c]
                else:
                    pv += wq * cdot[c]
            npv[s, t] = pv
            for j in range(n_j):
                g = groups[j, t] * group_gw[s, t]
                if g != 0.0:
                    _axpy(grouped[s, j], fr[0], g, lo[0], hi[0])
    return out


@_jit
def _bin_counts(values, lo, width, n_bins, hist, clipped):
    """Fixed-bin histogram per (series, month): hist[f, m, floor((v - lo) / width)] += 1.

    values: (S, F, M); lo, width: (F, M); hist: (F, M, n_bins) int64; clipped: (F,) int64.
    Out-of-range values count in the end bins and in ``clipped`` (as the NumPy path does).
    The values stream past in memory order (a sample's months are contiguous); per row, the
    bin numbers are computed first (a loop that vectorises), then counted.
    """
    n_s, n_f, n_m = values.shape
    top = np.float64(n_bins)
    idx = np.empty(n_m, np.int64)
    for s in range(n_s):
        for f in range(n_f):
            v, lo_f, w_f, h = values[s, f], lo[f], width[f], hist[f]
            out = 0
            for m in range(np.uint64(n_m)):
                q = np.floor((v[m] - lo_f[m]) / w_f[m])
                inside = q >= 0.0 and q < top
                out += 0 if inside else 1
                idx[m] = np.int64(q) if inside else (0 if not q >= 0.0 else n_bins - 1)  # negative or NaN: first bin
            clipped[f] += out
            for m in range(np.uint64(n_m)):
                h[m, np.uint64(idx[m])] += 1


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
def _vest(grouped, index, month_shift, avg_price, milestones, hurdles, last, dep_cond, price_cond, out):
    """First path month each warrant tranche vests, or -1 (see :func:`gigawatt.model.warrant.vest_months`).

    grouped: (S, U, M) cumulative GW on engine months, tranche j's at row index[j]; path month i is engine month
    i + month_shift (0 before the engine's first month, held after its last); avg_price: (S, N+1).
    The deliveries are monotone, so the first month they reach the milestone is found by
    binary search; the price is then scanned from there.
    """
    n_s, _, n_m = grouped.shape
    n_j = index.shape[0]
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
                        v = grouped[s, index[j], n_m - 1]
                    else:
                        v = grouped[s, index[j], em]
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


_local = threading.local()


def _thread_scratch() -> dict:
    """This thread's workspace for arrays that never leave a kernel call (see :func:`buffer`)."""
    work = getattr(_local, "work", None)
    if work is None:
        work = _local.work = {}
    return work


def buffer(work: dict | None, name: str, shape: tuple, dtype=float, zero: bool = False) -> np.ndarray:
    """A C-contiguous array ``shape`` from the reusable workspace ``work`` (``None``: a new one).

    A Monte Carlo range evaluates chunk after chunk of the same size: reusing its large scratch
    and output arrays, instead of allocating fresh ones per chunk, saves the page faults of
    mapping new memory (they cost more than the arithmetic at 10^6 samples). The arrays are
    overwritten by the next chunk: callers keep only copies."""
    size = int(np.prod(shape))
    if work is None:
        return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    key = (name, np.dtype(dtype).str)
    buf = work.get(key)
    if buf is None or buf.size < size:
        buf = work[key] = np.empty(size, dtype)
    out = buf[:size].reshape(shape)
    if zero:
        out.fill(0)
    return out


def fused_totals(p: dict, n_months: int, terms_by_series: dict, names: list[str], npv_terms: list, groups=None, group_gw=None,
                 sums: list[str] = (), work: dict | None = None, expand_groups: bool = True, stacked: bool = False):
    """The engine's :func:`run_totals` path, fused: totals ``{name: (S, M)}`` over tranches,
    horizon sums ``{name: (S,)}`` for ``sums``, NPV per tranche ``(S, T)`` and, with ``groups``
    ``(J, T)``, delivered GW per group ``(S, J, M)``.

    ``terms_by_series[name]`` is the engine's list of (fraction, weight ``(S, T)``) terms;
    ``npv_terms`` the same for the present value (capex then opex). With ``work`` (a dict kept
    across chunks) the large arrays come from it (see :func:`buffer`). With ``stacked`` the
    totals come back as one array ``(S, len(names), M)``. With ``expand_groups=False``
    the grouped deliveries come back once per distinct mask, with the index of each group's
    mask: ``(grouped (S, U, M), index (J,))``.
    """
    start = np.ascontiguousarray(p["start_offset"], float)
    n_s, n_t = start.shape
    life = np.ascontiguousarray(p["it_life_months"], float)
    refresh = np.ascontiguousarray(p["refresh"] > 0)
    cycles = max(1, int(np.ceil(n_months / max(1.0, float(life.min()))))) if refresh.any() else 0
    items = ([(0, f, wq, k) for k, n in enumerate(names) for f, wq in terms_by_series[n]]
             + [(1, f, wq, k) for k, n in enumerate(sums) for f, wq in terms_by_series[n]]
             + [(2, f, wq, 0) for f, wq in npv_terms])
    # Term-major: each weight is one contiguous copy. Scratch that never leaves this call, so
    # without a workspace it comes from this thread's own (no fresh pages per call).
    w = buffer(work if work is not None else _thread_scratch(), "weights", (len(items), n_s, n_t))
    for q, item in enumerate(items):
        w[q] = item[2]
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
    groups, expand = np.ascontiguousarray(groups), expand.ravel()
    out = buffer(work, "totals", (n_s, len(names), n_months), zero=True)
    sums_out = np.zeros((n_s, len(sums)))
    npv = np.empty((n_s, n_t))
    grouped = buffer(work, "grouped", (n_s, len(groups), n_months), zero=True)
    _fused_totals(start, np.ascontiguousarray(p["ramp_months"], float), np.ascontiguousarray(p["shape"] == 1), life, refresh,
                  cycles, w, kind, code, row, rate, disc0, uniform, n_months, groups, np.ascontiguousarray(group_gw, float),
                  out, sums_out, npv, grouped)
    if not expand_groups:
        grouped = (grouped, expand)
    elif len(expand):
        grouped = np.ascontiguousarray(grouped[:, expand])
    totals = out if stacked else {n: out[:, k, :] for k, n in enumerate(names)}
    return totals, {n: sums_out[:, k].copy() for k, n in enumerate(sums)}, npv, grouped


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


def first_at_least(rows: np.ndarray, thresholds: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """First month each monotone row reaches each threshold ``(S, K)``, or M (binary search)."""
    out = np.empty(thresholds.shape, np.int64) if out is None else out
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


def vest(grouped, month_shift: int, avg_price, milestones, hurdles, last: int, deployment_condition=True, price_condition=True,
         index=None):
    """Vest months ``(S, J)`` (−1: never) from grouped deliveries on engine months; see :func:`_vest`.

    ``grouped`` is ``(S, J, M)``, or ``(S, U, M)`` distinct groups with ``index`` ``(J,)`` naming each tranche's."""
    index = np.arange(grouped.shape[1]) if index is None else np.asarray(index, np.int64)
    out = np.empty((grouped.shape[0], len(index)), np.int64)
    _vest(np.ascontiguousarray(grouped, float), index, int(month_shift), np.ascontiguousarray(avg_price, float),
          np.asarray(milestones, float), np.asarray(hurdles, float), int(last), bool(deployment_condition), bool(price_condition), out)
    return out
