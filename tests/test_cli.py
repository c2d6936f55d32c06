"""The ``gigawatt`` command line.

Good paths run in-process through typer's ``CliRunner`` on ``gigawatt.interfaces.cli.app``. User
mistakes go through ``gigawatt.interfaces.cli.main`` (the console entry point that turns a
``GigawattError`` into ``error: ...`` on stderr and exit status 2): in-process with a patched
``sys.argv``, and in a real subprocess for the module and the installed console script.
"""
from __future__ import annotations

import csv
import json
import re
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigawatt.interfaces import cli
BUILTINS = ["openai-amd", "openai-nvidia", "openai-broadcom", "openai-portfolio"]
TOTAL_KEYS = {"gw", "accelerators", "it_mw", "facility_mw", "capex_usd", "capex_topdown_usd", "energy_twh_per_year"}
SHOW_NUMBERS = ("tdp_w", "memory_gb", "memory_bandwidth_tbps", "bf16_dense_tflops", "fp8_dense_tflops")

USER_SCENARIO = """\
name: my-build
title: My test build
horizon: {start: 2026-01, end: 2030-12}
deals:
  - name: My deal
    buyer: Me
    supplier: NVIDIA
    tranches:
      - {product: gb200, gw: "500 MW", start: 2026-03, ramp_months: 6}
"""

HELIOS_PRICE_OVERRIDE = """\
systems:
  - id: helios-72
    price_usd: {value: 8800000, source: "test override", as_of: "2026-04", kind: estimate}
"""

NEW_ACCELERATOR_WITHOUT_SOURCES = """\
accelerators:
  - id: test-gpu
    name: Test GPU without sources
    vendor: other
    family: test
    generation: test
    software: cuda
    hbm_generation: HBM3
    default_system: gb200-nvl72
    available: "2027-01"
    bf16_dense_tflops: 1000
    fp8_dense_tflops: 2000
    memory_gb: 100
    hbm_stacks: 5
    memory_bandwidth_tbps: 4
    tdp_w: 1000
"""


