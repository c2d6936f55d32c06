"""The report's sections, in order. Each is a function of the :class:`Context`; add one here."""
from __future__ import annotations

import numpy as np

from .. import fmt
from . import Chart, Context, Section, Table


def _years(months: list[str]) -> list[int]:
    return [i for i, m in enumerate(months) if m.endswith("-12")]


def headline(ctx: Context) -> Section:
    r = ctx.result
    t = r.totals()
    h = r.horizon_sums()
    sc = r.scenario
    rows = [
        ["GW (facility / IT)", f"{t['gw']:.2f} / {t['gw_it']:.2f}"],
        ["Accelerators", fmt.count(t["accelerators"])],
        ["Racks", fmt.count(t["racks"])],
        ["Capex, bottom-up", fmt.usd(t["capex_usd"])],
        ["Capex, top-down", fmt.usd(t["capex_topdown_usd"])],
        ["Top-down / bottom-up", f"{t['capex_ratio_topdown_to_bottomup']:.2f}"],
        ["Energy at full build-out", f"{t['energy_twh_per_year']:.1f} TWh/yr"],
        ["Effective BF16 compute", fmt.flops(t["effective_pflops_bf16"])],
        ["PV of capex + opex", fmt.usd(t["npv_cost_usd"])],
        ["CO2 over the horizon", f"{h['co2_t'] / 1e6:,.1f} Mt (location-based), {h['co2_market_t'] / 1e6:,.1f} Mt (market-based)"],
        ["Water over the horizon", f"{h['water_m3'] / 1e6:,.1f} million m3"],
    ]
    deals = Table("By deal", ["Deal", "Supplier", "GW", "Accelerators", "Capex bottom-up", "Capex top-down", "TWh/yr"],
                  [[d["name"], d["supplier"], round(d["gw"], 3), round(d["accelerators"]), round(d["capex_usd"]), round(d["capex_topdown_usd"]),
                    round(d["energy_twh_per_year"], 2)] for d in r.groups("deal")])
    text = f"{sc.description or ''} Inputs checked {sc.checked or 'n/a'}; horizon {sc.horizon.start} to {sc.horizon.end}."
    return Section("headline", sc.title or sc.name, text.strip(), [Table("Headline numbers", ["", "Value"], rows), deals])


def capacity(ctx: Context) -> Section:
    r = ctx.result
    by_vendor = r.monthly(["online_gw"], by="vendor")["online_gw"]
    by_product = r.monthly(["online_gw"], by="product")["online_gw"]
    s = r.monthly(["accelerators", "racks"])
    return Section("capacity", "Capacity over time", "Facility GW of hardware in service, by vendor and by product; "
                   "hardware retires after its useful life unless a tranche refreshes it.", charts=[
        Chart("gw_by_vendor", "GW online by vendor", r.months, {k: v.tolist() for k, v in by_vendor.items()}, "area", "GW"),
        Chart("gw_by_product", "GW online by product", r.months, {k: v.tolist() for k, v in by_product.items()}, "area", "GW"),
        Chart("accelerators", "Accelerators and racks online", r.months,
              {"accelerators": s["accelerators"].tolist(), "racks x 100": (s["racks"] * 100).tolist()}, "line", "count"),
    ])


def capex(ctx: Context) -> Section:
    fl = ctx.flows
    r = ctx.result
    seg = fl["segments"]
    t = r.totals()
    chart = Chart("capex_segments", "Capex: bottom-up segments vs top-down", ["bottom-up", "top-down"],
                  {**{k.replace("_", " "): [v, 0.0] for k, v in seg.items()}, "top-down ($/GW)": [0.0, t["capex_topdown_usd"]]}, "bar", "USD")
    table = Table("Where the money goes", ["Segment", "USD", "USD per GW", "Share"],
                  [[k.replace("_", " "), round(v), round(fl["per_gw"][k]), round(fl["shares"][k], 4)] for k, v in seg.items()])
    cum = np.cumsum(r.monthly(["capex_usd"])["capex_usd"])
    return Section("capex", "Capex", f"Bottom-up {fmt.usd(t['capex_usd'])} against top-down {fmt.usd(t['capex_topdown_usd'])} "
                   f"(ratio {t['capex_ratio_topdown_to_bottomup']:.2f}).", [table],
                   [chart, Chart("capex_cumulative", "Cumulative capex (bottom-up, incl. refresh)", r.months, {"capex": cum.tolist()}, "line", "USD")])


