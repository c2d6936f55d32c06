"""An Excel workbook: summary, monthly series, per deal, tranches, sources and the scenario inputs."""
from __future__ import annotations

from ..engine import NAMEPLATE_UNITS, SERIES_UNITS
from ..inputs import INPUT_UNITS


def write(result, path, scenario_text: str = "") -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    num = wb.add_format({"num_format": "#,##0.00"})

    def sheet(name, header, rows, widths=None):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header, bold)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                ws.write(i, j, v, num if isinstance(v, float) else None)
        ws.freeze_panes(1, 0)
        for j, w in enumerate(widths or []):
            ws.set_column(j, j, w)
        return ws

    t = result.totals()
    sc = result.scenario
    sheet("Summary", ["Quantity", "Value", "Unit"],
          [["scenario", sc.name, ""], ["title", sc.title or "", ""], ["inputs checked", sc.checked or "", ""]]
          + [[k, float(v), NAMEPLATE_UNITS.get(k, "")] for k, v in t.items() if v is not None], [34, 22, 14])
    series = result.monthly()
    sheet("Monthly", ["month", *(f"{k} [{u}]" for k, u in SERIES_UNITS.items())],
          [[m, *(float(series[k][i]) for k in SERIES_UNITS)] for i, m in enumerate(result.months)], [10] + [16] * len(SERIES_UNITS))
    deals = result.groups("deal")
    keys = [k for k in deals[0] if k not in ("name", "supplier", "buyer")]
    sheet("Deals", ["name", "supplier", "buyer", *keys], [[d["name"], d["supplier"], d["buyer"], *(d[k] for k in keys)] for d in deals], [24, 14, 14])
    tr = result.to_dict(monthly=False)["tranches"]
    labels = ["index", "deal", "product", "system", "start", "basis", "label"]
    npl = list(NAMEPLATE_UNITS)
    sheet("Tranches", [*labels, *npl], [[row[k] for k in labels] + [row[k] for k in npl] for row in tr], [6, 20, 12, 16, 9, 9, 30])
    sheet("Inputs", ["tranche", *(f"{k} [{u}]" for k, u in INPUT_UNITS.items())],
          [[row["label"], *(row["inputs"][k] for k in INPUT_UNITS)] for row in tr], [30])
    rows = []
    for src in result.sources():
        for name, fact in src["facts"].items():
            rows.append([f"{src['section']}.{src['id']}", name, fact.get("value"), fact.get("unit", ""), fact.get("kind", ""),
                         fact.get("source", ""), fact.get("as_of", ""), fact.get("note", "")])
    sheet("Sources", ["entry", "field", "value", "unit", "kind", "source", "as of", "note"], rows, [26, 24, 14, 10, 11, 60, 10, 60])
    ws = wb.add_worksheet("Scenario")
    ws.set_column(0, 0, 120)
    for i, line in enumerate((scenario_text or "").splitlines()):
        ws.write_string(i, 0, line)
    wb.close()
