"""Read YAML with line numbers for every field path, so errors can point at a line."""
from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .errors import GigawattError, Problem, ValidationFailure, format_path


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5x faster


def _lines(node, path=(), out=None) -> dict[tuple, int]:
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key, value in node.value:
            k = key.value
            if k in seen:
                raise _Duplicate(path + (k,), key.start_mark.line + 1, seen[k])
            seen[k] = key.start_mark.line + 1
            out[path + (k,)] = key.start_mark.line + 1
            _lines(value, path + (k,), out)
            out[path + (k,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), out)
    return out


class _Duplicate(Exception):
    def __init__(self, path, line, first_line):
        super().__init__(path)
        self.path, self.line, self.first_line = path, line, first_line


def read_yaml(text: str, source: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML text; return the data and a map from field path to line number.

    Raises :class:`ValidationFailure` naming ``source`` and the line for malformed YAML.
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailure(source, [Problem("", f"not valid YAML: {msg}", line)]) from None
    try:
        return data, (_lines(node) if node is not None else {})
    except _Duplicate as dup:
        raise ValidationFailure(source, [Problem(format_path(dup.path), f"given twice (first on line {dup.first_line}); "
                                                 "keep one", dup.line)]) from None


def read_yaml_file(path: Path) -> tuple[object, dict[tuple, int]]:
    """Read and parse a YAML file (errors name the file)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise GigawattError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return read_yaml(text, str(path))


def line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    """Line of the deepest known prefix of ``loc``."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def problems_from_pydantic(exc, lines: dict[tuple, int], prefix: tuple = (), known_fields=()) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into :class:`Problem` s with paths and lines."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Drop union/tag markers pydantic inserts (e.g. 'float', 'str').
        loc = tuple(p for p in loc if p not in ("float", "str", "int", "bool"))
        full = prefix + loc
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
            names = known_fields(full) if callable(known_fields) else list(known_fields)
            close = difflib.get_close_matches(str(loc[-1]), names, n=3, cutoff=0.6) if loc else []
            msg += f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else " (check the spelling)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if "input" in err and err["type"] not in ("missing", "extra_forbidden") and not isinstance(err["input"], (dict, list)):
            if repr(err["input"]) not in msg:
                msg += f" (got {err['input']!r})"
        out.append(Problem(format_path(full), msg, line_for(lines, full)))
    return out
