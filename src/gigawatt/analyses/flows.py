"""Where the money goes: bottom-up capex split into segments and named supplier groups.

The four bottom-up pieces of the engine (systems, network, facility, land) are split with
catalog shares (Bernstein's GB200 breakdown) and per-product quantities (HBM GB at the
generation's price, CoWoS wafers at the packaging price). The accelerator vendor's segment
is what is left of the systems once HBM, packaging, CPUs and storage are taken out, so the
segments add up to the engine's bottom-up capex exactly.

:func:`attribution` is the one split of the top-down headline that ``flows`` and ``deal`` both
use: each vendor's revenue is what it sells inside the systems (its accelerators with the HBM and
CoWoS it buys in, and its CPUs where it makes them, per ``ledger/data/companies.yaml``) at the
catalog's system prices, or the deal's stated revenue per GW where one is given; HBM and TSMC's
CoWoS are split out of it; the rest of the bottom-up capex is paid to others; and the gap between
the top-down headline and the bottom-up build is shown as labelled lines, so every line sums to the
headline to the dollar.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gigawatt.core.i18n import t as _en  # the English of a string key (other languages say it: ``i18n.said``)
from gigawatt.core.records import Record, frame, internal, optional
from gigawatt.model import cost, sizing
from gigawatt.engine.result import Result

SEGMENTS = ("accelerators", "hbm", "packaging", "cpus", "storage", "networking", "power_equipment", "cooling",
            "construction", "land_and_grid")

#: Segment → supplier group (the seed's investor section: who gets paid).
GROUPS = {
    "accelerators": "GPU/accelerator vendors",
    "hbm": "memory makers",
    "packaging": "foundry and advanced packaging",
    "cpus": "CPU vendors",
    "storage": "storage vendors",
    "networking": "network vendors",
    "power_equipment": "electrical equipment makers",
    "cooling": "cooling equipment makers",
    "construction": "builders",
    "land_and_grid": "land and utilities",
}


# ---------------------------------------------------------------------------------------------
# Typed results; ``to_dict()`` is the ``flows --json`` contract (see core/records.py).

@dataclass(frozen=True, eq=False)
class DealFlows(Record):
    """One deal's capex by segment."""

    name: str
    supplier: str
    gw: float
    total_usd: float
    segments: dict[str, float]
    per_gw: dict[str, float]


@dataclass(frozen=True, eq=False)
class Reconciled(Record):
    """The headline (top-down) capex split into lines that sum to it, and each vendor's revenue."""

    headline: dict
    vendor_revenue: dict[str, dict]

    def to_frame(self):
        """One row per headline line: label, who is paid, amount and per GW."""
        h = self.headline
        return frame([{"line": k, "label": h["labels"][k], "paid_to": h["paid_to"][k], "usd": v, "per_gw": h["per_gw"].get(k)}
                      for k, v in h["lines"].items()], "line")


@dataclass(frozen=True, eq=False)
class CompanyExposure(Record):
    """``flows --companies``: listed companies' revenue from the scenario."""

    scenario: str
    japan_only: bool
    companies: list[dict]
    checked: str | None
    sources: list | dict
    method: str

    def to_frame(self):
        """One row per company: revenue in total and by year."""
        return frame([{k: c.get(k) for k in ("name", "ticker", "exchange", "segment", "revenue_usd")}
                      | {f"revenue_usd_{y}": v for y, v in c.get("revenue_usd_by_year", {}).items()} for c in self.companies], "name")


@dataclass(frozen=True, eq=False)
class Flows(Record):
    """``gigawatt flows --json``: the headline reconciled, bottom-up capex by segment, supplier group
    and deal, and opex over the horizon; with ``--currency`` the display rate, with ``--companies``
    listed companies."""

    headline: dict
    vendor_revenue: dict[str, dict]
    scenario: str
    total_usd: float
    gw: float
    segments: dict[str, float]
    per_gw: dict[str, float]
    shares: dict[str, float]
    supplier_groups: dict[str, float]
    accelerator_vendors: dict[str, float]
    hbm_makers: dict[str, float]
    hbm_maker_shares_year: int
    deals: list[DealFlows]
    opex_over_horizon: dict[str, float]
    capex_refresh_over_horizon_usd: float
    warnings: list[str]
    method: str
    display_currency: dict | None = optional()
    companies: CompanyExposure | None = optional()
    #: The display currency's units per USD (1 for USD).
    per_usd: float = internal(default=1.0)

    def to_frame(self):
        """One row per segment: who is paid, USD, per GW and share."""
        return frame([{"segment": k, "paid_to": GROUPS[k], "usd": v, "per_gw": self.per_gw[k], "share": self.shares[k]}
                      for k, v in self.segments.items()], "segment")


