"""An organisation's people, managed in the app by its admin: the staff, adding a holder
(with their funding agreement and first plan lines), the named support worker and the
council that funds a holder, and taking someone's access away.

Who may do this is decided in one place, `access.admin_organisation` (the web layer's
`organisation_page` asks it; holder pages here are for the "org_admin" role in
access_policy.toml). Every change is one transaction and is kept in "Who changed what".

Taking access away ends the person's sessions at once (every browser they are signed in
on), even when they still have access to other records: they sign in again and then see
only what they still may. This is the simplest rule that is always safe; nothing they had
open stays usable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..errors import UserError
from ..models import Holder, HolderAccess, Membership, Organisation, User
from ..models.people import NATIONS, REPRESENTATIVE_TYPES, ROLES
from . import audit
from .access import PERSONAL_ROLES
from .accounts import NO_PASSWORD, _end_sessions
from .agreements import AgreementDetails, save_agreement
from .plan import LineDetails, add_line
from .records import STAFF_ROLES, main_account
from .uow import transactional

PER_PAGE = 20
# Staff are members in a staff role (records.STAFF_ROLES): a holder or representative may
# also be a member of the organisation, for their own records, but is not its staff.
# Re-exported for the forms (views do not import models).
REEXPORTED = (NATIONS, REPRESENTATIVE_TYPES, Organisation)


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffMember:
    user_id: int
    name: str
    email: str
    role: str
    role_words: str
    invited: bool  # has not chosen a password yet
    is_you: bool


def staff(session: Session, org: Organisation, you: User) -> list[StaffMember]:
    """The organisation's staff, by name (one statement)."""
    rows = session.execute(select(User, Membership.role)
                           .join(Membership, Membership.user_id == User.id)
                           .where(Membership.organisation_id == org.id,
                                  Membership.role.in_(STAFF_ROLES))
                           .order_by(User.name, User.id)).all()
    return [StaffMember(u.id, u.name, u.email, role, ROLES.get(role, role),
                        u.password_hash == NO_PASSWORD, u.id == you.id) for u, role in rows]


def staff_member(session: Session, org: Organisation, user_id: int) -> StaffMember | None:
    """One person on the staff, or None (someone else's staff, or nobody, is not found)."""
    row = session.execute(select(User, Membership.role)
                          .join(Membership, Membership.user_id == User.id)
                          .where(Membership.organisation_id == org.id,
                                 Membership.role.in_(STAFF_ROLES),
                                 User.id == user_id)).first()
    if row is None:
        return None
    user, role = row
    return StaffMember(user.id, user.name, user.email, role, ROLES.get(role, role),
                       user.password_hash == NO_PASSWORD, False)


def support_workers(session: Session, org: Organisation) -> list[tuple[int, str]]:
    """The organisation's support workers (who can be a holder's named support worker)."""
    return [(u.id, u.name) for u in session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id, Membership.role == "support_worker")
        .order_by(User.name, User.id))]


def councils(session: Session) -> list[tuple[int, str]]:
    """Councils using dpsupport, which can be named as the one that funds a holder."""
    return [(o.id, o.name) for o in session.scalars(
        select(Organisation).where(Organisation.kind == "council")
        .order_by(Organisation.name, Organisation.id))]


@dataclass(frozen=True)
class Access:
    name: str
    role_words: str  # with a representative's kind of authority
    by_name: bool  # given by a grant (False: by their role in an organisation)


@dataclass(frozen=True)
class HolderAccessRow:
    holder_id: int
    name: str
    support_worker: str | None
    funder: str | None
    people: list[Access] = field(default_factory=list)


