import pytest

from gigawatt.model import compute, energy


def test_energy_cost_co2_water_by_hand():
    mwh = energy.energy_mwh(1000.0, 0.7, 8760.0)
    assert mwh == pytest.approx(6_132_000.0)
    assert energy.energy_cost_usd(mwh, 80.0) == pytest.approx(490_560_000.0)
    # 6,132,000 MWh x 367 g/kWh = 6.132e9 kWh x 367 g = 2.250e12 g = 2,250,444 t
    assert energy.co2_t(mwh, 367.0) == pytest.approx(2_250_444.0)
    assert energy.water_m3(1000.0, 0.27) == pytest.approx(270.0)
    assert energy.HOURS_PER_MONTH * 12 == pytest.approx(8760.0)


def test_effective_compute():
    assert compute.peak_pflops(1000, 2500.0) == pytest.approx(2500.0)
    assert compute.effective_pflops(2500.0, 0.64, 0.6) == pytest.approx(960.0)
