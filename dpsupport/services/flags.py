"""Flags kept for each holder: worked out again when the records change, asked of the holder
first, then resolved, passed on (escalated) or hidden by staff (docs/flags.md).

Working flags out again (`refresh`)
    The rules in `dpsupport.flags` run over the holder's payments, statements, agreement and
    money figures, with the organisation's funding policy. Each flag raised is matched with
    the kept one of the same holder, code and key:

    * not kept yet: kept, ``open``;
    * kept, same evidence: left as it is (a resolved flag stays resolved); its words and
      severity are brought up to date (a review "is due" becomes "was due");
    * kept, evidence changed: the new evidence is kept; a resolved flag opens again (its
      resolution is cleared: the audit trail keeps it); an answered or escalated one keeps
      its status, since someone is already dealing with it;
    * kept and resolved as "no longer applies" (below), raised again: open again.

    A kept flag that is not raised any more and is ``open`` or ``answered`` is resolved with
    the reason `NO_LONGER_APPLIES` and nobody's name (the payment was removed or sorted, a
    statement arrived). An escalated flag is left for the person looking at it.

    `refresh` runs inside the caller's transaction, once, as the unit of work ends: every
    service that changes what the rules read asks for it with `later` (or
    `records.flags_later`): statement imports and undo, payments added, changed, removed
    or sorted, plan lines, the funding agreement, the people employed (their names make
    payments to them known), their contracts and shifts, the employer details, pay runs
    and matches.

Who may do what (access_policy.toml)
    Everyone with a role for the holder reads the flags and the answers (a finance officer
    only reads). The holder, a representative or a support worker answers. Support workers
    and organisation admins resolve and escalate. Only an organisation admin, acting as the
    organisation's safeguarding lead, hides a flag from the holder (with a reason) or shows
    it again; staff see that it is hidden, by whom, when and why, and the audit trail keeps
    it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import flags as rules
from ..budget.periods import periods as payment_periods
from ..budget.periods import weekly_equivalent
from ..budget.surplus import regular_amount_on
from ..errors import UserError
from ..flags import employer as employer_rules
from ..flags import employing as employing_rules
from ..flags.recognise import KIND_LABELS, PROHIBITABLE, KnownPayee
from ..models import (
    BudgetLine,
    ContractVersion,
    Employment,
    Flag,
    FlagAnswer,
    FundingAgreement,
    FundingPolicy,
    Holder,
    Organisation,
    PaymentDue,
    PayRun,
    Shift,
    StatementImport,
    Transaction,
    User,
)
from ..models.base import utcnow
from ..models.flags import FLAG_STATUSES, SEVERITIES
from ..payroll.shifts import ShiftError
from . import owed, records
from .access import admin_organisation_ids
from .audit import current_actor
from .employment import contract_in_force, rates_of
from .timesheets import minimum_pence
from .uow import transactional

__all__ = ["FLAG_STATUSES", "KIND_LABELS", "NO_LONGER_APPLIES", "PROHIBITABLE", "SEVERITIES",
           "Flag", "FlagAnswer", "FlagView", "FundingPolicy", "Organisation", "PolicyInput",
           "answer", "escalate", "flag_for", "flags_for", "hide", "policy_for",
           "policy_input", "refresh", "resolve", "save_policy", "show_again"]

NO_LONGER_APPLIES = "No longer applies: the records behind it have changed."
OPEN_STATUSES = ("open", "answered", "escalated")
MAX_TEXT = 2000


# --- the funding policy ------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyInput:
    """What the funding policy form holds: the organisation's settings for the rules."""

    prohibited: frozenset[str]
    added_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unknown_payee_over_pence: int = rules.DEFAULT_POLICY.unknown_payee_over_pence
    duplicate_days: int = rules.DEFAULT_POLICY.duplicate_days
    duplicate_min_pence: int = rules.DEFAULT_POLICY.duplicate_min_pence
    statement_gap_days: int = rules.DEFAULT_POLICY.statement_gap_days
    review_notice_days: int = rules.DEFAULT_POLICY.review_notice_days


DEFAULT_INPUT = PolicyInput(prohibited=rules.DEFAULT_POLICY.prohibited)


def _policy_row(session: Session, organisation_id: int) -> FundingPolicy | None:
    return session.scalar(select(FundingPolicy)
                          .where(FundingPolicy.organisation_id == organisation_id))