@pytest.fixture(autouse=True)
def _no_user_catalog(monkeypatch):
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args, env=None):
    """Run the app in-process; a good path must exit 0 without an exception."""
    result = runner.invoke(cli.app, list(map(str, args)), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def invoke_json(runner, *args, env=None):
    result = invoke(runner, *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def run_main(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """Run the console entry point ``main`` in-process; return (status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["gigawatt", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out, err = capsys.readouterr()
    code = info.value.code
    return (0 if code is None else code), out, err


def assert_user_error(code: int, out: str, err: str, *fragments: str) -> str:
    assert code == 2, (code, out, err)
    assert err.startswith("error: "), err
    assert "Traceback" not in out + err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


# -- size -----------------------------------------------------------------------------------


def test_size_by_power_json_has_the_contract_keys(runner):
    r = invoke_json(runner, "size", "--product", "mi450", "--gw", "1")
    assert {"product", "accelerators", "systems", "it_mw", "facility_mw", "pue", "capex_usd", "basis"} <= r.keys()
    assert r["product"] == "mi450" and r["basis"] == "facility"


def test_size_by_power_stays_within_the_facility_budget(runner):
    r = invoke_json(runner, "size", "--product", "mi450", "--gw", "1")
    assert 0 < r["facility_mw"] <= 1000.0
    assert r["facility_mw"] == pytest.approx(r["it_mw"] * r["pue"])
    assert r["accelerators"] > 0 and r["capex_usd"] > 0


def test_size_accepts_power_with_units(runner):
    a = invoke_json(runner, "size", "--product", "mi450", "--gw", "700 MW")
    b = invoke_json(runner, "size", "--product", "mi450", "--gw", "0.7")
    assert a["accelerators"] == b["accelerators"]
    assert a["facility_mw"] <= 700.0


def test_size_by_count_json_has_exactly_that_many_accelerators(runner):
    r = invoke_json(runner, "size", "--product", "h100-sxm", "--count", "100000")
    assert r["accelerators"] == 100000
    assert r["systems"] * 8 >= 100000


def test_size_text_output_shows_units(runner):
    result = invoke(runner, "size", "--product", "mi450", "--gw", "1")
    assert result.exit_code == 0
    for unit in ("MW", "kW", "$", "GW", "TWh"):
        assert unit in result.stdout, unit


def test_size_with_air_cooling_of_a_liquid_rack_is_a_user_error(monkeypatch, capsys):
    # Same rule as scenario files: a liquid-only rack on an air-cooled site is refused, not warned.
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1", "--cooling", "air")
    assert_user_error(code, out, err, "'air' cooling cannot serve 'helios-72'", "dlc")


def test_size_with_both_gw_and_count_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1", "--count", "5")
    assert_user_error(code, out, err, "exactly one of --gw or --count")


def test_size_with_neither_gw_nor_count_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450")
    assert_user_error(code, out, err, "exactly one of --gw or --count")


def test_size_unknown_product_suggests_the_closest(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi45", "--gw", "1")
    assert_user_error(code, out, err, "unknown product 'mi45'", "mi450")


def test_size_energy_instead_of_power_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "6 GWh")
    assert_user_error(code, out, err, "--gw", "is an energy", "'6 GW'")


def test_size_absurd_power_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1000")
    assert_user_error(code, out, err, "--gw", "to 100 GW")


def test_size_pue_below_one_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1", "--pue", "0.5")
    assert_user_error(code, out, err, "pue", "from 1 to 3", "0.5")


def test_size_bad_basis_lists_the_valid_ones(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1", "--basis", "grid")
    assert_user_error(code, out, err, "'facility'", "'it'", "'grid'")


def test_size_zero_count_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--count", "0")
    assert_user_error(code, out, err, "--count")


def test_size_unknown_region_suggests(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1", "--region", "us-texsa")
    assert_user_error(code, out, err, "unknown region 'us-texsa'", "us-texas")


# -- plan -----------------------------------------------------------------------------------


def test_plan_json_totals_have_the_contract_keys(runner):
    d = invoke_json(runner, "plan", "openai-amd")
    assert TOTAL_KEYS <= d["totals"].keys()
    assert d["totals"]["gw"] == pytest.approx(6.0)


def test_plan_json_deals_have_name_supplier_and_totals(runner):
    d = invoke_json(runner, "plan", "openai-amd")
    assert isinstance(d["deals"], list) and d["deals"]
    for deal in d["deals"]:
        assert {"name", "supplier"} <= deal.keys()
        assert TOTAL_KEYS <= deal.keys()
    assert d["deals"][0]["name"] == "OpenAI-AMD" and d["deals"][0]["supplier"] == "AMD"


def test_plan_json_deals_add_up_to_the_totals(runner):
    d = invoke_json(runner, "plan", "openai-portfolio")
    assert [deal["supplier"] for deal in d["deals"]] == ["AMD", "NVIDIA", "Broadcom"]
    for key in TOTAL_KEYS:
        assert sum(deal[key] for deal in d["deals"]) == pytest.approx(d["totals"][key]), key


def test_plan_json_monthly_series_match_the_month_list(runner):
    d = invoke_json(runner, "plan", "openai-amd")
    months = d["monthly"]["month"]
    assert months[0] == "2026-01" and months[-1] == "2035-12" and len(months) == 120
    series = {k: v for k, v in d["monthly"].items() if k != "month"}
    assert series
    assert all(len(v) == len(months) for v in series.values())


def test_plan_json_lists_sources(runner):
    d = invoke_json(runner, "plan", "openai-amd")
    assert d["sources"]
    assert any(s["id"] == "mi450" for s in d["sources"])


def test_plan_of_a_user_yaml_file(runner, tmp_path):
    path = write(tmp_path, "mine.yaml", USER_SCENARIO)
    d = invoke_json(runner, "plan", path)
    assert d["scenario"]["name"] == "my-build"
    assert d["totals"]["gw"] == pytest.approx(0.5)
    assert d["deals"][0]["name"] == "My deal"


def test_plan_csv_has_a_header_and_one_row_per_month(runner, tmp_path):
    out = tmp_path / "out.csv"
    result = invoke(runner, "plan", "openai-amd", "--csv", out)
    assert result.exit_code == 0
    rows = list(csv.reader(out.open()))
    header, body = rows[0], rows[1:]
    assert header[0] == "month" and any("[GW]" in h for h in header)
    assert len(body) == 120
    assert body[0][0] == "2026-01" and body[-1][0] == "2035-12"
    assert all(len(row) == len(header) for row in body)


def test_plan_text_output_shows_units(runner):
    result = invoke(runner, "plan", "openai-amd")
    assert result.exit_code == 0
    for unit in ("GW", "$", "TWh"):
        assert unit in result.stdout, unit


def test_plan_unknown_scenario_is_a_user_error_with_suggestion(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "plan", "nonexistent-scenario")
    assert_user_error(code, out, err, "'nonexistent-scenario'", "openai-amd")


def test_plan_close_misspelling_suggests_the_builtin(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "plan", "openai-amdd")
    assert_user_error(code, out, err, "closest: openai-amd")


def test_plan_of_a_file_with_a_typo_names_file_path_and_line(monkeypatch, capsys, tmp_path):
    path = write(tmp_path, "typo.yaml", USER_SCENARIO.replace("ramp_months", "ramp_month"))
    code, out, err = run_main(monkeypatch, capsys, "plan", path)
    assert_user_error(code, out, err, str(path), "deals[0].tranches[0].ramp_month", "(line 9)", "'ramp_months'")


def test_plan_csv_to_a_missing_directory_is_a_user_error(monkeypatch, capsys, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    code, out, err = run_main(monkeypatch, capsys, "plan", "openai-amd", "--csv", target)
    assert_user_error(code, out, err, str(target), "cannot write")


# -- catalog --------------------------------------------------------------------------------


def test_catalog_list_shows_every_section(runner):
    result = invoke(runner, "catalog", "list")
    assert result.exit_code == 0
    for word in ("accelerators", "systems", "cooling", "regions", "mi450", "gb200", "helios-72"):
        assert word in result.stdout, word


def test_catalog_list_unknown_section_suggests(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "catalog", "list", "accel")
    assert_user_error(code, out, err, "'accel'", "accelerators")


def test_catalog_show_json_gives_numbers_with_provenance(runner):
    d = invoke_json(runner, "catalog", "show", "gb200")
    assert d["section"] == "accelerators" and d["id"] == "gb200"
    for name in SHOW_NUMBERS:
        value = d[name]
        if isinstance(value, dict):
            assert {"value", "unit", "source", "kind"} <= value.keys(), name
            assert isinstance(value["value"], (int, float)) and value["value"] > 0, name
        else:
            assert isinstance(value, (int, float)) and value > 0, name
    assert d["tdp_w"]["value"] == 1200 and d["tdp_w"]["unit"] == "W"


def test_catalog_show_unknown_entry_suggests(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "catalog", "show", "gb20")
    assert_user_error(code, out, err, "'gb20'", "gb200")


def test_catalog_check_passes_on_the_builtin_catalog(runner):
    result = invoke(runner, "catalog", "check")
    assert result.exit_code == 0, result.stdout


def test_catalog_check_fails_on_a_new_number_without_source(runner, tmp_path):
    extra = write(tmp_path, "nosource.yaml", NEW_ACCELERATOR_WITHOUT_SOURCES)
    result = invoke(runner, "catalog", "check", "--catalog", extra, "--json")
    assert result.exit_code == 1
    d = json.loads(result.stdout)
    assert d["ok"] is False
    assert {"path": "accelerators.test-gpu.tdp_w", "message": "no source"} in d["problems"]


def test_catalog_check_fails_on_an_override_without_source(runner, tmp_path):
    extra = write(tmp_path, "override.yaml", "accelerators:\n  - {id: mi450, tdp_w: 2100}\n")
    result = invoke(runner, "catalog", "check", "--catalog", extra, "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {"path": "accelerators.mi450.tdp_w", "message": "no source"} in problems


def test_catalog_option_with_missing_file_is_a_user_error(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "nope.yaml"
    code, out, err = run_main(monkeypatch, capsys, "catalog", "list", "--catalog", missing)
    assert_user_error(code, out, err, str(missing), "not found")


def test_malformed_catalog_file_is_a_user_error_with_line(monkeypatch, capsys, tmp_path):
    broken = write(tmp_path, "broken.yaml", "systems:\n  - {id: helios-72, price_usd: [1,\n")
    code, out, err = run_main(monkeypatch, capsys, "plan", "openai-amd", "--catalog", broken)
    assert_user_error(code, out, err, str(broken), "not valid YAML", "(line ")


def test_catalog_override_changes_plan_capex_and_is_listed(runner, tmp_path):
    extra = write(tmp_path, "price.yaml", HELIOS_PRICE_OVERRIDE)
    base = invoke_json(runner, "plan", "openai-amd")
    over = invoke_json(runner, "plan", "openai-amd", "--catalog", extra)
    assert over["totals"]["capex_systems_usd"] == pytest.approx(2 * base["totals"]["capex_systems_usd"])
    assert over["totals"]["capex_usd"] > base["totals"]["capex_usd"]
    assert base["catalog_overrides"] == []
    assert any(o["id"] == "helios-72" and o["section"] == "systems" and "price_usd" in o["fields"]
               and o["file"] == str(extra) for o in over["catalog_overrides"])


def test_catalog_environment_variable_overrides_like_the_option(runner, tmp_path):
    extra = write(tmp_path, "price.yaml", HELIOS_PRICE_OVERRIDE)
    base = invoke_json(runner, "plan", "openai-amd")
    over = invoke_json(runner, "plan", "openai-amd", env={"GIGAWATT_CATALOG": str(extra)})
    assert over["totals"]["capex_systems_usd"] == pytest.approx(2 * base["totals"]["capex_systems_usd"])
    assert any(o["id"] == "helios-72" and "price_usd" in o["fields"] for o in over["catalog_overrides"])


# -- scenarios ------------------------------------------------------------------------------


def test_scenarios_json_lists_the_builtins(runner):
    rows = invoke_json(runner, "scenarios")
    names = [r["name"] for r in rows]
    assert set(BUILTINS) <= set(names)
    portfolio = next(r for r in rows if r["name"] == "openai-portfolio")
    assert portfolio["gw_stated"] == pytest.approx(26.0)


# -- real processes -------------------------------------------------------------------------


def _env():
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_CATALOG"}
    env["COLUMNS"] = "200"
    return env


def run_module(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gigawatt.interfaces.cli", *map(str, args)], capture_output=True, text=True,
                          env=_env(), cwd=cwd, timeout=120)


def console_script() -> str:
    bindir = Path(sys.executable).parent
    found = shutil.which("gigawatt", path=str(bindir)) or shutil.which("gigawatt", path=str(Path(sys.prefix) / "bin"))
    if found is None:
        pytest.skip("the gigawatt console script is not installed next to this Python")
    return found


def test_module_unknown_product_exits_2_with_error_and_no_traceback():
    proc = run_module("size", "--product", "mi45", "--gw", "1")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ")
    assert "mi450" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_module_bad_scenario_file_exits_2_naming_the_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", USER_SCENARIO.replace('gw: "500 MW"', 'gw: "6 GWh"'))
    proc = run_module("plan", path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ")
    assert str(path) in proc.stderr and "deals[0].tranches[0].gw (line 9)" in proc.stderr and "an energy" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_console_script_unknown_scenario_exits_2_with_suggestion():
    proc = subprocess.run([console_script(), "plan", "nonexistent-scenario"], capture_output=True, text=True,
                          env=_env(), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "openai-amd" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_console_script_include_cycle_exits_2(tmp_path):
    horizon = "horizon: {start: 2026-01, end: 2030-12}\n"
    write(tmp_path, "a.yaml", "name: a\n" + horizon + "include: [b.yaml]\n")
    write(tmp_path, "b.yaml", "name: b\n" + horizon + "include: [a.yaml]\n")
    proc = subprocess.run([console_script(), "plan", str(tmp_path / "a.yaml")], capture_output=True, text=True,
                          env=_env(), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "include cycle" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_console_script_good_path_prints_json():
    proc = subprocess.run([console_script(), "size", "--product", "gb200", "--gw", "1", "--json"], capture_output=True,
                          text=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["product"] == "gb200" and r["facility_mw"] <= 1000.0


# -- deal -----------------------------------------------------------------------------------


def test_deal_json_has_the_contract_keys(runner):
    out = invoke_json(runner, "deal", "openai-amd", "--samples", "2000")
    w = out["warrant"]
    for key in ("shares_total", "stake_pct_pre", "stake_pct_post", "value_usd", "value_usd_p10", "value_usd_p90",
                "prob_full_vest", "tranches"):
        assert key in w
    assert {"revenue_usd_by_year", "eps_usd_by_year"} <= set(out["supplier"])
    assert "assumptions" in out


def test_deal_with_a_given_price_path(runner):
    out = invoke_json(runner, "deal", "openai-amd", "--price-path", "2026-12: 220, 2028-06: 400, 2030-01: 650")
    w = out["warrant"]
    assert w["price_mode"] == "given path"
    # 650 by 2030-01 clears every hurdle, and 6 GW are delivered by 2030-06, before the 2030-10 expiry.
    assert w["prob_full_vest"] == 1.0


def test_deal_portfolio_json_has_investment(runner):
    # The LOI's $10B per GW was superseded in February 2026: it lives in the dated seed view.
    out = invoke_json(runner, "deal", "openai-portfolio-2025-10", "--samples", "500")
    assert out["investment"]["usd_per_gw"] == 10e9 and out["investment"]["total_usd"] == 100e9


def test_deal_text_output_shows_units(runner):
    result = invoke(runner, "deal", "openai-amd", "--samples", "500")
    assert result.exit_code == 0
    for fragment in ("$96.0B", "9.9 %", "P(full vesting)", "EPS", "assumed"):
        assert fragment in result.stdout


@pytest.mark.parametrize("args,fragment", [
    (["--price-path", "2026-12 220"], "--price-path"),
    (["--volatility", "-1"], "--volatility"),
    (["--as-of", "someday"], "--as-of"),
    (["--spot", "0"], "--spot"),
])
def test_deal_bad_options_are_user_errors(monkeypatch, capsys, args, fragment):
    code, out, err = run_main(monkeypatch, capsys, "deal", "openai-amd", *args)
    assert_user_error(code, out, err, fragment)


def test_size_below_one_system_is_a_user_error(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "vr200", "--gw", "100 kW")
    assert_user_error(code, out, err, "less than one vr-nvl72")


def test_size_air_cooled_server_defaults_to_air(runner):
    r = invoke_json(runner, "size", "--product", "h100-sxm", "--count", "100000")
    # Site class hyperscale-air (issue 11): PUE 1.2 (was 1.4, an enterprise-fleet figure).
    assert r["cooling"] == "air" and r["site_class"] == "hyperscale-air" and r["pue"] == 1.2


def test_size_uses_the_engine_numbers(runner):
    """`size` and a one-tranche `plan` of the same whole systems agree on capex and energy."""
    import gigawatt

    s = invoke_json(runner, "size", "--product", "gb200", "--gw", "1", "--basis", "it")
    text = (f"name: one\nhorizon: {{start: 2026-01, end: 2026-12}}\ndeals:\n  - name: one\n    buyer: B\n    supplier: S\n"
            f"    tranches:\n      - {{product: gb200, gw: {s['it_mw'] / 1e3!r}, basis: it, start: 2026-01, shape: step}}\n")
    t = gigawatt.evaluate(gigawatt.scenario.spec.loads(text)).totals()
    assert t["accelerators"] == pytest.approx(s["accelerators"])
    assert t["capex_usd"] == pytest.approx(s["capex_usd"])
    assert t["energy_twh_per_year"] == pytest.approx(s["energy_twh_per_year"])


def test_piped_plan_output_is_not_cropped(runner):
    result = invoke(runner, "plan", "openai-broadcom")
    assert "4,678,363" in result.stdout and "PUE" in result.stdout


@pytest.mark.parametrize("args,fragment", [
    (["--as-of", "someday"], "--as-of"),  # issue 13: --as-of alone now takes the market file's price on or before it
    (["--price-path", "2026-12: 300", "--volatility", "0.4"], "mean nothing with --price-path"),
    (["--spot", "nan", "--as-of", "2026-11"], "--spot must be from 0.01"),
])
def test_deal_cli_refuses_meaningless_options(monkeypatch, capsys, args, fragment):
    import sys

    from gigawatt.interfaces import cli
    monkeypatch.setattr(sys, "argv", ["gigawatt", "deal", "openai-amd", *args])
    with pytest.raises(SystemExit) as e:
        cli.main()
    assert e.value.code == 2 and fragment in capsys.readouterr().err


@pytest.mark.parametrize("scenario_market", [False, True])
def test_mc_and_report_value_warrants_like_deal(monkeypatch, capsys, tmp_path, scenario_market):
    """One default everywhere: `deal`, `mc` and `report` value a warrant at the market file's latest
    inputs (the scenario's own with --scenario-market), and each says which."""
    import gigawatt
    from gigawatt.ledger.market import underlying_inputs

    flag = ["--scenario-market"] if scenario_market else []
    month = gigawatt.load("openai-amd").deals[0].warrant.underlying.as_of if scenario_market else \
        underlying_inputs("amd")["valuation_month"]
    code, out, err = run_main(monkeypatch, capsys, "deal", "openai-amd", "--samples", "200", "--json", *flag)
    assert code == 0 and json.loads(out)["deals"][0]["warrant"]["valuation_month"] == month
    code, out, err = run_main(monkeypatch, capsys, "mc", "openai-amd", "--samples", "300", "--json", *flag)
    assert code == 0 and f"warrant valued as of {month}" in err
    code, out, err = run_main(monkeypatch, capsys, "mc", "openai-amd", "--samples", "300", *flag)
    assert code == 0 and f"warrant valued as of {month}" in out
    code, out, err = run_main(monkeypatch, capsys, "report", "openai-amd", "--html", tmp_path / "r.html", *flag)
    assert code == 0 and f"warrant valued as of {month}" in err


def test_catalog_list_says_unknown_where_a_fact_has_no_number(monkeypatch, capsys):
    """tpu-v7 has no public BF16 rate: the table said `nan`; the fact itself says "unknown as of <date>"."""
    from gigawatt.catalog import load_catalog

    fact = load_catalog().section("accelerators")["tpu-v7"].bf16_dense_tflops
    assert str(fact.value).startswith("unknown as of")
    code, out, _ = run_main(monkeypatch, capsys, "catalog", "list", "accelerators")
    assert code == 0 and not re.search(r"\bnan\b", out) and str(fact.value) in out


def test_deal_as_of_an_impossible_day_says_so(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "deal", "openai-amd", "--as-of", "2026-02-30")
    assert code == 2 and "no such day: '2026-02-30'" in err


def test_mc_errors_name_the_scenario_file_after_market_valuation(monkeypatch, capsys, tmp_path):
    """Valuing warrants at market inputs re-evaluates the scenario: its messages still name the file, not "<scenario>"."""
    from gigawatt.scenario.spec import builtin_text

    text = builtin_text("openai-amd")
    assert "deal: OpenAI-AMD}]" in text
    path = tmp_path / "badtarget.yaml"
    path.write_text(text.replace("deal: OpenAI-AMD}]", "deal: Nope}]", 1))
    code, out, err = run_main(monkeypatch, capsys, "mc", path, "--samples", "300")
    assert code == 2 and "badtarget.yaml" in err and "<scenario>" not in err