def _hbm_price(catalog, generation: str) -> float:
    key = f"{generation.lower()}_usd_per_gb"
    return catalog.default(key) if key in catalog.defaults else catalog.default("hbm3e_usd_per_gb")


def tranche_segments(result: Result, sample: int = 0) -> dict[str, np.ndarray]:
    """Capex by segment per tranche ``{segment: (T,)}`` [USD], at full build-out."""
    cat, npl, p = result.catalog, result.nameplate, result.inputs.p
    systems = npl["capex_systems_usd"][sample]
    n_acc = npl["accelerators"][sample]
    hbm = n_acc * p["hbm_gb"][sample] * np.array([_hbm_price(cat, cat.accelerators[t.product].hbm_generation) for t in result.tranches])
    packaging = sizing.cowos_wafers(n_acc, p["packages_per_wafer"][sample]) * cat.default("cowos_usd_per_wafer")
    cpus = systems * cat.default("cpu_share_of_systems")
    storage = systems * cat.default("storage_share_of_systems")
    # The engine's facility capex holds land and grid; the land part is split out with the model's one rule.
    facility = npl["capex_facility_usd"][sample]
    land = cost.land_capex_usd(npl["it_mw"][sample], p["land_usd_per_mw_it"][sample])
    building = facility - land
    power = building * cat.default("power_share_of_facility")
    cooling = building * cat.default("cooling_share_of_facility")
    return {
        "accelerators": systems - hbm - packaging - cpus - storage,
        "hbm": hbm,
        "packaging": packaging,
        "cpus": cpus,
        "storage": storage,
        "networking": npl["capex_network_usd"][sample],
        "power_equipment": power,
        "cooling": cooling,
        "construction": building - power - cooling,
        "land_and_grid": land,
    }


def flows(result: Result, sample: int = 0) -> Flows:
    """The ``gigawatt flows --json`` object: segments, per GW, supplier groups, per deal, opex."""
    seg = tranche_segments(result, sample)
    gw = result.nameplate["gw"][sample]
    total_gw = float(gw.sum())
    segments = {k: float(v.sum()) for k, v in seg.items()}
    total = float(result.nameplate["capex_usd"][sample].sum())
    negative = [f"{t.label}: {k}" for k, v in seg.items() for t in result.tranches if v[t.index] < -1.0]
    groups: dict[str, float] = {}
    for k, v in segments.items():
        groups[GROUPS[k]] = groups.get(GROUPS[k], 0.0) + v
    # Named firms where the split is known: accelerators by vendor, HBM by maker share.
    by_vendor: dict[str, float] = {}
    for t in result.tranches:
        by_vendor[t.vendor] = by_vendor.get(t.vendor, 0.0) + float(seg["accelerators"][t.index])
    hbm_makers = {}
    year = max(p.year for s in result.catalog.series.values() for p in s.points if s.resource.startswith("hbm_share"))
    from gigawatt.analyses.supply import HBM_VENDORS

    for sid, name in HBM_VENDORS.items():
        if sid in result.catalog.series:
            share = next(p.x for p in result.catalog.series[sid].points if p.year == year)
            hbm_makers[name] = segments["hbm"] * share
    deals = []
    for d in result.groups("deal", sample):
        idx = [t.index for t in result.tranches if t.deal == d["name"]]
        dseg = {k: float(v[idx].sum()) for k, v in seg.items()}
        deals.append(DealFlows(name=d["name"], supplier=d["supplier"], gw=d["gw"], total_usd=d["capex_usd"], segments=dseg,
                               per_gw={k: v / d["gw"] for k, v in dseg.items()}))
    h = result.horizon_sums(sample)
    rec = reconciled(result, sample)
    return Flows(
        headline=rec.headline,
        vendor_revenue=rec.vendor_revenue,
        scenario=result.scenario.name,
        total_usd=total,
        gw=total_gw,
        segments=segments,
        per_gw={k: v / total_gw for k, v in segments.items()},
        shares={k: v / total for k, v in segments.items()},
        supplier_groups=groups,
        accelerator_vendors=by_vendor,
        hbm_makers=hbm_makers,
        hbm_maker_shares_year=year,
        deals=deals,
        opex_over_horizon={"energy_usd (utilities)": h["energy_cost_usd"], "maintenance_usd (operators)": h["maintenance_usd"]},
        capex_refresh_over_horizon_usd=h["capex_refresh_usd"],
        warnings=[f"negative segment (the catalog shares exceed the system price): {n}" for n in negative],
        method=_en("flows.n.method"),
    )


