"""The investor view's tables (``deal``, ``flows``, ``sensitivity --metric warrant_value``) and the
market options of ``mc``/``report``. The analyses are the analyses layer's (``deals.run_deal``,
``flows.run_flows``, ``sensitivity.run_sensitivity``), which return typed results: these functions
only render them, so ``cli.py`` only wires options to a library call and a renderer."""
from __future__ import annotations

from gigawatt.core import fmt
from gigawatt.interfaces.console import esc, styled


#: How the deal analysis's assumption topics (its JSON keys) read in a sentence.
ASSUMPTION_TOPICS = {"expected_vest_month": "expected vest month", "eps_dilution": "EPS after dilution",
                     "deliveries": "deliveries", "price": "price", "vesting": "vesting", "value": "value"}


def print_deal(out, con, currency: str = "USD") -> None:
    """``gigawatt deal``'s tables for a :class:`~gigawatt.analyses.deals.DealAnalysis`, or, with
    ``--all-warrants``, an :class:`~gigawatt.analyses.deals.IssuerWarrants`."""
    from gigawatt.analyses.deals import IssuerWarrants

    if isinstance(out, IssuerWarrants):
        from gigawatt.interfaces.ledger_cli import _console as ledger_console, print_warrants

        print_warrants(out, ledger_console())  # the ledger commands' console, as `deals`
        _print_market_line(con, out.market_inputs, out.valuation_month)
        _print_dilution(con, out.shareholder, currency, out.fx["per_usd"])
        return
    _deal_tables(out, con)
    print_deal_extras(out, con, currency)


