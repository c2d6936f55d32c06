"""``gigawatt deals list/show/check``, ``gigawatt world``, ``gigawatt scenario from-ledger`` and
``gigawatt deal ISSUER --all-warrants``. Registered on the main app in ``gigawatt/interfaces/cli.py``."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from gigawatt.core.errors import GigawattError
from gigawatt.interfaces.console import console, esc, styled

deals_app = typer.Typer(no_args_is_help=True, help="The deal ledger: list, show and check every announced AI compute deal.")
scenario_app = typer.Typer(no_args_is_help=True, help="Make scenario files (from the deal ledger).")

AsOfOpt = typer.Option(None, "--as-of", help="Only events up to this date count, e.g. 2025-10-08 or 2026-06.")
JsonOpt = typer.Option(False, "--json", help="Print one JSON object instead of tables.")
LedgerOpt = typer.Option(None, "--ledger", help="Extra deal file or directory (repeatable; also $GIGAWATT_LEDGER).")
CatalogOpt = typer.Option(None, "--catalog", "-c", help="Extra catalog file or directory (repeatable; also $GIGAWATT_CATALOG).")
BuyerOpt = typer.Option(None, "--buyer", help="Buyer name contains this, e.g. openai.")
SellerOpt = typer.Option(None, "--seller", help="Seller name contains this, e.g. oracle.")
VendorOpt = typer.Option(None, "--vendor", help="Seller or hardware vendor, e.g. amd, nvidia.")
StatusOpt = typer.Option(None, "--status", help="Comma-separated statuses: reported (rumoured), loi, definitive, closed, ...")
KindOpt = typer.Option(None, "--kind", help="Comma-separated kinds: purchase, cloud-contract, equity, chips-for-equity, site, joint-venture, financing.")
DealOpt = typer.Option(None, "--deal", help="Only these ledger ids (repeatable).")


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, allow_nan=False, default=str) + "\n")


def _console():
    return console(piped_width=180)


def _as_of(text: str | None) -> str | None:
    if text is None:
        return None
    from gigawatt.ledger.schema import _date_text

    try:
        return _date_text(text.strip())
    except ValueError as exc:
        raise GigawattError(f"--as-of: {exc}") from None


def _gw_text(f) -> str:
    if f is None:
        return "-"
    if f.unknown or f.x is None:
        return f.text()
    basis = {"it": " IT", "facility": " facility", "unstated": " (basis unstated)"}.get(f.basis or "", "")
    return f"{f.x:g} GW{basis}"


def _usd_text(f) -> str:
    from gigawatt.core import fmt
    if f is None:
        return "-"
    if f.unknown or f.x is None:
        return f.text()
    return fmt.usd(f.x)


def _selection(as_of, buyer, seller, vendor, status, kind, deal, ledger_paths, catalog_paths):
    from gigawatt.catalog import load_catalog
    from gigawatt.ledger import load_ledger
    from gigawatt.analyses.world import select

    cat = load_catalog(catalog_paths)
    led = load_ledger(ledger_paths)
    views = select(led.view(as_of), buyer=buyer, seller=seller, vendor=vendor, status=status, kind=kind,
                   ids=set(deal) if deal else None, catalog=cat)
    return cat, led, views


def list_rows(views) -> list[dict]:
    from gigawatt.ledger.schema import KIND_LABELS

    out = []
    for v in views:
        t = v.terms
        out.append({"id": v.id, "title": v.entry.title, "announced": v.announced, "buyer": v.entry.buyer,
                    "seller": v.entry.seller, "kind": v.entry.kind, "kind_label": KIND_LABELS[v.entry.kind],
                    "status": v.status, "gw": t["gw"].public() if "gw" in t else None,
                    "value_usd": t["value_usd"].public() if "value_usd" in t else None,
                    "hardware": t.get("hardware") or [], "events": len(v.events),
                    "last_event": {"date": v.last_event.date, "type": v.last_event.type},
                    "sources": len(v.entry.sources),
                    "changed_terms": sorted({s["term"] for s in v.superseded()})})
    return out


@deals_app.command("list")
def deals_list(as_of: Optional[str] = AsOfOpt, buyer: Optional[str] = BuyerOpt, seller: Optional[str] = SellerOpt,
               vendor: Optional[str] = VendorOpt, status: Optional[str] = StatusOpt, kind: Optional[str] = KindOpt,
               ledger: Optional[List[Path]] = LedgerOpt, catalog: Optional[List[Path]] = CatalogOpt, as_json: bool = JsonOpt):
    """Every deal: date, buyer, seller, kind, GW, dollars, status (as of a date with --as-of)."""
    as_of = _as_of(as_of)
    _, _, views = _selection(as_of, buyer, seller, vendor, status, kind, None, ledger, catalog)
    rows = list_rows(views)
    if as_json:
        return _print_json({"as_of": as_of, "deals": rows})
    from rich.table import Table

    from gigawatt.ledger.schema import STATUS_LABELS

    t = Table(title=f"Deal ledger as of {as_of or 'today'}: {len(rows)} deals (gigawatt deals show ID)", title_justify="left")
    for col in ("Announced", "Id", "Buyer", "Seller", "Kind", "Capacity", "Value", "Status", "Last event", "Sources"):
        t.add_column(col, overflow="fold")
    for r, v in zip(rows, views):
        status = r["status"] + (" (earlier terms replaced: " + ", ".join(r["changed_terms"]) + ")" if r["changed_terms"] else "")
        t.add_row(r["announced"], r["id"], r["buyer"], r["seller"], r["kind_label"], _gw_text(v.terms.get("gw")),
                  _usd_text(v.terms.get("value_usd")), status, f"{r['last_event']['date']} {r['last_event']['type']}",
                  str(r["sources"]))
    con = _console()
    con.print(t)
    con.print("Statuses: " + "; ".join(f"{k} = {v}" for k, v in STATUS_LABELS.items()))
    con.print("Sources thin out after about June 2026: later events are unknown, not absent.")


@deals_app.command("show")
def deals_show(deal_id: str = typer.Argument(..., help="Ledger id, e.g. meta-amd-2026-02."), as_of: Optional[str] = AsOfOpt,
               ledger: Optional[List[Path]] = LedgerOpt, as_json: bool = JsonOpt):
    """Terms, event history and each figure's source."""
    from gigawatt.ledger import load_ledger, public_terms
    from gigawatt.ledger.schema import KIND_LABELS, STATUS_LABELS, TERM_LABELS

    as_of = _as_of(as_of)
    led = load_ledger(ledger)
    v = led.get(deal_id, as_of)
    e = v.entry
    data = {"id": v.id, "title": e.title, "buyer": e.buyer, "seller": e.seller, "kind": e.kind, "status": v.status,
            "as_of": as_of, "file": led.origin.get(v.id), "note": e.note,
            "within": e.within.model_dump() if e.within else None,
            "terms": public_terms(v.terms),
            "events": [ev.model_dump(exclude_none=True, exclude={"terms"}) | {"sets": sorted(ev.terms.model_fields_set) if ev.terms else []}
                       for ev in v.events],
            "later_events_not_counted": [ev.date for ev in e.events if ev not in v.events],
            "superseded_terms": v.superseded(),
            "observations": [o.model_dump(exclude_none=True) for o in e.observations],
            "sources": {k: s.model_dump(exclude_none=True) for k, s in e.sources.items()}}
    if as_json:
        return _print_json(data)
    from rich.table import Table

    con = _console()
    con.print(styled(f"[bold]{esc(e.title)}[/] ({esc(v.id)}; {esc(led.origin.get(v.id))})"))
    con.print(styled(f"{esc(e.buyer)} <- {esc(e.seller)}; {KIND_LABELS[e.kind]}; status [bold]{v.status}[/] ({STATUS_LABELS[v.status]})"
                     + (f"; as of {as_of}" if as_of else "")))
    if e.note:
        con.print(e.note.strip(), style="dim")
    if e.within:
        con.print(styled("[cyan]counted once:[/] ") + f"part of {e.within.id} ({e.within.note})")
    ft = Table(title="Terms (every figure with its kind, date and sources)", title_justify="left")
    for col in ("Term", "Value", "Kind", "Date", "Sources / note"):
        ft.add_column(col, overflow="fold")
    for path, f in v.figures():
        head = path.split(".")[0].split("[")[0]
        label = TERM_LABELS.get(head, head) + (path[len(head):] if path != head else "")
        src = ", ".join(f.sources) or "(the event's)"
        extra = [f.note] if f.note else []
        if f.alternatives:
            extra.append("also: " + "; ".join(f"{a.value} ({a.source}: {a.note})" for a in f.alternatives) + f". Used: {f.choice}")
        if f.assumed:
            extra.append("ASSUMED")
        value = f.text() + (f" ({f.basis})" if f.basis else "") + (f" [{f.low:g}-{f.high:g}]" if f.low is not None and f.high is not None else "")
        ft.add_row(label, value, f.kind or styled("[red]none[/]"), f.as_of or "",
                   styled(esc(src) + ("\n[dim]" + esc(" ".join(extra)) + "[/]" if extra else "")))
    con.print(ft)
    for name in ("hardware", "sites"):
        if v.terms.get(name):
            con.print(f"{TERM_LABELS[name]}: {', '.join(v.terms[name])}")
    for t in v.terms.get("tranches") or []:
        size = (f"{t.gw.x:g} GW" if t.gw else f"{t.accelerators.x:,.0f} accelerators" if t.accelerators else "GW from the contract's dollars")
        con.print(styled(f"  engine tranche: {esc(t.label)}: {esc(t.product)}, {size} ({t.basis}), from {t.start} over {t.ramp_months} months"
                         + (" [yellow]assumed[/]" if t.assumed else "") + (f" [dim]{esc(t.note)}[/]" if t.note else "")))
    et = Table(title="Event history", title_justify="left")
    for col in ("Date", "Event", "Status after", "What happened", "Sets", "Sources"):
        et.add_column(col, overflow="fold")
    for ev in v.events:
        from gigawatt.ledger.schema import EVENT_STATUS

        et.add_row(ev.date, ev.type, ev.status or EVENT_STATUS.get(ev.type) or "-", ev.summary,
                   ", ".join(sorted(ev.terms.model_fields_set)) if ev.terms else ("unsets " + ", ".join(ev.unset) if ev.unset else "-"),
                   ", ".join(ev.sources))
    con.print(et)
    if data["later_events_not_counted"]:
        con.print(f"not counted (after {as_of}): events on {', '.join(data['later_events_not_counted'])}", style="dim")
    for s in v.superseded():
        con.print(styled("[yellow]superseded:[/] ") + f"{TERM_LABELS.get(s['term'], s['term'])} set {s['set']} was replaced {s['replaced']} "
                  f"({s['replaced_by']}); now: {s['now'] if s['now'] == 'removed' else json.dumps(s['now'], default=str)[:120]}")
    for o in e.observations:
        con.print(styled(esc(f"observed {o.date}: {o.what}: {o.value.text()}") + ("" if o.confirmed else " [dim](unconfirmed)[/]")))
    st = Table(title="Sources", title_justify="left")
    for col in ("Key", "Publisher", "Date", "Tier", "URL / via"):
        st.add_column(col, overflow="fold")
    for k, s in e.sources.items():
        st.add_row(k, s.publisher, s.date, s.tier, s.url or (f"via {s.via}" if s.via else ""))
    con.print(st)


