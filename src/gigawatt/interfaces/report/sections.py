"""The report's sections, in order. Each is a function of the :class:`Context`; add one here."""
from __future__ import annotations

import numpy as np

from gigawatt.core import fmt
from gigawatt.core import i18n
from gigawatt.core.i18n import t as _t
from gigawatt.analyses.headline import pairs as headline_pairs
from gigawatt.core.timeline import sum_by_period
from gigawatt.interfaces.dashboard import scenario_text_in
from gigawatt.interfaces.report import Chart, Context, Section, Table

#: Section ids in the order the executive summary names them (see :func:`summary`).
_DIM = "#444444"  # the top-down bar: a colour no stacked segment uses


def _m(ctx: Context, x) -> str:
    """Money in the report's language and currency."""
    return i18n.money(x, ctx.lang, ctx.currency, ctx.per_usd)


def _ps(ctx: Context, x) -> str:
    """A per-share or per-hour amount (cents kept)."""
    return i18n.per_share(x, ctx.lang, ctx.currency, ctx.per_usd)


def _axis(ctx: Context) -> tuple[float, str]:
    """(divide USD by, axis title) for money axes: $B, or 億ドル / 兆円."""
    div, title = i18n.money_axis(ctx.lang, ctx.currency)
    return div / ctx.per_usd, title


def _mon(ctx: Context, m) -> str:
    return i18n.month(m, ctx.lang) if m else _t("never", ctx.lang)


def _gw(ctx: Context, x, digits: int = 1) -> str:
    return i18n.number(x, ctx.lang, digits, "GW")


def _name(ctx: Context, ident: str) -> str:
    """A vendor or product id as people write it (``amd`` → ``AMD``, ``mi450`` → the catalog's name)."""
    for d in ctx.result.scenario.deals:
        if d.supplier and d.supplier.lower() == str(ident).lower():
            return d.supplier
    try:
        return ctx.result.catalog.accelerator(ident).name
    except Exception:  # noqa: BLE001 - not a product id
        pass
    return {"amd": "AMD", "nvidia": "NVIDIA", "broadcom": "Broadcom", "google": "Google", "aws": "AWS", "intel": "Intel"}.get(
        str(ident).lower(), str(ident).replace("_", " ").replace("-", " "))


def _full_month(r) -> str | None:
    """The first month cumulative delivered GW reaches the scenario's total."""
    d = r.monthly(["delivered_gw"])["delivered_gw"]
    total = r.totals()["gw"]
    hit = np.nonzero(d >= total - 1e-6)[0]
    return r.months[int(hit[0])] if len(hit) else None


def _first_deal(ctx: Context, key: str) -> dict | None:
    if not ctx.deal:
        return None
    return next((d for d in ctx.deal["deals"] if d.get(key)), None)


def _expiry_share(ctx: Context) -> tuple[float, float, str] | None:
    """(final milestone GW, share of simulations in which it is met after the warrant's expiry, expiry month)."""
    d = _first_deal(ctx, "warrant")
    if not ctx.mc or not d:
        return None
    w = d["warrant"]
    final = max(tr["gw_milestone"] for tr in w["tranches"])
    ms = ctx.mc["milestones"]
    j = next((i for i, g in enumerate(ms["gw"]) if abs(g - final) < 1e-6), None)
    if j is None or w["expiry"] not in ms["month"]:
        return None
    return final, 1.0 - float(ms["prob_delivered_by"][j][ms["month"].index(w["expiry"])]), w["expiry"]


