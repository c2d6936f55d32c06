# The Monte Carlo driver as it was before issue 15 (commit 19ac264, src/gigawatt/mc.py), frozen for
# bench/bench_mc.py and bench/bench_dask.py: "today's engine" in their ratios. Not part of the package;
# only its imports changed (absolute, and the NumPy path of the current engine, whose code is unchanged).
# Never used by gigawatt itself.
"""Monte Carlo: the same engine with samples > 1, streamed in chunks, optionally on Dask.

Memory is bounded at any sample count: each chunk is reduced to per-sample scalars (exact
percentiles), fixed-bin histograms per month (fans) and milestone counts, then dropped.
Draws come in fixed random blocks (see :mod:`gigawatt.engine.uncertainty`), so results are
identical for any chunk size and any number of workers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gigawatt.engine import uncertainty as unc
from gigawatt.engine.core import run_totals
from gigawatt.core.errors import GigawattError
from gigawatt.model import warrant as wm
from gigawatt.engine.result import Result
from gigawatt.core.timeline import month_index, month_label

PERCENTILES = (5, 10, 50, 90, 95)
FANS = ("online_gw", "delivered_gw", "effective_pflops_bf16", "capex_cumulative_usd")
TOTAL_SERIES = ["online_gw", "delivered_gw", "effective_pflops_bf16", "capex_usd", "capex_topdown_usd", "opex_usd", "energy_mwh", "co2_t"]
BINS = 2000
SCALAR_UNITS = {
    "capex_usd": "USD", "capex_topdown_usd": "USD", "opex_usd": "USD", "npv_cost_usd": "USD", "energy_twh": "TWh",
    "co2_mt": "Mt", "accelerators": "accelerators", "gw_delivered": "GW", "completion_month_index": "months from horizon start",
    "warrant_shares_vested": "shares", "warrant_value_usd": "USD",
}


@dataclass
class Job:
    """Everything a worker needs to run a range of random blocks (picklable for Dask)."""

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


@dataclass
class Partial:
    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    draws: np.ndarray | None = None
    hist: dict[str, np.ndarray] = field(default_factory=dict)
    clipped: dict[str, int] = field(default_factory=dict)
    milestones: np.ndarray | None = None
    series: dict[str, np.ndarray] = field(default_factory=dict)  # only for probes


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


def run_job(job: Job) -> Partial:
    """Evaluate a range of random blocks and reduce it (top-level so Dask can ship it)."""
    u = unc.uniforms(job.seed, job.first_block, job.n_blocks, sum(v.columns for v in job.variables) or 1, job.copula)
    if job.n_samples is not None:
        u = u[: job.n_samples]
    x = unc.draw(job.variables, u) if job.variables else np.zeros((len(u), 0))
    inputs, deal_draws = unc.apply(job.inputs, job.variables, x)
    totals, npl, fr = run_totals(inputs, TOTAL_SERIES, keep=("delivered",))
    totals["capex_cumulative_usd"] = np.cumsum(totals["capex_usd"], axis=-1)
    out = Partial(draws=x)
    stated = npl["gw"].sum(axis=1)
    done = totals["delivered_gw"] >= stated[:, None] * (1 - 1e-9)
    out.scalars = {
        "capex_usd": totals["capex_usd"].sum(axis=1),
        "capex_topdown_usd": totals["capex_topdown_usd"].sum(axis=1),
        "opex_usd": totals["opex_usd"].sum(axis=1),
        "npv_cost_usd": npl["npv_cost_usd"].sum(axis=1),
        "energy_twh": totals["energy_mwh"].sum(axis=1) / 1e6,
        "co2_mt": totals["co2_t"].sum(axis=1) / 1e6,
        "accelerators": npl["accelerators"].sum(axis=1),
        "gw_delivered": totals["delivered_gw"][:, -1].copy(),  # a copy: a view would keep the chunk alive
        "completion_month_index": np.where(done.any(axis=1), np.argmax(done, axis=1), np.nan),
    }
    if job.warrant is not None:
        out.scalars.update(_warrant_samples(job, inputs, npl, fr["delivered"], deal_draws))
    if job.edges is None:  # the probe: keep the series to set the histogram ranges
        out.series = {f: totals[f] for f in FANS}
    else:
        for f in FANS:
            lo, hi = job.edges[f]
            width = (hi - lo) / BINS
            b = np.floor((totals[f] - lo[None, :]) / width[None, :]).astype(np.int64)
            out.clipped[f] = int(((b < 0) | (b >= BINS)).sum())
            b = np.clip(b, 0, BINS - 1) + np.arange(totals[f].shape[1])[None, :] * BINS
            out.hist[f] = np.bincount(b.ravel(), minlength=BINS * totals[f].shape[1]).reshape(-1, BINS)
    out.milestones = (totals["delivered_gw"][:, None, :] >= job.milestones_gw[None, :, None] - 1e-9).sum(axis=0)
    return out


def _warrant_samples(job: Job, inputs, npl, delivered_share: np.ndarray, deal_draws: dict) -> dict:
    w = job.warrant
    gw = delivered_share * npl["gw"][..., None]  # (S, T, M)
    per_tranche = np.einsum("stm,jt->sjm", gw, w["masks"])  # (S, J, M) counted toward each warrant tranche
    n = w["n"]
    d = wm.on_grid(per_tranche, inputs.month0, w["as_of"], n)
    n_s = len(gw)
    vol = deal_draws.get("share_price_volatility", np.full(n_s, w["vol"]))
    spot = deal_draws.get("share_price_spot", np.full(n_s, w["spot"]))
    # Price shocks per random block too (stream 1 of each block), so chunking never changes them.
    z = np.concatenate([np.random.default_rng(np.random.SeedSequence(job.seed, spawn_key=(b, 1))).standard_normal((unc.BLOCK, n))
                        for b in range(job.first_block, job.first_block + job.n_blocks)])[:n_s]
    prices = wm.gbm_paths(spot, vol, w["drift"], w["q"], n, n_s, normals=z)
    avg = wm.trailing_mean(prices, w["averaging"])
    vest = wm.vest_months(d, avg, w["milestones"], w["hurdles"], n, *w["conditions"])
    return {"warrant_shares_vested": (vest >= 0) @ w["shares"],
            "warrant_value_usd": wm.warrant_value_usd(prices, vest, w["shares"], w["strike"], w["rate"])}


class Accumulator:
    """Merges partial results in job order as they arrive: counts are summed at once (memory stays
    bounded), per-sample scalars are appended (8 bytes a sample each, for exact percentiles)."""

    def __init__(self):
        self.scalars: dict[str, list] = {}
        self.draws: list = []
        self.hist: dict[str, np.ndarray] = {}
        self.clipped: dict[str, int] = {}
        self.milestones = None

    def add(self, p: Partial) -> None:
        for k, v in p.scalars.items():
            self.scalars.setdefault(k, []).append(v)
        self.draws.append(p.draws)
        for k, v in p.hist.items():
            self.hist[k] = self.hist[k] + v if k in self.hist else v
            self.clipped[k] = self.clipped.get(k, 0) + p.clipped[k]
        self.milestones = p.milestones if self.milestones is None else self.milestones + p.milestones

    def result(self) -> Partial:
        return Partial(scalars={k: np.concatenate(v) for k, v in self.scalars.items()}, draws=np.concatenate(self.draws),
                       hist=self.hist, clipped=self.clipped, milestones=self.milestones)


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
             scheduler: str | None = None, progress=None, milestones_gw=None) -> dict:
    """Run the Monte Carlo and summarise it (the ``gigawatt mc --json`` object)."""
    if samples < 1:
        raise GigawattError("--samples must be at least 1")
    variables = unc.compile_variables(result.scenario, result.inputs, result.source)
    copula = unc.cholesky(result.scenario, variables)
    total_gw = float(result.nameplate["gw"].sum())
    if milestones_gw is None:
        milestones_gw = np.unique(np.append(np.arange(1, math.floor(total_gw + 1e-9) + 1), total_gw))
    milestones_gw = np.asarray(milestones_gw, float)
    warrant = _warrant_config(result)
    base = Job(result.inputs, variables, copula, seed, None, milestones_gw, warrant)
    # Histogram ranges from block 0 (the same block whatever the chunking), with headroom.
    probe = run_job(Job(**{**base.__dict__, "n_samples": min(samples, unc.BLOCK)}))
    edges = {}
    for f in FANS:
        s = probe.series[f]
        lo, hi = s.min(axis=0), s.max(axis=0)
        span = np.maximum(hi - lo, np.maximum(np.abs(hi), 1.0) * 1e-6)
        edges[f] = (np.where(lo >= 0, np.maximum(lo - 0.5 * span, 0.0), lo - 0.5 * span), hi + 0.5 * span)
    n_blocks = math.ceil(samples / unc.BLOCK)
    per_chunk = max(1, math.ceil(chunk_size / unc.BLOCK))
    jobs = []
    for first in range(0, n_blocks, per_chunk):
        nb = min(per_chunk, n_blocks - first)
        last = min(samples, (first + nb) * unc.BLOCK) - first * unc.BLOCK
        jobs.append(Job(**{**base.__dict__, "edges": edges, "first_block": first, "n_blocks": nb, "n_samples": last}))
    acc = Accumulator()
    if workers or scheduler:
        _run_dask(jobs, workers, scheduler, acc)
    else:
        for job in jobs:
            acc.add(run_job(job))
            if progress is not None:
                progress(job.n_samples)
    return summarise(result, variables, acc.result(), edges, samples, seed, per_chunk * unc.BLOCK, workers, scheduler, milestones_gw, warrant)


def _run_dask(jobs: list[Job], workers: int | None, scheduler: str | None, acc: Accumulator) -> None:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover
        raise GigawattError("--workers/--scheduler need Dask: pip install 'dask[distributed]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise GigawattError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(run_job, jobs, pure=False)
        for fut in futures:  # in submission order, so merging is order-exact; each result is freed once merged
            acc.add(fut.result())
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _first_month(prob: np.ndarray, level: float, months: list[str]) -> list[str | None]:
    """Per milestone row, the first month its probability reaches ``level`` (None if never)."""
    reached = prob >= level
    first = np.argmax(reached, axis=1)
    return [months[i] if ok else None for i, ok in zip(first, reached.any(axis=1))]


def summarise(result: Result, variables, part: Partial, edges, samples, seed, chunk, workers, scheduler, milestones_gw, warrant) -> dict:
    months = result.months
    sc = part.scalars
    pct = {}
    for k, v in sc.items():
        finite = v[np.isfinite(v)]
        row = {f"p{q}": float(np.percentile(finite, q)) for q in PERCENTILES} if len(finite) else {f"p{q}": None for q in PERCENTILES}
        row.update(mean=float(finite.mean()) if len(finite) else None, unit=SCALAR_UNITS.get(k, ""))
        if k == "completion_month_index":
            row["share_completed"] = float(len(finite) / len(v))
            for q in PERCENTILES:
                val = row[f"p{q}"]
                row[f"p{q}_month"] = month_label(result.inputs.month0 + int(math.ceil(val - 1e-9))) if val is not None else None
        pct[k] = row
    fans = {}
    for f in FANS:
        lo, hi = edges[f]
        fans[f] = {"month": months, **{k: v.tolist() for k, v in _hist_percentiles(part.hist[f], lo, hi, PERCENTILES).items()},
                   "clipped_share": part.clipped[f] / (samples * len(months))}
    prob = (part.milestones / samples)
    layout = unc.column_layout(variables)
    drawn = [{**v.describe(), **{f"p{q}": float(np.percentile(part.draws[:, sl], q)) for q in (5, 50, 95)}}
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
