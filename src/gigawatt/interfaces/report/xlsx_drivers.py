"""The Drivers sheet: the key inputs per tranche in input cells that feed live Excel formulas for
the headline totals, so an analyst can flex an assumption (PUE, $/GW, a tranche's GW, the share
price) and see the totals move.

The formulas are the engine's own (``engine.nameplate``), written out cell by cell:

- facility GW = stated GW on the facility basis, else stated GW × PUE; IT GW = stated GW / PUE on
  the facility basis, else stated GW;
- accelerators = IT GW × 1e9 / all-in IT W per accelerator; systems = accelerators / per system;
- systems capex = accelerators × system price / accelerators per system; network = systems ×
  network share; facility and land = IT GW × 1000 × (facility + land $/MW of IT);
- top-down capex = facility GW × $/GW; energy per year = facility GW × 1000 × average load ×
  8760 h / 1e6 [TWh]; energy cost per year = TWh × 1e6 × $/MWh;
- warrant: intrinsic value = shares × max(share price − strike, 0); shares vested at the full
  build-out = the shares of each tranche whose GW milestone is within the deal's facility GW and
  whose hurdle is at or below the share price.

Every total is a workbook name (``total_gw``, ``total_capex_top_down`` …; inputs ``in_pue`` …), and
:func:`engine_figures` gives the engine's number for each, which the tests compare with an
independent formula engine's recalculation.

In a workbook shown in another currency (``--currency JPY``) the money inputs (system price, $/MW,
$/GW, $/MWh, share price, strike) are written in that currency at the market file's rate; every
formula is linear in them, so the money totals (:data:`MONEY_NAMES`) come out in that currency and
the rest (GW, accelerators, TWh, shares, the ratio) are unchanged.
"""
from __future__ import annotations

import numpy as np
from xlsxwriter.utility import xl_rowcol_to_cell

from gigawatt.interfaces.report.xlsx_book import MONEY_KINDS
from gigawatt.model.energy import HOURS_PER_YEAR

#: Input rows: (key, registry input name, kind).
INPUT_ROWS = [
    ("basis", "basis_facility", "text"),
    ("gw", "gw_stated", "gw"),
    ("pue", "pue", "ratio2"),
    ("w_per_accel", "it_w_per_accel", "watts"),
    ("per_system", "accelerators_per_system", "count"),
    ("system_price", "system_price_usd", "usd"),
    ("network", "network_fraction", "pct"),
    ("facility_per_mw", "facility_usd_per_mw_it", "usd_per_mw"),
    ("land_per_mw", "land_usd_per_mw_it", "usd_per_mw"),
    ("topdown_per_gw", "topdown_usd_per_gw", "usd_per_gw"),
    ("load", "average_load", "pct"),
    ("price_mwh", "usd_per_mwh", "usd_per_mwh"),
]

#: Formula rows: (key, registry name, its role (the row that labels it), kind, formula over the column's cells).
FORMULA_ROWS = [
    ("fac_gw", "gw", "nameplate", "gw", '=IF({basis}="IT",{gw}*{pue},{gw})'),
    ("it_gw", "gw_it", "nameplate", "gw", '=IF({basis}="IT",{gw},{gw}/{pue})'),
    ("accelerators", "accelerators", "nameplate", "count", "={it_gw}*1000000000/{w_per_accel}"),
    ("systems", "systems", "nameplate", "count", "={accelerators}/{per_system}"),
    ("capex_systems", "capex_systems_usd", "nameplate", "usd_b", "={accelerators}*{system_price}/{per_system}"),
    ("capex_network", "capex_network_usd", "nameplate", "usd_b", "={capex_systems}*{network}"),
    ("capex_facility", "capex_facility_usd", "nameplate", "usd_b", "={it_gw}*1000*({facility_per_mw}+{land_per_mw})"),
    ("capex_bottom_up", "capex_usd", "nameplate", "usd_b", "={capex_systems}+{capex_network}+{capex_facility}"),
    ("capex_top_down", "capex_topdown_usd", "nameplate", "usd_b", "={fac_gw}*{topdown_per_gw}"),
    ("energy_twh", "energy_twh_per_year", "nameplate", "twh", f"={{fac_gw}}*1000*{{load}}*{HOURS_PER_YEAR:g}/1000000"),
    ("energy_cost", "energy_cost_usd_per_year", "metric", "usd_b", "={energy_twh}*1000000*{price_mwh}"),
]
TOTAL_NAMES = {"fac_gw": "total_gw", "it_gw": "total_it_gw", "accelerators": "total_accelerators", "systems": "total_systems",
               "capex_systems": "total_capex_systems", "capex_network": "total_capex_network",
               "capex_facility": "total_capex_facility", "capex_bottom_up": "total_capex_bottom_up",
               "capex_top_down": "total_capex_top_down", "energy_twh": "total_energy_twh_per_year",
               "energy_cost": "total_energy_cost_per_year"}

