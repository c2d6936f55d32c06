"""The array-backend seam (`--device`): the engine's (S, T, M) work in any array-API namespace.

No test needs a GPU: ``array_api_strict`` (a strict, CPU-only implementation of the standard)
stands in for CuPy, so the device path is held to the standard and compared with NumPy.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

import gigawatt
from gigawatt.engine import backend
from gigawatt.engine import uncertainty as unc
from gigawatt.engine.core import run_totals, run_totals_xp
from gigawatt.core.errors import GigawattError
from gigawatt.engine.mc import MONTHLY, SUMMED, _warrant_config, simulate

xs = pytest.importorskip("array_api_strict")


@pytest.fixture(scope="module")
def portfolio():
    return gigawatt.evaluate("openai-portfolio")


def _inputs(result):
    variables = unc.compile_variables(result.scenario, result.inputs)
    x = unc.draw(variables, unc.uniforms(3, 0, 2, sum(v.columns for v in variables), None))
    inputs = unc.apply(result.inputs, variables, x)[0]
    p = inputs.p
    p["refresh"][:64] = 1
    p["it_life_months"][::5] = 13.5
    p["shape"][::2, 1] = 1
    p["start_offset"][::3] += 0.4
    p["discount_rate"][300:] = 0.11
    return inputs


def test_the_device_path_equals_the_numpy_engine(portfolio):
    inputs = _inputs(portfolio)
    masks = _warrant_config(portfolio)["masks"]
    names = list(MONTHLY) + ["it_mw", "capex_refresh_usd", "maintenance_usd"]
    a, na, ea = run_totals_xp(xs, inputs, names, groups=masks, sums=SUMMED)
    b, nb, eb = run_totals(inputs, names, groups=masks, sums=SUMMED)
    for n in names:
        assert isinstance(a[n], np.ndarray)
        assert np.allclose(a[n], b[n], rtol=1e-12, atol=1e-9 * np.abs(b[n]).max()), n
    assert np.allclose(na["npv_cost_usd"], nb["npv_cost_usd"], rtol=1e-12)
    assert np.allclose(ea["delivered_gw_groups"], eb["delivered_gw_groups"], rtol=1e-12, atol=1e-12)
    for n in SUMMED:
        assert np.allclose(ea["sums"][n], eb["sums"][n], rtol=1e-12), n
    # The same call through run_totals(device=...), as the Monte Carlo makes it.
    c = run_totals(inputs, names, groups=masks, sums=SUMMED, device=xs)
    assert all(np.array_equal(c[0][n], a[n]) for n in names)


def test_the_device_path_can_fail(portfolio, monkeypatch):
    """Break one ramp formula on the device side only: the comparison must catch it."""
    from gigawatt.model import ramp

    inputs = _inputs(portfolio)
    real = ramp.delivered_by_month_xp
    monkeypatch.setattr(ramp, "delivered_by_month_xp", lambda xp, m, s, r, sh: real(xp, m + 0.5, s, r, sh))
    a = run_totals_xp(xs, inputs, ["online_gw"])[0]["online_gw"]
    b = run_totals(inputs, ["online_gw"])[0]["online_gw"]
    assert not np.allclose(a, b, rtol=1e-6)


def test_simulate_on_a_device_matches_cpu(portfolio):
    a = simulate(portfolio, samples=800, seed=5, device=xs, kernel="numpy")
    b = simulate(portfolio, samples=800, seed=5, kernel="numpy")
    assert a["device"] == "array_api_strict" and b["device"] == "cpu"
    for key, row in b["percentiles"].items():
        for q, v in row.items():
            if isinstance(v, float):
                assert a["percentiles"][key][q] == pytest.approx(v, rel=1e-9, abs=1e-9), (key, q)
    assert a["milestones"] == b["milestones"]


def test_gpu_without_cupy_is_a_clear_error(monkeypatch, portfolio):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError
    ok, why = backend.gpu_status()
    assert not ok and "CuPy is not installed" in why
    with pytest.raises(GigawattError, match="--device gpu: CuPy is not installed"):
        backend.namespace("gpu")
    with pytest.raises(GigawattError, match="--device gpu"):
        simulate(portfolio, samples=10, device="gpu")
    with pytest.raises(GigawattError, match="must be one of cpu, gpu"):
        backend.namespace("tpu")
    assert backend.namespace("cpu") is None and backend.namespace(None) is None


def test_cli_device_option(monkeypatch):
    from typer.testing import CliRunner

    from gigawatt.interfaces.cli import app

    monkeypatch.setitem(sys.modules, "cupy", None)
    res = CliRunner().invoke(app, ["mc", "openai-amd", "--samples", "300", "--device", "gpu", "--json"])
    assert res.exit_code != 0 and "CuPy is not installed" in str(res.exception)
    res = CliRunner().invoke(app, ["mc", "openai-amd", "--samples", "300", "--device", "cpu", "--json"])
    assert res.exit_code == 0, res.output
    assert '"device": "cpu"' in res.stdout


def test_to_host():
    a = np.arange(3.0)
    assert backend.to_host(a) is a
    assert backend.to_host(xs.asarray([1.0, 2.0])).tolist() == [1.0, 2.0]
