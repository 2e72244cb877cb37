"""Each flag raised on data built to raise it, and not raised on the near misses."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from dpsupport.flags import (
    DEFAULT_LISTS,
    DEFAULT_POLICY,
    Known,
    KnownPayee,
    Line,
    Policy,
    Reader,
    StatementSpan,
    statement_gaps,
    work_out,
)
from dpsupport.flags.rules import (
    cash_withdrawals,
    duplicate_payments,
    prohibited_spend,
    transfers_out,
    unknown_payees,
)

DAY = dt.date(2026, 5, 3)
EWAN = Reader("Ewan")


def line(id: int, amount: int, description: str, *, days: int = 0, kind: str = "",
         payee: str = "", category: str | None = None, plan_line: int | None = None) -> Line:
    return Line(id, DAY + dt.timedelta(days=days), amount, description, payee, kind, category,
                plan_line)


def codes(flags: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in flags]


# --- cash_withdrawal ------------------------------------------------------------------------

def test_a_cash_withdrawal_is_asked_about() -> None:
    [flag] = work_out([line(1, -4000, "LNK TESCO CD 1417 03MAY26")])
    assert flag.code == "cash_withdrawal" and flag.severity == "attention"
    assert flag.transactions == (1,) and flag.amount_pence == 4000
    assert flag.title == "£40.00 cash taken out on 3 May 2026: what was it for?"
    assert "what it paid for" in flag.explanation and "receipt" in flag.next_step


def test_cash_sorted_to_a_plan_line_that_allows_cash_is_not_asked_about() -> None:
    known = Known(cash_plan_lines=frozenset({7}))
    assert work_out([line(1, -4000, "ATM", plan_line=7)], known=known) == []
    assert codes(work_out([line(1, -4000, "ATM", plan_line=8)], known=known)) == \
        ["cash_withdrawal"]


def test_cash_paid_in_and_cash_isas_are_not_withdrawals() -> None:
    assert work_out([line(1, 4000, "CASH DEPOSIT"), line(2, 4000, "LNK 14:32")]) == []
    assert codes(work_out([line(3, -4000, "CASH ISA")])) == ["transfer_out"]


def test_cash_back_says_so() -> None:
    [flag] = cash_withdrawals([line(1, -2350, "TESCO STORES 3297 CASHBACK")])
    assert flag.title.startswith("Cash back in a payment on 3 May 2026")


# --- prohibited_spend -----------------------------------------------------------------------

def test_betting_is_asked_about_and_the_words_are_shown() -> None:
    [flag] = work_out([line(1, -2500, "LADBROKES 1234")])
    assert flag.code == "prohibited_spend"
    assert "looks like betting or gambling" in flag.explanation
    assert "“LADBROKES”" in flag.explanation


@pytest.mark.parametrize("description", [
    "SAINSBURYS SACAT 0602 LADBROKE GROV GBR", "BETTER CARE LTD", "MRS JANE BET",
    "LLOYDS PHARMACY SAINSBURYS", "TESCO STORES 3297"])
def test_near_misses_are_not_prohibited_spend(description: str) -> None:
    assert prohibited_spend([line(1, -2500, description)]) == []


def test_a_pa_called_william_hill_is_not_a_bookmaker() -> None:
    pa = Known(payees=(KnownPayee("William Hill", "pa", person=True),))
    assert work_out([line(1, -25000, "WILLIAM HILL WAGES", kind="FPO")], known=pa) == []
    assert codes(work_out([line(1, -25000, "WILLIAM HILL WAGES", kind="FPO")])) == \
        ["prohibited_spend"]


def test_the_funders_policy_decides_what_is_prohibited() -> None:
    wine = [line(1, -1899, "MAJESTIC WINE 12")]
    assert codes(prohibited_spend(wine)) == ["prohibited_spend"]
    allows_wine = Policy(prohibited=DEFAULT_POLICY.prohibited - {"alcohol"})
    assert prohibited_spend(wine, allows_wine) == []
    local = Policy(lists=DEFAULT_LISTS.adding("gambling", "LUCKYS BOOKIES"))
    assert codes(prohibited_spend([line(2, -500, "LUCKYS BOOKIES")], local)) == \
        ["prohibited_spend"]
    with pytest.raises(ValueError):
        Policy(prohibited=frozenset({"groceries"}))


# --- transfer_out ---------------------------------------------------------------------------

def test_a_transfer_to_someone_unknown_is_asked_about() -> None:
    [flag] = work_out([line(1, -20000, "J SMITH", kind="FPO")])
    assert flag.code == "transfer_out"
    assert flag.title == "£200.00 moved to another account on 3 May 2026"


def test_transfers_to_known_payees_hmrc_pensions_and_payroll_are_not() -> None:
    known = Known(payees=(KnownPayee("Sally Jones", "pa", person=True),
                          KnownPayee("Carewatch Ltd", "provider")))
    lines = [line(1, -120000, "S JONES", kind="FPO"),
             line(2, -50000, "CAREWATCH", kind="BP"),
             line(3, -25000, "HMRC - TAXES 7000", kind="FPO"),
             line(4, -4500, "NEST PENSIONS", kind="DD"),
             line(5, -3000, "PENDERELS TRUST PAYROLL", kind="SO")]
    assert work_out(lines, known=known) == []


def test_a_transfer_sorted_as_pa_wages_is_placed() -> None:
    assert work_out([line(1, -20000, "J SMITH", kind="FPO", category="pa_wages")]) == []
    assert codes(work_out([line(1, -20000, "J SMITH", kind="FPO", category="other")])) == \
        ["transfer_out"]


def test_moving_money_to_your_own_savings_says_so() -> None:
    [flag] = transfers_out([line(1, -30000, "Savings", kind="Pot transfer")])
    assert flag.title == "£300.00 moved to your own account on 3 May 2026"
    own = Known(own_accounts=frozenset({"012345 09876543"}))
    [flag] = transfers_out([line(2, -13000, "012345 09876543", kind="Transfer to")], known=own)
    assert "own account" in flag.title
    [flag] = transfers_out([line(2, -13000, "012345 09876543", kind="Transfer to")])
    assert "another account" in flag.title


def test_moves_between_direct_payment_accounts_are_not_flags() -> None:
    known = Known(dp_accounts=frozenset({"012345 09876543"}))
    assert work_out([line(1, -13000, "012345 09876543", kind="Transfer to")], known=known) == []


# --- unknown_payee --------------------------------------------------------------------------

def test_a_payment_over_50_pounds_to_someone_unknown() -> None:
    [flag] = work_out([line(1, -5001, "ACME WIDGETS")])
    assert flag.code == "unknown_payee" and flag.severity == "info"
    assert flag.title == "Who is “ACME WIDGETS”? £50.01 on 3 May 2026"
    assert "over £50.00" in flag.explanation


def test_50_pounds_exactly_is_not_over_50_pounds() -> None:
    assert work_out([line(1, -5000, "ACME WIDGETS")]) == []


def test_the_funder_sets_the_amount() -> None:
    assert unknown_payees([line(1, -5001, "ACME")], Policy(unknown_payee_over_pence=10000)) == []
    assert codes(unknown_payees([line(1, -10001, "ACME")],
                                Policy(unknown_payee_over_pence=10000))) == ["unknown_payee"]


def test_a_regular_payee_is_placed_after_three_earlier_payments() -> None:
    lines = [line(i, -8000, f"GREEN GARDENS {i}", days=30 * i) for i in range(5)]
    flagged = [f.transactions for f in unknown_payees(lines)]
    assert flagged == [(0,), (1,), (2,)]  # the 4th and 5th had 3 payments before them


def test_payments_on_one_day_count_once_towards_regular() -> None:
    lines = [line(i, -8000 - i, "GREEN GARDENS", days=0 if i < 3 else 30) for i in range(4)]
    assert len(unknown_payees(lines)) == 4


def test_a_line_raises_one_of_the_per_line_flags_only() -> None:
    assert codes(work_out([line(1, -9000, "ATM WITHDRAWAL")])) == ["cash_withdrawal"]
    assert codes(work_out([line(1, -9000, "WILLIAM HILL")])) == ["prohibited_spend"]
    assert codes(work_out([line(1, -9000, "J SMITH", kind="FPO")])) == ["transfer_out"]


# --- duplicate_payment ----------------------------------------------------------------------

def test_the_same_amount_to_the_same_payee_7_days_apart_is_a_duplicate() -> None:
    lines = [line(1, -12000, "CAREWATCH LTD 1234"), line(2, -12000, "CAREWATCH LTD 9876", days=7)]
    [flag] = duplicate_payments(lines)
    assert flag.code == "duplicate_payment" and flag.transactions == (1, 2)
    assert flag.title == "Paid twice? £120.00 to “Carewatch Ltd”"
    assert "on 3 May and 10 May 2026" in flag.explanation
    assert flag.amount_pence == 12000


def test_8_days_apart_or_a_penny_different_is_not() -> None:
    assert duplicate_payments([line(1, -12000, "CAREWATCH"),
                               line(2, -12000, "CAREWATCH", days=8)]) == []
    assert duplicate_payments([line(1, -12000, "CAREWATCH"),
                               line(2, -12001, "CAREWATCH", days=1)]) == []
    assert duplicate_payments([line(1, -12000, "CAREWATCH"),
                               line(2, -12000, "HOMECARE", days=1)]) == []


def test_weekly_wages_are_a_rhythm_not_duplicates() -> None:
    weekly = [line(i, -25000, "S JONES", days=7 * i) for i in range(6)]
    assert duplicate_payments(weekly) == []
    # a bank holiday moves one payment a day: still the rhythm
    shifted = [replace(w, date=w.date - dt.timedelta(days=1)) if w.id == 3 else w
               for w in weekly]
    assert duplicate_payments(shifted) == []
    # paid twice in one week inside the rhythm: only that pair
    extra = [*weekly, line(99, -25000, "S JONES", days=15)]
    [flag] = duplicate_payments(extra)
    assert flag.transactions == (2, 99)


def test_a_daily_fare_is_a_rhythm() -> None:
    assert duplicate_payments([line(i, -1200, "TAXI CO", days=i) for i in range(5)]) == []


def test_the_same_bill_three_times_is_one_flag() -> None:
    lines = [line(1, -6000, "ACME"), line(2, -6000, "ACME"), line(3, -6000, "ACME", days=3)]
    [flag] = duplicate_payments(lines)
    assert flag.transactions == (1, 2, 3) and flag.amount_pence == 12000


def test_same_day_duplicates_say_how_many_times() -> None:
    [flag] = duplicate_payments([line(1, -6000, "ACME"), line(2, -6000, "ACME")])
    assert "£60.00 2 times on 3 May 2026" in flag.explanation


def test_small_payments_and_cash_are_not_duplicates() -> None:
    assert duplicate_payments([line(1, -999, "CAFE"), line(2, -999, "CAFE", days=2)]) == []
    assert duplicate_payments([line(1, -2000, "ATM"), line(2, -2000, "ATM", days=2)]) == []
    assert codes(duplicate_payments([line(1, -1000, "CAFE"), line(2, -1000, "CAFE", days=2)])) \
        == ["duplicate_payment"]


# --- statement_gap --------------------------------------------------------------------------

def _spans(*pairs: tuple[int, int]) -> list[StatementSpan]:
    start = dt.date(2026, 1, 1)
    return [StatementSpan(i, start + dt.timedelta(days=a), start + dt.timedelta(days=b))
            for i, (a, b) in enumerate(pairs)]


def test_a_gap_of_36_days_is_a_flag_and_35_is_not() -> None:
    today = dt.date(2026, 3, 20)
    assert statement_gaps(_spans((0, 9), (45, 60)), today) == []  # days 10..44: 35 days
    [flag] = statement_gaps(_spans((0, 9), (46, 60)), today)  # 36 days
    assert flag.code == "statement_gap" and flag.records == (("statement", 0), ("statement", 1))
    assert flag.title == "No bank statement from 11 January 2026 to 15 February 2026"
    assert "36 days" in flag.explanation


def test_overlapping_statements_leave_no_gap() -> None:
    assert statement_gaps(_spans((0, 50), (10, 20), (40, 80)), dt.date(2026, 3, 25)) == []


def test_no_statement_since_keeps_its_evidence_while_the_gap_grows() -> None:
    spans = _spans((0, 30))
    assert statement_gaps(spans, dt.date(2026, 3, 8)) == []  # 1 Feb to 7 Mar: 35 days
    first = statement_gaps(spans, dt.date(2026, 3, 9))
    later = statement_gaps(spans, dt.date(2026, 6, 1))
    assert [f.title for f in first] == ["No bank statement since 1 February 2026"]
    assert [(f.key, f.evidence_key) for f in first] == [(f.key, f.evidence_key) for f in later]


def test_a_gap_before_the_first_statement() -> None:
    [flag] = statement_gaps(_spans((40, 60)), dt.date(2026, 3, 5), since=dt.date(2026, 1, 1))
    assert flag.title == "No bank statement from 1 January 2026 to 9 February 2026"
    assert work_out([], statements=_spans((40, 60)), since=dt.date(2026, 1, 6),
                    today=dt.date(2026, 3, 5)) == []


# --- readers, evidence ----------------------------------------------------------------------

LINES = [line(1, -4000, "ATM"), line(2, -2500, "BET365"), line(3, -20000, "J SMITH", kind="SO"),
         line(4, -7000, "ACME"), line(5, -6000, "ACME"), line(6, -6000, "ACME", days=1)]


def test_the_holder_reads_you_and_staff_read_the_holders_name() -> None:
    mine, staff = work_out(LINES), work_out(LINES, reader=EWAN)
    assert codes(mine) == codes(staff)
    for flag in mine:
        text = f"{flag.title} {flag.explanation} {flag.next_step}"
        assert "Ewan" not in text
    for flag in staff:
        text = f"{flag.title} {flag.explanation} {flag.next_step}"
        assert "Ewan" in text and " your " not in text and "Tell us" not in text
    assert [(f.key, f.evidence_key) for f in mine] == [(f.key, f.evidence_key) for f in staff]


def test_money_and_dates_are_written_for_people() -> None:
    [flag] = work_out([line(1, -123456, "ACME WIDGETS LTD", days=-2)])
    assert "£1,234.56" in flag.title and "1 May 2026" in flag.title


def test_the_evidence_key_changes_only_with_the_evidence() -> None:
    [before] = work_out([line(1, -4000, "ATM")])
    [again] = work_out([line(1, -4000, "ATM")])
    [changed] = work_out([line(1, -5000, "ATM")])
    [moved] = work_out([line(1, -4000, "ATM", days=1)])
    assert before.evidence_key == again.evidence_key
    assert before.key == changed.key == moved.key == "cash_withdrawal:1"
    assert len({before.evidence_key, changed.evidence_key, moved.evidence_key}) == 3


def test_a_duplicate_reopens_when_a_third_payment_joins_it() -> None:
    two = duplicate_payments([line(1, -6000, "ACME"), line(2, -6000, "ACME", days=1)])
    three = duplicate_payments([line(1, -6000, "ACME"), line(2, -6000, "ACME", days=1),
                                line(3, -6000, "ACME", days=3)])
    assert two[0].key == three[0].key and two[0].evidence_key != three[0].evidence_key


def test_money_must_be_int_pence() -> None:
    with pytest.raises(TypeError):
        Line(1, DAY, -40.0, "ATM")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Line(1, dt.datetime(2026, 5, 3, 12), -4000, "ATM")
    with pytest.raises(TypeError):
        Policy(unknown_payee_over_pence=50.0)  # type: ignore[arg-type]


# --- payee_details_changed ------------------------------------------------------------------

def test_a_known_payee_paid_to_new_bank_details() -> None:
    sally = Known(payees=(KnownPayee("Sally Jones", "pa", person=True,
                                     account="30-96-29 20681668"),))
    same = line(1, -25000, "S JONES 309629 20681668", kind="FPO")
    assert work_out([same], known=sally) == []
    [flag] = work_out([line(2, -25000, "S JONES 401234 11112222", kind="FPO")], known=sally)
    assert flag.code == "payee_details_changed" and flag.severity == "attention"
    assert flag.title == "New bank details for Sally Jones on 3 May 2026"
    assert "scam" in flag.explanation and "by phone" in flag.next_step


def test_a_payee_not_in_the_records_compared_with_their_last_payment() -> None:
    lines = [line(1, -9000, "GREEN GARDENS 309629 20681668", kind="FPO"),
             line(2, -9000, "GREEN GARDENS 309629 20681668", kind="FPO", days=30),
             line(3, -9000, "GREEN GARDENS 401234 11112222", kind="FPO", days=60)]
    changed = [f for f in work_out(lines) if f.code == "payee_details_changed"]
    assert [f.transactions for f in changed] == [(2, 3)]
    assert "the account paid on 2 June 2026" in changed[0].explanation


def test_numbers_alone_are_not_a_payee_to_compare() -> None:
    lines = [line(1, -9000, "012345 09876543", kind="Transfer to"),
             line(2, -9000, "012345 11112222", kind="Transfer to", days=3)]
    assert [f for f in work_out(lines) if f.code == "payee_details_changed"] == []


# --- review_due -----------------------------------------------------------------------------

FIRST_REVIEW = dt.date(2026, 6, 30)


def test_the_review_is_raised_28_days_before_it_is_due() -> None:
    from dpsupport.flags.rules import review_due
    assert review_due(FIRST_REVIEW, 12, dt.date(2026, 6, 1)) == []
    [flag] = review_due(FIRST_REVIEW, 12, dt.date(2026, 6, 2))
    assert (flag.severity, flag.title) == ("info", "Your direct payment review is due on "
                                                   "30 June 2026")
    [late] = review_due(FIRST_REVIEW, 12, dt.date(2026, 7, 1), reader=EWAN)
    assert (late.severity, late.title) == ("attention", "Ewan’s direct payment review was "
                                                        "due on 30 June 2026")
    assert late.key == flag.key == "review_due:2026-06-30"


def test_a_recorded_review_meets_its_own_date_only() -> None:
    from dpsupport.flags.rules import review_due
    assert review_due(FIRST_REVIEW, 12, dt.date(2026, 7, 5),
                      last_review=dt.date(2026, 7, 1)) == []
    [flag] = review_due(FIRST_REVIEW, 12, dt.date(2027, 6, 3), last_review=dt.date(2026, 7, 1))
    assert flag.key == "review_due:2027-06-30"  # the late 2026 review is not 2027's
    assert review_due(FIRST_REVIEW, 12, dt.date(2027, 6, 3),
                      last_review=dt.date(2027, 5, 1)) == []


def test_work_out_includes_the_review_when_asked() -> None:
    flags = work_out([], today=dt.date(2026, 6, 10), first_review=FIRST_REVIEW, agreement=4)
    assert [(f.code, f.records) for f in flags] == [("review_due", (("agreement", 4),))]


def test_a_pa_whose_surname_is_bet() -> None:
    paid = [line(1, -25000, "J BET WAGES", kind="FPO")]
    assert codes(work_out(paid)) == ["transfer_out"]  # asked who it is: never "betting"
    pa = Known(payees=(KnownPayee("Jane Bet", "pa", person=True),))
    assert work_out(paid, known=pa) == []
