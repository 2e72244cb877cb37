"""Reconciliation for a holder: what was expected, what the bank shows, and what matched.

What is expected (``expectations``), up to the horizon (the date of the latest bank line:
what is due after it is not missing yet):

- the council's regular payment for each period and, on a net basis, the holder's
  contribution (the funding agreement's schedule, ``budget.payment_schedule``), within 5
  days of the day they are due; each one-off payment of the agreement, likewise;
- every payment an approved pay run left owing (``PaymentDue``) that nobody marked as paid
  by hand: a PA's net pay (7 days either side of the pay day), the pension scheme's
  collection (14 days before to 31 days after) and HMRC (all the PAYE for one tax month is
  one payment, from 31 days before the 22nd to 31 days after: late is still matched, and
  the reason says how late);
- a plan line's regular payee: a payee paid from the same plan line in each of the three
  months before, expected again in the month (as many times as the fewest of those months),
  for between 80% of the smallest and 120% of the largest of those payments, and only to a
  payee with a name like it.

Invoices are not recorded in dpsupport yet, so none is expected.

The bank side is every transaction of the holder (all their accounts) up to the horizon.
Matching is ``dpsupport.reconcile.match``, over the whole history at once, so a payment
paid in the month after it was due still finds it; a month's page shows the matches of the
bank lines dated in it, the expectations due in it that nothing paid, and its bank lines
that nothing expected.

What people decide is stored as a ``Match``: confirmed (this line is that expectation,
kept whatever the suggestions say) or not expected (this line is nothing we expected).
Confirming a match to a payment owed (net pay, HMRC, pension) settles it: its
``transaction_id`` and ``settled_on`` are set; undoing the match unsettles it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import budget, reconcile
from ..errors import UserError
from ..models import Account, BudgetLine, Holder, Match, PaymentDue, PayRun, Transaction
from ..models.reconcile import MATCH_STATUSES
from ..reconcile import BankLine, Expectation, Pairing
from ..statements.dedupe import normalise_description
from ..statements.payees import clean_payee
from ..text import format_date, format_pence, plural
from . import records
from .audit import current_actor
from .flags import later as flags_later
from .money import terms_for
from .uow import transactional

__all__ = ["MATCH_STATUSES", "Account", "Holder", "Transaction"]

REGULAR_DAYS = 5  # the budget engine's PAYMENT_WINDOW_DAYS
NET_PAY_DAYS = 7
PENSION_BEFORE, PENSION_AFTER = 14, 31
HMRC_BEFORE, HMRC_AFTER = 31, 31
REGULAR_MONTHS = 3
LOW_PERCENT, HIGH_PERCENT = 80, 120


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return month_start(day) + relativedelta(months=1) - dt.timedelta(days=1)


def month_name(day: dt.date) -> str:
    return format_date(day)[format_date(day).index(" ") + 1:]  # "March 2026"


# --- expectations ---------------------------------------------------------------------------

def _span(first: dt.date, last: dt.date) -> str:
    same_year = first.year == last.year
    return f"{format_date(first, year=not same_year)} to {format_date(last)}"


def _schedule(session: Session, holder: Holder, horizon: dt.date) -> list[Expectation]:
    agreement = records.current_agreement(session, holder)
    if agreement is None or horizon < agreement.start_date:
        return []
    terms = terms_for(agreement)
    found = []
    for p in budget.payment_schedule(terms, agreement.start_date, horizon):
        if p.kind == "regular":
            found.append(Expectation(
                f"regular:{p.period_index}", "regular", p.date, p.amount_pence,
                f"the regular payment from {agreement.funder} for "
                f"{_span(p.period_start, p.period_end)}",
                days_before=REGULAR_DAYS, days_after=REGULAR_DAYS, payees=(agreement.funder,)))
        elif p.kind == "contribution":
            found.append(Expectation(
                f"contribution:{p.period_index}", "contribution", p.date, p.amount_pence,
                f"the contribution for {_span(p.period_start, p.period_end)}",
                days_before=REGULAR_DAYS, days_after=REGULAR_DAYS, payees=(holder.name,)))
    for one_off in agreement.one_off_payments:
        if one_off.date <= horizon and one_off.amount_pence:
            found.append(Expectation(
                f"one_off:{one_off.id}", "one_off", one_off.date, one_off.amount_pence,
                f"the one-off payment from {agreement.funder}: {one_off.description}",
                days_before=REGULAR_DAYS, days_after=REGULAR_DAYS, payees=(agreement.funder,)))
    return found


def _tax_month_words(year: int | None, month: int | None) -> str:
    if year is None or month is None:
        return "PAYE and National Insurance"
    return f"PAYE and National Insurance for tax month {month} of {year} to {year + 1}"


def _payroll(session: Session, holder: Holder, horizon: dt.date
             ) -> tuple[list[Expectation], dict[str, list[PaymentDue]]]:
    """Expectations from payments owed, and the payments owed behind each key."""
    rows = session.execute(
        select(PaymentDue, PayRun).join(PayRun, PaymentDue.pay_run_id == PayRun.id)
        .where(PaymentDue.holder_id == holder.id, PayRun.status == "approved",
               PaymentDue.due_date <= horizon + dt.timedelta(days=HMRC_BEFORE))
        .order_by(PaymentDue.id)).all()
    behind: dict[str, list[PaymentDue]] = defaultdict(list)
    runs: dict[str, PayRun] = {}
    for due, run in rows:
        if due.settled_on is not None and due.transaction_id is None:
            continue  # marked as paid by hand: nothing to find in the bank
        if due.kind == "hmrc" and due.tax_month is not None:
            key = f"hmrc:{due.tax_year}:{due.tax_month}"
        else:
            key = f"payment_due:{due.id}"
        behind[key].append(due)
        runs.setdefault(key, run)
    found = []
    for key, dues in behind.items():
        first, run = dues[0], runs[key]
        amount = -sum(d.amount_pence for d in dues)
        if not amount:
            continue
        due_date = max(d.due_date for d in dues)
        if first.kind == "net_pay":
            e = Expectation(key, "net_pay", due_date, amount,
                            f"net pay for {_span(run.period_start, run.period_end)}",
                            days_before=NET_PAY_DAYS, days_after=NET_PAY_DAYS,
                            payees=(first.payee,))
        elif first.kind == "pension":
            e = Expectation(key, "pension", due_date, amount,
                            f"pension contributions for {_span(run.period_start, run.period_end)}"
                            f", to {first.payee}",
                            days_before=PENSION_BEFORE, days_after=PENSION_AFTER,
                            payees=(first.payee,), recognised_as="pension")
        else:
            e = Expectation(key, "hmrc", due_date, amount,
                            f"{_tax_month_words(first.tax_year, first.tax_month)}, due by "
                            f"{format_date(due_date)}",
                            days_before=HMRC_BEFORE, days_after=HMRC_AFTER,
                            payees=(first.payee, "HMRC"), recognised_as="hmrc")
        if e.due <= horizon + dt.timedelta(days=e.days_before):
            found.append(e)
    return found, dict(behind)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, at = [], month_start(first)
    while at <= last:
        months.append(at)
        at += relativedelta(months=1)
    return months


def _regular_payees(session: Session, holder: Holder, horizon: dt.date) -> list[Expectation]:
    """A plan line's regular payees (module docstring)."""
    lines = {line.id: line for line in records.budget_lines(session, holder)}
    rows = session.execute(
        select(Transaction.budget_line_id, Transaction.payee, Transaction.description,
               Transaction.date, Transaction.amount_pence)
        .where(Transaction.holder_id == holder.id, Transaction.budget_line_id.is_not(None),
               Transaction.amount_pence < 0, Transaction.date <= horizon))
    paid: dict[tuple[int, str], dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(list))
    spelling: dict[tuple[int, str], str] = {}
    for line_id, payee, description, day, amount in rows:
        written = clean_payee(payee or description or "")
        name = normalise_description(written)
        if not name or line_id not in lines:
            continue
        paid[(line_id, name)][month_start(day)].append(-amount)
        spelling.setdefault((line_id, name), written)
    found = []
    for (line_id, name), by_month in sorted(paid.items()):
        first = min(by_month)
        for month in _months(first + relativedelta(months=REGULAR_MONTHS), horizon):
            before = [month - relativedelta(months=k) for k in range(1, REGULAR_MONTHS + 1)]
            if not all(m in by_month for m in before):
                continue
            amounts = [a for m in before for a in by_month[m]]
            low = int(Decimal(min(amounts)) * LOW_PERCENT / 100)
            high = -(-max(amounts) * HIGH_PERCENT // 100)
            times = min(len(by_month[m]) for m in before)
            last_day = min(month_end(month), horizon)
            label = lines[line_id].label
            for i in range(times):
                found.append(Expectation(
                    f"line:{line_id}:{month:%Y-%m}:{i}:{name[:40]}", "regular_payee", month,
                    -max(low, 1), f"a regular payment from the plan line “{label}” "
                    f"(paid every month since {month_name(first)})",
                    days_before=0, days_after=(last_day - month).days,
                    amount_max_pence=-max(high, low, 1), payees=(spelling[(line_id, name)],),
                    payee_required=True, soft=True))
    return found


# --- working it out -------------------------------------------------------------------------

@dataclass
class Worked:
    """Everything matched for a holder, up to ``horizon``."""

    horizon: dt.date | None
    result: reconcile.Result
    expectations: dict[str, Expectation]
    lines: dict[int, tuple[BankLine, int]]  # id -> (line, account id)
    stored: dict[int, Match]  # transaction id -> a person's decision
    kept: list[Match] = field(default_factory=list)  # confirmed; the expectation is gone

    def pairing_for(self, transaction_id: int) -> Pairing | None:
        for p in self.result.pairings:
            if p.line.id == transaction_id:
                return p
        return None


def _horizon(session: Session, holder: Holder) -> dt.date | None:
    """The day up to which the bank has been seen: the latest bank line's date. What is due
    after it is not missing yet (it may be on the next statement)."""
    return session.scalar(select(Transaction.date).where(Transaction.holder_id == holder.id)
                          .order_by(Transaction.date.desc()).limit(1))


def work_out(session: Session, holder: Holder) -> Worked:
    horizon = _horizon(session, holder)
    stored = {m.transaction_id: m for m in session.scalars(
        select(Match).where(Match.holder_id == holder.id))}
    if horizon is None:
        return Worked(None, reconcile.Result((), (), ()), {}, {}, stored)
    payroll, behind = _payroll(session, holder, horizon)
    expectations = {e.key: e for e in (_schedule(session, holder, horizon) + payroll
                                       + _regular_payees(session, holder, horizon))}
    lines = {
        tx_id: (BankLine(tx_id, day, amount, payee or "", description or ""), account_id)
        for tx_id, account_id, day, amount, payee, description in session.execute(
            select(Transaction.id, Transaction.account_id, Transaction.date,
                   Transaction.amount_pence, Transaction.payee, Transaction.description)
            .where(Transaction.holder_id == holder.id, Transaction.date <= horizon))}
    fixed: dict[str, int] = {}
    kept: list[Match] = []
    for tx_id, m in stored.items():
        if m.status != "confirmed" or m.expectation_key is None or tx_id not in lines:
            continue
        if m.expectation_key in expectations:
            fixed[m.expectation_key] = tx_id
        else:
            kept.append(m)
    # Payments owed settled against a bank line some other way count as confirmed too.
    taken = set(fixed.values()) | set(stored)
    for key, dues in behind.items():
        settled_by = dues[0].transaction_id
        if (key in expectations and key not in fixed and settled_by is not None
                and settled_by in lines and settled_by not in taken):
            fixed[key] = settled_by
            taken.add(settled_by)
    kept_ids = {m.transaction_id for m in kept}
    not_expected = [tx_id for tx_id, m in stored.items() if m.status == "not_expected"]
    result = reconcile.match(list(expectations.values()),
                             [line for tx_id, (line, _a) in lines.items() if tx_id not in kept_ids],
                             fixed, not_expected)
    return Worked(horizon, result, expectations, lines, stored, kept)


# --- what pages show ------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One bank line matched: the pairing (or, for a match confirmed when what was expected
    was different, the stored reason), and the person's decision if any."""

    transaction_id: int
    date: dt.date
    amount_pence: int
    name: str
    reason: str
    details: tuple[str, ...]
    expectation_key: str | None
    confirmed_by: str | None  # None: a suggestion

    @property
    def suggested(self) -> bool:
        return self.confirmed_by is None


