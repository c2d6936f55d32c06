"""The world view for people: labelled tables and charts, for the HTML report's world section and
the page's world view (``GET /api/world``). The numbers are those of ``gigawatt world --json``
(:func:`gigawatt.interfaces.ledger_cli.world_data`); this module only labels and arranges them, in
English or Japanese (``lang``: status and kind words from ``labels-ja.csv``, generated phrases from
:func:`gigawatt.core.i18n.world_phrase`) and with money in a currency (``currency`` at ``per_usd``)."""
from __future__ import annotations

from gigawatt.core import fmt
from gigawatt.core import i18n
from gigawatt.interfaces.report import Chart, Section, Table

#: Short labels for statuses in tables (the long ones are in ``schema.STATUS_LABELS``).
STATUS_SHORT = {"reported": "reported (rumoured)", "loi": "letter of intent / term sheet", "definitive": "definitive",
                "closed": "closed", "scaled-back": "scaled back", "superseded": "superseded", "paused": "paused",
                "cancelled": "cancelled"}
DEAL_COLUMNS = ["Deal", "Buyer", "Seller", "Kind", "Status", "Status weight", "Stated (GW, facility)", "Counted (GW)",
                "Sized in the engine (GW)", "Stated, not sized (GW)", "Why left out or not sized"]
#: Columns of :data:`DEAL_COLUMNS` that hold numbers (right-aligned on the page).
NUMERIC_COLUMNS = [5, 6, 7, 8, 9]
SOURCE_NOTE_JA = ("出典：gigawatt 案件台帳（1案件1ファイル、各数値に種類・日付・出典付き：`gigawatt deals show ID`）。"
                  "2026年6月頃以降は情報源が少なく、それ以降の出来事は「なし」ではなく「不明」。")
SOURCE_NOTE = ("Source: gigawatt's deal ledger (one file per deal; every figure with its kind, date and sources: "
               "`gigawatt deals show ID`). Sources thin out after about June 2026: later events are unknown, not absent.")


def _gw(x: float | None) -> float | str:
    return "-" if x is None else round(float(x), 3)


def status_word(status: str, lang: str = "en") -> str:
    """A deal status as the world table writes it (short), in ``lang``."""
    return i18n.word("status", status, lang, STATUS_SHORT.get(status, status))


def deal_rows(out: dict, lang: str = "en") -> list[list]:
    """One row per selected deal: status, weight, and GW stated / counted / sized / left out."""
    rows = []
    for r in out["deals"]:
        why = r["excluded_reason"] or ""
        if not why and r.get("unmodelled_reason"):
            why = "partly: " + r["unmodelled_reason"]
        rows.append([r["id"], r["buyer"], r["seller"], i18n.word("kind", r.get("kind", ""), lang, r["kind_label"]),
                     status_word(r["status"], lang),
                     round(float(r["weight"]), 3), _gw(r["gw_stated_facility"]), _gw(r["gw_counted_facility"]),
                     _gw(r["gw_modelled_facility"]), _gw(r["gw_unmodelled_facility"]), i18n.world_phrase(why, lang)])
    return rows


def binding_text(out: dict, lang: str = "en") -> str:
    """Which world supply input binds first, and which deals slip (needs ``world_data(supply=True)``)."""
    s = out.get("supply")
    if lang == "ja":
        b = (s or {}).get("binding")
        if s is None:
            return "供給は未確認。"
        if b is None:
            return f"制約となる供給要素：なし（世界供給の{i18n.pct(s['allocable_share'], 'ja', 0)}でHBMもCoWoSも制約にならない）。"
        slipping = [d["deal"] for d in s["slipping_deals"]]
        rule = {"contract-date": "契約日順（先に発表された案件から配分）", "pro-rata": "比例配分"}.get(s["allocation_rule"], s["allocation_rule"])
        return (i18n.t("world.binding", "ja", name=i18n.word("supply_input", b["input"], "ja", b["name"]), quarter=i18n.quarter(b["quarter"], "ja"), share=i18n.pct(b["share_of_world"], "ja", 0),
                       alloc=i18n.pct(b["allocable_share"], "ja", 0)).split("出典：")[0]
                + f"配分ルール：{rule}、遅延する案件 {len(slipping)}件" + (f"（{'、'.join(slipping)}）。" if slipping else "。"))
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