@dataclass(frozen=True)
class AccessPage:
    rows: list[HolderAccessRow]
    admins: list[str]  # see every holder of the organisation
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def who_sees_what(session: Session, org: Organisation, page: int = 1,
                  per_page: int = PER_PAGE) -> AccessPage:
    """One page of the organisation's holders, each with everyone who can see them: the
    same rule as `access.who_can_see`, for many holders at once. Five statements a page,
    however many holders and people there are."""
    total = session.scalar(select(func.count()).select_from(Holder)
                           .where(Holder.organisation_id == org.id)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    worker, funder = aliased(User), aliased(Organisation)
    found = session.execute(
        select(Holder.id, Holder.name, worker.name, funder.name, Holder.funder_organisation_id)
        .outerjoin(worker, worker.id == Holder.support_worker_id)
        .outerjoin(funder, funder.id == Holder.funder_organisation_id)
        .where(Holder.organisation_id == org.id)
        .order_by(Holder.name, Holder.id).limit(per_page).offset((page - 1) * per_page)).all()
    admin_rows = session.execute(
        select(User.id, User.name).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id, Membership.role == "org_admin")
        .order_by(User.name)).all()
    admin_ids = {user_id for user_id, _name in admin_rows}
    ids = [row[0] for row in found]
    on_staff = exists().where(
        Membership.user_id == HolderAccess.user_id,
        or_(Membership.organisation_id == Holder.organisation_id,
            Membership.organisation_id == Holder.funder_organisation_id))
    grants = session.execute(
        select(HolderAccess.holder_id, User.id, User.name, HolderAccess.role,
               HolderAccess.representative_type)
        .join(User, User.id == HolderAccess.user_id)
        .join(Holder, Holder.id == HolderAccess.holder_id)
        .where(HolderAccess.holder_id.in_(ids),
               or_(HolderAccess.role.in_(PERSONAL_ROLES), on_staff))
        .order_by(User.name)).all()
    funder_ids = {row[4] for row in found if row[4] is not None}
    officers = session.execute(
        select(Membership.organisation_id, User.id, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(funder_ids),
               Membership.role == "finance_officer")
        .order_by(User.name)).all()
    people: dict[int, list[Access]] = {i: [] for i in ids}
    seen: dict[int, set[int]] = {i: set() for i in ids}
    for holder_id, user_id, name, role, rep in grants:
        if user_id in admin_ids:
            continue
        words = ROLES.get(role, role)
        if role == "representative" and rep in REPRESENTATIVE_TYPES:
            words = f"{words}: {REPRESENTATIVE_TYPES[rep]}"
        people[holder_id].append(Access(name, words, True))
        seen[holder_id].add(user_id)
    rows = []
    for holder_id, name, worker_name, funder_name, funder_id in found:
        for org_id, user_id, officer in officers:
            if org_id == funder_id and user_id not in seen[holder_id]:
                people[holder_id].append(Access(officer, f"Finance officer of {funder_name}",
                                                False))
        rows.append(HolderAccessRow(holder_id, name, worker_name, funder_name,
                                    people[holder_id]))
    return AccessPage(rows, [name for _id, name in admin_rows], total, page, pages, per_page)


def holder_grant(session: Session, holder: Holder, access_id: int) -> HolderAccess | None:
    """A grant on this holder's records, or None (a grant on anyone else's is not found)."""
    return session.scalar(select(HolderAccess).where(HolderAccess.id == access_id,
                                                     HolderAccess.holder_id == holder.id))


# --- adding a holder ----------------------------------------------------------------------

@dataclass(frozen=True)
class NewHolder:
    name: str
    preferred_name: str | None
    date_of_birth: date | None
    nation: str
    support_worker_id: int | None
    funder_organisation_id: int | None


