"""A start-up cache for the validated catalog.

Parsing and validating the catalog's YAML is most of the fixed cost of a short command (about
70 ms of a `gigawatt plan`). The validated :class:`~gigawatt.catalog.Catalog` is kept as a
pickle in the user's cache folder, under a key that hashes every catalog file's path and bytes
plus the versions of gigawatt, pydantic and Python, so an edited file, an upgrade or a new user
file is a new key and the catalog is built again. The files are still read (safely) on every
run to compute the key; only parsing and validation are skipped.

Why pickle is acceptable here: the cache is written only by this process, into a folder the
user owns, like Python's own ``__pycache__``; it is read only when the folder and the file
belong to the user and no one else can write them (the checks ``ssh`` applies to its keys).
No request or scenario file names the cache. ``GIGAWATT_CACHE_DIR`` moves it;
``GIGAWATT_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

DIR_ENV, OFF_ENV = "GIGAWATT_CACHE_DIR", "GIGAWATT_NO_CACHE"


def cache_dir() -> Path | None:
    """The folder for cached catalogs, or None when caching is off."""
    if os.environ.get(OFF_ENV, "").strip() not in ("", "0"):
        return None
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gigawatt", appauthor=False)) / "catalog"


def key(files: list[tuple[str, str]]) -> str:
    """A hex key for ``(path, text)`` pairs in load order and the versions that shape the pickle."""
    import pydantic

    from gigawatt import __version__

    h = hashlib.sha256()
    for part in (__version__, pydantic.VERSION, sys.version):
        h.update(part.encode() + b"\0")
    for path, text in files:
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + text.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user, and not writable by group or others."""
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def get(cache_key: str):
    """The cached object for ``cache_key``, or None (missing, unreadable, not private, stale format)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{cache_key}.pickle"
    try:
        if not (_private(os.stat(folder)) and _private(os.lstat(path))) or not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache is only a slower start: build again
        return None


def put(cache_key: str, obj) -> None:
    """Store ``obj`` under ``cache_key`` atomically (a reader never sees half a file); failures are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder)):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{cache_key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-16]:
            old.unlink(missing_ok=True)  # keep the 16 most recent keys
    except Exception:  # noqa: BLE001 - a read-only home or a full disk must not stop the model
        return
