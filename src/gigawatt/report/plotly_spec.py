"""Charts as Plotly figure specs (plain JSON, no plotly Python objects needed)."""
from __future__ import annotations

from . import Chart

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79"]


def figure(chart: Chart) -> dict:
    """A ``{"data": [...], "layout": {...}}`` Plotly spec for a chart."""
    data = []
    if chart.kind == "fan":
        s = chart.series
        band = "rgba(31,119,180,{})"
        data = [
            {"x": chart.x, "y": s["p95"], "mode": "lines", "line": {"width": 0}, "name": "P95", "showlegend": False},
            {"x": chart.x, "y": s["p5"], "mode": "lines", "line": {"width": 0}, "fill": "tonexty", "fillcolor": band.format(0.15), "name": "P5-P95"},
            {"x": chart.x, "y": s["p90"], "mode": "lines", "line": {"width": 0}, "name": "P90", "showlegend": False},
            {"x": chart.x, "y": s["p10"], "mode": "lines", "line": {"width": 0}, "fill": "tonexty", "fillcolor": band.format(0.3), "name": "P10-P90"},
            {"x": chart.x, "y": s["p50"], "mode": "lines", "line": {"color": "#1f77b4", "width": 2}, "name": "P50"},
        ]
    else:
        for i, (name, ys) in enumerate(chart.series.items()):
            color = PALETTE[i % len(PALETTE)]
            if chart.kind == "bar":
                data.append({"type": "bar", "x": chart.x, "y": ys, "name": name, "marker": {"color": color}})
            elif chart.kind == "area":
                data.append({"type": "scatter", "x": chart.x, "y": ys, "name": name, "mode": "lines", "stackgroup": "one",
                             "line": {"color": color, "width": 0.5}})
            else:
                data.append({"type": "scatter", "x": chart.x, "y": ys, "name": name, "mode": "lines", "line": {"color": color}})
    layout = {"title": {"text": chart.title}, "yaxis": {"title": {"text": chart.y_title}}, "xaxis": {"title": {"text": chart.x_title}},
              "margin": {"l": 60, "r": 20, "t": 50, "b": 40}, "height": 360, "legend": {"orientation": "h"},
              **({"barmode": "stack"} if chart.kind == "bar" else {})}
    return {"data": data, "layout": layout}
