"""Who may see which holder, and do what. Enforced on the server for every request.

Every query for a holder's records goes through `role_for_holder` or `visible_holders`,
which filter by the person's grants and organisation memberships.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import CompoundSelect, Select, select, union
from sqlalchemy.orm import Session, aliased

from ..models import EmployerDetails, Holder, HolderAccess, Membership, Organisation, User
from ..models.people import REPRESENTATIVE_TYPES, ROLES

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


# Roles a grant gives to someone for themselves or a relative, whoever employs them.
PERSONAL_ROLES = ("holder", "representative")


def admin_organisation_ids(session: Session, user: User) -> list[int]:
    return list(
        session.scalars(
            select(Membership.organisation_id).where(
                Membership.user_id == user.id, Membership.role == "org_admin"
            ).order_by(Membership.organisation_id)
        )
    )


def admin_organisation(session: Session, user: User | None) -> Organisation | None:
    """The organisation this person administers (the first, if more than one), or None: the
    one check for the organisation's own pages (staff, adding holders, who sees what)."""
    if user is None:
        return None
    ids = admin_organisation_ids(session, user)
    return session.get(Organisation, ids[0]) if ids else None


def visible_holder_ids(user: User) -> CompoundSelect[tuple[int]]:
    """The ids of the holders this person may see (the rule of `role_for_holder`, as SQL):

    - a grant as the holder or their representative;
    - a grant as staff (support worker, finance officer, admin), while they are on the staff
      of the holder's organisation or of the council that funds the holder;
    - being an admin of the holder's organisation;
    - being a finance officer of the council that funds the holder.
    """
    # One UNION of plain selects (each a simple index look-up), not ORs of IN subqueries:
    # PostgreSQL plans the ORs as a subquery per holder, 45 ms at 2,000 holders.
    member_of = select(Membership.organisation_id).where(Membership.user_id == user.id)
    staff_grant = (select(HolderAccess.holder_id)
                   .join(Holder, Holder.id == HolderAccess.holder_id)
                   .where(HolderAccess.user_id == user.id,
                          HolderAccess.role.not_in(PERSONAL_ROLES)))
    return union(
        select(HolderAccess.holder_id).where(HolderAccess.user_id == user.id,
                                             HolderAccess.role.in_(PERSONAL_ROLES)),
        staff_grant.where(Holder.organisation_id.in_(member_of)),
        staff_grant.where(Holder.funder_organisation_id.in_(member_of)),
        select(Holder.id).where(Holder.organisation_id.in_(
            member_of.where(Membership.role == "org_admin"))),
        select(Holder.id).where(Holder.funder_organisation_id.in_(
            member_of.where(Membership.role == "finance_officer"))),
    )


def visible_holders(user: User) -> Select[tuple[Holder]]:
    """Holders this person may see (`visible_holder_ids`), by name."""
    return select(Holder).where(Holder.id.in_(visible_holder_ids(user))).order_by(Holder.name)


def role_for_holder(session: Session, user: User, holder_id: int) -> tuple[Holder, str] | None:
    """The holder and this person's role for them, or None if they may not see them.

    An admin of the holder's organisation is "org_admin" (the widest role) even with a grant;
    otherwise a grant decides, a staff grant only while they are on the staff of the holder's
    organisation or of its funding council; otherwise a finance officer of the council that
    funds the holder is "finance_officer". Three statements."""
    holder = session.get(Holder, holder_id)
    if holder is None:
        return None
    roles = dict(session.execute(select(Membership.organisation_id, Membership.role)
                                 .where(Membership.user_id == user.id)).tuples().all())
    if roles.get(holder.organisation_id) == "org_admin":
        return holder, "org_admin"
    grant = session.scalar(
        select(HolderAccess).where(
            HolderAccess.holder_id == holder_id, HolderAccess.user_id == user.id
        )
    )
    if grant is not None and (grant.role in PERSONAL_ROLES
                              or holder.organisation_id in roles
                              or holder.funder_organisation_id in roles):
        return holder, grant.role
    if (holder.funder_organisation_id is not None
            and roles.get(holder.funder_organisation_id) == "finance_officer"):
        return holder, "finance_officer"
    return None


# --- who can see a holder's records (the holder's own page) ---------------------------------

_ORDER = ("holder", "representative", "support_worker", "finance_officer", "org_admin")


@dataclass(frozen=True)
class Viewer:
    """One person who can see a holder's records: who, in what role, since when and why."""

    name: str
    role: str  # one of ROLES
    role_words: str
    representative_type: str | None  # its words, for a representative
    granted_at: datetime | None  # None for an admin who sees by their organisation role
    granted_by: str | None
    why: str
    may: str  # what the role may do, in words, read from the access policy
    access_id: int | None = None  # the grant, when access was given by name (it can be removed)
    user_id: int | None = None


