"""Scenario + catalog → per-tranche parameter arrays shaped ``(samples, tranches)``.

This is the only place that reads the catalog for a scenario run. Everything it resolves
(site defaults, systems, software stack, cost defaults) becomes a plain float array, so the
engine is pure NumPy and the risk engine can replace any array with samples.
Problems that need the catalog to see (unknown product, a ramp past the horizon, a rack too
hot for its cooling) are reported here, all at once, with field paths and lines.
"""
from __future__ import annotations

import dataclasses
import functools

from dataclasses import dataclass, field

import numpy as np

from gigawatt.core import registry
from gigawatt.catalog import Catalog, suggest
from gigawatt.core.errors import Problem, ValidationFailure, format_path
from gigawatt.model import ramp, sizing
from gigawatt.model.ramp import start_month
from gigawatt.scenario.spec import Scenario, merged
from gigawatt.core.timeline import month_index, month_label
from gigawatt.core.yaml_io import line_for

DEFAULT_COOLING = "dlc"
DEFAULT_REGION = "us-average"


@dataclass(frozen=True)
class TrancheInfo:
    """Labels of one tranche (what it is, not how much)."""

    index: int
    deal_index: int
    deal: str
    buyer: str
    supplier: str
    vendor: str
    product: str
    system: str
    software: str
    cooling: str
    region: str
    label: str
    start: str  # the month deliveries start (after any grid wait)
    basis: str
    requested_start: str = ""  # the tranche's own start
    site_class: str = ""  # the site class that set the PUE ("" when a user's cooling type carries its own PUE)
    draw: str = "typical"  # the system power basis used: typical, nameplate, or nameplate (no typical figure)


@functools.lru_cache(maxsize=64)
def _month_labels(month0: int, n_months: int) -> tuple[str, ...]:
    """The horizon's month labels, made once per horizon (outputs ask for them many times)."""
    return tuple(month_label(month0 + i) for i in range(n_months))


