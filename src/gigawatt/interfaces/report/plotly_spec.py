"""Charts as Plotly figure specs (plain JSON, no plotly Python objects needed).

Months (``YYYY-MM``) become a date axis written the language's way (``Jul 2026`` / ``2026年7月``);
numbers never use exponents (``exponentformat: none``, thousands separated)."""
from __future__ import annotations

import re

from gigawatt.interfaces.report import Chart

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79"]
_DASH = {"dash": "dash", "dot": "dot"}
_TICKS = {"en": "%b %Y", "ja": "%Y年%-m月"}


_MONTH = re.compile(r"\d{4}-\d{2}")


def _is_months(x: list) -> bool:
    """Every x a ``YYYY-MM`` month (a compiled pattern: the server builds eight charts a request)."""
    match = _MONTH.fullmatch
    return bool(x) and all(isinstance(v, str) and match(v) is not None for v in x)


def _axis(title: str) -> dict:
    return {"title": {"text": title}, "exponentformat": "none", "separatethousands": True, "automargin": True}


def figure(chart: Chart, lang: str = "en") -> dict:
    """A ``{"data": [...], "layout": {...}}`` Plotly spec for a chart."""
    data = []
    months = _is_months(chart.x)
    if chart.kind == "fan":
        s = chart.series
        band = "rgba(31,119,180,{})"
        median = "中央値（P50）" if lang == "ja" else "median (P50)"
        data = [
            {"x": chart.x, "y": s["p95"], "mode": "lines", "line": {"width": 0}, "name": "P95", "showlegend": False, "hoverinfo": "skip"},
            {"x": chart.x, "y": s["p5"], "mode": "lines", "line": {"width": 0}, "fill": "tonexty", "fillcolor": band.format(0.15), "name": "P5–P95"},
            {"x": chart.x, "y": s["p90"], "mode": "lines", "line": {"width": 0}, "name": "P90", "showlegend": False, "hoverinfo": "skip"},
            {"x": chart.x, "y": s["p10"], "mode": "lines", "line": {"width": 0}, "fill": "tonexty", "fillcolor": band.format(0.3), "name": "P10–P90"},
            {"x": chart.x, "y": s["p50"], "mode": "lines", "line": {"color": "#1f77b4", "width": 2}, "name": median},
        ]
    else:
        for i, (name, ys) in enumerate(chart.series.items()):
            color = chart.colors.get(name, PALETTE[i % len(PALETTE)])
            style = chart.styles.get(name, "")
            if chart.kind == "bar" and chart.horizontal:
                data.append({"type": "bar", "orientation": "h", "y": chart.x, "x": ys, "name": name, "marker": {"color": color},
                             **({"base": chart.base} if chart.base else {})})
            elif chart.kind == "bar":
                data.append({"type": "bar", "x": chart.x, "y": ys, "name": name, "marker": {"color": color}})
            elif chart.kind == "area":
                data.append({"type": "scatter", "x": chart.x, "y": ys, "name": name, "mode": "lines", "stackgroup": "one",
                             "line": {"color": color, "width": 0.5}})
            else:
                trace = {"type": "scatter", "x": chart.x, "y": ys, "name": name, "mode": "lines",
                         "line": {"color": color, "width": 2, **({"dash": _DASH[style]} if style in _DASH else {})}}
                if style == "markers":
                    trace.update(mode="lines+markers", marker={"symbol": "circle-open", "size": 9, "color": color})
                if name in chart.secondary:
                    trace["yaxis"] = "y2"
                data.append(trace)
    xaxis = _axis(chart.x_title)
    yaxis = _axis(chart.y_title)
    if chart.horizontal:
        xaxis, yaxis = _axis(chart.y_title), {"automargin": True}
    if not months and not chart.horizontal and chart.kind != "fan":
        xaxis["type"] = "category"  # years and quarters are labels, not numbers ("2,026")
    if months:
        xaxis.update(type="date", tickformat=_TICKS.get(lang, _TICKS["en"]), hoverformat=_TICKS.get(lang, _TICKS["en"]))
    layout = {"title": {"text": chart.title}, "yaxis": yaxis, "xaxis": xaxis,
              "margin": {"l": 60, "r": 60 if chart.secondary else 20, "t": 50, "b": 40}, "height": 360,
              "legend": {"orientation": "h", "y": -0.22}, "showlegend": True, "separators": ".,"}
    if chart.secondary:
        layout["yaxis2"] = {**_axis(chart.y2_title), "overlaying": "y", "side": "right", "showgrid": False}
    if chart.kind == "bar" and len(chart.series) > 4 and not chart.horizontal:  # many stacked segments: legend at the side
        layout["legend"] = {"orientation": "v", "x": 1.02, "y": 1}
        layout["margin"]["r"] = 180
    if chart.kind == "bar":
        layout["barmode"] = "overlay" if chart.horizontal else "stack"
    if chart.horizontal:
        layout["height"] = max(300, 60 + 40 * len(chart.x))
    return {"data": data, "layout": layout}
