"""The investor view's command logic and tables (``deal``, ``flows --companies``, ``compare``,
``sensitivity --grid``), kept here so ``cli.py`` only wires options to these functions."""
from __future__ import annotations

import io
from contextlib import redirect_stdout

from gigawatt.core import fmt
from gigawatt.core.errors import GigawattError


def _fx(currency: str, as_of: str | None = None) -> dict:
    from gigawatt.ledger.market import fx_per_usd

    return fx_per_usd(currency, as_of)


def deal_command(scenario: str, *, price_path=None, samples=100_000, seed=0, spot=None, as_of=None, volatility=None, rate=None,
                 drift=None, scenario_market=False, fiscal_year_start=None, currency="USD", rental_price=None,
                 tokens_per_second=None, catalog=None, all_warrants=False, as_json=False) -> dict | None:
    """``gigawatt deal``: resolve market inputs (the market file unless ``scenario_market``), run the
    deal analysis with the shareholder view and buyer economics. Returns the JSON object, or None
    when it has printed itself (``--all-warrants`` tables)."""
    from gigawatt.analyses.deals import PriceOptions, analyse, dilution_view, parse_price_path
    from gigawatt.ledger.market import parse_as_of, resolve_price_inputs

    as_of_n = parse_as_of(as_of)
    path = parse_price_path(price_path) if price_path else None
    fx = _fx(currency)
    if all_warrants:
        from gigawatt.interfaces.ledger_cli import all_warrants as _all_warrants

        kw, info = resolve_price_inputs(scenario.lower(), spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate,
                                        default_to_market=not scenario_market)
        opts = PriceOptions(path=path, samples=samples, seed=seed, drift=drift, **kw)
        if as_json:
            with redirect_stdout(io.StringIO()):
                out = _all_warrants(scenario, opts, as_json=True, catalog=catalog)
        else:
            out = _all_warrants(scenario, opts, as_json=False, catalog=catalog)
        out["shareholder"] = dilution_view(out, scenario)
        out["market_inputs"] = info
        out["value_as_of"] = out["valuation_month"]
        if as_json:
            return out
        from gigawatt.interfaces.cli import _console

        con = _console()
        _print_market_line(con, info, out["valuation_month"])
        _print_dilution(con, out["shareholder"], currency, fx["per_usd"])
        return None
    from gigawatt.analyses.api import evaluate

    result = evaluate(scenario, catalog_paths=catalog)
    issuer = next((d.supplier.lower() for d in result.scenario.deals if d.warrant is not None), None)
    if scenario_market:
        kw, info = resolve_price_inputs(None, spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate)
    else:
        kw, info = resolve_price_inputs(issuer, spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate)
        if info is None and as_of_n is not None and spot is None:
            raise GigawattError(f"--as-of without --spot needs a price for {issuer or 'the issuer'} in the market file; give --spot too")
    opts = PriceOptions(path=path, samples=samples, seed=seed, drift=drift, **kw)
    buyer = {"rental_price_usd_per_hour": rental_price, "tokens_per_second": tokens_per_second}
    out = analyse(result, opts, buyer=buyer, fiscal_year_start=fiscal_year_start, market_inputs=info)
    if currency.upper() != "USD":
        out["display_currency"] = fx
    return out


def _print_market_line(con, info: dict | None, valuation_month: str | None) -> None:
    if info is None:
        if valuation_month:
            con.print(f"[bold]Value as of {valuation_month}[/] (the scenario's market inputs)")
        return
    s, v, r = info["spot"], info["volatility"], info["risk_free_rate"]
    con.print(f"[bold]Value as of {info['value_as_of']}[/]: {info['name']} ${s['value']:,.2f} ({s['kind']}, {s['source']}, {s['date']}); "
              f"volatility {v['value']:.0%} ({v['kind']}, {v['source']}); risk-free {r['value']:.2%} ({r['kind']}, {r['source']})")
    for n in info.get("notes", []):
        con.print(f"[yellow]note:[/] {n}")


