"""Optimisation: the cheapest mix of offered products for a compute (or GW) target.

Given offers (a product, the first and last quarter it can be delivered, a cap per quarter),
a target of effective BF16 compute (or GW online) by a date and a maximum share per vendor,
choose GW per product and quarter that minimise the discounted cost (capex + opex over the
horizon, from the engine). A linear programme solved by HiGHS through SciPy. The engine
prices each candidate (product, quarter) as a 1 GW tranche, all in one vectorised run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, Field, ValidationError, model_validator

from gigawatt.core.records import Record, frame, optional
from gigawatt.core.bounds import bound
from gigawatt.catalog import Catalog, load_catalog
from gigawatt.core.errors import GigawattError, Problem, ValidationFailure
from gigawatt.scenario.spec import Finance, Horizon, Month, Params, Site, Strict, _exists, quantity
from gigawatt.core.timeline import month_index, month_label, quarter_label
from gigawatt.core.yaml_io import problems_from_pydantic, read_yaml_file

BUILTIN_DIR = Path(__file__).parent / "targets"


class Target(Strict):
    effective_eflops_bf16: float | None = Field(None, gt=0, le=1e6, description="Effective BF16 EFLOP/s online at `by`.")
    gw: Annotated[float, quantity("GW")] | None = Field(None, **bound("gw_total"), description="Facility GW online at `by`.")
    by: Month

    @model_validator(mode="after")
    def _one(self):
        if (self.effective_eflops_bf16 is None) == (self.gw is None):
            raise ValueError("give exactly one of effective_eflops_bf16 or gw")
        return self


class Offer(Strict):
    product: str
    system: str | None = None
    earliest: Month
    latest: Month | None = None
    max_gw_per_quarter: Annotated[float, quantity("GW")] = Field(**bound("gw"))
    max_gw_total: Annotated[float, quantity("GW")] | None = Field(None, **bound("gw_total"))
    params: Params | None = None


class Spec(Strict):
    name: str
    description: str | None = None
    horizon: Horizon
    site: Site = Site()
    finance: Finance = Finance()
    target: Target
    max_vendor_share: float = Field(1.0, **bound("ratio_positive"), description="Largest share of bought GW any one vendor may have.")
    offers: list[Offer] = Field(min_length=1, max_length=64)


# ---------------------------------------------------------------------------------------------
# Typed results; ``to_dict()`` is the ``optimize --json`` contract (see core/records.py).

@dataclass(frozen=True, eq=False)
class PlanRow(Record):
    """GW of one offer's product delivered over one quarter."""

    offer: int
    product: str
    vendor: str
    quarter: str
    gw: float
    usd_per_gw: float
    eflops_per_gw_at_target: float


@dataclass(frozen=True, eq=False)
class Diversification(Record):
    """What the vendor-share cap costs, and what the target would depend on without it."""

    single_sourcing_allowed_cost_usd: float
    saving_if_unconstrained_usd: float
    shadow_price_usd_per_point_of_share: float
    unconstrained_vendor_shares: dict[str, float]
    unconstrained_coverage_by_vendor: dict[str, float]
    risk_note: str


@dataclass(frozen=True, eq=False)
class OptimalPlan(Record):
    """``gigawatt optimize --json``: the cheapest plan, the binding constraints, the price of diversification."""

    name: str
    target: dict
    max_vendor_share: float
    cost_usd: float
    cost_basis: str
    plan: list[PlanRow]
    gw_by_vendor: dict[str, float]
    vendor_shares: dict[str, float]
    coverage_by_vendor: dict[str, float]
    binding: list[dict]
    candidates: int
    grid_ready: str | None
    diversification: Diversification | None = optional()
    single_vendor_plans: dict[str, float | None] | None = None

    def to_frame(self):
        """One row per (quarter, product) bought."""
        return frame([r.to_dict() for r in self.plan])


