"""Static figures (matplotlib), one PNG per chart, for papers and slides."""
from __future__ import annotations

from pathlib import Path

from . import Section


def write(sections: list[Section], folder) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for s in sections:
        for c in s.charts:
            fig, ax = plt.subplots(figsize=(8, 4.2), dpi=120)
            x = np.arange(len(c.x))
            if c.kind == "fan":
                ax.fill_between(x, c.series["p5"], c.series["p95"], alpha=0.2, label="P5-P95")
                ax.fill_between(x, c.series["p10"], c.series["p90"], alpha=0.35, label="P10-P90")
                ax.plot(x, c.series["p50"], label="P50")
            elif c.kind == "area":
                ax.stackplot(x, *[np.asarray(v, float) for v in c.series.values()], labels=list(c.series))
            elif c.kind == "bar":
                bottom = np.zeros(len(x))
                for name, ys in c.series.items():
                    ys = np.asarray(ys, float)
                    ax.bar(x, ys, bottom=bottom, label=name)
                    bottom += ys
            else:
                for name, ys in c.series.items():
                    ax.plot(x, ys, label=name)
            step = max(1, len(x) // 10)
            ax.set_xticks(x[::step])
            ax.set_xticklabels([str(v) for v in c.x][::step], rotation=30, ha="right", fontsize=8)
            ax.set_title(c.title)
            ax.set_ylabel(c.y_title)
            ax.legend(fontsize=7, ncol=3)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            path = folder / f"{c.id}.png"
            fig.savefig(path)
            plt.close(fig)
            out.append(path)
    return out
