"""The language layer: every registry label has a Japanese one; numbers and dates the way each language writes them."""
from __future__ import annotations

import re

import pytest

from gigawatt.core import i18n
from gigawatt.core.registry import of_role

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("role", ["input", "nameplate", "series", "scalar", "catalog", "metric"])
def test_every_registry_row_has_a_japanese_label(role):
    ja = i18n.labels_ja()
    missing = [p.name for p in of_role(role) if not ja.get((role, p.name))]
    assert not missing, f"labels-ja.csv lacks {role}: {missing}"
    for p in of_role(role):
        text = ja[(role, p.name)]
        assert JAPANESE.search(text) or re.fullmatch(r"[A-Z0-9 ]+", text), (p.name, text)  # Japanese, or an acronym (PUE, TDP)
        assert "_" not in text


def test_no_label_for_a_parameter_the_registry_lacks():
    from gigawatt.core.registry import params

    registry_rows = {k for k in i18n.labels_ja() if k[0] not in i18n.WORD_ROLES}
    assert registry_rows and registry_rows <= set(params())
    formulas = {(role[len("formula_"):], name) for role, name in i18n.labels_ja() if role.startswith("formula_")}
    assert formulas and formulas <= set(params())


def test_label_picks_the_role_and_language():
    assert i18n.label("hbm_gb", "en", "input") == "HBM per accelerator"
    assert i18n.label("hbm_gb", "ja", "input") == "アクセラレーターあたりHBM容量"
    assert i18n.label("hbm_gb", "ja") == "稼働中のHBM総容量"  # the series first
    assert i18n.label("capex_usd", "ja", "scalar") == "更新を含む設備投資（ボトムアップ）"
    assert "_" not in i18n.label("no_such_field_usd")  # never the raw name
    assert i18n.label("prob_full_vest", "ja") == "全トランシェ権利確定の確率"  # a metric row
    assert i18n.label("energy_cost_usd") == "Energy cost" and i18n.label("energy_cost_usd", role="metric") == "Energy cost over the horizon"


def test_every_string_has_both_languages_and_the_same_fields():
    for key, (en, ja) in i18n.STRINGS.items():
        if not en and not ja:
            continue
        fields_en, fields_ja = set(re.findall(r"{(\w+)}", en)), set(re.findall(r"{(\w+)}", ja))
        assert ja, key
        if en and key != "world.binding":
            assert fields_en == fields_ja, key
        if key.startswith("sec."):
            assert JAPANESE.search(ja), key


@pytest.mark.parametrize("x, en, ja", [
    (1.898e11, "$189.8B", "1,898億ドル"),
    (3e11, "$300.0B", "3,000億ドル"),
    (2.4e12, "$2.4T", "2.4兆ドル"),
    (24.6e6, "$24.6M", "2,460万ドル"),
    (-5e9, "-$5.0B", "-50億ドル"),
    (12_616.0, "$12.6k", "12,616ドル"),  # under 10万 in full, not rounded to "1万"
])
def test_money(x, en, ja):
    assert i18n.money(x, "en") == en and i18n.money(x, "ja") == ja


def test_money_in_yen():
    assert i18n.money(300e9, "ja", "JPY", 150.0) == "45.0兆円"
    assert i18n.money(300e9, "en", "JPY", 150.0) == "¥45.0T"
    assert i18n.per_share(4.17, "ja") == "4.17ドル" and i18n.per_share(4.17, "ja", "JPY", 150.0) == "626円"
    assert i18n.money_axis("ja") == (1e8, "億ドル") and i18n.money_axis("en") == (1e9, "$B")


def test_shares_months_quarters_percentages():
    assert i18n.shares(160e6, "en") == "160.0M" and i18n.shares(160e6, "ja") == "1億6,000万株"
    assert i18n.shares(26_666_667, "ja") == "2,667万株" and i18n.shares(0, "ja") == "0株"
    assert i18n.month("2026-07", "en") == "Jul 2026" and i18n.month("2026-07", "ja") == "2026年7月"
    assert i18n.quarter("2026-Q3", "en") == "Q3 2026" and i18n.quarter("2026-Q3", "ja") == "2026年第3四半期"
    assert i18n.pct(0.6568) == "65.7%" and i18n.pct(None) == "-"
    import datetime as dt

    assert i18n.day(dt.date(2026, 7, 1), "ja") == "2026年7月1日" and i18n.day(dt.date(2026, 7, 1)) == "1 July 2026"


def test_t_fills_fields_and_falls_back():
    assert i18n.t("sec.summary", "ja") == "エグゼクティブ・サマリー"
    assert i18n.t("b.life_years", "en", n="5") == "5 years"
    assert i18n.t("no.such.key", "ja") == "no.such.key"
    with pytest.raises(Exception, match="language must be one of"):
        i18n.check_lang("de")


