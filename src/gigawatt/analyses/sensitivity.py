"""Sensitivity: a one-at-a-time tornado around the base case, and Sobol indices (SALib).

Both evaluate the engine once, vectorised over all their cases (``run_totals`` with one
sample per case), on the scenario's ``uncertainty`` variables.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gigawatt.core.records import Record, frame, optional
from gigawatt.core import fmt
from gigawatt.core.i18n import t as _en  # the English of a string key (other languages say it: ``i18n.said``)
from gigawatt.engine import uncertainty as unc
from gigawatt.engine.core import run_totals
from gigawatt.core.errors import GigawattError
from gigawatt.engine.result import Result

#: The engine metrics and the role of the registry row that names and formats each: the present cost (the
#: ``nameplate`` total, discounted) and sums over the horizon (``metric`` rows).
METRIC_ROLES = {"npv_cost_usd": "nameplate", "capex_usd": "metric", "energy_twh": "metric", "gw_months_online": "metric",
                "effective_eflop_months": "metric"}
#: ``{metric: label}`` (``sensitivity --json`` ``tornado.metrics``): the registry's labels.
METRICS = {m: fmt.label(m, role=role) for m, role in METRIC_ROLES.items()}


# ---------------------------------------------------------------------------------------------
# Typed results; ``to_dict()`` is the ``sensitivity --json`` contract (see core/records.py).

@dataclass(frozen=True, eq=False)
class TornadoBar(Record):
    """One input alone at its low and high quantiles, and the output at each."""

    variable: str
    low_input: float
    high_input: float
    output_at_low: float
    output_at_high: float
    swing: float


@dataclass(frozen=True, eq=False)
class TornadoMetric(Record):
    """One output's base value and its bars, largest swing first."""

    base: float
    bars: list[TornadoBar]


def _tornado_frame(tornado: dict[str, TornadoMetric]):
    return frame([{"metric": m, "base": t.base, **b.to_dict()} for m, t in tornado.items() for b in t.bars], ["metric", "variable"])


@dataclass(frozen=True, eq=False)
class Tornado(Record):
    """One-at-a-time sensitivity of the engine metrics (``sensitivity --json`` ``tornado``)."""

    scenario: str
    quantiles: list[float]
    metrics: dict[str, str]
    tornado: dict[str, TornadoMetric]
    skipped_deal_variables: list[str]
    note: str

    def to_frame(self):
        """One row per (metric, variable)."""
        return _tornado_frame(self.tornado)


@dataclass(frozen=True, eq=False)
class SobolIndex(Record):
    """First-order and total Sobol indices of one input, with their confidence half-widths."""

    S1: float
    S1_conf: float
    ST: float
    ST_conf: float


@dataclass(frozen=True, eq=False)
class Sobol(Record):
    """Sobol indices of the engine metrics (``sensitivity --json`` ``sobol``)."""

    scenario: str
    evaluations: int
    base_samples: int
    indices: dict[str, dict[str, SobolIndex]]
    skipped_per_tranche_variables: list[str]
    skipped_deal_variables: list[str]
    note: str

    def to_frame(self):
        """One row per (metric, variable)."""
        return frame([{"metric": m, "variable": v, **ix.to_dict()} for m, by in self.indices.items() for v, ix in by.items()],
                     ["metric", "variable"])


@dataclass(frozen=True, eq=False)
class Sensitivity(Record):
    """``gigawatt sensitivity --json`` for an engine metric: the tornado and (unless skipped) Sobol indices."""

    tornado: Tornado
    sobol: Sobol | None = optional()


@dataclass(frozen=True, eq=False)
class DealTornado(Record):
    """One-at-a-time sensitivity of the deal metrics (warrant value, EPS accretion, dilution)."""

    scenario: str
    quantiles: list[float]
    metrics: dict[str, str]
    tornado: dict[str, TornadoMetric]
    samples: int
    seed: int
    note: str

    def to_frame(self):
        """One row per (metric, variable)."""
        return _tornado_frame(self.tornado)


