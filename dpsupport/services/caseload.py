"""The caseload: the holders a person may see, ranked by what needs help now.

Its cost grows with the rows on the screen, not with the holders' histories. Each holder's
money is kept in a few figures (``HolderSummary``), worked out again:

- in the same transaction, whenever the holder's records change (any audited change filed
  under the holder, and every statement import or undo: see ``refresh_changed``, which the
  unit of work calls before it commits);
- every night, by ``dpsupport caseload refresh`` (forecasts and "no statement since" move
  with the date); a row on the screen whose figures are from an earlier day is worked out
  again for the page (not saved), so what is shown is always today's.

The page is one query for the rows (ordered by points, then name), one to count them, and
the rows' own figures: about 3 statements however many holders there are. The ranking is
``flags.ranking``: a sum over reasons by severity and age, shown with its parts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import CompoundSelect, func, select
from sqlalchemy.orm import Session

from ..flags import ranking
from ..models import (
    Flag,
    FundingAgreement,
    Holder,
    HolderSummary,
    Transaction,
    User,
)
from ..models.base import utcnow
from ..models.funding import SCHEMES
from . import money
from .access import visible_holder_ids
from .audit import CHANGED_HOLDERS as CHANGED
from .uow import transactional

PER_PAGE = 25
STATES = {
    "no_agreement": "No funding agreement yet",
    "not_started": "Agreement not started yet",
    "overdrawn": "Overdrawn",
    "runs_out": "Money may run out",
    "surplus": "More than the council allows",
    "fine": "Lasts the year",
}
FILTERS = {
    "mine": "My caseload",
    "needs_action": "Needs action",
    "review_due": "Review due",
    "surplus": "Money above the limit",
}


def today() -> dt.date:
    """Today's date: one place, so tests can fix it."""
    return dt.date.today()


# --- keeping the figures up to date ---------------------------------------------------------

def mark_changed(session: Session, holder_ids: Iterable[int]) -> None:
    """Note holders whose records changed in this transaction (read by refresh_changed)."""
    session.info.setdefault(CHANGED, set()).update(h for h in holder_ids if h)


def figures(session: Session, holder: Holder, on: dt.date) -> dict[str, object]:
    """A holder's summary figures and reasons on ``on`` (the values of a HolderSummary)."""
    info = money.holder_money(session, holder, on)
    agreement = info.agreement
    pic = info.picture
    last = session.scalar(select(func.max(Transaction.date))
                          .where(Transaction.holder_id == holder.id))
    review = (ranking.next_review(agreement.first_review_date, agreement.review_interval_months,
                                  on) if agreement is not None else None)
    balance = pic.balance_today.value if pic is not None else None
    run_out = pic.run_out_date.value if pic is not None else None
    surplus = pic.surplus.value if pic is not None else None
    state = ranking.MoneyState(
        balance_pence=balance if isinstance(balance, int) else None,
        run_out_date=run_out if isinstance(run_out, dt.date) else None,
        surplus_pence=surplus if isinstance(surplus, int) else None,
        last_payment_date=last, unsorted_count=info.unsorted_count, review_date=review,
        has_agreement=agreement is not None and pic is not None)
    reasons = ranking.money_reasons(state, on) + _flag_reasons(session, holder, on)
    if agreement is None:
        kind = "no_agreement"
    elif pic is None:
        kind = "not_started"
    elif state.balance_pence is not None and state.balance_pence < 0:
        kind = "overdrawn"
    elif state.run_out_date is not None:
        kind = "runs_out"
    elif state.surplus_pence:
        kind = "surplus"
    else:
        kind = "fine"
    return {
        "as_of": on, "state": kind, "balance_pence": state.balance_pence,
        "weeks_held": (pic.weeks_of_funding_held.text or None) if pic is not None else None,
        "run_out_date": state.run_out_date, "surplus_pence": state.surplus_pence,
        "last_payment_date": last, "unsorted_count": info.unsorted_count,
        "review_date": review, "scheme": agreement.scheme if agreement else None,
        "problem": info.problem, "reasons": ranking.dumps(reasons),
        "score": ranking.score(reasons),
    }


# Flags the money reasons above already give (from today's figures), not counted twice.
FROM_MONEY = frozenset({"low_balance", "projected_overspend", "surplus_above_threshold",
                        "statement_gap", "review_due"})
WAITING = {"open": "", "answered": " (answered: for staff to look at)",
           "escalated": " (passed on)"}


def _flag_reasons(session: Session, holder: Holder, on: dt.date) -> list[ranking.Reason]:
    """Open questions (flags) about the holder, in staff's words, older ones weighing more."""
    found = []
    for code, severity, status, raised, opened, words in session.execute(
            select(Flag.code, Flag.severity, Flag.status, Flag.raised_on, Flag.opened_at,
                   Flag.words)
            .where(Flag.holder_id == holder.id, Flag.status.in_(list(WAITING)))
            .order_by(Flag.raised_on, Flag.id)):
        if code in FROM_MONEY or severity not in ranking.SEVERITY_POINTS:
            continue
        title = json.loads(words).get("staff", {}).get("title") or code
        since = opened.date() if opened is not None else raised
        found.append(ranking.reason(code, severity, f"{title}{WAITING[status]}", on,
                                    since=min(since, on)))
    return found