def summary(ctx: Context) -> Section:
    """The first page: five numbers that matter and one paragraph generated from them, with the key risks."""
    L, r = ctx.lang, ctx.result
    tt = r.totals()
    sc = r.scenario
    full = _full_month(r)
    start = next((m for m, g in zip(r.months, r.monthly(["delivered_gw"])["delivered_gw"]) if g > 1e-9), None)
    cands = [
        [_t("sum.capacity", L), _gw(ctx, tt["gw"]), _t("sum.capacity_note", L, it=_gw(ctx, tt["gw_it"]), acc=i18n.count(tt["accelerators"]))],
        [_t("sum.capex", L), _m(ctx, tt["capex_topdown_usd"]),
         _t("sum.capex_note", L, bu=_m(ctx, tt["capex_usd"]), ratio=f"{tt['capex_ratio_topdown_to_bottomup']:.2f}")],
        [_t("sum.full", L), _mon(ctx, full), _t("sum.full_note", L, start=_mon(ctx, start))],
    ]
    wd, sd, idl = _first_deal(ctx, "warrant"), _first_deal(ctx, "supplier_economics"), _first_deal(ctx, "investment")
    if wd:
        w = wd["warrant"]
        cands.append([_t("sum.warrant", L, deal=wd["name"]), _m(ctx, w["value_usd"]),
                      _t("sum.warrant_note", L, p10=_m(ctx, w["value_usd_p10"]), p90=_m(ctx, w["value_usd_p90"]),
                         full=i18n.pct(w["prob_full_vest"], L), shares=i18n.shares(w["shares_total"], L), asof=_mon(ctx, w["valuation_month"]))])
    if sd:
        s = sd["supplier_economics"]
        eps = s["eps_usd_by_year"]
        peak = max(eps, key=lambda y: eps[y]) if eps else None
        cands.append([_t("sum.revenue", L, supplier=sd["supplier"]), _m(ctx, s["revenue_usd_total"]),
                      _t("sum.revenue_note", L, eps=_ps(ctx, eps[peak]) if peak else "-", year=peak or "-")])
    if idl:
        inv = idl["investment"]
        cands.append([_t("sum.investment", L, supplier=idl["supplier"]), _m(ctx, inv["total_usd"]),
                      _t("sum.investment_note", L, per=_m(ctx, inv["usd_per_gw"]))])
    cands.append([label_of(ctx, "npv_cost_usd", "nameplate"), _m(ctx, tt["npv_cost_usd"]), _t("sum.npv_note", L, start=_mon(ctx, sc.horizon.start))])
    cands.append([label_of(ctx, "energy_twh_per_year", "nameplate"), i18n.unit_words(i18n.number(tt["energy_twh_per_year"], L, 1, "TWh/yr"), L), ""])
    rows = cands[:5]
    # The paragraph: what it is, what it costs, then the risks.
    parts = [_t("sum.p_base", L, title=scenario_text_in(sc, "title", L), gw=_gw(ctx, tt["gw"]), start=_mon(ctx, start),
                full=_mon(ctx, full),
                td=_m(ctx, tt["capex_topdown_usd"]), bu=_m(ctx, tt["capex_usd"]), ratio=f"{tt['capex_ratio_topdown_to_bottomup']:.2f}")]
    if wd:
        w = wd["warrant"]
        parts.append(_t("sum.p_warrant", L, value=_m(ctx, w["value_usd"]), p10=_m(ctx, w["value_usd_p10"]), p90=_m(ctx, w["value_usd_p90"]),
                        full=i18n.pct(w["prob_full_vest"], L), expiry=_mon(ctx, w["expiry"]), asof=_mon(ctx, w["valuation_month"])))
        late = _expiry_share(ctx)
        if late:
            parts.append(_t("sum.p_expiry_mc", L, gw=_gw(ctx, late[0], 0), share=i18n.pct(late[1], L, 0), n=f"{ctx.mc['samples']:,}",
                            expiry=_mon(ctx, late[2])))
        else:
            final = max(tr["gw_milestone"] for tr in w["tranches"])
            met = next((tr["gw_milestone_month"] for tr in w["tranches"] if abs(tr["gw_milestone"] - final) < 1e-9), None)
            parts.append(_t("sum.p_expiry_plan", L, gw=_gw(ctx, final, 0), month=_mon(ctx, met), expiry=_mon(ctx, w["expiry"])))
    if sd:
        s = sd["supplier_economics"]
        parts.append(_t("sum.p_revenue", L, supplier=sd["supplier"], rev=_m(ctx, s["revenue_usd_total"]), per=_m(ctx, s["revenue_usd_per_gw"])))
    if ctx.supply:
        b = ctx.supply["binding"]
        parts.append(_t("sum.p_supply", L, name=i18n.word("supply_input", b["input"], L, b["name"]), quarter=i18n.quarter(b["quarter"], L),
                        share=i18n.pct(b["share_of_world"], L, 0), alloc=i18n.pct(b["allocable_share"], L, 0)) if b else
                     _t("sum.p_supply_none", L, alloc=i18n.pct(ctx.supply["allocable_share"], L, 0)))
    if ctx.mc:
        p = ctx.mc["percentiles"]["capex_usd"]
        parts.append(_t("sum.p_mc", L, p5=_m(ctx, p["p5"]), p95=_m(ctx, p["p95"]), n=f"{ctx.mc['samples']:,}"))
    sep = "" if L == "ja" else " "
    return Section("summary", _t("sec.summary", L), sep.join(parts),
                   [Table(_t("sum.table", L), [_t("sum.col_what", L), _t("sum.col_value", L), _t("sum.col_note", L)], rows, numeric=[1])])


