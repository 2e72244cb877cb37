"""A standard world for route-walking tests: organisation A with one holder and a person in
every role, and organisation B with its own admin and holder (the outsider)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.models import (
    Account,
    Attachment,
    BudgetLine,
    Organisation,
    PaymentDue,
    PayRun,
    Review,
    ReviewQuestion,
    SortingRule,
    Transaction,
    User,
)
from dpsupport.services import accounts, employment, holiday, imports, sickness
from dpsupport.services.records import add_attachment
from dpsupport.statements import ColumnMapping

from .factories import create_holder, create_org, create_user, grant

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
    ids: dict[str, int] = field(default_factory=dict)
    # A fresh pending upload (its token) each time a route needs one: confirming or
    # cancelling uses one up.
    new_token: Callable[[], str] | None = None
    # A fresh secret for an emailed link ("reset" or "invite"): each works once.
    new_link: Callable[[str], str] | None = None


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
    done = imports.import_statement(session, account, STATEMENT_CSV, "may.csv")  # by the system
    assert done.import_id is not None
    pa = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
        start_date=date(2026, 4, 6), leaving_date=None, starter_statement="A", tax_code=None,
        ni_category=None, student_loan_plan=None, postgraduate_loan=False,
        close_relative_in_household=False, council_approval_reference=None))
    employment.add_contract_version(session, holder, pa.id, employment.ContractInput(
        effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
        day_rate_pence=1300, night_rate_pence=None, weekend_rate_pence=None,
        bank_holiday_rate_pence=None, sleep_in_pence=None, hours_kind="regular",
        weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
        pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
        right_to_work_date=None, dbs_check_date=None))
    booked = holiday.book_holiday(session, holder, pa.id, date(2026, 8, 3), date(2026, 8, 4),
                                  8 * 60).entry
    spell = sickness.record_spell(session, holder, pa.id, date(2026, 5, 11),
                                  date(2026, 5, 13), "01234")
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
    world.ids = {"payment_id": paye.id, "account_id": account.id, "year": 2026, "month": 4,
                 "rule_id": rule.id, "employment_id": pa.id, "entry_id": booked.id,
                 "spell_id": spell.id, "transaction_id": tx.id, "line_id": spare_line.id,
                 "used_line_id": line.id,
                 "attachment_id": attachment.id, "import_id": done.import_id,
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
