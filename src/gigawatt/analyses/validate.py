"""``gigawatt validate``: how close the model comes to the world, on reference data shipped
with the package (``gigawatt/analyses/data/validation``).

Three parts:

1. **Clusters with reported power.** Epoch AI's public GPU clusters (CC BY 4.0) and the sites in
   the fact sheet. For each row the model sizes the accelerators in their product's default
   system and site class (the same :func:`gigawatt.size` as ``gigawatt size --count``) and is
   compared with what the reported figure measures: *facility* power for announced sites
   (Epoch's Planned rows), *IT* power for operating systems (Epoch's Existing rows: measured or
   rated system power), or the basis a fact-sheet row states. Nothing is fitted per row.
   Beside the model stands a simple baseline, TDP x 2.44 (Epoch AI's facility watts per GPU
   watt: 1.53 server x 1.14 cluster x 1.4 facility), taken without the 1.4 on IT rows.
2. **Per-GW and per-rack reference figures** against named sources.
3. **The seed's figures** (6 GW x $50B/GW, the first GW of MI450, millions of GPUs, ...).

Errors are model / reported - 1. Summaries give the median absolute error and the share of
rows within 25 %, overall and by product family, for the model and the baseline.
"""
from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from pathlib import Path

from gigawatt.catalog import Catalog, load_catalog

DATA_DIR = Path(__file__).parent / "data" / "validation"
EPOCH_FILE = "epoch-gpu-clusters-public-half.csv"
FACTS_FILE = "sites-from-facts.csv"
ATTRIBUTION = ("Epoch AI, 'Data on GPU Clusters' and 'Data on Frontier AI Data Centers', epoch.ai "
               "(https://epoch.ai/data/gpu-clusters, https://epoch.ai/data/data-centers), CC BY 4.0")

#: Epoch AI's ratios (data insight, 2025-12-18; hardware-2026 §0): facility W per GPU TDP W.
BASELINE_SERVER, BASELINE_CLUSTER, BASELINE_FACILITY = 1.53, 1.14, 1.4
BASELINE_FACILITY_RATIO = 2.44  # 1.53 x 1.14 x 1.4 = 2.442, as Epoch rounds it
WITHIN = 0.25

BASIS_LABEL = {
    "facility": "facility power (site capacity)",
    "it": "IT power (measured or rated system power)",
}


@dataclass
class Row:
    name: str
    status: str
    product: str
    count: float
    reported_mw: float
    basis: str
    origin: str
    source: str = ""
    note: str = ""


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def reference_rows(data_dir: Path = DATA_DIR) -> list[Row]:
    """The shipped clusters: Epoch's rows (basis by status) then the fact-sheet sites."""
    rows = []
    for r in _read(data_dir / EPOCH_FILE):
        basis = "it" if r["status"].strip() == "Existing" else "facility"
        rows.append(Row(r["name"].strip().strip('"'), r["status"], r["product"], float(r["count"]), float(r["reported_mw"]),
                        basis, "epoch", "Epoch AI GPU clusters / frontier data centers (CC BY 4.0)"))
    facts = data_dir / FACTS_FILE
    if facts.exists():
        for r in _read(facts):
            rows.append(Row(r["name"], r["status"], r["product"], float(r["count"]), float(r["reported_mw"]), r["basis"], "facts",
                            r["source"], r["note"]))
    return rows


def baseline_mw(count: float, tdp_w: float, basis: str) -> float:
    """Epoch's rule of thumb: TDP x 2.44 at the facility, TDP x 1.53 x 1.14 for IT [MW].

    >>> round(baseline_mw(1000, 700, "facility"), 4)
    1.708
    >>> round(baseline_mw(1000, 1000, "it"), 4)
    1.7442
    """
    ratio = BASELINE_FACILITY_RATIO if basis == "facility" else BASELINE_SERVER * BASELINE_CLUSTER
    return count * tdp_w * ratio / 1e6


def summarise(errors: list[float]) -> dict:
    """Median absolute error and share within 25 % of a list of relative errors.

    >>> summarise([0.1, -0.3, 0.2])
    {'rows': 3, 'median_abs_error': 0.2, 'within_25pct': 0.6666666666666666}
    """
    if not errors:
        return {"rows": 0, "median_abs_error": None, "within_25pct": None}
    a = [abs(e) for e in errors]
    return {"rows": len(a), "median_abs_error": statistics.median(a), "within_25pct": sum(e <= WITHIN for e in a) / len(a)}


