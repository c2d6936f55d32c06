"""Rich tables and trees for the commands whose analysis returns plain data: ``validate`` and
``explain`` (the deal, flows and sensitivity tables are in :mod:`gigawatt.interfaces.investor`)."""
from __future__ import annotations

from gigawatt.analyses.explain import describe_origin, quantity
from gigawatt.interfaces.console import esc, styled


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:+.0%}"


def print_validation(report: dict, console) -> None:
    """``gigawatt validate``'s tables (:func:`gigawatt.analyses.validate.run`'s report); ``--json`` prints the report itself."""
    from rich.table import Table

    from gigawatt.core import fmt
    t = Table(title=f"Clusters with reported power (model: {report['draw']} system power where the catalog has it, default site class)", title_justify="left")
    for col in ("Cluster", "Product", "Count", "Reported", "What it measures", "Model IT", "Model facility", "Error", "Baseline error"):
        t.add_column(col, justify="left" if col in ("Cluster", "Product", "What it measures") else "right")
    for r in report["clusters"]:
        if "skipped" in r:
            t.add_row(r["name"], r["product"], fmt.count(r["count"]), fmt.num(r["reported_mw"], "MW"), r["measures"], "-", "-", r["skipped"], "-")
            continue
        t.add_row(r["name"] + (" *" if r["origin"] == "facts" else ""), r["product"], fmt.count(r["count"]), fmt.num(r["reported_mw"], "MW"),
                  r["measures"], fmt.num(r["model_it_mw"], "MW"), f"{fmt.num(r['model_facility_mw'], 'MW')} (PUE {r['pue']:.2f})",
                  _pct(r["error"]), _pct(r["baseline_error"]))
    console.print(t)
    console.print("* from the fact sheet (hardware-2026 §4); others: " + report["attribution"])

    s = Table(title="Summary: median absolute error and share within 25 %", title_justify="left")
    for col in ("Set", "Rows", "Model median |error|", "Model within 25 %", "Baseline median |error|", "Baseline within 25 %"):
        s.add_column(col, justify="left" if col == "Set" else "right")

    def add(label, x):
        m, b = x["model"], x["baseline"]
        s.add_row(label, str(m["rows"]), _pct(m["median_abs_error"]).lstrip("+"), "-" if m["within_25pct"] is None else f"{m['within_25pct']:.0%}",
                  _pct(b["median_abs_error"]).lstrip("+"), "-" if b["within_25pct"] is None else f"{b['within_25pct']:.0%}")

    add("Epoch public set", report["summary"]["epoch_public_set"])
    add("All rows", report["summary"]["all_rows"])
    for fam, x in report["summary"]["by_family"].items():
        add(f"  family: {fam}", x)
    console.print(s)

    g = Table(title="Per-GW and per-rack reference figures", title_justify="left")
    for col in ("Figure", "Model", "Reference", "Inside / error", "Source"):
        g.add_column(col, justify="right" if col in ("Model", "Reference", "Inside / error") else "left")
    for r in report["per_gw"]:
        money = "capex" in r["label"].lower()
        f = fmt.usd if money else (lambda v: f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}")
        ref = f(r["reference"]) if "reference" in r else f"{f(r['low'])} - {f(r['high'])}"
        g.add_row(r["label"], f(r["model"]), ref, "inside" if r["inside"] and "low" in r else _pct(r["error"]), r["source"])
    console.print(g)

    k = Table(title="The seed's figures (2025-10-08)", title_justify="left")
    for col in ("Figure", "Model", "Seed", "Holds"):
        k.add_column(col)
    for r in report["seed"]:
        v = r["model"]
        shown = v if isinstance(v, str) else (fmt.usd(v) if "capex" in r["label"].lower() else fmt.count(v))
        k.add_row(r["label"], shown, str(r["seed"]) if isinstance(r["seed"], str) else fmt.usd(r["seed"]), "yes" if r["ok"] else "NO")
    console.print(k)
    for n in report["notes"]:
        console.print(styled(f"[dim]{esc(n)}[/]"))


def print_explanation(tree: dict, console) -> None:
    """``gigawatt explain``: :func:`gigawatt.analyses.explain.explain`'s tree, printed as a rich tree."""
    from rich.tree import Tree

    escape = esc

    def value_text(n: dict) -> str:
        v = quantity(n["value"], n["unit"])
        if "peak_month" in n:
            v = f"{v} ({n['value_is']}; largest month {quantity(n['peak'], n['unit'])} in {n['peak_month']})"
        elif n.get("value_is"):
            v = f"{v} ({n['value_is']})"
        return v

    def add(branch, n: dict):
        head = f"[bold]{escape(n['label'])}[/] = {escape(value_text(n))}"
        if n.get("repeated"):
            branch.add(styled(head + " [dim](see above)[/]"))
            return
        sub = branch.add(styled(head + (f"  [dim]= {escape(n['formula'])}[/]" if n["formula"] else "")))
        if "origin" in n:
            add_origin(sub, n["origin"])
        for child in n.get("from", []):
            add(sub, child)

    def add_origin(branch, o: dict):
        if o.get("from") == "derived":
            sub = branch.add(styled(f"[dim]computed: {escape(o['formula'])}[/]"))
            for part, po in o["parts"].items():
                add_origin(sub.add(part.replace('_', ' ')), po)
        else:
            branch.add(styled(f"[cyan]from[/] {escape(describe_origin(o))}"))

    t = tree["tranche"]
    root = Tree(f"{tree['scenario']}: tranche {t['index']} ({t['label']}, {t['deal']})")
    add(root, tree["explain"])
    console.print(root)
