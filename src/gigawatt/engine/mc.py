"""Monte Carlo: the same engine with samples > 1, streamed in chunks, optionally on Dask.

Memory is bounded at any sample count: each chunk is reduced to per-sample scalars (exact
percentiles), fixed-bin histograms per month (fans) and the month each milestone is first
reached, then dropped. Draws come in fixed random blocks (see :mod:`gigawatt.engine.uncertainty`),
so results are identical for any chunk size and any number of workers.

Hot path: with numba installed, each chunk runs the fused kernels of :mod:`gigawatt.engine.kernels`
(one pass per sample and tranche; the NumPy engine is their tested reference); without it,
the NumPy engine runs. ``kernel="numpy"`` or ``GIGAWATT_KERNEL=numpy`` picks the reference.

With the fused kernels a range reuses one workspace for its chunks' large arrays (the fan
series are written by the kernel straight into the fan layout, the histogram and scratch are
kept): mapping fresh memory for every chunk cost more than the arithmetic at 10^6 samples.

Distributed: the blocks are cut into a few contiguous ranges per worker thread; a worker
evaluates its range chunk by chunk, reduces it locally (:class:`Reducer`) and sends back one
compact :class:`Partial` (scalars, the non-zero histogram cells, milestone counts); the
client merges them in block order. Merging is exact, so the answer does not depend on the
number of workers or ranges. A local cluster runs quietly (:data:`QUIET_CLUSTER`).

:func:`simulate` returns an :class:`MCResult` (``to_dict()`` is the ``mc --json`` object,
``to_frame()`` the percentiles as a table).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

from gigawatt.core import registry
from gigawatt.engine import uncertainty as unc
from gigawatt.engine.core import run_totals
from gigawatt.core.errors import GigawattError
from gigawatt.core.records import Record, plain
from gigawatt.model import warrant as wm
from gigawatt.engine.result import Result
from gigawatt.core.timeline import month_index, month_label

PERCENTILES = (5, 10, 50, 90, 95)
FANS = ("online_gw", "delivered_gw", "effective_pflops_bf16", "capex_cumulative_usd")
TOTAL_SERIES = ["online_gw", "delivered_gw", "effective_pflops_bf16", "capex_usd", "capex_topdown_usd", "opex_usd", "energy_mwh", "co2_t"]
#: Of those, the series needed month by month (fans, milestones, cumulative capex) and those only summed.
MONTHLY, SUMMED = TOTAL_SERIES[:4], tuple(TOTAL_SERIES[4:])
# The fused path writes the monthly totals straight into the fan layout: the same series, in the same order.
assert [f.replace("_cumulative", "") for f in FANS] == MONTHLY
BINS = 2000
#: Samples below which ``--workers`` runs in this process instead (starting a local cluster costs ~1 s).
MIN_PARALLEL_SAMPLES = 50_000
SCALAR_UNITS = registry.units("scalar")  # per-sample results, declared in core/data/registry.csv


@dataclass
class Job:
    """Everything a worker needs to run a range of random blocks (picklable for Dask).

    The range ``first_block .. first_block + n_blocks`` is evaluated ``chunk_blocks`` blocks
    at a time (memory stays bounded) and reduced locally: one small :class:`Partial` comes back.
    """

    inputs: object
    variables: list
    copula: object
    seed: int
    edges: dict | None
    milestones_gw: np.ndarray
    warrant: dict | None
    first_block: int = 0
    n_blocks: int = 1
    n_samples: int | None = None  # trims the last block
    kernel: str = "numpy"         # "numba": the fused kernels (gigawatt.engine.kernels); "numpy": the reference
    chunk_blocks: int = 4
    device: object = None         # None/"cpu": here; "gpu" (or an array-API namespace): the engine totals there


@dataclass
class Partial:
    """A reduced range of samples, compact enough to send back from a worker.

    ``hist_count`` holds the (fans, months, bins) counts, dense or (with ``hist_index``) as
    the non-zero cells only;
    ``first`` counts samples by the month each milestone is first reached (last column: never).
    Merging partials is exact (integer sums; scalars concatenated in block order), so any split
    of the blocks into ranges gives the same result.
    """

    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    draws: np.ndarray | None = None
    hist_index: np.ndarray | None = None
    hist_count: np.ndarray | None = None
    clipped: np.ndarray | None = None
    first: np.ndarray | None = None
    samples: int = 0
    series: dict[str, np.ndarray] = field(default_factory=dict)  # only for probes

    @property
    def nbytes(self) -> int:
        arrays = [*self.scalars.values(), self.draws, self.hist_index, self.hist_count, self.clipped, self.first]
        return sum(a.nbytes for a in arrays if a is not None)


def _warrant_config(result: Result) -> dict | None:
    """The first deal with a warrant, prepared for per-sample vesting."""
    for di, deal in enumerate(result.scenario.deals):
        w = deal.warrant
        if w is None:
            continue
        u = w.underlying
        as_of, expiry = month_index(u.as_of), month_index(w.expiry)
        masks = np.array([[t.deal_index == di and (wt.products is None or t.product in wt.products) for t in result.tranches]
                          for wt in w.tranches], float)
        return {"deal": deal.name, "as_of": as_of, "n": expiry - as_of, "masks": masks,
                "milestones": np.array([t.gw for t in w.tranches]), "hurdles": np.array([t.price_hurdle_usd for t in w.tranches]),
                "shares": np.array([t.shares for t in w.tranches], float), "strike": w.strike_usd, "spot": u.spot_usd,
                "vol": u.volatility, "rate": u.risk_free_rate, "q": u.dividend_yield,
                "drift": u.drift_rate(),
                "averaging": w.averaging_months, "conditions": (w.deployment_condition, w.price_condition)}
    return None


def _kernels(name: str):
    """The kernel module for ``name`` (checked here too: a Dask worker may lack numba)."""
    from gigawatt.engine import kernels
    if name == "numba" and not kernels.AVAILABLE:
        raise GigawattError(f"the fused kernel was asked for but {kernels.WHY_NOT} on this process "
                            "(install gigawatt[fast] on every Dask worker, or set GIGAWATT_KERNEL=numpy)")
    return kernels


def resolve_kernel(kernel: str | None = "auto") -> str:
    """``auto`` → ``numba`` where numba is installed, else ``numpy``; $GIGAWATT_KERNEL overrides ``auto``."""
    import os

    kernel = kernel or "auto"
    if kernel == "auto":
        kernel = os.environ.get("GIGAWATT_KERNEL", "auto") or "auto"
    if kernel == "auto":
        from gigawatt.engine import kernels
        return "numba" if kernels.AVAILABLE else "numpy"
    if kernel not in ("numba", "numpy"):
        raise GigawattError(f"kernel must be auto, numba or numpy, not {kernel!r}")
    _kernels(kernel)
    return kernel


def _evaluate(job: Job, first_block: int, n_blocks: int, n_samples: int, work: dict | None = None) -> dict:
    """One chunk: draws, engine totals, per-sample scalars, the fan series and milestone months.

    ``work`` (a dict kept across the chunks of a range; fused kernel only) lends the large
    arrays: the returned ``fans`` and ``first`` are then overwritten by the next chunk (reduce
    them first); the scalars and draws are always the chunk's own."""
    k = _kernels(job.kernel)
    fused = job.kernel == "numba"
    u = unc.uniforms(job.seed, first_block, n_blocks, sum(v.columns for v in job.variables) or 1, job.copula)[:n_samples]
    x = unc.draw(job.variables, u) if job.variables else np.zeros((len(u), 0))
    inputs, deal_draws = unc.apply(job.inputs, job.variables, x)
    n_m = inputs.n_months
    chunk = _fused_chunk(job, inputs, k, work) if fused and job.device is None else None
    if chunk is not None:
        fans, npl, summed, grouped = chunk
        capex_total = _capex_sum(fans)  # before the running sum below turns capex into cumulative capex
        np.cumsum(fans[:, FANS.index("capex_cumulative_usd")], axis=-1, out=fans[:, FANS.index("capex_cumulative_usd")])
        delivered = fans[:, FANS.index("delivered_gw")]
    else:
        work = None
        groups = job.warrant["masks"] if job.warrant is not None else None
        res = run_totals(inputs, MONTHLY, groups=groups, kernel=job.kernel, sums=SUMMED, device=job.device)
        totals, npl, summed = res[0], res[1], res[2]["sums"]
        grouped = (res[2]["delivered_gw_groups"], None) if groups is not None else None
        capex_total = totals["capex_usd"].sum(axis=1)
        delivered = totals["delivered_gw"]
        fans = np.empty((len(delivered), len(FANS), n_m))
        for i, f in enumerate(FANS):
            if f == "capex_cumulative_usd":
                np.cumsum(totals["capex_usd"], axis=-1, out=fans[:, i])
            else:
                fans[:, i] = totals[f]
    first_at_least = k.first_at_least if fused else k.first_at_least_numpy
    stated = npl["gw"].sum(axis=1)
    # Cumulative deliveries are monotone: the first month at a level is a binary search.
    done = first_at_least(delivered, (stated * (1 - 1e-9))[:, None])[:, 0]
    levels = np.broadcast_to(job.milestones_gw - 1e-9, (len(delivered), len(job.milestones_gw)))
    if fused:
        first = k.first_at_least(delivered, levels, out=k.buffer(work, "first", levels.shape, np.int64))
    else:
        first = first_at_least(delivered, levels)
    scalars = {
        "capex_usd": capex_total,
        "capex_topdown_usd": summed["capex_topdown_usd"],
        "opex_usd": summed["opex_usd"],
        "npv_cost_usd": npl["npv_cost_usd"].sum(axis=1),
        "energy_twh": summed["energy_mwh"] / 1e6,
        "co2_mt": summed["co2_t"] / 1e6,
        "accelerators": npl["accelerators"].sum(axis=1),
        "gw_delivered": delivered[:, -1].copy(),  # a copy: a view would keep the chunk alive
        "completion_month_index": np.where(done < n_m, done, np.nan),
    }
    if job.warrant is not None:
        scalars.update(_warrant_samples(job, inputs, grouped, deal_draws, first_block, n_blocks, k, work))
    return {"draws": x, "scalars": scalars, "fans": fans, "first": first, "n": len(x)}


