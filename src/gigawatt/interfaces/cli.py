"""The ``gigawatt`` command line. Heavy modules are imported inside commands."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from gigawatt.core.bounds import BOUNDS
from gigawatt.core.errors import GigawattError
from gigawatt.interfaces.console import console, esc, styled

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Model multi-gigawatt AI compute build-outs: sizing, timeline, capex/opex, sources.")
catalog_app = typer.Typer(no_args_is_help=True, help="List, show and check the catalog.")
app.add_typer(catalog_app, name="catalog")
#: Commands of this module that never need the deal ledger's commands registered: when the
#: `gigawatt` process runs one of them, the ledger package (~0.1-0.2 s of imports) is not loaded
#: at start-up (commands still import it lazily where they use it). `--help`, every other
#: command and code importing `app` (tests) get all commands.
_WITHOUT_LEDGER = frozenset({"size", "plan", "deal", "supply", "flows", "compare", "mc", "sensitivity", "optimize", "report", "serve",
                             "scenarios", "validate", "catalog"})


def _ledger_wanted(argv: list[str]) -> bool:
    words = [a for a in argv[1:] if not a.startswith("-")]
    return not (Path(argv[0]).name == "gigawatt" and words and words[0] in _WITHOUT_LEDGER)


if _ledger_wanted(sys.argv):
    from gigawatt.interfaces.ledger_cli import deals_app, scenario_app, world as _world  # noqa: E402  (the deal ledger)

    app.add_typer(deals_app, name="deals")
    app.add_typer(scenario_app, name="scenario")
    app.command("world")(_world)

def _print_version(value: bool) -> None:
    if value:
        from gigawatt import __version__
        sys.stdout.write(f"gigawatt {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Model multi-gigawatt AI compute build-outs: sizing, timeline, capex/opex, sources."""


CatalogOpt = typer.Option(None, "--catalog", "-c", help="Extra catalog file or directory (repeatable; also $GIGAWATT_CATALOG).")
JsonOpt = typer.Option(False, "--json", help="Print one JSON object instead of tables.")


def _console():
    return console()


def _print_json(obj) -> None:
    from gigawatt.core.bounds import check_finite

    sys.stdout.write(json.dumps(check_finite(obj), indent=2, allow_nan=False, default=str) + "\n")


def _note(message: str) -> None:
    """A note on stderr (what a run assumed), for commands whose stdout is a file list or JSON."""
    console(stderr=True).print(styled(f"[dim]note:[/] {esc(message)}"))


def _warn(message: str) -> None:
    """A warning, on stderr: stdout stays a clean table or JSON document."""
    console(stderr=True).print(styled(f"[yellow]warning:[/] {esc(message)}"))


SpotOpt = typer.Option(None, "--spot", help="Share price [USD] (default: the market file's latest; with no --as-of, valued as of today).")
AsOfOpt = typer.Option(None, "--as-of", help="Valuation date, e.g. 2026-11 or 2025-10-06 (default: the spot's date; today with --spot).")
ScenarioMarketOpt = typer.Option(False, "--scenario-market",
                                 help="Value warrants with the scenario's own spot, date and volatility instead of the market file's latest.")
RateOpt = typer.Option(None, "--rate", help="Risk-free rate per year, e.g. 0.037 (default: the market file's).")
SeedOpt = typer.Option(0, "--seed", min=int(BOUNDS["seed"][0]), max=int(BOUNDS["seed"][1]), help="Random seed, 0 or more: the same seed gives the same answer.")


