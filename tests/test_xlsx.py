"""The Excel workbook: the Drivers sheet's live formulas recomputed by an independent formula engine
(the `formulas` package) against the model's own numbers, flexing a driver moves the totals as the
model does, and the workbook's labels, number formats, charts and language."""
from __future__ import annotations

import dataclasses
import functools
import math
import re
import zipfile

import pytest
import yaml

import gigawatt
from gigawatt.core import registry
from gigawatt.interfaces.report import Context
from gigawatt.core.fmt import vendor_name
from gigawatt.interfaces.report.xlsx import write
from gigawatt.interfaces.report.xlsx_drivers import engine_figures
from gigawatt.scenario.spec import BUILTIN_DIR, load_text, scenario_text

openpyxl = pytest.importorskip("openpyxl")

REL = 1e-9
SHEETS = {"Summary", "Drivers", "Monthly", "Deals", "Tranches", "Warrant", "Shareholder", "Flows", "Supply", "Monte Carlo",
          "Sensitivity", "Inputs", "Sources", "Scenario"}


def _build(tmp_path, name="openai-amd", samples=300, lang="en", result=None, file="w.xlsx"):
    result = result or gigawatt.evaluate(name)
    text = scenario_text(name)
    path = tmp_path / file
    write(result, path, text, ctx=Context.build(result, text, samples, 0), lang=lang)
    return result, path


@pytest.fixture(scope="module")
def amd(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("xlsx"))


def _names(path) -> dict[str, str]:
    """Workbook name → absolute cell reference (``Drivers!$F$21``) or range."""
    wb = openpyxl.load_workbook(path)
    return {n: wb.defined_names[n].attr_text for n in wb.defined_names}


def _recompute(path) -> dict[str, object]:
    """Every named single cell, recomputed by the `formulas` engine (nothing taken from Excel's cache)."""
    formulas = pytest.importorskip("formulas")
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    by_cell = {}
    for key, ranges in solution.items():
        if ":" in key:
            continue
        sheet, cell = key.rsplit("!", 1)
        by_cell[(sheet.split("]", 1)[1].rstrip("'").upper(), cell.upper())] = ranges.value[0, 0]
    out = {}
    for name, ref in _names(path).items():
        if ":" in ref:
            continue
        sheet, cell = ref.split("!")
        out[name] = by_cell.get((sheet.strip("'").upper(), cell.replace("$", "").upper()))
    return out


def _scenario_with(**changes):
    data = yaml.safe_load((BUILTIN_DIR / "openai-amd.yaml").read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return gigawatt.evaluate(load_text(yaml.safe_dump(data, sort_keys=False), "flexed")[0])


def test_drivers_formulas_recompute_to_the_engine_figures(amd):
    result, path = amd
    got = _recompute(path)
    want = engine_figures(result)
    assert set(want) <= set(got)
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=REL), name
    # The headline figures the seed quotes: 6 GW facility, 5 GW IT at PUE 1.2, $300B top-down.
    assert got["total_gw"] == pytest.approx(6.0) and got["total_it_gw"] == pytest.approx(5.0)
    assert got["total_capex_top_down"] == pytest.approx(300e9)
    assert got["total_accelerators"] == pytest.approx(5e9 / result.inputs.p["it_w_per_accel"][0, 0], rel=REL)
    # The cached values (what a viewer without recalculation shows) are the engine's too.
    cached = openpyxl.load_workbook(path, data_only=True)
    ref = _names(path)["total_capex_bottom_up"].split("!")[1].replace("$", "")
    assert cached["Drivers"][ref].value == pytest.approx(result.totals()["capex_usd"], rel=REL)


