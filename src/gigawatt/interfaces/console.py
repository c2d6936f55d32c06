"""The terminal consoles of the command line, and the one way styled text is made for them.

Light on purpose (rich is imported inside the functions): every command imports it at start-up.
"""
from __future__ import annotations


def console(stderr: bool = False, piped_width: int = 160):
    """The consoles every command prints to. Markup is off: text from scenarios, catalogs and the
    ledger (a title such as ``Acme [/] test``) prints as written, never as rich markup (which
    dropped bracketed words and crashed on ``[/]``). Styled output is built with :func:`styled`.
    Piped or captured output gets room for every column (``piped_width``), never cropped numbers."""
    from rich.console import Console

    con = Console(stderr=stderr, markup=False)
    return con if con.is_terminal else Console(stderr=stderr, markup=False, width=piped_width)


def styled(markup: str):
    """Our own markup (``[bold]...[/]``) as rich Text, for a console with markup off. Anything
    from data inside it must go through :func:`esc` first."""
    from rich.text import Text

    return Text.from_markup(markup)


def esc(value) -> str:
    """``value`` as text that markup shows literally (for data put inside :func:`styled`)."""
    from rich.markup import escape

    return escape(str(value))

