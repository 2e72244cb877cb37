"""surplus_above_threshold: raised a penny over, not at exactly the threshold; money owed
and the contingency come off first; the split between the council and the holder."""

from __future__ import annotations

import datetime as dt

import pytest

from dpsupport.flags import Reader, surplus_above_threshold

DAY = dt.date(2026, 9, 1)
# £1,000 every 4 weeks = £250 a week; 8 weeks = £2,000.
BASE = dict(contingency_pence=50000, regular_pence=100000, weekly_regular_pence=25000,
            weeks=8, today=DAY)


def test_a_penny_over_is_a_flag_and_exactly_the_threshold_is_not() -> None:
    assert surplus_above_threshold(balance_pence=250000, **BASE) == []  # type: ignore[arg-type]
    [flag] = surplus_above_threshold(balance_pence=250001, **BASE)  # type: ignore[arg-type]
    assert flag.code == "surplus_above_threshold" and flag.amount_pence == 1
    assert flag.title == "You have £0.01 more than the council usually lets you keep"


def test_money_owed_is_not_surplus() -> None:
    [flag] = surplus_above_threshold(balance_pence=300000, **BASE)  # type: ignore[arg-type]
    assert flag.amount_pence == 50000
    assert surplus_above_threshold(balance_pence=300000, owed_pence=50000,
                                   **BASE) == []  # type: ignore[arg-type]
    [less] = surplus_above_threshold(balance_pence=300000, owed_pence=20000,
                                     **BASE)  # type: ignore[arg-type]
    assert less.amount_pence == 30000
    assert "less £200.00 owed" in less.explanation


def test_split_between_council_and_holder_on_the_net_basis() -> None:
    # the holder pays £250 of each £1,000: a quarter of £400 is theirs
    [flag] = surplus_above_threshold(balance_pence=290000, contribution_pence=25000,
                                     **BASE)  # type: ignore[arg-type]
    assert flag.amount_pence == 40000
    assert "£300.00 is the council's money and £100.00 came from your own" in flag.explanation
    [gross] = surplus_above_threshold(balance_pence=290000, contribution_pence=25000,
                                      net_basis=False, **BASE)  # type: ignore[arg-type]
    assert "All of it is the council's money" in gross.explanation


def test_staff_words_name_the_holder_and_evidence_moves_by_the_hundred() -> None:
    [staff] = surplus_above_threshold(balance_pence=260000, reader=Reader("Ewan"),
                                      **BASE)  # type: ignore[arg-type]
    assert staff.title.startswith("Ewan has £100.00 more")
    [a] = surplus_above_threshold(balance_pence=260000, **BASE)  # type: ignore[arg-type]
    [b] = surplus_above_threshold(balance_pence=260500, **BASE)  # type: ignore[arg-type]
    [c] = surplus_above_threshold(balance_pence=270000, **BASE)  # type: ignore[arg-type]
    assert a.key == b.key == c.key
    assert a.evidence_key == b.evidence_key != c.evidence_key


def test_amounts_must_be_int_pence() -> None:
    with pytest.raises(TypeError):
        surplus_above_threshold(balance_pence=2500.5, **BASE)  # type: ignore[arg-type]
