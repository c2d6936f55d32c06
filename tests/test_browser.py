"""Real-browser tests: headless Chromium (Debian's, installed by .ci/run) driven by Playwright.

Skipped where Chromium or Playwright is missing; CI installs both.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    exe = Path(sys.executable).with_name("gigawatt")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--db", str(tmp_path / "ui.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("gigawatt serve did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(10)


def test_edit_save_reload_in_the_page(browser, server, tmp_path):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_function("document.getElementById('total-gw') && document.getElementById('total-gw').textContent === '6.00'")
    assert page.locator("#chart-gw_by_vendor .main-svg").count() > 0
    first = page.locator("input.tranche-gw").first
    first.fill("2")
    first.dispatch_event("change")
    page.wait_for_function("document.getElementById('total-gw').textContent === '7.00'")
    page.fill("#name", "my-amd")
    page.click("#save-btn")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('saved my-amd v1')")
    page.reload()
    page.wait_for_function("document.getElementById('total-gw') && document.getElementById('total-gw').textContent === '6.00'")
    page.select_option("#scenario-select", "my-amd")
    page.click("#load-btn")
    page.wait_for_function("document.getElementById('total-gw').textContent === '7.00'")
    assert page.locator("#version").text_content() == "1"
    page.screenshot(path=str(tmp_path / "page.png"))


def test_validation_errors_show_inline(browser, server):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_function("document.getElementById('total-gw') && document.getElementById('total-gw').textContent === '6.00'")
    page.fill("#yaml", page.input_value("#yaml").replace("product: mi450", "product: mi45", 1))
    page.click("#evaluate-btn")
    page.wait_for_function("document.getElementById('errors').textContent.includes('unknown product')")
    assert "closest: mi450" in page.text_content("#errors")


def test_html_report_renders_offline(browser, tmp_path):
    from typer.testing import CliRunner

    from gigawatt.cli import app

    out = tmp_path / "report.html"
    assert CliRunner().invoke(app, ["report", "openai-portfolio", "--html", str(out)]).exit_code == 0
    context = browser.new_context()
    context.set_offline(True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_function("window.Plotly && document.querySelectorAll('.main-svg').length > 0")
    charts = page.locator(".chart")
    assert charts.count() >= 8
    assert page.locator(".chart .main-svg").count() >= charts.count()  # every chart drew
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    context.close()
