"""Valid ranges of every numeric input, in one table.

The scenario schema, the API's request models, the CLI's options and the Monte Carlo
sampler's range check all read their bounds from :data:`BOUNDS`, so a quantity cannot be
valid in one place and refused (or silently accepted) in another. The ranges are wide
enough for any real build-out and narrow enough that no formula overflows: every output of
inputs within these bounds is finite, and :func:`check_finite` guards the rest.

Each entry: (low, high, unit, what it is). Both ends are inclusive.
"""
from __future__ import annotations

import math

BOUNDS: dict[str, tuple[float, float, str, str]] = {
    # Power and sizing
    "gw": (1e-6, 100.0, "GW", "power of one tranche"),
    "gw_total": (1e-6, 500.0, "GW", "power of a whole plan or target"),
    "gw_sampled": (0.0, 100.0, "GW", "power of one tranche as sampled (0 is a deal that did not complete)"),
    "gw_milestone": (0.0, 100.0, "GW", "cumulative delivered GW that vests a warrant tranche"),
    "pue": (1.0, 3.0, "", "facility power / IT power"),
    "tdp_w": (1.0, 20_000.0, "W", "accelerator power"),
    "system_power_kw": (0.001, 5_000.0, "kW", "power of one system"),
    "it_w_per_accel": (1.0, 1e6, "W", "all-in IT power per accelerator"),
    "accelerators_per_system": (1.0, 10_000.0, "", "accelerators in one system"),
    "hbm_stacks": (1e-3, 64.0, "", "HBM stacks per accelerator"),
    "memory_gb": (1e-3, 10_000.0, "GB", "memory per accelerator"),
    "dense_tflops": (1e-3, 1e6, "TFLOP/s", "dense peak per accelerator"),
    # Time
    "ramp_months": (0, 240, "months", "months from first delivery to full power"),
    "lead_time_months": (0, 240, "months", "grid connection lead time"),
    "it_life_years": (1 / 12, 30.0, "years", "useful life of IT hardware"),
    "facility_life_years": (1 / 12, 60.0, "years", "useful life of the facility"),
    "it_life_months": (1, 360, "months", "useful life of IT hardware"),
    "facility_life_months": (1, 720, "months", "useful life of the facility"),
    "offset_months": (-1200, 1200, "months", "a start month relative to the horizon start"),
    "averaging_months": (1, 24, "months", "months averaged for a share-price hurdle"),
    # Site and energy
    "ratio_positive": (1e-6, 1.0, "", "a share in (0, 1], e.g. utilisation, average load"),
    "share": (0.0, 1.0, "", "a share in [0, 1]"),
    "electricity_price": (0.0, 2_000.0, "USD/MWh", "electricity price"),
    "carbon": (0.0, 1_500.0, "g/kWh", "carbon intensity of electricity"),
    "maintenance_frac": (0.0, 1.0, "1/year", "maintenance as a share of capex per year"),
    # Money
    "system_price_usd": (0.0, 1e10, "USD", "price of one system"),
    "price_usd": (0.01, 1e9, "USD", "price of one accelerator or system"),
    "usd_per_mw": (0.0, 1e10, "USD/MW", "facility or land cost per MW of IT"),
    "usd_per_gw": (1.0, 1e12, "USD/GW", "money per GW"),
    "usd_total": (1.0, 1e13, "USD", "an amount of money"),
    "valuation_usd": (1.0, 1e14, "USD", "a company valuation"),
    "discount_rate": (-0.05, 0.5, "1/year", "discount rate"),
    "rate": (-0.05, 0.5, "1/year", "an interest rate"),
    "dividend_yield": (0.0, 0.5, "1/year", "dividend yield"),
    "margin": (-1.0, 1.0, "", "a margin on revenue"),
    "tax_rate": (0.0, 0.6, "", "tax rate"),
    # Shares and the underlying
    "share_price_usd": (0.01, 1e6, "USD", "a share price"),
    "hurdle_usd": (0.0, 1e6, "USD", "a share-price hurdle or strike"),
    "volatility": (1e-4, 3.0, "1/year", "annual volatility of the share price"),
    "drift": (-1.0, 2.0, "1/year", "annual drift of simulated share prices"),
    "shares": (1, 1e12, "shares", "a share count"),
    # Uncertainty and runs
    "distribution_value": (-1e15, 1e15, "", "a parameter of a distribution"),
    "seed": (0, 2**63 - 1, "", "random seed"),
}


def bound(name: str) -> dict:
    """``ge``/``le`` keyword arguments for a pydantic ``Field`` with the bounds of ``name``."""
    lo, hi, _, _ = BOUNDS[name]
    return {"ge": lo, "le": hi}


