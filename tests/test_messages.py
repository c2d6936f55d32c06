"""Error and output messages a stranger's review found wanting: each says what is wrong in the
user's own words, never echoes a file that is not ours to show, and never prints a code
where a word is meant."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gigawatt
from gigawatt.core.errors import GigawattError
from gigawatt.interfaces import cli

SHADOW = "root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\nbin:*:20228:0:99999:7:::\n"
PASSWD = "".join(f"user{i}:x:{i}:{i}:User number {i}:/home/user{i}:/bin/bash\n" for i in range(40))


@pytest.fixture(autouse=True)
def _builtin_catalog_only(monkeypatch):
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)


def run_main(monkeypatch, capsys, *args) -> tuple[int, str]:
    """The console entry point: (exit status, stderr)."""
    monkeypatch.setattr(sys, "argv", ["gigawatt", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    return info.value.code, err


def error_of(fn, *args, **kw) -> str:
    with pytest.raises(GigawattError) as info:
        fn(*args, **kw)
    return str(info.value)


def longest_run_of(text: str, source: str) -> int:
    """Length of the longest run of ``source``'s characters that ``text`` repeats verbatim."""
    best = 0
    for i in range(len(source)):
        lo, hi = best, len(source) - i
        while lo < hi:  # the longest prefix of source[i:] found in text
            mid = (lo + hi + 1) // 2
            if source[i:i + mid] in text:
                lo = mid
            else:
                hi = mid - 1
        best = max(best, lo)
    return best


# -- 1. optimize given a scenario file ----------------------------------------------------------


def test_optimize_given_a_scenario_says_it_needs_a_target_file(tmp_path, monkeypatch, capsys):
    from gigawatt.analyses.optimize import load_spec
    from gigawatt.scenario.spec import BUILTIN_DIR

    path = tmp_path / "my-scenario.yaml"
    path.write_text((BUILTIN_DIR / "openai-amd.yaml").read_text())
    msg = error_of(load_spec, str(path))
    assert "unknown field" not in msg and "did you mean" not in msg, msg
    assert "needs a target file" in msg and "looks like a scenario" in msg and "deals" in msg, msg
    assert "openai-compute-2029" in msg, msg  # the built-in example to copy
    code, err = run_main(monkeypatch, capsys, "optimize", path)
    assert code == 2 and err.startswith("error: ") and "needs a target file" in err and len(err.splitlines()) == 1, err


# -- 2. never echo a file that is not a scenario or catalog ---------------------------------------


def test_an_include_of_a_foreign_file_does_not_echo_its_keys(tmp_path):
    from gigawatt.scenario.spec import load

    (tmp_path / "shadow").write_text(SHADOW)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "s.yaml").write_text("name: x\nhorizon: {start: 2026-01, end: 2030-12}\ninclude: [../../shadow]\n")
    msg = error_of(load, deep / "s.yaml")
    assert "root:" not in msg and "daemon:" not in msg and "20228" not in msg, msg
    assert "unknown key" in msg and "line 1" in msg, msg


def test_a_foreign_catalog_file_is_not_echoed(tmp_path, monkeypatch, capsys):
    from gigawatt.catalog import load_catalog

    shadow, passwd = tmp_path / "shadow", tmp_path / "passwd"
    shadow.write_text(SHADOW)
    passwd.write_text(PASSWD)
    msg = error_of(load_catalog, [shadow])
    assert "root:" not in msg and "20228" not in msg and "unknown key" in msg, msg
    msg = error_of(load_catalog, [passwd])
    assert longest_run_of(msg, PASSWD) <= 60, msg
    code, err = run_main(monkeypatch, capsys, "plan", "openai-amd", "--catalog", passwd)
    assert code == 2 and longest_run_of(err, PASSWD) <= 60, err


def test_a_key_a_person_would_write_is_still_quoted_with_a_suggestion(tmp_path):
    from gigawatt.scenario.spec import loads

    msg = error_of(loads, "name: x\nhorizon: {start: 2026-01, end: 2030-12}\ndeal: []\n")
    assert "deal (line 3): unknown field; did you mean 'deals'?" in msg, msg


def test_long_or_odd_keys_and_values_are_not_quoted_in_full():
    from gigawatt.scenario.spec import loads

    long_key = "k" * 300
    msg = error_of(loads, f"name: x\nhorizon: {{start: 2026-01, end: 2030-12}}\n{long_key}: 1\n")
    assert "k" * 61 not in msg and "unknown key" in msg and "line 3" in msg, msg
    msg = error_of(loads, "name: x\nhorizon: {start: 2026-01, end: 2030-12}\n'a: <b>; c': 1\n")
    assert "<b>" not in msg and "unknown key" in msg, msg
    long_value = "v" * 300
    msg = error_of(loads, "name: x\nhorizon: {start: 2026-01, end: 2030-12}\ndeals:\n  - {name: d, buyer: b, supplier: s, "
                          f"tranches: [{{product: mi450, gw: '{long_value}', start: 2026-07}}]}}\n")
    assert "v" * 61 not in msg and "deals[0].tranches[0].gw" in msg, msg
    msg = error_of(loads, f"name: x\n{long_key}: 1\n{long_key}: 2\n")  # a duplicate key
    assert "k" * 61 not in msg and "given twice" in msg, msg