def print_deal_extras(out: dict, con, currency: str = "USD") -> None:
    """The shareholder tables and the buyer's hourly economics, after the deal tables."""
    from rich.table import Table

    per = out.get("display_currency", {}).get("per_usd", 1.0)
    cur = currency.upper()
    if "value_as_of" in out:
        _print_market_line(con, out.get("market_inputs"), out["value_as_of"])
    if cur != "USD":
        fx = out["display_currency"]
        con.print(f"Money shown in {cur} at {fx['per_usd']:,.2f} per USD ({fx['kind']}, {fx['source']}, {fx['date']})")
    for d in out["deals"]:
        sh = d.get("shareholder")
        if sh and sh.get("available"):
            t = Table(title=f"{sh['company']} ({sh['ticker']}, {sh['exchange']}): incremental P&L from {d['name']}, by fiscal year "
                            "(every ratio shown)", title_justify="left")
            for col in ("FY", "Revenue", "x gross margin", "= Gross profit", "- opex (x ratio)", "= Operating income",
                        "- tax (x rate)", "= Net income", "/ diluted shares", "= EPS added"):
                t.add_column(col, justify="right")
            for y in sh["years"]:
                t.add_row(y["fiscal_year"], fmt.money(y["revenue_usd"], cur, per), f"{y['gross_margin']:.0%}",
                          fmt.money(y["gross_profit_usd"], cur, per),
                          f"{fmt.money(y['opex_usd'], cur, per)} ({y['operating_expense_ratio']:.0%})",
                          fmt.money(y["operating_income_usd"], cur, per), f"{fmt.money(y['tax_usd'], cur, per)} ({y['tax_rate']:.0%})",
                          fmt.money(y["net_income_usd"], cur, per), f"{y['diluted_shares'] / 1e6:,.0f}M",
                          fmt.per_share(y["incremental_eps_usd"], cur, per))
            con.print(t)
            e = Table(title=f"{sh['ticker']} EPS with the deal, before and after warrant dilution (non-GAAP base)", title_justify="left")
            for col in ("FY", "Base EPS", "Base is", "EPS + deal", "Warrant shares (expected)", "EPS after dilution",
                        "Accretion before dilution", "Accretion after dilution", "All issuer warrants vested: EPS", "accretion"):
                e.add_column(col, justify="right")
            for y in sh["years"]:
                e.add_row(y["fiscal_year"], fmt.per_share(y["base_eps_usd"], cur, per), y["base_is"],
                          fmt.per_share(y["eps_with_deal_before_dilution_usd"], cur, per), f"{y['warrant_shares_expected'] / 1e6:,.1f}M",
                          fmt.per_share(y["eps_with_deal_after_dilution_usd"], cur, per), fmt.pct(y["accretion_before_dilution_pct"]),
                          fmt.pct(y["accretion_after_dilution_pct"]), fmt.per_share(y["eps_all_warrants_fully_vested_usd"], cur, per),
                          fmt.pct(y["accretion_all_warrants_fully_vested_pct"]))
            con.print(e)
            if sh["warrant_value_per_existing_share_usd"] is not None:
                con.print(f"Warrant value per existing {sh['ticker']} share: {fmt.per_share(sh['warrant_value_per_existing_share_usd'], cur, per)} "
                          f"({fmt.money(sh['warrant_value_usd'], cur, per)} / {sh['shares_outstanding'] / 1e6:,.0f}M shares), value as of {sh['value_as_of']}")
            if sh.get("investment"):
                i = sh["investment"]
                con.print(f"Vendor investment valued at {i['valued_at']}: {fmt.money(i['invested_usd'], cur, per)}, "
                          f"{fmt.per_share(i['per_vendor_share_usd'], cur, per)} per {sh['ticker']} share")
            for c in sh.get("claims", []):
                con.print(f"{c['by']} ({c['date']}): {c['text']} [{c['source']}]. Model: accretive after dilution in "
                          f"{sh['years_accretive_after_dilution']} of {len(sh['years'])} years.")
            a = Table(title="Shareholder-view assumptions", title_justify="left")
            for col in ("Assumption", "Value", "Kind", "Source", "As of"):
                a.add_column(col)
            for x in sh["assumptions"]:
                v = x.get("text") or (f"{x['value']:,.4g}" if isinstance(x.get("value"), float) and abs(x["value"]) < 100 else
                                      (f"{x['value']:,.0f}" if x.get("value") is not None else "unknown"))
                a.add_row(x["what"], v, str(x.get("kind") or "-"), str(x.get("source") or "-"), str(x.get("as_of") or "-"))
            con.print(a)
            for n in sh["notes"]:
                con.print(f"[dim]{n}[/]")
        elif sh:
            con.print(f"[yellow]shareholder view:[/] {sh['note']}")
        b = d.get("buyer_hourly")
        if b:
            _print_buyer(con, b, cur, per)
        con.print()


def _print_buyer(con, b: dict, cur: str, per: float) -> None:
    from rich.table import Table

    t = Table(title=f"Buyer economics per accelerator ({', '.join(b['products'])}), discount rate {b['discount_rate']:.1%}; "
                    "useful life side by side", title_justify="left")
    cols = ["IT life", "Cost / accelerator-hour", "capital (IT)", "capital (facility)", "energy", "operations",
            "Cost / effective PFLOP-hour", "Operator IRR", "Discounted payback", "Margin vs market"]
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
        con.print(f"[dim]Tokens: {tk['tokens_per_second_per_accelerator']:,.0f} tokens/s per accelerator ({tk['kind']}; {tk['source']})[/]")
    con.print(f"[dim]{b['method']}[/]")


