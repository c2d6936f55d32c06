"""gigawatt: an open, tested model of multi-gigawatt AI compute build-outs, from chip to contract.

>>> import gigawatt
>>> result = gigawatt.evaluate("openai-amd")      # doctest: +SKIP
>>> result.totals()["capex_topdown_usd"]          # doctest: +SKIP
300000000000.0
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load", "loads", "evaluate", "size", "load_catalog", "GigawattError"]


def __getattr__(name):  # lazy: `import gigawatt` stays cheap for the CLI
    if name in ("load", "evaluate", "size"):
        from gigawatt.analyses import api
        return getattr(api, name)
    if name == "loads":  # a scenario from YAML text; includes by built-in name only
        from gigawatt.scenario.spec import loads

        return loads
    if name == "load_catalog":
        from gigawatt.catalog import load_catalog

        return load_catalog
    if name == "GigawattError":
        from gigawatt.core.errors import GigawattError

        return GigawattError
    raise AttributeError(name)
