"""A naive reference implementation of the engine's main totals, written for clarity.

A Python loop per sample, tranche and month over scalars, independent of the vectorised
engine's fraction/weight structure. Tests use it as the correctness oracle on small inputs;
``bench/bench_mc.py`` measures the engine against it. It lives under tests/ (a test oracle,
not part of the package); never use it for real runs.
"""
from __future__ import annotations


NAMES = ("delivered_gw", "online_gw", "effective_pflops_bf16", "capex_usd", "opex_usd", "energy_mwh", "co2_t")


def _share(k: float, ramp: float, shape: int) -> float:
    """Cumulative share delivered ``k`` months after the first delivery month."""
    x = min(1.0, max(0.0, (k + 1.0) / max(ramp, 1.0)))
    return x * x * (3.0 - 2.0 * x) if shape == 1 else x


def reference_totals(inputs) -> dict[str, list[list[float]]]:
    """``{name: [[value per month] per sample]}`` summed over tranches."""
    p = inputs.p
    n_s, n_t = p["gw_stated"].shape
    n_m = inputs.n_months
    out = {name: [[0.0] * n_m for _ in range(n_s)] for name in NAMES}
    for s in range(n_s):
        for t in range(n_t):
            q = {k: float(v[s, t]) for k, v in p.items()}
            gw_it = q["gw_stated"] / q["pue"] if q["basis_facility"] else q["gw_stated"]
            gw_fac = q["gw_stated"] if q["basis_facility"] else q["gw_stated"] * q["pue"]
            accelerators = gw_it * 1e9 / q["it_w_per_accel"]
            systems_usd = accelerators / q["accelerators_per_system"] * q["system_price_usd"]
            it_usd = systems_usd * (1.0 + q["network_fraction"])
            facility_usd = gw_it * 1e3 * (q["facility_usd_per_mw_it"] + q["land_usd_per_mw_it"])
            eff_per_acc = q["bf16_tflops"] / 1e3 * q["achievable"] * q["utilization"]
            life = int(q["it_life_months"])
            previous = 0.0
            for m in range(n_m):
                k = m - q["start_offset"]
                delivered = _share(k, q["ramp_months"], int(q["shape"]))
                retired = 0.0 if q["refresh"] else _share(k - life, q["ramp_months"], int(q["shape"]))
                online = delivered - retired
                added = delivered - previous
                previous = delivered
                bought = added
                if q["refresh"]:
                    c = 1
                    while c * life <= m:
                        bought += _share(k - c * life, q["ramp_months"], int(q["shape"])) - _share(k - c * life - 1, q["ramp_months"], int(q["shape"]))
                        c += 1
                mwh = online * gw_fac * 1e3 * q["average_load"] * 8760.0 / 12.0
                maintenance = (online * it_usd + delivered * facility_usd) * q["maintenance_frac"] / 12.0
                out["delivered_gw"][s][m] += delivered * gw_fac
                out["online_gw"][s][m] += online * gw_fac
                out["effective_pflops_bf16"][s][m] += online * accelerators * eff_per_acc
                out["capex_usd"][s][m] += bought * it_usd + added * facility_usd
                out["opex_usd"][s][m] += mwh * q["usd_per_mwh"] + maintenance
                out["energy_mwh"][s][m] += mwh
                out["co2_t"][s][m] += mwh * q["gco2_per_kwh"] / 1000.0
    return out


def reference_npv(inputs) -> list[float]:
    """Present value of capex + opex per sample, month-end discounting."""
    tot = reference_totals(inputs)
    rate = float(inputs.p["discount_rate"][0, 0])
    return [sum((tot["capex_usd"][s][m] + tot["opex_usd"][s][m]) * (1 + rate) ** (-(m + 1) / 12) for m in range(inputs.n_months))
            for s in range(len(tot["capex_usd"]))]