def _print_dilution(con, sh: dict, cur: str, per: float) -> None:
    from rich.table import Table

    if not sh.get("available"):
        con.print(f"[yellow]shareholder view:[/] {sh['note']}")
        return
    t = Table(title=f"{sh['ticker']} EPS diluted by all its warrants (expected vested shares, common price paths)", title_justify="left")
    for col in ("FY", "Base EPS", "Base is", "Warrant shares (expected)", "EPS after dilution", "Dilution"):
        t.add_column(col, justify="right")
    for y in sh["years"]:
        t.add_row(y["fiscal_year"], fmt.per_share(y["base_eps_usd"], cur, per), y["base_is"], f"{y['warrant_shares_expected'] / 1e6:,.1f}M",
                  fmt.per_share(y["eps_after_dilution_usd"], cur, per), fmt.pct(y["dilution_pct"]))
    con.print(t)
    con.print(f"Warrant value per existing {sh['ticker']} share: {fmt.per_share(sh['warrant_value_per_existing_share_usd'], cur, per)}, "
              f"value as of {sh['value_as_of']}. [dim]{sh['note']}[/]")


def print_flows(out: dict, con, currency: str = "USD") -> None:
    """The reconciled headline table and vendor revenue (after the bottom-up segment table)."""
    from rich.table import Table

    per = out.get("display_currency", {}).get("per_usd", 1.0)
    h = out["headline"]
    t = Table(title=f"The headline {fmt.money(h['total_usd'], currency, per)} reconciled (top-down; lines sum to it to the dollar)",
              title_justify="left")
    for col in ("Line", "Paid to", "Amount", "Per GW", "Share"):
        t.add_column(col, justify="left" if col in ("Line", "Paid to") else "right")
    for k, v in h["lines"].items():
        t.add_row(h["labels"][k], h["paid_to"][k], fmt.money(v, currency, per), fmt.money(h["per_gw"].get(k), currency, per),
                  f"{v / h['total_usd']:.1%}" if h["total_usd"] else "-")
    t.add_row("[bold]Sum[/]", "", fmt.money(h["sum_of_lines_usd"], currency, per), "", "")
    con.print(t)
    con.print(f"[dim]TSMC logic wafers: unknown as of {h['tsmc_logic_wafers']['unknown_as_of']} ({h['tsmc_logic_wafers']['note']})[/]")
    for v, r in out["vendor_revenue"].items():
        o = r["of_which"]
        years = ", ".join(f"{y}: {fmt.money(x, currency, per)}" for y, x in r["revenue_usd_by_year"].items())
        con.print(f"[bold]{v}[/] revenue {fmt.money(r['revenue_usd'], currency, per)} ({fmt.money(r['revenue_usd_per_gw'], currency, per)} per GW; "
                  f"{'; '.join(r['basis'])}): own value {fmt.money(o['own_value_usd'], currency, per)} + HBM {fmt.money(o['hbm_usd'], currency, per)}"
                  f" + CoWoS {fmt.money(o['cowos_packaging_usd'], currency, per)} + stated above content "
                  f"{fmt.money(o['stated_above_content_usd'], currency, per)}. By year of delivery: {years}")


def print_companies(out: dict, con, currency: str = "USD") -> None:
    from rich.table import Table

    per = out.get("display_currency", {}).get("per_usd", 1.0)
    years = sorted({y for c in out["companies"] for y in c.get("revenue_usd_by_year", {})})
    t = Table(title="Listed companies: revenue from this scenario = segment spend x sourced share"
                    + (" (Tokyo-listed only)" if out["japan_only"] else ""), title_justify="left")
    for col in ("Company", "Ticker", "Exchange", "Segment", "Share (kind, date, source)", "Revenue", *years):
        t.add_column(col, justify="left" if col in ("Company", "Ticker", "Exchange", "Segment", "Share (kind, date, source)") else "right")
    for c in out["companies"]:
        sh = c["share"]
        share_text = sh.get("text") or (f"{sh['value']:.0%} ({sh.get('kind')}, {sh.get('as_of')}, {sh.get('source')})")
        if c.get("of_segment"):
            share_text += f" of {c['of_segment']['value']:.1%} of the segment"
        rev = fmt.money(c["revenue_usd"], currency, per) if c.get("revenue_usd") is not None else c.get("revenue_text", "unknown")
        t.add_row(c["name"], c["ticker"], c["exchange"], c["segment"], share_text, rev,
                  *[fmt.money(c["revenue_usd_by_year"].get(y), currency, per) if c.get("revenue_usd_by_year", {}).get(y) else "-" for y in years])
    con.print(t)
    con.print(f"[dim]{out['method']}; companies checked {out['checked']}[/]")


