"""The catalog's schema: every number is a :class:`Fact` with its provenance.

The schemas are data-like (field name → unit lives in :data:`FIELD_UNITS`), in the spirit
of PyPSA's component attribute tables. A catalog file may give an entry-level ``provenance``
block whose ``source``/``as_of``/``kind`` apply to each number of that entry that gives none
of its own; ``gigawatt catalog check`` reports any number still without a source.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gigawatt.core import registry
Kind = Literal["spec", "projection", "estimate", "measured", "derived"]
KINDS: tuple[str, ...] = ("spec", "projection", "estimate", "measured", "derived")

#: Canonical unit of each numeric catalog field (the suffix says it too).
FIELD_UNITS: dict[str, str] = registry.units("catalog")  # declared in core/data/registry.csv


def as_record(data, bare=(int, float)):
    """A sourced number's raw input as a mapping: a bare value of a ``bare`` type becomes
    ``{"value": v}``, and a numeric string value a number (YAML 1.1 reads ``50.0e9`` as text).
    The one rule for catalog facts and ledger figures.

    >>> as_record(5), as_record({"value": "50.0e9", "kind": "spec"}), as_record({"value": "2026-07"})
    ({'value': 5}, {'value': 50000000000.0, 'kind': 'spec'}, {'value': '2026-07'})
    """
    if isinstance(data, bare) and not isinstance(data, bool):
        data = {"value": data}
    if isinstance(data, dict) and isinstance(data.get("value"), str):
        try:
            data = {**data, "value": float(data["value"])}
        except ValueError:
            pass
    return data


class Provenance(BaseModel):
    """Where a number comes from."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    source: str | None = None
    as_of: str | None = None
    kind: Kind | None = None
    note: str | None = None


class Fact(Provenance):
    """A catalog number (or date) with its unit and provenance.

    ``low``/``high`` give a range where sources disagree; the risk engine may sample it.
    """

    value: float | str
    unit: str = ""
    low: float | None = None
    high: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data):
        # A bare number is accepted (quick user overrides) but has no provenance, which
        # `gigawatt catalog check` reports.
        return as_record(data, bare=(int, float, str))

    @model_validator(mode="after")
    def _range_ordered(self):
        if isinstance(self.value, (int, float)):
            if self.low is not None and self.low > self.value:
                raise ValueError(f"low ({self.low}) is above value ({self.value})")
            if self.high is not None and self.high < self.value:
                raise ValueError(f"high ({self.high}) is below value ({self.value})")
        return self

    @property
    def known(self) -> bool:
        """False for a value recorded as ``"unknown"`` (e.g. a TDP no source gives yet)."""
        return not (isinstance(self.value, str) and self.value.strip().lower().startswith("unknown"))

    @property
    def x(self) -> float:
        """The value as a float (numbers only); NaN for an unknown value."""
        return float(self.value) if self.known else float("nan")

    def public(self) -> dict:
        """A JSON-ready dict, without empty fields."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Entry(BaseModel):
    """Common to every catalog entry: an id, a name, a default provenance, a note."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    provenance: Provenance | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _apply_defaults(self):
        """Attach units to facts and fill their missing provenance from the entry's."""
        for field_name, value in self:
            if isinstance(value, Fact):
                value.unit = FIELD_UNITS.get(field_name, value.unit)
                if self.provenance is not None:
                    for key in ("source", "as_of", "kind"):
                        if getattr(value, key) is None:
                            setattr(value, key, getattr(self.provenance, key))
        return self

    def facts(self) -> dict[str, Fact]:
        """The entry's numbers by field name."""
        return {k: v for k, v in self if isinstance(v, Fact)}


#: Numbers a catalog entry may record as ``"unknown"`` (with the date of the last check in
#: ``as_of``) instead of guessing: the model counts an unknown compute rate or price as zero
#: and says so in every run's warnings.
MAY_BE_UNKNOWN: frozenset[str] = frozenset({
    "bf16_dense_tflops", "fp8_dense_tflops", "fp4_dense_tflops", "memory_bandwidth_tbps", "tdp_w", "price_usd"})


