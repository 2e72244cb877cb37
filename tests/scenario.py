"""A standard world for route-walking tests: organisation A with one holder and a person in
every role, and organisation B with its own admin and holder (the outsider)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import Attachment, BudgetLine, Transaction, User
from dpsupport.services.records import add_attachment

from .factories import create_holder, create_org, create_user, grant

ROLES = ("holder", "representative", "support_worker", "finance_officer", "org_admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    holder_id: int
    other_holder_id: int
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    ids: dict[str, int] = field(default_factory=dict)


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
    world.ids = {"transaction_id": tx.id, "line_id": spare_line.id, "used_line_id": line.id,
                 "attachment_id": attachment.id}
    session.commit()
    return world


def url_args(world: World, arguments: set[str], holder_id: int | None = None) -> dict[str, int]:
    values = {"holder_id": holder_id or world.holder_id, **world.ids}
    return {name: values[name] for name in arguments}