def policy_input(session: Session, organisation_id: int) -> PolicyInput:
    """The organisation's settings, or the defaults when it has not changed any."""
    row = _policy_row(session, organisation_id)
    if row is None:
        return DEFAULT_INPUT
    words = {k: tuple(v) for k, v in json.loads(row.added_words or "{}").items()}
    return PolicyInput(
        prohibited=frozenset(k for k in row.prohibited.split(",") if k in PROHIBITABLE),
        added_words=words, unknown_payee_over_pence=row.unknown_payee_over_pence,
        duplicate_days=row.duplicate_days, duplicate_min_pence=row.duplicate_min_pence,
        statement_gap_days=row.statement_gap_days, review_notice_days=row.review_notice_days)


def policy_for(session: Session, organisation_id: int, funder: str = "the council"
               ) -> rules.Policy:
    """The rules' Policy for an organisation's holders."""
    settings = policy_input(session, organisation_id)
    lists = rules.DEFAULT_LISTS
    for kind, phrases in sorted(settings.added_words.items()):
        if phrases:
            lists = lists.adding(kind, *phrases)
    return rules.Policy(
        prohibited=settings.prohibited, lists=lists,
        unknown_payee_over_pence=settings.unknown_payee_over_pence,
        duplicate_days=settings.duplicate_days,
        duplicate_min_pence=settings.duplicate_min_pence,
        statement_gap_days=settings.statement_gap_days,
        review_notice_days=settings.review_notice_days, funder=funder or "the council")


def administered(session: Session, user: User) -> list[Organisation]:
    """The organisations whose funding policy this person may change (they are its admin)."""
    ids = admin_organisation_ids(session, user)
    if not ids:
        return []
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                .order_by(Organisation.name)))


@transactional
def save_policy(session: Session, organisation: Organisation, settings: PolicyInput
                ) -> FundingPolicy:
    """Change an organisation's settings (audited), then work out its holders' flags again."""
    unknown = settings.prohibited - set(PROHIBITABLE)
    if unknown:
        raise UserError("Select kinds of spending from the list", field="prohibited")
    checks = (("duplicate_days", settings.duplicate_days, 1, 90, "days"),
              ("statement_gap_days", settings.statement_gap_days, 7, 366, "days"),
              ("review_notice_days", settings.review_notice_days, 0, 366, "days"))
    for name, value, low, high, unit in checks:
        if not low <= value <= high:
            raise UserError(f"Enter a number of {unit} from {low} to {high}", field=name)
    row = _policy_row(session, organisation.id)
    if row is None:
        row = FundingPolicy(organisation_id=organisation.id)
        session.add(row)
    row.prohibited = ",".join(k for k in PROHIBITABLE if k in settings.prohibited)
    row.added_words = json.dumps({k: list(v) for k, v in sorted(settings.added_words.items())
                                  if k in PROHIBITABLE and v}, sort_keys=True)
    row.unknown_payee_over_pence = settings.unknown_payee_over_pence
    row.duplicate_days = settings.duplicate_days
    row.duplicate_min_pence = settings.duplicate_min_pence
    row.statement_gap_days = settings.statement_gap_days
    row.review_notice_days = settings.review_notice_days
    row.updated_at = utcnow()
    session.flush()
    for holder in session.scalars(select(Holder)
                                  .where(Holder.organisation_id == organisation.id)):
        refresh(session, holder)
    return row


# --- working flags out again -------------------------------------------------------------------

def _lines(session: Session, holder: Holder) -> list[rules.Line]:
    rows = session.connection().execute(  # plain rows, not ORM objects: there may be many
        select(Transaction.id, Transaction.date, Transaction.amount_pence,
               Transaction.description, Transaction.payee, Transaction.category,
               Transaction.budget_line_id)
        .where(Transaction.holder_id == holder.id).order_by(Transaction.date, Transaction.id))
    return [rules.Line(id=tid, date=day, amount_pence=pence, description=description or "",
                       payee=payee or "", category=category, plan_line_id=line_id)
            for tid, day, pence, description, payee, category, line_id in rows]


def _known(session: Session, holder: Holder) -> rules.Known:
    names = session.scalars(select(Employment.name).where(Employment.holder_id == holder.id))
    return rules.Known(payees=tuple(KnownPayee(name, role="pa", person=True) for name in names))


