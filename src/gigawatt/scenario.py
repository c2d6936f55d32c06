"""Scenario files: YAML → validated :class:`Scenario`.

A scenario has deals; a deal has a buyer, a supplier and tranches; a tranche is a product
generation with its GW (``basis: facility | it``), start month, ramp and shape. Site and
finance blocks give defaults; a deal's ``site`` overrides the scenario's. Every quantity
may be written with units (``"700 MW"``); it is stored as a float in the field's unit.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .errors import GigawattError, Problem, ValidationFailure
from .timeline import month_index, month_label
from .units import to_canonical
from .yaml_io import problems_from_pydantic, read_yaml, read_yaml_file

BUILTIN_DIR = Path(__file__).parent / "scenarios"


def quantity(unit: str):
    """A float field that accepts a number in ``unit`` or a string with compatible units."""
    return BeforeValidator(functools.partial(to_canonical, unit=unit))


def _month(value):
    return month_label(month_index(value))


Month = Annotated[str, BeforeValidator(_month)]
GW = Annotated[float, quantity("GW")]
Ratio = Annotated[float, quantity("")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PowerSource(Strict):
    """One source of a site's electricity: the grid, a PPA, or on-site generation."""

    source: Literal["grid", "ppa", "onsite"]
    share: Ratio = Field(gt=0, le=1, description="Share of the site's energy.")
    price: Annotated[float, quantity("USD/MWh")] | None = Field(None, ge=0, le=2000, description="Default for grid: the region's.")
    carbon: Annotated[float, quantity("g/kWh")] | None = Field(None, ge=0, le=1500, description="Default for grid: the region's.")

    @model_validator(mode="after")
    def _priced(self):
        if self.source != "grid" and (self.price is None or self.carbon is None):
            raise ValueError(f"a {self.source} source needs its own price and carbon (e.g. price: '45 USD/MWh', carbon: '20 g/kWh')")
        return self


class Site(Strict):
    """Where and how the hardware runs. Unset fields fall back to the catalog."""

    cooling: str | None = Field(None, description="Cooling type id (air, dlc, immersion).")
    pue: Annotated[float, quantity("")] | None = Field(None, ge=1.0, le=3.0, description="Facility/IT power; default from cooling.")
    region: str | None = Field(None, description="Region id for electricity price and grid carbon.")
    electricity_price: Annotated[float, quantity("USD/MWh")] | None = Field(None, ge=0, le=2000)
    grid_carbon: Annotated[float, quantity("g/kWh")] | None = Field(None, ge=0, le=1500)
    average_load: Ratio | None = Field(None, gt=0, le=1, description="Average draw / capacity.")
    utilization: Ratio | None = Field(None, gt=0, le=1)
    power: list[PowerSource] | None = Field(None, description="Energy mix; shares must add up to 1. Default: all grid.")
    grid_requested: Month | None = Field(None, description="When the grid connection was requested (default: horizon start).")
    grid_lead_time_months: int | None = Field(None, ge=0, le=240, description="Months from request to energisation; no tranche starts before.")

    @model_validator(mode="after")
    def _shares(self):
        if self.power:
            total = sum(p.share for p in self.power)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"power shares add up to {total:g}, not 1")
            kinds = [p.source for p in self.power]
            if len(set(kinds)) != len(kinds):
                raise ValueError("give each power source (grid, ppa, onsite) once")
        return self


class Finance(Strict):
    discount_rate: Ratio | None = Field(None, ge=-0.05, le=0.5, description="Per year, e.g. 0.08 or '8 %'.")
    it_life_years: Annotated[float, quantity("year")] | None = Field(None, ge=1 / 12, le=30, description="At least one month.")
    facility_life_years: Annotated[float, quantity("year")] | None = Field(None, ge=1 / 12, le=60)
    topdown_usd_per_gw: Annotated[float, quantity("USD/GW")] | None = Field(None, gt=0, le=1e12)


