"""The catalog start-up cache (gigawatt.catalog.cache): same catalog, new key on any change, safe fallbacks."""
from __future__ import annotations

import os
import pickle

import pytest

from gigawatt import catalog as C
from gigawatt.catalog import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(d))
    monkeypatch.delenv("GIGAWATT_NO_CACHE", raising=False)
    C._load.cache_clear()
    yield d
    C._load.cache_clear()


def _pickles(folder):
    own = folder / "catalog"  # the cache always writes into a folder of its own
    return sorted(own.glob("*.pickle")) if own.exists() else []


def test_cached_catalog_equals_a_fresh_build(folder, monkeypatch):
    first = C.load_catalog()
    assert len(_pickles(folder)) == 1
    C._load.cache_clear()
    built = []
    monkeypatch.setattr(C, "_build", lambda texts: built.append(1) or pytest.fail("rebuilt despite the cache"))
    again = C.load_catalog()
    assert built == []
    assert again.accelerators == first.accelerators and again.defaults == first.defaults and again.series == first.series
    assert again.origin == first.origin


def test_a_user_file_or_an_edit_is_a_new_key(folder, tmp_path):
    C.load_catalog()
    user = tmp_path / "mine.yaml"
    user.write_text("defaults:\n  - id: topdown_usd_per_gw\n    name: mine\n    value: {value: 40000000000, source: me, as_of: '2026-11', kind: estimate}\n")
    cat = C.load_catalog([user])
    assert cat.default("topdown_usd_per_gw") == 40e9
    user.write_text(user.read_text().replace("40000000000", "41000000000"))
    assert C.load_catalog([user]).default("topdown_usd_per_gw") == 41e9  # mtime change → re-read → new key
    assert len(_pickles(folder)) == 3


def test_a_corrupt_or_foreign_cache_file_is_ignored(folder):
    C.load_catalog()
    (path,) = _pickles(folder)
    path.write_bytes(b"not a pickle")
    C._load.cache_clear()
    assert "mi450" in C.load_catalog().accelerators  # rebuilt, and the cache rewritten
    assert pickle.loads(path.read_bytes()).accelerators.keys() == C.load_catalog().accelerators.keys()
    os.chmod(path, 0o666)  # writable by others: never unpickled
    assert cache.get(path.stem) is None
    os.chmod(path, 0o600)
    assert cache.get(path.stem) is not None
    path.unlink()
    os.mkfifo(path)  # a FIFO in its place: refused at once, never waited on
    assert cache.get(path.stem) is None
    path.unlink()
    target = folder / "elsewhere.pickle"
    target.write_bytes(pickle.dumps("planted"))
    os.chmod(target, 0o600)
    path.symlink_to(target)  # a link in its place: not followed
    assert cache.get(path.stem) is None


def test_caching_can_be_turned_off(folder, monkeypatch):
    monkeypatch.setenv("GIGAWATT_NO_CACHE", "1")
    C.load_catalog()
    assert _pickles(folder) == []


def test_the_key_covers_paths_text_and_order():
    a = cache.key([("a.yaml", "x: 1"), ("b.yaml", "y: 2")])
    assert a != cache.key([("b.yaml", "y: 2"), ("a.yaml", "x: 1")])
    assert a != cache.key([("a.yaml", "x: 2"), ("b.yaml", "y: 2")])
    assert a != cache.key([("c.yaml", "x: 1"), ("b.yaml", "y: 2")])
    assert a == cache.key([("a.yaml", "x: 1"), ("b.yaml", "y: 2")])


def test_pruning_keeps_other_files_and_survives_dangling_links(folder):
    own = folder / "catalog"
    own.mkdir(parents=True, mode=0o700)
    mine = [own / f"model-{i}.pickle" for i in range(20)]  # a user's own files in the folder
    for p in mine:
        p.write_bytes(b"x")
    (own / ("0" * 64 + ".pickle")).symlink_to(own / "gone")
    for i in range(20):
        cache.put(f"{i:064x}", {"n": i})
    ours = [p for p in own.iterdir() if cache._NAME.match(p.name)]
    assert len(ours) == 16 and all(p.exists() for p in mine)


def test_a_change_to_the_code_that_builds_the_catalog_is_a_new_key(monkeypatch):
    files = [("a.yaml", "x: 1")]
    before = cache.key(files)
    monkeypatch.setattr(cache, "_builder_stamp", lambda: b"catalog/schema.py:999:1")
    assert cache.key(files) != before


def test_a_folder_that_is_a_link_or_shared_is_not_used(folder, tmp_path):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    folder.mkdir()
    (folder / "catalog").symlink_to(real)
    cache.put("1" * 64, "value")
    assert list(real.iterdir()) == [] and cache.get("1" * 64) is None
    (folder / "catalog").unlink()
    (folder / "catalog").mkdir(mode=0o777)
    os.chmod(folder / "catalog", 0o777)  # writable by others: the cache is off
    cache.put("1" * 64, "value")
    assert cache.get("1" * 64) is None