# ---------------------------------------------------------------------------------------------
# The reconciled attribution of the headline (top-down) capex.

COMPANIES_FILE = Path(__file__).parents[1] / "ledger" / "data" / "companies.yaml"

#: Headline lines, in order, with what a person reads (fmt.py labels) and who is paid.
LINES = {
    "vendor_own": ("accelerator vendor's own value (chips, boards, CPUs it makes, margin)", "accelerator vendor"),
    "hbm": ("HBM (bought in by the vendor)", "memory makers, via the vendor"),
    "packaging": ("CoWoS packaging (bought in by the vendor)", "TSMC, via the vendor"),
    "cpus_others": ("CPUs the vendor does not make", "CPU vendors"),
    "storage": ("storage", "storage vendors"),
    "networking": ("scale-out network", "network vendors"),
    "power_equipment": ("power equipment", "electrical equipment makers"),
    "cooling": ("cooling", "cooling equipment makers"),
    "construction": ("construction and shell", "builders"),
    "land_and_grid": ("land and grid connection", "land and utilities"),
    "vendor_revenue_above_content": ("vendor revenue stated above its content at catalog prices", "accelerator vendor"),
    "gap_unattributed": ("top-down minus bottom-up, not attributed (soft costs, financing, contingency, other)", "not split by any source"),
}


@functools.cache
def _companies_data() -> dict:
    import yaml

    return yaml.safe_load(COMPANIES_FILE.read_text(encoding="utf-8"))


def vendor_content(vendor: str) -> dict:
    """What ``vendor`` sells inside its systems: ``{makes: [...], kind, as_of, source}``."""
    data = _companies_data()["vendor_content"]
    return data.get(vendor, data["default"])


def attribution(result: Result, sample: int = 0) -> dict:
    """The headline (top-down) capex split into lines per tranche, and each vendor's revenue.

    Per tranche: ``C`` = the vendor's content at catalog prices (its accelerators with HBM and
    CoWoS, plus CPUs where it makes them); ``R`` = vendor revenue = the deal's stated revenue
    per GW × GW where ``supplier_terms.revenue_usd_per_gw`` is given, else ``C``. Lines:
    vendor_own = C − HBM − CoWoS; hbm; packaging; the other bottom-up segments; R − C; and
    top-down − bottom-up − (R − C). They sum to the top-down capex; vendor revenue = vendor_own +
    hbm + packaging + (R − C).

    Returns ``{"lines": {line: (T,) USD}, "vendor_revenue_usd": (T,), "content_usd": (T,),
    "topdown_usd": (T,), "bottomup_usd": (T,), "revenue_basis": [str per tranche]}``.
    """
    seg = tranche_segments(result, sample)
    npl = result.nameplate
    gw = npl["gw"][sample]
    topdown = npl["capex_topdown_usd"][sample]
    bottomup = npl["capex_usd"][sample]
    deals = result.scenario.deals
    makes_cpus = np.array([("cpus" in vendor_content(t.vendor)["makes"]) for t in result.tranches], float)
    cpus_vendor = seg["cpus"] * makes_cpus
    content = seg["accelerators"] + seg["hbm"] + seg["packaging"] + cpus_vendor
    revenue = content.copy()
    basis = []
    for t in result.tranches:
        st = deals[t.deal_index].supplier_terms
        if st is not None and st.revenue_usd_per_gw is not None:
            revenue[t.index] = st.revenue_usd_per_gw * gw[t.index]
            basis.append(f"stated: {st.revenue_usd_per_gw / 1e9:g}B USD per GW ({st.source or 'supplier_terms'})")
        else:
            basis.append("content at catalog system prices: " + ", ".join(vendor_content(t.vendor)["makes"]))
    above = revenue - content
    lines = {
        "vendor_own": seg["accelerators"] + cpus_vendor,
        "hbm": seg["hbm"],
        "packaging": seg["packaging"],
        "cpus_others": seg["cpus"] - cpus_vendor,
        "storage": seg["storage"],
        "networking": seg["networking"],
        "power_equipment": seg["power_equipment"],
        "cooling": seg["cooling"],
        "construction": seg["construction"],
        "land_and_grid": seg["land_and_grid"],
        "vendor_revenue_above_content": above,
        "gap_unattributed": topdown - bottomup - above,
    }
    return {"lines": lines, "vendor_revenue_usd": revenue, "content_usd": content, "topdown_usd": topdown,
            "bottomup_usd": bottomup, "revenue_basis": basis}


