"""Array backends: where the engine's ``(samples, tranches, months)`` work runs (``--device``).

``cpu`` (the default) is NumPy, with the fused numba kernels where installed. ``gpu`` runs the
same engine formulas through the Python array API on CuPy (``pip install 'gigawatt[gpu]'``:
CuPy and array-api-compat), when a CUDA device is present: :func:`gigawatt.engine.core.run_totals_xp`
keeps the small per-tranche weights on the host (NumPy) and builds and reduces the fractions
on the device. Any other array-API namespace can be passed where a device is taken (the tests
use ``array_api_strict`` on the CPU to hold the seam to the standard); no test needs a GPU.
"""
from __future__ import annotations

import numpy as np

from gigawatt.core.errors import GigawattError

DEVICES = ("cpu", "gpu")


def gpu_status() -> tuple[bool, str]:
    """(usable, description): a CUDA device through CuPy, or why not."""
    try:
        import cupy
    except ImportError:
        return False, "CuPy is not installed (pip install 'gigawatt[gpu]', which needs an NVIDIA GPU and CUDA 12)"
    except Exception as exc:  # noqa: BLE001 - a broken CUDA install raises all sorts
        return False, f"CuPy does not load: {exc}"
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001
        return False, f"no CUDA device: {exc}"
    if n < 1:
        return False, "no CUDA device"
    try:
        import array_api_compat  # noqa: F401
    except ImportError:
        return False, "array-api-compat is not installed (pip install 'gigawatt[gpu]')"
    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props.get("name"), bytes) else str(props.get("name"))
    return True, f"{name} ({props.get('totalGlobalMem', 0) / 2**30:.0f} GiB), CuPy {cupy.__version__}"


def namespace(device="cpu"):
    """The array namespace for ``device``: ``None`` for ``cpu`` (the NumPy engine itself),
    CuPy's array-API namespace for ``gpu``, or a namespace module given directly."""
    if device is None or device == "cpu":
        return None
    if device == "gpu":
        ok, why = gpu_status()
        if not ok:
            raise GigawattError(f"--device gpu: {why}; use --device cpu")
        import array_api_compat.cupy as xp

        return xp
    if isinstance(device, str):
        raise GigawattError(f"--device must be one of {', '.join(DEVICES)}, not {device!r}")
    return device  # an array-API namespace module (tests, other libraries)


def device_name(device) -> str:
    return device if isinstance(device, str) or device is None else getattr(device, "__name__", str(device))


def to_host(a) -> np.ndarray:
    """A NumPy array from any backend's array (CuPy copies from the device)."""
    if isinstance(a, np.ndarray):
        return a
    get = getattr(a, "get", None)  # CuPy
    if callable(get) and type(a).__module__.startswith("cupy"):
        return get()
    try:
        return np.asarray(a)
    except (TypeError, RuntimeError, ValueError):  # array_api_strict refuses __array__ on some versions
        return np.from_dlpack(a)
