"""From ledger deals to engine tranches, and the world view: all selected deals through the one engine.

Sizing rules (each stated in the output):

- a tranche with ``gw`` is used as stated (``basis: unstated`` is read as facility, as deals quote it);
- a tranche with ``accelerators`` gets IT GW = count × the catalog's all-in IT kW per accelerator
  (from :func:`gigawatt.size`, the same engine);
- a tranche with ``from_contract`` gets IT GW = contract dollars / term years / the ledger's cloud rate
  for the product (``market.yaml``; an estimate with a low-high range, reported);
- a deal with neither GW nor a sizeable quantity is left out of GW totals and listed with the reason;
- an entry ``within`` another selected entry (a site serving a contract) is counted once, in the container.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gigawatt.core import registry
from gigawatt.core.errors import GigawattError
from gigawatt.core.timeline import month_index, month_label, quarter_label, sum_by_period
from gigawatt.ledger import DealView, Ledger, date_key, public_terms
from gigawatt.ledger.schema import KIND_LABELS, STATUSES, LedgerTranche

#: Default weight of each status in the world view: every live deal at its stated size; deals
#: paused, cancelled or superseded as a whole count zero.
DEFAULT_WEIGHTS = {"reported": 1.0, "loi": 1.0, "definitive": 1.0, "closed": 1.0, "scaled-back": 1.0,
                   "superseded": 0.0, "paused": 0.0, "cancelled": 0.0}
ALIASES = {"rumoured": "reported", "rumored": "reported", "framework": "loi", "term-sheet": "loi"}
SITE = {"cooling": "dlc", "region": "us-average"}
HORIZON_START, HORIZON_END = "2026-01", "2035-12"


def parse_weights(text: str | None) -> dict[str, float]:
    """``"rumoured=0.2,loi=0.5,definitive=0.9"`` on top of :data:`DEFAULT_WEIGHTS`; messages name
    each status as the user typed it (``rumoured``, not the ``reported`` it stands for)."""
    from gigawatt.catalog import suggest
    from gigawatt.core.yaml_io import quote

    out = dict(DEFAULT_WEIGHTS)
    if not text:
        return out
    example = "e.g. 'rumoured=0.2,loi=0.5,definitive=0.9'"
    aliases = "; ".join(f"{'/'.join(a for a, t in ALIASES.items() if t == s)} for {s}" for s in dict.fromkeys(ALIASES.values()))
    typed: dict[str, str] = {}  # status -> the name the user gave it
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, val = (x.strip() for x in part.partition("="))
        if not name:
            raise GigawattError(f"--status-weights: cannot read {quote(part)}: it names no status; write status=weight, {example}")
        key = ALIASES.get(name.lower(), name.lower())
        if key not in out:
            close = suggest(name.lower()[:60], [*STATUSES, *ALIASES])
            raise GigawattError(f"--status-weights: cannot read {quote(part)}: unknown status {quote(name)}"
                                f"{close if close.startswith('; closest') else ''}; valid: {', '.join(STATUSES)} (or {aliases})")
        if not val:
            raise GigawattError(f"--status-weights: {quote(name)} has no weight; write status=weight, e.g. '{name.lower()}=0.2'")
        try:
            w = float(val)
        except ValueError:
            raise GigawattError(f"--status-weights: {quote(val)} is not a number in {quote(part)}; a weight is from 0 to 1") from None
        if not 0 <= w <= 1:  # NaN fails this too
            from gigawatt.core.bounds import given

            raise GigawattError(f"--status-weights: a weight is a probability from 0 to 1, got {given(w)} for {quote(name)}")
        if key in typed:
            # named as typed: 'Rumoured' and 'rumoured' are one status, which the user never called 'reported'
            same = typed[key].lower() == name.lower()
            what = quote(name) if same else f"{quote(typed[key])} and {quote(name)} (both mean {key})"
            raise GigawattError(f"--status-weights: {what} {'is' if same else 'are'} given twice; give each status once")
        typed[key] = name
        out[key] = w
    return out


@dataclass
class Sized:
    """One ledger tranche sized for the engine."""

    deal: str
    tranche: LedgerTranche
    gw: float           # in ``basis``
    basis: str          # facility | it
    how: str            # stated | from accelerator count | from contract dollars
    low: float | None = None
    high: float | None = None
    detail: dict = field(default_factory=dict)


def _match(value: str, wanted: str | None) -> bool:
    return wanted is None or wanted.strip().lower() in value.lower()


def select(views: list[DealView], *, buyer=None, seller=None, vendor=None, status=None, kind=None, ids=None,
           catalog=None) -> list[DealView]:
    """Filter deal views. ``vendor`` matches the seller or the catalog vendor of any named hardware."""
    statuses = None
    if status:
        statuses = {ALIASES.get(s.strip().lower(), s.strip().lower()) for s in status.split(",")}
        bad = statuses - set(STATUSES)
        if bad:
            raise GigawattError(f"--status: unknown {', '.join(sorted(bad))}; valid: {', '.join(STATUSES)} (or rumoured)")
    kinds = {k.strip() for k in kind.split(",")} if kind else None
    if kinds and kinds - set(KIND_LABELS):
        raise GigawattError(f"--kind: unknown {', '.join(sorted(kinds - set(KIND_LABELS)))}; valid: {', '.join(KIND_LABELS)}")
    out = []
    for v in views:
        if ids is not None and v.id not in ids:
            continue
        if not _match(v.entry.buyer, buyer) or not _match(v.entry.seller, seller):
            continue
        if statuses is not None and v.status not in statuses:
            continue
        if kinds is not None and v.entry.kind not in kinds:
            continue
        if vendor is not None:
            hw = list(v.terms.get("hardware") or []) + [t.product for t in v.terms.get("tranches") or []]
            vendors = {catalog.accelerators[h].vendor for h in hw if catalog is not None and h in catalog.accelerators}
            if not (_match(v.entry.seller, vendor) or any(_match(x, vendor) for x in vendors)):
                continue
        out.append(v)
    if ids is not None:
        missing = set(ids) - {v.id for v in out}
        if missing:
            raise GigawattError(f"--deal: {', '.join(sorted(missing))} not in the ledger as of this date (or filtered out)")
    return out


def _site_pue(product: str, catalog) -> float:
    """The PUE the engine gives a DLC site of this product (the catalog's), for IT <-> facility GW."""
    from gigawatt.analyses.api import size

    return size(product, gw=1, cooling=SITE["cooling"], region=SITE["region"], catalog=catalog)["pue"]


def _it_kw_per_accelerator(product: str, catalog) -> float:
    from gigawatt.analyses.api import size

    return size(product, count=1, catalog=catalog)["it_kw_per_accelerator"]


def size_tranches(view: DealView, ledger: Ledger, catalog) -> tuple[list[Sized], list[str]]:
    """Engine sizes of a deal's tranches, and the reasons any could not be sized."""
    out, problems = [], []
    terms = view.terms
    for t in terms.get("tranches") or []:
        if t.product not in catalog.accelerators:
            from gigawatt.catalog import suggest

            raise GigawattError(f"ledger deal {view.id}: tranche {t.label!r} names product {t.product!r}, which is not in "
                                f"the catalog{suggest(t.product, catalog.accelerators)}")
        basis = "facility" if t.basis == "unstated" else t.basis
        if t.gw is not None:
            out.append(Sized(view.id, t, float(t.gw.value), basis, "stated"))
        elif t.accelerators is not None:
            kw = _it_kw_per_accelerator(t.product, catalog)
            n = float(t.accelerators.value)
            out.append(Sized(view.id, t, n * kw / 1e6, "it", "from accelerator count",
                             detail={"accelerators": n, "it_kw_per_accelerator": kw}))
        else:
            usd_f = t.contract_usd or terms.get("value_usd")
            years_f = terms.get("term_years")
            rate = ledger.rate_for(t.product)
            missing = [name for name, f in (("contract value", usd_f), ("term", years_f)) if f is None or f.x is None]
            if rate is None:
                missing.append(f"a cloud rate for {t.product}")
            if missing:
                problems.append(f"{t.label}: cannot convert contract dollars to GW without {', '.join(missing)}")
                continue
            r = rate.usd_per_gw_year
            per_year = usd_f.x / years_f.x
            out.append(Sized(view.id, t, per_year / r.x, "it", "from contract dollars",
                             low=per_year / r.high if r.high else None, high=per_year / r.low if r.low else None,
                             detail={"contract_usd": usd_f.x, "term_years": years_f.x, "usd_per_year": per_year,
                                     "rate_id": rate.id, "rate_usd_per_gw_year": r.x, "rate_low": r.low, "rate_high": r.high,
                                     "rate_kind": r.kind, "rate_note": r.note}))
    return out, problems


def _stated_facility_gw(view: DealView, pue: float) -> float | None:
    g = view.terms.get("gw")
    if g is None or g.x is None:
        return None
    return g.x * pue if g.basis == "it" else g.x


def _warrant(view: DealView, ledger: Ledger, as_of: str | None):
    w = view.terms.get("warrant")
    if w is None:
        return None
    u = ledger.underlying(w.issuer)
    issued = month_index(str(w.issued.value))
    prices = [p for p in u.prices if as_of is None or date_key(p.date) <= date_key(as_of)] or u.prices[:1]
    price = prices[-1]
    spot_month = max(month_index(price.date[:7]), issued)
    return {
        "shares": int(w.shares.x), "strike_usd": w.strike_usd.x, "issued": str(w.issued.value), "expiry": str(w.expiry.value),
        "shares_outstanding": w.shares_outstanding.x,
        "underlying": {"spot_usd": price.usd, "as_of": month_label(spot_month), "volatility": u.volatility.x,
                       "risk_free_rate": u.risk_free_rate.x,
                       "source": f"{u.sources[price.source].publisher}, {price.date}: ${price.usd:,.2f}"},
        "tranches": [{"shares": t.shares, "gw": t.gw, "price_hurdle_usd": t.price_hurdle_usd, "products": t.products,
                      "assumed": w.tranches_assumed} for t in w.tranches],
        "source": f"ledger {view.id}", "note": w.tranches_note,
    }


@dataclass
class WorldInput:
    """The selected deals sized for the engine, the scenario built from them and the accounting."""

    as_of: str | None
    weights: dict[str, float]
    views: list[DealView]
    scenario: object | None
    rows: list[dict]
    sized: dict[str, list[Sized]]
    guard: list[dict]
    pue: float


def completion_variable(deal_id: str, p: float) -> dict:
    """The ``uncertainty:`` entry that samples whether a ledger deal completes: a 0-or-1 draw
    with probability ``p`` (its status weight) multiplying the GW of every tranche of the deal."""
    return {"name": f"completes.{deal_id}", "dist": {"type": "discrete", "values": [0.0, 1.0], "probs": [round(1.0 - p, 12), p]},
            "targets": [{"field": "deal_completes", "deal": deal_id}]}


def build(ledger: Ledger, catalog, views: list[DealView], as_of: str | None = None,
          weights: dict[str, float] | None = None, name: str = "world", sample_status: bool = False) -> WorldInput:
    """Size every selected deal, apply the double-count guard and status weights, build a scenario.

    Status weights give the expected view: a deal's GW are scaled by its weight. With
    ``sample_status`` a deal whose weight is strictly between 0 and 1 keeps its full size and the
    scenario gets one ``uncertainty:`` entry per such deal (:func:`completion_variable`), so
    ``gigawatt mc`` draws whether each deal completes; its mean is the expected view.
    """
    from gigawatt.scenario.spec import Scenario

    weights = weights or dict(DEFAULT_WEIGHTS)
    pue = _site_pue("gb200", catalog)
    selected = {v.id for v in views}
    rows, sized, guard, deals, uncertain = [], {}, [], [], []
    for v in views:
        e = v.entry
        w = weights.get(v.status, 1.0)
        row = {"id": v.id, "title": e.title, "buyer": e.buyer, "seller": e.seller, "kind": e.kind,
               "kind_label": KIND_LABELS[e.kind], "status": v.status, "announced": v.announced,
               "last_event": {"date": v.last_event.date, "type": v.last_event.type, "summary": v.last_event.summary},
               "weight": w, "gw_stated": v.terms["gw"].public() if "gw" in v.terms else None,
               "value_usd": v.terms["value_usd"].public() if "value_usd" in v.terms else None,
               "superseded_terms": v.superseded(), "counted_in": None, "excluded_reason": None}
        stated_fac = _stated_facility_gw(v, pue)
        if e.within is not None and e.within.id in selected:
            row["counted_in"] = e.within.id
            row["excluded_reason"] = f"counted in {e.within.id}: {e.within.note}"
            guard.append({"id": v.id, "counted_in": e.within.id, "gw_stated_facility": stated_fac, "note": e.within.note})
            row.update(gw_stated_facility=stated_fac, gw_modelled_facility=0.0, gw_unmodelled_facility=0.0,
                       gw_counted_facility=0.0, tranches=[])
            rows.append(row)
            continue
        s, problems = size_tranches(v, ledger, catalog)
        sized[v.id] = s
        modelled = sum(x.gw * (_site_pue(x.tranche.product, catalog) if x.basis == "it" else 1.0) for x in s)
        unmodelled = max(0.0, stated_fac - modelled) if stated_fac is not None else 0.0
        if not s and stated_fac is None:
            row["excluded_reason"] = ("neither GW nor a sizeable quantity (accelerator count, or contract dollars with a term "
                                      "and named hardware) is stated: left out of GW totals")
        elif unmodelled > 1e-9:
            row["unmodelled_reason"] = ("stated GW without named hardware or a schedule for this part: counted in stated GW, "
                                        "not sized in the engine")
        if problems:
            row["sizing_problems"] = problems
        if w == 0:
            row["excluded_reason"] = (row["excluded_reason"] or "") + f" (status {v.status}: weight 0)"
        row.update(gw_stated_facility=stated_fac, gw_modelled_facility=modelled * w, gw_unmodelled_facility=unmodelled * w,
                   gw_counted_facility=(modelled + unmodelled) * w,
                   tranches=[{"label": x.tranche.label, "product": x.tranche.product, "gw": x.gw, "basis": x.basis,
                              "how": x.how, "gw_low": x.low, "gw_high": x.high, "start": x.tranche.start,
                              "ramp_months": x.tranche.ramp_months, "assumed": x.tranche.assumed, "note": x.tranche.note,
                              **({"site": x.tranche.site} if x.tranche.site else {}), **x.detail} for x in s])
        rows.append(row)
        sampled = sample_status and 0 < w < 1 and bool(s)
        if sampled:
            row["completion_probability"] = w
        if s and w > 0:
            scale = 1.0 if sampled else w
            deal = {"name": v.id, "buyer": e.buyer, "supplier": e.seller, "ledger": v.id,
                    "tranches": [{"label": x.tranche.label, "product": x.tranche.product, "gw": x.gw * scale, "basis": x.basis,
                                  "start": x.tranche.start, "ramp_months": x.tranche.ramp_months, "shape": x.tranche.shape}
                                 for x in s],
                    "note": f"status {v.status}" + (f", completes with probability {w:g} (sampled)" if sampled
                                             else f", GW at weight {w:g}" if w != 1 else "")}
            if sampled:
                uncertain.append(completion_variable(v.id, w))
            war = _warrant(v, ledger, as_of)
            if war is not None and (w == 1 or sampled):
                deal["warrant"] = war
            ipg, cap = v.terms.get("investment_per_gw"), v.terms.get("investment_cap_usd")
            if ipg is not None and cap is not None and ipg.x and cap.x:
                eq = (v.terms.get("equity") or [None])[0]
                deal["investment"] = {"usd_per_gw": ipg.x, "cap_usd": cap.x, "source": f"ledger {v.id}",
                                      **({"valuation_usd": eq.valuation_usd.x} if eq is not None and eq.valuation_usd else {})}
            deals.append(deal)
    scenario = None
    if deals:
        starts = [month_index(t["start"]) for d in deals for t in d["tranches"]]
        ends = [month_index(t["start"]) + max(t["ramp_months"], 1) - 1 for d in deals for t in d["tranches"]]
        horizon = {"start": month_label(min(min(starts), month_index(HORIZON_START))),
                   "end": month_label(max(max(ends), month_index(HORIZON_END)))}
        scenario = Scenario.model_validate({
            "name": name, "title": f"Deal ledger as of {as_of or 'today'}: {len(deals)} deals",
            "description": "Built from the deal ledger (gigawatt deals list); sizes and assumptions are listed per deal.",
            "checked": "2026-11-29", "horizon": horizon, "site": SITE, "deals": deals,
            "sources": [f"ledger {v.id}" for v in views if v.id in {d['name'] for d in deals}],
            "uncertainty": uncertain,
        })
    return WorldInput(as_of, weights, views, scenario, rows, sized, guard, pue)


def sample_completion(ledger: Ledger, catalog, views: list[DealView], as_of: str | None, weights: dict[str, float],
                      samples: int, seed: int = 0) -> dict:
    """The Monte Carlo over deal completion: each deal with a status weight strictly between 0
    and 1 completes (all its GW) or not, with its weight as the probability (the same engine and
    sampler as ``gigawatt mc``, on the scenario ``scenario from-ledger --sample-status`` writes)."""
    from gigawatt.engine.mc import simulate

    wi = build(ledger, catalog, views, as_of, weights, sample_status=True)
    if wi.scenario is None or not wi.scenario.uncertainty:
        raise GigawattError("--samples: no selected deal has a status weight strictly between 0 and 1, so there is nothing to "
                            "sample; give --status-weights, e.g. 'rumoured=0.2,loi=0.5,definitive=0.9'")
    result = evaluate(wi, catalog)
    mc = simulate(result, samples=samples, seed=seed).to_dict()
    fan = mc["fans"]["online_gw"]
    ends = [i for i, m in enumerate(result.months) if m[5:7] in ("03", "06", "09", "12")]
    return {
        "samples": samples, "seed": seed,
        "deals_sampled": [{"deal": r["id"], "status": r["status"], "probability": r["completion_probability"],
                           "gw_if_completed": r["gw_modelled_facility"] / r["weight"]}
                          for r in wi.rows if "completion_probability" in r],
        "gw_delivered_at_horizon_end": mc["percentiles"]["gw_delivered"],
        "gw_if_all_complete": result.totals()["gw"],
        "online_gw_quarter_end": {"quarter": [quarter_label(result.months[i]) for i in ends],
                                  **{k: [fan[k][i] for i in ends] for k in ("p5", "p50", "p95")}},
        "notes": ["a sampled deal completes with all its GW or not at all (one 0-or-1 draw per deal, independent across deals)",
                  "the mean is the expected (status-weighted) view; quarter-end fans come from histograms (see gigawatt mc)"],
    }


def evaluate(wi: WorldInput, catalog):
    from gigawatt.analyses.api import evaluate as _evaluate

    if wi.scenario is None:
        raise GigawattError("none of the selected deals can be sized for the engine (no GW, accelerator count or convertible contract)")
    return _evaluate(wi.scenario, catalog=catalog)


def _group_series(result, key_fn, series: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    arr = result.series[series][0]
    for t in result.tranches:
        k = key_fn(t)
        out[k] = out.get(k, 0.0) + arr[t.index]
    return out


def _quarter_end(result, values: np.ndarray) -> dict[str, float]:
    """A stock series (GW online) at the end of each quarter."""
    return {quarter_label(m): float(values[i]) for i, m in enumerate(result.months) if m[5:7] in ("03", "06", "09", "12")}


def report(wi: WorldInput, result, ledger: Ledger, catalog) -> dict:
    """The ``world --json`` contract (see the README)."""
    vendor_of = {t.index: t.vendor for t in result.tranches}
    totals = result.totals()
    rows = wi.rows
    counted = sum(r["gw_counted_facility"] for r in rows)
    modelled = sum(r["gw_modelled_facility"] for r in rows)
    unmodelled = sum(r["gw_unmodelled_facility"] for r in rows)
    # Quarterly GW online and accelerators by buyer / vendor / product.
    quarterly = {"quarter": list(_quarter_end(result, result.series["online_gw"][0].sum(axis=0)))}
    for key, fn in (("buyer", lambda t: t.buyer), ("vendor", lambda t: t.vendor), ("product", lambda t: t.product)):
        for series, label in (("online_gw", "online_gw"), ("accelerators", "accelerators")):
            quarterly[f"{label}_by_{key}"] = {k: list(_quarter_end(result, v).values())
                                              for k, v in _group_series(result, fn, series).items()}
    by_buyer = {}
    for t in result.tranches:
        b = by_buyer.setdefault(t.buyer, {"buyer": t.buyer, "gw": 0.0, "accelerators": 0.0, "capex_usd": 0.0,
                                         "energy_twh_per_year": 0.0})
        for k in ("gw", "accelerators", "capex_usd", "energy_twh_per_year"):
            b[k] += float(result.nameplate[k][0, t.index])
    # Vendor revenue: hardware (system + network capex, by the accelerator's vendor) and cloud contracts.
    hw = result.series["capex_systems_usd"][0] + result.series["capex_network_usd"][0]
    hardware_rev: dict[str, dict[str, float]] = {}
    for t in result.tranches:
        for y, usd in sum_by_period(result.months, hw[t.index]).items():
            d = hardware_rev.setdefault(vendor_of[t.index], {})
            d[y] = d.get(y, 0.0) + usd
    cloud_rev, cloud_notes = _cloud_revenue(wi)
    return {
        "as_of": wi.as_of or "today (every event in the ledger)",
        "status_weights": wi.weights,
        "deals": rows,
        "totals": {"gw_counted_facility": counted, "gw_modelled_facility": modelled, "gw_unmodelled_facility": unmodelled,
                   **{k: totals[k] for k in ("gw", "gw_it", "accelerators", "racks", "capex_usd", "capex_topdown_usd",
                                            "energy_twh_per_year", "co2_mt_per_year", "hbm_gb", "npv_cost_usd")}},
        "horizon_sums": result.horizon_sums(),
        "by_buyer": list(by_buyer.values()),
        "by_vendor": result.groups("vendor"),
        "by_product": result.groups("product"),
        "quarterly": quarterly,
        "vendor_revenue_usd_by_year": {"hardware": hardware_rev, "cloud": cloud_rev},
        "equity_flows": _equity(wi),
        "double_count_guard": wi.guard,
        "conversions": [{"deal": d, "tranche": x.tranche.label, "product": x.tranche.product, "gw_it": x.gw,
                         "gw_it_low": x.low, "gw_it_high": x.high, **x.detail}
                        for d, xs in wi.sized.items() for x in xs if x.how != "stated"],
        "observations": observations(wi, result, ledger),
        "assumed_tranches": [f"{d}: {x.tranche.label}" for d, xs in wi.sized.items() for x in xs if x.tranche.assumed],
        # Registered totals carry the registry's unit (as ``plan --json`` ``units``); ``gw`` is facility GW, ``gw_it`` IT.
        "units": {"gw": registry.get("gw", "nameplate").unit, "usd": "USD (nominal)",
                  "energy_twh_per_year": registry.get("energy_twh_per_year", "nameplate").unit,
                  "accelerators": registry.get("accelerators", "nameplate").unit, "quarterly": "GW online / accelerators at quarter end"},
        "notes": [
            f"GW of basis 'unstated' are read as facility power; stated IT GW are converted at PUE {wi.pue:g} (the catalog's for a DLC site)",
            "every modelled deal runs at one site default (cooling dlc, region us-average); non-US sites use US prices and carbon",
            "hardware revenue = system + network capex of the modelled tranches at catalog prices, by the accelerator's vendor",
            "cloud revenue = stated contract value spread evenly over its stated term from its start (contracts with both)",
            "equity investments are money flows, not GW",
            "sources thin out after about June 2026: later events are unknown, not absent",
            *cloud_notes,
        ],
        "catalog_overrides": [o.public() for o in catalog.overrides],
        "warnings": result.warnings,
    }


def _cloud_revenue(wi: WorldInput) -> tuple[dict, list[str]]:
    out: dict[str, dict[str, float]] = {}
    notes = []
    for v in wi.views:
        row = next(r for r in wi.rows if r["id"] == v.id)
        if v.entry.kind != "cloud-contract" or row["counted_in"]:
            continue
        usd, years = v.terms.get("value_usd"), v.terms.get("term_years")
        start = v.terms.get("start")
        start_m = str(start.value) if start is not None and start.x is None and start.value else None
        if start_m is None and v.terms.get("tranches"):
            start_m = min(t.start for t in v.terms["tranches"])
        if usd is None or usd.x is None or years is None or years.x is None or start_m is None:
            notes.append(f"cloud revenue of {v.id} not spread: needs a stated value, term and start")
            continue
        months = int(round(years.x * 12))
        m0 = month_index(start_m)
        per_month = usd.x * row["weight"] / months
        d = out.setdefault(v.entry.seller, {})
        first_year = m0 // 12  # month indices are year * 12 + month - 1
        for k, n in enumerate(np.bincount((m0 + np.arange(months)) // 12 - first_year)):  # months of the term in each year
            y = f"{first_year + k:04d}"
            d[y] = d.get(y, 0.0) + n * per_month
    return out, notes


def _equity(wi: WorldInput) -> list[dict]:
    out = []
    for v in wi.views:
        for eq in v.terms.get("equity") or []:
            out.append({"deal": v.id, "investor": eq.investor, "investee": v.entry.seller if v.entry.kind == "equity" else v.entry.buyer,
                        "amount_usd": eq.amount_usd.x, "upfront_usd": eq.upfront_usd.x if eq.upfront_usd else None,
                        "contingent_usd": eq.contingent_usd.x if eq.contingent_usd else None,
                        "valuation_usd": eq.valuation_usd.x if eq.valuation_usd else None,
                        "tied_to_deployment": eq.tied_to_deployment, "conditions": eq.conditions, "status": v.status,
                        "date": v.last_event.date})
    return out


def observations(wi: WorldInput, result, ledger: Ledger) -> list[dict]:
    """Reported delivered or energised capacity against the model's timeline at the same month."""
    months = result.months
    out = []
    for v in wi.views:
        for o in v.entry.observations:
            if wi.as_of and date_key(o.date) > date_key(wi.as_of):
                continue
            row = {"deal": v.id, "date": o.date, "what": o.what, "metric": o.metric, "basis": o.basis,
                   "observed": o.value.x, "observed_text": o.value.text(), "unit": o.value.unit, "confirmed": o.confirmed,
                   "kind": o.value.kind, "model": None, "model_note": None}
            m = o.date[:7]
            if m not in months:
                row["model_note"] = "outside the engine's horizon"
                out.append(row)
                continue
            i = months.index(m)
            if o.metric == "contracted_gw":
                cut = date_key(o.date)
                row["model"] = sum((r["gw_stated_facility"] or 0.0) for r in wi.rows
                                   if r["buyer"].lower() == v.entry.buyer.lower() and r["counted_in"] is None
                                   and date_key(r["announced"], end=False) <= cut)
                row["model_note"] = f"stated facility GW of {v.entry.buyer}'s selected deals announced by then"
            else:
                # A site counted inside a contract is modelled by the contract's tranches built at it.
                idx = [t.index for t in result.tranches if t.deal == v.id]
                if not idx:
                    container = v.entry.within.id if v.entry.within else None
                    labels = {x.tranche.label for x in wi.sized.get(container or "", []) if x.tranche.site == v.id}
                    idx = [t.index for t in result.tranches if t.deal == container and t.label in labels]
                    if idx:
                        row["model_note"] = f"the tranches of {container} built at this site"
                if not idx:
                    row["model_note"] = "not modelled (no sized tranche in this selection)"
                elif o.metric == "online_gw":
                    key = "it_mw" if o.basis == "it" else "online_gw"
                    val = float(result.series[key][0, idx, i].sum())
                    row["model"] = val / 1e3 if key == "it_mw" else val
                elif o.metric == "accelerators":
                    row["model"] = float(result.series["accelerators"][0, idx, i].sum())
            out.append(row)
    return out


__all__ = ["build", "evaluate", "report", "select", "parse_weights", "DEFAULT_WEIGHTS", "public_terms"]


RULES = ("contract-date", "pro-rata")


def allocate(desired: np.ndarray, gw: np.ndarray, need: dict[str, np.ndarray], capacity: dict[str, np.ndarray],
             share: float, rule: str, priority: np.ndarray) -> np.ndarray:
    """Cumulative delivered share ``(T, M)`` when deliveries get at most ``share`` of each
    world capacity per month. ``desired`` ``(T, M)``: share of each tranche wanted each month;
    ``need[r]`` ``(T,)``: resource per facility GW. Unserved demand waits (a backlog).

    ``contract-date`` serves tranches in ``priority`` order (earlier contracts first);
    ``pro-rata`` scales every backlog by the same factor, the largest the scarcest resource allows.

    >>> d = np.array([[1.0, 0.0], [1.0, 0.0]]); g = np.array([1.0, 1.0])
    >>> allocate(d, g, {"x": np.array([1.0, 1.0])}, {"x": np.array([1.0, 1.0])}, 1.0, "pro-rata", np.array([0, 1])).tolist()
    [[0.5, 1.0], [0.5, 1.0]]
    >>> allocate(d, g, {"x": np.array([1.0, 1.0])}, {"x": np.array([1.0, 1.0])}, 1.0, "contract-date", np.array([0, 1])).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    n_t, n_m = desired.shape
    backlog = np.zeros(n_t)
    got = np.zeros((n_t, n_m))
    for m in range(n_m):  # a backlog carries forward: the month loop is inherent
        backlog += desired[:, m] * gw
        left = {r: capacity[r][m] * share for r in need}
        if rule == "pro-rata":
            use = {r: float(backlog @ need[r]) for r in need}
            f = min([1.0] + [left[r] / use[r] for r in need if use[r] > 0])
            d = backlog * max(f, 0.0)
        else:
            d = np.zeros(n_t)
            for t in priority:
                possible = min(left[r] / need[r][t] if need[r][t] > 0 else np.inf for r in need)
                d[t] = min(backlog[t], max(possible, 0.0))
                for r in need:
                    left[r] -= d[t] * need[r][t]
        got[:, m] = d
        backlog -= d
    return np.minimum(np.cumsum(got, axis=-1) / gw[:, None], 1.0)


def supply_view(wi: WorldInput, result, ledger: Ledger, catalog, case: str = "base", share: float | None = None,
                rule: str = "contract-date") -> dict:
    """World demand for HBM and CoWoS against world capacity; the binding input; the deals that
    slip under an allocation rule; and power-equipment lead times against each tranche's start."""
    from gigawatt.engine.core import delivered_share, run
    from gigawatt.engine.result import Result
    from gigawatt.analyses.supply import need_per_gw, supply_report, world_capacity

    if rule not in RULES:
        raise GigawattError(f"--allocation must be one of {', '.join(RULES)}, not {rule!r}")
    share_source = "given"
    if share is None:
        share = catalog.default("allocable_share_of_world_supply")
        share_source = f"catalog default allocable_share_of_world_supply ({catalog.defaults['allocable_share_of_world_supply'].value.kind})"
    base = supply_report(result, case, share)
    cap = world_capacity(catalog, result.inputs.month0, len(result.months), case)
    p = result.inputs.p
    gw = result.nameplate["gw"][0]
    need = {r: v[0] for r, v in need_per_gw(result).items()}
    wanted = delivered_share(result.inputs)[0]
    desired = np.diff(wanted, axis=-1, prepend=0.0)
    announced = {v.id: date_key(v.announced, end=False) for v in wi.views}
    order = np.array(sorted(range(len(result.tranches)),
                            key=lambda i: (announced.get(result.tranches[i].deal, ""), p["start_offset"][0, i])))
    delivered = allocate(desired, gw, need, cap, share, rule, order)
    series, npl = run(result.inputs, delivered[None])
    constrained = Result(result.scenario, result.inputs, series, npl, result.catalog, result.source, list(result.warnings))
    month0 = result.inputs.month0
    slips: dict[str, dict] = {}
    for t in result.tranches:
        a = np.flatnonzero(wanted[t.index] >= 1 - 1e-9)
        b = np.flatnonzero(delivered[t.index] >= 1 - 1e-9)
        a_m = int(a[0]) if len(a) else None
        b_m = int(b[0]) if len(b) else None
        slip = (b_m - a_m) if a_m is not None and b_m is not None else None
        d = slips.setdefault(t.deal, {"deal": t.deal, "announced": announced.get(t.deal), "planned_completion": None,
                                      "constrained_completion": None, "slip_months": 0, "undelivered_gw_at_horizon_end": 0.0})
        if a_m is not None and (d["planned_completion"] is None or month_label(month0 + a_m) > d["planned_completion"]):
            d["planned_completion"] = month_label(month0 + a_m)
        if b_m is None:
            d["constrained_completion"] = "after the horizon"
            d["slip_months"] = None
        elif d["constrained_completion"] != "after the horizon":
            lab = month_label(month0 + b_m)
            if d["constrained_completion"] is None or lab > d["constrained_completion"]:
                d["constrained_completion"] = lab
            if slip is not None and d["slip_months"] is not None:
                d["slip_months"] = max(d["slip_months"], slip)
        d["undelivered_gw_at_horizon_end"] = round(d["undelivered_gw_at_horizon_end"] + float((1 - delivered[t.index, -1]) * gw[t.index]), 9)
    slipping = sorted((s for s in slips.values() if s["slip_months"] is None or s["slip_months"] > 0),
                      key=lambda s: (s["slip_months"] is not None, -(s["slip_months"] or 0)))
    # Power equipment: months from a deal's announcement to each tranche's first delivery vs lead times.
    lead = []
    for lt in ledger.market.lead_times:
        months = lt.months.x
        short = []
        for t in result.tranches:
            ann = next((v.announced for v in wi.views if v.id == t.deal), None)
            if ann is None:
                continue
            gap = month_index(t.start) - month_index(ann[:7])
            if gap < months:
                short.append({"deal": t.deal, "tranche": t.label, "months_from_announcement": gap,
                              "gw": float(result.nameplate["gw"][0, t.index])})
        lead.append({"id": lt.id, "name": lt.name, "months": months, "low": lt.months.low, "high": lt.months.high,
                     "applies": lt.applies, "source": {k: s.publisher for k, s in lt.sources.items()},
                     "tranches_inside_lead_time": short, "gw_inside_lead_time": sum(s["gw"] for s in short)})
    q_online = _quarter_end(constrained, constrained.series["online_gw"][0].sum(axis=0))
    q_plan = _quarter_end(result, result.series["online_gw"][0].sum(axis=0))
    return {
        **{k: base[k] for k in ("case", "allocable_share", "quarters", "binding", "peak_share_of_world")},
        "allocable_share_source": share_source,
        "break_even_share": {r: {"share": float(np.max(dem / np.where(cap[r] > 0, cap[r], np.inf))),
                                 "month": result.months[int(np.argmax(dem / np.where(cap[r] > 0, cap[r], np.inf)))]}
                             for r, dem in (("hbm_gb", result.series["hbm_gb_bought"][0].sum(axis=0)),
                                            ("cowos_wafers", result.series["cowos_wafers"][0].sum(axis=0)))},
        "allocation_rule": rule,
        "allocation_note": {"contract-date": "deals announced earlier are served first (then earlier tranches)",
                            "pro-rata": "each month every waiting tranche gets the same share of what supply allows"}[rule],
        "slipping_deals": slipping,
        "deals": list(slips.values()),
        "online_gw_planned_vs_constrained": {"quarter": list(q_plan), "planned": list(q_plan.values()),
                                             "constrained": list(q_online.values())},
        "lead_times": lead,
        "notes": base["notes"] + [
            "the ledger's deals are not all of world demand (Google's own TPUs, other buyers): a share below 1 is the stricter test",
            "lead times are a check, not a schedule: a tranche that starts sooner after its deal than a lead time needs "
            "equipment or a grid connection secured before the deal (or already on site)",
        ],
    }