@deals_app.command("check")
def deals_check(ledger: Optional[List[Path]] = LedgerOpt, catalog: Optional[List[Path]] = CatalogOpt, as_json: bool = JsonOpt):
    """Fail (exit 1) on any figure without a value (or 'unknown'), kind, source or date, and on unknown references."""
    from gigawatt.catalog import load_catalog
    from gigawatt.ledger import check, load_ledger

    led = load_ledger(ledger)
    problems = check(led, load_catalog(catalog))
    n = sum(len(list(__import__("gigawatt.ledger", fromlist=["_walk_figures"])._walk_figures(
        {k: getattr(ev.terms, k) for k in ev.terms.model_fields_set}, ""))) for d in led.deals.values() for ev in d.events if ev.terms)
    if as_json:
        _print_json({"ok": not problems, "deals": len(led.deals), "figures": n,
                     "problems": [{"path": p.path, "message": p.message} for p in problems]})
    else:
        con = _console()
        for p in problems:
            con.print(styled(f"[red]x[/] {esc(p.render())}"))
        con.print(styled(f"{n} figures in {len(led.deals)} deals: " + (
            "[green]every figure has a value or 'unknown', a kind, a source and a date[/]" if not problems else f"[red]{len(problems)} problems[/]")))
    if problems:
        raise typer.Exit(1)


