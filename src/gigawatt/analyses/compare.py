"""Scenario diff: inputs and outputs of two or more scenarios side by side, with absolute and %
differences against the first, and per-GW and per-effective-PFLOP/s normalisation.

The page's compare view and ``gigawatt compare`` both call :func:`compare`.
"""
from __future__ import annotations

from gigawatt.core import fmt

#: Outputs compared (nameplate totals at full build-out and their ratio, then sums over the horizon). Each is a
#: registry row (``nameplate``, or ``metric`` for the ratio and the horizon sums): its label and number format come
#: from there (:func:`gigawatt.core.fmt.label`, :func:`gigawatt.core.fmt.value`), normalised ones from the base row.
OUTPUTS = ("gw", "gw_it", "accelerators", "capex_usd", "capex_topdown_usd", "capex_ratio_topdown_to_bottomup", "npv_cost_usd",
           "energy_twh_per_year", "co2_mt_per_year", "peak_pflops_bf16", "effective_pflops_bf16", "hbm_gb")
HORIZON = ("energy_cost_usd", "opex_usd")
#: Money outputs normalised per GW (facility) and per effective PFLOP/s.
NORMALISED = ("capex_usd", "capex_topdown_usd", "npv_cost_usd", "energy_cost_usd", "opex_usd")


def _inputs(result) -> dict:
    sc = result.scenario
    tranches = [{"deal": t.deal, "product": t.product, "vendor": t.vendor, "gw": float(result.nameplate["gw"][0, t.index]),
                 "start": t.start, "basis": t.basis} for t in result.tranches]
    p = result.inputs.p
    return {
        "name": sc.name, "title": sc.title, "horizon": f"{sc.horizon.start} to {sc.horizon.end}",
        "deals": [d.name for d in sc.deals], "tranches": tranches,
        "products": sorted({t["product"] for t in tranches}),
        "first_start": min((t["start"] for t in tranches), default=None),
        "topdown_usd_per_gw": sorted({float(x) for x in p["topdown_usd_per_gw"][0]}),
        "discount_rate": sorted({float(x) for x in p["discount_rate"][0]}),
        "electricity_usd_per_mwh": sorted({float(x) for x in p["usd_per_mwh"][0]}),
        "pue": sorted({round(float(x), 4) for x in p["pue"][0]}),
        "it_life_years": sorted({float(x) / 12 for x in p["it_life_months"][0]}),
    }


def _outputs(result) -> dict[str, float]:
    tot = result.totals()
    h = result.horizon_sums()
    out = {k: float(tot[k]) for k in OUTPUTS if k in tot}
    out.update({k: float(h[k]) for k in HORIZON if k in h})
    gw, eff = out.get("gw") or 0.0, out.get("effective_pflops_bf16") or 0.0
    for k in NORMALISED:
        if k in out:
            out[f"{k}_per_gw"] = out[k] / gw if gw else None
            out[f"{k}_per_effective_pflops"] = out[k] / eff if eff else None
    return out


def diff(a: float | None, b: float | None) -> dict:
    """``b`` against ``a``: absolute and per cent difference (None where undefined).

    >>> diff(100.0, 125.0)
    {'abs': 25.0, 'pct': 25.0}
    """
    if a is None or b is None:
        return {"abs": None, "pct": None}
    return {"abs": b - a, "pct": 100.0 * (b - a) / a if a else None}


def summary(result) -> dict:
    """What :func:`compare` needs of one result, small and plain (the server caches it with the
    evaluation, so comparing two evaluated scenarios evaluates nothing): ``{name, inputs, outputs}``."""
    return {"name": result.scenario.name, "inputs": _inputs(result), "outputs": _outputs(result)}


def compare_summaries(summaries: list[dict]) -> dict:
    """:func:`compare` of results already reduced by :func:`summary`."""
    names = [s["name"] for s in summaries]
    outs = [s["outputs"] for s in summaries]
    keys = [k for k in outs[0] if all(k in o for o in outs)]
    outputs = {}
    for k in keys:
        base = outs[0][k]
        outputs[k] = {"label": fmt.label(k), "values": {n: o[k] for n, o in zip(names, outs)},
                      "diffs_vs_first": {n: diff(base, o[k]) for n, o in zip(names[1:], outs[1:])}}
    return {"scenarios": names, "first": names[0], "inputs": {s["name"]: s["inputs"] for s in summaries}, "outputs": outputs,
            "note": "differences are each scenario minus the first; per GW is per facility GW; per effective PFLOP/s is BF16 dense x "
                    "achievable x utilisation at full build-out"}


def compare(results: list) -> dict:
    """The ``compare --json`` object: ``{scenarios, inputs, outputs: {name: {label, values, diffs}}}``."""
    return compare_summaries([summary(r) for r in results])


def print_compare(out: dict, con) -> None:
    from rich.table import Table

    names = out["scenarios"]
    it = Table(title="Inputs", title_justify="left")
    it.add_column("Input")
    for n in names:
        it.add_column(n)
    rows = [("Horizon", "horizon"), ("Deals", "deals"), ("Products", "products"), ("First start", "first_start"),
            ("Top-down cost", "topdown_usd_per_gw"), ("Discount rate", "discount_rate"), ("Electricity price", "electricity_usd_per_mwh"),
            ("PUE", "pue"), ("IT life (years)", "it_life_years")]
    shown = {"topdown_usd_per_gw": lambda x: f"{fmt.usd(x)} per GW", "discount_rate": lambda x: f"{x:.1%} a year",
             "electricity_usd_per_mwh": lambda x: f"${x:,.0f}/MWh", "pue": lambda x: f"{x:.2f}", "it_life_years": lambda x: f"{x:g} years"}

    def cell(k, v):
        one = shown.get(k, lambda x: f"{x:,.4g}")
        if isinstance(v, list):
            return ", ".join(one(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x) for x in v)
        return one(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)

    for lab, k in rows:
        it.add_row(lab, *[cell(k, out["inputs"][n][k]) for n in names])
    it.add_row("Tranches (product, GW, start)", *["; ".join(f"{t['product']} {t['gw']:g} GW {t['start']}" for t in out["inputs"][n]["tranches"])
                                                  for n in names])
    con.print(it)
    t = Table(title=f"Outputs, and differences against {out['first']}", title_justify="left")
    t.add_column("Output")
    for n in names:
        t.add_column(n, justify="right")
    for n in names[1:]:
        t.add_column(f"{n} - {out['first']}", justify="right")
    for k, row in out["outputs"].items():
        show = lambda x, k=k: fmt.value(k, x)  # noqa: E731
        cells = [show(row["values"][n]) for n in names]
        for n in names[1:]:
            d = row["diffs_vs_first"][n]
            cells.append("-" if d["abs"] is None else f"{show(d['abs'])} ({fmt.pct(d['pct'])})")
        t.add_row(row["label"], *cells)
    con.print(t)
    con.print(out["note"], style="dim")
