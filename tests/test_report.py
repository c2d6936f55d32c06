"""Reports: the numbers equal `plan --json`; Excel sheets; PNG figures."""
from __future__ import annotations

import json

import numpy as np

import pytest
from typer.testing import CliRunner

from gigawatt.interfaces.cli import app


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
    assert f"{t['gw']:.2f} GW" in html and f"{t['gw_it']:.2f} GW" in html


def test_xlsx_sheets_and_numbers(outputs):
    openpyxl = pytest.importorskip("openpyxl")
    d, plan = outputs
    wb = openpyxl.load_workbook(d / "r.xlsx", read_only=True)
    assert {"Summary", "Monthly", "Deals", "Tranches", "Inputs", "Sources", "Scenario"} <= set(wb.sheetnames)
    summary = {}
    for row in wb["Summary"].iter_rows(values_only=True):
        summary.setdefault(row[0], row[1])  # labelled rows (the first "Capex (bottom-up)" is the build-out total)
    assert summary["Capex (bottom-up)"] == pytest.approx(plan["totals"]["capex_usd"])
    assert summary["Capex (top-down)"] == 300e9
    monthly = list(wb["Monthly"].iter_rows(values_only=True))
    assert len(monthly) == 1 + len(plan["monthly"]["month"])
    col = monthly[0].index("Online GW")
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

    from gigawatt.scenario.spec import BUILTIN_DIR

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

    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.html import render
    from gigawatt.interfaces.report.sections import build
    from gigawatt.scenario.spec import load_text

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
    from gigawatt.interfaces.report import Chart, Section, Table
    from gigawatt.interfaces.report.html import render

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
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.sections import validation

    section = validation(Context(evaluate("openai-amd")))
    table = section.tables[0]
    first = dict(zip(table.columns, table.rows[0]))
    assert first["Set"] == "Epoch AI public set" and first["Clusters"] == 19
    assert first["Model median error"].endswith("%") and "CC BY 4.0" in section.text
    assert any(r[0].startswith("Family: ") for r in table.rows)


SEED_DEALS = ["--deal", "openai-amd-2025-10", "--deal", "openai-nvidia-2025-09", "--deal", "openai-broadcom-2025-10"]


def test_world_section_for_a_scenario_from_the_ledger(tmp_path):
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report.world import DEAL_COLUMNS
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.sections import build, world

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
    assert list(buyer.series) == ["OpenAI"] and set(vendor.series) == {"AMD", "NVIDIA", "Broadcom"}  # names, not ids
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


# --- client-ready output: labels, formats, executive summary, languages, PDF -------------------

import re  # noqa: E402

#: Raw field names (``capex_usd``, ``online_gw``, ``energy_mwh`` ...) and snake_case ids in visible text.
FIELD_NAME = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*(usd|gw|mw|mwh|twh|t|m3|pct|months?|index|kw|gb|tflops|pflops_bf16)\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9]+(_[a-z0-9]+)*\b(?!\.\w)")  # not file names cited as sources (x_y.py)
SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE][+-]?\d+\b")


def visible_text(page: str) -> str:
    """The report's text a reader sees: no <script> (Plotly and the chart JSON), <style>, or the collapsed scenario file."""
    import html as _html

    page = re.sub(r"<script>.*?</script>", " ", page, flags=re.S)
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<details>.*?</details>", " ", page, flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def chart_text(page: str) -> list[str]:
    """Titles, axis titles and legend names of every chart (from the Plotly calls)."""
    script = page[page.rindex("<script>"):]
    names = re.findall(r'"(?:name|text)": "((?:[^"\\]|\\.)*)"', script)
    return [json.loads(f'"{n}"') for n in names]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("client")
    for lang in ("en", "ja"):
        res = CliRunner().invoke(app, ["report", "openai-amd", "--html", str(d / f"{lang}.html"), "--png", str(d / f"figs-{lang}"),
                                       "--samples", "400", "--lang", lang])
        assert res.exit_code == 0, res.output
    return d


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_shows_no_field_names_and_no_scientific_notation(reports, lang):
    page = (reports / f"{lang}.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert not FIELD_NAME.search(text), FIELD_NAME.search(text)
    assert not SNAKE.search(text), SNAKE.search(text)[0]
    assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text)[0]
    for name in chart_text(page):  # chart titles, axes and legends: labels, not ids
        assert not SNAKE.search(name) and not SCIENTIFIC.search(name), name
        assert name not in ("amd", "nvidia", "mi450", "vr200", "racks x 100", "top-down ($/GW)"), name
    # Sections a client asks for, in the language.
    for sid in ("summary", "warrant", "shareholder", "buyer", "capacity", "capex", "supply", "energy", "montecarlo", "sensitivity",
                "validation", "sources"):
        assert f"id='{sid}'" in page, sid
    # The title appears once as a heading (no second copy as a section title).
    assert page.count("<h1>") == 1 and page.count("<h2>OpenAI-AMD 6 GW Instinct partnership</h2>") == 0


