"""The parameter registry: every engine input and every output, declared once.

One row per parameter in ``core/data/registry.csv`` (in the spirit of PyPSA's component
attribute tables): role (input, nameplate, series, catalog, scalar, metric), name, unit, what it is *per*
(accelerator, system, tranche, month ...), whether it adds up across tranches, the bound
it must keep (a key of :data:`gigawatt.core.bounds.BOUNDS`), a display label and number format,
what it depends on and its formula in words. The unit tables of the engine and the inputs,
the sampler's bounds, and ``gigawatt explain`` are derived from it; adding a parameter is
one row plus its formula in the engine. Labels and number formats people read come from here too
(:func:`gigawatt.core.fmt.label`, :func:`gigawatt.core.fmt.value`): no module keeps its own label table.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REGISTRY_FILE = Path(__file__).parent / "data" / "registry.csv"
#: catalog: catalog fields; scalar: per-sample Monte Carlo results; metric: headline and derived figures computed
#: from results (ratios, per-GW costs, horizon sums, warrant and buyer figures) that people read beside the outputs.
ROLES = ("input", "nameplate", "series", "catalog", "scalar", "metric")
#: Prefixes used in ``depends`` to say which role a name refers to (names repeat across roles:
#: ``hbm_gb`` is per accelerator as an input and a tranche total as an output).
PREFIX = {"in": "input", "np": "nameplate", "s": "series", "cat": "catalog", "mc": "scalar", "met": "metric"}


@dataclass(frozen=True)
class Param:
    role: str
    name: str
    unit: str
    per: str
    additive: bool
    bound: str | None
    label: str
    format: str
    depends: tuple[tuple[str, str], ...]  # (role, name)
    formula: str
    description: str

    @property
    def key(self) -> tuple[str, str]:
        return self.role, self.name


@functools.cache
def params() -> dict[tuple[str, str], Param]:
    """Every registered parameter by ``(role, name)``, in file order."""
    out: dict[tuple[str, str], Param] = {}
    with open(REGISTRY_FILE, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["role"] not in ROLES:
                raise ValueError(f"{REGISTRY_FILE.name}: role must be one of {ROLES}, not {row['role']!r} ({row['name']})")
            deps = tuple((PREFIX[d.split(".", 1)[0]], d.split(".", 1)[1]) for d in row["depends"].split())
            p = Param(role=row["role"], name=row["name"], unit=row["unit"], per=row["per"], additive=row["additive"] == "yes",
                      bound=row["bound"] or None, label=row["label"], format=row["format"], depends=deps,
                      formula=row["formula"], description=row["description"])
            out[p.key] = p
    return out


def of_role(role: str) -> list[Param]:
    """The parameters of one role, in file order."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    return [p for p in params().values() if p.role == role]


def units(role: str) -> dict[str, str]:
    """``{name: unit}`` for one role (the engine's and the JSON's unit tables)."""
    return {p.name: p.unit for p in of_role(role)}


def bounds_of_inputs() -> dict[str, str]:
    """``{input name: bound key}`` for every input that declares a bound."""
    return {p.name: p.bound for p in of_role("input") if p.bound}


def get(name: str, role: str | None = None) -> Param:
    """A parameter by name; ``role`` picks between an input and an output of the same name
    (default: an output series first, then nameplate, then input)."""
    table = params()
    for r in ([role] if role else ["series", "nameplate", "input"]):
        if (r, name) in table:
            return table[(r, name)]
    from difflib import get_close_matches

    from gigawatt.core.errors import GigawattError

    names = sorted({n for _, n in table})
    close = get_close_matches(name, names, n=3)
    raise GigawattError(f"no parameter {name!r}" + (f"; did you mean {' or '.join(close)}?" if close else
                                                       "; the names are in core/data/registry.csv"))
