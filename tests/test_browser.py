"""Real-browser tests: headless Chromium (Debian's, installed by .ci/run) driven by Playwright.

Skipped where Chromium or Playwright is missing; CI installs both. The page is also checked
under the Content-Security-Policy the server sends (added here to the page's response, so the
check does not depend on the server), with saved scenarios whose free-text fields carry script
payloads, and behind ``gigawatt serve --token``. Set GIGAWATT_SHOTS=DIR to keep the screenshots.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, *extra):
    """Start ``gigawatt serve`` on a free port; yield its URL."""
    port = _free_port()
    exe = Path(sys.executable).with_name("gigawatt")
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_TOKEN"}
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--db", str(tmp_path / "ui.db"), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    up = False
    for _ in range(100):
        if proc.poll() is not None:  # exited, e.g. an unknown option
            break
        try:
            urllib.request.urlopen(url + "/api/health", timeout=1)
            up = True
        except urllib.error.HTTPError:  # e.g. 401 behind --token: it is up
            up = True
        except OSError:
            time.sleep(0.1)
            continue
        break
    if not up:
        proc.kill()
        proc.wait(10)
        pytest.fail(f"gigawatt serve {' '.join(extra)} did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def server(tmp_path):
    yield from _serve(tmp_path)


TOKEN = "t0k3n-t0k3n"  # the CLI wants 8 characters or more


@pytest.fixture
def token_server(tmp_path):
    yield from _serve(tmp_path, "--token", TOKEN)


# What the server sends on every response (server.py); added here too so the page is checked under it.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
       "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
NEEDS_TOKEN = "this server needs a token: open the URL that `gigawatt serve` printed"


def _shot(page, tmp_path, name):
    d = Path(os.environ.get("GIGAWATT_SHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(d / name), full_page=True)


def _strict_page(context, csp=True):
    """A page recording CSP violations, script errors and dialogs; with ``csp``, its document is served with ``CSP``."""
    page = context.new_page()

    def add_csp(route):
        resp = route.fetch()
        route.fulfill(response=resp, headers={**resp.headers, "content-security-policy": CSP})

    if csp:
        page.route(lambda url: urlparse(url).path == "/", add_csp)
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));")
    page.dialogs = []

    def on_dialog(d):
        page.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def _csp_in_force(page) -> bool:
    """An inline script added now must not run."""
    before = len(page.evaluate("window.__csp"))
    ran = page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; "
                        "document.body.append(s); s.remove(); return window.__inline === 1; }")
    page.wait_for_function(f"() => window.__csp.length > {before}")
    page.evaluate(f"window.__csp.splice({before})")
    return not ran


def test_edit_save_reload_in_the_page(browser, server, tmp_path):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    assert page.locator("#chart-gw_by_vendor .main-svg, #chart-gw_by_product .main-svg").count() > 0
    first = page.locator("input.tranche-gw").first
    first.fill("2")
    first.dispatch_event("change")
    page.wait_for_function("() => document.getElementById('headline-facility-gw').textContent === '7.00 GW'")
    page.fill("#name", "my-amd")
    page.click("#save-btn")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('saved my-amd v1')")
    page.reload()
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    page.select_option("#scenario-select", "my-amd")
    page.click("#load-btn")
    page.wait_for_function("() => document.getElementById('headline-facility-gw').textContent === '7.00 GW'")
    assert page.locator("#version").text_content() == "1"
    page.screenshot(path=str(tmp_path / "page.png"))


def test_validation_errors_show_inline(browser, server):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    page.fill("#yaml", page.input_value("#yaml").replace("product: mi450", "product: mi45", 1))
    page.click("#evaluate-btn")
    page.wait_for_function("() => document.getElementById('errors').textContent.includes('unknown product')")
    assert "closest: mi450" in page.text_content("#errors")


def test_html_report_renders_offline(browser, tmp_path):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    out = tmp_path / "report.html"
    assert CliRunner().invoke(app, ["report", "openai-portfolio", "--html", str(out)]).exit_code == 0
    context = browser.new_context()
    context.set_offline(True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_function("() => window.Plotly && document.querySelectorAll('.main-svg').length > 0")
    charts = page.locator(".chart")
    assert charts.count() >= 8
    assert page.locator(".chart .main-svg").count() >= charts.count()  # every chart drew
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    context.close()


WEB = Path(__file__).resolve().parents[1] / "src" / "gigawatt" / "interfaces" / "web"


def test_page_builds_no_html_from_strings():
    """app.js makes nodes and text only; index.html has no inline script or handler (CSP: script-src 'self')."""
    js = (WEB / "app.js").read_text(encoding="utf-8")
    for pattern in [r"\.innerHTML", r"\.outerHTML", r"insertAdjacentHTML", r"document\.write", r"\beval\s*\(", r"\bnew\s+Function\b",
                    r"\bset(Timeout|Interval)\s*\(\s*[\"'`]", r"createContextualFragment", r"\bDOMParser\b", r"\bsrcdoc\b",
                    r"setAttribute\(\s*[\"'`]on"]:
        assert not re.search(pattern, js), pattern
    code = re.sub(r"(^|\s)//.*$", "", js, flags=re.MULTILINE)  # comments off
    strings = re.findall(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", code)
    assert len(strings) > 50 and not [t for t in strings if re.search(r"<[a-zA-Z/!]", t)]  # no markup in any string
    page = (WEB / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # every script is a file
    assert not re.search(r"\son[a-z]+\s*=", page) and "javascript:" not in page and " style=" not in page


P_IMG = '<img src=x onerror="window.__xss=1">'
P_SCRIPT = "<script>window.__xss=1</script>"
P_SVG = '"><svg onload=window.__xss=1>'
HOSTILE = {"name": "x" + P_SVG + P_IMG, "title": P_IMG + " " + P_SCRIPT + " " + P_SVG, "description": P_SCRIPT,
           "horizon": {"start": "2026-01", "end": "2033-12"}, "site": {"cooling": "dlc", "region": "us-average"},
           "deals": [{"name": P_SCRIPT, "buyer": P_IMG, "supplier": P_SVG, "tranches": [
               {"label": p, "product": "mi450", "gw": "1 GW", "start": "2027-01", "ramp_months": 12} for p in (P_IMG, P_SCRIPT, P_SVG)]}]}


def _api(url, method, path, body=None, token=None):
    req = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read() or b"{}")


@pytest.mark.parametrize("strict", [False, True], ids=["as-served", "with-csp"])
def test_script_payloads_in_a_saved_scenario_are_only_text(browser, server, tmp_path, strict):
    import yaml

    status, saved = _api(server, "PUT", "/api/scenarios/xss-test", {"yaml": yaml.safe_dump(HOSTILE, sort_keys=False), "version": 0})
    assert status == 200 and saved["version"] == 1
    context = browser.new_context()
    page = _strict_page(context, csp=strict)
    page.goto(server)
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    page.select_option("#scenario-select", "xss-test")
    page.click("#load-btn")
    page.wait_for_function("() => document.getElementById('headline-facility-gw').textContent === '3.00 GW'")
    assert page.text_content("#title") == HOSTILE["title"]
    assert page.locator("#tranches td:first-child").all_text_contents() == [P_IMG, P_SCRIPT, P_SVG]
    page.evaluate("document.getElementById('status').textContent = ''")
    page.click("#evaluate-btn")
    page.wait_for_function("() => document.getElementById('status').textContent !== ''")
    assert page.text_content("#errors") == ""
    page.click("#compare-tab")
    page.select_option("#compare-select", "xss-test")
    page.click("#compare-btn")
    page.wait_for_selector("#compare-table")
    page.wait_for_selector("#compare-b .gtitle")
    assert page.locator("#compare-table th").nth(2).text_content() == HOSTILE["name"]
    assert page.text_content("#compare-b .gtitle").startswith(HOSTILE["name"] + ": ")
    assert page.locator("#chart-gw_by_vendor .main-svg, #chart-gw_by_product .main-svg").count() > 0 and page.locator("#compare-a .main-svg").count() > 0
    _shot(page, tmp_path, f"xss-{'csp' if strict else 'served'}.png")
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('img, script:not([src]), [onerror], [onload]').length") == 0
    if strict:
        assert _csp_in_force(page)
    assert page.evaluate("window.__csp") == []  # nothing the page does is refused by the policy
    context.close()


def test_page_styles_load_under_csp(browser, server):
    context = browser.new_context()
    page = _strict_page(context)
    page.goto(server)
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(31, 41, 55)"  # /static/app.css
    assert page.evaluate("window.__csp") == [] and page.errors == []
    context.close()


def test_token_from_the_url(browser, token_server, tmp_path):
    for path in ("/", "/static/app.js", "/static/plotly.min.js"):  # the page itself needs no token
        assert urllib.request.urlopen(token_server + path, timeout=30).status == 200
    with pytest.raises(urllib.error.HTTPError) as exc:
        _api(token_server, "GET", "/api/scenarios")
    assert exc.value.code == 401
    assert _api(token_server, "GET", "/api/scenarios", token=TOKEN)[0] == 200
    context = browser.new_context()
    page = _strict_page(context)
    page.goto(f"{token_server}/#token={TOKEN}")
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    assert page.evaluate("location.hash") == "" and TOKEN not in page.url
    assert page.evaluate("sessionStorage.getItem('gigawatt-token')") == TOKEN
    _shot(page, tmp_path, "token.png")
    page.reload()  # the token stays for this tab's session
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    page.fill("#name", "with-token")
    page.click("#save-btn")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('saved with-token v1')")
    assert page.evaluate("window.__csp") == [] and page.errors == [] and page.text_content("#errors") == ""
    context.close()


def test_missing_or_wrong_token_says_how_to_get_in(browser, token_server, tmp_path):
    context = browser.new_context()
    page = _strict_page(context)
    page.goto(token_server)
    page.wait_for_function("() => document.getElementById('errors').textContent.includes('needs a token')")
    assert page.text_content("#errors") == NEEDS_TOKEN
    assert "needs a token" in page.text_content("#status")
    _shot(page, tmp_path, "token-missing.png")
    page.goto(f"{token_server}/#token=wrong")  # same document: the page picks the token up from the new fragment
    page.wait_for_function("() => document.getElementById('errors').textContent.includes('refused')")
    assert page.evaluate("sessionStorage.getItem('gigawatt-token')") is None and page.evaluate("location.hash") == ""
    page.goto(f"{token_server}/#token={TOKEN}")
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    assert page.text_content("#errors") == "" and page.evaluate("location.hash") == ""
    context.close()


def test_html_report_with_script_payloads_runs_none(browser, tmp_path):
    import yaml
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    src, out = tmp_path / "hostile.yaml", tmp_path / "hostile.html"
    src.write_text(yaml.safe_dump(HOSTILE, sort_keys=False), encoding="utf-8")
    res = CliRunner().invoke(app, ["report", str(src), "--html", str(out)])
    assert res.exit_code == 0, res.output
    context = browser.new_context()
    context.set_offline(True)
    page = _strict_page(context, csp=False)
    page.goto(out.as_uri())
    page.wait_for_function("() => window.Plotly && document.querySelectorAll('.main-svg').length > 0")
    assert page.text_content("h1") == HOSTILE["title"]
    assert page.evaluate("window.__xss") is None and page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('img, [onerror], [onload]').length") == 0
    assert page.evaluate("[...document.querySelectorAll('.chart')].every(c => c.querySelector('.main-svg'))")  # the script ran to the end
    _shot(page, tmp_path, "report-xss.png")
    context.close()


def test_world_view_shows_the_chart_and_the_deals(browser, token_server, tmp_path):
    """The World tab fetches /api/world (with the bearer token) and draws the GW-by-buyer chart and the deals table, under the CSP."""
    _, expected = _api(token_server, "GET", "/api/world", token=TOKEN)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _strict_page(context)
    page.goto(f"{token_server}/#token={TOKEN}")
    page.wait_for_function("() => document.getElementById('headline-facility-gw') && document.getElementById('headline-facility-gw').textContent === '6.00 GW'")
    assert page.is_hidden("#world-view")
    page.click("#world-tab")
    page.wait_for_function("() => document.querySelectorAll('#world-deals tr').length > 1")
    page.wait_for_selector("#chart-world_gw_by_buyer .main-svg")
    assert page.is_hidden("#scenario-view") and page.is_visible("#world-view")
    assert page.locator("#world-deals th").all_text_contents() == expected["deals"]["columns"]
    cells = page.locator("#world-deals tr").evaluate_all("rows => rows.slice(1).map(r => [...r.cells].map(c => c.textContent))")
    assert cells == expected["deals"]["rows"] and len(cells) >= 25
    meta = next(r for r in cells if r[0] == "meta-amd-2026-02")
    assert meta[4] == "definitive" and meta[7] == "6"
    legend = set(page.locator("#chart-world_gw_by_buyer .legendtext").all_text_contents())
    assert {"OpenAI", "Meta", "Anthropic"} <= legend
    assert page.locator("#chart-world_gw_by_buyer .scatterlayer .trace").count() == len(legend)
    assert page.text_content("#world-binding").startswith("Binding supply input: ")
    assert page.text_content("#world-title") == expected["title"]
    _shot(page, tmp_path, "world.png")
    # As of October 2025: the deals announced by then only.
    page.fill("#world-as-of", "2025-10")
    page.click("#world-btn")
    page.wait_for_function("() => document.getElementById('world-title').textContent.endsWith('as of 2025-10')")
    ids = page.locator("#world-deals tr td:first-child").all_text_contents()
    assert "openai-amd-2025-10" in ids and "meta-amd-2026-02" not in ids
    # Not a month: the server's message is shown, nothing breaks.
    page.fill("#world-as-of", "2025-13")
    page.click("#world-btn")
    page.wait_for_function("() => document.getElementById('world-errors').textContent.includes('YYYY-MM')")
    page.click("#scenario-tab")
    assert page.is_visible("#scenario-view") and page.is_hidden("#world-view") and page.text_content("#headline-facility-gw") == "6.00 GW"
    assert page.evaluate("window.__csp") == [] and page.errors == [] and page.dialogs == []
    context.close()


# --- the report's print view and PDF (English and Japanese) ---------------------------------------

def _pdf_pages(data: bytes) -> int:
    """Pages in a PDF: pdfinfo where installed, else the page objects in the file."""
    if shutil.which("pdfinfo"):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(data)
            fh.flush()
            out = subprocess.run(["pdfinfo", fh.name], capture_output=True, text=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", out)[1])
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_pdf_and_print_view(browser, tmp_path, lang):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    html_out, pdf_out = tmp_path / f"report-{lang}.html", tmp_path / f"report-{lang}.pdf"
    res = CliRunner().invoke(app, ["report", "openai-amd", "--html", str(html_out), "--pdf", str(pdf_out), "--lang", lang,
                                   "--samples", "300"])
    assert res.exit_code == 0, res.output
    data = pdf_out.read_bytes()
    assert data.startswith(b"%PDF") and _pdf_pages(data) >= 2
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    context.set_offline(True)
    page = context.new_page()
    page.goto(html_out.as_uri())
    page.wait_for_function("() => window.Plotly && document.querySelectorAll('.main-svg').length > 5")
    summary = "エグゼクティブ・サマリー" if lang == "ja" else "Executive summary"
    assert page.locator("#summary h2").inner_text() == summary
    assert page.locator("nav").is_visible() and not page.locator("footer.print-footer").is_visible()
    _shot(page, tmp_path, f"report-{lang}-screen.png")
    page.locator("#capex").screenshot(path=str(Path(os.environ.get("GIGAWATT_SHOTS") or tmp_path) / f"report-{lang}-capex.png"))
    page.emulate_media(media="print")
    # Print view: no navigation, the scenario file folded away, the footer with scenario and date shown, deal economics
    # right after the summary (first page).
    assert not page.locator("nav").is_visible() and not page.locator("details").is_visible()
    assert page.locator("footer.print-footer").is_visible() and "openai-amd" in page.locator("footer.print-footer").inner_text()
    ids = page.eval_on_selector_all("section", "els => els.map(e => e.id)")
    assert ids[:2] == ["summary", "warrant"]
    wide = page.evaluate("() => [...document.querySelectorAll('table')].filter(t => t.scrollWidth > document.body.clientWidth + 2).length")
    assert wide == 0  # no table wider than the page (Chromium would shrink every page to fit it)
    _shot(page, tmp_path, f"report-{lang}-print.png")
    context.close()


# -- the dashboard's tabs: deal economics, supply, Monte Carlo, compare, world; language; keyboard --------------
LAPTOP = {"width": 1366, "height": 768}
HEADLINE_6GW = ("() => document.getElementById('headline-facility-gw') && "
                "document.getElementById('headline-facility-gw').textContent === '6.00 GW'")


def _api_requests(page) -> list:
    seen = []
    page.on("request", lambda r: seen.append((r.url, r.headers.get("authorization"))) if "/api/" in r.url else None)
    return seen


def _cells(page, selector):
    return page.locator(selector + " tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_every_tab_under_csp_with_the_token(browser, token_server, tmp_path):
    """Each tab fetches its view with the bearer token, draws its tables and charts, and breaks nothing under the CSP."""
    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    requests = _api_requests(page)
    page.goto(f"{token_server}/#token={TOKEN}")
    page.wait_for_function(HEADLINE_6GW)
    _shot(page, tmp_path, "tab-plan-en.png")
    # Deal economics: warrant, vesting by tranche, shareholder table, buyer economics, vesting chart.
    page.click("#deal-tab")
    page.wait_for_selector("#deal0-tranches")
    assert page.is_visible("#deal-view") and page.is_hidden("#scenario-view")
    rows = _cells(page, "#deal0-tranches")
    assert rows[0] == ["Tranche", "Shares", "GW milestone", "Price hurdle", "Milestone month", "P(vest)", "Expected vest", "Terms"]
    assert len(rows) == 7 and rows[1][3] == "$200.00" and rows[1][7] == "assumed"
    assert _cells(page, "#deal0-shareholder")[1][0] == "FY2026"
    page.wait_for_selector("#chart-deal0-vesting .main-svg")
    assert page.locator("#chart-deal0-vesting .legendtext").count() == 6
    assert page.text_content(".scenario-name") == "openai-amd"
    _shot(page, tmp_path, "tab-deal-en.png")
    # Supply: the binding input by quarter and the share-of-world chart.
    page.click("#supply-tab")
    page.wait_for_selector("#supply-quarters")
    assert page.text_content("#supply-binding").startswith("Binding supply input")
    assert _cells(page, "#supply-quarters")[0][0] == "Quarter"
    page.wait_for_selector("#chart-supply_shares .main-svg")
    page.fill("#supply-share", "3")
    page.click("#supply-btn")
    page.wait_for_function("() => document.getElementById('supply-binding').textContent.includes('binds first')")
    _shot(page, tmp_path, "tab-supply-en.png")
    # Monte Carlo: on demand, with a progress indicator while the server runs it.
    page.click("#mc-tab")
    assert page.locator("#mc-percentiles").count() == 0 and page.is_hidden("#mc-progress")
    page.evaluate("() => { window.__progress = []; const p = document.getElementById('mc-progress'); new MutationObserver(() => "
                  "window.__progress.push([!p.hidden, document.getElementById('mc-progress-text').textContent])).observe(p, {attributes: true}); }")
    page.fill("#mc-samples", "2000")
    page.click("#mc-btn")
    page.wait_for_selector("#mc-percentiles")
    seen = page.evaluate("window.__progress")
    assert seen[0][0] is True and "2,000 samples" in seen[0][1] and page.is_hidden("#mc-progress")
    table = _cells(page, "#mc-percentiles")
    assert table[0] == ["Output", "Mean", "P5", "P10", "P50", "P90", "P95"] and any(r[0] == "Warrant value" for r in table)
    page.wait_for_selector("#chart-fan_online_gw .main-svg")
    assert page.text_content("#status").startswith("2,000 samples")
    _shot(page, tmp_path, "tab-mc-en.png")
    # Compare: the current scenario by its name, absolute and % differences, per GW.
    page.click("#compare-tab")
    page.select_option("#compare-select", "openai-portfolio")
    page.click("#compare-btn")
    page.wait_for_selector("#compare-table")
    table = _cells(page, "#compare-table")
    assert table[0][:3] == ["", "openai-amd", "openai-portfolio"] and table[0][4] == "Difference (%)"
    assert ["Facility GW", "6.00 GW", "26.00 GW", "20.00 GW", "+333.3%"] in table
    assert any(r[0].endswith("per GW") for r in table) and not any("e+" in c for r in table for c in r)
    page.wait_for_selector("#compare-b .gtitle")
    assert page.text_content("#compare-a .gtitle").startswith("openai-amd: ")
    _shot(page, tmp_path, "tab-compare-en.png")
    page.click("#world-tab")
    page.wait_for_function("() => document.querySelectorAll('#world-deals tr').length > 1")
    _shot(page, tmp_path, "tab-world-en.png")
    page.click("#scenario-tab")
    assert page.is_visible("#scenario-view") and page.text_content("#headline-facility-gw") == "6.00 GW"
    assert requests and all(auth == "Bearer " + TOKEN for _, auth in requests), requests
    assert page.evaluate("window.__csp") == [] and page.errors == [] and page.dialogs == []
    context.close()


def test_language_switch(browser, server, tmp_path):
    """日本語: the page's own strings from its dictionary, labels and numbers from the API in Japanese; and back."""
    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    page.goto(server)
    page.wait_for_function(HEADLINE_6GW)
    page.select_option("#lang-select", "ja")
    page.wait_for_function("() => document.querySelector('#headline-capex-bottom-up').textContent.endsWith('億ドル')")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.text_content("#scenario-tab") == "計画" and page.text_content("#deal-tab") == "案件の経済性"
    assert page.text_content("#headline-facility-gw") == "6.00 GW"
    assert page.locator("#headline th").first.text_content() == "施設GW"
    assert page.locator("#tranches th").first.text_content() == "トランシェ"
    _shot(page, tmp_path, "tab-plan-ja.png")
    page.click("#deal-tab")
    page.wait_for_selector("#deal0-tranches")
    assert _cells(page, "#deal0-tranches")[0][0] == "トランシェ" and "2027年" in _cells(page, "#deal0-tranches")[1][4]
    page.wait_for_selector("#chart-deal0-vesting .main-svg")
    _shot(page, tmp_path, "tab-deal-ja.png")
    page.click("#supply-tab")
    page.wait_for_selector("#supply-quarters")
    assert _cells(page, "#supply-quarters")[0][0] == "四半期" and page.text_content("#supply-binding").startswith("制約となる供給")
    _shot(page, tmp_path, "tab-supply-ja.png")
    page.click("#mc-tab")
    page.click("#mc-btn")
    page.wait_for_selector("#mc-percentiles")
    assert _cells(page, "#mc-percentiles")[0][:2] == ["出力", "平均"]
    page.wait_for_selector("#chart-fan_online_gw .main-svg")
    _shot(page, tmp_path, "tab-mc-ja.png")
    page.click("#compare-tab")
    page.select_option("#compare-select", "openai-portfolio")
    page.click("#compare-btn")
    page.wait_for_selector("#compare-table")
    assert _cells(page, "#compare-table")[1][0] == "施設GW"
    page.wait_for_selector("#compare-b .main-svg")
    _shot(page, tmp_path, "tab-compare-ja.png")
    page.click("#world-tab")
    page.wait_for_selector("#chart-world_gw_by_buyer .main-svg")
    assert page.text_content("#chart-world_gw_by_buyer .gtitle") == "買い手別の稼働GW（四半期末）"
    _shot(page, tmp_path, "tab-world-ja.png")
    # The choice lasts for the tab's session; English again from the switch.
    page.reload()
    page.wait_for_function("() => document.documentElement.lang === 'ja' && document.getElementById('headline-facility-gw')")
    page.select_option("#lang-select", "en")
    page.wait_for_function("() => document.getElementById('scenario-tab').textContent === 'Plan' && "
                           "document.querySelector('#headline th').textContent === 'Facility GW'")
    assert page.evaluate("window.__csp") == [] and page.errors == []
    context.close()