@dataclass(frozen=True)
class PeriodView:
    account: Account
    first: dt.date
    last: dt.date
    matched: tuple[Row, ...]
    not_seen: tuple[Expectation, ...]
    not_expected: tuple[tuple[BankLine, str | None], ...]  # line, who said so (if anyone)
    horizon: dt.date | None

    @property
    def reconciled(self) -> bool:
        return not self.not_seen and not self.not_expected_open

    @property
    def not_expected_open(self) -> tuple[BankLine, ...]:
        return tuple(line for line, who in self.not_expected if who is None)

    @property
    def suggestions(self) -> int:
        return sum(r.suggested for r in self.matched)

    @property
    def title(self) -> str:
        return month_name(self.first)


def _who(m: Match) -> str:
    name = m.decided_by.name if m.decided_by is not None else "dpsupport"
    return f"{name} on {format_date(m.decided_at.date())}"


def _rows(worked: Worked, account_id: int, first: dt.date, last: dt.date) -> list[Row]:
    rows = []
    for p in worked.result.pairings:
        line = p.line
        if not (first <= line.date <= last) or worked.lines[line.id][1] != account_id:
            continue
        m = worked.stored.get(line.id)
        who = _who(m) if m is not None and m.status == "confirmed" else None
        rows.append(Row(line.id, line.date, line.amount_pence, line.name, p.reason, p.details,
                        p.expectation.key, who))
    for m in worked.kept:
        line, account = worked.lines[m.transaction_id]
        if first <= line.date <= last and account == account_id:
            rows.append(Row(line.id, line.date, line.amount_pence, line.name, m.reason,
                            ("What was expected has changed since this was confirmed.",),
                            m.expectation_key, _who(m)))
    rows.sort(key=lambda r: (r.date, r.transaction_id))
    return rows


