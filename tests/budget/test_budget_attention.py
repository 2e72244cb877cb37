"""Needs-attention items, and plain-English formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from dpsupport.budget import (
    FundingTerms,
    PlanLine,
    Transaction,
    money_picture,
)
from dpsupport.budget.model import Figure, Step
from dpsupport.text import format_date, format_pence

D = dt.date
# Four-weekly from 1 April 2025: periods 1-28 Apr, 29 Apr-26 May, 27 May-23 Jun, 24 Jun-21 Jul.
PERIOD_STARTS = [D(2025, 4, 1), D(2025, 4, 29), D(2025, 5, 27), D(2025, 6, 24)]
TODAY = D(2025, 7, 1)
PLAN = [
    PlanLine("w", "pa_wages", "PA wages", 100000),
    PlanLine("d", "day_activities", "Day centre", 10000),
    PlanLine("c", "contingency", "Contingency", 5000),
]


def terms(**kw: object) -> FundingTerms:
    return FundingTerms(D(2025, 4, 1), "four_weekly", ((D(2025, 4, 1), 115000),), **kw)  # type: ignore[arg-type]


def council_payments(skip: tuple[dt.date, ...] = ()) -> list[Transaction]:
    return [Transaction(d, 115000, None, None, "Council") for d in PERIOD_STARTS if d not in skip]


def spending(day_centre: list[int]) -> list[Transaction]:
    txns = []
    for start, day_spend in zip(PERIOD_STARTS, day_centre, strict=False):
        txns.append(Transaction(start + dt.timedelta(days=3), -100000, "pa_wages"))
        if day_spend:
            txns.append(Transaction(start + dt.timedelta(days=5), -day_spend, "day_activities"))
    return txns


def codes(pic: object) -> list[str]:
    return [a.code for a in pic.needs_attention]  # type: ignore[attr-defined]


def test_persistent_underspend_after_three_periods_below_70_percent() -> None:
    txns = council_payments() + spending([6900, 6900, 6999])
    pic = money_picture(terms(), PLAN, txns, [], TODAY)
    assert codes(pic) == ["persistent_underspend"]
    text = pic.needs_attention[0].text
    assert "“Day centre”" in text and "last 3 periods" in text
    assert "Contingency" not in text  # unused contingency is not underspend


def test_no_underspend_flag_at_exactly_70_percent_or_for_two_periods() -> None:
    txns = council_payments() + spending([6900, 7000, 6900])
    assert codes(money_picture(terms(), PLAN, txns, [], TODAY)) == []
    txns = council_payments() + spending([10000, 0, 0])
    assert codes(money_picture(terms(), PLAN, txns, [], TODAY)) == []


def test_payment_missing() -> None:
    txns = council_payments(skip=(D(2025, 5, 27),)) + spending([10000, 10000, 10000])
    pic = money_picture(terms(), PLAN, txns, [], TODAY, opening_balance=100000)
    assert codes(pic) == ["payment_missing"]
    assert pic.needs_attention[0].text == (
        "The council's payment of £1,150.00 due on 27 May has not arrived."
    )
    late = [*txns, Transaction(D(2025, 6, 1), 115000)]  # 5 days late: matched
    assert codes(money_picture(terms(), PLAN, late, [], TODAY, opening_balance=100000)) == []
    later = [*txns, Transaction(D(2025, 6, 2), 115000)]  # 6 days late: still missing
    assert codes(money_picture(terms(), PLAN, later, [], TODAY, opening_balance=100000)) == [
        "payment_missing"
    ]


def test_payment_not_flagged_until_five_days_have_passed() -> None:
    # The 24 June payment is missing; on 29 June (5 days on) it could still come.
    txns = council_payments(skip=(D(2025, 6, 24),)) + spending([10000, 10000, 10000])
    pic = money_picture(terms(), PLAN, txns, [], D(2025, 6, 29), opening_balance=100000)
    assert codes(pic) == []
    pic = money_picture(terms(), PLAN, txns, [], D(2025, 6, 30), opening_balance=100000)
    assert codes(pic) == ["payment_missing"]


def test_contribution_missing_on_net_basis() -> None:
    t = terms(client_contribution_pence=15000)
    txns = [Transaction(d, 100000) for d in PERIOD_STARTS]
    txns += [Transaction(d + dt.timedelta(days=2), 15000) for d in PERIOD_STARTS[:2]]
    txns += spending([10000, 10000, 10000])
    pic = money_picture(t, PLAN, txns, [], TODAY, opening_balance=100000)
    assert codes(pic) == ["contribution_missing", "contribution_missing"]
    assert [a.text for a in pic.needs_attention] == [
        "Your contribution of £150.00 due on 27 May has not been paid in.",
        "Your contribution of £150.00 due on 24 June has not been paid in.",
    ]


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (124000, "£1,240.00"),
        (123456789, "£1,234,567.89"),
        (-1250, "\u2212£12.50"),
    ],
)
def test_format_pence(pence: int, text: str) -> None:
    assert format_pence(pence) == text


def test_format_words_dates_and_steps() -> None:
    assert format_pence(-1250, words=True) == "minus £12.50"
    assert format_date(D(2026, 3, 14)) == "14 March 2026"
    assert format_date(D(2026, 3, 4), year=False) == "4 March"
    assert Step("Balance on 1 April", 210000).text == "Balance on 1 April: £2,100.00"
    assert Step("Planned", 1430000, "13 × £1,100.00").text == "Planned: £14,300.00 (13 × £1,100.00)"
    assert Figure(None, "Weeks", note="No plan").text == "No plan"
    with pytest.raises(TypeError):
        format_pence(12.5)  # type: ignore[arg-type]


def test_after_the_agreement_has_ended() -> None:
    t = FundingTerms(D(2025, 4, 1), "monthly", ((D(2025, 4, 1), 100000),), end_date=D(2025, 9, 30))
    txns = [Transaction(d, 100000) for d in (D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1))]
    txns += [Transaction(D(2025, 7, 1), 100000), Transaction(D(2025, 8, 1), 100000)]
    txns += [Transaction(D(2025, 9, 1), 100000), Transaction(D(2025, 9, 10), -500000, "other")]
    pic = money_picture(t, [], txns, [], D(2025, 11, 5))
    assert (pic.period.start, pic.period.end) == (D(2025, 9, 1), D(2025, 9, 30))
    assert pic.year_end == D(2025, 9, 30)
    assert pic.summary_sentence == (
        "Your agreement ended on 30 September 2025. There is £1,000.00 in the account."
    )
    assert pic.forecast_year_end_balance.value == 100000
    with pytest.raises(ValueError):
        money_picture(t, [], txns, [], D(2025, 3, 31))