# -- words that are not registry labels: the ledger's statuses and kinds, built-in scenario titles ----------------

def test_every_ledger_status_kind_and_event_has_a_japanese_word():
    from gigawatt.ledger.schema import EVENT_STATUS, KIND_LABELS, STATUSES

    for role, keys in (("status", STATUSES), ("kind", KIND_LABELS), ("event", EVENT_STATUS)):
        for key in keys:
            ja = i18n.word(role, key, "ja")
            assert JAPANESE.search(ja) and ja != key, (role, key, ja)
    assert i18n.word("status", "loi", "en", "letter of intent") == "letter of intent"  # English: the caller's label
    assert i18n.word("kind", "no-such-kind", "ja") == "no such kind"  # unknown: the key as words, never a crash


def _world_out():
    from gigawatt.interfaces.ledger_cli import world_data

    return world_data(supply=True)


@pytest.fixture(scope="module")
def world_out():
    return _world_out()


def test_world_table_in_japanese_has_no_english_status_or_kind(world_out):
    from gigawatt.interfaces.report.world import STATUS_SHORT, deal_rows, page, section, summary_rows
    from gigawatt.ledger.schema import KIND_LABELS

    english = set(STATUS_SHORT.values()) | set(KIND_LABELS.values())
    rows = deal_rows(world_out, "ja")
    assert len(rows) == len(world_out["deals"]) > 10
    for row, deal in zip(rows, world_out["deals"]):
        assert row[3] == i18n.word("kind", deal["kind"], "ja") and row[4] == i18n.word("status", deal["status"], "ja")
        assert row[3] not in english and row[4] not in english and JAPANESE.search(row[3] + row[4])
        assert not row[10] or JAPANESE.search(row[10])  # a reason, where there is one, in Japanese
    # The English table keeps the English words (the Japanese ones are not leaking either way).
    en = deal_rows(world_out, "en")
    assert {r[4] for r in en} <= set(STATUS_SHORT.values()) and not any(JAPANESE.search(r[3] + r[4]) for r in en)
    sec = section(world_out, "ja", "JPY", 150.0)
    assert JAPANESE.search(sec.title) and all(JAPANESE.search(tb.title) for tb in sec.tables)
    assert all(JAPANESE.search(c) for tb in sec.tables for c in tb.columns if c)
    summary = dict(summary_rows(world_out, "ja", "JPY", 150.0))
    assert summary["基準日"] == "本日（台帳の全イベント）" and summary["設備投資（ボトムアップ／トップダウン）"].endswith("兆円")
    assert "today" not in str(summary) and "left out" not in str(summary)


def test_world_page_in_japanese_and_yen(world_out, monkeypatch):
    from gigawatt.interfaces.report import world

    monkeypatch.setattr("gigawatt.interfaces.ledger_cli.world_data", lambda **kw: world_out)
    out = world.page(None, "ja", "JPY", 150.0)
    assert out["title"].startswith("世界全体") and out["deals"]["columns"][4] == "ステータス"
    assert {r[4] for r in out["deals"]["rows"]} <= {i18n.word("status", s, "ja") for s in world.STATUS_SHORT}
    assert all(JAPANESE.search(n) for n in out["notes"][:6])  # the generated notes (a deal's own note may stay as written)
    names = [t["name"] for t in out["charts"][1]["data"]]
    assert "AMD" in names and "amd" not in names  # vendor names, not ids


def test_builtin_scenarios_have_japanese_titles_and_a_users_own_title_stays():
    import yaml

    import gigawatt
    from gigawatt.interfaces.dashboard import scenario_text_in
    from gigawatt.scenario.spec import BUILTIN_DIR, builtin_names, load_text

    for name in builtin_names():
        sc = gigawatt.evaluate(name).scenario
        for field in ("title", "description"):
            ja = scenario_text_in(sc, field, "ja")
            assert JAPANESE.search(ja), (name, field)
            assert scenario_text_in(sc, field, "en") == (getattr(sc, field) or "")
    # An edited built-in (a user's own title) keeps its title in Japanese output; its unchanged description is translated.
    data = yaml.safe_load((BUILTIN_DIR / "openai-amd.yaml").read_text(encoding="utf-8"))
    data["title"] = "My AMD plan"
    mine = load_text(yaml.safe_dump(data, sort_keys=False), "mine")[0]
    assert scenario_text_in(mine, "title", "ja") == "My AMD plan"
    assert scenario_text_in(mine, "description", "ja") == i18n.builtin_scenario_text("openai-amd", "description", "ja")
    data["name"] = "my-plan"  # not a built-in's name: its own title and description, whatever they say
    other = load_text(yaml.safe_dump(data, sort_keys=False), "other")[0]
    assert scenario_text_in(other, "title", "ja") == "My AMD plan"
    assert scenario_text_in(other, "description", "ja") == other.description and not JAPANESE.search(other.description)