def _deal_tables(out, con) -> None:
    from rich.table import Table

    from gigawatt.interfaces.cli import _warn

    for d in out.deals:
        con.print(styled(f"[bold]{esc(d.name)}[/]  ({esc(d.buyer)} buys from {esc(d.supplier)})"))
        w = d.warrant
        if w:
            t = Table(title="Warrant", show_header=False, title_justify="left")
            t.add_column("", style="bold")
            t.add_column("", justify="right")
            for k, v in [
                ("Shares / strike", f"{w.shares_total:,} at ${w.strike_usd:g}; issued {w.issued}, expires {w.expiry}"),
                ("Stake of shares outstanding", f"{w.stake_pct_pre:.1f} % before issue, {w.stake_pct_post:.1f} % after"),
                ("Worth at the final hurdle", fmt.usd(w.value_at_final_hurdle_usd)),
                ("Valuation", f"{w.price_mode}, as of {w.valuation_month}, spot ${w.spot_usd:,.2f}"
                 + (f", vol {w.volatility:.0%}" if w.volatility is not None else "")),
                (f"Value as of {w.valuation_month} (mean)", fmt.usd(w.value_usd) + (f" ± {fmt.usd(w.value_usd_se)} (MC s.e.)" if w.value_usd_se else "")),
                ("P10 / P50 / P90", " / ".join(fmt.usd(x) for x in (w.value_usd_p10, w.value_usd_p50, w.value_usd_p90))),
                ("P(full vesting)", f"{w.prob_full_vest:.1%}"),
                ("Expected vested shares", f"{w.expected_vested_shares:,.0f} ({w.expected_dilution_pct:.1f} % dilution)"),
            ]:
                t.add_row(k, v)
            con.print(t)
            tt = Table(title="Warrant tranches", title_justify="left")
            for col in ("#", "Shares", "GW milestone", "Price hurdle", "Milestone month", "P(vest)", "Expected vest", "Terms"):
                tt.add_column(col, justify="right")
            for i, tr in enumerate(w.tranches):
                tt.add_row(str(i + 1), f"{tr.shares:,}", f"{tr.gw_milestone:g} GW" + (f" ({', '.join(tr.products)})" if tr.products else ""),
                           f"${tr.price_hurdle:,.0f}", tr.gw_milestone_month or "never", f"{tr.prob_vest:.1%}",
                           tr.expected_vest_month or "-", "assumed" if tr.assumed else "public")
            con.print(tt)
            for wmsg in w.warnings:
                _warn(wmsg)
        sup = d.supplier_economics
        if sup:
            years = [y for y, v in sup.revenue_usd_by_year.items() if v]
            t = Table(title=f"{sup.supplier}: incremental revenue and EPS ({fmt.usd(sup.revenue_usd_per_gw)} per GW, "
                            f"{sup.gross_margin:.0%} gross margin, {sup.tax_rate:.0%} tax)", title_justify="left")
            for col in ("Year", "Revenue", "Gross profit", "Net income", "EPS", "EPS before warrant dilution"):
                t.add_column(col, justify="right")
            for y in years:
                t.add_row(y, fmt.usd(sup.revenue_usd_by_year[y]), fmt.usd(sup.gross_profit_usd_by_year[y]),
                          fmt.usd(sup.net_income_usd_by_year[y]), f"${sup.eps_usd_by_year[y]:.2f}",
                          f"${sup.eps_usd_by_year_before_warrant_dilution[y]:.2f}")
            con.print(t)
        inv = d.investment
        if inv:
            yrs = ", ".join(f"{y}: {fmt.usd(v)}" for y, v in inv.usd_by_year.items() if v)
            stake = f"; {inv.stake_pct_at_valuation:.1f} % at a {fmt.usd(inv.valuation_usd)} valuation" if inv.stake_pct_at_valuation else ""
            con.print(styled("[bold]Vendor investment[/]: ") + f"{fmt.usd(inv.usd_per_gw)} per GW deployed, cap {fmt.usd(inv.cap_usd)}: "
                      f"{fmt.usd(inv.total_usd)} in total{stake} ({yrs})")
        b = d.buyer_economics
        parts = [f"cash paid {fmt.usd(b.cash_paid_usd)} (capex {fmt.usd(b.capex_usd)}, opex {fmt.usd(b.opex_usd)})"]
        if b.effective_discount_pct is not None:
            parts.append(f"warrant worth {b.effective_discount_pct:.1f} % of supplier revenue")
        if b.tco_usd_per_accelerator_hour:
            parts.append(f"book cost (depreciation + opex over the horizon) ${b.tco_usd_per_accelerator_hour:.2f}/accelerator-hour, "
                         f"${b.tco_usd_per_effective_pflop_hour:.3f}/effective PFLOP-hour")
        if b.revenue_usd_per_gw_year:
            parts.append(f"payback {b.payback_month or 'not within the horizon'} at {fmt.usd(b.revenue_usd_per_gw_year)} revenue per GW-year")
        con.print(styled("[bold]Buyer[/]: ") + "; ".join(parts))
        con.print()
    if out.note:
        con.print(styled("[yellow]note:[/] ") + out.note)
    a = out.assumptions
    con.print("Assumptions: " + "; ".join(f"{ASSUMPTION_TOPICS.get(k, k)}: {v}" for k, v in a.items()
                                          if k != "assumed_tranches" and v), style="dim")
    if a["assumed_tranches"]:
        con.print(styled("[yellow]Not public, assumed:[/] ") + f"{', '.join(a['assumed_tranches'])} (see the scenario's warrant note)")


def _print_market_line(con, info: dict | None, valuation_month: str | None) -> None:
    if info is None:
        if valuation_month:
            con.print(styled(f"[bold]Value as of {esc(valuation_month)}[/] (the scenario's market inputs)"))
        return
    s, v, r = info["spot"], info["volatility"], info["risk_free_rate"]
    dated = str(s["date"]) in str(s["source"])  # a citation that carries its date is not followed by it again
    con.print(styled(f"[bold]Value as of {esc(info['value_as_of'])}[/]: ") + f"{info['name']} ${s['value']:,.2f} ({s['kind']}, {s['source']}"
              f"{'' if dated else ', ' + str(s['date'])}); "
              f"volatility {v['value']:.0%} ({v['kind']}, {v['source']}); risk-free {r['value']:.2%} ({r['kind']}, {r['source']})")
    for n in info.get("notes", []):
        con.print(styled("[yellow]note:[/] ") + n)


