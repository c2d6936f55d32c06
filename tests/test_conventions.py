"""The money conventions each output states, and that the engine follows them."""
from __future__ import annotations

import pytest

import gigawatt
from gigawatt.core.conventions import footnote, plan_conventions
from gigawatt.scenario.spec import loads

STEP = """name: step
horizon: {start: 2026-01, end: 2026-12}
finance: {discount_rate: "10 %"}
site: {pue: 1.2, average_load: 0.000001}
deals:
  - {name: D, buyer: B, supplier: S, tranches: [{product: gb200, gw: 1, start: 2026-04, shape: step}]}
"""


def test_plan_states_its_discounting_and_the_engine_follows_it():
    r = gigawatt.evaluate(loads(STEP))
    conv = r.to_dict(monthly=False)["conventions"]
    assert conv["discount_rate"]["per_year"] == pytest.approx(0.10) and "nominal" in conv["discount_rate"]["kind"]
    assert conv["discounted_to"] == "2026-01"
    # Everything is bought in 2026-04, month 4 of the horizon: end of month 4 is 4/12 of a year out,
    # so the capex counts at 1.1 ** -(4 / 12) of its value; opex is ~0 at a near-zero load, and the
    # facility's maintenance over 9 months is 1.2 % a year of its capex: small, bounded below.
    capex = r.totals()["capex_usd"]
    npv = r.totals()["npv_cost_usd"]
    assert npv >= capex * 1.1 ** (-4 / 12)
    assert npv == pytest.approx(capex * 1.1 ** (-4 / 12), rel=0.02)
    assert "10.0% a year" in footnote(plan_conventions(r)) and "2026-01" in footnote(plan_conventions(r))


def test_deal_json_states_the_valuation_conventions():
    import json

    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    out = CliRunner().invoke(app, ["deal", "openai-amd", "--json", "--samples", "500"])
    conv = json.loads(out.stdout)["conventions"]
    assert "continuously compounded" in conv["warrant_value"] and conv["payback_month"].startswith("undiscounted")
