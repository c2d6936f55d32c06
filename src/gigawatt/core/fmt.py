"""Number formatting for people: units always shown."""
from __future__ import annotations

from typing import Any, NamedTuple


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
    """``4.1666`` → ``'$4.17'`` (per-share amounts keep cents; yen from ¥100 up have none worth showing).

    >>> per_share(4.1666), per_share(200.0, "JPY", 156.7), per_share(0.01, "JPY", 156.7)
    ('$4.17', '¥31,340', '¥1.57')
    """
    if x is None:
        return "-"
    sym = CURRENCY_SYMBOLS.get(currency.upper(), "")
    v = abs(x) * per_usd
    digits = 0 if currency.upper() == "JPY" and v >= 100 else 2
    return f"{'-' if x < 0 else ''}{sym}{v:,.{digits}f}"


#: Where a name people read is looked up in the registry (``core/data/registry.csv``), first hit wins: a total at
#: full build-out, a derived metric (ratios, horizon sums, warrant and buyer figures), a monthly series, a Monte Carlo
#: scalar, an input, a catalog field. There is no other label table: a figure without a registry row has no label.
DISPLAY_ROLES = ("nameplate", "metric", "series", "scalar", "input", "catalog")
#: Suffixes of normalised figures (``compare``'s ``capex_topdown_usd_per_gw``): the words after the base row's
#: label, per language; a money figure per GW is written ``$40.0B/GW``.
NORMALISED = {"_per_gw": {"en": " per GW", "ja": " GW当たり"},
              "_per_effective_pflops": {"en": " per effective PFLOP/s", "ja": " 実効PFLOP/s当たり"}}


class Shown(NamedTuple):
    """What a displayed name stands for: its registry row, the normalisation suffix ("" if none), and the
    number format and unit its values are written in."""

    param: Any  # gigawatt.core.registry.Param
    suffix: str
    format: str
    unit: str


def lookup(name: str, role: str | None = None, roles: tuple[str, ...] = DISPLAY_ROLES) -> Shown | None:
    """The registry row behind a name people read (``role``, or the first of ``roles`` that has it), or the
    row of its base for a normalised name (``capex_topdown_usd_per_gw``); None if neither is registered.

    >>> [(x.param.role, x.param.name, x.suffix, x.format) for x in map(lookup, ("gw", "prob_full_vest", "capex_topdown_usd_per_gw"))]
    [('nameplate', 'gw', '', 'gw'), ('metric', 'prob_full_vest', '', 'pct'), ('nameplate', 'capex_topdown_usd', '_per_gw', 'usd_per_gw')]
    """
    from gigawatt.core.registry import params

    table = params()
    for r in ([role] if role else roles):
        p = table.get((r, name))
        if p is not None:
            return Shown(p, "", p.format, p.unit)
    for suffix in NORMALISED:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = lookup(name[: -len(suffix)], role, roles)
            if base is not None and not base.suffix:
                money_per_gw = suffix == "_per_gw" and base.format == "usd"
                return Shown(base.param, suffix, "usd_per_gw" if money_per_gw else base.format, "")
    return None


def label(name: str, lang: str = "en", role: str | None = None, roles: tuple[str, ...] = DISPLAY_ROLES) -> str:
    """The label a person reads for a name, from its registry row (in Japanese from ``labels-ja.csv``); an
    unregistered name reads as its words, never with underscores.

    >>> label("gw"), label("prob_full_vest"), label("capex_usd_per_gw"), label("capex_topdown_usd_per_gw", "ja")
    ('Facility GW', 'P(full vesting)', 'Capex (bottom-up) per GW', '設備投資（トップダウン） GW当たり')
    """
    hit = lookup(name, role, roles)
    if hit is None:
        return name.replace("_", " ")
    text = hit.param.label
    if lang == "ja":
        from gigawatt.core.i18n import labels_ja

        text = labels_ja().get(hit.param.key) or text
    return text + (NORMALISED[hit.suffix].get(lang, NORMALISED[hit.suffix]["en"]) if hit.suffix else "")