def print_deal_extras(out, con, currency: str = "USD") -> None:
    """The shareholder tables and the buyer's hourly economics, after the deal tables (``out``: a ``DealAnalysis``)."""
    from rich.table import Table

    per = (out.display_currency or {}).get("per_usd", 1.0)
    cur = currency.upper()
    if out.value_as_of is not None:
        _print_market_line(con, out.market_inputs, out.value_as_of)
    if cur != "USD":
        fx = out.display_currency
        con.print(f"Money shown in {cur} at {fx['per_usd']:,.2f} per USD ({fx['kind']}, {fx['source']}, {fx['date']})")
    for d in out.deals:
        sh = d.shareholder
        if sh and sh.available:
            t = Table(title=f"{sh.company} ({sh.ticker}, {sh.exchange}): incremental P&L from {d.name}, by fiscal year "
                            "(every ratio shown)", title_justify="left")
            for col in ("FY", "Revenue", "x gross margin", "= Gross profit", "- opex (x ratio)", "= Operating income",
                        "- tax (x rate)", "= Net income", "/ diluted shares", "= EPS added"):
                t.add_column(col, justify="right")
            for y in sh.years:
                t.add_row(y["fiscal_year"], fmt.money(y["revenue_usd"], cur, per), f"{y['gross_margin']:.0%}",
                          fmt.money(y["gross_profit_usd"], cur, per),
                          f"{fmt.money(y['opex_usd'], cur, per)} ({y['operating_expense_ratio']:.0%})",
                          fmt.money(y["operating_income_usd"], cur, per), f"{fmt.money(y['tax_usd'], cur, per)} ({y['tax_rate']:.0%})",
                          fmt.money(y["net_income_usd"], cur, per), f"{y['diluted_shares'] / 1e6:,.0f}M",
                          fmt.per_share(y["incremental_eps_usd"], cur, per))
            con.print(t)
            e = Table(title=f"{sh.ticker} EPS with the deal, before and after warrant dilution (non-GAAP base)", title_justify="left")
            for col in ("FY", "Base EPS", "Base is", "EPS + deal", "Warrant shares (expected)", "EPS after dilution",
                        "Accretion before dilution", "Accretion after dilution", "All issuer warrants vested: EPS", "accretion"):
                e.add_column(col, justify="right")
            for y in sh.years:
                e.add_row(y["fiscal_year"], fmt.per_share(y["base_eps_usd"], cur, per), y["base_is"],
                          fmt.per_share(y["eps_with_deal_before_dilution_usd"], cur, per), f"{y['warrant_shares_expected'] / 1e6:,.1f}M",
                          fmt.per_share(y["eps_with_deal_after_dilution_usd"], cur, per), fmt.pct(y["accretion_before_dilution_pct"]),
                          fmt.pct(y["accretion_after_dilution_pct"]), fmt.per_share(y["eps_all_warrants_fully_vested_usd"], cur, per),
                          fmt.pct(y["accretion_all_warrants_fully_vested_pct"]))
            con.print(e)
            if sh.warrant_value_per_existing_share_usd is not None:
                con.print(f"Warrant value per existing {sh.ticker} share: {fmt.per_share(sh.warrant_value_per_existing_share_usd, cur, per)} "
                          f"({fmt.money(sh.warrant_value_usd, cur, per)} / {sh.shares_outstanding / 1e6:,.0f}M shares), value as of {sh.value_as_of}")
            if sh.investment:
                i = sh.investment
                con.print(f"Vendor investment valued at {i['valued_at']}: {fmt.money(i['invested_usd'], cur, per)}, "
                          f"{fmt.per_share(i['per_vendor_share_usd'], cur, per)} per {sh.ticker} share")
            for c in sh.claims or []:
                con.print(f"{c['by']} ({c['date']}): {c['text']} [{c['source']}]. Model: accretive after dilution in "
                          f"{sh.years_accretive_after_dilution} of {len(sh.years)} years.")
            a = Table(title="Shareholder-view assumptions", title_justify="left")
            for col in ("Assumption", "Value", "Kind", "Source", "As of"):
                a.add_column(col)
            for x in sh.assumptions:
                a.add_row(x["what"], _assumption_value(x), str(x.get("kind") or "-"), str(x.get("source") or "-"), str(x.get("as_of") or "-"))
            con.print(a)
            for n in sh.notes:
                con.print(n, style="dim")
        elif sh:
            con.print(styled("[yellow]shareholder view:[/] ") + sh.note)
        b = d.buyer_hourly
        if b:
            _print_buyer(con, b, cur, per)
        con.print()