def refresh(session: Session, holder_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Work the summaries of these holders out again (inside the caller's transaction)."""
    on = on or today()
    count = 0
    for holder in session.scalars(select(Holder).where(Holder.id.in_(set(holder_ids)))):
        values = figures(session, holder, on)
        row = session.get(HolderSummary, holder.id)
        if row is None:
            row = HolderSummary(holder_id=holder.id)
            session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        count += 1
    session.flush()
    return count


def refresh_changed(session: Session) -> None:
    """Called by the unit of work before it commits: refresh the holders marked changed."""
    changed = session.info.pop(CHANGED, None)
    if changed:
        refresh(session, changed)


@transactional
def refresh_batch(session: Session, holder_ids: list[int], on: dt.date) -> int:
    return refresh(session, holder_ids, on)


def refresh_all(session: Session, on: dt.date | None = None, batch: int = 200,
                only_stale: bool = False) -> int:
    """Every holder's summary (the nightly command), a transaction per ``batch`` holders."""
    on = on or today()
    query = select(Holder.id).order_by(Holder.id)
    if only_stale:
        fresh = select(HolderSummary.holder_id).where(HolderSummary.as_of >= on)
        query = query.where(Holder.id.not_in(fresh))
    ids = list(session.scalars(query))
    session.rollback()  # end the read before the batches write
    done = 0
    for start in range(0, len(ids), batch):
        done += refresh_batch(session, ids[start:start + batch], on)
    return done


# --- the page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    holder_id: int
    name: str
    support_worker: str | None
    state: str
    balance_pence: int | None
    weeks_held: str | None
    problem: str | None
    reasons: list[ranking.Reason]
    score: int

    @property
    def no_action(self) -> bool:
        return not self.reasons

    @property
    def state_words(self) -> str:
        return STATES.get(self.state, "")


@dataclass(frozen=True)
class Caseload:
    rows: list[Row]
    total: int
    page: int
    pages: int
    per_page: int
    filters: dict[str, bool] = field(default_factory=dict)
    search: str = ""
    scheme: str = ""
    schemes: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def _visible(user: User) -> CompoundSelect[tuple[int]]:
    return visible_holder_ids(user)  # the one rule of who sees which holder (services/access)


def caseload(session: Session, user: User, on: dt.date, *, filters: Iterable[str] = (),
             search: str = "", scheme: str = "", page: int = 1,
             per_page: int = PER_PAGE) -> Caseload:
    """One page of the holders ``user`` may see, most in need first."""
    chosen = {f: f in set(filters) for f in FILTERS}
    score = func.coalesce(HolderSummary.score, 0)
    base = (select(Holder.id, Holder.name, User.name, HolderSummary)
            .outerjoin(HolderSummary, HolderSummary.holder_id == Holder.id)
            .outerjoin(User, User.id == Holder.support_worker_id)
            .where(Holder.id.in_(_visible(user))))
    if chosen["mine"]:
        base = base.where(Holder.support_worker_id == user.id)
    if chosen["needs_action"]:
        base = base.where(score > 0)
    if chosen["review_due"]:
        base = base.where(HolderSummary.review_date <= on + dt.timedelta(
            days=ranking.REVIEW_NOTICE_DAYS))
    if chosen["surplus"]:
        base = base.where(HolderSummary.surplus_pence > 0)
    if scheme in SCHEMES:
        base = base.where(HolderSummary.scheme == scheme)
    words = " ".join(search.split())[:100]
    if words:
        base = base.where(func.lower(Holder.name).contains(words.lower(), autoescape=True))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = session.execute(base.order_by(score.desc(), Holder.name, Holder.id)
                            .limit(per_page).offset((page - 1) * per_page)).all()
    rows = []
    for holder_id, name, worker, summary in found:
        if summary is None or summary.as_of != on:
            holder = session.get(Holder, holder_id)
            assert holder is not None
            summary = HolderSummary(holder_id=holder_id, **figures(session, holder, on))
        rows.append(Row(holder_id, name, worker, summary.state, summary.balance_pence,
                        summary.weeks_held, summary.problem, ranking.loads(summary.reasons),
                        summary.score or 0))
    schemes = set(session.scalars(
        select(FundingAgreement.scheme)
        .where(FundingAgreement.holder_id.in_(_visible(user))).distinct()))
    return Caseload(rows, total, page, pages, per_page, chosen, words, scheme,
                    {k: SCHEMES[k] for k in sorted(schemes) if k in SCHEMES})
