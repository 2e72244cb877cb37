"""Who may see which holder, and do what. Enforced on the server for every request.

Every query for a holder's records goes through `role_for_holder` or `visible_holders`,
which filter by the person's grants and organisation memberships.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..models import EmployerDetails, Holder, HolderAccess, Membership, User

POLICY_FILE = Path(__file__).resolve().parent.parent / "access_policy.toml"


@dataclass(frozen=True)
class Policy:
    pages: dict[str, frozenset[str]]
    # Pages some roles may use only for a holder who has delegated their payroll to their
    # organisation (EmployerDetails.payroll_by_organisation): the policy file's [delegated].
    delegated: dict[str, frozenset[str]] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)

    def allows(self, endpoint: str, role: str, *, payroll_delegated: bool = False) -> bool:
        if role in self.pages.get(endpoint, frozenset()):
            return True
        return payroll_delegated and role in self.delegated.get(endpoint, frozenset())

    def in_group(self, group: str, role: str) -> bool:
        return role in self.groups.get(group, frozenset())


@cache
def policy() -> Policy:
    raw = tomllib.loads(POLICY_FILE.read_text(encoding="utf-8"))
    groups = {name: frozenset(roles) for name, roles in raw["roles"].items()}

    def roles(value: str | list[str]) -> frozenset[str]:
        return groups[value] if isinstance(value, str) else frozenset(value)

    pages = {endpoint: roles(value) for endpoint, value in raw["pages"].items()}
    delegated = {endpoint: roles(value) for endpoint, value in raw.get("delegated", {}).items()}
    return Policy(pages, delegated, groups)


def payroll_delegated(session: Session, holder: Holder) -> bool:
    """True when the holder has asked their organisation's payroll service to approve
    timesheets and pay runs for them."""
    return bool(session.scalar(select(EmployerDetails.payroll_by_organisation).where(
        EmployerDetails.holder_id == holder.id)))


def may_use(session: Session, holder: Holder, role: str, endpoint: str) -> bool:
    """The one check for a holder's page: the policy for the role, and for a [delegated]
    page, whether this holder has delegated their payroll."""
    pol = policy()
    if pol.allows(endpoint, role):
        return True
    if role not in pol.delegated.get(endpoint, frozenset()):
        return False
    return payroll_delegated(session, holder)


def admin_organisation_ids(session: Session, user: User) -> list[int]:
    return list(
        session.scalars(
            select(Membership.organisation_id).where(
                Membership.user_id == user.id, Membership.role == "org_admin"
            )
        )
    )


def visible_holders(user: User) -> Select[tuple[Holder]]:
    """Holders this person has a grant for, or whose organisation they administer."""
    granted = select(HolderAccess.holder_id).where(HolderAccess.user_id == user.id)
    administered = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.role == "org_admin"
    )
    return (
        select(Holder)
        .where(or_(Holder.id.in_(granted), Holder.organisation_id.in_(administered)))
        .order_by(Holder.name)
    )


def role_for_holder(session: Session, user: User, holder_id: int) -> tuple[Holder, str] | None:
    """The holder and this person's role for them, or None if they may not see them."""
    holder = session.get(Holder, holder_id)
    if holder is None:
        return None
    grant = session.scalar(
        select(HolderAccess).where(
            HolderAccess.holder_id == holder_id, HolderAccess.user_id == user.id
        )
    )
    if grant is not None:
        return holder, grant.role
    if holder.organisation_id in admin_organisation_ids(session, user):
        return holder, "org_admin"
    return None
