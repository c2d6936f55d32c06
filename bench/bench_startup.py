"""Benchmark CLI start-up: `gigawatt plan openai-amd` against a bare `python -c "import numpy"`, same run.

Target (issue 15): `gigawatt plan openai-amd` <= 2.5x `python -c "import numpy"`.
The two commands alternate, `--repeat` times each; the ratio is taken per pair (min / median),
so both see the same machine load. The floor of the stack (the libraries `plan` needs, imported and
nothing else) is timed alongside: no change inside gigawatt gets `plan` below it. Then one
`-X importtime` run lists where import time goes.
Run: .venv/bin/python bench/bench_startup.py [--repeat 9]
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def wall(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 9
    exe = str(Path(sys.executable).with_name("gigawatt"))
    # Byte-compile the package first, as `pip install` does: an editable install under
    # PYTHONDONTWRITEBYTECODE=1 (set on this machine) would otherwise compile every module from
    # source on every run (~50 ms), a cost no installed user pays.
    import compileall

    import gigawatt

    compileall.compile_dir(str(Path(gigawatt.__file__).parent), quiet=1)
    env = {**os.environ, "COLUMNS": "120"}
    plan, numpy_ = [exe, "plan", "openai-amd"], [sys.executable, "-c", "import numpy"]
    wall(plan, env), wall(numpy_, env)  # warm the file cache
    # The same command with every subcommand registered at start-up (the deal ledger's too), as before issue 15.
    eager = [sys.executable, "-c", "import sys; sys.argv = ['gigawatt-eager', 'plan', 'openai-amd']; "
                                   "from gigawatt.interfaces.cli import main; main()"]
    # The floor under any `plan` built on this stack: the libraries it needs, imported and nothing
    # else (typer imports pydantic for its per-parameter TypeAdapters; rich renders the tables;
    # PyYAML reads the scenario; pydantic holds the scenario and catalog models).
    floor = [sys.executable, "-c", "import numpy, typer, typer.main, typer._adapters, rich.table, rich.console, yaml; "
                                   "from pydantic import BaseModel"]
    a, b, c, d = [], [], [], []
    for _ in range(repeat):
        a.append(wall(plan, env))
        b.append(wall(numpy_, env))
        c.append(wall(eager, env))
        d.append(wall(floor, env))
    ratios = [x / y for x, y in zip(a, b)]
    floor_ratios = [x / y for x, y in zip(d, b)]
    print(f"`gigawatt plan openai-amd`: min {min(a):.3f} s, median {statistics.median(a):.3f} s; "
          f"`python -c 'import numpy'`: min {min(b):.3f} s, median {statistics.median(b):.3f} s; "
          f"plan with the ledger commands loaded at start-up (before): min {min(c):.3f} s, median {statistics.median(c):.3f} s "
          f"({statistics.median(z / y for z, y in zip(c, b)):.2f}x numpy, median)")
    print(f"Floor of the stack: `import numpy, typer (+ its pydantic adapters), rich.table, yaml, pydantic.BaseModel` and nothing "
          f"else: min {min(d):.3f} s, median {statistics.median(d):.3f} s = {statistics.median(floor_ratios):.2f}x numpy (median); "
          f"gigawatt's own part of `plan` (its imports, the catalog and scenario, the engine, the tables): "
          f"median {statistics.median(x - y for x, y in zip(a, d)) * 1e3:.0f} ms")
    print(f"TARGET plan <= 2.5x import numpy: {min(ratios):.2f}x min, {statistics.median(ratios):.2f}x median (per pair) -> "
          f"{'met' if statistics.median(ratios) <= 2.5 else 'NOT met'}"
          f"{' (the libraries alone take ' + format(statistics.median(floor_ratios), '.2f') + 'x)' if statistics.median(floor_ratios) > 2.5 else ''}"
          f"; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

    res = subprocess.run([sys.executable, "-X", "importtime", exe, "plan", "openai-amd"], capture_output=True, text=True, env=env)
    rows = []
    for line in res.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            rows.append((int(parts[1]), depth, name.strip()))
    print("\nLargest imports of `gigawatt plan openai-amd` (cumulative ms, one -X importtime run; depth 0-2):")
    for cum, depth, name in sorted((r for r in rows if r[1] <= 2), reverse=True)[:14]:
        print(f"  {cum / 1e3:7.1f}  {'  ' * depth}{name}")
    t_help = statistics.median([wall([exe, "plan", "--help"], env) for _ in range(5)])
    print(f"`gigawatt plan --help` (the CLI without evaluate): median {t_help:.3f} s; the rest of `plan` imports the model "
          "(gigawatt.analyses.api: pydantic scenario and catalog models), loads the catalog YAML, evaluates and prints tables")

if __name__ == "__main__":
    main()