def label_of(ctx: Context, name: str, role: str | None = None) -> str:
    """A registry label in the report's language."""
    return i18n.label(name, ctx.lang, role)


def _years(months: list[str]) -> list[int]:
    return [i for i, m in enumerate(months) if m.endswith("-12")]


def headline(ctx: Context) -> Section:
    r = ctx.result
    L = ctx.lang
    sc = r.scenario
    # The one headline (CLI, report, page), its unit words in the report's language.
    rows = [[a, i18n.unit_words(b, L)] for a, b in headline_pairs(r, lang=L, currency=ctx.currency, per_usd=ctx.per_usd)]
    deals = Table(_t("hl.by_deal", L), [_t("col.deal", L), _t("col.supplier", L), "GW", label_of(ctx, "accelerators", "nameplate"),
                                         label_of(ctx, "capex_usd", "nameplate"), label_of(ctx, "capex_topdown_usd", "nameplate"),
                                         label_of(ctx, "energy_twh_per_year", "nameplate") + " (TWh)"],
                  [[d["name"], d["supplier"], f"{d['gw']:,.2f}", i18n.count(d["accelerators"]), _m(ctx, d["capex_usd"]),
                    _m(ctx, d["capex_topdown_usd"]), f"{d['energy_twh_per_year']:,.1f}"] for d in r.groups("deal")], numeric=[2, 3, 4, 5, 6])
    text = _t("hl.text", L, description=scenario_text_in(sc, "description", L), checked=sc.checked or "-",
              start=_mon(ctx, sc.horizon.start),
              end=_mon(ctx, sc.horizon.end))
    return Section("headline", _t("sec.headline", L), text.strip(), [Table(_t("hl.table", L), ["", _t("col.value", L)], rows, numeric=[1]), deals])


def capacity(ctx: Context) -> Section:
    r = ctx.result
    L = ctx.lang
    by_vendor = r.monthly(["online_gw"], by="vendor")["online_gw"]
    by_product = r.monthly(["online_gw"], by="product")["online_gw"]
    s = r.monthly(["accelerators", "racks"])
    charts = []
    if len(by_vendor) > 1:  # one vendor: the vendor chart would repeat the product chart
        charts.append(Chart("gw_by_vendor", _t("cap.by_vendor", L), r.months, {_name(ctx, k): v.tolist() for k, v in by_vendor.items()},
                            "area", _t("cap.gw_axis", L)))
    charts.append(Chart("gw_by_product", _t("cap.by_product", L), r.months, {_name(ctx, k): v.tolist() for k, v in by_product.items()},
                        "area", _t("cap.gw_axis", L)))
    acc = label_of(ctx, "accelerators", "series")
    tt = r.totals()
    per_rack = tt["accelerators"] / tt["racks"] if tt["racks"] else 0
    # Racks are proportional to accelerators (same curve): stated in the note, not drawn on the accelerator axis.
    charts.append(Chart("accelerators", _t("cap.acc_chart", L), r.months, {acc: s["accelerators"].tolist()}, "line", acc,
                        note=_t("cap.racks_note", L, racks=i18n.count(float(np.max(s["racks"]))), per=f"{per_rack:,.0f}")))
    return Section("capacity", _t("sec.capacity", L), _t("cap.text", L), charts=charts)


