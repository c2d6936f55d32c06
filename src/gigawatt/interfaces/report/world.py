"""The world view for people: labelled tables and charts, for the HTML report's world section and
the page's world view (``GET /api/world``). The numbers are those of ``gigawatt world --json``
(:func:`gigawatt.interfaces.ledger_cli.world_data`); this module only labels and arranges them."""
from __future__ import annotations

from gigawatt.core import fmt
from gigawatt.interfaces.report import Chart, Section, Table

#: Short labels for statuses in tables (the long ones are in ``schema.STATUS_LABELS``).
STATUS_SHORT = {"reported": "reported (rumoured)", "loi": "letter of intent / term sheet", "definitive": "definitive",
                "closed": "closed", "scaled-back": "scaled back", "superseded": "superseded", "paused": "paused",
                "cancelled": "cancelled"}
DEAL_COLUMNS = ["Deal", "Buyer", "Seller", "Kind", "Status", "Status weight", "Stated (GW, facility)", "Counted (GW)",
                "Sized in the engine (GW)", "Stated, not sized (GW)", "Why left out or not sized"]
#: Columns of :data:`DEAL_COLUMNS` that hold numbers (right-aligned on the page).
NUMERIC_COLUMNS = [5, 6, 7, 8, 9]
SOURCE_NOTE = ("Source: gigawatt's deal ledger (one file per deal; every figure with its kind, date and sources: "
               "`gigawatt deals show ID`). Sources thin out after about June 2026: later events are unknown, not absent.")


def _gw(x: float | None) -> float | str:
    return "-" if x is None else round(float(x), 3)


def deal_rows(out: dict) -> list[list]:
    """One row per selected deal: status, weight, and GW stated / counted / sized / left out."""
    rows = []
    for r in out["deals"]:
        why = r["excluded_reason"] or ""
        if not why and r.get("unmodelled_reason"):
            why = "partly: " + r["unmodelled_reason"]
        rows.append([r["id"], r["buyer"], r["seller"], r["kind_label"], STATUS_SHORT.get(r["status"], r["status"]),
                     round(float(r["weight"]), 3), _gw(r["gw_stated_facility"]), _gw(r["gw_counted_facility"]),
                     _gw(r["gw_modelled_facility"]), _gw(r["gw_unmodelled_facility"]), why])
    return rows


def binding_text(out: dict) -> str:
    """Which world supply input binds first, and which deals slip (needs ``world_data(supply=True)``)."""
    s = out.get("supply")
    if s is None:
        return "Supply not checked."
    b = s["binding"]
    slipping = [d["deal"] for d in s["slipping_deals"]]
    rule = s["allocation_rule"].replace("-", " ")
    if b is None:
        return (f"Binding supply input: none. Neither HBM nor CoWoS binds at {s['allocable_share']:.0%} of world supply "
                f"for these deals.")
    return (f"Binding supply input: {b['name']} binds first in {b['quarter']} (the deals need {b['share_of_world']:.0%} of world "
            f"supply against the {b['allocable_share']:.0%} they can get, an estimate). Allocated by {rule} "
            f"({s['allocation_note']}), {len(slipping)} deals slip" + (f": {', '.join(slipping)}." if slipping else "."))


def summary_rows(out: dict) -> list[list[str]]:
    """Headline figures as (label, value with unit)."""
    t = out["totals"]
    left = [r for r in out["deals"] if r["excluded_reason"]]
    weights = ", ".join(f"{STATUS_SHORT.get(k, k)} {v:g}" for k, v in out["status_weights"].items())
    return [
        ["As of", str(out["as_of"])],
        ["Deals selected", f"{len(out['deals'])} ({len(left)} left out of GW totals)"],
        ["Counted (stated, or sized from counts and contracts)", fmt.num(t["gw_counted_facility"], "GW (facility)", 1)],
        ["Sized in the engine", f"{fmt.num(t['gw_modelled_facility'], 'GW (facility)', 1)}, {fmt.num(t['gw_it'], 'GW IT', 1)}"],
        ["Stated without hardware or schedule (not sized)", fmt.num(t["gw_unmodelled_facility"], "GW (facility)", 1)],
        ["Accelerators (sized part)", fmt.count(t["accelerators"])],
        ["Capex, bottom-up / top-down", f"{fmt.usd(t['capex_usd'])} / {fmt.usd(t['capex_topdown_usd'])}"],
        ["Energy at full build-out", fmt.num(t["energy_twh_per_year"], "TWh/yr", 0)],
        ["Status weights", weights],
    ]


