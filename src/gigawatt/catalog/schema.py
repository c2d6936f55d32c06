"""The catalog's schema: every number is a :class:`Fact` with its provenance.

The schemas are data-like (field name → unit lives in :data:`FIELD_UNITS`), in the spirit
of PyPSA's component attribute tables. A catalog file may give an entry-level ``provenance``
block whose ``source``/``as_of``/``kind`` apply to each number of that entry that gives none
of its own; ``gigawatt catalog check`` reports any number still without a source.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["spec", "projection", "estimate", "measured", "derived"]
KINDS: tuple[str, ...] = ("spec", "projection", "estimate", "measured", "derived")

#: Canonical unit of each numeric catalog field (the suffix says it too).
FIELD_UNITS: dict[str, str] = {
    "bf16_dense_tflops": "TFLOP/s",
    "fp8_dense_tflops": "TFLOP/s",
    "fp4_dense_tflops": "TFLOP/s",
    "memory_gb": "GB",
    "hbm_stacks": "stacks",
    "memory_bandwidth_tbps": "TB/s",
    "tdp_w": "W",
    "packages_per_cowos_wafer": "packages/wafer",
    "available": "month",
    "accelerators_per_system": "accelerators",
    "system_power_kw": "kW",
    "systems_per_rack": "systems",
    "price_usd": "USD",
    "pue_default": "",
    "pue_low": "",
    "pue_high": "",
    "max_rack_kw": "kW",
    "wue_l_per_kwh": "L/kWh",
    "electricity_usd_per_mwh": "USD/MWh",
    "grid_gco2_per_kwh": "g/kWh",
    "achievable_fraction": "",
}


class Provenance(BaseModel):
    """Where a number comes from."""

    model_config = ConfigDict(extra="forbid")
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
        if isinstance(data, (int, float, str)) and not isinstance(data, bool):
            data = {"value": data}
        if isinstance(data, dict) and isinstance(data.get("value"), str):
            # YAML 1.1 reads "50.0e9" as text; a numeric string is a number.
            try:
                data = {**data, "value": float(data["value"])}
            except ValueError:
                pass
        return data

    @model_validator(mode="after")
    def _range_ordered(self):
        if isinstance(self.value, (int, float)):
            if self.low is not None and self.low > self.value:
                raise ValueError(f"low ({self.low}) is above value ({self.value})")
            if self.high is not None and self.high < self.value:
                raise ValueError(f"high ({self.high}) is below value ({self.value})")
        return self

    @property
    def x(self) -> float:
        """The value as a float (numbers only)."""
        return float(self.value)

    def public(self) -> dict:
        """A JSON-ready dict, without empty fields."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Entry(BaseModel):
    """Common to every catalog entry: an id, a name, a default provenance, a note."""

    model_config = ConfigDict(extra="forbid")
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


class Accelerator(Entry):
    vendor: Literal["nvidia", "amd", "broadcom", "google", "other"]
    family: str
    generation: str
    software: Literal["cuda", "rocm", "other"]
    hbm_generation: str
    default_system: str
    available: Fact
    bf16_dense_tflops: Fact
    fp8_dense_tflops: Fact
    fp4_dense_tflops: Fact | None = None
    memory_gb: Fact
    hbm_stacks: Fact
    memory_bandwidth_tbps: Fact
    tdp_w: Fact
    packages_per_cowos_wafer: Fact | None = Field(
        None, description="Gross packages per 300 mm CoWoS-class wafer, before yield; if absent, estimated from HBM stacks.")
    parameterised: bool = Field(
        False, description="True for a template (custom-asic) whose numbers a tranche may override with `params`."
    )


class System(Entry):
    accelerator: str
    form: Literal["server", "rack"]
    cooling_required: Literal["air", "liquid"]
    accelerators_per_system: Fact
    system_power_kw: Fact = Field(description="All-in IT power: accelerators, CPUs, NICs, in-system switches, fans.")
    systems_per_rack: Fact
    price_usd: Fact


class Cooling(Entry):
    supports: list[Literal["air", "liquid"]]
    pue_default: Fact
    pue_low: Fact
    pue_high: Fact
    max_rack_kw: Fact
    wue_l_per_kwh: Fact


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

    model_config = ConfigDict(extra="forbid")
    accelerators: list[dict] = []
    systems: list[dict] = []
    cooling: list[dict] = []
    regions: list[dict] = []
    software: list[dict] = []
    defaults: list[dict] = []
    series: list[dict] = []


SECTIONS: dict[str, type[Entry]] = {
    "accelerators": Accelerator,
    "systems": System,
    "cooling": Cooling,
    "regions": Region,
    "software": Software,
    "defaults": CostDefault,
    "series": Series,
}
