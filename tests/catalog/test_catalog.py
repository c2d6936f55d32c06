import textwrap

import pytest

from gigawatt.catalog import check, load_catalog
from gigawatt.core.errors import GigawattError

REQUIRED = ["h100-sxm", "h200", "gh200", "b200", "gb200", "b300", "gb300", "vr200", "mi300x", "mi325x", "mi350x",
            "mi355x", "mi450", "custom-asic",
            # issue 11: accelerators that 2026 deals use (the deal ledger names them)
            "tpu-v7", "trainium2", "trainium3", "cerebras-cs3", "maia-200", "mtia", "rubin-cpx", "mi455x"]


def test_required_accelerators_and_their_systems_exist():
    cat = load_catalog()
    for pid in REQUIRED:
        acc = cat.accelerators[pid]
        system = cat.systems[acc.default_system]
        assert system.accelerator == pid
        assert acc.software in ("cuda", "rocm", "other")
    assert cat.accelerators["custom-asic"].parameterised


def test_builtin_catalog_has_provenance_for_every_number():
    assert check(load_catalog()) == []


def test_dense_never_sparse_bf16_is_half_fp8():
    # Every NVIDIA and AMD GPU runs BF16 at half its dense FP8 rate; a sparse figure slipped in
    # for one precision would break this. Custom silicon need not (Trainium3: 671 BF16 vs 2,517 FP8,
    # AWS), so only GPUs with both rates known are held to it.
    checked = 0
    for acc in load_catalog().accelerators.values():
        if acc.vendor in ("nvidia", "amd") and acc.bf16_dense_tflops.known and acc.fp8_dense_tflops.known:
            assert acc.fp8_dense_tflops.x == pytest.approx(2 * acc.bf16_dense_tflops.x, rel=0.02), acc.id
            checked += 1
    assert checked >= 12


def test_mi450_and_mi455x_are_the_same_part_read_dense():
    # hardware-2026 Note B: AMD's 40 PF FP4 is carried as the high; 20 PF (Tom's 1,440 PF dense
    # per 72-GPU Helios) is the dense value. Both ids describe the one Helios part.
    cat = load_catalog()
    a, b = cat.accelerators["mi450"], cat.accelerators["mi455x"]
    assert (a.fp4_dense_tflops.x, a.fp4_dense_tflops.high) == (20000, 40000)
    for name in ("bf16_dense_tflops", "fp8_dense_tflops", "fp4_dense_tflops", "memory_gb", "tdp_w"):
        assert getattr(a, name).x == getattr(b, name).x, name
    assert cat.systems[b.default_system].system_power_kw.x == cat.systems[a.default_system].system_power_kw.x


def test_unknown_numbers_are_recorded_not_guessed():
    # A number no source gives is "unknown as of <date>" with a note, never a filler value.
    cat = load_catalog()
    unknown = {(a.id, k) for a in cat.accelerators.values() for k, f in a.facts().items() if not f.known}
    assert ("cerebras-cs3", "bf16_dense_tflops") in unknown  # Cerebras' 125 PF counts sparsity
    assert ("rubin-cpx", "tdp_w") in unknown
    for a in cat.accelerators.values():
        for k, f in a.facts().items():
            if not f.known:
                assert f.value.startswith("unknown as of 20") and f.note, (a.id, k)


def test_all_in_power_is_at_least_tdp():
    # System power shares CPUs, NICs and fans over the accelerators, so it is never below the TDP;
    # it equals it only where the "TDP" is itself the whole system's figure (Cerebras CS-3).
    cat = load_catalog()
    for s in cat.systems.values():
        tdp = cat.accelerators[s.accelerator].tdp_w
        if not tdp.known:
            continue
        per_acc_w = s.system_power_kw.x * 1e3 / s.accelerators_per_system.x
        assert per_acc_w >= tdp.x, s.id
        if s.typical_power_kw is not None:
            assert s.typical_power_kw.x <= s.system_power_kw.x, s.id