def value(name: str, x: float | None, currency: str = "USD", per_usd: float = 1.0, role: str | None = None,
          roles: tuple[str, ...] = DISPLAY_ROLES) -> str:
    """A figure written by its registry row's ``format`` and unit (:func:`by_format`); money in ``currency``
    at ``per_usd`` units per dollar. An unregistered name: money if it ends in ``usd``, else a plain number.

    >>> value("prob_full_vest", 0.6568), value("expected_dilution_pct", 9.931), value("capex_usd", 1.898e11, "JPY", 156.7)
    ('65.7 %', '9.9 %', '¥29.7T')
    >>> value("tco_usd_per_accelerator_hour", 2.3456), value("capex_ratio_topdown_to_bottomup", 1.2345), value("energy_twh_per_year", 35.51)
    ('$2.35', '1.23', '35.5 TWh/yr')
    """
    hit = lookup(name, role, roles)
    if hit is None:
        return by_format(x, "usd" if name.endswith("usd") else "", "", currency, per_usd)
    return by_format(x, hit.format, hit.unit, currency, per_usd)


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


def by_format(x: float | None, fmt_name: str, unit: str = "", currency: str = "USD", per_usd: float = 1.0) -> str:
    """A value written as the registry's ``format`` column says (``registry.get(name).format``),
    with its unit; never scientific notation, money in $k/$M/$B/$T (in ``currency`` at ``per_usd``).
    ``pct`` is a fraction (``0.08`` → ``8.0 %``), ``percent`` a figure already in per cent (``9.93`` → ``9.9 %``),
    ``usd_small`` an amount that keeps its cents (a cost per accelerator-hour: ``$2.35``).

    >>> by_format(1.898e11, "usd"), by_format(6.0, "gw"), by_format(1716247.4, "count"), by_format(1.2, "ratio")
    ('$189.8B', '6.00 GW', '1,716,247', '1.20')
    >>> by_format(1.5e7, "gb"), by_format(3.55e7, "mwh"), by_format(1.3e7, "t"), by_format(8.0e6, "m3")
    ('15.0 PB', '35.5 TWh', '13.0 Mt', '8.0 million m3')
    >>> by_format(35.51, "twh", "TWh/yr"), by_format(0.08, "pct"), by_format(12e6, "usd_per_mw"), by_format(66.0, "usd_per_mwh")
    ('35.5 TWh/yr', '8.0 %', '$12.0M/MW', '$66.00/MWh')
    >>> by_format(9.931, "percent"), by_format(2.3456, "usd_small"), by_format(4e10, "usd_per_gw", "", "JPY", 150.0)
    ('9.9 %', '$2.35', '¥6.0T/GW')
    """
    if x is None:
        return "-"
    x = float(x)
    if fmt_name == "usd":
        return money(x, currency, per_usd)
    if fmt_name in ("usd_per_mw", "usd_per_gw"):
        return money(x, currency, per_usd) + ("/MW" if fmt_name == "usd_per_mw" else "/GW")
    if fmt_name == "usd_per_mwh":
        return per_share(x, currency, per_usd) + "/MWh"
    if fmt_name == "usd_small":
        return per_share(x, currency, per_usd)
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
    if fmt_name == "percent":
        return f"{x:,.1f} %"
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


#: Vendor ids (the catalog's and the ledger's, lower case) as people write the company's name.
VENDOR_NAMES = {"amd": "AMD", "nvidia": "NVIDIA", "broadcom": "Broadcom", "google": "Google", "aws": "AWS", "intel": "Intel",
                "cerebras": "Cerebras", "microsoft": "Microsoft", "meta": "Meta", "groq": "Groq"}


def vendor_name(vendor: str) -> str:
    """``amd`` → ``AMD``; an unknown id with its first letter capitalised.

    >>> vendor_name("nvidia"), vendor_name("tenstorrent")
    ('NVIDIA', 'Tenstorrent')
    """
    v = str(vendor)
    return VENDOR_NAMES.get(v.lower(), v[:1].upper() + v[1:])