def world_data(as_of=None, buyer=None, seller=None, vendor=None, status=None, kind=None, deal=None, status_weights=None,
               supply=False, case="base", share=None, allocation="contract-date", ledger=None, catalog=None, samples=0,
               seed=0) -> dict:
    """The ``world --json`` object (also used by the page and the report)."""
    from gigawatt.analyses.world import build, evaluate, parse_weights, report, sample_completion, supply_view

    weights = parse_weights(status_weights)
    cat, led, views = _selection(as_of, buyer, seller, vendor, status, kind, deal, ledger, catalog)
    if not views:
        raise GigawattError("no deal in the ledger matches this selection")
    wi = build(led, cat, views, as_of, weights)
    result = evaluate(wi, cat)
    out = report(wi, result, led, cat)
    if supply:
        if share is not None and not 0 < share <= 1:
            raise GigawattError(f"--share must be in (0, 1], got {share}")
        out["supply"] = supply_view(wi, result, led, cat, case, share, allocation)
    if samples:
        out["completion_mc"] = sample_completion(led, cat, views, as_of, weights, samples, seed)
    return out


def world(as_of: Optional[str] = AsOfOpt, buyer: Optional[str] = BuyerOpt, seller: Optional[str] = SellerOpt,
          vendor: Optional[str] = VendorOpt, status: Optional[str] = StatusOpt, kind: Optional[str] = KindOpt,
          deal: Optional[List[str]] = DealOpt,
          status_weights: Optional[str] = typer.Option(None, "--status-weights", help="Expected view: weight per status, e.g. 'rumoured=0.2,loi=0.5,definitive=0.9' (default 1; paused, cancelled, superseded 0)."),
          supply: bool = typer.Option(False, "--supply", help="World demand vs HBM and CoWoS capacity; who slips; power lead times."),
          case: str = typer.Option("base", "--case", help="World capacity case: low, base or high."),
          share: Optional[float] = typer.Option(None, "--share", help="Share of world supply these deals can get (default: the catalog's allocable share, an estimate)."),
          allocation: str = typer.Option("contract-date", "--allocation", help="Who is served first when short: contract-date or pro-rata."),
          samples: int = typer.Option(0, "--samples", "-n", min=0, max=1_000_000, help="Also sample deal completion: each deal completes or not, with its status weight as the probability (needs weights between 0 and 1)."),
          seed: int = typer.Option(0, "--seed", min=0, help="Random seed for --samples."),
          ledger: Optional[List[Path]] = LedgerOpt, catalog: Optional[List[Path]] = CatalogOpt, as_json: bool = JsonOpt):
    """All selected deals together through the one engine: GW online by buyer, vendor and quarter; capex; energy; vendor revenue."""
    out = world_data(_as_of(as_of), buyer, seller, vendor, status, kind, deal, status_weights, supply, case, share, allocation,
                     ledger, catalog, samples, seed)
    if as_json:
        return _print_json(out)
    _world_tables(out)


