import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.model import ramp
from gigawatt.model.ramp import LINEAR, S_CURVE, STEP


def test_linear_ramp_by_hand():
    k = np.arange(-2, 6)
    assert ramp.delivered_fraction(k, 4, LINEAR).tolist() == pytest.approx([0, 0, 0.25, 0.5, 0.75, 1, 1, 1])


def test_s_curve_smoothstep_by_hand():
    # x = (k+1)/4 -> 3x^2 - 2x^3: 0.25 -> 0.15625, 0.5 -> 0.5, 0.75 -> 0.84375, 1 -> 1
    got = ramp.delivered_fraction(np.arange(0, 4), 4, S_CURVE)
    assert got.tolist() == pytest.approx([0.15625, 0.5, 0.84375, 1.0])


def test_step_delivers_at_once():
    assert ramp.delivered_fraction(np.arange(-1, 2), 0, STEP).tolist() == [0.0, 1.0, 1.0]


def test_retirement_without_refresh():
    got = ramp.online_fraction(np.arange(0, 8), 2, LINEAR, 4, False)
    assert got.tolist() == pytest.approx([0.5, 1, 1, 1, 0.5, 0, 0, 0])


def test_refresh_keeps_online_and_buys_again():
    k = np.arange(0, 10)
    assert ramp.online_fraction(k, 2, LINEAR, 4, True).tolist() == pytest.approx([0.5] + [1] * 9)
    buys = ramp.purchases_from_delivered(ramp.delivered_fraction(k, 2, LINEAR), 4, True, cycles=3)
    assert buys.tolist() == pytest.approx([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5])


@given(st.integers(0, 120), st.sampled_from([LINEAR, S_CURVE, STEP]))
def test_delivered_is_monotone_and_reaches_one(ramp_months, shape):
    f = ramp.delivered_fraction(np.arange(-3, 130), ramp_months, shape)
    assert np.all(np.diff(f) >= -1e-15)
    assert f[0] == 0.0 and f[-1] == pytest.approx(1.0)
    assert np.all((f >= 0) & (f <= 1))


@given(st.integers(1, 60), st.integers(1, 120), st.sampled_from([LINEAR, S_CURVE]))
def test_online_never_exceeds_delivered(ramp_months, life, shape):
    k = np.arange(0, 300)
    on = ramp.online_fraction(k, ramp_months, shape, life, False)
    de = ramp.delivered_fraction(k, ramp_months, shape)
    assert np.all(on <= de + 1e-12) and np.all(on >= -1e-12)