def test_the_field_name_check_can_fail():
    bad = "<p>capex_usd 7.21109e+11</p><script>var capex_usd = 1e11</script>"
    text = visible_text(bad)
    assert FIELD_NAME.search(text) and SCIENTIFIC.search(text)
    assert "var" not in text  # scripts are not visible text


def test_executive_summary_numbers_equal_the_engine():
    """openai-amd by hand: 6 GW facility at PUE 1.2 = 5 GW IT; top-down 6 GW x $50B = $300B; AMD revenue 6 GW x $17.5B =
    $105B; the sixth GW delivered in June 2030 (tranches to 2H 2029 plus the ramp); warrant value as the deal analysis says."""
    from gigawatt.core import fmt
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.sections import summary

    result = evaluate("openai-amd")
    ctx = Context.build(result, "")
    sec = summary(ctx)
    table = sec.tables[0]
    assert len(table.rows) == 5
    rows = {r[0]: r[1] for r in table.rows}
    t = result.totals()
    assert t["gw"] == pytest.approx(6.0) and t["gw_it"] == pytest.approx(5.0) and t["capex_topdown_usd"] == pytest.approx(300e9)
    assert rows["Capacity (facility)"] == "6.0 GW"
    assert rows["Headline capex (top-down)"] == "$300.0B" == fmt.money(t["capex_topdown_usd"])
    assert rows["Full build-out delivered"] == "Jun 2030"
    d = result.monthly(["delivered_gw"])["delivered_gw"]
    assert result.months[int(np.argmax(d >= 6 - 1e-6))] == "2030-06"
    w = ctx.deal["deals"][0]["warrant"]
    assert rows["Warrant value (OpenAI-AMD)"] == fmt.money(w["value_usd"])
    assert rows["AMD revenue from the deal"] == "$105.0B"
    assert ctx.deal["deals"][0]["supplier_economics"]["revenue_usd_total"] == pytest.approx(105e9)
    assert "1,716,247 accelerators" in table.rows[0][2] and f"{round(t['accelerators']):,}" == "1,716,247"
    assert "$300.0B" in sec.text and "Jun 2030" in sec.text and "Oct 2030" in sec.text  # the paragraph names the expiry


def test_summary_states_the_share_of_simulations_after_the_warrant_expiry():
    from gigawatt.core import i18n
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.sections import summary

    ctx = Context.build(evaluate("openai-amd"), "", samples=400, seed=3)
    ms = ctx.mc["milestones"]
    late = 1 - ms["prob_delivered_by"][ms["gw"].index(6.0)][ms["month"].index("2030-10")]
    text = summary(ctx).text
    assert f"in {i18n.pct(late, 'en', 0)} of 400 simulations" in text and "after the warrant's expiry (Oct 2030)" in text


def test_charts_fixed(reports):
    """CO2 lines told apart, racks not on the accelerator axis, the top-down bar its own colour and labelled as a total, money in $B."""
    from gigawatt.analyses.api import evaluate
    from gigawatt.interfaces.report import Context
    from gigawatt.interfaces.report.plotly_spec import figure
    from gigawatt.interfaces.report.sections import build

    secs = {s.id: s for s in build(Context.build(evaluate("openai-portfolio"), ""))}
    charts = {c.id: c for s in secs.values() for c in s.charts}
    co2 = figure(charts["co2"])["data"]
    assert co2[0]["line"].get("dash") != co2[1]["line"].get("dash") and "markers" in co2[0]["mode"] + co2[1]["mode"]
    assert list(charts["accelerators"].series) == ["Accelerators online"] and "per rack" in charts["accelerators"].note
    bars = figure(charts["capex_segments"])["data"]
    top = next(b for b in bars if b["name"].startswith("Top-down"))
    assert top["name"] == "Top-down total ($/GW × GW)" and all(b["marker"]["color"] != top["marker"]["color"] for b in bars if b is not top)
    assert charts["capex_segments"].y_title == "$B" and max(charts["capex_segments"].series[top["name"]]) < 1e4
    assert set(charts["gw_by_vendor"].series) == {"AMD", "NVIDIA", "Broadcom"}
    assert "NVIDIA Rubin (VR200)" in charts["gw_by_product"].series
    assert figure(charts["capex_cumulative"])["layout"]["yaxis"]["exponentformat"] == "none"
    w = next(c for c in charts.values() if c.id == "vesting")
    assert max(max(v) for v in w.series.values()) <= 100 and "%" in w.y_title  # probability in %


