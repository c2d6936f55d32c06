"""The headline metrics (gigawatt.analyses.headline): one list, hand-checked, shown alike by plan, report and page."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import gigawatt
from gigawatt.core import fmt
from gigawatt.analyses import headline
from gigawatt.core import registry
from gigawatt.interfaces.cli import app
from gigawatt.interfaces.report import Context
from gigawatt.interfaces.report.sections import headline as report_headline
from gigawatt.scenario.spec import loads

# 1 GW facility of MI450 at PUE 1.25 and $50B per GW top-down: IT 0.8 GW, top-down $50B.
ONE_GW = """name: one
horizon: {start: 2026-01, end: 2030-12}
site: {pue: 1.25}
finance: {topdown_usd_per_gw: 50e9}
deals:
  - name: D
    buyer: B
    supplier: AMD
    tranches:
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}
"""


@pytest.fixture(scope="module")
def one():
    return gigawatt.evaluate(loads(ONE_GW))


def test_headline_rows_by_hand(one):
    got = dict(headline.pairs(one))
    assert got["Facility GW"] == "1.00 GW"
    assert got["IT GW"] == "0.80 GW"  # 1 GW / 1.25
    assert got["Facility power"] == "1,000 MW"
    assert got["Capex (top-down)"] == "$50.0B"  # 1 GW x $50B per GW
    bottom = one.totals()["capex_usd"]
    assert got["Capex top-down / bottom-up"] == f"{50e9 / bottom:.2f}"


def test_labels_and_formats_come_from_the_registry(one):
    rows = headline.rows(headline.figures(one)[0][1])
    for m, row in zip(headline.METRICS, rows):
        if m.role == "nameplate":
            assert row.label == registry.get(m.name, "nameplate").label
            p = registry.get(m.name, "nameplate")
            assert row.text == fmt.by_format(row.value, p.format, p.unit)
        assert "_" not in row.label and not re.search(r"\de[+-]\d", row.text), row


def test_horizon_sums_per_deal_add_up_to_the_total():
    r = gigawatt.evaluate("openai-portfolio")
    cols = headline.figures(r, by="deal")
    total = headline.figures(r)[0][1]
    assert [c for c, _ in cols] == ["OpenAI-AMD (AMD)", "OpenAI-NVIDIA (NVIDIA)", "OpenAI-Broadcom (Broadcom)"]
    for key in ("co2_t_over_horizon", "water_m3_over_horizon", "gw"):
        assert sum(v[key] for _, v in cols) == pytest.approx(total[key], rel=1e-12)


def test_plan_report_and_page_show_the_same_rows(tmp_path):
    result = gigawatt.evaluate("openai-amd")
    want = headline.pairs(result)
    assert report_headline(Context(result, "")).tables[0].rows == want
    out = CliRunner().invoke(app, ["plan", "openai-amd"], env={"COLUMNS": "200"}).stdout
    for label, text in want:
        assert re.search(rf"{re.escape(label)}\s*│\s*{re.escape(text)}\s*│", out), (label, text)
    from gigawatt.interfaces.server import create_app

    client = TestClient(create_app(tmp_path / "h.db"), base_url="http://localhost")
    assert client.post("/api/evaluate", json={"name": "openai-amd"}).json()["headline"] == want


def test_by_format_never_writes_scientific_notation():
    for f in {p.format for p in registry.params().values()}:
        for x in (0.0, 1e-4, 0.5, 123.456, 1e9, 3.2e15):
            assert not re.search(r"\de[+-]?\d", fmt.by_format(x, f, "u")), (f, x)
    assert fmt.by_format(2.5e9, "usd") == "$2.5B" and fmt.by_format(7.25e6, "usd") == "$7.2M"
