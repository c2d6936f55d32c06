"""The Excel workbook: summary, drivers (live formulas), monthly series, deals and tranches, warrant and
vesting, shareholder view, flows and companies, supply, Monte Carlo, sensitivity, inputs with
provenance, sources and the scenario file; number formats on every figure, labels from the
registry (English or Japanese), native Excel charts.

``write(result, path, scenario_text, ctx=None, lang="en")``; ``ctx`` is the report
:class:`~gigawatt.interfaces.report.Context` (built here when not given); its ``currency`` (``report
--currency JPY``) shows every money figure in that currency at the market file's dated rate, stated
on the Summary and Sources sheets.
"""
from __future__ import annotations

import math

from gigawatt.core import fmt, i18n, registry
from gigawatt.core.conventions import footnote, plan_conventions
from gigawatt.engine.core import NAMEPLATE_UNITS, SERIES_UNITS
from gigawatt.core.timeline import month_label
from gigawatt.interfaces.report import xlsx_deal
from gigawatt.interfaces.report import xlsx_drivers
from gigawatt.interfaces.report.xlsx_book import Book, humanize
from gigawatt.interfaces.report.xlsx_deal import DATE_AXIS

#: The totals on the Summary sheet, in order (nameplate names; the two ratios are the result's own).
SUMMARY_NAMEPLATE = ["gw", "gw_it", "accelerators", "systems", "racks", "capex_usd", "capex_topdown_usd", "capex_systems_usd",
                     "capex_network_usd", "capex_facility_usd", "energy_twh_per_year", "average_mw", "co2_mt_per_year",
                     "peak_pflops_bf16", "effective_pflops_bf16", "hbm_gb", "npv_cost_usd"]
#: Horizon sums shown on the Summary (series name, display divisor, kind, unit override).
SUMMARY_HORIZON = [("capex_usd", 1, "usd", None), ("capex_refresh_usd", 1, "usd", None), ("energy_cost_usd", 1, "usd", None),
                   ("maintenance_usd", 1, "usd", None), ("opex_usd", 1, "usd", None), ("energy_mwh", 1e6, "twh", "TWh"),
                   ("co2_t", 1e6, "mt", "Mt"), ("co2_market_t", 1e6, "mt", "Mt"), ("water_m3", 1e6, "num1", "million m3")]
#: Monthly columns shown (all series, in registry order).
MONTHLY = list(SERIES_UNITS)

def write(result, path, scenario_text: str = "", ctx=None, lang: str = "en") -> None:
    """Write the workbook for ``result`` to ``path``."""
    if ctx is None:
        from gigawatt.interfaces.report import Context

        ctx = Context.build(result, scenario_text)
    bk = Book(path, lang, getattr(ctx, "currency", "USD"), getattr(ctx, "fx", None))
    summary = bk.sheet("Summary")
    xlsx_drivers.write(bk, result, ctx.deal)
    monthly_refs = _monthly(bk, result)
    deal_refs = _deals(bk, result)
    _tranches(bk, result)
    xlsx_deal.write_all(bk, ctx)
    _world(bk, ctx)
    _inputs(bk, result)
    _sources(bk, result)
    _scenario(bk, scenario_text or ctx.scenario_text)
    _summary(bk, summary, result, ctx, monthly_refs, deal_refs)
    summary.activate()
    bk.close()


def _l(bk, text: str) -> str:
    return bk.t(text)


# -- Summary --------------------------------------------------------------------------------------