#: Named totals that are money (in the workbook's currency); the others have no currency.
MONEY_NAMES = {"total_capex_systems", "total_capex_network", "total_capex_facility", "total_capex_bottom_up", "total_capex_top_down",
               "total_energy_cost_per_year"}


def is_money_name(name: str) -> bool:
    """Whether a named total of the Drivers sheet is money (warrant values included)."""
    return name in MONEY_NAMES or (name.startswith("warrant") and name.endswith(("_intrinsic", "_vested_value")))


def engine_figures(result, per_usd: float = 1.0) -> dict[str, float]:
    """The engine's number for every named total of the Drivers sheet (what the formulas should give);
    money in a currency at ``per_usd`` units per dollar."""
    t = result.totals()
    npl, p = result.nameplate, result.inputs.p
    out = {
        "total_gw": t["gw"], "total_it_gw": t["gw_it"], "total_accelerators": t["accelerators"], "total_systems": t["systems"],
        "total_capex_systems": t["capex_systems_usd"], "total_capex_network": t["capex_network_usd"],
        "total_capex_facility": t["capex_facility_usd"], "total_capex_bottom_up": t["capex_usd"],
        "total_capex_top_down": t["capex_topdown_usd"], "total_energy_twh_per_year": t["energy_twh_per_year"],
        "total_energy_cost_per_year": float((npl["energy_twh_per_year"][0] * 1e6 * p["usd_per_mwh"][0]).sum()),
        "capex_ratio": t["capex_ratio_topdown_to_bottomup"],
    }
    for k, (di, deal) in enumerate(_warrant_deals(result), start=1):
        w = deal.warrant
        spot = w.underlying.spot_usd
        deal_gw = float(sum(npl["gw"][0, t_.index] for t_ in result.tranches if t_.deal_index == di))
        vested = sum(tr.shares for tr in w.tranches if tr.gw <= deal_gw + 1e-9 and tr.price_hurdle_usd <= spot)
        out[f"warrant{k}_intrinsic"] = w.shares * max(spot - w.strike_usd, 0.0)
        out[f"warrant{k}_vested_shares"] = float(vested)
        out[f"warrant{k}_vested_value"] = vested * max(spot - w.strike_usd, 0.0)
    return {k: v * per_usd if is_money_name(k) else v for k, v in out.items()}


def _warrant_deals(result):
    return [(i, d) for i, d in enumerate(result.scenario.deals) if d.warrant is not None]


