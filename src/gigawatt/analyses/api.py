"""The Python entry points: :func:`load`, :func:`evaluate`, :func:`size`."""
from __future__ import annotations

from pathlib import Path

from gigawatt.catalog import Catalog, load_catalog
from gigawatt.core.bounds import check
from gigawatt.core.errors import GigawattError
from gigawatt.scenario.inputs import DEFAULT_REGION, compile_inputs
from gigawatt.scenario.spec import Scenario
from gigawatt.scenario.spec import load as _load_scenario


def load(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario (``"openai-amd"``) or a scenario file."""
    return _load_scenario(name_or_path)[0]


def load_with_lines(name_or_path: str | Path) -> tuple[Scenario, str, dict]:
    """:func:`load`, with the scenario's source name and line map (for messages that name a
    file and line after the scenario was changed, e.g. valued at market inputs)."""
    return _load_scenario(name_or_path)


def evaluate(scenario: Scenario | str | Path, catalog: Catalog | None = None, catalog_paths=None, *,
             source: str | None = None, lines: dict | None = None):
    """Run a scenario through the engine and return a :class:`~gigawatt.engine.result.Result`.

    ``scenario`` is a :class:`Scenario`, a built-in name or a path. ``catalog`` defaults to
    the built-in catalog plus ``GIGAWATT_CATALOG`` and ``catalog_paths``. For a
    :class:`Scenario`, ``source`` and ``lines`` (from :func:`load_with_lines`) name its file
    and lines in messages and provenance.
    """
    from gigawatt.engine.core import run
    from gigawatt.engine.result import Result

    source, lines = source or "<scenario>", lines or {}
    if not isinstance(scenario, Scenario):
        scenario, source, lines = _load_scenario(scenario)
    catalog = catalog or load_catalog(catalog_paths)
    inputs = compile_inputs(scenario, catalog, source, lines)
    series, nameplate = run(inputs)
    return Result(scenario, inputs, series, nameplate, catalog, source, list(inputs.warnings))


#: The size options behind the probe scenario's fields, for messages that name the option.
_SIZE_OPTIONS = {"site.region": "--region", "site.cooling": "--cooling", "site.site_class": "--site-class", "site.pue": "--pue",
                 "site.draw": "--draw", "deals[0].tranches[0].system": "--system", "deals[0].tranches[0].product": "--product"}


def size(product: str, *, gw: float | str | None = None, count: int | None = None, basis: str = "facility",
         pue: float | None = None, cooling: str | None = None, region: str | None = None, system: str | None = None,
         site_class: str | None = None, draw: str = "typical", catalog: Catalog | None = None, catalog_paths=None) -> dict:
    """Size a build-out of one product: by power (``gw``) or by accelerator ``count``.

    By power, whole systems are fitted under the IT budget (never over); by count, whole
    systems are bought to hold the accelerators. Power, capex, energy and compute come from
    the same engine as ``plan`` (a one-tranche scenario). Returns the ``size --json`` dict.
    Without ``cooling``, ``site_class`` or ``pue``, the site is the system's default class
    (:func:`gigawatt.scenario.inputs.site_class_for`); ``draw`` picks nameplate or typical system power.

    >>> r = size("gb200", gw=1, pue=1.2)
    >>> r["accelerators"] > 400_000, r["facility_mw"] <= 1000.0
    (True, True)
    """
    import numpy as np

    from gigawatt.engine.core import run
    from gigawatt.core.errors import ValidationFailure
    from gigawatt.model import energy, sizing
    from gigawatt.scenario.spec import parse
    from gigawatt.scenario.units import to_canonical

    catalog = catalog or load_catalog(catalog_paths)
    if (gw is None) == (count is None):
        raise GigawattError("give exactly one of --gw or --count")
    if basis not in ("facility", "it"):
        raise GigawattError(f"basis must be 'facility' or 'it', not {basis!r}")
    if pue is not None:
        check("pue", float(pue), "pue")
    acc = catalog.accelerator(product)
    system_id = system or acc.default_system
    site = {"region": region or DEFAULT_REGION, "draw": draw, **({"cooling": cooling} if cooling is not None else {}),
            **({"site_class": site_class} if site_class is not None else {}), **({"pue": float(pue)} if pue is not None else {})}
    # The probe tranche starts when the product is available, so no warning is raised about a
    # start month the user never wrote. System, site class, cooling, region, draw and the
    # cooling's fit are checked by the same rules as a scenario (parse, compile_inputs).
    start = acc.available.value if isinstance(acc.available.value, str) else "2026-01"
    try:
        probe = parse({
            "name": f"size {acc.id}", "horizon": {"start": start, "end": start}, "site": site,
            "deals": [{"name": acc.id, "buyer": "-", "supplier": acc.vendor,
                       "tranches": [{"product": acc.id, "system": system_id, "gw": 1, "basis": "it", "start": start, "shape": "step"}]}],
        }, "size options")
        inputs = compile_inputs(probe, catalog, "size options")
    except ValidationFailure as exc:
        raise GigawattError("; ".join(f"{_SIZE_OPTIONS.get(pr.path, pr.path)}: {pr.message}" for pr in exc.problems)) from None
    p = inputs.p
    tr = inputs.tranches[0]
    sysm = catalog.systems[system_id]
    it_w_acc, per_sys, pue_used = float(p["it_w_per_accel"][0, 0]), float(p["accelerators_per_system"][0, 0]), float(p["pue"][0, 0])
    if gw is not None:
        try:
            gw_val = to_canonical(gw, "GW")
        except ValueError as exc:
            raise GigawattError(f"--gw: {exc}") from None
        check("gw", gw_val, "--gw")
        budget_w = float(sizing.it_gw_from_stated_gw(gw_val, basis == "facility", pue_used)) * sizing.W_PER_GW
        systems = float(sizing.whole_systems_for_power(budget_w, it_w_acc, per_sys))
        if systems == 0:
            raise GigawattError(f"{gw_val * 1e3:g} MW ({basis}) is less than one {system_id} "
                                f"({per_sys * it_w_acc / 1e3:,.0f} kW IT, {per_sys * it_w_acc * pue_used / 1e3:,.0f} kW facility)")
        accelerators = systems * per_sys
    else:
        if count <= 0 or count > 1e9:
            raise GigawattError(f"--count must be a positive number of accelerators up to 1e9, got {count}")
        gw_val, accelerators = None, float(count)
        systems = float(sizing.whole_systems_for_count(accelerators, per_sys))
    # The engine sizes the whole systems installed: a partly filled system still draws and costs its share.
    p["gw_stated"][:] = systems * per_sys * it_w_acc / sizing.W_PER_GW
    _, npl = run(inputs)
    n = {k: float(v[0, 0]) for k, v in npl.items()}
    scale = accelerators / n["accelerators"]  # 1 except for a --count that does not fill its last system
    class_id, cool_id = tr.site_class, tr.cooling
    return {
        "product": acc.id,
        "product_name": acc.name,
        "system": system_id,
        "basis": basis if gw is not None else None,
        "gw_requested": gw_val,
        "accelerators": int(round(accelerators)),
        "systems": int(systems),
        "racks": int(np.ceil(systems / sysm.systems_per_rack.x - 1e-9)),
        "rack_kw": float(p["rack_kw"][0, 0]),
        "rack_kw_nameplate": sysm.system_power_kw.x * sysm.systems_per_rack.x,
        "it_kw_per_accelerator": n["it_kw_per_accelerator"],
        "facility_kw_per_accelerator": n["facility_mw"] * 1e3 / n["accelerators"],
        "tdp_w": acc.tdp_w.x if acc.tdp_w.known else None,
        "it_mw": n["it_mw"],
        "facility_mw": n["facility_mw"],
        "pue": pue_used,
        "site_class": class_id or None,
        "draw": tr.draw,
        "cooling": cool_id,
        "region": tr.region,
        "capex_usd": n["capex_usd"],
        "capex_systems_usd": n["capex_systems_usd"],
        "capex_network_usd": n["capex_network_usd"],
        "capex_facility_usd": n["capex_facility_usd"],
        "capex_topdown_usd": n["capex_topdown_usd"],
        "capex_ratio_topdown_to_bottomup": n["capex_topdown_usd"] / n["capex_usd"],
        "energy_twh_per_year": n["energy_twh_per_year"],
        "energy_cost_usd_per_year": float(energy.energy_cost_usd(n["energy_twh_per_year"] * 1e6, p["usd_per_mwh"][0, 0])),
        "peak_pflops_bf16": n["peak_pflops_bf16"] * scale,
        "effective_pflops_bf16": n["effective_pflops_bf16"] * scale,
        "hbm_gb": n["hbm_gb"] * scale,
        "hbm_stacks": n["hbm_stacks"] * scale,
        "catalog_overrides": [o.public() for o in catalog.overrides],
        "warnings": list(inputs.warnings),
        "sources": {
            "accelerator": {k: f.public() for k, f in acc.facts().items()},
            "system": {k: f.public() for k, f in sysm.facts().items()},
            "cooling": {k: f.public() for k, f in catalog.cooling[cool_id].facts().items()},
            **({"site_class": {k: f.public() for k, f in catalog.site_classes[class_id].facts().items()}}
               if class_id in catalog.site_classes else {}),
        },
    }