def _view(worked: Worked, account: Account, month: dt.date) -> PeriodView:
    first, last = month_start(month), month_end(month)
    horizon = worked.horizon or last
    # Due after the latest bank line: not missing yet (it may be on the next statement).
    not_seen = tuple(e for e in worked.result.not_seen if first <= e.due <= min(last, horizon))
    unexpected = []
    for line in worked.result.not_expected:
        if first <= line.date <= last and worked.lines[line.id][1] == account.id:
            m = worked.stored.get(line.id)
            unexpected.append((line, _who(m) if m is not None else None))
    return PeriodView(account, first, last, tuple(_rows(worked, account.id, first, last)),
                      not_seen, tuple(unexpected), worked.horizon)


def account(session: Session, holder: Holder, account_id: int) -> Account | None:
    return session.scalar(select(Account).where(Account.id == account_id,
                                                Account.holder_id == holder.id))


def accounts(session: Session, holder: Holder) -> list[Account]:
    return sorted(records.accounts(session, holder), key=lambda a: a.id)


def periods(session: Session, holder: Holder, acct: Account,
            worked: Worked | None = None) -> list[PeriodView]:
    """Every month with a bank line in this account, newest first."""
    worked = worked or work_out(session, holder)
    days = [line.date for line, account_id in worked.lines.values() if account_id == acct.id]
    if not days:
        return []
    return [_view(worked, acct, m) for m in reversed(_months(min(days), max(days)))]