def _statements(session: Session, holder: Holder) -> list[rules.StatementSpan]:
    rows = session.execute(
        select(StatementImport.id, StatementImport.statement_start, StatementImport.statement_end)
        .where(StatementImport.holder_id == holder.id, StatementImport.status == "imported",
               StatementImport.statement_start.is_not(None),
               StatementImport.statement_end.is_not(None)))
    return [rules.StatementSpan(i, start, end) for i, start, end in rows]


def _surplus(session: Session, holder: Holder, today: date, policy: rules.Policy,
             readers: tuple[rules.Reader, rules.Reader], owed_pence: int
             ) -> list[tuple[rules.Flag, rules.Flag]]:
    from .money import holder_money  # money reads records, as this module does

    info = holder_money(session, holder, today)
    if info.picture is None or info.terms is None or info.agreement is None:
        return []
    agreement, terms = info.agreement, info.terms
    if info.employer is not None:  # wages, tax, pension and holiday owed (services/owed.py)
        owed_pence = max(owed_pence, info.employer.set_aside.total_pence)
    balance = info.picture.balance_today.value
    assert isinstance(balance, int)
    regular = regular_amount_on(terms, today)
    worded = [rules.surplus_above_threshold(
        balance_pence=balance, owed_pence=owed_pence,
        contingency_pence=agreement.contingency_reserve_pence, regular_pence=regular,
        weekly_regular_pence=weekly_equivalent(terms, regular),
        weeks=agreement.surplus_threshold_weeks, today=today,
        contribution_pence=agreement.client_contribution_pence,
        net_basis=agreement.contribution_basis == "net", agreement=agreement.id,
        policy=policy, reader=reader) for reader in readers]
    return list(zip(worded[0], worded[1], strict=True))


def work_out(session: Session, holder: Holder, today: date, owed_pence: int = 0
             ) -> list[tuple[rules.Flag, rules.Flag]]:
    """Every flag the rules raise for this holder now, as (words for the holder, words for
    staff) pairs. ``owed_pence``: money owed and not yet paid, for the surplus (0 until the
    records of what is owed exist)."""
    agreement = records.current_agreement(session, holder)
    policy = policy_for(session, holder.organisation_id,
                        agreement.funder if agreement is not None else "the council")
    lines, known, spans = _lines(session, holder), _known(session, holder), _statements(session, holder)
    readers = (rules.HOLDER, rules.Reader(holder.display_name))
    found = rules.work_out_for(
        lines, readers, policy=policy, known=known, statements=spans,
        since=agreement.start_date if agreement is not None else None, today=today,
        first_review=agreement.first_review_date if agreement is not None else None,
        review_interval_months=agreement.review_interval_months if agreement else 12,
        agreement=agreement.id if agreement is not None else None)
    pairs = [(mine, staff) for mine, staff in found]
    return (pairs + _surplus(session, holder, today, policy, readers, owed_pence)
            + _employer(session, holder, today, readers, agreement))


def _employer(session: Session, holder: Holder, today: date,
              readers: tuple[rules.Reader, rules.Reader], agreement: FundingAgreement | None
              ) -> list[tuple[rules.Flag, rules.Flag]]:
    """The flags about employing PAs (flags/employer.py, flags/employing.py), for a holder
    who employs."""
    staff = list(session.scalars(select(Employment).where(Employment.holder_id == holder.id)
                                 .options(selectinload(Employment.contracts))))
    if not staff:
        return []
    people = [employer_rules.Person(e.id, e.name, e.leaving_date,
                                    e.close_relative_in_household, e.council_approval_reference)
              for e in staff]
    dues = [employer_rules.Due(d.id, d.kind, d.payee, d.amount_pence, d.due_date,
                               d.settled_on is not None, paid_by=d.transaction_id)
            for d in session.scalars(
                select(PaymentDue).join(PayRun, PayRun.id == PaymentDue.pay_run_id)
                .where(PaymentDue.holder_id == holder.id, PayRun.status == "approved"))]
    paid = [employer_rules.Paid(t_id, day, -pence, payee or description or "")
            for t_id, day, pence, payee, description in session.execute(
                select(Transaction.id, Transaction.date, Transaction.amount_pence,
                       Transaction.payee, Transaction.description)
                .where(Transaction.holder_id == holder.id, Transaction.amount_pence < 0))]
    found = employer_rules.work_out(dues, paid, people, today, readers)
    return [(mine, staff_words) for mine, staff_words in found] + _employing(
        session, holder, staff, today, readers, agreement)


