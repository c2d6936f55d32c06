"""Workbook sheets for deal economics (warrant and vesting, investment, supplier revenue and EPS,
buyer economics), the shareholder view, money flows and listed companies, supply, Monte Carlo
percentiles and fans, and the sensitivity tornado."""
from __future__ import annotations

from gigawatt.core import fmt, i18n
from gigawatt.core import registry
from gigawatt.interfaces.report.xlsx_book import humanize

#: A chart axis of months: dates, one label a year.
DATE_AXIS = {"date_axis": True, "major_unit": 1, "major_unit_type": "years", "base_unit": "months", "num_format": "yyyy",
             "num_font": {"rotation": -45}}

#: The Monte Carlo fans (``mc --json`` ``fans``) by the registry role of the row that labels and formats each.
FAN_ROLES = {"online_gw": "series", "delivered_gw": "series", "effective_pflops_bf16": "series", "capex_cumulative_usd": "metric"}


def _registered(bk, name: str, role: str | None) -> tuple[str, str]:
    """``(label, workbook kind)`` of a figure from its registry row (money in billions, as the sheets show it);
    an unregistered name reads as its words, as a plain number."""
    p = registry.params().get((role, name)) if role else None
    if p is None:
        return humanize(name), "number"
    return bk.label(name, role), "usd_b" if p.format == "usd" else p.format


def _t(bk, text: str) -> str:
    return bk.t(text)


def write_all(bk, ctx) -> None:
    if ctx.deal and any(k in d for d in ctx.deal["deals"] for k in ("warrant", "investment", "supplier_economics")):
        _warrant(bk, ctx.deal)
    if ctx.deal and any(d.get("shareholder", {}).get("available") for d in ctx.deal["deals"]):
        _shareholder(bk, ctx.deal)
    if ctx.flows:
        _flows(bk, ctx)
    if ctx.supply:
        _supply(bk, ctx.supply)
    if ctx.mc:
        _montecarlo(bk, ctx.mc, ctx.result)
    if ctx.result.scenario.uncertainty:
        _sensitivity(bk, ctx.result)


def summary_block(bk, ws, row: int, ctx) -> int:
    """Deal and Monte Carlo headline figures on the Summary sheet."""
    items = []
    for d in (ctx.deal or {}).get("deals", []):
        w, inv, sup, b = d.get("warrant"), d.get("investment"), d.get("supplier_economics"), d.get("buyer_economics") or {}
        if w:
            items += [(f"{d['name']}: {_t(bk, 'Warrant value (mean)')}", w["value_usd"], "usd_b"),
                      (f"{d['name']}: {bk.label('prob_full_vest', 'metric')}", w["prob_full_vest"], "pct"),
                      (f"{d['name']}: {bk.label('expected_dilution_pct', 'metric')}", w["expected_dilution_pct"], "pct100")]
        if inv:
            items.append((f"{d['name']}: {_t(bk, 'Invested in total')}", inv["total_usd"], "usd_b"))
        if sup:
            items.append((f"{d['name']}: {_t(bk, 'Revenue')} ({d['supplier']})", sup["revenue_usd_total"], "usd_b"))
        if b.get("payback_month"):
            items.append((f"{d['name']}: {_t(bk, 'Payback month')}", b["payback_month"], "month"))
    if not items and not ctx.mc:
        return row
    row = bk.subtitle(ws, row, bk.s("sec.deal"))
    row = bk.pairs(ws, row, items)
    if ctx.mc:
        pct = ctx.mc["percentiles"]
        row = bk.subtitle(ws, row, f"{_t(bk, 'Monte Carlo')} ({ctx.mc['samples']:,} {_t(bk, 'Samples').lower()})")
        mc_items = []
        for k in ("capex_usd", "gw_delivered", "warrant_value_usd"):
            if k in pct and pct[k].get("p50") is not None:
                kind = "usd_b" if k.endswith("usd") else "gw"
                mc_items += [(f"{bk.label(k, 'scalar')} P10", pct[k]["p10"], kind), (f"{bk.label(k, 'scalar')} P50", pct[k]["p50"], kind),
                             (f"{bk.label(k, 'scalar')} P90", pct[k]["p90"], kind)]
        c = pct.get("completion_month_index")
        if c:
            mc_items.append((f"{bk.label('completion_month_index', 'scalar')} P50", c.get("p50_month") or _t(bk, "not within the horizon"),
                             "month"))
        row = bk.pairs(ws, row, mc_items)
    return row