def charts(out: dict) -> list[Chart]:
    """GW online at each quarter's end, by buyer and by vendor (stacked)."""
    q = out["quarterly"]
    return [
        Chart("world_gw_by_buyer", "GW online by buyer (quarter end)", q["quarter"], dict(q["online_gw_by_buyer"]), "area",
              "GW (facility)"),
        Chart("world_gw_by_vendor", "GW online by vendor (quarter end)", q["quarter"], dict(q["online_gw_by_vendor"]), "area",
              "GW (facility)"),
    ]


def section(out: dict) -> Section:
    """The report's world section for a ``world_data`` object."""
    t = out["totals"]
    text = (f"Deals in the ledger as of {out['as_of']}, run together through the one engine: "
            f"{t['gw_counted_facility']:,.1f} GW counted, {t['gw_modelled_facility']:,.1f} GW of them sized in the engine "
            f"(facility GW). {binding_text(out)} {SOURCE_NOTE}")
    tables = [Table("World headline", ["", "Value"], summary_rows(out)),
              Table("Deals: status and GW counted, sized and left out", DEAL_COLUMNS, deal_rows(out))]
    s = out.get("supply")
    if s is not None and s["binding"] is not None:
        b = s["binding"]
        tables.insert(1, Table("Binding supply input", ["Input", "Binds first", "Share of world supply needed", "Allocable share",
                                                        "Allocation rule", "Deals that slip"],
                               [[b["name"], b["quarter"], f"{b['share_of_world']:.0%}", f"{b['allocable_share']:.0%}",
                                 s["allocation_rule"].replace("-", " "), len(s["slipping_deals"])]]))
    return Section("world", "World view: the deal ledger", text, tables, charts(out))


def world_for_ids(ids: list[str], as_of: str | None = None) -> dict | None:
    """``world_data`` (with supply) for the ledger deals a scenario names; None when none is in the ledger."""
    from gigawatt.ledger import load_ledger
    from gigawatt.interfaces.ledger_cli import world_data

    known = {v.id for v in load_ledger().view(as_of)}
    ids = [i for i in dict.fromkeys(ids) if i in known]
    return world_data(as_of=as_of, deal=ids, supply=True) if ids else None


def _thin_ticks(spec: dict) -> dict:
    """At most ~20 quarter labels on the page's x axes (43 quarters would overlap)."""
    spec["layout"]["xaxis"]["nticks"] = 20
    return spec


def page(as_of: str | None = None) -> dict:
    """The ``GET /api/world`` object: the world section's text, tables and Plotly charts."""
    import re

    from gigawatt.core.errors import GigawattError
    from gigawatt.interfaces.report.plotly_spec import figure
    from gigawatt.interfaces.ledger_cli import world_data

    if as_of is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", as_of):
        raise GigawattError(f"as_of must be a month, YYYY-MM (e.g. 2026-06), not {as_of[:16]!r}")
    out = world_data(as_of=as_of, supply=True)
    sec = section(out)

    def text(v) -> str:
        return f"{v:,.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)

    return {
        "as_of": out["as_of"], "title": f"{sec.title}, as of {out['as_of']}",
        "summary": summary_rows(out), "binding": binding_text(out), "source": SOURCE_NOTE,
        "deals": {"columns": DEAL_COLUMNS, "numeric": NUMERIC_COLUMNS, "rows": [[text(v) for v in row] for row in deal_rows(out)]},
        "charts": [_thin_ticks({"id": c.id, **figure(c)}) for c in sec.charts],
        "notes": out["notes"],
        "supply_binding": (out.get("supply") or {}).get("binding"),
    }