def _world_tables(out: dict) -> None:
    from rich.table import Table

    from gigawatt.core import fmt
    con = _console()
    t = out["totals"]
    con.print(styled(f"[bold]The world of announced AI compute deals[/], as of {esc(out['as_of'])}"))
    w = {k: v for k, v in out["status_weights"].items() if v != 1}
    con.print("Status weights: " + ", ".join(f"{k} {v:g}" for k, v in out["status_weights"].items())
              + ("" if w else ""))
    ht = Table(show_header=False, title="Headline (facility GW unless labelled IT)", title_justify="left")
    ht.add_column("", style="bold")
    ht.add_column("", justify="right")
    for k, v in [
        ("GW counted (stated, or sized from counts and contracts)", f"{t['gw_counted_facility']:,.1f} GW"),
        ("  of which sized in the engine", f"{t['gw_modelled_facility']:,.1f} GW ({t['gw_it']:,.1f} GW IT)"),
        ("  of which stated without hardware or schedule (not sized)", f"{t['gw_unmodelled_facility']:,.1f} GW"),
        ("Accelerators (sized part)", fmt.count(t["accelerators"])),
        ("Capex bottom-up / top-down", f"{fmt.usd(t['capex_usd'])} / {fmt.usd(t['capex_topdown_usd'])}"),
        ("Energy at full build-out", f"{t['energy_twh_per_year']:,.0f} TWh/yr ({t['co2_mt_per_year']:,.0f} Mt CO2/yr, location-based)"),
        ("HBM in service at full build-out", f"{t['hbm_gb'] / 1e9:,.2f} EB"),
    ]:
        ht.add_row(k, v)
    con.print(ht)
    dt = Table(title="Deals", title_justify="left")
    for col in ("Id", "Buyer", "Seller", "Status", "Weight", "Stated", "Sized", "Not sized", "How sized / why not counted"):
        dt.add_column(col, overflow="fold")
    for r in out["deals"]:
        how = ", ".join(sorted({x["how"] for x in r["tranches"]})) if r["tranches"] else ""
        why = r["excluded_reason"] or r.get("unmodelled_reason") or ""
        sup = styled(" [yellow]earlier terms replaced: " + esc(", ".join(sorted({s["term"] for s in r["superseded_terms"]}))) + "[/]") if r["superseded_terms"] else ""
        dt.add_row(r["id"], r["buyer"], r["seller"], r["status"], f"{r['weight']:g}",
                   f"{r['gw_stated_facility']:.2f}" if r["gw_stated_facility"] is not None else "-",
                   f"{r['gw_modelled_facility']:.2f}", f"{r['gw_unmodelled_facility']:.2f}", styled(esc("; ".join(filter(None, [how, why])))) + sup)
    con.print(dt)
    bt = Table(title="By buyer and by vendor (sized part, at full build-out)", title_justify="left")
    for col in ("Group", "GW", "Accelerators", "Capex bottom-up", "Energy TWh/yr"):
        bt.add_column(col, justify="right" if col != "Group" else "left")
    for r in out["by_buyer"]:
        bt.add_row(f"buyer {r['buyer']}", f"{r['gw']:.2f}", fmt.count(r["accelerators"]), fmt.usd(r["capex_usd"]), f"{r['energy_twh_per_year']:.0f}")
    for r in out["by_vendor"]:
        bt.add_row(f"vendor {r['vendor']}", f"{r['gw']:.2f}", fmt.count(r["accelerators"]), fmt.usd(r["capex_usd"]), f"{r['energy_twh_per_year']:.0f}")
    con.print(bt)
    q = out["quarterly"]
    idx = [i for i, lab in enumerate(q["quarter"]) if lab.endswith("Q4") and "2025" <= lab[:4] <= "2031"]
    qt = Table(title="GW online at year end, by vendor", title_justify="left")
    qt.add_column("Vendor")
    for i in idx:
        qt.add_column(q["quarter"][i][:4], justify="right")
    for vendor, vals in q["online_gw_by_vendor"].items():
        qt.add_row(vendor, *(f"{vals[i]:.1f}" for i in idx))
    con.print(qt)
    rev = out["vendor_revenue_usd_by_year"]
    years = [str(y) for y in range(2025, 2031)]
    rt = Table(title="Vendor revenue by year (hardware: system + network capex at catalog prices; cloud: contract value over its term)",
               title_justify="left")
    rt.add_column("Vendor")
    for y in years:
        rt.add_column(y, justify="right")
    for kind_, table in (("hardware", rev["hardware"]), ("cloud", rev["cloud"])):
        for name, by_year in table.items():
            rt.add_row(f"{name} ({kind_})", *(fmt.usd(by_year.get(y, 0.0)) for y in years))
    con.print(rt)
    if out["equity_flows"]:
        con.print("Equity flows (money, not GW): " + "; ".join(
            f"{e['investor']} -> {e['investee']} {fmt.usd(e['amount_usd'])}" + (" (tied to deployment)" if e["tied_to_deployment"] else "")
            for e in out["equity_flows"]))
    for g in out["double_count_guard"]:
        con.print(styled("[cyan]counted once:[/] ") + f"{g['id']} is inside {g['counted_in']} ({g['note']})")
    for c in out["conversions"]:
        if "rate_usd_per_gw_year" in c:
            con.print(styled("[cyan]converted:[/] ") + f"{c['deal']}: {fmt.usd(c['usd_per_year'])}/yr / {fmt.usd(c['rate_usd_per_gw_year'])} per GW-year "
                      f"= {c['gw_it']:.2f} GW IT (range {c['gw_it_low']:.2f}-{c['gw_it_high']:.2f}; rate {c['rate_id']}, an estimate)")
        else:
            con.print(styled("[cyan]sized from count:[/] ") + f"{c['deal']}: {c['accelerators']:,.0f} {c['product']} x {c['it_kw_per_accelerator']:.2f} kW "
                      f"= {c['gw_it']:.2f} GW IT")
    ot = Table(title="Observed vs model", title_justify="left")
    for col in ("Deal", "Date", "What", "Observed", "Model", "Note"):
        ot.add_column(col, overflow="fold")
    for o in out["observations"]:
        model = "-" if o["model"] is None else f"{o['model']:,.3g}"
        ot.add_row(o["deal"], o["date"], o["what"] + ("" if o["confirmed"] else " (unconfirmed)"), o["observed_text"], model,
                   o["model_note"] or "")
    con.print(ot)
    if "supply" in out:
        _supply_tables(con, out["supply"])
    if "completion_mc" in out:
        _completion_tables(con, out["completion_mc"])
    for n in out["notes"]:
        con.print(f"note: {n}", style="dim")
    for wmsg in out["warnings"]:
        con.print(styled("[yellow]warning:[/] ") + wmsg)


