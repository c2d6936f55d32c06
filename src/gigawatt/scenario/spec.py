"""Scenario files: YAML → validated :class:`Scenario`.

A scenario has deals; a deal has a buyer, a supplier and tranches; a tranche is a product
generation with its GW (``basis: facility | it``), start month, ramp and shape. Site and
finance blocks give defaults; a deal's ``site`` overrides the scenario's. Every quantity
may be written with units (``"700 MW"``); it is stored as a float in the field's unit.
"""
from __future__ import annotations

import abc
import functools
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from gigawatt.core.bounds import bound
from gigawatt.core.errors import GigawattError, Problem, ValidationFailure
from gigawatt.core.timeline import month_index, month_label
from gigawatt.scenario.units import to_canonical
from gigawatt.core.yaml_io import problems_from_pydantic, quote, read_text_file, read_yaml

BUILTIN_DIR = Path(__file__).parent / "builtin"


def quantity(unit: str):
    """A float field that accepts a number in ``unit`` or a string with compatible units."""
    return BeforeValidator(functools.partial(to_canonical, unit=unit))


def _month(value):
    return month_label(month_index(value))


Month = Annotated[str, BeforeValidator(_month)]
GW = Annotated[float, quantity("GW")]
Ratio = Annotated[float, quantity("")]


class Strict(BaseModel):
    # NaN and infinity are never valid input (pydantic accepts them in float fields by default).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PowerSource(Strict):
    """One source of a site's electricity: the grid, a PPA, or on-site generation."""

    source: Literal["grid", "ppa", "onsite"]
    share: Ratio = Field(**bound("ratio_positive"), description="Share of the site's energy.")
    price: Annotated[float, quantity("USD/MWh")] | None = Field(None, **bound("electricity_price"), description="Default for grid: the region's.")
    carbon: Annotated[float, quantity("g/kWh")] | None = Field(None, **bound("carbon"), description="Default for grid: the region's.")

    @model_validator(mode="after")
    def _priced(self):
        if self.source != "grid" and (self.price is None or self.carbon is None):
            raise ValueError(f"a {self.source} source needs its own price and carbon (e.g. price: '45 USD/MWh', carbon: '20 g/kWh')")
        return self


class Site(Strict):
    """Where and how the hardware runs. Unset fields fall back to the catalog."""

    cooling: str | None = Field(None, description="Cooling type id (air, dlc, immersion).")
    site_class: str | None = Field(None, description="Site class id (hyperscale-liquid, hyperscale-air, colocation-enterprise, "
                                   "hpc-centre, immersion); sets the PUE. Default: the class of the stated cooling, else the system's.")
    draw: Literal["nameplate", "typical"] | None = Field(
        None, description="System power basis: typical draw (default; nameplate where the catalog has no typical figure) or nameplate (maximum rating).")
    pue: Annotated[float, quantity("")] | None = Field(None, **bound("pue"), description="Facility/IT power; default from the site class.")
    region: str | None = Field(None, description="Region id for electricity price and grid carbon.")
    electricity_price: Annotated[float, quantity("USD/MWh")] | None = Field(None, **bound("electricity_price"))
    grid_carbon: Annotated[float, quantity("g/kWh")] | None = Field(None, **bound("carbon"))
    average_load: Ratio | None = Field(None, **bound("ratio_positive"), description="Average draw / capacity.")
    utilization: Ratio | None = Field(None, **bound("ratio_positive"))
    power: list[PowerSource] | None = Field(None, description="Energy mix; shares must add up to 1. Default: all grid.")
    grid_requested: Month | None = Field(None, description="When the grid connection was requested (default: horizon start).")
    grid_lead_time_months: int | None = Field(None, **bound("lead_time_months"), description="Months from request to energisation; no tranche starts before.")

    def grid_ready_month(self, horizon_start: str) -> int | None:
        """Month index the grid connection is energised: requested (default ``horizon_start``)
        plus the lead time; None when no lead time is stated (no grid constraint). The one rule
        for ``inputs`` (tranche starts) and ``optimize`` (candidate quarters).

        >>> Site(grid_requested="2026-01", grid_lead_time_months=24).grid_ready_month("2025-01") == month_index("2028-01")
        True
        """
        if self.grid_lead_time_months is None:
            return None
        return month_index(self.grid_requested or horizon_start) + self.grid_lead_time_months

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
    discount_rate: Ratio | None = Field(None, **bound("discount_rate"), description="Per year, e.g. 0.08 or '8 %'.")
    it_life_years: Annotated[float, quantity("year")] | None = Field(None, **bound("it_life_years"), description="At least one month.")
    facility_life_years: Annotated[float, quantity("year")] | None = Field(None, **bound("facility_life_years"))
    topdown_usd_per_gw: Annotated[float, quantity("USD/GW")] | None = Field(None, **bound("usd_per_gw"))