def test_flexing_drivers_moves_the_totals_as_the_engine_does(amd, tmp_path):
    result, path = amd
    names = _names(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Drivers"]

    def cells(name):
        ref = names[name].split("!")[1].replace("$", "")
        rng = ws[ref]
        return [c for row in (rng if isinstance(rng, tuple) else ((rng,),)) for c in (row if isinstance(row, tuple) else (row,))]

    for c in cells("in_pue"):
        c.value = 1.35
    for c in cells("in_topdown_per_gw"):
        c.value = 40e9
    for c in cells("in_price_mwh"):
        c.value = 95.0
    cells("share_price")[0].value = 600.0
    flexed_path = tmp_path / "flexed.xlsx"
    wb.save(flexed_path)
    got = _recompute(flexed_path)
    flexed = _scenario_with(**{"site.pue": 1.35, "finance.topdown_usd_per_gw": 40e9, "site.electricity_price": 95.0})
    assert flexed.inputs.p["pue"][0] == pytest.approx(1.35) and flexed.inputs.p["usd_per_mwh"][0] == pytest.approx(95.0)
    want = engine_figures(flexed)
    for name in ("total_gw", "total_it_gw", "total_accelerators", "total_systems", "total_capex_systems", "total_capex_network",
                 "total_capex_facility", "total_capex_bottom_up", "total_capex_top_down", "total_energy_twh_per_year",
                 "total_energy_cost_per_year", "capex_ratio"):
        assert got[name] == pytest.approx(want[name], rel=REL), name
    base = engine_figures(result)
    assert got["total_it_gw"] == pytest.approx(6 / 1.35) and got["total_it_gw"] < base["total_it_gw"]  # IT = facility / PUE
    assert got["total_accelerators"] < base["total_accelerators"]
    assert got["total_capex_top_down"] == pytest.approx(240e9)
    # At $600 every GW milestone (6 GW built) and every hurdle ($200-600) is met: all 160M shares.
    assert got["warrant1_vested_shares"] == pytest.approx(160e6)
    assert got["warrant1_intrinsic"] == pytest.approx(160e6 * (600 - 0.01), rel=REL)


def _snake_names() -> set[str]:
    names = {name for _, name in registry.params()}
    r = gigawatt.evaluate("openai-amd")
    names |= set(r.totals()) | set(r.horizon_sums())
    return {n for n in names if "_" in n}


def test_workbook_sheets_labels_number_formats_and_charts(amd):
    result, path = amd
    wb = openpyxl.load_workbook(path)
    assert SHEETS <= set(wb.sheetnames)
    raw = _snake_names()
    for ws in wb.worksheets:
        if ws.title == "Scenario":
            continue
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and c.value.strip() in raw), f"{ws.title}!{c.coordinate}: {c.value}"
    # Summary: labels from the registry, money as $B, counts as whole numbers.
    summary = {}
    for row in wb["Summary"].iter_rows(max_col=2):
        if isinstance(row[0].value, str) and row[0].value not in summary:
            summary[row[0].value] = row[1]
    t = result.totals()
    capex = summary[registry.get("capex_usd", "nameplate").label]
    assert capex.value == pytest.approx(t["capex_usd"]) and '"B"' in capex.number_format and "$" in capex.number_format
    assert summary[registry.get("capex_topdown_usd", "nameplate").label].value == 300e9
    acc = summary["Accelerators"]
    assert acc.value == round(t["accelerators"]) and acc.number_format == "#,##0"
    # Monthly: the labelled Online GW column equals the engine's series; money columns carry $ formats.
    monthly = list(wb["Monthly"].iter_rows())
    header = [c.value for c in monthly[0]]
    col = header.index("Online GW")
    assert [r[col].value for r in monthly[1:]] == pytest.approx(result.monthly(["online_gw"])["online_gw"].tolist())
    capex_col = header.index(registry.get("capex_usd", "series").label)
    assert "$" in monthly[1][capex_col].number_format
    acc_col = next(i for i, h in enumerate(header) if h.startswith("Accelerators online"))
    assert all(float(r[acc_col].value).is_integer() for r in monthly[1:])
    # Tranches and Deals: no fractional accelerators, $ formats on capex.
    rows = list(wb["Tranches"].iter_rows(min_row=3))
    head = [c.value for c in rows[0]]
    j = head.index("Accelerators")
    assert all(float(r[j].value).is_integer() for r in rows[1:] if r[j].value is not None)
    k = head.index(registry.get("capex_topdown_usd", "nameplate").label)
    assert all("$" in r[k].number_format for r in rows[1:] if r[k].value is not None)
    # Warrant: shares in M, probabilities in %.
    warrant = {r[0].value: r[1] for r in wb["Warrant"].iter_rows(max_col=2) if isinstance(r[0].value, str)}
    assert warrant["Shares"].value == 160e6 and '"M"' in warrant["Shares"].number_format
    assert "%" in warrant["P(full vesting)"].number_format
    # Native charts: GW by vendor, capex, energy, cumulative capex on the Summary, and more on other sheets.
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        drawing = z.read("xl/drawings/drawing1.xml").decode()
        texts = " ".join(z.read(n).decode() for n in charts)
    assert len(charts) >= 8 and drawing.count("<c:chart ") >= 4
    for title in ("GW online by vendor", "Capex: bottom-up vs top-down", "Energy per month"):
        assert title in texts