@dataclass(frozen=True, eq=False)
class PriceSlipGrid(Record):
    """A deal metric for each share price (rows) x months of delivery slip (columns)."""

    metric: str
    label: str
    spots_usd: list[float]
    slip_months: list[int]
    values: list[list[float]]
    valuation_month: str | None
    samples: int
    seed: int
    note: str

    def to_frame(self):
        """Share prices as the index, months of slip as the columns."""
        import pandas as pd

        return pd.DataFrame(self.values, index=pd.Index(self.spots_usd, name="spot_usd"),
                            columns=pd.Index(self.slip_months, name="slip_months"))


@dataclass(frozen=True, eq=False)
class DealSensitivity(Record):
    """``gigawatt sensitivity --metric warrant_value|eps_accretion|dilution --json``."""

    metric: str
    market_inputs: dict | None
    tornado: DealTornado
    value_as_of: str
    grid: PriceSlipGrid | None = optional()


def _metrics(inputs) -> dict[str, np.ndarray]:
    totals, npl = run_totals(inputs, ["capex_usd", "energy_mwh", "online_gw", "effective_pflops_bf16"])
    return {
        "npv_cost_usd": npl["npv_cost_usd"].sum(axis=1),
        "capex_usd": totals["capex_usd"].sum(axis=1),
        "energy_twh": totals["energy_mwh"].sum(axis=1) / 1e6,
        "gw_months_online": totals["online_gw"].sum(axis=1),
        "effective_eflop_months": totals["effective_pflops_bf16"].sum(axis=1) / 1e3,
    }


def _engine_variables(result: Result) -> list[unc.Variable]:
    """Variables that change engine inputs; deal-only ones (share price) cannot move engine metrics."""
    variables = [v for v in unc.compile_variables(result.scenario, result.inputs, result.source) if v.targets]
    if not variables:
        raise GigawattError(f"scenario {result.scenario.name!r} has no uncertain engine inputs (an `uncertainty:` block); "
                            "see the built-in openai-amd")
    return variables


def tornado(result: Result, low_q: float = 0.1, high_q: float = 0.9) -> Tornado:
    """Each variable alone at its ``low_q`` and ``high_q`` quantiles, the rest at the base case."""
    variables = _engine_variables(result)
    layout = unc.column_layout(variables)
    cases = []
    for j, (v, sl) in enumerate(zip(variables, layout)):
        for q in (low_q, high_q):
            cases.append((j, q, float(unc.ppf(v.dist, np.array([q]))[0])))
    base = _metrics(result.inputs)
    rows = result.inputs.with_samples(len(cases))
    for i, (j, q, val) in enumerate(cases):
        one = unc.apply(result.inputs, [variables[j]], np.full((1, variables[j].columns), val))[0]
        for k in rows.p:
            rows.p[k][i] = one.p[k][0]
    got = _metrics(rows)
    out = {}
    for m in METRICS:
        bars = []
        for j, v in enumerate(variables):
            lo, hi = got[m][2 * j], got[m][2 * j + 1]
            bars.append(TornadoBar(variable=v.name, low_input=cases[2 * j][2], high_input=cases[2 * j + 1][2],
                                   output_at_low=float(lo), output_at_high=float(hi), swing=float(abs(hi - lo))))
        bars.sort(key=lambda b: -b.swing)
        out[m] = TornadoMetric(base=float(base[m][0]), bars=bars)
    return Tornado(scenario=result.scenario.name, quantiles=[low_q, high_q], metrics=METRICS, tornado=out,
                   skipped_deal_variables=_deal_only(result),
                   note=_en("sens.n.tornado"))


def _deal_only(result: Result) -> list[str]:
    return [v.name for v in unc.compile_variables(result.scenario, result.inputs, result.source) if not v.targets]


