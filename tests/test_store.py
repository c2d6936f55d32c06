"""Saved scenarios: versions, conflicts, concurrency, durability."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from gigawatt.scenario.store import Store, StoreError


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "s.db")


def test_save_get_and_versions(store):
    assert store.save("a", "v1", 0).version == 1
    assert store.save("a", "v2", 1).version == 2
    s = store.get("a")
    assert (s.yaml, s.version) == ("v2", 2)
    assert store.list()[0]["name"] == "a"


def test_a_stale_save_is_refused_not_lost(store):
    store.save("a", "first", 0)
    store.save("a", "second", 1)
    with pytest.raises(StoreError) as e:
        store.save("a", "stale", 1)
    assert e.value.status == 409 and "version 2, not 1" in str(e.value)
    assert store.get("a").yaml == "second"
    with pytest.raises(StoreError) as e:
        store.save("a", "new again", 0)  # creating over an existing one is a conflict too
    assert e.value.status == 409


def test_concurrent_saves_have_exactly_one_winner(tmp_path):
    path = tmp_path / "c.db"
    Store(path).save("x", "base", 0)
    results, lock = [], threading.Lock()

    def worker(i):
        try:
            Store(path).save("x", f"writer {i}", 1)  # everyone read version 1
            outcome = "ok"
        except StoreError as exc:
            outcome = exc.status
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count(409) == 11
    s = Store(path).get("x")
    assert s.version == 2 and s.yaml.startswith("writer ")


@pytest.mark.parametrize("name", ["../etc", "a/b", "", "A", ".hidden", "x" * 65, "a b", "con\x00"])
def test_path_like_or_odd_names_are_refused(store, name):
    with pytest.raises(StoreError) as e:
        store.save(name, "y", 0)
    assert e.value.status == 422


def test_delete_needs_the_current_version(store):
    store.save("d", "y", 0)
    with pytest.raises(StoreError) as e:
        store.delete("d", 5)
    assert e.value.status == 409
    store.delete("d", 1)
    with pytest.raises(StoreError) as e:
        store.get("d")
    assert e.value.status == 404


def test_wal_and_durability_across_reopen(tmp_path):
    path = tmp_path / "w.db"
    Store(path).save("k", "kept", 0)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Store(path).get("k").yaml == "kept"


def _legacy_row(path, name: str, text: str) -> None:
    """A row under a built-in's name, as a version before names were reserved could save it."""
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO scenarios (name, yaml, version, updated_at) VALUES (?, ?, 1, 0)", (name, text))


def test_a_builtin_name_is_reserved(store):
    with pytest.raises(StoreError) as e:
        store.save("openai-amd", "name: openai-amd", 0)
    assert e.value.status == 409 and str(e.value) == "openai-amd is a built-in scenario; save under another name"
    assert store.list() == []
    with pytest.raises(StoreError) as e:
        store.delete("openai-amd", 1)
    assert e.value.status == 409 and "built-in scenarios cannot be deleted" in str(e.value)


def test_a_legacy_row_under_a_builtin_name_is_kept_never_updated(tmp_path):
    store = Store(tmp_path / "s.db")
    _legacy_row(tmp_path / "s.db", "openai-amd", "mine")
    assert store.get("openai-amd").yaml == "mine"  # the user's text is not lost ...
    with pytest.raises(StoreError) as e:
        store.save("openai-amd", "mine, edited", 1)  # ... but cannot be written again
    assert e.value.status == 409
    store.delete("openai-amd", 1)
    assert store.list() == []