# -- Warrant, investment, supplier, buyer ---------------------------------------------------------

def _warrant(bk, deal: dict) -> None:
    ws = bk.sheet("Warrant")
    row = bk.title(ws, 0, bk.s("sec.deal"))
    for d in deal["deals"]:
        w = d.get("warrant")
        if w:
            row = bk.subtitle(ws, row, f"{d['name']}: {_t(bk, 'Warrant and vesting')}")
            row = bk.pairs(ws, row, [
                (_t(bk, "Shares"), w["shares_total"], "shares_m"), (_t(bk, "Strike"), w["strike_usd"], "usd_per_share"),
                (_t(bk, "Issued"), w["issued"], "month"), (_t(bk, "Expiry"), w["expiry"], "month"),
                (_t(bk, "Shares outstanding (pre-deal)"), w["shares_outstanding"], "shares_m"),
                (_t(bk, "Stake before dilution"), w["stake_pct_pre"], "pct100"),
                (_t(bk, "Stake after dilution"), w["stake_pct_post"], "pct100"),
                (_t(bk, "Valuation month"), w["valuation_month"], "month"),
                (_t(bk, "Share price at valuation"), w["spot_usd"], "usd_per_share"),
                (_t(bk, "Volatility"), w["volatility"], "pct"), (_t(bk, "Risk-free rate"), w["risk_free_rate"], "pct"),
                (_t(bk, "Warrant value (mean)"), w["value_usd"], "usd_b"), (_t(bk, "Warrant value P10"), w["value_usd_p10"], "usd_b"),
                (_t(bk, "Warrant value P50"), w["value_usd_p50"], "usd_b"), (_t(bk, "Warrant value P90"), w["value_usd_p90"], "usd_b"),
                (bk.label("prob_full_vest", "metric"), w["prob_full_vest"], "pct"),
                (_t(bk, "Expected vested shares"), w["expected_vested_shares"], "shares_m"),
                (bk.label("expected_dilution_pct", "metric"), w["expected_dilution_pct"], "pct100"),
                (_t(bk, "Intrinsic value at spot"), w["intrinsic_at_spot_usd"], "usd_b"),
                (_t(bk, "Value at the final hurdle"), w["value_at_final_hurdle_usd"], "usd_b"),
                (_t(bk, "Price model"), i18n.world_phrase(w["price_mode"], bk.lang), "text"), (_t(bk, "Source"), w.get("source") or "-", "text"),
            ])
            row = bk.subtitle(ws, row, _t(bk, "Vesting tranches"))
            rows = [[i + 1, tr["shares"], tr["gw_milestone"], ", ".join(tr["products"] or []) or "-", tr["price_hurdle"], tr["prob_vest"],
                     tr["expected_vest_month"] or _t(bk, "not within the horizon"), tr["gw_milestone_month"] or _t(bk, "not within the horizon"),
                     bk.t("yes") if tr["assumed"] else bk.t("no")] for i, tr in enumerate(w["tranches"])]
            row = bk.table(ws, row, 0, [(_t(bk, "Tranche"), "int"), (_t(bk, "Shares"), "shares_m"), (_t(bk, "GW milestone") + " [GW]", "gw"),
                                        (_t(bk, "Products"), "text"), (_t(bk, "Price hurdle"), "usd_per_share"), (_t(bk, "P(vest)"), "pct"),
                                        (_t(bk, "Expected vest month"), "month"), (_t(bk, "GW milestone month"), "month"),
                                        (_t(bk, "Assumed"), "text")], rows)
            row = _vesting_by_month(bk, ws, row, d["name"], w)
        inv = d.get("investment")
        if inv:
            row = bk.subtitle(ws, row, f"{d['name']}: {_t(bk, 'Vendor investment')}")
            row = bk.pairs(ws, row, [(_t(bk, "Investment per GW"), inv["usd_per_gw"], "usd_per_gw"), (_t(bk, "Cap"), inv["cap_usd"], "usd_b"),
                                     (_t(bk, "Invested in total"), inv["total_usd"], "usd_b"),
                                     (_t(bk, "Cap reached"), inv["cap_reached_month"] or _t(bk, "not within the horizon"), "month"),
                                     (_t(bk, "Stake at valuation"), inv["stake_pct_at_valuation"], "pct100"),
                                     (_t(bk, "Source"), inv.get("source") or "-", "text")])
            years = inv.get("usd_by_year") or {}
            row = bk.table(ws, row, 0, [(_t(bk, "Year"), "text"), (_t(bk, "Invested in total"), "usd")], [[y, v] for y, v in years.items()])
        sup = d.get("supplier_economics")
        if sup:
            row = bk.subtitle(ws, row, f"{d['name']}: {_t(bk, 'Supplier revenue and EPS')} ({sup['supplier']})")
            row = bk.pairs(ws, row, [(_t(bk, "Revenue per GW"), sup["revenue_usd_per_gw"], "usd_per_gw"),
                                     (_t(bk, "Revenue basis"), i18n.said(sup["revenue_basis"], bk.lang),
                                      "text")])
            ys = list(sup["revenue_usd_by_year"])
            rows = [[y, sup["revenue_usd_by_year"][y], sup["gross_profit_usd_by_year"].get(y), sup["net_income_usd_by_year"].get(y),
                     sup["eps_usd_by_year_before_warrant_dilution"].get(y), sup["eps_usd_by_year"].get(y),
                     sup["warrant_shares_by_year"].get(y)] for y in ys]
            row = bk.table(ws, row, 0, [(_t(bk, "Year"), "text"), (_t(bk, "Revenue"), "usd"), (_t(bk, "Gross profit"), "usd"),
                                        (_t(bk, "Net income"), "usd"), (_t(bk, "EPS (before dilution)"), "usd_per_share"),
                                        (_t(bk, "EPS (after warrant dilution)"), "usd_per_share"),
                                        (_t(bk, "Warrant shares expected vested"), "shares_m")], rows)
        b = d.get("buyer_economics")
        if b:
            row = bk.subtitle(ws, row, f"{d['name']}: {_t(bk, 'Buyer economics')} ({d['buyer']})")
            row = bk.pairs(ws, row, [(_t(bk, "Cash paid (capex + opex)"), b["cash_paid_usd"], "usd_b"), (_t(bk, "Capex"), b["capex_usd"], "usd_b"),
                                     (_t(bk, "Opex"), b["opex_usd"], "usd_b"), (_t(bk, "Warrant value received"), b["warrant_value_usd"], "usd_b"),
                                     (_t(bk, "Investment received"), b["investment_received_usd"], "usd_b"),
                                     (_t(bk, "Effective discount on vendor revenue"), b["effective_discount_pct"], "pct100"),
                                     (bk.label("tco_usd_per_accelerator_hour", "metric"), b["tco_usd_per_accelerator_hour"], "usd_small"),
                                     (bk.label("tco_usd_per_effective_pflop_hour", "metric"), b["tco_usd_per_effective_pflop_hour"], "usd_small"),
                                     (_t(bk, "Buyer revenue per GW-year"), b["revenue_usd_per_gw_year"], "usd_per_gw"),
                                     (_t(bk, "Payback month"), b["payback_month"] or _t(bk, "not within the horizon"), "month")])
    ws.set_column(0, 0, 40)
    ws.set_column(1, 8, 16)


