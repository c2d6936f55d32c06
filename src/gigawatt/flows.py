"""Where the money goes: bottom-up capex split into segments and named supplier groups.

The four bottom-up pieces of the engine (systems, network, facility, land) are split with
catalog shares (Bernstein's GB200 breakdown) and per-product quantities (HBM GB at the
generation's price, CoWoS wafers at the packaging price). The accelerator vendor's segment
is what is left of the systems once HBM, packaging, CPUs and storage are taken out, so the
segments add up to the engine's bottom-up capex exactly.
"""
from __future__ import annotations

import numpy as np

from .result import Result

SEGMENTS = ("accelerators", "hbm", "packaging", "cpus", "storage", "networking", "power_equipment", "cooling",
            "construction", "land_and_grid")

#: Segment → supplier group (the seed's investor section: who gets paid).
GROUPS = {
    "accelerators": "GPU/accelerator vendors",
    "hbm": "memory makers",
    "packaging": "foundry and advanced packaging",
    "cpus": "CPU vendors",
    "storage": "storage vendors",
    "networking": "network vendors",
    "power_equipment": "electrical equipment makers",
    "cooling": "cooling equipment makers",
    "construction": "builders",
    "land_and_grid": "land and utilities",
}


def _hbm_price(catalog, generation: str) -> float:
    key = f"{generation.lower()}_usd_per_gb"
    return catalog.default(key) if key in catalog.defaults else catalog.default("hbm3e_usd_per_gb")


def tranche_segments(result: Result, sample: int = 0) -> dict[str, np.ndarray]:
    """Capex by segment per tranche ``{segment: (T,)}`` [USD], at full build-out."""
    cat, npl, p = result.catalog, result.nameplate, result.inputs.p
    systems = npl["capex_systems_usd"][sample]
    n_acc = npl["accelerators"][sample]
    hbm = n_acc * p["hbm_gb"][sample] * np.array([_hbm_price(cat, cat.accelerators[t.product].hbm_generation) for t in result.tranches])
    packaging = n_acc / p["packages_per_wafer"][sample] * cat.default("cowos_usd_per_wafer")
    cpus = systems * cat.default("cpu_share_of_systems")
    storage = systems * cat.default("storage_share_of_systems")
    facility = npl["capex_facility_usd"][sample]
    land = npl["it_mw"][sample] * p["land_usd_per_mw_it"][sample]
    building = facility - land
    power = building * cat.default("power_share_of_facility")
    cooling = building * cat.default("cooling_share_of_facility")
    return {
        "accelerators": systems - hbm - packaging - cpus - storage,
        "hbm": hbm,
        "packaging": packaging,
        "cpus": cpus,
        "storage": storage,
        "networking": npl["capex_network_usd"][sample],
        "power_equipment": power,
        "cooling": cooling,
        "construction": building - power - cooling,
        "land_and_grid": land,
    }


def flows(result: Result, sample: int = 0) -> dict:
    """The ``gigawatt flows --json`` object: segments, per GW, supplier groups, per deal, opex."""
    seg = tranche_segments(result, sample)
    gw = result.nameplate["gw"][sample]
    total_gw = float(gw.sum())
    segments = {k: float(v.sum()) for k, v in seg.items()}
    total = float(result.nameplate["capex_usd"][sample].sum())
    negative = [f"{t.label}: {k}" for k, v in seg.items() for t in result.tranches if v[t.index] < -1.0]
    groups: dict[str, float] = {}
    for k, v in segments.items():
        groups[GROUPS[k]] = groups.get(GROUPS[k], 0.0) + v
    # Named firms where the split is known: accelerators by vendor, HBM by maker share.
    by_vendor: dict[str, float] = {}
    for t in result.tranches:
        by_vendor[t.vendor] = by_vendor.get(t.vendor, 0.0) + float(seg["accelerators"][t.index])
    hbm_makers = {}
    year = max(p.year for s in result.catalog.series.values() for p in s.points if s.resource.startswith("hbm_share"))
    from .supply import HBM_VENDORS

    for sid, name in HBM_VENDORS.items():
        if sid in result.catalog.series:
            share = next(p.x for p in result.catalog.series[sid].points if p.year == year)
            hbm_makers[name] = segments["hbm"] * share
    deals = []
    for d in result.groups("deal", sample):
        idx = [t.index for t in result.tranches if t.deal == d["name"]]
        dseg = {k: float(v[idx].sum()) for k, v in seg.items()}
        deals.append({"name": d["name"], "supplier": d["supplier"], "gw": d["gw"], "total_usd": d["capex_usd"], "segments": dseg,
                      "per_gw": {k: v / d["gw"] for k, v in dseg.items()}})
    h = result.horizon_sums(sample)
    return {
        "scenario": result.scenario.name,
        "total_usd": total,
        "gw": total_gw,
        "segments": segments,
        "per_gw": {k: v / total_gw for k, v in segments.items()},
        "shares": {k: v / total for k, v in segments.items()},
        "supplier_groups": groups,
        "accelerator_vendors": by_vendor,
        "hbm_makers": hbm_makers,
        "hbm_maker_shares_year": year,
        "deals": deals,
        "opex_over_horizon": {"energy_usd (utilities)": h["energy_cost_usd"], "maintenance_usd (operators)": h["maintenance_usd"]},
        "capex_refresh_over_horizon_usd": h["capex_refresh_usd"],
        "warnings": [f"negative segment (the catalog shares exceed the system price): {n}" for n in negative],
        "method": "bottom-up capex at full build-out (as `plan` totals.capex_usd), split by catalog shares "
                  "(cpu/storage of systems, power/cooling of facility) and per-product HBM and CoWoS costs",
    }