#: The number format of a shareholder-view assumption by its unit (`fmt.by_format` names); a
#: unitless value is a fraction (margins, ratios, tax rate) and reads as a per cent.
ASSUMPTION_FORMATS = {"USD/GW": "usd_per_gw", "USD": "usd", "USD/share": "usd_small", "shares": "shares", "": "pct"}


def _assumption_value(x: dict) -> str:
    """A shareholder-view assumption as a reader writes it: ``$17.5B/GW``, ``50.0 %``, ``1.65B shares``."""
    from gigawatt.core import i18n

    if x.get("text"):
        return str(x["text"])
    v = x.get("value")
    if v is None:
        return "unknown"
    kind = ASSUMPTION_FORMATS.get(x.get("unit") or "")
    if kind == "shares":
        return f"{i18n.shares(v, 'en')} shares"
    return fmt.by_format(v, kind, x.get("unit") or "") if kind else fmt.num(v, x.get("unit") or "")


def _print_buyer(con, b: dict, cur: str, per: float) -> None:
    from rich.table import Table

    t = Table(title=f"Buyer economics per accelerator ({', '.join(b['products'])}), discount rate {b['discount_rate']:.1%}; "
                    "useful life side by side", title_justify="left")
    cols = ["IT life", fmt.label("usd_per_accelerator_hour", role="metric"), "capital (IT)", "capital (facility)", "energy", "operations",
            fmt.label("usd_per_effective_pflop_hour", role="metric"), "Operator IRR", "Discounted payback", "Margin vs market"]
    tokens = "usd_per_million_tokens" in b["life_sensitivity"][0]
    if tokens:
        cols.append("Cost / M tokens (estimate)")
    for col in cols:
        t.add_column(col, justify="right")
    for r in b["life_sensitivity"]:
        row = [f"{r['life_years']:g} y" + (" (base)" if r["life_years"] == b["it_life_years"] else ""),
               fmt.per_share(r["usd_per_accelerator_hour"], cur, per)] + [fmt.per_share(r[k], cur, per) for k in
                                                                         ("capital_it", "capital_facility", "energy", "operations")]
        row += [fmt.per_share(r["usd_per_effective_pflop_hour"], cur, per), "-" if r.get("irr") is None else f"{r['irr']:.1%}",
                "not within life" if r.get("discounted_payback_months") is None else f"{r['discounted_payback_months']} months",
                fmt.pct(r["margin_vs_market_pct"])]
        if tokens:
            row.append(fmt.per_share(r["usd_per_million_tokens"], cur, per))
        t.add_row(*row)
    con.print(t)
    con.print(f"Market price: {b['market_price_basis']}. Operator earns "
              f"{fmt.per_share(b['operator_price_usd_per_hour'], cur, per)}/h ({b['operator_price_basis'] or 'unknown'}).")
    series = b.get("rental_price_series") or []
    if series:
        con.print("Rental prices by generation: " + "; ".join(f"{s['product']} {s['term']} ${s['usd_per_gpu_hour']:.2f}/h ({s['as_of']}, {s['kind']})"
                                                          for s in series))
    if b.get("tokens"):
        tk = b["tokens"]
        con.print(f"Tokens: {tk['tokens_per_second_per_accelerator']:,.0f} tokens/s per accelerator ({tk['kind']}; {tk['source']})", style="dim")
    con.print(b["method"], style="dim")


