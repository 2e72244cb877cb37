"""Bank holidays by nation, from the `holidays` package, as GOV.UK lists them."""

from __future__ import annotations

from datetime import date

import pytest

from dpsupport.payroll.bank_holidays import bank_holiday_name, bank_holidays, is_bank_holiday

NATIONS = ("england", "wales", "scotland", "northern_ireland")


def test_2_january_and_st_andrews_day_only_in_scotland() -> None:
    for day in (date(2026, 1, 2), date(2026, 11, 30)):
        assert [n for n in NATIONS if is_bank_holiday(n, day)] == ["scotland"]
    assert bank_holiday_name("scotland", date(2026, 11, 30)) == "Saint Andrew's Day"


def test_st_patricks_day_and_the_boyne_only_in_northern_ireland() -> None:
    assert [n for n in NATIONS if is_bank_holiday(n, date(2026, 3, 17))] == ["northern_ireland"]
    assert [n for n in NATIONS if is_bank_holiday(n, date(2027, 7, 12))] == ["northern_ireland"]


def test_easter_monday_is_not_a_bank_holiday_in_scotland() -> None:
    easter_monday = date(2026, 4, 6)
    assert is_bank_holiday("england", easter_monday)
    assert is_bank_holiday("wales", easter_monday)
    assert is_bank_holiday("northern_ireland", easter_monday)
    assert not is_bank_holiday("scotland", easter_monday)
    assert is_bank_holiday("scotland", date(2026, 4, 3))  # Good Friday is


def test_summer_bank_holiday_is_early_august_in_scotland() -> None:
    assert is_bank_holiday("scotland", date(2026, 8, 3))
    assert not is_bank_holiday("scotland", date(2026, 8, 31))
    assert is_bank_holiday("england", date(2026, 8, 31))


def test_england_and_wales_2026_is_govuks_list() -> None:
    # https://www.gov.uk/bank-holidays: 8 bank holidays; Boxing Day falls on a Saturday,
    # so the substitute day is Monday 28 December
    days = bank_holidays("england", date(2026, 1, 1), date(2026, 12, 31))
    assert [b.day for b in days] == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)]
    assert days[-1].name == "Boxing Day (substitute day)"
    assert not is_bank_holiday("england", date(2026, 12, 26))
    assert days == bank_holidays("wales", date(2026, 1, 1), date(2026, 12, 31))


def test_a_leave_year_across_two_calendar_years() -> None:
    days = bank_holidays("northern_ireland", date(2026, 4, 6), date(2027, 4, 5))
    assert days[0].day == date(2026, 4, 6)  # Easter Monday, the first day
    assert date(2027, 3, 17) in [b.day for b in days]
    assert all(date(2026, 4, 6) <= b.day <= date(2027, 4, 5) for b in days)
    assert bank_holidays("england", date(2026, 5, 1), date(2026, 4, 1)) == []


def test_an_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError):
        is_bank_holiday("mercia", date(2026, 1, 1))