def capex(ctx: Context) -> Section:
    fl = ctx.flows
    r = ctx.result
    L = ctx.lang
    seg = fl["segments"]
    t = r.totals()
    div, unit_title = _axis(ctx)
    bu, td = _t("capex.bottom_up", L), _t("capex.top_down", L)
    series = {_t("seg." + k, L): [v / div, 0.0] for k, v in seg.items()}
    series[_t("capex.top_down_series", L)] = [0.0, t["capex_topdown_usd"] / div]
    chart = Chart("capex_segments", _t("capex.chart", L), [bu, td], series, "bar", unit_title,
                  colors={_t("capex.top_down_series", L): _DIM})
    table = Table(_t("capex.table", L), [_t("capex.segment", L), _t("capex.amount", L), _t("capex.per_gw", L), _t("capex.share", L)],
                  [[_t("seg." + k, L), _m(ctx, v), _m(ctx, fl["per_gw"][k]), i18n.pct(fl["shares"][k], L)] for k, v in seg.items()],
                  numeric=[1, 2, 3])
    cum = np.cumsum(r.monthly(["capex_usd"])["capex_usd"])
    return Section("capex", _t("sec.capex", L), _t("capex.text", L, bu=_m(ctx, t["capex_usd"]), td=_m(ctx, t["capex_topdown_usd"]),
                                                  ratio=f"{t['capex_ratio_topdown_to_bottomup']:.2f}"), [table],
                   [chart, Chart("capex_cumulative", _t("capex.cum_chart", L), r.months, {_t("capex.cum_series", L): (cum / div).tolist()},
                                 "line", unit_title)])


def energy(ctx: Context) -> Section:
    r = ctx.result
    s = r.monthly(["energy_mwh", "co2_t", "co2_market_t", "water_m3"])
    years = [r.months[i][:4] for i in _years(r.months)]  # calendar years that end inside the horizon

    def yearly(a):
        by_year = sum_by_period(r.months, a, "year")
        return [by_year[y] for y in years]

    L = ctx.lang
    loc, mkt = _t("en.location", L), _t("en.market", L)
    return Section("energy", _t("sec.energy", L), _t("en.text", L), charts=[
        Chart("energy", _t("en.energy_chart", L), years, {f"{_t('en.energy_chart', L)}{'（TWh）' if L == 'ja' else ' (TWh)'}": [v / 1e6 for v in yearly(s["energy_mwh"])]},
              "bar", "TWh"),
        Chart("co2", _t("en.co2_chart", L), years, {loc: [v / 1e6 for v in yearly(s["co2_t"])],
                                                    mkt: [v / 1e6 for v in yearly(s["co2_market_t"])]}, "line", _t("en.co2_axis", L),
              styles={loc: "markers", mkt: "dash"}, note=_t("en.co2_note", L)),
        Chart("water", _t("en.water_chart", L), years, {_t("en.water_series", L): [v / 1e6 for v in yearly(s["water_m3"])]}, "bar",
              _t("en.water_axis", L)),
    ])


def supply(ctx: Context) -> Section:
    L = ctx.lang
    rep = ctx.supply
    q = [row for row in rep["quarters"] if row["hbm_gb"] or row["cowos_wafers"]]
    b = rep["binding"]
    alloc = rep["allocable_share"]
    text = (_t("sup.binds", L, name=i18n.word("supply_input", b["input"], L, b["name"]), quarter=i18n.quarter(b["quarter"], L),
               share=i18n.pct(b["share_of_world"], L, 0), alloc=i18n.pct(b["allocable_share"], L, 0)) if b else _t("sup.none", L, alloc=i18n.pct(alloc, L, 0)))

    def binding_of(row):
        over = {n: row[k] for n, k in (("HBM", "hbm_share_of_world"), ("CoWoS", "cowos_share_of_world")) if row[k] > alloc}
        return max(over, key=over.get) if over else _t("none", L)

    rows = [[i18n.quarter(row["quarter"], L), i18n.pct(row["hbm_share_of_world"], L), i18n.pct(row["cowos_share_of_world"], L),
             binding_of(row)] for row in q]
    quarters = [i18n.quarter(row["quarter"], L, short=True) for row in q]  # axis labels: the short form does not overlap
    return Section("supply", _t("sec.supply", L), text,
                   [Table(_t("sup.table", L, alloc=i18n.pct(alloc, L, 0)), [_t("sup.quarter", L), "HBM", "CoWoS", _t("sup.binding", L)], rows,
                          numeric=[1, 2])],
                   charts=[Chart("supply_shares", _t("sup.chart", L), quarters,
                                 {"HBM": [100 * row["hbm_share_of_world"] for row in q], "CoWoS": [100 * row["cowos_share_of_world"] for row in q],
                                  _t("sup.allocable", L): [100 * alloc] * len(q)}, "line", _t("sup.axis", L),
                                 styles={"CoWoS": "dash", _t("sup.allocable", L): "dot"}, note=_t("sup.note", L))])