def write(bk, result, deal: dict | None = None) -> None:
    """The Drivers sheet of workbook ``bk`` (a :class:`.xlsx_book.Book`)."""
    t = bk.t
    ws = bk.sheet("Drivers")
    ref = "'" + ws.get_name().replace("'", "''") + "'"  # the sheet as workbook names refer to it
    tranches = result.tranches
    n = len(tranches)
    p, npl = result.inputs.p, result.nameplate
    first, total_col = 2, 2 + n
    engine_col, change_col = total_col + 1, total_col + 2
    inp = bk.fmt(None, bg_color="#FFF2CC", font_color="#0000FF", border=1, border_color="#BFBFBF")

    def input_fmt(kind):
        return bk.fmt(kind, bg_color="#FFF2CC", font_color="#0000FF", border=1, border_color="#BFBFBF")

    cur = bk.per_usd  # money inputs and cached money results in the workbook's currency (1 in USD)

    row = bk.title(ws, 0, t("Drivers: change an input and the totals recompute in Excel"),
                   t("Formulas are the engine's nameplate formulas; the monthly schedule, Monte Carlo and warrant valuation are not "
                     "recomputed here. 'Engine (as run)' is the model's figure for the inputs as written."))
    ws.set_row(row, 30)
    for j, h in enumerate([t("Driver"), bk.t("Unit"), *[f"{tr.index + 1}: {tr.label}" for tr in tranches], t("Total"),
                           t("Engine (as run)"), t("Change vs engine")]):
        ws.write_string(row, j, h, bk.head)
    row += 1
    deal_row = row
    ws.write_string(row, 0, bk.t("Deal"), bk.bold)
    for i, tr in enumerate(tranches):
        ws.write_string(row, first + i, tr.deal, bk.fmt(None, italic=True))
    row += 1
    row = bk.subtitle(ws, row, t("Inputs (change the yellow cells)"))
    cells: dict[str, int] = {}
    for key, name, kind in INPUT_ROWS:
        cells[key] = row
        ws.write_string(row, 0, bk.label(name, "input"))
        unit = bk.unit(name, "input") if name not in ("basis_facility",) else f"{bk.t('facility')} / IT"
        ws.write_string(row, 1, "" if unit in ("USD", "米ドル") else unit)
        values = p[name][0]
        money = kind in MONEY_KINDS
        k = bk.kind_of("usd", values) if kind == "usd" else kind
        k = bk.cur_kind(k, values) if money else k
        for i in range(n):
            if key == "basis":
                ws.write_string(row, first + i, "IT" if values[i] == 0 else bk.t("facility"), inp)
            else:
                ws.write_number(row, first + i, float(values[i]) * (cur if money else 1.0), input_fmt(k))
        if key == "basis":
            ws.data_validation(row, first, row, first + n - 1, {"validate": "list", "source": [bk.t("facility"), "IT"]})
        bk.wb.define_name(f"in_{key}", f"={ref}!{_range(row, first, first + n - 1)}")
        row += 1
    row += 1
    row = bk.subtitle(ws, row, t("Results (live formulas)"))
    figures = engine_figures(result, cur)
    per_tranche = _engine_per_tranche(result)
    for key, name, role, kind, template in FORMULA_ROWS:
        cells[key] = row
        ws.write_string(row, 0, bk.label(name, role))
        u = bk.unit(name, role)
        ws.write_string(row, 1, bk.currency_word if kind in MONEY_KINDS and bk.converts else "" if u in ("USD", "米ドル") else u)
        money = kind in MONEY_KINDS
        scale = cur if money else 1.0
        if money:
            kind = bk.cur_kind(kind, [figures[TOTAL_NAMES[key]] / cur])
        for i in range(n):
            col = first + i
            refs = {k: xl_rowcol_to_cell(r, col) for k, r in cells.items()}
            ws.write_formula(row, col, template.format(**refs), bk.fmt(kind), float(per_tranche[key][i]) * scale)
        _total(bk, ws, row, first, total_col, engine_col, change_col, kind, figures[TOTAL_NAMES[key]], TOTAL_NAMES[key])
        row += 1
    # The ratio of the totals.
    ws.write_string(row, 0, bk.label("capex_ratio_topdown_to_bottomup", "metric"))
    for i in range(n):
        col = first + i
        ws.write_formula(row, col, f"=IF({_c(cells['capex_bottom_up'], col)}=0,0,"
                                   f"{_c(cells['capex_top_down'], col)}/{_c(cells['capex_bottom_up'], col)})", bk.fmt("ratio2"),
                         float(per_tranche["ratio"][i]))
    bu, td = _c(cells["capex_bottom_up"], total_col), _c(cells["capex_top_down"], total_col)
    ws.write_formula(row, total_col, f"=IF({bu}=0,0,{td}/{bu})", bk.fmt("ratio2", bold=True), float(figures["capex_ratio"] or 0.0))
    bk.wb.define_name("capex_ratio", f"={ref}!{_abs(row, total_col)}")
    ws.write_number(row, engine_col, float(figures["capex_ratio"] or 0.0), bk.fmt("ratio2", font_color="#595959"))
    ws.write_formula(row, change_col, f"=IF({_c(row, engine_col)}=0,0,{_c(row, total_col)}/{_c(row, engine_col)}-1)",
                     bk.fmt("pct"), 0.0)
    row += 2
    # Warrants: intrinsic value at a share price the analyst sets; the tranche table to the right.
    for k, (di, d) in enumerate(_warrant_deals(result), start=1):
        w = d.warrant
        row = bk.subtitle(ws, row, f"{t('Warrant')}: {d.name}")
        r0 = row
        tc = first + 3  # the tranche table's first column
        for j, h in enumerate([t("GW milestone"), t("Shares"), t("Price hurdle")]):
            ws.write_string(r0, tc + j, h, bk.head)
        for j, tr in enumerate(w.tranches):
            ws.write_number(r0 + 1 + j, tc, float(tr.gw), input_fmt("gw"))
            ws.write_number(r0 + 1 + j, tc + 1, float(tr.shares), input_fmt("shares_m"))
            ws.write_number(r0 + 1 + j, tc + 2, float(tr.price_hurdle_usd) * cur, input_fmt(bk.cur_kind("usd_per_share")))
        last = r0 + len(w.tranches)
        gw_rng, sh_rng, hu_rng = (_range_col(tc + j, r0 + 1, last) for j in range(3))
        price, strike = _c(r0, first), _c(r0 + 1, first)
        shares, deal_gw, vested = _c(r0 + 2, first), _c(r0 + 4, first), _c(r0 + 5, first)
        money_word = bk.currency_word if bk.converts else "USD"
        val_kind = bk.cur_kind("usd_b", [figures[f"warrant{k}_intrinsic"] / cur])
        rows = [
            (t("Share price"), money_word, None, bk.cur_kind("usd_per_share"), float(w.underlying.spot_usd) * cur,
             "share_price" if k == 1 else f"share_price_{k}"),
            (t("Strike"), money_word, None, bk.cur_kind("usd_per_share"), float(w.strike_usd) * cur, None),
            (t("Warrant shares"), bk.unit("warrant_shares_vested", "scalar"), f"=SUM({sh_rng})", "shares_m", float(w.shares), None),
            (t("Intrinsic value at this share price"), money_word if bk.converts else "", f"={shares}*MAX({price}-{strike},0)", val_kind,
             figures[f"warrant{k}_intrinsic"], f"warrant{k}_intrinsic"),
            (t("Deal facility GW"), "GW", f'=SUMIF({_range(deal_row, first, first + n - 1)},"{_q(d.name)}",'
                                          f"{_range(cells['fac_gw'], first, first + n - 1)})", "gw",
             float(sum(npl["gw"][0, tr.index] for tr in tranches if tr.deal_index == di)), None),
            (t("Shares vested at full build-out and this price"), bk.unit("warrant_shares_vested", "scalar"),
             f"=SUMPRODUCT(({gw_rng}<={deal_gw}+0.000000001)*({hu_rng}<={price})*{sh_rng})", "shares_m",
             figures[f"warrant{k}_vested_shares"], f"warrant{k}_vested_shares"),
            (t("Value of those shares"), money_word if bk.converts else "", f"={vested}*MAX({price}-{strike},0)", val_kind,
             figures[f"warrant{k}_vested_value"],
             f"warrant{k}_vested_value"),
        ]
        for i, (label, unit, formula, kind, value, name) in enumerate(rows):
            r = r0 + i
            ws.write_string(r, 0, label)
            ws.write_string(r, 1, "" if unit in ("USD", "米ドル") and kind != "usd_per_share" else unit)
            if formula is None:
                ws.write_number(r, first, value, input_fmt(kind))
            else:
                ws.write_formula(r, first, formula, bk.fmt(kind, bold=name is not None), value)
            if name:
                bk.wb.define_name(name, f"={ref}!{_abs(r, first)}")
        ws.write_string(r0, first + 1, f"{bk.t('As of')} {bk.month(w.underlying.as_of)}", bk.fmt(None, font_color="#595959"))
        row = r0 + len(rows)
        wa = next((x.get("warrant") for x in (deal or {}).get("deals", []) if x.get("name") == d.name), None)
        if wa:
            ws.write_string(row, 0, t("Monte Carlo value (not a formula)"))
            ws.write_number(row, first, float(wa["value_usd"]) * cur, bk.fmt(bk.cur_kind("usd_b", [wa["value_usd"]]), font_color="#595959"))
            row += 1
        row = max(row, last + 1) + 1
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 16)
    ws.set_column(first, change_col, 17)
    ws.freeze_panes(4, 2)


