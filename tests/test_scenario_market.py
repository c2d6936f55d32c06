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
    assert [i["deal"] for i in infos] == [d.name for d in amd.deals if d.warrant is not None]
    # The input scenario is unchanged (a new object is returned).
    assert amd.deals[0].warrant.underlying == before and new is not amd
    assert new.deals[0].tranches == amd.deals[0].tranches


def test_any_market_option_values_at_the_market_files_latest_spot(amd):
    """One option given (here the rate): the spot is the market file's latest, and the underlying
    cites that price's source, not the scenario's 2025 close."""
    from gigawatt.ledger.market import resolve_price_inputs

    before = amd.deals[0].warrant.underlying
    new, infos = with_market(amd, rate=0.05, default_to_market=True)
    u = new.deals[0].warrant.underlying
    latest = infos[0]["market"]["spot"]
    assert u.risk_free_rate == 0.05
    assert u.spot_usd == latest["value"] == resolve_price_inputs("amd", rate=0.05)[0]["spot_usd"]
    assert u.source.startswith(latest["source"]) and "203.71" not in u.source


def test_as_of_before_any_market_price_is_a_user_error(amd):
    with pytest.raises(GigawattError, match="no AMD price on or before 1999-01"):
        with_market(amd, as_of="1999-01", default_to_market=True)


def _with_vol(scenario, vol):
    d = scenario.deals[0]
    u = d.warrant.underlying.model_copy(update={"volatility": vol})
    return scenario.model_copy(update={"deals": [d.model_copy(update={"warrant": d.warrant.model_copy(update={"underlying": u})})]})


def test_without_the_market_default_only_what_is_given_changes(amd):
    """`--scenario-market --spot 250`: the scenario's own volatility and rate stay (the market file
    was asked for the rest, so a 0.30 volatility became the file's 0.55)."""
    amd = _with_vol(amd, 0.30)
    before = amd.deals[0].warrant.underlying
    new, _ = with_market(amd, spot_usd=250.0, as_of="2026-11")
    u = new.deals[0].warrant.underlying
    assert (u.spot_usd, u.as_of, u.volatility, u.risk_free_rate) == (250.0, "2026-11", 0.30, before.risk_free_rate)
    new, _ = with_market(amd, volatility=0.4)
    u = new.deals[0].warrant.underlying
    assert (u.spot_usd, u.as_of, u.volatility) == (before.spot_usd, before.as_of, 0.4)


def test_the_market_default_takes_the_files_inputs(amd):
    from gigawatt.ledger.market import underlying_inputs

    latest = underlying_inputs("amd")
    new, _ = with_market(_with_vol(amd, 0.30), default_to_market=True)
    u = new.deals[0].warrant.underlying
    assert (u.spot_usd, u.as_of, u.volatility) == (latest["spot"]["value"], latest["valuation_month"], latest["volatility"]["value"])


def test_a_new_date_without_a_price_is_refused(amd):
    """An issuer the market file does not price: --as-of alone would value the old spot as of the new date."""
    acme = amd.model_copy(update={"deals": [amd.deals[0].model_copy(update={"supplier": "Acme"})]})
    with pytest.raises(GigawattError, match="needs a price for Acme"):
        with_market(acme, as_of="2026-02", default_to_market=True)
