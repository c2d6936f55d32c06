import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.model import sizing


def test_all_in_power_is_system_share_times_overhead():
    # GB200 NVL72: 120 kW / 72 GPUs = 1,666.7 W; x 1.14 cluster overhead = 1,900 W.
    assert sizing.it_power_per_accelerator_w(120, 72, 1.14) == pytest.approx(1900.0)
    # DGX H100: 10.2 kW / 8 = 1,275 W, with no cluster overhead.
    assert sizing.it_power_per_accelerator_w(10.2, 8, 1.0) == pytest.approx(1275.0)


def test_basis_conversion():
    assert sizing.it_gw_from_stated_gw(6.0, True, 1.2) == pytest.approx(5.0)
    assert sizing.it_gw_from_stated_gw(6.0, False, 1.2) == pytest.approx(6.0)
    assert sizing.facility_power(5.0, 1.2) == pytest.approx(6.0)


def test_whole_systems_never_exceed_the_budget():
    assert sizing.whole_systems_for_power(1e6, 1900.0, 72) == 7  # 7 x 136.8 kW = 957.6 kW
    assert sizing.whole_systems_for_power(7 * 1900.0 * 72, 1900.0, 72) == 7  # exact fit kept
    assert sizing.whole_systems_for_count(100_000, 8) == 12_500
    assert sizing.whole_systems_for_count(100_001, 8) == 12_501


@given(st.floats(1e3, 1e11), st.floats(1e3, 1e11), st.floats(100, 5000), st.integers(1, 128))
def test_more_power_never_fewer_systems(a, b, w, per):
    lo, hi = sorted((a, b))
    assert sizing.whole_systems_for_power(lo, w, per) <= sizing.whole_systems_for_power(hi, w, per)


@given(st.floats(1e3, 1e11), st.floats(100, 5000), st.integers(1, 128))
def test_whole_systems_fit_and_one_more_would_not(budget, w, per):
    n = float(sizing.whole_systems_for_power(budget, w, per))
    assert n * w * per <= budget * (1 + 1e-9)
    assert (n + 1) * w * per > budget * (1 - 1e-9)


@given(st.floats(0.01, 100), st.floats(1.0, 3.0))
def test_basis_round_trip(gw, pue):
    it = sizing.it_gw_from_stated_gw(gw, True, pue)
    assert float(sizing.facility_power(it, pue)) == pytest.approx(gw, rel=1e-12)
    assert np.all(it <= gw)


def test_cowos_wafers_by_hand():
    # 72 accelerators at 16 good packages per wafer (20 candidates x 0.8 yield) = 4.5 wafers.
    assert float(sizing.cowos_wafers(72, 20 * 0.8)) == 4.5
    assert sizing.cowos_wafers(np.array([0.0, 32.0]), 16.0).tolist() == [0.0, 2.0]
