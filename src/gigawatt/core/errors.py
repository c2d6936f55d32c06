"""Errors a user can cause, with messages that name the file, the field and the fix.

Every user mistake ends in a :class:`GigawattError`; the CLI prints its message and exits
with status 2, never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass


class GigawattError(Exception):
    """A problem with the user's input (file, option or catalog entry)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a field path like ``deals[0].gw``) and what."""

    path: str
    message: str
    line: int | None = None
    file: str | None = None  # set when the problem is in another file than the one reported (an include)

    def render(self) -> str:
        where = self.path or "(top level)"
        if self.line is not None:
            where += f" (line {self.line})"
        if self.file:
            where = f"{self.file}: {where}"
        return f"{where}: {self.message}"


class ValidationFailure(GigawattError):
    """One or more problems found in one input file."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        n = len(problems)
        head = f"{source}: {n} problem{'s' if n != 1 else ''}"
        super().__init__("\n".join([head, *("  " + p.render() for p in problems)]))


def format_path(loc: tuple) -> str:
    """Turn a pydantic location tuple into ``deals[0].tranches[1].gw``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