def energy(ctx: Context) -> Section:
    r = ctx.result
    s = r.monthly(["energy_mwh", "co2_t", "co2_market_t", "water_m3"])
    idx = _years(r.months)
    years = [r.months[i][:4] for i in idx]

    def yearly(a):
        return [float(a[max(0, i - 11):i + 1].sum()) for i in idx]

    return Section("energy", "Energy, CO2 and water", "Per calendar year; location-based CO2 uses grid intensity, "
                   "market-based credits PPAs at their own intensity.", charts=[
        Chart("energy", "Energy per year", years, {"TWh": [v / 1e6 for v in yearly(s["energy_mwh"])]}, "bar", "TWh"),
        Chart("co2", "CO2 per year", years, {"location-based": [v / 1e6 for v in yearly(s["co2_t"])],
                                             "market-based": [v / 1e6 for v in yearly(s["co2_market_t"])]}, "line", "Mt CO2"),
        Chart("water", "Water per year", years, {"million m3": [v / 1e6 for v in yearly(s["water_m3"])]}, "bar", "million m3"),
    ])


def supply(ctx: Context) -> Section:
    rep = ctx.supply
    q = [row for row in rep["quarters"] if row["hbm_gb"] or row["cowos_wafers"]]
    b = rep["binding"]
    text = (f"Binds first: {b['name']} in {b['quarter']} ({b['share_of_world']:.0%} of world supply, above the "
            f"{b['allocable_share']:.0%} allocable)." if b else f"Nothing binds at an allocable share of {rep['allocable_share']:.0%}.")
    return Section("supply", "HBM and CoWoS supply", text, charts=[
        Chart("supply_shares", "Share of world supply taken (hardware bought in the quarter)", [row["quarter"] for row in q],
              {"HBM": [row["hbm_share_of_world"] for row in q], "CoWoS": [row["cowos_share_of_world"] for row in q],
               "allocable share": [rep["allocable_share"]] * len(q)}, "line", "share of world"),
    ])


def world(ctx: Context) -> Section | None:
    """The deal ledger's world view: GW online by buyer and vendor, the deals with status and GW
    counted / sized / left out, the binding supply input, the as-of date and the source note.

    Shown when asked (``gigawatt report --world`` sets ``ctx.world`` to a ``world_data`` object)
    or when the scenario comes from the ledger (every deal names its ``ledger:`` id): then the
    ledger's view, as of today, of those deals."""
    from ..ledger.present import section, world_for_ids

    data = getattr(ctx, "world", None)
    if data is None:
        ids = [d.ledger for d in ctx.result.scenario.deals]
        if not ids or None in ids:
            return None
        data = world_for_ids(ids)
    return section(data) if data is not None else None