def test_inputs_sheet_has_provenance_and_no_sentinel(amd):
    result, path = amd
    ws = openpyxl.load_workbook(path)["Inputs"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    head, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(head)}
    assert len(body) == len(registry.of_role("input")) * len(result.tranches)
    numbers = [r[col["Value"]] for r in body if isinstance(r[col["Value"]], (int, float))]
    assert all(math.isfinite(v) and v > -1e5 for v in numbers)
    grid = [r for r in body if r[col["Input"]] == registry.get("grid_ready_offset", "input").label]
    assert grid and all(r[col["Value"]] == "no grid constraint" for r in grid)
    pue = [r for r in body if r[col["Input"]] == "PUE"]
    assert all(r[col["From"]] == "catalog" and r[col["Kind"]] and r[col["Source"]] and r[col["As of"]] for r in pue)
    gw = [r for r in body if r[col["Input"]] == registry.get("gw_stated", "input").label]
    assert all(r[col["From"]] == "scenario" and "line" in r[col["Where"]] for r in gw)
    start = [r for r in body if r[col["Input"]] == registry.get("start_offset", "input").label]
    assert [r[col["Value"]] for r in start] == ["Jul 2026", "Jul 2027", "Jan 2029"]


def test_a_grid_constraint_shows_as_a_month(tmp_path):
    result = _scenario_with(**{"site.grid_lead_time_months": 30, "site.grid_requested": "2026-01"})
    _, path = _build(tmp_path, result=result, samples=0)
    ws = openpyxl.load_workbook(path)["Inputs"]
    label = registry.get("grid_ready_offset", "input").label
    values = {r[3].value for r in ws.iter_rows(min_row=4) if r[0].value == label}
    assert values == {"Jul 2028"}


def test_japanese_workbook(tmp_path):
    i18n = pytest.importorskip("gigawatt.core.i18n")
    result, path = _build(tmp_path, samples=0, lang="ja", file="ja.xlsx")
    wb = openpyxl.load_workbook(path)
    assert {"概要", "ドライバー", "月次", "入力", "出典"} <= set(wb.sheetnames)
    labels = {r[0].value for r in wb["概要"].iter_rows(max_col=1)}
    assert i18n.label("capex_usd", "ja", "nameplate") in labels
    assert registry.get("capex_usd", "nameplate").label not in labels
    inputs = {r[0].value for r in wb["入力"].iter_rows(min_row=4, max_col=1)}
    assert i18n.label("pue", "ja", "input") in inputs and i18n.label("grid_ready_offset", "ja", "input") in inputs
    # The formulas still work with the Japanese word for the facility basis.
    got = _recompute(path)
    assert got["total_it_gw"] == pytest.approx(engine_figures(result)["total_it_gw"], rel=REL)


def test_portfolio_workbook_has_a_series_per_vendor(tmp_path):
    result, path = _build(tmp_path, name="openai-portfolio", samples=0, file="p.xlsx")
    header = [c.value for c in next(openpyxl.load_workbook(path)["Monthly"].iter_rows(max_row=1))]
    vendors = {vendor_name(t.vendor) for t in result.tranches}
    assert vendors == {"AMD", "NVIDIA", "Broadcom"} and all(f"Online GW: {v}" in header for v in vendors)
    got = _recompute(path)
    for name, value in engine_figures(result).items():
        assert got[name] == pytest.approx(value, rel=REL), name


# -- a workbook in yen (`report --xlsx --currency JPY`) -------------------------------------------

def _build_jpy(tmp_path, lang="en", samples=300, file="jpy.xlsx"):
    result = gigawatt.evaluate("openai-amd")
    text = scenario_text("openai-amd")
    path = tmp_path / file
    write(result, path, text, ctx=Context.build(result, text, samples, 0, lang=lang, currency="JPY"), lang=lang)
    return result, path


