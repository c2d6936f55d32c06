"""The one engine: :class:`~gigawatt.inputs.Inputs` → arrays shaped ``(samples, tranches, months)``.

Pure NumPy over whole arrays, no loop over samples or months. A deterministic run is
``samples == 1``; the risk engine calls :func:`run` with more samples.
"""
from __future__ import annotations

import math

import numpy as np

from .inputs import Inputs
from .model import compute, cost, energy, ramp, sizing

#: Monthly series the engine returns, with their units (the output contract's names).
SERIES_UNITS: dict[str, str] = {
    "delivered_gw": "GW",           # cumulative facility GW delivered (milestones count this)
    "online_gw": "GW",              # facility GW of hardware in service
    "it_mw": "MW",
    "facility_mw": "MW",
    "accelerators": "accelerators",
    "systems": "systems",
    "racks": "racks",
    "peak_pflops_bf16": "PFLOP/s",
    "peak_pflops_fp8": "PFLOP/s",
    "peak_pflops_fp4": "PFLOP/s",
    "effective_pflops_bf16": "PFLOP/s",
    "effective_pflops_fp8": "PFLOP/s",
    "hbm_gb": "GB",
    "hbm_stacks": "stacks",
    "accelerators_bought": "accelerators",  # flows: new and refreshed hardware bought in the month
    "hbm_gb_bought": "GB",
    "cowos_wafers": "wafers",
    "capex_systems_usd": "USD",
    "capex_network_usd": "USD",
    "capex_facility_usd": "USD",
    "capex_usd": "USD",
    "capex_refresh_usd": "USD",     # part of capex_usd: hardware bought again at end of life
    "capex_topdown_usd": "USD",     # initial build only (a $/GW figure prices bringing a GW online)
    "depreciation_usd": "USD",
    "energy_mwh": "MWh",
    "energy_cost_usd": "USD",
    "maintenance_usd": "USD",
    "opex_usd": "USD",
    "co2_t": "t",                   # location-based
    "co2_market_t": "t",            # market-based (PPAs at their own intensity)
    "water_m3": "m3",
}

#: Per-tranche figures at full build-out, with units.
NAMEPLATE_UNITS: dict[str, str] = {
    "gw": "GW",
    "gw_it": "GW",
    "it_mw": "MW",
    "facility_mw": "MW",
    "pue": "",
    "accelerators": "accelerators",
    "systems": "systems",
    "racks": "racks",
    "it_kw_per_accelerator": "kW",
    "capex_usd": "USD",
    "capex_systems_usd": "USD",
    "capex_network_usd": "USD",
    "capex_facility_usd": "USD",
    "capex_topdown_usd": "USD",
    "energy_twh_per_year": "TWh/yr",
    "average_mw": "MW",
    "co2_mt_per_year": "Mt/yr",
    "peak_pflops_bf16": "PFLOP/s",
    "peak_pflops_fp8": "PFLOP/s",
    "effective_pflops_bf16": "PFLOP/s",
    "hbm_gb": "GB",
    "hbm_stacks": "stacks",
    "npv_cost_usd": "USD",
}


def delivered_share(inputs: Inputs) -> np.ndarray:
    """Cumulative share of each tranche delivered by each month, from its ramp ``(S, T, M)``."""
    p = inputs.p
    k = np.arange(inputs.n_months, dtype=float) - p["start_offset"][..., None]  # months since first delivery
    return ramp.delivered_fraction(k, p["ramp_months"][..., None], p["shape"][..., None])