def _completion_tables(con, c: dict) -> None:
    from rich.table import Table

    g = c["gw_delivered_at_horizon_end"]
    con.print(styled("[bold]Deal completion sampled[/]") + f" ({c['samples']:,} samples, seed {c['seed']}): GW delivered by the horizon's end "
              f"mean {g['mean']:,.1f} GW (P5 {g['p5']:,.1f}, P50 {g['p50']:,.1f}, P95 {g['p95']:,.1f}); "
              f"{c['gw_if_all_complete']:,.1f} GW if every deal completes")
    t = Table(title="Deals whose completion is sampled", title_justify="left")
    for col in ("Deal", "Status", "P(completes)", "GW if completed"):
        t.add_column(col, justify="left" if col in ("Deal", "Status") else "right")
    for d in c["deals_sampled"]:
        t.add_row(d["deal"], d["status"], f"{d['probability']:.0%}", f"{d['gw_if_completed']:,.2f}")
    con.print(t)
    q = c["online_gw_quarter_end"]
    idx = [i for i, lab in enumerate(q["quarter"]) if lab.endswith("Q4") and "2025" <= lab[:4] <= "2031"]
    ft = Table(title="GW online at year end: P5 / P50 / P95 over the completion draws", title_justify="left")
    for i in idx:
        ft.add_column(q["quarter"][i][:4], justify="right")
    ft.add_row(*(f"{q['p5'][i]:.1f} / {q['p50'][i]:.1f} / {q['p95'][i]:.1f}" for i in idx))
    con.print(ft)


