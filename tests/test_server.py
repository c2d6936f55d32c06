"""The web API: scenarios, evaluation, saves with versions, and 4xx (never 5xx) for bad input."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from gigawatt.interfaces.server import MAX_BODY, create_app


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

    from gigawatt.interfaces.cli import app

    plan = json.loads(CliRunner().invoke(app, ["plan", "openai-amd", "--json"]).stdout)
    got = client.post("/api/evaluate", json={"name": "openai-amd"}).json()
    for k in ("gw", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year"):
        assert got["totals"][k] == pytest.approx(plan["totals"][k])
    # One vendor, one product: "GW by vendor" and "GW by product" would be the same chart; one is shown.
    ids = [c["id"] for c in got["charts"]]
    assert len({"gw_by_vendor", "gw_by_product"} & set(ids)) == 1 and "accelerators" in ids


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


COMMENTED = """# My scenario: a comment at the top stays.
name: small   # the name
horizon: {start: 2026-01, end: 2030-12}
deals:
  - name: D
    buyer: B          # who buys
    supplier: AMD
    tranches:
      # the first gigawatt
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}   # flow style kept
      - product: mi450
        gw: 0.5       # half a GW
        start: 2027-01
"""


def test_edit_keeps_comments_and_key_order(client):
    """/api/edit changes the one value in the YAML text (ruamel.yaml round trip): every comment, the key
    order and the flow style stay; the result loads through the scenario's safe loader."""
    r = client.post("/api/edit", json={"yaml": COMMENTED, "path": ["deals", 0, "tranches", 1, "gw"], "value": 2.5})
    assert r.status_code == 200, r.text
    text = r.json()["yaml"]
    for comment in ("# My scenario: a comment at the top stays.", "# the name", "# who buys", "# the first gigawatt",
                    "# flow style kept", "# half a GW"):
        assert comment in text
    assert "gw: 2.5       # half a GW" in text
    assert "{product: mi450, gw: 1, start: 2026-07, ramp_months: 6}" in text
    assert text.replace("gw: 2.5 ", "gw: 0.5 ") == COMMENTED  # nothing else changed
    import yaml

    assert list(yaml.safe_load(text)) == ["name", "horizon", "deals"]
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(3.5)
    # A flow mapping, and a string a YAML 1.1 reader would take for something else, read back as given.
    r = client.post("/api/edit", json={"yaml": COMMENTED, "path": ["deals", 0, "tranches", 0, "start"], "value": "2027-03"})
    assert "{product: mi450, gw: 1, start: 2027-03, ramp_months: 6}   # flow style kept" in r.json()["yaml"]
    r = client.post("/api/edit", json={"yaml": COMMENTED, "path": ["deals", 0, "buyer"], "value": "yes"})
    assert r.status_code == 200 and yaml.safe_load(r.json()["yaml"])["deals"][0]["buyer"] == "yes"
    assert "# who buys" in r.json()["yaml"]


@pytest.mark.parametrize("body", [
    {"yaml": COMMENTED, "path": ["deals", 0, "tranches", 5, "gw"], "value": 1},   # no such tranche
    {"yaml": COMMENTED, "path": ["name", "x"], "value": 1},                      # into a scalar
    {"yaml": COMMENTED, "path": ["deals", "x"], "value": 1},                     # a key into a list
    {"yaml": COMMENTED, "path": ["nope"], "value": 1},                           # no such field
    {"yaml": COMMENTED, "path": ["deals", 0, "tranches", 0, "gw"], "value": "lots"},  # breaks the scenario
    {"yaml": "a: &x [*x]", "path": ["a"], "value": 1},                           # not a scenario / recursive alias
    {"yaml": "a: [" * 100 + "]" * 100, "path": ["a"], "value": 1},              # too deep for the safe loader
])
def test_edit_mistakes_are_422(client, body):
    r = client.post("/api/edit", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]


