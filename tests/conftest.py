"""Shared fixtures: a toy catalog with round numbers, so tests can be computed by hand."""
from __future__ import annotations

import textwrap

import pytest

TOY_CATALOG = textwrap.dedent("""
    accelerators:
      - id: toy-gpu
        name: Toy GPU
        vendor: other
        family: toy
        generation: toy
        software: cuda
        hbm_generation: HBM3
        default_system: toy-rack
        provenance: {source: "test fixture", as_of: "2026-01", kind: spec}
        available: "2020-01"
        bf16_dense_tflops: 1000
        fp8_dense_tflops: 2000
        memory_gb: 100
        hbm_stacks: 5
        memory_bandwidth_tbps: 4
        tdp_w: 1000
        packages_per_cowos_wafer: 20
    systems:
      - id: toy-rack
        name: Toy rack
        accelerator: toy-gpu
        form: rack
        cooling_required: liquid
        provenance: {source: "test fixture", as_of: "2026-01", kind: spec}
        accelerators_per_system: 10
        system_power_kw: 15
        systems_per_rack: 1
        price_usd: 1000000
    cooling:
      - id: toy-cool
        name: Toy cooling
        supports: [air, liquid]
        provenance: {source: "test fixture", as_of: "2026-01", kind: spec}
        pue_default: 1.25
        pue_low: 1.1
        pue_high: 1.5
        max_rack_kw: 100
        wue_l_per_kwh: 0.5
    regions:
      - id: toy-region
        name: Toy region
        provenance: {source: "test fixture", as_of: "2026-01", kind: spec}
        electricity_usd_per_mwh: 100
        grid_gco2_per_kwh: 400
    software:
      - id: cuda
        achievable_fraction: {value: 0.8}
    defaults:
      - {id: facility_usd_per_mw_it, value: {value: 10.0e+6}}
      - {id: land_grid_usd_per_mw_it, value: {value: 0}}
      - {id: network_fraction_of_systems, value: {value: 0.2}}
      - {id: cluster_it_overhead, value: {value: 1.2}}
      - {id: topdown_usd_per_gw, value: {value: 40.0e+9}}
      - {id: it_life_years, value: {value: 5}}
      - {id: facility_life_years, value: {value: 10}}
      - {id: maintenance_fraction_per_year, value: {value: 0.012}}
      - {id: average_load_fraction, value: {value: 0.5}}
      - {id: utilization, value: {value: 0.5}}
      - {id: discount_rate, value: {value: 0.0}}
      - {id: cowos_yield, value: {value: 0.8}}
      - {id: hbm3_usd_per_gb, value: {value: 10}}
""")

TOY_SCENARIO = textwrap.dedent("""
    name: toy
    horizon: {start: 2026-01, end: 2036-12}
    site: {cooling: toy-cool, region: toy-region}
    deals:
      - name: Toy deal
        buyer: B
        supplier: S
        tranches:
          - {product: toy-gpu, gw: 1, basis: facility, start: 2026-01, ramp_months: 4}
""")


@pytest.fixture(scope="session")
def toy_catalog_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalog") / "toy.yaml"
    path.write_text(TOY_CATALOG)
    return path


@pytest.fixture(scope="session")
def toy_catalog(toy_catalog_path):
    from gigawatt.catalog import load_catalog

    return load_catalog([toy_catalog_path])


@pytest.fixture
def toy_scenario_text():
    return TOY_SCENARIO


@pytest.fixture(autouse=True, scope="session")
def _private_catalog_cache(tmp_path_factory):
    """The catalog start-up cache (gigawatt.catalog.cache) goes to a folder of this test run,
    never the user's own, and is on, so every test also exercises it."""
    import os

    old = os.environ.get("GIGAWATT_CACHE_DIR")
    os.environ["GIGAWATT_CACHE_DIR"] = str(tmp_path_factory.mktemp("catalog-cache"))
    yield
    if old is None:
        os.environ.pop("GIGAWATT_CACHE_DIR", None)
    else:
        os.environ["GIGAWATT_CACHE_DIR"] = old