def period(session: Session, holder: Holder, acct: Account, year: int, month: int
           ) -> PeriodView | None:
    try:
        first = dt.date(year, month, 1)
    except (ValueError, OverflowError):
        return None
    return _view(work_out(session, holder), acct, first)


def overview(session: Session, holder: Holder) -> list[tuple[Account, list[PeriodView]]]:
    worked = work_out(session, holder)
    return [(a, periods(session, holder, a, worked)) for a in accounts(session, holder)]


@dataclass(frozen=True)
class Choice:
    """Something a bank line could be, for the "change" page."""

    key: str
    label: str
    hint: str


def choices_for(session: Session, holder: Holder, transaction_id: int
                ) -> tuple[Transaction, list[Choice], str | None] | None:
    """The bank line, what it could be matched to (expectations going the same way, due
    within 45 days of it, not matched to another line), and the key it is matched to now."""
    tx = records.transaction(session, holder, transaction_id)
    if tx is None:
        return None
    worked = work_out(session, holder)
    taken = {p.expectation.key: p.line.id for p in worked.result.pairings}
    current = None
    pair = worked.pairing_for(tx.id)
    if pair is not None:
        current = pair.expectation.key
    found = []
    for e in sorted(worked.expectations.values(), key=lambda e: (abs((e.due - tx.date).days), e.key)):
        if e.money_in != (tx.amount_pence > 0) or abs((e.due - tx.date).days) > 45:
            continue
        if taken.get(e.key, tx.id) != tx.id:
            continue
        amount = format_pence(abs(e.amount_pence))
        if e.amount_max_pence is not None:
            amount += f" to {format_pence(abs(e.amount_max_pence))}"
        found.append(Choice(e.key, f"{e.words[0].upper()}{e.words[1:]}",
                            f"{amount}, due {format_date(e.due)}"))
    return tx, found[:30], current


