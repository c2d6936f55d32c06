"""The dashboard's views (``gigawatt serve``): deal economics, supply, Monte Carlo and compare as
labelled, formatted tables and Plotly charts, in English or Japanese, and the quick edit that
changes one field of a scenario's YAML text in place (comments, key order and layout kept).

The numbers are those of the CLI's JSON (``deals.analyse``, ``supply.supply_report``,
``mc.simulate``, ``compare.compare``); this module only labels, formats and arranges them. A
table is ``{id, title, columns, rows, numeric}`` (``numeric``: the column indices to right-align);
every cell is text, so the page shows it as it is.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from gigawatt.core import i18n

LANGS = ("en", "ja")

@functools.lru_cache(maxsize=None)
def _builtin_fields(name: str) -> dict:
    """The title and description of the built-in scenario ``name`` as its file writes them ({} if none)."""
    import yaml

    from gigawatt.scenario.spec import builtin_text

    text = builtin_text(name)
    data = (yaml.safe_load(text) or {}) if text else {}
    return {k: " ".join(str(data.get(k) or "").split()) for k in ("title", "description")}


def scenario_text_in(scenario, field: str, lang: str = "en") -> str:
    """A scenario's ``title`` or ``description`` in ``lang``: a built-in scenario's Japanese one (``labels-ja.csv``,
    roles ``scenario_title`` / ``scenario_description``) while its text is the built-in's own; a user's scenario,
    or a built-in whose title was edited, keeps its own text."""
    own = getattr(scenario, field, None) or (scenario.name if field == "title" else "")
    ja = i18n.builtin_scenario_text(scenario.name, field, lang)
    if not ja:
        return own
    english = _builtin_fields(scenario.name).get(field)
    return ja if english and english == " ".join(str(own).split()) else own


def _chart_key(chart_id: str) -> str:
    """The :data:`~gigawatt.core.i18n.STRINGS` key of the title of a chart this module knows by id (water's is the report's)."""
    return "en.water_chart" if chart_id == "water" else f"dash.chart.{chart_id}"


def field_label(name: str, lang: str = "en", role: str | None = None) -> str:
    """The label a person reads for an output field, in ``lang``: its registry row's (``fmt.label``; a total at
    full build-out before a derived metric before a monthly series, unless ``role`` says), normalised figures
    (``capex_topdown_usd_per_gw``) as their base's label with "per GW"."""
    from gigawatt.core import fmt
    return fmt.label(name, lang, role)


# -- numbers for people, by kind and language (i18n's conventions) ------------------------------


def money(x: float | None, lang: str = "en", fx: dict | None = None) -> str:
    """``1.898e11`` → ``'$189.8B'`` (en) or ``'1,898億ドル'`` (ja); with ``fx`` (``market.fx_per_usd``) in its currency
    at its dated rate: ``'¥29.7T'`` / ``'29.7兆円'``."""
    return i18n.money(x, lang, *_cur(fx))


def per_share(x: float | None, lang: str = "en", fx: dict | None = None) -> str:
    return i18n.per_share(x, lang, *_cur(fx))


def _cur(fx: dict | None) -> tuple[str, float]:
    """(currency, units per USD) of an ``fx`` object (None: US dollars)."""
    return (fx["currency"], float(fx["per_usd"])) if fx else ("USD", 1.0)


def currency_fx(currency: str | None) -> dict | None:
    """The market file's dated rate for ``currency`` (``fx_per_usd``), None for US dollars."""
    if not currency or currency.upper() == "USD":
        return None
    from gigawatt.ledger.market import fx_per_usd

    return fx_per_usd(currency.upper())


def fx_info(fx: dict | None, lang: str = "en") -> dict:
    """What the page shows about the currency: ``{currency, per_usd, date, kind, source, text}``."""
    if not fx:
        return {"currency": "USD", "per_usd": 1.0, "date": None, "kind": "spec", "source": "by definition", "text": ""}
    cur = fx["currency"]
    if lang == "ja":
        text = f"1米ドル＝{fx['per_usd']:,.2f}{'円' if cur == 'JPY' else cur}（{fx['date']}時点のレート）"
    else:
        text = f"{fx['per_usd']:,.2f} {cur} per USD (rate of {fx['date']})"
    return {"currency": cur, "per_usd": float(fx["per_usd"]), "date": str(fx["date"]), "kind": fx.get("kind"),
            "source": fx.get("source"), "text": text}


def share_count(x: float | None, lang: str = "en") -> str:
    return i18n.shares(x, lang)


def percent(fraction: float | None, digits: int = 1) -> str:
    return i18n.pct(fraction, "en", digits)


def month(m: str | None, lang: str = "en") -> str:
    return i18n.month(m, lang)


def quarter(q: str, lang: str = "en") -> str:
    return i18n.quarter(q, lang)


def by_kind(kind: str, x: float | None, lang: str = "en", fx: dict | None = None, unit: str = "") -> str:
    """A number by its format (the registry's ``format`` column): money in the page's language and currency
    here, everything else as :func:`fmt.by_format` writes it (with ``unit``, the registry's)."""
    from gigawatt.core import fmt
    if x is None:
        return "-"
    if kind == "usd":
        return money(x, lang, fx)
    if kind == "usd_small":
        return per_share(x, lang, fx)
    if kind in ("usd_per_mw", "usd_per_gw"):
        return money(x, lang, fx) + ("/MW" if kind == "usd_per_mw" else "/GW")
    if kind == "usd_per_mwh":
        return per_share(x, lang, fx) + "/MWh"

    return i18n.unit_words(fmt.by_format(x, kind, unit), lang)