def _capex_sum(fans: np.ndarray) -> np.ndarray:
    """Horizon capex per sample from the fans' monthly capex row (summed as NumPy sums a row)."""
    return fans[:, FANS.index("capex_cumulative_usd")].sum(axis=1)


def _fused_chunk(job: Job, inputs, k, work: dict | None):
    """The engine totals of a chunk through the fused kernel, written straight into the fan
    layout ``(S, FANS, M)`` (monthly capex in the cumulative row, summed by the caller), or
    None where the kernel cannot compute the terms.

    The same nameplate and terms as :func:`gigawatt.engine.core.run_totals` (which the NumPy
    path calls): only the reduction is fused; the warrant's deliveries come back once per
    distinct tranche mask, with the index of each warrant tranche's."""
    from gigawatt.engine.core import nameplate, terms

    p = inputs.p
    npl = nameplate(inputs)
    tm = terms(p, npl)
    if not k.supports([*MONTHLY, *SUMMED, "capex_usd", "opex_usd"], tm):
        return None  # a term on a fraction the kernel does not compute: the engine's path (run_totals) runs
    npv_terms = [t for n in ("capex_usd", "opex_usd") for t in tm[n]]
    groups = job.warrant["masks"] if job.warrant is not None else None
    # MONTHLY is FANS with monthly capex where the fans have it cumulative: the totals array is the fans array.
    fans, summed, npv, grouped = k.fused_totals(p, inputs.n_months, tm, MONTHLY, npv_terms, groups, npl["gw"], list(SUMMED),
                                                work=work, expand_groups=False, stacked=True)
    npl["npv_cost_usd"] = npv
    return fans, npl, summed, (grouped if groups is not None else None)


