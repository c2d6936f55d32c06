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


# Free-text fields of a scenario (name, title, description, deal names, tranche labels) are user
# input: the HTML report must show them as text and never let them close a <script> or open markup.
PAYLOADS = ["</script><script>window.__x=1</script>", "<img src=x onerror=window.__x=1>", "<!--<script>window.__x=1</script>",
            "\"><svg onload=window.__x=1>", "'><b id='x'>&amp;"]


def _hostile_scenario_text() -> str:
    import yaml

    from gigawatt.scenario import BUILTIN_DIR

    data = yaml.safe_load((BUILTIN_DIR / "openai-amd.yaml").read_text(encoding="utf-8"))
    data["name"], data["title"], data["description"] = PAYLOADS[0], PAYLOADS[1], " ".join(PAYLOADS)
    deal = data["deals"][0]
    old = deal["name"]
    deal["name"], deal["buyer"], deal["supplier"] = PAYLOADS[0] + PAYLOADS[1], PAYLOADS[3], PAYLOADS[2]
    for tr, p in zip(deal["tranches"], PAYLOADS):
        tr["label"] = p
    for u in data.get("uncertainty", []):
        for t in u.get("targets", []):
            if t.get("deal") == old:
                t["deal"] = deal["name"]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_html_report_escapes_free_text():
    import re

    from gigawatt.api import evaluate
    from gigawatt.report import Context
    from gigawatt.report.html import render
    from gigawatt.report.sections import build
    from gigawatt.scenario import load_text

    text = _hostile_scenario_text()
    scenario = load_text(text, "hostile")[0]
    result = evaluate(scenario)
    sections = build(Context.build(result, text))
    assert any(s.id == "warrant" and PAYLOADS[0] in s.title for s in sections)  # the deal name reaches a section title
    out = render(sections, scenario.title)
    for p in PAYLOADS:
        assert p not in out
    assert "window.__x" in out  # the text is there, escaped
    assert "&lt;/script&gt;&lt;script&gt;window.__x=1&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=window.__x=1&gt;" in out
    # Exactly the two script elements the report writes (Plotly, then the charts); nothing else opens one.
    assert len(re.findall(r"<script", out, re.IGNORECASE)) == 2
    assert len(re.findall(r"</script", out, re.IGNORECASE)) == 2
    ours = out[:out.index("<script>")] + out[out.index("</script>"):]  # all but plotly.js itself
    assert "<!--" not in ours and "<img" not in ours.lower() and "<svg" not in ours.lower()
    charts = out[out.rindex("<script>"):]
    assert "<" not in charts[len("<script>"):-len("</script></body></html>")]  # JSON in the script carries no '<'
    assert out.endswith("</script></body></html>")


def test_html_render_escapes_section_ids_chart_ids_and_chart_json():
    from gigawatt.report import Chart, Section, Table
    from gigawatt.report.html import render

    p = PAYLOADS[0]
    section = Section("x'><script>window.__x=1</script>", p, p, [Table(p, [p], [[p], [1.5], [PAYLOADS[1] + "\nline 2"]])],
                      [Chart("c'><img src=x onerror=window.__x=1>", p, [p, "b"], {p: [1, 2]}, "line", p, p)])
    out = render([section], p)
    ours = out[:out.index("<script>")] + out[out.index("</script>"):]
    assert p not in out and PAYLOADS[1] not in out
    assert ours.lower().count("<script") == 1 and ours.lower().count("</script") == 2  # ours: the charts' script only
    assert "<img" not in ours and "x'>" not in ours and "c'>" not in ours
    charts = ours[ours.rindex("<script>") + len("<script>"):ours.rindex("</script>")]
    assert "<" not in charts and ">" not in charts and "\\u003c/script\\u003e" in charts
    assert "id='chart-c&#x27;&gt;&lt;img src=x onerror=window.__x=1&gt;'" in ours


