"""Saved scenarios in an embedded SQLite database, with a version per scenario.

A save names the version it is based on; a save based on an old version is refused
(optimistic concurrency), never a silent overwrite. WAL mode and one transaction per write
mean a crash mid-write loses nothing already saved.

Built-in scenario names are reserved: a save under one is refused (409), so one user cannot
replace a seed scenario for everyone sharing the database. A row saved under such a name by
an older version is kept (it is the user's text) and can still be read and deleted, but
never updated; the server lists it apart and resolves the name to the built-in.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class StoreError(Exception):
    """status: 404 (not found), 409 (version conflict, or a built-in's name) or 422 (bad name)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Saved:
    name: str
    yaml: str
    version: int
    updated_at: float


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("gigawatt", appauthor=False)) / "scenarios.db"


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as c:
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("CREATE TABLE IF NOT EXISTS scenarios (name TEXT PRIMARY KEY, yaml TEXT NOT NULL, "
                      "version INTEGER NOT NULL, updated_at REAL NOT NULL)")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)  # explicit transactions below
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    @staticmethod
    def check_name(name: str) -> None:
        if not NAME.match(name or ""):
            raise StoreError(422, f"invalid scenario name {name!r}: use 1-64 lower-case letters, digits, '.', '_' or '-', "
                                  "starting with a letter or digit (no paths)")

    @staticmethod
    def is_builtin(name: str) -> bool:
        """True for the name of a built-in scenario (reserved: never saved under)."""
        from gigawatt.scenario.spec import builtin_names

        return name in builtin_names()

    @classmethod
    def check_save_name(cls, name: str) -> None:
        """:meth:`check_name`, and refuse a built-in's name (409)."""
        cls.check_name(name)
        if cls.is_builtin(name):
            raise StoreError(409, f"{name} is a built-in scenario; save under another name")

    def list(self) -> list[dict]:
        rows = self._conn().execute("SELECT name, version, updated_at FROM scenarios ORDER BY name").fetchall()
        return [{"name": n, "version": v, "updated_at": u} for n, v, u in rows]

    def get(self, name: str) -> Saved:
        self.check_name(name)
        row = self._conn().execute("SELECT name, yaml, version, updated_at FROM scenarios WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise StoreError(404, f"no saved scenario {name!r}")
        return Saved(*row)

    def save(self, name: str, yaml_text: str, base_version: int | None) -> Saved:
        """Insert (``base_version`` None or 0) or update from ``base_version``; 409 if it is not
        current, or if ``name`` is a built-in scenario's."""
        self.check_save_name(name)
        c = self._conn()
        c.execute("BEGIN IMMEDIATE")  # one writer at a time; readers keep going (WAL)
        try:
            row = c.execute("SELECT version FROM scenarios WHERE name = ?", (name,)).fetchone()
            current = row[0] if row else 0
            if (base_version or 0) != current:
                raise StoreError(409, f"scenario {name!r} is at version {current}, not {base_version or 0}: "
                                      "someone saved it meanwhile; reload, merge and save again")
            now = time.time()
            if row:
                c.execute("UPDATE scenarios SET yaml = ?, version = ?, updated_at = ? WHERE name = ?", (yaml_text, current + 1, now, name))
            else:
                c.execute("INSERT INTO scenarios (name, yaml, version, updated_at) VALUES (?, ?, 1, ?)", (name, yaml_text, now))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return Saved(name, yaml_text, current + 1, now)

    def delete(self, name: str, version: int) -> None:
        self.check_name(name)
        c = self._conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute("SELECT version FROM scenarios WHERE name = ?", (name,)).fetchone()
            if row is None and self.is_builtin(name):
                raise StoreError(409, f"{name} is a built-in scenario; built-in scenarios cannot be deleted")
            if row is None:
                raise StoreError(404, f"no saved scenario {name!r}")
            if row[0] != version:
                raise StoreError(409, f"scenario {name!r} is at version {row[0]}, not {version}; reload before deleting")
            c.execute("DELETE FROM scenarios WHERE name = ?", (name,))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