class Params(Strict):
    """Per-tranche overrides of a parameterised product (``custom-asic``)."""

    bf16_dense_tflops: float | None = Field(None, **bound("dense_tflops"))
    fp8_dense_tflops: float | None = Field(None, **bound("dense_tflops"))
    fp4_dense_tflops: float | None = Field(None, **bound("dense_tflops"))
    memory_gb: float | None = Field(None, **bound("memory_gb"))
    hbm_stacks: float | None = Field(None, **bound("hbm_stacks"))
    tdp_w: Annotated[float, quantity("W")] | None = Field(None, **bound("tdp_w"))
    accelerators_per_system: float | None = Field(None, **bound("accelerators_per_system"))
    system_power_kw: Annotated[float, quantity("kW")] | None = Field(None, **bound("system_power_kw"))
    price_usd: Annotated[float, quantity("USD")] | None = Field(None, **bound("price_usd"))
    software: Literal["cuda", "rocm", "other"] | None = None


class Tranche(Strict):
    product: str = Field(description="Accelerator id from the catalog.")
    gw: GW = Field(**bound("gw"), description="Power of this tranche; see `basis`.")
    basis: Literal["facility", "it"] = Field("facility", description="Whether `gw` is facility (grid) or critical IT power.")
    start: Month = Field(description="First month of deliveries, e.g. 2026-07 or '2H 2026'.")
    ramp_months: int = Field(12, **bound("ramp_months"), description="Months from first delivery to full GW.")
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

    spot_usd: float = Field(**bound("share_price_usd"))
    as_of: Month = Field(description="Month of the spot price; valuation is as of this month.")
    source: str | None = None
    volatility: Ratio = Field(**bound("volatility"), description="Annual volatility, e.g. 0.5 or '50 %'.")
    risk_free_rate: Ratio = Field(0.04, **bound("rate"))
    dividend_yield: Ratio = Field(0.0, **bound("dividend_yield"))
    drift: Ratio | Literal["risk-neutral"] = Field("risk-neutral", description="Annual drift of the simulated price, or risk-neutral (= risk-free rate).")

    @field_validator("drift")
    @classmethod
    def _drift_in_bounds(cls, v):
        if v != "risk-neutral":
            lo, hi = bound("drift")["ge"], bound("drift")["le"]
            if not lo <= v <= hi:
                raise ValueError(f"drift must be from {lo:g} to {hi:g} per year, or risk-neutral")
        return v

    def drift_rate(self, override=None) -> float:
        """The annual drift to simulate with: ``override`` or the stated one; risk-neutral means the risk-free rate."""
        drift = self.drift if override is None else override
        return self.risk_free_rate if drift == "risk-neutral" else float(drift)


class WarrantTranche(Strict):
    shares: int = Field(**bound("shares"))
    gw: GW = Field(**bound("gw_milestone"), description="Cumulative delivered GW (facility basis) that vests this tranche.")
    price_hurdle_usd: float = Field(**bound("hurdle_usd"), description="Share price at or above which (averaged) the tranche vests.")
    products: list[str] | None = Field(None, description="Count only deliveries of these products toward `gw` (default: the whole deal).")
    assumed: bool = Field(False, description="True where the tranche is an assumption, not public terms.")


class Warrant(Strict):
    """A warrant vesting on delivered GW and share-price hurdles (the AMD-OpenAI structure)."""

    shares: int = Field(**bound("shares"), description="Shares under the warrant.")
    strike_usd: float = Field(**bound("hurdle_usd"))
    issued: Month
    expiry: Month
    shares_outstanding: float = Field(**bound("shares"), description="Issuer's basic shares outstanding before the warrant.")
    averaging_months: int = Field(1, **bound("averaging_months"), description="Months the price is averaged over for the hurdle test.")
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

    usd_per_gw: Annotated[float, quantity("USD/GW")] = Field(**bound("usd_per_gw"))
    cap_usd: Annotated[float, quantity("USD")] = Field(**bound("usd_total"))
    valuation_usd: Annotated[float, quantity("USD")] | None = Field(None, **bound("valuation_usd"), description="Buyer's valuation, for the stake bought.")
    price_per_share_usd: float | None = Field(None, **bound("share_price_usd"), description="Price per buyer share, for the shares bought.")
    source: str | None = None