def _support_worker(session: Session, org: Organisation, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    if user_id not in {i for i, _name in support_workers(session, org)}:
        raise UserError("Select a support worker from your staff", field="support_worker")
    return session.get(User, user_id)


def _council(session: Session, org_id: int | None) -> Organisation | None:
    if org_id is None:
        return None
    council = session.get(Organisation, org_id)
    if council is None or council.kind != "council":
        raise UserError("Select a council from the list", field="funder_organisation")
    return council


def _give_support_worker_access(session: Session, holder: Holder, user: User, by: User) -> None:
    has = session.scalar(select(HolderAccess).where(HolderAccess.holder_id == holder.id,
                                                    HolderAccess.user_id == user.id))
    if has is None:
        session.add(HolderAccess(holder_id=holder.id, user_id=user.id, role="support_worker",
                                 granted_by_id=by.id))


@transactional
def add_holder(session: Session, org: Organisation, by: User, details: NewHolder,
               agreement: AgreementDetails, lines: Sequence[LineDetails] = ()) -> Holder:
    """A new holder in the organisation's care, with their funding agreement and any first
    plan lines, all or nothing. Their named support worker is given access."""
    name = " ".join(details.name.split())
    if not name:
        raise UserError("Enter the person's full name", field="name")
    if details.nation not in NATIONS:
        raise UserError("Select the nation they live in", field="nation")
    if details.date_of_birth is not None and details.date_of_birth > agreement.start_date:
        raise UserError("The date of birth must be before the agreement starts",
                        field="date_of_birth")
    worker = _support_worker(session, org, details.support_worker_id)
    council = _council(session, details.funder_organisation_id)
    preferred = " ".join((details.preferred_name or "").split()) or None
    holder = Holder(organisation_id=org.id, name=name, preferred_name=preferred,
                    date_of_birth=details.date_of_birth, nation=details.nation,
                    support_worker_id=worker.id if worker else None,
                    funder_organisation_id=council.id if council else None)
    session.add(holder)
    session.flush()
    if worker is not None:
        _give_support_worker_access(session, holder, worker, by)
    if council is not None and not agreement.funder.strip():
        agreement = replace(agreement, funder=council.name)
    save_agreement(session, holder, agreement)
    main_account(session, holder)
    for line in lines:
        add_line(session, holder, line)
    return holder


# --- changing who can see -------------------------------------------------------------------

@transactional
def change_arrangements(session: Session, holder: Holder, by: User,
                        support_worker_id: int | None,
                        funder_organisation_id: int | None) -> None:
    """The holder's named support worker (given support worker access if they have none)
    and the council that funds them (whose finance officers then can read the records)."""
    worker = _support_worker(session, holder.organisation, support_worker_id)
    council = _council(session, funder_organisation_id)
    holder.support_worker_id = worker.id if worker else None
    holder.funder_organisation_id = council.id if council else None
    if worker is not None:
        _give_support_worker_access(session, holder, worker, by)


@transactional
def remove_access(session: Session, holder: Holder, grant: HolderAccess, by: User) -> User:
    """Take away the access given to one person on this holder's records. Their sessions end
    at once (see the module's docstring)."""
    if grant.holder_id != holder.id:
        raise UserError("That access is not on these records")
    user = session.get(User, grant.user_id)
    assert user is not None
    if user.id == by.id:
        raise UserError("You cannot take away your own access. Ask another admin.")
    if holder.support_worker_id == user.id:
        holder.support_worker_id = None
    session.delete(grant)
    _end_sessions(session, user)
    audit.record(session, "access_removed", "holder_access", entity_id=str(grant.id),
                 holder_id=holder.id,
                 summary=f"Took away {user.name}'s access and signed them out everywhere")
    return user


@transactional
def change_authority(session: Session, holder: Holder, grant: HolderAccess,
                     representative_type: str) -> None:
    """A representative's kind of authority (nominated person, attorney, deputy ...)."""
    if grant.holder_id != holder.id or grant.role != "representative":
        raise UserError("Only a representative has a kind of authority")
    if representative_type not in REPRESENTATIVE_TYPES:
        raise UserError("Select the kind of authority they have", field="representative_type")
    grant.representative_type = representative_type


@transactional
def remove_staff(session: Session, org: Organisation, by: User, user_id: int) -> User:
    """Take someone off the organisation's staff: their membership, every grant they hold on
    the organisation's holders, and their being anyone's named support worker. Their
    sessions end at once."""
    membership = session.scalar(select(Membership).where(
        Membership.organisation_id == org.id, Membership.user_id == user_id,
        Membership.role.in_(STAFF_ROLES)))
    if membership is None:
        raise UserError("They are not on your staff")
    if user_id == by.id:
        raise UserError("You cannot remove yourself from the staff. Ask another admin.")
    user = session.get(User, user_id)
    assert user is not None
    held = select(Holder.id).where(Holder.organisation_id == org.id)
    for grant in session.scalars(select(HolderAccess).where(
            HolderAccess.user_id == user_id, HolderAccess.holder_id.in_(held))):
        session.delete(grant)
    for holder in session.scalars(select(Holder).where(Holder.organisation_id == org.id,
                                                       Holder.support_worker_id == user_id)):
        holder.support_worker_id = None
    session.delete(membership)
    _end_sessions(session, user)
    audit.record(session, "staff_removed", "membership", entity_id=str(membership.id),
                 organisation_id=org.id,
                 summary=f"Took {user.name} off the staff of {org.name} and signed them out "
                         "everywhere")
    return user
