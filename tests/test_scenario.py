"""Scenario files: parsing, units and validation errors.

The promise under test: bad input gets a clear :class:`GigawattError` that names the file,
the field path (``deals[0].tranches[0].gw``), the line where known and what would be valid;
never a traceback and never a silently wrong answer.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import gigawatt
from gigawatt.core.errors import GigawattError, ValidationFailure
from gigawatt.scenario.spec import BUILTIN_DIR, builtin_names, load, loads

# A one-deal, one-tranche scenario; tests replace the tranche fields or add blocks.
TEMPLATE = """\
name: test-scenario
horizon: {{start: 2026-01, end: 2030-12}}
deals:
  - name: Test deal
    buyer: Buyer
    supplier: Supplier
    tranches:
      - product: {product}
        gw: {gw}
        start: {start}
        ramp_months: {ramp}
"""


def scenario_text(product="mi450", gw='"700 MW"', start='"2H 2026"', ramp=12, extra="") -> str:
    return TEMPLATE.format(product=product, gw=gw, start=start, ramp=ramp) + textwrap.dedent(extra)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


def load_error(path) -> GigawattError:
    with pytest.raises(GigawattError) as info:
        load(path)
    return info.value


def evaluate_error(path) -> GigawattError:
    with pytest.raises(GigawattError) as info:
        gigawatt.evaluate(path)
    return info.value


@pytest.fixture(autouse=True)
def _builtin_catalog_only(monkeypatch):
    """User catalogs from the environment must not change these tests."""
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)


# -- valid input ---------------------------------------------------------------------------


def test_minimal_scenario_loads(tmp_path):
    scenario, source, _ = load(write(tmp_path, scenario_text()))
    assert scenario.name == "test-scenario"
    assert source.endswith("scenario.yaml")
    assert [d.name for d in scenario.deals] == ["Test deal"]
    assert scenario.horizon.start == "2026-01" and scenario.horizon.end == "2030-12"


def test_gw_in_megawatts_is_stored_in_gigawatts(tmp_path):
    tranche = load(write(tmp_path, scenario_text(gw='"700 MW"')))[0].deals[0].tranches[0]
    assert tranche.gw == 0.7


def test_bare_gw_number_is_gigawatts(tmp_path):
    assert load(write(tmp_path, scenario_text(gw=2)))[0].deals[0].tranches[0].gw == 2.0


def test_half_year_start_is_first_month_of_the_half(tmp_path):
    assert load(write(tmp_path, scenario_text(start='"2H 2026"')))[0].deals[0].tranches[0].start == "2026-07"


def test_quarter_start_is_first_month_of_the_quarter(tmp_path):
    assert load(write(tmp_path, scenario_text(start='"Q2 2027"')))[0].deals[0].tranches[0].start == "2027-04"


def test_electricity_price_in_usd_per_mwh(tmp_path):
    text = scenario_text(extra="site: {electricity_price: '85 USD/MWh'}\n")
    assert load(write(tmp_path, text))[0].site.electricity_price == pytest.approx(85.0)


def test_electricity_price_in_usd_per_kwh_is_converted_to_usd_per_mwh(tmp_path):
    text = scenario_text(extra="site: {electricity_price: '0.085 USD/kWh'}\n")
    assert load(write(tmp_path, text))[0].site.electricity_price == pytest.approx(85.0)


def test_loads_parses_text_without_a_file():
    scenario = loads(scenario_text(gw='"1500 MW"'))
    assert scenario.deals[0].tranches[0].gw == pytest.approx(1.5)


def test_minimal_scenario_evaluates_to_its_stated_gw(tmp_path):
    result = gigawatt.evaluate(write(tmp_path, scenario_text(gw='"700 MW"')))
    assert result.totals()["gw"] == pytest.approx(0.7)
    assert result.totals()["facility_mw"] <= 700.0 + 1e-6


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scenario_evaluates(name):
    assert gigawatt.evaluate(name).totals()["gw"] > 0


# -- schema errors (found while parsing) -----------------------------------------------------


def test_unknown_key_typo_names_path_line_and_suggestion(tmp_path):
    text = scenario_text().replace("ramp_months:", "ramp_month:")
    path = write(tmp_path, text)
    err = load_error(path)
    msg = str(err)
    assert isinstance(err, ValidationFailure)
    assert str(path) in msg
    assert "deals[0].tranches[0].ramp_month " in msg
    assert f"(line {line_of(text, 'ramp_month:')})" in msg
    assert "unknown field" in msg
    assert "did you mean 'ramp_months'" in msg


def test_negative_gw_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw=-1))))
    assert "deals[0].tranches[0].gw" in msg
    assert "must be at least 0.000001" in msg


def test_zero_gw_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw='"0 GW"'))))
    assert "deals[0].tranches[0].gw" in msg and "at least 0.000001" in msg


def test_absurd_gw_is_refused_with_the_limit(tmp_path):
    text = scenario_text(gw='"1000 GW"')
    msg = str(load_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].gw" in msg
    assert f"(line {line_of(text, 'gw:')})" in msg
    assert "100" in msg and "got 1,000" in msg


def test_not_a_number_gw_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw=".nan"))))
    assert "deals[0].tranches[0].gw" in msg


def test_energy_given_for_power_says_it_is_an_energy(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw='"6 GWh"'))))
    assert "deals[0].tranches[0].gw" in msg
    assert "'6 GWh' is an energy" in msg
    assert "GW" in msg and "'6 GW'" in msg  # what would be valid


def test_unreadable_quantity_shows_an_example(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw='"6 gigglewatts"'))))
    assert "deals[0].tranches[0].gw" in msg
    assert "6 gigglewatts" in msg and "'6 GW'" in msg


def test_boolean_gw_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(gw="true"))))
    assert "deals[0].tranches[0].gw" in msg and "expected a number" in msg


def test_pue_below_one_is_refused(tmp_path):
    text = scenario_text(extra="site: {pue: 0.9}\n")
    msg = str(load_error(write(tmp_path, text)))
    assert "site.pue" in msg
    assert f"(line {line_of(text, 'pue:')})" in msg
    assert "must be at least 1" in msg and "0.9" in msg


def test_fractional_ramp_months_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text(ramp=12.5))))
    assert "deals[0].tranches[0].ramp_months" in msg and "integer" in msg


def test_invalid_basis_lists_the_valid_ones(tmp_path):
    text = scenario_text().replace("        ramp_months: 12\n", "        ramp_months: 12\n        basis: grid\n")
    msg = str(load_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].basis" in msg
    assert "'facility'" in msg and "'it'" in msg and "'grid'" in msg


def test_month_13_is_refused_with_valid_forms(tmp_path):
    text = scenario_text(start='"2026-13"')
    msg = str(load_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].start" in msg
    assert f"(line {line_of(text, '2026-13')})" in msg
    assert "2026-13" in msg and "'2026-07'" in msg and "2H 2026" in msg


def test_horizon_end_before_start_is_refused(tmp_path):
    text = scenario_text().replace("end: 2030-12", "end: 2025-06")
    msg = str(load_error(write(tmp_path, text)))
    assert "horizon" in msg and "(line 2)" in msg
    assert "end (2025-06) is before start (2026-01)" in msg


def test_missing_required_field_names_it(tmp_path):
    text = scenario_text().replace("    buyer: Buyer\n", "")
    msg = str(load_error(write(tmp_path, text)))
    assert "deals[0].buyer" in msg
    assert "required field is missing" in msg
    assert f"(line {line_of(text, '- name: Test deal')})" in msg


def test_missing_horizon_is_refused(tmp_path):
    text = scenario_text().replace("horizon: {start: 2026-01, end: 2030-12}\n", "")
    msg = str(load_error(write(tmp_path, text)))
    assert "horizon" in msg and "required field is missing" in msg


def test_scenario_without_deals_is_refused(tmp_path):
    text = "name: empty\nhorizon: {start: 2026-01, end: 2030-12}\n"
    msg = str(load_error(write(tmp_path, text)))
    assert "deals" in msg and "at least one deal" in msg


def test_malformed_yaml_reports_the_file_and_a_line(tmp_path):
    text = "name: broken\nhorizon: {start: 2026-01, end: 2030-12\ndeals: []\n"
    path = write(tmp_path, text)
    err = load_error(path)
    assert isinstance(err, ValidationFailure)
    assert str(path) in str(err)
    assert "not valid YAML" in str(err)
    assert err.problems[0].line is not None and 2 <= err.problems[0].line <= 4


def test_tab_indentation_is_reported_as_yaml_error_with_line(tmp_path):
    msg = str(load_error(write(tmp_path, "name: t\n\thorizon: x\n")))
    assert "not valid YAML" in msg and "(line 2)" in msg


def test_scenario_that_is_a_list_is_refused(tmp_path):
    path = write(tmp_path, "- name: a\n- name: b\n")
    msg = str(load_error(path))
    assert str(path) in msg
    assert "must be a YAML mapping" in msg


def test_empty_scenario_file_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, "")))
    assert "must be a YAML mapping" in msg


def test_missing_scenario_file_names_the_path(tmp_path):
    path = tmp_path / "nope.yaml"
    msg = str(load_error(path))
    assert str(path) in msg and "cannot read" in msg


def test_unknown_builtin_scenario_suggests_close_names():
    msg = str(load_error("openai-amdd"))
    assert "'openai-amdd'" in msg and "openai-amd" in msg


def test_several_schema_problems_are_reported_at_once(tmp_path):
    text = scenario_text(gw=-1, extra="site: {pue: 0.5}\n").replace("    buyer: Buyer\n", "")
    err = load_error(write(tmp_path, text))
    assert isinstance(err, ValidationFailure)
    msg = str(err)
    assert "3 problems" in msg
    assert "site.pue" in msg and "deals[0].buyer" in msg and "deals[0].tranches[0].gw" in msg
    assert len(err.problems) == 3


# -- errors found against the catalog (compile_inputs, via evaluate) ------------------------


def test_unknown_product_suggests_the_closest(tmp_path):
    text = scenario_text(product="mi45")
    path = write(tmp_path, text)
    msg = str(evaluate_error(path))
    assert str(path) in msg
    assert "deals[0].tranches[0].product" in msg
    assert f"(line {line_of(text, 'product: mi45')})" in msg
    assert "unknown product 'mi45'" in msg and "mi450" in msg


def test_ramp_ending_after_horizon_names_ramp_months(tmp_path):
    text = scenario_text(start="2030-06", ramp=12)
    path = write(tmp_path, text)
    msg = str(evaluate_error(path))
    assert str(path) in msg
    assert "deals[0].tranches[0].ramp_months" in msg
    assert f"(line {line_of(text, 'ramp_months:')})" in msg
    assert "2031-05" in msg and "2030-12" in msg
    assert "extend horizon.end or shorten ramp_months" in msg


def test_ramp_ending_on_the_last_horizon_month_is_fine(tmp_path):
    result = gigawatt.evaluate(write(tmp_path, scenario_text(start="2030-01", ramp=12)))
    assert result.totals()["gw"] == pytest.approx(0.7)


def test_tranche_starting_before_horizon_is_refused(tmp_path):
    text = scenario_text(start="2025-06")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].start" in msg
    assert f"(line {line_of(text, 'start: 2025-06')})" in msg
    assert "before the horizon start 2026-01" in msg


def test_air_cooling_with_liquid_only_rack_is_refused_at_the_cooling_field(tmp_path):
    text = scenario_text(product="gb200", extra="site: {cooling: air}\n")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "site.cooling" in msg
    assert f"(line {line_of(text, 'cooling: air')})" in msg
    assert "gb200-nvl72" in msg and "liquid" in msg
    assert "dlc" in msg  # what would be valid


def test_deal_level_site_errors_name_the_deal_site(tmp_path):
    text = scenario_text(product="gb200").replace(
        "    supplier: Supplier\n", "    supplier: Supplier\n    site: {cooling: air}\n")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "deals[0].site.cooling" in msg
    assert f"(line {line_of(text, 'cooling: air')})" in msg


def test_params_on_a_non_parameterised_product_is_refused(tmp_path):
    text = scenario_text().replace("        ramp_months: 12\n", "        ramp_months: 12\n        params: {tdp_w: 1000}\n")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].params" in msg
    assert f"(line {line_of(text, 'params:')})" in msg
    assert "'mi450' is not parameterised" in msg and "custom-asic" in msg


def test_params_on_custom_asic_change_the_capex(tmp_path):
    base = scenario_text(product="custom-asic")
    cheap = base.replace("        ramp_months: 12\n", "        ramp_months: 12\n        params: {price_usd: '1 MUSD'}\n")
    a = gigawatt.evaluate(write(tmp_path, base, "a.yaml")).totals()["capex_systems_usd"]
    b = gigawatt.evaluate(write(tmp_path, cheap, "b.yaml")).totals()["capex_systems_usd"]
    assert b < a


def test_unknown_region_suggests_the_closest(tmp_path):
    text = scenario_text(extra="site: {region: us-texsa}\n")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "site.region" in msg
    assert f"(line {line_of(text, 'region:')})" in msg
    assert "unknown region 'us-texsa'" in msg and "us-texas" in msg


def test_unknown_cooling_lists_the_valid_ones(tmp_path):
    msg = str(evaluate_error(write(tmp_path, scenario_text(extra="site: {cooling: liquid}\n"))))
    assert "site.cooling" in msg and "'liquid'" in msg
    assert "air" in msg and "dlc" in msg and "immersion" in msg


def test_system_of_another_product_is_refused(tmp_path):
    text = scenario_text().replace("        ramp_months: 12\n", "        ramp_months: 12\n        system: gb200-nvl72\n")
    msg = str(evaluate_error(write(tmp_path, text)))
    assert "deals[0].tranches[0].system" in msg
    assert "holds 'gb200', not 'mi450'" in msg


def test_several_catalog_problems_are_reported_at_once(tmp_path):
    text = scenario_text(product="mi45", extra="site: {region: us-texsa}\n")
    text = text.replace(
        "        ramp_months: 12\n",
        "        ramp_months: 12\n      - {product: mi450, gw: 1, start: 2030-06, ramp_months: 12}\n",
    )
    err = evaluate_error(write(tmp_path, text))
    assert isinstance(err, ValidationFailure)
    msg = str(err)
    assert "site.region" in msg
    assert "deals[0].tranches[0].product" in msg
    assert "deals[0].tranches[1].ramp_months" in msg
    assert len(err.problems) >= 3


# -- include --------------------------------------------------------------------------------

HORIZON = "horizon: {start: 2026-01, end: 2035-12}\n"


def deal_yaml(name: str, product: str = "mi450") -> str:
    return f"deals:\n  - {{name: {name}, buyer: B, supplier: S, tranches: [{{product: {product}, gw: 1, start: 2026-07}}]}}\n"


def test_include_of_a_builtin_puts_its_deals_first(tmp_path):
    path = write(tmp_path, "name: mine\n" + HORIZON + "include: [openai-amd]\n" + deal_yaml("Mine"))
    scenario = load(path)[0]
    assert [d.name for d in scenario.deals] == ["OpenAI-AMD", "Mine"]
    assert gigawatt.evaluate(path).totals()["gw"] == pytest.approx(7.0)


def test_include_only_scenario_needs_no_own_deals(tmp_path):
    path = write(tmp_path, "name: mine\n" + HORIZON + "include: [openai-amd, openai-nvidia]\n")
    assert [d.name for d in load(path)[0].deals] == ["OpenAI-AMD", "OpenAI-NVIDIA"]


def test_include_of_a_relative_file_is_relative_to_the_including_file(tmp_path, monkeypatch):
    write(tmp_path, "name: part\n" + HORIZON + deal_yaml("Part"), "parts/part.yaml")
    main = write(tmp_path, "name: main\n" + HORIZON + "include: [parts/part.yaml]\n" + deal_yaml("Main"), "main.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert [d.name for d in load(main)[0].deals] == ["Part", "Main"]


def test_include_cycle_is_refused_with_a_gigawatt_error(tmp_path):
    a = write(tmp_path, "name: a\n" + HORIZON + "include: [b.yaml]\n" + deal_yaml("A"), "a.yaml")
    write(tmp_path, "name: b\n" + HORIZON + "include: [a.yaml]\n" + deal_yaml("B"), "b.yaml")
    msg = str(load_error(a))  # a RecursionError would not be caught here and fail the test
    assert "include cycle" in msg
    assert "a.yaml" in msg and "b.yaml" in msg


def test_self_include_is_refused(tmp_path):
    path = write(tmp_path, "name: s\n" + HORIZON + "include: [self.yaml]\n", "self.yaml")
    assert "include cycle" in str(load_error(path))


def test_include_of_a_missing_file_names_the_include(tmp_path):
    path = write(tmp_path, "name: m\n" + HORIZON + "include: [missing.yaml]\n")
    msg = str(load_error(path))
    assert str(path) in msg and "include[0]" in msg and "missing.yaml" in msg and "cannot read" in msg


def test_include_of_an_unknown_builtin_suggests_the_closest(tmp_path):
    msg = str(load_error(write(tmp_path, "name: m\n" + HORIZON + "include: [openai-amdd]\n")))
    assert "include[0]" in msg and "'openai-amdd'" in msg and "openai-amd" in msg


def test_include_with_schema_error_names_the_included_file(tmp_path):
    write(tmp_path, "name: bad\n" + HORIZON + deal_yaml("Bad").replace("gw: 1", "gw: -1"), "bad.yaml")
    path = write(tmp_path, "name: m\n" + HORIZON + "include: [bad.yaml]\n", "main.yaml")
    msg = str(load_error(path))
    assert "main.yaml" in msg and "bad.yaml" in msg and "deals[0].tranches[0].gw" in msg


def test_loads_includes_builtins_but_not_files():
    assert [d.name for d in loads("name: t\n" + HORIZON + "include: [openai-amd]\n").deals] == ["OpenAI-AMD"]
    with pytest.raises(GigawattError, match="only built-in and saved scenarios can be included here"):
        loads("name: t\n" + HORIZON + "include: [other.yaml]\n")


def test_catalog_error_in_included_file_names_that_file(tmp_path):
    write(tmp_path, "name: inc\n" + HORIZON + deal_yaml("Included", product="mi45"), "included.yaml")
    main = write(tmp_path, "name: main\n" + HORIZON + "include: [included.yaml]\n" + deal_yaml("Main"), "main.yaml")
    msg = str(evaluate_error(main))
    assert "unknown product 'mi45'" in msg
    assert "included.yaml" in msg


def test_duplicate_key_is_refused(tmp_path):
    text = scenario_text(gw=1) + "        gw: 5\n"
    with pytest.raises(GigawattError, match="(?i)duplicate"):
        load(write(tmp_path, text))


# -- fixes from the first review ------------------------------------------------------------


def test_included_deals_keep_their_own_finance_and_site(tmp_path):
    write(tmp_path, "name: sub\n" + HORIZON + "site: {cooling: immersion}\n"
          "finance: {topdown_usd_per_gw: \"35e9 USD/GW\", it_life_years: 3}\n" + deal_yaml("Sub", "h100-sxm"), "sub.yaml")
    main = write(tmp_path, "name: main\n" + HORIZON + "include: [sub.yaml]\n" + deal_yaml("Own"), "main.yaml")
    r = gigawatt.evaluate(main)
    p = r.inputs.p
    assert p["topdown_usd_per_gw"][0].tolist() == [35e9, 50e9]
    assert p["it_life_months"][0].tolist() == [36, 60]
    assert [t.cooling for t in r.tranches] == ["immersion", "dlc"]


def test_duplicate_deal_names_are_refused(tmp_path):
    path = write(tmp_path, "name: m\n" + HORIZON + deal_yaml("X") + deal_yaml("X").replace("deals:\n", ""))
    msg = str(load_error(path))
    assert "deals[1].name" in msg and "'X'" in msg and "already used by deals[0]" in msg


def test_including_a_scenario_twice_is_refused(tmp_path):
    msg = str(load_error(write(tmp_path, "name: m\n" + HORIZON + "include: [openai-amd, openai-amd]\n")))
    assert "'OpenAI-AMD'" in msg and "include a scenario only once" in msg


@pytest.mark.parametrize("extra,fragment", [
    ("        shape: step\n", "shape 'step' delivers everything in the start month"),
    ("        shape: s-curve\n", None),
])
def test_shape_and_ramp_must_agree(tmp_path, extra, fragment):
    text = scenario_text(ramp=12 if fragment else 0) + extra
    if fragment:
        assert fragment in str(load_error(write(tmp_path, text)))
    else:
        assert "needs ramp_months of 1 or more" in str(load_error(write(tmp_path, text)))


def test_ramp_zero_without_shape_is_a_step(tmp_path):
    t = load(write(tmp_path, scenario_text(ramp=0)))[0].deals[0].tranches[0]
    assert (t.shape, t.ramp_months) == ("step", 0)


def test_life_under_a_month_is_refused(tmp_path):
    text = scenario_text(extra="finance: {it_life_years: '1 day'}\n")
    msg = str(load_error(write(tmp_path, text)))
    assert "finance.it_life_years" in msg


def test_typo_suggestions_come_from_the_right_block(tmp_path):
    msg = str(load_error(write(tmp_path, scenario_text().replace("ramp_months:", "ramp_month:"))))
    assert "did you mean 'ramp_months'?" in msg and "averaging_months" not in msg


def test_custom_asic_tdp_param_scales_system_power():
    text = textwrap.dedent("""
        name: xpu
        horizon: {start: 2026-01, end: 2030-12}
        deals:
          - name: XPU
            buyer: B
            supplier: Broadcom
            tranches:
              - {product: custom-asic, gw: 1, start: 2026-07, params: {tdp_w: 2400}}
              - {product: custom-asic, gw: 1, start: 2026-07, label: template}
    """)
    r = gigawatt.evaluate(loads(text))
    w = r.inputs.p["it_w_per_accel"][0]
    assert w[0] == pytest.approx(2 * w[1])  # double the TDP, same overhead ratio -> double all-in power
    assert r.to_dict()["tranches"][0]["inputs"]["it_w_per_accel"] == pytest.approx(w[0])


def test_air_cooled_servers_default_to_an_air_cooled_site():
    r = gigawatt.evaluate(loads(scenario_text(product="h100-sxm")))
    assert r.tranches[0].cooling == "air"
    # Site class hyperscale-air (issue 11): PUE 1.2, LBNL's hyperscale level (was 1.4, an enterprise-fleet figure).
    assert r.tranches[0].site_class == "hyperscale-air"
    assert r.inputs.p["pue"][0, 0] == 1.2


def test_site_price_override_is_reported_with_the_tranche(tmp_path):
    r = gigawatt.evaluate(load(write(tmp_path, scenario_text(extra="site: {electricity_price: '0.085 USD/kWh'}\n")))[0])
    assert r.to_dict()["tranches"][0]["inputs"]["usd_per_mwh"] == pytest.approx(85.0)


def test_variables_of_included_scenarios_can_be_correlated(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(textwrap.dedent("""
        name: p
        horizon: {start: 2026-01, end: 2035-12}
        include: [openai-amd, openai-nvidia]
        correlation: {names: [amd_mi450_slip_months, nvidia_rubin_slip_months], matrix: [[1, 0.7], [0.7, 1]]}
    """))
    sc = gigawatt.load(p)
    assert set(sc.correlation.names) >= {"amd_mi450_slip_months", "nvidia_rubin_slip_months"}


def test_warrant_valuation_month_must_be_inside_its_life(tmp_path):
    text = (BUILTIN_DIR / "openai-amd.yaml").read_text().replace("as_of: 2025-10", "as_of: 2031-06")
    with pytest.raises(GigawattError, match=r"underlying.as_of \(2031-06\) must be from issued"):
        loads(text)