@pytest.fixture(scope="module")
def amd_jpy(tmp_path_factory):
    return _build_jpy(tmp_path_factory.mktemp("xlsx_jpy"))


def _rate() -> dict:
    from gigawatt.ledger.market import fx_per_usd

    return fx_per_usd("JPY")


def test_jpy_drivers_formulas_recompute_in_yen(amd_jpy):
    """The money inputs are in yen, so the live formulas give yen: money totals = the engine's dollars x the
    dated rate; GW, accelerators, TWh, shares and the ratio are unchanged."""
    result, path = amd_jpy
    rate = float(_rate()["per_usd"])
    assert rate > 100  # yen per dollar, not dollars per yen
    got = _recompute(path)
    usd = engine_figures(result)
    money = {"total_capex_systems", "total_capex_network", "total_capex_facility", "total_capex_bottom_up", "total_capex_top_down",
             "total_energy_cost_per_year", "warrant1_intrinsic", "warrant1_vested_value"}
    for name, value in usd.items():
        want = value * rate if name in money else value
        assert got[name] == pytest.approx(want, rel=REL), name
    assert got["total_capex_top_down"] == pytest.approx(300e9 * rate) and got["total_gw"] == pytest.approx(6.0)
    # Flexing the share price in yen moves the intrinsic value in yen (strike 1 cent, converted too).
    names = _names(path)
    wb = openpyxl.load_workbook(path)
    ref = names["share_price"].split("!")[1].replace("$", "")
    wb["Drivers"][ref].value = 600.0 * rate
    flexed = path.parent / "jpy-flexed.xlsx"
    wb.save(flexed)
    again = _recompute(flexed)
    assert again["warrant1_vested_shares"] == pytest.approx(160e6)
    assert again["warrant1_intrinsic"] == pytest.approx(160e6 * (600 - 0.01) * rate, rel=REL)


def _money_cells(wb):
    """Every numeric cell whose format shows money, by sheet."""
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and any(s in c.number_format for s in ("$", "¥", "円")):
                    out.setdefault(ws.title, []).append(c)
    return out


def test_jpy_workbook_every_money_figure_in_yen(amd_jpy, amd):
    result, path = amd_jpy
    f = _rate()
    rate = float(f["per_usd"])
    wb = openpyxl.load_workbook(path)
    cells = _money_cells(wb)
    for sheet in ("Summary", "Drivers", "Deals", "Tranches", "Warrant", "Shareholder", "Flows", "Monte Carlo", "Sensitivity", "Monthly",
                  "Inputs"):
        assert cells.get(sheet), sheet
        assert not [c.coordinate for c in cells[sheet] if "$" in c.number_format], sheet
        assert all("¥" in c.number_format for c in cells[sheet]), sheet
    # The same cells hold the dollar workbook's figure times the rate.
    usd = openpyxl.load_workbook(amd[1])

    def by_label(book, sheet):
        return {r[0].value: r[1].value for r in book[sheet].iter_rows(max_col=2) if isinstance(r[0].value, str)}

    yen_s, usd_s = by_label(wb, "Summary"), by_label(usd, "Summary")
    for name in ("capex_usd", "capex_topdown_usd", "npv_cost_usd"):
        label = registry.get(name, "nameplate").label
        assert yen_s[label] == pytest.approx(usd_s[label] * rate, rel=1e-9), label
    assert yen_s[registry.get("gw", "nameplate").label] == usd_s[registry.get("gw", "nameplate").label]
    yen_w, usd_w = by_label(wb, "Warrant"), by_label(usd, "Warrant")
    for label in ("Strike", "Share price at valuation", "Intrinsic value at spot"):
        assert yen_w[label] == pytest.approx(usd_w[label] * rate, rel=1e-9), label
    assert yen_w["Shares"] == usd_w["Shares"]
    # The capex formats scale yen to trillions, as the HTML report writes them (¥47.0T).
    top = wb["Summary"]
    cell = next(r[1] for r in top.iter_rows(max_col=2) if r[0].value == registry.get("capex_topdown_usd", "nameplate").label)
    assert '"T"' in cell.number_format and ",,,," in cell.number_format
    # The rate and its date on the Summary and Sources sheets; labels say JPY.
    assert yen_s["Exchange rate"] == pytest.approx(rate) and yen_s["Rate date"] == str(f["date"])
    assert yen_s["Money shown in"] == "JPY"
    src = {r[0].value: r[1].value for r in wb["Sources"].iter_rows(max_col=2) if isinstance(r[0].value, str)}
    assert src["Exchange rate"] == pytest.approx(rate) and src["Rate date"] == str(f["date"])
    drivers_units = {r[0].value: r[1].value for r in wb["Drivers"].iter_rows(max_col=2) if isinstance(r[0].value, str)}
    assert drivers_units[registry.get("system_price_usd", "input").label] == "JPY"
    assert drivers_units[registry.get("facility_usd_per_mw_it", "input").label] == "JPY/MW"
    # An uncertain electricity price is money too: its tornado inputs in yen; a cost multiplier is not.
    label = registry.get("usd_per_mwh", "input").label
    yen_rows = [r for r in wb["Sensitivity"].iter_rows(max_col=3) if str(r[0].value).startswith(label)]
    usd_rows = [r for r in usd["Sensitivity"].iter_rows(max_col=3) if str(r[0].value).startswith(label)]
    assert yen_rows and len(yen_rows) == len(usd_rows)
    for y, u in zip(yen_rows, usd_rows):
        assert "¥" in y[1].number_format and y[1].value == pytest.approx(u[1].value * rate) and y[2].value == pytest.approx(u[2].value * rate)
    # Chart axes in yen, none in dollars.
    with zipfile.ZipFile(path) as z:
        texts = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "¥" in texts and '$#' not in texts