def kind_of(name: str, role: str | None = None) -> str:
    """How a field's numbers are written: its registry row's format (money, count, GW, TWh, compute ...), as
    :func:`fmt.lookup` finds it; an unregistered name: money if it ends in ``usd``, else a plain number."""
    from gigawatt.core import fmt
    hit = fmt.lookup(name, role)
    if hit is not None and hit.format:
        return hit.format
    return "usd" if name.endswith("usd") else "number"


def unit_of(name: str, role: str | None = None) -> str:
    """The registry unit a field's values are written with (none for a normalised figure)."""
    from gigawatt.core import fmt
    hit = fmt.lookup(name, role)
    return hit.unit if hit is not None else ""


def table(tid: str, title: str, columns: list[str], rows: list[list], numeric: list[int] | None = None) -> dict:
    return {"id": tid, "title": title, "columns": columns, "rows": [["" if v is None else str(v) for v in r] for r in rows],
            "numeric": numeric or []}


def _figure(chart_id: str, title: str, x: list, series: dict, kind: str, y_title: str, *, percent_axis: bool = False) -> dict:
    from gigawatt.interfaces.report import Chart
    from gigawatt.interfaces.report.plotly_spec import figure

    spec = figure(Chart(chart_id, title, x, series, kind, y_title))
    if percent_axis:  # whole per cents, or one decimal when the curves stay under 10 %
        top = max((abs(v) for ys in series.values() for v in ys if v is not None), default=0.0)
        spec["layout"]["yaxis"]["tickformat"] = ".0%" if top >= 0.1 else ".1%"
    spec["layout"]["xaxis"]["nticks"] = 16
    return {"id": chart_id, **spec}


# -- the plan view's charts: hide views that repeat another ------------------------------------


def _traces(chart: dict) -> list:
    return sorted((list(t.get("y") or []) for t in chart.get("data", [])), key=repr)


def prune_charts(charts: list[dict], n_vendors: int) -> tuple[list[dict], list[dict]]:
    """Drop "GW by product" when it draws the same series as "GW by vendor" (each vendor one
    product), or "GW by vendor" when there is one vendor (the product chart splits it);
    returns the charts kept and ``{id, shown, reason}`` for each chart dropped."""
    by_id = {c["id"]: c for c in charts}
    vendor, product = by_id.get("gw_by_vendor"), by_id.get("gw_by_product")
    hidden = []
    if vendor is not None and product is not None:
        if _traces(vendor) == _traces(product):
            hidden.append({"id": "gw_by_product", "shown": "gw_by_vendor", "reason": "same"})
        elif n_vendors <= 1:
            hidden.append({"id": "gw_by_vendor", "shown": "gw_by_product", "reason": "one_vendor"})
    gone = {h["id"] for h in hidden}
    return [c for c in charts if c["id"] not in gone], hidden


def hidden_notes(hidden: list[dict], lang: str = "en") -> list[str]:
    """One sentence per chart :func:`prune_charts` left out."""
    return [i18n.t("dash.hidden_" + h["reason"], lang, hidden=i18n.t(_chart_key(h["id"]), lang), shown=i18n.t(_chart_key(h["shown"]), lang))
            for h in hidden]


def headline_rows(values: dict, lang: str = "en", fx: dict | None = None) -> list[dict]:
    """The headline (``headline.rows``) as ``{key, id, label, value, text, explain}``; ``id`` is the English
    label as a slug (``facility-gw``), the same in every language (the page's element ids); ``explain``:
    ``{field, role}`` for ``POST /api/explain`` where the figure is a registered output (else None)."""
    import re

    from gigawatt.analyses.headline import rows

    from gigawatt.analyses.headline import METRICS

    english = rows(values, "en")
    here = english if lang == "en" and not fx else rows(values, lang, *_cur(fx))
    explainable = {m.key: {"field": m.name, "role": m.role} for m in METRICS if m.role == "nameplate"}  # per tranche in the panel

    return [{**r.to_dict(), "text": i18n.unit_words(r.text, lang), "id": re.sub(r"[^a-z0-9]+", "-", e.label.lower()).strip("-"),
             "explain": explainable.get(r.key)} for r, e in zip(here, english)]


def localise_chart_titles(charts: list[dict], lang: str) -> list[dict]:
    """Chart titles in ``lang`` for the charts this module knows by id (others unchanged)."""
    if lang == "en":
        return charts
    out = []
    for c in charts:
        key = _chart_key(c["id"])
        title = (c["layout"].get("title") or {}).get("text") or ""
        if key in i18n.STRINGS and title.isascii():  # not already translated (the report's sections translate their own)
            layout = {**c["layout"], "title": {**(c["layout"].get("title") or {}), "text": i18n.t(key, lang)}}
            c = {**c, "layout": layout}
        out.append(c)
    return out


# -- deal economics ----------------------------------------------------------------------------


def _ja_terms(text: str, lang: str) -> str:
    """The deal analysis' few English phrases (price mode, EPS base, tranche) in Japanese."""
    if lang != "ja" or not text:
        return text
    text = re.sub(r"([\d,]+) simulated GBM paths \(seed (\d+)\)", r"GBMによる株価パス \1本（シード \2）", text)
    text = re.sub(r"consensus (FY\d{4})", r"\1 コンセンサス", text)
    text = re.sub(r"(FY\d{4}) actual", r"\1 実績", text)
    text = text.replace("given path", "指定した株価パス")
    return re.sub(r": tranche (\d+)", r": トランシェ \1", text)