class Params(Strict):
    """Per-tranche overrides of a parameterised product (``custom-asic``)."""

    bf16_dense_tflops: float | None = Field(None, gt=0, le=1e6)
    fp8_dense_tflops: float | None = Field(None, gt=0, le=1e6)
    fp4_dense_tflops: float | None = Field(None, gt=0, le=1e6)
    memory_gb: float | None = Field(None, gt=0, le=10_000)
    hbm_stacks: float | None = Field(None, gt=0, le=64)
    tdp_w: Annotated[float, quantity("W")] | None = Field(None, gt=0, le=20_000)
    accelerators_per_system: float | None = Field(None, ge=1, le=10_000)
    system_power_kw: Annotated[float, quantity("kW")] | None = Field(None, gt=0, le=5_000)
    price_usd: Annotated[float, quantity("USD")] | None = Field(None, gt=0, le=1e9)
    software: Literal["cuda", "rocm", "other"] | None = None


class Tranche(Strict):
    product: str = Field(description="Accelerator id from the catalog.")
    gw: GW = Field(gt=0, le=100, description="Power of this tranche; see `basis`.")
    basis: Literal["facility", "it"] = Field("facility", description="Whether `gw` is facility (grid) or critical IT power.")
    start: Month = Field(description="First month of deliveries, e.g. 2026-07 or '2H 2026'.")
    ramp_months: int = Field(12, ge=0, le=240, description="Months from first delivery to full GW.")
    shape: Literal["linear", "s-curve", "step"] = "linear"
    system: str | None = Field(None, description="System id; default: the product's default system.")
    refresh: bool = Field(False, description="Replace hardware at end of life (same power, same product).")
    label: str | None = None
    params: Params | None = None

    @model_validator(mode="after")
    def _shape_and_ramp_agree(self):
        given = self.model_fields_set
        if self.shape == "step":
            if "ramp_months" in given and self.ramp_months != 0:
                raise ValueError(f"shape 'step' delivers everything in the start month, so ramp_months {self.ramp_months} "
                                 "would be ignored; drop ramp_months or use shape linear or s-curve")
            self.ramp_months = 0
        elif self.ramp_months == 0:
            if "shape" in given:
                raise ValueError(f"shape {self.shape!r} needs ramp_months of 1 or more; use shape 'step' for an instant delivery")
            self.shape = "step"
        return self


class Underlying(Strict):
    """The supplier's share price: a spot observation and the process that moves it."""

    spot_usd: float = Field(gt=0, le=1e6)
    as_of: Month = Field(description="Month of the spot price; valuation is as of this month.")
    source: str | None = None
    volatility: Ratio = Field(gt=0, le=3, description="Annual volatility, e.g. 0.5 or '50 %'.")
    risk_free_rate: Ratio = Field(0.04, ge=-0.05, le=0.5)
    dividend_yield: Ratio = Field(0.0, ge=0, le=0.5)
    drift: Ratio | Literal["risk-neutral"] = Field("risk-neutral", description="Annual drift of the simulated price, or risk-neutral (= risk-free rate).")

    def drift_rate(self, override=None) -> float:
        """The annual drift to simulate with: ``override`` or the stated one; risk-neutral means the risk-free rate."""
        drift = self.drift if override is None else override
        return self.risk_free_rate if drift == "risk-neutral" else float(drift)


class WarrantTranche(Strict):
    shares: int = Field(gt=0)
    gw: GW = Field(ge=0, le=100, description="Cumulative delivered GW (facility basis) that vests this tranche.")
    price_hurdle_usd: float = Field(ge=0, le=1e6, description="Share price at or above which (averaged) the tranche vests.")
    products: list[str] | None = Field(None, description="Count only deliveries of these products toward `gw` (default: the whole deal).")
    assumed: bool = Field(False, description="True where the tranche is an assumption, not public terms.")


