"""Capex (bottom-up and top-down), depreciation, maintenance and discounting."""
from __future__ import annotations

import numpy as np


def system_capex_per_accelerator_usd(system_price_usd, accelerators_per_system):
    """Price of the system per accelerator it holds [USD]."""
    return np.asarray(system_price_usd, float) / accelerators_per_system


def network_capex_usd(system_capex_usd, network_fraction_of_systems):
    """Scale-out network capex [USD] as a fraction of system capex."""
    return np.asarray(system_capex_usd, float) * network_fraction_of_systems


def land_capex_usd(it_mw, land_grid_usd_per_mw_it):
    """Land and grid connection [USD] for ``it_mw`` of IT (the part of :func:`facility_capex_usd`
    that is land; ``flows`` splits it out of the engine's facility capex with this).

    >>> float(land_capex_usd(1000.0, 1.5e6))
    1500000000.0
    """
    return np.asarray(it_mw, float) * land_grid_usd_per_mw_it


def facility_capex_usd(it_mw, facility_usd_per_mw_it, land_grid_usd_per_mw_it):
    """Building, power, cooling, land and grid connection [USD] for ``it_mw`` of IT.

    >>> float(facility_capex_usd(1000.0, 10e6, 1.5e6))
    11500000000.0
    """
    return np.asarray(it_mw, float) * (np.asarray(facility_usd_per_mw_it) + land_grid_usd_per_mw_it)  # building + land, one product


def topdown_capex_usd(facility_gw, usd_per_gw):
    """All-in capex from a $/GW figure on the facility basis [USD].

    >>> float(topdown_capex_usd(6.0, 50e9))
    300000000000.0
    """
    return np.asarray(facility_gw, float) * usd_per_gw


def straight_line_depreciation(capex_by_month, life_months):
    """Straight-line depreciation per month along the last axis [same unit as capex].

    Each month's capex is written off evenly over the ``life_months`` that follow it
    (starting in the month of purchase). Computed with a cumulative sum, no loops:
    dep(t) = (C(t) − C(t − L)) / L, where C is cumulative capex.

    >>> straight_line_depreciation(np.array([12.0, 0, 0, 0, 0]), 3).tolist()
    [4.0, 4.0, 4.0, 0.0, 0.0]
    """
    from gigawatt.model.ramp import lag

    cum = np.cumsum(np.asarray(capex_by_month, float), axis=-1)
    life = np.asarray(life_months, float)
    return (cum - lag(cum, life.astype(np.int64))) / life[..., None]


def monthly_maintenance_usd(installed_capex_usd, fraction_per_year):
    """Non-energy O&M per month [USD] on the capex currently installed."""
    return np.asarray(installed_capex_usd, float) * fraction_per_year / 12.0


def discount_factors(months_from_start, rate_per_year):
    """End-of-month discount factors (1 + r)^−(t/12) [-].

    >>> round(float(discount_factors(11, 0.08)), 6)  # end of month 12
    0.925926
    """
    return (1.0 + np.asarray(rate_per_year, float)) ** (-(np.asarray(months_from_start, float) + 1.0) / 12.0)