def _warrant_samples(job: Job, inputs, grouped, deal_draws: dict, first_block: int, n_blocks: int, k, work=None) -> dict:
    """Per-sample vesting: deliveries counted toward each warrant tranche against simulated
    share prices (shocks from each random block's stream 1). ``grouped``: (deliveries
    (S, U, M), index (J,) of each tranche's row), or ``(deliveries (S, J, M), None)``."""
    w = job.warrant
    n = w["n"]
    grouped, index = grouped
    n_s = len(grouped)
    vol = deal_draws.get("share_price_volatility", np.full(n_s, w["vol"]))
    spot = deal_draws.get("share_price_spot", np.full(n_s, w["spot"]))
    # Price shocks per random block too (stream 1 of each block), so chunking never changes them.
    z = k.buffer(work, "shocks", (n_blocks * unc.BLOCK, n))
    for i, b in enumerate(range(first_block, first_block + n_blocks)):
        np.random.default_rng(np.random.SeedSequence(job.seed, spawn_key=(b, 1))).standard_normal(out=z[i * unc.BLOCK:(i + 1) * unc.BLOCK])
    prices = wm.gbm_paths(spot, vol, w["drift"], w["q"], n, n_s, normals=z[:n_s])
    avg = wm.trailing_mean(prices, w["averaging"])
    if job.kernel == "numba":
        vest = k.vest(grouped, w["as_of"] - inputs.month0, avg, w["milestones"], w["hurdles"], n, *w["conditions"], index=index)
    else:
        if index is not None:
            grouped = grouped[:, index]
        d = wm.on_grid(grouped, inputs.month0, w["as_of"], n)
        vest = wm.vest_months(d, avg, w["milestones"], w["hurdles"], n, *w["conditions"])
    return {"warrant_shares_vested": (vest >= 0) @ w["shares"],
            "warrant_value_usd": wm.warrant_value_usd(prices, vest, w["shares"], w["strike"], w["rate"])}


