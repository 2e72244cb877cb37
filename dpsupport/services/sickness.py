"""Sickness: spells off sick and Statutory Sick Pay (SSP).

The SSP rules (before and from 6 April 2026) are `payroll_rules.statutory_sick_pay`'s; the
rules are written out, with sources, in docs/holiday_and_sickness.md. What this module
decides:

- Average weekly earnings (AWE): the gross pay on the PA's approved payslips paid in the
  "relevant period": after the last payday at least 8 weeks before the last payday before
  the sickness, up to and including that last payday. Monthly pay: the total × 12 ÷ 52 ÷
  the number of months; other pay: the total × 7 ÷ the days in the period. To the nearest
  penny. With no payslip paid 8 weeks or more before the last one, the period starts on
  the first day of the first payslip's pay period. With no payslips before the sickness (a
  new PA), their pay from recorded shifts in the 8 weeks
  before the sickness ÷ the weeks they worked for you in those 8 (at least 1).
- Linked spells: a spell that starts 8 weeks or less after an earlier spell of at least 4
  days ends is linked to it: waiting days already served there are not served again.
  The 28-week limit across linked spells is not checked: a PA off sick that long needs
  advice (and form SSP1).
- A pay period pays the SSP for the sick days in it: the SSP for the spell up to the end
  of the period less the SSP for the spell up to the day before the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

import payroll_rules
from payroll_rules import statutory_sick_pay

from ..errors import UserError
from ..models import ContractVersion, Employment, Holder, PayRun, Payslip, SicknessSpell
from ..payroll.lines import PayLine
from ..text import format_date, format_pence, plural
from .employment import contract_in_force, employment
from .holiday import worked_weeks
from .uow import transactional

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LINK_DAYS = 56  # 8 weeks
RULES_NAMES = {
    "waiting_days_and_lel": "the rules for sickness starting before 6 April 2026",
    "day_one_80_percent": "the rules for sickness starting on or after 6 April 2026",
}


def _find(session: Session, holder: Holder, employment_id: int) -> Employment:
    row = employment(session, holder, employment_id)
    if row is None:
        raise UserError("We could not find that person in your records")
    return row


def spells(session: Session, row: Employment) -> list[SicknessSpell]:
    return list(session.scalars(select(SicknessSpell).where(
        SicknessSpell.employment_id == row.id).order_by(SicknessSpell.first_day)))


def qualifying_days_text(digits: str) -> str:
    return ", ".join(WEEKDAYS[int(d)] for d in sorted(digits))


@transactional
def record_spell(session: Session, holder: Holder, employment_id: int, first_day: date,
                 last_day: date, qualifying_days: str, fit_note: bool = False,
                 note: str | None = None) -> SicknessSpell:
    row = _find(session, holder, employment_id)
    if last_day < first_day:
        raise UserError("The last day off sick must be on or after the first day",
                        field="last_day")
    if first_day < row.start_date:
        raise UserError(f"{row.name} started on {format_date(row.start_date)}: the sickness "
                        "must be on or after then", field="first_day")
    if row.leaving_date is not None and last_day > row.leaving_date:
        raise UserError(f"{row.name} leaves on {format_date(row.leaving_date)}: sickness "
                        "after then is not paid by you", field="last_day")
    digits = "".join(sorted(set(qualifying_days or "")))
    if not digits or any(d not in "0123456" for d in digits):
        raise UserError("Select the days of the week they normally work",
                        field="qualifying_days")
    for other in spells(session, row):
        if other.first_day <= last_day and first_day <= other.last_day:
            raise UserError(f"{row.name} is already recorded as off sick from "
                            f"{format_date(other.first_day)} to "
                            f"{format_date(other.last_day)}. Check the dates",
                            field="first_day")
    spell = SicknessSpell(employment_id=row.id, first_day=first_day, last_day=last_day,
                          qualifying_days=digits, fit_note=fit_note,
                          note=(note or "").strip()[:500] or None)
    session.add(spell)
    session.flush()
    return spell


@transactional
def remove_spell(session: Session, holder: Holder, employment_id: int, spell_id: int) -> None:
    """A spell recorded by mistake. Refused once a payslip paying it has been approved."""
    row = _find(session, holder, employment_id)
    spell = session.scalar(select(SicknessSpell).where(SicknessSpell.id == spell_id,
                                                       SicknessSpell.employment_id == row.id))
    if spell is None:
        raise UserError("We could not find that sickness in your records")
    paid = session.scalar(select(Payslip.id).join(PayRun).where(
        Payslip.employment_id == row.id, PayRun.status == "approved",
        PayRun.period_end >= spell.first_day, PayRun.period_start <= spell.last_day,
        Payslip.sick_pay_pence > 0).limit(1))
    if paid is not None:
        raise UserError("Sick pay for this has been paid on an approved payslip, so it "
                        "cannot be removed", next_step="Ask whoever runs your payroll to "
                        "correct the pay run")
    session.delete(spell)
    session.flush()


# --- average weekly earnings -----------------------------------------------------------------

@dataclass(frozen=True)
class Earnings:
    weekly_pence: int
    lines: tuple[str, ...]


def _pence(exact: Decimal) -> int:
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _version(row: Employment, on: date) -> ContractVersion | None:
    return contract_in_force(row, on) or (row.contracts[0] if row.contracts else None)


def average_weekly_earnings(session: Session, row: Employment, first_day: date) -> Earnings:
    paid = list(session.execute(
        select(PayRun.pay_date, Payslip.gross_pence, PayRun.period_start).join(Payslip.pay_run)
        .where(Payslip.employment_id == row.id, PayRun.status == "approved",
               PayRun.pay_date < first_day).order_by(PayRun.pay_date)))
    if paid:
        last_payday = paid[-1][0]
        earlier = [d for d, _g, _s in paid if d <= last_payday - timedelta(weeks=8)]
        start_after = earlier[-1] if earlier else None
        chosen = [(d, g, s) for d, g, s in paid if (start_after is None or d > start_after)]
        total = sum(g for _d, g, _s in chosen)
        version = _version(row, last_payday)
        monthly = version is not None and version.pay_frequency == "monthly"
        period = (f"paid after {format_date(start_after)} up to {format_date(last_payday)}"
                  if start_after else f"paid up to {format_date(last_payday)} (every payslip "
                  "we have: none was paid 8 weeks or more before that)")
        lines = [f"Gross pay on {plural(len(chosen), 'payslip')} {period}: "
                 f"{format_pence(total)}."]
        if monthly:
            months = len(chosen)
            weekly = _pence(Decimal(total) * 12 / 52 / months)
            lines.append(f"Paid monthly: {format_pence(total)} × 12 ÷ 52 ÷ {months} = "
                         f"{format_pence(weekly)} a week.")
        else:
            first = start_after + timedelta(days=1) if start_after else chosen[0][2]
            days = max((last_payday - first).days + 1, 7)
            weekly = _pence(Decimal(total) * 7 / days)
            lines.append(f"{format_pence(total)} over {days} days ({format_date(first)} to "
                         f"{format_date(last_payday)}) = {format_pence(weekly)} a week.")
        return Earnings(weekly, tuple(lines))
    since = max(row.start_date, first_day - timedelta(weeks=8))
    weeks = worked_weeks(session, row, since, first_day - timedelta(days=1))
    total = sum(w.pay_pence for w in weeks)
    count = max(1, min(8, -(-(first_day - since).days // 7)))
    weekly = total // count
    return Earnings(weekly, (
        f"No payslips before {format_date(first_day)}, so we used their shifts from "
        f"{format_date(since)}: {format_pence(total)} ÷ {plural(count, 'week')} = "
        f"{format_pence(weekly)} a week.",))


# --- SSP -------------------------------------------------------------------------------------

def _waiting_served(session: Session, row: Employment, spell: SicknessSpell) -> int:
    """Waiting days already served in earlier spells linked to this one."""
    chain: list[SicknessSpell] = []
    start = spell.first_day
    for other in reversed([s for s in spells(session, row) if s.last_day < spell.first_day]):
        long_enough = (other.last_day - other.first_day).days + 1 >= 4
        if long_enough and (start - other.last_day).days - 1 <= LINK_DAYS:
            chain.append(other)
            start = other.first_day
        elif (start - other.last_day).days - 1 > LINK_DAYS:
            break
    served = 0
    for other in reversed(chain):
        served = min(3, served + _waiting_days(other, served))
    return served


def _waiting_days(spell: SicknessSpell, served: int) -> int:
    """Waiting days a spell would serve (the rules before 6 April 2026: the first 3
    qualifying days; none from then)."""
    try:
        got = statutory_sick_pay(first_day=spell.first_day, last_day=spell.last_day,
                                 qualifying_days=[int(d) for d in spell.qualifying_days],
                                 average_weekly_earnings=Decimal(1_000_000),
                                 waiting_days_already_served=served)
    except payroll_rules.PayrollInputError:
        return 0
    return got.waiting_days


@dataclass(frozen=True)
class SpellPay:
    pence: int
    days_paid: int
    rules: str
    lines: tuple[str, ...]


def spell_pay(session: Session, row: Employment, spell: SicknessSpell,
              up_to: date | None = None) -> SpellPay:
    """SSP for ``spell`` from its first day to ``up_to`` (or its last day)."""
    last = min(spell.last_day, up_to) if up_to else spell.last_day
    awe = average_weekly_earnings(session, row, spell.first_day)
    if last < spell.first_day:
        return SpellPay(0, 0, "", ())
    served = _waiting_served(session, row, spell)
    try:
        got = statutory_sick_pay(
            first_day=spell.first_day, last_day=last,
            qualifying_days=[int(d) for d in spell.qualifying_days],
            average_weekly_earnings=Decimal(awe.weekly_pence) / 100,
            waiting_days_already_served=served)
    except payroll_rules.PayrollInputError as err:
        return SpellPay(0, 0, "", (f"We cannot work out SSP for these dates: {err}",))
    pence = int(got.amount * 100)
    lines = [f"Off sick {format_date(spell.first_day)} to {format_date(last)}; they "
             f"normally work {qualifying_days_text(spell.qualifying_days)}.",
             f"Under {RULES_NAMES.get(got.rules, got.rules)}.", *awe.lines]
    if served:
        lines.append(f"Linked to an earlier spell of sickness within 8 weeks: "
                     f"{plural(served, 'waiting day')} already served.")
    lines.append(got.reason)
    lines.append(f"Statutory Sick Pay: {format_pence(pence)}.")
    return SpellPay(pence, got.days_paid, got.rules, tuple(lines))


def pay_lines(session: Session, employment: Employment, period_start: date, period_end: date,
              pay_date: date) -> list[PayLine]:
    """The Statutory Sick Pay lines for this PA's pay period: for each spell with sick days
    in the period, its SSP to the period's end less its SSP before the period."""
    lines: list[PayLine] = []
    for spell in spells(session, employment):
        if spell.last_day < period_start or spell.first_day > period_end:
            continue
        to_end = spell_pay(session, employment, spell, period_end)
        before = (spell_pay(session, employment, spell, period_start - timedelta(days=1))
                  if spell.first_day < period_start else SpellPay(0, 0, "", ()))
        pence = to_end.pence - before.pence
        days = to_end.days_paid - before.days_paid
        first = max(spell.first_day, period_start)
        last = min(spell.last_day, period_end)
        if pence <= 0:
            continue
        rules = RULES_NAMES.get(to_end.rules, to_end.rules)
        lines.append(PayLine(
            "sick_pay", f"Statutory Sick Pay, off sick {format_date(first)} to "
            f"{format_date(last)}: {plural(days, 'qualifying day')} paid, under {rules}",
            pence))
    return lines
