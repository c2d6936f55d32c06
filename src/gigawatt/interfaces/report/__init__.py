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
    #: Per-series display hints: ``{series name: "dash" | "dot" | "markers"}`` (e.g. two lines that can coincide).
    styles: dict[str, str] = field(default_factory=dict)
    #: Series drawn as a line on a second y axis (its title in ``y2_title``).
    secondary: list[str] = field(default_factory=list)
    y2_title: str = ""
    #: Series given their own colour outside the palette order (``{name: "#hex"}``).
    colors: dict[str, str] = field(default_factory=dict)
    #: Horizontal bars (a tornado): ``x`` holds the category labels, series the low/high bars.
    horizontal: bool = False
    #: Where each bar starts (floating bars, e.g. a tornado's low-to-high range); empty: from zero.
    base: list = field(default_factory=list)
    #: A note under the chart (e.g. "market-based is dashed: the lines coincide").
    note: str = ""


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    #: Indices of columns holding numbers or formatted figures (right-aligned).
    numeric: list[int] = field(default_factory=list)


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
    sensitivity: dict | None = None
    #: Language of the text (``en`` | ``ja``) and the currency money is shown in (``per_usd`` units per dollar).
    lang: str = "en"
    currency: str = "USD"
    per_usd: float = 1.0
    fx: dict | None = None

    @classmethod
    def build(cls, result, scenario_text: str = "", samples: int = 0, seed: int = 0, lang: str = "en",
              currency: str = "USD") -> "Context":
        from gigawatt.analyses.deals import PriceOptions, analyse
        from gigawatt.analyses.flows import flows
        from gigawatt.core.i18n import check_lang
        from gigawatt.analyses.supply import supply_report

        ctx = cls(result, scenario_text, lang=check_lang(lang), currency=currency.upper())
        if ctx.currency != "USD":
            from gigawatt.ledger.market import fx_per_usd

            ctx.fx = fx_per_usd(ctx.currency)
            ctx.per_usd = float(ctx.fx["per_usd"])
        ctx.flows = flows(result).to_dict()
        ctx.supply = supply_report(result).to_dict()
        if any(d.warrant or d.investment or d.supplier_terms for d in result.scenario.deals):
            ctx.deal = analyse(result, PriceOptions(samples=20_000, seed=seed)).to_dict()
        if samples and result.scenario.uncertainty:
            from gigawatt.engine.mc import simulate

            ctx.mc = simulate(result, samples=samples, seed=seed).to_dict()
        if result.scenario.uncertainty:
            from gigawatt.analyses.sensitivity import tornado

            try:
                ctx.sensitivity = tornado(result).to_dict()
            except Exception:  # noqa: BLE001 - a scenario whose variables cannot be tornadoed: the section is left out
                ctx.sensitivity = None
        return ctx