def test_tabs_by_keyboard_labels_and_contrast(browser, server):
    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    page.goto(server)
    page.wait_for_function(HEADLINE_6GW)
    tabs = page.locator("[role=tab]")
    assert tabs.count() == 6 and page.locator("[role=tablist]").count() == 1
    assert tabs.evaluate_all("ts => ts.map(t => t.tagName + ':' + t.getAttribute('aria-selected'))") == \
        ["BUTTON:true"] + ["BUTTON:false"] * 5
    page.focus("#scenario-tab")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#deal0-tranches")
    assert page.evaluate("document.activeElement.id") == "deal-tab"
    assert page.get_attribute("#deal-tab", "aria-selected") == "true" and page.get_attribute("#scenario-tab", "aria-selected") == "false"
    assert page.is_visible("#deal-view") and page.is_hidden("#scenario-view")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "world-tab" and page.is_visible("#world-view")
    page.keyboard.press("ArrowRight")  # wraps round
    assert page.evaluate("document.activeElement.id") == "scenario-tab" and page.is_visible("#scenario-view")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == "world-tab"
    page.keyboard.press("Home")
    page.keyboard.press("Tab")  # the tabs are buttons: Tab reaches each one
    assert page.evaluate("document.activeElement.id") == "deal-tab"
    page.keyboard.press("Enter")
    assert page.is_visible("#deal-view")
    # Every form control has a label (a <label> or aria-label).
    unlabelled = page.evaluate("() => [...document.querySelectorAll('input, select, textarea')]"
                               ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.className)")
    assert unlabelled == []
    # Text contrast of the header, the tabs and muted text: at least 4.5:1 (WCAG AA).
    ratios = page.evaluate("""() => {
      const rgb = (s) => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                           return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const bg = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (!c.endsWith(', 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
      const ratio = (e) => { const a = lum(rgb(getComputedStyle(e).color)), b = lum(rgb(bg(e))); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
      return [...document.querySelectorAll('#views .tab, #status, .brand span, header .lang, .muted, button')].map((e) => [e.id || e.className || e.tagName, ratio(e)]);
    }""")
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert not low, low
    assert page.evaluate("window.__csp") == [] and page.errors == []
    context.close()