def _floats(text: str, option: str) -> list[float]:
    try:
        out = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise GigawattError(f"{option}: write numbers separated by commas, e.g. '0,3,6'") from None
    if not out or any(x != x or x in (float("inf"), float("-inf")) for x in out):
        raise GigawattError(f"{option}: give finite numbers separated by commas")
    return out


def sensitivity_deal_command(scenario: str, metric: str, *, spot=None, as_of=None, volatility=None, rate=None, samples=4000, seed=0,
                             grid=False, grid_spots=None, grid_slips="0,3,6,9,12", catalog=None) -> dict:
    """``gigawatt sensitivity --metric warrant_value``: a deal-metric tornado and, with ``grid``, price x slip."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.analyses.deals import PriceOptions
    from gigawatt.ledger.market import parse_as_of, resolve_price_inputs
    from gigawatt.analyses.sensitivity import deal_tornado, price_slip_grid

    result = evaluate(scenario, catalog_paths=catalog)
    issuer = next((d.supplier.lower() for d in result.scenario.deals if d.warrant is not None), None)
    kw, info = resolve_price_inputs(issuer, spot_usd=spot, as_of=parse_as_of(as_of), volatility=volatility, rate=rate)
    opts = PriceOptions(samples=samples, seed=seed, **kw)
    out = {"metric": metric, "market_inputs": info, "tornado": deal_tornado(result, opts)}
    out["value_as_of"] = kw["as_of"] or next(d.warrant.underlying.as_of for d in result.scenario.deals if d.warrant is not None)
    if grid:
        s0 = kw["spot_usd"] or next(d.warrant.underlying.spot_usd for d in result.scenario.deals if d.warrant is not None)
        spots = _floats(grid_spots, "--grid-spots") if grid_spots else [round(s0 * f, 2) for f in (0.5, 0.75, 1.0, 1.25, 1.5)]
        slips = [int(x) for x in _floats(grid_slips, "--grid-slips")]
        if any(s < 0 or s > 120 for s in slips):
            raise GigawattError("--grid-slips: months of slip must be from 0 to 120")
        if any(p <= 0 for p in spots):
            raise GigawattError("--grid-spots: share prices must be positive")
        out["grid"] = price_slip_grid(result, opts, spots, slips, metric)
    return out


def print_sensitivity_deal(out: dict, con) -> None:
    from rich.table import Table

    m = out["metric"]
    tor = out["tornado"]["tornado"][m]
    show = fmt.usd if m.endswith("usd") else (lambda x: f"{x:,.2f} %")
    _print_market_line(con, out.get("market_inputs"), out.get("value_as_of"))
    t = Table(title=f"Tornado: {out['tornado']['metrics'][m]}, base {show(tor['base'])} (each input alone at its P10 and P90)",
              title_justify="left")
    for col in ("Input", "P10 -> P90 input", "Output at P10", "Output at P90", "Swing"):
        t.add_column(col, justify="left" if col == "Input" else "right")
    for b in tor["bars"]:
        t.add_row(b["variable"], f"{b['low_input']:,.3g} -> {b['high_input']:,.3g}", show(b["output_at_low"]), show(b["output_at_high"]),
                  show(b["swing"]))
    con.print(t)
    g = out.get("grid")
    if g:
        gt = Table(title=f"{g['label']}: share price (rows) x months of delivery slip (columns), value as of {g['valuation_month']}",
                   title_justify="left")
        gt.add_column("Share price", justify="right")
        for s in g["slip_months"]:
            gt.add_column(f"+{s} months", justify="right")
        for p, row in zip(g["spots_usd"], g["values"]):
            gt.add_row(f"${p:,.2f}", *[show(v) for v in row])
        con.print(gt)
    con.print(f"[dim]{out['tornado']['note']}. Sobol indices for deal metrics are not computed (engine metrics only).[/]")


def apply_market(result, *, spot=None, as_of=None, volatility=None, rate=None):
    """``mc``/``report`` with ``--spot/--vol/--rate/--as-of``: the result re-evaluated with each
    warrant's underlying set from the market inputs (the market file fills what is not given).
    Unchanged when no option is given; prints nothing (the caller says "value as of")."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.ledger.market import parse_as_of, with_market

    for value, bound_name, option in ((volatility, "volatility", "--vol"), (spot, "share_price_usd", "--spot"), (rate, "rate", "--rate")):
        if value is not None:
            from gigawatt.core.bounds import check

            check(bound_name, value, option)
    scen, infos = with_market(result.scenario, spot_usd=spot, as_of=parse_as_of(as_of), volatility=volatility, rate=rate)
    if not infos:
        return result, []
    return evaluate(scen, catalog=result.catalog), infos
