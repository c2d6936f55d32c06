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
    from gigawatt.analyses import headline

    assert not hasattr(headline, "RATIO_LABEL")
    ratio = next(m for m in headline.METRICS if m.name == "capex_ratio_topdown_to_bottomup")
    assert all(ratio.label(lang) == fmt.label("capex_ratio_topdown_to_bottomup", lang, "metric") for lang in ("en", "ja"))
    assert ratio.text(1.5449) == "1.54"


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


# -- no label tables anywhere: a scan of the package's source ----------------------------------------------------

#: Dict literals whose keys happen to be registry names but whose values are not labels of those parameters, by
#: ``(module under src/gigawatt, the name the dict is assigned to or the function it is in)``, each with the reason.
NOT_LABEL_TABLES = {
    ("analyses/flows.py", "GROUPS"): "capex segments (the segment 'accelerators') to the supplier groups paid for them",
    ("ledger/schema.py", "TERM_LABELS"): "deal-ledger terms (a contract's stated capacity and accelerator count), not engine parameters",
    ("core/i18n.py", "_UNITS_JA"): "unit words keyed by the unit ('accelerators' is the unit of a count), not by parameter",
    ("scenario/inputs.py", "UNKNOWN_EFFECT"): "what an unknown catalog number leaves out (the label is the registry's)",
}
#: Label tables of registry parameters still kept in modules (to move to the registry; the test fails once one is
#: gone, so the list cannot go stale). None left.
PENDING_LABEL_TABLES: dict = {}


def _label_like(node) -> bool:
    """A string (or a tuple led by one) that reads as words: not a bare identifier, a format code or empty."""
    import ast

    if isinstance(node, ast.Tuple) and node.elts:
        return _label_like(node.elts[0])
    if isinstance(node, ast.JoinedStr):
        return True
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    text = node.value
    return any(c.isalpha() for c in text) and not re.fullmatch(r"[a-z0-9_]+", text)


