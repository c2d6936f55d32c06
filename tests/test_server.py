"""The web API: scenarios, evaluation, saves with versions, and 4xx (never 5xx) for bad input."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from gigawatt.server import MAX_BODY, create_app


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(tmp_path / "api.db"), base_url="http://localhost", raise_server_exceptions=False)


SMALL = """name: small
horizon: {start: 2026-01, end: 2030-12}
deals:
  - name: D
    buyer: B
    supplier: AMD
    tranches:
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}
"""


def test_openapi_catalog_and_scenarios(client):
    assert client.get("/openapi.json").json()["info"]["title"] == "gigawatt"
    assert "mi450" in [e["id"] for e in client.get("/api/catalog").json()["accelerators"]]
    assert client.get("/api/catalog/gb200").json()["tdp_w"]["value"] == 1200
    assert client.get("/api/catalog/nope").status_code == 404
    assert "openai-amd" in client.get("/api/scenarios").json()["builtin"]
    got = client.get("/api/scenarios/openai-amd").json()
    assert got["builtin"] and got["version"] == 0 and "mi450" in got["yaml"]


def test_evaluate_matches_plan_json(client):
    from typer.testing import CliRunner

    from gigawatt.cli import app

    plan = json.loads(CliRunner().invoke(app, ["plan", "openai-amd", "--json"]).stdout)
    got = client.post("/api/evaluate", json={"name": "openai-amd"}).json()
    for k in ("gw", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year"):
        assert got["totals"][k] == pytest.approx(plan["totals"][k])
    assert [c["id"] for c in got["charts"]][:2] == ["gw_by_vendor", "gw_by_product"]


def test_save_reload_and_conflict(client):
    r = client.put("/api/scenarios/mine", json={"yaml": SMALL, "version": 0})
    assert r.status_code == 200 and r.json()["version"] == 1
    assert client.get("/api/scenarios/mine").json()["yaml"] == SMALL
    r = client.put("/api/scenarios/mine", json={"yaml": SMALL.replace("gw: 1", "gw: 2"), "version": 0})
    assert r.status_code == 409 and "version 1, not 0" in r.json()["error"]
    assert client.put("/api/scenarios/mine", json={"yaml": SMALL.replace("gw: 1", "gw: 2"), "version": 1}).json()["version"] == 2
    assert client.post("/api/evaluate", json={"name": "mine"}).json()["totals"]["gw"] == 2
    assert client.delete("/api/scenarios/mine", params={"version": 1}).status_code == 409
    assert client.delete("/api/scenarios/mine", params={"version": 2}).status_code == 204


def test_an_invalid_scenario_is_not_saved(client):
    r = client.put("/api/scenarios/bad", json={"yaml": SMALL.replace("mi450", "mi45"), "version": 0})
    assert r.status_code == 422 and "closest: mi450" in r.json()["error"]
    assert client.get("/api/scenarios/bad").status_code == 404


def test_compare_edit_and_mc(client):
    c = client.post("/api/compare", json={"a": {"name": "openai-amd"}, "b": {"yaml": SMALL}}).json()
    assert c["difference"]["gw"] == pytest.approx(1 - 6)
    e = client.post("/api/edit", json={"yaml": SMALL, "path": ["deals", 0, "tranches", 0, "gw"], "value": 3}).json()
    assert client.post("/api/evaluate", json={"yaml": e["yaml"]}).json()["totals"]["gw"] == 3
    m = client.post("/api/mc", json={"name": "openai-amd", "samples": 300}).json()
    assert m["samples"] == 300 and "p50" in m["fans"]["online_gw"]


@pytest.mark.parametrize("method,path,body,status", [
    ("post", "/api/evaluate", {"yaml": "name: [unclosed"}, 422),
    ("post", "/api/evaluate", {"yaml": "name: x\nhorizon: {start: 2026-01, end: 2027-01}\nfoo: 1\ndeals: []"}, 422),
    ("post", "/api/evaluate", {"yaml": "- a list"}, 422),
    ("post", "/api/evaluate", {}, 422),
    ("post", "/api/evaluate", {"name": "../../etc/passwd"}, 422),
    ("post", "/api/evaluate", {"name": "nope"}, 404),
    ("get", "/api/scenarios/..%2F..%2Fetc", None, 404),
    ("put", "/api/scenarios/Bad Name", {"yaml": "x", "version": 0}, 422),
    ("post", "/api/edit", {"yaml": SMALL, "path": ["deals", 9, "gw"], "value": 1}, 422),
    ("post", "/api/edit", {"yaml": SMALL, "path": ["deals", 0, "tranches", 0, "gw"], "value": -5}, 422),
    ("post", "/api/mc", {"name": "openai-amd", "samples": 10**9}, 422),
    ("post", "/api/compare", {"a": {"name": "openai-amd"}}, 422),
])
def test_bad_input_is_a_clear_4xx(client, method, path, body, status):
    r = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert r.status_code == status, r.text
    assert r.status_code < 500


def test_huge_bodies_are_refused(client):
    r = client.post("/api/evaluate", content=b'{"yaml": "' + b"x" * (MAX_BODY + 10) + b'"}', headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_page_and_offline_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text and "http" not in page.text.split("<body>")[1].split("</header>")[0]
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200


def test_concurrent_saves_through_the_api_lose_no_update(client):
    import threading

    assert client.put("/api/scenarios/race", json={"yaml": SMALL, "version": 0}).status_code == 200
    codes, lock = [], threading.Lock()

    def writer(gw):
        r = client.put("/api/scenarios/race", json={"yaml": SMALL.replace("gw: 1", f"gw: {gw}"), "version": 1})
        with lock:
            codes.append((r.status_code, gw))

    threads = [threading.Thread(target=writer, args=(g,)) for g in (2, 3, 4, 5, 6, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [g for code, g in codes if code == 200]
    assert len(winners) == 1 and sorted(code for code, _ in codes).count(409) == 5
    saved = client.get("/api/scenarios/race").json()
    assert saved["version"] == 2 and f"gw: {winners[0]}" in saved["yaml"]
