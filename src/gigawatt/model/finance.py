"""Finance formulas: capital recovery, NPV, IRR, discounted payback, incremental EPS and accretion.

Pure functions on floats or NumPy arrays; units in names and docstrings. Rates are per year
unless named ``_per_period``; cash flows are per period (months where ``periods_per_year=12``).
"""
from __future__ import annotations

import numpy as np

HOURS_PER_YEAR = 8760.0


def capital_recovery_factor(rate_per_year, life_years):
    """Share of an investment to recover each year to repay it with interest over its life [1/year].

    CRF = r (1 + r)^n / ((1 + r)^n − 1); with r = 0 it is 1/n (straight line).

    >>> round(float(capital_recovery_factor(0.08, 5)), 6)
    0.250456
    >>> float(capital_recovery_factor(0.0, 4))
    0.25
    >>> float(capital_recovery_factor(1e-300, 4))  # a tiny rate tends to 1/n, never 0/0
    0.25
    """
    r, n = np.asarray(rate_per_year, float), np.asarray(life_years, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # r / (1 - (1 + r)^-n), written with log1p/expm1 so (1 + r)^n - 1 keeps its digits for tiny r.
        out = np.where(r == 0, 1 / n, r / -np.expm1(-n * np.log1p(r)))
    return out if out.ndim else float(out)


def levelised_cost_per_hour_usd(capex_usd, rate_per_year, life_years, energy_usd_per_year, operations_usd_per_year,
                                hours_per_year=HOURS_PER_YEAR):
    """Levelised cost of one hour [USD/h]: (capex × CRF + energy + operations) / hours per year.

    >>> round(float(levelised_cost_per_hour_usd(8760.0, 0.0, 1, 0.0, 0.0)), 6)
    1.0
    """
    annual = np.asarray(capex_usd, float) * capital_recovery_factor(rate_per_year, life_years)
    return (annual + energy_usd_per_year + operations_usd_per_year) / hours_per_year


def npv(cashflows, rate_per_year, periods_per_year: int = 12) -> float:
    """Net present value of ``cashflows[k]`` paid at the end of period k (k = 0 is today) [same unit].

    >>> abs(round(npv([-100.0, 110.0], 0.10, periods_per_year=1), 9))
    0.0
    """
    c = np.asarray(cashflows, float)
    k = np.arange(len(c))
    return float(np.sum(c * (1 + rate_per_year) ** (-k / periods_per_year)))


def irr(cashflows, periods_per_year: int = 12, low: float = -0.99, high: float = 10.0, tol: float = 1e-12) -> float | None:
    """Internal rate of return per year: the rate at which :func:`npv` is zero (bisection).

    Returns None when the NPV does not change sign on [low, high] (no IRR, e.g. never paid back).

    >>> round(irr([-100.0, 110.0], periods_per_year=1), 9)
    0.1
    """
    f = lambda r: npv(cashflows, r, periods_per_year)  # noqa: E731
    fl, fh = f(low), f(high)
    if np.sign(fl) == np.sign(fh):
        return None
    for _ in range(200):
        mid = 0.5 * (low + high)
        fm = f(mid)
        if np.sign(fm) == np.sign(fl):
            low, fl = mid, fm
        else:
            high = mid
        if high - low < tol:
            break
    return 0.5 * (low + high)


def discounted_payback_periods(cashflows, rate_per_year, periods_per_year: int = 12) -> int | None:
    """First period at whose end the cumulative discounted cash flow is ≥ 0, or None.

    >>> discounted_payback_periods([-100.0, 60.0, 60.0], 0.0, periods_per_year=1)
    2
    """
    c = np.asarray(cashflows, float)
    k = np.arange(len(c))
    cum = np.cumsum(c * (1 + rate_per_year) ** (-k / periods_per_year))
    hit = np.flatnonzero(cum >= 0)
    return int(hit[0]) if len(hit) and c[0] < 0 else None


def incremental_income_usd(revenue_usd, gross_margin, operating_expense_ratio, tax_rate) -> dict:
    """Revenue → gross profit → opex → operating income → tax → net income [USD], each shown.

    >>> r = incremental_income_usd(100.0, 0.5, 0.1, 0.2)
    >>> [round(r[k], 9) for k in ("gross_profit_usd", "opex_usd", "operating_income_usd", "tax_usd", "net_income_usd")]
    [50.0, 10.0, 40.0, 8.0, 32.0]
    """
    rev = np.asarray(revenue_usd, float)
    gp = rev * gross_margin
    opex = rev * operating_expense_ratio
    ebit = gp - opex
    tax = ebit * tax_rate
    out = {"revenue_usd": rev, "gross_profit_usd": gp, "opex_usd": opex, "operating_income_usd": ebit, "tax_usd": tax,
           "net_income_usd": ebit - tax}
    return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in out.items()}


def eps_after_dilution_usd(base_eps_usd, incremental_net_income_usd, diluted_shares, new_shares):
    """EPS with the deal and the warrant shares: (base EPS × D + ΔNI) / (D + W) [USD/share].

    >>> eps_after_dilution_usd(4.0, 100.0, 100.0, 0.0)
    5.0
    >>> eps_after_dilution_usd(4.0, 100.0, 100.0, 25.0)
    4.0
    """
    return (base_eps_usd * diluted_shares + incremental_net_income_usd) / (diluted_shares + new_shares)


def accretion_pct(eps_with_usd, base_eps_usd):
    """Per cent by which EPS with the deal exceeds the base EPS (negative: dilutive).

    >>> accretion_pct(5.0, 4.0)
    25.0
    """
    return 100.0 * (eps_with_usd / base_eps_usd - 1.0)


def fiscal_year(month: str, start_month: int = 1) -> str:
    """The fiscal year a month ``YYYY-MM`` falls in, named by the calendar year it starts in.

    ``start_month=4`` gives Japanese April–March years: 2027-02 is in FY2026 (April 2026 to
    March 2027; Tokyo Electron calls it "FY3/27", Advantest "FY2026"). ``start_month=1`` is the
    calendar year.

    >>> fiscal_year("2027-02", 4), fiscal_year("2027-04", 4), fiscal_year("2027-02")
    ('FY2026', 'FY2027', '2027')
    """
    y, m = int(month[:4]), int(month[5:7])
    if start_month == 1:
        return str(y)
    return f"FY{y if m >= start_month else y - 1}"


def sum_by_fiscal_year(months: list[str], values, start_month: int = 1) -> dict[str, float]:
    """Sum a monthly series by fiscal year (see :func:`fiscal_year`)."""
    out: dict[str, float] = {}
    for m, v in zip(months, values):
        k = fiscal_year(m, start_month)
        out[k] = out.get(k, 0.0) + float(v)
    return out
