"""The funding agreement: who pays, how much, how often; its amounts and one-off payments.

Every change here is one transaction (`@transactional`): the view passes what was typed, the
service checks it, writes it and commits, or raises `UserError` and nothing changes.

The agreement's terms are the funder's, not the holder's: only the funder's staff (a finance
officer) or an organisation admin acting for them may change them (access_policy.toml, the
"funder" group; docs/access.md). Everyone else sees them read-only, with who last changed
each part (`last_changes`, read from the audit trail).

The opening balance is the one term with a further rule: once money has moved (any payment
is recorded for the holder), every balance shown is worked out from it, so changing it then
needs a reason, which is kept in the audit trail beside the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import (
    AgreementAmount,
    AuditEvent,
    FundingAgreement,
    Holder,
    OneOffPayment,
    Transaction,
)
from ..models.funding import CONTRIBUTION_BASES, FREQUENCIES, SCHEMES, TIMINGS
from ..text import long_date
from . import audit
from .records import agreement_dates, current_agreement, flags_again
from .uow import transactional

# The words for the codes stored on an agreement (defined once, in models.funding).
LABELS = {"schemes": SCHEMES, "frequencies": FREQUENCIES, "timings": TIMINGS,
          "bases": CONTRIBUTION_BASES}
REVIEWS_SHOWN = 3
FIRST_REVIEW_AFTER = relativedelta(months=6)



@dataclass(frozen=True)
class AgreementDetails:
    """What the agreement form holds. ``amount_pence`` is asked only when the agreement is
    first set up; later changes to the amount are dated (`add_amount_change`)."""

    funder: str
    scheme: str
    option4_split: str | None
    frequency: str
    timing: str
    start_date: date
    end_date: date | None
    client_contribution_pence: int
    contribution_basis: str
    contingency_reserve_pence: int
    surplus_threshold_weeks: int
    opening_balance_pence: int
    first_review_date: date | None
    amount_pence: int | None = None
    # Why the opening balance is changing, asked once money has moved (see the docstring).
    opening_balance_reason: str = ""


@dataclass(frozen=True)
class LastChange:
    """Who last changed a part of the agreement, and when (from the audit trail)."""

    actor_name: str
    at: datetime


# The parts of the agreement whose last change is shown, by their audit trail table.
PARTS = {"terms": "funding_agreement", "amounts": "agreement_amount",
         "one_offs": "one_off_payment"}


def money_has_moved(session: Session, holder: Holder) -> bool:
    """Whether any payment, in or out, is recorded for the holder."""
    return session.scalar(
        select(Transaction.id).where(Transaction.holder_id == holder.id).limit(1)) is not None


def last_changes(session: Session, holder: Holder) -> dict[str, LastChange]:
    """The latest change to each part of the holder's agreement ("terms", "amounts",
    "one_offs"), by whoever made it. Parts never changed are left out."""
    latest = (select(func.max(AuditEvent.id))
              .where(AuditEvent.holder_id == holder.id,
                     AuditEvent.entity.in_(PARTS.values()),
                     AuditEvent.action.in_(("created", "changed", "deleted")))
              .group_by(AuditEvent.entity))
    found = {e.entity: LastChange(e.actor_name, e.at)
             for e in session.scalars(select(AuditEvent).where(AuditEvent.id.in_(latest)))}
    return {part: found[table] for part, table in PARTS.items() if table in found}


def reviews(agreement: FundingAgreement | None) -> list[date]:
    """The next review dates: the first one, then every review interval."""
    if agreement is None:
        return []
    first = agreement.first_review_date
    return [first + relativedelta(months=agreement.review_interval_months * i)
            for i in range(REVIEWS_SHOWN)]


@transactional
def save_agreement(session: Session, holder: Holder,
                   details: AgreementDetails) -> FundingAgreement:
    """Set up the holder's funding agreement, or change the current one."""
    agreement = current_agreement(session, holder)
    if details.end_date is not None and details.end_date <= details.start_date:
        raise UserError("The end date must be after the start date", field="end_date")
    if agreement is None:
        if not details.amount_pence:
            raise UserError("Enter the regular payment amount", field="amount")
        agreement = FundingAgreement(holder_id=holder.id)
        session.add(agreement)
        session.add(AgreementAmount(agreement=agreement, effective_date=details.start_date,
                                    amount_pence=details.amount_pence))
    agreement.funder = details.funder.strip()
    agreement.scheme = details.scheme
    agreement.option4_split = (details.option4_split or "").strip() or None
    agreement.frequency = details.frequency
    agreement.timing = details.timing
    agreement.start_date = details.start_date
    agreement.end_date = details.end_date
    agreement.client_contribution_pence = details.client_contribution_pence
    agreement.contribution_basis = details.contribution_basis
    agreement.contingency_reserve_pence = details.contingency_reserve_pence
    agreement.surplus_threshold_weeks = details.surplus_threshold_weeks
    if (agreement.id is not None
            and details.opening_balance_pence != agreement.opening_balance_pence
            and money_has_moved(session, holder)):
        reason = " ".join(details.opening_balance_reason.split())[:300]
        if not reason:
            raise UserError(
                "Say why the opening balance is changing: payments are already recorded, "
                "and every balance shown is worked out from it",
                field="opening_balance_reason")
        audit.record(session, "changed", "funding_agreement", entity_id=str(agreement.id),
                     holder_id=holder.id,
                     summary=f"Changed the opening balance after money had moved, because: "
                             f"{reason}")
    agreement.opening_balance_pence = details.opening_balance_pence
    agreement.first_review_date = (details.first_review_date
                                   or details.start_date + FIRST_REVIEW_AFTER)
    flags_again(session, holder.id)
    return agreement


@transactional
def add_amount_change(session: Session, agreement: FundingAgreement, effective: date,
                      amount_pence: int) -> AgreementAmount:
    """A new regular amount from a date on."""
    if effective < agreement.start_date:
        raise UserError(
            f"The new amount must start on or after {long_date(agreement.start_date)}, when "
            "the agreement starts", field="effective_date")
    if any(a.effective_date == effective for a in agreement.amounts):
        raise UserError("There is already an amount starting on that date. Enter a "
                        "different date", field="effective_date")
    row = AgreementAmount(agreement=agreement, effective_date=effective, amount_pence=amount_pence)
    session.add(row)
    flags_again(session, agreement.holder_id)
    return row


@transactional
def add_one_off(session: Session, agreement: FundingAgreement, when: date, amount_pence: int,
                description: str) -> OneOffPayment:
    """An extra payment from the council, within the agreement's dates."""
    if when < agreement.start_date or (agreement.end_date and when > agreement.end_date):
        raise UserError("Enter a date within the funding agreement, which runs "
                        f"{agreement_dates(agreement)}", field="date")
    row = OneOffPayment(agreement=agreement, date=when, amount_pence=amount_pence,
                        description=description.strip())
    session.add(row)
    flags_again(session, agreement.holder_id)
    return row
