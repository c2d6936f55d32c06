"""The base of the typed results (the Monte Carlo's and the analyses').

Each analysis returns a dataclass (``deals.DealAnalysis``, ``supply.SupplyReport``,
``flows.Flows``, ``sensitivity.Tornado`` ...). Its fields are named, typed attributes;
``to_dict()`` gives the JSON contract of the CLI's ``--json`` and the API, key for key and in
the same order. Data one function passes to another (a warrant's expected vested shares by
month, its month grid, a supplier's deal index) are fields marked :func:`internal`: attributes,
never JSON. A field marked :func:`optional` is left out of the JSON while it is ``None`` (a key
that only some results have).

A result also reads like the mapping ``to_dict()`` gives (``r["warrant"]``, ``r.get(...)``),
for callers not yet moved to attributes (report sections, the page's views): a snapshot taken
at first access, to be read, never changed (results are frozen; change nothing inside them).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, fields
from functools import cached_property
from typing import Any


def internal(**kw) -> Any:
    """A field passed between functions, not part of the JSON."""
    return field(metadata={"json": False}, **kw)


def optional(default: Any = None) -> Any:
    """A field the JSON leaves out while it is ``None``."""
    return field(default=default, metadata={"omit_none": True})


def plain(value: Any) -> Any:
    """``value`` with every record in it replaced by its ``to_dict()``; dicts and lists copied."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class Record:
    """Mixin of the typed results (subclasses are dataclasses with ``eq=False``)."""

    def to_dict(self) -> dict:
        """The JSON contract: public fields in order, records inside turned into dicts (a fresh copy)."""
        out = {}
        for f in fields(self):
            if f.metadata.get("json") is False:
                continue
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = plain(value)
        return out

    # The read-only mapping view of ``to_dict()`` (no ``values()``: a field may have that name).
    @cached_property
    def _view(self) -> dict:
        return self.to_dict()

    def __getitem__(self, key: str) -> Any:
        return self._view[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._view.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._view

    def __iter__(self):
        return iter(self._view)

    def __len__(self) -> int:
        return len(self._view)

    def keys(self):
        return self._view.keys()

    def items(self):
        return self._view.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return type(self) is type(other) and self.to_dict() == other.to_dict()
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def frame(rows: list[dict], index: str | list[str] | None = None, columns: list[str] | None = None):
    """A pandas DataFrame of ``rows`` (pandas imported here: only notebooks and reports pay for it).
    With no rows it still has ``columns`` (or at least the index names) and the named index, so
    ``df["column"]`` works on an empty result."""
    import pandas as pd

    if not rows:
        names = [index] if isinstance(index, str) else list(index or [])
        df = pd.DataFrame(columns=list(dict.fromkeys(names + list(columns or []))))
    else:
        df = pd.DataFrame(rows)
    return df.set_index(index) if index is not None else df