def builtin_names() -> list[str]:
    """The built-in targets' names (``targets/*.yaml``)."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def load_spec(name_or_path: str) -> tuple[Spec, str]:
    path = Path(name_or_path)
    if not (path.suffix in (".yaml", ".yml") or _exists(path)):
        names = builtin_names()
        if name_or_path not in names:  # only listed names are opened
            from gigawatt.catalog import suggest

            from gigawatt.scenario.spec import builtin_names as scenario_names

            shown = str(name_or_path)[:120]
            if name_or_path in scenario_names():
                example = f", e.g. the built-in {names[0]!r}" if names else ""
                raise GigawattError(f"{shown!r} is a built-in scenario; optimize needs a target (target:, offers:){example}")
            raise GigawattError(f"no target file or built-in target named {shown!r}{suggest(shown, names)}")
        path = BUILTIN_DIR / f"{name_or_path}.yaml"
    data, lines = read_yaml_file(path)
    if not isinstance(data, dict):
        raise ValidationFailure(str(path), [Problem("", "a target file must be a YAML mapping (name:, horizon:, target:, offers: ...)",
                                                    lines.get(()))])
    _not_a_scenario(data, path)
    try:
        return Spec.model_validate(data), str(path)
    except ValidationError as exc:
        raise ValidationFailure(str(path), problems_from_pydantic(exc, lines, known_fields=_fields())) from None


def _not_a_scenario(data: dict, path: Path) -> None:
    """A scenario given where a target file belongs is named as such, not as a list of unknown fields.
    ``deals:`` (or ``include:``) marks a scenario; ``horizon:``, ``site:`` and ``finance:`` are in both."""
    marks = [k for k in ("deals", "include") if k in data]
    if marks and not {"target", "offers"} & data.keys():
        example = builtin_names()[0]
        raise GigawattError(f"{path}: optimize needs a target file (target:, offers:, max_vendor_share:), and this file looks like "
                            f"a scenario (it has {' and '.join(f'{k}:' for k in marks)}); start from the built-in target "
                            f"example: `gigawatt optimize {example}` runs it, and {BUILTIN_DIR / (example + '.yaml')} is its file")


def _fields():
    names = set()
    for m in (Spec, Target, Offer, Params, Site, Finance, Horizon):
        names |= set(m.model_fields)
    return names


def check(spec: Spec, catalog: Catalog, source: str, share: float) -> None:
    """Problems the LP would otherwise report against its internal scenario, with their paths."""
    from gigawatt.catalog import suggest

    problems = []
    h0, h1, by = month_index(spec.horizon.start), month_index(spec.horizon.end), month_index(spec.target.by)
    if not h0 <= by <= h1:
        problems.append(Problem("target.by", f"{spec.target.by} is outside the horizon {spec.horizon.start} to {spec.horizon.end}"))
    for i, o in enumerate(spec.offers):
        if o.product not in catalog.accelerators:
            problems.append(Problem(f"offers[{i}].product", f"unknown product {o.product!r}{suggest(o.product, catalog.accelerators)}"))
        elif o.system and o.system not in catalog.systems:
            problems.append(Problem(f"offers[{i}].system", f"unknown system {o.system!r}{suggest(o.system, catalog.systems)}"))
        if o.latest and month_index(o.latest) < month_index(o.earliest):
            problems.append(Problem(f"offers[{i}].latest", f"{o.latest} is before earliest ({o.earliest})"))
    vendors = {catalog.accelerators[o.product].vendor for o in spec.offers if o.product in catalog.accelerators}
    if len(vendors) * share < 1 - 1e-9 and not problems:
        problems.append(Problem("max_vendor_share", f"{share:g} x {len(vendors)} vendor(s) offered < 1: no plan can "
                                f"keep every vendor under the cap; offer more vendors or raise it to at least {1 / len(vendors):.2f}"))
    if problems:
        raise ValidationFailure(source, problems)


def grid_ready(spec: Spec) -> int | None:
    """First month the site's grid connection allows deliveries (None if no lead time is stated)."""
    return spec.site.grid_ready_month(spec.horizon.start)


def _candidates(spec: Spec) -> list[tuple[int, str, int]]:
    """(offer index, quarter label, start month) for every quarter an offer can deliver by the target date."""
    by = month_index(spec.target.by)
    h0 = month_index(spec.horizon.start)
    ready = grid_ready(spec) or h0
    out = []
    for i, o in enumerate(spec.offers):
        first = max(month_index(o.earliest), h0, ready)
        first += (-first) % 3  # next quarter start
        last = min(month_index(o.latest) if o.latest else by, by)
        for m in range(first, last - 2 + 1, 3):  # a quarter's deliveries must finish by the target month
            out.append((i, quarter_label(m), m))
    return out


