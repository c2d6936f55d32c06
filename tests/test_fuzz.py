"""Hostile scenario input: the safe loader, numeric bounds, the work budget, a fuzz suite and
a regression corpus of the nastiest files (``tests/data/hostile/``).

The promise under test: whatever a scenario file or text holds, loading it and running every
analysis on it (plan, deal, supply, flows, a small Monte Carlo) ends either in numbers that
are all finite or in a :class:`GigawattError`, within seconds, never blocking and never
reading without bound.

Anything that could hang or eat memory on a broken loader (FIFOs, ``/dev/zero``, alias
bombs) runs in a forked child with a time limit and an address-space limit
(:func:`isolated`), so a regression fails its test instead of stalling the suite.

Fuzz size: ``GIGAWATT_FUZZ_EXAMPLES=2000`` runs that many cases per fuzz test;
``GIGAWATT_FUZZ_REPORT=path.jsonl`` makes the fuzz tests tally every case (clean error,
finite result, failure by kind) into that file instead of stopping at the first failure
(they still fail at the end if any case failed). ``GIGAWATT_FUZZ_SHRINK=1`` lets hypothesis
shrink a failure (slow).
"""
from __future__ import annotations

import codecs
import copy
import json
import math
import multiprocessing
import os
import re
import resource
import sys
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from gigawatt.core.errors import ValidationFailure
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import gigawatt
from gigawatt.core.errors import GigawattError
from gigawatt.scenario.spec import BUILTIN_DIR, load, load_text

HERE = Path(__file__).resolve().parent
HOSTILE_DIR = HERE / "data" / "hostile"

BASE = """\
name: base
horizon: {start: 2026-01, end: 2030-12}
deals:
  - name: D
    buyer: B
    supplier: AMD
    tranches:
      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}
"""


@pytest.fixture(autouse=True)
def _builtin_catalog_only(monkeypatch):
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)


# -- helpers: isolation, the full pipeline, finiteness ----------------------------------------


@dataclass
class Outcome:
    """How a call in a child process ended: ``ok`` (value), ``error`` (a GigawattError with
    its message), ``raised`` (any other exception), ``timeout`` or ``crashed``."""

    kind: str
    value: object = None
    message: str = ""
    exc_type: str = ""
    tb: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        if self.kind == "ok":
            return f"ok in {self.seconds:.2f} s: {self.value!r}"[:2000]
        if self.kind == "error":
            return f"GigawattError in {self.seconds:.2f} s: {self.message}"[:2000]
        if self.kind == "raised":
            return f"{self.exc_type} (not a GigawattError) in {self.seconds:.2f} s: {self.message}\n{self.tb}"[:4000]
        return f"{self.kind}: {self.message}"


