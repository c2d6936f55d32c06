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


def test_a_heavy_request_over_its_time_limit_is_stopped(tmp_path):
    """504 at the limit, and the job stops at its next chunk: the pool's one slot is free again."""
    import time

    app = create_app(tmp_path / "t.db", heavy_workers=1, heavy_time_limit_s=0.05)
    client = TestClient(app, base_url="http://localhost", raise_server_exceptions=False)
    heavy = "name: heavy\nhorizon: {start: 2026-01, end: 2045-12}\ninclude: [openai-portfolio]\n"  # ~34M cells, in budget
    r = client.post("/api/mc", json={"yaml": heavy, "samples": 20_000})
    assert r.status_code == 504 and "limit" in r.json()["error"]
    for _ in range(100):  # the job notices the flag within one chunk (1,024 samples, well under a second)
        r2 = client.post("/api/mc", json={"name": "openai-amd", "samples": 256})
        if r2.status_code != 503:
            break
        time.sleep(0.05)
    assert r2.status_code in (200, 504), r2.text  # not 503: the stopped job gave its slot back


def test_mc_work_budget_names_the_cli_for_bigger_jobs(client):
    tranches = "\n".join(f"      - {{product: mi450, gw: 0.1, start: 2026-07, ramp_months: 6, label: t{i}}}" for i in range(100))
    text = ("name: big\nhorizon: {start: 2026-01, end: 2075-12}\ndeals:\n  - name: D\n    buyer: B\n    supplier: AMD\n    tranches:\n"
            + tranches + "\nuncertainty:\n  - name: slip\n    dist: {type: uniform, low: 0, high: 6}\n"
            "    targets: [{field: start_delay_months}]\n")
    r = client.post("/api/mc", json={"yaml": text, "samples": 20_000})
    assert r.status_code == 413
    assert "gigawatt mc" in r.json()["error"] and "--scheduler" in r.json()["error"]


def test_too_many_tranches_are_refused(client):
    tranches = "\n".join(f"      - {{product: mi450, gw: 0.1, start: 2026-07, label: t{i}}}" for i in range(300))
    text = "name: big\nhorizon: {start: 2026-01, end: 2030-12}\ndeals:\n  - name: D\n    buyer: B\n    supplier: AMD\n    tranches:\n" + tranches
    r = client.post("/api/evaluate", json={"yaml": text})
    assert r.status_code == 422 and "over the limit of 256" in r.json()["error"]


@pytest.mark.parametrize("host,status", [("localhost:8000", 200), ("127.0.0.1:8000", 200), ("[::1]:8000", 200),
                                         ("evil.example", 400), ("evil.example:8000", 400), ("", 400), ("box.lan", 200)])
def test_host_header_must_name_this_server(tmp_path, host, status):
    client = TestClient(create_app(tmp_path / "h.db", allowed_hosts=["box.lan"]), raise_server_exceptions=False)
    assert client.get("/api/health", headers={"host": host}).status_code == status


def test_token_guards_the_api_not_the_page(tmp_path):
    client = TestClient(create_app(tmp_path / "k.db", token="s3cret-token"), base_url="http://localhost", raise_server_exceptions=False)
    assert client.get("/api/scenarios").status_code == 401
    assert client.get("/api/scenarios", headers={"authorization": "Bearer wrong-token"}).status_code == 401
    assert client.get("/api/scenarios", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    assert client.get("/").status_code == 200


def test_every_response_carries_the_content_security_policy(client):
    for path in ("/", "/api/health", "/api/scenarios/nope"):
        csp = client.get(path).headers["content-security-policy"]
        script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'self'" in script and "unsafe-inline" not in script and "http" not in script


def test_errors_are_declared_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"409", "413", "422"} <= set(paths["/api/scenarios/{name}"]["put"]["responses"])
    assert {"404", "413", "422", "503", "504"} <= set(paths["/api/mc"]["post"]["responses"])
    assert "404" in paths["/api/scenarios/{name}"]["delete"]["responses"]