# --- decisions ------------------------------------------------------------------------------

def _settle(session: Session, holder: Holder, key: str | None, tx: Transaction | None) -> None:
    """Settle the payments owed behind ``key`` with ``tx`` (or unsettle them: tx None)."""
    if key is None or not (key.startswith("payment_due:") or key.startswith("hmrc:")):
        return
    query = select(PaymentDue).where(PaymentDue.holder_id == holder.id)
    if key.startswith("payment_due:"):
        query = query.where(PaymentDue.id == int(key.split(":")[1]))
    else:
        _kind, year, month = key.split(":")
        query = query.where(PaymentDue.kind == "hmrc", PaymentDue.tax_year == int(year),
                            PaymentDue.tax_month == int(month))
    for due in session.scalars(query):
        due.transaction_id = tx.id if tx is not None else None
        due.settled_on = tx.date if tx is not None else None
    flags_later(session, holder.id)  # what is owed changed: its flags, at the end


def _unsettle_transaction(session: Session, transaction_ids: list[int]) -> None:
    for due in session.scalars(select(PaymentDue).where(
            PaymentDue.transaction_id.in_(transaction_ids))):
        due.transaction_id = None
        due.settled_on = None


def forget_transactions(session: Session, transaction_ids: list[int]) -> None:
    """Before bank lines are removed (or their date or amount changed): their matches go,
    and payments owed they settled are owed again. Each change is in the audit trail."""
    if not transaction_ids:
        return
    for at in range(0, len(transaction_ids), 500):
        chunk = transaction_ids[at:at + 500]
        for m in session.scalars(select(Match).where(Match.transaction_id.in_(chunk))):
            session.delete(m)
        _unsettle_transaction(session, chunk)
    session.flush()


def forget_import(session: Session, import_id: int) -> None:
    """As :func:`forget_transactions`, for every bank line of a statement import."""
    ids = select(Transaction.id).where(Transaction.import_id == import_id)
    for m in session.scalars(select(Match).where(Match.transaction_id.in_(ids))):
        session.delete(m)
    for due in session.scalars(select(PaymentDue).where(PaymentDue.transaction_id.in_(ids))):
        due.transaction_id = None
        due.settled_on = None
    session.flush()


def decision(session: Session, holder: Holder, transaction_id: int) -> Match | None:
    """What a person decided about this bank line in reconciliation, if anything."""
    return session.scalar(select(Match).where(Match.holder_id == holder.id,
                                              Match.transaction_id == transaction_id))


def _stored(session: Session, tx: Transaction) -> Match | None:
    return session.scalar(select(Match).where(Match.transaction_id == tx.id))


def _decide(session: Session, holder: Holder, tx: Transaction, status: str,
            e: Expectation | None, reason: str) -> Match:
    m = _stored(session, tx)
    if m is not None and m.expectation_key != (e.key if e else None):
        _settle(session, holder, m.expectation_key, None)
    if m is None:
        m = Match(holder_id=holder.id, transaction_id=tx.id)
        session.add(m)
    m.status = status
    m.expectation_kind = e.kind if e else None
    m.expectation_key = e.key if e else None
    m.reason = reason
    m.decided_by_id = current_actor().user_id
    m.decided_at = dt.datetime.now(dt.UTC)
    session.flush()
    _settle(session, holder, m.expectation_key, tx)
    return m


@transactional
def confirm(session: Session, holder: Holder, transaction_id: int, key: str) -> Match:
    """This bank line is the expected payment ``key``: stored, and any payment owed behind
    it is settled. Replaces what was decided about the line before."""
    tx = records.transaction(session, holder, transaction_id)
    if tx is None:
        raise UserError("That payment could not be found.")
    worked = work_out(session, holder)
    e = worked.expectations.get(key)
    if e is None:
        raise UserError("What you chose is no longer expected. Please choose again.",
                        field="choice")
    if e.money_in != (tx.amount_pence > 0):
        way = "money coming in" if e.money_in else "money going out"
        raise UserError(f"That is {way}, and this payment goes the other way. Choose another.",
                        field="choice")
    for p in worked.result.pairings:
        if p.expectation.key == key and p.line.id != tx.id and p.fixed:
            raise UserError(
                f"That is already confirmed as the payment of {format_pence(abs(p.line.amount_pence))} "
                f"on {format_date(p.line.date)}. Undo that match first.", field="choice")
    line = worked.lines[tx.id][0] if tx.id in worked.lines else BankLine(
        tx.id, tx.date, tx.amount_pence, tx.payee or "", tx.description or "")
    pair = reconcile.pairing(e, line)
    reason = pair.reason
    if not e.takes_amount(tx.amount_pence):
        difference = abs(tx.amount_pence - e.amount_pence)
        reason += f" ({format_pence(difference)} different from the {format_pence(abs(e.amount_pence))} expected)"
    return _decide(session, holder, tx, "confirmed", e, reason)


