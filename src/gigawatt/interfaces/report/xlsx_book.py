"""The workbook's building blocks: cell formats by kind, labels and titles in the chosen language,
and a table writer. The sheets are in :mod:`.xlsx`, :mod:`.xlsx_deal` and :mod:`.xlsx_drivers`.

Every number is written as a number (never as text) with an Excel number format chosen by its
kind: money as ``$…B`` / ``$…M`` (the cell holds US dollars; the format scales the display),
counts as integers, shares of a whole as %, dates as months.

In another currency (``report --xlsx --currency JPY``) every money cell holds the amount in that
currency at the market file's dated rate (:func:`gigawatt.ledger.market.fx_per_usd`), written by
:meth:`Book.cell` (and the Drivers sheet's inputs, so its formulas compute in yen), with a format
picked by magnitude as the HTML report writes it (:func:`gigawatt.core.fmt.money`: ``¥47.0T``,
``¥156.7B``; in Japanese ``47.01兆円`` and, below a trillion, ``百万円`` — an Excel format scales only
by thousands, so it cannot write 億). Labels come from the parameter
registry through :mod:`gigawatt.core.i18n` (English or Japanese), never the raw field name.
"""
from __future__ import annotations

import math
import re

from gigawatt.core import fmt as _fmt
from gigawatt.core import i18n

#: Excel number formats by kind (the registry's ``format`` column, plus a few of the workbook's own).
NUM_FORMATS = {
    "gw": "#,##0.00", "mw": "#,##0", "count": "#,##0", "int": "#,##0", "pct": "0.0%", "pct2": "0.00%", "ratio": "0.000",
    "ratio2": "0.00", "watts": "#,##0", "kw": "#,##0.00", "tflops": "#,##0", "pflops": "#,##0", "gb": "#,##0", "twh": "#,##0.00",
    "mt": "#,##0.00", "t": "#,##0", "mwh": "#,##0", "m3": "#,##0", "g_per_kwh": "#,##0", "number": "#,##0.00", "months": "0",
    "usd_per_mwh": "$#,##0.00", "usd_per_mw": '$#,##0.00,,"M"', "usd_per_gw": '$#,##0.0,,,"B"', "usd_per_share": "$#,##0.00",
    "usd_b": '$#,##0.0,,,"B";-$#,##0.0,,,"B"', "usd_m": '$#,##0.0,,"M";-$#,##0.0,,"M"', "usd_small": "$#,##0.00",
    "usd_units": "$#,##0;-$#,##0", "shares_m": '#,##0.0,,"M"', "years": "0.0", "num1": "#,##0.0",
}
#: Money kinds (the cell holds US dollars in a USD workbook; another currency converts them, see :meth:`Book.cell`).
MONEY_KINDS = {"usd", "usd_b", "usd_m", "usd_small", "usd_units", "usd_per_share", "usd_per_mwh", "usd_per_mw", "usd_per_gw"}
#: Money kinds of amounts per unit (per share, per hour, per MWh): never scaled to millions or billions.
PER_UNIT_KINDS = {"usd_small", "usd_per_share", "usd_per_mwh"}
#: Kinds of money shown in another currency (``cur_t``: trillions … ``cur_unit``: a per-unit amount).
CUR_KINDS = ("cur_t", "cur_b", "cur_m", "cur_units", "cur_unit")
#: Kinds written as text (months, flags), not numbers.
TEXT_KINDS = {"text", "month", "flag"}
#: Kinds whose values are counts (stored rounded: no fractional accelerators).
COUNT_KINDS = {"count", "int"}

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def is_field_name(text) -> bool:
    """Whether ``text`` looks like a raw field name (``capex_topdown_usd``)."""
    return isinstance(text, str) and bool(_SNAKE.match(text))