def _vesting_by_month(bk, ws, row: int, name: str, w: dict) -> int:
    """P(vested by month) per tranche: a table to the right and a line chart below the tranches."""
    pv = w["prob_vest_by_month"]
    months = pv["month"]
    keys = [k for k in pv if k != "month"]
    col0 = 11
    top = row - len(w["tranches"]) - 3  # beside the tranche table
    top = max(top, 1)
    ws.write_string(top, col0, _t(bk, "Probability vested by month"), bk.bold)
    hdr = top + 1
    ws.write_string(hdr, col0, _t(bk, "Month"), bk.head)
    for j, k in enumerate(keys):
        ws.write_string(hdr, col0 + 1 + j, f"{_t(bk, 'Tranche')} {j + 1}", bk.head)
    for i, m in enumerate(months):
        bk.cell(ws, hdr + 1 + i, col0, m, "date")
        for j, k in enumerate(keys):
            ws.write_number(hdr + 1 + i, col0 + 1 + j, float(pv[k][i]), bk.fmt("pct"))
    chart = bk.wb.add_chart({"type": "line"})
    sheet = ws.get_name()
    for j in range(len(keys)):
        chart.add_series({"name": [sheet, hdr, col0 + 1 + j], "categories": [sheet, hdr + 1, col0, hdr + len(months), col0],
                          "values": [sheet, hdr + 1, col0 + 1 + j, hdr + len(months), col0 + 1 + j]})
    chart.set_title({"name": f"{name}: {_t(bk, 'Probability vested by month')}", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis(DATE_AXIS)
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 300})
    ws.insert_chart(row, 0, chart)
    return row + 17


