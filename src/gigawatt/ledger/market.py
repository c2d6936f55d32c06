"""Market inputs for valuations: share prices, volatility, rates, FX, base financials.

One mechanism: the deal ledger's market file (``ledger/data/market.yaml``, schema
``ledger.schema.MarketFile``), shipped dated and sourced. A user file (``GIGAWATT_MARKET`` or a
``path`` argument) is merged over it by id: an underlying, financials or FX series with the
same id replaces the shipped one. Every value handed out carries its date, kind and source, and
the month a valuation is "as of".
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
from pathlib import Path

from gigawatt.core.errors import GigawattError
from gigawatt.core.timeline import month_index, month_label

SHIPPED = Path(__file__).parent / "data" / "market.yaml"


def today() -> str:
    """Today's date ``YYYY-MM-DD`` (the default valuation date when a spot price is given)."""
    return _dt.date.today().isoformat()


@functools.cache
def _load(path: str):
    from gigawatt.ledger.schema import MarketFile
    from gigawatt.core.yaml_io import read_yaml_file

    data, _ = read_yaml_file(Path(path))
    try:
        return MarketFile.model_validate(data or {})
    except Exception as exc:  # pydantic ValidationError: name the file
        raise GigawattError(f"market file {path}: {exc}") from None


def load_market(path: str | Path | None = None):
    """The shipped market file, with ``path`` (or ``$GIGAWATT_MARKET``) merged over it by id."""
    base = _load(str(SHIPPED))
    extra = path or os.environ.get("GIGAWATT_MARKET")
    if not extra:
        return base
    if not Path(extra).is_file():
        raise GigawattError(f"market file {extra}: not found")
    user = _load(str(Path(extra).resolve()))
    merged = {}
    for group in ("underlyings", "rates", "lead_times", "financials", "fx", "gpu_rental_prices"):
        items = {x.id: x for x in getattr(base, group)}
        items.update({x.id: x for x in getattr(user, group)})
        merged[group] = list(items.values())
    return type(base)(**merged)


def _find(items, key: str, what: str):
    for x in items:
        if x.id == key.lower():
            return x
    return None


def financials(company: str, market=None):
    """The company's base financials and consensus (``ledger.schema.Financials``) or None."""
    return _find((market or load_market()).financials, company, "financials")


def underlying_inputs(issuer: str, *, spot_usd: float | None = None, as_of: str | None = None,
                      volatility: float | None = None, rate: float | None = None, market=None) -> dict | None:
    """Spot, valuation month, volatility and risk-free rate for ``issuer`` from the market file,
    each overridable. Returns None when the file has no such underlying.

    Rules: a given spot without ``as_of`` is today's price (valuation month = this month);
    ``as_of`` without a spot takes the file's latest price on or before that date; neither takes
    the file's latest price. The result says where each value came from.
    """
    u = _find((market or load_market()).underlyings, issuer, "underlying")
    if u is None:
        return None
    notes = []
    if spot_usd is not None:
        date = as_of or today()
        spot = {"value": spot_usd, "date": date, "kind": "given", "source": "--spot"}
        if as_of is None:
            notes.append(f"--spot without --as-of: valued as of today ({date})")
    else:
        prices = sorted(u.prices, key=lambda p: p.date)
        if as_of is not None:
            prices = [p for p in prices if p.date[:len(as_of)] <= as_of]
            if not prices:
                raise GigawattError(f"the market file has no {issuer.upper()} price on or before {as_of}; give --spot")
        p = prices[-1]
        date = as_of or p.date
        spot = {"value": p.usd, "date": p.date, "kind": p.kind, "source": _src(u, p.source), "note": p.note}
        if as_of is not None and p.date[:7] < as_of[:7]:
            notes.append(f"no {issuer.upper()} price in the market file for {as_of[:7]}: the latest before it ({p.date}) is used")
    vol = ({"value": volatility, "kind": "given", "source": "--vol"} if volatility is not None else
           {"value": u.volatility.x, "kind": u.volatility.kind, "source": _src(u, u.volatility.source), "as_of": u.volatility.as_of})
    r = ({"value": rate, "kind": "given", "source": "--rate"} if rate is not None else
         {"value": u.risk_free_rate.x, "kind": u.risk_free_rate.kind, "source": _src(u, u.risk_free_rate.source),
          "as_of": u.risk_free_rate.as_of})
    return {"issuer": u.id, "name": u.name, "spot": spot, "volatility": vol, "risk_free_rate": r,
            "valuation_month": month_label(month_index(str(date)[:7])), "value_as_of": str(date),
            "shares_outstanding": {"value": u.shares_outstanding.x, "as_of": u.shares_outstanding.as_of,
                                   "source": _src(u, u.shares_outstanding.source)},
            "notes": notes}