def _supply_tables(con, s: dict) -> None:
    b = s["binding"]
    share = f"{s['allocable_share']:.0%} of world supply ({s['allocable_share_source']})"
    if b:
        con.print(styled(f"[bold]Supply:[/] with {esc(share)}, [red]{esc(b['name'])} binds first[/] in {b['month']} ({b['quarter']}); "
                         f"allocation by {esc(s['allocation_rule'])}: {esc(s['allocation_note'])}"))
    else:
        con.print(styled(f"[bold]Supply:[/] with {esc(share)}, neither HBM nor CoWoS binds"))
    con.print("Break-even share of world supply (the deals need this much at peak): " + ", ".join(
        f"{k} {v['share']:.1%} in {v['month']}" for k, v in s["break_even_share"].items()))
    from rich.table import Table

    t = Table(title="Deals that slip", title_justify="left")
    for col in ("Deal", "Announced", "Planned completion", "Constrained", "Largest tranche slip (months)", "Undelivered GW at horizon end"):
        t.add_column(col)
    for d in s["slipping_deals"]:
        t.add_row(d["deal"], d["announced"] or "", d["planned_completion"] or "", d["constrained_completion"] or "",
                  "beyond the horizon" if d["slip_months"] is None else str(d["slip_months"]), f"{d['undelivered_gw_at_horizon_end']:.2f}")
    con.print(t if s["slipping_deals"] else "No deal slips under this share.")
    for lt in s["lead_times"]:
        con.print(f"Lead time {lt['name']}: {lt['months']:g} months ({', '.join(lt['source'].values())}); "
                  f"{len(lt['tranches_inside_lead_time'])} tranches ({lt['gw_inside_lead_time']:.1f} GW) start sooner than that after their deal")


