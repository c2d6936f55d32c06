"""``gigawatt explain``: the chain behind one number, from output to the inputs it came from.

Walks the registry's ``depends`` from an output (a monthly series or a full-build-out
figure) down to engine inputs, giving each step's value for one tranche and its formula in
words, and for each input where its value came from: a scenario line, a catalog fact (with
source, kind and date) or a cost default.
"""
from __future__ import annotations

import re

import numpy as np

from gigawatt.core import registry
from gigawatt.core.errors import GigawattError


def explain(result, name: str, tranche: int = 0, role: str | None = None) -> dict:
    """The explanation tree of ``name`` for tranche ``tranche`` of ``result`` (JSON-ready)."""
    n_tranches = len(result.tranches)
    if not 0 <= tranche < n_tranches:
        raise GigawattError(f"--tranche must be from 0 to {n_tranches - 1} (this scenario has {n_tranches} tranches), got {tranche}")
    root = _param(name, role)
    t = result.tranches[tranche]
    seen: set[tuple[str, str]] = set()

    def node(param: registry.Param) -> dict:
        out = {"name": param.name, "role": param.role, "label": param.label, "unit": param.unit, "per": param.per,
               "formula": param.formula}
        out.update(_value(result, param, tranche))
        if param.key in seen:
            out["repeated"] = True  # shown in full above
            return out
        seen.add(param.key)
        if param.role == "input":
            origins = result.inputs.origins
            out["origin"] = origins[tranche].get(param.name, {}) if tranche < len(origins) else {}
        else:
            out["from"] = [node(registry.params()[d]) for d in param.depends]
        return out

    return {"scenario": result.scenario.name, "tranche": {"index": tranche, "label": t.label, "deal": t.deal, "product": t.product},
            "explain": node(root)}


#: The roles ``explain`` traces, in the order a bare name is looked up.
ROLES = ("series", "nameplate", "input")
_ARTICLE = {"series": "a series", "nameplate": "a nameplate figure", "input": "an input"}


def _param(name: str, role: str | None) -> registry.Param:
    """The registered output or input ``name`` (of ``role`` if given); an unknown name gets the nearest names."""
    from gigawatt.catalog import suggest
    from gigawatt.core.yaml_io import quote

    if role is not None and role not in ROLES:
        raise GigawattError(f"role must be {', '.join(ROLES[:-1])} or {ROLES[-1]}, not {quote(role)}")
    table = registry.params()
    roles = [role] if role else list(ROLES)
    for r in roles:
        if (r, name) in table:
            return table[(r, name)]
    other = [r for r in ROLES if (r, name) in table]
    if other:
        raise GigawattError(f"{quote(name)} is not {_ARTICLE[role]}; it is {' and '.join(_ARTICLE[r] for r in other)} "
                            f"(--role {other[0]})")
    hint = suggest(name[:60], {n for r, n in table if r in roles})
    raise GigawattError(f"no {'parameter' if role is None else role} named {quote(name)} to explain"
                        + (hint or "; outputs include facility_mw, capex_usd and accelerators, inputs pue and usd_per_mwh"))


def codes(unit: str) -> dict[int, str] | None:
    """What the codes of a coded unit mean, or None for a plain unit. A single code is a yes/no flag.

    >>> codes("1 = facility, 0 = IT"), codes("0 linear, 1 s-curve, 2 step"), codes("1 = refresh at end of life"), codes("GW")
    ({1: 'facility', 0: 'IT'}, {0: 'linear', 1: 's-curve', 2: 'step'}, {1: 'yes', 0: 'no'}, None)
    """
    if "=" not in unit and "," not in unit:
        return None
    out = {}
    for part in unit.split(","):
        m = re.fullmatch(r"\s*(-?\d+)\s*=?\s*(\S.*?)\s*", part)
        if m is None:
            return None
        out[int(m[1])] = m[2]
    if len(out) == 1:
        return {1: "yes", 0: "no"} if 1 in out else None
    return out


def coded_text(x: float, unit: str) -> str | None:
    """The meaning of ``x`` in a coded unit (``facility`` for 1 in ``1 = facility, 0 = IT``), or None."""
    meaning = codes(unit)
    if meaning is None or not float(x).is_integer():
        return None
    return meaning.get(int(x))


def _value(result, param: registry.Param, tranche: int) -> dict:
    if param.role == "input":
        x = float(result.inputs.p[param.name][0, tranche])
        text = coded_text(x, param.unit)
        return {"value": x} if text is None else {"value": x, "value_text": text}
    if param.role == "nameplate":
        return {"value": float(result.nameplate[param.name][0, tranche])}
    s = result.series[param.name][0, tranche]
    i = int(np.argmax(np.abs(s)))
    if _is_flow(param):  # money, energy, emissions, purchases: a month's amount, so totals add up
        return {"value": float(s.sum()), "value_is": "sum over the horizon", "peak": float(s[i]), "peak_month": result.months[i]}
    return {"value": float(s[i]), "value_is": f"peak, in {result.months[i]}"}


def _is_flow(param: registry.Param) -> bool:
    """A series that is an amount per month (sums over time), not a level (power, counts online)."""
    return param.unit in ("USD", "MWh", "t", "m3", "wafers") or param.name.endswith("_bought")


def quantity(x: float, unit: str) -> str:
    """A value with its unit for people: money as $B/$M, counts as integers, no scientific notation.

    >>> quantity(1.898e11, "USD"), quantity(1720000.4, "accelerators"), quantity(1.2, ""), quantity(0.000123, "GW")
    ('$189.8B', '1,720,000 accelerators', '1.2', '0.000123 GW')
    """
    from gigawatt.core import fmt
    from gigawatt.core.bounds import plain_number

    if unit.startswith("USD") and "/" not in unit:
        return fmt.usd(x)
    if "=" in unit or "," in unit:  # a coded value (basis, shape): said in words where the unit gives the code
        text = coded_text(x, unit)
        return text if text is not None else f"{plain_number(x)} ({unit})"
    if unit in ("accelerators", "systems", "racks", "stacks", "wafers"):
        return f"{fmt.count(x)} {unit}"
    text = plain_number(float(f"{x:.4g}")) if abs(x) < 1e15 else f"{x:,.0f}"
    return f"{text} {unit}".strip()


def describe_origin(o: dict) -> str:
    """One line for a leaf origin: where the value was written or found."""
    kind = o.get("from")
    if kind == "scenario":
        line = f"line {o['line']} of " if o.get("line") else ""
        return f"{line}{o['file']} ({o['path']} = {o['value']})"
    if kind == "catalog":
        what = f"cost default {o['id']}" if o["section"] == "defaults" else f"catalog {o['section']}.{o['id']}.{o['field']}"
        value = o.get("value")
        shown = quantity(value, o.get("unit", "")) if isinstance(value, (int, float)) else f"{value} {o.get('unit', '')}".rstrip()
        tags = ", ".join(x for x in (o.get("kind"), o.get("as_of")) if x)
        return f"{what} = {shown}" + (f" ({tags})" if tags else "") + (f"; source: {o['source']}" if o.get("source") else "")
    if kind == "default":
        return f"{o.get('value', '')} — {o.get('note', 'default')}"
    if kind == "none":
        return o.get("note", "not set")
    return str(o)
