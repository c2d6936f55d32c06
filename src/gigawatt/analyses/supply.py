"""Supply chain: a scenario's HBM, CoWoS and substrate demand against world capacity, and
the schedule that a capped share of that capacity allows.

Demand comes from the engine's monthly purchases (new and refreshed hardware); capacity from
the catalog's ``series`` (low/base/high). The constrained schedule is a delivery array fed
back to the same engine (:func:`gigawatt.engine.core.run`), so both schedules share one model.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from gigawatt.core.records import Record, frame, internal, optional
from gigawatt.catalog import Catalog
from gigawatt.catalog.schema import Series
from gigawatt.engine.core import delivered_share, run
from gigawatt.core.errors import GigawattError
from gigawatt.core.i18n import t as _en  # the English of a string key (other languages say it: ``i18n.said``)
from gigawatt.model import ramp, sizing
from gigawatt.engine.result import Result
from gigawatt.core.timeline import month_label, quarter_label, sum_by_period

CASES = ("low", "base", "high")
#: The supply inputs, each with the registry series of what the build-out buys of it (its label).
RESOURCES = {"hbm_gb": "hbm_gb_bought", "cowos_wafers": "cowos_wafers"}


def resource_label(resource: str, lang: str = "en") -> str:
    """A supply input's name for people: its registry series' label ("HBM bought (total)")."""
    from gigawatt.core import fmt

    return fmt.label(RESOURCES[resource], lang, "series")
HBM_VENDORS = {"hbm_share_sk_hynix": "SK hynix", "hbm_share_samsung": "Samsung", "hbm_share_micron": "Micron"}


# ---------------------------------------------------------------------------------------------
# Typed results; ``to_dict()`` is the ``supply --json`` contract (see core/records.py).

@dataclass(frozen=True, eq=False)
class SupplyQuarter(Record):
    """A quarter's demand (hardware bought, refreshes included) against world capacity."""

    quarter: str
    hbm_gb: float
    world_hbm_gb: float
    hbm_share_of_world: float | None
    cowos_wafers: float
    world_cowos_wafers: float
    cowos_share_of_world: float | None
    hbm_stacks: float
    substrates: float


@dataclass(frozen=True, eq=False)
class Binding(Record):
    """The first month demand exceeds the allocable share of an input's world supply."""

    input: str
    name: str
    month: str
    quarter: str
    share_of_world: float
    allocable_share: float


@dataclass(frozen=True, eq=False)
class TrancheSlip(Record):
    """A tranche's completion planned and on the supply-constrained schedule."""

    tranche: int
    label: str
    deal: str
    product: str
    planned_completion: str | None
    constrained_completion: str | None
    slip_months: int | None
    mean_delay_months: float
    delivered_share_at_horizon_end: float


@dataclass(frozen=True, eq=False)
class SupplyReport(Record):
    """``gigawatt supply --json``: quarterly demand against world capacity, the binding input and,
    with the constrained schedule (``--constrained``), each tranche's slip."""

    scenario: str
    case: str
    allocable_share: float
    quarters: list[SupplyQuarter]
    binding: Binding | None
    peak_share_of_world: dict[str, float]
    world_hbm_gb_by_vendor_by_quarter: dict[str, dict[str, float]]
    notes: list[str]
    sources: dict
    slip_months: dict[str, int | None] | None = optional()
    slips: list[TrancheSlip] | None = optional()
    constrained_totals: dict[str, float] | None = optional()
    constrained_online_gw: dict | None = optional()
    #: The scenario's title (its name where it has none), for tables.
    title: str = internal(default="")

    def to_frame(self):
        """One row per quarter."""
        return frame([q.to_dict() for q in self.quarters], "quarter")

    def slips_frame(self):
        """One row per tranche: planned and constrained completion (``--constrained``)."""
        return frame([x.to_dict() for x in self.slips or []], "tranche", [f.name for f in fields(TrancheSlip)])


def _values(series: Series, case: str) -> np.ndarray:
    pick = {"low": "low", "high": "high"}.get(case)
    return np.array([(getattr(p, pick) if pick and getattr(p, pick) is not None else p.x) for p in series.points])


def monthly_capacity(series: Series, month0: int, n_months: int, case: str = "base") -> np.ndarray:
    """A series as capacity per month on the engine's grid ``(M,)`` [unit per month].

    ``per: year`` totals are interpolated between years and spread over 12 months;
    ``per: month_at_year_end`` capacities are interpolated between December points.
    Values are held flat before the first and after the last point.
    """
    months = np.arange(month0, month0 + n_months)
    years = np.array([p.year for p in series.points], float)
    vals = _values(series, case)
    if series.per == "year":
        return np.interp(months / 12.0, years + 0.5, vals) / (12.0 if series.unit.endswith("/year") else 1.0)
    return np.interp(months, years * 12 + 11, vals)


