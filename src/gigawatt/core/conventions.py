"""The money conventions every output states: discounting, valuation dates, payback.

One place, so the JSON (a ``conventions`` block), the tables (a footnote) and the reports say
the same thing, and say it with the numbers the run actually used.
"""
from __future__ import annotations


def plan_conventions(result) -> dict:
    """The conventions behind a run's money figures (``plan --json``'s ``conventions``)."""
    rates = sorted({float(r) for r in result.inputs.p["discount_rate"][0]})
    return {
        "prices": "nominal US dollars as quoted at each source's as_of date; no escalation or inflation is applied",
        "discount_rate": {"per_year": rates[0] if len(rates) == 1 else rates, "kind": "nominal, annual effective",
                          "note": "nominal, like the prices it discounts"},
        "present_value": (f"npv_cost_usd: capex + opex discounted to the horizon start ({result.scenario.horizon.start}); "
                          "each month's cash flow at the end of its month, factor (1 + r)^-(m/12) for month m = 1, 2, ..."),
        "discounted_to": result.scenario.horizon.start,
        "horizon": f"{result.scenario.horizon.start} to {result.scenario.horizon.end}; flows after the horizon are not counted",
        "capex_timing": "systems and network when hardware is delivered (again at refresh); facility as capacity is added",
        "depreciation": "straight line over whole-month useful lives",
    }


def deal_conventions() -> dict:
    """The conventions of ``deal``'s valuations."""
    return {
        "warrant_value": ("as of the valuation month (the underlying's as_of, or --as-of); monthly GBM steps; each vested "
                          "tranche's intrinsic value at its vest month discounted to the valuation month at the risk-free "
                          "rate, continuously compounded"),
        "drift": "risk-neutral (the risk-free rate less the dividend yield) unless a drift is given",
        "payback_month": "undiscounted: the first month from which cumulative buyer revenue less capex and opex stays at or above zero",
        "prices": "nominal US dollars",
    }


def footnote(conv: dict) -> str:
    """One line for tables and reports."""
    rate = conv["discount_rate"]["per_year"]
    rate_text = f"{rate:.1%}" if isinstance(rate, float) else ", ".join(f"{r:.1%}" for r in rate)
    return (f"Money: nominal USD at the sources' dates; present values at {rate_text} a year (nominal, annual effective), "
            f"end-of-month flows discounted to {conv['discounted_to']}.")