def _print_dilution(con, sh, cur: str, per: float) -> None:
    from rich.table import Table

    if not sh.available:
        con.print(styled("[yellow]shareholder view:[/] ") + sh.note)
        return
    t = Table(title=f"{sh.ticker} EPS diluted by all its warrants (expected vested shares, common price paths)", title_justify="left")
    for col in ("FY", "Base EPS", "Base is", "Warrant shares (expected)", "EPS after dilution", "Dilution"):
        t.add_column(col, justify="right")
    for y in sh.years:
        t.add_row(y["fiscal_year"], fmt.per_share(y["base_eps_usd"], cur, per), y["base_is"], f"{y['warrant_shares_expected'] / 1e6:,.1f}M",
                  fmt.per_share(y["eps_after_dilution_usd"], cur, per), fmt.pct(y["dilution_pct"]))
    con.print(t)
    con.print(styled(esc(f"Warrant value per existing {sh.ticker} share: {fmt.per_share(sh.warrant_value_per_existing_share_usd, cur, per)}, "
                         f"value as of {sh.value_as_of}. ") + f"[dim]{esc(sh.note)}[/]"))


def print_flows(out, con, currency: str = "USD") -> None:
    """``gigawatt flows``' tables (``out``: an ``analyses.flows.Flows``): bottom-up capex by segment, the
    reconciled headline, vendor revenue and, with ``--companies``, listed companies."""
    from rich.table import Table

    from gigawatt.analyses.flows import GROUPS
    from gigawatt.interfaces.cli import _warn

    t = Table(title=f"Capex by segment: {fmt.usd(out.total_usd)} for {out.gw:.1f} GW (bottom-up)", title_justify="left")
    for col in ("Segment", "Paid to", "USD", "Per GW", "Share"):
        t.add_column(col, justify="left" if col in ("Segment", "Paid to") else "right")
    from gigawatt.core.i18n import t as say

    for k, v in out.segments.items():
        t.add_row(say(f"seg.{k}", "en"), GROUPS[k], fmt.usd(v), fmt.usd(out.per_gw[k]), f"{out.shares[k]:.1%}")
    con.print(t)
    con.print("Accelerator residual of systems, bottom-up (vendor revenue: see the reconciled table): "
              + ", ".join(f"{fmt.vendor_name(k)} {fmt.usd(v)}" for k, v in out.accelerator_vendors.items()))
    con.print(f"Memory makers (HBM, {out.hbm_maker_shares_year} shares): " + ", ".join(f"{k} {fmt.usd(v)}" for k, v in out.hbm_makers.items()))
    opex_labels = {"energy_usd (utilities)": "energy (utilities)", "maintenance_usd (operators)": "maintenance (operators)"}
    con.print("Opex over the horizon: " + ", ".join(f"{opex_labels.get(k, k)} {fmt.usd(v)}" for k, v in out.opex_over_horizon.items())
              + f"; hardware refresh capex {fmt.usd(out.capex_refresh_over_horizon_usd)}")
    for w in out.warnings:
        _warn(w)
    _print_reconciled(out, con, currency)
    if out.companies is not None:
        print_companies(out.companies, con, currency, out.per_usd)


