"""The one engine: :class:`~gigawatt.scenario.inputs.Inputs` → arrays shaped ``(samples, tranches, months)``.

Pure NumPy over whole arrays, no loop over samples or months. A deterministic run is
``samples == 1``; the risk engine calls :func:`run` with more samples.
"""
from __future__ import annotations

import math

import numpy as np

from gigawatt.core import registry
from gigawatt.scenario.inputs import Inputs
from gigawatt.model import compute, cost, energy, ramp, sizing

#: Monthly series the engine returns, with their units (the output contract's names), and the
#: per-tranche figures at full build-out: both declared in the registry (core/data/registry.csv).
SERIES_UNITS: dict[str, str] = registry.units("series")
NAMEPLATE_UNITS: dict[str, str] = registry.units("nameplate")


#: The unitless shapes every series is built from, each ``(S, T, M)``: shares of a tranche
#: delivered, online, bought (refreshes included), newly added, and depreciating.
FRACTIONS = ("delivered", "online", "bought", "added", "dep_it", "dep_fac")


def delivered_share(inputs: Inputs) -> np.ndarray:
    """Cumulative share of each tranche delivered by each month, from its ramp ``(S, T, M)``."""
    p = inputs.p
    months = np.arange(inputs.n_months, dtype=float)
    return ramp.delivered_by_month(months, p["start_offset"][..., None], p["ramp_months"][..., None], p["shape"][..., None])


