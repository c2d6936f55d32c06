"""One self-contained HTML file: Plotly's JavaScript inlined, no network needed to open it.

Every text (titles, section ids, table cells, chart ids) is HTML-escaped, and JSON placed in
``<script>`` has ``<``, ``>`` and ``&`` written as ``\\u003c``-style escapes, so scenario names,
titles and labels (free text) cannot close the script or open markup.
"""
from __future__ import annotations

import html
import json
import re

from . import Section
from .plotly_spec import figure

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#222}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:2em}
table{border-collapse:collapse;margin:12px 0;font-size:.9em} td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.num{text-align:right;font-variant-numeric:tabular-nums} pre{background:#f8f8f8;padding:12px;overflow:auto;font-size:.85em}
.chart{min-height:360px} nav a{margin-right:12px} .muted{color:#666}
"""


def _e(v) -> str:
    """Text or an attribute value (quoted with ' or "), escaped."""
    return html.escape(str(v), quote=True)


def _js(obj) -> str:
    """JSON safe to place inside ``<script>``: no ``</script>``, ``<!--`` or ``]]>`` can appear."""
    return json.dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(v) -> str:
    if isinstance(v, float):
        return f'<td class="num">{v:,.6g}</td>'
    if isinstance(v, int):
        return f'<td class="num">{v:,}</td>'
    text = html.escape(str(v))
    return f"<td><pre>{text}</pre></td>" if "\n" in text else f"<td>{text}</td>"


def render(sections: list[Section], title: str) -> str:
    """The report as one HTML string."""
    from plotly.offline import get_plotlyjs

    # "</script" would end the inline script early (none in current plotly.js builds; "<\/" means the same in JS).
    plotly_js = re.sub(r"</(script)", r"<\\/\1", get_plotlyjs(), flags=re.IGNORECASE)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title><style>{CSS}</style>",
             f"<script>{plotly_js}</script></head><body>",
             f"<h1>{_e(title)}</h1><p class='muted'>gigawatt report: every number below is recomputable with "
             f"<code>gigawatt plan</code>; sources are listed at the end.</p><nav>"]
    parts += [f"<a href='#{_e(s.id)}'>{_e(s.title)}</a>" for s in sections]
    parts.append("</nav>")
    figures = []
    for s in sections:
        parts.append(f"<section id='{_e(s.id)}'><h2>{_e(s.title)}</h2>")
        if s.text:
            parts.append(f"<p>{_e(s.text)}</p>")
        for t in s.tables:
            parts.append(f"<h3>{_e(t.title)}</h3><table><tr>" + "".join(f"<th>{_e(c)}</th>" for c in t.columns) + "</tr>")
            parts += ["<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in t.rows]
            parts.append("</table>")
        for c in s.charts:
            parts.append(f"<div class='chart' id='chart-{_e(c.id)}' data-chart='{_e(c.id)}'></div>")
            figures.append((f"chart-{c.id}", figure(c)))
        parts.append("</section>")
    script = "".join(f"Plotly.newPlot({_js(div)}, {_js(spec['data'])}, {_js(spec['layout'])}, "
                     f"{{responsive: true, displaylogo: false}});" for div, spec in figures)
    parts.append(f"<script>{script}</script></body></html>")
    return "".join(parts)