def _print_reconciled(out, con, currency: str = "USD") -> None:
    """The reconciled headline table and vendor revenue (after the bottom-up segment table)."""
    from rich.table import Table

    per = out.per_usd
    h = out.headline
    t = Table(title=f"The headline {fmt.money(h['total_usd'], currency, per)} reconciled (top-down; lines sum to it to the dollar)",
              title_justify="left")
    for col in ("Line", "Paid to", "Amount", "Per GW", "Share"):
        t.add_column(col, justify="left" if col in ("Line", "Paid to") else "right")
    for k, v in h["lines"].items():
        t.add_row(h["labels"][k], h["paid_to"][k], fmt.money(v, currency, per), fmt.money(h["per_gw"].get(k), currency, per),
                  f"{v / h['total_usd']:.1%}" if h["total_usd"] else "-")
    t.add_row(styled("[bold]Sum[/]"), "", fmt.money(h["sum_of_lines_usd"], currency, per), "", "")
    con.print(t)
    con.print(f"TSMC logic wafers: unknown as of {h['tsmc_logic_wafers']['unknown_as_of']} ({h['tsmc_logic_wafers']['note']})", style="dim")
    for v, r in out.vendor_revenue.items():
        o = r["of_which"]
        years = ", ".join(f"{y}: {fmt.money(x, currency, per)}" for y, x in r["revenue_usd_by_year"].items())
        con.print(styled(f"[bold]{esc(fmt.vendor_name(v))}[/]") + f" revenue {fmt.money(r['revenue_usd'], currency, per)} ({fmt.money(r['revenue_usd_per_gw'], currency, per)} per GW; "
                  f"{'; '.join(r['basis'])}): own value {fmt.money(o['own_value_usd'], currency, per)} + HBM {fmt.money(o['hbm_usd'], currency, per)}"
                  f" + CoWoS {fmt.money(o['cowos_packaging_usd'], currency, per)} + stated above content "
                  f"{fmt.money(o['stated_above_content_usd'], currency, per)}. By year of delivery: {years}")


def print_companies(out, con, currency: str = "USD", per: float = 1.0) -> None:
    """``flows --companies``' table (``out``: an ``analyses.flows.CompanyExposure``; ``per``: units of ``currency`` per USD)."""
    from rich.table import Table

    years = sorted({y for c in out.companies for y in c.get("revenue_usd_by_year", {})})
    t = Table(title="Listed companies: revenue from this scenario = segment spend x sourced share"
                    + (" (Tokyo-listed only)" if out.japan_only else ""), title_justify="left")
    for col in ("Company", "Ticker", "Exchange", "Segment", "Share (kind, date, source)", "Revenue", *years):
        t.add_column(col, justify="left" if col in ("Company", "Ticker", "Exchange", "Segment", "Share (kind, date, source)") else "right")
    for c in out.companies:
        sh = c["share"]
        share_text = sh.get("text") or (f"{sh['value']:.0%} ({sh.get('kind')}, {sh.get('as_of')}, {sh.get('source')})")
        if c.get("of_segment"):
            share_text += f" of {c['of_segment']['value']:.1%} of the segment"
        rev = fmt.money(c["revenue_usd"], currency, per) if c.get("revenue_usd") is not None else c.get("revenue_text", "unknown")
        t.add_row(c["name"], c["ticker"], c["exchange"], c["segment"], share_text, rev,
                  *[fmt.money(c["revenue_usd_by_year"].get(y), currency, per) if c.get("revenue_usd_by_year", {}).get(y) else "-" for y in years])
    con.print(t)
    con.print(f"{out.method}; companies checked {out.checked}", style="dim")


def _print_tornado(con, label: str, tor, show) -> None:
    """One metric's tornado as a table: each input alone at its P10 and P90, outputs written by ``show``."""
    from rich.table import Table

    t = Table(title=f"Tornado: {label}, base {show(tor.base)} (each input alone at its P10 and P90)", title_justify="left")
    for col in ("Input", "P10 -> P90 input", "Output at P10", "Output at P90", "Swing"):
        t.add_column(col, justify="left" if col == "Input" else "right")
    for b in tor.bars:
        t.add_row(b.variable, f"{b.low_input:,.3g} -> {b.high_input:,.3g}", show(b.output_at_low), show(b.output_at_high), show(b.swing))
    con.print(t)