@scenario_app.command("from-ledger")
def from_ledger(as_of: Optional[str] = AsOfOpt, buyer: Optional[str] = BuyerOpt, seller: Optional[str] = SellerOpt,
                vendor: Optional[str] = VendorOpt, status: Optional[str] = StatusOpt, kind: Optional[str] = KindOpt,
                deal: Optional[List[str]] = DealOpt,
                status_weights: Optional[str] = typer.Option(None, "--status-weights", help="Scale each deal's GW by its status weight."),
                sample_status: bool = typer.Option(False, "--sample-status", help="Instead of scaling, let `gigawatt mc` draw whether each deal completes, with its status weight as the probability (an uncertainty entry per deal)."),
                name: str = typer.Option("from-ledger", "--name", help="Scenario name."),
                ledger: Optional[List[Path]] = LedgerOpt, catalog: Optional[List[Path]] = CatalogOpt):
    """Print a scenario file (YAML) built from the selected ledger deals, to edit and run with `gigawatt plan`."""
    sys.stdout.write(scenario_yaml(_as_of(as_of), buyer, seller, vendor, status, kind, deal, status_weights, name, ledger, catalog,
                                   sample_status=sample_status))


def scenario_yaml(as_of=None, buyer=None, seller=None, vendor=None, status=None, kind=None, deal=None, status_weights=None,
                  name="from-ledger", ledger=None, catalog=None, sample_status=False) -> str:
    import yaml

    from gigawatt.analyses.world import build, parse_weights

    cat, led, views = _selection(as_of, buyer, seller, vendor, status, kind, deal, ledger, catalog)
    wi = build(led, cat, views, as_of, parse_weights(status_weights), name=name, sample_status=sample_status)
    if wi.scenario is None:
        raise GigawattError("none of the selected deals can be sized for the engine (no GW, accelerator count or convertible contract)")
    data = wi.scenario.model_dump(exclude_none=True, exclude_defaults=True)
    data["name"] = name
    head = [f"# Built by `gigawatt scenario from-ledger` from the deal ledger as of {as_of or 'today'}.",
            "# Each deal's `ledger:` is its ledger id; `gigawatt deals show ID` gives every figure's source.",
            "# Sizes: stated GW; accelerator counts x the catalog's all-in kW; contract $ / term / the ledger's cloud rate (estimate)."]
    if sample_status:
        head.append(f"# Deal completion is sampled: {len(wi.scenario.uncertainty)} deals complete (all their GW) or not, with their "
                    "status weight as the probability; run `gigawatt mc` on this file." if wi.scenario.uncertainty else
                    "# --sample-status: no selected deal has a status weight strictly between 0 and 1, so nothing is sampled "
                    "(give --status-weights, e.g. 'loi=0.5')")
    for r in wi.rows:
        if r["excluded_reason"]:
            head.append(f"# left out: {r['id']}: {r['excluded_reason']}")
        for x in r["tranches"]:
            if x["assumed"]:
                head.append(f"# assumed: {r['id']}: {x['label']}: {x['note']}")
    return "\n".join(head) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def print_warrants(out, con) -> None:
    """``gigawatt deal ISSUER --all-warrants``: the joint valuation's tables (``out``: an ``analyses.deals.IssuerWarrants``)."""
    from rich.table import Table

    from gigawatt.core import fmt

    j = out.joint
    con.print(styled(f"[bold]All {esc(out.issuer.upper())} warrants in the ledger[/]") + f" ({', '.join(out.deals)}), valued together: {j.price_mode}, "
              f"as of {j.valuation_month}, spot ${j.issuer_spot_usd:,.2f}"
              + (f", vol {j.volatility:.0%}" if j.volatility is not None else ""))
    t = Table(show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    for k, v in [
        ("Shares under all warrants", f"{j.shares_total:,}"),
        ("Stake of shares outstanding", f"{j.stake_pct_pre:.1f} % of {j.shares_outstanding / 1e6:,.0f}M before issue, "
                                        f"{j.stake_pct_post:.1f} % after"),
        ("Joint value today (mean)", fmt.usd(j.value_usd)),
        ("P10 / P50 / P90", " / ".join(fmt.usd(x) for x in (j.value_usd_p10, j.value_usd_p50, j.value_usd_p90))),
        ("Expected vested shares", f"{j.expected_vested_shares:,.0f} (P10 {j.vested_shares_p10:,.0f}, P90 {j.vested_shares_p90:,.0f})"),
        ("Expected dilution", f"{j.expected_dilution_pct:.1f} %"),
        ("P(every warrant fully vests)", f"{j.prob_all_fully_vest:.1%}"),
    ]:
        t.add_row(k, v)
    con.print(t)
    wt = Table(title="Each warrant (common price paths)", title_justify="left")
    for col in ("Deal", "Shares", "Issued / expiry", "Value (mean)", "P(full vest)", "Expected vested shares", "P(vest) by tranche"):
        wt.add_column(col)
    for w in j.warrants:
        wt.add_row(w["deal"], f"{w['shares']:,}", f"{w['issued']} / {w['expiry']}", fmt.usd(w["value_usd"]), f"{w['prob_full_vest']:.1%}",
                   f"{w['expected_vested_shares']:,.0f}", " ".join(f"{p:.0%}" for p in w["prob_vest_by_tranche"]))
    con.print(wt)
    for deal_id, note in out.tranche_structure.items():
        con.print(f"{deal_id}: {note}", style="dim")