def test_warrant_table_formats(reports):
    page = (reports / "en.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert "$600.00" in text and "26.7M" in text and "%" in text  # hurdles with $, shares in M, P(vest) in %
    assert not re.search(r"\b0\.\d{4}\b", text)  # no raw probabilities like 0.6568


def test_japanese_report_has_japanese_headings_and_labels(reports):
    page = (reports / "ja.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert "<html lang='ja'>" in page
    for heading in ("エグゼクティブ・サマリー", "案件の経済性", "買い手の経済性", "稼働容量の推移", "設備投資", "供給制約：HBMとCoWoS",
                    "モンテカルロ・シミュレーション", "感応度分析", "出典（付録）"):
        assert f">{heading}" in page, heading
    for english in ("Executive summary", "Capacity over time", "Where the money goes", "Five numbers that matter", "Percentiles over"):
        assert english not in text, english
    assert "設備投資（ボトムアップ）" in text and "稼働中のアクセラレーター数" in chart_text(page)  # registry labels in Japanese
    assert "3,000億ドル" in text and "2030年6月" in text and "1億6,000万株" in text  # money, months and shares the Japanese way
    assert "GW（施設）" in "".join(chart_text(page))


def test_report_in_yen(tmp_path):
    from gigawatt.ledger.market import fx_per_usd

    out = tmp_path / "jpy.html"
    res = CliRunner().invoke(app, ["report", "openai-amd", "--html", str(out), "--lang", "ja", "--currency", "JPY"])
    assert res.exit_code == 0, res.output
    rate = fx_per_usd("JPY")["per_usd"]
    from gigawatt.core import i18n
    assert i18n.money(300e9, "ja", "JPY", rate) in visible_text(out.read_text(encoding="utf-8"))
    assert "兆円" in visible_text(out.read_text(encoding="utf-8"))


def test_png_figures_in_japanese_and_money_axes(reports):
    figs = sorted((reports / "figs-ja").glob("*.png"))
    assert {p.stem for p in figs} >= {"capex_segments", "fan_gw", "tornado", "vesting", "co2"}
    assert all(p.stat().st_size > 5000 for p in figs)


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    from gigawatt.core.errors import GigawattError

    monkeypatch.setenv("GIGAWATT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    res = CliRunner().invoke(app, ["report", "openai-amd", "--pdf", str(tmp_path / "r.pdf")])
    assert isinstance(res.exception, GigawattError) and "needs Chromium" in str(res.exception)  # main() exits 2 on it
    assert not (tmp_path / "r.pdf").exists()


def test_bad_language_is_refused():
    res = CliRunner().invoke(app, ["report", "openai-amd", "--html", "x.html", "--lang", "fr"])
    assert "language must be one of en, ja" in str(res.exception)


def _shareholder_english() -> list[str]:
    """The English of the shareholder view's generated rows, notes and revenue basis (their text before any field)."""
    from gigawatt.core import i18n

    return [en.split("{")[0].strip() for k, (en, _) in i18n.STRINGS.items() if k.startswith(("sh.a.", "sh.n.", "sh.basis."))]


def test_japanese_report_shows_no_english_shareholder_assumptions_notes_or_basis(reports):
    english = _shareholder_english()
    assert "revenue per GW delivered" in english and "base EPS, non-GAAP (" in english and "stated" in english
    ja = visible_text((reports / "ja.html").read_text(encoding="utf-8"))
    assert not [e for e in english if len(e) > 8 and e in ja]
    assert "stated:" not in ja and "USD per GW" not in ja
