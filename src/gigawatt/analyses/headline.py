"""The headline metrics: the one list of figures that ``gigawatt plan`` (its first table), the
report (its headline section) and the page (the ``headline`` rows of ``/api/evaluate``) all show.

Each metric is a registered output — a nameplate total at full build-out, or a monthly series
summed over the horizon — with its label and number format from ``core/data/registry.csv``
(:func:`gigawatt.core.registry.get`, :func:`gigawatt.core.fmt.by_format`), plus the one ratio people read
beside them (top-down / bottom-up capex). Add a metric here and all three show it.

>>> import gigawatt
>>> [r.to_pair() for r in rows(figures(gigawatt.evaluate("openai-amd"))[0][1])][:2]
[['Facility GW', '6.00 GW'], ['IT GW', '5.00 GW']]
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from gigawatt.core import fmt
from gigawatt.core import registry
#: The suffix of horizon sums, per language (labels come from the registry, or ``i18n.label`` in Japanese).
HORIZON_SUFFIX = {"en": " over the horizon", "ja": "（期間合計）"}
MONEY_FORMATS = ("usd",)


@dataclass(frozen=True)
class Metric:
    """One headline figure: ``key`` in the figures dict, and the registry entry behind it."""

    key: str
    role: str  # registry role of the label and format: nameplate | series | metric (the ratio)
    name: str  # registry name

    def label(self, lang: str = "en") -> str:
        if lang == "en":
            text = registry.get(self.name, self.role).label
        else:
            from gigawatt.core.i18n import label

            text = label(self.name, lang, self.role)
        return text + (HORIZON_SUFFIX.get(lang, HORIZON_SUFFIX["en"]) if self.role == "series" else "")

    def text(self, value: float | None, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> str:
        p = registry.get(self.name, self.role)
        if p.format in MONEY_FORMATS and (lang != "en" or currency.upper() != "USD"):
            from gigawatt.core.i18n import money

            return money(value, lang, currency, per_usd)
        return fmt.by_format(value, p.format, p.unit)


def _np(name: str) -> Metric:
    return Metric(name, "nameplate", name)


def _horizon(name: str) -> Metric:
    return Metric(f"{name}_over_horizon", "series", name)


#: The headline, in order.
METRICS: list[Metric] = [
    _np("gw"), _np("gw_it"), _np("accelerators"), _np("racks"),
    _np("capex_usd"), _np("capex_systems_usd"), _np("capex_network_usd"), _np("capex_facility_usd"), _np("capex_topdown_usd"),
    Metric("capex_ratio_topdown_to_bottomup", "metric", "capex_ratio_topdown_to_bottomup"),
    _np("energy_twh_per_year"), _np("average_mw"), _np("facility_mw"), _np("co2_mt_per_year"),
    _np("peak_pflops_bf16"), _np("effective_pflops_bf16"), _np("hbm_gb"), _np("npv_cost_usd"),
    _horizon("co2_t"), _horizon("co2_market_t"), _horizon("water_m3"),
]
#: The monthly series the headline sums over the horizon.
HORIZON_SERIES = [m.name for m in METRICS if m.role == "series"]


@dataclass(frozen=True)
class Row:
    """One headline row as people read it: label, formatted text, and the number behind it."""

    key: str
    label: str
    value: float | None
    text: str

    def to_pair(self) -> list[str]:
        return [self.label, self.text]

    def to_dict(self) -> dict:
        return asdict(self)


def figures(result, by: str | None = None, sample: int = 0) -> list[tuple[str, dict]]:
    """The figures behind the headline: ``[(column title, {key: value})]``, one column for the
    whole scenario (``by=None``, titled "Total") or one per deal, vendor or product (``by``)."""
    if by is None:
        sums = result.horizon_sums(sample)
        return [("Total", {**result.totals(sample), **{f"{n}_over_horizon": sums[n] for n in HORIZON_SERIES}})]
    monthly = result.monthly(HORIZON_SERIES, by=by, sample=sample)
    out = []
    for g in result.groups(by, sample):
        name = g["name"] if by == "deal" else g[by]
        title = f"{name} ({g['supplier']})" if by == "deal" else name
        out.append((title, {**g, **{f"{n}_over_horizon": float(monthly[n][name].sum()) for n in HORIZON_SERIES}}))
    return out


def rows(values: dict, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> list[Row]:
    """The headline rows of one column of :func:`figures`, labelled in ``lang``, money in ``currency``
    (``per_usd`` units per dollar)."""
    return [Row(m.key, m.label(lang), values.get(m.key), m.text(values.get(m.key), lang, currency, per_usd)) for m in METRICS]


def pairs(result, sample: int = 0, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> list[list[str]]:
    """``[[label, text], ...]`` for the whole scenario (the report's table, the page's rows)."""
    return [r.to_pair() for r in rows(figures(result, sample=sample)[0][1], lang, currency, per_usd)]
