"""A standard world for route-walking tests: organisation A with one holder and a person in
every role, and organisation B with its own admin and holder (the outsider)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import Account, Attachment, BudgetLine, Flag, Transaction, User
from dpsupport.services import employment, flags, imports
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
    flags.refresh(session, holder)
    flag = session.scalar(select(Flag).where(Flag.holder_id == holder.id,
                                             Flag.code == "cash_withdrawal"))
    assert flag is not None
    world.ids = {"flag_id": flag.id, "employment_id": pa.id, "transaction_id": tx.id, "line_id": spare_line.id, "used_line_id": line.id,
                 "attachment_id": attachment.id, "import_id": done.import_id}
    session.commit()
    engine, account_id = session.get_bind(), account.id

    def new_token() -> str:
        with Session(bind=engine) as s:
            acct = s.get(Account, account_id)
            assert acct is not None
            row = imports.save_pending(s, acct, ODD_CSV, "june.csv", ODD_MAPPING)
            token = row.token
            s.commit()
        return token

    world.new_token = new_token
    return world


def url_args(world: World, arguments: set[str],
             holder_id: int | None = None) -> dict[str, int | str]:
    values: dict[str, int | str] = {"holder_id": holder_id or world.holder_id, **world.ids}
    if "token" in arguments:
        assert world.new_token is not None
        values["token"] = world.new_token()
    return {name: values[name] for name in arguments}