def run(inputs: Inputs, delivered: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Evaluate every tranche in every month.

    ``delivered`` (cumulative share delivered, ``(S, T, M)``) defaults to the tranches' ramps;
    the supply-constrained schedule passes its own. Returns ``(series, nameplate)``:
    ``series[name]`` shaped ``(S, T, M)`` (see :data:`SERIES_UNITS`), ``nameplate[name]``
    shaped ``(S, T)`` (full build-out, before retirement; see :data:`NAMEPLATE_UNITS`).
    """
    p = inputs.p
    col = {k: v[..., None] for k, v in p.items()}  # (S, T, 1) for broadcasting over months
    months = np.arange(inputs.n_months, dtype=float)
    if delivered is None:
        delivered = delivered_share(inputs)
    life = p["it_life_months"].astype(np.int64)
    refresh = col["refresh"] > 0
    online = ramp.online_from_delivered(delivered, life, refresh)
    cycles = max(1, math.ceil(inputs.n_months / max(1.0, float(p["it_life_months"].min()))))
    purchases = ramp.purchases_from_delivered(delivered, life, refresh, cycles)
    new_capacity = ramp.additions(delivered)

    # Nameplate (S, T): what the tranche is at full build-out.
    gw_it = sizing.it_gw_from_stated_gw(p["gw_stated"], p["basis_facility"] > 0, p["pue"])
    # Facility GW is the stated figure itself on the facility basis (no round trip through PUE).
    gw_fac = np.where(p["basis_facility"] > 0, p["gw_stated"], sizing.facility_power(gw_it, p["pue"]))
    it_mw = gw_it * 1e3
    n_acc = sizing.accelerators_for_it_power(gw_it * sizing.W_PER_GW, p["it_w_per_accel"])
    n_sys = n_acc / p["accelerators_per_system"]
    sys_capex = n_acc * cost.system_capex_per_accelerator_usd(p["system_price_usd"], p["accelerators_per_system"])
    net_capex = cost.network_capex_usd(sys_capex, p["network_fraction"])
    fac_capex = cost.facility_capex_usd(it_mw, p["facility_usd_per_mw_it"], p["land_usd_per_mw_it"])

    n = {k: v[..., None] for k, v in dict(n_acc=n_acc, n_sys=n_sys, gw_fac=gw_fac, it_mw=it_mw, sys_capex=sys_capex,
                                           net_capex=net_capex, fac_capex=fac_capex).items()}
    s: dict[str, np.ndarray] = {}
    s["delivered_gw"] = delivered * n["gw_fac"]
    s["online_gw"] = online * n["gw_fac"]
    s["it_mw"] = online * n["it_mw"]
    s["facility_mw"] = s["it_mw"] * col["pue"]
    s["accelerators"] = online * n["n_acc"]
    s["systems"] = online * n["n_sys"]
    s["racks"] = s["systems"] / col["systems_per_rack"]
    s["peak_pflops_bf16"] = compute.peak_pflops(s["accelerators"], col["bf16_tflops"])
    s["peak_pflops_fp8"] = compute.peak_pflops(s["accelerators"], col["fp8_tflops"])
    s["peak_pflops_fp4"] = compute.peak_pflops(s["accelerators"], col["fp4_tflops"])
    s["effective_pflops_bf16"] = compute.effective_pflops(s["peak_pflops_bf16"], col["achievable"], col["utilization"])
    s["effective_pflops_fp8"] = compute.effective_pflops(s["peak_pflops_fp8"], col["achievable"], col["utilization"])
    s["hbm_gb"] = s["accelerators"] * col["hbm_gb"]
    s["hbm_stacks"] = s["accelerators"] * col["hbm_stacks"]

    s["accelerators_bought"] = purchases * n["n_acc"]
    s["hbm_gb_bought"] = s["accelerators_bought"] * col["hbm_gb"]
    s["cowos_wafers"] = s["accelerators_bought"] / col["packages_per_wafer"]
    s["capex_systems_usd"] = purchases * n["sys_capex"]
    s["capex_network_usd"] = purchases * n["net_capex"]
    s["capex_facility_usd"] = new_capacity * n["fac_capex"]
    s["capex_usd"] = s["capex_systems_usd"] + s["capex_network_usd"] + s["capex_facility_usd"]
    s["capex_refresh_usd"] = (purchases - new_capacity) * (n["sys_capex"] + n["net_capex"])
    s["capex_topdown_usd"] = cost.topdown_capex_usd(new_capacity * n["gw_fac"], col["topdown_usd_per_gw"])
    s["depreciation_usd"] = (
        cost.straight_line_depreciation(s["capex_systems_usd"] + s["capex_network_usd"], p["it_life_months"])
        + cost.straight_line_depreciation(s["capex_facility_usd"], p["facility_life_months"])
    )
    installed = online * (n["sys_capex"] + n["net_capex"]) + delivered * n["fac_capex"]
    s["maintenance_usd"] = cost.monthly_maintenance_usd(installed, col["maintenance_frac"])
    s["energy_mwh"] = energy.energy_mwh(s["facility_mw"], col["average_load"])
    s["energy_cost_usd"] = energy.energy_cost_usd(s["energy_mwh"], col["usd_per_mwh"])
    s["opex_usd"] = s["energy_cost_usd"] + s["maintenance_usd"]
    s["co2_t"] = energy.co2_t(s["energy_mwh"], col["gco2_per_kwh"])
    s["co2_market_t"] = energy.co2_t(s["energy_mwh"], col["gco2_market_per_kwh"])
    s["water_m3"] = energy.water_m3(s["energy_mwh"] / col["pue"], col["wue"])

    disc = cost.discount_factors(months, col["discount_rate"])
    peak_bf16 = compute.peak_pflops(n_acc, p["bf16_tflops"])
    nameplate = {
        "gw": gw_fac,
        "gw_it": gw_it,
        "it_mw": it_mw,
        "facility_mw": gw_fac * 1e3,
        "pue": p["pue"],
        "accelerators": n_acc,
        "systems": n_sys,
        "racks": n_sys / p["systems_per_rack"],
        "it_kw_per_accelerator": p["it_w_per_accel"] / 1e3,
        "capex_usd": sys_capex + net_capex + fac_capex,
        "capex_systems_usd": sys_capex,
        "capex_network_usd": net_capex,
        "capex_facility_usd": fac_capex,
        "capex_topdown_usd": cost.topdown_capex_usd(gw_fac, p["topdown_usd_per_gw"]),
        "energy_twh_per_year": energy.energy_mwh(gw_fac * 1e3, p["average_load"], energy.HOURS_PER_YEAR) / 1e6,
        "average_mw": gw_fac * 1e3 * p["average_load"],
        "co2_mt_per_year": energy.co2_t(energy.energy_mwh(gw_fac * 1e3, p["average_load"], energy.HOURS_PER_YEAR), p["gco2_per_kwh"]) / 1e6,
        "peak_pflops_bf16": peak_bf16,
        "peak_pflops_fp8": compute.peak_pflops(n_acc, p["fp8_tflops"]),
        "effective_pflops_bf16": compute.effective_pflops(peak_bf16, p["achievable"], p["utilization"]),
        "hbm_gb": n_acc * p["hbm_gb"],
        "hbm_stacks": n_acc * p["hbm_stacks"],
        "npv_cost_usd": ((s["capex_usd"] + s["opex_usd"]) * disc).sum(axis=-1),
    }
    return s, nameplate