def world(ctx: Context) -> Section | None:
    """The deal ledger's world view: GW online by buyer and vendor, the deals with status and GW
    counted / sized / left out, the binding supply input, the as-of date and the source note.

    Shown when asked (``gigawatt report --world`` sets ``ctx.world`` to a ``world_data`` object)
    or when the scenario comes from the ledger (every deal names its ``ledger:`` id): then the
    ledger's view, as of today, of those deals."""
    from gigawatt.interfaces.report.world import section, world_for_ids

    data = getattr(ctx, "world", None)
    if data is None:
        ids = [d.ledger for d in ctx.result.scenario.deals]
        if not ids or None in ids:
            return None
        data = world_for_ids(ids)
    if data is None:
        return None
    sec = section(data, ctx.lang, ctx.currency, ctx.per_usd)
    for c in sec.charts:  # vendor ids (amd, nvidia) as names
        c.series = {_name(ctx, k): v for k, v in c.series.items()}
    return sec  # in the report's language (world.section translates its own tables, text and charts)


def warrant(ctx: Context) -> Section | None:
    """Deal economics: the warrant's value and vesting by tranche, and any vendor investment."""
    d = _first_deal(ctx, "warrant")
    if not d:
        return None
    L = ctx.lang
    w = d["warrant"]
    rows = [[i + 1, i18n.shares(tr["shares"], L), _gw(ctx, tr["gw_milestone"], 1), _ps(ctx, tr["price_hurdle"]), i18n.pct(tr["prob_vest"], L),
             _mon(ctx, tr["gw_milestone_month"]), _mon(ctx, tr["expected_vest_month"]),
             _t("terms.assumed", L) if tr["assumed"] else _t("terms.public", L)] for i, tr in enumerate(w["tranches"])]
    pv = w["prob_vest_by_month"]
    text = _t("w.text", L, shares=i18n.shares(w["shares_total"], L), pre=i18n.number(w["stake_pct_pre"], L, 1, "%"),
              post=i18n.number(w["stake_pct_post"], L, 1, "%"), strike=_ps(ctx, w["strike_usd"]), expiry=_mon(ctx, w["expiry"]),
              final=_m(ctx, w["value_at_final_hurdle_usd"]), value=_m(ctx, w["value_usd"]), p10=_m(ctx, w["value_usd_p10"]),
              p50=_m(ctx, w["value_usd_p50"]), p90=_m(ctx, w["value_usd_p90"]), full=i18n.pct(w["prob_full_vest"], L),
              asof=_mon(ctx, w["valuation_month"]), spot=_ps(ctx, w["spot_usd"]), vol=i18n.pct(w["volatility"], L, 0),
              dil=i18n.number(w["expected_dilution_pct"], L, 1, "%"))
    tables = [Table(_t("w.tranches", L), ["#", _t("w.col_shares", L), _t("w.col_gw", L), _t("w.col_hurdle", L), _t("w.col_pvest", L),
                                         _t("w.col_gw_month", L), _t("w.col_vest", L), _t("w.col_terms", L)], rows, numeric=[0, 1, 2, 3, 4])]
    inv = _first_deal(ctx, "investment")
    if inv:
        i = inv["investment"]
        tables.append(Table(_t("w.investment", L, supplier=inv["supplier"]), ["", _t("col.value", L)], [
            [_t("w.inv_per_gw", L), _m(ctx, i["usd_per_gw"])], [_t("w.inv_cap", L), _m(ctx, i["cap_usd"])],
            [_t("w.inv_total", L), _m(ctx, i["total_usd"])], [_t("w.inv_cap_month", L), _mon(ctx, i["cap_reached_month"])],
            [_t("w.inv_stake", L), "-" if i["stake_pct_at_valuation"] is None else i18n.number(i["stake_pct_at_valuation"], L, 2, "%")]],
            numeric=[1]))
    months = pv["month"]
    series = {_t("w.tranche", L, n=k.rsplit("_", 1)[-1]): [100 * v for v in vals] for k, vals in pv.items() if k != "month"}
    return Section("warrant", _t("sec.deal", L) + (f"（{d['name']}）" if L == "ja" else f" ({d['name']})"), text, tables,
                   [Chart("vesting", _t("w.chart", L), months, series, "line", _t("w.chart_y", L))])


