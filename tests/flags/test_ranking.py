"""The caseload's ranking: a sum of points by severity and age, with its parts in words."""

from __future__ import annotations

import datetime as dt

from dpsupport.flags import ranking

TODAY = dt.date(2026, 11, 27)


def state(**kw: object) -> ranking.MoneyState:
    values: dict[str, object] = dict(balance_pence=10000, run_out_date=None, surplus_pence=None,
                                     last_payment_date=TODAY, unsorted_count=0,
                                     review_date=None, has_agreement=True)
    values.update(kw)
    return ranking.MoneyState(**values)  # type: ignore[arg-type]


def test_nothing_open_is_no_action_needed() -> None:
    assert ranking.money_reasons(state(), TODAY) == []


def test_overdrawn_is_urgent_and_comes_before_running_out() -> None:
    found = ranking.money_reasons(state(balance_pence=-60357, run_out_date=TODAY), TODAY)
    assert [(r.code, r.severity, r.words, r.points) for r in found] == [
        ("low_balance", "urgent", "Overdrawn by £603.57", 100)]


def test_statement_gap_grows_a_point_a_week_after_35_days() -> None:
    last = TODAY - dt.timedelta(days=35 + 21)
    (gap,) = ranking.money_reasons(state(last_payment_date=last), TODAY)
    assert gap.words == "No statement or payment since 2 October 2026"
    assert gap.points == 20 + 3
    assert gap.parts() == "Attention: 20 points, plus 3 for 3 weeks open"
    # 35 days is not yet a gap
    assert ranking.money_reasons(state(last_payment_date=TODAY - dt.timedelta(days=35)),
                                 TODAY) == []


def test_age_is_capped_at_a_year() -> None:
    assert ranking.points_for("info", TODAY - dt.timedelta(days=7 * 300), TODAY) == 5 + 52


def test_a_sum_of_its_parts() -> None:
    found = ranking.money_reasons(state(surplus_pence=150000, unsorted_count=2,
                                        review_date=TODAY + dt.timedelta(days=10)), TODAY)
    assert [r.words for r in found] == ["£1,500.00 more than the council allows",
                                        "Review due on 7 December 2026",
                                        "2 payments not sorted yet"]
    assert ranking.score(found) == 20 + 5 + 5
    assert ranking.loads(ranking.dumps(found)) == found


def test_next_review_moves_on_a_year_at_a_time() -> None:
    first = dt.date(2025, 6, 1)
    assert ranking.next_review(first, 12, dt.date(2025, 5, 1)) == first
    assert ranking.next_review(first, 12, dt.date(2025, 6, 29)) == first  # 28 days after
    assert ranking.next_review(first, 12, dt.date(2025, 6, 30)) == dt.date(2026, 6, 1)
    assert ranking.next_review(None, 12, TODAY) is None