def _employing(session: Session, holder: Holder, staff: list[Employment], today: date,
               readers: tuple[rules.Reader, rules.Reader], agreement: FundingAgreement | None
               ) -> list[tuple[rules.Flag, rules.Flag]]:
    """Minimum wage, hours beyond the plan and the employer's duties (flags/employing.py)."""
    by_id = {e.id: e for e in staff}
    periods = _hours_periods(agreement, today)
    first = min([today - timedelta(days=employing_rules.LOOK_BACK_DAYS)]
                + [start for start, _end in periods])
    shifts = [employing_rules.Worked(s.id, s.employment_id, s.work_date, s.start_time,
                                     s.end_time, s.break_minutes, s.kind)
              for s in session.scalars(select(Shift).where(
                  Shift.employment_id.in_(list(by_id)), Shift.work_date >= first,
                  Shift.work_date <= today))]
    pas = [employing_rules.PA(e.id, e.name, e.date_of_birth, e.start_date, e.leaving_date,
                              _hourly_rates(contract_in_force(e, today)))
           for e in staff]

    def rate_for(shift: employing_rules.Worked) -> int | None:
        version = contract_in_force(by_id[int(shift.employment_id)], shift.work_date)
        if version is None or shift.kind == "sleep_in":
            return None
        try:
            return rates_of(version).hourly(shift.kind)
        except ShiftError:
            return None

    lines = list(session.scalars(select(BudgetLine).where(
        BudgetLine.holder_id == holder.id, BudgetLine.planned_minutes.is_not(None))
        .order_by(BudgetLine.id)))
    plan_minutes = sum(line.planned_minutes or 0 for line in lines) or None
    names = {e.name: e.id for e in staff}
    duties = owed.employer_duties(session, holder, today)
    per_reader = [
        employing_rules.below_minimum_wage(pas, shifts, today, rate_for, minimum_pence, r)
        + employing_rules.hours_beyond_plan(periods, plan_minutes, [ln.id for ln in lines],
                                            shifts, today, r)
        + employing_rules.employer_duties(duties, today, names, r)
        for r in readers]
    return list(zip(*per_reader, strict=True))


def _hourly_rates(version: ContractVersion | None) -> tuple[tuple[str, int], ...]:
    """The hourly rates a contract sets (the day rate, and any other it gives)."""
    if version is None:
        return ()
    rates = rates_of(version)
    given = [("day", rates.day)] + [(kind, rate) for kind, rate in (
        ("night", rates.night), ("weekend", rates.weekend),
        ("bank_holiday", rates.bank_holiday)) if rate is not None]
    return tuple(given)


def _hours_periods(agreement: FundingAgreement | None, today: date) -> list[tuple[date, date]]:
    """The payment periods the plan's hours are compared in: the current one and the last
    few finished ones (flags/employing.py)."""
    from .money import terms_for

    if agreement is None:
        return []
    terms = terms_for(agreement)
    look_back = employing_rules.HOURS_LOOK_BACK_PERIODS
    found = payment_periods(terms, today - timedelta(days=look_back * 35), today)
    return [(p.start, p.end) for p in found[-(look_back + 1):]]


def _words(flag: rules.Flag) -> dict[str, str]:
    return {"title": flag.title, "explanation": flag.explanation, "next_step": flag.next_step}


def _evidence(flag: rules.Flag) -> str:
    return json.dumps({"transactions": list(flag.transactions),
                       "records": [list(r) for r in flag.records]}, sort_keys=True)


def refresh(session: Session, holder: Holder, today: date | None = None,
            owed_pence: int = 0) -> None:
    """Work the holder's flags out again and keep them (module docstring), in the caller's
    transaction."""
    today = today or date.today()
    # One at a time per holder: two changes saved at once must not both add the same flag.
    # (SQLite already lets one writer in at a time; this locks the holder's row elsewhere.)
    session.execute(select(Holder.id).where(Holder.id == holder.id).with_for_update())
    kept = {(f.code, f.key): f for f in session.scalars(
        select(Flag).where(Flag.holder_id == holder.id))}
    seen: set[tuple[str, str]] = set()
    for mine, staff in work_out(session, holder, today, owed_pence):
        seen.add((mine.code, mine.key))
        words = json.dumps({"holder": _words(mine), "staff": _words(staff)}, sort_keys=True)
        row = kept.get((mine.code, mine.key))
        if row is None:
            session.add(Flag(holder_id=holder.id, code=mine.code, severity=mine.severity,
                             key=mine.key, status="open", raised_on=mine.on,
                             amount_pence=mine.amount_pence, evidence=_evidence(mine),
                             evidence_key=mine.evidence_key, words=words))
            continue
        row.severity, row.raised_on, row.amount_pence = mine.severity, mine.on, mine.amount_pence
        row.words = words
        gone_and_back = row.status == "resolved" and row.resolved_reason == NO_LONGER_APPLIES
        if row.evidence_key != mine.evidence_key:
            row.evidence, row.evidence_key = _evidence(mine), mine.evidence_key
            if row.status == "resolved":
                _reopen(row)
        elif gone_and_back:
            _reopen(row)
    for key, row in kept.items():
        if key not in seen and row.status in ("open", "answered"):
            row.status = "resolved"
            row.resolved_reason = NO_LONGER_APPLIES
            row.resolved_by_id = None
            row.resolved_at = utcnow()
    session.flush()


