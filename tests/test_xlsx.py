"""The Excel workbook: the Drivers sheet's live formulas recomputed by an independent formula engine
(the `formulas` package) against the model's own numbers, flexing a driver moves the totals as the
model does, and the workbook's labels, number formats, charts and language."""
from __future__ import annotations

import math
import zipfile

import pytest
import yaml

import gigawatt
from gigawatt.core import registry
from gigawatt.interfaces.report import Context
from gigawatt.interfaces.report.xlsx import vendor_name, write
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
    vendors = {vendor_name(result, t.vendor) for t in result.tranches}
    assert vendors == {"AMD", "NVIDIA", "Broadcom"} and all(f"Online GW: {v}" in header for v in vendors)
    got = _recompute(path)
    for name, value in engine_figures(result).items():
        assert got[name] == pytest.approx(value, rel=REL), name
