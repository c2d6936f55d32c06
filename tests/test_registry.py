"""The parameter registry: one row per input and output, consistent with the engine and the bounds."""
from __future__ import annotations

import gigawatt
from gigawatt.core import registry
from gigawatt.core.bounds import BOUNDS


def test_every_engine_input_and_output_is_registered_once():
    r = gigawatt.evaluate("openai-portfolio")
    assert set(r.inputs.p) == {p.name for p in registry.of_role("input")}
    assert set(r.nameplate) == {p.name for p in registry.of_role("nameplate")}
    assert set(r.series) == {p.name for p in registry.of_role("series")}


def test_unit_tables_are_the_registry():
    from gigawatt.catalog.schema import FIELD_UNITS
    from gigawatt.engine.core import NAMEPLATE_UNITS, SERIES_UNITS
    from gigawatt.scenario.inputs import INPUT_UNITS
    from gigawatt.engine.mc import SCALAR_UNITS

    assert FIELD_UNITS == registry.units("catalog") and FIELD_UNITS["system_power_kw"] == "kW"
    assert SCALAR_UNITS == registry.units("scalar") and SCALAR_UNITS["warrant_value_usd"] == "USD"

    assert INPUT_UNITS == registry.units("input")
    assert SERIES_UNITS == registry.units("series")
    assert NAMEPLATE_UNITS == registry.units("nameplate")


def test_bounds_and_dependencies_resolve_without_cycles():
    table = registry.params()
    assert all(p.bound in BOUNDS for p in table.values() if p.bound)
    state: dict = {}

    def visit(key):
        assert state.get(key) != "open", f"cycle through {key}"
        if state.get(key) == "done":
            return
        state[key] = "open"
        for d in table[key].depends:
            assert d in table, (key, d)
            visit(d)
        state[key] = "done"

    for key in table:
        visit(key)
    # Outputs are explained all the way down to inputs.
    assert all(p.depends for p in table.values() if p.role in ("nameplate", "series"))


def test_one_name_two_meanings_are_told_apart_by_per():
    per_accelerator = registry.get("hbm_gb", "input")
    total = registry.get("hbm_gb", "nameplate")
    assert per_accelerator.per == "accelerator" and total.per == "tranche"
    assert per_accelerator.label != total.label


def test_sampler_bounds_come_from_the_registry():
    from gigawatt.engine.uncertainty import RANGES

    assert RANGES["pue"] == BOUNDS["pue"][:2]
    assert RANGES["gw_stated"] == (0.0, BOUNDS["gw"][1])  # 0 when a sampled deal does not complete
    assert RANGES["share_price_volatility"] == BOUNDS["volatility"][:2]


def test_metric_rows_are_complete_and_unknown_roles_are_refused(tmp_path, monkeypatch):
    metrics = registry.of_role("metric")
    assert {"capex_ratio_topdown_to_bottomup", "capex_usd_per_gw", "prob_full_vest", "expected_dilution_pct",
            "eps_accretion_pct", "tco_usd_per_accelerator_hour", "warrant_value_usd"} <= {p.name for p in metrics}
    for p in metrics:
        assert p.label and p.format and p.per and p.formula and p.description, p.name
    # A horizon sum is told apart from its monthly series by per, as hbm_gb is.
    assert registry.get("opex_usd", "metric").per == "horizon" and registry.get("opex_usd", "series").per == "month"
    assert registry.get("eps_accretion_pct", "metric").depends == (("metric", "expected_dilution_pct"),)

    import pytest

    bad = tmp_path / "registry.csv"
    bad.write_text(registry.REGISTRY_FILE.read_text(encoding="utf-8") + "outcome,x,,,,,X,number,,,\n", encoding="utf-8")
    monkeypatch.setattr(registry, "REGISTRY_FILE", bad)
    registry.params.cache_clear()
    try:
        with pytest.raises(ValueError, match="role must be one of"):
            registry.params()
    finally:
        monkeypatch.undo()
        registry.params.cache_clear()