def humanize(name: str) -> str:
    """A last-resort label for a name the registry does not know: ``cooling_required`` → ``Cooling required``."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def money_kind(values) -> str:
    """``usd_b`` / ``usd_m`` / ``usd_small`` by the largest magnitude among ``values``."""
    big = max((abs(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)), default=0.0)
    if big >= 1e9:
        return "usd_b"
    if big >= 1e6:
        return "usd_m"
    if big >= 1e3:
        return "usd_units"
    return "usd_small"


class Book:
    """An xlsxwriter workbook with formats by kind and words in one language."""

    def __init__(self, path, lang: str = "en", currency: str = "USD", fx: dict | None = None):
        import xlsxwriter

        self.lang = i18n.check_lang(lang)
        #: The currency money is shown in, and its market-file rate (``fx_per_usd``: per_usd, date, kind, source).
        self.currency = (currency or "USD").upper()
        if self.currency != "USD" and fx is None:
            from gigawatt.ledger.market import fx_per_usd

            fx = fx_per_usd(self.currency)
        self.fx = fx if self.currency != "USD" else None
        self.per_usd = float(self.fx["per_usd"]) if self.fx else 1.0
        self.wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
        self._formats: dict = {}
        self.sheets: dict[str, object] = {}
        font = "Yu Gothic" if self.lang == "ja" else "Calibri"
        self._base = {"font_name": font, "font_size": 10}

    # -- words -----------------------------------------------------------------------------------
    def t(self, text: str) -> str:
        """The workbook's own word in the chosen language (English is the key: :func:`gigawatt.core.i18n.workbook_word`)."""
        return i18n.workbook_word(text, self.lang)

    def s(self, key: str, **fields) -> str:
        """A shared report string (:func:`gigawatt.core.i18n.t`)."""
        return i18n.t(key, self.lang, **fields)

    def label(self, name: str, role: str | None = None) -> str:
        text = i18n.label(name, self.lang, role)
        return humanize(text) if is_field_name(text) else text

    def unit(self, name: str, role: str | None = None) -> str:
        return self.money_unit(i18n.unit(name, self.lang, role))

    # -- money in the workbook's currency ---------------------------------------------------------
    @property
    def converts(self) -> bool:
        """Whether money is shown in another currency than the US dollars the model computes in."""
        return self.currency != "USD"

    @property
    def currency_word(self) -> str:
        """The currency as a column or axis says it: ``USD`` / ``JPY``, or ``米ドル`` / ``円`` in Japanese."""
        if self.lang == "ja":
            return "米ドル" if self.currency == "USD" else i18n.currency_word(self.currency, "ja")
        return self.currency

    def money_unit(self, text: str) -> str:
        """A unit text with its currency the workbook's (``USD/MW`` → ``JPY/MW``; ``米ドル`` → ``円``)."""
        if not self.converts or not text:
            return text
        if self.lang == "ja":
            return text.replace("米ドル", self.currency_word).replace("USD", self.currency_word)
        return text.replace("USD", self.currency)

    def money(self, value):
        """A US-dollar amount in the workbook's currency (None and text pass through)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        return float(value) * self.per_usd

    def cur_kind(self, kind: str, usd_values=()) -> str:
        """The kind of a money cell in the workbook's currency: by the magnitude of the converted values
        (trillions, billions, millions, units), or a per-unit amount; the kind itself in a USD workbook."""
        if not self.converts or kind not in MONEY_KINDS:
            return kind
        if kind in PER_UNIT_KINDS:
            return "cur_unit"
        big = max((abs(v) * self.per_usd for v in usd_values if isinstance(v, (int, float)) and not isinstance(v, bool)
                   and math.isfinite(v)), default=0.0)
        return "cur_t" if big >= 1e12 else "cur_b" if big >= 1e9 else "cur_m" if big >= 1e6 else "cur_units"

    def cur_format(self, kind: str) -> str:
        """The Excel number format of a ``cur_*`` kind (:data:`CUR_KINDS`) in this workbook's currency and language."""
        if self.lang == "ja" and self.currency == "JPY":
            pos = {"cur_t": '#,##0.00,,,,"兆円"', "cur_b": '#,##0,,"百万円"', "cur_m": '#,##0.0,,"百万円"', "cur_units": '#,##0"円"',
                   "cur_unit": '#,##0"円"'}[kind]
        else:
            sym = _fmt.CURRENCY_SYMBOLS.get(self.currency)
            pre, post = (f'"{sym}"', "") if sym else ("", f'" {self.currency}"')
            body = {"cur_t": '#,##0.00,,,,"T"', "cur_b": '#,##0.0,,,"B"', "cur_m": '#,##0.0,,"M"', "cur_units": "#,##0",
                    "cur_unit": "#,##0" if self.currency == "JPY" else "#,##0.00"}[kind]
            pos = pre + body + post
        return f"{pos};-{pos}"

    def axis_money_format(self) -> str:
        """The number format of a money chart axis: ``$…B``, or trillions of the other currency (``¥…T`` / ``…兆円``)."""
        return self.cur_format("cur_t") if self.converts else '$#,##0,,,"B"'

    def fx_text(self) -> str:
        """The rate money is shown at, with its date, kind and source (empty in a USD workbook)."""
        if not self.fx:
            return ""
        f = self.fx
        if self.lang == "ja":
            return (f"金額は{self.currency_word}表示：1米ドル＝{f['per_usd']:,.2f}{self.currency_word}"
                    f"（{f['date']}、{i18n.fact_kinds(f['kind'], 'ja')}、出典：{f['source']}）")
        return f"Money shown in {self.currency} at {f['per_usd']:,.2f} {self.currency} per USD ({f['date']}, {f['kind']}; {f['source']})"

    def header(self, name: str, role: str | None = None) -> str:
        """``Label [unit]`` for a registry parameter (no unit for money: the format shows it)."""
        u = self.unit(name, role)
        lab = self.label(name, role)
        if not u or u in ("USD", "米ドル") or u.lower() in lab.lower() or u in ("アクセラレーター", "基", "システム", "ラック"):
            return lab
        return f"{lab} [{u}]"

    @property
    def date_format(self) -> str:
        return 'yyyy"年"m"月"' if self.lang == "ja" else "mmm yyyy"

    def month(self, m) -> str:
        return i18n.month(m, self.lang) if m else "-"

    def quarter(self, q) -> str:
        return i18n.quarter(q, self.lang)

    # -- formats ---------------------------------------------------------------------------------
    def fmt(self, kind: str | None = None, **props):
        key = (kind, tuple(sorted(props.items())))
        if key not in self._formats:
            spec = dict(self._base)
            if kind and kind not in TEXT_KINDS and kind != "date":
                spec["num_format"] = self.cur_format(kind) if kind in CUR_KINDS else NUM_FORMATS.get(kind, kind)
            spec.update(props)
            self._formats[key] = self.wb.add_format(spec)
        return self._formats[key]

    @property
    def bold(self):
        return self.fmt(None, bold=True)

    @property
    def head(self):
        return self.fmt(None, bold=True, bg_color="#1F3864", font_color="#FFFFFF", text_wrap=True, valign="top", border=1)

    def kind_of(self, param_format: str, values=()) -> str:
        """The workbook kind of a registry format (money resolved by magnitude)."""
        if param_format == "usd":
            return money_kind(values)
        return param_format

    # -- writing ---------------------------------------------------------------------------------
    def sheet(self, title: str):
        name = self.t(title)[:31]
        ws = self.wb.add_worksheet(name)
        self.sheets[title] = ws
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
        ws.set_margins(0.4, 0.4, 0.5, 0.5)
        ws.set_footer(f"&L&8{name}&R&8&P / &N")
        return ws

    def title(self, ws, row: int, text: str, note: str = "") -> int:
        ws.write_string(row, 0, text, self.fmt(None, bold=True, font_size=14, font_color="#1F3864"))
        if note:
            # Wrapped in a merged block (a long note would otherwise widen the printed page).
            lines = max(1, math.ceil(len(note) / 120))
            ws.merge_range(row + 1, 0, row + 1, 5, note, self.fmt(None, italic=True, font_color="#595959", text_wrap=True, valign="top"))
            ws.set_row(row + 1, 13 * lines + 2)
            return row + 3
        return row + 2

    def subtitle(self, ws, row: int, text: str) -> int:
        ws.write_string(row, 0, text, self.fmt(None, bold=True, font_size=11, font_color="#1F3864", bottom=1))
        return row + 1

    def cell(self, ws, row: int, col: int, value, kind: str | None = None, **props):
        """One value with the format of its kind; None → '-'; non-finite → text."""
        if value is None:
            ws.write_string(row, col, "-", self.fmt(None, align="right", **props))
            return
        if isinstance(value, bool):
            ws.write_string(row, col, self.t("yes" if value else "no"), self.fmt(None, **props))
            return
        if isinstance(value, (int, float)) and kind not in TEXT_KINDS:
            v = float(value)
            if not math.isfinite(v):
                ws.write_string(row, col, "-", self.fmt(None, align="right", **props))
                return
            if kind in ("pct100",):
                v, kind = v / 100.0, "pct"
            if self.converts and (kind in MONEY_KINDS or kind in CUR_KINDS):
                kind = self.cur_kind(kind, [v]) if kind in MONEY_KINDS else kind
                v *= self.per_usd
            if kind in COUNT_KINDS:
                v = float(round(v))
            ws.write_number(row, col, v, self.fmt(kind or "number", **props))
            return
        text = str(value)
        if kind == "date" and re.fullmatch(r"\d{4}-\d{2}", text):
            import datetime as dt

            ws.write_datetime(row, col, dt.datetime(int(text[:4]), int(text[5:]), 1), self.fmt(self.date_format, **props))
            return
        if kind == "month":
            text = self.month(text)
        ws.write_string(row, col, text, self.fmt(None, **props))

    def table(self, ws, row: int, col: int, columns: list[tuple[str, str]], rows: list[list], widths=None,
              autofilter: bool = False, total_kinds: dict | None = None) -> int:
        """A header row and data rows; ``columns`` are ``(header, kind)``; ``usd`` kinds are resolved
        per column by magnitude. Returns the next free row (after a blank one)."""
        kinds = []
        for j, (_, kind) in enumerate(columns):
            values = [r[j] for r in rows if j < len(r)]
            kinds.append(self.cur_kind(kind, values) if self.converts else money_kind(values) if kind == "usd" else kind)
        ws.set_row(row, 30)
        for j, (h, _) in enumerate(columns):
            ws.write_string(row, col + j, h, self.head)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                self.cell(ws, row + i, col + j, v, kinds[j])
        if autofilter and rows:
            ws.autofilter(row, col, row + len(rows), col + len(columns) - 1)
        for j, w in enumerate(widths or []):
            if w:
                ws.set_column(col + j, col + j, w)
        return row + len(rows) + 2

    def pairs(self, ws, row: int, items: list[tuple[str, object, str]], widths=(44, 18, 16)) -> int:
        """Label / value / unit rows (``(label, value, kind)``; the unit column says what the kind is)."""
        for lab, value, kind, *rest in items:
            ws.write_string(row, 0, lab, self.fmt(None))
            self.cell(ws, row, 1, value, kind, **({"align": "right"} if kind in ("month", "text") else {}))
            if rest and rest[0]:
                ws.write_string(row, 2, str(rest[0]), self.fmt(None, font_color="#595959"))
            row += 1
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        return row + 1

    def close(self):
        self.wb.close()