def _reopen(row: Flag) -> None:
    row.status = "open"
    row.resolved_reason = None
    row.resolved_by_id = None
    row.resolved_at = None


LATER = "dpsupport.flags_later"


def later(session: Session, holder_id: int) -> None:
    """Work this holder's flags out again when the unit of work ends (services/uow.py), once
    however many changes asked for it."""
    session.info.setdefault(LATER, set()).add(holder_id)


def refresh_later(session: Session) -> None:
    """Called by the unit of work before it commits: the holders marked by ``later``."""
    for holder_id in sorted(session.info.pop(LATER, set())):
        refresh_by_id(session, holder_id)


def refresh_by_id(session: Session, holder_id: int) -> None:
    """`refresh` for a holder known by id (for services that hold only a record)."""
    holder = session.get(Holder, holder_id)
    if holder is not None:
        refresh(session, holder)


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlagView:
    """A kept flag as one reader sees it: the words for them, and the evidence loaded."""

    flag: Flag
    title: str
    explanation: str
    next_step: str
    transactions: list[Transaction]
    records: list[tuple[str, Any]]
    people: dict[int, str] = field(default_factory=dict)  # the PAs the records name

    @property
    def status_label(self) -> str:
        return FLAG_STATUSES[self.flag.status]

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.flag.severity]

    @property
    def is_open(self) -> bool:
        return self.flag.status in OPEN_STATUSES

    @property
    def receipt_transaction(self) -> Transaction | None:
        """The payment a receipt sent with an answer is kept on: the flag's latest one."""
        return self.transactions[-1] if self.transactions else None


def _view(session: Session, holder: Holder, row: Flag, for_holder: bool,
          loaded: dict[int, Transaction] | None = None) -> FlagView:
    words = json.loads(row.words)["holder" if for_holder else "staff"]
    evidence = json.loads(row.evidence)
    ids = [int(i) for i in evidence.get("transactions", [])]
    if loaded is None:
        loaded = _load(session, holder, ids)
    txs = [loaded[i] for i in ids if i in loaded]  # a removed payment is simply not shown
    kept = [tuple(r) for r in evidence.get("records", [])]
    employed = [int(i) for kind, i in kept if kind == "employment"]
    people: dict[int, str] = {}
    if employed:  # a Result has keys(), so dict() needs the rows as a list
        people = dict(session.execute(select(Employment.id, Employment.name).where(
            Employment.holder_id == holder.id, Employment.id.in_(employed))).tuples().all())
    return FlagView(row, words["title"], words["explanation"], words["next_step"], txs, kept,
                    people)


def _load(session: Session, holder: Holder, ids: list[int]) -> dict[int, Transaction]:
    if not ids:
        return {}
    return {t.id: t for t in session.scalars(
        select(Transaction).where(Transaction.holder_id == holder.id, Transaction.id.in_(ids)))}


def flags_for(session: Session, holder: Holder, *, for_holder: bool,
              open_only: bool = True) -> list[FlagView]:
    """The holder's flags, most serious and newest first; for the holder (or their
    representative) without those hidden from them."""
    query = (select(Flag).where(Flag.holder_id == holder.id)
             .options(selectinload(Flag.answers)))
    if open_only:
        query = query.where(Flag.status.in_(OPEN_STATUSES))
    if for_holder:
        query = query.where(Flag.hidden_from_holder.is_(False))
    rows = list(session.scalars(query))
    order = {"urgent": 0, "attention": 1, "info": 2}
    rows.sort(key=lambda f: (f.status not in OPEN_STATUSES, order.get(f.severity, 3),
                             -f.raised_on.toordinal(), f.id))
    ids = [int(i) for row in rows for i in json.loads(row.evidence).get("transactions", [])]
    loaded = _load(session, holder, ids)
    return [_view(session, holder, row, for_holder, loaded) for row in rows]