def test_japanese_jpy_workbook_writes_cho_and_man_yen(tmp_path):
    i18n = pytest.importorskip("gigawatt.core.i18n")
    result, path = _build_jpy(tmp_path, lang="ja", samples=0, file="ja-jpy.xlsx")
    wb = openpyxl.load_workbook(path)
    cells = _money_cells(wb)
    formats = {c.number_format for cs in cells.values() for c in cs}
    assert formats and all("円" in f and "$" not in f and "¥" not in f for f in formats)
    summary = {r[0].value: r[1] for r in wb["概要"].iter_rows(max_col=3) if isinstance(r[0].value, str)}
    capex = summary[i18n.label("capex_topdown_usd", "ja", "nameplate")]
    assert "兆円" in capex.number_format and capex.value == pytest.approx(300e9 * float(_rate()["per_usd"]))
    assert summary["金額の表示通貨"].value == "円" and summary["レートの日付"].value == str(_rate()["date"])
    got = _recompute(path)
    assert got["total_capex_bottom_up"] == pytest.approx(engine_figures(result)["total_capex_bottom_up"] * float(_rate()["per_usd"]), rel=REL)


def test_japanese_world_sheet_has_japanese_status_and_kind(tmp_path):
    """`report --world --lang ja`: the World sheet's deals table writes statuses and kinds in Japanese, GW as numbers."""
    i18n = pytest.importorskip("gigawatt.core.i18n")
    from gigawatt.interfaces.ledger_cli import world_data
    from gigawatt.interfaces.report.world import STATUS_SHORT

    result = gigawatt.evaluate("openai-amd")
    text = scenario_text("openai-amd")
    ctx = Context.build(result, text, 0, 0, lang="ja", currency="JPY")
    ctx.world = world_data(supply=True)
    path = tmp_path / "world-ja.xlsx"
    write(result, path, text, ctx=ctx, lang="ja")
    ws = openpyxl.load_workbook(path)["世界全体"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[:5] == ["案件", "買い手", "売り手", "種類", "ステータス"])
    body = [r for r in rows[head + 1:] if r[0]]
    by_id = {d["id"]: d for d in ctx.world["deals"]}
    assert len(body) == len(by_id)
    for r in body:
        d = by_id[r[0]]
        assert r[3] == i18n.word("kind", d["kind"], "ja") and r[4] == i18n.word("status", d["status"], "ja")
        assert r[4] not in STATUS_SHORT.values()
        assert r[7] == pytest.approx(d["gw_counted_facility"] or 0.0, abs=1e-3)  # a number, not text


@pytest.fixture(scope="module")
def amd_ja(tmp_path_factory):
    """The Japanese workbook with Monte Carlo, sensitivity, deal and shareholder sheets."""
    return _build(tmp_path_factory.mktemp("xlsx_ja"), samples=300, lang="ja", file="ja.xlsx")