class Warrant(Strict):
    """A warrant vesting on delivered GW and share-price hurdles (the AMD-OpenAI structure)."""

    shares: int = Field(gt=0, description="Shares under the warrant.")
    strike_usd: float = Field(ge=0, le=1e6)
    issued: Month
    expiry: Month
    shares_outstanding: float = Field(gt=0, description="Issuer's basic shares outstanding before the warrant.")
    averaging_months: int = Field(1, ge=1, le=24, description="Months the price is averaged over for the hurdle test.")
    deployment_condition: bool = Field(True, description="Switch off to vest on price alone.")
    price_condition: bool = Field(True, description="Switch off to vest on deliveries alone.")
    underlying: Underlying
    tranches: list[WarrantTranche] = Field(min_length=1)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        problems = []
        if month_index(self.expiry) <= month_index(self.issued):
            problems.append(f"expiry ({self.expiry}) must be after issued ({self.issued})")
        elif not month_index(self.issued) <= month_index(self.underlying.as_of) < month_index(self.expiry):
            problems.append(f"underlying.as_of ({self.underlying.as_of}) must be from issued ({self.issued}) to before expiry ({self.expiry})")
        total = sum(t.shares for t in self.tranches)
        if total != self.shares:
            problems.append(f"tranche shares add up to {total:,}, not the warrant's {self.shares:,}")
        for i in range(1, len(self.tranches)):
            a, b = self.tranches[i - 1], self.tranches[i]
            if b.price_hurdle_usd < a.price_hurdle_usd:
                problems.append(f"tranches[{i}].price_hurdle_usd ({b.price_hurdle_usd:g}) is below tranches[{i - 1}]'s "
                                f"({a.price_hurdle_usd:g}); hurdles must not decrease")
            if b.gw < a.gw:
                problems.append(f"tranches[{i}].gw ({b.gw:g}) is below tranches[{i - 1}]'s ({a.gw:g}); milestones must not decrease")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Investment(Strict):
    """Vendor equity investment in the buyer as GW are deployed (NVIDIA's $10B per GW)."""

    usd_per_gw: Annotated[float, quantity("USD/GW")] = Field(gt=0, le=1e12)
    cap_usd: Annotated[float, quantity("USD")] = Field(gt=0, le=1e13)
    valuation_usd: Annotated[float, quantity("USD")] | None = Field(None, gt=0, le=1e14, description="Buyer's valuation, for the stake bought.")
    price_per_share_usd: float | None = Field(None, gt=0, le=1e7, description="Price per buyer share, for the shares bought.")
    source: str | None = None


class SupplierTerms(Strict):
    """The supplier's side: revenue per GW, margins and share count, for revenue and EPS."""

    revenue_usd_per_gw: Annotated[float, quantity("USD/GW")] | None = Field(
        None, gt=0, le=1e12, description="Supplier content per delivered facility GW; default: the deal's system + network capex.")
    gross_margin: Ratio = Field(ge=-1, le=1)
    operating_expense_ratio: Ratio = Field(0.0, ge=0, le=1, description="Incremental operating expense as a share of revenue.")
    tax_rate: Ratio = Field(ge=0, le=0.6)
    diluted_shares: float = Field(gt=0)
    source: str | None = None


class BuyerTerms(Strict):
    """The buyer's side: what a GW earns, for payback."""

    revenue_usd_per_gw_year: Annotated[float, quantity("USD/GW")] | None = Field(None, gt=0, le=1e12)
    source: str | None = None


class Distribution(Strict):
    """A distribution for an uncertain input, optionally truncated to [low, high].

    fixed: value · uniform: low, high · triangular and pert: low, mode, high ·
    normal: mean, sd (low/high truncate) · lognormal: median, sigma of log (low/high truncate) ·
    discrete: values, probs.
    """

    type: Literal["fixed", "uniform", "triangular", "normal", "lognormal", "pert", "discrete"]
    value: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, gt=0)
    values: list[float] | None = None
    probs: list[float] | None = None

    @model_validator(mode="after")
    def _params(self):
        need = {"fixed": ("value",), "uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
                "pert": ("low", "mode", "high"), "normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
                "discrete": ("values", "probs")}[self.type]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.type} distribution needs {', '.join(need)}; missing {', '.join(missing)}")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) must be between low ({self.low:g}) and high ({self.high:g})")
        if self.type == "discrete":
            if len(self.values) != len(self.probs) or not self.values:
                raise ValueError("values and probs must have the same, non-zero length")
            if any(p < 0 for p in self.probs) or abs(sum(self.probs) - 1) > 1e-9:
                raise ValueError(f"probs must be non-negative and add up to 1 (they add up to {sum(self.probs):g})")
        return self


