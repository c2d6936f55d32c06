"""Per-value provenance and `gigawatt explain`: every number traced to a line or a fact."""
from __future__ import annotations

import json

import pytest

import gigawatt
from gigawatt.core import registry
from gigawatt.core.errors import GigawattError
from gigawatt.analyses.explain import explain

OVERRIDE = """name: override
horizon: {start: 2026-01, end: 2032-12}
site: {pue: 1.05, electricity_price: "30 USD/MWh"}
deals:
  - name: D
    buyer: B
    supplier: AMD
    tranches:
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6, basis: it}
"""


@pytest.fixture
def override(tmp_path):
    path = tmp_path / "my.yaml"
    path.write_text(OVERRIDE)
    return path, gigawatt.evaluate(path)


def test_sources_list_the_scenarios_own_values_not_the_catalog_defaults_they_replace(override):
    path, r = override
    used = {(s["section"], s["id"], f) for s in r.sources() for f in s["facts"]}
    assert not any(sec == "site_classes" or f == "pue_default" for sec, _, f in used)
    assert not any(sec == "regions" and f == "electricity_usd_per_mwh" for sec, _, f in used)
    assert ("systems", "helios-72", "price_usd") in used  # a catalog value the run did use
    values = {v["path"]: v for v in r.scenario_values()}
    assert values["site.pue"]["value"] == 1.05 and values["site.pue"]["line"] == 3 and values["site.pue"]["file"] == str(path)
    assert values["site.electricity_price"]["value"] == 30.0


def test_json_carries_per_tranche_provenance(override):
    _, r = override
    d = r.to_dict(monthly=False)
    prov = d["tranches"][0]["provenance"]
    assert prov["pue"] == {"from": "scenario", "file": r.source, "path": "site.pue", "line": 3, "value": 1.05}
    assert prov["achievable"]["from"] == "catalog" and prov["achievable"]["section"] == "software"
    assert {"source", "kind", "as_of"} <= set(prov["achievable"])
    assert d["scenario_values"] and d["sources"]  # old key kept, new one added


def test_explain_facility_mw_by_hand(override):
    _, r = override
    tree = explain(r, "facility_mw", role="nameplate")["explain"]
    # 1 GW of IT at PUE 1.05: 1,050 MW of facility power.
    assert tree["value"] == pytest.approx(1050.0)
    gw = tree["from"][0]
    assert gw["name"] == "gw" and gw["value"] == pytest.approx(1.05)
    first = {}
    stack = [tree]
    while stack:  # depth-first, as shown: a name's first appearance carries its origin
        n = stack.pop(0)
        if n["role"] == "input" and not n.get("repeated"):
            first[n["name"]] = n
        stack[:0] = n.get("from", [])
    assert first["pue"]["origin"]["line"] == 3
    assert first["gw_stated"]["origin"]["path"] == "deals[0].tranches[0].gw"


def test_every_output_can_be_explained_down_to_origins():
    r = gigawatt.evaluate("openai-amd")
    for p in registry.of_role("series") + registry.of_role("nameplate"):
        tree = explain(r, p.name, tranche=1, role=p.role)["explain"]
        stack = [tree]
        while stack:
            n = stack.pop()
            if n["role"] == "input" and not n.get("repeated"):
                assert n["origin"].get("from") in ("scenario", "catalog", "derived", "default", "none"), (p.name, n["name"])
            stack.extend(n.get("from", []))


def test_an_included_deal_points_at_its_own_file(tmp_path):
    (tmp_path / "base.yaml").write_text(OVERRIDE.replace("name: override", "name: base"))
    main = tmp_path / "main.yaml"
    main.write_text("name: main\nhorizon: {start: 2026-01, end: 2032-12}\ninclude: [base.yaml]\n")
    r = gigawatt.evaluate(main)
    origin = r.inputs.origins[0]["gw_stated"]
    assert origin["file"].endswith("base.yaml") and origin["line"] == 9


def test_explain_refuses_unknown_names_and_tranches():
    r = gigawatt.evaluate("openai-amd")
    with pytest.raises(GigawattError, match="closest: facility_mw"):
        explain(r, "facility_mww")
    with pytest.raises(GigawattError, match="--tranche must be from 0"):
        explain(r, "facility_mw", tranche=99)


def test_explain_cli_json_and_text(monkeypatch, capsys):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    out = CliRunner().invoke(app, ["explain", "openai-amd", "capex_usd", "--tranche", "1", "--json"])
    assert out.exit_code == 0, out.output
    tree = json.loads(out.stdout)
    assert tree["tranche"]["index"] == 1 and tree["explain"]["value_is"] == "sum over the horizon"
    text = CliRunner().invoke(app, ["explain", "openai-amd", "pue"])
    assert text.exit_code == 0 and "site_classes.hyperscale-liquid.pue_default" in text.stdout
