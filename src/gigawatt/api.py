"""The Python entry points: :func:`load`, :func:`evaluate`, :func:`size`."""
from __future__ import annotations

from pathlib import Path

from .catalog import Catalog, load_catalog
from .errors import GigawattError
from .inputs import DEFAULT_COOLING, DEFAULT_REGION, compile_inputs
from .scenario import Scenario
from .scenario import load as _load_scenario


def load(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario (``"openai-amd"``) or a scenario file."""
    return _load_scenario(name_or_path)[0]


def evaluate(scenario: Scenario | str | Path, catalog: Catalog | None = None, catalog_paths=None):
    """Run a scenario through the engine and return a :class:`~gigawatt.result.Result`.

    ``scenario`` is a :class:`Scenario`, a built-in name or a path. ``catalog`` defaults to
    the built-in catalog plus ``GIGAWATT_CATALOG`` and ``catalog_paths``.
    """
    from .engine import run
    from .result import Result

    source, lines = "<scenario>", {}
    if not isinstance(scenario, Scenario):
        scenario, source, lines = _load_scenario(scenario)
    catalog = catalog or load_catalog(catalog_paths)
    inputs = compile_inputs(scenario, catalog, source, lines)
    series, nameplate = run(inputs)
    return Result(scenario, inputs, series, nameplate, catalog, source, list(inputs.warnings))


def size(product: str, *, gw: float | str | None = None, count: int | None = None, basis: str = "facility",
         pue: float | None = None, cooling: str | None = None, region: str | None = None, system: str | None = None,
         catalog: Catalog | None = None, catalog_paths=None) -> dict:
    """Size a build-out of one product: by power (``gw``) or by accelerator ``count``.

    By power, whole systems are fitted under the IT budget (never over); by count, whole
    systems are bought to hold the accelerators. Returns the ``gigawatt size --json`` dict.

    >>> r = size("gb200", gw=1, pue=1.2)
    >>> r["accelerators"] > 400_000, r["facility_mw"] <= 1000.0
    (True, True)
    """
    import numpy as np

    from .model import compute, cost, energy, sizing
    from .units import to_canonical

    catalog = catalog or load_catalog(catalog_paths)
    if (gw is None) == (count is None):
        raise GigawattError("give exactly one of --gw or --count")
    if basis not in ("facility", "it"):
        raise GigawattError(f"basis must be 'facility' or 'it', not {basis!r}")
    acc = catalog.accelerator(product)
    system_id = system or acc.default_system
    if system_id not in catalog.systems:
        from .catalog import suggest

        raise GigawattError(f"unknown system {system_id!r}{suggest(system_id, catalog.systems)}")
    sysm = catalog.systems[system_id]
    if sysm.accelerator != acc.id:
        raise GigawattError(f"system {system_id!r} holds {sysm.accelerator!r}, not {acc.id!r}")
    cool_id = cooling or DEFAULT_COOLING
    if cool_id not in catalog.cooling:
        from .catalog import suggest

        raise GigawattError(f"unknown cooling {cool_id!r}{suggest(cool_id, catalog.cooling)}")
    cool = catalog.cooling[cool_id]
    reg_id = region or DEFAULT_REGION
    if reg_id not in catalog.regions:
        from .catalog import suggest

        raise GigawattError(f"unknown region {reg_id!r}{suggest(reg_id, catalog.regions)}")
    reg = catalog.regions[reg_id]
    rack_kw = sysm.system_power_kw.x * sysm.systems_per_rack.x
    if sysm.cooling_required not in cool.supports:
        ok = ", ".join(c.id for c in catalog.cooling.values() if sysm.cooling_required in c.supports)
        raise GigawattError(f"{cool_id!r} cooling cannot serve {system_id!r}, which needs {sysm.cooling_required} cooling; use {ok}")
    if rack_kw > cool.max_rack_kw.x:
        raise GigawattError(f"racks of {system_id!r} draw {rack_kw:.0f} kW, above the {cool.max_rack_kw.x:.0f} kW limit of {cool_id!r} cooling")
    pue = float(pue) if pue is not None else cool.pue_default.x
    if not 1.0 <= pue <= 3.0:
        raise GigawattError(f"pue must be between 1.0 and 3.0, got {pue}")
    per_sys = sysm.accelerators_per_system.x
    it_w_acc = float(sizing.it_power_per_accelerator_w(sysm.system_power_kw.x, per_sys, catalog.default("cluster_it_overhead")))
    if gw is not None:
        try:
            gw_val = to_canonical(gw, "GW")
        except ValueError as exc:
            raise GigawattError(f"--gw: {exc}") from None
        if not 0 < gw_val <= 100:
            raise GigawattError(f"--gw must be above 0 and at most 100 GW, got {gw_val:g}")
        it_budget_w = float(sizing.it_gw_from_stated_gw(gw_val, basis == "facility", pue)) * sizing.W_PER_GW
        systems = float(sizing.whole_systems_for_power(it_budget_w, it_w_acc, per_sys))
        accelerators = systems * per_sys
    else:
        if count <= 0 or count > 1e9:
            raise GigawattError(f"--count must be a positive number of accelerators up to 1e9, got {count}")
        accelerators = float(count)
        systems = float(sizing.whole_systems_for_count(accelerators, per_sys))
        gw_val = None
    # Power and cost follow the whole systems installed (a partly filled system still draws its share).
    it_w = systems * per_sys * it_w_acc
    it_mw = it_w / 1e6
    facility_mw = float(sizing.facility_power(it_mw, pue))
    sys_capex = systems * sysm.price_usd.x
    net_capex = float(cost.network_capex_usd(sys_capex, catalog.default("network_fraction_of_systems")))
    fac_capex = float(cost.facility_capex_usd(it_mw, catalog.default("facility_usd_per_mw_it"), catalog.default("land_grid_usd_per_mw_it")))
    capex = sys_capex + net_capex + fac_capex
    topdown = float(cost.topdown_capex_usd(facility_mw / 1e3, catalog.default("topdown_usd_per_gw")))
    twh = float(energy.energy_mwh(facility_mw, catalog.default("average_load_fraction"), energy.HOURS_PER_YEAR)) / 1e6
    peak_bf16 = float(compute.peak_pflops(accelerators, acc.bf16_dense_tflops.x))
    sw = catalog.software[acc.software].achievable_fraction.x
    warnings: list[str] = []
    return {
        "product": acc.id,
        "product_name": acc.name,
        "system": system_id,
        "basis": basis,
        "gw_requested": gw_val,
        "accelerators": int(round(accelerators)),
        "systems": int(systems),
        "racks": int(np.ceil(systems / sysm.systems_per_rack.x - 1e-9)),
        "rack_kw": rack_kw,
        "it_kw_per_accelerator": it_w_acc / 1e3,
        "facility_kw_per_accelerator": it_w_acc * pue / 1e3,
        "tdp_w": acc.tdp_w.x,
        "it_mw": it_mw,
        "facility_mw": facility_mw,
        "pue": pue,
        "cooling": cool_id,
        "capex_usd": capex,
        "capex_systems_usd": sys_capex,
        "capex_network_usd": net_capex,
        "capex_facility_usd": fac_capex,
        "capex_topdown_usd": topdown,
        "capex_ratio_topdown_to_bottomup": topdown / capex if capex else None,
        "energy_twh_per_year": twh,
        "energy_cost_usd_per_year": twh * 1e6 * reg.electricity_usd_per_mwh.x,
        "peak_pflops_bf16": peak_bf16,
        "effective_pflops_bf16": float(compute.effective_pflops(peak_bf16, sw, catalog.default("utilization"))),
        "hbm_gb": accelerators * acc.memory_gb.x,
        "hbm_stacks": accelerators * acc.hbm_stacks.x,
        "catalog_overrides": [o.public() for o in catalog.overrides],
        "warnings": warnings,
        "sources": {
            "accelerator": {k: f.public() for k, f in acc.facts().items()},
            "system": {k: f.public() for k, f in sysm.facts().items()},
            "cooling": {k: f.public() for k, f in cool.facts().items()},
        },
    }
