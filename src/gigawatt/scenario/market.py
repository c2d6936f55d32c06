"""A scenario valued at market inputs: each warrant's underlying (spot, valuation date,
volatility, rate) set from the deal ledger's market file or from options the user gives.

Scenario-layer work (it builds new :class:`~gigawatt.scenario.spec.Scenario` objects); the
market data itself lives in :mod:`gigawatt.ledger.market`.
"""
from __future__ import annotations

from gigawatt.ledger.market import require_price_for_date, resolve_price_inputs


def with_market(scenario, *, spot_usd=None, as_of=None, volatility=None, rate=None, market=None, default_to_market=False):
    """The scenario with each warrant's underlying set from the market inputs (for ``mc`` and
    ``report``, which value the warrant from the scenario). Returns ``(scenario, [info per
    warrant])``. With nothing given it is unchanged, unless ``default_to_market``: then each
    warrant whose issuer the market file prices is valued at the file's latest inputs (what
    ``gigawatt deal`` does by default)."""
    if all(x is None for x in (spot_usd, as_of, volatility, rate)) and not default_to_market:
        return scenario, []
    deals, infos = [], []
    for d in scenario.deals:
        if d.warrant is None:
            deals.append(d)
            continue
        # Without the market default only what is given changes the scenario's own underlying
        # (as `deal --scenario-market` does): the market file is not asked.
        kw, info = resolve_price_inputs(d.supplier.lower() if default_to_market else None, spot_usd=spot_usd, as_of=as_of,
                                        volatility=volatility, rate=rate, market=market)
        u = d.warrant.underlying
        update = {"spot_usd": kw["spot_usd"] if kw["spot_usd"] is not None else u.spot_usd,
                  "as_of": kw["as_of"] or u.as_of,
                  "volatility": kw["volatility"] if kw["volatility"] is not None else u.volatility,
                  "risk_free_rate": kw["risk_free_rate"] if kw["risk_free_rate"] is not None else u.risk_free_rate}
        if update["as_of"] != u.as_of:  # the scenario's own date with its own price is fine
            require_price_for_date(info, as_of, spot_usd, d.supplier)
        # The underlying's source describes its spot: a new spot takes its own provenance along.
        spot = (info or {}).get("spot")
        if update["spot_usd"] == u.spot_usd:
            source = u.source
        elif spot:  # the citation and its date (the kind is a word of the output's language: callers add it)
            dated = str(spot["date"]) in str(spot["source"])
            source = str(spot["source"]) if dated else f"{spot['source']}, {spot['date']}"
        else:
            source = f"--spot, {update['as_of']}"
        new_u = u.model_copy(update={**update, "source": source})
        deals.append(d.model_copy(update={"warrant": d.warrant.model_copy(update={"underlying": new_u})}))
        infos.append({"deal": d.name, **update, "market": info})
    new = scenario.model_copy(update={"deals": deals})
    new._origins = list(getattr(scenario, "_origins", []))
    return new, infos
