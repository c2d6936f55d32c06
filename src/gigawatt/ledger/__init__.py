"""The deal ledger: every announced AI compute deal, dated and sourced, queried as of a date.

Data ships in ``ledger/data`` (``deals/*.yaml``, one file per deal, and ``market.yaml`` with
conversion rates, share prices and equipment lead times); users add or replace entries with
their own files (``GIGAWATT_LEDGER``, paths separated by ``os.pathsep``, or ``extra``).

:func:`load_ledger` validates every file; :meth:`Ledger.view` resolves the deals as of a date
(only events up to that date count); :func:`check` lists every figure without a source, a
kind or a date, like ``gigawatt catalog check``.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from gigawatt.core.errors import GigawattError, Problem, ValidationFailure
from gigawatt.core.yaml_io import problems_from_pydantic, read_yaml_file, yaml_files
from gigawatt.ledger.schema import (EVENT_STATUS, STATUSES, DealEntry, Event, Figure, LedgerTranche, MarketFile, Terms, WarrantTerms)

DATA_DIR = Path(__file__).parent / "data"
ENV_VAR = "GIGAWATT_LEDGER"


def date_key(text: str, end: bool = True) -> str:
    """A sortable ``YYYY-MM-DD``; a month alone means its last day (``end``) or its first.

    An event known only to the month counts from the end of that month, so an as-of query
    inside the month does not see it (conservative).

    >>> date_key("2026-02"), date_key("2026-02", end=False), date_key("2026-02-24")
    ('2026-02-31', '2026-02-01', '2026-02-24')
    """
    text = str(text)
    if len(text) == 7:
        return text + ("-31" if end else "-01")
    return text


@dataclass
class TermChange:
    """One value a term had, and the event that set it."""

    date: str
    event: str
    summary: str
    value: object


@dataclass
class DealView:
    """A deal as known on a date: its status, current terms and how they changed."""

    entry: DealEntry
    as_of: str | None
    events: list[Event]
    status: str
    terms: dict
    history: dict[str, list[TermChange]]

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def announced(self) -> str:
        return self.events[0].date

    @property
    def last_event(self) -> Event:
        return self.events[-1]

    def superseded(self) -> list[dict]:
        """Terms whose earlier values were replaced or removed, with when and by what."""
        out = []
        for name, changes in self.history.items():
            for old, new in zip(changes, changes[1:]):
                if old.value is None:
                    continue
                out.append({"term": name, "value": _public(old.value), "set": old.date, "set_by": old.event,
                            "replaced": new.date, "replaced_by": f"{new.event}: {new.summary}",
                            "now": _public(new.value) if new.value is not None else "removed"})
        return out

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure in the current terms with its path, e.g. ``warrant.shares``."""
        return list(_walk_figures(self.terms, ""))


def _public(value):
    if isinstance(value, Figure):
        return value.public()
    if isinstance(value, list):
        return [_public(v) for v in value]
    if hasattr(value, "model_dump"):
        return {k: _public(getattr(value, k)) for k in type(value).model_fields if getattr(value, k) is not None}
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items()}
    return value


def public_terms(terms: dict) -> dict:
    return {k: _public(v) for k, v in terms.items()}


