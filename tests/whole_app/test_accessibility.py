"""Every page, for every kind of user, passes axe-core (WCAG 2.2 A and AA) in a real
headless browser (Debian's chromium; `.ci/run` installs it when missing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from dpsupport.models import Account, BudgetLine, HolderAccess, Transaction, User
from dpsupport.services import (
    audit,
    employment,
    flags,
    holiday,
    imports,
    reconcile,
    reviews,
    sickness,
    sorting,
    sorting_rules,
    timesheets,
)
from dpsupport.services.access import visible_holders
from dpsupport.services.demo import DEMO_PASSWORD, load_demo

from ..support.browser import browse, needs_browser
from ..support.payroll_factories import NEST, Pay, pay_run

pytestmark = needs_browser
ADMIN = "alex.morgan@riverside.example"

ROLES = ["sam.okafor@riverside.example", "farah.ahmed@riverside.example",
         "helen.hill@example.org", "jordan.price@example.org", ADMIN]


def _flag_paths(session, email: str, holder) -> list[str]:  # type: ignore[no-untyped-def]
    """The questions list, one question (with, for people who may answer, the answer form
    sent empty) and, for an organisation admin, the funding policy page."""
    h = f"/holders/{holder.id}/questions"
    reads_as_holder = "helen" in email or "jordan" in email
    views = flags.flags_for(session, holder, for_holder=reads_as_holder, open_only=False)
    paths = [h]
    if views:
        paths.append(f"{h}/{views[0].flag.id}")
        if "farah" not in email:
            paths.append(f"submit:{h}/{views[0].flag.id}")
    if email == ADMIN:
        paths += ["/funding-policy", "submit:/funding-policy"]
    return paths


STATEMENT = (b"Date,Description,Amount,Balance\n"
             b"01/05/2025,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n"
             b"03/05/2025,TESCO STORES,-12.50,987.50\n")
UNREADABLE_LINE = STATEMENT.replace(b"2025", b"2024").replace(b"03/05/2024", b"31/02/2024")
ODD_COLUMNS = b"when;what;howmuch\n2025-06-01;Council;10\n2025-06-02;Shop;-3.20\n"


def _statement_paths(session, user: User, holder_id: int, manages: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """An import to look at and, for people who may import, uploads waiting to be checked."""
    account = session.scalar(select(Account).where(Account.holder_id == holder_id)
                             .order_by(Account.id).limit(1))
    base = f"/holders/{holder_id}/statements"
    with audit.acting_as(audit.Actor(user.id, user.name)):
        done = imports.import_statement(session, account, STATEMENT, "may.csv")
        odd = imports.save_pending(session, account, ODD_COLUMNS, "june.csv")
        bad = imports.save_pending(session, account, UNREADABLE_LINE, "old.csv")
    session.commit()
    line = session.scalar(select(Transaction.id).where(Transaction.import_id == done.import_id)
                          .limit(1))
    # the import, and one payment it added (which shows the line from the bank's file)
    paths = [base, f"{base}/{done.import_id}", f"/holders/{holder_id}/transactions/{line}"]
    if manages:
        paths += [f"{base}/upload", f"submit:{base}/upload", f"{base}/upload/{odd.token}/columns",
                  f"{base}/upload/{bad.token}", f"submit:{base}/upload/{bad.token}"]
    return paths


def _paths(session, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    user = session.scalar(select(User).where(User.email == email))
    holder = session.scalars(visible_holders(user)).first()
    h = f"/holders/{holder.id}"
    tx = session.scalar(select(Transaction).where(Transaction.holder_id == holder.id).limit(1))
    line = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == holder.id).limit(1))
    paths = ["/holders", h, f"{h}/budget", f"{h}/plan", f"{h}/transactions",
             f"{h}/transactions/{tx.id}", f"{h}/agreement", f"{h}/history",
             "/holders/999999"]
    paths.append(f"{h}/who-can-see")
    if "farah" in email:  # the finance officer changes only the funder's terms
        paths.append(f"{h}/agreement/edit")
    else:
        paths += [f"{h}/plan/lines/{line.id}/edit", f"{h}/transactions/{tx.id}/edit",
                  f"submit:{h}/transactions/new",
                  f"submit:{h}/plan/lines/new", f"{h}/transactions/sort"]
        if sorting.unsorted_count(session, holder):  # the form, sent with nothing chosen
            paths.append(f"submit:{h}/transactions/sort")
    paths += ["/account/password", "submit:/account/password"]
    paths += ["/account/question-emails", "submit:/account/question-emails"]
    # two-step sign-in: Farah's is set up (she must use it); the others' is not
    paths += ["/account/two-step", "/account/two-step/set-up",
              "submit:/account/two-step/set-up", "/account/two-step/recovery-codes"]
    if "sam" in email:  # pages for people who cannot sign in yet look the same to everyone
        paths += ["/forgot-password", "submit:/forgot-password", "/forgot-password/sent",
                  "/demo-mail", "/reset-password/no-such-link"]
    if any(m.role in ("support_worker", "org_admin") for m in user.memberships):
        paths += [f"{h}/invite", f"submit:{h}/invite"]
    if any(m.role == "org_admin" for m in user.memberships):
        paths += ["/organisation/staff/invite", "submit:/organisation/staff/invite"]
        # the organisation's own pages (issue 15): staff, who sees what, adding a holder, and
        # on a holder's records their support worker, a representative's authority, and
        # taking access away
        sam = session.scalar(select(User).where(User.email == "sam.okafor@riverside.example"))
        rep = session.scalar(select(HolderAccess).where(HolderAccess.holder_id == holder.id,
                                                        HolderAccess.role == "representative"))
        paths += ["/organisation", "/organisation/holders/new",
                  "submit:/organisation/holders/new", f"/organisation/staff/{sam.id}/remove",
                  f"{h}/support", f"{h}/access/{rep.id}/remove",
                  f"{h}/access/{rep.id}/authority"]
    paths += _flag_paths(session, email, holder)
    return (paths + _statement_paths(session, user, holder.id, "farah" not in email)
            + _employment_paths(session, user, holder, "farah" not in email)
            + _reconcile_paths(session, user, holder, "farah" not in email)
            + _review_paths(session, user, holder))


def _review_paths(session, user: User, holder) -> list[str]:  # type: ignore[no-untyped-def]
    """A review under way with a question about a payment: the reviews, the review (with
    the officer's forms, the first sent empty), the answer page for the holder's side, and
    the reviews due."""
    found = reviews.open_review(session, holder)
    if found is None:
        tx = session.scalar(select(Transaction).where(Transaction.holder_id == holder.id,
                                                      Transaction.amount_pence < 0)
                            .order_by(Transaction.date.desc()).limit(1))
        with audit.acting_as(audit.Actor(None, "A finance officer")):
            found = reviews.start(session, holder, tx.date - timedelta(days=30), tx.date)
            reviews.ask(session, holder, found.id, "What was this for?",
                        transaction_id=tx.id)
        session.commit()
    base = f"/holders/{holder.id}/reviews"
    paths = [base, f"{base}/{found.id}", "/reviews-due"]
    if any(m.role in ("finance_officer", "org_admin") for m in user.memberships):
        paths.append(f"submit:{base}/{found.id}")  # the question, sent empty
    question = found.questions[0] if found.questions else None
    role = next((a.role for a in holder.access if a.user_id == user.id), None)
    if question is not None and role in ("holder", "representative"):
        answer = f"{base}/questions/{question.id}/answer"
        paths += [answer, f"submit:{answer}"]
    return paths


def _reconcile_paths(session, user: User, holder, manages: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Reconciliation: the months, the latest month (a match confirmed, so both kinds of
    button show), the change page, and sorting rules with one rule of the holder's."""
    tx = session.scalar(select(Transaction).where(Transaction.holder_id == holder.id)
                        .order_by(Transaction.date.desc(), Transaction.id.desc()).limit(1))
    with audit.acting_as(audit.Actor(user.id, user.name)):
        reconcile.mark_not_expected(session, holder, tx.id)
        rule = sorting_rules.add_rule(session, holder, "holder", sorting_rules.RuleInput(
            "NEST", "out", "employer_costs", None))
    session.commit()
    h = f"/holders/{holder.id}"
    base = f"{h}/reconcile"
    paths = [base, f"{base}/accounts/{tx.account_id}/{tx.date.year}/{tx.date.month}",
             f"{h}/sorting-rules"]
    if manages:
        paths += [f"{base}/payments/{tx.id}/change", f"submit:{h}/sorting-rules/new",
                  f"{h}/sorting-rules/{rule.id}/edit"]
    return paths


def _employment_paths(session, user: User, holder, manages: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """A PA with two versions of a contract (one rate below the minimum wage, so the warning
    shows) and, for people who may change them, the forms empty and sent with mistakes."""
    with audit.acting_as(audit.Actor(user.id, user.name)):
        pa = employment.add_employment(session, holder, employment.EmploymentInput(
            name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number="AB123456C",
            address="1 High Street", start_date=date(2025, 4, 6), leaving_date=None,
            starter_statement="B", tax_code=None, ni_category=None, student_loan_plan="2",
            postgraduate_loan=False, close_relative_in_household=False,
            council_approval_reference=None))
        terms = employment.ContractInput(
            effective_date=date(2025, 4, 6), pay_frequency="monthly", pay_day="last Friday",
            day_rate_pence=1000, night_rate_pence=1300, weekend_rate_pence=None,
            bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
            weekly_minutes=960, holiday_year_start=date(2025, 4, 6), pension_scheme="NEST",
            pension_employee_bp=500, pension_employer_bp=300,
            written_statement_date=date(2025, 4, 6), right_to_work_date=None,
            dbs_check_date=None)
        employment.add_contract_version(session, holder, pa.id, terms)
        employment.add_contract_version(session, holder, pa.id, replace(
            terms, effective_date=date(2025, 10, 1), hours_kind="irregular"))
        # holiday booked (over a bank holiday) and a spell off sick, so the tables show
        holiday.book_holiday(session, holder, pa.id, date(2026, 8, 28), date(2026, 9, 1), 960)
        sickness.record_spell(session, holder, pa.id, date(2026, 9, 7), date(2026, 9, 11), "01234")
        # a week with overlapping shifts (the checks show) and an approved week before it
        for day, start, end, kind in ((date(2025, 5, 5), 9, 17, "day"),
                                      (date(2025, 5, 6), 22, 7, "night"),
                                      (date(2025, 5, 7), 6, 10, "day"),
                                      (date(2025, 4, 28), 9, 12, "day")):
            timesheets.add_shift(session, holder, pa.id, timesheets.ShiftInput(
                day, time(start), time(end), 0, kind))
        timesheets.approve_period(session, holder, pa.id, date(2025, 4, 28), date(2025, 5, 4),
                                  user)
        bad = timesheets.keep_upload(session, holder, "week.csv", timesheets.read_upload(
            session, holder, b"PA,Date,Start,End,Break,Kind\nSally Pope,05/05/2025,09:00,"
            b"25:00,,day\nSally Pope,06/05/2025,09:00,12:00,,day\n", "week.csv"))
    session.commit()
    base = f"/holders/{holder.id}/employing"
    soon = date.today() + timedelta(days=7)
    # the money page now shows what is owed and the what-if; the what-if's answer and its
    # messages (issue 13)
    what_if = f"/holders/{holder.id}/what-if"
    paths = [base, f"{base}/{pa.id}", f"/holders/{holder.id}",
             f"{what_if}?employment={pa.id}&direction=more&hours=4&start-day={soon.day}"
             f"&start-month={soon.month}&start-year={soon.year}",
             f"{what_if}?employment={pa.id}&direction=more&hours=lots",
             f"{base}/{pa.id}/holiday", f"{base}/{pa.id}/sickness"]
    sheets = f"/holders/{holder.id}/timesheets"
    week = f"/holders/{holder.id}/employment/{pa.id}/timesheet"
    paths += [sheets, f"{week}?week=2025-05-05", f"{week}?week=2025-04-28", f"{sheets}/export"]
    if manages:
        paths += [f"{base}/employer", f"submit:{base}/new", f"{base}/{pa.id}/edit",
                  f"submit:{base}/{pa.id}/contract", f"submit:{base}/{pa.id}/holiday/book",
                  f"submit:{base}/{pa.id}/holiday/change", f"submit:{base}/{pa.id}/sickness/new",
                  f"{sheets}/upload", f"submit:{sheets}/upload",
                  f"{sheets}/upload/check?ref={bad.token}"]
    return paths + _payroll_paths(session, holder, pa, manages)


def _payroll_paths(session, holder, pa, manages: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """That PA paid in April 2025 (approved: its payslip, what to pay, the figures for HMRC,
    the year-end summary) and May 2025 (a draft, and its approve form sent unticked)."""
    april = pay_run(session, holder, [Pay(pa, 64 * 60, 1000, NEST)], year=2025, month=4)
    may = pay_run(session, holder, [Pay(pa, 70 * 60, 1000, NEST)], year=2025, month=5,
                  approved=False)
    session.commit()
    base = f"/holders/{holder.id}/pay"
    paths = [base, f"{base}/{april.id}", f"{base}/{may.id}",
             f"{base}/payslips/{april.payslips[0].id}", f"{base}/payments",
             f"{base}/hmrc?year=2025", f"{base}/year-end", f"{base}/year-end/2025/{pa.id}"]
    if manages:
        paths.append(f"submit:{base}/{may.id}")
    return paths


@pytest.mark.parametrize("email", ROLES)
def test_pages_pass_axe(app, session, email: str) -> None:  # type: ignore[no-untyped-def]
    load_demo(session)
    session.commit()
    paths = _paths(session, email)
    pages = browse(app, "axe_pages.js", email, DEMO_PASSWORD, paths)
    assert len(pages) == len(paths) + 1, pages[-3:]
    problems = [(p["page"], v["id"], v["help"], v["targets"]) for p in pages
                for v in p["violations"]]
    assert not problems, problems
    spills = [(p["page"], p["reflow"]["width"], p["reflow"]["spill"]) for p in pages
              if p["reflow"]["width"] > 320]
    assert not spills, f"pages wider than a 320-pixel screen: {spills}"