def test_deal_endpoint_labels_and_formats(client):
    r = client.post("/api/deal", json={"name": "openai-amd", "samples": 2000})
    assert r.status_code == 200, r.text
    d = r.json()
    deal = d["deals"][0]
    ids = [t["id"] for t in deal["tables"]]
    assert ids == ["deal0-warrant", "deal0-tranches", "deal0-shareholder", "deal0-buyer"]
    tranches = deal["tables"][1]
    assert tranches["columns"][:4] == ["Tranche", "Shares", "GW milestone", "Price hurdle"] and len(tranches["rows"]) == 6
    assert tranches["rows"][0][3] == "$200.00" and tranches["rows"][0][5].endswith("%")
    shareholder = deal["tables"][2]
    assert shareholder["rows"][0][0] == "FY2026" and shareholder["rows"][0][1].startswith("$") and shareholder["rows"][0][1].endswith("B")
    assert deal["charts"][0]["id"] == "deal0-vesting" and len(deal["charts"][0]["data"]) == 6
    text = json.dumps(deal["tables"])
    assert "e+" not in text and "_usd" not in text and "prob_vest" not in text  # no raw field names, no scientific notation
    assert d["analysis"]["warrant"]["shares_total"] == 160_000_000  # the numbers of `gigawatt deal --json`
    ja = client.post("/api/deal?lang=ja", json={"name": "openai-amd", "samples": 2000}).json()
    assert ja["deals"][0]["tables"][1]["columns"][0] == "トランシェ" and "億ドル" in json.dumps(ja["deals"][0]["tables"][2], ensure_ascii=False)
    # A scenario without deal terms: buyer economics only, and a note saying so.
    small = client.post("/api/deal", json={"yaml": SMALL, "lang": "en"}).json()
    assert [t["id"] for t in small["deals"][0]["tables"]] == ["deal0-buyer"] and not small["has_terms"]


def test_supply_endpoint_binding_input_by_quarter(client):
    r = client.post("/api/supply", json={"name": "openai-portfolio", "share": 0.05})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["binding"]["input"] in ("hbm_gb", "cowos_wafers") and s["binding_text"].startswith("Binding supply input: ")
    quarters = s["tables"][0]
    assert quarters["columns"][0] == "Quarter" and quarters["rows"][0][0].startswith("Q")
    assert any(row[-1] != "none" for row in quarters["rows"]) and len(s["binding_by_quarter"]) == len(quarters["rows"])
    assert s["tables"][1]["id"] == "supply-slips" and s["charts"][0]["layout"]["yaxis"]["tickformat"] in (".0%", ".1%")
    none = client.post("/api/supply", json={"name": "openai-amd", "constrained": False, "lang": "ja"}).json()
    assert none["binding"] is None and "なし" in none["binding_text"] and len(none["tables"]) == 1
    assert client.post("/api/supply", json={"name": "openai-amd", "share": 0}).status_code == 422
    assert client.post("/api/supply", json={"name": "openai-amd", "case": "huge"}).status_code == 422


def test_compare_keeps_old_keys_and_adds_labelled_rows(client):
    c = client.post("/api/compare", json={"a": {"name": "openai-amd"}, "b": {"name": "openai-portfolio"}}).json()
    assert {"a", "b", "difference"} <= set(c) and c["difference"]["gw"] == pytest.approx(20)
    assert c["columns"][:3] == ["", "openai-amd", "openai-portfolio"]  # the current scenario by its name, not "this"
    gw = next(r for r in c["rows"] if r["key"] == "gw")
    assert gw["cells"] == ["Facility GW", "6.00 GW", "26.00 GW", "20.00 GW", "+333.3%"] and gw["pct"] == pytest.approx(100 * 20 / 6)
    per_gw = next(r for r in c["rows"] if r["key"] == "capex_usd_per_gw")
    assert per_gw["label"].endswith("per GW") and per_gw["cells"][1].startswith("$")
    assert "e+" not in json.dumps(c["table"]) and c["inputs"]["rows"][0][0] == "Horizon"
    same = client.post("/api/compare", json={"a": {"name": "openai-amd"}, "b": {"name": "openai-amd"}, "lang": "ja"}).json()
    assert same["columns"][1] == same["columns"][2] == "openai-amd"
    assert next(r for r in same["rows"] if r["key"] == "gw")["cells"][3:] == ["0.00 GW", "+0.0%"]
    assert same["rows"][0]["label"] == "施設GW"