def test_many_foreign_keys_are_reported_once():
    from gigawatt.scenario.spec import loads

    text = "name: x\nhorizon: {start: 2026-01, end: 2030-12}\n" + "".join(f"u{i}:x:{i}:::\n" for i in range(500))
    msg = error_of(loads, text)
    assert len(msg.splitlines()) < 10 and "500 unknown keys" in msg, msg


# -- 3. a --catalog path that is neither a file nor a folder -------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_catalog_path_that_is_a_device_is_named_for_what_it_is(monkeypatch, capsys):
    from gigawatt.core.yaml_io import yaml_files

    msg = error_of(yaml_files, Path("/dev/zero"), "catalog")
    assert "not found" not in msg and "not a regular file or folder" in msg and "character device" in msg, msg
    code, err = run_main(monkeypatch, capsys, "plan", "openai-amd", "--catalog", "/dev/zero")
    assert code == 2 and "not a regular file or folder" in err, err


def test_a_missing_catalog_path_is_still_not_found(tmp_path):
    from gigawatt.core.yaml_io import yaml_files

    assert "not found" in error_of(yaml_files, tmp_path / "nope.yaml", "catalog")


# -- 4. --status-weights ------------------------------------------------------------------------


@pytest.mark.parametrize("text, wanted", [
    ("rumord=0.5", ["unknown status 'rumord'", "closest: rumored, rumoured", "reported, loi"]),
    ("rumoured=2", ["'rumoured'", "got 2"]),
    ("reported", ["'reported'", "no weight", "reported=0.2"]),
    ("reported=abc", ["'abc' is not a number"]),
    ("=2", ["no status", "status=weight"]),
    ("reported=-1", ["from 0 to 1", "got -1 for 'reported'"]),
    ("reported=nan", ["from 0 to 1", "got not a number (NaN)"]),
    ("reported=0.2,rumoured=0.5", ["given twice", "rumoured"]),
    ("Rumoured=0.2,rumoured=0.5", ["given twice", "rumoured"]),
    ("maybe=0.5", ["cannot read", "unknown status 'maybe'", "valid: reported"]),
])
def test_status_weights_messages_name_what_was_typed(text, wanted):
    from gigawatt.analyses.world import parse_weights

    msg = error_of(parse_weights, text)
    assert msg.startswith("--status-weights: ") and "\n" not in msg, msg
    for w in wanted:
        assert w in msg, (w, msg)
    if text.lower().startswith("rumoured"):
        assert "reported" not in msg, msg  # the status the user did not type


def test_status_weights_still_read_aliases_and_case():
    from gigawatt.analyses.world import parse_weights

    w = parse_weights("Rumoured=0.2, LOI=0.5")
    assert w["reported"] == 0.2 and w["loi"] == 0.5


# -- 5 and 6. explain ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def amd():
    return gigawatt.evaluate("openai-amd")


def test_explain_an_unknown_name_suggests_the_nearest(amd):
    from gigawatt.analyses.explain import explain

    msg = error_of(explain, amd, "nonsense_field")
    assert "registry.csv" not in msg and re.search(r"closest: \w+", msg), msg
    msg = error_of(explain, amd, "capex_usd", role="input")
    assert "capex_usd" in msg and "not an input" in msg and "did you mean capex_usd" not in msg, msg


def test_explain_prints_a_flag_as_its_meaning(amd):
    from gigawatt.analyses.explain import explain, quantity

    tree = explain(amd, "basis_facility")
    assert tree["explain"]["value"] == 1.0 and tree["explain"]["value_text"] == "facility"
    assert quantity(0, "1 = facility, 0 = IT") == "IT"
    assert quantity(2, "0 linear, 1 s-curve, 2 step") == "step"
    assert quantity(1, "1 = refresh at end of life") == "yes" and quantity(0, "1 = refresh at end of life") == "no"
    out = CliRunner().invoke(cli.app, ["explain", "openai-amd", "basis_facility"])
    assert out.exit_code == 0 and "GW basis = facility" in out.stdout and "1 = facility" not in out.stdout, out.stdout
    data = json.loads(CliRunner().invoke(cli.app, ["explain", "openai-amd", "basis_facility", "--json"]).stdout)
    assert data["explain"]["value"] == 1.0 and data["explain"]["value_text"] == "facility"