def cluster_rows(catalog: Catalog, draw: str = "typical", data_dir: Path = DATA_DIR) -> list[dict]:
    from gigawatt.analyses.api import size

    out = []
    for row in reference_rows(data_dir):
        d = {"name": row.name, "origin": row.origin, "status": row.status, "product": row.product, "count": row.count,
             "reported_mw": row.reported_mw, "basis": row.basis, "measures": BASIS_LABEL[row.basis], "source": row.source,
             "note": row.note}
        acc = catalog.accelerators.get(row.product)
        if acc is None:
            d["skipped"] = f"product {row.product!r} is not in the catalog"
            out.append(d)
            continue
        s = size(row.product, count=int(row.count), draw=draw, catalog=catalog)
        model = s["facility_mw"] if row.basis == "facility" else s["it_mw"]
        base = baseline_mw(row.count, acc.tdp_w.x, row.basis) if acc.tdp_w.known else None
        d.update({
            "family": acc.family, "system": s["system"], "site_class": s["site_class"], "pue": s["pue"], "draw": s["draw"],
            "model_it_mw": s["it_mw"], "model_facility_mw": s["facility_mw"], "model_mw": model,
            "error": model / row.reported_mw - 1.0,
            "baseline_mw": base, "baseline_error": None if base is None else base / row.reported_mw - 1.0,
        })
        out.append(d)
    return out


def cluster_summary(rows: list[dict]) -> dict:
    """Model and baseline summaries for the shipped Epoch set, all rows, and each product family."""
    def pick(sel):
        done = [r for r in sel if "error" in r]
        return {"model": summarise([r["error"] for r in done]),
                "baseline": summarise([r["baseline_error"] for r in done if r["baseline_error"] is not None])}

    families = sorted({r["family"] for r in rows if "family" in r})
    return {
        "epoch_public_set": pick([r for r in rows if r["origin"] == "epoch"]),
        "all_rows": pick(rows),
        "by_family": {f: pick([r for r in rows if r.get("family") == f]) for f in families},
    }


#: Per-GW and per-rack reference figures: what the model is asked, the named figure, its source.
#: ``low``/``high`` give a published range; a single ``value`` is compared by its error.
REFERENCES = [
    {"label": "GB200 accelerators per IT GW", "what": ("size", "gb200", "it", "accelerators"), "low": 476_000, "high": 535_000,
     "source": "SemiAnalysis all-in power, 476k per utility GW to 535k per IT GW (InferenceX-app; hardware.md 2a)"},
    {"label": "Vera Rubin NVL72 racks per facility GW", "what": ("size", "vr200", "facility", "racks"), "value": 3557,
     "source": "Foxconn: 1 GW of Vera Rubin ~ 3,557 racks (digitalcitizen.life; hardware.md 2c)"},
    {"label": "Rubin packages per facility GW", "what": ("size", "vr200", "facility", "accelerators"), "low": 180_000, "high": 225_000,
     "source": "hardware-2026 §4 rule of thumb: 1.8-2.3 kW x 2.44 -> ~180-225k Rubin per facility GW (INF from Epoch S80)"},
    {"label": "B300 (GB300) accelerators per facility GW", "what": ("size", "gb300", "facility", "accelerators"), "value": 290_000,
     "source": "hardware-2026 §4 rule of thumb: 1.4 kW x 2.44 = 3.4 kW -> ~290k per facility GW"},
    {"label": "GB200 bottom-up capex per IT GW", "what": ("size", "gb200", "it", "capex_usd"), "value": 37.9e9,
     "source": "Epoch AI TCO model: $37.9B up-front per GW of IT nameplate, all GB200 NVL72 (2026-05-14; deals.md 4)"},
    {"label": "GB200 bottom-up capex per facility GW", "what": ("size", "gb200", "facility", "capex_usd"), "low": 29e9, "high": 35e9,
     "source": "Epoch Frontier DC Hub ~$29B per facility GW (S55); Bernstein $35B per GW (S53)"},
    {"label": "Vera Rubin bottom-up capex per IT GW", "what": ("size", "vr200", "it", "capex_usd"), "low": 45e9, "high": 52e9,
     "source": "Morgan Stanley INF: $7.8M rack / 0.19-0.23 MW + ~$11M/MW facility = $45-52B per IT GW (hardware-2026 §3a)"},
    {"label": "Top-down capex per facility GW (default)", "what": ("default", "topdown_usd_per_gw"), "low": 50e9, "high": 60e9,
     "source": "NVIDIA FQ2 FY26 call: $50-60B per GW all-in (hardware-2026 §3a); the seed's $50B"},
    {"label": "GB200 NVL72 kW per rack (nameplate)", "what": ("size", "gb200", "facility", "rack_kw_nameplate"), "value": 140,
     "source": "Microsoft Fairwater Atlanta: ~140 kW per GB200/GB300 NVL72 rack (Data Centre Magazine, 2025-11; hardware-2026 §4)"},
    {"label": "GB300 NVL72 kW per rack (nameplate)", "what": ("size", "gb300", "facility", "rack_kw_nameplate"), "low": 120, "high": 135,
     "source": "hardware-2026 §1a: GB300 NVL72 ~120-135 kW (18 trays x ~6.5 kW plus switch trays)"},
    {"label": "Vera Rubin NVL72 kW per rack (nameplate)", "what": ("size", "vr200", "facility", "rack_kw_nameplate"), "low": 190, "high": 230,
     "source": "hardware-2026 §1a: 190-230 kW (Max-Q/Max-P, tertiary)"},
    {"label": "Energy per facility GW-year (TWh)", "what": ("size", "gb200", "facility", "energy_twh_per_year"), "low": 5.256, "high": 7.008,
     "source": "Epoch Frontier DC Hub: average draw 60-80% of capacity (deals.md 6) x 8,760 h"},
]


