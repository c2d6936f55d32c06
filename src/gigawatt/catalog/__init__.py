"""The catalog: accelerators, systems, cooling, regions, software stacks and cost defaults.

Data ships as YAML in ``catalog/data``; users add or override entries with their own files
(``--catalog PATH`` or the ``GIGAWATT_CATALOG`` environment variable, a list of files or
directories separated by ``os.pathsep``). An override with an existing id replaces only the
fields it gives; every override is recorded in :attr:`Catalog.overrides` and shown in outputs.
"""
from __future__ import annotations

import difflib
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from gigawatt.core.errors import GigawattError, Problem, ValidationFailure
from gigawatt.core.yaml_io import problems_from_pydantic, quote, read_text_file, read_yaml, yaml_files
from gigawatt.catalog.schema import FIELD_UNITS, KINDS, MAY_BE_UNKNOWN, SECTIONS, Accelerator, CatalogFile, Cooling, CostDefault, Entry, Fact, Region, Series, SiteClass, Software, System

DATA_DIR = Path(__file__).parent / "data"
ENV_VAR = "GIGAWATT_CATALOG"


@dataclass
class Override:
    """A user file that added or changed a catalog entry."""

    section: str
    id: str
    file: str
    fields: list[str]
    new: bool

    def public(self) -> dict:
        return {"section": self.section, "id": self.id, "file": self.file, "fields": self.fields, "new": self.new}


@dataclass
class Catalog:
    accelerators: dict[str, Accelerator]
    systems: dict[str, System]
    cooling: dict[str, Cooling]
    site_classes: dict[str, SiteClass]
    regions: dict[str, Region]
    software: dict[str, Software]
    defaults: dict[str, CostDefault]
    series: dict[str, Series]
    overrides: list[Override] = field(default_factory=list)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Entry]:
        return getattr(self, name)

    def find(self, entry_id: str) -> tuple[str, Entry]:
        """Find an entry by id in any section; unknown ids get the closest matches."""
        for name in SECTIONS:
            sec = self.section(name)
            if entry_id in sec:
                return name, sec[entry_id]
        every = [i for name in SECTIONS for i in self.section(name)]
        raise GigawattError(f"no catalog entry {entry_id!r}{suggest(entry_id, every)}")

    def accelerator(self, product: str) -> Accelerator:
        try:
            return self.accelerators[product]
        except KeyError:
            raise GigawattError(f"unknown product {product!r}{suggest(product, self.accelerators)}") from None

    def default(self, name: str) -> float:
        """A named default's value (e.g. ``topdown_usd_per_gw``)."""
        return self.defaults[name].value.x


def suggest(word: str, choices) -> str:
    """``"; closest: a, b, c"`` (or every choice if few), for error messages."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.4)
    if close:
        return f"; closest: {', '.join(close)}"
    return f"; valid: {', '.join(choices)}" if len(choices) <= 20 else ""


def user_paths(extra: list[str | Path] | None = None) -> list[Path]:
    """Catalog paths from the environment variable, then from ``extra`` (later wins)."""
    env = os.environ.get(ENV_VAR, "")
    paths = [Path(p) for p in env.split(os.pathsep) if p.strip()]
    return paths + [Path(p) for p in (extra or [])]


def _bake_provenance(item: dict) -> dict:
    """Copy an entry's default provenance into each of its numbers and drop the default.

    Done before a user override is merged, so a number the user replaces never inherits
    the built-in entry's source.
    """
    prov = item.get("provenance")
    if not isinstance(prov, dict):
        return item
    out = {k: v for k, v in item.items() if k != "provenance"}
    for key, value in out.items():
        if key in FIELD_UNITS or key == "value":
            fact = dict(value) if isinstance(value, dict) else {"value": value}
            for p_key in ("source", "as_of", "kind"):
                if fact.get(p_key) is None and prov.get(p_key) is not None:
                    fact[p_key] = prov[p_key]
            out[key] = fact
    return out


def _merge(base: dict, over: dict) -> dict:
    """A user override replaces whole fields (a new value brings its own provenance).

    The base entry's default provenance is baked into its own numbers first, so neither it
    reaches the user's numbers nor the user's ``provenance`` block the built-in numbers.
    """
    return {**_bake_provenance(base), **over}


def load_catalog(extra: list[str | Path] | None = None) -> Catalog:
    """Load the built-in catalog plus user files (``GIGAWATT_CATALOG``, then ``extra``).

    Cached per set of files and their modification times, so an edited file is re-read.
    """
    user = tuple(str(p) for p in user_paths(extra))
    stamps = tuple((str(f), f.stat().st_mtime_ns) for u in user for f in yaml_files(Path(u), "catalog"))
    return _load(user, stamps)


@functools.lru_cache(maxsize=8)
def _load(user: tuple[str, ...], _stamps: tuple = ()) -> Catalog:
    """The catalog from the built-in files and ``user`` paths: from the start-up cache
    (:mod:`gigawatt.catalog.cache`) when every file's bytes match, else built and cached."""
    from gigawatt.catalog import cache

    files = [(False, p) for p in yaml_files(DATA_DIR, "catalog")] + [(True, f) for u in user for f in yaml_files(Path(u), "catalog")]
    texts = [(is_user, path, read_text_file(path)) for is_user, path in files]
    cache_key = cache.key([(str(path), text) for _, path, text in texts])
    cat = cache.get(cache_key)
    if isinstance(cat, Catalog):
        return cat
    cat = _build(texts)
    cache.put(cache_key, cat)
    return cat