def _fx():
    from gigawatt.ledger.market import fx_per_usd

    return fx_per_usd("JPY")


def test_currency_switch(browser, server, tmp_path):
    """USD / JPY next to the language switch: the API converts at the market file's dated rate, which the page states;
    the headline, the per-tranche figures, the deal, Monte Carlo and world tables follow; back to dollars from the switch."""
    fx = _fx()
    rate = float(fx["per_usd"])
    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    requests = _api_requests(page)
    page.goto(server)
    page.wait_for_function(HEADLINE_6GW)
    usd = page.text_content("#headline-capex-top-down")
    assert usd == "$300.0B" and page.text_content("#fx-note") == ""
    page.select_option("#currency-select", "JPY")
    page.wait_for_function("() => document.getElementById('headline-capex-top-down').textContent.startsWith('¥')")
    # $300B at the dated rate, written as the report writes yen (¥47.0T at 156.7).
    assert page.text_content("#headline-capex-top-down") == f"¥{300e9 * rate / 1e12:,.1f}T"
    assert page.text_content("#headline-facility-gw") == "6.00 GW"  # no currency, unchanged
    note = page.text_content("#fx-note")
    assert f"{rate:,.2f} JPY per USD" in note and str(fx["date"]) in note
    assert all(t.startswith("¥") for t in page.locator("#tranche-figures-table td:nth-child(4)").all_text_contents())
    page.wait_for_selector("#chart-capex_segments .main-svg")
    assert "¥" in page.text_content("#chart-capex_segments .ytitle")  # the money axis in yen
    page.click("#deal-tab")
    page.wait_for_selector("#deal0-tranches")
    hurdles = [r[3] for r in _cells(page, "#deal0-tranches")[1:]]
    assert hurdles[0] == f"¥{200 * rate:,.0f}" and all(h.startswith("¥") for h in hurdles)
    assert not any("$" in c for r in _cells(page, "#deal0-shareholder") for c in r)
    page.click("#world-tab")
    page.wait_for_function("() => document.querySelectorAll('#world-deals tr').length > 1")
    capex = next(v for k, v in _cells(page, "#world-summary") if k.startswith("Capex"))
    assert capex.count("¥") == 2 and "$" not in capex
    page.click("#mc-tab")
    page.fill("#mc-samples", "500")
    page.click("#mc-btn")
    page.wait_for_selector("#mc-percentiles")
    capex_row = next(r for r in _cells(page, "#mc-percentiles") if r[0] == "Capex with refreshes (bottom-up)")
    assert all(c.startswith("¥") for c in capex_row[1:])
    _shot(page, tmp_path, "currency-jpy.png")
    assert all("currency=JPY" in u for u, _ in requests[-4:])
    # The choice lasts for the session; dollars again from the switch.
    page.click("#scenario-tab")
    page.select_option("#currency-select", "USD")
    page.wait_for_function("() => document.getElementById('headline-capex-top-down').textContent === '$300.0B'")
    assert page.text_content("#fx-note") == ""
    assert page.evaluate("window.__csp") == [] and page.errors == [] and page.dialogs == []
    context.close()