def test_explain_view_in_japanese_and_yen():
    import gigawatt
    from gigawatt.analyses.explain import explain
    from gigawatt.interfaces.dashboard import explain_view

    r = gigawatt.evaluate("openai-amd")
    fx = {"currency": "JPY", "per_usd": 150.0, "date": "2026-02-06", "source": "test", "kind": "measured"}
    v = explain_view(explain(r, "capex_usd", 1, "nameplate"), "ja", fx, r.inputs.month0)
    assert v["title"].startswith("設備投資（ボトムアップ）の出所：トランシェ2")
    steps = [line for line in v["lines"] if line["kind"] == "step"]
    assert steps[0]["value"] == i18n.money(float(r.nameplate["capex_usd"][0, 1]), "ja", "JPY", 150.0)
    for line in steps:
        assert JAPANESE.search(line["label"]) or re.fullmatch(r"[A-Z0-9 ]+", line["label"]), line
        assert not line["formula"] or JAPANESE.search(line["formula"]) or re.fullmatch(r"[A-Z ×0-9]+", line["formula"]), line
        assert "e+" not in line["value"] and "_" not in line["label"]
    origins = [line["text"] for line in v["lines"] if "text" in line]
    assert any("行目" in t for t in origins) and all(not t.startswith("from ") for t in origins)
    en = explain_view(explain(r, "gw_it", 0, "nameplate"), "en", None, r.inputs.month0)
    assert en["lines"][0]["label"] == "IT GW" and any("line" in line.get("text", "") for line in en["lines"])


def test_shareholder_rows_notes_and_basis_are_said_from_string_keys():
    """The shareholder view's generated English is the English of i18n keys (rows carry ``key`` and ``params``; notes
    and the revenue basis are fixed phrases), so the Japanese outputs can say every one of them."""
    import gigawatt
    from gigawatt.analyses.deals import PriceOptions, analyse

    d = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=200, seed=1), shareholder=True).to_dict()["deals"][0]
    sh, sup = d["shareholder"], d["supplier_economics"]
    assert len(sh["assumptions"]) >= 10
    for a in sh["assumptions"]:
        assert a["key"] in i18n.STRINGS and a["what"] == i18n.t(a["key"], "en", **a["params"]), a
        ja = i18n.keyed(a["what"], a["key"], "ja", a["params"])
        assert JAPANESE.search(ja) and not re.search(r"\b[a-z]{3,}\b", ja), ja
        assert i18n.keyed(a["what"], a["key"], "en", a["params"]) == a["what"]
    assert {a["key"] for a in sh["assumptions"]} >= {"sh.a.revenue_per_gw", "sh.a.base_eps", "sh.a.consensus_eps", "sh.a.warrant_shares"}
    assert next(a for a in sh["assumptions"] if a["key"] == "sh.a.base_eps")["what"] == "base EPS, non-GAAP (FY2025)"
    for text in [*sh["notes"], sup["revenue_basis"], sh["assumptions"][0]["basis"]]:
        ja = i18n.said(text, "ja")
        assert ja != text and JAPANESE.search(ja) and i18n.said(text, "en") == text, text
    assert sup["revenue_basis"] == "stated" and i18n.said("stated", "ja") == "公表値"
    assert i18n.said("a phrase no analysis writes", "ja") == "a phrase no analysis writes"
    assert i18n.keyed("x", "no.such.key", "ja") == "x"


def test_the_workbook_words_have_one_home_in_the_language_layer():
    import ast
    from pathlib import Path

    import gigawatt

    # one English text, one Japanese: a WORKBOOK_JA word is not also a borrowed STRINGS entry, and every borrowed key exists
    borrowed = {i18n.STRINGS[k][0] for k in i18n.WORKBOOK_KEYS}
    assert len(borrowed) == len(i18n.WORKBOOK_KEYS) and not borrowed & set(i18n.WORKBOOK_JA)
    assert all(JAPANESE.search(ja) or ja.isascii() for ja in i18n.WORKBOOK_JA.values())
    assert i18n.workbook_word("Line", "ja") == "行" and i18n.t("xlsx.line_item", "ja") == "項目"
    assert i18n.workbook_word("Deal", "ja") == i18n.t("col.deal", "ja") and i18n.workbook_word("Deal") == "Deal"
    # no module under interfaces/ keeps its own English-keyed Japanese table
    root = Path(gigawatt.__file__).parent / "interfaces"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("JA") for t in node.targets):
                assert not isinstance(node.value, ast.Dict), (path.name, node.lineno)


def test_dashboard_supply_notes_are_said_from_their_own_keys():
    en = i18n.t("sup.n.demand", "en")
    assert i18n.said(en, "ja", ("dash.sup_n.",)) == i18n.t("dash.sup_n.demand", "ja") != i18n.said(en, "ja")
    assert i18n.said(en, "en", ("dash.sup_n.",)) == en