def _walk_figures(obj, path):
    if isinstance(obj, Figure):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_figures(v, f"{path}.{k}" if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk_figures(v, f"{path}[{i}]")
    elif hasattr(type(obj), "model_fields"):
        for k in type(obj).model_fields:
            yield from _walk_figures(getattr(obj, k), f"{path}.{k}" if path else k)


@dataclass
class Ledger:
    deals: dict[str, DealEntry]
    market: MarketFile
    origin: dict[str, str] = field(default_factory=dict)

    def view(self, as_of: str | None = None) -> list[DealView]:
        """Every deal with at least one event up to ``as_of`` (all when None), resolved."""
        out = []
        for entry in self.deals.values():
            v = resolve(entry, as_of)
            if v is not None:
                out.append(v)
        return sorted(out, key=lambda v: (date_key(v.announced, end=False), v.id))

    def get(self, deal_id: str, as_of: str | None = None) -> DealView:
        if deal_id not in self.deals:
            from gigawatt.catalog import suggest

            raise GigawattError(f"no deal {deal_id!r} in the ledger{suggest(deal_id, self.deals)}")
        v = resolve(self.deals[deal_id], as_of)
        if v is None:
            raise GigawattError(f"deal {deal_id!r} was not yet announced as of {as_of} "
                                f"(first event {self.deals[deal_id].events[0].date})")
        return v

    def underlying(self, uid: str):
        for u in self.market.underlyings:
            if u.id == uid:
                return u
        raise GigawattError(f"no underlying {uid!r} in the ledger's market file")

    def rate_for(self, product: str):
        for r in self.market.rates:
            if product in r.products:
                return r
        return None


def resolve(entry: DealEntry, as_of: str | None) -> DealView | None:
    """Apply ``entry``'s events up to ``as_of`` in order: status, terms and their history."""
    cut = date_key(as_of) if as_of else None
    events = [e for e in entry.events if cut is None or date_key(e.date) <= cut]
    if not events:
        return None
    status = "reported"
    terms: dict = {}
    history: dict[str, list[TermChange]] = {}
    for e in events:
        s = e.status or EVENT_STATUS.get(e.type)
        if s:
            status = s
        if e.terms is not None:
            # In the schema's field order, not the set's (its order follows the string hash seed,
            # which made `superseded_terms` and the terms differ from run to run).
            for name in [n for n in type(e.terms).model_fields if n in e.terms.model_fields_set]:
                value = getattr(e.terms, name)
                if value is None:
                    continue
                terms[name] = value
                history.setdefault(name, []).append(TermChange(e.date, e.type, e.summary, value))
        for name in e.unset:
            if name in terms:
                del terms[name]
                history.setdefault(name, []).append(TermChange(e.date, e.type, e.summary, None))
    return DealView(entry, as_of, events, status, terms, history)


def user_paths(extra=None) -> list[Path]:
    env = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in env.split(os.pathsep) if p.strip()] + [Path(p) for p in (extra or [])]


def load_ledger(extra=None) -> Ledger:
    """The built-in ledger plus user deal files (``GIGAWATT_LEDGER``, then ``extra``).

    A user file with an existing id replaces that deal (whole file); every file is validated.
    """
    user = tuple(str(p) for p in user_paths(extra))
    stamps = tuple((str(f), f.stat().st_mtime_ns) for u in user for f in yaml_files(Path(u), "ledger"))
    return _load(user, stamps)


@functools.lru_cache(maxsize=8)
def _load(user: tuple[str, ...], _stamps: tuple = ()) -> Ledger:
    deals: dict[str, DealEntry] = {}
    origin: dict[str, str] = {}
    files = [(False, p) for p in yaml_files(DATA_DIR / "deals", "ledger")] + [(True, f) for u in user for f in yaml_files(Path(u), "ledger")]
    for is_user, path in files:
        data, lines = read_yaml_file(path)
        if not isinstance(data, dict):
            raise ValidationFailure(str(path), [Problem("", "a deal file must be a YAML mapping (id:, title:, events: ...)")])
        try:
            entry = DealEntry.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailure(str(path), problems_from_pydantic(exc, lines, known_fields=_known_fields)) from None
        if entry.id in deals and not is_user:
            raise ValidationFailure(str(path), [Problem("id", f"duplicate deal id {entry.id!r} (also in {origin[entry.id]})")])
        deals[entry.id] = entry
        origin[entry.id] = str(path)
    mpath = DATA_DIR / "market.yaml"
    data, lines = read_yaml_file(mpath)
    try:
        market = MarketFile.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailure(str(mpath), problems_from_pydantic(exc, lines)) from None
    return Ledger(deals, market, origin)


def _known_fields(loc) -> list[str]:
    from gigawatt.ledger.schema import Figure as F

    names = set(DealEntry.model_fields) | set(Event.model_fields) | set(Terms.model_fields) | set(F.model_fields)
    names |= set(LedgerTranche.model_fields) | set(WarrantTerms.model_fields)
    return sorted(names)