def world_capacity(catalog: Catalog, month0: int, n_months: int, case: str = "base") -> dict[str, np.ndarray]:
    """World capacity per month by resource (sum of the catalog series for it)."""
    if case not in CASES:
        raise GigawattError(f"case must be one of {', '.join(CASES)}, not {case!r}")
    out = {r: np.zeros(n_months) for r in RESOURCES}
    for s in catalog.series.values():
        if s.resource in out:
            out[s.resource] += monthly_capacity(s, month0, n_months, case)
    return out


def supply_report(result: Result, case: str = "base", allocable_share: float | None = None) -> SupplyReport:
    """Quarterly demand, world capacity and shares; the first quarter an input binds."""
    cat = result.catalog
    share = allocable_share if allocable_share is not None else cat.default("allocable_share_of_world_supply")
    if not 0 < share <= 1:
        raise GigawattError(f"allocable share must be in (0, 1], got {share}")
    months = result.months
    cap = world_capacity(cat, result.inputs.month0, len(months), case)
    demand = {r: result.series[k][0].sum(axis=0) for r, k in (("hbm_gb", "hbm_gb_bought"), ("cowos_wafers", "cowos_wafers"))}
    stacks = (result.series["accelerators_bought"][0] * result.inputs.p["hbm_stacks"][0][:, None]).sum(axis=0)
    packages = result.series["accelerators_bought"][0].sum(axis=0)
    q_dem = {r: sum_by_period(months, v, "quarter") for r, v in demand.items()}
    q_cap = {r: sum_by_period(months, v, "quarter") for r, v in cap.items()}
    q_stacks, q_pkg = sum_by_period(months, stacks, "quarter"), sum_by_period(months, packages, "quarter")
    vendor_shares = {name: monthly_capacity(cat.series[sid], result.inputs.month0, len(months), "base")
                     for sid, name in HBM_VENDORS.items() if sid in cat.series}
    # Binding is tested month by month, as the constrained schedule allocates supply.
    binding = None
    over = {r: demand[r] / np.where(cap[r] > 0, cap[r] * share, np.inf) for r in RESOURCES}
    for m in range(len(months)):
        worst = max(RESOURCES, key=lambda r: over[r][m])
        if over[worst][m] > 1 + 1e-9:
            binding = Binding(input=worst, name=resource_label(worst), month=months[m], quarter=quarter_label(months[m]),
                              share_of_world=float(over[worst][m] * share), allocable_share=share)
            break
    def of_world(r: str, q: str) -> float | None:
        return q_dem[r][q] / q_cap[r][q] if q_cap[r][q] else None

    quarters = [SupplyQuarter(quarter=q, hbm_gb=q_dem["hbm_gb"][q], world_hbm_gb=q_cap["hbm_gb"][q], hbm_share_of_world=of_world("hbm_gb", q),
                              cowos_wafers=q_dem["cowos_wafers"][q], world_cowos_wafers=q_cap["cowos_wafers"][q],
                              cowos_share_of_world=of_world("cowos_wafers", q), hbm_stacks=q_stacks[q], substrates=q_pkg[q])
                for q in q_dem["hbm_gb"]]
    world_hbm_by_vendor = {
        name: sum_by_period(months, cap["hbm_gb"] * sh, "quarter") for name, sh in vendor_shares.items()
    }
    peak = {"hbm_gb": max((q.hbm_share_of_world or 0.0) for q in quarters),
            "cowos_wafers": max((q.cowos_share_of_world or 0.0) for q in quarters)}
    return SupplyReport(
        scenario=result.scenario.name,
        case=case,
        allocable_share=share,
        quarters=quarters,
        binding=binding,
        peak_share_of_world=peak,
        world_hbm_gb_by_vendor_by_quarter=world_hbm_by_vendor,
        notes=[_en(k) for k in ("sup.n.demand", "sup.n.no_lead", "sup.n.substrates", "sup.n.extrapolated")],
        sources={sid: {"name": s.name, "points": {p.year: p.public() for p in s.points}} for sid, s in cat.series.items()},
        title=result.scenario.title or result.scenario.name,
    )


