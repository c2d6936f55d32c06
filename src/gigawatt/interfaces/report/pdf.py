"""The report as a PDF: headless Chromium prints the HTML report (print stylesheet, A4), offline.

Playwright drives Chromium when it is installed (page numbers and the scenario/date footer in the
page margin); otherwise ``chromium --headless --print-to-pdf`` prints the same file. Either way
nothing is fetched: the HTML is self-contained and network requests are refused.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gigawatt.core.errors import GigawattError

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
#: Width in CSS pixels the charts lay out at before printing (A4 less margins is about 710 px).
PRINT_WIDTH = 700


#: Lays every chart out at its (print) container's width before printing.
RESIZE = ("() => Promise.all([...document.querySelectorAll('.chart')].map(d => window.Plotly ? "
          "Plotly.relayout(d, {width: d.clientWidth, autosize: false}) : null))")


def find_chromium() -> str | None:
    """``$GIGAWATT_CHROMIUM``, else chromium / chromium-browser / google-chrome on the PATH, else Debian's path."""
    env = os.environ.get("GIGAWATT_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _footer(text: str) -> str:
    import html

    return (f"<div style='font-size:7px;color:#555;width:100%;padding:0 12mm;display:flex;justify-content:space-between;"
            f"font-family:sans-serif'><span>{html.escape(text)}</span><span><span class='pageNumber'></span> / "
            f"<span class='totalPages'></span></span></div>")


def write_pdf(html_text: str, out: Path, footer: str = "") -> Path:
    """Print ``html_text`` to ``out`` with headless Chromium; a :class:`GigawattError` (exit 2) if there is none."""
    chromium = find_chromium()
    if chromium is None:
        raise GigawattError("--pdf needs Chromium to print the report (apt-get install chromium, or set GIGAWATT_CHROMIUM to a "
                            "Chromium or Chrome binary); the HTML report (--html) needs nothing")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="gigawatt-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html_text, encoding="utf-8")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            sync_playwright = None
        if sync_playwright is not None:
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=chromium, args=ARGS)
                    try:
                        page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
                        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                        page.goto(src.as_uri(), wait_until="load")
                        page.emulate_media(media="print")
                        page.evaluate(RESIZE)
                        page.wait_for_timeout(300)
                        page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                                 header_template="<div></div>", footer_template=_footer(footer),
                                 margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
                    finally:
                        browser.close()
                return out
            except GigawattError:
                raise
            except Exception as exc:  # noqa: BLE001 - Playwright present but unusable: fall back to the command line
                last = exc
        cmd = [chromium, *ARGS, "--no-pdf-header-footer", f"--window-size={PRINT_WIDTH},1000", f"--print-to-pdf={out}",
               "--virtual-time-budget=5000", src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GigawattError(f"--pdf: Chromium could not print the report ({exc})") from None
        if proc.returncode != 0 or not out.exists():
            detail = (proc.stderr or "").strip().splitlines()[-1:] or [locals().get("last", "")]
            raise GigawattError(f"--pdf: Chromium could not print the report ({detail[0]})")
    return out
