"""Buyer economics: what an accelerator-hour costs the owner, against market rental prices,
and an operator's IRR and discounted payback, with a useful-life sensitivity.

Per accelerator of a deal (its tranches weighted by accelerator count), from the engine's
nameplate and inputs:

- IT capex (systems + scale-out network) recovered over the IT life at the discount rate
  (capital recovery factor, ``model/finance.py``); facility capex (building, power, cooling,
  land) over the facility life;
- energy = all-in IT kW per accelerator × PUE × average load × 8,760 h × electricity price;
- operations = maintenance fraction per year × capex;
- cost per accelerator-hour = (IT capex × CRF(r, L_IT) + facility capex × CRF(r, L_fac) + energy +
  operations) / 8,760 h (every hour of the year counted; idle hours are the owner's cost);
- cost per effective PFLOP-hour = that ÷ (dense BF16 × achievable fraction × utilisation).

The operator case: it pays the IT capex up front and, each month for the IT life, earns the
rental price × 730 h and pays energy, operations and the facility's capital charge (a lease at
its capital recovery); IRR and discounted payback are on those cash flows.
"""
from __future__ import annotations

import numpy as np

from gigawatt.model import finance as fin
from gigawatt.engine.result import Result

LIVES_YEARS = (3, 4, 5, 6)
HOURS_PER_MONTH = fin.HOURS_PER_YEAR / 12


def _per_accelerator(result: Result, deal_index: int, sample: int = 0) -> dict:
    idx = [t.index for t in result.tranches if t.deal_index == deal_index]
    npl, p = result.nameplate, result.inputs.p
    acc = npl["accelerators"][sample, idx]
    w = acc / acc.sum()
    it_capex = float(((npl["capex_systems_usd"][sample, idx] + npl["capex_network_usd"][sample, idx])).sum() / acc.sum())
    fac_capex = float(npl["capex_facility_usd"][sample, idx].sum() / acc.sum())
    kw = p["it_w_per_accel"][sample, idx] / 1000.0
    energy_year = float(w @ (kw * p["pue"][sample, idx] * p["average_load"][sample, idx] * fin.HOURS_PER_YEAR
                             * p["usd_per_mwh"][sample, idx] / 1000.0))
    ops_year = float(w @ p["maintenance_frac"][sample, idx]) * (it_capex + fac_capex)
    eff_pflops = float(w @ (p["bf16_tflops"][sample, idx] * p["achievable"][sample, idx] * p["utilization"][sample, idx])) / 1000.0
    return {
        "accelerators": float(acc.sum()),
        "accelerators_per_gw": float(acc.sum() / npl["gw"][sample, idx].sum()),
        "it_capex_usd": it_capex,
        "facility_capex_usd": fac_capex,
        "energy_usd_per_year": energy_year,
        "operations_usd_per_year": ops_year,
        "effective_pflops_bf16": eff_pflops,
        "it_life_years": float(w @ p["it_life_months"][sample, idx]) / 12.0,
        "facility_life_years": float(w @ p["facility_life_months"][sample, idx]) / 12.0,
        "discount_rate": float(w @ p["discount_rate"][sample, idx]),
        "products": sorted({result.tranches[i].product for i in idx}),
    }


def cost_per_hour(pa: dict, life_years: float, rate: float) -> dict:
    """Cost per accelerator-hour and its parts [USD/h] for an IT life of ``life_years``."""
    capital_it = pa["it_capex_usd"] * fin.capital_recovery_factor(rate, life_years) / fin.HOURS_PER_YEAR
    capital_fac = pa["facility_capex_usd"] * fin.capital_recovery_factor(rate, pa["facility_life_years"]) / fin.HOURS_PER_YEAR
    energy = pa["energy_usd_per_year"] / fin.HOURS_PER_YEAR
    ops = pa["operations_usd_per_year"] / fin.HOURS_PER_YEAR
    total = capital_it + capital_fac + energy + ops
    return {"usd_per_accelerator_hour": total, "capital_it": capital_it, "capital_facility": capital_fac, "energy": energy,
            "operations": ops, "usd_per_effective_pflop_hour": total / pa["effective_pflops_bf16"] if pa["effective_pflops_bf16"] else None}


def operator_cashflows(pa: dict, price_usd_per_hour: float, life_years: float, rate: float) -> np.ndarray:
    """Monthly cash flows of one accelerator: −IT capex now, then (price × 730 h − energy − operations −
    the facility's capital charge) each month for the life [USD]."""
    months = int(round(life_years * 12))
    fac_charge = pa["facility_capex_usd"] * fin.capital_recovery_factor(rate, pa["facility_life_years"])
    monthly = price_usd_per_hour * HOURS_PER_MONTH - (pa["energy_usd_per_year"] + pa["operations_usd_per_year"] + fac_charge) / 12
    return np.concatenate([[-pa["it_capex_usd"]], np.full(months, monthly)])