def _strings(ws) -> list[str]:
    return [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]


def test_japanese_workbook_says_the_shareholder_assumptions_notes_and_revenue_basis_in_japanese(amd_ja):
    from gigawatt.core import i18n

    _, path = amd_ja
    wb = openpyxl.load_workbook(path)
    ws = wb["株主視点"]
    cells = _strings(ws)
    # Every assumption row and note is the Japanese of its key (with its year or ticker) ...
    for key, params in (("sh.a.revenue_per_gw", {}), ("sh.a.gross_margin", {}), ("sh.a.tax_rate", {}),
                        ("sh.a.base_eps", {"year": "FY2025"}), ("sh.a.diluted_shares", {"year": "FY2025"}),
                        ("sh.a.consensus_eps", {"year": "FY2026"}), ("sh.a.warrant_shares", {"ticker": "AMD"}),
                        ("sh.n.consensus", {}), ("sh.n.no_consensus", {}), ("sh.n.dilution", {})):
        assert i18n.t(key, "ja", **params) in cells, key
    # ... and no English of them is left: not the phrases, not an English word in the what, unit and kind columns or the notes.
    english = [en.split("{")[0].strip() for k, (en, _) in i18n.STRINGS.items() if k.startswith(("sh.a.", "sh.n.", "sh.basis."))]
    assert not [(e, c) for c in cells for e in english if len(e) > 5 and e in c]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "項目") + 1
    end = next(i for i, r in enumerate(rows) if r[0] == "注記")
    assumption_words = [x for r in rows[start:end] for x in (r[0], r[2], r[3]) if isinstance(x, str)]
    notes = [r[0] for r in rows[end + 1:] if isinstance(r[0], str)]
    assert len(rows[start:end]) >= 10 and len(notes) == 3
    assert not [x for x in assumption_words + notes if re.search(r"\b[a-z]{3,}\b", x)], assumption_words + notes
    # The revenue basis: "stated" on the warrant sheet, "stated: 17.5B USD per GW (...)" in the flows' vendor revenue.
    everywhere = [x for s in wb.worksheets if s.title != "シナリオ" for x in _strings(s)]
    assert "stated" not in everywhere and not [x for x in everywhere if x.startswith("stated:")]
    assert i18n.t("sh.basis.stated", "ja") in _strings(wb["ワラント"])
    assert any(x.startswith("公表値：1GWあたり175億ドル（") for x in _strings(wb["資金の流れ"]))


def test_english_workbook_keeps_the_shareholder_english(amd):
    _, path = amd
    cells = _strings(openpyxl.load_workbook(path)["Shareholder"])
    assert "revenue per GW delivered" in cells and "base EPS, non-GAAP (FY2025)" in cells
    assert any(c.startswith("years without a consensus use the last reported year's actual EPS") for c in cells)


def test_workbook_labels_of_sensitivity_fans_and_drivers_come_from_the_registry(amd, amd_ja):
    from gigawatt.analyses.sensitivity import METRIC_ROLES
    from gigawatt.core import i18n

    for (_, path), lang in ((amd, "en"), (amd_ja, "ja")):
        wb = openpyxl.load_workbook(path)
        sens = " ".join(_strings(wb["Sensitivity" if lang == "en" else "感応度"]))
        for m, role in METRIC_ROLES.items():
            assert i18n.label(m, lang, role) in sens, (lang, m)
        mc = " ".join(_strings(wb["Monte Carlo" if lang == "en" else "モンテカルロ"]))
        for name, role in (("online_gw", "series"), ("delivered_gw", "series"), ("capex_cumulative_usd", "metric")):
            assert i18n.label(name, lang, role) in mc, (lang, name)
        drivers = _strings(wb["Drivers" if lang == "en" else "ドライバー"])
        assert i18n.label("energy_cost_usd_per_year", lang, "metric") in drivers
        assert i18n.label("capex_ratio_topdown_to_bottomup", lang, "metric") in drivers
    assert "Capex over the horizon" in " ".join(_strings(openpyxl.load_workbook(amd[1])["Sensitivity"]))