def test_japanese_world_table_has_japanese_status_and_kind(browser, server):
    import gigawatt.core.i18n as i18n
    from gigawatt.interfaces.report.world import STATUS_SHORT
    from gigawatt.ledger.schema import KIND_LABELS, STATUSES

    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    page.goto(server)
    page.wait_for_function(HEADLINE_6GW)
    page.select_option("#lang-select", "ja")
    page.wait_for_function("() => document.getElementById('scenario-tab').textContent === '計画'")
    page.click("#world-tab")
    page.wait_for_function("() => document.querySelectorAll('#world-deals tr').length > 10 && "
                           "document.querySelector('#world-deals th').textContent === '案件'")
    rows = _cells(page, "#world-deals")
    assert rows[0][3:6] == ["種類", "ステータス", "ウェイト"]
    statuses = {i18n.word("status", s, "ja") for s in STATUSES}
    kinds = {i18n.word("kind", k, "ja") for k in KIND_LABELS}
    assert {r[4] for r in rows[1:]} <= statuses and {r[3] for r in rows[1:]} <= kinds
    english = set(STATUS_SHORT.values()) | set(KIND_LABELS.values())
    assert not english & {c for r in rows for c in r}
    summary = dict(_cells(page, "#world-summary"))
    assert summary["基準日"] == "本日（台帳の全イベント）" and "left out" not in str(summary)
    assert page.text_content("#world-title").startswith("世界全体")
    legend = page.locator("#chart-world_gw_by_vendor .legendtext").all_text_contents()
    assert "AMD" in legend and "amd" not in legend
    assert page.evaluate("window.__csp") == [] and page.errors == []
    context.close()