def _vm_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def isolated(fn, *args, timeout: float = 15.0, mem_gib: float = 3.0, **kwargs) -> Outcome:
    """Run ``fn(*args, **kwargs)`` in a forked child with a wall-clock limit and at most
    ``mem_gib`` GiB of address space more than it starts with. Standard input is an empty pipe
    that never closes, so code that reads stdin blocks (and times out) instead of passing."""
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)

    def child():
        try:
            limit = _vm_bytes() + int(mem_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            r, w = os.pipe()
            os.dup2(r, 0)  # w stays open: a read of fd 0 blocks
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            try:
                out = Outcome("ok", fn(*args, **kwargs))
            except GigawattError as exc:
                out = Outcome("error", message=str(exc), exc_type=type(exc).__name__)
            except BaseException as exc:  # noqa: BLE001 - the point is to report it
                out = Outcome("raised", message=str(exc)[:2000], exc_type=type(exc).__name__, tb=traceback.format_exc()[-3000:])
            out.seconds = time.perf_counter() - t0
            try:
                writer.send(out)
            except Exception as exc:  # unpicklable value
                writer.send(Outcome("raised", message=f"result not picklable: {exc}", exc_type="PicklingError", seconds=out.seconds))
        finally:
            os._exit(0)

    proc = ctx.Process(target=child)
    proc.start()
    writer.close()
    try:
        if reader.poll(timeout):
            try:
                return reader.recv()
            except EOFError:
                proc.join(5)
                return Outcome("crashed", message=f"child died (exit code {proc.exitcode})")
        return Outcome("timeout", message=f"no answer within {timeout:g} s (blocked or too slow)")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        reader.close()


def nonfinite(obj, path: str = "", out: list | None = None, limit: int = 20) -> list[str]:
    """Paths of every NaN or infinite number in a nest of dicts, lists and arrays."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if hasattr(obj, "to_dict") and not isinstance(obj, dict):  # a typed result: walk its JSON
        obj = obj.to_dict()
    if isinstance(obj, dict):
        for k, v in obj.items():
            nonfinite(v, f"{path}.{k}", out, limit)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            nonfinite(v, f"{path}[{i}]", out, limit)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and not np.isfinite(obj).all():
            out.append(f"{path} (array)")
        elif obj.dtype == object:
            nonfinite(obj.tolist(), path, out, limit)
    elif isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
        out.append(f"{path} = {obj!r}")
    return out


def run_everything(scenario, samples: int = 64) -> dict:
    """Evaluate ``scenario`` and run every analysis on it; return the outputs.

    Raises GigawattError wherever the input is refused.
    """
    from gigawatt.analyses.deals import PriceOptions, analyse
    from gigawatt.analyses.flows import flows
    from gigawatt.engine.mc import simulate
    from gigawatt.analyses.supply import constrained, supply_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = gigawatt.evaluate(scenario)
        out = {"plan": result.to_dict(), "totals": result.totals()}
        out["deal"] = analyse(result, PriceOptions(samples=samples, seed=0))
        out["supply"] = supply_report(result)
        new, slips = constrained(result)
        out["supply_constrained"] = {"slips": slips, "sums": new.horizon_sums()}
        out["flows"] = flows(result)
        if result.scenario.uncertainty:
            out["mc"] = simulate(result, samples=samples, seed=0)
    return out


def summary(outputs: dict) -> dict:
    """What a test needs from the outputs (small and picklable)."""
    return {"nonfinite": nonfinite(outputs), "accelerators": outputs["totals"].get("accelerators"),
            "gw": outputs["totals"].get("gw")}


def load_and_run_file(path) -> dict:
    return summary(run_everything(load(path)[0]))


def load_and_run_text(text: str) -> dict:
    return summary(run_everything(load_text(text, "fuzz")[0]))


def assert_clean(out: Outcome, seconds: float = 3.0) -> None:
    """A GigawattError, or a result whose numbers are all finite; in time."""
    assert out.kind in ("ok", "error"), out.describe()
    assert out.seconds < seconds, f"took {out.seconds:.2f} s (limit {seconds} s): {out.describe()}"
    if out.kind == "ok":
        assert not out.value["nonfinite"], f"non-finite outputs: {out.value['nonfinite']}"


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def builtin(name: str) -> dict:
    return yaml.safe_load((BUILTIN_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


# -- the pipeline itself is clean on the built-in scenarios (the fuzz's anchor) ---------------


@pytest.mark.parametrize("name", ["openai-amd", "openai-nvidia", "openai-broadcom"])
def test_builtins_run_everything_with_finite_outputs(name):
    assert not nonfinite(run_everything(name))


# -- A. one safe loader ---------------------------------------------------------------------


def test_gigawatt_loads_is_public():
    assert gigawatt.loads(BASE).name == "base"


def _special(kind: str, tmp: Path) -> str:
    if kind == "fifo":
        path = tmp / "pipe.yaml"
        os.mkfifo(path)
        return str(path)
    if kind == "directory":
        path = tmp / "folder.yaml"
        path.mkdir()
        return str(path)
    return kind  # /dev/zero, /dev/stdin, /dev/urandom


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/stdin", "/dev/urandom", "directory"])
def test_load_refuses_what_is_not_a_regular_file_without_blocking(tmp_path, kind):
    path = _special(kind, tmp_path)
    out = isolated(load, path, timeout=10)
    assert out.kind == "error", out.describe()
    assert out.seconds < 1.0, out.describe()


def test_load_refuses_a_file_over_one_mib_stating_the_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(BASE + "# " + "x" * (1 << 20) + "\n")
    out = isolated(load, str(path), timeout=10)
    assert out.kind == "error", out.describe()
    assert re.search(r"1\s*MiB|1,?048,?576|1,?024\s*KiB", out.message), out.message


def test_load_refuses_a_huge_sparse_file_without_reading_it(tmp_path):
    path = tmp_path / "sparse.yaml"
    with open(path, "wb") as fh:
        fh.truncate(8 << 30)  # 8 GiB of holes: reading it all would take long and need the memory
    out = isolated(load, str(path), timeout=10, mem_gib=1.0)
    assert out.kind == "error" and out.seconds < 1.0, out.describe()


def test_a_file_just_under_one_mib_still_loads(tmp_path):
    path = tmp_path / "padded.yaml"
    path.write_text(BASE + "# " + "x" * 1_000_000 + "\n")
    assert path.stat().st_size < 1 << 20
    assert load(path)[0].name == "base"


def test_a_utf8_bom_is_fine(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(codecs.BOM_UTF8 + BASE.encode())
    assert load(path)[0].name == "base"
    assert load_text("\ufeff" + BASE)[0].name == "base"


def test_a_latin1_file_is_refused_naming_the_byte_offset(tmp_path):
    text = BASE.replace("name: base", "name: base\ntitle: Caf\u00e9")
    data = text.encode("latin-1")
    offset = data.index(b"\xe9")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(data)
    out = isolated(load, str(path))
    assert out.kind == "error", out.describe()
    assert "byte" in out.message.lower() and re.search(rf"\b{offset}\b", out.message.replace(",", "")), out.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_are_refused_cleanly(tmp_path, codec):
    path = tmp_path / "wide.yaml"
    path.write_bytes(BASE.encode(codec))
    out = isolated(load, str(path))
    assert out.kind == "error", out.describe()


def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def binary_bomb(levels: int = 40) -> str:
    """Few aliases (2 a level), 2**levels values once expanded: a cap on alias count alone
    does not stop it; only counting expanded nodes (or never revisiting one) does."""
    lines = ["sources: &s0 [x, x]"]
    for i in range(1, levels):
        lines.append(f"s{i}: &s{i} [*s{i - 1}, *s{i - 1}]")
    return BASE + "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [billion_laughs(), BASE + billion_laughs(), binary_bomb(), binary_bomb(60)],
                         ids=["billion-laughs", "billion-laughs-in-scenario", "binary-40", "binary-60"])
def test_an_alias_bomb_is_refused_in_well_under_a_second_saying_why(text):
    out = isolated(load_text, text, timeout=20)
    assert out.kind == "error", out.describe()
    assert out.seconds < 1.0, out.describe()
    assert re.search(r"(?i)alias|node|expan", out.message), out.message


def test_a_few_ordinary_aliases_still_load():
    text = BASE.replace("      - {product: mi450, gw: 1, start: 2026-07, ramp_months: 6}\n",
                        "      - &t {product: mi450, gw: 1, start: 2026-07, ramp_months: 6, label: a}\n"
                        "      - {product: mi450, gw: 2, start: 2027-07, ramp_months: 6, label: b}\n")
    text += "site: &s {cooling: dlc}\n"
    assert len(load_text(text)[0].deals[0].tranches) == 2


def test_too_many_aliases_are_refused_saying_why():
    text = BASE + "v: &v x\nsources: [" + ", ".join(["*v"] * 20_000) + "]\n"
    out = isolated(load_text, text, timeout=10)
    assert out.kind == "error" and out.seconds < 1.0, out.describe()
    assert re.search(r"(?i)alias", out.message), out.message


def test_a_recursive_alias_is_a_gigawatt_error():
    out = isolated(load_text, BASE + "sources: &r [*r]\n", timeout=10)
    assert out.kind == "error", out.describe()


@pytest.mark.parametrize("depth", [200, 900, 5000, 100_000])
def test_deep_nesting_is_a_gigawatt_error(depth):
    text = BASE + "sources: " + "[" * depth + "]" * depth + "\n"
    out = isolated(load_text, text, timeout=10)
    assert out.kind == "error" and out.seconds < 1.0, out.describe()


@pytest.mark.parametrize("anchor", ["", "# R&D\n"], ids=["tree-walk", "graph-check"])
def test_depth_and_size_limits_hold_with_or_without_anchors(anchor):
    """Without an anchor the one line-mapping walk enforces the limits; with one (here only a
    '&' in a comment) the full graph check does: both refuse the same documents, saying why."""
    from gigawatt.core.yaml_io import MAX_DEPTH, MAX_NODES, read_yaml

    deep = anchor + "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    with pytest.raises(ValidationFailure, match="levels deep"):
        read_yaml(deep, "deep.yaml")
    read_yaml(anchor + "a: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n", "ok.yaml")  # within the limit
    wide = anchor + "a: [" + ", ".join(["1"] * (MAX_NODES + 10)) + "]\n"
    with pytest.raises(ValidationFailure, match="values once aliases are expanded"):
        read_yaml(wide, "wide.yaml")
    keys = anchor + "a: {" + ", ".join(f"k{i}: 1" for i in range(MAX_NODES // 2 + 10)) + "}\n"  # keys count as values too
    with pytest.raises(ValidationFailure, match="values once aliases are expanded"):
        read_yaml(keys, "keys.yaml")


def test_json_includes_are_relative_to_the_including_file_too(tmp_path, monkeypatch):
    part = yaml.safe_load(BASE)
    part["name"] = "part"
    part["deals"][0]["name"] = "Part"
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part.json").write_text(json.dumps(part))
    main = tmp_path / "main.yaml"
    main.write_text("name: main\nhorizon: {start: 2026-01, end: 2030-12}\ninclude: [parts/part.json]\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert [d.name for d in load(main)[0].deals] == ["Part"]


# Includes through text (the server's path): names only; a path is refused without being opened.

def _refused_without_opening(text: str, target: str) -> dict:
    opened = []

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)  # only in this forked child
    try:
        load_text(text, "the scenario")
    except GigawattError as exc:
        message = str(exc)
    else:
        message = None
    name = os.path.basename(target.rstrip("/")) or target
    touched = [p for p in opened if p == target or (name not in ("", ".", "..") and p.endswith("/" + name))]
    return {"message": message, "touched": touched}


def _include_targets(tmp: Path) -> dict[str, str]:
    secret = tmp / "secret.yaml"
    secret.write_text(BASE)
    (tmp / "secret.json").write_text(json.dumps(yaml.safe_load(BASE)))
    (tmp / "secret").write_text(BASE)
    fifo = tmp / "fifo"
    os.mkfifo(fifo)
    return {"abs-yaml": str(secret), "abs-json": str(tmp / "secret.json"), "abs-no-suffix": str(tmp / "secret"),
            "fifo": str(fifo), "parent": "../x", "parent-yaml": "../secret.yaml", "rel-yaml": "x.yaml", "rel-json": "x.json",
            "dev-zero": "/dev/zero", "dev-stdin": "/dev/stdin", "etc-passwd": "/etc/passwd", "proc-environ": "/proc/self/environ",
            "slash-name": "sub/openai-amd", "dot-name": "./openai-amd", "backslash": "..\\x", "empty": "", "tilde": "~/x.yaml"}


@pytest.mark.parametrize("key", ["abs-yaml", "abs-json", "abs-no-suffix", "fifo", "parent", "parent-yaml", "rel-yaml", "rel-json",
                                 "dev-zero", "dev-stdin", "etc-passwd", "proc-environ", "slash-name", "dot-name", "backslash",
                                 "empty", "tilde"])
def test_load_text_refuses_path_includes_without_opening_them(tmp_path, monkeypatch, key):
    target = _include_targets(tmp_path)[key]
    monkeypatch.chdir(tmp_path)
    text = BASE + f"include: [{json.dumps(target)}]\n"
    out = isolated(_refused_without_opening, text, target, timeout=10)
    assert out.kind == "ok", out.describe()
    assert out.value["message"] is not None, f"include {target!r} was accepted"
    assert not out.value["touched"], f"include {target!r} was opened: {out.value['touched']}"


def test_load_text_error_never_holds_bytes_of_the_named_file(tmp_path):
    marker = "ZQX-SECRET-7f3a"
    for name in ("secret.yaml", "secret.json", "secret"):
        (tmp_path / name).write_text(f"name: {marker}-name\n{marker}_field: {marker}-value\nhorizon: {{start: 2026-01, end: 2030-12}}\n")
    for name in ("secret.yaml", "secret.json", "secret"):
        path = str(tmp_path / name)
        with pytest.raises(GigawattError) as exists:
            load_text(BASE + f"include: [{json.dumps(path)}]\n", "the scenario")
        assert marker not in str(exists.value)
        os.unlink(path)
        with pytest.raises(GigawattError) as missing:
            load_text(BASE + f"include: [{json.dumps(path)}]\n", "the scenario")
        assert str(exists.value) == str(missing.value), "the message tells whether the file exists"


# -- B. bounds: non-finite and absurd inputs ----------------------------------------------------

def _amd() -> dict:
    data = builtin("openai-amd")
    data.pop("correlation", None)
    return data


def _with_dist(dist: dict, field: str = "capex_multiplier"):
    def edit(d):
        d["uncertainty"] = [{"name": "u", "dist": dist, "targets": [{"field": field}]}]
    return edit


def _set(path: tuple):
    def edit(d, value):
        node = d
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return edit


def _custom_asic(param: str):
    def edit(d, value):
        d["deals"][0]["tranches"][0]["product"] = "custom-asic"
        d["deals"][0]["tranches"][0]["params"] = {param: value}
    return edit


#: field label -> function(data, value) placing the value in an openai-amd based scenario.
FIELDS = {
    "mean": lambda d, v: _with_dist({"type": "normal", "mean": v, "sd": 0.1})(d),
    "sd": lambda d, v: _with_dist({"type": "normal", "mean": 1.0, "sd": v})(d),
    "low": lambda d, v: _with_dist({"type": "uniform", "low": v, "high": 1.2})(d),
    "high": lambda d, v: _with_dist({"type": "uniform", "low": 0.8, "high": v})(d),
    "value": lambda d, v: _with_dist({"type": "fixed", "value": v})(d),
    "mode": lambda d, v: _with_dist({"type": "triangular", "low": 0, "mode": v, "high": 9}, "start_delay_months")(d),
    "median": lambda d, v: _with_dist({"type": "lognormal", "median": v, "sigma": 0.1})(d),
    "sigma": lambda d, v: _with_dist({"type": "lognormal", "median": 1.0, "sigma": v})(d),
    "values": lambda d, v: _with_dist({"type": "discrete", "values": [1.0, v], "probs": [0.5, 0.5]})(d),
    "probs": lambda d, v: _with_dist({"type": "discrete", "values": [1.0, 2.0], "probs": [v, 0.5]})(d),
    "shares_outstanding": _set(("deals", 0, "warrant", "shares_outstanding")),
    "diluted_shares": _set(("deals", 0, "supplier_terms", "diluted_shares")),
    "drift": _set(("deals", 0, "warrant", "underlying", "drift")),
    "spot_usd": _set(("deals", 0, "warrant", "underlying", "spot_usd")),
    "revenue_usd_per_gw": _set(("deals", 0, "supplier_terms", "revenue_usd_per_gw")),
    "revenue_usd_per_gw_year": _set(("deals", 0, "buyer_terms", "revenue_usd_per_gw_year")),
    "gw": _set(("deals", 0, "tranches", 0, "gw")),
    "tdp_w": _custom_asic("tdp_w"),
    "system_power_kw": _custom_asic("system_power_kw"),
    "accelerators_per_system": _custom_asic("accelerators_per_system"),
    "price_usd": _custom_asic("price_usd"),
    "bf16_dense_tflops": _custom_asic("bf16_dense_tflops"),
    "memory_gb": _custom_asic("memory_gb"),
    "hbm_stacks": _custom_asic("hbm_stacks"),
    "electricity_price": _set(("site", "electricity_price")),
    "matrix": lambda d, v: d.update(correlation={"names": ["amd_mi450_slip_months", "amd_capex_overrun"], "matrix": [[1.0, v], [v, 1.0]]}),
}

NON_FINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "1e999": "1e999", "1.0e+999": "1.0e+999",
              "int-1e400": 10**400}


def _text_with(field: str, value) -> str:
    data = _amd()
    FIELDS[field](data, value)
    text = dump(data)
    if value in ("1e999", "1.0e+999"):  # written bare, as a user would: a string (1e999) or a float (1.0e+999) to YAML
        text = text.replace(f"'{value}'", value)
    return text


@pytest.mark.parametrize("value", list(NON_FINITE), ids=list(NON_FINITE))
@pytest.mark.parametrize("field", list(FIELDS))
def test_non_finite_inputs_are_refused_at_input_naming_the_field(field, value):
    text = _text_with(field, NON_FINITE[value])
    out = isolated(lambda: load_text(text, "the scenario") and None, timeout=10)
    assert out.kind == "error", out.describe()
    assert field in out.message, out.message


@pytest.mark.parametrize("value", [1e300, -1e300, 1e-300], ids=["1e300", "-1e300", "1e-300"])
@pytest.mark.parametrize("field", list(FIELDS))
def test_absurd_inputs_are_refused_or_give_finite_outputs(field, value):
    text = _text_with(field, value)
    out = isolated(load_and_run_text, text, timeout=20)
    assert_clean(out)
    if out.kind == "error":
        assert field in out.message or "uncertainty" in out.message, f"the message does not name {field}: {out.message}"


@pytest.mark.parametrize("gw", ["1e-300", "'1e-300 GW'", "1e-9", "'1 W'"])
def test_a_tiny_tranche_is_refused_like_size_refuses_it(gw):
    text = BASE.replace("gw: 1,", f"gw: {gw},")
    out = isolated(load_and_run_text, text, timeout=20)
    assert out.kind in ("ok", "error"), out.describe()
    if out.kind == "ok":  # the owner may instead give a sane result: whole accelerators
        acc = out.value["accelerators"]
        assert not out.value["nonfinite"] and abs(acc - round(acc)) < 1e-6, f"not a sane result: {out.value}"


def test_tiny_custom_asic_power_is_refused_or_finite():
    for param in ("tdp_w", "system_power_kw"):
        text = BASE.replace("mi450", "custom-asic").replace("ramp_months: 6}", f"ramp_months: 6, params: {{{param}: 1e-300}}}}")
        out = isolated(load_and_run_text, text, timeout=20)
        assert_clean(out)


# -- C. work budget --------------------------------------------------------------------------


def many_tranches(n: int, deals: int = 1, end: str = "2035-12") -> str:
    per = [n // deals + (1 if i < n % deals else 0) for i in range(deals)]
    out = [f"name: many\nhorizon: {{start: 2026-01, end: {end}}}\ndeals:"]
    for d, k in enumerate(per):
        out.append(f"  - name: D{d}\n    buyer: B\n    supplier: AMD\n    tranches:")
        out += [f"      - {{product: mi450, gw: 0.01, start: 2027-01, ramp_months: 6, label: t{d}-{i}}}" for i in range(k)]
    return "\n".join(out) + "\n"


def test_256_tranches_load():
    assert len(load_text(many_tranches(256))[0].tranches) == 256


def test_includes_count_toward_the_256_tranches():
    text = many_tranches(250).replace("deals:", "include: [openai-portfolio]\ndeals:")
    out = isolated(load_text, text, timeout=20)
    assert out.kind == "error" and "256" in out.message, out.describe()


@pytest.mark.parametrize("n,deals", [(257, 1), (300, 1), (300, 3)])
def test_more_than_256_tranches_is_a_gigawatt_error(n, deals):
    out = isolated(load_text, many_tranches(n, deals), timeout=20)
    assert out.kind == "error", out.describe()
    assert "256" in out.message, out.message


# -- G. the fuzz suite -------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("GIGAWATT_FUZZ_EXAMPLES", "0") or 0)
REPORT = os.environ.get("GIGAWATT_FUZZ_REPORT")
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if os.environ.get("GIGAWATT_FUZZ_SHRINK") else [])
CASE_SECONDS = 3.0

PRODUCTS = ["mi450", "gb200", "h100-sxm", "vr200", "custom-asic", "mi355x", "b300", "gb300", "h200", "mi300x"]
REGIONS = ["us-texas", "us-virginia", "us-average", "us-california"]


def _month(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


@st.composite
def valid_scenarios(draw) -> dict:
    """Scenario dicts that follow the schema (most evaluate; a few hit catalog rules)."""
    start = draw(st.integers(2026 * 12, 2029 * 12 + 11))
    end = start + draw(st.integers(4, 12)) * 12 - 1
    data: dict = {"name": draw(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)), "horizon": {"start": _month(start), "end": _month(end)}}
    if draw(st.booleans()):
        site = {}
        if draw(st.booleans()):
            site["cooling"] = draw(st.sampled_from(["dlc", "immersion", "air"]))
        if draw(st.booleans()):
            site["region"] = draw(st.sampled_from(REGIONS))
        if draw(st.booleans()):
            site["pue"] = draw(st.floats(1.05, 1.8)).__round__(3)
        if draw(st.booleans()):
            site["electricity_price"] = draw(st.sampled_from(["85 USD/MWh", "0.06 USD/kWh", 70]))
        data["site"] = site
    if draw(st.booleans()):
        data["finance"] = {"discount_rate": draw(st.sampled_from(["8 %", 0.05, 0.1])), "it_life_years": draw(st.sampled_from([3, 4, 5, "6 year"]))}
    deals = []
    for d in range(draw(st.integers(1, 3))):
        tranches = []
        for t in range(draw(st.integers(1, 3))):
            product = draw(st.sampled_from(PRODUCTS))
            shape = draw(st.sampled_from(["linear", "s-curve", "step"]))
            ramp = 0 if shape == "step" else draw(st.integers(1, 24))
            s = draw(st.integers(start, end - 24))
            tr = {"product": product, "gw": draw(st.one_of(st.floats(0.05, 4).map(lambda x: round(x, 3)),
                                                           st.sampled_from(["700 MW", "1.5 GW", "250 MW"]))),
                  "start": _month(s), "ramp_months": ramp, "shape": shape, "label": f"t{d}-{t}"}
            if draw(st.booleans()):
                tr["basis"] = draw(st.sampled_from(["facility", "it"]))
            if draw(st.integers(0, 4)) == 0:
                tr["refresh"] = True
            if product == "custom-asic" and draw(st.booleans()):
                choices = {"tdp_w": [700, 1200, "1.4 kW"], "price_usd": ["30000 USD", 45000], "system_power_kw": [120, "140 kW"],
                           "accelerators_per_system": [64, 72], "hbm_stacks": [8, 12], "memory_gb": [288, 432],
                           "bf16_dense_tflops": [2500, 5000]}
                keys = draw(st.lists(st.sampled_from(sorted(choices)), min_size=1, max_size=4, unique=True))
                tr["params"] = {k: draw(st.sampled_from(choices[k])) for k in keys}
            tranches.append(tr)
        deal = {"name": f"Deal {d}", "buyer": "Buyer", "supplier": draw(st.sampled_from(["AMD", "NVIDIA", "Broadcom"])), "tranches": tranches}
        if draw(st.integers(0, 2)) == 0:
            n = draw(st.integers(1, 3))
            shares = [draw(st.integers(1_000_000, 30_000_000)) for _ in range(n)]
            issued = start
            deal["warrant"] = {
                "shares": sum(shares), "strike_usd": 0.01, "issued": _month(issued), "expiry": _month(issued + draw(st.integers(24, 60))),
                "shares_outstanding": 1.6e9, "averaging_months": draw(st.integers(1, 3)),
                "underlying": {"spot_usd": draw(st.floats(50, 300)).__round__(2), "as_of": _month(issued),
                               "volatility": draw(st.floats(0.2, 0.8)).__round__(3)},
                "tranches": [{"shares": k, "gw": float(i + 1), "price_hurdle_usd": 200.0 + 100 * i} for i, k in enumerate(shares)],
            }
        if draw(st.integers(0, 2)) == 0:
            deal["supplier_terms"] = {"revenue_usd_per_gw": 1.5e10, "gross_margin": 0.5, "tax_rate": 0.13, "diluted_shares": 1.65e9}
        if draw(st.integers(0, 2)) == 0:
            deal["buyer_terms"] = {"revenue_usd_per_gw_year": 1.05e10}
        if draw(st.integers(0, 3)) == 0:
            deal["investment"] = {"usd_per_gw": 1e10, "cap_usd": 1e11}
        deals.append(deal)
    data["deals"] = deals
    if draw(st.booleans()):
        templates = [
            ({"type": "triangular", "low": 0, "mode": 3, "high": 9}, "start_delay_months"),
            ({"type": "lognormal", "median": 1.0, "sigma": 0.15, "low": 0.7, "high": 1.8}, "capex_multiplier"),
            ({"type": "uniform", "low": 0.5, "high": 0.8}, "achievable"),
            ({"type": "pert", "low": 58, "mode": 80, "high": 120}, "electricity_price"),
            ({"type": "normal", "mean": 1.0, "sd": 0.1, "low": 0.6, "high": 1.4}, "power_multiplier"),
            ({"type": "discrete", "values": [0, 6], "probs": [0.5, 0.5]}, "start_delay_months"),
        ]
        picks = draw(st.lists(st.integers(0, len(templates) - 1), min_size=1, max_size=3, unique=True))
        data["uncertainty"] = [{"name": f"u{i}", "dist": dict(templates[i][0]), "targets": [{"field": templates[i][1]}]} for i in picks]
    return data


HOSTILE_VALUES = st.one_of(
    st.sampled_from([
        float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 1e-300, -1e-300, 0, -1, 0.0, -0.0, 2**63, 10**400, -(10**400),
        True, False, None, "", " ", "700 MW", "5 furlongs", "1e400 GW", "-3 GW", "0 GW", "nan GW", "inf MW", "1e-300 GW",
        "NaN", ".inf", "1e999", "2026-13", "0000-01", "soon", "9999-12", "2026-00", "Q5 2026", "3H 2026", "1H 0000",
        "\U0001F642", "\x00", "a" * 5000, [], {}, [1, 2], {"a": 1}, "8 %", "1e6 %", "0.085 USD/kWh", "1 GWh", "-0 W",
        "1e308 W", "1e-320 kW", "+inf", "1_000", "0x10", "1,000", "risk-neutral",
    ]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=12),
)

_NUMERIC_CHOICES = st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 1e-300, -1e-300, 5e-324, 0, 0.0, -1, -0.5,
                                    10**400, -(10**400), 2**63, 2**64 + 1, 1e-9, 1e9, 1e15, 1e308, "1e400 GW", "1e-300 GW", "nan GW",
                                    "-inf MW", "1e308 W", "1e-300 USD", "1e300 USD/MWh", "1e999", "-1e999", ".nan"])
NUMERIC_HOSTILE = st.one_of(_NUMERIC_CHOICES, _NUMERIC_CHOICES, _NUMERIC_CHOICES, st.floats(allow_nan=True, allow_infinity=True),
                            st.integers(min_value=-(2**70), max_value=2**70))

ODD_INCLUDES = ["/etc/passwd", "../x", "x.yaml", "x.json", "/etc", "", "openai-amd", "OPENAI-AMD", "openai-amd.yaml",
                "../../../../etc/passwd", "sub/openai-amd", "/proc/self/status", "~", "nul\x00byte", "a" * 300, "."]
# Never in-process: a broken loader would block or read forever (the corpus covers them, isolated).
BLOCKING_INCLUDES = ["/dev/zero", "/dev/stdin", "/dev/urandom", "/proc/self/fd/0"]


def _paths(node, path=()):
    """Every path to a dict or list entry in ``node``."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,)
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield path + (i,)
            yield from _paths(v, path + (i,))


def _containers(node, path=()):
    if isinstance(node, (dict, list)):
        yield path, node
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            yield from _containers(v, path + (k,))


def _get(node, path):
    for k in path:
        node = node[k]
    return node


@st.composite
def mutated(draw) -> dict:
    """A valid scenario dict with 1-3 hostile mutations."""
    data = copy.deepcopy(draw(valid_scenarios()))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        op = draw(st.sampled_from(["number"] * 6 + ["leaf", "leaf", "unknown-key", "delete", "nest", "alias", "include", "type"]))
        paths = list(_paths(data))
        if op == "number":  # most mutations: a number (or a quantity) made non-finite, absurd or huge
            numeric = [p for p in paths if isinstance(_get(data, p), (int, float)) and not isinstance(_get(data, p), bool)
                       or isinstance(_get(data, p), str) and re.match(r"^[-+]?\d", _get(data, p))
                       and not re.match(r"^\d{4}-\d", _get(data, p))]
            if numeric:
                path = draw(st.sampled_from(numeric))
                _get(data, path[:-1])[path[-1]] = draw(NUMERIC_HOSTILE)
        elif op in ("leaf", "type", "nest", "delete", "alias") and paths:
            path = draw(st.sampled_from(paths))
            parent = _get(data, path[:-1])
            if op == "leaf":
                parent[path[-1]] = draw(HOSTILE_VALUES)
            elif op == "type":
                parent[path[-1]] = draw(st.sampled_from([[parent[path[-1]]], {"value": parent[path[-1]]}, str(parent[path[-1]]), None]))
            elif op == "nest":
                value = draw(HOSTILE_VALUES)
                for _ in range(draw(st.integers(2, 80))):
                    value = [value] if draw(st.booleans()) else {"k": value}
                parent[path[-1]] = value
            elif op == "delete":
                del parent[path[-1]]
            else:  # the same object twice: safe_dump writes an anchor and an alias
                other = draw(st.sampled_from(paths))
                try:
                    source = _get(data, other)
                except (KeyError, IndexError, TypeError):
                    continue
                if isinstance(source, (dict, list)) and path[:len(other)] != other:  # no cycles
                    parent[path[-1]] = source
        elif op == "unknown-key":
            dicts = [c for _, c in _containers(data) if isinstance(c, dict)]
            target = draw(st.sampled_from(dicts))
            target[draw(st.one_of(st.text(min_size=1, max_size=10), st.integers(-5, 5), st.none(), st.booleans()))] = draw(HOSTILE_VALUES)
        elif op == "include":
            data["include"] = draw(st.lists(st.sampled_from(ODD_INCLUDES), min_size=1, max_size=3))
    return data


def _safe_dump(data) -> str | None:
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


@st.composite
def hostile_text(draw) -> str:
    """YAML (or JSON) text of a mutated scenario, with text-level damage sometimes."""
    data = draw(mutated())
    text = _safe_dump(data)
    if text is None or draw(st.integers(0, 9)) == 0:
        text = json.dumps(data, default=str)
    kind = draw(st.sampled_from(["none"] * 10 + ["bomb", "deep", "garbage-line", "tab", "anchor-merge"]))
    lines = text.splitlines()
    if kind == "bomb":
        text += "\n" + billion_laughs(draw(st.integers(2, 4)), draw(st.integers(2, 4))).replace("a", "zz")
    elif kind == "deep":
        n = draw(st.integers(10, 3000))
        text += "\nzz: " + "[" * n + "]" * n + "\n"
    elif kind == "garbage-line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.text(max_size=40))
        text = "\n".join(lines)
    elif kind == "tab" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i]
        text = "\n".join(lines)
    elif kind == "anchor-merge":
        text += "\nzz: &zz {a: 1}\nyy: {<<: *zz, b: 2}\n"
    return text