def _write(tmp_path, text, name="user.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_override_replaces_fields_and_is_recorded(tmp_path):
    path = _write(tmp_path, """
        systems:
          - id: helios-72
            price_usd: {value: 5.0e+6, source: "my quote", as_of: "2026-11", kind: estimate}
    """)
    cat = load_catalog([path])
    assert cat.systems["helios-72"].price_usd.x == 5e6
    assert cat.systems["helios-72"].system_power_kw.x == load_catalog().systems["helios-72"].system_power_kw.x
    [o] = cat.overrides
    assert (o.section, o.id, o.fields, o.new) == ("systems", "helios-72", ["price_usd"], False)
    assert check(cat) == []


def test_overridden_number_does_not_inherit_builtin_source(tmp_path):
    path = _write(tmp_path, """
        accelerators:
          - id: h100-sxm
            tdp_w: 650
    """)
    cat = load_catalog([path])
    assert cat.accelerators["h100-sxm"].tdp_w.source is None
    assert cat.accelerators["h100-sxm"].memory_gb.source  # untouched fields keep theirs
    paths = [p.path for p in check(cat)]
    assert "accelerators.h100-sxm.tdp_w" in paths


def test_environment_variable_adds_files(tmp_path, monkeypatch):
    path = _write(tmp_path, """
        regions:
          - id: my-site
            name: My site
            electricity_usd_per_mwh: {value: 42, source: "PPA", as_of: "2026-11", kind: measured}
            grid_gco2_per_kwh: {value: 20, source: "PPA", as_of: "2026-11", kind: measured}
    """)
    monkeypatch.setenv("GIGAWATT_CATALOG", str(tmp_path))
    cat = load_catalog()
    assert cat.regions["my-site"].electricity_usd_per_mwh.x == 42
    assert cat.overrides[0].new


def test_broken_reference_is_an_error(tmp_path):
    path = _write(tmp_path, """
        systems:
          - {id: my-box, name: Box, accelerator: mi45, form: server, cooling_required: air,
             accelerators_per_system: 8, system_power_kw: 10, systems_per_rack: 4, price_usd: 1}
    """)
    with pytest.raises(GigawattError, match=r"systems.my-box.accelerator.*mi450"):
        load_catalog([path])


def test_unknown_section_and_field_name_the_file_and_line(tmp_path):
    path = _write(tmp_path, "acelerators: []\n")
    with pytest.raises(GigawattError) as e:
        load_catalog([path])
    assert str(path) in str(e.value) and "accelerators" in str(e.value) and "line 1" in str(e.value)
    path2 = _write(tmp_path, """
        systems:
          - id: helios-72
            price_usdd: 1
    """, "typo.yaml")
    with pytest.raises(GigawattError, match=r"systems\[0\].price_usdd \(line 4\): unknown field; did you mean 'price_usd'"):
        load_catalog([path2])


def test_missing_catalog_path_is_an_error(tmp_path):
    with pytest.raises(GigawattError, match="not found"):
        load_catalog([tmp_path / "nope.yaml"])


def test_check_flags_estimate_without_reasoning(tmp_path):
    path = _write(tmp_path, """
        systems:
          - id: helios-72
            price_usd: {value: 5.0e+6, source: "gigawatt estimate", as_of: "2026-11", kind: estimate}
    """)
    msgs = [p.render() for p in check(load_catalog([path]))]
    assert any("helios-72.price_usd" in m and "reasoning" in m for m in msgs)


def test_fact_range_must_bracket_value(tmp_path):
    path = _write(tmp_path, """
        systems:
          - id: helios-72
            price_usd: {value: 5.0e+6, low: 6.0e+6, source: "x", as_of: "2026", kind: estimate}
    """)
    with pytest.raises(GigawattError, match="low .* is above value"):
        load_catalog([path])


@pytest.mark.parametrize("text,fragment", [
    ("systems:\n  - {id: hgx-h100-8, systems_per_rack: 0}\n", "systems.hgx-h100-8.systems_per_rack: must be positive"),
    ("systems:\n  - {id: hgx-h100-8, accelerators_per_system: 0}\n", "accelerators_per_system: must be positive"),
    ("accelerators:\n  - {id: mi450, available: soon}\n", "accelerators.mi450.available: expected a month"),
    ("defaults:\n  - {id: cluster_it_overhead, value: -1}\n", "defaults.cluster_it_overhead.value: must be between 1 and 3"),
])
def test_values_the_model_cannot_use_are_refused_at_load(tmp_path, text, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(GigawattError) as e:
        load_catalog([path])
    assert fragment in str(e.value) and str(path) in str(e.value)


def test_override_provenance_block_applies_only_to_the_users_numbers(tmp_path):
    path = _write(tmp_path, """
        accelerators:
          - id: mi450
            provenance: {source: "my sheet", as_of: "2026-11", kind: measured}
            tdp_w: 1800
    """)
    acc = load_catalog([path]).accelerators["mi450"]
    assert (acc.tdp_w.source, acc.tdp_w.kind) == ("my sheet", "measured")
    builtin = load_catalog().accelerators["mi450"]
    assert acc.fp4_dense_tflops.source == builtin.fp4_dense_tflops.source != "my sheet"
    assert acc.fp4_dense_tflops.kind == "projection"


def test_an_edited_user_file_is_read_again(tmp_path):
    import os

    path = _write(tmp_path, "systems:\n  - {id: helios-72, price_usd: 1.0e+6}\n")
    assert load_catalog([path]).systems["helios-72"].price_usd.x == 1e6
    path.write_text("systems:\n  - {id: helios-72, price_usd: 2.0e+6}\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert load_catalog([path]).systems["helios-72"].price_usd.x == 2e6