def need_per_gw(result: Result) -> dict[str, np.ndarray]:
    """HBM (GB) and CoWoS wafers one facility GW of each tranche needs ``{resource: (S, T)}``
    (the rule the constrained schedules of ``supply`` and ``world --supply`` share)."""
    p = result.inputs.p
    acc_per_gw = result.nameplate["accelerators"] / result.nameplate["gw"]
    return {"hbm_gb": acc_per_gw * p["hbm_gb"], "cowos_wafers": sizing.cowos_wafers(acc_per_gw, p["packages_per_wafer"])}


def constrained_delivered(result: Result, capacity: dict[str, np.ndarray], share: float) -> np.ndarray:
    """Cumulative delivered share ``(S, T, M)`` when the scenario gets at most ``share`` of
    each world capacity. Deliveries the ramps want but supply cannot meet wait (a backlog);
    earlier-starting tranches are served first. Refresh purchases are not limited.

    The month loop is inherent (a backlog carries forward); samples stay vectorised.
    """
    inputs = result.inputs
    p = inputs.p
    desired = ramp.additions(delivered_share(inputs))  # (S, T, M) share of the tranche wanted each month
    gw = result.nameplate["gw"]  # (S, T) facility GW
    need = need_per_gw(result)
    order = np.argsort(p["start_offset"][0], kind="stable")
    n_s, n_t, n_m = desired.shape
    backlog = np.zeros((n_s, n_t))
    got = np.zeros((n_s, n_t, n_m))
    for m in range(n_m):
        backlog += desired[..., m] * gw
        left = {r: np.full(n_s, capacity[r][m] * share) for r in need}
        for t in order:  # a handful of tranches, in priority order
            possible = np.min([left[r] / need[r][:, t] for r in need], axis=0)
            d = np.minimum(backlog[:, t], np.maximum(possible, 0.0))
            got[:, t, m] = d
            backlog[:, t] -= d
            for r in need:
                left[r] -= d * need[r][:, t]
    return np.minimum(np.cumsum(got, axis=-1) / gw[..., None], 1.0)


def _completion(delivered_row: np.ndarray) -> int | None:
    done = np.flatnonzero(delivered_row >= 1 - 1e-9)
    return int(done[0]) if len(done) else None


def constrained(result: Result, case: str = "base", allocable_share: float | None = None) -> tuple[Result, list[TrancheSlip]]:
    """The same scenario on the schedule supply allows, and the slip of each tranche."""
    cat = result.catalog
    share = allocable_share if allocable_share is not None else cat.default("allocable_share_of_world_supply")
    cap = world_capacity(cat, result.inputs.month0, len(result.months), case)
    delivered = constrained_delivered(result, cap, share)
    series, nameplate = run(result.inputs, delivered)
    new = Result(result.scenario, result.inputs, series, nameplate, result.catalog, result.source, list(result.warnings))
    wanted = delivered_share(result.inputs)
    slips = []
    for t in result.tranches:
        a, b = _completion(wanted[0, t.index]), _completion(delivered[0, t.index])
        slips.append(TrancheSlip(
            tranche=t.index, label=t.label, deal=t.deal, product=t.product,
            planned_completion=month_label(result.inputs.month0 + a) if a is not None else None,
            constrained_completion=month_label(result.inputs.month0 + b) if b is not None else None,
            slip_months=(b - a) if a is not None and b is not None else None,
            mean_delay_months=max(0.0, round(float((wanted[0, t.index] - delivered[0, t.index]).sum()), 6)),
            delivered_share_at_horizon_end=float(delivered[0, t.index, -1]),
        ))
    return new, slips


def run_supply(scenario: str, *, constrained_schedule: bool = False, share: float | None = None, case: str = "base",
               catalog=None) -> SupplyReport:
    """``gigawatt supply``: the supply report and, with ``constrained_schedule``, the schedule
    supply allows (each tranche's slip, and the constrained run's capex, energy and GW online)."""
    from dataclasses import replace

    from gigawatt.analyses.api import evaluate
    from gigawatt.core.bounds import check

    if share is not None:
        check("ratio_positive", share, "--share")
    result = evaluate(scenario, catalog_paths=catalog)
    report = supply_report(result, case, share)
    if not constrained_schedule:
        return report
    new, slips = constrained(result, case, share)
    return replace(report, slip_months={f"{s.tranche}: {s.deal} / {s.label}": s.slip_months for s in slips}, slips=slips,
                   constrained_totals={k: new.horizon_sums()[k] for k in ("capex_usd", "energy_mwh")},
                   constrained_online_gw={"month": new.months, "online_gw": new.monthly(["online_gw"])["online_gw"].tolist()})