@st.composite
def hostile_bytes(draw) -> bytes:
    """The bytes of a scenario file, damaged: flipped or inserted bytes, other encodings, BOMs."""
    text = _safe_dump(draw(valid_scenarios())) or BASE
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "encode", "bom", "truncate"]))
        if op == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            i = draw(st.integers(0, len(data)))
            data[i:i] = draw(st.sampled_from([b"\x00", b"\xff", b"\xfe\xff", b"\xc3", b"\xe9", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                                              b"\r", b"\x1b[31m", b"&a", b"*a", b"!!python/object:os.system", b"%YAML 9.9\n",
                                              b"---\n", b"...\n", b"? ", b"{", b"]"]))
        elif op == "delete" and data:
            i = draw(st.integers(0, len(data) - 1))
            del data[i:i + draw(st.integers(1, 20))]
        elif op == "encode":
            try:
                data = bytearray(bytes(data).decode("utf-8").encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"])),
                                                                       errors="replace"))
            except UnicodeDecodeError:
                pass
        elif op == "bom":
            data[0:0] = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8 * 2]))
        elif op == "truncate" and data:
            del data[draw(st.integers(0, len(data) - 1)):]
    return bytes(data)


def _where(tb) -> str:
    """The innermost gigawatt source line of a traceback (for grouping failures)."""
    frames = [f for f in traceback.extract_tb(tb) if "/gigawatt/" in f.filename.replace("\\", "/") and "/tests/" not in f.filename]
    if not frames:
        frames = traceback.extract_tb(tb)[-1:]
    f = frames[-1] if frames else None
    return f"{Path(f.filename).name}:{f.lineno}" if f else "?"