def _total(bk, ws, row, first, total_col, engine_col, change_col, kind, engine_value, name):
    ref = "'" + ws.get_name().replace("'", "''") + "'"
    ws.write_formula(row, total_col, f"=SUM({_range(row, first, total_col - 1)})", bk.fmt(kind, bold=True), float(engine_value))
    bk.wb.define_name(name, f"={ref}!{_abs(row, total_col)}")
    ws.write_number(row, engine_col, float(engine_value), bk.fmt(kind, font_color="#595959"))
    ws.write_formula(row, change_col, f"=IF({_c(row, engine_col)}=0,0,{_c(row, total_col)}/{_c(row, engine_col)}-1)",
                     bk.fmt("pct"), 0.0)


def _engine_per_tranche(result) -> dict[str, np.ndarray]:
    npl, p = result.nameplate, result.inputs.p
    bu = npl["capex_usd"][0]
    return {
        "fac_gw": npl["gw"][0], "it_gw": npl["gw_it"][0], "accelerators": npl["accelerators"][0], "systems": npl["systems"][0],
        "capex_systems": npl["capex_systems_usd"][0], "capex_network": npl["capex_network_usd"][0],
        "capex_facility": npl["capex_facility_usd"][0], "capex_bottom_up": bu, "capex_top_down": npl["capex_topdown_usd"][0],
        "energy_twh": npl["energy_twh_per_year"][0], "energy_cost": npl["energy_twh_per_year"][0] * 1e6 * p["usd_per_mwh"][0],
        "ratio": np.where(bu != 0, npl["capex_topdown_usd"][0] / np.where(bu != 0, bu, 1.0), 0.0),
    }


def _c(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def _abs(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def _range(row: int, c0: int, c1: int) -> str:
    return f"{_abs(row, c0)}:{_abs(row, c1)}"


def _range_col(col: int, r0: int, r1: int) -> str:
    return f"{_abs(r0, col)}:{_abs(r1, col)}"


def _q(text: str) -> str:
    return str(text).replace('"', '""')