def _warrant_tables(w: dict, lang: str, n: int, fx: dict | None = None) -> tuple[list[dict], list[dict]]:
    spot, vol = ("株価", "ボラティリティ") if lang == "ja" else ("spot", "vol")
    sep = "、" if lang == "ja" else "; "
    rows = [
        [i18n.t("dash.shares_strike", lang), f"{w['shares_total']:,} @ {per_share(w['strike_usd'], lang, fx)}"],
        [i18n.t("dash.issued_expires", lang), f"{month(w['issued'], lang)} / {month(w['expiry'], lang)}"],
        [i18n.t("dash.stake", lang), f"{w['stake_pct_pre']:.1f}% / {w['stake_pct_post']:.1f}%"],
        [i18n.t("dash.final_hurdle", lang), money(w["value_at_final_hurdle_usd"], lang, fx)],
        [i18n.t("dash.valuation", lang), f"{_ja_terms(w['price_mode'], lang)}{sep}{month(w['valuation_month'], lang)}{sep}"
                                f"{spot} {per_share(w['spot_usd'], lang, fx)}{sep}{vol} {percent(w['volatility'], 0)}"],
        [i18n.t("dash.value_mean", lang), money(w["value_usd"], lang, fx)],
        [i18n.t("dash.p10_p50_p90", lang), " / ".join(money(w[k], lang, fx) for k in ("value_usd_p10", "value_usd_p50", "value_usd_p90"))],
        [field_label("prob_full_vest", lang, "metric"), percent(w["prob_full_vest"])],
        [i18n.t("dash.expected_vested", lang), f"{share_count(w['expected_vested_shares'], lang)} ({w['expected_dilution_pct']:.1f}%)"],
    ]
    tranches = [[i + 1, f"{t['shares']:,}", f"{t['gw_milestone']:g} GW", per_share(t["price_hurdle"], lang, fx) if t["price_hurdle"] is not None else "-",
                 month(t.get("gw_milestone_month"), lang), percent(t["prob_vest"]), month(t.get("expected_vest_month"), lang),
                 i18n.t("terms.assumed" if t["assumed"] else "dash.public", lang)] for i, t in enumerate(w["tranches"])]
    cols = [i18n.t(k, lang) for k in ("dash.tranche", "dash.shares", "w.col_gw", "dash.price_hurdle", "dash.milestone_month", "dash.p_vest",
                                      "dash.expected_vest", "dash.terms")]
    tables = [table(f"deal{n}-warrant", i18n.t("dash.warrant", lang), [i18n.t("col.item", lang), i18n.t("col.value", lang)], rows, [1]),
              table(f"deal{n}-tranches", i18n.t("dash.warrant_tranches", lang), cols, tranches, [0, 1, 2, 3, 5])]
    pv = w["prob_vest_by_month"]
    series = {f"{i18n.t('dash.tranche', lang)} {k.rsplit('_', 1)[-1]}": v for k, v in pv.items() if k != "month"}
    charts = [_figure(f"deal{n}-vesting", i18n.t("dash.vesting_chart", lang), pv["month"], series, "line", i18n.t("dash.probability", lang),
                      percent_axis=True)]
    return tables, charts


def _shareholder_table(sh: dict, lang: str, n: int, fx: dict | None = None) -> dict | None:
    if not sh.get("available", True) or not sh.get("years"):
        return None
    rows = [[y["fiscal_year"], money(y["revenue_usd"], lang, fx), money(y["gross_profit_usd"], lang, fx), money(y["operating_income_usd"], lang, fx),
             money(y["net_income_usd"], lang, fx), per_share(y["incremental_eps_usd"], lang, fx), per_share(y["base_eps_usd"], lang, fx), _ja_terms(y.get("base_is") or "", lang),
             per_share(y["eps_with_deal_after_dilution_usd"], lang, fx),
             "-" if y.get("accretion_after_dilution_pct") is None else f"{y['accretion_after_dilution_pct']:+.1f}%"]
            for y in sh["years"]]
    cols = [i18n.t(k, lang) for k in ("sh.fy", "sh.revenue", "sh.gross", "dash.operating_income", "sh.net", "sh.eps_added", "sh.base_eps",
                                      "dash.base_is", "dash.eps_after", "sh.accretion")]
    title = f"{i18n.t('dash.shareholder', lang)}: {sh.get('company', '')} ({sh.get('ticker', '')})"
    return table(f"deal{n}-shareholder", title, cols, rows, [1, 2, 3, 4, 5, 6, 8, 9])


