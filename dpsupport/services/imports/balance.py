"""Does a statement's closing balance agree with the balance here on that date?

The app's balance of an account on a day is what its payments up to that day add up to,
plus the funding agreement's opening balance for the holder's first account (the one the
direct payments go into) once the agreement has started. When the two differ we say by
how much, and the likely reasons we can see: payments typed in by hand (perhaps also in
the statement under another date or amount), or no statement imported for the time
before this one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Account, FundingAgreement, Transaction
from ...text import format_pence, long_date, plural
from ..sorting import exact_sum, joined


def balance_here(session: Session, account: Account, on: date) -> int:
    """The account's balance here at the end of ``on``, in pence."""
    high, low = session.execute(select(*exact_sum(Transaction.amount_pence)).where(
        Transaction.account_id == account.id, Transaction.date <= on)).one()
    total = joined(high, low)
    first = session.scalar(select(func.min(Account.id)).where(
        Account.holder_id == account.holder_id))
    if first == account.id:
        agreement = session.scalars(
            select(FundingAgreement).where(FundingAgreement.holder_id == account.holder_id)
            .order_by(FundingAgreement.start_date.desc(), FundingAgreement.id.desc())
            .limit(1)).first()
        if agreement is not None and agreement.start_date <= on:
            total += agreement.opening_balance_pence
    return total


def compare_balance(session: Session, account: Account, on: date, closing_pence: int, *,
                    statement_from: date | None = None, still_to_add: int = 0) -> str:
    """One or two plain sentences comparing the statement's closing balance on ``on``
    with the balance here (after adding ``still_to_add`` pence not imported yet)."""
    here = balance_here(session, account, on) + still_to_add
    day = long_date(on)
    if here == closing_pence:
        return (f"The statement's closing balance on {day}, {format_pence(closing_pence)}, "
                "is the same as the balance here.")
    gap = here - closing_pence
    more_or_less = "more" if gap > 0 else "less"
    reasons = []
    by_hand = session.scalar(select(func.count()).where(
        Transaction.account_id == account.id, Transaction.dedupe_key.is_(None),
        Transaction.date <= on)) or 0
    if by_hand:
        reasons.append(f"{plural(by_hand, 'payment')} in this account "
                       f"{'was' if by_hand == 1 else 'were'} typed in by hand, and may also "
                       "be in the statement, or be missing from it")
    if statement_from is not None:
        earlier = session.scalar(select(func.count()).where(
            Transaction.account_id == account.id, Transaction.dedupe_key.is_not(None),
            Transaction.date < statement_from)) or 0
        if not earlier:
            reasons.append(f"no statement from before {long_date(statement_from)} has been "
                           "imported, so payments before then are not here")
    why = ("This may be because " + "; or ".join(reasons) + "." if reasons else
           "This may be because a payment was typed in with a different date or amount, or "
           "the account here started with a different balance.")
    return (f"The statement says the balance on {day} was {format_pence(closing_pence)}. "
            f"Here it is {format_pence(here)}, {format_pence(abs(gap))} {more_or_less}. "
            f"{why}")
