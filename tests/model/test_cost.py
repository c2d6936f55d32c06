import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.model import cost


def test_topdown_is_gw_times_rate():
    assert cost.topdown_capex_usd(6.0, 50e9) == 300e9


def test_bottom_up_components_by_hand():
    assert cost.system_capex_per_accelerator_usd(3.3e6, 72) == pytest.approx(45_833.33, rel=1e-6)
    assert cost.network_capex_usd(100.0, 0.231) == pytest.approx(23.1)
    assert cost.facility_capex_usd(1000.0, 11.7e6, 0.34e6) == pytest.approx(12.04e9)


def test_depreciation_by_hand():
    got = cost.straight_line_depreciation(np.array([12.0, 0, 6, 0, 0, 0]), 3)
    assert got.tolist() == pytest.approx([4, 4, 6, 2, 2, 0])


def test_depreciation_with_per_row_lives():
    capex = np.array([[12.0, 0, 0, 0], [12.0, 0, 0, 0]])
    got = cost.straight_line_depreciation(capex, np.array([2, 4]))
    assert got.tolist() == [[6, 6, 0, 0], [3, 3, 3, 3]]


@given(st.lists(st.floats(0, 1e9), min_size=1, max_size=40), st.integers(1, 24))
def test_depreciation_conserves_capex(capex, life):
    padded = np.array(capex + [0.0] * life)
    dep = cost.straight_line_depreciation(padded, life)
    assert dep.sum() == pytest.approx(padded.sum(), rel=1e-9, abs=1e-3)
    assert np.all(dep >= -1e-6)


def test_discount_factor_cross_checks_the_annuity_formula():
    # Independent closed form: PV of 1 a month for 12 months at monthly-equivalent rate.
    r = 0.08
    m = (1 + r) ** (1 / 12) - 1
    annuity = (1 - (1 + m) ** -12) / m
    assert cost.discount_factors(np.arange(12), r).sum() == pytest.approx(annuity, rel=1e-12)


def test_land_is_the_land_part_of_facility_capex():
    # 500 MW of IT at $10M/MW building and $1.2M/MW land: $5.6B in all, $0.6B of it land.
    assert float(cost.facility_capex_usd(500.0, 10e6, 1.2e6)) == pytest.approx(5.6e9)
    assert float(cost.land_capex_usd(500.0, 1.2e6)) == pytest.approx(0.6e9)
