"""Read YAML safely, with line numbers for every field path, so errors can point at a line.

Scenario files come from strangers, so every read goes through :func:`read_text_file` and
:func:`read_yaml`: regular files only (never a FIFO, a device or a directory), at most
:data:`MAX_FILE_BYTES`, UTF-8 (a BOM is fine), and a node graph whose size *after* alias
expansion, alias count and depth are bounded before anything is constructed — so a
"billion laughs" document is refused in milliseconds instead of expanding.
"""
from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
from pathlib import Path

import yaml

from gigawatt.core.bounds import given, plain_number
from gigawatt.core.errors import GigawattError, Problem, ValidationFailure, format_path


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5x faster

MAX_FILE_BYTES = 1 << 20  # 1 MiB: a 256-tranche scenario with comments is ~100 KiB
MAX_NODES = 100_000       # YAML nodes after alias expansion (keys, values, list items)
MAX_ALIASES = 1_000       # alias references (*name) in one document
MAX_DEPTH = 64            # nesting of mappings and lists
MAX_BASE60_PARTS = 4      # parts of a YAML 1.1 base-60 number (1:30:00:00); PyYAML builds longer ones slowly
MAX_QUOTE = 60            # characters of a file's content any message may quote

#: A key a person would write. Any other key (a line of /etc/shadow, 300 characters of noise) is
#: reported by its line and never quoted: a message must not echo a file that is not ours to show.
_KEY_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_ .-]{0,40}")


def shown_key(key) -> bool:
    """Whether a field path part may be quoted: a list index, or a key that looks like a field name."""
    return (isinstance(key, int) and not isinstance(key, bool)) or (isinstance(key, str) and _KEY_LIKE.fullmatch(key) is not None)


def cut(text: str) -> str:
    """``text`` at most :data:`MAX_QUOTE` characters long, an ellipsis marking a cut.

    >>> cut("gw"), len(cut("x" * 100)), cut("x" * 100)[-2:]
    ('gw', 60, 'x…')
    """
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE - 1] + "…"


def quote(value) -> str:
    """``repr(value)``, cut to :data:`MAX_QUOTE` characters of content: the one way messages quote a file's values.

    >>> quote("gw"), quote("x" * 100)[-5:], len(quote(list(range(100))))
    ("'gw'", "xxx…'", 60)
    """
    return repr(cut(value)) if isinstance(value, str) else cut(repr(value))