def label_tables() -> dict[tuple[str, str], list[str]]:
    """Every dict literal under ``src/gigawatt`` with a registry name as a key and a label-like string (or a tuple
    led by one) as its value: ``{(module, owner): [the registry names it labels]}``."""
    import ast
    from pathlib import Path

    names = {n for _, n in registry.params()}
    root = Path(gigawatt.__file__).parent
    found: dict[tuple[str, str], list[str]] = {}

    def walk(node, owner: str, module: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            owner = f"{node.name}()"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and not owner.endswith("()"):
                owner = targets[0].id
        if isinstance(node, ast.Dict):
            hits = [k.value for k, v in zip(node.keys, node.values)
                    if isinstance(k, ast.Constant) and k.value in names and _label_like(v)]
            if hits:
                found.setdefault((module, owner), []).extend(hits)
        for child in ast.iter_child_nodes(node):
            walk(child, owner, module)

    for path in sorted(root.rglob("*.py")):
        module = path.relative_to(root).as_posix()
        walk(ast.parse(path.read_text(encoding="utf-8")), "<module>", module)
    return found


def test_the_scan_finds_a_label_table():
    import ast

    tree = ast.parse('SHOWN = {"capex_usd": "Capex, bottom-up", "prob_full_vest": ("P(full vesting)", "pct")}\n'
                     'FIELDS = {"capex_usd": "capex_usd", "gw": "#,##0.00", "pue": 1.2}\n')
    dicts = [n for n in ast.walk(tree) if isinstance(n, ast.Dict)]
    assert [all(_label_like(v) for v in d.values) for d in dicts] == [True, False]
    assert not any(_label_like(v) for v in dicts[1].values)


def test_no_module_keeps_a_dict_of_registry_names_to_labels():
    """Labels of parameters come from the registry (``fmt.label``, ``i18n.label``); a dict literal that maps registry
    names to label strings anywhere in the package is a second, drifting copy."""
    found = label_tables()
    allowed = set(NOT_LABEL_TABLES) | set(PENDING_LABEL_TABLES)
    offenders = {k: v for k, v in found.items() if k not in allowed}
    assert not offenders, f"label tables of registry parameters (use fmt.label / fmt.value / registry.get): {offenders}"
    stale = allowed - set(found)
    assert not stale, f"allow-listed but no longer found (drop them from the list): {sorted(stale)}"


# -- the modules that kept their own labels now read the registry --------------------------------------------------

def test_sensitivity_metrics_are_labelled_by_the_registry():
    from gigawatt.analyses import sensitivity as sens

    assert set(sens.METRICS) == set(sens.METRIC_ROLES)
    for m, role in sens.METRIC_ROLES.items():
        assert sens.METRICS[m] == registry.get(m, role).label and "[" not in sens.METRICS[m]
    assert sens.METRICS["capex_usd"] == "Capex over the horizon" and sens.METRICS["npv_cost_usd"] == "PV of capex + opex"
    # The deal metrics keep their JSON names; dilution_pct is the warrant's expected dilution.
    assert list(sens.DEAL_METRICS) == ["warrant_value_usd", "eps_accretion_pct", "dilution_pct"]
    assert sens.DEAL_METRICS["dilution_pct"] == fmt.label("expected_dilution_pct", role="metric") == "Expected dilution"
    assert sens.DEAL_METRICS["eps_accretion_pct"] == registry.get("eps_accretion_pct", "metric").label
    for name in ("gw_months_online", "effective_eflop_months", "capex_usd", "energy_twh"):
        p = registry.get(name, "metric")
        assert p.per == "horizon" and i18n.labels_ja().get(p.key), name
    assert fmt.value("gw_months_online", 312.456, role="metric") == "312 GW-months"


def test_cli_monte_carlo_table_reads_the_registry():
    from gigawatt.interfaces import cli

    out = {"scenario": "x", "samples": 10, "seed": 1, "variables": [], "milestones": {"gw": [1.0], "first_month_p50": [None], "first_month_p90": [None]},
           "fans": {"online_gw": {"month": ["2026-12"], **{f"p{q}": [1.0] for q in (5, 10, 50, 90, 95)}}},
           "percentiles": {"energy_twh": {"unit": "TWh", "mean": 183.9, **{f"p{q}": 183.4 for q in (5, 10, 50, 90, 95)}},
                           "co2_mt": {"unit": "Mt", "mean": 67.5, **{f"p{q}": 67.3 for q in (5, 10, 50, 90, 95)}},
                           "capex_usd": {"unit": "USD", "mean": 1.976e11, **{f"p{q}": 1.529e11 for q in (5, 10, 50, 90, 95)}}}}
    from rich.console import Console

    con = Console(record=True, width=200)
    orig = cli._console
    cli._console = lambda: con
    try:
        cli._mc_tables(out, [])
    finally:
        cli._console = orig
    text = con.export_text()
    for name in ("energy_twh", "co2_mt", "capex_usd"):
        assert fmt.label(name, role="scalar") in text
    assert "CO2 (location-based)" in text and "67.3 Mt" in text and "183 TWh" in text and "$152.9B" in text
    assert "Fully delivered" not in text and "Energy (TWh)" not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_page_deal_view_labels_come_from_the_registry(lang):
    from gigawatt.analyses.deals import PriceOptions, analyse
    from gigawatt.interfaces import dashboard

    out = analyse(gigawatt.evaluate("openai-amd"), PriceOptions(samples=200, seed=1)).to_dict()
    view = dashboard.deal_view(out, lang)
    rows = [r[0] for d in view["deals"] for t in d["tables"] for r in t.get("rows", [])]
    for name in ("prob_full_vest", "tco_usd_per_accelerator_hour", "tco_usd_per_effective_pflop_hour"):
        assert fmt.label(name, lang, "metric") in rows, (name, rows)


def test_world_units_and_the_report_monte_carlo_units_are_the_registry_units():
    import json

    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app
    from gigawatt.interfaces.report import sections

    units = json.loads(CliRunner().invoke(app, ["world", "--json"]).stdout)["units"]
    assert list(units) == ["gw", "usd", "energy_twh_per_year", "accelerators", "quarterly"]  # the JSON keys as before
    assert all(units[k] == registry.get(k, "nameplate").unit for k in ("gw", "energy_twh_per_year", "accelerators"))

    class Ctx:
        lang = "ja"

    assert sections._mc_value(Ctx(), "co2_mt", {"p50": 67.5}, "p50") == "67.5百万トン"
    Ctx.lang = "en"
    assert sections._mc_value(Ctx(), "energy_twh", {"p50": 184.0}, "p50") == "184.0 TWh"
    assert sections._mc_value(Ctx(), "gw_delivered", {"p50": 6.0}, "p50") == "6.0 GW"
