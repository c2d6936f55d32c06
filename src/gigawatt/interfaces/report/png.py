"""Static figures (matplotlib), one PNG per chart, for papers and slides.

Axes carry the units the sections chose (money already in $B or 億ドル, shares in %), never an
exponent offset; months are labelled the language's way; every figure has a footer with the
scenario, the date and the source line. Japanese text needs a CJK font (IPAGothic, Noto Sans CJK
JP ...); matplotlib falls back glyph by glyph along ``FONTS``."""
from __future__ import annotations

import re
from pathlib import Path

from gigawatt.interfaces.report import Section
from gigawatt.interfaces.report.plotly_spec import PALETTE

#: Font families tried in order (matplotlib falls back per glyph): Latin first, then Japanese.
FONTS = ["DejaVu Sans", "IPAGothic", "IPAexGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic", "VL Gothic"]
_LS = {"dash": "--", "dot": ":"}


def _fonts(lang: str) -> list[str]:
    """The families of :data:`FONTS` matplotlib can use (CJK fonts installed after its cache was built are added)."""
    from matplotlib import font_manager as fm

    have = {f.name for f in fm.fontManager.ttflist}
    if lang == "ja" and not any(f in have for f in FONTS[1:]):
        for path in fm.findSystemFonts():
            if re.search(r"ipa|notosanscjk|notosansjp|takao|vl-gothic", Path(path).name, re.IGNORECASE):
                try:
                    fm.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        have = {f.name for f in fm.fontManager.ttflist}
    return [f for f in FONTS if f in have] or ["sans-serif"]


def _ticklabel(v, lang: str) -> str:
    from gigawatt.core.i18n import month

    return month(v, lang) if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v) else str(v)


def write(sections: list[Section], folder, lang: str = "en", scenario: str = "", date: str | None = None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    from gigawatt.core.i18n import day, t

    date = date or day(lang=lang)
    footer = t("report.source_line", lang, scenario=scenario or "-", date=date)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    plain = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:,.2f}".rstrip("0").rstrip("."))
    with plt.rc_context({"font.family": _fonts(lang), "axes.formatter.useoffset": False, "axes.unicode_minus": False}):
        for s in sections:
            for c in s.charts:
                fig, ax = plt.subplots(figsize=(8, 4.4), dpi=120)
                x = np.arange(len(c.x))
                ax2 = None
                if c.kind == "fan":
                    ax.fill_between(x, c.series["p5"], c.series["p95"], alpha=0.2, color=PALETTE[0], label="P5–P95")
                    ax.fill_between(x, c.series["p10"], c.series["p90"], alpha=0.35, color=PALETTE[0], label="P10–P90")
                    ax.plot(x, c.series["p50"], color=PALETTE[0], label="中央値（P50）" if lang == "ja" else "median (P50)")
                elif c.kind == "area":
                    ax.stackplot(x, *[np.asarray(v, float) for v in c.series.values()], labels=list(c.series),
                                 colors=[c.colors.get(n, PALETTE[i % len(PALETTE)]) for i, n in enumerate(c.series)])
                elif c.kind == "bar" and c.horizontal:
                    for i, (name, ys) in enumerate(c.series.items()):
                        ax.barh(x, np.asarray(ys, float), left=np.asarray(c.base, float) if c.base else 0,
                                color=c.colors.get(name, PALETTE[i % len(PALETTE)]), label=name)
                    ax.axvline(0, color="#333", lw=0.8)
                elif c.kind == "bar":
                    bottom = np.zeros(len(x))
                    for i, (name, ys) in enumerate(c.series.items()):
                        ys = np.asarray(ys, float)
                        ax.bar(x, ys, bottom=bottom, label=name, color=c.colors.get(name, PALETTE[i % len(PALETTE)]))
                        bottom += ys
                else:
                    for i, (name, ys) in enumerate(c.series.items()):
                        color = c.colors.get(name, PALETTE[i % len(PALETTE)])
                        style = c.styles.get(name, "")
                        kw = {"ls": _LS.get(style, "-"), "color": color, "label": name}
                        if style == "markers":
                            kw.update(marker="o", mfc="none", ms=7)
                        if name in c.secondary:
                            ax2 = ax2 or ax.twinx()
                            ax2.plot(x, ys, **kw)
                        else:
                            ax.plot(x, ys, **kw)
                labels = [_ticklabel(v, lang) for v in c.x]
                if c.horizontal:
                    ax.set_yticks(x)
                    ax.set_yticklabels(labels, fontsize=8)
                    ax.set_xlabel(c.y_title)
                    ax.xaxis.set_major_formatter(plain)
                else:
                    step = max(1, len(x) // 10)
                    ax.set_xticks(x[::step])
                    few = len(x) <= 4
                    ax.set_xticklabels(labels[::step], rotation=0 if few else 30, ha="center" if few else "right", fontsize=8)
                    ax.set_ylabel(c.y_title)
                    ax.yaxis.set_major_formatter(plain)
                if ax2 is not None:
                    ax2.set_ylabel(c.y2_title)
                    ax2.yaxis.set_major_formatter(plain)
                ax.set_title(c.title, fontsize=11)
                handles, names = ax.get_legend_handles_labels()
                if ax2 is not None:
                    h2, n2 = ax2.get_legend_handles_labels()
                    handles, names = handles + h2, names + n2
                if c.kind == "bar" and len(names) > 4 and not c.horizontal:  # many stacked segments: legend beside the bars
                    ax.legend(handles, names, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
                else:
                    ax.legend(handles, names, fontsize=7, ncol=3)
                ax.grid(alpha=0.3)
                note = (c.note + "\n") if c.note else ""
                fig.text(0.01, 0.01, note + footer, fontsize=6.5, color="#555", ha="left", va="bottom")
                fig.tight_layout(rect=(0, 0.06 if not note else 0.1, 1, 1))
                path = folder / f"{c.id}.png"
                fig.savefig(path)
                plt.close(fig)
                out.append(path)
    return out