def summary_rows(out: dict, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> list[list[str]]:
    """Headline figures as (label, value with unit)."""
    t = out["totals"]
    left = [r for r in out["deals"] if r["excluded_reason"]]
    if lang == "ja" or currency.upper() != "USD":
        weights = "、".join(f"{status_word(k, lang)} {v:g}" for k, v in out["status_weights"].items()) if lang == "ja" else \
            ", ".join(f"{STATUS_SHORT.get(k, k)} {v:g}" for k, v in out["status_weights"].items())
        as_of = out["as_of"]
        if lang == "ja":
            as_of = "本日（台帳の全イベント）" if str(as_of).startswith("today") else i18n.month(str(as_of), "ja")
            gw = lambda x: f"{x:,.1f} GW（施設）"  # noqa: E731
            rows = [["As of", as_of], ["Deals selected", f"{len(out['deals'])}件（うち{len(left)}件はGW合計から除外）"],
                    ["Counted (stated, or sized from counts and contracts)", gw(t["gw_counted_facility"])],
                    ["Sized in the engine", f"{gw(t['gw_modelled_facility'])}、{t['gw_it']:,.1f} GW（IT）"],
                    ["Stated without hardware or schedule (not sized)", gw(t["gw_unmodelled_facility"])],
                    ["Accelerators (sized part)", fmt.count(t["accelerators"])],
                    ["Capex, bottom-up / top-down", f"{i18n.money(t['capex_usd'], 'ja', currency, per_usd)} / "
                                                    f"{i18n.money(t['capex_topdown_usd'], 'ja', currency, per_usd)}"],
                    ["Energy at full build-out", f"{t['energy_twh_per_year']:,.0f} TWh/年"],
                    ["Status weights", weights]]
            return [[i18n.WORLD_JA.get(a, a), b] for a, b in rows]
        rows = summary_rows(out)
        rows[6][1] = f"{fmt.money(t['capex_usd'], currency, per_usd)} / {fmt.money(t['capex_topdown_usd'], currency, per_usd)}"
        return rows
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


def charts(out: dict, lang: str = "en") -> list[Chart]:
    """GW online at each quarter's end, by buyer and by vendor (stacked)."""
    q = out["quarterly"]
    ja = lang == "ja"
    x = [i18n.quarter(v, lang, short=True) for v in q["quarter"]] if ja else q["quarter"]
    y = "GW（施設）" if ja else "GW (facility)"
    w = i18n.WORLD_JA.get if ja else (lambda a, b: a)
    return [
        Chart("world_gw_by_buyer", w("GW online by buyer (quarter end)", ""), x, dict(q["online_gw_by_buyer"]), "area", y),
        Chart("world_gw_by_vendor", w("GW online by vendor (quarter end)", ""), x,
              {fmt.vendor_name(k): v for k, v in q["online_gw_by_vendor"].items()}, "area", y),
    ]


def section(out: dict, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> Section:
    """The report's world section for a ``world_data`` object (tables in ``lang``; money in ``currency``)."""
    t = out["totals"]
    ja = lang == "ja"
    w = i18n.WORLD_JA.get if ja else (lambda a, b: a)
    if ja:
        text = (i18n.t("world.text", "ja", as_of=summary_rows(out, "ja")[0][1], counted=i18n.number(t["gw_counted_facility"], "ja", 1),
                       sized=i18n.number(t["gw_modelled_facility"], "ja", 1)) + binding_text(out, "ja") + SOURCE_NOTE_JA)
    else:
        text = (f"Deals in the ledger as of {out['as_of']}, run together through the one engine: "
                f"{t['gw_counted_facility']:,.1f} GW counted, {t['gw_modelled_facility']:,.1f} GW of them sized in the engine "
                f"(facility GW). {binding_text(out)} {SOURCE_NOTE}")
    tables = [Table(w("World headline", ""), ["", "値" if ja else "Value"], summary_rows(out, lang, currency, per_usd)),
              Table(w("Deals: status and GW counted, sized and left out", ""), [w(c, c) for c in DEAL_COLUMNS], deal_rows(out, lang),
                    numeric=NUMERIC_COLUMNS)]
    s = out.get("supply")
    if s is not None and s["binding"] is not None:
        b = s["binding"]
        rule = s["allocation_rule"].replace("-", " ")
        if ja:
            rule = {"contract-date": "契約日順", "pro-rata": "比例配分"}.get(s["allocation_rule"], rule)
        tables.insert(1, Table(w("Binding supply input", ""), [w(c, c) for c in ("Input", "Binds first", "Share of world supply needed",
                                                                                 "Allocable share", "Allocation rule", "Deals that slip")],
                               [[i18n.word("supply_input", b["input"], lang, b["name"]), i18n.quarter(b["quarter"], lang) if ja else b["quarter"], f"{b['share_of_world']:.0%}",
                                 f"{b['allocable_share']:.0%}", rule, len(s["slipping_deals"])]]))
    return Section("world", i18n.t("sec.world", lang) if ja else "World view: the deal ledger", text, tables, charts(out, lang))


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


def page(as_of: str | None = None, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> dict:
    """The ``GET /api/world`` object: the world section's text, tables and Plotly charts, in ``lang``
    with money in ``currency`` (``per_usd`` units per dollar)."""
    import re

    from gigawatt.core.errors import GigawattError
    from gigawatt.interfaces.report.plotly_spec import figure
    from gigawatt.interfaces.ledger_cli import world_data

    if as_of is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", as_of):
        raise GigawattError(f"as_of must be a month, YYYY-MM (e.g. 2026-06), not {as_of[:16]!r}")
    out = world_data(as_of=as_of, supply=True)
    sec = section(out, lang, currency, per_usd)
    ja = lang == "ja"

    def text(v) -> str:
        return f"{v:,.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)

    summary = summary_rows(out, lang, currency, per_usd)
    shown_as_of = summary[0][1] if ja else out["as_of"]
    return {
        "as_of": shown_as_of, "title": f"{sec.title}（{shown_as_of}時点）" if ja else f"{sec.title}, as of {out['as_of']}",
        "summary": summary, "binding": binding_text(out, lang), "source": SOURCE_NOTE_JA if ja else SOURCE_NOTE,
        "deals": {"columns": [i18n.WORLD_JA.get(c, c) for c in DEAL_COLUMNS] if ja else DEAL_COLUMNS, "numeric": NUMERIC_COLUMNS,
                  "rows": [[text(v) for v in row] for row in deal_rows(out, lang)]},
        "charts": [_thin_ticks({"id": c.id, **figure(c, lang)}) for c in sec.charts],
        "notes": [i18n.world_phrase(n, lang) for n in out["notes"]],
        "supply_binding": (out.get("supply") or {}).get("binding"),
    }
