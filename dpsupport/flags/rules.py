"""The flag rules that need no pay runs or contracts (codes in docs/flags.md).

Each rule is a pure function over plain :class:`~.model.Line` transactions, what is
:class:`~.model.Known`, a :class:`Policy` (the funder's settings, with these defaults) and
a :class:`~.model.Reader`. Only money out is looked at, except by ``statement_gap``.

- ``cash_withdrawal``: cash out (a cash machine, "CASH", LINK, cash back at a till, or the
  bank's type code for cash), unless the line is sorted to a plan line that may be paid in
  cash (``Known.cash_plan_lines``). One flag per withdrawal.
- ``prohibited_spend``: the line looks like a kind the funder does not pay for
  (``Policy.prohibited``: gambling, alcohol, tobacco, dating, pawnbroking by default;
  the words are ``Policy.lists``), unless it is to a known payee (a PA called William Hill
  is not a bookmaker). One flag per payment.
- ``transfer_out``: money moved to another account: to the holder's own savings (words such
  as "SAVINGS", "CASH ISA", a Monzo pot, or one of ``Known.own_accounts``), or a bank
  transfer (the words, the type code, or a sort code and account number) to anyone who is
  not a known payee, HMRC, a pension scheme or a payroll service. Moves between the
  holder's direct payment accounts (``Known.dp_accounts``) are not flags.
- ``unknown_payee``: a payment over ``Policy.unknown_payee_over_pence`` (£50: £50.00 is not
  over) to a payee nobody has placed: not a known payee, not HMRC, a pension scheme or a
  payroll service, not sorted to a plan category (``Policy.placed_categories``), and not a
  regular payee (paid at least ``Policy.regular_payments`` times before, on other days,
  in the ``Policy.regular_days`` before it: only earlier payments count, so later ones never
  change the answer).
- ``duplicate_payment``: two or more payments of the same amount to the same payee (the
  payee's name without card numbers and dates), at most ``Policy.duplicate_days`` (7) days
  apart: 7 days apart is a flag, 8 is not. Each payment is compared with the next one of
  the same amount to the same payee. A pair that keeps a steady rhythm is explained
  (weekly wages: 1, 8 and 15 May; a daily fare): the pair is left out when another such
  payment is the same gap before the first or after the second (give or take a day for
  gaps of 5 days or more). Two payments on one day are never a rhythm. Payments under ``Policy.duplicate_min_pence`` (£10) and cash
  are left out. Payments joined by duplicate pairs make one flag.
- ``payee_details_changed``: a payment shows a sort code and account number, and it is not
  the one in the records for that known payee (``KnownPayee.account``), or, for a payee
  not in the records, not the one their last such payment went to. One flag per payment to
  new details.
- ``statement_gap``: more than ``Policy.statement_gap_days`` (35) days that no imported
  statement covers: between statements, from ``since`` (the agreement's start) to the
  first, and from the last to yesterday (no statement can hold today yet). The last gap's evidence is the last statement, so
  it does not change every day the gap grows.
- ``review_due``: the funder's review, due on the agreement's first review date and then
  every ``review_interval_months`` (12): raised ``Policy.review_notice_days`` (28) before the
  date, until a review is recorded for it (after half the time since the previous due
  date: a late review belongs to the date it was late for). ``info`` until the date,
  ``attention`` once it has passed. Its key is the due date, so each review is its own flag.

A line raises at most one of the first four (in that order: a cash withdrawal is not also
an unknown payee); ``duplicate_payment`` may come as well.

- ``surplus_above_threshold``: (``surplus_above_threshold()``, from the money figures,
  not the lines) the balance, less what is owed (``owed_pence``: wages, tax, pension,
  holiday pay and bills not yet paid; 0 until those records exist), less the contingency
  reserve, less ``weeks`` (the agreement's threshold, usually 8) of the regular payment's
  weekly equivalent, is above zero: £0.01 over is a flag, exactly nothing over is not.
  On the net basis the surplus is split between the council's money and the holder's own
  contributions in proportion to what each pays per period (the holder's share rounded
  half up, the council's the rest); on the gross basis it is all the council's. One flag
  per agreement; its evidence is the agreement and the surplus in whole £100s (rounded
  down), so a resolved flag reopens when the surplus moves into another £100, not every
  time a penny is spent.

Severity: ``attention`` for everything that asks what money was for and for new bank
details; ``info`` for ``unknown_payee``, ``statement_gap`` and a review not yet late.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from ..text import first_upper, format_date, format_pence, plural
from .model import HOLDER, Flag, Id, Known, Line, Reader, StatementSpan, evidence_key
from .recognise import (
    DEFAULT_LISTS,
    KIND_LABELS,
    PROHIBITABLE,
    KnownPayee,
    Lists,
    PayeeMatcher,
    Recognition,
    payee_name,
    recogniser_for,
)

CODES = ("cash_withdrawal", "prohibited_spend", "transfer_out", "unknown_payee",
         "duplicate_payment", "payee_details_changed", "statement_gap", "review_due",
         "surplus_above_threshold",
         # about employing PAs (flags/employer.py)
         "pa_underpaid", "pa_overpaid", "hmrc_or_pension_overdue", "paid_after_leaving",
         "household_relative_unapproved",
         # about the work PAs do and the employer's duties (flags/employing.py)
         "below_minimum_wage", "hours_beyond_plan", "employer_duty_due")
PLACED_KINDS = frozenset({"hmrc", "pension", "payroll_bureau"})
_DIGITS_IN = re.compile(r"\d")


@dataclass(frozen=True)
class Policy:
    """The funder's settings for these rules; the defaults are docs/flags.md's."""

    prohibited: frozenset[str] = frozenset(PROHIBITABLE)
    lists: Lists = DEFAULT_LISTS
    unknown_payee_over_pence: int = 5000
    duplicate_days: int = 7
    duplicate_min_pence: int = 1000
    statement_gap_days: int = 35
    regular_payments: int = 3
    regular_days: int = 400
    placed_categories: frozenset[str] = frozenset({
        "pa_wages", "employer_costs", "agency_care", "respite", "day_activities", "equipment",
        "payroll_service", "insurance"})
    review_notice_days: int = 28
    funder: str = "the council"

    def __post_init__(self) -> None:
        for name in ("unknown_payee_over_pence", "duplicate_min_pence"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise TypeError(f"{name} must be int pence, 0 or more, not {value!r}")
        unknown = self.prohibited - set(PROHIBITABLE)
        if unknown:
            raise ValueError(f"prohibited kinds must be among {PROHIBITABLE}: {sorted(unknown)}")


DEFAULT_POLICY = Policy()
Maker = Callable[[Reader], Flag]  # a flag decided on, to be worded for its reader


@dataclass(slots=True)
class _Seen:
    """Each money-out line with what it was recognised as, and the known payee, if any."""

    line: Line
    recognition: Recognition | None
    known: str | None  # the known payee's role
    name: str  # payee_name()
    internal: bool = False  # a move between the holder's direct payment accounts
    named: KnownPayee | None = None  # the known payee by name alone, when it has an account


@dataclass
class _Book:
    lines: list[_Seen]
    by_payee: dict[str, list[dt.date]] = field(default_factory=dict)
    # each payee's distinct payment days, oldest first (for ``_regular``)
    days_by_payee: dict[str, list[dt.date]] = field(default_factory=dict)


def _read(lines: Iterable[Line], policy: Policy, known: Known) -> _Book:
    recogniser = recogniser_for(policy.lists)
    matcher = PayeeMatcher(known.payees)
    seen: list[_Seen] = []
    for line in lines:
        if line.amount_pence >= 0:
            continue
        recognition = recogniser.recognise(line.description, line.payee, line.kind)
        account = recognition.account if recognition else None
        payee = matcher.match(line.text, account) if known.payees else None
        named = matcher.match(line.text) if account and known.payees else None
        seen.append(_Seen(line, recognition, payee.role if payee else None,
                          payee_name(line.payee, line.description),
                          internal=account is not None and account in known.dp_accounts,
                          named=named if named is not None and named.account else None))
    try:
        seen.sort(key=lambda s: (s.line.date, s.line.id))
    except TypeError:  # ids of mixed types
        seen.sort(key=lambda s: (s.line.date, str(s.line.id)))
    book = _Book(seen)
    for item in seen:
        book.by_payee.setdefault(item.name, []).append(item.line.date)
    for name, days in book.by_payee.items():
        book.days_by_payee[name] = sorted(set(days))
    return book


def work_out(lines: Iterable[Line], *, policy: Policy = DEFAULT_POLICY, known: Known = Known(),
             reader: Reader = HOLDER, statements: Sequence[StatementSpan] = (),
             since: dt.date | None = None, today: dt.date | None = None,
             first_review: dt.date | None = None, review_interval_months: int = 12,
             last_review: dt.date | None = None, agreement: Id | None = None) -> list[Flag]:
    """Every flag these rules raise, oldest first. Statement gaps and the review only when
    ``today`` is given (and the review only with ``first_review``)."""
    return [flag for (flag,) in work_out_for(
        lines, (reader,), policy=policy, known=known, statements=statements, since=since,
        today=today, first_review=first_review, review_interval_months=review_interval_months,
        last_review=last_review, agreement=agreement)]


def work_out_for(lines: Iterable[Line], readers: Sequence[Reader], *,
                 policy: Policy = DEFAULT_POLICY, known: Known = Known(),
                 statements: Sequence[StatementSpan] = (), since: dt.date | None = None,
                 today: dt.date | None = None, first_review: dt.date | None = None,
                 review_interval_months: int = 12, last_review: dt.date | None = None,
                 agreement: Id | None = None) -> list[tuple[Flag, ...]]:
    """`work_out` for several readers at once (the holder and staff, say): each flag as a
    tuple, one for each reader in order. The lines are read and the rules decided once;
    only the words are written for each reader."""
    book = _read(lines, policy, known)
    makers = (_per_line_makers(book, policy, known) + _duplicate_makers(book, policy)
              + _details_changed_makers(book))
    found = [tuple(make(reader) for reader in readers) for make in makers]
    if today is not None:
        per_reader = [statement_gaps(statements, today, since=since, policy=policy, reader=r)
                      for r in readers]
        if first_review is not None:
            for i, reader in enumerate(readers):
                per_reader[i] = per_reader[i] + review_due(
                    first_review, review_interval_months, today, last_review=last_review,
                    agreement=agreement, policy=policy, reader=reader)
        found += list(zip(*per_reader, strict=True))
    found.sort(key=lambda f: (f[0].on, f[0].code, f[0].key))
    return found


def _one_code(lines: Iterable[Line], code: str, policy: Policy, known: Known,
              reader: Reader) -> list[Flag]:
    return [f for f in _per_line(_read(lines, policy, known), policy, known, reader)
            if f.code == code]


def _per_line(book: _Book, policy: Policy, known: Known, reader: Reader) -> list[Flag]:
    return [make(reader) for make in _per_line_makers(book, policy, known)]


def cash_withdrawals(lines: Iterable[Line], policy: Policy = DEFAULT_POLICY,
                     known: Known = Known(), reader: Reader = HOLDER) -> list[Flag]:
    return _one_code(lines, "cash_withdrawal", policy, known, reader)


def prohibited_spend(lines: Iterable[Line], policy: Policy = DEFAULT_POLICY,
                     known: Known = Known(), reader: Reader = HOLDER) -> list[Flag]:
    return _one_code(lines, "prohibited_spend", policy, known, reader)


def transfers_out(lines: Iterable[Line], policy: Policy = DEFAULT_POLICY,
                  known: Known = Known(), reader: Reader = HOLDER) -> list[Flag]:
    return _one_code(lines, "transfer_out", policy, known, reader)


def unknown_payees(lines: Iterable[Line], policy: Policy = DEFAULT_POLICY,
                   known: Known = Known(), reader: Reader = HOLDER) -> list[Flag]:
    return _one_code(lines, "unknown_payee", policy, known, reader)


def duplicate_payments(lines: Iterable[Line], policy: Policy = DEFAULT_POLICY,
                       reader: Reader = HOLDER) -> list[Flag]:
    return [make(reader) for make in _duplicate_makers(_read(lines, policy, Known()), policy)]


def _per_line_makers(book: _Book, policy: Policy, known: Known) -> list[Maker]:
    """The per-line flags, decided: each waits only for its reader to be worded."""
    flags: list[Maker] = []
    for item in book.lines:
        if item.internal:
            continue
        line, found = item.line, item.recognition
        kind = found.kind if found else None
        if kind == "cash":
            if line.plan_line_id is None or line.plan_line_id not in known.cash_plan_lines:
                flags.append(partial(_cash, line, found, policy))
            continue
        if kind in policy.prohibited and item.known is None:
            assert found is not None
            flags.append(partial(_prohibited, line, found, policy))
            continue
        if kind in PLACED_KINDS or item.known is not None:
            continue
        placed = line.category in policy.placed_categories
        if found is not None and not placed and (
                kind == "own_transfer" or kind == "transfer"):
            own = kind == "own_transfer" or (found.account in known.own_accounts)
            flags.append(partial(_transfer, line, own, policy))
            continue
        if placed or -line.amount_pence <= policy.unknown_payee_over_pence:
            continue
        if _regular(book, item, policy):
            continue
        flags.append(partial(_unknown, line, policy))
    return flags


def _regular(book: _Book, item: _Seen, policy: Policy) -> bool:
    """Paid on at least ``policy.regular_payments`` other, earlier days in the window."""
    days = book.days_by_payee.get(item.name, [])  # distinct days, sorted
    day = item.line.date
    first = bisect_left(days, day - dt.timedelta(days=policy.regular_days))
    return bisect_left(days, day) - first >= policy.regular_payments


def _money(line: Line) -> str:
    return format_pence(-line.amount_pence)


def _on(day: dt.date) -> str:
    return format_date(day)


def _flag(code: str, severity: str, line: Line, title: str, explanation: str,
          next_step: str) -> Flag:
    return Flag(code=code, severity=severity, title=title, explanation=explanation,
                next_step=next_step, key=f"{code}:{line.id}",
                evidence_key=evidence_key(code, [line]), on=line.date,
                transactions=(line.id,), amount_pence=-line.amount_pence)


def _cash(line: Line, found: Recognition | None, policy: Policy, reader: Reader) -> Flag:
    money, day = _money(line), _on(line.date)
    back = found is not None and found.words in ("CASHBACK", "CASH BACK")
    what = (f"A payment of {money} on {day} included cash back" if back
            else f"{money} was taken out in cash on {day}")
    where = f" (“{line.shown_as}”)" if line.shown_as != "no description" else ""
    if reader.is_holder:
        explanation = (f"{what}{where}. Your support plan does not say cash is used, so "
                       f"{policy.funder} may ask what it was for. It may well have paid for "
                       "your support: if so, just tell us what it paid for.")
        step = "Tell us what the cash was for. If you have a receipt, add it."
    else:
        explanation = (f"{what} from {reader.your} account{where}. {reader.your} support "
                       "plan does not say cash is used.")
        step = (f"Ask {reader.you}, or whoever helps them, what the cash was for, and read "
                "their answer before doing anything else.")
    title = (f"Cash back in a payment on {day}: what was it for?" if back
             else f"{money} cash taken out on {day}: what was it for?")
    return _flag("cash_withdrawal", "attention", line, title, explanation, step)


def _prohibited(line: Line, found: Recognition, policy: Policy, reader: Reader) -> Flag:
    money, day = _money(line), _on(line.date)
    what = KIND_LABELS[found.kind]
    start = (f"{money} to “{line.shown_as}” on {day} looks like {what}: the bank's "
             f"description has the words “{found.words}”.")
    if reader.is_holder:
        explanation = (f"{start} {first_upper(policy.funder)} does not usually pay for this "
                       "from a direct payment. It may be a mistake, or a name that only "
                       "looks like this: please tell us.")
        step = ("Tell us what this payment was for. If it was paid from this account by "
                "mistake, putting the money back is usually all that is needed.")
    else:
        explanation = (f"{start} {first_upper(policy.funder)} does not usually pay for this "
                       "from a direct payment. It may be a mistake or a name that only looks "
                       "like this.")
        step = (f"Ask {reader.you}, or whoever helps them, what this payment was for, and "
                "read their answer before doing anything else.")
    return _flag("prohibited_spend", "attention", line,
                 f"{money} on {day}: was this for {reader.your} support?", explanation, step)


def _transfer(line: Line, own: bool, policy: Policy, reader: Reader) -> Flag:
    money, day = _money(line), _on(line.date)
    if own:
        title = f"{money} moved to {reader.your} own account on {day}"
        explanation = (f"{money} went from this account to {reader.your} own account or "
                       f"savings on {day} (“{line.shown_as}”). Direct payment money stays in "
                       "this account until it is spent on support.")
        step = ("If it was a mistake, move the money back and say so. If there was a reason, "
                "tell us what it was." if reader.is_holder else
                f"Ask {reader.you} why the money was moved, and whether it has gone back.")
    else:
        title = f"{money} moved to another account on {day}"
        explanation = (f"{money} went to another account on {day} (“{line.shown_as}”). It is "
                       f"not to anyone in {reader.your} records: a personal assistant, a "
                       "care provider, HMRC or a pension scheme.")
        step = ("Tell us who this was paid to and what for. If they work for you or provide "
                "your care, we can add them so we do not ask again." if reader.is_holder else
                f"Ask {reader.you} who this was paid to and what for.")
    return _flag("transfer_out", "attention", line, title, explanation, step)


def _unknown(line: Line, policy: Policy, reader: Reader) -> Flag:
    money, day = _money(line), _on(line.date)
    over = format_pence(policy.unknown_payee_over_pence)
    explanation = (f"{money} was paid to “{line.shown_as}” on {day}. They are not in "
                   f"{reader.your} records as a personal assistant, a care provider or "
                   f"someone paid regularly, and the payment is over {over}.")
    step = ("Tell us who this is and what the payment was for." if reader.is_holder else
            f"Ask {reader.you} who this is and what the payment was for.")
    return _flag("unknown_payee", "info", line, f"Who is “{line.shown_as}”? {money} on {day}",
                 explanation, step)


def _duplicate_makers(book: _Book, policy: Policy) -> list[Maker]:
    groups: dict[tuple[str, int], list[Line]] = defaultdict(list)
    for item in book.lines:
        line = item.line
        if item.internal or -line.amount_pence < policy.duplicate_min_pence or (
                item.recognition is not None and item.recognition.kind == "cash"):
            continue
        groups[(item.name, line.amount_pence)].append(line)
    window = policy.duplicate_days
    flags: list[Maker] = []
    for (name, _amount), lines in groups.items():
        if len(lines) < 2:
            continue
        ordinals = [line.date.toordinal() for line in lines]
        parent = list(range(len(lines)))
        paired: set[int] = set()
        for i in range(len(lines) - 1):
            j = i + 1
            if ordinals[j] - ordinals[i] <= window and not _in_rhythm(ordinals, i, j):
                parent[_root(parent, j)] = _root(parent, i)
                paired.update((i, j))
        clusters: dict[int, list[Line]] = defaultdict(list)
        for i in sorted(paired):
            clusters[_root(parent, i)].append(lines[i])
        for cluster in clusters.values():
            flags.append(partial(_duplicate, name, cluster))
    return flags


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _has(ordinals: list[int], low: int, high: int) -> bool:
    return bisect_right(ordinals, high) > bisect_left(ordinals, low)


def _in_rhythm(ordinals: list[int], i: int, j: int) -> bool:
    """Another payment the same gap before the first or after the second (give or take a
    day when the gap is 5 days or more: a bank holiday moves weekly wages)."""
    gap = ordinals[j] - ordinals[i]
    if gap == 0:
        return False
    slack = 1 if gap >= 5 else 0
    before, after = ordinals[i] - gap, ordinals[j] + gap
    return _has(ordinals, before - slack, before + slack) or \
        _has(ordinals, after - slack, after + slack)


def _duplicate(name: str, cluster: list[Line], reader: Reader) -> Flag:
    first, last = cluster[0], cluster[-1]
    money = _money(first)
    shown = first.shown_as if first.payee else name.title()
    days = [format_date(line.date, year=False) for line in cluster[:-1]]
    dates = ", ".join(days) + f" and {format_date(last.date)}"
    if len({line.date for line in cluster}) == 1:
        dates = f"{plural(len(cluster), 'time')} on {format_date(last.date)}"
        said = f"“{shown}” was paid {money} {dates}."
    else:
        said = f"“{shown}” was paid {money} on {dates}."
    explanation = (f"{said} If the same bill was paid twice, {shown} can usually pay the "
                   "extra back.")
    step = (f"Check with {shown} whether every payment was due. If not, ask for the money back "
            "and tell us." if reader.is_holder else
            f"Ask {reader.you} whether every payment to {shown} was due.")
    return Flag(code="duplicate_payment", severity="attention",
                title=f"Paid twice? {money} to “{shown}”", explanation=explanation,
                next_step=step, key=f"duplicate_payment:{first.id}",
                evidence_key=evidence_key("duplicate_payment", cluster), on=last.date,
                transactions=tuple(line.id for line in cluster),
                amount_pence=-first.amount_pence * (len(cluster) - 1))


def payee_details_changed(lines: Iterable[Line], known: Known = Known(),
                          reader: Reader = HOLDER) -> list[Flag]:
    return [make(reader) for make in _details_changed_makers(_read(lines, DEFAULT_POLICY, known))]


def _details_changed_makers(book: _Book) -> list[Maker]:
    flags: list[Maker] = []
    last: dict[str, tuple[Line, str]] = {}  # payee name -> last payment there, its account
    for item in book.lines:
        found = item.recognition
        account = found.account if found else None
        if account is None or item.internal:
            continue
        line = item.line
        if item.named is not None:
            expected = item.named.account or ""
            if _digits(expected) != _digits(account):
                flags.append(partial(_changed, line, None, item.named.name))
            continue
        if _DIGITS_IN.search(item.name):
            continue  # no name apart from the numbers: nothing to compare
        before = last.get(item.name)
        if before is not None and before[1] != account:
            flags.append(partial(_changed, line, before[0], item.name.title()))
        last[item.name] = (line, account)
    return flags


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _changed(line: Line, before: Line | None, name: str, reader: Reader) -> Flag:
    money, day = _money(line), _on(line.date)
    evidence = [line] if before is None else [before, line]
    was = ("the details in " + reader.your + " records") if before is None else \
        f"the account paid on {format_date(before.date)}"
    explanation = (f"{money} was paid to {name} on {day}, to a different sort code or account "
                   f"number from {was}. People rarely change bank accounts; a message asking "
                   "for payment to new bank details is a common scam.")
    step = (f"Check the new details with {name} by phone or in person, not by replying to a "
            "message, and tell us." if reader.is_holder else
            f"Ask {reader.you} whether {name} confirmed the new bank details in person or "
            "by phone.")
    return Flag(code="payee_details_changed", severity="attention",
                title=f"New bank details for {name} on {day}", explanation=explanation,
                next_step=step, key=f"payee_details_changed:{line.id}",
                evidence_key=evidence_key("payee_details_changed", evidence), on=line.date,
                transactions=tuple(x.id for x in evidence), amount_pence=-line.amount_pence)


def review_due(first_review: dt.date, interval_months: int, today: dt.date, *,
               last_review: dt.date | None = None, agreement: Id | None = None,
               policy: Policy = DEFAULT_POLICY, reader: Reader = HOLDER) -> list[Flag]:
    """The funder's review: due on ``first_review``, then every ``interval_months``. Raised
    from ``policy.review_notice_days`` before a due date until a review is recorded for it:
    any review for the first; for later ones, a review (``last_review``) in the second half
    of the time since the previous due date or after (a late review belongs to the date it
    was late for). ``info`` until the date, ``attention`` after."""
    if interval_months < 1:
        raise ValueError("interval_months must be 1 or more")
    notice = dt.timedelta(days=policy.review_notice_days)
    n = 0
    while _add_months(first_review, interval_months * (n + 1)) - notice <= today:
        n += 1
    due = _add_months(first_review, interval_months * n)
    previous = _add_months(first_review, interval_months * (n - 1)) if n else None
    if today < due - notice:
        return []
    if last_review is not None and (previous is None or
                                    last_review >= previous + (due - previous) / 2):
        return []
    late = today > due
    if late:
        title = f"{first_upper(reader.your)} direct payment review was due on {format_date(due)}"
    else:
        title = f"{first_upper(reader.your)} direct payment review is due on {format_date(due)}"
    explanation = (f"{first_upper(policy.funder)} reviews a direct payment "
                   f"{'first by ' + format_date(first_review) + ', then ' if previous is None else ''}"
                   f"every {plural(interval_months, 'month')}, to check the support still "
                   f"meets {reader.your} needs. We have no review recorded for this date.")
    step = (f"{first_upper(policy.funder)} should get in touch to arrange it. If you have not "
            "heard from them, you can ask them." if reader.is_holder else
            f"Check that {policy.funder} has arranged {reader.your} review.")
    records: list[tuple[str, Id]] = [("due", due.isoformat())]
    if agreement is not None:
        records.append(("agreement", agreement))
    return [Flag(code="review_due", severity="attention" if late else "info", title=title,
                 explanation=explanation, next_step=step, key=f"review_due:{due.isoformat()}",
                 evidence_key=evidence_key("review_due", (), records), on=due,
                 records=tuple(r for r in records if r[0] == "agreement"))]


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def statement_gaps(statements: Sequence[StatementSpan], today: dt.date, *,
                   since: dt.date | None = None, policy: Policy = DEFAULT_POLICY,
                   reader: Reader = HOLDER) -> list[Flag]:
    """Stretches of more than ``policy.statement_gap_days`` days with no statement."""
    longest = policy.statement_gap_days
    spans = sorted(statements, key=lambda s: (s.start, s.end))
    flags: list[Flag] = []
    covered_to = (since - dt.timedelta(days=1)) if since is not None else None
    before: StatementSpan | None = None
    for span in spans:
        if covered_to is not None and (span.start - covered_to).days - 1 > longest:
            flags.append(_gap(covered_to + dt.timedelta(days=1), span.start - dt.timedelta(days=1),
                              before, span, reader))
        if covered_to is None or span.end > covered_to:
            covered_to, before = span.end, span
    if covered_to is not None and (today - covered_to).days - 1 > longest:
        flags.append(_gap(covered_to + dt.timedelta(days=1), None, before, None, reader))
    return flags


def _gap(start: dt.date, end: dt.date | None, before: StatementSpan | None,
         after: StatementSpan | None, reader: Reader) -> Flag:
    records: list[tuple[str, Id]] = []
    if before is not None:
        records.append(("statement", before.id))
    if after is not None:
        records.append(("statement", after.id))
    shown = [*records, ("from", start.isoformat())]
    if end is None:
        title = f"No bank statement since {format_date(start)}"
        said = f"No bank statement covers the days from {format_date(start)} until today."
    else:
        days = (end - start).days + 1
        title = f"No bank statement from {format_date(start)} to {format_date(end)}"
        said = (f"No bank statement covers the {plural(days, 'day')} from {format_date(start)} "
                f"to {format_date(end)}.")
    explanation = (f"{said} Without it, nobody can see what happened to the money then, and "
                   f"{reader.your} money page may be out of date.")
    step = ("Add the bank statement for those dates." if reader.is_holder else
            f"Ask {reader.you}, or whoever helps them, for the bank statement for those dates.")
    return Flag(code="statement_gap", severity="info", title=title, explanation=explanation,
                next_step=step, key=f"statement_gap:{start.isoformat()}",
                evidence_key=evidence_key("statement_gap", (), shown),
                on=end or start, records=tuple(records))


def surplus_above_threshold(*, balance_pence: int, contingency_pence: int,
                            regular_pence: int, weekly_regular_pence: int, weeks: int,
                            today: dt.date, owed_pence: int = 0, contribution_pence: int = 0,
                            net_basis: bool = True, agreement: Id | None = None,
                            policy: Policy = DEFAULT_POLICY,
                            reader: Reader = HOLDER) -> list[Flag]:
    """Money held beyond what the funder allows, after what is owed (module docstring).

    ``regular_pence``: the regular gross amount per period (the council's payment plus, on
    the net basis, the holder's ``contribution_pence``); ``weekly_regular_pence``: its
    weekly equivalent. ``owed_pence``: money owed and not yet paid (0 when not known)."""
    for name, value in (("balance_pence", balance_pence), ("owed_pence", owed_pence),
                        ("contingency_pence", contingency_pence),
                        ("regular_pence", regular_pence),
                        ("weekly_regular_pence", weekly_regular_pence),
                        ("contribution_pence", contribution_pence)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be int pence, not {value!r}")
    allowance = weeks * weekly_regular_pence
    left = balance_pence - owed_pence - contingency_pence - allowance
    if left <= 0:
        return []
    yours = 0
    if net_basis and contribution_pence > 0 and regular_pence > 0:
        share = min(contribution_pence, regular_pence)
        yours = (2 * left * share + regular_pence) // (2 * regular_pence)
    council = left - yours
    money = format_pence(left)
    working = (f"{format_pence(balance_pence)} in the account, less {format_pence(owed_pence)} "
               f"owed, less the contingency reserve of {format_pence(contingency_pence)}, less "
               f"{plural(weeks, 'week')} of the regular payment "
               f"({weeks} × {format_pence(weekly_regular_pence)} = {format_pence(allowance)}), "
               f"leaves {money}.")
    split = (f" Of that, {format_pence(council)} is the council's money and "
             f"{format_pence(yours)} came from {reader.your} own contributions." if yours else
             f" All of it is {policy.funder}'s money.")
    if reader.is_holder:
        title = f"You have {money} more than {policy.funder} usually lets you keep"
        explanation = (f"{working}{split} Money you owe is taken off first. There may be a "
                       "good reason to keep it, such as a bill or extra support coming up.")
        step = (f"Tell us if the money is set aside for something. If not, {policy.funder} may "
                "ask for some of it back or lower your payments for a while.")
    else:
        title = f"{reader.you} has {money} more than {policy.funder} usually allows"
        explanation = f"{working}{split}"
        step = (f"Ask {reader.you} whether the money is set aside for something before "
                "anyone talks about taking it back.")
    records: list[tuple[str, Id]] = [("surplus_hundreds", left // 10000)]
    if agreement is not None:
        records.append(("agreement", agreement))
    return [Flag(code="surplus_above_threshold", severity="attention", title=title,
                 explanation=explanation, next_step=step, key="surplus_above_threshold",
                 evidence_key=evidence_key("surplus_above_threshold", (), records),
                 on=today, records=tuple(r for r in records if r[0] == "agreement"),
                 amount_pence=left)]
