import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.core.timeline import month_index, month_label
from gigawatt.scenario.units import to_canonical


@pytest.mark.parametrize("text,unit,expected", [
    ("6 GW", "GW", 6.0), ("700 MW", "GW", 0.7), ("6000000 kW", "GW", 6.0), (6, "GW", 6.0),
    ("85 USD/MWh", "USD/MWh", 85.0), ("0.085 USD/kWh", "USD/MWh", 85.0), ("1.2", "", 1.2),
    ("8 %", "", 0.08), ("367 g/kWh", "g/kWh", 367.0), ("0.367 kg/kWh", "g/kWh", 367.0),
    ("50e9 USD/GW", "USD/GW", 50e9), ("50 USD/W", "USD/GW", 50e9), ("5 year", "year", 5.0), ("60 month", "year", 5.0),
])
def test_parses_with_units(text, unit, expected):
    assert to_canonical(text, unit) == pytest.approx(expected)


@pytest.mark.parametrize("text,fragment", [("6 GWh", "an energy"), ("six GW", "cannot read"), ("6 USD", "money")])
def test_wrong_units_say_what_they_are(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        to_canonical(text, "GW")


def test_bool_is_not_a_number():
    with pytest.raises(ValueError):
        to_canonical(True, "GW")


@given(st.floats(1e-6, 1e6))
def test_units_round_trip_through_pint(x):
    from gigawatt.scenario.units import registry

    q = registry().Quantity(x, "GW")
    assert to_canonical(f"{q.to('MW').magnitude!r} MW", "GW") == pytest.approx(x, rel=1e-12)


@pytest.mark.parametrize("text,label", [("2026-07", "2026-07"), ("2H 2026", "2026-07"), ("1H 2027", "2027-01"),
                                        ("Q4 2026", "2026-10"), ("2026-7", "2026-07")])
def test_months(text, label):
    assert month_label(month_index(text)) == label


@pytest.mark.parametrize("bad", ["2026-13", "July 2026", "2026", 2026])
def test_bad_months(bad):
    with pytest.raises(ValueError, match="expected a month"):
        month_index(bad)


@given(st.integers(0, 9999 * 12))
def test_month_round_trip(i):
    assert month_index(month_label(i)) == i