def warrant(ctx: Context) -> Section | None:
    if not ctx.deal or "warrant" not in ctx.deal:
        return None
    w = ctx.deal["warrant"]
    rows = [[i + 1, t["shares"], t["gw_milestone"], t["price_hurdle"], round(t["prob_vest"], 4), t["expected_vest_month"] or "-",
             "assumed" if t["assumed"] else "public"] for i, t in enumerate(w["tranches"])]
    pv = w["prob_vest_by_month"]
    return Section("warrant", f"Warrant ({w['deal']})",
                   f"{w['shares_total']:,} shares ({w['stake_pct_pre']:.1f} % of shares outstanding, {w['stake_pct_post']:.1f} % after issue); "
                   f"worth {fmt.usd(w['value_at_final_hurdle_usd'])} at the final hurdle; value today {fmt.usd(w['value_usd'])} "
                   f"(P10 {fmt.usd(w['value_usd_p10'])}, P90 {fmt.usd(w['value_usd_p90'])}); P(full vesting) {w['prob_full_vest']:.1%}. "
                   f"{w['price_mode']}.",
                   [Table("Tranches", ["#", "Shares", "GW milestone", "Price hurdle", "P(vest)", "Expected vest", "Terms"], rows)],
                   [Chart("vesting", "Probability each tranche has vested, by month", pv["month"],
                          {k.replace("_", " "): v for k, v in pv.items() if k != "month"}, "line", "probability")])


def montecarlo(ctx: Context) -> Section | None:
    if not ctx.mc:
        return None
    mc = ctx.mc
    f = mc["fans"]["online_gw"]
    rows = [[k, *(v.get(f"p{q}") for q in (5, 50, 95)), v.get("unit", "")] for k, v in mc["percentiles"].items()]
    return Section("montecarlo", f"Monte Carlo ({mc['samples']:,} samples, seed {mc['seed']})", "Percentiles over the horizon and fans by month.",
                   [Table("Percentiles", ["Output", "P5", "P50", "P95", "Unit"], rows)],
                   [Chart("fan_gw", "GW online: P5-P95 fan", f["month"], {k: f[k] for k in ("p5", "p10", "p50", "p90", "p95")}, "fan", "GW")])


def validation(ctx: Context) -> Section:
    """How close the model's power is to real clusters (the `gigawatt validate` summary)."""
    from ..validate import cluster_rows, cluster_summary

    summary = cluster_summary(cluster_rows(ctx.result.catalog))

    def pct(x):
        return "-" if x is None else f"{x:.0%}"

    def row(label, s):
        m, b = s["model"], s["baseline"]
        return [label, m["rows"], pct(m["median_abs_error"]), pct(m["within_25pct"]), pct(b["median_abs_error"]), pct(b["within_25pct"])]

    rows = [row("Epoch AI public set", summary["epoch_public_set"]), row("All reference clusters", summary["all_rows"])]
    rows += [row(f"Family: {f}", s) for f, s in summary["by_family"].items()]
    return Section("validation", "Validation against real clusters",
                   "Modelled power of clusters with reported power (planned sites against facility power, operating systems against "
                   "IT power), beside a simple baseline (TDP x 2.44). Nothing is fitted per cluster; run `gigawatt validate` for "
                   "every row. Cluster data: Epoch AI, 'Data on GPU Clusters' and 'Data on Frontier AI Data Centers', epoch.ai, CC BY 4.0.",
                   [Table("Power: median absolute error and share within 25 %",
                          ["Set", "Clusters", "Model median error", "Model within 25 %", "Baseline median error", "Baseline within 25 %"],
                          rows)])


def sources(ctx: Context) -> Section:
    rows = []
    for src in ctx.result.sources():
        for name, fact in src["facts"].items():
            rows.append([f"{src['section']}.{src['id']}", name, fact.get("value"), fact.get("unit", ""), fact.get("kind", ""),
                         fact.get("source", ""), fact.get("as_of", "")])
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r[4]] = kinds.get(r[4], 0) + 1
    return Section("sources", "Sources", "Every catalog number the run used, with its kind: "
                   + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ".",
                   [Table("Catalog entries used", ["Entry", "Field", "Value", "Unit", "Kind", "Source", "As of"], rows)])


def scenario(ctx: Context) -> Section:
    return Section("scenario", "The scenario", "", [Table("Scenario file", ["YAML"], [[ctx.scenario_text]])])


SECTIONS = [headline, capacity, capex, energy, supply, world, warrant, montecarlo, validation, sources, scenario]


def build(ctx: Context) -> list[Section]:
    return [s for s in (f(ctx) for f in SECTIONS) if s is not None]