def flag_for(session: Session, holder: Holder, flag_id: int, *, for_holder: bool
             ) -> FlagView | None:
    """One of the holder's flags (None for another holder's, or one hidden from them)."""
    row = session.scalar(select(Flag).where(Flag.id == flag_id, Flag.holder_id == holder.id))
    if row is None or (for_holder and row.hidden_from_holder):
        return None
    return _view(session, holder, row, for_holder)


# --- changing ---------------------------------------------------------------------------------

def _text(value: str | None, what: str, name: str) -> str:
    text = records.clean_text(value)
    if not text:
        raise UserError(f"Enter {what}", field=name)
    if len(text) > MAX_TEXT:
        raise UserError(f"Enter {what} that is {MAX_TEXT:,} characters or fewer", field=name)
    return text


@transactional
def answer(session: Session, holder: Holder, view: FlagView, text: str | None,
           filename: str | None = None, data: bytes | None = None) -> FlagAnswer:
    """The holder's answer (or a representative's or supporter's for them), in words, with a
    receipt if they have one (kept on the flag's payment, like any receipt)."""
    row = view.flag
    if row.status == "resolved":
        raise UserError("This question has been resolved, so it cannot be answered now")
    words = _text(text, "what it was for, in your own words", "text")
    attachment = None
    if data is not None:
        tx = view.receipt_transaction
        if tx is None:
            raise UserError("This question is not about one payment, so there is nothing to "
                            "add a receipt to. Say what you need to in words", field="file")
        attachment = records.add_attachment(session, holder, tx, filename or "receipt", data)
    reply = FlagAnswer(flag=row, holder_id=holder.id, user_id=current_actor().user_id,
                       text=words, attachment=attachment)
    session.add(reply)
    if row.status == "open":
        row.status = "answered"
    session.flush()
    return reply


@transactional
def resolve(session: Session, holder: Holder, view: FlagView, reason: str | None) -> Flag:
    row = view.flag
    if row.status == "resolved":
        raise UserError("This question has already been resolved")
    row.status = "resolved"
    row.resolved_reason = _text(reason, "why it is resolved", "reason")
    row.resolved_by_id = current_actor().user_id
    row.resolved_at = utcnow()
    return row


@transactional
def escalate(session: Session, holder: Holder, view: FlagView) -> Flag:
    row = view.flag
    if row.status not in ("open", "answered"):
        raise UserError("Only a question still waiting, or answered, can be passed on")
    row.status = "escalated"
    row.escalated_by_id = current_actor().user_id
    row.escalated_at = utcnow()
    return row


@transactional
def hide(session: Session, holder: Holder, view: FlagView, reason: str | None) -> Flag:
    """A safeguarding decision: the holder (and their representative) no longer see this
    flag. The reason, who and when are kept and shown to staff."""
    row = view.flag
    if row.hidden_from_holder:
        raise UserError(f"This is already hidden from {holder.display_name}")
    row.hidden_reason = _text(reason, "why it is hidden", "reason")
    row.hidden_from_holder = True
    row.hidden_by_id = current_actor().user_id
    row.hidden_at = utcnow()
    return row


@transactional
def show_again(session: Session, holder: Holder, view: FlagView) -> Flag:
    row = view.flag
    if not row.hidden_from_holder:
        raise UserError(f"{holder.display_name} can already see this")
    row.hidden_from_holder = False
    row.hidden_by_id = current_actor().user_id
    row.hidden_at = utcnow()
    row.hidden_reason = None
    return row


def forget_attachments(session: Session, attachment_ids: list[int]) -> None:
    """Receipts about to be removed with their payment: answers keep their words only."""
    if not attachment_ids:
        return
    for reply in session.scalars(select(FlagAnswer)
                                 .where(FlagAnswer.attachment_id.in_(attachment_ids))):
        reply.attachment_id = None
    session.flush()


def with_defaults(settings: PolicyInput, **changes: Any) -> PolicyInput:
    """A copy of ``settings`` with some of them changed (for scripts and tests)."""
    return replace(settings, **changes)