class Reducer:
    """Running reduction of chunks: fan histograms, clipped counts and milestone months are
    summed in place (memory stays bounded), per-sample scalars are appended (8 bytes a sample
    each, for exact percentiles). Partials from other ranges merge in block order."""

    def __init__(self, n_months: int, n_milestones: int, kernel: str = "numpy", hist: np.ndarray | None = None):
        self.kernel = kernel
        self.n_months = n_months
        self.hist = np.zeros((len(FANS), n_months, BINS), np.int64) if hist is None else hist  # given: zeroed, (FANS, M, BINS)
        self.clipped = np.zeros(len(FANS), np.int64)
        self.first = np.zeros((n_milestones, n_months + 1), np.int64)
        self.scalars: dict[str, list] = {}
        self.draws: list = []
        self.samples = 0

    def add_chunk(self, ev: dict, edges: dict) -> None:
        lo = np.stack([edges[f][0] for f in FANS])
        width = np.stack([(edges[f][1] - edges[f][0]) / BINS for f in FANS])
        k = _kernels(self.kernel)
        (k.bin_counts if self.kernel == "numba" else k.bin_counts_numpy)(ev["fans"], lo, width, self.hist, self.clipped)
        n_j, m1 = self.first.shape
        self.first += np.bincount((ev["first"] + np.arange(n_j)[None, :] * m1).ravel(), minlength=n_j * m1).reshape(n_j, m1)
        for key, v in ev["scalars"].items():
            self.scalars.setdefault(key, []).append(v)
        self.draws.append(ev["draws"])
        self.samples += ev["n"]

    def compact(self) -> Partial:
        """This range as one small partial: the histograms as their non-zero cells or, when
        that is not smaller, dense in the narrowest integer type that holds the counts."""
        flat = self.hist.ravel()
        idx = np.flatnonzero(flat)
        top = int(flat.max()) if flat.size else 0
        dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.int64) if top <= np.iinfo(t).max)
        if len(idx) * (4 + np.dtype(dtype).itemsize) < flat.size * np.dtype(dtype).itemsize:
            index, count = idx.astype(np.int32), flat[idx].astype(dtype)
        else:
            index, count = None, flat.astype(dtype)
        return Partial(scalars={k: np.concatenate(v) for k, v in self.scalars.items()}, draws=np.concatenate(self.draws),
                       hist_index=index, hist_count=count, clipped=self.clipped, first=self.first, samples=self.samples)

    def merge(self, p: Partial) -> None:
        """Add a range's partial (call in block order: scalars are concatenated)."""
        if p.hist_index is None:
            self.hist += p.hist_count.reshape(self.hist.shape)
        else:
            np.add.at(self.hist.ravel(), p.hist_index.astype(np.int64), p.hist_count.astype(np.int64))
        self.clipped += p.clipped
        self.first += p.first
        for key, v in p.scalars.items():
            self.scalars.setdefault(key, []).append(v)
        self.draws.append(p.draws)
        self.samples += p.samples

    def result(self) -> dict:
        return {"scalars": {k: np.concatenate(v) for k, v in self.scalars.items()}, "draws": np.concatenate(self.draws),
                "hist": {f: self.hist[i] for i, f in enumerate(FANS)}, "clipped": {f: int(c) for f, c in zip(FANS, self.clipped)},
                "milestones": np.cumsum(self.first[:, : self.n_months], axis=1)}