@dataclass
class Inputs:
    """Everything the engine needs, as arrays.

    ``p[name]`` is shaped ``(S, T)``; ``S`` is 1 for a deterministic run.
    """

    month0: int
    n_months: int
    tranches: list[TrancheInfo]
    p: dict[str, np.ndarray]
    used: dict[str, set[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    constraints: list[dict] = field(default_factory=list)
    #: Per tranche, a thunk that says where each input's value came from (see :attr:`origins`).
    origin_makers: list = field(default_factory=list, repr=False)
    _origins: list | None = field(default=None, repr=False, compare=False)

    @property
    def origins(self) -> list[dict[str, dict]]:
        """Per tranche, where each input's value came from (see :func:`compile_inputs`). Built on
        first use: a plan or a server request that shows no provenance never pays for it."""
        if self._origins is None:
            self._origins = [make() for make in self.origin_makers]
        return self._origins

    def __getstate__(self) -> dict:
        """Pickled (for Dask workers, caches) with the origins made: the thunks hold local functions."""
        return {**self.__dict__, "_origins": self.origins, "origin_makers": []}

    @property
    def samples(self) -> int:
        return next(iter(self.p.values())).shape[0]

    @property
    def month_labels(self) -> list[str]:
        return list(_month_labels(self.month0, self.n_months))

    def with_samples(self, samples: int) -> "Inputs":
        """A copy whose arrays are broadcast to ``samples`` rows (for Monte Carlo)."""
        p = {k: np.broadcast_to(v, (samples, v.shape[1])).copy() for k, v in self.p.items()}
        return dataclasses.replace(self, p=p)  # provenance (made or not) goes with it


#: Unit of each per-tranche input array (reported with every run, so overrides are visible); from the registry.
INPUT_UNITS: dict[str, str] = registry.units("input")


def packages_per_wafer(acc, params: dict, warnings: list[str]) -> float:
    """Gross packages per CoWoS wafer: the catalog's, or estimated from the HBM stack count.

    Infinite (no wafers) for a product not packaged on CoWoS (``packaging: other``).

    The estimate scales the B200 anchor (8 HBM sites, ~16 per wafer; hardware.md 4b) by
    8 / stacks, since the interposer grows with the HBM sites around the compute dies.
    """
    if acc.packaging != "cowos":
        return float("inf")  # wafer-scale or flip-chip: no CoWoS wafers used
    stacks = params.get("hbm_stacks", acc.hbm_stack_count)
    if acc.packages_per_cowos_wafer is not None and "hbm_stacks" not in params:
        return acc.packages_per_cowos_wafer.x
    estimate = 16.0 * 8.0 / stacks
    if acc.packages_per_cowos_wafer is None:
        warnings.append(f"{acc.id}: no packages_per_cowos_wafer in the catalog; estimated {estimate:.1f} from its {stacks:g} HBM stacks")
    return estimate


#: What an unknown catalog number leaves out of a run: (label, effect) by field.
#: What an unknown catalog number leaves out of the model (its label is the registry's catalog row).
UNKNOWN_EFFECT = {
    "bf16_dense_tflops": "its BF16 compute counts as 0",
    "fp8_dense_tflops": "its FP8 compute counts as 0",
    "fp4_dense_tflops": "its FP4 compute counts as 0",
    "price_usd": "bottom-up capex leaves its systems out (counted as $0)",
}


def known_or_zero(override, entry, field_name: str, warnings: list[str]) -> float:
    """A tranche's value for a catalog number: its override, else the catalog's; 0 when the
    catalog records it as unknown (with a warning naming what is left out) or omits it."""
    if override is not None:
        return float(override)
    fact = getattr(entry, field_name)
    if fact is None:
        return 0.0
    if not fact.known:
        label = registry.get(field_name, "catalog").label
        msg = f"{entry.id}: {label} {fact.value}; {UNKNOWN_EFFECT[field_name]}"
        if msg not in warnings:
            warnings.append(msg)
        return 0.0
    return fact.x


def energy_mix(site, region) -> tuple[float, float, float]:
    """Blended price [USD/MWh] and carbon intensities [g/kWh] of a site's energy.

    Location-based carbon counts grid and PPA energy at the grid's intensity and on-site
    generation at its own; market-based carbon credits PPAs with theirs (GHG Protocol scope 2).
    """
    grid_price = site.electricity_price if site.electricity_price is not None else region.electricity_usd_per_mwh.x
    grid_co2 = site.grid_carbon if site.grid_carbon is not None else region.grid_gco2_per_kwh.x
    price = location = market = 0.0
    for src in site.power or []:
        p = src.price if src.price is not None else grid_price
        c = src.carbon if src.carbon is not None else grid_co2
        price += src.share * p
        location += src.share * (c if src.source == "onsite" else grid_co2)
        market += src.share * c
    if not site.power:
        price, location, market = grid_price, grid_co2, grid_co2
    return price, location, market


#: System power basis when a site states none: typical draw under load, which is how sources
#: convert MW into accelerators (SemiAnalysis's all-in per GPU; NVL72 racks' ~120 kW), while
#: nameplate (maximum) ratings are rarely reached. A system without a typical figure runs at its
#: nameplate, and its tranche says so.
DEFAULT_DRAW = "typical"
NAMEPLATE_FALLBACK = "nameplate (no typical figure)"

#: Site class of a system that names none, by the cooling it needs.
DEFAULT_SITE_CLASS = {"liquid": "hyperscale-liquid", "air": "hyperscale-air"}


def site_class_for(catalog: Catalog, site_class: str | None, cooling: str | None, system) -> str | None:
    """The site class a tranche runs in. The rule, in order:

    1. the site's stated ``site_class``;
    2. the class of the site's stated ``cooling`` (air -> hyperscale-air, dlc -> hyperscale-liquid,
       immersion -> immersion), unless that cooling type carries its own PUE (a user's older
       catalog form), in which case there is no class and that PUE is used;
    3. the system's own ``site_class`` (e.g. HPC blades -> hpc-centre, NVL72 racks -> hyperscale-liquid);
    4. by what the system needs: liquid-cooled -> hyperscale-liquid, air-cooled -> hyperscale-air.
    """
    if site_class is not None:
        return site_class
    if cooling is not None:
        c = catalog.cooling.get(cooling)
        return None if c is None or c.pue_default is not None else c.site_class
    return system.site_class or DEFAULT_SITE_CLASS[system.cooling_required]


def default_cooling(cooling_required: str, catalog: Catalog | None = None, system=None) -> str:
    """The cooling type a site gets when none is stated: that of the system's default site class
    (air for air-cooled servers, DLC for liquid-cooled systems)."""
    if catalog is not None and system is not None:
        k = catalog.site_classes.get(site_class_for(catalog, None, None, system))
        if k is not None:
            return k.cooling
    return "air" if cooling_required == "air" else DEFAULT_COOLING


def site_pue(catalog: Catalog, pue: float | None, class_id: str | None, cooling_id: str) -> float:
    """PUE of a site: the stated one, else its class's default, else its cooling type's own (older form)."""
    return float(pue) if pue is not None else default_pue_fact(catalog, class_id, cooling_id)[3].x


def default_pue_fact(catalog: Catalog, class_id: str | None, cooling_id: str) -> tuple[str, str, str, object]:
    """Where a site's PUE comes from when the site states none: ``(section, id, field, fact)``."""
    if class_id is not None:
        return "site_classes", class_id, "pue_default", catalog.site_classes[class_id].pue_default
    return "cooling", cooling_id, "pue_default", catalog.cooling[cooling_id].pue_default


def system_power_kw(system, draw: str) -> tuple[float, bool]:
    """All-in power of one system [kW] at the ``draw`` basis, and whether that basis was available.

    ``nameplate`` is the maximum rating (the catalog's ``system_power_kw``); ``typical`` is the
    draw under load where a source gives one (``typical_power_kw``), else the nameplate.
    """
    if draw == "typical":
        if system.typical_power_kw is not None and system.typical_power_kw.known:
            return system.typical_power_kw.x, True
        return system.system_power_kw.x, False
    return system.system_power_kw.x, True


def fit_problem(catalog: Catalog, cooling_id: str, system_id: str, cooling_required: str, rack_kw: float) -> str | None:
    """Why ``cooling_id`` cannot serve racks of ``system_id`` (or None if it can)."""
    cooling = catalog.cooling[cooling_id]
    if cooling_required not in cooling.supports:
        ok = ", ".join(c.id for c in catalog.cooling.values() if cooling_required in c.supports)
        return f"{cooling_id!r} cooling cannot serve {system_id!r}, which needs {cooling_required} cooling; use {ok}"
    if rack_kw > cooling.max_rack_kw.x:
        return (f"racks of {system_id!r} draw {rack_kw:.0f} kW, above the {cooling.max_rack_kw.x:.0f} kW limit of "
                f"{cooling_id!r} cooling")
    return None


def fact_origin(section: str, entry_id: str, field_name: str, fact) -> dict:
    """Where a catalog number came from: entry, field, and the fact's own provenance."""
    if fact is None:  # an optional catalog field the entry leaves out
        return {"from": "none", "note": f"{section}.{entry_id} has no {field_name}"}
    out = {"from": "catalog", "section": section, "id": entry_id, "field": field_name}
    out.update({k: v for k, v in fact.public().items() if k in ("value", "unit", "low", "high", "source", "kind", "as_of")})
    return out


def derived_origin(formula: str, **parts: dict) -> dict:
    """A value computed from others: the formula in words and the origin of each part."""
    return {"from": "derived", "formula": formula, "parts": parts}


def compile_inputs(scenario: Scenario, catalog: Catalog, source: str = "<scenario>", lines: dict | None = None) -> Inputs:
    """Resolve a scenario against the catalog into :class:`Inputs`.

    Raises :class:`ValidationFailure` listing every problem found.
    """
    lines = lines or {}
    problems: list[Problem] = []

    def problem(path: tuple, msg: str):
        src, lns = source, lines
        origin = scenario.origin(path[1]) if path[0] == "deals" else None
        if origin is not None:  # report in the file the deal was written in (it may be an include)
            src, lns, original = origin
            path = ("deals", original, *path[2:])
        problems.append(Problem(format_path(path), msg, line_for(lns, path), file=src if src != source else None))

    def scen(path: tuple, value) -> dict:
        """The origin of a value written in the scenario (in the file the deal came from)."""
        src, lns = source, lines
        origin = scenario.origin(path[1]) if path[0] == "deals" else None
        if origin is not None:
            src, lns, original = origin
            path = ("deals", original, *path[2:])
        return {"from": "scenario", "file": src, "path": format_path(path), "line": line_for(lns, path), "value": value}

    def default_origin(name: str) -> dict:
        return fact_origin("defaults", name, "value", catalog.defaults[name].value)

    h0 = month_index(scenario.horizon.start)
    h1 = month_index(scenario.horizon.end)
    d = catalog.default
    origins: list[dict[str, dict]] = []
    rows: list[dict] = []
    infos: list[TrancheInfo] = []
    used: dict[str, set[str]] = {"accelerators": set(), "systems": set(), "cooling": set(), "site_classes": set(), "regions": set(),
                                 "software": set(),
                                 "defaults": set()}
    warnings: list[str] = []
    constraints: list[dict] = []
    reported: set = set()
    for di, deal in enumerate(scenario.deals):
        site = merged(scenario.site, deal.site)
        fin = merged(scenario.finance, deal.finance)
        site_path = ("deals", di, "site") if deal.site is not None else ("site",)
        region_id = site.region or DEFAULT_REGION
        region = catalog.regions.get(region_id)
        if site.cooling is not None and site.cooling not in catalog.cooling:
            problem(site_path + ("cooling",), f"unknown cooling type {site.cooling!r}{suggest(site.cooling, catalog.cooling)}")
        if site.site_class is not None and site.site_class not in catalog.site_classes:
            problem(site_path + ("site_class",), f"unknown site class {site.site_class!r}{suggest(site.site_class, catalog.site_classes)}")
            continue
        if region is None:
            problem(site_path + ("region",), f"unknown region {region_id!r}{suggest(region_id, catalog.regions)}")
        for ti, t in enumerate(deal.tranches):
            path = ("deals", di, "tranches", ti)
            acc = catalog.accelerators.get(t.product)
            if acc is None:
                problem(path + ("product",), f"unknown product {t.product!r}{suggest(t.product, catalog.accelerators)}")
                continue
            system_id = t.system or acc.default_system
            system = catalog.systems.get(system_id)
            if system is None:
                problem(path + ("system",), f"unknown system {system_id!r}{suggest(system_id, catalog.systems)}")
                continue
            if system.accelerator != acc.id:
                problem(path + ("system",), f"system {system_id!r} holds {system.accelerator!r}, not {acc.id!r}")
                continue
            if t.params is not None and not acc.parameterised:
                problem(path + ("params",), f"product {acc.id!r} is not parameterised; only templates like 'custom-asic' take params")
            start = month_index(t.start)
            end = start + max(t.ramp_months, 1) - 1
            if start < h0:
                problem(path + ("start",), f"starts {t.start}, before the horizon start {scenario.horizon.start}")
            if end > h1:
                problem(path + ("ramp_months",), f"ramps until {month_label(end)}, after the horizon end {scenario.horizon.end}; "
                        "extend horizon.end or shorten ramp_months")
            requested = start
            ready = site.grid_ready_month(scenario.horizon.start)
            if ready is None:
                ready = -10**6  # no grid constraint
            elif start < ready:
                constraints.append({"tranche": len(infos), "deal": deal.name, "label": t.label or f"{t.product} {t.start}",
                                    "constraint": "grid interconnection", "requested_start": t.start,
                                    "start": month_label(ready), "slip_months": ready - start})
                if ready + max(t.ramp_months, 1) - 1 > h1:
                    warnings.append(f"deals[{di}].tranches[{ti}]: the grid is ready {month_label(ready)}, so the ramp "
                                    f"runs past the horizon end {scenario.horizon.end}; later months are cut off")
            start = start_month(requested, ready)
            if isinstance(acc.available.value, str) and start < month_index(acc.available.value):
                warnings.append(f"deals[{di}].tranches[{ti}]: {acc.id} starts {t.start}, before its catalog availability {acc.available.value}")
            # The site class sets the PUE (rule: site_class_for); without a stated cooling type the
            # site uses its class's, which suits the system (air for air-cooled servers).
            class_id = site_class_for(catalog, site.site_class, site.cooling, system)
            cooling_id = site.cooling or (catalog.site_classes[class_id].cooling if class_id in catalog.site_classes
                                          else default_cooling(system.cooling_required))
            cooling = catalog.cooling.get(cooling_id)
            if cooling is None or region is None:
                continue
            params = t.params.model_dump(exclude_none=True) if t.params is not None else {}
            software_id = params.get("software", acc.software)
            per_system = params.get("accelerators_per_system", system.accelerators_per_system.x)
            draw = site.draw or DEFAULT_DRAW
            system_kw = nameplate_kw = params.get("system_power_kw")
            if system_kw is None:
                base_kw, had_basis = system_power_kw(system, draw)
                if not had_basis:
                    draw = NAMEPLATE_FALLBACK
                # More accelerators per system, or a new TDP, keep the template's all-in overhead ratio
                # (system power / accelerators' TDP).
                scale = per_system / system.accelerators_per_system.x * (params["tdp_w"] / acc.tdp_w.x if "tdp_w" in params else 1.0)
                system_kw, nameplate_kw = base_kw * scale, system.system_power_kw.x * scale
            rack_kw = system_kw * system.systems_per_rack.x
            # Cooling must carry a rack at its maximum rating, whatever the draw basis.
            trouble = fit_problem(catalog, cooling_id, system_id, system.cooling_required, nameplate_kw * system.systems_per_rack.x)
            if trouble and (cooling_id, system_id, rack_kw) not in reported:
                reported.add((cooling_id, system_id, rack_kw))
                problem(site_path + ("cooling",) if site.cooling else path + ("product",),
                        trouble if site.cooling else f"{trouble} (no cooling stated, so the site defaulted to "
                        f"{cooling_id!r} for {system.cooling_required}-cooled {system_id!r}; set site.cooling)")
            if class_id is None and cooling.pue_default is None:
                problem(site_path + ("cooling",), f"cooling {cooling_id!r} has no site class or PUE; set site.site_class or site.pue")
                continue
            pue = site_pue(catalog, site.pue, class_id, cooling_id)
            price, co2_location, co2_market = energy_mix(site, region)
            for sec, key in (("accelerators", acc.id), ("systems", system_id), ("cooling", cooling_id), ("regions", region_id),
                             ("software", software_id), ("site_classes", class_id)):
                if key is not None:
                    used[sec].add(key)
            origins.append(functools.partial(
                _tranche_origins, scenario=scenario, deal=deal, di=di, t=t, path=path, params=params, acc=acc, system=system, system_id=system_id,
                draw=draw, class_id=class_id, cooling_id=cooling_id, region_id=region_id, software_id=software_id, site=site,
                fin=fin, catalog=catalog, scen=scen, default_origin=default_origin))
            rows.append(dict(
                gw_stated=t.gw,
                basis_facility=1.0 if t.basis == "facility" else 0.0,
                pue=pue,
                start_offset=start - h0,
                requested_offset=requested - h0,
                grid_ready_offset=ready - h0,
                ramp_months=t.ramp_months,
                shape=ramp.SHAPES[t.shape],
                refresh=1.0 if t.refresh else 0.0,
                it_life_months=round(12 * (fin.it_life_years or d("it_life_years"))),
                facility_life_months=round(12 * (fin.facility_life_years or d("facility_life_years"))),
                it_w_per_accel=float(sizing.it_power_per_accelerator_w(system_kw, per_system, d("cluster_it_overhead"))),
                accelerators_per_system=per_system,
                systems_per_rack=system.systems_per_rack.x,
                rack_kw=rack_kw,
                system_price_usd=known_or_zero(params.get("price_usd"), system, "price_usd", warnings),
                network_fraction=d("network_fraction_of_systems"),
                facility_usd_per_mw_it=d("facility_usd_per_mw_it"),
                land_usd_per_mw_it=d("land_grid_usd_per_mw_it"),
                topdown_usd_per_gw=fin.topdown_usd_per_gw or d("topdown_usd_per_gw"),
                bf16_tflops=known_or_zero(params.get("bf16_dense_tflops"), acc, "bf16_dense_tflops", warnings),
                fp8_tflops=known_or_zero(params.get("fp8_dense_tflops"), acc, "fp8_dense_tflops", warnings),
                fp4_tflops=known_or_zero(params.get("fp4_dense_tflops"), acc, "fp4_dense_tflops", warnings),
                achievable=catalog.software[software_id].achievable_fraction.x,
                utilization=site.utilization if site.utilization is not None else d("utilization"),
                hbm_gb=params.get("memory_gb", acc.hbm_gb) if acc.memory_type == "hbm" else 0.0,
                hbm_stacks=params.get("hbm_stacks", acc.hbm_stack_count),
                packages_per_wafer=packages_per_wafer(acc, params, warnings) * d("cowos_yield"),
                usd_per_mwh=price,
                gco2_per_kwh=co2_location,
                gco2_market_per_kwh=co2_market,
                wue=cooling.wue_l_per_kwh.x,
                average_load=site.average_load if site.average_load is not None else d("average_load_fraction"),
                maintenance_frac=d("maintenance_fraction_per_year"),
                discount_rate=fin.discount_rate if fin.discount_rate is not None else d("discount_rate"),
            ))
            infos.append(TrancheInfo(
                index=len(infos), deal_index=di, deal=deal.name, buyer=deal.buyer, supplier=deal.supplier, vendor=acc.vendor,
                product=acc.id, system=system_id, software=software_id, cooling=cooling_id, region=region_id,
                site_class=class_id or "", draw=draw,
                label=t.label or f"{acc.id} {t.start}", start=month_label(start), basis=t.basis, requested_start=t.start,
            ))
    if problems:
        raise ValidationFailure(source, problems)
    used["defaults"] = set(catalog.defaults)
    p = {k: np.array([[r[k] for r in rows]], dtype=float) for k in rows[0]}
    return Inputs(h0, h1 - h0 + 1, infos, p, used, warnings, constraints, origins)


def _tranche_origins(*, scenario, deal, di, t, path, params, acc, system, system_id, draw, class_id, cooling_id, region_id,
                     software_id, site, fin, catalog, scen, default_origin) -> dict[str, dict]:
    """Where each input of one tranche came from: a scenario line, a catalog fact, a cost
    default, or a formula over those. Mirrors the choices :func:`compile_inputs` makes."""

    def block_path(block: str, name: str) -> tuple | None:
        """Path of a site/finance field as the scenario set it for this deal, or None if unset."""
        own = getattr(deal, block)
        if own is not None and getattr(own, name, None) is not None:
            return ("deals", di, block, name)
        if getattr(getattr(scenario, block), name, None) is not None:
            return (block, name)
        return None

    def site_or(name: str, fallback: dict) -> dict:
        where = block_path("site", name)
        return scen(where, getattr(site, name)) if where else fallback

    def fin_or(name: str, fallback: dict) -> dict:
        where = block_path("finance", name)
        return scen(where, getattr(fin, name)) if where else fallback

    def param_or(name: str, fallback: dict) -> dict:
        return scen(path + ("params", name), params[name]) if name in params else fallback

    def acc_fact(name: str) -> dict:
        fact = getattr(acc, name, None)
        return fact_origin("accelerators", acc.id, name, fact) if fact is not None else {"from": "none", "note": f"{acc.id} has no {name}"}

    def sys_fact(name: str) -> dict:
        fact = getattr(system, name, None)  # None: e.g. no typical draw for a template whose params give the power
        return fact_origin("systems", system_id, name, fact) if fact is not None else {"from": "none", "note": f"{system_id} has no {name}"}

    def tr(name: str) -> dict:
        if name in t.model_fields_set:
            return scen(path + (name,), getattr(t, name))
        return {"from": "default", "value": getattr(t, name), "note": f"{name} not written: the scenario schema's default"}

    pue = site_or("pue", fact_origin(*default_pue_fact(catalog, class_id, cooling_id)))
    power_field = "typical_power_kw" if draw == "typical" else "system_power_kw"
    system_power = param_or("system_power_kw", sys_fact(power_field))
    region = catalog.regions[region_id]
    if site.power:
        mix = site_or("power", {})
        price = co2 = co2_market = derived_origin("energy mix: share-weighted prices and intensities of the site's power sources",
                                                  mix=mix, grid_price=site_or("electricity_price", fact_origin(
                                                      "regions", region_id, "electricity_usd_per_mwh", region.electricity_usd_per_mwh)),
                                                  grid_carbon=site_or("grid_carbon", fact_origin(
                                                      "regions", region_id, "grid_gco2_per_kwh", region.grid_gco2_per_kwh)))
    else:
        price = site_or("electricity_price", fact_origin("regions", region_id, "electricity_usd_per_mwh", region.electricity_usd_per_mwh))
        co2 = co2_market = site_or("grid_carbon", fact_origin("regions", region_id, "grid_gco2_per_kwh", region.grid_gco2_per_kwh))
    start = tr("start")
    grid = site_or("grid_lead_time_months", {"from": "none", "note": "no grid constraint stated"})
    per_system = param_or("accelerators_per_system", sys_fact("accelerators_per_system"))
    ppw = (derived_origin("estimated from the HBM stack count (16 per wafer at 8 stacks) x CoWoS yield",
                          stacks=param_or("hbm_stacks", acc_fact("hbm_stacks")), cowos_yield=default_origin("cowos_yield"))
           if acc.packages_per_cowos_wafer is None or "hbm_stacks" in params else
           derived_origin("packages per CoWoS wafer x CoWoS yield", packages=acc_fact("packages_per_cowos_wafer"),
                          cowos_yield=default_origin("cowos_yield")))
    return {
        "gw_stated": tr("gw"),
        "basis_facility": tr("basis"),
        "pue": pue,
        "start_offset": derived_origin("later of the requested start and the grid-ready month", requested=start, grid=grid),
        "requested_offset": start,
        "grid_ready_offset": grid,
        "ramp_months": tr("ramp_months"),
        "shape": tr("shape"),
        "refresh": tr("refresh"),
        "it_life_months": fin_or("it_life_years", default_origin("it_life_years")),
        "facility_life_months": fin_or("facility_life_years", default_origin("facility_life_years")),
        "it_w_per_accel": derived_origin("system power / accelerators per system x cluster IT overhead", system_power=system_power,
                                         accelerators_per_system=per_system, overhead=default_origin("cluster_it_overhead")),
        "accelerators_per_system": per_system,
        "systems_per_rack": sys_fact("systems_per_rack"),
        "rack_kw": derived_origin("system power x systems per rack", system_power=system_power, systems_per_rack=sys_fact("systems_per_rack")),
        "system_price_usd": param_or("price_usd", sys_fact("price_usd")),
        "network_fraction": default_origin("network_fraction_of_systems"),
        "facility_usd_per_mw_it": default_origin("facility_usd_per_mw_it"),
        "land_usd_per_mw_it": default_origin("land_grid_usd_per_mw_it"),
        "topdown_usd_per_gw": fin_or("topdown_usd_per_gw", default_origin("topdown_usd_per_gw")),
        "bf16_tflops": param_or("bf16_dense_tflops", acc_fact("bf16_dense_tflops")),
        "fp8_tflops": param_or("fp8_dense_tflops", acc_fact("fp8_dense_tflops")),
        "fp4_tflops": param_or("fp4_dense_tflops", acc_fact("fp4_dense_tflops")),
        "achievable": fact_origin("software", software_id, "achievable_fraction", catalog.software[software_id].achievable_fraction),
        "utilization": site_or("utilization", default_origin("utilization")),
        "hbm_gb": param_or("memory_gb", acc_fact("memory_gb")),
        "hbm_stacks": param_or("hbm_stacks", acc_fact("hbm_stacks")),
        "usd_per_mwh": price,
        "gco2_per_kwh": co2,
        "gco2_market_per_kwh": co2_market,
        "packages_per_wafer": ppw,
        "wue": fact_origin("cooling", cooling_id, "wue_l_per_kwh", catalog.cooling[cooling_id].wue_l_per_kwh),
        "average_load": site_or("average_load", default_origin("average_load_fraction")),
        "maintenance_frac": default_origin("maintenance_fraction_per_year"),
        "discount_rate": fin_or("discount_rate", default_origin("discount_rate")),
    }

