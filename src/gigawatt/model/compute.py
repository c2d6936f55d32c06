"""Peak and effective compute."""
from __future__ import annotations

import numpy as np


def peak_pflops(accelerators, dense_tflops):
    """Installed dense peak [PFLOP/s] (sparse figures are never used as peak)."""
    return np.asarray(accelerators, float) * np.asarray(dense_tflops, float) / 1e3


def effective_pflops(peak, achievable_fraction, utilization):
    """Effective compute [PFLOP/s] = peak × software achievable fraction × utilisation.

    >>> float(effective_pflops(1000.0, 0.79, 0.6))
    474.0
    """
    return np.asarray(peak, float) * achievable_fraction * utilization