# -- nothing English that gigawatt writes is left in the Japanese workbook and report -------------

ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z\-']{3,}")
#: Keys of the data files whose values are codes and units: gigawatt writes these in the reader's language itself
#: (a fact's kind "estimate", a unit "stacks", a deal's status), so they never count as source text.
CODE_KEYS = {"unit", "kind", "status", "type", "tier"}
#: Keys whose one-word, lower-case values are identifiers (catalog entries, deals, sources, scenarios, products,
#: families, sites): they may stand as they are. Other one-word, lower-case values are codes ("facility", "s-curve").
ID_KEYS = {"id", "name", "names", "include", "ledger", "product", "hardware", "accelerator", "default_system", "family", "site",
           "sites", "site_class", "software", "source", "sources", "vendor", "region", "cooling", "resource", "share_from",
           "publisher", "via"}
#: Keys whose one-word, lower-case values are free text all the same (a company's exposure "fibre", a note "pre-money").
WORD_KEYS = {"exposure", "note"}
#: Latin-script words a Japanese reader reads as they are that no data file holds (each one a name or a symbol).
SYMBOLS = {
    "TFLOP", "PFLOP", "EFLOP", "ZFLOP",  # compute units (TFLOP/s, 実効PFLOP時間)
    "CoWoS",  # TSMC's packaging technology, a proper name (CoWoSウェハー)
    "GAAP",  # the accounting standard (非GAAP)
    "PERT",  # the distribution's name (PERT分布)
    "Excel",  # the application the Drivers sheet recalculates in
    "YAML",  # the format the scenario file is written in
    "gigawatt",  # this program
}
#: A catalog entry's path (``defaults/it_life_years``, ``systems/helios-72``) and a scenario field's (``deals[0].tranches[1].gw``).
CATALOG_PATH = re.compile(r"\b(?:accelerators|systems|cooling|site_classes|regions|software|defaults|series)/[\w.-]+")
SCENARIO_PATH = re.compile(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+")


def _walk(obj, key=None):
    """Every string in ``obj`` (models, mappings, lists) with the key it sits under."""
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump()
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, k)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            yield from _walk(v, key)
    elif isinstance(obj, str):
        yield key, obj


@functools.cache
def _source_text():
    """What the data files say, read through the project's loaders: the catalog, the deal ledger and its market file
    (the investor facts), the listed companies and the built-in scenarios. Returns (a pattern matching any of their free
    text, their identifiers, the scenario files' lines as written)."""
    from gigawatt.analyses.flows import _companies_data
    from gigawatt.analyses.validate import ATTRIBUTION, reference_rows
    from gigawatt.catalog import load_catalog
    from gigawatt.catalog.schema import SECTIONS
    from gigawatt.core import i18n
    from gigawatt.ledger import load_ledger
    from gigawatt.scenario.spec import builtin_names, builtin_text, load

    cat, ledger = load_catalog(), load_ledger()
    found = [kv for s in SECTIONS for e in cat.section(s).values() for kv in _walk(e)]
    found += [kv for d in ledger.deals.values() for kv in _walk(d)] + list(_walk(ledger.market)) + list(_walk(_companies_data()))
    lines = set()
    for name in builtin_names():
        found += list(_walk(load(name)[0]))
        lines |= {x.strip() for x in builtin_text(name).splitlines()}
    # the built-in scenarios' titles and descriptions in Japanese (labels-ja.csv): the scenario's own words, translated
    found += [(role, v) for (role, _), v in i18n.labels_ja().items() if role in ("scenario_title", "scenario_description")]
    # the validation's reference clusters and the citation of their data set
    found += [kv for row in reference_rows() for kv in _walk(dataclasses.asdict(row))] + [("source", ATTRIBUTION)]
    code = re.compile(r"[a-z0-9][a-z0-9/._-]*")
    text = {v.strip() for k, v in found if k not in CODE_KEYS and ENGLISH_WORD.search(v) and (not code.fullmatch(v) or k in WORD_KEYS)}
    # and their parts, as a citation is quoted in a sentence: between quotes, brackets, commas, semicolons and bars
    text |= {p.strip() for v in list(text) for p in re.split(r"""[;,|()'"\[\]]""", v)
             if ENGLISH_WORD.search(p) and not code.fullmatch(p.strip())}
    ids = {v for k, v in found if k in ID_KEYS and code.fullmatch(v)} | set(SECTIONS) | set(ledger.deals) | set(builtin_names())
    ids |= {i for s in SECTIONS for i in cat.section(s)}
    pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, sorted(text, key=len, reverse=True))) + r")(?![A-Za-z0-9])")
    return pattern, ids, lines


