"""The pure matcher: exact, one to one, deterministic, with reasons in words."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpsupport.reconcile import BankLine, Expectation, match

D = date(2026, 3, 28)


def net_pay(key: str = "due:1", amount: int = -122156, payee: str = "Sally Jones",
            due: date = D) -> Expectation:
    return Expectation(key, "net_pay", due, amount, "net pay for 25 February to 24 March",
                       days_before=7, days_after=7, payees=(payee,))


def test_a_net_pay_matches_the_payment_to_the_pa_with_its_reason() -> None:
    result = match([net_pay()], [BankLine(7, date(2026, 3, 28), -122156, "S JONES FPO")])
    (pair,) = result.pairings
    assert pair.line.id == 7 and not result.not_seen and not result.not_expected
    assert pair.reason == ("£1,221.56 to Sally Jones on 28 March: net pay for 25 February "
                           "to 24 March")
    assert "It is exactly the amount expected." in pair.details
    assert "It was paid on the day it was due, 28 March 2026." in pair.details
    assert any("“S JONES FPO”, is like “Sally Jones”" in d for d in pair.details)


def test_only_the_exact_amount_matches() -> None:
    result = match([net_pay()], [BankLine(1, D, -122155, "Sally Jones"),
                                 BankLine(2, D, 122156, "Sally Jones")])  # a penny out; money in
    assert not result.pairings
    assert [e.key for e in result.not_seen] == ["due:1"]
    assert [ln.id for ln in result.not_expected] == [1, 2]


def test_outside_the_window_is_not_matched_and_the_edges_are() -> None:
    e = net_pay()
    assert not match([e], [BankLine(1, D + timedelta(days=8), -122156, "Sally Jones")]).pairings
    assert match([e], [BankLine(1, D + timedelta(days=7), -122156, "Sally Jones")]).pairings
    assert match([e], [BankLine(1, D - timedelta(days=7), -122156, "Sally Jones")]).pairings


def test_one_bank_line_never_pays_two_expectations() -> None:
    a, b = net_pay("due:1"), net_pay("due:2", payee="Tom Reed")
    result = match([a, b], [BankLine(5, D, -122156, "T REED")])
    assert len(result.pairings) == 1
    assert result.pairings[0].expectation.key == "due:2"  # the right name wins
    assert [e.key for e in result.not_seen] == ["due:1"]


def test_the_right_name_wins_over_the_nearer_date() -> None:
    a, b = net_pay("due:1", payee="Sally Jones"), net_pay("due:2", payee="Tom Reed")
    lines = [BankLine(1, D, -122156, "TOM REED"), BankLine(2, D + timedelta(days=3), -122156,
                                                           "SALLY JONES")]
    pairs = {p.expectation.key: p.line.id for p in match([a, b], lines).pairings}
    assert pairs == {"due:1": 2, "due:2": 1}


def test_the_nearest_date_wins_among_the_same_name() -> None:
    lines = [BankLine(1, D - timedelta(days=4), -122156, "Sally Jones"),
             BankLine(2, D + timedelta(days=1), -122156, "Sally Jones")]
    result = match([net_pay()], lines)
    assert result.pairings[0].line.id == 2
    assert [ln.id for ln in result.not_expected] == [1]


def test_a_greedy_choice_is_moved_so_that_more_are_paid() -> None:
    # e1 prefers line 1 (same day), but line 1 is the only one e2 can take.
    e1 = Expectation("a", "regular", D, 50000, "the regular payment", payees=())
    e2 = Expectation("b", "regular", D + timedelta(days=5), 50000, "the next", days_before=1,
                     days_after=1)
    lines = [BankLine(1, D + timedelta(days=4), 50000), BankLine(2, D - timedelta(days=3), 50000)]
    result = match([e1, e2], lines)
    assert {p.expectation.key: p.line.id for p in result.pairings} == {"a": 2, "b": 1}
    assert result.left_over == 0


def test_a_range_needs_the_right_payee() -> None:
    e = Expectation("line:3:2026-03", "regular_payee", date(2026, 3, 16), -8000,
                    "agency care, paid every month", days_before=15, days_after=15,
                    amount_max_pence=-12000, payees=("Brightside Care Ltd",),
                    payee_required=True)
    other = BankLine(1, D, -9000, "TESCO STORES")
    right = BankLine(2, D, -9950, "BRIGHTSIDE CARE LTD BCC")
    result = match([e], [other, right])
    assert [p.line.id for p in result.pairings] == [2]
    assert "It is within the £80.00 to £120.00 expected." in result.pairings[0].details


def test_hmrc_is_recognised_by_the_word_lists() -> None:
    e = Expectation("hmrc:2026:1", "hmrc", date(2026, 5, 22), -31240, "PAYE for tax month 1",
                    days_before=30, days_after=30, payees=("HMRC",), recognised_as="hmrc")
    result = match([e], [BankLine(9, date(2026, 5, 28), -31240, "HMRC NDDS")])
    (pair,) = result.pairings
    assert "It was paid 6 days after it was due (22 May 2026)." in pair.details
    assert any("recognised as HMRC (tax)" in d for d in pair.details)


def test_confirmed_pairs_are_kept_and_lines_said_not_expected_are_left_alone() -> None:
    a, b = net_pay("due:1"), net_pay("due:2")
    lines = [BankLine(1, D, -122156, "Sally Jones"), BankLine(2, D, -122156, "Sally Jones")]
    result = match([a, b], lines, fixed={"due:2": 1}, not_expected=[2])
    assert [(p.expectation.key, p.line.id, p.fixed) for p in result.pairings] == [
        ("due:2", 1, True)]
    assert [e.key for e in result.not_seen] == ["due:1"]
    assert [ln.id for ln in result.not_expected] == [2]
    with pytest.raises(ValueError):
        match([a, b], lines, fixed={"due:1": 1, "due:2": 1})


def test_a_confirmed_pair_for_something_not_given_is_said() -> None:
    result = match([net_pay()], [BankLine(1, D, -122156, "Sally Jones")], fixed={"gone": 1})
    assert result.problems and len(result.pairings) == 1


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        Expectation("x", "regular", D, 0, "nothing")
    with pytest.raises(ValueError):
        Expectation("x", "wages", D, 100, "no such kind")
    with pytest.raises(ValueError):
        Expectation("x", "regular_payee", D, -100, "range the wrong way", amount_max_pence=50)
    with pytest.raises(TypeError):
        Expectation("x", "regular", D, 1.5, "float")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        match([net_pay(), net_pay()], [])


amounts = st.sampled_from([-5000, -7500, 5000, 7500, -122156])
days = st.integers(min_value=0, max_value=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(amounts, days), max_size=12),
       st.lists(st.tuples(amounts, days, st.sampled_from(["SALLY JONES", "TOM REED", "X"])),
                max_size=12), st.randoms(use_true_random=False))
def test_properties_exact_one_to_one_and_the_same_whatever_the_order(
        wanted: list[tuple[int, int]], seen: list[tuple[int, int, str]],
        shuffle: random.Random) -> None:
    base = date(2026, 1, 1)
    expectations = [Expectation(f"e{i}", "net_pay", base + timedelta(days=d), a, "pay",
                                days_before=3, days_after=3,
                                payees=("Sally Jones" if i % 2 else "Tom Reed",))
                    for i, (a, d) in enumerate(wanted)]
    lines = [BankLine(i + 1, base + timedelta(days=d), a, name)
             for i, (a, d, name) in enumerate(seen)]
    result = match(expectations, lines)
    used_lines = [p.line.id for p in result.pairings]
    used_keys = [p.expectation.key for p in result.pairings]
    assert len(used_lines) == len(set(used_lines)) and len(used_keys) == len(set(used_keys))
    for p in result.pairings:
        e = p.expectation
        assert p.line.amount_pence == e.amount_pence
        assert e.first_day <= p.line.date <= e.last_day
    assert len(result.pairings) + len(result.not_seen) == len(expectations)
    assert len(result.pairings) + len(result.not_expected) == len(lines)
    # nothing left over could have been paired
    for e in result.not_seen:
        assert not any(e.takes_amount(ln.amount_pence) and e.first_day <= ln.date <= e.last_day
                       for ln in result.not_expected)
    shuffled_e, shuffled_l = list(expectations), list(lines)
    shuffle.shuffle(shuffled_e)
    shuffle.shuffle(shuffled_l)
    assert match(shuffled_e, shuffled_l) == result


def test_a_habit_is_not_missing_when_its_payment_pays_what_is_owed() -> None:
    habit = Expectation("line:1:2026-03:0:SALLY JONES", "regular_payee", date(2026, 3, 1),
                        -100000, "a regular payment from the plan line “PA wages”",
                        days_before=0, days_after=30, amount_max_pence=-150000,
                        payees=("SALLY JONES",), payee_required=True, soft=True)
    paid = BankLine(1, D, -122156, "SALLY JONES")
    result = match([habit, net_pay()], [paid])
    assert [p.expectation.key for p in result.pairings] == ["due:1"]
    assert result.left_over == 0
    # confirmed by a person, the same
    assert match([habit, net_pay()], [paid], fixed={"due:1": 1}).left_over == 0
    # a habit with nothing there at all is missing
    assert [e.key for e in match([habit], []).not_seen] == [habit.key]
    # and one that is not soft is missing even when its line pays another
    hard = Expectation(habit.key, "regular_payee", habit.due, -100000, "x", days_before=0,
                       days_after=30, amount_max_pence=-150000, payees=("SALLY JONES",),
                       payee_required=True)
    assert [e.key for e in match([hard, net_pay()], [paid]).not_seen] == [hard.key]