def test_explain_panel_by_keyboard_in_english_and_japanese(browser, server, tmp_path):
    """A headline number or a tranche figure is a button: Enter opens the chain behind it (its formula, the values it is
    built from, the scenario line or catalog fact behind each input), a tranche can be picked, Escape closes and focus returns."""
    context = browser.new_context(viewport=LAPTOP)
    page = _strict_page(context)
    page.goto(server)
    page.wait_for_function(HEADLINE_6GW)
    assert page.is_hidden("#explain-panel")
    button = page.locator("#headline-it-gw button.explain-btn")
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#explain-lines li').length > 3")
    assert page.is_visible("#explain-panel") and button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.id") == "explain-title"
    title = page.text_content("#explain-title")
    assert title.startswith("Where IT GW comes from: tranche 1")
    lines = page.locator("#explain-lines li").all_text_contents()
    assert lines[0].startswith("IT GW = 0.83 GW") and "stated GW (IT basis) or stated GW / PUE" in lines[0]
    assert any(t.startswith("PUE = 1.2") for t in lines)
    assert any(t.startswith("from line ") and "deals[0].tranches[0].gw = 1" in t for t in lines)  # the YAML line of the stated GW
    assert any(t.startswith("from catalog: site class hyperscale-liquid, PUE (default) = 1.2 (") and "source: " in t
               for t in lines)  # the catalog fact behind the PUE, with its kind, date and source
    assert not any(re.search(r"\de[+-]?\d", t) or re.search(r"\b[a-z]+_[a-z_]+ =", t) for t in lines)
    # Another tranche from the panel's choice.
    page.select_option("#explain-tranche", "1")
    page.wait_for_function("() => document.getElementById('explain-title').textContent.includes('tranche 2')")
    assert page.locator("#explain-lines li").first.text_content().startswith("IT GW = 1.67 GW")
    page.keyboard.press("Escape")
    assert page.is_hidden("#explain-panel") and page.evaluate("document.activeElement.closest('#headline-it-gw') !== null")
    # A tranche's capex, in Japanese and yen: the chain's money in yen, labels and formulas in Japanese.
    page.select_option("#lang-select", "ja")
    page.wait_for_function("() => document.getElementById('scenario-tab').textContent === '計画'")
    page.select_option("#currency-select", "JPY")
    page.wait_for_function("() => document.getElementById('headline-capex-bottom-up').textContent.endsWith('兆円')")
    cell = page.locator("#tranche-figures-table tbody tr:nth-child(2) td:nth-child(4) button")
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('explain-title').textContent.includes('トランシェ2') && "
                           "document.querySelectorAll('#explain-lines li').length > 10")
    lines = page.locator("#explain-lines li").all_text_contents()
    assert lines[0].startswith("設備投資（ボトムアップ） = " + cell.text_content())
    assert "（システム＋ネットワーク＋施設）" in lines[0]
    assert any("行目" in t for t in lines) and any(t.startswith("出所：カタログ") for t in lines)
    assert not any(t.startswith("from ") or "see above" in t or "the scenario" in t for t in lines)
    page.locator("#explain-panel").screenshot(path=str(tmp_path / "explain-ja-jpy.png"))
    _shot(page, tmp_path, "explain-ja-jpy-page.png")
    page.click("#explain-close")
    assert page.is_hidden("#explain-panel")
    assert page.evaluate("window.__csp") == [] and page.errors == [] and page.dialogs == []
    context.close()