# -- Shareholder view -----------------------------------------------------------------------------

def _shareholder(bk, deal: dict) -> None:
    ws = bk.sheet("Shareholder")
    row = bk.title(ws, 0, _t(bk, "Shareholder view"))
    for d in deal["deals"]:
        sh = d.get("shareholder")
        if not sh or not sh.get("available"):
            continue
        row = bk.subtitle(ws, row, f"{d['name']}: {sh['company']} ({sh['ticker']}, {sh['exchange']})")
        row = bk.pairs(ws, row, [(_t(bk, "Warrant value per existing share"), sh.get("warrant_value_per_existing_share_usd"), "usd_per_share"),
                                 (_t(bk, "Shares outstanding (pre-deal)"), sh.get("shares_outstanding"), "shares_m"),
                                 (_t(bk, "Valuation month"), sh.get("value_as_of"), "month")])
        cols = [(_t(bk, "Fiscal year"), "text"), (_t(bk, "Revenue"), "usd"), (_t(bk, "Gross profit"), "usd"),
                (_t(bk, "Opex (incremental)"), "usd"), (_t(bk, "Operating income"), "usd"), (_t(bk, "Tax"), "usd"),
                (_t(bk, "Net income"), "usd"), (_t(bk, "Incremental EPS"), "usd_per_share"), (_t(bk, "Base EPS"), "usd_per_share"),
                (_t(bk, "Base is"), "text"), (_t(bk, "Consensus EPS"), "usd_per_share"),
                (_t(bk, "Deal revenue, share of consensus"), "pct100"), (_t(bk, "Warrant shares expected vested"), "shares_m"),
                (_t(bk, "EPS with the deal, before dilution"), "usd_per_share"), (_t(bk, "EPS with the deal, after dilution"), "usd_per_share"),
                (_t(bk, "Accretion before dilution"), "pct100"), (_t(bk, "Accretion after dilution"), "pct100"),
                (_t(bk, "EPS, all warrants fully vested"), "usd_per_share"), (_t(bk, "Accretion, all warrants fully vested"), "pct100")]
        keys = ["fiscal_year", "revenue_usd", "gross_profit_usd", "opex_usd", "operating_income_usd", "tax_usd", "net_income_usd",
                "incremental_eps_usd", "base_eps_usd", "base_is", "consensus_eps_usd", "deal_revenue_share_of_consensus_pct",
                "warrant_shares_expected", "eps_with_deal_before_dilution_usd", "eps_with_deal_after_dilution_usd",
                "accretion_before_dilution_pct", "accretion_after_dilution_pct", "eps_all_warrants_fully_vested_usd",
                "accretion_all_warrants_fully_vested_pct"]
        row = bk.table(ws, row, 0, cols, [[i18n.world_phrase(y.get(k), bk.lang) if k == "base_is" else y.get(k) for k in keys]
                                          for y in sh["years"]], [40] + [14] * (len(cols) - 1))
        row = bk.subtitle(ws, row, _t(bk, "Assumptions"))
        # The rows' words in the workbook's language: ``what`` from its string key, the kind and "unknown" as phrases.
        rows = [[i18n.keyed(a["what"], a.get("key"), bk.lang, a.get("params")),
                 a.get("value") if a.get("value") is not None else i18n.world_phrase(a.get("text") or "unknown", bk.lang),
                 _unit_word(bk, a.get("unit")), _kind_word(bk, a.get("kind")), str(a.get("as_of") or ""), a.get("source") or ""]
                for a in sh["assumptions"]]
        row = _mixed_table(bk, ws, row, [_t(bk, "What"), bk.t("Value"), _t(bk, "Unit"), _t(bk, "Kind"), _t(bk, "As of"), _t(bk, "Source")],
                           rows, sh["assumptions"])
        row = bk.subtitle(ws, row, _t(bk, "Notes"))
        for note in sh.get("notes", []):
            ws.write_string(row, 0, i18n.said(note, bk.lang))
            row += 1
        row += 1


def _unit_word(bk, unit: str | None) -> str:
    """An assumption's unit (``USD/GW``, ``shares``, ``USD/share``) in the workbook's language."""
    if not unit or bk.lang != "ja":
        return unit or ""
    word = i18n.unit_text(unit, "ja")
    return word if word != unit else unit.replace("USD", "米ドル").replace("share", "株")


def _kind_word(bk, kind: str | None) -> str:
    """A figure's kind (spec, estimate, scenario input ...) in the workbook's language."""
    if not kind:
        return ""
    return i18n.word("fact_kind", kind, bk.lang, i18n.world_phrase(kind, bk.lang))