def check_case(load_fn) -> tuple[str, str]:
    """Run one case: ('error'|'finite', '') when clean, ('fail', 'kind: detail') when not."""
    t0 = time.perf_counter()
    try:
        outputs = run_everything(load_fn())
    except GigawattError:
        kind, detail = "error", ""
    except Exception as exc:  # noqa: BLE001 (RecursionError included)
        kind, detail = "fail", f"{type(exc).__name__} at {_where(exc.__traceback__)} || {str(exc)[:300]}"
    else:
        bad = nonfinite(outputs, limit=3)
        where = re.sub(r"\[\d+\]", "[i]", bad[0].split(" = ")[0]) if bad else ""
        kind, detail = ("fail", f"non-finite output at {where}") if bad else ("finite", "")
    seconds = time.perf_counter() - t0
    if kind != "fail" and seconds > CASE_SECONDS:
        kind, detail = "fail", f"slow: {seconds:.1f} s"
    return kind, detail


def _fuzz(strategy, n_default: int, make_load, label: str):
    """Run ``strategy`` cases through ``make_load(case)`` -> loader; tally; fail on any bad case."""
    stats: Counter = Counter()
    failures: Counter = Counter()
    examples: dict[str, str] = {}

    @settings(max_examples=EXAMPLES or n_default, deadline=None, database=None, phases=PHASES, derandomize=not EXAMPLES,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        kind, detail = check_case(make_load(case))
        stats[kind] += 1
        if kind == "fail":
            key = re.sub(r"\d+\.\d+ s", "N s", detail.split(" || ")[0])  # grouped by type and place
            failures[key] += 1
            examples.setdefault(key, f"{detail}\n{case if isinstance(case, str) else repr(case)[:3000]}")
            if not REPORT:
                pytest.fail(f"{label}: {detail}\n--- case ---\n{case if isinstance(case, str) else repr(case)[:3000]}")

    run()
    if REPORT:
        with open(REPORT, "a") as fh:
            fh.write(json.dumps({"test": label, "cases": sum(stats.values()), "clean_errors": stats["error"],
                                 "finite_results": stats["finite"], "failures": stats["fail"],
                                 "failures_by_kind": dict(failures.most_common()),
                                 "examples": {k: v[:1500] for k, v in examples.items()}}) + "\n")
    assert not failures, f"{label}: {sum(failures.values())} failing cases: {dict(failures.most_common())}"


def test_fuzz_valid_scenarios_run_clean():
    _fuzz(valid_scenarios().map(dump), 30,
          lambda text: (lambda: load_text(text, "fuzz")[0]), "valid")


def test_fuzz_mutated_scenario_text():
    _fuzz(hostile_text(), 150, lambda text: (lambda: load_text(text, "fuzz")[0]), "text")


def test_fuzz_damaged_scenario_files(tmp_path):
    def make_load(data: bytes):
        path = tmp_path / "case.yaml"
        path.write_bytes(data)
        return lambda: load(path)[0]

    _fuzz(hostile_bytes(), 60, make_load, "bytes")


# -- G. the regression corpus ----------------------------------------------------------------

CORPUS = sorted(p for p in HOSTILE_DIR.iterdir() if p.is_file() and p.name != "README.md")


def test_the_corpus_is_there():
    names = {p.name for p in CORPUS}
    for expected in ("alias-bomb.yaml", "utf16.yaml", "latin1.yaml", "deep-nesting.yaml", "tranches-300.yaml",
                     "include-etc-passwd.yaml", "include-parent-cycle.yaml", "include-dev-zero.yaml"):
        assert expected in names


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_file_is_a_gigawatt_error_or_finite_within_seconds(path, monkeypatch):
    monkeypatch.chdir(HOSTILE_DIR)
    out = isolated(load_and_run_file, str(path), timeout=20)
    assert_clean(out, seconds=3.0)


def _decodable_corpus() -> list[Path]:
    out = []
    for p in CORPUS:
        try:
            p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append(p)
    return out


@pytest.mark.parametrize("path", _decodable_corpus(), ids=[p.name for p in _decodable_corpus()])
def test_corpus_text_through_load_text_is_a_gigawatt_error_or_finite(path):
    text = path.read_bytes().decode("utf-8")
    out = isolated(load_and_run_text, text, timeout=20)
    assert_clean(out, seconds=3.0)


# -- helpers other hostile test files use -------------------------------------------------------

__all__ = ["BASE", "CORPUS", "HOSTILE_DIR", "Outcome", "isolated", "nonfinite", "billion_laughs", "many_tranches"]


@pytest.mark.parametrize("where", ["value", "key", "value-with-anchor"])
def test_a_long_base60_number_is_refused_unbuilt(where):
    """YAML 1.1 base-60 numbers (1:30:00) cost PyYAML time quadratic in their parts: 600 KB of
    them took 9 s to build; they are refused, as a value or a key, before anything is built."""
    number = "1" + ":59" * 200_000
    # (a key this long needs YAML's explicit "? key" form)
    text = {"value": f"a: {number}\n", "key": f"? {number}\n: 1\n", "value-with-anchor": f"b: &x 1\na: {number}\n"}[where]
    out = isolated(load_text, BASE + text, timeout=20)
    assert out.kind == "error" and out.seconds < 2.0, out.describe()
    assert "base-60" in out.message, out.message
    from gigawatt.core.yaml_io import read_yaml

    assert read_yaml("t: 1:30:00\n", "ok.yaml")[0]["t"] == 5400  # a short one still reads as YAML 1.1 says