def fractions(inputs: Inputs, need: set[str], delivered: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The fraction arrays in ``need`` (and what they depend on), computed once each.

    From ramps, retirement is the ramp evaluated ``life`` months later (no gathers); from a
    given ``delivered`` schedule (supply-constrained), it is that schedule shifted.
    """
    p = inputs.p
    refresh = p["refresh"] > 0
    life = p["it_life_months"]
    out: dict[str, np.ndarray] = {}
    from_ramp = delivered is None
    if from_ramp:
        months = np.arange(inputs.n_months, dtype=float)
        start, r_m, shape = p["start_offset"][..., None], p["ramp_months"][..., None], p["shape"][..., None]
        delivered = ramp.delivered_by_month(months, start, r_m, shape)
    out["delivered"] = delivered
    if need & {"online"}:
        if not np.any(~refresh):
            out["online"] = delivered
        elif from_ramp:
            never = np.where(refresh, 1e9, life)[..., None]  # refreshed tranches never retire
            out["online"] = delivered - ramp.delivered_by_month(months, start + never, r_m, shape)
        else:
            out["online"] = ramp.online_from_delivered(delivered, life.astype(np.int64), refresh[..., None])
    if need & {"added", "bought", "dep_it", "dep_fac"}:
        out["added"] = ramp.additions(delivered)
    if need & {"bought", "dep_it"}:
        bought = out["added"]
        if np.any(refresh):
            cycles = max(1, math.ceil(inputs.n_months / max(1.0, float(life.min()))))
            bought = ramp.purchases_from_delivered(delivered, life.astype(np.int64), refresh[..., None], cycles)
        out["bought"] = bought
    if "dep_it" in need:
        out["dep_it"] = cost.straight_line_depreciation(out["bought"], life)
    if "dep_fac" in need:
        out["dep_fac"] = cost.straight_line_depreciation(out["added"], p["facility_life_months"])
    return out


def fractions_xp(xp, inputs: Inputs, p: dict, need: set[str]) -> dict:
    """:func:`fractions` from ramps in an array-API namespace ``xp`` (a GPU's, say), with the
    ramp inputs ``p`` already there: the same formulas (see :mod:`gigawatt.model.ramp`'s
    ``*_xp`` functions). Depreciation fractions are not offered here."""
    if need & {"dep_it", "dep_fac"}:
        raise NotImplementedError("depreciation fractions run on the CPU engine only")
    months = xp.arange(inputs.n_months, dtype=xp.float64)
    start, r_m, shape = p["start_offset"][..., None], p["ramp_months"][..., None], p["shape"][..., None]
    refresh = p["refresh"] > 0
    life = p["it_life_months"]
    delivered = ramp.delivered_by_month_xp(xp, months, start, r_m, shape)
    out = {"delivered": delivered}
    if need & {"online"}:
        never = xp.where(refresh, 1e9, life)[..., None]  # refreshed tranches never retire
        out["online"] = delivered - ramp.delivered_by_month_xp(xp, months, start + never, r_m, shape)
    if need & {"added", "bought"}:
        out["added"] = ramp.additions_xp(xp, delivered)
    if "bought" in need:
        bought = out["added"]
        if bool(xp.any(refresh)):
            lag = xp.astype(life, xp.int64)
            cycles = max(1, math.ceil(inputs.n_months / max(1.0, float(xp.min(life)))))
            for c in range(1, cycles + 1):  # refresh rounds (a handful), not months
                lagged = ramp.lag_xp(xp, out["added"], c * lag)
                bought = bought + xp.where(refresh[..., None], lagged, xp.zeros_like(lagged))
        out["bought"] = bought
    return out


def run_totals_xp(xp, inputs: Inputs, names: list[str], groups: np.ndarray | None = None, sums: tuple[str, ...] = ()):
    """:func:`run_totals` with the ``(S, T, M)`` work in namespace ``xp`` (the array backend seam).

    The per-tranche weights (:func:`nameplate`, :func:`terms`: ``(S, T)`` arrays) are computed
    on the host with NumPy, as always; the ramp inputs and weights go to the device, which
    builds the fractions and reduces them over tranches (batched matrix products) and months;
    the results come back as NumPy arrays. Returns what :func:`run_totals` returns.
    """
    from gigawatt.engine.backend import to_host

    p = inputs.p
    npl = nameplate(inputs)
    tm = terms(p, npl)
    every = list(dict.fromkeys([*names, *sums]))
    dev = {k: xp.asarray(np.ascontiguousarray(p[k], float)) for k in ("start_offset", "ramp_months", "shape", "refresh", "it_life_months")}
    wanted = {f for n in every for f, _ in tm[n]} | {"added", "bought", "online", "delivered"}
    fr = fractions_xp(xp, inputs, dev, wanted)
    by_fraction: dict[str, list[tuple[str, np.ndarray]]] = {}
    for n in every:
        for f, w in tm[n]:
            by_fraction.setdefault(f, []).append((n, w))
    out: dict = {n: None for n in every}
    for f, items in by_fraction.items():
        weights = xp.asarray(np.stack([w for _, w in items], axis=-1))  # (S, T, K)
        reduced = xp.matmul(xp.permute_dims(fr[f], (0, 2, 1)), weights)  # (S, M, K)
        for j, (n, _) in enumerate(items):
            out[n] = reduced[..., j] if out[n] is None else out[n] + reduced[..., j]
    rate = p["discount_rate"]
    months = np.arange(inputs.n_months, dtype=float)
    uniform = bool(np.all(rate == rate.flat[0]))
    disc = xp.asarray(cost.discount_factors(months, float(rate.flat[0]) if uniform else rate[..., None]))
    pv = None
    for name in ("capex_usd", "opex_usd"):
        for f, w in tm[name]:
            d = xp.matmul(fr[f], disc) if uniform else xp.sum(fr[f] * disc, axis=-1)
            term = xp.asarray(w) * d
            pv = term if pv is None else pv + term
    npl["npv_cost_usd"] = to_host(pv)
    extra = {}
    if groups is not None:
        gw = fr["delivered"] * xp.asarray(npl["gw"])[..., None]
        extra["delivered_gw_groups"] = to_host(xp.matmul(xp.asarray(np.asarray(groups, float)), gw))
    if sums:
        extra["sums"] = {n: to_host(xp.sum(out[n], axis=1)) for n in sums}
    result = {n: to_host(out[n]) for n in names}
    return (result, npl, extra) if extra else (result, npl)


def nameplate(inputs: Inputs) -> dict[str, np.ndarray]:
    """Per-tranche figures at full build-out ``(S, T)`` (see :data:`NAMEPLATE_UNITS`), less NPV."""
    p = inputs.p
    gw_it = sizing.it_gw_from_stated_gw(p["gw_stated"], p["basis_facility"] > 0, p["pue"])
    # Facility GW is the stated figure itself on the facility basis (no round trip through PUE).
    gw_fac = np.where(p["basis_facility"] > 0, p["gw_stated"], sizing.facility_power(gw_it, p["pue"]))
    n_acc = sizing.accelerators_for_it_power(gw_it * sizing.W_PER_GW, p["it_w_per_accel"])
    n_sys = n_acc / p["accelerators_per_system"]
    sys_capex = n_acc * cost.system_capex_per_accelerator_usd(p["system_price_usd"], p["accelerators_per_system"])
    net_capex = cost.network_capex_usd(sys_capex, p["network_fraction"])
    fac_capex = cost.facility_capex_usd(gw_it * 1e3, p["facility_usd_per_mw_it"], p["land_usd_per_mw_it"])
    mwh_year = energy.energy_mwh(gw_fac * 1e3, p["average_load"], energy.HOURS_PER_YEAR)
    peak_bf16 = compute.peak_pflops(n_acc, p["bf16_tflops"])
    return {
        "gw": gw_fac,
        "gw_it": gw_it,
        "it_mw": gw_it * 1e3,
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
        "energy_twh_per_year": mwh_year / 1e6,
        "average_mw": gw_fac * 1e3 * p["average_load"],
        "co2_mt_per_year": energy.co2_t(mwh_year, p["gco2_per_kwh"]) / 1e6,
        "peak_pflops_bf16": peak_bf16,
        "peak_pflops_fp8": compute.peak_pflops(n_acc, p["fp8_tflops"]),
        "effective_pflops_bf16": compute.effective_pflops(peak_bf16, p["achievable"], p["utilization"]),
        "hbm_gb": n_acc * p["hbm_gb"],
        "hbm_stacks": n_acc * p["hbm_stacks"],
    }


def terms(p: dict[str, np.ndarray], npl: dict[str, np.ndarray]) -> dict[str, list[tuple[str, np.ndarray]]]:
    """Each monthly series as a sum of (fraction, per-tranche weight ``(S, T)``) terms.

    series[name] = Σ fraction × weight. Every formula of the engine lives here, once.
    """
    n_acc = npl["accelerators"]
    it_capex = npl["capex_systems_usd"] + npl["capex_network_usd"]
    fac_capex = npl["capex_facility_usd"]
    mwh_month = energy.energy_mwh(npl["facility_mw"], p["average_load"])  # at full build, per month
    energy_cost = energy.energy_cost_usd(mwh_month, p["usd_per_mwh"])
    maint_it = cost.monthly_maintenance_usd(it_capex, p["maintenance_frac"])
    maint_fac = cost.monthly_maintenance_usd(fac_capex, p["maintenance_frac"])
    bf16 = compute.peak_pflops(n_acc, p["bf16_tflops"])
    fp8 = compute.peak_pflops(n_acc, p["fp8_tflops"])
    return {
        "delivered_gw": [("delivered", npl["gw"])],
        "online_gw": [("online", npl["gw"])],
        "it_mw": [("online", npl["it_mw"])],
        "facility_mw": [("online", npl["facility_mw"])],
        "accelerators": [("online", n_acc)],
        "systems": [("online", npl["systems"])],
        "racks": [("online", npl["racks"])],
        "peak_pflops_bf16": [("online", bf16)],
        "peak_pflops_fp8": [("online", fp8)],
        "peak_pflops_fp4": [("online", compute.peak_pflops(n_acc, p["fp4_tflops"]))],
        "effective_pflops_bf16": [("online", compute.effective_pflops(bf16, p["achievable"], p["utilization"]))],
        "effective_pflops_fp8": [("online", compute.effective_pflops(fp8, p["achievable"], p["utilization"]))],
        "hbm_gb": [("online", n_acc * p["hbm_gb"])],
        "hbm_stacks": [("online", n_acc * p["hbm_stacks"])],
        "accelerators_bought": [("bought", n_acc)],
        "hbm_gb_bought": [("bought", n_acc * p["hbm_gb"])],
        "cowos_wafers": [("bought", sizing.cowos_wafers(n_acc, p["packages_per_wafer"]))],
        "capex_systems_usd": [("bought", npl["capex_systems_usd"])],
        "capex_network_usd": [("bought", npl["capex_network_usd"])],
        "capex_facility_usd": [("added", fac_capex)],
        "capex_usd": [("bought", it_capex), ("added", fac_capex)],
        "capex_refresh_usd": [("bought", it_capex), ("added", -it_capex)],
        "capex_topdown_usd": [("added", npl["capex_topdown_usd"])],
        "depreciation_usd": [("dep_it", it_capex), ("dep_fac", fac_capex)],
        "maintenance_usd": [("online", maint_it), ("delivered", maint_fac)],
        "energy_mwh": [("online", mwh_month)],
        "energy_cost_usd": [("online", energy_cost)],
        "opex_usd": [("online", energy_cost + maint_it), ("delivered", maint_fac)],
        "co2_t": [("online", energy.co2_t(mwh_month, p["gco2_per_kwh"]))],
        "co2_market_t": [("online", energy.co2_t(mwh_month, p["gco2_market_per_kwh"]))],
        "water_m3": [("online", energy.water_m3(mwh_month / p["pue"], p["wue"]))],
    }


def _npv(p, inputs: Inputs, fr: dict, tm: dict) -> np.ndarray:
    """Present value of capex + opex per tranche ``(S, T)``: Σ_terms weight × Σ_m fraction × discount."""
    months = np.arange(inputs.n_months, dtype=float)
    rate = p["discount_rate"]
    if np.all(rate == rate.flat[0]):
        disc = cost.discount_factors(months, float(rate.flat[0]))  # (M,): one matrix-vector product per fraction
    else:
        disc = cost.discount_factors(months, rate[..., None])
    out = np.zeros_like(p["gw_stated"])
    for name in ("capex_usd", "opex_usd"):
        for f, w in tm[name]:
            out += w * (fr[f] @ disc if disc.ndim == 1 else (fr[f] * disc).sum(axis=-1))
    return out


def run(inputs: Inputs, delivered: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Evaluate every tranche in every month.

    ``delivered`` (cumulative share delivered, ``(S, T, M)``) defaults to the tranches' ramps;
    the supply-constrained schedule passes its own. Returns ``(series, nameplate)``:
    ``series[name]`` shaped ``(S, T, M)`` (see :data:`SERIES_UNITS`), ``nameplate[name]``
    shaped ``(S, T)`` (full build-out, before retirement; see :data:`NAMEPLATE_UNITS`).
    """
    p = inputs.p
    npl = nameplate(inputs)
    tm = terms(p, npl)
    fr = fractions(inputs, set(FRACTIONS), delivered)
    series = {}
    for name, parts in tm.items():
        (f0, w0), *rest = parts
        acc = fr[f0] * w0[..., None]
        for f, w in rest:
            acc += fr[f] * w[..., None]
        series[name] = acc
    npl["npv_cost_usd"] = _npv(p, inputs, fr, tm)
    return series, npl


def run_totals(inputs: Inputs, names: list[str], delivered: np.ndarray | None = None, keep: tuple[str, ...] = (),
               groups: np.ndarray | None = None, kernel: str = "numpy", sums: tuple[str, ...] = (), device=None):
    """Monthly series summed over tranches ``{name: (S, M)}``, plus nameplate with NPV.

    The risk engine's path: the same fractions and weights as :func:`run`, reduced over
    tranches with one batched matrix product per fraction instead of per-tranche arrays.
    Extras come back as a third item, a dict: with ``keep``, those fraction arrays
    ``(S, T, M)``; with ``groups`` (masks ``(J, T)``), ``"delivered_gw_groups"``: cumulative
    delivered GW per group ``(S, J, M)``; with ``sums``, ``"sums"``: ``{name: (S,)}``, those
    series summed over the horizon (where only the total is needed).

    ``kernel="numba"`` runs the same terms through the fused kernel (:mod:`gigawatt.engine.kernels`):
    one pass per sample and tranche, no ``(S, T, M)`` arrays. It needs numba, ramps (no given
    ``delivered``) and no ``keep``; otherwise (or with ``"numpy"``) this NumPy code runs, and
    it is the reference the kernel is tested against.

    ``device`` (``"gpu"`` or an array-API namespace; see :mod:`gigawatt.engine.backend`) runs the
    ``(S, T, M)`` work there instead (:func:`run_totals_xp`); ``None`` or ``"cpu"``: here.
    """
    if device is not None and device != "cpu" and delivered is None and not keep:
        from gigawatt.engine.backend import namespace

        return run_totals_xp(namespace(device), inputs, names, groups=groups, sums=sums)
    p = inputs.p
    npl = nameplate(inputs)
    tm = terms(p, npl)
    npv_terms = [t for n in ("capex_usd", "opex_usd") for t in tm[n]]
    if kernel == "numba" and delivered is None and not keep:
        from gigawatt.engine import kernels
        if kernels.AVAILABLE and kernels.supports([*names, *sums, "capex_usd", "opex_usd"], tm):
            out, summed, npv, grouped = kernels.fused_totals(p, inputs.n_months, tm, list(names), npv_terms, groups, npl["gw"],
                                                             list(sums))
            npl["npv_cost_usd"] = npv
            extra = {}
            if groups is not None:
                extra["delivered_gw_groups"] = grouped
            if sums:
                extra["sums"] = summed
            return (out, npl, extra) if extra else (out, npl)
    elif kernel not in ("numpy", "numba"):
        raise ValueError(f"kernel must be 'numpy' or 'numba', not {kernel!r}")
    every = list(dict.fromkeys([*names, *sums]))
    wanted = {f for n in every for f, _ in tm[n]} | {"added", "bought", "online", "delivered"}
    fr = fractions(inputs, wanted, delivered)
    by_fraction: dict[str, list[tuple[str, np.ndarray]]] = {}
    for n in every:
        for f, w in tm[n]:
            by_fraction.setdefault(f, []).append((n, w))
    out = {n: 0.0 for n in every}
    for f, items in by_fraction.items():
        weights = np.stack([w for _, w in items], axis=-1)  # (S, T, K)
        reduced = np.matmul(np.swapaxes(fr[f], 1, 2), weights)  # (S, M, K)
        for j, (n, _) in enumerate(items):
            out[n] = out[n] + reduced[..., j]
    npl["npv_cost_usd"] = _npv(p, inputs, fr, tm)
    extra = {k: fr[k] for k in keep}
    if groups is not None:
        gw = fr["delivered"] * npl["gw"][..., None]  # (S, T, M)
        extra["delivered_gw_groups"] = np.einsum("stm,jt->sjm", gw, np.asarray(groups, float))
    if sums:
        extra["sums"] = {n: out[n].sum(axis=1) for n in sums}
        out = {n: out[n] for n in names}
    if extra:
        return out, npl, extra
    return out, npl