def _delivery_weights(result: Result, sample: int = 0) -> np.ndarray:
    """Share of each tranche delivered in each month ``(T, M)`` (rows sum to the share delivered by the horizon end)."""
    delivered = result.series["delivered_gw"][sample]
    gw = result.nameplate["gw"][sample][:, None]
    inc = np.diff(delivered, axis=-1, prepend=0.0)
    return np.divide(inc, gw, out=np.zeros_like(inc), where=gw > 0)


def by_year(result: Result, per_tranche_usd: np.ndarray, sample: int = 0, fiscal_year_start: int = 1) -> dict[str, float]:
    """A per-tranche amount spread over the months its GW are delivered, summed by (fiscal) year."""
    from gigawatt.model.finance import sum_by_fiscal_year

    monthly = (np.asarray(per_tranche_usd, float)[:, None] * _delivery_weights(result, sample)).sum(axis=0)
    out = sum_by_fiscal_year(result.months, monthly, fiscal_year_start)
    return {k: v for k, v in out.items() if v}


def reconciled(result: Result, sample: int = 0, fiscal_year_start: int = 1) -> Reconciled:
    """The ``flows --json`` ``headline`` and ``vendor_revenue`` blocks: lines summing to top-down capex."""
    a = attribution(result, sample)
    lines = {k: float(v.sum()) for k, v in a["lines"].items()}
    total = float(a["topdown_usd"].sum())
    gw = float(result.nameplate["gw"][sample].sum())
    vendors: dict[str, dict] = {}
    for t in result.tranches:
        v = vendors.setdefault(t.vendor, {"revenue_usd": 0.0, "content_usd": 0.0, "of_which": {"own_value_usd": 0.0, "hbm_usd": 0.0,
                               "cowos_packaging_usd": 0.0, "stated_above_content_usd": 0.0}, "gw": 0.0, "basis": set(),
                               "tranches": []})
        i = t.index
        v["revenue_usd"] += float(a["vendor_revenue_usd"][i])
        v["content_usd"] += float(a["content_usd"][i])
        v["gw"] += float(result.nameplate["gw"][sample][i])
        v["of_which"]["own_value_usd"] += float(a["lines"]["vendor_own"][i])
        v["of_which"]["hbm_usd"] += float(a["lines"]["hbm"][i])
        v["of_which"]["cowos_packaging_usd"] += float(a["lines"]["packaging"][i])
        v["of_which"]["stated_above_content_usd"] += float(a["lines"]["vendor_revenue_above_content"][i])
        v["basis"].add(a["revenue_basis"][i])
        v["tranches"].append(i)
    for name, v in vendors.items():
        idx = v.pop("tranches")
        mask = np.zeros(len(result.tranches))
        mask[idx] = 1.0
        v["revenue_usd_by_year"] = by_year(result, a["vendor_revenue_usd"] * mask, sample, fiscal_year_start)
        v["revenue_usd_per_gw"] = v["revenue_usd"] / v["gw"] if v["gw"] else None
        v["basis"] = sorted(v["basis"])
        v["makes"] = vendor_content(name)["makes"]
        v["content_source"] = vendor_content(name)["source"]
    return Reconciled(
        headline={
            "total_usd": total,
            "basis": "top-down: facility GW x all-in USD per GW (the deal's headline)",
            "lines": lines,
            "labels": {k: LINES[k][0] for k in lines},
            "paid_to": {k: LINES[k][1] for k in lines},
            "per_gw": {k: v / gw for k, v in lines.items()} if gw else {},
            "sum_of_lines_usd": float(sum(lines.values())),
            "bottom_up_usd": float(a["bottomup_usd"].sum()),
            "tsmc_logic_wafers": {"value": None, "unknown_as_of": "2026-11-29",
                                  "note": "no public price for N3/N2 logic wafers per accelerator: TSMC's front-end wafers stay inside "
                                          "the vendor's own value; TSMC's CoWoS packaging is its own line"},
            "method": "vendor revenue = its content at catalog system prices (accelerators with HBM and CoWoS bought in, CPUs where "
                      "it makes them), or the deal's stated revenue per GW; the top-down minus bottom-up gap is its own line(s)",
        },
        vendor_revenue=vendors,
    )


