"""Reports: the numbers equal `plan --json`; Excel sheets; PNG figures."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gigawatt.cli import app


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    res = CliRunner().invoke(app, ["report", "openai-amd", "--html", str(d / "r.html"), "--xlsx", str(d / "r.xlsx"),
                                   "--png", str(d / "figs"), "--samples", "500"])
    assert res.exit_code == 0, res.output
    plan = json.loads(CliRunner().invoke(app, ["plan", "openai-amd", "--json"]).stdout)
    return d, plan


def test_html_is_self_contained_with_every_section(outputs):
    d, plan = outputs
    html = (d / "r.html").read_text()
    assert "<script src=" not in html and "Plotly.newPlot" in html  # plotly inlined, nothing fetched
    for sid in ("headline", "capacity", "capex", "energy", "supply", "warrant", "montecarlo", "sources", "scenario"):
        assert f"id='{sid}'" in html
    t = plan["totals"]
    assert f"{round(t['accelerators']):,}" in html
    assert f"{t['gw']:.2f} / {t['gw_it']:.2f}" in html


def test_xlsx_sheets_and_numbers(outputs):
    openpyxl = pytest.importorskip("openpyxl")
    d, plan = outputs
    wb = openpyxl.load_workbook(d / "r.xlsx", read_only=True)
    assert {"Summary", "Monthly", "Deals", "Tranches", "Inputs", "Sources", "Scenario"} <= set(wb.sheetnames)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary["capex_usd"] == pytest.approx(plan["totals"]["capex_usd"])
    assert summary["capex_topdown_usd"] == 300e9
    monthly = list(wb["Monthly"].iter_rows(values_only=True))
    assert len(monthly) == 1 + len(plan["monthly"]["month"])
    col = next(i for i, h in enumerate(monthly[0]) if h.startswith("online_gw"))
    assert [r[col] for r in monthly[1:]] == pytest.approx(plan["monthly"]["online_gw"])
    assert wb["Sources"].max_row > 10


def test_png_figures(outputs):
    d, _ = outputs
    figs = sorted((d / "figs").glob("*.png"))
    assert len(figs) >= 8 and all(p.stat().st_size > 5000 for p in figs)
    assert (d / "figs" / "fan_gw.png").exists()


def test_report_needs_an_output():
    res = CliRunner().invoke(app, ["report", "openai-amd"])
    assert "say what to write" in str(res.exception)
