"""The Monte Carlo's memory: what a reduced chunk keeps alive."""
from __future__ import annotations

import numpy as np

import gigawatt
from gigawatt.engine.mc import run_job


def test_mc_keeps_no_chunk_arrays_alive():
    r = gigawatt.evaluate("openai-amd")
    from gigawatt.engine import mc
    variables = mc.unc.compile_variables(r.scenario, r.inputs)
    job = mc.Job(r.inputs, variables, None, 0, None, np.array([1.0]), None, n_samples=256)
    part = run_job(job)
    for name, v in part.scalars.items():
        assert v.base is None or v.base.nbytes <= v.nbytes, name
