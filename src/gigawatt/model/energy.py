"""Energy, emissions and water from power draw."""
from __future__ import annotations

import numpy as np

HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12.0


def energy_mwh(facility_mw, average_load_fraction, hours=HOURS_PER_MONTH):
    """Energy drawn from the grid [MWh] at an average load over ``hours``.

    >>> float(energy_mwh(1000.0, 0.7, 8760.0))
    6132000.0
    """
    return np.asarray(facility_mw, float) * average_load_fraction * hours


def energy_cost_usd(mwh, usd_per_mwh):
    return np.asarray(mwh, float) * usd_per_mwh


def co2_t(mwh, grid_gco2_per_kwh):
    """Location-based emissions [t CO2]: MWh × 1,000 kWh/MWh × g/kWh ÷ 1e6 g/t = MWh × g/kWh ÷ 1,000.

    >>> float(co2_t(1000.0, 367.0))
    367.0
    """
    return np.asarray(mwh, float) * np.asarray(grid_gco2_per_kwh, float) / 1000.0


def water_m3(it_mwh, wue_l_per_kwh):
    """Site water use [m³] from IT energy and WUE (L per IT kWh): MWh × L/kWh = m³.

    >>> float(water_m3(1000.0, 0.3))
    300.0
    """
    return np.asarray(it_mwh, float) * wue_l_per_kwh