def _src(item, keys) -> str:
    keys = [keys] if isinstance(keys, str) else list(keys or [])
    out = []
    for k in keys:
        s = item.sources.get(k)
        out.append(f"{s.publisher}, {s.date}" if s else k)
    return "; ".join(out)


def fx_per_usd(currency: str, as_of: str | None = None, market=None) -> dict:
    """Units of ``currency`` per US dollar: the latest point on or before ``as_of`` (default: latest).

    Returns ``{currency, per_usd, date, kind, source, note}``; USD is 1 by definition.
    """
    cur = currency.upper()
    if cur == "USD":
        return {"currency": "USD", "per_usd": 1.0, "date": None, "kind": "spec", "source": "by definition"}
    m = market or load_market()
    series = next((f for f in m.fx if f.currency.upper() == cur), None)
    if series is None:
        have = ", ".join(sorted({f.currency for f in m.fx})) or "none"
        raise GigawattError(f"no FX rate for {cur} in the market file (have: USD, {have}); add an `fx:` series to a market file "
                            "(GIGAWATT_MARKET) with a dated, sourced rate")
    points = sorted(series.points, key=lambda p: p.date)
    if as_of is not None:
        points = [p for p in points if p.date[:len(as_of)] <= as_of] or points[:1]
    p = points[-1]
    return {"currency": cur, "per_usd": p.per_usd, "date": p.date, "kind": p.kind, "source": _src(series, p.source), "note": p.note}


def fx_definitions() -> list[str]:
    """pint definitions ``JPY = USD / 156.7`` for every currency in the market file (latest rate)."""
    out = []
    try:
        m = load_market()
    except GigawattError:
        return out
    for f in m.fx:
        p = sorted(f.points, key=lambda p: p.date)[-1]
        out.append(f"{f.currency.upper()} = USD / {p.per_usd!r}")
    return out


def rental_prices(market=None) -> list[dict]:
    """The GPU-hour rental price series by generation: ``[{product, term, usd_per_gpu_hour, as_of, kind, source, note}]``."""
    m = market or load_market()
    return [{"id": r.id, "product": r.product, "term": r.term, "usd_per_gpu_hour": r.usd_per_gpu_hour.x,
             "as_of": r.usd_per_gpu_hour.as_of, "kind": r.usd_per_gpu_hour.kind, "source": _src(r, r.usd_per_gpu_hour.source),
             "note": r.usd_per_gpu_hour.note} for r in m.gpu_rental_prices]


def resolve_price_inputs(issuer: str | None, *, spot_usd=None, as_of=None, volatility=None, rate=None, default_to_market=True,
                         market=None) -> tuple[dict, dict | None]:
    """PriceOptions overrides (``spot_usd, as_of, volatility, risk_free_rate``) and the market inputs
    they came from. With the issuer in the market file, missing values come from it (when
    ``default_to_market`` or any of them is given); otherwise only what is given is used, and a
    spot without a date is valued as of this month."""
    given = any(x is not None for x in (spot_usd, as_of, volatility, rate))
    info = None
    if issuer is not None and (default_to_market or given):
        info = underlying_inputs(issuer, spot_usd=spot_usd, as_of=as_of, volatility=volatility, rate=rate, market=market)
    if info is None:
        if spot_usd is not None and as_of is None:
            as_of = today()
        return ({"spot_usd": spot_usd, "as_of": month_label(month_index(as_of[:7])) if as_of else None, "volatility": volatility,
                 "risk_free_rate": rate}, None)
    return ({"spot_usd": info["spot"]["value"], "as_of": info["valuation_month"], "volatility": info["volatility"]["value"],
             "risk_free_rate": info["risk_free_rate"]["value"]}, info)


def require_price_for_date(info: dict | None, as_of: str | None, spot_usd: float | None, issuer: str | None) -> None:
    """A valuation date without a price to go with it (no ``spot_usd`` given, none in the market
    file) would value an older spot as if it were that date's: a user error, everywhere."""
    if info is None and as_of is not None and spot_usd is None:
        raise GigawattError(f"--as-of {as_of} without --spot needs a price for {issuer or 'the issuer'} in the market file; "
                            "give --spot too")


def parse_as_of(text: str | None, option: str = "--as-of") -> str | None:
    """``2026-11``, ``2026-11-29``, ``2H 2026`` → ``YYYY-MM`` or ``YYYY-MM-DD``; a user error otherwise."""
    if text is None:
        return None
    t = text.strip()
    try:
        if len(t) == 10 and t[4] == "-" and t[7] == "-":
            try:
                _dt.date.fromisoformat(t)
            except ValueError:
                raise ValueError(f"no such day: {t!r}") from None  # Python's own words say "day is out of range for month"
            return t
        return month_label(month_index(t))
    except ValueError as exc:
        raise GigawattError(f"{option}: {exc}") from None