def test_report_has_a_validation_section_with_the_epoch_attribution():
    from gigawatt.api import evaluate
    from gigawatt.report import Context
    from gigawatt.report.sections import validation

    section = validation(Context(evaluate("openai-amd")))
    table = section.tables[0]
    first = dict(zip(table.columns, table.rows[0]))
    assert first["Set"] == "Epoch AI public set" and first["Clusters"] == 19
    assert first["Model median error"].endswith("%") and "CC BY 4.0" in section.text
    assert any(r[0].startswith("Family: ") for r in table.rows)


SEED_DEALS = ["--deal", "openai-amd-2025-10", "--deal", "openai-nvidia-2025-09", "--deal", "openai-broadcom-2025-10"]


def test_world_section_for_a_scenario_from_the_ledger(tmp_path):
    from gigawatt.api import evaluate
    from gigawatt.ledger.present import DEAL_COLUMNS
    from gigawatt.report import Context
    from gigawatt.report.sections import build, world

    res = CliRunner().invoke(app, ["scenario", "from-ledger", *SEED_DEALS])
    assert res.exit_code == 0, res.output
    path = tmp_path / "seed.yaml"
    path.write_text(res.stdout)
    section = world(Context(evaluate(path)))
    assert section is not None and section.id == "world"
    deals = next(t for t in section.tables if t.title.startswith("Deals"))
    assert deals.columns == DEAL_COLUMNS
    rows = {r[0]: dict(zip(DEAL_COLUMNS, r)) for r in deals.rows}
    assert set(rows) == {"openai-amd-2025-10", "openai-nvidia-2025-09", "openai-broadcom-2025-10"}
    # NVIDIA 10 GW (an LOI), Broadcom 10 GW, AMD 6 GW: all counted and sized at the default weights.
    assert {k: r["Counted (GW)"] for k, r in rows.items()} == {"openai-amd-2025-10": 6, "openai-nvidia-2025-09": 10,
                                                              "openai-broadcom-2025-10": 10}
    assert rows["openai-nvidia-2025-09"]["Status"] == "letter of intent / term sheet"
    headline = dict(next(t for t in section.tables if t.title == "World headline").rows)
    assert headline["Counted (stated, or sized from counts and contracts)"] == "26.0 GW (facility)"
    assert headline["As of"].startswith("today")
    charts = {c.id: c for c in section.charts}
    assert set(charts) == {"world_gw_by_buyer", "world_gw_by_vendor"}
    buyer, vendor = charts["world_gw_by_buyer"], charts["world_gw_by_vendor"]
    assert list(buyer.series) == ["OpenAI"] and set(vendor.series) == {"amd", "nvidia", "broadcom"}
    # Every quarter, GW by buyer and by vendor add up to the same total; at most the 26 GW stated.
    for i in range(len(buyer.x)):
        assert buyer.series["OpenAI"][i] == pytest.approx(sum(v[i] for v in vendor.series.values()))
    assert max(buyer.series["OpenAI"]) == pytest.approx(26, abs=1e-6)
    assert "Binding supply input:" in section.text and "deal ledger" in section.text and "June 2026" in section.text
    # The section comes in the report's order; a scenario not from the ledger has none.
    assert "world" in [s.id for s in build(Context.build(evaluate(path), "", 0, 0))]
    assert world(Context(evaluate("openai-portfolio"))) is None  # only one of its deals names a ledger entry


def test_report_world_option_adds_the_whole_ledger(tmp_path):
    out = tmp_path / "w.html"
    res = CliRunner().invoke(app, ["report", "openai-amd", "--world", "--html", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "id='world'" in html and "chart-world_gw_by_buyer" in html and "meta-amd-2026-02" in html
    assert "Binding supply input" in html
    res = CliRunner().invoke(app, ["report", "openai-amd", "--html", str(tmp_path / "plain.html")])
    assert res.exit_code == 0 and "id='world'" not in (tmp_path / "plain.html").read_text()