def _reference_value(what, catalog: Catalog, draw: str, cache: dict) -> float:
    if what[0] == "default":
        return catalog.default(what[1])
    from gigawatt.analyses.api import size

    _, product, basis, key = what
    if (product, basis) not in cache:
        cache[(product, basis)] = size(product, gw=1, basis=basis, draw=draw, catalog=catalog)
    return float(cache[(product, basis)][key])


def per_gw_rows(catalog: Catalog, draw: str = "typical") -> list[dict]:
    cache: dict = {}
    out = []
    for ref in REFERENCES:
        v = _reference_value(ref["what"], catalog, draw, cache)
        d = {"label": ref["label"], "model": v, "source": ref["source"]}
        if "value" in ref:
            d.update(reference=ref["value"], error=v / ref["value"] - 1.0, inside=abs(v / ref["value"] - 1.0) <= WITHIN)
        else:
            d.update(low=ref["low"], high=ref["high"], inside=ref["low"] <= v <= ref["high"],
                     error=0.0 if ref["low"] <= v <= ref["high"] else (v / ref["low"] - 1.0 if v < ref["low"] else v / ref["high"] - 1.0))
        out.append(d)
    return out


def seed_rows(catalog: Catalog) -> list[dict]:
    """The seed's figures (2025-10-08), recomputed from the built-in scenarios."""
    from gigawatt.analyses.api import evaluate

    amd = evaluate("openai-amd", catalog=catalog)
    nv = evaluate("openai-nvidia", catalog=catalog)
    t, tn = amd.totals(), nv.totals()
    first = amd.scenario.deals[0].tranches[0]
    return [
        {"label": "OpenAI-AMD top-down capex (6 GW x $50B/GW)", "model": t["capex_topdown_usd"], "seed": 300e9, "ok": t["capex_topdown_usd"] == 300e9},
        {"label": "First GW: product and start", "model": f"{first.product} from {first.start}", "seed": "MI450 from 2H 2026 (2026-07)",
         "ok": (first.product, first.start) == ("mi450", "2026-07")},
        {"label": "OpenAI-AMD 6 GW in accelerators", "model": t["accelerators"], "seed": "low millions", "ok": 1e6 <= t["accelerators"] < 5e6},
        {"label": "OpenAI-NVIDIA 10 GW in Rubin dies (2 per package)", "model": 2 * tn["accelerators"], "seed": "4-5 million GPUs (Huang); held to 4-6M",
         "ok": 4e6 <= 2 * tn["accelerators"] <= 6e6},
        {"label": "AMD system capex per facility GW", "model": t["capex_systems_usd"] / t["gw"], "seed": "$15-20B (AMD CFO)",
         "ok": 15e9 <= t["capex_systems_usd"] / t["gw"] <= 20e9},
    ]


def run(catalog: Catalog | None = None, catalog_paths=None, draw: str = "typical") -> dict:
    """Everything ``gigawatt validate`` prints, as one JSON-ready dict."""
    catalog = catalog or load_catalog(catalog_paths)
    rows = cluster_rows(catalog, draw)
    return {
        "draw": draw,
        "clusters": rows,
        "summary": cluster_summary(rows),
        "per_gw": per_gw_rows(catalog, draw),
        "seed": seed_rows(catalog),
        "notes": [
            "error = model / reported - 1; Epoch's Planned rows are compared with facility power, its Existing rows with IT power",
            f"baseline: TDP x {BASELINE_FACILITY_RATIO} (Epoch AI) for facility rows, TDP x {BASELINE_SERVER} x {BASELINE_CLUSTER} for IT rows",
            "each row uses its product's default system and site class; nothing is fitted per row",
            f"cluster data: {ATTRIBUTION}; fact-sheet sites: hardware-2026.md §4",
        ],
        "attribution": ATTRIBUTION,
    }