def _chunks(job: Job):
    """(first block, blocks, samples) of each chunk of a range job."""
    end_block = job.first_block + job.n_blocks
    last = job.first_block * unc.BLOCK + (job.n_samples if job.n_samples is not None else job.n_blocks * unc.BLOCK)
    for b in range(job.first_block, end_block, job.chunk_blocks):
        nb = min(job.chunk_blocks, end_block - b)
        yield b, nb, min(last, (b + nb) * unc.BLOCK) - b * unc.BLOCK


def run_range(job: Job) -> Partial:
    """Evaluate and reduce a range of random blocks on a worker (top-level so Dask can ship it).

    Without ``job.edges`` (a probe) the fan series come back instead of histograms."""
    if job.edges is None:
        evs = [_evaluate(job, b, nb, n) for b, nb, n in _chunks(job)]
        return Partial(scalars={k: np.concatenate([e["scalars"][k] for e in evs]) for k in evs[0]["scalars"]},
                       draws=np.concatenate([e["draws"] for e in evs]), samples=sum(e["n"] for e in evs),
                       series={f: np.concatenate([e["fans"][:, i] for e in evs]) for i, f in enumerate(FANS)})
    work = _take_work()  # the chunks' large arrays, reused chunk after chunk (and range after range)
    try:
        hist = _kernels(job.kernel).buffer(work, "hist", (len(FANS), job.inputs.n_months, BINS), np.int64, zero=True)
        red = Reducer(job.inputs.n_months, len(job.milestones_gw), job.kernel, hist=hist)
        for b, nb, n in _chunks(job):
            red.add_chunk(_evaluate(job, b, nb, n, work), job.edges)
        return red.compact()  # copies: nothing in it refers to the workspace
    finally:
        _give_back(work)


#: At most one spare workspace per process: a Dask worker runs range after range, and reusing
#: the chunk arrays and the histogram (~20 MB) saves mapping fresh memory for each.
_SPARE: list[dict] = []


def _take_work() -> dict:
    try:
        return _SPARE.pop()
    except IndexError:
        return {}


def _give_back(work: dict) -> None:
    if not _SPARE:
        _SPARE.append(work)


run_job = run_range  # the name earlier versions shipped to workers


def _hist_percentiles(hist: np.ndarray, lo: np.ndarray, hi: np.ndarray, qs) -> dict[str, np.ndarray]:
    """Percentiles per month from fixed-bin counts, linear inside the bin."""
    n = hist.sum(axis=1, keepdims=True)
    cum = np.cumsum(hist, axis=1)
    width = (hi - lo) / BINS
    out = {}
    for q in qs:
        target = q / 100 * n[:, 0]
        b = np.minimum((cum < target[:, None]).sum(axis=1), BINS - 1)
        before = np.where(b > 0, cum[np.arange(len(b)), b - 1], 0)
        count = hist[np.arange(len(b)), b]
        frac = np.where(count > 0, (target - before) / np.maximum(count, 1), 0.5)
        out[f"p{q}"] = lo + (b + np.clip(frac, 0, 1)) * width
    return out