def _summary(bk, ws, result, ctx, monthly_refs, deal_refs):
    sc = result.scenario
    from gigawatt.interfaces.dashboard import scenario_text_in

    row = bk.title(ws, 0, scenario_text_in(sc, "title", bk.lang),
                   scenario_text_in(sc, "description", bk.lang).strip().replace("\n", " ")[:400])
    row = bk.pairs(ws, row, [
        (bk.t("Scenario name"), sc.name, "text"),
        (bk.t("Inputs checked"), sc.checked or "-", "text"),
        (bk.t("Horizon"), f"{bk.month(sc.horizon.start)} – {bk.month(sc.horizon.end)}", "text"),
        *_fx_pairs(bk),
    ])
    t = result.totals()
    row = bk.subtitle(ws, row, _l(bk, "At full build-out"))
    items = []
    for name in SUMMARY_NAMEPLATE:
        p = registry.get(name, "nameplate")
        kind = bk.kind_of(p.format, [t[name]])
        items.append((bk.label(name, "nameplate"), t[name], kind, bk.unit(name, "nameplate") if p.unit != "USD" else
                      bk.currency_word if bk.converts else ""))
    items.append((_l(bk, "Capex ratio, top-down / bottom-up"), t["capex_ratio_topdown_to_bottomup"], "ratio2", ""))
    items.append((_l(bk, "Capex per GW (bottom-up)"), t["capex_usd_per_gw"], "usd_per_gw", ""))
    row = bk.pairs(ws, row, items)
    h = result.horizon_sums()
    row = bk.subtitle(ws, row, _l(bk, "Sums over the horizon"))
    items = []
    for name, div, kind, unit in SUMMARY_HORIZON:
        v = h[name] / div
        items.append((bk.label(name, "series"), v, bk.kind_of(kind, [v]) if kind == "usd" else kind, i18n.unit_text(unit or "", bk.lang)))
    row = bk.pairs(ws, row, items)
    row = xlsx_deal.summary_block(bk, ws, row, ctx)
    conv = plan_conventions(result)
    if bk.lang == "ja":
        rate = conv["discount_rate"]["per_year"]
        rates = f"{rate:.1%}" if isinstance(rate, float) else "、".join(f"{r:.1%}" for r in rate)
        note = (f"金額：各出典の時点の名目米ドル。現在価値は年率{rates}（名目、年実効）で、各月末のキャッシュフローを"
                f"{bk.month(conv['discounted_to'])}時点に割り引いた値。" + (bk.fx_text() + "。" if bk.converts else ""))
    else:
        note = footnote(conv) + (" " + bk.fx_text() + "." if bk.converts else "")
    ws.merge_range(row, 0, row, 2, note, bk.fmt(None, italic=True, font_color="#595959", text_wrap=True))
    ws.set_row(row, 54 if bk.converts else 40)
    # Charts: GW online by vendor, capex bottom-up vs top-down, energy.
    _summary_charts(bk, ws, result, monthly_refs, deal_refs)


def _fx_pairs(bk) -> list[tuple]:
    """The currency money is shown in and its dated rate (Summary and Sources), none in a USD workbook."""
    if not bk.converts:
        return []
    f = bk.fx
    return [(bk.t("Money shown in"), bk.currency_word, "text"),
            (bk.t("Exchange rate"), float(f["per_usd"]), "ratio2", f"{bk.currency_word} / {'米ドル' if bk.lang == 'ja' else 'USD'}"),
            (bk.t("Rate date"), str(f["date"]), "text"),
            (bk.t("Source"), f"{f['source']}（{i18n.fact_kinds(f['kind'], 'ja')}）" if bk.lang == "ja" else f"{f['source']} ({f['kind']})", "text")]