def sobol(result: Result, base_samples: int = 1024, seed: int = 0) -> Sobol:
    """First-order and total Sobol indices (SALib, Saltelli/Sobol' sampling, Jansen estimators).

    Variables are sampled independently (a correlation block is ignored, as Sobol indices
    assume independent inputs); each variable's quantile is mapped through its distribution.
    """
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError:  # pragma: no cover
        raise GigawattError("Sobol indices need SALib: pip install SALib") from None
    if base_samples < 2 or base_samples & (base_samples - 1):
        raise GigawattError(f"--sobol-samples must be a power of 2 (e.g. 1024), got {base_samples}")
    variables = [v for v in _engine_variables(result) if v.dist.type != "fixed"]
    shared = [v for v in variables if v.columns == 1]
    problem = {"num_vars": len(shared), "names": [v.name for v in shared], "bounds": [[1e-9, 1 - 1e-9]] * len(shared)}
    u = sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    x = np.column_stack([unc.ppf(v.dist, u[:, i]) for i, v in enumerate(shared)])
    metrics: dict[str, list] = {m: [] for m in METRICS}
    for start in range(0, len(x), 4096):  # chunks bound memory
        inputs = unc.apply(result.inputs, shared, x[start:start + 4096])[0]
        for m, vals in _metrics(inputs).items():
            metrics[m].append(vals)
    out = {}
    for m, parts in metrics.items():
        y = np.concatenate(parts)
        if np.ptp(y) == 0:
            out[m] = {v.name: SobolIndex(S1=0.0, S1_conf=0.0, ST=0.0, ST_conf=0.0) for v in shared}
            continue
        # SALib seeds its bootstrap only for a truthy seed: 0 would leave the confidence widths random.
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed + 1)
        out[m] = {name: SobolIndex(S1=float(res["S1"][i]), S1_conf=float(res["S1_conf"][i]), ST=float(res["ST"][i]),
                                   ST_conf=float(res["ST_conf"][i])) for i, name in enumerate(problem["names"])}
    skipped = [v.name for v in variables if v.columns != 1]
    return Sobol(scenario=result.scenario.name, evaluations=int(len(x)), base_samples=base_samples, indices=out,
                 skipped_per_tranche_variables=skipped, skipped_deal_variables=_deal_only(result),
                 note="Sobol indices assume independent inputs: any correlation block is ignored here")


# ---------------------------------------------------------------------------------------------
# Deal metrics: the warrant's value, EPS accretion and dilution, through the engine's schedule.

#: Deal metric → its registry ``metric`` row (``dilution_pct`` is the warrant's expected dilution).
DEAL_METRIC_ROWS = {"warrant_value_usd": "warrant_value_usd", "eps_accretion_pct": "eps_accretion_pct",
                    "dilution_pct": "expected_dilution_pct"}
#: ``{deal metric: label}`` (``sensitivity --json`` ``tornado.metrics`` and ``grid.label``): the registry's labels.
DEAL_METRICS = {m: fmt.label(row, role="metric") for m, row in DEAL_METRIC_ROWS.items()}
#: Short names accepted by ``--metric``.
DEAL_ALIASES = {"warrant_value": "warrant_value_usd", "eps_accretion": "eps_accretion_pct", "dilution": "dilution_pct"}


def _rerun(result: Result, inputs) -> Result:
    """The same scenario on changed inputs (one sample), through the public engine."""
    from gigawatt.engine.core import run

    series, npl = run(inputs)
    return Result(result.scenario, inputs, series, npl, result.catalog, result.source, [])


def deal_metrics(result: Result, opts) -> dict[str, float]:
    """Warrant value, peak-year EPS accretion after dilution and expected dilution of the first deal with a warrant."""
    from gigawatt.analyses.deals import analyse

    d = analyse(result, opts, shareholder=True).first("warrant")
    if d is None:
        raise GigawattError(f"scenario {result.scenario.name!r} has no deal with a warrant; deal metrics need one")
    years = (d.shareholder.years if d.shareholder is not None else None) or []
    return {"warrant_value_usd": d.warrant.value_usd, "dilution_pct": d.warrant.expected_dilution_pct,
            "eps_accretion_pct": max((y["accretion_after_dilution_pct"] for y in years), default=float("nan"))}


