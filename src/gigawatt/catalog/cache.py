"""A start-up cache for the validated catalog.

Parsing and validating the catalog's YAML is most of the fixed cost of a short command (about
70 ms of a `gigawatt plan`). The validated :class:`~gigawatt.catalog.Catalog` is kept as a
pickle in the user's cache folder, under a key that hashes every catalog file's path and bytes
plus the versions of gigawatt, pydantic and Python, so an edited file, an upgrade or a new user
file is a new key and the catalog is built again. The files are still read (safely) on every
run to compute the key; only parsing and validation are skipped.

Why pickle is acceptable here: the cache is written only by this process, into a folder the
user owns, like Python's own ``__pycache__``; it is read only when the folder and the file
belong to the user and no one else can write them, opened without following links and checked
on the open descriptor. The key also covers the code that builds the catalog (sizes and times
of its files), so a changed schema or bound is never skipped by a stale pickle.
No request or scenario file names the cache. ``GIGAWATT_CACHE_DIR`` moves it;
``GIGAWATT_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
from pathlib import Path

DIR_ENV, OFF_ENV = "GIGAWATT_CACHE_DIR", "GIGAWATT_NO_CACHE"


#: The only names this module writes, reads or prunes (a folder the user points at may hold other files).
_NAME = re.compile(r"^[0-9a-f]{64}\.pickle$")


def cache_dir() -> Path | None:
    """The folder for cached catalogs, or None when caching is off (``GIGAWATT_NO_CACHE`` set to
    anything but empty, 0, false or no). Always a ``catalog`` folder of its own, also under
    ``GIGAWATT_CACHE_DIR``."""
    if os.environ.get(OFF_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return None
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV]) / "catalog"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gigawatt", appauthor=False)) / "catalog"


#: The code a cached catalog was built by: a change to any of these (an editable install never
#: bumps the version) is a new key, so a new field, bound or check is never skipped.
_BUILDER_FILES = ("catalog/__init__.py", "catalog/schema.py", "catalog/cache.py", "core/registry.py",
                  "core/bounds.py", "core/data/registry.csv", "core/yaml_io.py")


def _builder_stamp() -> bytes:
    """Size and modification time of each file in :data:`_BUILDER_FILES` (a stat each, no reading)."""
    root = Path(__file__).resolve().parents[1]
    parts = []
    for name in _BUILDER_FILES:
        try:
            st = os.stat(root / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return "|".join(parts).encode()


def key(files: list[tuple[str, str]]) -> str:
    """A hex key for ``(path, text)`` pairs in load order, the code that builds the catalog and
    the versions that shape the pickle."""
    import pydantic

    from gigawatt import __version__

    h = hashlib.sha256()
    for part in (__version__, pydantic.VERSION, sys.version):
        h.update(part.encode() + b"\0")
    h.update(_builder_stamp() + b"\0")
    for path, text in files:
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + text.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user, and not writable by group or others."""
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_folder(folder: Path) -> int | None:
    """A descriptor on ``folder`` if it is a real folder (not a link) that is private, else None."""
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    if not _private(os.fstat(dfd)):
        os.close(dfd)
        return None
    return dfd


def get(cache_key: str):
    """The cached object for ``cache_key``, or None (missing, unreadable, not private, stale format).

    The file is opened relative to a descriptor of the checked folder, without following links
    and without blocking, and checked on that descriptor (regular, ours, private) before it is
    unpickled: swapping the folder or the file after a check changes nothing.
    """
    folder = cache_dir()
    if folder is None or not _NAME.match(f"{cache_key}.pickle"):
        return None
    dfd = _open_folder(folder)
    if dfd is None:
        return None
    try:
        fd = os.open(f"{cache_key}.pickle", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0),
                     dir_fd=dfd)
    except (OSError, NotImplementedError):
        os.close(dfd)
        return None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) and _private(st)):
            return None
        with os.fdopen(fd, "rb") as f:
            fd = -1
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache is only a slower start: build again
        return None
    finally:
        if fd >= 0:
            os.close(fd)
        os.close(dfd)


def put(cache_key: str, obj) -> None:
    """Store ``obj`` under ``cache_key`` atomically (a reader never sees half a file); failures are ignored.
    Keeps the 16 newest cache files; only names this module writes are ever removed."""
    folder = cache_dir()
    if folder is None or not _NAME.match(f"{cache_key}.pickle"):
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        dfd = _open_folder(folder)
        if dfd is None:
            return
        os.close(dfd)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{cache_key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(folder, keep=16)
    except Exception:  # noqa: BLE001 - a read-only home or a full disk must not stop the model
        return


def _prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest cache files (names matching :data:`_NAME`; links and
    files that vanish are skipped one by one)."""
    ours = []
    for p in folder.iterdir():
        if not _NAME.match(p.name):
            continue
        try:
            ours.append((os.lstat(p).st_mtime_ns, p))
        except OSError:
            continue
    for _, p in sorted(ours)[:-keep]:
        try:
            p.unlink()
        except OSError:
            continue
