"""Number formatting for people: units always shown."""
from __future__ import annotations


def usd(x: float | None) -> str:
    """``1.898e11`` → ``'$189.8B'``."""
    if x is None:
        return "-"
    sign, a = ("-" if x < 0 else ""), abs(x)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{sign}${a / div:,.1f}{suffix}"
    return f"{sign}${a:,.0f}"


def count(x: float) -> str:
    return f"{round(x):,}"


def num(x: float | None, unit: str = "", digits: int = 1) -> str:
    if x is None:
        return "-"
    text = f"{x:,.{digits}f}"
    return f"{text} {unit}".strip()


def flops(pflops: float) -> str:
    """PFLOP/s → the readable prefix (EFLOP/s for big clusters)."""
    if abs(pflops) >= 1e6:
        return f"{pflops / 1e6:,.1f} ZFLOP/s"
    if abs(pflops) >= 1e3:
        return f"{pflops / 1e3:,.1f} EFLOP/s"
    return f"{pflops:,.1f} PFLOP/s"


#: Display symbols of the currencies money can be shown in (``--currency``).
CURRENCY_SYMBOLS = {"USD": "$", "JPY": "¥", "EUR": "€", "GBP": "£"}


def money(x: float | None, currency: str = "USD", per_usd: float = 1.0) -> str:
    """USD amount ``x`` shown in ``currency`` at ``per_usd`` units per dollar.

    >>> money(1.898e11), money(1e9, "JPY", 156.7)
    ('$189.8B', '¥156.7B')
    """
    if x is None:
        return "-"
    text = usd(x * per_usd)
    sym = CURRENCY_SYMBOLS.get(currency.upper())
    return text.replace("$", sym) if sym else text.replace("$", "") + f" {currency.upper()}"


def pct(x: float | None, digits: int = 1) -> str:
    """``12.345`` (already in per cent) → ``'+12.3 %'``; None → ``'-'``."""
    return "-" if x is None else f"{x:+,.{digits}f} %"


def per_share(x: float | None, currency: str = "USD", per_usd: float = 1.0) -> str:
    """``4.1666`` → ``'$4.17'`` (per-share amounts keep cents)."""
    if x is None:
        return "-"
    sym = CURRENCY_SYMBOLS.get(currency.upper(), "")
    return f"{'-' if x < 0 else ''}{sym}{abs(x) * per_usd:,.2f}"


#: Labels for outputs people read (compare, sensitivity): field name → (label, unit kind).
LABELS = {
    "gw": ("GW (facility)", "gw"),
    "gw_it": ("GW (critical IT)", "gw"),
    "accelerators": ("Accelerators", "count"),
    "racks": ("Racks", "count"),
    "capex_usd": ("Capex, bottom-up", "usd"),
    "capex_topdown_usd": ("Capex, top-down (headline)", "usd"),
    "capex_systems_usd": ("Capex: systems", "usd"),
    "capex_network_usd": ("Capex: scale-out network", "usd"),
    "capex_facility_usd": ("Capex: facility and land", "usd"),
    "capex_ratio_topdown_to_bottomup": ("Top-down / bottom-up", "ratio"),
    "capex_usd_per_gw": ("Capex per GW, bottom-up", "usd"),
    "energy_twh_per_year": ("Energy per year at full build (TWh)", "num"),
    "average_mw": ("Average draw (MW)", "num"),
    "co2_mt_per_year": ("CO2 per year (Mt, location-based)", "num"),
    "peak_pflops_bf16": ("Peak dense BF16 (PFLOP/s)", "num"),
    "effective_pflops_bf16": ("Effective BF16 (PFLOP/s)", "num"),
    "hbm_gb": ("HBM (GB)", "count"),
    "npv_cost_usd": ("PV of capex + opex", "usd"),
    "energy_cost_usd": ("Energy cost over the horizon", "usd"),
    "opex_usd": ("Opex over the horizon", "usd"),
    "warrant_value_usd": ("Warrant value", "usd"),
    "prob_full_vest": ("P(full vesting)", "ratio"),
    "expected_dilution_pct": ("Expected dilution (%)", "num"),
    "eps_accretion_pct": ("EPS accretion after dilution, peak year (%)", "num"),
    "tco_usd_per_accelerator_hour": ("Cost per accelerator-hour", "usd_small"),
}


def label(name: str) -> str:
    """The label a person reads for a field name (falls back to the name with spaces)."""
    return LABELS.get(name, (name.replace("_", " "), ""))[0]


