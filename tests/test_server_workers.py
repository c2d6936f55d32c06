"""The server's evaluate cache and its worker processes (`gigawatt serve --workers N`)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gigawatt.interfaces import server
from gigawatt.interfaces.server import create_app

SMALL = """name: small
horizon: {start: 2026-01, end: 2030-12}
deals:
  - name: D
    buyer: B
    supplier: AMD
    tranches:
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}
"""
OUTER = """name: outer
horizon: {start: 2026-01, end: 2030-12}
include: [small]
"""


def _client(tmp_path, **kw):
    return TestClient(create_app(tmp_path / "c.db", **kw), base_url="http://localhost", raise_server_exceptions=False)


def _cache(client):
    return client.get("/api/health").json()["cache"]


def test_repeated_evaluate_is_served_from_the_cache(tmp_path):
    client = _client(tmp_path)
    a = client.post("/api/evaluate", json={"name": "openai-amd"})
    b = client.post("/api/evaluate", json={"name": "openai-amd"})
    assert a.status_code == b.status_code == 200 and a.content == b.content
    assert _cache(client) == {"entries": 1, "hits": 1, "misses": 1}
    # The same resolved scenario reached another way (YAML text with a comment) is the same entry.
    text = client.get("/api/scenarios/openai-amd").json()["yaml"]
    c = client.post("/api/evaluate", json={"yaml": "# a comment changes nothing\n" + text})
    assert c.content == a.content and _cache(client)["hits"] == 2
    # Any change to the scenario is another entry.
    d = client.post("/api/evaluate", json={"yaml": SMALL})
    e = client.post("/api/evaluate", json={"yaml": SMALL.replace("gw: 1", "gw: 2")})
    assert d.json()["totals"]["gw"] == 1 and e.json()["totals"]["gw"] == 2 and _cache(client)["entries"] == 3


def test_cached_answers_equal_uncached_ones(tmp_path):
    cached, plain = _client(tmp_path), _client(tmp_path, cache_size=0)
    for body in ({"name": "openai-portfolio"}, {"yaml": SMALL}):
        first = cached.post("/api/evaluate", json=body).content
        again = cached.post("/api/evaluate", json=body).content
        assert first == again == plain.post("/api/evaluate", json=body).content
    assert _cache(plain) == {"entries": 0, "hits": 0, "misses": 0}
    cmp = cached.post("/api/compare", json={"a": {"name": "openai-portfolio"}, "b": {"yaml": SMALL}}).json()
    assert cmp["difference"]["gw"] == pytest.approx(1 - cmp["a"]["totals"]["gw"])


def test_an_included_saved_scenario_that_changes_is_not_served_stale(tmp_path):
    client = _client(tmp_path)
    assert client.put("/api/scenarios/small", json={"yaml": SMALL, "version": 0}).status_code == 200
    assert client.post("/api/evaluate", json={"yaml": OUTER}).json()["totals"]["gw"] == 1
    assert client.put("/api/scenarios/small", json={"yaml": SMALL.replace("gw: 1", "gw: 3"), "version": 1}).status_code == 200
    assert client.post("/api/evaluate", json={"yaml": OUTER}).json()["totals"]["gw"] == 3
    assert client.post("/api/evaluate", json={"name": "small"}).json()["totals"]["gw"] == 3


def test_cache_is_bounded_and_expires(monkeypatch):
    cache = server.ResultCache(size=2, ttl_s=10.0)
    for k in "abc":
        cache.put(k, server.Evaluated({"k": k}, k.encode(), {}))
    assert cache.get("a") is None and cache.get("c").body == b"c"
    now = time.monotonic()
    monkeypatch.setattr(server.time, "monotonic", lambda: now + 11.0)
    assert cache.get("c") is None and cache.get("b") is None


def test_serve_with_workers_runs_uvicorn_with_a_factory(monkeypatch, tmp_path):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv(server.OPTIONS_ENV, "{}")  # restored after the test (serve() sets it)
    server.serve("127.0.0.1", 8123, str(tmp_path / "w.db"), token="s3cret-token", allowed_hosts=["box.lan"], heavy_workers=3, workers=3)
    (target, kw), = calls
    assert target == "gigawatt.interfaces.server:app_from_env" and kw["factory"] is True and kw["workers"] == 3 and kw["port"] == 8123
    opts = json.loads(os.environ[server.OPTIONS_ENV])
    assert opts == {"db": str(tmp_path / "w.db"), "token": "s3cret-token", "allowed_hosts": ["box.lan"], "heavy_workers": 3,
                    "cache_size": server.EVAL_CACHE_SIZE}
    # Each worker process builds the same app from those options: the token and host rules hold.
    client = TestClient(server.app_from_env(), base_url="http://localhost", raise_server_exceptions=False)
    assert client.get("/api/health").status_code == 401
    assert client.get("/api/health", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    assert client.get("/api/health", headers={"authorization": "Bearer s3cret-token", "host": "box.lan"}).status_code == 200
    assert client.get("/api/health", headers={"authorization": "Bearer s3cret-token", "host": "evil.example"}).status_code == 400
    calls.clear()
    server.serve("127.0.0.1", 8124, str(tmp_path / "w.db"), workers=1)
    assert not isinstance(calls[0][0], str) and "workers" not in calls[0][1]  # one process: the app object itself


def test_default_workers_follow_the_cores(monkeypatch):
    monkeypatch.setattr(server.os, "cpu_count", lambda: 1)
    assert server.default_workers() == 1
    monkeypatch.setattr(server.os, "cpu_count", lambda: 2)
    assert server.default_workers() == 2
    monkeypatch.setattr(server.os, "cpu_count", lambda: 64)
    assert server.default_workers() == 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts worker processes through /proc")
def test_gigawatt_serve_workers_starts_that_many_processes(tmp_path):
    import httpx

    port = _free_port()
    exe = Path(sys.executable).with_name("gigawatt")
    env = {k: v for k, v in os.environ.items() if k not in ("GIGAWATT_TOKEN", server.OPTIONS_ENV)}
    proc = subprocess.Popen([str(exe), "serve", "--workers", "2", "--port", str(port), "--db", str(tmp_path / "p.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        while time.monotonic() < deadline and len([c for c in _children(proc.pid) if _is_python(c)]) < 2:
            time.sleep(0.2)
        workers = [c for c in _children(proc.pid) if _is_python(c)]
        assert len(workers) >= 2, workers
        r = httpx.post(base + "/api/evaluate", json={"name": "openai-amd"}, timeout=60)
        assert r.status_code == 200 and r.json()["totals"]["gw"] == pytest.approx(6.0)
        assert httpx.put(base + "/api/scenarios/small", json={"yaml": SMALL, "version": 0}, timeout=30).status_code == 200
        for _ in range(4):  # whichever process answers sees the save (one SQLite file)
            assert httpx.get(base + "/api/scenarios/small", timeout=30).json()["version"] == 1
    finally:
        proc.terminate()
        proc.wait(30)
    assert "2 processes" in proc.stdout.read().decode()


def _is_python(pid: int) -> bool:
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def test_a_saved_scenario_replacing_a_builtin_name_is_seen(tmp_path):
    """The parse memo remembers which saved scenarios a request read, including names that were
    built-ins at the time: saving one under that name must change the answer."""
    client = _client(tmp_path)
    text = OUTER.replace("include: [small]", "include: [openai-amd]")
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
    assert client.put("/api/scenarios/openai-amd", json={"yaml": SMALL.replace("name: small", "name: openai-amd"),
                                                          "version": 0}).status_code == 200
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(1.0)
    assert client.post("/api/evaluate", json={"name": "openai-amd"}).json()["totals"]["gw"] == pytest.approx(1.0)
    assert client.delete("/api/scenarios/openai-amd", params={"version": 1}).status_code == 204
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