def shareholder(ctx: Context) -> Section | None:
    """The issuer's incremental P&L and EPS by fiscal year, before and after warrant dilution."""
    d = next((x for x in (ctx.deal or {}).get("deals", []) if (x.get("shareholder") or {}).get("available")), None)
    if not d:
        return None
    L = ctx.lang
    sh = d["shareholder"]
    rows = [[y["fiscal_year"], _m(ctx, y["revenue_usd"]), _m(ctx, y["gross_profit_usd"]), _m(ctx, y["net_income_usd"]),
             _ps(ctx, y["incremental_eps_usd"]), _ps(ctx, y["base_eps_usd"]), i18n.shares(y["warrant_shares_expected"], L),
             _ps(ctx, y["eps_with_deal_after_dilution_usd"]), i18n.number(y["accretion_after_dilution_pct"], L, 1, "%")] for y in sh["years"]]
    text = _t("sh.text", L, company=sh["company"], ticker=sh["ticker"], per=_ps(ctx, sh["warrant_value_per_existing_share_usd"]),
              value=_m(ctx, sh["warrant_value_usd"]), out=i18n.shares(sh["shares_outstanding"], L), asof=_mon(ctx, sh["value_as_of"]),
              n=sh["years_accretive_after_dilution"], years=len(sh["years"]))
    return Section("shareholder", _t("sec.shareholder", L, ticker=sh["ticker"]), text,
                   [Table(_t("sh.table", L, ticker=sh["ticker"], deal=d["name"]),
                          [_t("sh.fy", L), _t("sh.revenue", L), _t("sh.gross", L), _t("sh.net", L), _t("sh.eps_added", L), _t("sh.base_eps", L),
                           _t("sh.warrant_shares", L), _t("sh.eps_after", L), _t("sh.accretion", L)], rows, numeric=list(range(1, 9)))])


def buyer(ctx: Context) -> Section | None:
    """What the buyer pays and gets: cash, the warrant as a discount, cost per accelerator-hour, payback."""
    deals = [x for x in (ctx.deal or {}).get("deals", []) if x.get("buyer_economics")]
    if not deals:
        return None
    L = ctx.lang
    rows = []
    for x in deals:
        b = x["buyer_economics"]
        rows.append([x["name"], _m(ctx, b["cash_paid_usd"]), _m(ctx, b["warrant_value_usd"]) if b["warrant_value_usd"] else "-",
                     _m(ctx, b["investment_received_usd"]) if b["investment_received_usd"] else "-",
                     "-" if b["effective_discount_pct"] is None else i18n.number(b["effective_discount_pct"], L, 1, "%"),
                     _ps(ctx, b["tco_usd_per_accelerator_hour"]), _ps(ctx, b["tco_usd_per_effective_pflop_hour"]), _mon(ctx, b["payback_month"])])
    tables = [Table(_t("b.table", L), [_t("col.deal", L), _t("b.cash", L), _t("b.warrant", L), _t("b.investment", L), _t("b.discount", L),
                                       label_of(ctx, "tco_usd_per_accelerator_hour", "metric"),
                                       label_of(ctx, "tco_usd_per_effective_pflop_hour", "metric"), _t("b.payback", L)],
                    rows, numeric=list(range(1, 8)))]
    h = next((x["buyer_hourly"] for x in deals if x.get("buyer_hourly")), None)
    if h:
        life = [[_t("b.life_years", L, n=f"{r_['life_years']:g}") + (_t("b.base", L) if r_["life_years"] == h["it_life_years"] else ""),
                 _ps(ctx, r_["usd_per_accelerator_hour"]), _ps(ctx, r_["capital_it"]), _ps(ctx, r_["capital_facility"]), _ps(ctx, r_["energy"]),
                 _ps(ctx, r_["operations"]), "-" if r_.get("irr") is None else i18n.pct(r_["irr"], L),
                 _t("b.not_within", L) if r_.get("discounted_payback_months") is None else _t("unit.months", L, n=r_["discounted_payback_months"])]
                for r_ in h["life_sensitivity"]]
        tables.append(Table(_t("b.life", L, deal=h["deal"], rate=i18n.pct(h["discount_rate"], L)),
                            [_t("b.it_life", L), label_of(ctx, "usd_per_accelerator_hour", "metric"), _t("b.cap_it", L),
                             _t("b.cap_fac", L), _t("b.energy", L), _t("b.ops", L),
                             _t("b.irr", L), _t("b.dpayback", L)], life, numeric=list(range(1, 8))))
    return Section("buyer", _t("sec.buyer", L), _t("b.text", L), tables)