class Accelerator(Entry):
    vendor: Literal["nvidia", "amd", "broadcom", "google", "aws", "microsoft", "meta", "cerebras", "other"]
    family: str
    generation: str
    software: Literal["cuda", "rocm", "other"]
    hbm_generation: str = Field(description="HBM generation (HBM3, HBM3E, HBM4), or the memory named in memory_type.")
    memory_type: Literal["hbm", "gddr", "sram"] = Field(
        "hbm", description="Main memory: HBM stacks (counted against world HBM supply), GDDR or on-wafer SRAM (not counted).")
    packaging: Literal["cowos", "other"] = Field(
        "cowos", description="cowos: a 2.5D CoWoS-class package, counted against CoWoS capacity; other: wafer-scale or flip-chip, not counted.")
    default_system: str
    available: Fact
    bf16_dense_tflops: Fact
    fp8_dense_tflops: Fact
    fp4_dense_tflops: Fact | None = None
    memory_gb: Fact
    hbm_stacks: Fact | None = Field(None, description="HBM stacks per package; required when memory_type is hbm.")
    memory_bandwidth_tbps: Fact
    tdp_w: Fact
    packages_per_cowos_wafer: Fact | None = Field(
        None, description="Gross packages per 300 mm CoWoS-class wafer, before yield; if absent, estimated from HBM stacks.")
    parameterised: bool = Field(
        False, description="True for a template (custom-asic) whose numbers a tranche may override with `params`."
    )

    @model_validator(mode="after")
    def _memory(self):
        if self.memory_type == "hbm" and self.hbm_stacks is None:
            raise ValueError("hbm_stacks is required for HBM memory (memory_type: hbm)")
        if self.memory_type != "hbm" and self.hbm_stacks is not None:
            raise ValueError(f"hbm_stacks given, but memory_type is {self.memory_type}")
        return self

    @property
    def hbm_stack_count(self) -> float:
        """HBM stacks per package; 0 for GDDR or SRAM memory."""
        return self.hbm_stacks.x if self.hbm_stacks is not None else 0.0

    @property
    def hbm_gb(self) -> float:
        """HBM per package [GB]; 0 when the memory is not HBM."""
        return self.memory_gb.x if self.memory_type == "hbm" else 0.0


class System(Entry):
    accelerator: str
    form: Literal["server", "rack", "blade"]
    cooling_required: Literal["air", "liquid"]
    site_class: str | None = Field(
        None, description="Site class a site defaults to for this system; if absent, by cooling_required (see inputs.default_site_class).")
    accelerators_per_system: Fact
    system_power_kw: Fact = Field(
        description="All-in IT power at the nameplate (maximum) rating: accelerators, CPUs, NICs, in-system switches, fans.")
    typical_power_kw: Fact | None = Field(
        None, description="All-in IT power at typical draw under load, where a source gives one; used with `draw: typical`.")
    systems_per_rack: Fact
    price_usd: Fact


class Cooling(Entry):
    """A cooling technology: what it can serve, its rack limit and water use.

    PUE belongs to the site (see :class:`SiteClass`); ``site_class`` names the class a site that
    states only this cooling defaults to. A user's cooling type may instead carry its own
    ``pue_*`` (the older form), which such a site then uses.
    """

    supports: list[Literal["air", "liquid"]]
    site_class: str | None = Field(None, description="Site class of a site that states only this cooling.")
    pue_default: Fact | None = None
    pue_low: Fact | None = None
    pue_high: Fact | None = None
    max_rack_kw: Fact
    wue_l_per_kwh: Fact


class SiteClass(Entry):
    """A kind of site (hyperscale AI hall, colocation, HPC centre) with its PUE range.

    A site or the system's default picks one (rule: :func:`gigawatt.scenario.inputs.site_class_for`).
    """

    cooling: str = Field(description="Cooling type id a site of this class uses unless the site states one.")
    pue_default: Fact
    pue_low: Fact
    pue_high: Fact


class Region(Entry):
    electricity_usd_per_mwh: Fact
    grid_gco2_per_kwh: Fact


class Software(Entry):
    achievable_fraction: Fact = Field(description="Achievable share of dense peak FLOP/s on real work.")


class CostDefault(Entry):
    """A named default (cost, life, overhead); its unit is stated in the entry."""

    value: Fact


class SeriesPoint(Fact):
    year: int = Field(ge=2000, le=2100)


class Series(Entry):
    """A world-capacity series by year (HBM output, CoWoS wafers), low/base/high per point.

    ``per`` says how a point turns into monthly capacity: ``year`` totals are spread evenly
    over the year's months; ``month_at_year_end`` capacities are interpolated linearly between
    year ends. Outside the points the nearest value is held (stated in outputs).
    """

    unit: str
    per: Literal["year", "month_at_year_end"]
    resource: str = Field(description="What the series measures, e.g. hbm_gb, cowos_wafers, hbm_share_sk_hynix.")
    points: list[SeriesPoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _points(self):
        years = [p.year for p in self.points]
        if years != sorted(set(years)):
            raise ValueError(f"points must be in increasing years without repeats, got {years}")
        for p in self.points:
            p.unit = self.unit
            if self.provenance is not None:
                for key in ("source", "as_of", "kind"):
                    if getattr(p, key) is None:
                        setattr(p, key, getattr(self.provenance, key))
        return self

    def facts(self) -> dict[str, Fact]:
        return {f"points.{p.year}": p for p in self.points}


class CatalogFile(BaseModel):
    """The shape of one catalog YAML file: any subset of the sections."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    accelerators: list[dict] = []
    systems: list[dict] = []
    cooling: list[dict] = []
    site_classes: list[dict] = []
    regions: list[dict] = []
    software: list[dict] = []
    defaults: list[dict] = []
    series: list[dict] = []


SECTIONS: dict[str, type[Entry]] = {
    "accelerators": Accelerator,
    "systems": System,
    "cooling": Cooling,
    "site_classes": SiteClass,
    "regions": Region,
    "software": Software,
    "defaults": CostDefault,
    "series": Series,
}