def price_candidates(spec: Spec, catalog: Catalog, source: str):
    """Run the engine once over every candidate (1 GW each): cost, compute and GW at the target date."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.scenario.spec import Scenario

    cands = _candidates(spec)
    if not cands:
        raise GigawattError(f"{source}: no offer can deliver a full quarter by {spec.target.by} inside the horizon")
    deals = []
    for i, o in enumerate(spec.offers):
        tranches = [{"product": o.product, "gw": 1, "basis": "facility", "start": month_label(m), "ramp_months": 3, "refresh": True,
                     **({"system": o.system} if o.system else {}), **({"params": o.params.model_dump(exclude_none=True)} if o.params else {}),
                     "label": f"{o.product} {q}"} for j, q, m in cands if j == i]
        if tranches:
            deals.append({"name": f"offer {i + 1}: {o.product}", "buyer": "-", "supplier": o.product, "tranches": tranches})
    sc = Scenario.model_validate({"name": spec.name, "horizon": spec.horizon.model_dump(), "site": spec.site.model_dump(),
                                  "finance": spec.finance.model_dump(), "deals": deals})
    result = evaluate(sc, catalog=catalog)
    at = result.months.index(spec.target.by)
    cost = service_cost(result, at)
    eff = result.series["effective_pflops_bf16"][0, :, at] / 1e3  # EFLOP/s per GW
    gw_at = result.series["online_gw"][0, :, at]
    return cands, result, cost, eff, gw_at


def service_cost(result, at: int) -> np.ndarray:
    """Each candidate's cost of serving the target window, per GW [USD], shape ``(T,)``.

    Cost and compute over the same window: a candidate's present cost over the horizon
    (capex, refreshes at end of life, opex, less the book value left at the horizon end) is
    levelised per discounted GW-month it is online,
    then charged for the GW-months of the window the target is for (from the target month to
    the horizon end). Comparing present costs to the horizon end directly would favour hardware
    that arrives late (discounted more, fewer months paid) or that retires early, although it
    serves the same target month.
    """
    from gigawatt.model.cost import discount_factors

    online = result.series["online_gw"][0]  # (T, M) GW online, kept up by refreshes
    disc = discount_factors(np.arange(online.shape[1]), result.inputs.p["discount_rate"][0][:, None])  # (T, M)
    gw_months = (online * disc).sum(axis=1)
    window = (online[:, at:] * disc[:, at:]).sum(axis=1)
    # Hardware and buildings not yet written off at the horizon end are still worth their book
    # value: credit it, or a refresh just before the end would count as pure cost.
    book_value = (result.series["capex_usd"][0] - result.series["depreciation_usd"][0]).sum(axis=1)
    cost = result.nameplate["npv_cost_usd"][0] - book_value * disc[:, -1]
    return cost / gw_months * window


def solve(spec: Spec, catalog: Catalog | None = None, source: str = "<target>", share: float | None = None) -> OptimalPlan:
    """Solve the LP; report the plan, binding constraints and the price of diversification."""
    from scipy.optimize import linprog

    catalog = catalog or load_catalog()
    share = spec.max_vendor_share if share is None else share
    check(spec, catalog, source, share)
    cands, result, cost, eff, gw_at = price_candidates(spec, catalog, source)
    vendors = [t.vendor for t in result.tranches]
    offer_of = [c[0] for c in cands]
    coverage = eff if spec.target.effective_eflops_bf16 is not None else gw_at
    goal = spec.target.effective_eflops_bf16 if spec.target.effective_eflops_bf16 is not None else spec.target.gw

    def lp(vendor_share: float, only: str | None = None, maximise_coverage: bool = False):
        rows, b, names, bounds = constraints(spec, offer_of, vendors, vendor_share, only)
        if maximise_coverage:  # the most the offers can deliver: the same constraints, no target
            return linprog(-coverage, A_ub=np.array(rows) if rows else None, b_ub=np.array(b) if b else None, bounds=bounds, method="highs"), names
        return linprog(cost, A_ub=np.array([-coverage, *rows]), b_ub=np.array([-goal, *b]), bounds=bounds, method="highs"), ["target", *names]

    res, names = lp(share)
    if res.status == 2:
        most, _ = lp(share, maximise_coverage=True)
        cap = -most.fun
        raise GigawattError(f"{source}: the target of {goal:g} {'EFLOP/s' if spec.target.effective_eflops_bf16 else 'GW'} by "
                            f"{spec.target.by} cannot be met: the offers' caps and the {share:.0%} vendor share allow at most {cap:,.2f}")
    if res.status != 0:
        raise GigawattError(f"{source}: the optimiser failed ({res.message})")
    x = res.x
    plan = [PlanRow(offer=offer_of[k] + 1, product=spec.offers[offer_of[k]].product, vendor=vendors[k], quarter=cands[k][1],
                    gw=float(x[k]), usd_per_gw=float(cost[k]), eflops_per_gw_at_target=float(eff[k]))
            for k in range(len(cands)) if x[k] > 1e-9]
    by_vendor: dict[str, float] = {}
    for row in plan:
        by_vendor[row.vendor] = by_vendor.get(row.vendor, 0.0) + row.gw
    total_gw = sum(by_vendor.values())
    binding = [{"constraint": nm, "shadow_price_usd": float(mg)} for nm, sl, mg in zip(names, res.ineqlin.residual, res.ineqlin.marginals)
               if abs(sl) < 1e-7 * max(1.0, goal)]
    binding += [{"constraint": f"quarter cap: {cands[k][1]} {spec.offers[offer_of[k]].product}", "shadow_price_usd": float(res.upper.marginals[k])}
                for k in range(len(cands)) if abs(res.upper.marginals[k]) > 1e-6]
    diversification = None
    if share < 1:
        free, _ = lp(1.0)
        nudged, _ = lp(min(1.0, share + 0.01))
        diversification = Diversification(
            single_sourcing_allowed_cost_usd=float(free.fun),
            saving_if_unconstrained_usd=float(res.fun - free.fun),
            shadow_price_usd_per_point_of_share=float((res.fun - nudged.fun)),
            unconstrained_vendor_shares=_shares(free.x, vendors),
            unconstrained_coverage_by_vendor=_coverage_by_vendor(free.x, coverage, vendors),
            risk_note="coverage_by_vendor is the share of the target that depends on each vendor: what a slip or "
                      "cut-off at that vendor would put at risk",
        )
    single_vendor_plans = {}
    for v in dict.fromkeys(vendors):
        single, _ = lp(1.0, only=v)
        single_vendor_plans[v] = float(single.fun) if single.status == 0 else None
    return OptimalPlan(
        name=spec.name,
        target=spec.target.model_dump(exclude_none=True),
        max_vendor_share=share,
        cost_usd=float(res.fun),
        cost_basis=("cost of serving the target window (target month to horizon end): each 1 GW candidate's present value of "
                       "capex, end-of-life refreshes and opex over the horizon less the book value left at its end, levelised per "
                   "discounted GW-month online, times "
                   "its discounted GW-months in the window; cost and compute are measured over the same window"),
        plan=plan,
        gw_by_vendor=by_vendor,
        vendor_shares={v: g / total_gw for v, g in by_vendor.items()},
        coverage_by_vendor=_coverage_by_vendor(x, coverage, vendors),
        binding=binding,
        candidates=len(cands),
        grid_ready=month_label(grid_ready(spec)) if grid_ready(spec) is not None else None,
        diversification=diversification,
        single_vendor_plans=single_vendor_plans,
    )


def run_optimize(target: str, *, share: float | None = None, catalog=None) -> OptimalPlan:
    """``gigawatt optimize``: load the target (a file or a built-in name) and solve it."""
    from gigawatt.core.bounds import check as check_bound

    if share is not None:
        check_bound("ratio_positive", share, "--max-vendor-share")
    spec, source = load_spec(target)
    return solve(spec, load_catalog(catalog), source, share)


def constraints(spec: Spec, offer_of: list[int], vendors: list[str], vendor_share: float, only: str | None = None):
    """Rows, right-hand sides, names and variable bounds of the LP, except the target row."""
    n = len(offer_of)
    rows, b, names = [], [], []
    for v in dict.fromkeys(vendors):
        if vendor_share < 1:
            rows.append(np.array([1.0 if vendors[k] == v else 0.0 for k in range(n)]) - vendor_share)
            b.append(0.0)
            names.append(f"vendor share: {v}")
    for i, o in enumerate(spec.offers):
        if o.max_gw_total is not None:
            rows.append(np.array([1.0 if offer_of[k] == i else 0.0 for k in range(n)]))
            b.append(o.max_gw_total)
            names.append(f"total cap: offer {i + 1} ({o.product})")
    bounds = [(0, spec.offers[offer_of[k]].max_gw_per_quarter if (only is None or vendors[k] == only) else 0) for k in range(n)]
    return rows, b, names, bounds


def _shares(x, vendors):
    tot = float(np.sum(x))
    out: dict[str, float] = {}
    for xi, v in zip(x, vendors):
        out[v] = out.get(v, 0.0) + float(xi) / tot
    return out


def _coverage_by_vendor(x, coverage, vendors):
    tot = float(np.dot(x, coverage))
    out: dict[str, float] = {}
    for xi, c, v in zip(x, coverage, vendors):
        out[v] = out.get(v, 0.0) + float(xi * c) / tot
    return out
