"""scenario.market.with_market: a scenario's warrant underlyings set from market inputs."""
import pytest

import gigawatt
from gigawatt.core.errors import GigawattError
from gigawatt.scenario.market import with_market


@pytest.fixture
def amd():
    return gigawatt.load("openai-amd")


def test_nothing_given_keeps_the_scenario(amd):
    same, infos = with_market(amd)
    assert same is amd and infos == []


def test_a_given_spot_sets_the_underlying_and_its_source(amd):
    before = amd.deals[0].warrant.underlying
    new, infos = with_market(amd, spot_usd=250.0, as_of="2026-11")
    u = new.deals[0].warrant.underlying
    assert (u.spot_usd, u.as_of) == (250.0, "2026-11")
    assert "203.71" not in u.source and u.source == "--spot, 2026-11"  # not the old close's citation
    assert u.volatility == before.volatility  # not given: kept
    assert [i["deal"] for i in infos] == [d.name for d in amd.deals if d.warrant is not None]
    # The input scenario is unchanged (a new object is returned).
    assert amd.deals[0].warrant.underlying == before and new is not amd
    assert new.deals[0].tranches == amd.deals[0].tranches


def test_any_market_option_values_at_the_market_files_latest_spot(amd):
    """One option given (here the rate): the spot is the market file's latest, and the underlying
    cites that price's source, not the scenario's 2025 close."""
    from gigawatt.ledger.market import resolve_price_inputs

    before = amd.deals[0].warrant.underlying
    new, infos = with_market(amd, rate=0.05)
    u = new.deals[0].warrant.underlying
    latest = infos[0]["market"]["spot"]
    assert u.risk_free_rate == 0.05 and u.volatility == before.volatility
    assert u.spot_usd == latest["value"] == resolve_price_inputs("amd", rate=0.05)[0]["spot_usd"]
    assert u.source.startswith(latest["source"]) and "203.71" not in u.source


def test_as_of_before_any_market_price_is_a_user_error(amd):
    with pytest.raises(GigawattError, match="no AMD price on or before 1999-01"):
        with_market(amd, as_of="1999-01")
