"""Where the money goes: conservation and hand-computed segments."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt.interfaces.cli import app
from gigawatt.analyses.flows import flows
from gigawatt.scenario.spec import loads

ACC = 800e6 / 1800.0


def test_segments_add_up_to_plan_capex_to_the_dollar():
    for name in ("openai-amd", "openai-portfolio"):
        plan = json.loads(CliRunner().invoke(app, ["plan", name, "--json"]).stdout)
        fl = json.loads(CliRunner().invoke(app, ["flows", name, "--json"]).stdout)
        assert round(fl["total_usd"]) == round(plan["totals"]["capex_usd"])
        assert round(sum(fl["segments"].values())) == round(plan["totals"]["capex_usd"])
        assert round(sum(fl["supplier_groups"].values())) == round(fl["total_usd"])
        for k, v in fl["segments"].items():
            assert fl["per_gw"][k] * fl["gw"] == pytest.approx(v)
            assert v >= 0
        for d in fl["deals"]:
            assert sum(d["segments"].values()) == pytest.approx(d["total_usd"])


def test_segments_by_hand(toy_catalog, toy_scenario_text):
    f = flows(gigawatt.evaluate(loads(toy_scenario_text), catalog=toy_catalog))
    cat = toy_catalog
    systems = ACC / 10 * 1e6
    assert f["segments"]["hbm"] == pytest.approx(ACC * 100 * 10)  # 100 GB x $10/GB (toy HBM3 price)
    assert f["segments"]["packaging"] == pytest.approx(ACC / 16 * cat.default("cowos_usd_per_wafer"))
    assert f["segments"]["cpus"] == pytest.approx(systems * cat.default("cpu_share_of_systems"))
    assert f["segments"]["networking"] == pytest.approx(systems * 0.2)
    building = 800 * 10e6  # toy facility, no land
    assert f["segments"]["power_equipment"] == pytest.approx(building * cat.default("power_share_of_facility"))
    assert f["segments"]["land_and_grid"] == 0.0
    assert f["accelerator_vendors"] == {"other": pytest.approx(f["segments"]["accelerators"])}


def test_hbm_makers_split_the_hbm_segment():
    f = flows(gigawatt.evaluate("openai-amd"))
    assert sum(f["hbm_makers"].values()) == pytest.approx(f["segments"]["hbm"])


def test_cli_flows_names_segments_and_vendors_as_people_write_them(monkeypatch, capsys):
    """The segment table printed raw ids (`hbm`, `cpus`, `land_and_grid` as `land and grid`) and vendor ids (`amd $81.0B`)."""
    from tests.test_cli_hostile import run_main

    code, out, _ = run_main(monkeypatch, capsys, "flows", "openai-amd")
    assert code == 0
    assert "│ CPUs " in out and "│ Land and grid " in out and "│ cpus " not in out and "│ hbm " not in out
    assert "AMD revenue" in out and "amd revenue" not in out and " amd $" not in out
