"""Sensitivity: a one-at-a-time tornado around the base case, and Sobol indices (SALib).

Both evaluate the engine once, vectorised over all their cases (``run_totals`` with one
sample per case), on the scenario's ``uncertainty`` variables.
"""
from __future__ import annotations

import numpy as np

from . import uncertainty as unc
from .engine import run_totals
from .errors import GigawattError
from .result import Result

METRICS = {
    "npv_cost_usd": "PV of capex + opex [USD]",
    "capex_usd": "capex over the horizon [USD]",
    "energy_twh": "energy over the horizon [TWh]",
    "gw_months_online": "GW-months online over the horizon",
    "effective_eflop_months": "effective BF16 EFLOP/s-months over the horizon",
}


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


def tornado(result: Result, low_q: float = 0.1, high_q: float = 0.9) -> dict:
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
            bars.append({"variable": v.name, "low_input": cases[2 * j][2], "high_input": cases[2 * j + 1][2],
                         "output_at_low": float(lo), "output_at_high": float(hi), "swing": float(abs(hi - lo))})
        bars.sort(key=lambda b: -b["swing"])
        out[m] = {"base": float(base[m][0]), "bars": bars}
    return {"scenario": result.scenario.name, "quantiles": [low_q, high_q], "metrics": METRICS, "tornado": out,
            "skipped_deal_variables": _deal_only(result),
            "note": "one variable at a time at its quantiles, every other input at the base case (the deterministic plan); "
                    "a per-tranche variable moves all its tranches together here"}


def _deal_only(result: Result) -> list[str]:
    return [v.name for v in unc.compile_variables(result.scenario, result.inputs, result.source) if not v.targets]


def sobol(result: Result, base_samples: int = 1024, seed: int = 0) -> dict:
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
            out[m] = {v.name: {"S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0} for v in shared}
            continue
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        out[m] = {name: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]), "ST": float(res["ST"][i]),
                         "ST_conf": float(res["ST_conf"][i])} for i, name in enumerate(problem["names"])}
    skipped = [v.name for v in variables if v.columns != 1]
    return {"scenario": result.scenario.name, "evaluations": int(len(x)), "base_samples": base_samples, "indices": out,
            "skipped_per_tranche_variables": skipped,
            "skipped_deal_variables": _deal_only(result),
            "note": "Sobol indices assume independent inputs: any correlation block is ignored here"}