def operator_case(pa: dict, price_usd_per_hour: float | None, life_years: float, rate: float) -> dict:
    if price_usd_per_hour is None:
        return {"irr": None, "discounted_payback_months": None, "note": "no price per accelerator-hour: unknown"}
    cf = operator_cashflows(pa, price_usd_per_hour, life_years, rate)
    pb = fin.discounted_payback_periods(cf, rate)
    return {"irr": fin.irr(cf), "discounted_payback_months": pb, "npv_usd": fin.npv(cf, rate)}


def _market_price(products: list[str], prices: list[dict]) -> dict | None:
    same = [p for p in prices if p["product"] in products and "owner" not in p["term"]]
    return max(same, key=lambda p: str(p["as_of"])) if same else None


def buyer_economics(result: Result, deal_index: int, *, rate: float | None = None, lives=LIVES_YEARS,
                    rental_price_usd_per_hour: float | None = None, tokens_per_second: float | None = None,
                    tokens_source: str | None = None, sample: int = 0) -> dict:
    """Cost of an accelerator-hour for this deal's hardware, margins and an operator's IRR by useful life."""
    from gigawatt.ledger.market import rental_prices

    pa = _per_accelerator(result, deal_index, sample)
    r = pa["discount_rate"] if rate is None else rate
    deal = result.scenario.deals[deal_index]
    prices = rental_prices()
    market = _market_price(pa["products"], prices)
    price, price_basis = None, None
    if rental_price_usd_per_hour is not None:
        price, price_basis = rental_price_usd_per_hour, "given (--rental-price)"
    elif market is not None:
        price, price_basis = market["usd_per_gpu_hour"], f"market: {market['term']}, {market['as_of']} ({market['source']})"
    bt = deal.buyer_terms
    revenue_hour = None
    if bt is not None and bt.revenue_usd_per_gw_year:
        revenue_hour = bt.revenue_usd_per_gw_year / pa["accelerators_per_gw"] / fin.HOURS_PER_YEAR
    operator_price, operator_basis = (price, price_basis) if price is not None else (
        revenue_hour, "the buyer's revenue per GW-year spread over its accelerator-hours (the scenario's `buyer_terms`)" if revenue_hour else None)
    by_life = []
    # A blend of tranches' lives in months comes out a hair off a whole year (4.999999...): rounded,
    # it is the same row as the table's own 5 years instead of a second "5 y" row.
    base_life = round(pa["it_life_years"], 6)
    for life in sorted(set(list(lives) + [base_life])):
        c = cost_per_hour(pa, life, r)
        row = {"life_years": life, **c, **operator_case(pa, operator_price, life, r),
               "margin_vs_market_pct": 100 * (price - c["usd_per_accelerator_hour"]) / price if price else None}
        if tokens_per_second:
            row["usd_per_million_tokens"] = c["usd_per_accelerator_hour"] / (tokens_per_second * 3600) * 1e6
        by_life.append(row)
    base = next(x for x in by_life if x["life_years"] == base_life)
    out = {
        "deal": deal.name,
        "products": pa["products"],
        "per_accelerator": pa,
        "discount_rate": r,
        "it_life_years": base_life,
        "usd_per_accelerator_hour": base["usd_per_accelerator_hour"],
        "usd_per_effective_pflop_hour": base["usd_per_effective_pflop_hour"],
        "cost_parts_usd_per_hour": {k: base[k] for k in ("capital_it", "capital_facility", "energy", "operations")},
        "market_price_usd_per_hour": price,
        "market_price_basis": price_basis or f"no market rental price for {', '.join(pa['products'])}: unknown as of 2026-11-29 "
                                             "(give --rental-price)",
        "margin_vs_market_pct": base["margin_vs_market_pct"],
        "buyer_revenue_usd_per_accelerator_hour": revenue_hour,
        "operator_price_usd_per_hour": operator_price,
        "operator_price_basis": operator_basis,
        "operator_irr": base["irr"],
        "operator_discounted_payback_months": base["discounted_payback_months"],
        "life_sensitivity": by_life,
        "rental_price_series": prices,
        "method": "capital recovery at the discount rate over the IT life (IT) and facility life (facility) + energy + operations, "
                  "per installed accelerator-hour (8,760 h a year); operator: IT capex up front, monthly rent x 730 h minus energy, "
                  "operations and the facility's capital charge",
    }
    if tokens_per_second:
        out["tokens"] = {"tokens_per_second_per_accelerator": tokens_per_second, "kind": "estimate",
                         "source": tokens_source or "given (--tokens-per-second); no source stated",
                         "usd_per_million_tokens": base["usd_per_million_tokens"],
                         "note": "cost per million tokens at this throughput, every hour of the year serving; an estimate"}
    return out