def _summary_charts(bk, ws, result, monthly_refs, deal_refs):
    mname, n_months, vendor_cols, energy_col, capex_cols = monthly_refs
    wb = bk.wb
    cat = [mname, 1, 0, n_months, 0]
    area = wb.add_chart({"type": "area", "subtype": "stacked"})
    for vendor, col in vendor_cols:
        area.add_series({"name": [mname, 0, col], "categories": cat, "values": [mname, 1, col, n_months, col]})
    area.set_title({"name": _l(bk, "GW online by vendor"), "name_font": {"size": 11}})
    area.set_y_axis({"name": "GW", "num_format": "#,##0.0", "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    area.set_x_axis(DATE_AXIS)
    area.set_legend({"position": "bottom"})
    area.set_size({"width": 620, "height": 300})
    ws.insert_chart(2, 4, area)
    dname, hdr, n_deals, bu_col, td_col = deal_refs
    bars = wb.add_chart({"type": "column"})
    for col, color in ((bu_col, "#2E75B6"), (td_col, "#C55A11")):
        bars.add_series({"name": [dname, hdr, col], "categories": [dname, hdr + 1, 0, hdr + n_deals, 0],
                         "values": [dname, hdr + 1, col, hdr + n_deals, col], "fill": {"color": color}, "gap": 80})
    bars.set_title({"name": _l(bk, "Capex: bottom-up vs top-down"), "name_font": {"size": 11}})
    bars.set_y_axis({"name": bk.currency_word, "num_format": bk.axis_money_format(), "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 620, "height": 300})
    ws.insert_chart(18, 4, bars)
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": [mname, 0, energy_col], "categories": cat, "values": [mname, 1, energy_col, n_months, energy_col],
                     "line": {"color": "#548235", "width": 2}})
    line.set_title({"name": _l(bk, "Energy per month"), "name_font": {"size": 11}})
    line.set_y_axis({"name": "TWh", "num_format": '#,##0.0,,', "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    line.set_x_axis(DATE_AXIS)
    line.set_legend({"none": True})
    line.set_size({"width": 620, "height": 300})
    ws.insert_chart(34, 4, line)
    cum = wb.add_chart({"type": "line"})
    for col, color in ((capex_cols[0], "#2E75B6"), (capex_cols[1], "#C55A11")):
        cum.add_series({"name": [mname, 0, col], "categories": cat, "values": [mname, 1, col, n_months, col],
                        "line": {"color": color, "width": 2}})
    cum.set_title({"name": _l(bk, "Cumulative capex"), "name_font": {"size": 11}})
    cum.set_y_axis({"name": bk.currency_word, "num_format": bk.axis_money_format(), "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    cum.set_x_axis(DATE_AXIS)
    cum.set_legend({"position": "bottom"})
    cum.set_size({"width": 620, "height": 300})
    ws.insert_chart(50, 4, cum)


# -- Monthly --------------------------------------------------------------------------------------

def _monthly(bk, result):
    ws = bk.sheet("Monthly")
    series = result.monthly()
    by_vendor = result.monthly(["online_gw"], by="vendor")["online_gw"]
    months = result.months
    columns = [(bk.t("Month"), "date")]
    kinds = []
    for name in MONTHLY:
        p = registry.get(name, "series")
        kinds.append(bk.kind_of(p.format, series[name]))
        columns.append((bk.header(name, "series"), kinds[-1]))
    vendors = list(by_vendor)
    for v in vendors:
        columns.append((f"{bk.label('online_gw', 'series')}: {fmt.vendor_name(v)}", "gw"))
    cum_bu = series["capex_usd"].cumsum()
    cum_td = series["capex_topdown_usd"].cumsum()
    columns += [(f"{_l(bk, 'Cumulative capex')}: {bk.label('capex_usd', 'series')}", "usd_b"),
                (f"{_l(bk, 'Cumulative capex')}: {bk.label('capex_topdown_usd', 'series')}", "usd_b")]
    rows = []
    for i, m in enumerate(months):
        rows.append([m, *(float(series[k][i]) for k in MONTHLY), *(float(by_vendor[v][i]) for v in vendors),
                     float(cum_bu[i]), float(cum_td[i])])
    # Months as text (yyyy-mm): sortable, and the chart axis reads them as categories.
    bk.table(ws, 0, 0, columns, rows, [11] + [15] * (len(columns) - 1))
    ws.freeze_panes(1, 1)
    name = ws.get_name()
    n = len(months)
    vendor_cols = [(v, 1 + len(MONTHLY) + j) for j, v in enumerate(vendors)]
    energy_col = 1 + MONTHLY.index("energy_mwh")
    capex_cols = (1 + len(MONTHLY) + len(vendors), 2 + len(MONTHLY) + len(vendors))
    return name, n, vendor_cols, energy_col, capex_cols


# -- Deals and tranches ---------------------------------------------------------------------------

DEAL_COLUMNS = ["gw", "gw_it", "accelerators", "systems", "racks", "capex_usd", "capex_topdown_usd", "capex_systems_usd",
                "capex_network_usd", "capex_facility_usd", "energy_twh_per_year", "co2_mt_per_year", "effective_pflops_bf16",
                "hbm_gb", "npv_cost_usd"]


def _np_columns(bk, names, rows_values):
    cols = []
    for j, name in enumerate(names):
        p = registry.get(name, "nameplate")
        cols.append((bk.header(name, "nameplate"), bk.kind_of(p.format, [r[j] for r in rows_values])))
    return cols


def _deals(bk, result):
    ws = bk.sheet("Deals")
    deals = result.groups("deal")
    row = bk.title(ws, 0, _l(bk, "Per deal, at full build-out"))
    vals = [[d[k] for k in DEAL_COLUMNS] for d in deals]
    cols = [(bk.t("Deal"), "text"), (bk.t("Supplier"), "text"), (bk.t("Buyer"), "text"), *_np_columns(bk, DEAL_COLUMNS, vals),
            (_l(bk, "Capex ratio, top-down / bottom-up"), "ratio2"), (_l(bk, "Capex per GW (bottom-up)"), "usd_per_gw")]
    rows = [[d["name"], d["supplier"], d["buyer"], *v, d["capex_ratio_topdown_to_bottomup"], d["capex_usd_per_gw"]]
            for d, v in zip(deals, vals)]
    header_row = row
    bk.table(ws, row, 0, cols, rows, [26, 14, 14] + [15] * len(DEAL_COLUMNS))
    ws.freeze_panes(header_row + 1, 1)
    return ws.get_name(), header_row, len(deals), 3 + DEAL_COLUMNS.index("capex_usd"), 3 + DEAL_COLUMNS.index("capex_topdown_usd")


TRANCHE_COLUMNS = ["gw", "gw_it", "pue", "accelerators", "systems", "racks", "it_kw_per_accelerator", "capex_usd",
                   "capex_topdown_usd", "capex_systems_usd", "capex_network_usd", "capex_facility_usd", "energy_twh_per_year",
                   "co2_mt_per_year", "peak_pflops_bf16", "effective_pflops_bf16", "hbm_gb", "npv_cost_usd"]


def _tranches(bk, result):
    ws = bk.sheet("Tranches")
    row = bk.title(ws, 0, _l(bk, "Per tranche, at full build-out"))
    npl = result.nameplate
    vals = [[float(npl[k][0, t.index]) for k in TRANCHE_COLUMNS] for t in result.tranches]
    cols = [("#", "int"), (bk.t("Deal"), "text"), (bk.t("Label"), "text"), (bk.t("Product"), "text"), (bk.t("System"), "text"),
            (bk.t("Start"), "month"), (bk.t("Basis"), "text"), *_np_columns(bk, TRANCHE_COLUMNS, vals)]
    rows = [[t.index + 1, t.deal, t.label, t.product, t.system, t.start, bk.t("facility") if t.basis == "facility" else "IT", *v]
            for t, v in zip(result.tranches, vals)]
    bk.table(ws, row, 0, cols, rows, [5, 22, 30, 12, 16, 10, 9] + [14] * len(TRANCHE_COLUMNS))
    ws.freeze_panes(row + 1, 3)


# -- The world view of the deal ledger ------------------------------------------------------------

def _world(bk, ctx) -> None:
    """The report's world section as a sheet (``report --world``, or a scenario built from the ledger): the
    headline, the binding supply input and the deals with status, kind and GW, in the workbook's language."""
    from gigawatt.interfaces.report.world import NUMERIC_COLUMNS, section, world_for_ids

    data = getattr(ctx, "world", None)
    if data is None:
        ids = [d.ledger for d in ctx.result.scenario.deals]
        if not ids or None in ids:
            return
        data = world_for_ids(ids)
        if data is None:
            return
        ctx.world = data  # the HTML report's section reads the same
    sec = section(data, bk.lang, bk.currency, bk.per_usd)
    ws = bk.sheet("World")
    row = bk.title(ws, 0, sec.title, sec.text)
    ws.set_row(1, 13 * max(1, math.ceil(len(sec.text) / (60 if bk.lang == "ja" else 120))) + 2)
    for tb in sec.tables:
        row = bk.subtitle(ws, row, tb.title)
        deals = len(tb.columns) > 8  # the deals table (numbers in NUMERIC_COLUMNS), else label / value tables
        cols = [(c or bk.t("Item"), ("ratio2" if j == NUMERIC_COLUMNS[0] else "gw") if deals and j in NUMERIC_COLUMNS else "text")
                for j, c in enumerate(tb.columns)]
        widths = [30, 18, 18, 22, 16, 9, 12, 12, 12, 12, 70] if deals else [44, 60]
        row = bk.table(ws, row, 0, cols, [list(r) for r in tb.rows], widths if deals or len(cols) == 2 else None)
    ws.freeze_panes(3, 1)


# -- Inputs with provenance -----------------------------------------------------------------------

SHAPES = {0: "linear", 1: "s-curve", 2: "step"}
#: Below this a month offset is the "no constraint" sentinel (inputs.compile_inputs uses -10**6).
NO_CONSTRAINT = -10**5


def input_display(bk, result, name: str, value: float):
    """``(value, kind)`` of one input as a person reads it: months as dates, flags as words,
    the no-grid-constraint sentinel as words, non-finite as words."""
    p = registry.get(name, "input")
    if name == "basis_facility":
        return (bk.t("facility") if value else "IT"), "text"
    if name == "shape":
        return bk.t(SHAPES.get(int(value), str(value))), "text"
    if name == "refresh":
        return bk.t("yes" if value else "no"), "text"
    if p.format == "month":
        if value <= NO_CONSTRAINT:
            return bk.t("no grid constraint"), "text"
        return month_label(result.inputs.month0 + int(round(value))), "month"
    if not math.isfinite(value):
        return bk.t("not packaged on CoWoS") if name == "packages_per_wafer" else "-", "text"
    return value, bk.kind_of(p.format, [value])


def describe_origin(bk, o: dict) -> dict:
    """One origin (``inputs.origins``) as columns: from, where, kind, as of, source, note (``kind``: the fact kinds,
    a list, in the workbook's language when written)."""
    ja = bk.lang == "ja"
    kind = o.get("from", "none")
    if kind == "scenario":
        file, line = i18n.world_phrase(str(o.get("file", "")), bk.lang), o.get("line")
        if ja:
            where = file + (f" の{line}行目" if line else "") + f"（{o.get('path', '')}）"
        else:
            where = file + (f", {bk.t('Line').lower()} {line}" if line else "") + f": {o.get('path', '')}"
        return {"from": bk.t("scenario"), "where": where, "kind": [], "as_of": "", "source": "", "note": ""}
    if kind == "catalog":
        field = o.get("field", "")
        where = f"{o.get('section', '')}/{o.get('id', '')}" + ("" if field == "value" else f" · {_catalog_label(bk, field)}")
        return {"from": bk.t("catalog"), "where": where, "kind": [o["kind"]] if o.get("kind") else [], "as_of": o.get("as_of", ""),
                "source": o.get("source", ""), "note": o.get("note", "") or ""}
    if kind == "derived":
        parts = []
        kinds, dates, sources = [], [], []
        for part_name, part in o.get("parts", {}).items():
            d = describe_origin(bk, part)
            name = humanize(i18n.derived_part(part_name, bk.lang))
            if not ja:
                parts.append(f"{name}: {d['from']} {d['where']}".strip())
            else:  # the file names the scenario; a part with no origin says why
                shown = d["where"] if part.get("from") == "scenario" else d["note"] if part.get("from") == "none" and d["note"] else \
                    f"{d['from']} {d['where']}".strip()
                parts.append(f"{name}：{shown}")
            kinds += d["kind"]
            if d["as_of"]:
                dates.append(str(d["as_of"]))
            if d["source"]:
                sources.append(d["source"])
        return {"from": bk.t("derived"), "where": i18n.derived_formula(o.get("formula", ""), bk.lang) + " — " + ("；" if ja else "; ").join(parts),
                "kind": kinds, "as_of": max(dates) if dates else "", "source": " | ".join(dict.fromkeys(sources)), "note": ""}
    note = i18n.world_phrase(o.get("note", ""), bk.lang)
    if kind == "default":
        return {"from": bk.t("default"), "where": "", "kind": [], "as_of": "", "source": "", "note": note}
    return {"from": bk.t("none"), "where": "", "kind": [], "as_of": "", "source": "", "note": note}


def _catalog_label(bk, field: str) -> str:
    if field == "value":  # a cost default's one number
        return bk.t("Value")
    if ("catalog", field) in registry.params():
        return bk.label(field, "catalog")
    return humanize(field)


def _inputs(bk, result):
    ws = bk.sheet("Inputs")
    row = bk.title(ws, 0, _l(bk, "Inputs by tranche, with where each value came from"))
    p = result.inputs.p
    origins = result.inputs.origins
    cols = [(bk.t("Input"), "text"), (bk.t("Unit"), "text"), (bk.t("Tranche"), "text"), (bk.t("Value"), "number"),
            (bk.t("From"), "text"), (bk.t("Where"), "text"), (bk.t("Kind"), "text"), (bk.t("As of"), "text"),
            (bk.t("Source"), "text"), (bk.t("Note"), "text")]
    header = row
    for j, (h, _) in enumerate(cols):
        ws.write_string(row, j, h, bk.head)
    ws.set_row(row, 30)
    row += 1
    wrap = bk.fmt(None, text_wrap=True, valign="top")
    for name in registry.units("input"):
        unit = bk.unit(name, "input")
        for t in result.tranches:
            value, kind = input_display(bk, result, name, float(p[name][0, t.index]))
            o = origins[t.index].get(name, {}) if t.index < len(origins) else {}
            d = describe_origin(bk, o)
            ws.write_string(row, 0, bk.label(name, "input"))
            ws.write_string(row, 1, "" if name == "grid_ready_offset" or (registry.get(name, "input").format == "month") else unit)
            ws.write_string(row, 2, f"{t.index + 1}: {t.label}")
            bk.cell(ws, row, 3, value, kind)
            d["kind"] = i18n.fact_kinds(d["kind"], bk.lang)
            for j, key in enumerate(("from", "where", "kind", "as_of", "source", "note"), start=4):
                ws.write_string(row, j, str(d[key] or ""), wrap if key in ("where", "source") else None)
            row += 1
    ws.autofilter(header, 0, row - 1, len(cols) - 1)
    for j, w in enumerate([34, 16, 30, 16, 10, 60, 12, 11, 70, 40]):
        ws.set_column(j, j, w)
    ws.freeze_panes(header + 1, 1)


# -- Sources and the scenario ---------------------------------------------------------------------

def _sources(bk, result):
    ws = bk.sheet("Sources")
    row = bk.title(ws, 0, _l(bk, "Catalog numbers used, with their sources"))
    if bk.converts:  # the rate every money figure of the workbook is shown at; catalog values below stay as their sources give them
        row = bk.subtitle(ws, row, bk.t("Exchange rate"))
        row = bk.pairs(ws, row, _fx_pairs(bk), widths=(34, 26, 14))
    rows = []
    for src in result.sources():
        for field, fact in src["facts"].items():
            v = fact.get("value")
            rows.append([f"{src.get('name') or src['id']} ({src['section']}/{src['id']})", _catalog_label(bk, field),
                         v if isinstance(v, (int, float)) and not isinstance(v, bool) else (str(v) if v is not None else "-"),
                         i18n.unit_text(fact.get("unit", "") or "", bk.lang), i18n.fact_kinds(fact.get("kind", ""), bk.lang),
                         fact.get("source", "") or "",
                         str(fact.get("as_of", "") or ""), fact.get("note", "") or ""])
    cols = [(bk.t("Entry"), "text"), (bk.t("Field"), "text"), (bk.t("Value"), "number"), (bk.t("Unit"), "text"),
            (bk.t("Kind"), "text"), (bk.t("Source"), "text"), (bk.t("As of"), "text"), (bk.t("Note"), "text")]
    header = row
    row = bk.table(ws, row, 0, cols, rows, [34, 26, 14, 12, 11, 70, 11, 50], autofilter=True)
    ws.freeze_panes(header + 1, 0)
    row = bk.subtitle(ws, row, bk.t("Values the scenario sets"))
    vals = result.scenario_values()
    bk.table(ws, row, 0, [(bk.t("File"), "text"), (bk.t("Line"), "int"), (bk.t("Path"), "text"), (bk.t("Value"), "number")],
             [[i18n.world_phrase(v["file"], bk.lang), v["line"], v["path"],
               v["value"] if isinstance(v["value"], (int, float)) and not isinstance(v["value"], bool) else _code_word(bk, v["path"], v["value"])]
              for v in vals])


def _code_word(bk, path: str, value) -> str:
    """A value the scenario sets, as the workbook says it: a tranche's basis or ramp shape in its words (``facility`` →
    ``施設``, ``s-curve`` → ``S字``), anything else as written."""
    text = str(value)
    if bk.lang == "en" or path.rsplit(".", 1)[-1] not in ("basis", "shape"):
        return text
    return "IT" if text == "it" else bk.t(text)


def _scenario(bk, text: str):
    ws = bk.sheet("Scenario")
    ws.set_column(0, 0, 120)
    mono = bk.fmt(None, font_name="Consolas")
    for i, line in enumerate((text or "").splitlines()):
        ws.write_string(i, 0, line, mono)