def deal_tornado(result: Result, opts, low_q: float = 0.1, high_q: float = 0.9) -> DealTornado:
    """Each uncertain variable alone at its quantiles, deal metrics re-evaluated (engine + warrant).

    Engine variables change the deployment schedule (slip, ramp) and so vesting; deal-only
    variables (``share_price_volatility``, ``share_price_spot``) change the price process. Every
    case uses the same price draws (``opts.seed``), so the swings are not Monte Carlo noise.
    """
    from dataclasses import replace

    variables = unc.compile_variables(result.scenario, result.inputs, result.source)
    if not variables:
        raise GigawattError(f"scenario {result.scenario.name!r} has no `uncertainty:` block")
    base = deal_metrics(result, opts)
    bars = {m: [] for m in DEAL_METRICS}
    for v in variables:
        if v.dist.type == "fixed":
            continue
        got, vals = [], []
        for q in (low_q, high_q):
            val = float(unc.ppf(v.dist, np.array([q]))[0])
            vals.append(val)
            if v.targets:
                r = _rerun(result, unc.apply(result.inputs, [v], np.full((1, v.columns), val))[0])
                o = opts
            else:
                r = result
                o = replace(opts, volatility=val) if v.deal_field == "share_price_volatility" else replace(opts, spot_usd=val)
            got.append(deal_metrics(r, o))
        for m in DEAL_METRICS:
            lo, hi = got[0][m], got[1][m]
            bars[m].append(TornadoBar(variable=v.name, low_input=vals[0], high_input=vals[1], output_at_low=lo,
                                      output_at_high=hi, swing=abs(hi - lo)))
    for m in bars:
        bars[m].sort(key=lambda b: -b.swing)
    return DealTornado(scenario=result.scenario.name, quantiles=[low_q, high_q], metrics=DEAL_METRICS,
                       tornado={m: TornadoMetric(base=base[m], bars=bars[m]) for m in DEAL_METRICS},
                       samples=opts.samples, seed=opts.seed,
                       note="one variable at a time at its quantiles; engine variables re-run the schedule, deal variables the "
                            "price paths; common random numbers across cases")


def slip_inputs(inputs, months: int, deal_indices: list[int] | None = None):
    """Inputs with every tranche (of ``deal_indices``) starting ``months`` later."""
    one = inputs.with_samples(1)
    idx = [t.index for t in inputs.tranches if deal_indices is None or t.deal_index in deal_indices]
    for key in ("start_offset", "requested_offset"):
        if key in one.p:
            one.p[key][0, idx] += months
    return one


def price_slip_grid(result: Result, opts, spots: list[float], slips: list[int], metric: str = "warrant_value_usd") -> PriceSlipGrid:
    """A two-way table: ``metric`` for each share price (rows) × months of delivery slip (columns)."""
    from dataclasses import replace

    if metric not in DEAL_METRICS:
        raise GigawattError(f"--grid-metric: no deal metric {metric!r}; one of {', '.join(DEAL_METRICS)}")
    w_deals = [i for i, d in enumerate(result.scenario.deals) if d.warrant is not None]
    if not w_deals:
        raise GigawattError(f"scenario {result.scenario.name!r} has no deal with a warrant")
    table = []
    for s in slips:
        r = _rerun(result, slip_inputs(result.inputs, s, w_deals)) if s else result
        table.append([deal_metrics(r, replace(opts, spot_usd=p, path=None))[metric] for p in spots])
    values = np.array(table).T  # rows: spots, columns: slips
    return PriceSlipGrid(metric=metric, label=DEAL_METRICS[metric], spots_usd=list(spots), slip_months=list(slips),
                         values=values.tolist(), valuation_month=opts.as_of, samples=opts.samples, seed=opts.seed,
                         note="rows: the share price at the valuation month; columns: every tranche of the warrant deal(s) starting "
                              "that many months later; common random numbers across cells")