class SupplierTerms(Strict):
    """The supplier's side: revenue per GW, margins and share count, for revenue and EPS."""

    revenue_usd_per_gw: Annotated[float, quantity("USD/GW")] | None = Field(
        None, **bound("usd_per_gw"), description="Supplier content per delivered facility GW; default: the deal's system + network capex.")
    gross_margin: Ratio = Field(**bound("margin"))
    operating_expense_ratio: Ratio = Field(0.0, **bound("share"), description="Incremental operating expense as a share of revenue.")
    tax_rate: Ratio = Field(**bound("tax_rate"))
    diluted_shares: float = Field(**bound("shares"))
    source: str | None = None


class BuyerTerms(Strict):
    """The buyer's side: what a GW earns, for payback."""

    revenue_usd_per_gw_year: Annotated[float, quantity("USD/GW")] | None = Field(None, **bound("usd_per_gw"))
    source: str | None = None


DistValue = Annotated[float, Field(**bound("distribution_value"))]
PositiveDistValue = Annotated[float, Field(gt=0, le=bound("distribution_value")["le"])]


class Distribution(Strict):
    """A distribution for an uncertain input, optionally truncated to [low, high].

    fixed: value · uniform: low, high · triangular and pert: low, mode, high ·
    normal: mean, sd (low/high truncate) · lognormal: median, sigma of log (low/high truncate) ·
    discrete: values, probs.
    """

    type: Literal["fixed", "uniform", "triangular", "normal", "lognormal", "pert", "discrete"]
    value: DistValue | None = None
    low: DistValue | None = None
    high: DistValue | None = None
    mode: DistValue | None = None
    mean: DistValue | None = None
    sd: PositiveDistValue | None = None
    median: PositiveDistValue | None = None
    sigma: float | None = Field(None, gt=0, le=10, description="Standard deviation of the log; 10 already spans 1e-9..1e9 at 2 sigma.")
    values: list[DistValue] | None = Field(None, max_length=1000)
    probs: list[Annotated[float, Field(ge=0, le=1)]] | None = Field(None, max_length=1000)

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
    ledger: str | None = Field(None, max_length=200, description="The deal-ledger id this deal comes from (`gigawatt deals show ID`).")


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
    catalog_ranges: bool = Field(False, description="Also sample every catalog number the run uses that has a low/high range "
                                                    "(PERT with the catalog value as its mode); `mc --catalog-ranges` sets it.")
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
            raise ValidationFailure(source, [Problem(f"deals[{i}].name", f"deal name {quote(d.name)}{where} is already used by deals[{seen[d.name]}]; "
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


def builtin_text(name: str) -> str | None:
    """The text of the built-in scenario ``name``, or None. Only listed names are opened."""
    return read_text_file(BUILTIN_DIR / f"{name}.yaml") if name in builtin_names() else None


#: A scenario name as the server and the store know it: no path separators, no leading dot.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
#: Tranches one scenario may state, includes merged (a budget for memory and time, not a physical limit).
MAX_TRANCHES = 256
#: Nesting of includes (an include of an include ...).
MAX_INCLUDE_DEPTH = 8


def _looks_like_path(name: str) -> bool:
    return Path(name).suffix in (".yaml", ".yml", ".json") or "/" in name or "\\" in name or name.startswith(".")


class Includes(abc.ABC):
    """Where the names in ``include:`` may come from.

    :meth:`fetch` returns the text of one include, its label for messages and a key for
    cycle detection, plus the policy for *its* includes.
    """

    @abc.abstractmethod
    def fetch(self, name: str) -> tuple[str, str, object, "Includes"]:
        """Text, source label, cycle key and include policy of the include ``name``."""


class FileIncludes(Includes):
    """The command line's rule: a name with a suffix or a slash is a file, relative to the
    including file's folder; anything else is a built-in scenario."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def fetch(self, name):
        if _looks_like_path(name):
            path = self.folder / name
            return read_text_file(path), str(path), path.resolve(), FileIncludes(path.resolve().parent)
        text = builtin_text(name)
        if text is None:
            from gigawatt.catalog import suggest

            raise GigawattError(f"no built-in scenario named {quote(name)}{suggest(name[:120], builtin_names())}; "
                                "a file to include needs its .yaml suffix")
        return text, f"built-in scenario {name!r}", ("builtin", name), self


class NamedIncludes(Includes):
    """The server's rule: built-in or saved scenarios, by name only. A path is refused
    without being opened, so a request can never read, or probe for, a file.

    ``lookup(name)`` returns a saved scenario's text or None.
    """

    def __init__(self, lookup=None):
        self.lookup = lookup

    def fetch(self, name):
        if _looks_like_path(name) or not NAME_PATTERN.match(name):
            raise GigawattError("not a scenario name: only built-in and saved scenarios can be included here, by name "
                                "(lower-case letters, digits, '.', '_' or '-'; no paths or file names)")
        text = self.lookup(name) if self.lookup is not None else None
        if text is not None:
            return text, f"saved scenario {name!r}", ("saved", name), self
        text = builtin_text(name)
        if text is not None:
            return text, f"built-in scenario {name!r}", ("builtin", name), self
        from gigawatt.catalog import suggest

        raise GigawattError(f"no built-in or saved scenario named {name!r}{suggest(name, builtin_names())}")


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
    """Load a built-in scenario by name, or a scenario file by path (the command line's way).

    Returns the scenario, the source label used in messages, and the line map (for errors
    found later against the catalog). Deals of ``include`` d scenarios come first; a file
    include is relative to the including file's folder.
    """
    text, source, key, includes = _read(name_or_path)
    data, lines = read_yaml(text, source)
    return _resolve(parse(data, source, lines), source, lines, key, _seen, includes), source, lines


def load_text(text: str, source: str = "<text>", base_dir: Path | None = None, lookup=None) -> tuple[Scenario, dict]:
    """Parse scenario text (YAML or JSON) and resolve its ``include`` s.

    With ``base_dir``, includes follow the command line's rule (files relative to it, or
    built-in names); without, only built-in names and, through ``lookup(name) -> text | None``,
    saved scenarios — the rule for text from a request.
    """
    data, lines = read_yaml(text, source)
    scenario = parse(data, source, lines)
    includes = FileIncludes(base_dir) if base_dir is not None else NamedIncludes(lookup)
    return _resolve(scenario, source, lines, ("text", source), (), includes), lines


def scenario_text(name_or_path: str | Path) -> str:
    """The text of a scenario file or built-in scenario, read like :func:`load` reads it."""
    return _read(name_or_path)[0]


def _resolve(scenario: Scenario, source: str, lines: dict, key, _seen: tuple, includes: Includes) -> Scenario:
    """Bring in included scenarios' deals (with their site and finance) and uncertainty."""
    if key in _seen:
        raise GigawattError(f"{source}: include cycle through {' -> '.join(str(k[-1] if isinstance(k, tuple) else k) for k in (*_seen, key))}")
    if len(_seen) >= MAX_INCLUDE_DEPTH:
        raise GigawattError(f"{source}: includes nested more than {MAX_INCLUDE_DEPTH} deep")
    deals, origins, uncertain, corrs = [], [], [], []
    for i, name in enumerate(scenario.include):
        try:
            text, inc_source, inc_key, inc_includes = includes.fetch(name)
            data, inc_lines = read_yaml(text, inc_source)
            included = _resolve(parse(data, inc_source, inc_lines), inc_source, inc_lines, inc_key, (*_seen, key), inc_includes)
        except GigawattError as exc:
            raise GigawattError(f"{source}: include[{i}] {quote(name)}: {exc}") from None
        # Included deals keep the site and finance their own scenario gave them.
        deals.extend(d.model_copy(update={"site": merged(included.site, d.site), "finance": merged(included.finance, d.finance)})
                     for d in included.deals)
        origins.extend(included.origin(j) for j in range(len(included.deals)))
        uncertain.extend(included.uncertainty)
        if included.correlation is not None:
            corrs.append(included.correlation)
        if sum(len(d.tranches) for d in deals) > MAX_TRANCHES:
            break  # reported below, before any more is read
    own = [(source, lines, j) for j in range(len(scenario.deals))]
    n_tranches = sum(len(d.tranches) for d in deals + scenario.deals)
    if n_tranches > MAX_TRANCHES:
        raise ValidationFailure(source, [Problem("deals", f"{n_tranches:,} tranches{' with includes' if deals else ''}, over the "
                                                 f"limit of {MAX_TRANCHES}; merge tranches or split the scenario", lines.get(("deals",)))])
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


def _exists(path: Path) -> bool:
    """``path.exists()``, False for a name the OS cannot even look up (too long, NUL byte)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _read(name_or_path) -> tuple[str, str, object, Includes]:
    """Text, source label, cycle key and include rule of a file or built-in scenario."""
    text_path = Path(name_or_path)
    if text_path.suffix in (".yaml", ".yml", ".json") or _exists(text_path):
        return read_text_file(text_path), str(text_path), text_path.resolve(), FileIncludes(text_path.resolve().parent)
    text = builtin_text(str(name_or_path))
    if text is None:
        from gigawatt.catalog import suggest

        raise GigawattError(
            f"no scenario file or built-in scenario named {str(name_or_path)[:120]!r}{suggest(str(name_or_path)[:120], builtin_names())}"
        )
    return text, f"built-in scenario {name_or_path!r}", ("builtin", str(name_or_path)), FileIncludes(BUILTIN_DIR)


def loads(text: str, source: str = "<text>") -> Scenario:
    """Parse a scenario from YAML (or JSON) text; built-in scenarios may be included."""
    return load_text(text, source)[0]