def _split_shown(path: tuple) -> tuple[tuple, tuple]:
    """``path`` cut before its first part that may not be quoted: (shown, hidden)."""
    for i, part in enumerate(path):
        if not shown_key(part):
            return path[:i], path[i:]
    return path, ()


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def read_text_file(path: str | Path) -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES`, decoded as UTF-8.

    Never blocks (a FIFO is refused before it is opened for reading) and never reads more
    than the cap, whatever the file claims to be.
    """
    label = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise GigawattError(f"{label}: not a regular file (it is a {_kind_of(st.st_mode)}); give a scenario file")
        if st.st_size > MAX_FILE_BYTES:
            raise GigawattError(f"{label}: {st.st_size:,} bytes, over the {MAX_FILE_BYTES // 1024:,} KiB limit for a scenario file")
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise GigawattError(f"{label}: not a regular file (it is a {_kind_of(mode)}); give a scenario file")
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise GigawattError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise GigawattError(f"{label}: over the {MAX_FILE_BYTES // 1024:,} KiB limit for a scenario file")
    return decode_utf8(data, label)


def decode_utf8(data: bytes, source: str) -> str:
    """``data`` as text: UTF-8 with or without a BOM; anything else is refused, naming the bad byte."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise GigawattError(f"{source}: the file is UTF-32 text; save it as UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise GigawattError(f"{source}: the file is UTF-16 text; save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GigawattError(f"{source}: not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start:,} (line {line}) "
                            "cannot be decoded; save the file as UTF-8") from None


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root, source: str) -> None:
    """Refuse a node graph that is cyclic, too deep, or too large once aliases are expanded.

    One iterative pass over distinct nodes: the expanded size of a node is 1 + its
    children's (memoised), so a bomb's size is known without building it.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_stack: set[int] = set()  # nodes being expanded: an edge to one of them is a cycle
    edges = 0
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            kids = _children(node)
            size[key] = min(1 + sum(size[id(k)] for k in kids), MAX_NODES + 1)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            if height[key] > MAX_DEPTH:
                raise _refuse(source, node, f"nested more than {MAX_DEPTH} levels deep")
            continue
        if key in size:
            continue
        on_stack.add(key)
        stack.append((node, True))
        for k in _children(node):
            if id(k) in on_stack:
                raise _refuse(source, k, "an alias refers to a node that contains it (a recursive structure)")
            edges += 1
            stack.append((k, False))
    aliases = edges - (len(size) - 1)  # every edge beyond one per distinct node is an alias reference
    if aliases > MAX_ALIASES:
        raise _refuse(source, root, f"{aliases:,} alias references, over the limit of {MAX_ALIASES:,}")
    if size[id(root)] > MAX_NODES:
        raise _refuse(source, root, f"over {MAX_NODES:,} values once aliases are expanded (an alias bomb?); "
                                    "write the values out or use fewer aliases")


def _refuse(source: str, node, why: str) -> ValidationFailure:
    return ValidationFailure(source, [Problem("", f"refused: {why}", node.start_mark.line + 1)])


def _lines(root, source: str = "", tree: bool = False) -> dict[tuple, int]:
    """Map each field path to its line; a node reached again through an alias is not walked
    again (its paths under the alias fall back to the alias's own line via :func:`line_for`).

    ``tree=True`` (a document without anchors, so without aliases: every node is reached
    once) also enforces the depth and size limits of :func:`_check_graph` on the way, which
    then need not run: one pass instead of two for the common case.
    """
    out: dict[tuple, int] = {}
    walked: set[int] = set()
    stack = [(root, ())]
    count = 0  # nodes so far, keys included (as _check_graph counts them)
    while stack:
        node, path = stack.pop()
        out.setdefault(path, node.start_mark.line + 1)
        if tree:
            count += 1 + (len(node.value) if isinstance(node, yaml.MappingNode) else 0)
            if len(path) >= MAX_DEPTH:
                raise _refuse(source, node, f"nested more than {MAX_DEPTH} levels deep")
            if count > MAX_NODES:
                raise _refuse(source, root, f"over {MAX_NODES:,} values once aliases are expanded (an alias bomb?); "
                                            "write the values out or use fewer aliases")
        if id(node) in walked:
            continue
        walked.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            _check_scalar(node, source)
        elif isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key, value in node.value:
                k = key.value
                if isinstance(key, yaml.ScalarNode):
                    _check_scalar(key, source)
                if isinstance(key, yaml.ScalarNode) and k in seen:
                    raise _Duplicate(path + (k,), key.start_mark.line + 1, seen[k])
                if not isinstance(key, yaml.ScalarNode):
                    continue  # a non-scalar key is refused later, when the mapping is validated
                seen[k] = key.start_mark.line + 1
                out[path + (k,)] = key.start_mark.line + 1  # a field's line is its key's
                stack.append((value, path + (k,)))
        elif isinstance(node, yaml.SequenceNode):
            if tree and count + len(node.value) > MAX_NODES:  # refused before its items are even queued
                raise _refuse(source, root, f"over {MAX_NODES:,} values once aliases are expanded (an alias bomb?); "
                                            "write the values out or use fewer aliases")
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return out


def _check_scalar(node, source: str) -> None:
    """YAML 1.1 reads 1:30:00 as a base-60 number, and PyYAML builds one in time quadratic in its
    parts (600 KB of ``1:59:59:...`` took 9 s): a long one is refused before it is built."""
    if node.tag.endswith((":int", ":float")) and node.value.count(":") > MAX_BASE60_PARTS - 1:
        raise _refuse(source, node, f"a base-60 number (YAML 1.1, like 1:30:00) with {node.value.count(':') + 1:,} "
                                    f"parts, over {MAX_BASE60_PARTS}; quote it if it is text")


class _Duplicate(Exception):
    def __init__(self, path, line, first_line):
        super().__init__(path)
        self.path, self.line, self.first_line = path, line, first_line


def read_yaml(text: str, source: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML text; return the data and a map from field path to line number.

    Raises :class:`ValidationFailure` naming ``source`` and the line for malformed YAML, and
    for documents over the size, alias or depth limits (checked before any value is built).
    """
    if len(text) > MAX_FILE_BYTES:
        raise GigawattError(f"{source}: over the {MAX_FILE_BYTES // 1024:,} KiB limit for a scenario")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            lines: dict[tuple, int] = {}
            if node is not None:
                # Without an anchor ('&') there is no alias, so the graph is a tree: _lines checks
                # its depth and size on its one walk; otherwise the full graph check runs first.
                tree = "&" not in text
                if not tree:
                    _check_graph(node, source)
                # Lines before construction: constructing flattens merge keys (<<) into the node,
                # which would make a merged key and its explicit override look like a duplicate.
                lines = _lines(node, source, tree)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, another control character)
        raise ValidationFailure(source, [_bad_character(text, exc)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailure(source, [Problem("", f"not valid YAML: {msg}", line)]) from None
    except _Duplicate as dup:
        shown, hidden = _split_shown(dup.path)
        what = "a key (not quoted: it does not look like a field name) is " if hidden else ""
        raise ValidationFailure(source, [Problem(format_path(shown), f"{what}given twice (first on line {dup.first_line}); "
                                                 "keep one", dup.line)]) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        # Constructors raise these for odd scalars (a mapping used as a key, a date like 2026-02-30).
        raise ValidationFailure(source, [Problem("", f"not valid YAML: {exc}")]) from None
    return data, lines


def _bad_character(text: str, exc) -> Problem:
    """One line, at its line, for a character YAML refuses. PyYAML's message spans lines and
    gives an offset (in bytes with libyaml), so the character is found in the text instead:
    its first occurrence is the one the reader stopped at."""
    import unicodedata

    ch = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
    at = text.find(ch) if ch else -1
    name = ("a NUL character" if ch == "\x00" else
            f"the {'control ' if unicodedata.category(ch) == 'Cc' else ''}character U+{ord(ch):04X}") if ch else "a character"
    where = f" (character {at + 1:,})" if at >= 0 else ""
    return Problem("", f"not valid YAML: the text contains {name}{where}, which YAML does not allow; remove it",
                   text.count("\n", 0, at) + 1 if at >= 0 else None)


def yaml_files(path: Path, what: str) -> list[Path]:
    """The YAML files a ``--catalog``/``--ledger`` path names: a folder's ``*.yaml``/``*.yml`` in
    name order, or the file itself; a missing path, or one that is neither (a device, a FIFO),
    is a :class:`GigawattError` naming ``what``."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise GigawattError(f"{path}: {what} file or directory not found") from None
    except (OSError, ValueError) as exc:  # no permission, a name too long, a NUL byte
        raise GigawattError(f"{path}: cannot read this {what} path ({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(mode):
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if stat.S_ISREG(mode):
        return [path]
    raise GigawattError(f"{path}: not a regular file or folder (it is a {_kind_of(mode)}); give a {what} YAML file or a folder of them")


def read_yaml_file(path: Path) -> tuple[object, dict[tuple, int]]:
    """Read (see :func:`read_text_file`) and parse a YAML file; errors name the file."""
    return read_yaml(read_text_file(path), str(path))


def line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    """Line of the deepest known prefix of ``loc``."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


_LIMITS = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
           "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}


def problems_from_pydantic(exc, lines: dict[tuple, int], prefix: tuple = (), known_fields=()) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into :class:`Problem` s with paths and lines.

    The one place loaders word validation errors, so the quoting rule lives here: a key is
    quoted only when it looks like a field name (:func:`shown_key`), else it is reported by its
    line (unknown keys under one parent in one problem), and no value is quoted beyond
    :data:`MAX_QUOTE` characters (:func:`quote`).
    """
    out = []
    hidden_keys: dict[tuple, list[int | None]] = {}  # parent path -> lines of its unknown keys that are not quoted
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Drop union/tag markers pydantic inserts (e.g. 'float', 'str').
        loc = tuple(p for p in loc if p not in ("float", "str", "int", "bool"))
        full = prefix + loc
        line = line_for(lines, full)
        shown, hidden = _split_shown(full)
        if err["type"] == "extra_forbidden" and len(hidden) == 1:
            hidden_keys.setdefault(shown, []).append(line)
            continue
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
            names = known_fields(full) if callable(known_fields) else list(known_fields)
            close = difflib.get_close_matches(str(loc[-1]), names, n=3, cutoff=0.6) if loc else []
            msg += f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else " (check the spelling)"
        elif err["type"] == "invalid_key":  # a number or a date as a key
            shown, hidden = _split_shown(full[:-1])
            line = lines.get(full[:-1] + (str(err["input"]),), line)  # the line map keys by the key's text
            msg = f"key {quote(str(err['input']))} is not a field name (field names are text)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] in _LIMITS:
            word, key = _LIMITS[err["type"]]
            msg = f"must be {word} {plain_number(err['ctx'][key])}"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if "input" in err and err["type"] != "invalid_key":
            number = isinstance(err["input"], (int, float)) and not isinstance(err["input"], bool)
            short = given(err["input"]) if number else quote(err["input"])  # 1e308 as "about 10^308", not 1e+308
            if not number:
                msg = msg.replace(repr(err["input"]), short)  # a validator may have quoted the whole value
            if err["type"] not in ("missing", "extra_forbidden") and not isinstance(err["input"], (dict, list)) and short not in msg:
                msg += f" (got {short})"
        if hidden:
            msg = f"{msg} (under a key not quoted: it does not look like a field name)"
        out.append(Problem(format_path(shown), msg, line))
    for parent, at in hidden_keys.items():
        known = sorted({n for n in at if n is not None})
        if len(at) == 1:
            msg = "an unknown key (not quoted: it does not look like a field name)"
        else:
            more = ", ..." if len(known) > 5 else ""
            msg = (f"{len(at):,} unknown keys (not quoted: they do not look like field names)"
                   + (f" on lines {', '.join(map(str, known[:5]))}{more}" if known else ""))
        out.append(Problem(format_path(parent), msg, at[0]))
    return out