class Target(Strict):
    """Which input an uncertain variable changes, how, and for which tranches."""

    field: str = Field(description="An engine input (see `gigawatt mc --help`) or an alias such as start_delay_months.")
    op: Literal["set", "add", "multiply"] | None = Field(None, description="Default: the alias's, else set.")
    product: str | list[str] | None = None
    vendor: str | None = None
    deal: str | None = None
    tranche: str | None = Field(None, description="A tranche label.")


class Uncertain(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    dist: Distribution
    targets: list[Target] = Field(min_length=1)
    per_tranche: bool = Field(False, description="Draw independently for each matched tranche (default: one shared draw).")


class Correlation(Strict):
    """Gaussian copula: the correlation of the variables' normal scores (a matrix entry of 0.4
    gives a rank correlation of about 0.385, 6/pi asin(0.4/2))."""

    names: list[str] = Field(min_length=2)
    matrix: list[list[float]]

    @model_validator(mode="after")
    def _matrix(self):
        import numpy as np

        n = len(self.names)
        if len(self.matrix) != n or any(len(row) != n for row in self.matrix):
            shape = f"{len(self.matrix)} rows of {sorted({len(r) for r in self.matrix})} entries"
            raise ValueError(f"matrix must be {n} x {n} for {n} names, got {shape}")
        m = np.array(self.matrix, float)
        if not np.allclose(m, m.T) or not np.allclose(np.diag(m), 1) or np.any(np.abs(m) > 1):
            raise ValueError("matrix must be symmetric with ones on the diagonal and entries in [-1, 1]")
        if np.linalg.eigvalsh(m).min() < -1e-10:
            raise ValueError("matrix is not positive semi-definite (no such correlation exists)")
        if len(set(self.names)) != n:
            raise ValueError("names must be distinct")
        return self


class Deal(Strict):
    name: str
    buyer: str
    supplier: str
    site: Site | None = Field(None, description="Overrides the scenario's site for this deal.")
    finance: Finance | None = Field(None, description="Overrides the scenario's finance for this deal.")
    tranches: list[Tranche] = Field(min_length=1)
    warrant: Warrant | None = None
    investment: Investment | None = None
    supplier_terms: SupplierTerms | None = None
    buyer_terms: BuyerTerms | None = None
    note: str | None = None


class Horizon(Strict):
    start: Month
    end: Month

    @model_validator(mode="after")
    def _ordered(self):
        if month_index(self.end) < month_index(self.start):
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if month_index(self.end) - month_index(self.start) > 12 * 50:
            raise ValueError("a horizon longer than 50 years is not supported")
        return self

    @property
    def months(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1


class Scenario(Strict):
    name: str
    title: str | None = None
    description: str | None = None
    checked: str | None = Field(None, description="Date the inputs were last checked against sources.")
    sources: list[str] = []
    horizon: Horizon
    site: Site = Site()
    finance: Finance = Finance()
    include: list[str] = Field([], description="Built-in scenario names or paths (relative to this file) whose deals come first.")
    deals: list[Deal] = []
    uncertainty: list[Uncertain] = Field([], description="Uncertain inputs for `gigawatt mc` and `sensitivity`.")
    correlation: Correlation | None = None
    # Where each deal was written: (source label, line map, index in that file); set by load().
    _origins: list[tuple[str, dict, int]] = PrivateAttr(default_factory=list)

    def origin(self, deal_index: int) -> tuple[str, dict, int] | None:
        return self._origins[deal_index] if deal_index < len(self._origins) else None

    def uncertainty_problems(self) -> list[str]:
        """Cross-checks of ``uncertainty`` and ``correlation``, run once includes are merged."""
        names = [u.name for u in self.uncertainty]
        out = []
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            out.append(f"uncertainty names must be unique; repeated: {', '.join(dup)}")
        if self.correlation is not None:
            unknown = [n for n in self.correlation.names if n not in names]
            if unknown:
                out.append(f"correlation names {unknown} are not uncertainty variables ({', '.join(names) or 'none'})")
            per = [u.name for u in self.uncertainty if u.per_tranche and u.name in self.correlation.names]
            if per:
                out.append(f"per_tranche variables cannot be correlated: {', '.join(per)}")
        return out

    @field_validator("checked", mode="before")
    @classmethod
    def _date_text(cls, v):
        return None if v is None else str(v)

    @property
    def tranches(self) -> list[tuple[int, Deal, Tranche]]:
        """Every tranche with the index of its deal, in order."""
        return [(i, d, t) for i, d in enumerate(self.deals) for t in d.tranches]


def merged(base, override):
    """``override``'s set fields on top of ``base`` (both Site, or both Finance)."""
    if override is None:
        return base
    return base.model_copy(update={k: v for k, v in override.model_dump().items() if v is not None})


def _block_diagonal(corrs: list) -> dict | None:
    """Merge correlation blocks (included scenarios' and the includer's) into one matrix.

    Variables in different blocks are uncorrelated unless a block pairs them; a pair given
    twice with different values is an error. Positive semi-definiteness is checked after.
    """
    if not corrs:
        return None
    names = list(dict.fromkeys(n for c in corrs for n in c.names))
    at = {n: i for i, n in enumerate(names)}
    matrix = [[1.0 if i == j else None for j in range(len(names))] for i in range(len(names))]
    for c in corrs:
        for i, a in enumerate(c.names):
            for j, b in enumerate(c.names):
                if i == j:
                    continue
                old = matrix[at[a]][at[b]]
                if old is not None and abs(old - c.matrix[i][j]) > 1e-12:
                    raise GigawattError(f"correlation of {a} and {b} is given twice ({old:g} and {c.matrix[i][j]:g})")
                matrix[at[a]][at[b]] = c.matrix[i][j]
    return {"names": names, "matrix": [[0.0 if v is None else v for v in row] for row in matrix]}


def _unique_deal_names(scenario: Scenario, source: str) -> None:
    """Deals are reported by name, so two deals with one name (an include twice, say) are refused."""
    seen: dict[str, int] = {}
    for i, d in enumerate(scenario.deals):
        if d.name in seen:
            origin = scenario.origin(i)
            where = f" (from {origin[0]})" if origin and origin[0] != source else ""
            raise ValidationFailure(source, [Problem(f"deals[{i}].name", f"deal name {d.name!r}{where} is already used by deals[{seen[d.name]}]; "
                                                     "give each deal its own name (or include a scenario only once)")])
        seen[d.name] = i


def fields_at(loc: tuple) -> list[str]:
    """Field names valid at a pydantic error location (for 'did you mean' on a typo)."""
    import typing

    model = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        candidates = [field.annotation]
        found = None
        while candidates:
            t = candidates.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                found = t
                break
            candidates.extend(typing.get_args(t))
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def parse(data, source: str, lines: dict | None = None) -> Scenario:
    """Validate already-parsed data (dict) as a scenario; errors name ``source``."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise ValidationFailure(source, [Problem("", "a scenario file must be a YAML mapping (name:, horizon:, deals: ...)")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_pydantic(exc, lines, known_fields=fields_at)
        raise ValidationFailure(source, problems) from None


def load(name_or_path: str | Path, _seen: tuple = ()) -> tuple[Scenario, str, dict]:
    """Load a built-in scenario by name, or a scenario file by path.

    Returns the scenario, the source label used in messages, and the line map (for errors
    found later against the catalog). Deals of ``include`` d scenarios come first.
    """
    scenario, source, lines, path = _read(name_or_path)
    return _resolve(scenario, source, lines, path, _seen), source, lines


def load_text(text: str, source: str = "<text>", base_dir: Path | None = None) -> tuple[Scenario, dict]:
    """Parse scenario text (YAML or JSON), resolving ``include`` s: built-in names always,
    file names relative to ``base_dir`` when one is given."""
    data, lines = read_yaml(text, source)
    scenario = parse(data, source, lines)
    if base_dir is None and any(Path(n).suffix in (".yaml", ".yml") for n in scenario.include):
        raise GigawattError(f"{source}: only built-in scenarios can be included here, not files")
    anchor = (base_dir or Path.cwd()) / f"<{source}>"
    return _resolve(scenario, source, lines, anchor, ()), lines


def _resolve(scenario: Scenario, source: str, lines: dict, path: Path, _seen: tuple) -> Scenario:
    """Bring in included scenarios' deals (with their site and finance) and uncertainty."""
    if path in _seen:
        raise GigawattError(f"{source}: include cycle through {' -> '.join(str(p) for p in (*_seen, path))}")
    deals, origins, uncertain, corrs = [], [], [], []
    for i, name in enumerate(scenario.include):
        # A file name is relative to the including file; anything else is a built-in name.
        target = path.parent / name if Path(name).suffix in (".yaml", ".yml") else name
        try:
            included = load(target, (*_seen, path))[0]
        except GigawattError as exc:
            raise GigawattError(f"{source}: include[{i}] {name!r}: {exc}") from None
        # Included deals keep the site and finance their own scenario gave them.
        deals.extend(d.model_copy(update={"site": merged(included.site, d.site), "finance": merged(included.finance, d.finance)})
                     for d in included.deals)
        origins.extend(included.origin(j) for j in range(len(included.deals)))
        uncertain.extend(included.uncertainty)
        if included.correlation is not None:
            corrs.append(included.correlation)
    own = [(source, lines, j) for j in range(len(scenario.deals))]
    if deals:
        scenario = scenario.model_copy(update={"deals": deals + scenario.deals})
    scenario._origins = origins + own
    _unique_deal_names(scenario, source)
    if uncertain:
        if scenario.correlation is not None:
            corrs.append(scenario.correlation)
        try:
            scenario = Scenario.model_validate({**scenario.model_dump(exclude={"deals", "uncertainty", "correlation"}),
                                                "deals": [], "uncertainty": [u.model_dump() for u in uncertain + scenario.uncertainty],
                                                "correlation": _block_diagonal(corrs)}).model_copy(update={"deals": scenario.deals})
        except ValidationError as exc:
            raise ValidationFailure(source, problems_from_pydantic(exc, {})) from None
    scenario._origins = origins + own
    problems = scenario.uncertainty_problems()
    if problems:
        raise ValidationFailure(source, [Problem("uncertainty", p, lines.get(("uncertainty",))) for p in problems])
    if not scenario.deals:
        raise ValidationFailure(source, [Problem("deals", "a scenario needs at least one deal (or an include)", lines.get(("deals",)))])
    return scenario


def _read(name_or_path) -> tuple[Scenario, str, dict, Path]:
    text_path = Path(name_or_path)
    if text_path.suffix in (".yaml", ".yml", ".json") or text_path.exists():
        data, lines = read_yaml_file(text_path)
        source = str(text_path)
        path = text_path.resolve()
    else:
        path = BUILTIN_DIR / f"{name_or_path}.yaml"
        if not path.exists():
            from .catalog import suggest

            raise GigawattError(
                f"no scenario file or built-in scenario named {str(name_or_path)!r}{suggest(str(name_or_path), builtin_names())}"
            )
        data, lines = read_yaml_file(path)
        source = f"built-in scenario {name_or_path!r}"
    return parse(data, source, lines), source, lines, path


def loads(text: str, source: str = "<text>") -> Scenario:
    """Parse a scenario from YAML (or JSON) text; built-in scenarios may be included."""
    return load_text(text, source)[0]