def english_left(text: str) -> list[str]:
    """The English words of ``text`` that are neither source text (a catalog note, a deal's name, a scenario's tranche
    label ...), an identifier, a path, a command in backticks nor one of :data:`SYMBOLS`."""
    pattern, ids, lines = _source_text()
    if "\n" in text:  # a file shown whole (the scenario): line by line
        return [w for line in text.splitlines() for w in english_left(line)]
    if not ENGLISH_WORD.search(text) or text.strip() in lines:
        return []
    rest = re.sub(r"`[^`]*`", " ", pattern.sub(" ", text))
    rest = SCENARIO_PATH.sub(" ", CATALOG_PATH.sub(" ", rest))
    words = [w.strip("'./-") for w in re.findall(r"[A-Za-z0-9][\w\-'./]*", rest)]
    return [w for w in words if ENGLISH_WORD.search(w) and w not in ids and not set(ENGLISH_WORD.findall(w)) <= SYMBOLS]


def _english_cells(path) -> list[tuple[str, str, list[str]]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, english_left(c.value)) for ws in wb.worksheets for r in ws.iter_rows() for c in r
            if isinstance(c.value, str) and not c.value.startswith("=") and english_left(c.value)]


def _section_strings(sec) -> list[str]:
    """Every text of a report section the HTML shows: titles, text, table headings and cells, chart titles, axes, series, notes."""
    out = [sec.title, sec.text]
    for tb in sec.tables:
        out += [tb.title, *tb.columns, *(v for row in tb.rows for v in row if isinstance(v, str))]
    for c in sec.charts:
        out += [c.title, c.y_title, c.x_title, c.y2_title, c.note, *c.series, *(x for x in c.x if isinstance(x, str))]
    return [x for x in out if x]


def _japanese(tmp_path, name="openai-portfolio", samples=200, file="ja.xlsx"):
    result = gigawatt.evaluate(name)
    text = scenario_text(name)
    ctx = Context.build(result, text, samples, 0, lang="ja", currency="JPY")
    path = tmp_path / file
    write(result, path, text, ctx=ctx, lang="ja")
    return ctx, path


def test_japanese_workbook_and_report_leave_nothing_gigawatt_writes_in_english(tmp_path):
    """`report openai-portfolio --lang ja --currency JPY`: every string cell of the workbook and every text of the HTML
    report's sections is Japanese, except source data (catalog notes and sources, the ledger's and the investor facts'
    text, company names, what the scenario files write), identifiers, paths and unit symbols."""
    from gigawatt.interfaces.report.sections import build

    ctx, path = _japanese(tmp_path)
    assert not _english_cells(path)
    assert not [(s.id, x, english_left(x)) for s in build(ctx) for x in _section_strings(s) if english_left(x)]


def test_the_english_check_finds_english_that_gigawatt_writes(tmp_path, monkeypatch):
    from gigawatt.core import i18n

    # Source text, identifiers, paths and symbols pass; generated English does not, alone or beside source text.
    assert not english_left("AMD Helios (72 MI455X + 18 EPYC Venice), CES 2026 [S16, S17] | gigawatt template (see note)")
    assert not english_left("組み込みシナリオ 'openai-amd' の22行目（deals[0].tranches[0].gw）") and not english_left("defaults/cowos_yield")
    assert not english_left("稼働中のBF16ピーク性能 [PFLOP/s]") and not english_left("name: openai-portfolio")
    assert english_left("basis not written: the scenario schema's default") and english_left("estimate, spec")
    assert english_left("triangular (low 0, high 12, mode 6)") and english_left("stacks") and english_left("packages/wafer")
    assert english_left("系統電力 — System power: カタログ systems/helios-72") == ["System", "power"]
    # A note left in English in a whole workbook is found.
    en = i18n.STRINGS["sup.n.demand"][0]
    monkeypatch.setitem(i18n.STRINGS, "sup.n.demand", (en, en))
    _, path = _japanese(tmp_path, "openai-amd", samples=0)
    assert [(sheet, words[:2]) for sheet, _, words in _english_cells(path)] == [("供給", ["demand", "counts"])]
