"""Results of a scenario run: one reporting API for the CLI, reports and notebooks.

:class:`Result` holds the engine's arrays (``(samples, tranches, months)`` series and
``(samples, tranches)`` nameplate figures) with their labels, and turns them into totals,
groups (deal, vendor, product), monthly series, JSON, pandas and xarray.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gigawatt.catalog import Catalog
from gigawatt.core.conventions import plan_conventions
from gigawatt.engine.core import NAMEPLATE_UNITS, SERIES_UNITS
from gigawatt.scenario.inputs import INPUT_UNITS, Inputs, TrancheInfo
from gigawatt.scenario.spec import Scenario

#: Nameplate figures that add up across tranches (the rest are ratios or per-unit).
ADDITIVE = [k for k in NAMEPLATE_UNITS if k not in ("pue", "it_kw_per_accelerator")]
GROUP_KEYS = ("deal", "vendor", "product", "supplier")


@dataclass
class Result:
    scenario: Scenario
    inputs: Inputs
    series: dict[str, np.ndarray]
    nameplate: dict[str, np.ndarray]
    catalog: Catalog
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    # -- labels ---------------------------------------------------------------------------
    @property
    def tranches(self) -> list[TrancheInfo]:
        return self.inputs.tranches

    @property
    def months(self) -> list[str]:
        return self.inputs.month_labels

    # -- aggregation ----------------------------------------------------------------------
    def _membership(self, key: str) -> tuple[list[str], np.ndarray]:
        """Group names in first-seen order and a one-hot matrix ``(T, G)``."""
        if key not in GROUP_KEYS:
            raise ValueError(f"group by one of {GROUP_KEYS}, not {key!r}")
        values = [getattr(t, key) for t in self.tranches]
        names = list(dict.fromkeys(values))
        onehot = np.zeros((len(values), len(names)))
        onehot[np.arange(len(values)), [names.index(v) for v in values]] = 1.0
        return names, onehot

    def totals(self, sample: int = 0) -> dict[str, float]:
        """Scenario totals at full build-out, plus the capex ratio top-down / bottom-up."""
        out = {k: float(self.nameplate[k][sample].sum()) for k in ADDITIVE}
        out.update(_ratios(out))
        return out

    def groups(self, key: str = "deal", sample: int = 0) -> list[dict]:
        """Nameplate totals per deal, vendor, product or supplier."""
        names, onehot = self._membership(key)
        sums = {k: self.nameplate[k][sample] @ onehot for k in ADDITIVE}
        out = []
        for g, name in enumerate(names):
            row = {key if key != "deal" else "name": name}
            if key == "deal":
                first = next(t for t in self.tranches if t.deal == name)
                row.update(supplier=first.supplier, buyer=first.buyer)
            row.update({k: float(v[g]) for k, v in sums.items()})
            row.update(_ratios(row))
            out.append(row)
        return out

    def monthly(self, names: list[str] | None = None, by: str | None = None, sample: int = 0) -> dict:
        """Monthly series summed over tranches (or per group with ``by``)."""
        names = names or list(SERIES_UNITS)
        if by is None:
            return {n: self.series[n][sample].sum(axis=0) for n in names}
        groups, onehot = self._membership(by)
        return {n: dict(zip(groups, (onehot.T @ self.series[n][sample]))) for n in names}

    def horizon_sums(self, sample: int = 0) -> dict[str, float]:
        """Flows summed over the horizon (capex incl. refreshes, opex, energy, CO2, water)."""
        keys = ["capex_usd", "capex_refresh_usd", "capex_topdown_usd", "depreciation_usd", "energy_mwh", "energy_cost_usd",
                "maintenance_usd", "opex_usd", "co2_t", "co2_market_t", "water_m3"]
        return {k: float(self.series[k][sample].sum()) for k in keys}

    # -- provenance -----------------------------------------------------------------------
    def _leaf_origins(self):
        """Every leaf origin (catalog fact, scenario value, default) behind the inputs used."""
        stack = [o for per_tranche in self.inputs.origins for o in per_tranche.values()]
        while stack:
            o = stack.pop()
            if o.get("from") == "derived":
                stack.extend(o["parts"].values())
            elif o:
                yield o

    def sources(self) -> list[dict]:
        """Exactly the catalog numbers this run used, by entry, with value, unit, kind and source.

        A number the scenario overrides (its own PUE, say) is not listed; see
        :meth:`scenario_values` for those.
        """
        used: dict[tuple[str, str], set[str]] = {}
        for o in self._leaf_origins():
            if o["from"] == "catalog":
                used.setdefault((o["section"], o["id"]), set()).add(o["field"])
        out = []
        for (section, entry_id) in sorted(used):
            entry = self.catalog.section(section)[entry_id]
            facts = entry.facts()
            out.append({
                "section": section,
                "id": entry_id,
                "name": entry.name,
                "file": self.catalog.origin.get((section, entry_id)),
                "facts": {k: facts[k].public() for k in sorted(used[(section, entry_id)]) if k in facts},
            })
        return out

    def scenario_values(self) -> list[dict]:
        """The values the scenario itself set that the run used: file, field path, line, value."""
        seen: dict[tuple, dict] = {}
        for o in self._leaf_origins():
            if o["from"] == "scenario":
                value = o["value"]
                seen.setdefault((o["file"], o["path"]), {"file": o["file"], "path": o["path"], "line": o["line"],
                                                         "value": value if isinstance(value, (int, float, str, bool)) or value is None
                                                         else str(value)})
        return sorted(seen.values(), key=lambda v: (v["file"], v["line"] or 0, v["path"]))

    # -- export ---------------------------------------------------------------------------
    def to_dict(self, sample: int = 0, monthly: bool = True) -> dict:
        """The JSON contract of ``gigawatt plan --json``."""
        sc = self.scenario
        out = {
            "scenario": {"name": sc.name, "title": sc.title, "source": self.source, "checked": sc.checked, "sources": sc.sources,
                         "horizon": {"start": sc.horizon.start, "end": sc.horizon.end}},
            "units": {**{k: u for k, u in NAMEPLATE_UNITS.items()}, "capex_ratio_topdown_to_bottomup": ""},
            "totals": self.totals(sample),
            "horizon_sums": self.horizon_sums(sample),
            "deals": self.groups("deal", sample),
            "vendors": self.groups("vendor", sample),
            "products": self.groups("product", sample),
            "tranches": [
                {**t.__dict__, **{k: float(v[sample, t.index]) for k, v in self.nameplate.items()},
                 "inputs": {k: float(v[sample, t.index]) for k, v in self.inputs.p.items()},
                 "provenance": self.inputs.origins[t.index] if t.index < len(self.inputs.origins) else {}}
                for t in self.tranches
            ],
            "input_units": dict(INPUT_UNITS),
            "catalog_overrides": [o.public() for o in self.catalog.overrides],
            "constraints": self.inputs.constraints,
            "warnings": self.warnings,
            "sources": self.sources(),
            "scenario_values": self.scenario_values(),
            "conventions": plan_conventions(self),
        }
        if monthly:
            series = self.monthly(sample=sample)
            out["monthly"] = {"month": self.months, **{k: v.tolist() for k, v in series.items()}}
            out["monthly_units"] = dict(SERIES_UNITS)
        return out

    def to_pandas(self, what: str = "monthly", sample: int = 0):
        """A pandas DataFrame: ``"monthly"`` (months × series, totals), ``"tranches"`` or ``"deals"``."""
        import pandas as pd

        if what == "monthly":
            df = pd.DataFrame({k: v for k, v in self.monthly(sample=sample).items()},
                              index=pd.PeriodIndex(self.months, freq="M", name="month"))
            return df
        if what == "tranches":
            return pd.DataFrame(self.to_dict(sample, monthly=False)["tranches"]).set_index("index")
        if what in ("deals", "vendors", "products"):
            return pd.DataFrame(self.groups(what.rstrip("s") if what != "deals" else "deal", sample))
        raise ValueError("what must be 'monthly', 'tranches', 'deals', 'vendors' or 'products'")

    def to_xarray(self):
        """An ``xarray.Dataset`` with dims ``(sample, tranche, month)`` (needs xarray)."""
        try:
            import xarray as xr
        except ImportError:  # pragma: no cover - optional dependency
            from gigawatt.core.errors import GigawattError

            raise GigawattError("to_xarray needs xarray: pip install 'gigawatt[xarray]'") from None
        import pandas as pd

        coords = {
            "sample": np.arange(self.inputs.samples),
            "tranche": [f"{t.index}: {t.label}" for t in self.tranches],  # unique even if labels repeat
            "month": pd.PeriodIndex(self.months, freq="M").to_timestamp(),
            "deal": ("tranche", [t.deal for t in self.tranches]),
            "vendor": ("tranche", [t.vendor for t in self.tranches]),
            "product": ("tranche", [t.product for t in self.tranches]),
        }
        data = {k: (("sample", "tranche", "month"), v, {"units": SERIES_UNITS[k]}) for k, v in self.series.items()}
        data.update({f"nameplate_{k}": (("sample", "tranche"), v, {"units": NAMEPLATE_UNITS[k]}) for k, v in self.nameplate.items()})
        return xr.Dataset(data, coords=coords, attrs={"scenario": self.scenario.name})


def _ratios(row: dict) -> dict:
    bottom = row.get("capex_usd", 0.0)
    return {
        "capex_ratio_topdown_to_bottomup": row["capex_topdown_usd"] / bottom if bottom else None,
        "capex_usd_per_gw": bottom / row["gw"] if row.get("gw") else None,
    }