def _build(texts: list[tuple[bool, Path, str]]) -> Catalog:
    """Parse, merge and validate ``(is_user, path, text)`` catalog files in order."""
    raw: dict[str, dict[str, dict]] = {s: {} for s in SECTIONS}
    where: dict[tuple[str, str], tuple[str, int, dict]] = {}
    overrides: list[Override] = []
    for is_user, path, text in texts:
        data, lines = read_yaml(text, str(path))
        if data is None:
            continue
        if not isinstance(data, dict):  # not a catalog at all: say so, without echoing the file
            raise ValidationFailure(str(path), [Problem("", f"a catalog file must be a YAML mapping of sections "
                                                            f"({', '.join(f'{s}:' for s in list(SECTIONS)[:3])} ...)", lines.get(()))])
        try:
            CatalogFile.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailure(str(path), problems_from_pydantic(exc, lines, known_fields=SECTIONS)) from None
        for section in SECTIONS:
            for i, item in enumerate(data.get(section) or []):
                entry_id = item.get("id")
                if not isinstance(entry_id, str):
                    raise ValidationFailure(str(path), [Problem(f"{section}[{i}].id", "every entry needs an id", lines.get((section, i)))])
                if entry_id in raw[section]:
                    if not is_user:
                        raise ValidationFailure(str(path), [Problem(f"{section}[{i}].id", f"duplicate id {quote(entry_id)}", lines.get((section, i)))])
                    raw[section][entry_id] = _merge(raw[section][entry_id], item)
                    overrides.append(Override(section, entry_id, str(path), sorted(k for k in item if k not in ("id", "provenance")), False))
                else:
                    raw[section][entry_id] = item
                    if is_user:
                        overrides.append(Override(section, entry_id, str(path), sorted(k for k in item if k not in ("id", "provenance")), True))
                where[(section, entry_id)] = (str(path), i, lines)
    built: dict[str, dict] = {}
    problems_by_file: dict[str, list[Problem]] = {}
    for section, model in SECTIONS.items():
        built[section] = {}
        for entry_id, item in raw[section].items():
            try:
                built[section][entry_id] = model.model_validate(item)
            except ValidationError as exc:
                path, i, lines = where[(section, entry_id)]
                known = list(model.model_fields) + list(Fact.model_fields)
                problems_by_file.setdefault(path, []).extend(problems_from_pydantic(exc, lines, (section, i), known))
    if problems_by_file:
        path, problems = next(iter(problems_by_file.items()))
        raise ValidationFailure(path, problems)
    cat = Catalog(**built, overrides=overrides, origin={k: v[0] for k, v in where.items()})
    problems = references(cat) + values(cat)
    if problems:
        for p in problems:  # name the file each bad entry came from
            section, entry_id = p.path.split(".")[:2]
            object.__setattr__(p, "file", cat.origin.get((section, entry_id)))
        raise GigawattError("the catalog cannot be used:\n" + "\n".join("  " + p.render() for p in problems))
    return cat


def references(cat: Catalog) -> list[Problem]:
    """Cross-references that must resolve for the model to run."""
    out = []
    for a in cat.accelerators.values():
        if a.default_system not in cat.systems:
            out.append(Problem(f"accelerators.{a.id}.default_system", f"unknown system {a.default_system!r}{suggest(a.default_system, cat.systems)}"))
    for s in cat.systems.values():
        if s.accelerator not in cat.accelerators:
            out.append(Problem(f"systems.{s.id}.accelerator", f"unknown accelerator {s.accelerator!r}{suggest(s.accelerator, cat.accelerators)}"))
    for s in cat.systems.values():
        if s.site_class is not None and s.site_class not in cat.site_classes:
            out.append(Problem(f"systems.{s.id}.site_class", f"unknown site class {s.site_class!r}{suggest(s.site_class, cat.site_classes)}"))
    for c in cat.cooling.values():
        if c.site_class is not None and c.site_class not in cat.site_classes:
            out.append(Problem(f"cooling.{c.id}.site_class", f"unknown site class {c.site_class!r}{suggest(c.site_class, cat.site_classes)}"))
        if c.site_class is None and c.pue_default is None:
            out.append(Problem(f"cooling.{c.id}", "needs a site_class (or its own pue_default) for sites that state only this cooling"))
    for k in cat.site_classes.values():
        if k.cooling not in cat.cooling:
            out.append(Problem(f"site_classes.{k.id}.cooling", f"unknown cooling type {k.cooling!r}{suggest(k.cooling, cat.cooling)}"))
    for name in ("cuda", "rocm", "other"):
        if name not in cat.software:
            out.append(Problem(f"software.{name}", "missing; every software stack needs an achievable fraction"))
    return out