@pytest.mark.parametrize("cache_size", [0, 64])
def test_compare_evaluates_each_scenario_once(tmp_path, monkeypatch, cache_size):
    """Compare takes each side's summary from its evaluation (cached with it where the cache is on):
    one evaluation per scenario, none when both were evaluated before."""
    from gigawatt.analyses import api

    calls = []
    real = api.evaluate
    monkeypatch.setattr(api, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    client = TestClient(create_app(tmp_path / "c.db", cache_size=cache_size), base_url="http://localhost")
    body = {"a": {"name": "openai-amd"}, "b": {"yaml": SMALL}}
    first = client.post("/api/compare", json=body).json()
    assert len(calls) == 2
    again = client.post("/api/compare", json=body).json()
    assert again == first and len(calls) == (4 if cache_size == 0 else 2)


def test_mc_adds_a_labelled_percentile_table_and_fans(client):
    m = client.post("/api/mc", json={"name": "openai-amd", "samples": 300}).json()
    assert {"samples", "seed", "percentiles", "fans", "milestones"} <= set(m)  # the old keys
    assert m["table"]["columns"] == ["Output", "Mean", "P5", "P10", "P50", "P90", "P95"]
    labels = [row[0] for row in m["table"]["rows"]]
    assert "Warrant value" in labels and not any("_" in lab for lab in labels)
    done = next(row for row in m["table"]["rows"] if row[0].startswith("Completion month (completed in "))
    assert done[2][:3] in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert [c["id"] for c in m["charts"]] == ["fan_online_gw", "fan_delivered_gw", "fan_effective_pflops_bf16", "fan_capex_cumulative_usd"]


def test_language_query_and_body(client):
    en = client.post("/api/evaluate", json={"name": "openai-amd"}).json()
    ja = client.post("/api/evaluate?lang=ja", json={"name": "openai-amd"}).json()
    body = client.post("/api/evaluate", json={"name": "openai-amd", "lang": "ja"}).json()
    assert en["headline_rows"][0]["id"] == ja["headline_rows"][0]["id"] == "facility-gw"
    assert ja["headline_rows"][0]["label"] != en["headline_rows"][0]["label"] and ja["headline_rows"] == body["headline_rows"]
    assert "億ドル" in json.dumps(ja["headline_rows"], ensure_ascii=False)
    w = client.get("/api/world?lang=ja").json()
    assert w["charts"][0]["layout"]["title"]["text"] == "買い手別の稼働GW（四半期末）"
    for bad in ("fr", "", "EN"):
        assert client.post(f"/api/evaluate?lang={bad}", json={"name": "openai-amd"}).status_code == 422
    assert client.post("/api/deal", json={"name": "openai-amd", "lang": "de"}).status_code == 422


def test_new_endpoints_declare_their_errors(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/deal", "/api/supply", "/api/compare", "/api/mc"):
        assert {"400", "401", "404", "413", "422"} <= set(paths[path]["post"]["responses"]), path
    assert {"503", "504"} <= set(paths["/api/deal"]["post"]["responses"])


def test_prune_charts_hides_a_repeated_view():
    from gigawatt.interfaces.dashboard import hidden_notes, prune_charts

    def chart(cid, *ys):
        return {"id": cid, "data": [{"y": list(y)} for y in ys], "layout": {}}

    same = [chart("gw_by_vendor", [1, 2]), chart("gw_by_product", [1, 2]), chart("energy", [3])]
    kept, hidden = prune_charts(same, 1)
    assert [c["id"] for c in kept] == ["gw_by_vendor", "energy"] and hidden[0]["reason"] == "same"
    assert hidden_notes(hidden) == ["'GW online by product' is not shown: it is the same as 'GW online by vendor'"]
    one_vendor = [chart("gw_by_vendor", [2, 4]), chart("gw_by_product", [1, 2], [1, 2])]
    assert [c["id"] for c in prune_charts(one_vendor, 1)[0]] == ["gw_by_product"]
    two_vendors = [chart("gw_by_vendor", [1, 2], [1, 1]), chart("gw_by_product", [1, 1], [1, 1], [0, 1])]
    assert len(prune_charts(two_vendors, 2)[0]) == 2


def test_mc_in_japanese(client):
    m = client.post("/api/mc?lang=ja", json={"name": "openai-amd", "samples": 200}).json()
    assert m["table"]["columns"][:2] == ["出力", "平均"] and "億ドル" in json.dumps(m["table"], ensure_ascii=False)
    assert m["charts"][-1]["layout"]["yaxis"]["title"]["text"] == "億ドル"


def test_deal_takes_market_inputs_and_refuses_bad_ones(client):
    base = client.post("/api/deal", json={"name": "openai-amd", "samples": 500})
    given = client.post("/api/deal", json={"name": "openai-amd", "samples": 500, "spot_usd": 150.0, "volatility": 0.4,
                                           "rate": 0.03, "as_of": "2026-11"})
    assert base.status_code == 200 and given.status_code == 200, given.text
    w0 = base.json()["analysis"]["deals"][0]["warrant"]
    w1 = given.json()["analysis"]["deals"][0]["warrant"]
    assert w1["valuation_month"] == "2026-11" and w1["spot_usd"] == 150.0 and w1["volatility"] == 0.4
    assert w1["value_usd"] < w0["value_usd"]  # a lower price and volatility than the market file's: a less valuable warrant
    for bad in ('"spot_usd": -1', '"volatility": 5', '"as_of": "soon"', '"rate": NaN'):
        r = client.post("/api/deal", content='{"name": "openai-amd", "samples": 500, ' + bad + "}",
                        headers={"content-type": "application/json"})
        assert r.status_code == 422, (bad, r.text)


def test_world_view_in_japanese_has_japanese_labels(client):
    ja = client.get("/api/world", params={"lang": "ja"}).json()
    en = client.get("/api/world").json()
    assert ja["deals"]["columns"][0] == "案件" and ja["title"].startswith("世界全体")
    assert [v for _, v in ja["summary"]][2].endswith("GW（施設）")
    assert len(ja["deals"]["rows"]) == len(en["deals"]["rows"]) and ja["charts"]
    assert not any(a == b for (a, _), (b, _) in zip(ja["summary"], en["summary"]))  # every row label translated


def test_explain_over_the_api_matches_the_library(client):
    import gigawatt
    from gigawatt.analyses.explain import explain

    r = client.post("/api/explain", json={"name": "openai-amd", "field": "facility_mw", "tranche": 1, "role": "nameplate"})
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(json.dumps(explain(gigawatt.evaluate("openai-amd"), "facility_mw", 1, "nameplate")))
    assert client.post("/api/explain", json={"name": "openai-amd", "field": "nope"}).status_code == 422
    assert client.post("/api/explain", json={"name": "openai-amd", "field": "pue", "tranche": 99}).status_code == 422
    assert client.post("/api/explain", json={"name": "openai-amd", "field": "../x"}).status_code == 422


@pytest.mark.parametrize("path,body,where", [
    ("/api/evaluate", {"name": "openai-amd", "evil": 1}, "evil"),
    ("/api/compare", {"a": {"name": "openai-amd", "evil": 1}, "b": {"name": "openai-amd"}}, "a.evil"),
    ("/api/mc", {"name": "openai-amd", "sampels": 300}, "sampels"),
    ("/api/edit", {"yaml": SMALL, "path": ["name"], "value": "x", "evil": 1}, "evil"),
])
def test_unknown_body_fields_are_422_naming_the_field(client, path, body, where):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert f"{where}: unknown field (this part of the request takes: " in r.json()["error"]
    assert r.json()["problems"][0]["path"] == where
    assert client.put("/api/scenarios/mine", json={"yaml": SMALL, "version": 0, "evil": 1}).status_code == 422
    assert client.get("/api/scenarios").json()["saved"] == []


@pytest.mark.parametrize("path,raw,where", [
    ("/api/deal", '{"name": "openai-amd", "spot_usd": NaN}', "spot_usd"),
    ("/api/deal", '{"name": "openai-amd", "volatility": Infinity}', "volatility"),
    ("/api/mc", '{"name": "openai-amd", "samples": 300, "seed": -Infinity}', "seed"),
    ("/api/edit", '{"yaml": "name: x", "path": ["name"], "value": [1, 1e999]}', "value[1]"),
])
def test_non_finite_numbers_in_a_body_are_422_saying_so(client, path, raw, where):
    r = client.post(path, content=raw.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == f"invalid request: {where}: must be a finite number (JSON has no NaN or Infinity)"
    assert r.json()["problems"] == [{"path": where, "message": "must be a finite number (JSON has no NaN or Infinity)", "line": None}]


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/static/app.css", "/static/plotly.min.js", "/api/health", "/openapi.json"])
def test_head_is_answered_like_get(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]
    if "content-length" in got.headers:
        assert head.headers["content-length"] == got.headers["content-length"]


def test_head_on_a_post_route_is_405(client):
    r = client.head("/api/evaluate")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_a_chunked_body_over_the_limit_is_413(client):
    def chunks():  # no Content-Length: sent chunked, 10 MB
        for _ in range(160):
            yield b"x" * 65536

    r = client.post("/api/evaluate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json() == {"error": f"request body over {MAX_BODY // 1024} KiB", "problems": []}
    assert "content-security-policy" in r.headers
    assert client.post("/api/evaluate", content=iter([b'{"name": ', b'"openai-amd"}']),
                       headers={"content-type": "application/json"}).status_code == 200


def test_mc_values_the_warrant_like_deal_and_shows_the_basis(client):
    """/api/mc valued the warrant at the scenario's Oct 2025 price while /api/deal used the market
    file's latest; both use the market file now, and the reply says which inputs."""
    from gigawatt.ledger.market import underlying_inputs

    latest = underlying_inputs("amd")
    m = client.post("/api/mc", json={"name": "openai-amd", "samples": 300}).json()
    v = m["valuation"]
    assert v["rows"][0][0] == "OpenAI-AMD" and v["columns"][1] == "As of"
    assert v["rows"][0][2] == f"${latest['spot']['value']:,.2f}" and latest["spot"]["source"] in v["rows"][0][3]
    d = client.post("/api/deal", json={"name": "openai-amd", "samples": 300}).json()
    assert latest["valuation_month"] in json.dumps(d)
    completion = next(r for r in m["table"]["rows"] if r[0].startswith("Completion"))
    assert completion[1] != "-"  # the mean completion month


def test_deal_as_of_without_a_price_is_refused_like_the_cli(client):
    """An issuer the market file does not price: a valuation date alone valued the scenario's old
    spot as if it were that date's (the CLI refused; the API answered 200)."""
    from gigawatt.scenario.spec import builtin_text

    text = builtin_text("openai-amd").replace("supplier: AMD", "supplier: Acme", 1)
    r = client.post("/api/deal", json={"yaml": text, "samples": 300, "as_of": "2026-02"})
    assert r.status_code == 422 and "needs a price for acme" in r.json()["error"].lower()
    assert client.post("/api/deal", json={"yaml": text, "samples": 300, "as_of": "2026-02", "spot_usd": 250}).status_code == 200
