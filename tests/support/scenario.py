"""A standard world for route-walking tests: organisation A with one holder and a person in
every role, organisation B with its own admin and holder (the outsider), and a council that
funds A's holder, with a finance officer of its own (who sees that holder and nothing else).
A also has a spare support worker and a spare representative, for the admin's pages that take
someone off the staff or take their access away."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dpsupport.models import (
    Account,
    Attachment,
    BudgetLine,
    EmployerDetails,
    Flag,
    HolderAccess,
    Organisation,
    PaymentDue,
    PayRun,
    Review,
    ReviewQuestion,
    SortingRule,
    Transaction,
    User,
)
from dpsupport.models.payroll import PendingTimesheet, Shift, TimesheetApproval
from dpsupport.services import (
    accounts,
    employment,
    flags,
    holiday,
    imports,
    payruns,
    sickness,
    timesheets,
)
from dpsupport.services.records import add_attachment
from dpsupport.statements import ColumnMapping

from .factories import create_holder, create_org, create_user, grant
from .payroll_factories import Pay, pay_run

ROLES = ("holder", "representative", "support_worker", "finance_officer", "org_admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A statement the reader recognises on its own (imported into the world, so it can be undone)
STATEMENT_CSV = (b"Date,Description,Amount,Balance\n"
                 b"01/05/2026,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n"
                 b"03/05/2026,TESCO STORES,-12.50,987.50\n")
# ...and one whose columns the person has to choose (date, description, amount)
ODD_CSV = b"when;what;howmuch\n2026-06-01;Council;10\n2026-06-02;Shop;-3.20\n"
ODD_MAPPING = ColumnMapping(date="when", amount="howmuch", description=("what",),
                            date_format="ymd")


@dataclass
class World:
    holder_id: int
    other_holder_id: int
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    # The finance officer of the council that funds holder_id (a member of the council only).
    council_officer: User | None = None
    ids: dict[str, int] = field(default_factory=dict)
    # A fresh pending upload (its token) each time a route needs one: confirming or
    # cancelling uses one up.
    new_token: Callable[[], str] | None = None
    # A fresh secret for an emailed link ("reset" or "invite"): each works once.
    new_link: Callable[[str], str] | None = None
    # The holder has delegated payroll to their organisation, so staff may approve
    # timesheets (the access policy's [delegated] pages).
    payroll_delegated: bool = True


# Timesheet uploads waiting in the world (post_cases.py confirms one and cancels the other).
TIMESHEET_TO_CONFIRM = "world-timesheet-upload-to-confirm"
TIMESHEET_TO_CANCEL = "world-timesheet-upload-to-cancel"


def build_world(session: Session) -> World:
    org_a, org_b = create_org(session, "Org A"), create_org(session, "Org B")
    holder = create_holder(session, org_a, "Alice Andrews", start=date(2026, 4, 6))
    other = create_holder(session, org_b, "Bob Brown", start=date(2026, 4, 6))
    world = World(holder.id, other.id)
    for role in ROLES:
        user = create_user(session, org_a, role, email=f"{role}@a.example", name=f"A {role}")
        if role != "org_admin":
            grant(session, holder, user, role)
        world.users[role] = user
    world.outsider = create_user(session, org_b, "org_admin", email="admin@b.example",
                                 name="B admin")
    council = create_org(session, "Northshire Council", kind="council")
    holder.funder_organisation_id = council.id
    world.council_officer = create_user(session, council, "finance_officer",
                                        email="finance@council.example", name="C finance officer")
    spare_worker = create_user(session, org_a, "support_worker", email="spare@a.example",
                               name="A spare worker")
    grant(session, holder, spare_worker, "support_worker")
    spare_rep = create_user(session, org_a, "representative", email="rita@a.example",
                            name="Rita Relative")
    grant(session, holder, spare_rep, "representative")
    rep_grant = session.scalar(select(HolderAccess).where(HolderAccess.user_id == spare_rep.id))
    assert rep_grant is not None
    rep_grant.representative_type = "parent"
    tx = session.scalar(select(Transaction).where(Transaction.holder_id == holder.id,
                                                  Transaction.amount_pence < 0))
    line = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == holder.id))
    assert tx is not None and line is not None
    add_attachment(session, holder, tx, "receipt.png", PNG)
    session.flush()
    attachment = session.scalar(select(Attachment).where(Attachment.holder_id == holder.id))
    assert attachment is not None
    spare_line = BudgetLine(holder_id=holder.id, category="other", label="Spare",
                            planned_pence=1000)
    session.add(spare_line)
    session.flush()
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    assert account is not None
    # a payment typed in but not sorted yet (for the sorting page)
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 20),
                            amount_pence=-350, payee="Corner Shop"))
    # cash taken out: a question (flag) for the holder
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 5, 3),
                            amount_pence=-4000, payee="Cash machine",
                            description="LINK 14:32 03MAY"))
    done = imports.import_statement(session, account, STATEMENT_CSV, "may.csv")  # by the system
    assert done.import_id is not None
    pa = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
        start_date=date(2026, 4, 6), leaving_date=None, starter_statement="A", tax_code=None,
        ni_category=None, student_loan_plan=None, postgraduate_loan=False,
        close_relative_in_household=False, council_approval_reference=None))
    employment.add_contract_version(session, holder, pa.id, employment.ContractInput(
        effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
        day_rate_pence=1300, night_rate_pence=1400, weekend_rate_pence=None,
        bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
        weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
        pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
        right_to_work_date=None, dbs_check_date=None))
    session.add(EmployerDetails(holder_id=holder.id, payroll_by_organisation=True))
    booked = holiday.book_holiday(session, holder, pa.id, date(2026, 8, 3), date(2026, 8, 4),
                                  8 * 60).entry
    # off sick in May (its Statutory Sick Pay is in May's pay run), and in September (after
    # the paid months: the spell the "remove" case takes away)
    sickness.record_spell(session, holder, pa.id, date(2026, 5, 11), date(2026, 5, 13), "01234")
    spell = sickness.record_spell(session, holder, pa.id, date(2026, 9, 14),
                                  date(2026, 9, 16), "01234")
    # Reconciliation: PAYE owed for tax month 1 of 2026, paid from the account in April
    # ("hmrc:2026:1"), and a sorting rule of the holder's own.
    run = PayRun(holder_id=holder.id, frequency="monthly", period_start=date(2026, 4, 6),
                 period_end=date(2026, 5, 5), pay_date=date(2026, 4, 30), tax_period=1,
                 status="approved")
    session.add(run)
    session.flush()
    session.add(PaymentDue(holder_id=holder.id, pay_run_id=run.id, kind="hmrc", payee="HMRC",
                           amount_pence=10000, due_date=date(2026, 5, 22), tax_year=2026,
                           tax_month=1))
    paye = Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 30),
                       amount_pence=-10000, payee="HMRC NDDS")
    rule = SortingRule(holder_id=holder.id, pattern="NEST", direction="out",
                       category="employer_costs")
    session.add_all([paye, rule])
    # A review under way, with a question about the payment above (not answered yet).
    review = Review(holder_id=holder.id, period_start=date(2026, 4, 6),
                    period_end=date(2026, 10, 5), status="questions_asked")
    session.add(review)
    session.flush()
    asked = ReviewQuestion(review_id=review.id, holder_id=holder.id, transaction_id=tx.id,
                           about="A payment in the world", question="What was this payment for?")
    session.add(asked)
    session.flush()
    payroll = _payroll(session, holder, pa.id, world.users["holder"])
    # Timesheets, after the paid months (April to June, see _payroll): a week of July
    # approved (for withdrawing), a shift in August waiting for approval, and two uploads
    # waiting to be confirmed or cancelled.
    timesheets.add_shift(session, holder, pa.id, timesheets.ShiftInput(
        date(2026, 7, 7), time(9), time(17), 30, "day"))
    timesheets.add_shift(session, holder, pa.id, timesheets.ShiftInput(
        date(2026, 8, 4), time(9), time(17), 30, "day"))
    approval = timesheets.approve_period(session, holder, pa.id, date(2026, 7, 6),
                                         date(2026, 7, 12), None)
    for token, day in ((TIMESHEET_TO_CONFIRM, "2026-08-11"), (TIMESHEET_TO_CANCEL, "2026-08-12")):
        session.add(PendingTimesheet(
            token=token, holder_id=holder.id, filename="shifts.xlsx", problems="[]",
            shifts=json.dumps([{"row": 2, "employment_id": pa.id, "pa_name": "Sally Pope",
                                "work_date": day, "start": "08:00", "end": "12:00",
                                "break_minutes": 0, "kind": "day"}])))
    flags.refresh(session, holder)
    flag = session.scalar(select(Flag).where(Flag.holder_id == holder.id,
                                             Flag.code == "cash_withdrawal"))
    assert flag is not None
    world.ids = {**payroll, "flag_id": flag.id, "approval_id": approval.id, "payment_id": paye.id, "account_id": account.id, "year": 2026, "month": 4,
                 "rule_id": rule.id, "employment_id": pa.id, "entry_id": booked.id,
                 "spell_id": spell.id, "transaction_id": tx.id, "line_id": spare_line.id,
                 "used_line_id": line.id,
                 "attachment_id": attachment.id, "import_id": done.import_id,
                 "person_id": spare_worker.id, "access_id": rep_grant.id,
                 "review_id": review.id, "question_id": asked.id}
    session.commit()
    engine, account_id, org_a_id = session.get_bind(), account.id, org_a.id

    def new_token() -> str:
        with Session(bind=engine) as s:
            acct = s.get(Account, account_id)
            assert acct is not None
            row = imports.save_pending(s, acct, ODD_CSV, "june.csv", ODD_MAPPING)
            token = row.token
            s.commit()
        return token

    world.new_token = new_token

    def new_link(purpose: str) -> str:
        """A fresh emailed link (reset or invitation) for a new person in organisation A."""
        with Session(bind=engine) as s:
            org = s.get(Organisation, org_a_id)
            assert org is not None
            n = s.scalar(select(func.count()).select_from(User)) or 0
            person = create_user(s, org, "support_worker", email=f"linked{n}@a.example")
            secret = accounts._new_link(s, person, purpose, None)
            s.commit()
        return secret

    world.new_link = new_link
    return world


def _payroll(session: Session, holder, pa_id: int, approver: User) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Sally's pay (her contract is added by build_world first): April 2026 paid in an approved pay run (its payslip and
    payments due), approved shifts in April, May and June, and May's pay run as a draft (worked out
    by the pay run engine when it is here, so approving it works). June is left for "Run
    the pay" (post_cases: payroll.draft); April for "Correct this pay run"."""
    pa = employment.employment(session, holder, pa_id)
    assert pa is not None
    # April was paid for 7 hours; her approved timesheet says 8, so April can be corrected
    april = pay_run(session, holder, [Pay(pa, 7 * 60)], month=4)
    for day, first, last in ((date(2026, 4, 20), date(2026, 4, 1), date(2026, 4, 30)),
                             (date(2026, 5, 11), date(2026, 5, 1), date(2026, 5, 31)),
                             (date(2026, 6, 10), date(2026, 6, 1), date(2026, 6, 30))):
        # written directly: the world's set-up needs no audit rows
        session.execute(insert(Shift).values(employment_id=pa_id, work_date=day,
                                             start_time=time(9), end_time=time(17),
                                             break_minutes=0, kind="day"))
        session.add(TimesheetApproval(employment_id=pa_id, period_start=first,
                                      period_end=last, approved_by_id=approver.id))
    session.flush()
    may = payruns.draft_pay_run(session, holder, "monthly", date(2026, 5, 1))
    payment = session.scalar(select(PaymentDue.id).where(PaymentDue.pay_run_id == april.id,
                                                         PaymentDue.kind == "net_pay"))
    assert payment is not None
    return {"pay_run_id": april.id, "draft_id": may.id, "payslip_id": april.payslips[0].id,
            "due_id": payment, "tax_year": 2026}


def url_args(world: World, arguments: set[str],
             holder_id: int | None = None) -> dict[str, int | str]:
    values: dict[str, int | str] = {"holder_id": holder_id or world.holder_id, **world.ids}
    if "token" in arguments:
        assert world.new_token is not None
        values["token"] = world.new_token()
    for purpose in ("reset", "invite"):
        if f"{purpose}_secret" in arguments:
            assert world.new_link is not None
            values[f"{purpose}_secret"] = world.new_link(purpose)
    return {name: values[name] for name in arguments}