def simulate(result: Result, samples: int = 10_000, seed: int = 0, chunk_size: int = 1024, workers: int | None = None,
             scheduler: str | None = None, progress=None, milestones_gw=None, kernel: str | None = "auto",
             tasks_per_thread: int = 4, min_parallel_samples: int = MIN_PARALLEL_SAMPLES, device="cpu",
             max_memory_bytes: int | None = None) -> "MCResult":
    """Run the Monte Carlo and summarise it: an :class:`MCResult` (``to_dict()`` is the
    ``gigawatt mc --json`` object).

    ``kernel``: ``auto`` (the fused numba kernels where numba is installed), ``numba`` or
    ``numpy`` (the reference). With ``workers`` (a local Dask cluster) or ``scheduler`` (an
    existing one), the blocks are split into ``tasks_per_thread`` contiguous ranges per worker
    thread; each worker reduces its ranges and sends back one compact partial per range, and
    this process merges them in block order. A local cluster is started only for at least
    ``min_parallel_samples`` samples (fewer run here, faster than starting the cluster);
    the results are identical either way. ``device="gpu"`` runs the engine totals of each
    chunk on a GPU (:mod:`gigawatt.engine.backend`); the reductions stay on the CPU.

    Memory grows with ``samples`` by :func:`kept_bytes_per_sample` (the per-sample results kept
    for exact percentiles); a run that would need more than ``max_memory_bytes`` (default: half
    this machine's memory) is refused before it starts, with the largest sample count that fits.
    """
    if samples < 1:
        raise GigawattError("--samples must be at least 1")
    kernel = resolve_kernel(kernel)
    from gigawatt.engine.backend import device_name, namespace

    namespace(device)  # fails early, with the reason, where the device is not there
    variables = unc.compile_variables(result.scenario, result.inputs, result.source)
    copula = unc.cholesky(result.scenario, variables)
    total_gw = float(result.nameplate["gw"].sum())
    if milestones_gw is None:
        milestones_gw = np.unique(np.append(np.arange(1, math.floor(total_gw + 1e-9) + 1), total_gw))
    milestones_gw = np.asarray(milestones_gw, float)
    warrant = _warrant_config(result)
    per_chunk = max(1, math.ceil(chunk_size / unc.BLOCK))
    base = Job(result.inputs, variables, copula, seed, None, milestones_gw, warrant, kernel=kernel, chunk_blocks=per_chunk,
               device=None if device == "cpu" else device)
    # Histogram ranges from block 0 (the same block whatever the chunking), with headroom.
    probe = _evaluate(base, 0, 1, min(samples, unc.BLOCK))
    _check_memory(samples, kept_bytes_per_sample(probe), max_memory_bytes)
    edges = {}
    for i, f in enumerate(FANS):
        s = probe["fans"][:, i]
        lo, hi = s.min(axis=0), s.max(axis=0)
        span = np.maximum(hi - lo, np.maximum(np.abs(hi), 1.0) * 1e-6)
        edges[f] = (np.where(lo >= 0, np.maximum(lo - 0.5 * span, 0.0), lo - 0.5 * span), hi + 0.5 * span)
    n_blocks = math.ceil(samples / unc.BLOCK)
    whole = Job(**{**base.__dict__, "edges": edges, "first_block": 0, "n_blocks": n_blocks, "n_samples": samples})
    red = Reducer(result.inputs.n_months, len(milestones_gw), kernel)
    notes = []
    if workers and not scheduler and samples < min_parallel_samples:
        notes.append(f"ran in this process: {samples:,} samples are too few for --workers to pay for starting a local cluster "
                     f"(it starts at {min_parallel_samples:,}); the results are identical either way")
        workers_used = 0
    else:
        workers_used = workers
    if workers_used or scheduler:
        _run_dask(whole, workers_used, scheduler, red, tasks_per_thread, progress)
    else:
        work = _take_work()
        try:
            for b, nb, n in _chunks(whole):
                red.add_chunk(_evaluate(whole, b, nb, n, work), edges)
                if progress is not None:
                    progress(n)
        finally:
            _give_back(work)
    out = summarise(result, variables, red.result(), edges, samples, seed, per_chunk * unc.BLOCK, workers, scheduler, milestones_gw, warrant)
    out["kernel"] = kernel
    out["device"] = device_name(device or "cpu")
    out["workers_used"] = workers_used or None
    out["notes"] += notes
    return MCResult.from_dict(out)


def kept_bytes_per_sample(chunk: dict) -> int:
    """Bytes a sample keeps until the end of a run (its scalars and draws, for exact percentiles),
    from one evaluated chunk: 8 x (scalars + draw columns), e.g. 128 B for openai-amd."""
    return 8 * (len(chunk["scalars"]) + chunk["draws"].shape[1])