def value(name: str, x: float | None, currency: str = "USD", per_usd: float = 1.0) -> str:
    """A field's value formatted by its kind (money, count, ratio)."""
    if x is None:
        return "-"
    kind = LABELS.get(name, ("", "usd" if name.endswith("usd") else "num"))[1]
    if kind == "usd":
        return money(x, currency, per_usd)
    if kind == "usd_small":
        return per_share(x, currency, per_usd)
    if kind == "count":
        return count(x)
    if kind == "ratio":
        return f"{x:,.3f}"
    return num(x, digits=2)


def _scaled(x: float, steps, digits: int = 1) -> str:
    """``x`` in the largest unit of ``steps`` (``(divisor, unit)``, largest first) it reaches."""
    for div, unit in steps[:-1]:
        if abs(x) >= div:
            return f"{x / div:,.{digits}f} {unit}"
    div, unit = steps[-1]
    return _plain(x / div, unit)


def _plain(x: float, unit: str = "") -> str:
    """A number with as many decimals as it needs to be read (3 significant figures under 100)."""
    a = abs(x)
    digits = 0 if a >= 100 or a == 0 else 1 if a >= 10 else 2 if a >= 1 else 3
    return f"{x:,.{digits}f} {unit}".strip()


def by_format(x: float | None, fmt_name: str, unit: str = "") -> str:
    """A value written as the registry's ``format`` column says (``registry.get(name).format``),
    with its unit; never scientific notation, money in $k/$M/$B/$T.

    >>> by_format(1.898e11, "usd"), by_format(6.0, "gw"), by_format(1716247.4, "count"), by_format(1.2, "ratio")
    ('$189.8B', '6.00 GW', '1,716,247', '1.20')
    >>> by_format(1.5e7, "gb"), by_format(3.55e7, "mwh"), by_format(1.3e7, "t"), by_format(8.0e6, "m3")
    ('15.0 PB', '35.5 TWh', '13.0 Mt', '8.0 million m3')
    >>> by_format(35.51, "twh", "TWh/yr"), by_format(0.08, "pct"), by_format(12e6, "usd_per_mw"), by_format(66.0, "usd_per_mwh")
    ('35.5 TWh/yr', '8.0 %', '$12.0M/MW', '$66.00/MWh')
    """
    if x is None:
        return "-"
    x = float(x)
    if fmt_name == "usd":
        return usd(x)
    if fmt_name in ("usd_per_mw", "usd_per_gw"):
        return usd(x) + ("/MW" if fmt_name == "usd_per_mw" else "/GW")
    if fmt_name == "usd_per_mwh":
        return f"${x:,.2f}/MWh"
    if fmt_name == "count":
        return count(x)
    if fmt_name == "gw":
        return f"{x:,.2f} GW"
    if fmt_name == "mw":
        return _plain(x, "MW")
    if fmt_name == "kw":
        return _plain(x, "kW")
    if fmt_name == "watts":
        return f"{x:,.0f} W"
    if fmt_name == "ratio":
        return f"{x:,.2f}"
    if fmt_name == "pct":
        return f"{x * 100:,.1f} %"
    if fmt_name in ("twh", "mt"):
        return _plain(x, unit or ("TWh" if fmt_name == "twh" else "Mt"))
    if fmt_name == "tflops":
        return f"{x:,.0f} TFLOP/s"
    if fmt_name == "pflops":
        return flops(x)
    if fmt_name == "gb":
        return _scaled(x, ((1e6, "PB"), (1e3, "TB"), (1.0, "GB")))
    if fmt_name == "mwh":
        return _scaled(x, ((1e6, "TWh"), (1e3, "GWh"), (1.0, "MWh")))
    if fmt_name == "t":
        return _scaled(x, ((1e6, "Mt"), (1e3, "kt"), (1.0, "t")))
    if fmt_name == "m3":
        return _scaled(x, ((1e6, "million m3"), (1.0, "m3")))
    if fmt_name == "g_per_kwh":
        return f"{x:,.0f} g/kWh"
    if fmt_name == "months":
        return f"{x:,.0f} months"
    if fmt_name in ("flag", "month"):
        return f"{x:,.0f}"
    return _plain(x, unit)


def param(x: float | None, name: str, role: str | None = None) -> str:
    """A registered parameter's value, written by its registry ``format`` and unit.

    >>> param(6.0, "gw"), param(1.2, "pue", "input")
    ('6.00 GW', '1.20')
    """
    from gigawatt.core.registry import get

    p = get(name, role)
    return by_format(x, p.format, p.unit)