@app.command()
def size(
    product: str = typer.Option(..., "--product", "-p", help="Accelerator id, e.g. mi450, gb200, h100-sxm."),
    gw: Optional[str] = typer.Option(None, "--gw", help="Power to fill, e.g. 1 or '700 MW' (basis: see --basis)."),
    count: Optional[int] = typer.Option(None, "--count", "-n", help="Number of accelerators instead of --gw."),
    basis: str = typer.Option("facility", "--basis", help="Whether --gw is 'facility' (grid) or 'it' power."),
    pue: Optional[float] = typer.Option(None, "--pue", help="Override the site class's PUE."),
    cooling: Optional[str] = typer.Option(None, "--cooling", help="air, dlc or immersion (default: the system's site class: air for air-cooled servers, dlc for liquid-cooled racks)."),
    site_class: Optional[str] = typer.Option(None, "--site-class", help="hyperscale-liquid, hyperscale-air, colocation-enterprise, hpc-centre or immersion (sets the PUE; default: by the system)."),
    draw: str = typer.Option("typical", "--draw", help="System power basis: typical draw (default; nameplate where no typical figure exists) or nameplate (maximum rating)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region for the electricity price (default us-average)."),
    system: Optional[str] = typer.Option(None, "--system", help="System id (default: the product's default system)."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """How many accelerators, systems, racks, MW and dollars: by power (--gw) or by count (--count)."""
    from gigawatt.analyses.api import size as _size

    r = _size(product, gw=gw, count=count, basis=basis, pue=pue, cooling=cooling, region=region, system=system,
              site_class=site_class, draw=draw, catalog_paths=catalog)
    if as_json:
        return _print_json(r)
    from rich.table import Table

    from gigawatt.core import fmt
    con = _console()
    what = f"{r['gw_requested']:g} GW ({r['basis']} basis)" if r["gw_requested"] is not None else f"{count:,} accelerators"
    t = Table(title=f"{r['product_name']} - {what}", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    from gigawatt.core.registry import get as param

    def lab(name: str) -> str:
        return param(name, "nameplate").label

    def val(name: str) -> str:
        return fmt.param(r[name], name, "nameplate")

    rows = [
        ("System", f"{r['system']} ({fmt.param(r['rack_kw'], 'rack_kw', 'input')} per rack)"),
        (lab("accelerators"), val("accelerators")),
        (f"{lab('systems')} / {lab('racks')}", f"{r['systems']:,} / {r['racks']:,}"),
        (lab("it_kw_per_accelerator"), f"{val('it_kw_per_accelerator')} IT, {fmt.by_format(r['facility_kw_per_accelerator'], 'kw')} facility "
         f"(TDP {'unknown' if r['tdp_w'] is None else fmt.by_format(r['tdp_w'], 'watts')})"),
        (lab("it_mw"), val("it_mw")),
        (lab("facility_mw"), f"{val('facility_mw')} (PUE {fmt.by_format(r['pue'], 'ratio')}, {r['site_class'] or r['cooling']}, {r['draw']} draw)"),
        (lab("capex_usd"), f"{val('capex_usd')} (systems {val('capex_systems_usd')}, network {val('capex_network_usd')}, "
         f"facility {val('capex_facility_usd')})"),
        (lab("capex_topdown_usd"), f"{val('capex_topdown_usd')} (x{r['capex_ratio_topdown_to_bottomup']:.2f} bottom-up)"),
        (lab("energy_twh_per_year"), f"{fmt.by_format(r['energy_twh_per_year'], 'twh', 'TWh/yr')}, {fmt.usd(r['energy_cost_usd_per_year'])}/yr"),
        (lab("peak_pflops_bf16"), val("peak_pflops_bf16")),
        (lab("effective_pflops_bf16"), val("effective_pflops_bf16")),
        (lab("hbm_gb"), f"{val('hbm_gb')} in {fmt.count(r['hbm_stacks'])} stacks"),
    ]
    for k, v in rows:
        t.add_row(k, v)
    con.print(t)
    _notes(con, r["warnings"], r["catalog_overrides"])


def _notes(con, warnings, overrides):
    for w in warnings:
        _warn(w)
    for o in overrides:
        verb = "added" if o["new"] else f"overrode {', '.join(o['fields'])}"
        con.print(styled(f"[cyan]catalog:[/] {esc(o['file'])} {verb} in {esc(o['section'])}.{esc(o['id'])}"))


@app.command()
def plan(
    scenario: str = typer.Argument(..., help="Built-in scenario name (see `gigawatt scenarios`) or a YAML file."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
    monthly: bool = typer.Option(False, "--monthly", help="Show every month, not one row a year."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Write the monthly series to this CSV file."),
):
    """Evaluate a scenario month by month: GW online, accelerators, capex, energy, compute."""
    from gigawatt.analyses.api import evaluate

    result = evaluate(scenario, catalog_paths=catalog)
    if csv is not None:
        _write_csv(result, csv)
    if as_json:
        return _print_json(result.to_dict())
    _plan_tables(result, monthly, scenario)
    if csv is not None:
        _console().print(f"monthly series written to {csv}")


def _write_csv(result, path: Path) -> None:
    import csv as _csv

    from gigawatt.engine.core import SERIES_UNITS

    series = result.monthly()
    try:
        with open(path, "w", newline="") as fh:
            w = _csv.writer(fh)
            w.writerow(["month", *(f"{k} [{u}]" for k, u in SERIES_UNITS.items())])
            for i, m in enumerate(result.months):
                w.writerow([m, *(repr(float(series[k][i])) for k in SERIES_UNITS)])
    except OSError as exc:
        raise GigawattError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _plan_tables(result, monthly: bool, arg: str) -> None:
    import numpy as np
    from rich.table import Table

    from gigawatt.core import fmt
    from gigawatt.core.timeline import sum_by_period

    con = _console()
    sc = result.scenario
    con.print(styled(f"[bold]{esc(sc.title or sc.name)}[/]  ({esc(result.source)}; inputs checked {esc(sc.checked or 'n/a')})"))
    from gigawatt.analyses.headline import figures, rows

    cols = figures(result, by="deal")
    if len(cols) > 1:
        cols += figures(result)
    t = Table(title="Headline: at full build-out (before retirement); CO2 and water over the horizon", title_justify="left")
    t.add_column("")
    for name, _ in cols:
        t.add_column(name, justify="right")
    per_col = [rows(values) for _, values in cols]
    for i, row in enumerate(per_col[0]):
        t.add_row(row.label, *(c[i].text for c in per_col))
    con.print(t)

    from gigawatt.core.registry import get as param

    tt = Table(title="Tranches", title_justify="left")
    for col in ("Tranche", "Product / system", param("start_offset", "input").label, param("ramp_months", "input").label,
                f"{param('gw', 'nameplate').label} (basis)", param("it_kw_per_accelerator", "nameplate").label,
                param("accelerators", "nameplate").label, param("pue", "nameplate").label):
        tt.add_column(col, justify="left" if col in ("Tranche", "Product / system") else "right", overflow="fold")
    for tr in result.tranches:
        i = tr.index
        npl = {k: float(v[0, i]) for k, v in result.nameplate.items()}
        start = tr.start if tr.start == tr.requested_start else f"{tr.start} (asked {tr.requested_start})"
        tt.add_row(tr.label, f"{tr.product} / {tr.system}", start, fmt.param(result.inputs.p["ramp_months"][0, i], "ramp_months", "input"),
                   f"{fmt.param(npl['gw'], 'gw', 'nameplate')} ({tr.basis})",
                   *(fmt.param(npl[k], k, "nameplate") for k in ("it_kw_per_accelerator", "accelerators", "pue")))
    con.print(tt)

    s = result.monthly()
    months = result.months
    idx = list(range(len(months))) if monthly else [i for i, m in enumerate(months) if m.endswith("-12")]
    mt = Table(title="Month by month" if monthly else "End of each year (--monthly for every month)", title_justify="left")
    levels, flow_keys = ("online_gw", "accelerators"), ("opex_usd", "energy_mwh", "co2_t", "co2_market_t", "water_m3")
    period = " in the month" if monthly else " in the year"
    for col in ("Month", *(param(k, "series").label for k in levels), param("capex_usd", "series").label + " to date",
                *(param(k, "series").label + period for k in flow_keys)):
        mt.add_column(col, justify="right")
    cum_capex = np.cumsum(s["capex_usd"])
    per_year = {k: sum_by_period(months, s[k], "year") for k in flow_keys}  # calendar-year sums: timeline's one rule
    for i in idx:
        v = {k: float(s[k][i]) if monthly else per_year[k][months[i][:4]] for k in flow_keys}
        mt.add_row(months[i], *(fmt.param(s[k][i], k, "series") for k in levels), fmt.param(cum_capex[i], "capex_usd", "series"),
                   *(fmt.param(v[k], k, "series") for k in flow_keys))
    con.print(mt)
    n_facts = {}
    sources = result.sources()
    for src in sources:
        for f in src["facts"].values():
            n_facts[f.get("kind", "none")] = n_facts.get(f.get("kind", "none"), 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(n_facts.items()))
    con.print(f"Sources: {len(sources)} catalog entries ({kinds} numbers); `gigawatt plan {arg} --json` lists them, "
              f"`gigawatt explain {arg} FIELD` traces one number.")
    from gigawatt.core.conventions import footnote, plan_conventions

    con.print(footnote(plan_conventions(result)))
    for c in result.inputs.constraints:
        con.print(styled(f"[yellow]constraint:[/] {esc(c['label'])} ({esc(c['deal'])}) starts {c['start']}, not {c['requested_start']}: "
                         f"{esc(c['constraint'])} ({c['slip_months']} months)"))
    _notes(con, result.warnings, [o.public() for o in result.catalog.overrides])


@app.command()
def deal(
    scenario: str = typer.Argument(..., help="Built-in scenario (openai-amd, openai-portfolio, ...) or a YAML file with deal terms."),
    price_path: Optional[str] = typer.Option(None, "--price-path", help="Given share-price path instead of simulation, e.g. '2026-12: 220, 2028-06: 400, 2030-01: 650'."),
    samples: int = typer.Option(100_000, "--samples", "-n", min=1, max=2_000_000, help="Simulated price paths."),
    seed: int = SeedOpt,
    spot: Optional[float] = SpotOpt,
    as_of: Optional[str] = AsOfOpt,
    volatility: Optional[float] = typer.Option(None, "--volatility", "--vol", help="Annual volatility, e.g. 0.5 (default: the market file's)."),
    rate: Optional[float] = RateOpt,
    drift: Optional[float] = typer.Option(None, "--drift", help="Annual drift of simulated prices (default: risk-neutral)."),
    scenario_market: bool = ScenarioMarketOpt,
    fiscal_year_start: Optional[int] = typer.Option(None, "--fiscal-year-start", min=1, max=12, help="First month of the fiscal year for yearly tables (4 = April-March; default: the company's)."),
    currency: str = typer.Option("USD", "--currency", help="Show money in this currency (USD, JPY) at the market file's dated rate."),
    rental_price: Optional[float] = typer.Option(None, "--rental-price", help="Market price per accelerator-hour [USD] for the buyer's margin (default: the market file's series)."),
    tokens_per_second: Optional[float] = typer.Option(None, "--tokens-per-second", help="Throughput per accelerator, for cost per million tokens (an estimate)."),
    catalog: Optional[List[Path]] = CatalogOpt,
    all_warrants: bool = typer.Option(False, "--all-warrants", help="SCENARIO is an issuer (e.g. amd): value every ledger warrant on it together."),
    as_json: bool = JsonOpt,
):
    """Deal economics: warrant vesting and value, vendor investment, supplier revenue and EPS, shareholder view, buyer economics."""
    from gigawatt.analyses.deals import run_deal

    out = run_deal(scenario, price_path=price_path, samples=samples, seed=seed, spot=spot, as_of=as_of, volatility=volatility,
                   rate=rate, drift=drift, scenario_market=scenario_market, fiscal_year_start=fiscal_year_start, currency=currency,
                   rental_price=rental_price, tokens_per_second=tokens_per_second, catalog=catalog, all_warrants=all_warrants)
    if as_json:
        return _print_json(out.to_dict())
    from gigawatt.interfaces.investor import print_deal

    print_deal(out, _console(), currency)


@app.command()
def supply(
    scenario: str = typer.Argument(..., help="Built-in scenario name or a YAML file."),
    constrained: bool = typer.Option(False, "--constrained", help="Delay tranches until the allocable share of supply allows; report the slip."),
    share: Optional[float] = typer.Option(None, "--share", help="Share of world HBM and CoWoS capacity the scenario can get (default from the catalog)."),
    case: str = typer.Option("base", "--case", help="World capacity case: low, base or high."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """HBM, CoWoS and substrate demand against world capacity, by quarter; which input binds first."""
    from gigawatt.analyses.supply import run_supply

    report = run_supply(scenario, constrained_schedule=constrained, share=share, case=case, catalog=catalog)
    if as_json:
        return _print_json(report.to_dict())
    from rich.table import Table

    con = _console()
    con.print(styled(f"[bold]{esc(report.title)}[/]: supply, {case} world capacity, allocable share {report.allocable_share:.0%}"))
    t = Table(title="By quarter (hardware bought, refreshes included)", title_justify="left")
    for col in ("Quarter", "HBM PB", "stacks (M)", "of world HBM", "CoWoS wafers", "of world CoWoS", "substrates (k)"):
        t.add_column(col, justify="right")
    for q in report.quarters:
        if not (q.hbm_gb or q.cowos_wafers):
            continue
        t.add_row(q.quarter, f"{q.hbm_gb / 1e6:,.1f}", f"{q.hbm_stacks / 1e6:,.2f}", f"{q.hbm_share_of_world:.1%}",
                  f"{q.cowos_wafers:,.0f}", f"{q.cowos_share_of_world:.1%}", f"{q.substrates / 1e3:,.0f}")
    con.print(t)
    b = report.binding
    con.print(styled(f"Binds first: [bold]{esc(b.name)}[/] in {b.month} ({b.share_of_world:.1%} of world supply > {b.allocable_share:.1%} allocable)"
              if b else f"Nothing binds at an allocable share of {report.allocable_share:.0%} (peak: "
              + ", ".join(f"{k} {v:.0%}" for k, v in report.peak_share_of_world.items()) + ")"))
    if report.slips is not None:
        st = Table(title="Constrained schedule", title_justify="left")
        for col in ("Tranche", "Planned completion", "Constrained", "Slip (months)", "Mean delay (months)", "Delivered by horizon end"):
            st.add_column(col, justify="left" if col == "Tranche" else "right")
        for sl in report.slips:
            st.add_row(sl.label, sl.planned_completion or "-", sl.constrained_completion or "not within horizon",
                       "-" if sl.slip_months is None else str(sl.slip_months), f"{sl.mean_delay_months:.1f}",
                       f"{sl.delivered_share_at_horizon_end:.0%}")
        con.print(st)
    for n in report.notes:
        con.print(styled(f"[dim]{esc(n)}[/]"))


@app.command()
def flows(
    scenario: str = typer.Argument(..., help="Built-in scenario name or a YAML file."),
    catalog: Optional[List[Path]] = CatalogOpt,
    companies: bool = typer.Option(False, "--companies", help="Listed companies in each segment: revenue = segment spend x sourced share."),
    japan: bool = typer.Option(False, "--japan", help="With --companies: Tokyo-listed names only."),
    fiscal_year_start: int = typer.Option(1, "--fiscal-year-start", min=1, max=12, help="First month of the fiscal year for yearly columns (4 = April-March)."),
    currency: str = typer.Option("USD", "--currency", help="Show money in this currency (USD, JPY) at the market file's dated rate."),
    as_json: bool = JsonOpt,
):
    """Where the money goes: capex by segment and by supplier group, total and per GW; the headline reconciled."""
    from gigawatt.analyses.flows import run_flows

    out = run_flows(scenario, catalog=catalog, with_companies=companies, japan=japan, fiscal_year_start=fiscal_year_start,
                    currency=currency)
    if as_json:
        return _print_json(out.to_dict())
    from gigawatt.interfaces.investor import print_flows

    print_flows(out, _console(), currency)


@app.command()
def compare(
    scenarios: List[str] = typer.Argument(..., help="Two or more built-in scenario names or YAML files; the first is the reference."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Scenarios side by side: inputs and outputs, absolute and % differences, per GW and per effective PFLOP/s."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.analyses.compare import compare as run_compare
    from gigawatt.analyses.compare import print_compare

    if len(scenarios) < 2:
        raise GigawattError("compare needs at least two scenarios, e.g. gigawatt compare base.yaml slip.yaml")
    out = run_compare([evaluate(s, catalog_paths=catalog) for s in scenarios])
    if as_json:
        return _print_json(out)
    print_compare(out, _console())


@app.command()
def mc(
    scenario: str = typer.Argument(..., help="Built-in scenario or a YAML file with an `uncertainty:` block."),
    samples: int = typer.Option(10_000, "--samples", "-n", min=1, max=1_000_000_000, help="Number of samples."),
    seed: int = SeedOpt,
    chunk_size: int = typer.Option(1024, "--chunk-size", min=1, help="Samples per chunk (rounded up to 256). Memory: one chunk of arrays plus 8 bytes per sample for each result and drawn variable (~130-180 bytes for the built-in scenarios, kept for exact percentiles)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Run on a local Dask cluster with N worker processes (from 50,000 samples; fewer run here, same results)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run on an existing Dask cluster, e.g. tcp://host:8786."),
    device: str = typer.Option("cpu", "--device", help="cpu, or gpu (CuPy; pip install 'gigawatt\\[gpu]'): where the engine's arrays live."),
    spot: Optional[float] = SpotOpt,
    as_of: Optional[str] = AsOfOpt,
    volatility: Optional[float] = typer.Option(None, "--vol", "--volatility", help="Annual volatility of the warrant's underlying (default: the market file's)."),
    rate: Optional[float] = RateOpt,
    scenario_market: bool = ScenarioMarketOpt,
    catalog_ranges: bool = typer.Option(False, "--catalog-ranges", help="Also sample every catalog number the run uses that has a "
                                        "low/high range (PERT, the catalog value as mode); no `uncertainty:` block needed."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Monte Carlo: percentiles (P5-P95) of capex, NPV, energy, completion, warrant value; fans by month.

    Runs the same engine as `plan` with many samples, streamed in chunks: the big arrays live
    for one chunk at a time; what grows with --samples is 8 bytes a sample for each result and
    drawn variable, kept for exact percentiles (~130-180 bytes; 1,000,000 samples of the
    portfolio peak under 1 GiB). A run that would not fit in half this machine's memory is
    refused before it starts.
    Results are identical for any --chunk-size and any --workers.
    """
    from gigawatt.engine.mc import simulate
    from gigawatt.interfaces.investor import evaluate_at_market

    result = evaluate_at_market(scenario, catalog_paths=catalog, spot=spot, as_of=as_of, volatility=volatility, rate=rate,
                                scenario_market=scenario_market)
    if catalog_ranges:
        result.scenario = result.scenario.model_copy(update={"catalog_ranges": True})
    if not result.scenario.uncertainty and not catalog_ranges:
        raise GigawattError(f"scenario {result.scenario.name!r} has no `uncertainty:` block, so every sample would be the same; "
                            "see the built-in openai-amd for the format, or add --catalog-ranges")
    progress = None
    if samples >= 50_000:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        bar = Progress("[progress.description]{task.description}", BarColumn(), "{task.completed:,}/{task.total:,}",
                       TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        task = bar.add_task("sampling", total=samples)
        bar.start()
        progress = lambda n: bar.advance(task, n)  # noqa: E731
    try:
        out = simulate(result, samples=samples, seed=seed, chunk_size=chunk_size, workers=workers, scheduler=scheduler, progress=progress,
                       device=device)
    finally:
        if progress is not None:
            bar.stop()
    from gigawatt.interfaces.investor import valuation_lines

    if as_json:
        for line in valuation_lines(result):
            _note(line)
        return _print_json(out.to_dict())
    _mc_tables(out, valuation_lines(result))


def _mc_tables(out: dict, valuation: list[str]) -> None:
    from rich.table import Table

    from gigawatt.core import fmt
    con = _console()
    con.print(styled(f"[bold]{esc(out['scenario'])}[/]: {out['samples']:,} samples, seed {out['seed']}"))
    for line in valuation:
        con.print(line)
    t = Table(title="Percentiles over the horizon", title_justify="left")
    for col in ("Output", "P5", "P10", "P50", "P90", "P95", "Mean"):
        t.add_column(col, justify="left" if col == "Output" else "right")
    # The Monte Carlo's per-sample results, labelled and formatted by their registry rows (role scalar).
    shown = ("capex_usd", "npv_cost_usd", "opex_usd", "energy_twh", "co2_mt", "completion_month_index", "warrant_value_usd",
             "warrant_shares_vested")
    for k in shown:
        row = out["percentiles"].get(k)
        if row is None:
            continue
        label = fmt.label(k, role="scalar")
        if k == "completion_month_index":
            # Percentiles of the samples that complete within the horizon; the share that does is in the label.
            cells = [row.get(f"{q}_month") or "-" for q in ("p5", "p10", "p50", "p90", "p95", "mean")]
            label += f" ({row['share_completed']:.0%} complete within the horizon)"
        else:
            cells = [fmt.value(k, row.get(key), role="scalar") for key in ("p5", "p10", "p50", "p90", "p95", "mean")]
        t.add_row(label, *cells)
    con.print(t)
    f = out["fans"]["online_gw"]
    ft = Table(title="GW online (fan, end of each year)", title_justify="left")
    for col in ("Month", "P5", "P10", "P50", "P90", "P95"):
        ft.add_column(col, justify="right")
    for i, m in enumerate(f["month"]):
        if m.endswith("-12"):
            ft.add_row(m, *(f"{f[f'p{q}'][i]:.2f}" for q in (5, 10, 50, 90, 95)))
    con.print(ft)
    ms = out["milestones"]
    con.print("Milestones (cumulative GW delivered): " + "; ".join(
        f"{g:g} GW: P50 {a or 'never'}, P90 {b or 'never'}" for g, a, b in zip(ms["gw"], ms["first_month_p50"], ms["first_month_p90"])
        if g == ms["gw"][-1] or float(g).is_integer() and int(g) % 5 == 0 or g == 1))
    if "warrant" in out:
        w = out["warrant"]
        con.print(f"Warrant ({w['deal']}): P(full vesting) {w['prob_full_vest']:.1%}; value P10 {fmt.usd(w['value_usd']['p10'])}, "
                  f"P50 {fmt.usd(w['value_usd']['p50'])}, P90 {fmt.usd(w['value_usd']['p90'])}; the deployment milestones move with "
                  "the sampled delays (`gigawatt deal` values the planned schedule)")
    vt = Table(title="Uncertain inputs (sampled P5 / P50 / P95)", title_justify="left")
    for col in ("Variable", "Distribution", "P5", "P50", "P95"):
        vt.add_column(col, justify="left" if col in ("Variable", "Distribution") else "right")
    from gigawatt.core.bounds import plain_number

    for v in out["variables"]:
        params = ", ".join(f"{k} {plain_number(x) if isinstance(x, (int, float)) else x}" for k, x in v["dist"].items()
                           if k != "type" and x is not None)
        vt.add_row(v["name"], f"{v['dist']['type']} ({params})", f"{v['p5']:,.3g}", f"{v['p50']:,.3g}", f"{v['p95']:,.3g}")
    con.print(vt)


@app.command()
def sensitivity(
    scenario: str = typer.Argument(..., help="Built-in scenario or a YAML file with an `uncertainty:` block."),
    sobol_samples: int = typer.Option(1024, "--sobol-samples", help="Base samples for Sobol indices (a power of 2; 0 skips Sobol)."),
    seed: int = SeedOpt,
    metric: str = typer.Option("npv_cost_usd", "--metric", help="Output to show: npv_cost_usd, capex_usd, energy_twh, gw_months_online, effective_eflop_months; deal metrics: warrant_value, eps_accretion, dilution."),
    spot: Optional[float] = SpotOpt,
    as_of: Optional[str] = AsOfOpt,
    volatility: Optional[float] = typer.Option(None, "--vol", "--volatility", help="Annual volatility for deal metrics (default: the market file's)."),
    rate: Optional[float] = RateOpt,
    samples: int = typer.Option(4000, "--samples", "-n", min=64, max=200_000, help="Price paths per case for deal metrics."),
    grid: bool = typer.Option(False, "--grid", help="Deal metrics: also a share price x months-of-slip table."),
    grid_spots: Optional[str] = typer.Option(None, "--grid-spots", help="Share prices for --grid, e.g. '200,300,421,600' (default: 0.5x to 1.5x spot)."),
    grid_slips: str = typer.Option("0,3,6,9,12", "--grid-slips", help="Months of delivery slip for --grid."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Which inputs matter most: a tornado (P10/P90 one at a time) and Sobol indices (SALib); deal metrics and a price x slip grid."""
    from gigawatt.analyses.sensitivity import DealSensitivity, run_sensitivity

    out = run_sensitivity(scenario, metric=metric, sobol_samples=sobol_samples, seed=seed, spot=spot, as_of=as_of, volatility=volatility,
                          rate=rate, samples=samples, grid=grid, grid_spots=grid_spots, grid_slips=grid_slips, catalog=catalog)
    if as_json:
        return _print_json(out.to_dict())
    from gigawatt.interfaces.investor import print_sensitivity, print_sensitivity_deal

    if isinstance(out, DealSensitivity):
        return print_sensitivity_deal(out, _console())
    print_sensitivity(out, metric, _console())


@app.command()
def optimize(
    target: str = typer.Argument(..., help="A target file (offers, target, max_vendor_share) or a built-in target name, e.g. openai-compute-2029."),
    share: Optional[float] = typer.Option(None, "--max-vendor-share", help="Override the file's maximum share per vendor (0-1]."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Cheapest vendor mix (GW per product and quarter) for a compute target by a date: an LP solved by HiGHS."""
    from gigawatt.analyses.optimize import run_optimize

    out = run_optimize(target, share=share, catalog=catalog)
    if as_json:
        return _print_json(out.to_dict())
    from rich.table import Table

    from gigawatt.core import fmt
    con = _console()
    tgt = out.target
    goal = f"{tgt['effective_eflops_bf16']:,.0f} EFLOP/s effective BF16" if "effective_eflops_bf16" in tgt else f"{tgt['gw']:g} GW"
    con.print(styled(f"[bold]{esc(out.name)}[/]: {esc(goal)} online by {esc(tgt['by'])}, no vendor above {out.max_vendor_share:.0%} of GW"))
    con.print(styled(f"Cheapest plan: [bold]{fmt.usd(out.cost_usd)}[/] ({esc(out.cost_basis)})"))
    t = Table(title="Plan (GW delivered over each quarter)", title_justify="left")
    for col in ("Quarter", "Product", "Vendor", "GW", "PV cost per GW", "EFLOP/s per GW at target"):
        t.add_column(col, justify="left" if col in ("Product", "Vendor") else "right")
    for row in sorted(out.plan, key=lambda r: (r.quarter, r.product)):
        t.add_row(row.quarter, row.product, row.vendor, f"{row.gw:.2f}", fmt.usd(row.usd_per_gw), f"{row.eflops_per_gw_at_target:,.0f}")
    con.print(t)
    con.print("GW by vendor: " + ", ".join(f"{v} {g:.2f} ({out.vendor_shares[v]:.0%})" for v, g in out.gw_by_vendor.items())
              + "; share of the target by vendor: " + ", ".join(f"{v} {c:.0%}" for v, c in out.coverage_by_vendor.items()))
    b = sorted(out.binding, key=lambda r: r["shadow_price_usd"])
    con.print(f"Binding constraints ({len(b)}): " + "; ".join(f"{r['constraint']} ({fmt.usd(-r['shadow_price_usd'])} per unit)" for r in b[:6])
              + (" ..." if len(b) > 6 else ""))
    d = out.diversification
    if d:
        con.print(f"Diversification cap: single-sourcing allowed would save {fmt.usd(d.saving_if_unconstrained_usd)} "
                  f"({fmt.usd(d.shadow_price_usd_per_point_of_share)} per percentage point of share); unconstrained, the "
                  "target would depend on " + ", ".join(f"{v} {c:.0%}" for v, c in d.unconstrained_coverage_by_vendor.items() if c))
    singles = ", ".join(f"{v}: {fmt.usd(c) if c is not None else 'infeasible'}" for v, c in out.single_vendor_plans.items())
    con.print(f"Single-vendor plans: {singles}")


def _check_output_path(path: Path, option: str, folder: bool = False) -> None:
    """Refuse, before any work, an output path that cannot be written."""
    if folder:
        if path.exists() and not path.is_dir():
            raise GigawattError(f"{option} {path}: exists and is not a folder")
        parent = path.parent
    else:
        if path.is_dir():
            raise GigawattError(f"{option} {path}: is a folder; give a file name")
        parent = path.parent
    if not parent.is_dir():
        raise GigawattError(f"{option} {path}: the folder {parent} does not exist")


@app.command()
def report(
    scenario: str = typer.Argument(..., help="Built-in scenario name or a YAML file."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write one self-contained HTML file (opens offline)."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Write an Excel workbook: summary, drivers with live formulas, monthly, deals, warrant, shareholder, flows, supply, Monte Carlo, sensitivity, inputs with provenance, sources."),
    png: Optional[Path] = typer.Option(None, "--png", help="Write one PNG per chart into this folder."),
    samples: int = typer.Option(0, "--samples", "-n", min=0, max=2_000_000, help="Add Monte Carlo fans with this many samples."),
    seed: int = SeedOpt,
    spot: Optional[float] = SpotOpt,
    as_of: Optional[str] = AsOfOpt,
    volatility: Optional[float] = typer.Option(None, "--vol", "--volatility", help="Annual volatility of the warrant's underlying (default: the market file's)."),
    rate: Optional[float] = RateOpt,
    scenario_market: bool = ScenarioMarketOpt,
    catalog: Optional[List[Path]] = CatalogOpt,
    world: bool = typer.Option(False, "--world", help="Add the world view of the deal ledger (every deal, as of today); a scenario built from the ledger gets it anyway."),
    pdf: Optional[Path] = typer.Option(None, "--pdf", help="Write a PDF: headless Chromium prints the HTML report (A4, offline)."),
    lang: str = typer.Option("en", "--lang", help="Language of the report and figures: en or ja."),
    currency: str = typer.Option("USD", "--currency", help="Show money in this currency at the market file's latest FX rate (e.g. JPY)."),
):
    """Reports: an offline HTML file with interactive charts, a PDF, an Excel workbook, static PNG figures."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.sections import build

    from gigawatt.scenario.spec import scenario_text

    if not (html or xlsx or png or pdf):
        raise GigawattError("say what to write: --html FILE, --pdf FILE, --xlsx FILE and/or --png FOLDER")
    from gigawatt.core.i18n import check_lang

    lang = check_lang(lang)
    if pdf is not None:
        from gigawatt.interfaces.report.pdf import find_chromium

        if find_chromium() is None:
            raise GigawattError("--pdf needs Chromium to print the report (apt-get install chromium, or set GIGAWATT_CHROMIUM)")
    for path, option, folder in ((html, "--html", False), (xlsx, "--xlsx", False), (png, "--png", True), (pdf, "--pdf", False)):
        if path is not None:
            _check_output_path(path, option, folder)
    from gigawatt.interfaces.investor import evaluate_at_market, valuation_lines

    result = evaluate_at_market(scenario, catalog_paths=catalog, spot=spot, as_of=as_of, volatility=volatility, rate=rate,
                                scenario_market=scenario_market)

    for line in valuation_lines(result):
        _note(line)
    text = scenario_text(scenario)
    ctx = Context.build(result, text, samples, seed, lang=lang, currency=currency)
    if world:
        from gigawatt.interfaces.ledger_cli import world_data

        ctx.world = world_data(supply=True)  # read by report.sections.world
    sections = build(ctx)
    con = _console()
    writing = None  # the output being written, for the message if writing fails
    try:
        from gigawatt.interfaces.dashboard import scenario_text_in

        title = scenario_text_in(result.scenario, "title", lang)  # a built-in's Japanese title in Japanese
        if html or pdf:
            from gigawatt.interfaces.report.html import render

            page = render(sections, title, lang=lang, scenario=result.scenario.name)
        if html:
            writing = html
            html.write_text(page, encoding="utf-8")
            con.print(f"wrote {html}")
        if pdf:
            from gigawatt.core.i18n import day, t
            from gigawatt.interfaces.report.pdf import write_pdf

            writing = pdf
            write_pdf(page, pdf, footer=t("report.footer", lang, scenario=result.scenario.name, date=day(lang=lang)))
            con.print(f"wrote {pdf}")
        if xlsx:
            from gigawatt.interfaces.report.xlsx import write

            writing = xlsx
            write(result, xlsx, text, ctx=ctx, lang=getattr(ctx, "lang", "en"))
            con.print(f"wrote {xlsx}")
        if png:
            from gigawatt.interfaces.report.png import write as write_png

            writing = png
            paths = write_png(sections, png, lang=lang, scenario=result.scenario.name)
            con.print(f"wrote {len(paths)} figures to {png}")
    except Exception as exc:  # OSError, or a writer library's own error for an unwritable file
        if isinstance(exc, GigawattError):
            raise
        if not isinstance(exc, OSError) and "FileCreateError" not in type(exc).__name__:
            raise
        detail = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
        where = (exc.filename if isinstance(exc, OSError) else None) or writing
        raise GigawattError(f"cannot write the report{f' to {where}' if where else ''}: {detail}") from None


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default; anything else exposes the server)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    db: Optional[Path] = typer.Option(None, "--db", help="SQLite file for saved scenarios (default: in the user's data directory)."),
    token: Optional[str] = typer.Option(None, "--token", envvar="GIGAWATT_TOKEN",
                                        help="Require 'Authorization: Bearer TOKEN' on every API call (also $GIGAWATT_TOKEN)."),
    allow_host: Optional[List[str]] = typer.Option(None, "--allow-host",
                                                   help="Host name clients may use besides loopback names (repeatable), e.g. gpu-box.lan."),
    workers: int = typer.Option(2, "--heavy-workers", min=1, max=64, help="Monte Carlo requests run at once, per process (others get 503)."),
    processes: Optional[int] = typer.Option(None, "--workers", min=1, max=64,
                                            help="Server processes sharing the port (default: one per core, at most 4)."),
):
    """The dashboard and API: http://127.0.0.1:8000 (the OpenAPI document at /openapi.json)."""
    from gigawatt.interfaces.server import default_workers, is_loopback, serve as run_server
    from gigawatt.scenario.store import default_path

    if token is not None and len(token) < 8:
        raise GigawattError("--token must be at least 8 characters")
    if not is_loopback(host):
        _warn(f"binding to {host} exposes the server to your network: anyone who can reach port {port} can use it"
              + ("" if token else "; set --token (or GIGAWATT_TOKEN) to require a bearer token")
              + ("" if allow_host else "; and name the host clients will use with --allow-host"))
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/" + (f"#token={token}" if token else "")
    n_proc = processes or default_workers()
    # Printed by serve() once the port is known to be free (a busy port is one `error:` line, exit 2).
    announce = lambda: _console().print(f"gigawatt serving on {url}  ({n_proc} process{'es' if n_proc > 1 else ''}; "  # noqa: E731
                                        f"saved scenarios: {db or default_path()}; Ctrl-C stops)")
    run_server(host, port, str(db) if db else None, token=token, allowed_hosts=list(allow_host or []), heavy_workers=workers,
               workers=n_proc, announce=announce)


@app.command()
def explain(
    scenario: str = typer.Argument(..., help="Built-in scenario name or a YAML file."),
    field: str = typer.Argument(..., help="An output (facility_mw, capex_usd, accelerators ...) or an input (pue, usd_per_mwh ...)."),
    tranche: int = typer.Option(0, "--tranche", "-t", min=0, help="Which tranche (0 = the first; see `plan --json`)."),
    role: Optional[str] = typer.Option(None, "--role", help="input, nameplate or series, where a name is both (e.g. hbm_gb)."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Where one number comes from: its formula, its parts, and the scenario line or catalog fact behind each input."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.analyses.explain import explain as run_explain
    from gigawatt.interfaces.tables import print_explanation

    if role is not None and role not in ("input", "nameplate", "series"):
        raise GigawattError(f"--role must be input, nameplate or series, not {role!r}")
    tree = run_explain(evaluate(scenario, catalog_paths=catalog), field, tranche, role)
    if as_json:
        return _print_json(tree)
    print_explanation(tree, _console())


@app.command()
def scenarios(as_json: bool = JsonOpt):
    """List the built-in scenarios."""
    from gigawatt.scenario.spec import builtin_names, load

    rows = []
    for name in builtin_names():
        sc = load(name)[0]
        gw = sum(t.gw for _, _, t in sc.tranches)
        rows.append({"name": name, "title": sc.title, "deals": len(sc.deals), "tranches": len(sc.tranches), "gw_stated": gw,
                     "checked": sc.checked})
    if as_json:
        return _print_json(rows)
    from rich.table import Table

    t = Table(title="Built-in scenarios (gigawatt plan NAME)", title_justify="left")
    for col in ("Name", "Title", "Deals", "Tranches", "GW", "Checked"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["name"], r["title"] or "", str(r["deals"]), str(r["tranches"]), f"{r['gw_stated']:g}", r["checked"] or "")
    _console().print(t)


@app.command()
def validate(
    draw: str = typer.Option("typical", "--draw", help="System power basis: typical (default) or nameplate."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """How close the model is: real clusters with reported power, per-GW reference figures, the seed's figures."""
    from gigawatt.analyses import validate as v
    if draw not in ("typical", "nameplate"):
        raise GigawattError(f"--draw must be 'typical' or 'nameplate', not {draw!r}")
    report = v.run(catalog_paths=catalog, draw=draw)
    if as_json:
        return _print_json(report)
    from gigawatt.interfaces.tables import print_validation

    print_validation(report, _console())


@catalog_app.command("list")
def catalog_list(
    section: Optional[str] = typer.Argument(None, help="accelerators, systems, cooling, regions, software or defaults."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """List catalog entries (all sections, or one)."""
    from gigawatt.catalog import SECTIONS, load_catalog, suggest

    cat = load_catalog(catalog)
    if section is not None and section not in SECTIONS:
        raise GigawattError(f"no catalog section {section!r}{suggest(section, SECTIONS)}")
    sections = [section] if section else list(SECTIONS)
    if as_json:
        return _print_json({s: [{"id": e.id, "name": e.name} for e in cat.section(s).values()] for s in sections})
    from rich.table import Table

    con = _console()
    for s in sections:
        t = Table(title=s, title_justify="left")
        t.add_column("id", style="bold")
        t.add_column("name")
        if s == "accelerators":
            for col in ("vendor", "available", "BF16 TFLOPS", "HBM GB", "TDP W", "system"):
                t.add_column(col, justify="right")
        def shown(f) -> str:
            """A number, or the fact's own "unknown as of <date>" (its value) where it has none."""
            return f"{f.x:,.0f}" if f.x == f.x else str(f.value)

        for e in cat.section(s).values():
            if s == "accelerators":
                t.add_row(e.id, e.name, e.vendor, str(e.available.value), shown(e.bf16_dense_tflops), shown(e.memory_gb),
                          shown(e.tdp_w), e.default_system)
            else:
                t.add_row(e.id, e.name)
        con.print(t)


@catalog_app.command("show")
def catalog_show(
    entry_id: str = typer.Argument(..., help="Entry id, e.g. gb200."),
    catalog: Optional[List[Path]] = CatalogOpt,
    as_json: bool = JsonOpt,
):
    """Show one entry with every number's unit, kind and source."""
    from gigawatt.catalog import load_catalog

    cat = load_catalog(catalog)
    section, entry = cat.find(entry_id)
    data = {"section": section, "file": cat.origin.get((section, entry_id)),
            **{k: (v.public() if hasattr(v, "public") else v) for k, v in entry.model_dump(exclude_none=True).items()}}
    for k, f in entry.facts().items():
        data[k] = f.public()
    data.pop("provenance", None)
    if as_json:
        return _print_json(data)
    from rich.table import Table

    con = _console()
    con.print(styled(f"[bold]{esc(entry.name)}[/] ({esc(section)}.{esc(entry.id)}, {esc(data['file'])})"))
    t = Table(show_lines=False)
    for col in ("field", "value", "unit", "kind", "source / note"):
        t.add_column(col)
    for k, v in entry.model_dump(exclude_none=True).items():
        if k in entry.facts() or k in ("provenance", "id", "name"):
            continue
        t.add_row(k, str(v), "", "", "")
    for k, f in entry.facts().items():
        value = f"{f.value:,.6g}" if isinstance(f.value, float) else str(f.value)
        if f.low is not None or f.high is not None:
            lo = f"{f.low:,.6g}" if f.low is not None else ""
            hi = f"{f.high:,.6g}" if f.high is not None else ""
            value += f" (range {lo}-{hi})"
        src = esc(f.source) if f.source else "[red]no source[/]"
        if f.note:
            src += f"\n[dim]{esc(f.note)}[/]"
        t.add_row(k, value, f.unit, f.kind or styled("[red]none[/]"), styled(src))
    con.print(t)


@catalog_app.command("check")
def catalog_check(catalog: Optional[List[Path]] = CatalogOpt, as_json: bool = JsonOpt):
    """Fail (exit 1) on any number without provenance or with an implausible value."""
    from gigawatt.catalog import SECTIONS, check, load_catalog

    cat = load_catalog(catalog)
    problems = check(cat)
    n = sum(len(e.facts()) for s in SECTIONS for e in cat.section(s).values())
    if as_json:
        _print_json({"ok": not problems, "numbers": n, "problems": [{"path": p.path, "message": p.message} for p in problems]})
    else:
        con = _console()
        for p in problems:
            con.print(styled(f"[red]x[/] {esc(p.render())}"))
        con.print(styled(f"{n} numbers in {sum(len(cat.section(s)) for s in SECTIONS)} entries: "
                         + ("[green]every number has a source, a date and a kind[/]" if not problems else f"[red]{len(problems)} problems[/]")))
    if problems:
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: user mistakes print a message and exit 2, never a traceback."""
    try:
        app()
    except GigawattError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