def _mixed_table(bk, ws, row, headers, rows, raw) -> int:
    """A table whose value column has a format per row (by the row's unit)."""
    for j, h in enumerate(headers):
        ws.write_string(row, j, h, bk.head)
    for i, (r, a) in enumerate(zip(rows, raw), start=1):
        unit = a.get("unit") or ""
        v = r[1]
        if unit.startswith("USD") and ("share" in unit or (isinstance(v, (int, float)) and abs(v) < 1000)):
            kind = "usd_per_share"
        elif unit.startswith("USD"):
            kind = "usd_b" if isinstance(v, (int, float)) and abs(v) >= 1e9 else "usd_m"
        elif unit == "shares":
            kind = "shares_m"
        elif unit == "" and isinstance(v, float) and abs(v) <= 1:
            kind = "pct"
        else:
            kind = "number"
        for j, x in enumerate(r):
            bk.cell(ws, row + i, j, bk.money_unit(x) if j == 2 and isinstance(x, str) else x, kind if j == 1 else "text")
    return row + len(rows) + 2


# -- Flows and companies --------------------------------------------------------------------------

def _flows(bk, ctx) -> None:
    from gigawatt.analyses.flows import GROUPS, companies

    fl = ctx.flows
    ws = bk.sheet("Flows")
    row = bk.title(ws, 0, _t(bk, "Money flows: capex by segment"), i18n.said(fl.get("method", ""), bk.lang))
    seg_label = lambda k: next((bk.s(key) for key in (f"xlsx.seg.{k}", f"seg.{k}") if key in i18n.STRINGS), humanize(k))  # noqa: E731
    rows = [[seg_label(k), v, fl["per_gw"][k], fl["shares"][k], i18n.word("flow_group", k, bk.lang, GROUPS[k])] for k, v in fl["segments"].items()]
    rows.append([bk.label("capex_usd", "nameplate"), fl["total_usd"], fl["total_usd"] / fl["gw"] if fl["gw"] else None, 1.0, ""])
    row = bk.table(ws, row, 0, [(_t(bk, "Segment"), "text"), (_t(bk, "Capex"), "usd"), (_t(bk, "Per GW"), "usd_per_gw"),
                                (_t(bk, "Share"), "pct"), (_t(bk, "Supplier group"), "text")], rows, [44, 16, 16, 12, 30])
    h = fl.get("headline")
    if h:
        row = bk.subtitle(ws, row, _t(bk, "The headline (top-down) by recipient"))
        rows = [[i18n.word("flow_line", k, bk.lang, h["labels"][k]), v, h["per_gw"].get(k), i18n.word("flow_paid_to", k, bk.lang, h["paid_to"][k])]
                for k, v in h["lines"].items()]
        rows.append([bk.label("capex_topdown_usd", "nameplate"), h["total_usd"], None, ""])
        row = bk.table(ws, row, 0, [(bk.s("xlsx.line_item"), "text"), (_t(bk, "Capex"), "usd"), (_t(bk, "Per GW"), "usd_per_gw"),
                                    (_t(bk, "Paid to"), "text")], rows)
    vr = fl.get("vendor_revenue") or {}
    if vr:
        row = bk.subtitle(ws, row, _t(bk, "Vendor revenue"))

        rows = [[fmt.vendor_name(v), x["revenue_usd"], x["content_usd"], x.get("revenue_usd_per_gw"), x["gw"],
                 "; ".join(i18n.world_phrase(b, bk.lang) for b in x.get("basis", []))]
                for v, x in vr.items()]
        row = bk.table(ws, row, 0, [(_t(bk, "Vendor"), "text"), (_t(bk, "Vendor revenue"), "usd"),
                                    (_t(bk, "Content at catalog prices"), "usd"), (_t(bk, "Revenue per GW"), "usd_per_gw"),
                                    (bk.header("gw", "nameplate"), "gw"), (_t(bk, "Revenue basis"), "text")], rows)
    comp = companies(ctx.result)
    years = sorted({y for c in comp["companies"] for y in (c.get("revenue_usd_by_year") or {})})
    row = bk.subtitle(ws, row, _t(bk, "Listed companies"))
    rows = []
    for c in comp["companies"]:
        share = (c.get("share") or {}).get("value")
        rows.append([c["name"], c.get("ticker") or "", c.get("exchange") or "", c.get("country") or "", c.get("exposure") or "",
                     share if isinstance(share, (int, float)) else i18n.world_phrase((c.get("share") or {}).get("text", _t(bk, "unknown")), bk.lang),
                     c.get("revenue_usd") if c.get("revenue_usd") is not None else
                     i18n.world_phrase(c.get("revenue_text", _t(bk, "unknown")), bk.lang),
                     *[(c.get("revenue_usd_by_year") or {}).get(y) for y in years]])
    bk.table(ws, row, 0, [(_t(bk, "Company"), "text"), (_t(bk, "Ticker"), "text"), (_t(bk, "Exchange"), "text"),
                          (_t(bk, "Country"), "text"), (_t(bk, "Exposure"), "text"), (_t(bk, "Share"), "pct"),
                          (_t(bk, "Revenue over the build"), "usd_b"), *[(y, "usd") for y in years]], rows)