def _share_value(entry: dict, catalog) -> tuple[float | None, dict]:
    """A company's share of its segment and the share's provenance."""
    if "share_from" in entry:
        s = catalog.series[entry["share_from"]]
        year = max(p.year for p in s.points)
        pt = next(p for p in s.points if p.year == year)
        return pt.x, {"value": pt.x, "kind": getattr(pt, "kind", None) or "estimate", "as_of": str(year),
                      "source": f"catalog series {entry['share_from']}: " + str(getattr(s, "source", "") or "")}
    sh = entry.get("share") or {}
    if sh.get("unknown") or sh.get("value") is None:
        return None, {**sh, "text": f"unknown as of {sh.get('as_of', '2026-11-29')}"}
    return float(sh["value"]), sh


def companies(result: Result, sample: int = 0, japan_only: bool = False, fiscal_year_start: int = 1) -> CompanyExposure:
    """Listed-company exposure: revenue by company and year = segment spend × sourced share.

    Vendors get their attributed revenue. A company with no numeric share is listed with its
    exposure and ``revenue_usd: None`` ("unknown as of <date>"). ``japan_only`` keeps
    Tokyo-listed names (exchange TSE).
    """
    data = _companies_data()
    a = attribution(result, sample)
    lines = a["lines"]
    by_vendor = {t.vendor for t in result.tranches}
    out = []
    for e in data["companies"]:
        if japan_only and e.get("exchange") != "TSE":
            continue
        row = {k: e.get(k) for k in ("name", "ticker", "exchange", "country", "segment", "exposure")}
        seg = e["segment"]
        if seg == "vendor":
            mask = np.array([t.vendor == e["vendor"] for t in result.tranches], float)
            per_t = a["vendor_revenue_usd"] * mask
            row["share"] = {"value": 1.0, "kind": "derived", "text": "the vendor's attributed revenue"}
            if e["vendor"] not in by_vendor:
                continue
        else:
            share, prov = _share_value(e, result.catalog)
            row["share"] = prov
            of = e.get("of_segment")
            row["of_segment"] = of
            if share is None or seg not in lines:
                row["revenue_usd"] = None
                row["revenue_usd_by_year"] = {}
                row["revenue_text"] = (f"unknown as of {prov.get('as_of', '2026-11-29')}" if share is None else
                                       "no segment of its own in the model (inside another line); revenue unknown")
                out.append(row)
                continue
            per_t = lines[seg] * share * (float(of["value"]) if of else 1.0)
        row["revenue_usd"] = float(per_t.sum())
        row["revenue_usd_by_year"] = by_year(result, per_t, sample, fiscal_year_start)
        out.append(row)
    return CompanyExposure(scenario=result.scenario.name, japan_only=japan_only, companies=out, checked=data.get("checked"),
                           sources=data["sources"],
                           method="revenue = segment spend (the reconciled attribution, spread over delivery months) x the company's "
                                  "sourced share (x the part of the segment the share is for); vendors get their attributed revenue")


def run_flows(scenario: str, *, catalog=None, with_companies: bool = False, japan: bool = False, fiscal_year_start: int = 1,
              currency: str = "USD") -> Flows:
    """``gigawatt flows``: the flows, vendor revenue by (fiscal) year, the display currency's rate
    and, with ``with_companies`` or ``japan``, listed companies."""
    from dataclasses import replace

    from gigawatt.analyses.api import evaluate

    result = evaluate(scenario, catalog_paths=catalog)
    out = flows(result)
    changes: dict = {}
    if fiscal_year_start != 1:
        changes["vendor_revenue"] = reconciled(result, fiscal_year_start=fiscal_year_start).vendor_revenue
    if currency.upper() != "USD":
        from gigawatt.ledger.market import fx_per_usd

        fx = fx_per_usd(currency)
        changes.update(display_currency=fx, per_usd=fx["per_usd"])
    if with_companies or japan:
        changes["companies"] = companies(result, japan_only=japan, fiscal_year_start=fiscal_year_start)
    return replace(out, **changes) if changes else out
