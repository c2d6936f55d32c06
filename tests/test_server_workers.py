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
    port = _free_port()  # serve() checks the port can be bound first
    server.serve("127.0.0.1", port, str(tmp_path / "w.db"), token="s3cret-token", allowed_hosts=["box.lan"], heavy_workers=3, workers=3)
    (target, kw), = calls
    assert target == "gigawatt.interfaces.server:app_from_env" and kw["factory"] is True and kw["workers"] == 3 and kw["port"] == port
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
    server.serve("127.0.0.1", _free_port(), str(tmp_path / "w.db"), workers=1)
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


def test_a_builtin_name_cannot_be_saved_over(tmp_path):
    """Saving under a built-in's name would replace the seed scenario for every user of the
    database (by name, in include: and in GET): it is refused, and the built-in stays."""
    client = _client(tmp_path)
    text = OUTER.replace("include: [small]", "include: [openai-amd]")
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
    r = client.put("/api/scenarios/openai-amd", json={"yaml": SMALL.replace("name: small", "name: openai-amd"), "version": 0})
    assert r.status_code == 409 and r.json()["error"] == "openai-amd is a built-in scenario; save under another name"
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
    assert client.post("/api/evaluate", json={"name": "openai-amd"}).json()["totals"]["gw"] == pytest.approx(6.0)
    got = client.get("/api/scenarios/openai-amd").json()
    assert got["builtin"] and "shadowed" not in got
    assert client.get("/api/scenarios").json()["saved"] == []


def test_a_legacy_saved_row_under_a_builtin_name_is_shown_apart_and_never_used(tmp_path):
    """A row an older version let someone save under a built-in's name: the built-in wins
    everywhere (evaluate, include, GET); the row is listed under `shadowed` with a note, its text
    is in GET's `shadowed`, and it can be deleted."""
    import sqlite3

    client = _client(tmp_path)
    with sqlite3.connect(tmp_path / "c.db") as c:
        c.execute("INSERT INTO scenarios (name, yaml, version, updated_at) VALUES ('openai-amd', ?, 1, 0)",
                  (SMALL.replace("name: small", "name: openai-amd"),))
    text = OUTER.replace("include: [small]", "include: [openai-amd]")
    assert client.post("/api/evaluate", json={"yaml": text}).json()["totals"]["gw"] == pytest.approx(6.0)
    assert client.post("/api/evaluate", json={"name": "openai-amd"}).json()["totals"]["gw"] == pytest.approx(6.0)
    got = client.get("/api/scenarios/openai-amd").json()
    assert got["builtin"] and got["version"] == 0 and "mi450" in got["yaml"] and "gw: 1," in got["shadowed"]["yaml"]
    listed = client.get("/api/scenarios").json()
    assert listed["saved"] == [] and [r["name"] for r in listed["shadowed"]] == ["openai-amd"]
    assert "the built-in is used" in listed["shadowed"][0]["note"]
    assert client.put("/api/scenarios/openai-amd", json={"yaml": SMALL, "version": 1}).status_code == 409
    assert client.delete("/api/scenarios/openai-amd", params={"version": 1}).status_code == 204
    assert client.get("/api/scenarios").json()["shadowed"] == []


def _busy_port():
    """A listening socket on a free port (what another server holds)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s, s.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 3])
def test_serve_on_a_port_in_use_is_a_user_error_before_anything_starts(monkeypatch, tmp_path, workers):
    import uvicorn

    from gigawatt.core.errors import GigawattError

    calls, announced = [], []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    monkeypatch.setenv(server.OPTIONS_ENV, "{}")
    busy, port = _busy_port()
    with busy, pytest.raises(GigawattError, match=f"cannot serve on 127.0.0.1:{port}: the port is already in use"):
        server.serve("127.0.0.1", port, str(tmp_path / "w.db"), workers=workers, announce=lambda: announced.append(1))
    assert calls == [] and announced == []
    server.serve("127.0.0.1", port, str(tmp_path / "w.db"), workers=workers, announce=lambda: announced.append(1))
    assert len(calls) == 1 and announced == [1]  # once free: announced, then run


@pytest.mark.parametrize("workers", [1, 3])
def test_a_port_taken_after_the_check_is_a_user_error_too(monkeypatch, tmp_path, workers):
    import uvicorn

    from gigawatt.core.errors import GigawattError

    def fails(app, **kw):
        raise SystemExit(3)  # what uvicorn does when its bind fails

    monkeypatch.setattr(uvicorn, "run", fails)
    monkeypatch.setenv(server.OPTIONS_ENV, "{}")
    with pytest.raises(GigawattError, match="could not start"):
        server.serve("127.0.0.1", _free_port(), str(tmp_path / "w.db"), workers=workers)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_gigawatt_serve_on_a_busy_port_says_so_in_one_line_and_exits_2(tmp_path, workers):
    exe = Path(sys.executable).with_name("gigawatt")
    env = {k: v for k, v in os.environ.items() if k not in ("GIGAWATT_TOKEN", server.OPTIONS_ENV)}
    busy, port = _busy_port()
    with busy:
        r = subprocess.run([str(exe), "serve", "--workers", workers, "--port", str(port), "--db", str(tmp_path / "p.db")],
                           capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == f"error: cannot serve on 127.0.0.1:{port}: the port is already in use (another program, or another " \
                       "`gigawatt serve`); stop it or choose another --port\n"
    assert "serving" not in r.stdout, r.stdout