def check(ledger: Ledger, catalog=None) -> list[Problem]:
    """Every gap: a figure without value-or-unknown, kind, source or date; a source key that
    names nothing; a conflict without a stated choice; an unknown product or relation."""
    out: list[Problem] = []
    products = set(catalog.accelerators) if catalog is not None else None

    def fig(path: str, f: Figure, keys: set[str], event: Event | None):
        if f.value is None and not f.unknown:
            out.append(Problem(path, "no value (write unknown: true with as_of if it is not public)"))
        if f.unknown and not (f.as_of or event):
            out.append(Problem(path, "unknown figures need as_of: the date of the last check"))
        if not f.kind:
            out.append(Problem(path, "no kind (spec, projection, estimate, measured, derived)"))
        srcs = f.sources or (event.sources if event else [])
        if not srcs:
            out.append(Problem(path, "no source"))
        for s in srcs:
            if s not in keys:
                out.append(Problem(path, f"source {s!r} is not in the file's sources ({', '.join(sorted(keys))})"))
        if not (f.as_of or event):
            out.append(Problem(path, "no date (as_of)"))
        if f.alternatives and not f.choice:
            out.append(Problem(path, "conflicting values are kept in alternatives, but choice does not say which is used and why"))
        for i, a in enumerate(f.alternatives):
            for s in ([a.source] if isinstance(a.source, str) else a.source):
                if s not in keys:
                    out.append(Problem(f"{path}.alternatives[{i}]", f"source {s!r} is not in the file's sources"))
        if f.assumed and not f.note:
            out.append(Problem(path, "an assumed figure needs a note with its reasoning"))

    for did, d in ledger.deals.items():
        keys = set(d.sources)
        for si, e in enumerate(d.events):
            base = f"{did}.events[{si}]"
            for s in e.sources:
                if s not in keys:
                    out.append(Problem(base, f"source {s!r} is not in the file's sources"))
            if e.terms is not None:
                for path, f in _walk_figures({k: getattr(e.terms, k) for k in e.terms.model_fields_set}, ""):
                    fig(f"{base}.terms.{path}", f, keys, e)
                for ti, t in enumerate(e.terms.tranches or []):
                    if products is not None and t.product not in products:
                        from gigawatt.catalog import suggest

                        out.append(Problem(f"{base}.terms.tranches[{ti}].product",
                                           f"product {t.product!r} is not in the catalog{suggest(t.product, products)}"))
                    if t.assumed and not t.note:
                        out.append(Problem(f"{base}.terms.tranches[{ti}]", "an assumed tranche needs a note with its reasoning"))
                    if t.site and t.site not in ledger.deals:
                        out.append(Problem(f"{base}.terms.tranches[{ti}].site", f"no ledger entry {t.site!r}"))
                for hi, h in enumerate(e.terms.hardware or []):
                    if products is not None and h not in products:
                        out.append(Problem(f"{base}.terms.hardware[{hi}]", f"product {h!r} is not in the catalog"))
        for oi, o in enumerate(d.observations):
            fig(f"{did}.observations[{oi}].value", o.value, keys, None if o.value.as_of else _as_event(o))
        if d.within is not None and d.within.id not in ledger.deals:
            out.append(Problem(f"{did}.within", f"no ledger entry {d.within.id!r}"))
        for key, s in d.sources.items():
            if not s.publisher.strip():
                out.append(Problem(f"{did}.sources.{key}", "no publisher"))
    m = ledger.market
    for group in (m.rates, m.underlyings, m.lead_times):
        for item in group:
            keys = set(item.sources)
            for path, f in _walk_figures(item, ""):
                fig(f"market.{item.id}.{path}", f, keys, None)
    for u in m.underlyings:
        for p in u.prices:
            if p.source not in u.sources:
                out.append(Problem(f"market.{u.id}.prices[{p.date}]", f"source {p.source!r} is not in the sources"))
    return out


def _as_event(o):
    return Event(date=o.date, type="delivered", summary=o.what, sources=o.value.sources or ["-"])


__all__ = ["Ledger", "DealView", "load_ledger", "check", "resolve", "date_key", "STATUSES", "public_terms"]