def what_role_may_do(role: str) -> str:
    """The access policy for one role, in a sentence (the pages decide; this reads them)."""
    rules = policy()
    manage = rules.allows("transactions.new", role)
    terms = rules.allows("agreement.edit", role)
    if manage and terms:
        return ("Can see everything here, change the money records, and change the funding "
                "agreement's terms")
    if manage:
        return ("Can see everything here and change the money records (payments, the plan, "
                "bank statements and the rest), but not the funding agreement's terms")
    if terms:
        return "Can see everything here; changes only the funding agreement's terms"
    return "Can see everything here but cannot change anything"


def _why(role: str, name: str, holder: Holder, rep_words: str | None,
         org_name: str, by_grant: bool, named: bool = False) -> str:
    whose = holder.display_name
    if role == "holder":
        return f"This is {whose}'s own direct payment."
    if role == "representative":
        kind = (rep_words or "representative").split(" (")[0].lower()
        return f"{name} is {whose}'s {kind} and manages the direct payment for them."
    if role == "support_worker":
        also = f" and is {whose}'s named support worker" if named else ""
        return f"{name} supports {whose} for {org_name}{also}."
    if role == "finance_officer" and not by_grant:
        return (f"{name} is a finance officer of {org_name}, which pays {whose}'s direct "
                "payment: the council's finance officers can see the records it pays for.")
    if role == "finance_officer":
        return f"{name} checks the direct payment for the council that pays it."
    if by_grant:
        return f"{name} was given access as an admin of {org_name}."
    return (f"{name} is an admin of {org_name}, which looks after {whose}'s records: an admin "
            "can see every record the organisation looks after.")


def who_can_see(session: Session, holder: Holder) -> list[Viewer]:
    """Everyone who can open ``holder``'s records, and why: each person given access (a
    grant; a staff grant only while they are on the staff of the holder's organisation or
    its funding council), the admins of the holder's organisation, and the finance officers
    of the council that funds the holder, who see by their role. This is the same rule as
    `role_for_holder`, read the other way round. Four statements."""
    granter = aliased(User)
    rows = session.execute(
        select(HolderAccess, User, granter.name)
        .join(User, User.id == HolderAccess.user_id)
        .outerjoin(granter, granter.id == HolderAccess.granted_by_id)
        .where(HolderAccess.holder_id == holder.id)).all()
    orgs = [o for o in (holder.organisation_id, holder.funder_organisation_id) if o is not None]
    by_role = session.execute(
        select(User, Membership.organisation_id, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(orgs))
        .order_by(User.name)).all()
    staff = {user.id for user, _org, _role in by_role}
    org_name = holder.organisation.name
    viewers: list[Viewer] = []
    admins = {user.id for user, org, role in by_role
              if org == holder.organisation_id and role == "org_admin"}
    for grant, user, granted_by in rows:
        if user.id in admins or (grant.role not in PERSONAL_ROLES and user.id not in staff):
            continue  # an admin sees by their role; a staff grant counts only while on staff
        rep = (REPRESENTATIVE_TYPES.get(grant.representative_type or "")
               if grant.role == "representative" else None)
        why = _why(grant.role, user.name, holder, rep, org_name, by_grant=True,
                   named=holder.support_worker_id == user.id)
        viewers.append(Viewer(user.name, grant.role, ROLES[grant.role], rep, grant.granted_at,
                              granted_by, why, what_role_may_do(grant.role), grant.id, user.id))
    shown = {v.user_id for v in viewers}
    for user, org, role in by_role:
        if user.id in shown:
            continue
        if org == holder.organisation_id and role == "org_admin":
            shown.add(user.id)
            viewers.append(Viewer(user.name, "org_admin", ROLES["org_admin"], None, None, None,
                                  _why("org_admin", user.name, holder, None, org_name,
                                       by_grant=False),
                                  what_role_may_do("org_admin"), None, user.id))
        elif (org == holder.funder_organisation_id and role == "finance_officer"
              and holder.funder_organisation is not None):
            shown.add(user.id)
            viewers.append(Viewer(user.name, "finance_officer", ROLES["finance_officer"], None,
                                  None, None,
                                  _why("finance_officer", user.name, holder, None,
                                       holder.funder_organisation.name, by_grant=False),
                                  what_role_may_do("finance_officer"), None, user.id))
    return sorted(viewers, key=lambda v: (_ORDER.index(v.role), v.name))