@transactional
def mark_not_expected(session: Session, holder: Holder, transaction_id: int) -> Match:
    tx = records.transaction(session, holder, transaction_id)
    if tx is None:
        raise UserError("That payment could not be found.")
    direction = "from" if tx.amount_pence > 0 else "to"
    reason = (f"{format_pence(abs(tx.amount_pence))} {direction} "
              f"{clean_payee(tx.payee or tx.description or '') or 'no name'} on "
              f"{format_date(tx.date, year=False)}: nothing expected this payment")
    return _decide(session, holder, tx, "not_expected", None, reason)


@transactional
def undo(session: Session, holder: Holder, transaction_id: int) -> bool:
    """Forget what was decided about this bank line (it is worked out afresh). False if
    nothing was decided."""
    tx = records.transaction(session, holder, transaction_id)
    if tx is None:
        raise UserError("That payment could not be found.")
    m = _stored(session, tx)
    if m is None:
        return False
    _settle(session, holder, m.expectation_key, None)
    session.delete(m)
    session.flush()
    return True


@transactional
def confirm_suggestions(session: Session, holder: Holder, acct: Account, year: int,
                        month: int) -> int:
    """Confirm every suggested match of this account's bank lines in the month."""
    view = period(session, holder, acct, year, month)
    if view is None:
        raise UserError("That month could not be found.")
    done = 0
    worked = work_out(session, holder)
    for row in view.matched:
        if row.suggested and row.expectation_key is not None:
            pair = worked.pairing_for(row.transaction_id)
            tx = records.transaction(session, holder, row.transaction_id)
            if pair is None or tx is None:
                continue
            _decide(session, holder, tx, "confirmed", pair.expectation, pair.reason)
            done += 1
    return done


@transactional
def confirm_every_suggestion(session: Session, holder: Holder) -> int:
    """Confirm every suggested match of the holder's bank lines, in every account and month
    (worked out once: for loading a history, such as the demo's)."""
    worked = work_out(session, holder)
    txs = {t.id: t for t in session.scalars(select(Transaction).where(
        Transaction.holder_id == holder.id, Transaction.id.in_(
            [p.line.id for p in worked.result.pairings if not p.fixed])))}
    done = 0
    for pair in worked.result.pairings:
        tx = txs.get(pair.line.id)
        if pair.fixed or tx is None:
            continue
        _decide(session, holder, tx, "confirmed", pair.expectation, pair.reason)
        done += 1
    return done


@transactional
def check_the_rest(session: Session, holder: Holder, acct: Account, year: int,
                   month: int) -> int:
    """Every bank line of this account in the month that nothing expected, checked by a
    person as nothing expected (one decision a line, each in the audit trail)."""
    view = period(session, holder, acct, year, month)
    if view is None:
        raise UserError("That month could not be found.")
    done = 0
    for line in view.not_expected_open:
        tx = records.transaction(session, holder, line.id)
        if tx is not None:
            mark_not_expected(session, holder, tx.id)
            done += 1
    return done


def summary(view: PeriodView, status: bool = True) -> str:
    """"Reconciled: 12 payments matched" or what is left over, in words (without the
    "Reconciled: " or "Not reconciled: " when ``status`` is False)."""
    if view.reconciled:
        words = f"{plural(len(view.matched), 'payment')} matched"
        return f"Reconciled: {words}" if status else words
    parts = []
    if view.not_seen:
        parts.append(f"{plural(len(view.not_seen), 'payment')} expected but not seen")
    if view.not_expected_open:
        parts.append(f"{plural(len(view.not_expected_open), 'payment')} not expected")
    words = " and ".join(parts)
    return f"Not reconciled: {words}" if status else words[0].upper() + words[1:]


def line_for(session: Session, holder: Holder, line_id: int) -> BudgetLine | None:
    return records.budget_line(session, holder, line_id)