#: Allowed ranges of the named defaults (value must be inside; the model divides by some).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "topdown_usd_per_gw": (0.0, 1e12),
    "facility_usd_per_mw_it": (0.0, 1e9),
    "land_grid_usd_per_mw_it": (0.0, 1e9),
    "network_fraction_of_systems": (0.0, 2.0),
    "cluster_it_overhead": (1.0, 3.0),
    "it_life_years": (1 / 12, 30.0),
    "facility_life_years": (1 / 12, 60.0),
    "maintenance_fraction_per_year": (0.0, 1.0),
    "average_load_fraction": (0.01, 1.0),
    "utilization": (0.01, 1.0),
    "discount_rate": (-0.05, 0.5),
    "cowos_yield": (0.01, 1.0),
    "allocable_share_of_world_supply": (0.0, 1.0),
    "hbm3_usd_per_gb": (0.0, 1e3),
    "hbm3e_usd_per_gb": (0.0, 1e3),
    "hbm4_usd_per_gb": (0.0, 1e3),
    "cowos_usd_per_wafer": (0.0, 1e6),
    "cpu_share_of_systems": (0.0, 0.5),
    "storage_share_of_systems": (0.0, 0.5),
    "power_share_of_facility": (0.0, 1.0),
    "cooling_share_of_facility": (0.0, 1.0),
}


def values(cat: Catalog) -> list[Problem]:
    """Values the model cannot run with: non-numbers, zero or negative quantities, bad months, out-of-range defaults."""
    from gigawatt.core.timeline import month_index

    out = []
    for section in SECTIONS:
        for entry_id, entry in cat.section(section).items():
            for name, fact in entry.facts().items():
                path = f"{section}.{entry_id}.{name}"
                if section == "series" and entry_id.startswith("hbm_share_") and not 0 <= fact.value <= 1:
                    out.append(Problem(path, f"a share must be between 0 and 1, got {fact.value}"))
                    continue
                if name == "available":
                    try:
                        month_index(fact.value)
                    except ValueError as exc:
                        out.append(Problem(path, str(exc)))
                    continue
                if not fact.known and name in MAY_BE_UNKNOWN:
                    continue  # recorded as unknown (with the date of the last check), never guessed
                if isinstance(fact.value, str):
                    out.append(Problem(path, f"not a number: {fact.value!r}"))
                elif section == "defaults":
                    lo, hi = DEFAULT_RANGES.get(entry_id, (float("-inf"), float("inf")))
                    if not lo <= fact.value <= hi:
                        out.append(Problem(path, f"must be between {lo:g} and {hi:g}, got {fact.value:g}"))
                elif not fact.value > 0:
                    out.append(Problem(path, f"must be positive, got {fact.value}"))
    for name in DEFAULT_RANGES:
        if name not in cat.defaults:
            out.append(Problem(f"defaults.{name}", "missing; the model needs this default"))
    return out


def check(cat: Catalog) -> list[Problem]:
    """Every gap in provenance or plausibility: the list ``gigawatt catalog check`` prints.

    A number fails when it lacks a source, an ``as_of`` date or a ``kind``, when a
    numeric field holds text, or when a quantity that must be positive is not. An
    estimate of our own (source starting "gigawatt") must say its reasoning in a note.
    """
    out = references(cat) + values(cat)
    for section in SECTIONS:
        for entry_id, entry in cat.section(section).items():
            for name, fact in entry.facts().items():
                path = f"{section}.{entry_id}.{name}"
                for key in ("source", "as_of", "kind"):
                    if not getattr(fact, key):
                        out.append(Problem(path, f"no {key}"))
                if not fact.known and not fact.note:
                    out.append(Problem(path, "an unknown value needs a note saying what was looked for"))
                own_guess = (fact.source or "").lower().startswith("gigawatt")
                if fact.kind == "estimate" and own_guess and not (fact.note or entry.note):
                    out.append(Problem(path, "our own estimate needs a note with its reasoning"))
    for section in ("cooling", "site_classes"):
        for c in cat.section(section).values():
            if c.pue_default is None:
                continue
            lo = c.pue_low.x if c.pue_low is not None else c.pue_default.x
            hi = c.pue_high.x if c.pue_high is not None else c.pue_default.x
            if not (lo <= c.pue_default.x <= hi) or lo < 1:
                out.append(Problem(f"{section}.{c.id}", "need 1 <= pue_low <= pue_default <= pue_high"))
    for s in cat.software.values():
        if not 0 < s.achievable_fraction.x <= 1:
            out.append(Problem(f"software.{s.id}.achievable_fraction", "must be in (0, 1]"))
    return out


__all__ = ["Catalog", "Fact", "KINDS", "load_catalog", "check", "suggest", "Override"]