def check(name: str, value: float, label: str) -> float:
    """``value`` if finite and within the bounds of ``name``; else a :class:`GigawattError` naming ``label``."""
    from gigawatt.core.errors import GigawattError

    lo, hi, unit, what = BOUNDS[name]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or not lo <= value <= hi:
        raise GigawattError(f"{label} must be {describe(name)}, got {given(value)}")
    return value


def given(value) -> str:
    """What a user gave, as a message quotes it: numbers in plain digits (``1e+308`` was printed
    as Python writes it), a huge one by its power of ten, NaN and infinity by name.

    >>> given(1e308), given(float("nan")), given(-float("inf")), given(2.5e-7), given(900.0), given("900 %"), given(10**400)
    ('about 10^308', 'not a number (NaN)', 'minus infinity', '0.00000025', '900', "'900 %'", 'about 10^400')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, int):  # exact, of any size (a float of it may overflow)
        return f"{'minus ' if value < 0 else ''}about 10^{len(str(abs(value))) - 1}" if abs(value) >= 10**15 else plain_number(value)
    if math.isnan(value):
        return "not a number (NaN)"
    if math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if abs(value) >= 1e15:
        return f"{'minus ' if value < 0 else ''}about 10^{int(math.floor(math.log10(abs(value))))}"
    return plain_number(value)


def describe(name: str) -> str:
    """``'from 0.0001 to 3 per year (annual volatility of the share price)'``."""
    lo, hi, unit, what = BOUNDS[name]
    unit = {"1/year": "per year"}.get(unit, unit)
    return f"from {plain_number(lo)} to {plain_number(hi)}{' ' + unit if unit else ''} ({what})"


def plain_number(x: float) -> str:
    """A number as people write it, never in scientific notation: 1e-06 → ``0.000001``, 1e12 → ``1,000,000,000,000``.

    >>> plain_number(1e-6), plain_number(2.5), plain_number(1e12), plain_number(-0.05), plain_number(833.3), plain_number(1234.56)
    ('0.000001', '2.5', '1,000,000,000,000', '-0.05', '833.3', '1,234.56')
    >>> plain_number(99.99), plain_number(-0.5), plain_number(2.5e-7), plain_number(1e-300)
    ('99.99', '-0.5', '0.00000025', 'about 10^-300')
    """
    if x == int(x) and abs(x) < 1e18:
        return f"{int(x):,}"
    if abs(x) < 1e-12:  # too small to write in digits
        return f"{'minus ' if x < 0 else ''}about 10^{math.floor(math.log10(abs(x)))}"
    from decimal import Decimal

    # The shortest digits that read back as x (repr's), without an exponent: 833.3, not 833.299999999999955.
    whole, _, frac = format(Decimal(repr(float(x))), "f").partition(".")
    return f"{'-' if whole.startswith('-') else ''}{int(whole.lstrip('-')):,}" + (f".{frac}" if frac else "")


def first_non_finite(obj, path: str = "") -> str | None:
    """The path of the first NaN or infinite number in a JSON-like ``obj``, or None.

    Plain JSON data is first encoded by the C encoder, which refuses NaN and infinity: when
    that succeeds every number is finite, and only a failure (or NumPy values inside) walks
    the data in Python to name the path.
    """
    import json

    try:
        json.dumps(obj, allow_nan=False)
        return None
    except (ValueError, TypeError, RecursionError):  # a NaN or infinity, or not plain JSON: walk to find it
        pass
    stack = [(obj, path)]
    while stack:
        x, p = stack.pop()
        if hasattr(x, "to_dict") and not isinstance(x, dict):  # a typed result (core.records): its JSON
            x = x.to_dict()
        if isinstance(x, float):
            if not math.isfinite(x):
                return p or "(top level)"
        elif isinstance(x, dict):
            stack.extend((v, f"{p}.{k}" if p else str(k)) for k, v in x.items())
        elif isinstance(x, (list, tuple)):
            stack.extend((v, f"{p}[{i}]") for i, v in enumerate(x))
        elif hasattr(x, "dtype") and hasattr(x, "shape"):  # a NumPy array or scalar
            import numpy as np

            if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
                return p or "(top level)"
    return None


def check_finite(obj, what: str = "the result"):
    """``obj`` unchanged if every number in it is finite; else a :class:`GigawattError` that
    says which output overflowed, so the user can find the input that drove it there."""
    from gigawatt.core.errors import GigawattError

    bad = first_non_finite(obj)
    if bad is not None:
        raise GigawattError(f"{what} is not finite at {bad}: an input is outside the range this model can compute; "
                            "check the inputs that feed it")
    return obj
