"""One self-contained HTML file: Plotly's JavaScript inlined, no network needed to open it.

Every text (titles, section ids, table cells, chart ids) is HTML-escaped, and JSON placed in
``<script>`` has ``<``, ``>`` and ``&`` written as ``\\u003c``-style escapes, so scenario names,
titles and labels (free text) cannot close the script or open markup.
"""
from __future__ import annotations

import html
import json
import re

from gigawatt.interfaces.report import Section
from gigawatt.interfaces.report.plotly_spec import figure

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","IPAexGothic","IPAGothic",Meiryo,Helvetica,Arial,sans-serif;
 margin:0 auto;max-width:1100px;padding:24px;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:2em} h3{font-size:1.02em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:8px 0 12px;font-size:.88em} td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600} td.num,th.num{text-align:right;font-variant-numeric:tabular-nums} td.num{white-space:nowrap} table{max-width:100%}
pre{background:#f8f8f8;padding:12px;overflow:auto;font-size:.8em} .chart{width:100%;min-height:360px} .note{font-size:.85em;color:#555;margin:0 0 14px}
nav{columns:3;font-size:.9em;margin:8px 0 0} nav a{display:block} .muted{color:#666}
#summary{background:#f6f8fb;border:1px solid #d8dee8;border-radius:6px;padding:4px 18px 10px;margin-top:1em}
#summary h2{border:none;margin-top:.6em} #summary td:first-child{font-weight:600} #summary p{font-size:1.02em}
#sources table{font-size:.75em} #sources td{padding:2px 5px} #world th{word-break:keep-all}
footer.print-footer{display:none}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{
 body{max-width:none;padding:0;font-size:9.5pt;color:#000}
 nav,.no-print{display:none}
 h2{break-after:avoid;page-break-after:avoid;margin-top:1.2em} h3{break-after:avoid;page-break-after:avoid}
 .chart{break-inside:avoid;page-break-inside:avoid;overflow:hidden}
 table{font-size:8pt} td,th{padding:2px 4px} tr,td,th{break-inside:avoid;page-break-inside:avoid} #sources td{overflow-wrap:anywhere}
 details{display:none}
 footer.print-footer{display:block;margin-top:2em;font-size:8pt;color:#555;border-top:1px solid #ccc;padding-top:4px}
 a{color:inherit;text-decoration:none}
}
"""


def _e(v) -> str:
    """Text or an attribute value (quoted with ' or "), escaped."""
    return html.escape(str(v), quote=True)


def _js(obj) -> str:
    """JSON safe to place inside ``<script>``: no ``</script>``, ``<!--`` or ``]]>`` can appear."""
    return json.dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(v, numeric: bool = False) -> str:
    """A table cell; numbers never in scientific notation (sections pass formatted text anyway)."""
    if isinstance(v, bool):
        v = str(v)
    if isinstance(v, float):
        return f'<td class="num">{v:,.0f}</td>' if abs(v) >= 1000 else f'<td class="num">{v:,.3f}'.rstrip("0").rstrip(".") + "</td>"
    if isinstance(v, int):
        return f'<td class="num">{v:,}</td>'
    text = html.escape(str(v))
    if "\n" in text:
        return f"<td><pre>{text}</pre></td>"
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


def render(sections: list[Section], title: str, lang: str = "en", scenario: str | None = None, date: str | None = None) -> str:
    """The report as one HTML string (``lang``: the page's language; ``scenario`` and ``date`` for the subtitle and the
    print footer)."""
    from plotly.offline import get_plotlyjs

    from gigawatt.core.i18n import day, t

    date = date or day(lang=lang)
    scenario = scenario or title
    # "</script" would end the inline script early (none in current plotly.js builds; "<\/" means the same in JS).
    plotly_js = re.sub(r"</(script)", r"<\\/\1", get_plotlyjs(), flags=re.IGNORECASE)
    parts = [f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_e(title)}</title><style>{CSS}</style>",
             f"<script>{plotly_js}</script></head><body>",
             f"<header><h1>{_e(title)}</h1><p class='muted'>{_e(t('report.subtitle', lang, scenario=scenario, date=date))}</p></header>",
             f"<nav aria-label='{_e(t('report.contents', lang))}'>"]
    parts += [f"<a href='#{_e(s.id)}'>{_e(s.title)}</a>" for s in sections]
    parts.append("</nav>")
    figures = []
    for s in sections:
        parts.append(f"<section id='{_e(s.id)}'><h2>{_e(s.title)}</h2>")
        if s.text:
            parts.append(f"<p>{_e(s.text)}</p>")
        for tb in s.tables:
            if s.id == "scenario":  # the input file: collapsed on screen, left out of print
                body = "".join(_e(row[0]) for row in tb.rows)
                parts.append(f"<details><summary>{_e(tb.title)}</summary><pre>{body}</pre></details>")
                continue
            num = set(tb.numeric)
            parts.append(f"<h3>{_e(tb.title)}</h3><table><thead><tr>"
                         + "".join(f"<th{' class=num' if i in num else ''}>{_e(c)}</th>" for i, c in enumerate(tb.columns)) + "</tr></thead><tbody>")
            parts += ["<tr>" + "".join(_cell(v, i in num) for i, v in enumerate(row)) + "</tr>" for row in tb.rows]
            parts.append("</tbody></table>")
        for c in s.charts:
            parts.append(f"<div class='chart' id='chart-{_e(c.id)}' data-chart='{_e(c.id)}'></div>")
            if c.note:
                parts.append(f"<p class='note'>{_e(c.note)}</p>")
            figures.append((f"chart-{c.id}", figure(c, lang)))
        parts.append("</section>")
    parts.append(f"<footer class='print-footer'>{_e(t('report.footer', lang, scenario=scenario, date=date))}</footer>")
    script = "".join(f"Plotly.newPlot({_js(div)}, {_js(spec['data'])}, {_js(spec['layout'])}, "
                     f"{{responsive: true, displaylogo: false}});" for div, spec in figures)
    parts.append(f"<script>{script}</script></body></html>")
    return "".join(parts)