def _mc_value(ctx: Context, name: str, row: dict, q: str) -> str:
    """One Monte Carlo percentile as a reader wants it: money, a count, a month, GW, TWh, Mt, shares."""
    v = row.get(q)
    if v is None:
        return "-"
    L = ctx.lang
    if name == "completion_month_index":
        return _mon(ctx, row.get(f"{q}_month")) if q != "mean" else "-"
    if name.endswith("_usd"):
        return _m(ctx, v)
    if name == "warrant_shares_vested":
        return i18n.shares(v, L)
    if name == "accelerators":
        return i18n.count(v)
    return i18n.number(v, L, 1, i18n.unit(name, L, "scalar"))  # the registry's unit (GW, TWh, Mt; 百万トン in Japanese)


def montecarlo(ctx: Context) -> Section | None:
    if not ctx.mc:
        return None
    L = ctx.lang
    mc = ctx.mc
    f = mc["fans"]["online_gw"]
    qs = ("p5", "p10", "p50", "p90", "p95")
    rows = [[label_of(ctx, k, "scalar"), *(_mc_value(ctx, k, v, q) for q in qs)] for k, v in mc["percentiles"].items()
            if not (k.startswith("warrant") and "warrant" not in mc)]
    ms = mc["milestones"]
    mrows = [[_gw(ctx, g, 0), _mon(ctx, a), _mon(ctx, b)] for g, a, b in zip(ms["gw"], ms["first_month_p50"], ms["first_month_p90"])]
    div, unit_title = _axis(ctx)
    c = mc["fans"]["capex_cumulative_usd"]
    charts = [Chart("fan_gw", _t("mc.fan_gw", L), f["month"], {k: f[k] for k in qs}, "fan", _t("cap.gw_axis", L))]
    charts.append(Chart("fan_capex", _t("mc.fan_capex", L), c["month"], {k: [x / div for x in c[k]] for k in qs}, "fan", unit_title))
    tables = [Table(_t("mc.table", L), [_t("mc.output", L), "P5", "P10", "P50", "P90", "P95"], rows, numeric=[1, 2, 3, 4, 5]),
              Table(_t("mc.milestones", L), [_t("mc.milestone", L), _t("mc.p50_month", L), _t("mc.p90_month", L)], mrows, numeric=[0])]
    return Section("montecarlo", _t("sec.montecarlo", L) + _t("mc.title_n", L, n=f"{mc['samples']:,}", seed=mc["seed"]),
                   _t("mc.text", L), tables, charts)


def _var_labels(ctx: Context) -> dict[str, str]:
    """Each uncertain variable's label for people (what it moves, where), by its identifier."""
    from gigawatt.engine.uncertainty import compile_variables, variable_label

    r = ctx.result
    names = {k: a.name for k, a in r.catalog.accelerators.items()}
    try:
        variables = compile_variables(r.scenario, r.inputs)
    except Exception:  # noqa: BLE001 - a label must never break a report; fall back to the identifier as words
        return {}
    return {v.name: variable_label(v, r.inputs, ctx.lang, names) for v in variables}


def _var_label(name: str, labels: dict | None = None) -> str:
    """An uncertainty variable as people read it; its identifier as words where no label is known."""
    return (labels or {}).get(name) or name.replace("_", " ")


def sensitivity(ctx: Context) -> Section | None:
    """A tornado: each uncertain input alone at its P10 and P90, the present cost that results."""
    if not ctx.sensitivity:
        return None
    L = ctx.lang
    metric = "npv_cost_usd"
    tor = ctx.sensitivity["tornado"][metric]
    bars = [b for b in tor["bars"] if b["swing"] > 0][:10]
    if not bars:
        return None
    div, unit_title = _axis(ctx)
    base = tor["base"]
    vlabels = _var_labels(ctx)
    names = [_var_label(b["variable"], vlabels) for b in bars][::-1]
    lows = [(min(b["output_at_low"], b["output_at_high"]) - base) / div for b in bars][::-1]
    highs = [(max(b["output_at_low"], b["output_at_high"]) - base) / div for b in bars][::-1]
    rows = [[_var_label(b["variable"], vlabels), f"{b['low_input']:,.2f} → {b['high_input']:,.2f}", _m(ctx, b["output_at_low"]),
             _m(ctx, b["output_at_high"]), _m(ctx, b["swing"])] for b in bars]
    return Section("sensitivity", _t("sec.sensitivity", L), _t("sens.text", L, metric=label_of(ctx, metric, "nameplate"), base=_m(ctx, base)),
                   [Table(_t("sens.table", L), [_t("sens.input", L), _t("sens.range", L), _t("sens.at_low", L), _t("sens.at_high", L),
                                                _t("sens.swing", L)], rows, numeric=[1, 2, 3, 4])],
                   [Chart("tornado", _t("sens.chart", L, metric=label_of(ctx, metric, "nameplate")), names,
                          {_t("sens.range_series", L): [h - lo for lo, h in zip(lows, highs)]}, "bar", unit_title + _t("sens.vs_base", L),
                          horizontal=True, base=lows, note=_t("sens.note", L))])