def machine_memory_bytes() -> int | None:
    """This machine's physical memory, where the OS says (None elsewhere)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def _check_memory(samples: int, per_sample: int, limit: int | None) -> None:
    """Refuse a run whose kept results would not fit: the per-sample arrays exist twice at the
    end (the chunks and their concatenation), so the peak is ~2 x samples x per_sample."""
    if limit is None:
        total = machine_memory_bytes()
        limit = total // 2 if total else None
    if limit is None:
        return
    need = 2 * samples * per_sample
    if need > limit:
        raise GigawattError(f"--samples {samples:,} would keep about {need / 1e9:,.1f} GB of per-sample results for exact "
                            f"percentiles ({per_sample} bytes a sample, twice at the end); the limit here is {limit / 1e9:,.1f} GB "
                            f"(half this machine's memory): at most {limit // (2 * per_sample):,} samples")


def split(job: Job, n_ranges: int) -> list[Job]:
    """``job`` as up to ``n_ranges`` contiguous ranges of whole chunks, in block order."""
    n_chunks = math.ceil(job.n_blocks / job.chunk_blocks)
    n_ranges = max(1, min(n_ranges, n_chunks))
    out, total = [], job.first_block * unc.BLOCK + job.n_samples
    for r in range(n_ranges):
        c0, c1 = r * n_chunks // n_ranges, (r + 1) * n_chunks // n_ranges
        b0 = job.first_block + c0 * job.chunk_blocks
        b1 = min(job.first_block + c1 * job.chunk_blocks, job.first_block + job.n_blocks)
        n = min(total, b1 * unc.BLOCK) - b0 * unc.BLOCK
        out.append(Job(**{**job.__dict__, "first_block": b0, "n_blocks": b1 - b0, "n_samples": n}))
    return out


#: Dask settings of the local cluster: a batch run with no dashboard, so no one reads what the
#: workers' statistical profiler (a thread sampling every 10 ms), the 1 ms GIL monitor or the
#: 20 ms event-loop ticks record, and the ranges are even, so work stealing has nothing to move.
#: Measured on 2 cores (bench/bench_dask.py): the workers spend ~10 % less CPU on the same
#: samples, --workers 2 went from ~1.3x to ~1.55x the serial run. An existing cluster
#: (``scheduler=``) keeps its own settings.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}


def local_cluster(workers: int):
    """A local Dask cluster of ``workers`` single-threaded processes, started quickly: on Linux
    the worker processes fork from this one (the engine and any compiled kernels are already
    loaded: ~0.1-0.3 s instead of ~1-2 s to spawn and import); elsewhere they spawn. The
    workers run with :data:`QUIET_CLUSTER` (forked or spawned, they take the settings made here)."""
    import sys

    import dask
    from dask.distributed import LocalCluster

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with dask.config.set({"distributed.worker.multiprocessing-method": method, **QUIET_CLUSTER}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


def _run_dask(whole: Job, workers: int | None, scheduler: str | None, red: Reducer, tasks_per_thread: int, progress) -> None:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:  # pragma: no cover
        raise GigawattError("--workers/--scheduler need Dask: pip install 'dask[distributed]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise GigawattError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        cluster = None
    else:
        cluster = local_cluster(workers)
        client = Client(cluster)
    try:
        threads = sum(client.nthreads().values()) or (workers or 1)
        jobs = split(whole, tasks_per_thread * threads)
        futures = client.map(run_range, jobs, pure=False)
        order = {f.key: i for i, f in enumerate(futures)}
        done: dict[int, Partial] = {}
        at = 0
        for fut in as_completed(futures):
            done[order[fut.key]] = fut.result()
            fut.release()
            while at in done:  # merge in block order as soon as the next range is in
                p = done.pop(at)
                red.merge(p)
                if progress is not None:
                    progress(p.samples)
                at += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _first_month(prob: np.ndarray, level: float, months: list[str]) -> list[str | None]:
    """Per milestone row, the first month its probability reaches ``level`` (None if never)."""
    reached = prob >= level
    first = np.argmax(reached, axis=1)
    return [months[i] if ok else None for i, ok in zip(first, reached.any(axis=1))]


def summarise(result: Result, variables, part: dict, edges, samples, seed, chunk, workers, scheduler, milestones_gw, warrant) -> dict:
    months = result.months
    sc = part["scalars"]
    pct = {}
    for k, v in sc.items():
        finite = v[np.isfinite(v)]
        # One partition for all the percentiles (the same values as one call per percentile).
        values = np.percentile(finite, PERCENTILES).tolist() if len(finite) else [None] * len(PERCENTILES)
        row = {f"p{q}": v for q, v in zip(PERCENTILES, values)}
        row.update(mean=float(finite.mean()) if len(finite) else None, unit=SCALAR_UNITS.get(k, ""))
        if k == "completion_month_index":
            row["share_completed"] = float(len(finite) / len(v))
            for q in (*(f"p{q}" for q in PERCENTILES), "mean"):
                val = row[q]
                row[f"{q}_month"] = month_label(result.inputs.month0 + int(math.ceil(val - 1e-9))) if val is not None else None
        pct[k] = row
    fans = {}
    for f in FANS:
        lo, hi = edges[f]
        fans[f] = {"month": months, **{k: v.tolist() for k, v in _hist_percentiles(part["hist"][f], lo, hi, PERCENTILES).items()},
                   "clipped_share": part["clipped"][f] / (samples * len(months))}
    prob = part["milestones"] / samples
    layout = unc.column_layout(variables)
    drawn = [{**v.describe(), **dict(zip(("p5", "p50", "p95"), np.percentile(part["draws"][:, sl], (5, 50, 95)).tolist()))}
             for v, sl in zip(variables, layout)]
    out = {
        "scenario": result.scenario.name,
        "samples": samples,
        "seed": seed,
        "chunk_size": chunk,
        "workers": workers,
        "scheduler": scheduler,
        "variables": drawn,
        "correlation": result.scenario.correlation.model_dump() if result.scenario.correlation else None,
        "percentiles": pct,
        "fans": fans,
        "milestones": {"gw": milestones_gw.tolist(), "month": months, "prob_delivered_by": prob.tolist(),
                       "first_month_p50": _first_month(prob, 0.5, months), "first_month_p90": _first_month(prob, 0.9, months)},
        "deterministic": {k: v for k, v in result.totals().items() if k in ("gw", "accelerators", "capex_usd", "capex_topdown_usd", "npv_cost_usd")},
        "notes": [f"fans from {BINS}-bin histograms per month (resolution (max-min)/{BINS} of a 256-sample probe, with 50% headroom; "
                  "values outside count in the end bins: see clipped_share)",
                  "scalar percentiles are exact (every sample kept)"],
    }
    if warrant is not None:
        shares = sc["warrant_shares_vested"]
        out["warrant"] = {"deal": warrant["deal"], "prob_full_vest": float(np.mean(shares >= warrant["shares"].sum() - 0.5)),
                          "shares_vested": pct["warrant_shares_vested"], "value_usd": pct["warrant_value_usd"]}
    return out


#: The keys of :func:`simulate`'s dict, in its order (the ``gigawatt mc --json`` contract).
RESULT_KEYS = ("scenario", "samples", "seed", "chunk_size", "workers", "scheduler", "variables", "correlation", "percentiles",
               "fans", "milestones", "deterministic", "notes", "warrant", "kernel", "device", "workers_used")


@dataclass(eq=False)
class MCResult(Record):
    """A Monte Carlo's summary, typed (:func:`simulate` returns one): :meth:`to_dict` is the
    ``mc --json`` contract (keys in :data:`RESULT_KEYS` order) and :meth:`to_frame` the scalar
    percentiles as a table; like every :class:`~gigawatt.core.records.Record` it also reads as
    that dict.

    ``percentiles[name]`` holds ``p5 p10 p50 p90 p95 mean unit`` per per-sample result
    (completion also ``share_completed`` and ``p{q}_month``); ``fans[series]`` the monthly
    ``p5..p95`` and ``clipped_share``; ``milestones`` the probability of each GW level by each
    month; ``warrant`` is None when no deal has one.
    """

    scenario: str
    samples: int
    seed: int
    chunk_size: int
    workers: int | None
    scheduler: str | None
    variables: list[dict]
    correlation: dict | None
    percentiles: dict[str, dict]
    fans: dict[str, dict]
    milestones: dict
    deterministic: dict
    notes: list[str]
    kernel: str
    device: str
    workers_used: int | None
    warrant: dict | None = None

    @classmethod
    def from_dict(cls, d: dict) -> "MCResult":
        unknown = set(d) - set(RESULT_KEYS)
        if unknown:
            raise ValueError(f"not Monte Carlo result keys: {sorted(unknown)}")
        return cls(**{k: d[k] for k in RESULT_KEYS if k in d})

    def to_dict(self) -> dict:
        """The ``mc --json`` object: the keys of :data:`RESULT_KEYS` in order (``warrant`` only when there is one)."""
        return {k: plain(getattr(self, k)) for k in RESULT_KEYS if k != "warrant" or self.warrant is not None}  # a fresh copy

    def to_frame(self):
        """The per-sample results' percentiles as a ``pandas.DataFrame``: one row per result
        (``capex_usd``, ``npv_cost_usd``, ...), columns ``p5 p10 p50 p90 p95 mean unit``."""
        import pandas as pd

        cols = [f"p{q}" for q in PERCENTILES] + ["mean", "unit"]
        frame = pd.DataFrame([[row.get(c) for c in cols] for row in self.percentiles.values()], index=list(self.percentiles),
                             columns=cols)
        frame.index.name = "result"
        return frame