def deal_view(out: dict, lang: str = "en", fx: dict | None = None) -> dict:
    """The ``POST /api/deal`` object for a ``deals.analyse`` result."""
    deals = []
    for n, d in enumerate(out["deals"]):
        tables, charts = [], []
        if "warrant" in d:
            t, c = _warrant_tables(d["warrant"], lang, n, fx)
            tables += t
            charts += c
        sh = _shareholder_table(d.get("shareholder") or {}, lang, n, fx)
        if sh is not None:
            tables.append(sh)
            vps = d["shareholder"].get("warrant_value_per_existing_share_usd")
            if vps is not None:
                tables[-1]["note"] = f"{i18n.t('dash.value_per_share', lang)}: {per_share(vps, lang, fx)}"
        if "investment" in d:
            inv = d["investment"]
            rows = [[field_label(k, lang), money(v, lang, fx) if k.endswith("usd") else str(v)]
                    for k, v in inv.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
            tables.append(table(f"deal{n}-investment", i18n.t("dash.investment", lang), [i18n.t("col.item", lang), i18n.t("col.value", lang)],
                                rows, [1]))
        be, bh = d.get("buyer_economics") or {}, d.get("buyer_hourly") or {}
        rows = [[i18n.t("dash.cash_paid", lang), money(be.get("cash_paid_usd"), lang, fx)],
                [field_label("tco_usd_per_accelerator_hour", lang, "metric"), per_share(be.get("tco_usd_per_accelerator_hour"), lang, fx)],
                [field_label("tco_usd_per_effective_pflop_hour", lang, "metric"), per_share(be.get("tco_usd_per_effective_pflop_hour"), lang, fx)]]
        if bh.get("usd_per_accelerator_hour") is not None:  # the capital-recovery cost at the base IT life (not the same figure)
            rows += [[field_label("usd_per_accelerator_hour", lang, "metric"), per_share(bh["usd_per_accelerator_hour"], lang, fx)],
                     [field_label("usd_per_effective_pflop_hour", lang, "metric"), per_share(bh["usd_per_effective_pflop_hour"], lang, fx)]]
        if be.get("payback_month"):
            rows.append([i18n.t("dash.payback", lang), month(be["payback_month"], lang)])
        if be.get("effective_discount_pct") is not None:
            rows.append([i18n.t("dash.warrant_discount", lang), f"{be['effective_discount_pct']:.1f}%"])
        if be.get("investment_received_usd"):
            rows.append([i18n.t("dash.investment_total", lang), money(be["investment_received_usd"], lang, fx)])
        tables.append(table(f"deal{n}-buyer", i18n.t("sec.buyer", lang), [i18n.t("col.item", lang), i18n.t("col.value", lang)], rows, [1]))
        deals.append({"name": d["name"], "buyer": d["buyer"], "supplier": d["supplier"], "note": d.get("note") or "",
                      "tables": tables, "charts": charts})
    notes = []
    mi = out.get("market_inputs")
    if mi and out.get("value_as_of"):
        market = i18n.t("dash.market", lang, name=mi.get("name", ""), spot=per_share((mi.get("spot") or {}).get("value"), lang, fx),
                    date=(mi.get("spot") or {}).get("date", ""), vol=percent((mi.get("volatility") or {}).get("value"), 0))
        notes.append(i18n.t("dash.value_as_of", lang, month=month(out["value_as_of"], lang), market=market))
    if out.get("note"):
        notes.append(i18n.t("dash.no_terms", lang))
    assumed = out.get("assumptions", {}).get("assumed_tranches") or []
    if assumed:
        notes.append(("Not public, assumed: " if lang != "ja" else "非公開のため仮定: ") + _ja_terms(", ".join(assumed), lang))
    return {"scenario": out["scenario"], "value_as_of": out.get("value_as_of"), "deals": deals, "notes": notes,
            "has_terms": not out.get("note")}


# -- supply ------------------------------------------------------------------------------------


def supply_view(rep: dict, slips: list[dict] | None, lang: str = "en") -> dict:
    """The ``POST /api/supply`` object for a ``supply.supply_report`` (and the slips of ``supply.constrained``)."""
    share = rep["allocable_share"]
    peak = max((row["hbm_gb"] for row in rep["quarters"]), default=0.0)
    q = [row for row in rep["quarters"] if row["hbm_gb"] > 1e-6 * peak or row["cowos_wafers"] >= 0.5]  # rounding dust left out
    b = rep["binding"]

    binding = (i18n.t("dash.binding", lang, name=i18n.word("supply_input", b["input"], lang, b["name"]), quarter=quarter(b["quarter"], lang),
                  share=percent(b["share_of_world"], 1), allocable=percent(b["allocable_share"], 1))
               if b else i18n.t("dash.no_binding", lang, allocable=percent(share, 1)))
    from gigawatt.analyses.supply import RESOURCES, resource_label

    rows, by_quarter = [], []
    for row in q:
        over = [resource_label(r) for r in RESOURCES if (row[f"{r.split('_')[0]}_share_of_world"] or 0) > share + 1e-9]
        by_quarter.append({"quarter": row["quarter"], "binding": over})
        rows.append([quarter(row["quarter"], lang), f"{row['hbm_gb'] / 1e6:,.2f} PB", percent(row["hbm_share_of_world"]),
                     f"{round(row['cowos_wafers']):,}", percent(row["cowos_share_of_world"]), ", ".join(over) or i18n.t("none", lang)])
    cols = [i18n.t(k, lang) for k in ("sup.quarter", "dash.hbm_needed", "dash.hbm_share", "dash.cowos_needed", "dash.cowos_share",
                                      "dash.binding_col")]
    tables = [table("supply-quarters", i18n.t("dash.supply_table", lang), cols, rows, [1, 2, 3, 4])]
    if slips:
        srows = [[s["deal"], s["label"] or "", s["product"], month(s["planned_completion"], lang), month(s["constrained_completion"], lang),
                  "-" if s["slip_months"] is None else str(s["slip_months"])] for s in slips]
        cols = [i18n.t(k, lang) for k in ("col.deal", "dash.tranche", "dash.product", "dash.planned", "dash.constrained", "dash.slip")]
        tables.append(table("supply-slips", i18n.t("dash.slips", lang), cols, srows, [5]))
    x = [f"{row['quarter'][:4]}年Q{row['quarter'][-1]}" if lang == "ja" else quarter(row["quarter"], lang) for row in q]  # short on the axis
    chart = _figure("supply_shares", i18n.t("dash.supply_chart", lang), x,
                    {"HBM": [row["hbm_share_of_world"] for row in q], "CoWoS": [row["cowos_share_of_world"] for row in q],
                     i18n.t("dash.allocable", lang): [share] * len(q)}, "line", i18n.t("dash.share_of_world", lang), percent_axis=True)
    chart["data"][-1]["line"]["dash"] = "dash"
    return {"scenario": rep["scenario"], "case": rep["case"], "allocable_share": share, "binding": b, "binding_text": binding,
            "binding_by_quarter": by_quarter, "peak_share_of_world": rep["peak_share_of_world"], "tables": tables, "charts": [chart],
            "notes": [i18n.said(n, lang, ("dash.sup_n.",)) for n in rep["notes"]]}


# -- Monte Carlo -------------------------------------------------------------------------------


def valuation_table(scenario, lang: str = "en", fx: dict | None = None) -> dict | None:
    """The inputs each warrant of ``scenario`` is valued at (None without a warrant): what
    ``gigawatt mc`` prints above its tables."""
    rows = [[d.name, month(d.warrant.underlying.as_of, lang), per_share(d.warrant.underlying.spot_usd, lang, fx),
             d.warrant.underlying.source or "-", percent(d.warrant.underlying.volatility, 0), percent(d.warrant.underlying.risk_free_rate, 2)]
            for d in scenario.deals if d.warrant is not None]
    if not rows:
        return None
    cols = [i18n.t(k, lang) for k in ("col.deal", "dash.val_as_of", "dash.val_spot", "dash.val_source", "dash.val_vol", "dash.val_rate")]
    return table("mc-valuation", i18n.t("dash.mc_valuation", lang), cols, rows, [2, 4, 5])


def mc_view(out: dict, lang: str = "en", fx: dict | None = None) -> dict:
    """A labelled percentile table and the fans, added to ``POST /api/mc``'s object."""
    from gigawatt.core import registry
    qs = (5, 10, 50, 90, 95)
    rows = []
    for k, v in out["percentiles"].items():
        role = "scalar" if ("scalar", k) in registry.params() else None
        kind, unit = kind_of(k, role), unit_of(k, role)
        if k == "completion_month_index":
            cells = [month(v.get(f"p{q}_month"), lang) for q in qs]
            done = i18n.t("dash.completed", lang, share=percent(v.get("share_completed"), 0))
            lab = field_label(k, lang, role)
            mean_month = month(v["mean_month"], lang) if v.get("mean_month") else "-"
            rows.append([f"{lab}（{done}）" if lang == "ja" else f"{lab} ({done})", mean_month, *cells])
            continue
        rows.append([field_label(k, lang, role), by_kind(kind, v.get("mean"), lang, fx, unit),
                     *(by_kind(kind, v.get(f"p{q}"), lang, fx, unit) for q in qs)])
    cols = [i18n.t("dash.output", lang), i18n.t("dash.mean", lang), *(f"P{q}" for q in qs)]
    t = table("mc-percentiles", i18n.t("dash.mc_table", lang, samples=f"{out['samples']:,}", seed=out["seed"]), cols, rows, [1, 2, 3, 4, 5, 6])
    charts = []
    for f, fan in out["fans"].items():
        top = max((abs(x) for x in fan["p95"] if x is not None), default=0.0)
        if f.endswith("_usd"):
            div, unit = i18n.money_axis(lang, _cur(fx)[0])
            div /= _cur(fx)[1]
        elif "pflops" in f:
            div, unit = (1e6, "ZFLOP/s") if top >= 1e6 else (1e3, "EFLOP/s") if top >= 1e3 else (1.0, "PFLOP/s")
        else:
            div, unit = 1.0, "GW"
        series = {k: [None if x is None else x / div for x in fan[k]] for k in ("p5", "p10", "p50", "p90", "p95")}
        chart = _figure(f"fan_{f}", i18n.t(f"dash.fan_{f}", lang), fan["month"], series, "fan", unit)
        if lang == "ja":
            for trace in chart["data"]:
                trace["name"] = str(trace.get("name", "")).replace("median (P50)", "中央値（P50）").replace("median", "中央値")
        charts.append(chart)
    return {"table": t, "charts": charts}


# -- compare -----------------------------------------------------------------------------------


def compare_results(result_a, result_b, lang: str = "en", fx: dict | None = None) -> dict:
    """``compare.compare`` of two results, labelled: the view of :func:`compare_view`."""
    from gigawatt.analyses.compare import summary

    return compare_summaries_view(summary(result_a), summary(result_b), lang, fx)


def compare_summaries_view(summary_a: dict, summary_b: dict, lang: str = "en", fx: dict | None = None) -> dict:
    """:func:`compare_results` from ``compare.summary`` of each result (the server caches those).
    The columns are keyed "A" and "B": two scenarios compared may share a name (an edited
    scenario and its saved version)."""
    from gigawatt.analyses.compare import compare_summaries

    out = compare_summaries([{**summary_a, "name": "A", "inputs": {**summary_a["inputs"], "name": "A"}},
                             {**summary_b, "name": "B", "inputs": {**summary_b["inputs"], "name": "B"}}])
    return compare_view(out, summary_a["name"], summary_b["name"], lang, fx)


def compare_view(out: dict, a: str, b: str, lang: str = "en", fx: dict | None = None) -> dict:
    """Labelled rows for ``compare.compare`` of two scenarios (keyed "A" and "B"): values,
    absolute and % differences, per GW and per effective PFLOP/s; ``a``, ``b``: their names."""
    rows = []
    for k, row in out["outputs"].items():
        kind, unit = kind_of(k), unit_of(k)
        va, vb = row["values"]["A"], row["values"]["B"]
        d = row["diffs_vs_first"]["B"]
        rows.append({"key": k, "label": field_label(k, lang), "a": va, "b": vb, "abs": d["abs"], "pct": d["pct"],
                     "cells": [field_label(k, lang), by_kind(kind, va, lang, fx, unit), by_kind(kind, vb, lang, fx, unit),
                               by_kind(kind, d["abs"], lang, fx, unit),
                               "-" if d["pct"] is None else f"{d['pct']:+,.1f}%"]})
    cols = ["", a, b, i18n.t("dash.difference", lang, a=a, b=b), i18n.t("dash.difference_pct", lang)]
    ia, ib = out["inputs"]["A"], out["inputs"]["B"]

    def show(v) -> str:
        if isinstance(v, list):
            return ", ".join(f"{x:,.4g}" if isinstance(x, float) else str(x) for x in v)
        return "-" if v is None else str(v)

    def horizon(text: str) -> str:
        """``2026-01 to 2035-12`` as the language writes a span of months."""
        m = re.fullmatch(r"(\d{4}-\d{2}) to (\d{4}-\d{2})", str(text))
        return f"{month(m[1], lang)}～{month(m[2], lang)}" if m and lang == "ja" else str(text)

    def years(v) -> str:
        return show(v) + ("年" if lang == "ja" else " " + i18n.t("dash.years", lang))

    inputs = [[i18n.t("dash.horizon", lang), horizon(ia["horizon"]), horizon(ib["horizon"])],
              [i18n.t("dash.products", lang), show(ia["products"]), show(ib["products"])],
              [i18n.t("dash.first_start", lang), month(ia["first_start"], lang), month(ib["first_start"], lang)],
              [i18n.t("dash.topdown", lang), ", ".join(money(x, lang, fx) for x in ia["topdown_usd_per_gw"]),
               ", ".join(money(x, lang, fx) for x in ib["topdown_usd_per_gw"])],
              [field_label("pue", lang, "input"), show(ia["pue"]), show(ib["pue"])],
              [i18n.t("dash.discount", lang), ", ".join(percent(x) for x in ia["discount_rate"]), ", ".join(percent(x) for x in ib["discount_rate"])],
              [i18n.t("dash.electricity", lang), ", ".join(per_share(x, lang, fx) + "/MWh" for x in ia["electricity_usd_per_mwh"]),
               ", ".join(per_share(x, lang, fx) + "/MWh" for x in ib["electricity_usd_per_mwh"])],
              [i18n.t("b.it_life", lang), years(ia["it_life_years"]), years(ib["it_life_years"])]]
    return {"scenarios": [a, b], "title": i18n.t("dash.compare_title", lang, a=a, b=b), "columns": cols, "rows": rows,
            "table": table("compare-outputs", i18n.t("dash.compare_title", lang, a=a, b=b), cols, [r["cells"] for r in rows], [1, 2, 3, 4]),
            "inputs": table("compare-inputs", i18n.t("dash.inputs_title", lang), ["", a, b], inputs),
            "note": out["note"] if lang != "ja" else "差は各シナリオから最初のシナリオを引いた値。GW当たりは施設GW当たり、実効PFLOP/s当たりは"
                                                   "フル稼働時のBF16密演算性能 × 達成率 × 稼働率当たり。"}


# -- the Plan tab's tranche rows and the explain panel -------------------------------------------

#: Per-tranche figures the Plan tab's tranche table shows, each a button that opens its explanation.
TRANCHE_FIGURES = ["facility_mw", "accelerators", "capex_usd"]
#: Units of whole counts, written after the count (in Japanese as :func:`gigawatt.core.i18n.unit_text` words them).
_COUNT_UNITS = ("accelerators", "systems", "racks", "stacks", "wafers", "months")


def tranche_rows(result, lang: str = "en", fx: dict | None = None) -> list[dict]:
    """The Plan tab's tranches: the quick-edit fields (``deal``, ``tranche``, ``label``, ``product``, ``gw``, ``start``,
    ``ramp_months``) and, per tranche, the figures of :data:`TRANCHE_FIGURES` as ``{field, role, label, text}``."""
    scenario = result.scenario
    where = [(j, tr_) for d in scenario.deals for j, tr_ in enumerate(d.tranches)]
    rows = []
    for t, (j, spec) in zip(result.tranches, where):
        figures = []
        for name in TRANCHE_FIGURES:
            v = float(result.nameplate[name][0, t.index])
            figures.append({"field": name, "role": "nameplate", "label": field_label(name, lang, "nameplate"),
                            "text": explain_value(v, unit_of(name, "nameplate"), lang, fx), "value": v})
        rows.append({"deal": t.deal_index, "tranche": j, "index": t.index, "label": t.label, "product": t.product, "gw": spec.gw,
                     "start": spec.start, "ramp_months": spec.ramp_months, "figures": figures})
    return rows


def explain_value(x: float | None, unit: str, lang: str = "en", fx: dict | None = None, month0: int | None = None) -> str:
    """One value of an explanation as people read it, in ``lang`` and the page's currency: money as ¥/$ with
    T/B/M (兆/億), counts as whole numbers, month offsets as months, codes as words; never scientific notation."""
    from gigawatt.analyses.explain import coded_text, codes, quantity
    from gigawatt.core import fmt

    if x is None:
        return "-"
    ja = lang == "ja"
    if codes(unit) is not None:  # a coded input (basis_facility, shape, refresh): the word its unit gives the code
        word = coded_text(x, unit)
        return quantity(x, unit) if word is None else i18n.code_word(int(x), unit, word, lang)
    if unit.startswith("months from horizon start") and month0 is not None:
        if x <= -1e5:
            return "系統制約なし" if ja else "no grid constraint"
        from gigawatt.core.timeline import month_label

        return i18n.month(month_label(month0 + int(round(x))), lang)
    if unit == "USD":
        return money(x, lang, fx)
    if unit in ("USD/MW", "USD/GW"):
        return money(x, lang, fx) + unit[3:]
    if unit == "USD/MWh":
        return per_share(x, lang, fx) + "/MWh"
    if unit in _COUNT_UNITS:
        return f"{fmt.count(x)}{i18n.unit_text(unit, lang)}" if ja else f"{fmt.count(x)} {unit}"
    if unit in ("GW", "MW"):
        return fmt.by_format(x, "gw" if unit == "GW" else "mw")
    if ja and unit and "=" not in unit:
        u = i18n.unit_text(unit, "ja")
        text = quantity(x, "")
        return f"{text}{u}" if u.startswith(("（", "/")) or not u.isascii() and not u[:1].isascii() else f"{text} {u}"
    return quantity(x, unit)


#: Catalog sections as a reader names them (en, ja).
_SECTION_WORDS = {"accelerators": ("accelerator", "アクセラレーター"), "systems": ("system", "システム"), "cooling": ("cooling type", "冷却方式"),
                  "site_classes": ("site class", "サイト区分"), "regions": ("region", "地域"), "software": ("software stack", "ソフトウェア・スタック"),
                  "defaults": ("cost default", "コストの既定値"), "series": ("series", "系列")}


@functools.lru_cache(maxsize=256)
def _entry_name(entry_id: str) -> str:
    """A catalog entry's name (``defaults`` entries: what the default is), else its id."""
    try:
        from gigawatt.catalog import load_catalog

        return load_catalog().find(entry_id)[1].name or entry_id
    except Exception:  # noqa: BLE001 - an id the shipped catalog lacks (a user's override): the id
        return entry_id


def _catalog_where(o: dict, lang: str) -> str:
    """Where a catalog fact is, for people: ``site class hyperscale-liquid, PUE (default)`` (never a field name)."""
    from gigawatt.core import registry

    ja = lang == "ja"
    section = str(o.get("section") or "")
    words = _SECTION_WORDS.get(section, (section.replace("_", " "), section.replace("_", " ")))[1 if ja else 0]
    if section == "defaults":
        return words if ja else f"{words}: {_entry_name(str(o.get('id')))}"
    field = str(o.get("field") or "")
    label = i18n.label(field, lang, "catalog") if ("catalog", field) in registry.params() else field.replace("_", " ")
    return f"{words} {o.get('id')}、{label}" if ja else f"{words} {o.get('id')}, {label}"


def _origin_lines(o: dict, lang: str, fx: dict | None, depth: int, unit: str) -> list[dict]:
    """Where an input's value came from, as lines of the panel (a derived value: its formula, then its parts)."""
    ja = lang == "ja"
    kind = o.get("from")
    if kind == "derived":
        lines = [{"depth": depth, "kind": "derived", "text": ("計算：" if ja else "computed: ")
                  + (i18n.DERIVED_JA.get(o["formula"], o["formula"]) if ja else o["formula"])}]
        from gigawatt.core import registry

        for part, po in o.get("parts", {}).items():
            if ("input", part) in registry.params():  # a registered input (accelerators per system ...): its label
                name = i18n.label(part, lang, "input")
            else:
                name = i18n.DERIVED_JA.get(part, part.replace("_", " ")) if ja else part.replace("_", " ")
            lines.append({"depth": depth + 1, "kind": "part", "text": name})
            lines += _origin_lines(po, lang, fx, depth + 2, po.get("unit", ""))
        return lines
    if kind == "scenario":
        file = str(o.get("file", ""))
        if ja:
            file = "シナリオ" if file == "the scenario" else file.replace("built-in scenario ", "組み込みシナリオ ")
            text = f"出所：{file}" + (f"の{o['line']}行目" if o.get("line") else "") + f"（{o.get('path', '')} = {o.get('value', '')}）"
        else:
            text = "from " + (f"line {o['line']} of " if o.get("line") else "") + f"{file} ({o.get('path', '')} = {o.get('value', '')})"
    elif kind == "catalog":
        v = o.get("value")
        shown = (explain_value(float(v), o.get("unit", "") or "", lang, fx) if isinstance(v, (int, float)) and not isinstance(v, bool)
                 else f"{v} {o.get('unit', '') or ''}".strip())
        kind_word = i18n.word("fact_kind", o.get("kind") or "", lang, o.get("kind") or "")
        tags = ("、" if ja else ", ").join(x for x in (kind_word, str(o.get("as_of") or "")) if x)
        if ja:
            text = (f"出所：{'' if o.get('section') == 'defaults' else 'カタログ '}{_catalog_where(o, lang)} = {shown}"
                    + (f"（{tags}）" if tags else "") + (f"。出典：{o['source']}" if o.get("source") else ""))
        else:
            text = (f"from {'' if o.get('section') == 'defaults' else 'catalog: '}{_catalog_where(o, lang)} = {shown}"
                    + (f" ({tags})" if tags else "") + (f"; source: {o['source']}" if o.get("source") else ""))
    elif kind == "default":
        text = (f"出所：既定値 {o.get('value', '')}" + (f"（{o['note']}）" if o.get("note") else "")) if ja else \
            f"from the default {o.get('value', '')}" + (f" ({o['note']})" if o.get("note") else "")
    else:
        text = ("出所：" + str(o.get("note") or "未設定")) if ja else str(o.get("note") or "not set")
    return [{"depth": depth, "kind": kind or "", "text": text}]


def explain_view(tree: dict, lang: str = "en", fx: dict | None = None, month0: int | None = None) -> dict:
    """``POST /api/explain``'s tree (``analyses.explain``) as the page's panel: a title and one line per step,
    ``{depth, kind, label, value, formula}`` (``kind``: ``step``, ``repeated``, or an origin's ``scenario`` /
    ``catalog`` / ``default`` / ``derived`` / ``part`` with ``text``), labels and formulas in ``lang``, money in the
    page's currency."""
    ja = lang == "ja"
    lines: list[dict] = []

    def add(n: dict, depth: int) -> None:
        role, name = n["role"], n["name"]
        label = i18n.label(name, lang, role)
        value = explain_value(n.get("value"), n.get("unit", ""), lang, fx, month0)
        if n.get("value_is"):
            peak = n["value_is"].replace("peak, in ", "")
            value += (f"（期間合計）" if "sum" in n["value_is"] else f"（ピーク、{i18n.month(peak, 'ja')}）") if ja else f" ({n['value_is']})"
        formula = n.get("formula") or ""
        if ja and formula:
            formula = i18n.labels_ja().get((f"formula_{role}", name), formula)
        if n.get("repeated"):
            lines.append({"depth": depth, "kind": "repeated", "label": label, "value": value,
                          "formula": "上記参照" if ja else "see above"})
            return
        lines.append({"depth": depth, "kind": "step", "label": label, "value": value, "formula": formula})
        if "origin" in n:
            lines.extend(_origin_lines(n["origin"], lang, fx, depth + 1, n.get("unit", "")))
        for child in n.get("from", []):
            add(child, depth + 1)

    add(tree["explain"], 0)
    t = tree["tranche"]
    root = tree["explain"]
    what = i18n.label(root["name"], lang, root["role"])
    title = (f"{what}の出所：トランシェ{t['index'] + 1}（{t['label']}、{t['deal']}）" if ja
             else f"Where {what} comes from: tranche {t['index'] + 1} ({t['label']}, {t['deal']})")
    return {"title": title, "field": root["name"], "role": root["role"], "tranche": t, "lines": lines}


# -- the quick edit: one field, in the YAML text, comments kept ----------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/+-]*")


def _yaml_scalar(value: Any) -> str:
    """``value`` as YAML text that the scenario loader (PyYAML, YAML 1.1) reads back as the same value,
    in block or flow context: plain where that is unambiguous, else JSON (valid YAML flow)."""
    import json
    import math

    import yaml as pyyaml

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            from gigawatt.core.errors import GigawattError

            raise GigawattError("the value must be a finite number")
        text = repr(value)
        if "e" in text or "E" in text:  # YAML 1.1 floats need a dot and a signed exponent: 1.0e-05
            mant, exp = text.lower().split("e")
            text = (mant if "." in mant else mant + ".0") + "e" + (exp if exp[0] in "+-" else "+" + exp)
        return text
    if isinstance(value, str):
        if _PLAIN.fullmatch(value) and value == value.strip():
            try:
                if pyyaml.safe_load(value) == value:
                    return value
            except pyyaml.YAMLError:
                pass
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def edit_yaml(text: str, path: list, value: Any) -> str:
    """``text`` with the field at ``path`` set to ``value``, edited in place: ruamel.yaml's
    round-trip parser finds the value's exact span in the text, and only those characters are
    replaced, so comments, key order, quoting, flow style and blank lines stay as they were.

    (Splicing rather than re-emitting the round-trip tree: ruamel's emitter loses a line break
    in some commented layouts, e.g. a comment line before a flow-style list item.) The text must
    first read through the safe loader's bounds (size, aliases, depth: ``yaml_io.read_yaml``);
    the new value must read back as given; the caller checks the result loads as a scenario.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as RuamelError
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from gigawatt.core.errors import GigawattError
    from gigawatt.core.yaml_io import read_yaml

    read_yaml(text, "the scenario")  # bounds first: size, aliases, depth (refused here, never expanded)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    try:
        node = YAML(typ="rt").compose(body)
    except (RuamelError, ValueError, TypeError) as exc:
        raise GigawattError(f"the scenario's YAML could not be edited in place: {str(exc)[:300]}") from None
    where = ".".join(map(str, path))
    for key in path:
        if isinstance(node, MappingNode):
            found = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(key)]
            if not found:
                raise GigawattError(f"no field {where} in the scenario")
            node = found[-1]
        elif isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            raise GigawattError(f"no field {where} in the scenario")
    start, end = node.start_mark.index, node.end_mark.index
    while end > start and body[end - 1] in " \t\r\n":
        end -= 1
    new = bom + body[:start] + _yaml_scalar(value) + body[end:]
    # What the scenario loader reads back must be what was asked for.
    got, _ = read_yaml(new, "the edited scenario")
    try:
        for key in path:
            got = got[key]
    except (KeyError, IndexError, TypeError):
        got = object()
    if got != value or isinstance(got, bool) != isinstance(value, bool):
        raise GigawattError(f"the value for {where} would not read back as given; edit the YAML text instead")
    return new