def validation(ctx: Context) -> Section:
    """How close the model's power is to real clusters (the `gigawatt validate` summary)."""
    from gigawatt.analyses.validate import cluster_rows, cluster_summary

    summary = cluster_summary(cluster_rows(ctx.result.catalog))

    def pct(x):
        return "-" if x is None else f"{x:.0%}"

    def row(label, s):
        m, b = s["model"], s["baseline"]
        return [label, m["rows"], pct(m["median_abs_error"]), pct(m["within_25pct"]), pct(b["median_abs_error"]), pct(b["within_25pct"])]

    L = ctx.lang
    rows = [row(_t("val.epoch", L), summary["epoch_public_set"]), row(_t("val.all", L), summary["all_rows"])]
    rows += [row(_t("val.family", L, f=f), s) for f, s in summary["by_family"].items()]
    return Section("validation", _t("sec.validation", L), _t("val.text", L),
                   [Table(_t("val.table", L), [_t("val.set", L), _t("val.clusters", L), _t("val.model_err", L), _t("val.model_25", L),
                                               _t("val.base_err", L), _t("val.base_25", L)], rows, numeric=[1, 2, 3, 4, 5])])


def _source_entry(ctx: Context, section: str, entry_id: str) -> str:
    """A catalog entry for people: its section's word and the entry's label — the registry's (in
    the report's language) when the id is a model input, else the catalog's own name — never its id."""
    from gigawatt.core import fmt

    shown = fmt.lookup(entry_id, "input") if section == "defaults" else None
    entry = ctx.result.catalog.section(section).get(entry_id) if hasattr(ctx.result.catalog, section) else None
    name = fmt.label(entry_id, ctx.lang, "input") if shown is not None else (getattr(entry, "name", None) or entry_id)
    return f"{i18n.word('catalog_section', section, ctx.lang, section.replace('_', ' ').capitalize())}{'：' if ctx.lang == 'ja' else ': '}{name}"


def sources(ctx: Context) -> Section:
    """A compact appendix: one row per catalog entry used, with its kinds, sources and dates."""
    L = ctx.lang
    rows, kinds = [], {}
    for src in ctx.result.sources():
        facts = src["facts"].values()
        k = {}
        for fact in facts:
            kind = fact.get("kind", "") or "-"
            k[kind] = k.get(kind, 0) + 1
            kinds[kind] = kinds.get(kind, 0) + 1
        cited = list(dict.fromkeys(str(f.get("source", "")) for f in facts if f.get("source")))
        dates = sorted({str(f.get("as_of")) for f in facts if f.get("as_of")})
        entry = _source_entry(ctx, str(src["section"]), str(src["id"]))
        rows.append([entry, len(src["facts"]), i18n.fact_kind_counts(k, L),
                     "; ".join(cited), (dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}") if dates else "-"])
    return Section("sources", _t("sec.sources", L), _t("src.text", L, kinds=i18n.fact_kind_counts(kinds, L)),
                   [Table(_t("src.table", L), [_t("src.entry", L), _t("src.numbers", L), _t("src.kinds", L), _t("src.sources", L),
                                               _t("src.as_of", L)], rows, numeric=[1])])


def scenario(ctx: Context) -> Section:
    return Section("scenario", _t("sec.scenario", L := ctx.lang), _t("scn.text", L), [Table("YAML", ["YAML"], [[ctx.scenario_text]])])


SECTIONS = [summary, warrant, shareholder, buyer, headline, capacity, capex, supply, energy, world, montecarlo, sensitivity,
            validation, sources, scenario]


def build(ctx: Context) -> list[Section]:
    return [s for s in (f(ctx) for f in SECTIONS) if s is not None]
