"""analyses.buyer: the buyer's cost of an accelerator-hour by useful life."""
import pytest

import gigawatt
from gigawatt.analyses import buyer
from gigawatt.core import fmt


def test_a_blended_life_a_hair_off_a_whole_year_is_one_row(monkeypatch):
    """Two products' lives blend in months to 4.999999... years: that used to add a second "5 y"
    row beside the table's own 5 (and only one of them was marked the base)."""
    real = buyer._per_accelerator
    monkeypatch.setattr(buyer, "_per_accelerator",
                        lambda *a, **k: {**real(*a, **k), "it_life_years": 5.0 - 1e-12})
    out = buyer.buyer_economics(gigawatt.evaluate("openai-amd"), 0)
    lives = [r["life_years"] for r in out["life_sensitivity"]]
    assert len(lives) == len(set(lives)) and out["it_life_years"] == 5.0 and 5.0 in lives


def test_the_two_costs_per_accelerator_hour_have_two_labels():
    """The book cost (depreciation + opex over the horizon) and the capital-recovery cost are
    different figures; each has its own registry label."""
    book, recovery = fmt.label("tco_usd_per_accelerator_hour", role="metric"), fmt.label("usd_per_accelerator_hour", role="metric")
    assert book != recovery and "Book" in book and "capital recovery" in recovery
    out = buyer.buyer_economics(gigawatt.evaluate("openai-amd"), 0)
    base = next(r for r in out["life_sensitivity"] if r["life_years"] == out["it_life_years"])
    assert out["usd_per_accelerator_hour"] == pytest.approx(base["usd_per_accelerator_hour"])