def _floats(text: str, option: str) -> list[float]:
    try:
        out = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise GigawattError(f"{option}: write numbers separated by commas, e.g. '0,3,6'") from None
    if not out or any(x != x or x in (float("inf"), float("-inf")) for x in out):
        raise GigawattError(f"{option}: give finite numbers separated by commas")
    return out


def deal_sensitivity(scenario: str, metric: str, *, spot=None, as_of=None, volatility=None, rate=None, samples=4000, seed=0,
                     grid=False, grid_spots=None, grid_slips="0,3,6,9,12", catalog=None) -> DealSensitivity:
    """``gigawatt sensitivity --metric warrant_value``: a deal-metric tornado and, with ``grid``, price x slip."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.analyses.deals import PriceOptions
    from gigawatt.ledger.market import parse_as_of, resolve_price_inputs

    result = evaluate(scenario, catalog_paths=catalog)
    issuer = next((d.supplier.lower() for d in result.scenario.deals if d.warrant is not None), None)
    kw, info = resolve_price_inputs(issuer, spot_usd=spot, as_of=parse_as_of(as_of), volatility=volatility, rate=rate)
    opts = PriceOptions(samples=samples, seed=seed, **kw)
    tor = deal_tornado(result, opts)
    value_as_of = kw["as_of"] or next(d.warrant.underlying.as_of for d in result.scenario.deals if d.warrant is not None)
    table = None
    if grid:
        s0 = kw["spot_usd"] or next(d.warrant.underlying.spot_usd for d in result.scenario.deals if d.warrant is not None)
        spots = _floats(grid_spots, "--grid-spots") if grid_spots else [round(s0 * f, 2) for f in (0.5, 0.75, 1.0, 1.25, 1.5)]
        slips = [int(x) for x in _floats(grid_slips, "--grid-slips")]
        if any(s < 0 or s > 120 for s in slips):
            raise GigawattError("--grid-slips: months of slip must be from 0 to 120")
        if any(p <= 0 for p in spots):
            raise GigawattError("--grid-spots: share prices must be positive")
        table = price_slip_grid(result, opts, spots, slips, metric)
    return DealSensitivity(metric=metric, market_inputs=info, tornado=tor, value_as_of=value_as_of, grid=table)


def run_sensitivity(scenario: str, *, metric: str = "npv_cost_usd", sobol_samples: int = 1024, seed: int = 0, spot=None, as_of=None,
                    volatility=None, rate=None, samples: int = 4000, grid: bool = False, grid_spots=None, grid_slips="0,3,6,9,12",
                    catalog=None) -> Sensitivity | DealSensitivity:
    """``gigawatt sensitivity``: for an engine metric the tornado and Sobol indices (``sobol_samples``
    0 skips them); for a deal metric (``warrant_value``, ``eps_accretion``, ``dilution``) the deal
    tornado and, with ``grid``, a share price x slip table."""
    from gigawatt.core.bounds import check

    if metric in DEAL_METRICS or metric in DEAL_ALIASES:
        for value, bound_name, option in ((volatility, "volatility", "--vol"), (spot, "share_price_usd", "--spot"), (rate, "rate", "--rate")):
            if value is not None:
                check(bound_name, value, option)
        return deal_sensitivity(scenario, DEAL_ALIASES.get(metric, metric), spot=spot, as_of=as_of, volatility=volatility, rate=rate,
                                samples=samples, seed=seed, grid=grid, grid_spots=grid_spots, grid_slips=grid_slips, catalog=catalog)
    if metric not in METRICS:
        from gigawatt.catalog import suggest

        raise GigawattError(f"--metric: no metric {metric!r}{suggest(metric, {**METRICS, **DEAL_ALIASES})}")
    from gigawatt.analyses.api import evaluate

    result = evaluate(scenario, catalog_paths=catalog)
    return Sensitivity(tornado=tornado(result), sobol=sobol(result, sobol_samples, seed) if sobol_samples else None)
