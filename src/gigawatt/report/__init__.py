"""Reports: one set of sections (tables and charts) rendered as HTML, Excel, PNG and for the web app.

A section is one function ``(Context) -> Section | None`` in :mod:`.sections`; renderers never
know what a section contains, so a new section is one new function.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Chart:
    """A renderer-agnostic chart: lines, stacked areas, bars or a percentile fan."""

    id: str
    title: str
    x: list
    series: dict[str, list]
    kind: str = "line"  # line | area (stacked) | bar | fan
    y_title: str = ""
    x_title: str = ""


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]


@dataclass
class Section:
    id: str
    title: str
    text: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Context:
    """What the sections draw on; optional parts are computed only when asked for."""

    result: object
    scenario_text: str = ""
    mc: dict | None = None
    deal: dict | None = None
    supply: dict | None = None
    flows: dict | None = None

    @classmethod
    def build(cls, result, scenario_text: str = "", samples: int = 0, seed: int = 0) -> "Context":
        from ..deals import PriceOptions, analyse
        from ..flows import flows
        from ..supply import supply_report

        ctx = cls(result, scenario_text)
        ctx.flows = flows(result)
        ctx.supply = supply_report(result)
        if any(d.warrant or d.investment or d.supplier_terms for d in result.scenario.deals):
            ctx.deal = analyse(result, PriceOptions(samples=20_000, seed=seed))
        if samples and result.scenario.uncertainty:
            from ..mc import simulate

            ctx.mc = simulate(result, samples=samples, seed=seed)
        return ctx
