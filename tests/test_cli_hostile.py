"""The command line under hostile input: a clean ``error: ...`` and exit status 2, never a
traceback, never a hang, and ``--json`` output that is strict JSON with finite numbers.

Most cases run the console entry point ``gigawatt.interfaces.cli.main`` in-process (like
``test_cli.py``); special files (a FIFO, ``/dev/zero``, ``/dev/stdin``) run the installed
console script in a real process with a time limit, so a hang fails the test instead of
blocking the suite.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import gigawatt
from gigawatt.interfaces import cli
from tests.test_fuzz import BASE, HOSTILE_DIR

SCENARIO_COMMANDS = [["plan"], ["deal", "--samples", "64"], ["supply"], ["supply", "--constrained"], ["flows"],
                     ["mc", "--samples", "64"], ["sensitivity", "--sobol-samples", "0"]]


@pytest.fixture(autouse=True)
def _no_user_catalog(monkeypatch):
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)


def run_main(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """Run ``gigawatt.interfaces.cli.main`` in-process: (status, stdout, stderr). An exception other than
    SystemExit is what a user would see as a traceback: it becomes status 'traceback'."""
    monkeypatch.setattr(sys, "argv", ["gigawatt", *map(str, args)])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    except BaseException as exc:  # noqa: BLE001
        import traceback

        out, err = capsys.readouterr()
        return "traceback", out, err + "Traceback (in-process):\n" + "".join(traceback.format_exception(exc))[-3000:]
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_exit_2(code, out: str, err: str) -> str:
    assert code == 2, (code, out[-2000:], err[-3000:])
    assert "Traceback" not in out + err, err[-3000:]
    assert err.strip(), "no message on stderr"
    return err


def strict_json(text: str):
    def refuse(token):
        raise ValueError(f"non-finite number {token} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def finite_everywhere(obj, path="") -> list[str]:
    bad = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            bad += finite_everywhere(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            bad += finite_everywhere(v, f"{path}[{i}]")
    elif isinstance(obj, float) and not math.isfinite(obj):
        bad.append(path)
    return bad


def assert_json_or_clean_error(code, out, err):
    """Exit 0 with strict, all-finite JSON on stdout, or a clean exit 2."""
    if code == 0:
        data = strict_json(out)
        assert not finite_everywhere(data), finite_everywhere(data)[:10]
        return data
    assert_clean_exit_2(code, out, err)
    return None


def console_script() -> str:
    found = shutil.which("gigawatt", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the gigawatt console script is not installed next to this Python")
    return found


def run_process(*args, timeout: float = 20.0) -> tuple[int | str, str, str, float]:
    """The console script in a real process; stdin is a pipe that stays open (reading it blocks)."""
    env = {k: v for k, v in os.environ.items() if k != "GIGAWATT_CATALOG"}
    env["COLUMNS"] = "200"
    r, w = os.pipe()
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.monotonic()
        proc = subprocess.Popen([console_script(), *map(str, args)], stdin=r, stdout=fo, stderr=fe, env=env)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = "timeout"
        finally:
            os.close(r)
            os.close(w)
        seconds = time.monotonic() - t0
        fo.seek(0)
        fe.seek(0)
        return code, fo.read().decode(errors="replace"), fe.read().decode(errors="replace"), seconds


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


# -- F. version ----------------------------------------------------------------------------------


def test_version_prints_the_version(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "--version")
    assert code == 0, (code, out, err)
    assert gigawatt.__version__ in out


# -- F. bad files ---------------------------------------------------------------------------------

BAD_FILES = {
    "latin1.yaml": BASE.replace("name: base", "name: base\ntitle: Caf\u00e9").encode("latin-1"),
    "utf16.yaml": BASE.encode("utf-16"),
    "utf16le.yaml": BASE.encode("utf-16-le"),
    "nul.yaml": BASE.replace("buyer: B", "buyer: B\x00").encode(),
    "binary.yaml": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("command", SCENARIO_COMMANDS + [["report", "--html", "{tmp}/out.html"]], ids=lambda c: " ".join(c))
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_non_utf8_file_is_a_clean_exit_2(monkeypatch, capsys, tmp_path, name, command):
    path = write(tmp_path, name, BAD_FILES[name])
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    code, out, err = run_main(monkeypatch, capsys, args[0], path, *args[1:])
    assert_clean_exit_2(code, out, err)


def test_a_latin1_file_names_the_bad_byte(monkeypatch, capsys, tmp_path):
    path = write(tmp_path, "latin1.yaml", BAD_FILES["latin1.yaml"])
    offset = BAD_FILES["latin1.yaml"].index(b"\xe9")
    err = assert_clean_exit_2(*run_main(monkeypatch, capsys, "plan", path))
    assert "byte" in err.lower() and re.search(rf"\b{offset}\b", err.replace(",", "")), err


def test_a_directory_is_a_clean_exit_2(monkeypatch, capsys, tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert_clean_exit_2(*run_main(monkeypatch, capsys, "plan", folder))


SPECIAL = [("fifo", ["plan"]), ("fifo", ["deal", "--samples", "64"]), ("fifo", ["mc", "--samples", "64"]),
           ("/dev/zero", ["plan"]), ("/dev/zero", ["report", "--html", "out.html"]), ("/dev/stdin", ["plan"]), ("/dev/urandom", ["flows"])]


@pytest.mark.parametrize("kind,command", SPECIAL, ids=[f"{k}-{c[0]}" for k, c in SPECIAL])
def test_special_files_are_refused_without_hanging(tmp_path, kind, command):
    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    else:
        path = kind
    command = [str(tmp_path / a) if a == "out.html" else a for a in command]
    code, out, err, seconds = run_process(command[0], path, *command[1:], timeout=20)
    assert code != "timeout", f"gigawatt {command[0]} {path} hung"
    assert_clean_exit_2(code, out, err)


@pytest.mark.parametrize("args", [["plan", "openai-amd", "--catalog", "FIFO"], ["optimize", "/dev/zero"]],
                         ids=lambda a: " ".join(a[:1] + a[-1:]))
def test_catalog_and_target_files_are_refused_without_hanging(tmp_path, args):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    args = [str(fifo) if a == "FIFO" else a for a in args]
    code, out, err, _ = run_process(*args, timeout=20)
    assert code != "timeout", f"gigawatt {' '.join(args)} hung"
    assert_clean_exit_2(code, out, err)


@pytest.mark.parametrize("args", [["plan", "a" * 300], ["plan", "a" * 300 + ".yaml"], ["deal", "x/" * 3000], ["optimize", "a" * 300]],
                         ids=["plan-long-name", "plan-long-file", "deal-long-path", "optimize-long-name"])
def test_an_overlong_scenario_name_is_a_clean_exit_2(monkeypatch, capsys, args):
    assert_clean_exit_2(*run_main(monkeypatch, capsys, *args))


# -- F. options ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["mc", "openai-amd", "--samples", "64", "--seed", "-1"],
                                  ["deal", "openai-amd", "--samples", "64", "--seed", "-1"],
                                  ["mc", "openai-amd", "--samples", "64", "--seed=-1"],
                                  ["sensitivity", "openai-amd", "--sobol-samples", "0", "--seed", "-1"],
                                  ["report", "openai-amd", "--html", "{tmp}/r.html", "--samples", "10", "--seed", "-1"]],
                         ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_a_negative_seed_is_a_clean_exit_2(monkeypatch, capsys, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert_clean_exit_2(*run_main(monkeypatch, capsys, *args))


REPORT_TARGETS = [(o, w) for o in ("--xlsx", "--html", "--png") for w in ("missing-folder", "a-folder", "a-file-as-folder")
                  if (o, w) != ("--png", "missing-folder")]  # --png may create its folder


@pytest.mark.parametrize("option,where", REPORT_TARGETS, ids=[f"{o}-{w}" for o, w in REPORT_TARGETS])
def test_unwritable_report_paths_are_a_clean_exit_2(monkeypatch, capsys, tmp_path, option, where):
    (tmp_path / "plain-file").write_text("x")
    target = {"missing-folder": tmp_path / "nonexistent" / "dir" / "out",
              "a-folder": tmp_path,
              "a-file-as-folder": tmp_path / "plain-file" / "out"}[where]
    if option == "--png" and where == "a-folder":
        target = tmp_path / "plain-file"  # --png wants a folder: give it a file
    if option != "--png" and where != "a-folder":
        target = target.with_suffix(".xlsx" if option == "--xlsx" else ".html")
    assert_clean_exit_2(*run_main(monkeypatch, capsys, "report", "openai-amd", option, target))


def test_report_xlsx_to_a_missing_folder_names_the_problem(monkeypatch, capsys):
    err = assert_clean_exit_2(*run_main(monkeypatch, capsys, "report", "openai-amd", "--xlsx", "/nonexistent/dir/out.xlsx"))
    assert "/nonexistent/dir" in err


@pytest.mark.parametrize("extra", [["--drift", "1e6"], ["--drift", "-1e6"], ["--drift", "1e300"], ["--drift", "nan"], ["--drift", "inf"],
                                   ["--volatility", "1e-300"], ["--spot", "1e-300", "--as-of", "2026-01"],
                                   ["--spot", "1e300", "--as-of", "2026-01"], ["--spot", "nan", "--as-of", "2026-01"]],
                         ids=lambda a: " ".join(a))
def test_deal_with_absurd_price_options_is_exit_2_or_finite_json(monkeypatch, capsys, extra):
    code, out, err = run_main(monkeypatch, capsys, "deal", "openai-amd", "--samples", "64", *extra, "--json")
    assert_json_or_clean_error(code, out, err)


@pytest.mark.parametrize("path", ["2027-01: 200, 2027-01: 300", "2027-01: 200, 2027-1: 300", "2027-01: 200, 2H 2027: 250, 2027-07: 300",
                                  "2027-01: nan", "2027-01: 1e999", "2027-01: -5", "2027-01", ":", ", , ,", "2027-01: 200: 300"])
def test_bad_price_paths_are_a_clean_exit_2(monkeypatch, capsys, path):
    assert_clean_exit_2(*run_main(monkeypatch, capsys, "deal", "openai-amd", "--price-path", path, "--json"))


@pytest.mark.parametrize("path", ["2027-01: 1e-300", "2027-01: 1e300"])
def test_absurd_price_paths_are_exit_2_or_finite(monkeypatch, capsys, path):
    assert_json_or_clean_error(*run_main(monkeypatch, capsys, "deal", "openai-amd", "--price-path", path, "--json"))


# -- F. warnings on stderr ---------------------------------------------------------------------------

EARLY = BASE.replace("mi450", "vr200").replace("start: 2026-07", "start: 2026-01")  # before vr200's availability: a warning


@pytest.mark.parametrize("command", [["plan"], ["deal", "--samples", "64"], ["supply"], ["flows"]], ids=lambda c: c[0])
def test_json_stdout_parses_even_with_warnings(monkeypatch, capsys, tmp_path, command):
    path = write(tmp_path, "early.yaml", EARLY)
    code, out, err = run_main(monkeypatch, capsys, command[0], path, *command[1:], "--json")
    assert code == 0, (code, err)
    strict_json(out)


def test_the_scenario_really_warns():
    from gigawatt.scenario.spec import load_text

    assert gigawatt.evaluate(load_text(EARLY)[0]).warnings


def test_plan_warnings_go_to_stderr(monkeypatch, capsys, tmp_path):
    path = write(tmp_path, "early.yaml", EARLY)
    code, out, err = run_main(monkeypatch, capsys, "plan", path)
    assert code == 0, (code, err)
    assert not re.search(r"(?im)^\s*warning:", out), out[-1500:]
    assert re.search(r"(?im)^\s*warning:.*vr200", err), err


def test_size_warns_about_no_tranche_the_user_did_not_write(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "size", "--product", "vr200", "--gw", "1")
    assert code == 0, (code, err)
    assert "deals[0]" not in out + err and "tranches[" not in out + err, out[-800:] + err
    assert "tranche" not in (out + err).lower(), out[-800:] + err


# -- B. non-finite outputs never reach --json ----------------------------------------------------------

NASTY = ["tiny-tdp.yaml", "tiny-system-power.yaml", "tiny-gw.yaml", "tiny-shares-outstanding.yaml", "huge-drift.yaml",
         "nan-dist-mean.yaml", "huge-gw.yaml", "huge-int-gw.yaml", "inf-string-gw.yaml"]


@pytest.mark.parametrize("command", [["plan"], ["deal", "--samples", "64"], ["supply"], ["supply", "--constrained"], ["flows"],
                                     ["mc", "--samples", "64"]], ids=lambda c: " ".join(c))
@pytest.mark.parametrize("name", NASTY)
def test_json_output_is_strict_and_finite_or_a_clean_exit_2(monkeypatch, capsys, tmp_path, name, command):
    source = HOSTILE_DIR / name
    path = write(tmp_path, name, source.read_bytes())
    if command[0] == "mc" and b"uncertainty" not in source.read_bytes():
        path = write(tmp_path, name, source.read_bytes() + b"uncertainty:\n  - {name: u, dist: {type: uniform, low: 0.9, high: 1.1}, "
                                                         b"targets: [{field: capex_multiplier}]}\n")
    code, out, err = run_main(monkeypatch, capsys, command[0], path, *command[1:], "--json")
    assert_json_or_clean_error(code, out, err)


def test_a_tiny_gw_plan_is_refused_like_size(monkeypatch, capsys, tmp_path):
    path = write(tmp_path, "tiny.yaml", (HOSTILE_DIR / "tiny-gw.yaml").read_bytes())
    code, out, err = run_main(monkeypatch, capsys, "plan", path, "--json")
    if code == 0:  # or a sane result: whole accelerators
        acc = strict_json(out)["totals"]["accelerators"]
        assert abs(acc - round(acc)) < 1e-6, f"{acc} accelerators for a 1e-300 GW tranche"
    else:
        assert_clean_exit_2(code, out, err)
    size = run_main(monkeypatch, capsys, "size", "--product", "mi450", "--gw", "1e-300")
    assert_clean_exit_2(*size)


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE_DIR.iterdir() if p.suffix == ".yaml"
                                        and not p.name.startswith(("include-dev", "alias-bomb"))))
def test_hostile_corpus_through_plan_is_json_or_a_clean_exit_2(monkeypatch, capsys, name):
    monkeypatch.chdir(HOSTILE_DIR)
    assert_json_or_clean_error(*run_main(monkeypatch, capsys, "plan", HOSTILE_DIR / name, "--json"))


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "alias-bomb-binary.yaml", "include-dev-zero.yaml", "include-dev-stdin.yaml"])
def test_hostile_corpus_that_could_hang_is_a_quick_exit_2(name):
    code, out, err, seconds = run_process("plan", HOSTILE_DIR / name, "--json", timeout=20)
    assert code != "timeout", f"gigawatt plan {name} hung"
    assert_clean_exit_2(code, out, err)
    assert seconds < 10


MARKUP = '[/] [bold]loud[/bold] [phase 1] [link=file:///etc/passwd]x'


@pytest.mark.parametrize("args", SCENARIO_COMMANDS, ids=lambda a: " ".join(a))
def test_scenario_text_that_looks_like_markup_prints_as_written(monkeypatch, capsys, tmp_path, args):
    """Titles and labels are data, not rich markup: `[/]` used to crash plan/deal/supply with a
    traceback, and `[phase 1]` vanished from the tables."""
    from gigawatt.scenario.spec import builtin_text

    text = builtin_text("openai-amd")
    text = re.sub(r"^title:.*$", f'title: "Acme {MARKUP}"', text, count=1, flags=re.M)
    text = text.replace('label: "MI450 first GW"', f'label: "GB300 {MARKUP}"', 1)
    assert f"GB300 {MARKUP}" in text
    path = tmp_path / "markup.yaml"
    path.write_text(text)
    code, out, err = run_main(monkeypatch, capsys, args[0], path, *args[1:])
    assert code == 0, err
    flat = re.sub(r"\s+", " ", re.sub(r"[│┃|]", " ", out))
    if args[0] in ("plan", "supply"):
        assert f"Acme {MARKUP}" in flat  # the title, as written
    if args[0] == "plan":
        assert "[phase 1]" in flat and "[/]" in flat


def test_help_shows_bracketed_words(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run_main(monkeypatch, capsys, "mc", "--help")
    assert code == 0 and "gigawatt[gpu]" in out


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_names_the_report_file(monkeypatch, capsys):
    """Writing to a full device said "No space left on device ()": the message names the file now."""
    code, out, err = run_main(monkeypatch, capsys, "report", "openai-amd", "--html", "/dev/full")
    assert code == 2 and "cannot write the report to /dev/full: No space left on device" in err and "()" not in err