# -- Supply ---------------------------------------------------------------------------------------

def _supply(bk, sup: dict) -> None:
    ws = bk.sheet("Supply")
    row = bk.title(ws, 0, _t(bk, "Supply: HBM and CoWoS by quarter"))
    b = sup.get("binding")
    binding = (f"{b['name']}, {bk.quarter(b['quarter'])} ({b['share_of_world']:.0%})" if b else _t(bk, "Nothing binds"))
    row = bk.pairs(ws, row, [(_t(bk, "Allocable share of world supply"), sup["allocable_share"], "pct"),
                             (_t(bk, "Binding input"), binding, "text")])
    cols = [(_t(bk, "Quarter"), "text"), (_t(bk, "HBM bought") + " [GB]", "gb"), (_t(bk, "World HBM") + " [GB]", "gb"),
            (_t(bk, "HBM, share of world"), "pct2"), (_t(bk, "CoWoS wafers"), "count"), (_t(bk, "World CoWoS wafers"), "count"),
            (_t(bk, "CoWoS, share of world"), "pct2"), (_t(bk, "HBM stacks"), "count"), (_t(bk, "Substrates"), "count")]
    rows = [[bk.quarter(q["quarter"]), q["hbm_gb"], q["world_hbm_gb"], q["hbm_share_of_world"], q["cowos_wafers"], q["world_cowos_wafers"],
             q["cowos_share_of_world"], q["hbm_stacks"], q["substrates"]] for q in sup["quarters"]]
    top = row
    row = bk.table(ws, row, 0, cols, rows, [14, 16, 16, 12, 14, 16, 12, 14, 14])
    sheet = ws.get_name()
    n = len(rows)
    chart = bk.wb.add_chart({"type": "line"})
    for col, color in ((3, "#7030A0"), (6, "#C55A11")):
        chart.add_series({"name": [sheet, top, col], "categories": [sheet, top + 1, 0, top + n, 0],
                          "values": [sheet, top + 1, col, top + n, col], "line": {"color": color, "width": 2}})
    chart.set_title({"name": _t(bk, "Supply: HBM and CoWoS by quarter"), "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis({"interval_unit": 4, "num_font": {"rotation": -45}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 300})
    ws.insert_chart(2, 10, chart)
    row = bk.subtitle(ws, row, _t(bk, "Notes"))
    for note in sup.get("notes", []):
        ws.write_string(row, 0, i18n.said(note, bk.lang))
        row += 1
    ws.freeze_panes(top + 1, 1)


# -- Monte Carlo ----------------------------------------------------------------------------------

def _montecarlo(bk, mc: dict, result) -> None:
    ws = bk.sheet("Monte Carlo")
    row = bk.title(ws, 0, _t(bk, "Monte Carlo: percentiles"), f"{_t(bk, 'Samples')}: {mc['samples']:,} · {_t(bk, 'Seed')}: {mc['seed']}")
    qs = ["p5", "p10", "p50", "p90", "p95"]
    rows_by_kind: list[tuple[list, str]] = []
    ws.set_row(row, 30)
    for j, h in enumerate([_t(bk, "Result"), *[q.upper() for q in qs], _t(bk, "Mean"), _t(bk, "Unit")]):
        ws.write_string(row, j, h, bk.head)
    row += 1
    for k, v in mc["percentiles"].items():
        p = registry.params().get(("scalar", k))
        label = bk.label(k, "scalar") if p else humanize(k)
        ws.write_string(row, 0, label)
        if k == "completion_month_index":
            for j, q in enumerate(qs, start=1):
                bk.cell(ws, row, j, v.get(f"{q}_month") or _t(bk, "not within the horizon"), "month")
            bk.cell(ws, row, len(qs) + 1, None)
            ws.write_string(row, len(qs) + 2, f"{_t(bk, 'Share completed')}: {v.get('share_completed', 0):.0%}")
        else:
            kind = bk.kind_of(p.format if p else "number", [v.get(q) for q in qs if v.get(q) is not None])
            if kind in ("twh", "mt"):
                kind = "num1"
            for j, q in enumerate(qs, start=1):
                bk.cell(ws, row, j, v.get(q), kind)
            bk.cell(ws, row, len(qs) + 1, v.get("mean"), kind)
            ws.write_string(row, len(qs) + 2, (bk.currency_word if bk.converts else "") if (p and p.unit == "USD")
                            else (bk.unit(k, "scalar") if p else ""))
        row += 1
    row += 1
    variables = mc.get("variables") or []
    if variables:
        row = bk.subtitle(ws, row, _t(bk, "Uncertain inputs drawn"))
        vlabels = _var_labels(bk, result)
        money = _money_vars(result) if bk.converts else set()
        # A money variable's distribution stays as the scenario writes it (dollars); its percentiles are converted.
        usd = f"［{i18n.unit_text('USD', 'ja')}］" if bk.lang == "ja" else " [USD]"
        rows = [[vlabels.get(v["name"]) or humanize(v["name"]), i18n.distribution(v.get("dist", {}), bk.lang) + (usd if v["name"] in money else ""),
                 v.get("p5"), v.get("p50"), v.get("p95")] for v in variables]
        top = row
        row = bk.table(ws, row, 0, [(_t(bk, "Variable"), "text"), (_t(bk, "Distribution"), "text"), ("P5", "number"), ("P50", "number"),
                                    ("P95", "number")], rows)
        _money_cells(bk, ws, top, rows, [v["name"] for v in variables], _money_vars(result), range(2, 5))
    ms = mc.get("milestones")
    if ms:
        row = bk.subtitle(ws, row, _t(bk, "Milestones: first month with probability"))
        rows = [[g, a or _t(bk, "not within the horizon"), b or _t(bk, "not within the horizon")]
                for g, a, b in zip(ms["gw"], ms["first_month_p50"], ms["first_month_p90"])]
        row = bk.table(ws, row, 0, [(_t(bk, "GW delivered") + " [GW]", "gw"), (_t(bk, "P50 by"), "month"), (_t(bk, "P90 by"), "month")], rows)
    # Fans: one block per fan side by side (month, P5..P95), a chart for each below the tables.
    col = 9
    sheet = ws.get_name()
    chart_row = row
    for f, fan in mc.get("fans", {}).items():
        title, kind = _registered(bk, f, FAN_ROLES.get(f))
        ws.write_string(1, col, f"{_t(bk, 'Fan')}: {title}", bk.bold)
        hdr = 2
        ws.write_string(hdr, col, _t(bk, "Month"), bk.head)
        for j, q in enumerate(qs, start=1):
            ws.write_string(hdr, col + j, q.upper(), bk.head)
        months = fan["month"]
        for i, m in enumerate(months):
            bk.cell(ws, hdr + 1 + i, col, m, "date")
            for j, q in enumerate(qs, start=1):
                bk.cell(ws, hdr + 1 + i, col + j, fan[q][i], kind)
        chart = bk.wb.add_chart({"type": "line"})
        for j, q, color, dash in ((1, "p5", "#9DC3E6", "dash"), (3, "p50", "#1F3864", "solid"), (5, "p95", "#9DC3E6", "dash"),
                                  (2, "p10", "#2E75B6", "round_dot"), (4, "p90", "#2E75B6", "round_dot")):
            chart.add_series({"name": [sheet, hdr, col + j], "categories": [sheet, hdr + 1, col, hdr + len(months), col],
                              "values": [sheet, hdr + 1, col + j, hdr + len(months), col + j],
                              "line": {"color": color, "width": 2.25 if q == "p50" else 1.25, "dash_type": dash}})
        chart.set_title({"name": f"{_t(bk, 'Fan')}: {title}", "name_font": {"size": 11}})
        chart.set_y_axis({"num_format": bk.axis_money_format() if kind == "usd_b" else "#,##0.0",
                          "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        chart.set_x_axis(DATE_AXIS)
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 560, "height": 280})
        ws.insert_chart(chart_row, 0, chart)
        chart_row += 16
        for j in range(len(qs) + 1):
            ws.set_column(col + j, col + j, 12 if j else 9)
        col += len(qs) + 2
    ws.set_column(0, 0, 36)
    ws.set_column(1, 7, 14)


def _money_vars(result) -> set[str]:
    """Uncertain variables whose values are money (they set or add to an input in USD, e.g. an electricity
    price), so the workbook shows them in its currency; multipliers and months are not money."""
    from gigawatt.engine.uncertainty import compile_variables

    try:
        variables = compile_variables(result.scenario, result.inputs)
    except Exception:  # noqa: BLE001 - a format must never break the workbook
        return set()
    units = {p.name: p.unit for p in registry.of_role("input")}
    return {v.name for v in variables
            if any(op in ("set", "add") and any(str(units.get(n, "")).startswith("USD") for n in names) for names, op, *_ in v.targets)}


def _money_cells(bk, ws, top: int, rows: list, names: list[str], money: set[str], cols: range) -> None:
    """Rewrite the input values of money variables in a written table (header at ``top``) as money per unit."""
    for i, name in enumerate(names, start=1):
        if name in money:
            for j in cols:
                bk.cell(ws, top + i, j, rows[i - 1][j], "usd_small")


def _var_labels(bk, result) -> dict[str, str]:
    """Each uncertain variable's label (what it moves, where), by its identifier."""
    from gigawatt.engine.uncertainty import compile_variables, variable_label

    names = {k: a.name for k, a in result.catalog.accelerators.items()}
    try:
        return {v.name: variable_label(v, result.inputs, bk.lang, names) for v in compile_variables(result.scenario, result.inputs)}
    except Exception:  # noqa: BLE001 - a label must never break the workbook
        return {}


# -- Sensitivity ----------------------------------------------------------------------------------

def _sensitivity(bk, result) -> None:
    from gigawatt.core.errors import GigawattError
    from gigawatt.analyses.sensitivity import METRIC_ROLES, tornado

    try:
        tor = tornado(result)
    except GigawattError:
        return
    ws = bk.sheet("Sensitivity")
    lo_q, hi_q = tor["quantiles"]
    row = bk.title(ws, 0, _t(bk, "Sensitivity: tornado"), bk.s("sens.quantiles", low=f"{lo_q * 100:.0f}", high=f"{hi_q * 100:.0f}",
                                                              note=i18n.said(tor.get("note", ""), bk.lang)))
    sheet = ws.get_name()
    chart_row = 2
    for m, block in tor["tornado"].items():
        name, kind = _registered(bk, m, METRIC_ROLES.get(m))
        row = bk.subtitle(ws, row, f"{name} — {_t(bk, 'Base')}")
        bk.cell(ws, row - 1, 3, block["base"], kind, bold=True)
        base = block["base"]
        vlabels = _var_labels(bk, result)
        rows = [[vlabels.get(b["variable"]) or humanize(b["variable"]), b["low_input"], b["high_input"], b["output_at_low"], b["output_at_high"],
                 b["output_at_low"] - base, b["output_at_high"] - base, b["swing"]] for b in block["bars"]]
        top = row
        row = bk.table(ws, row, 0, [(_t(bk, "Variable"), "text"), (_t(bk, "Low input"), "number"), (_t(bk, "High input"), "number"),
                                    (_t(bk, "Output at low"), kind), (_t(bk, "Output at high"), kind), (_t(bk, "Change at low"), kind),
                                    (_t(bk, "Change at high"), kind), (_t(bk, "Swing"), kind)], rows, [34, 12, 12, 16, 16, 16, 16, 16])
        _money_cells(bk, ws, top, rows, [b["variable"] for b in block["bars"]], _money_vars(result), range(1, 3))
        if m in ("npv_cost_usd", "gw_months_online") and rows:
            chart = bk.wb.add_chart({"type": "bar"})
            for col, color in ((5, "#2E75B6"), (6, "#C55A11")):
                chart.add_series({"name": [sheet, top, col], "categories": [sheet, top + 1, 0, top + len(rows), 0],
                                  "values": [sheet, top + 1, col, top + len(rows), col], "fill": {"color": color},
                                  "overlap": 100, "gap": 40})
            chart.set_title({"name": f"{_t(bk, 'Sensitivity: tornado')}: {name}", "name_font": {"size": 11}})
            chart.set_x_axis({"num_format": bk.axis_money_format() if kind == "usd_b" else "#,##0.0",
                              "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
            chart.set_y_axis({"reverse": True})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 600, "height": 300})
            ws.insert_chart(chart_row, 9, chart)
            chart_row += 17
