"""Sorting the payments not sorted yet, by who they were to or from: the groups, the all or
nothing save, and the page (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.models import Account, AuditEvent, BudgetLine, Holder, Transaction
from dpsupport.services import audit, sorting
from dpsupport.services.records import RecordError

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

UNSORTED = [  # (date, pence, payee, description)
    (date(2026, 5, 2), -1250, "Tesco Stores", None),
    (date(2026, 5, 9), -2000, None, "TESCO STORES."),  # another spelling, no payee
    (date(2026, 5, 20), -775, "TESCO STORES", None),
    (date(2026, 5, 21), 400, "Tesco Stores", None),  # money back: a group of its own
    (date(2026, 5, 3), -8000, "Sunrise Taxis", None),
]


def _holder(session: Session) -> tuple[Holder, Account, BudgetLine]:
    org = create_org(session)
    holder = create_holder(session, org)
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    line = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == holder.id))
    assert account is not None and line is not None
    for day, pence, payee, description in UNSORTED:
        session.add(Transaction(holder_id=holder.id, account_id=account.id, date=day,
                                amount_pence=pence, payee=payee, description=description))
    session.commit()
    return holder, account, line


def _categories(session: Session, holder: Holder) -> list[tuple[int, str | None]]:
    session.rollback()
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Transaction.amount_pence, Transaction.category)
        .where(Transaction.holder_id == holder.id).order_by(Transaction.date,
                                                            Transaction.amount_pence))]


def test_groups_join_spellings_and_keep_directions_apart(session: Session) -> None:
    holder, _account, _line = _holder(session)
    groups = sorting.unsorted_groups(session, holder)
    assert [(g.key, g.count, g.total_pence, g.first, g.last) for g in groups] == [
        ("out:TESCO STORES", 3, 4025, date(2026, 5, 2), date(2026, 5, 20)),
        ("out:SUNRISE TAXIS", 1, 8000, date(2026, 5, 3), date(2026, 5, 3)),  # more money
        ("in:TESCO STORES", 1, 400, date(2026, 5, 21), date(2026, 5, 21)),
    ]
    assert sorting.unsorted_count(session, holder) == 5
    # the label is a spelling the statement used
    assert groups[0].label in ("Tesco Stores", "TESCO STORES.", "TESCO STORES")


def test_sorting_a_group_sorts_every_payment_in_it_and_nothing_else(session: Session) -> None:
    holder, _account, line = _holder(session)
    with audit.acting_as(audit.Actor(None, "Test")):
        done = sorting.sort_payments(session, holder, [
            sorting.Choice("out:TESCO STORES", "other", None),
            sorting.Choice("out:SUNRISE TAXIS", "day_activities", line.id)])
    session.commit()
    assert done == 4
    assert sorting.unsorted_count(session, holder) == 1  # the money back from Tesco
    taxis = session.scalar(select(Transaction).where(Transaction.payee == "Sunrise Taxis"))
    assert taxis is not None and taxis.budget_line_id == line.id
    tesco_out = session.scalars(select(Transaction.category).where(
        Transaction.amount_pence.in_([-1250, -2000, -775]))).all()
    assert tesco_out == ["other"] * 3
    # every change is in the trail
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "money_transaction", AuditEvent.action == "changed")) == 4


@pytest.mark.parametrize("choice, message", [
    (sorting.Choice("out:TESCO STORES", "council_payment", None), "money coming in"),
    (sorting.Choice("out:TESCO STORES", "made_up", None), "Select a category"),
    (sorting.Choice("sideways:TESCO STORES", "other", None), "has changed"),
    (sorting.Choice("out:tesco stores", "other", None), "has changed"),
])
def test_a_bad_choice_changes_nothing(session: Session, choice: sorting.Choice,
                                      message: str) -> None:
    holder, _account, _line = _holder(session)
    before = _categories(session, holder)
    with pytest.raises(RecordError, match=message):
        sorting.sort_payments(session, holder, [
            sorting.Choice("out:SUNRISE TAXIS", "other", None), choice])
    assert _categories(session, holder) == before


def test_a_plan_line_of_someone_else_is_refused(session: Session) -> None:
    holder, _account, _line = _holder(session)
    other = create_holder(session, create_org(session, "Elsewhere"), "Someone Else")
    theirs = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == other.id))
    assert theirs is not None
    with pytest.raises(RecordError, match="support plan"):
        sorting.sort_payments(session, holder, [
            sorting.Choice("out:SUNRISE TAXIS", "other", theirs.id)])


def _signed_in(app, session, role: str = "support_worker"):  # type: ignore[no-untyped-def]
    """The holder with unsorted payments, someone in ``role`` for them signed in, and the
    sorting page's URL."""
    holder, _account, line = _holder(session)
    person = create_user(session, holder.organisation, role)
    grant(session, holder, person, role)
    session.commit()
    client = app.test_client()
    sign_in(client, person)
    return holder, line, client, f"/holders/{holder.id}/transactions/sort"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_sorts_by_name(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, line, client, url = _signed_in(app, session)
    listing = _text(client.get(f"/holders/{holder.id}/transactions").get_data(as_text=True))
    assert "5 payments are not sorted yet. Sort payments by who they were to or from" in listing
    money = _text(client.get(f"/holders/{holder.id}").get_data(as_text=True))
    assert ("5 payments are not sorted yet, so the budget may not show them against the "
            "right part of the plan. Sort payments by who they were to or from") in money
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    text = _text(html)
    assert "5 payments are not sorted yet" in text
    assert "3 payments out, £40.25 in all, 2 May 2026 to 20 May 2026" in text
    assert "1 payment in, £4.00 in all, on 21 May 2026" in text
    assert "Money back on:" in html  # money in may be money back on spending
    keys = re.findall(r'name="group-(\d+)-key" value="([^"]+)"', html)
    assert [k for _, k in keys] == ["out:TESCO STORES", "out:SUNRISE TAXIS", "in:TESCO STORES"]

    done = post(client, url, {"group-0-key": "out:TESCO STORES", "group-0-category": "other",
                              "group-0-budget_line": "", "group-2-key": "in:TESCO STORES",
                              "group-2-category": "", "group-2-budget_line": "",
                              "group-1-key": "out:SUNRISE TAXIS",
                              "group-1-category": "day_activities",
                              "group-1-budget_line": str(line.id)})
    assert done.status_code == 302 and done.headers["Location"].endswith(url)  # one left
    again = _text(client.get(url).get_data(as_text=True))
    assert "Sorted 4 payments." in again and "1 payment is not sorted yet" in again
    assert [c for _, c in _categories(session, holder)].count(None) == 1

    last = post(client, url, {"group-0-key": "in:TESCO STORES", "group-0-category": "refund",
                              "group-0-budget_line": ""})
    assert last.headers["Location"].endswith(f"/holders/{holder.id}/transactions")
    assert "Every payment is sorted" in client.get(url).get_data(as_text=True)


def test_the_page_explains_what_is_wrong_and_saves_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, line, client, url = _signed_in(app, session)
    before = _categories(session, holder)
    nothing = post(client, url, {"group-0-key": "out:TESCO STORES", "group-0-category": "",
                                 "group-0-budget_line": ""})
    assert nothing.status_code == 400
    html = nothing.get_data(as_text=True)
    assert "Choose a category for at least one name" in html
    assert 'href="#group-0-category"' in html

    mixed = post(client, url, {
        "group-0-key": "out:TESCO STORES", "group-0-category": "other",
        "group-0-budget_line": "",
        "group-1-key": "out:SUNRISE TAXIS", "group-1-category": "council_payment",
        "group-1-budget_line": "",
        "group-2-key": "in:TESCO STORES", "group-2-category": "",
        "group-2-budget_line": str(line.id)})
    assert mixed.status_code == 400
    text = _text(mixed.get_data(as_text=True))
    assert "There is a problem" in text
    assert "Sunrise Taxis: That category is for money coming in" in text
    assert "Choose a category for Tesco Stores, or leave its plan line empty" in text
    assert 'selected>Other' in mixed.get_data(as_text=True)  # the good choice is kept
    assert _categories(session, holder) == before  # all or nothing

    gone = post(client, url, {"group-0-key": "out:NOBODY", "group-0-category": "other",
                              "group-0-budget_line": ""})
    assert gone.status_code == 400
    assert "The list of payments has changed" in gone.get_data(as_text=True)
    assert _categories(session, holder) == before


def test_someone_who_only_looks_cannot_sort(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, _line, client, url = _signed_in(app, session, "finance_officer")
    assert client.get(url).status_code == 403
    listing = client.get(f"/holders/{holder.id}/transactions").get_data(as_text=True)
    assert "Sort payments by who" not in listing
    assert "Sort payments by who" not in client.get(f"/holders/{holder.id}").get_data(as_text=True)


def test_sorted_before_takes_the_latest_sorting_of_each_payee(session: Session) -> None:
    holder, account, line = _holder(session)
    for day, pence, payee, category, line_id in [
        (date(2026, 3, 1), -500, "Sunrise Taxis", "other", None),
        (date(2026, 4, 1), -500, "SUNRISE TAXIS.", "day_activities", line.id),  # latest
        (date(2026, 4, 2), 500, "Sunrise Taxis", "refund", None),  # money back: its own
        (date(2026, 4, 3), -700, None, "equipment", None),  # no name: says nothing
    ]:
        session.add(Transaction(holder_id=holder.id, account_id=account.id, date=day,
                                amount_pence=pence, payee=payee, category=category,
                                budget_line_id=line_id))
    session.commit()
    found = sorting.sorted_before(session, account.id)
    assert found[("SUNRISE TAXIS", False)] == ("day_activities", line.id)
    assert found[("SUNRISE TAXIS", True)] == ("refund", None)
    assert all(name != sorting.NO_NAME for name, _ in found)
    # the factory's own sorted payments are there too, and nothing else
    assert set(found) == {("SUNRISE TAXIS", False), ("SUNRISE TAXIS", True),
                          ("TEST COUNCIL", True), ("A PATEL", False)}


def test_a_payee_imported_with_the_banks_codes_is_the_same_payee(session: Session) -> None:
    """Issue 11.9: "BRIGHTSIDE CARE LTD BCC" (a line imported before payees were cleaned)
    is sorted like "Brightside Care Ltd"; the codes of another payee are not taken off."""
    holder, account, line = _holder(session)
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 1),
                            amount_pence=-9000, payee="BRIGHTSIDE CARE LTD ON 25 NOV BCC",
                            category="agency_care", budget_line_id=line.id))
    session.commit()
    found = sorting.sorted_before(session, account.id)
    assert found[("BRIGHTSIDE CARE LTD", False)] == ("agency_care", line.id)
    assert sorting.payee_key("Brightside Care Ltd", None, -100) == ("BRIGHTSIDE CARE LTD", False)
    assert sorting.payee_key("DD MOTORS LTD", None, -100) == ("DD MOTORS LTD", False)


HUGE = -4_000_000_000_000_000_000  # three of these are past 2^63 together


def test_groups_of_huge_amounts_add_up_exactly(session: Session) -> None:
    """Issue 12.3: SQLite's SUM stopped with "integer overflow"; the total is exact."""
    holder, account, _line = _holder(session)
    for day in (1, 2, 3):
        session.add(Transaction(holder_id=holder.id, account_id=account.id,
                                date=date(2026, 6, day), amount_pence=HUGE + day,
                                payee="Big Spender"))
    session.commit()
    big = next(g for g in sorting.unsorted_groups(session, holder)
               if g.key == "out:BIG SPENDER")
    assert (big.count, big.total_pence) == (3, 3 * -HUGE - 6)
