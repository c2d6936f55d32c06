"""Quantities with units in user input, parsed by pint and stored as canonical floats.

A field declares its canonical unit (``GW``, ``USD/MWh``); the user may write a bare number
(taken in that unit) or a string with any compatible unit (``"700 MW"``, ``"8.5 c/kWh"`` is
not supported but ``"0.085 USD/kWh"`` is). pint is imported only when a string actually needs
converting, which keeps the CLI fast for files written in canonical units.
"""
from __future__ import annotations

import functools
import re

_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")

#: Money is its own dimension; "B USD" style prefixes are written as plain multipliers.
_DEFINITIONS = (
    "USD = [currency] = usd = dollar",
    "kUSD = 1e3 USD",
    "MUSD = 1e6 USD",
    "BUSD = 1e9 USD",
)


@functools.cache
def registry():
    """The one pint ``UnitRegistry`` of the package (created on first use)."""
    import pint

    ureg = pint.UnitRegistry()
    for line in _DEFINITIONS:
        ureg.define(line)
    for line in currency_definitions():
        ureg.define(line)
    return ureg


def currency_definitions() -> list[str]:
    """Other currencies as multiples of USD at the market file's latest dated rate, e.g.
    ``JPY = USD / 156.7`` (so ``"15 JPY/kWh"`` converts to USD/MWh). The rate used is reported
    by :func:`fx_used`."""
    from gigawatt.ledger.market import fx_definitions

    return fx_definitions()


def fx_used() -> list[dict]:
    """The dated FX rates money in other currencies is converted at (for outputs to show)."""
    from gigawatt.ledger.market import fx_per_usd, load_market

    return [fx_per_usd(f.currency) for f in load_market().fx]


def _same_unit_text(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def to_canonical(value, unit: str) -> float:
    """Return ``value`` as a float in ``unit``.

    Parameters
    ----------
    value : int, float or str
        A bare number (already in ``unit``) or a string such as ``"6 GW"``.
    unit : str
        The canonical unit, in pint syntax (``"GW"``, ``"USD/MWh"``, ``""`` for a ratio).

    Raises
    ------
    ValueError
        With a message saying what was expected, for the caller to attach a field path to.

    Examples
    --------
    >>> to_canonical("700 MW", "GW")
    0.7
    >>> to_canonical(6, "GW")
    6.0
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number{_in(unit)}, got {value!r}")
    if isinstance(value, (int, float)):
        try:
            return _finite(float(value), value)
        except OverflowError:  # an integer literal too large for a float
            raise ValueError(f"must be a finite number, got an integer of {len(str(abs(value)))} digits") from None
    if not isinstance(value, str):
        raise ValueError(f"expected a number{_in(unit)} or a string like {_example(unit)!r}, got {value!r}")
    m = _NUMBER_UNIT.match(value)
    if m and (m.group(2) == "" or _same_unit_text(m.group(2), unit)):
        return _finite(float(m.group(1)), value)
    ureg = registry()
    if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"must be a finite number, got {value!r}")
    try:
        q = ureg.Quantity(value)
    except Exception as exc:  # pint raises many types for garbage text
        hint = ""
        if re.search(r"\b(EUR|GBP|CNY|KRW|TWD|CHF|CAD)\b", value):
            hint = "; that currency has no dated FX rate in the market file (add an `fx:` series with GIGAWATT_MARKET)"
        raise ValueError(f"cannot read {value!r} as a quantity ({exc.__class__.__name__}); write e.g. {_example(unit)!r}{hint}") from None
    target = ureg.Unit(unit) if unit else ureg.dimensionless
    if not hasattr(q, "to"):
        return _finite(float(q), value)
    try:
        # 15 significant digits drop conversion noise (700 MW -> 0.7 GW, not 0.7000000000000001).
        out = float(f"{q.to(target).magnitude:.15g}")
    except Exception:
        raise ValueError(
            f"{value!r} is {_dimension_name(q.dimensionality)}, but this field needs {_in(unit, bare=True)}; "
            f"write e.g. {_example(unit)!r}"
        ) from None
    return _finite(out, value)


def _finite(x: float, original) -> float:
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"must be a finite number, got {original!r}")
    return x


def _in(unit: str, bare: bool = False) -> str:
    if not unit:
        return "a plain number" if bare else ""
    return f"units compatible with {unit}" if bare else f" in {unit}"


_EXAMPLES = {"GW": "6 GW", "MW": "700 MW", "USD/MWh": "85 USD/MWh", "g/kWh": "370 g/kWh",
             "L/kWh": "0.3 L/kWh", "USD": "3.3e6 USD", "USD/GW": "50e9 USD/GW", "kW": "120 kW",
             "W": "700 W", "": "1.2"}


def _example(unit: str) -> str:
    return _EXAMPLES.get(unit, f"1 {unit}".strip())


_DIMENSIONS = {
    "[mass] * [length] ** 2 / [time] ** 3": "a power",
    "[mass] * [length] ** 2 / [time] ** 2": "an energy",
    "[currency]": "money",
    "[currency] * [time] ** 2 / [mass] / [length] ** 2": "a price per energy",
    "[length]": "a length",
    "[time]": "a duration",
    "dimensionless": "a plain number",
}


def _dimension_name(dim) -> str:
    text = str(dim)
    return _DIMENSIONS.get(text, f"in units of {text}")
