"""The package's folders are its layers, and imports only point down.

core (names, units, bounds, formats, safe file reading) → catalog → ledger (data) → model
(formulas) → scenario (files and resolved inputs) → engine (the vectorised run and the Monte
Carlo) → analyses (deal, supply, flows, optimise, ...) → interfaces (CLI, server, page, reports).
A module may import its own layer and the layers below it, never one above. Lazy imports inside
functions count too: a lower layer that reaches up at run time is still tangled.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gigawatt"
LAYERS = {"core": 0, "catalog": 1, "ledger": 2, "model": 3, "scenario": 4, "engine": 5, "analyses": 6, "interfaces": 7}
#: The top-level facade's lazy names (``gigawatt/__init__.py``) and the layer each one loads.
FACADE = {"__version__": "core", "GigawattError": "core", "load_catalog": "catalog", "loads": "scenario",
          "load": "analyses", "evaluate": "analyses", "size": "analyses"}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def _layer_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if len(parts) < 2 or parts[0] != "gigawatt":
        return None
    return parts[1] if parts[1] in LAYERS else FACADE.get(parts[1], "interfaces")  # an unknown name: assume the worst


def imported_layers(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, dotted module) for every gigawatt import in ``path`` (or ``text`` as if it were that
    file), relative ones resolved."""
    own = ["gigawatt", *path.relative_to(PACKAGE).with_suffix("").parts]
    if own[-1] == "__init__":
        own = own[:-1]
    package = own if path.name == "__init__.py" else own[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                dotted = ".".join(base + ([node.module] if node.module else []))
            else:
                dotted = node.module or ""
            if dotted == "gigawatt":  # `from gigawatt import x`: x is the module
                found += [(node.lineno, f"gigawatt.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, dotted))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) and node.args[0].value.startswith("gigawatt"):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__"):  # importlib.import_module("gigawatt.x") counts too
                found.append((node.lineno, node.args[0].value))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "gigawatt":
            found.append((node.lineno, f"gigawatt.{node.attr}"))  # `import gigawatt; gigawatt.evaluate(...)`
    return [(line, d) for line, d in found if d.startswith("gigawatt")]


def test_every_module_lives_in_a_layer():
    stray = [p.relative_to(PACKAGE) for p in _modules() if p.relative_to(PACKAGE).parts[0] not in LAYERS]
    assert stray == []
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py"], "only the public facade sits at the top"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    mine = path.relative_to(PACKAGE).parts[0]
    upward = [f"line {line}: {dotted} ({_layer_of(dotted)})" for line, dotted in imported_layers(path)
              if _layer_of(dotted) and LAYERS[_layer_of(dotted)] > LAYERS[mine]]
    assert upward == [], f"{mine} must not import a higher layer"


def test_the_checker_sees_an_upward_import():
    """The check itself can fail: a core module importing the engine is caught, relative or not."""
    fake = PACKAGE / "core" / "bad_example.py"
    text = ("from ..engine import core\nimport gigawatt.interfaces.cli\nfrom gigawatt import analyses\n"
            "from gigawatt import evaluate\nimport importlib\nimportlib.import_module('gigawatt.engine.mc')\n"
            "__import__('gigawatt.analyses.api')\nimport gigawatt\ngigawatt.size('mi450')\n")
    got = sorted(d for _, d in imported_layers(fake, text))
    assert got == sorted(["gigawatt.engine", "gigawatt.interfaces.cli", "gigawatt.analyses", "gigawatt.evaluate",
                          "gigawatt.engine.mc", "gigawatt.analyses.api", "gigawatt", "gigawatt.size"])
    assert {d: _layer_of(d) for d in got} == {
        "gigawatt": None, "gigawatt.analyses": "analyses", "gigawatt.analyses.api": "analyses", "gigawatt.engine": "engine",
        "gigawatt.engine.mc": "engine", "gigawatt.evaluate": "analyses", "gigawatt.interfaces.cli": "interfaces",
        "gigawatt.size": "analyses"}
    assert _layer_of("gigawatt.__version__") == "core" and _layer_of("gigawatt.load_catalog") == "catalog"


def test_no_dict_literal_writes_a_key_twice():
    """In a dict literal a repeated key silently keeps the last value: the page's Deal tab once
    showed the Monte Carlo's title as its "Valuation" label that way."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno}: {k!r}" for k in sorted({k for k in keys if keys.count(k) > 1}, key=repr)]
    assert not found, found