def print_sensitivity_deal(out, con) -> None:
    """``sensitivity --metric warrant_value``'s tables (``out``: an ``analyses.sensitivity.DealSensitivity``)."""
    from rich.table import Table

    m = out.metric
    tor = out.tornado.tornado[m]
    show = fmt.usd if m.endswith("usd") else (lambda x: f"{x:,.2f} %")
    _print_market_line(con, out.market_inputs, out.value_as_of)
    _print_tornado(con, out.tornado.metrics[m], tor, show)
    g = out.grid
    if g:
        gt = Table(title=f"{g.label}: share price (rows) x months of delivery slip (columns), value as of {g.valuation_month}",
                   title_justify="left")
        gt.add_column("Share price", justify="right")
        for s in g.slip_months:
            gt.add_column(f"+{s} months", justify="right")
        for p, row in zip(g.spots_usd, g.values):
            gt.add_row(f"${p:,.2f}", *[show(v) for v in row])
        con.print(gt)
    con.print(f"{out.tornado.note}. Sobol indices for deal metrics are not computed (engine metrics only).", style="dim")


def print_sensitivity(out, metric: str, con) -> None:
    """``gigawatt sensitivity``'s tables for an engine metric (``out``: an ``analyses.sensitivity.Sensitivity``)."""
    from rich.table import Table

    from gigawatt.analyses.sensitivity import METRICS

    tor = out.tornado.tornado[metric]
    show = fmt.usd if metric.endswith("usd") else (lambda x: f"{x:,.1f}")
    _print_tornado(con, METRICS[metric], tor, show)
    so = out.sobol
    if so is not None:
        st = Table(title=f"Sobol indices for {METRICS[metric]} ({so.evaluations:,} evaluations; inputs independent)", title_justify="left")
        for col in ("Input", "First order S1", "Total ST"):
            st.add_column(col, justify="left" if col == "Input" else "right")
        for name, v in sorted(so.indices[metric].items(), key=lambda kv: -kv[1].ST):
            st.add_row(name, f"{v.S1:.3f} ± {v.S1_conf:.3f}", f"{v.ST:.3f} ± {v.ST_conf:.3f}")
        con.print(st)
        if so.skipped_per_tranche_variables:
            con.print(styled("[yellow]not in the Sobol table:[/] ") + f"per-tranche variables {', '.join(so.skipped_per_tranche_variables)} "
                      "(their tranches draw independently; the tornado moves them together)")
    skipped = out.tornado.skipped_deal_variables
    if skipped:
        con.print(f"Deal-only variables ({', '.join(skipped)}) do not change these engine metrics; "
                  "see `gigawatt mc` for their effect on the warrant.", style="dim")


def evaluate_at_market(scenario, *, catalog_paths=None, spot=None, as_of=None, volatility=None, rate=None, scenario_market=False):
    """``mc``/``report``: evaluate ``scenario`` (a name or file) with each warrant's underlying set
    from the market inputs, the same default as ``gigawatt deal``: the market file's latest, with
    ``--spot/--vol/--rate/--as-of`` overriding it. With ``scenario_market`` only the options given
    change the scenario's own underlying. Messages keep naming the file and line. Prints nothing:
    the caller prints :func:`valuation_lines`."""
    from gigawatt.analyses.api import evaluate, load_with_lines
    from gigawatt.core.bounds import check
    from gigawatt.ledger.market import parse_as_of
    from gigawatt.scenario.market import with_market

    for value, bound_name, option in ((volatility, "volatility", "--vol"), (spot, "share_price_usd", "--spot"), (rate, "rate", "--rate")):
        if value is not None:
            check(bound_name, value, option)
    loaded, source, lines = load_with_lines(scenario)
    loaded, _ = with_market(loaded, spot_usd=spot, as_of=parse_as_of(as_of), volatility=volatility, rate=rate,
                            default_to_market=not scenario_market)
    return evaluate(loaded, catalog_paths=catalog_paths, source=source, lines=lines)


def valuation_lines(result) -> list[str]:
    """One line per warrant: the inputs it is valued at and where the spot comes from."""
    lines = []
    for d in result.scenario.deals:
        if d.warrant is not None:
            u = d.warrant.underlying
            lines.append(f"{d.name}: warrant valued as of {u.as_of} at ${u.spot_usd:,.2f} ({u.source or 'no source given'}), "
                         f"volatility {u.volatility:.0%}, "
                         f"risk-free rate {u.risk_free_rate:.2%}")
    return lines
