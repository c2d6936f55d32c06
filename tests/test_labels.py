"""Labels and number formats come from one place, the registry (issue 10): every figure the compare
views and the page's tables show is a registry row with a label and a format, and no module keeps a table
of its own. Formatting of the derived metrics is checked by hand."""
from __future__ import annotations

import re

import pytest

import gigawatt
from gigawatt.core import fmt, i18n, registry


@pytest.fixture(scope="module")
def pair():
    return gigawatt.evaluate("openai-amd"), gigawatt.evaluate("openai-portfolio")


def _registered(name: str, role: str | None = None) -> registry.Param:
    hit = fmt.lookup(name, role)
    assert hit is not None, f"{name!r} is shown but has no registry row"
    p = hit.param
    assert p.label and p.format, (name, p.key)
    assert (p.role, p.name) in registry.params()
    return p


def test_every_compared_figure_is_a_registry_row(pair):
    from gigawatt.analyses.compare import HORIZON, OUTPUTS, compare

    out = compare(list(pair))
    assert set(OUTPUTS) | set(HORIZON) <= set(out["outputs"])
    for k, row in out["outputs"].items():
        p = _registered(k)
        assert row["label"] == fmt.label(k) and "_" not in row["label"], (k, row["label"])
        assert p.role in ("nameplate", "metric"), (k, p.key)  # totals at full build-out, or derived from them
    # The horizon sums are the metric rows, not the monthly series of the same name.
    assert fmt.lookup("opex_usd").param.key == ("metric", "opex_usd")
    assert out["outputs"]["energy_cost_usd"]["label"] == "Energy cost over the horizon"
    assert out["outputs"]["capex_ratio_topdown_to_bottomup"]["label"] == "Capex top-down / bottom-up"
    assert out["outputs"]["capex_topdown_usd_per_gw"]["label"] == "Capex (top-down) per GW"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_page_compare_and_mc_tables_show_registry_labels_and_formats(pair, lang):
    from gigawatt.interfaces import dashboard

    view = dashboard.compare_results(*pair, lang)
    for row in view["rows"]:
        _registered(row["key"])
        assert row["label"] == fmt.label(row["key"], lang) and "_" not in row["label"]
        assert not any(re.search(r"\de[+-]?\d", c) for c in row["cells"]), row["cells"]
    by_key = {r["key"]: r["cells"] for r in view["rows"]}
    if lang == "en":
        assert by_key["accelerators"][0] == "Accelerators"  # the total at full build-out, not the series "online"
        assert by_key["capex_usd_per_gw"][1] == "$32.4B/GW" and by_key["energy_twh_per_year"][1] == "36.8 TWh/yr"
    else:
        assert by_key["accelerators"][0] == "アクセラレーター数" and by_key["opex_usd"][0] == "運営費（期間合計）"
        assert by_key["capex_usd_per_gw"][1] == "324億ドル/GW"
    # Monte Carlo percentiles: the scalar rows.
    out = {"samples": 10, "seed": 1, "fans": {},
           "percentiles": {p.name: {"mean": 1.0, **{f"p{q}": 1.0 for q in (5, 10, 50, 90, 95)}}
                           for p in registry.of_role("scalar") if p.name != "completion_month_index"}}
    rows = dashboard.mc_view(out, lang)["table"]["rows"]
    for row, p in zip(rows, [p for p in registry.of_role("scalar") if p.name != "completion_month_index"]):
        assert row[0] == i18n.label(p.name, lang, "scalar") and "_" not in row[0]


def test_no_module_keeps_a_label_table_of_its_own():
    assert not hasattr(fmt, "LABELS")
    # Every name the formatter is asked about resolves in the registry; unknown ones read as words.
    for name in ("gw", "gw_it", "accelerators", "racks", "capex_usd", "capex_topdown_usd", "capex_systems_usd", "capex_network_usd",
                 "capex_facility_usd", "capex_ratio_topdown_to_bottomup", "capex_usd_per_gw", "energy_twh_per_year", "average_mw",
                 "co2_mt_per_year", "peak_pflops_bf16", "effective_pflops_bf16", "hbm_gb", "npv_cost_usd", "energy_cost_usd",
                 "opex_usd", "warrant_value_usd", "prob_full_vest", "expected_dilution_pct", "eps_accretion_pct",
                 "tco_usd_per_accelerator_hour"):
        p = _registered(name)
        assert fmt.label(name) == p.label
    assert fmt.label("no_such_thing") == "no such thing" and fmt.value("no_such_thing_usd", 2.5e9) == "$2.5B"
    # The headline's ratio reads as the registry's metric row in both languages.
    from gigawatt.analyses.headline import RATIO_LABEL

    assert all(RATIO_LABEL[lang] == fmt.label("capex_ratio_topdown_to_bottomup", lang) for lang in ("en", "ja"))


@pytest.mark.parametrize("name, x, text", [
    ("prob_full_vest", 0.6568, "65.7 %"),                 # a fraction
    ("expected_dilution_pct", 9.931, "9.9 %"),            # already in per cent: 100 x 17.6M / (160M + 17.6M) ~ 9.9
    ("eps_accretion_pct", -1.26, "-1.3 %"),
    ("tco_usd_per_accelerator_hour", 2.3456, "$2.35"),    # keeps its cents
    ("capex_ratio_topdown_to_bottomup", 1.5449, "1.54"),
    ("capex_usd_per_gw", 3.238e10, "$32.4B/GW"),
    ("capex_topdown_usd_per_gw", 5e10, "$50.0B/GW"),     # normalised: the base row's money, per GW
    ("capex_usd_per_effective_pflops", 59_012.0, "$59.0k"),
    ("energy_cost_usd", 1.47e10, "$14.7B"),
    ("warrant_value_usd", 9.6e10, "$96.0B"),
    ("hbm_gb", 7.414e8, "741.4 PB"),
    ("accelerators", 1716247.4, "1,716,247"),
    ("energy_twh_per_year", 36.81, "36.8 TWh/yr"),
])
def test_metric_formatting_by_hand(name, x, text):
    assert fmt.value(name, x) == text
    assert fmt.value(name, None) == "-"


def test_money_metrics_in_another_currency():
    assert fmt.value("warrant_value_usd", 1e9, "JPY", 156.7) == "¥156.7B"
    assert fmt.value("tco_usd_per_accelerator_hour", 2.3456, "JPY", 156.7) == "¥368"  # yen from ¥100 up: no cents
    assert fmt.value("capex_usd_per_gw", 1e10, "EUR", 0.9) == "€9.0B/GW"
    assert fmt.label("expected_dilution_pct", "ja") == "想定希薄化率" and fmt.label("tco_usd_per_accelerator_hour", "ja").endswith("コスト")


def test_compare_cli_shows_no_raw_field_names(pair):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    out = CliRunner().invoke(app, ["compare", "openai-amd", "openai-portfolio"], env={"COLUMNS": "220"}).stdout
    table = out[out.index("Outputs, and differences"):]
    names = {n for _, n in registry.params() if "_" in n}
    assert not [w for w in re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", table) if w in names or w.endswith(("_per_gw", "_usd"))]
    assert "Capex top-down / bottom-up" in table and "$32.4B/GW" in table and "36.8 TWh/yr" in table
