"""Power ↔ accelerators: the all-in power per accelerator and the basis of a GW figure."""
from __future__ import annotations

import numpy as np

W_PER_GW = 1e9


def it_power_per_accelerator_w(system_power_kw, accelerators_per_system, cluster_it_overhead):
    """All-in critical-IT power per accelerator [W].

    The system's all-in power (CPUs, NICs, switches, fans) shared over its accelerators,
    times the cluster overhead for scale-out network, storage and management. Not the TDP.

    Parameters
    ----------
    system_power_kw : array_like
        All-in power of one system (server or rack) [kW].
    accelerators_per_system : array_like
        Accelerators in one system [-].
    cluster_it_overhead : array_like
        Cluster IT power / system power [-], e.g. 1.14.

    >>> float(it_power_per_accelerator_w(120, 72, 1.14))
    1900.0
    """
    return np.asarray(system_power_kw, float) * 1e3 / np.asarray(accelerators_per_system, float) * cluster_it_overhead


def it_gw_from_stated_gw(gw, basis_is_facility, pue):
    """Critical-IT GW from a stated GW figure [GW].

    ``basis_is_facility`` true: the figure is facility (grid) power, so IT = GW / PUE.
    False: the figure already is IT power.

    >>> float(it_gw_from_stated_gw(1.2, True, 1.2))
    1.0
    """
    gw = np.asarray(gw, float)
    return np.where(basis_is_facility, gw / np.asarray(pue, float), gw)


def facility_power(it_power, pue):
    """Facility (grid) power from IT power, same unit as ``it_power``."""
    return np.asarray(it_power, float) * pue


def accelerators_for_it_power(it_power_w, it_w_per_accelerator):
    """Accelerators that fit in an IT power budget [-] (continuous; round at the interface)."""
    return np.asarray(it_power_w, float) / it_w_per_accelerator


def cowos_wafers(accelerators, packages_per_wafer):
    """CoWoS wafers that ``accelerators`` packages need [wafers]: one package per accelerator,
    ``packages_per_wafer`` good packages per wafer (yield included). The one rule for wafers
    per accelerator (the engine's ``cowos_wafers`` series, supply's need and flows' packaging cost).

    >>> float(cowos_wafers(150, 15.0))
    10.0
    """
    return np.asarray(accelerators, float) / packages_per_wafer


def whole_systems_for_power(it_power_w, it_w_per_accelerator, accelerators_per_system):
    """Whole systems that fit in an IT power budget [-] (floored, so never over budget).

    >>> int(whole_systems_for_power(1e6, 1900.0, 72))
    7
    """
    per_system_w = np.asarray(it_w_per_accelerator, float) * accelerators_per_system
    # A tiny tolerance so 7 systems of exactly the budget are not lost to rounding.
    return np.floor(np.asarray(it_power_w, float) / per_system_w * (1 + 1e-12))


def whole_systems_for_count(accelerators, accelerators_per_system):
    """Whole systems needed to hold ``accelerators`` [-] (ceiling)."""
    return np.ceil(np.asarray(accelerators, float) / accelerators_per_system - 1e-12)
