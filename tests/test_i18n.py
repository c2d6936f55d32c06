"""The language layer: every registry label has a Japanese one; numbers and dates the way each language writes them."""
from __future__ import annotations

import re

import pytest

from gigawatt.core import i18n
from gigawatt.core.registry import of_role

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("role", ["input", "nameplate", "series", "scalar", "catalog"])
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

    assert set(i18n.labels_ja()) <= set(params())


def test_label_picks_the_role_and_language():
    assert i18n.label("hbm_gb", "en", "input") == "HBM per accelerator"
    assert i18n.label("hbm_gb", "ja", "input") == "アクセラレーターあたりHBM容量"
    assert i18n.label("hbm_gb", "ja") == "稼働中のHBM総容量"  # the series first
    assert i18n.label("capex_usd", "ja", "scalar") == "設備投資（ボトムアップ）"
    assert "_" not in i18n.label("no_such_field_usd")  # never the raw name


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
