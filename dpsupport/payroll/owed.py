"""Money a PA employer owes, set aside before any surplus, and the coming pay runs for the
forecast. Pure: plain inputs in, integer pence and working in words out (docs/money_owed.md).

Set aside (``set_aside``), each a line of its own with its working:

- Wages for work done but not yet paid: every shift worked up to today that is not inside
  the period of an approved payslip for that PA, at its pay (``shifts.shift_pay``). On top,
  an estimate of the employer's National Insurance and pension on that pay: the PA's unpaid
  pay is put through ``payroll_rules.calculate`` as if it were all paid in one pay period of
  their contract's frequency, on today's date. Thresholds are per pay period, so when the
  unpaid work spans more than one period this sets aside a little more than will be due,
  not less. Employment Allowance is not taken off (it is claimed once a year, and may run
  out): again more is set aside, not less.
- Payments an approved pay run left owing and not yet settled (net pay to a PA, PAYE and
  National Insurance to HMRC, pension to the scheme): their amounts as recorded.
- Holiday owed: each PA's holiday earned but not yet taken, at its pay, as the holiday
  service works it out. When it is not worked out, the line says so and counts nothing.

Coming pay runs (``forecast_pay_runs``), from tomorrow to the end of the horizon, for each
PA employed then with a contract in force:

- Pay periods follow the tax calendar of the contract's frequency (weeks from 6 April; months
  from the 6th to the 5th). A period's cost is counted on its last day (or the horizon's last
  day, if that is sooner): we do not read the free-text pay day.
- Regular hours: weekly pay = contracted minutes a week × day rate ÷ 60 (to the penny, half
  up); the period's gross = weekly pay × weeks in the period, or × 52 ÷ 12 for a month
  (to the penny, half up). A period cut short at 5 April (the extra week 53 day) counts
  its days as a share of a whole period.
- Irregular hours: weekly pay = the pay for shifts worked in the 12 weeks (84 days) up to
  today ÷ 12 (÷ the whole weeks since they started, at least 1, if that is fewer), half up.
- Employer's National Insurance and pension: ``payroll_rules.calculate`` on the period's gross
  with the PA's tax code, category and pension rates. The period's cost is gross + employer
  NI + employer pension (the PA's own tax, NI and pension come out of the gross).
- Only the days of a period from tomorrow on are counted: cost × days counted ÷ days in the
  period (half up). Work up to today is in the set-aside instead, so nothing is counted twice.
  A PA who leaves is counted up to their leaving date.
- A what-if changes one PA's weekly minutes by a number of minutes from a date on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import payroll_rules
from payroll_rules.calendar import FREQUENCY_WORDS, WEEKS_PER_PERIOD

from ..text import format_date, format_pence, hours, plural

ONE_DAY = timedelta(days=1)
RECENT_WEEKS = 12


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pro_rata(pence: int, part: int, whole: int) -> int:
    """pence × part ÷ whole, to the penny, half up."""
    return _half_up(Decimal(pence) * part / whole)


@dataclass(frozen=True, slots=True)
class PayTerms:
    """What payroll_rules needs to estimate the employer's costs on a PA's pay."""

    frequency: str
    tax_code: str = "1257L"
    ni_category: str = "A"
    pension_employee_bp: int | None = None
    pension_employer_bp: int | None = None

    def pension(self) -> payroll_rules.Pension | None:
        if self.pension_employer_bp is None and self.pension_employee_bp is None:
            return None
        return payroll_rules.Pension(
            employee_rate=Decimal(self.pension_employee_bp or 0) / 10_000,
            employer_rate=Decimal(self.pension_employer_bp or 0) / 10_000)


@dataclass(frozen=True, slots=True)
class EmployerCost:
    """Employer's NI and pension on a gross, with the working (None when not worked out)."""

    ni_pence: int
    pension_pence: int
    working: str
    worked_out: bool = True


def employer_cost(gross_pence: int, terms: PayTerms, on: date) -> EmployerCost:
    """The employer's NI and pension on ``gross_pence`` paid in one period on ``on``."""
    if type(gross_pence) is not int:
        raise TypeError("pay is whole pence (int)")
    if gross_pence <= 0:
        return EmployerCost(0, 0, "no pay, so no employer's National Insurance or pension")
    try:
        result = payroll_rules.calculate(payroll_rules.PayInput(
            pay_date=on, frequency=terms.frequency,
            period=payroll_rules.period_for_date(terms.frequency, on),
            gross_pay=Decimal(gross_pence) / 100, tax_code=terms.tax_code,
            ni_category=terms.ni_category, pension=terms.pension()))
    except payroll_rules.PayrollInputError as err:
        return EmployerCost(0, 0, f"we could not estimate the employer's costs: {err}", False)
    ni = int(result.employer_ni * 100)
    pension = int(result.employer_pension * 100)
    word = FREQUENCY_WORDS[terms.frequency]
    return EmployerCost(
        ni, pension,
        f"employer's National Insurance {format_pence(ni)} and employer's pension "
        f"{format_pence(pension)} on {format_pence(gross_pence)} paid in one {word} "
        f"(category {terms.ni_category}, figures for {format_date(on)})")


# --- set aside ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShiftWorked:
    employment_id: int
    work_date: date
    pay_pence: int
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class PaidPeriod:
    """An approved payslip's period for one PA: shifts in it have been paid."""

    employment_id: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Person:
    employment_id: int
    name: str
    terms: PayTerms | None  # None: no contract in force


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A payment an approved pay run left owing, not settled yet."""

    kind: str  # net_pay, hmrc, pension
    payee: str
    amount_pence: int
    due_date: date


@dataclass(frozen=True, slots=True)
class HolidayOwed:
    """One PA's holiday earned but not taken, at its pay (from the holiday service)."""

    name: str
    minutes: int
    pence: int
    working: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OwedLine:
    """One thing owed. ``kind``: wages, employer_costs, net_pay, hmrc, pension or holiday."""

    kind: str
    description: str
    amount_pence: int
    working: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SetAside:
    lines: tuple[OwedLine, ...]
    notes: tuple[str, ...] = ()  # things not counted, said plainly

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)


KIND_WORDS = {
    "net_pay": "Net pay to {payee}",
    "hmrc": "PAYE and National Insurance to HMRC",
    "pension": "Pension contributions to {payee}",
}

HOLIDAY_NOT_WORKED_OUT = ("Holiday owed is not worked out yet, so nothing is set aside for "
                          "holiday your PAs have earned but not taken.")


def unpaid_shifts(shifts: Sequence[ShiftWorked], paid: Sequence[PaidPeriod],
                  today: date) -> list[ShiftWorked]:
    """Shifts worked up to today outside every approved payslip's period for that PA."""
    return [s for s in shifts if s.work_date <= today and not any(
        p.employment_id == s.employment_id and p.start <= s.work_date <= p.end for p in paid)]


def set_aside(people: Sequence[Person], shifts: Sequence[ShiftWorked],
              paid: Sequence[PaidPeriod], unsettled: Sequence[Unsettled],
              holiday: Sequence[HolidayOwed] | None, today: date) -> SetAside:
    """Every line of money owed (module docstring), in a fixed order."""
    lines: list[OwedLine] = []
    notes: list[str] = []
    unpaid = unpaid_shifts(shifts, paid, today)
    for person in people:
        mine = sorted((s for s in unpaid if s.employment_id == person.employment_id),
                      key=lambda s: s.work_date)
        if not mine:
            continue
        gross = sum(s.pay_pence for s in mine)
        minutes = sum(s.minutes for s in mine)
        span = f"{format_date(mine[0].work_date)} to {format_date(mine[-1].work_date)}"
        lines.append(OwedLine(
            "wages", f"Wages for work {person.name} has done but not been paid for", gross,
            (f"{plural(len(mine), 'shift')} ({hours(minutes)}) from {span}, not in an "
             "approved pay run, at the pay worked out from the contract's rates",)))
        if person.terms is None:
            notes.append(f"{person.name} has no contract in force, so we cannot estimate the "
                         "employer's National Insurance and pension on their unpaid wages.")
            continue
        cost = employer_cost(gross, person.terms, today)
        if not cost.worked_out:
            notes.append(f"For {person.name}, {cost.working}.")
            continue
        extra = cost.ni_pence + cost.pension_pence
        if extra:
            lines.append(OwedLine(
                "employer_costs", f"Employer's National Insurance and pension on {person.name}'s unpaid wages "
                "(an estimate)", extra,
                (cost.working,
                 "worked out as if all of it is paid in one pay period, and without Employment "
                 "Allowance: this may set aside a little more than will be due, not less")))
    for item in sorted(unsettled, key=lambda u: (u.due_date, u.kind)):
        label = KIND_WORDS.get(item.kind, "{payee}").format(payee=item.payee)
        lines.append(OwedLine(
            item.kind, label, item.amount_pence,
            (f"from an approved pay run, due on {format_date(item.due_date)}, not paid yet "
             "(not matched to a payment out, nor marked as paid)",)))
    if holiday is None:
        notes.append(HOLIDAY_NOT_WORKED_OUT)
    else:
        for h in holiday:
            if h.pence <= 0:
                continue
            lines.append(OwedLine(
                "holiday", f"Holiday {h.name} has earned but not taken", h.pence,
                h.working or (f"{hours(h.minutes)} of holiday at its pay",)))
    return SetAside(tuple(lines), tuple(notes))


# --- coming pay runs ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ContractTerms:
    effective_date: date
    hours_kind: str  # regular or irregular
    weekly_minutes: int | None
    day_rate_pence: int
    terms: PayTerms


@dataclass(frozen=True, slots=True)
class Employee:
    employment_id: int
    name: str
    start_date: date
    leaving_date: date | None
    contracts: tuple[ContractTerms, ...]  # by effective date
    recent_pay_pence: int = 0  # pay for shifts worked in the 84 days up to today

    def contract_on(self, day: date) -> ContractTerms | None:
        found = None
        for c in self.contracts:
            if c.effective_date <= day:
                found = c
        return found


@dataclass(frozen=True, slots=True)
class WhatIf:
    """One PA working ``minutes_a_week`` more (negative: fewer) from ``start``."""

    employment_id: int
    minutes_a_week: int
    start: date


@dataclass(frozen=True, slots=True)
class PayRunCost:
    """One coming pay run's cost for one PA, counted on ``date``."""

    date: date
    amount_pence: int
    description: str
    working: str


def pay_period(frequency: str, day: date) -> tuple[date, date]:
    """The tax-calendar pay period containing ``day`` (see the module docstring). The last
    period of a tax year is cut short at 5 April (week 53, say, is one or two days)."""
    year = payroll_rules.tax_year_start(day)
    number = payroll_rules.period_for_date(frequency, day)
    start = payroll_rules.period_start(year, frequency, number)
    year_end = date(year + 1, 4, 5)
    if frequency == "monthly":
        nxt = date(start.year + (start.month // 12), start.month % 12 + 1, 6)
    else:
        nxt = start + timedelta(weeks=WEEKS_PER_PERIOD[frequency])
    return start, min(nxt - ONE_DAY, year_end)


def weekly_pay(person: Employee, contract: ContractTerms, today: date, extra_minutes: int
               ) -> tuple[int, str]:
    """Weekly gross pay for the contract, with its working (module docstring)."""
    if contract.hours_kind == "regular":
        minutes = max(0, (contract.weekly_minutes or 0) + extra_minutes)
        pence = _half_up(Decimal(contract.day_rate_pence) * minutes / 60)
        return pence, (f"{hours(minutes)} a week at {format_pence(contract.day_rate_pence)} an "
                       f"hour is {format_pence(pence)}")
    weeks = RECENT_WEEKS
    since = (today - person.start_date).days // 7
    if since < RECENT_WEEKS:
        weeks = max(1, since)
    base = _half_up(Decimal(person.recent_pay_pence) / weeks)
    extra = _half_up(Decimal(contract.day_rate_pence) * extra_minutes / 60)
    pence = max(0, base + extra)
    text = (f"irregular hours: {format_pence(person.recent_pay_pence)} for shifts in the last "
            f"{plural(weeks, 'week')} ÷ {weeks} is {format_pence(base)} a week")
    if extra_minutes:
        text += (f", {'plus' if extra >= 0 else 'less'} {hours(abs(extra_minutes))} at "
                 f"{format_pence(contract.day_rate_pence)} an hour is {format_pence(pence)}")
    return pence, text


def _full_days(frequency: str, start: date) -> int:
    """The days in a whole pay period starting on ``start``."""
    if frequency == "monthly":
        nxt = date(start.year + (start.month // 12), start.month % 12 + 1, start.day)
        return (nxt - start).days
    return 7 * WEEKS_PER_PERIOD[frequency]


def period_gross(weekly: int, frequency: str) -> int:
    if frequency == "monthly":
        return _half_up(Decimal(weekly) * 52 / 12)
    return weekly * WEEKS_PER_PERIOD[frequency]


def _extra(person: Employee, what_if: WhatIf | None, day: date) -> int:
    if what_if is None or what_if.employment_id != person.employment_id or day < what_if.start:
        return 0
    return what_if.minutes_a_week


def forecast_pay_runs(people: Sequence[Employee], today: date, last: date,
                      what_if: WhatIf | None = None) -> list[PayRunCost]:
    """Each PA's coming pay runs from tomorrow to ``last`` (module docstring), by date."""
    found: list[PayRunCost] = []
    first = today + ONE_DAY
    for person in people:
        end = min(last, person.leaving_date) if person.leaving_date else last
        day = max(first, person.start_date)
        while day <= end:
            contract = person.contract_on(day)
            if contract is None:
                later = [c.effective_date for c in person.contracts if c.effective_date > day]
                if not later:
                    break
                day = later[0]
                continue
            frequency = contract.terms.frequency
            p_start, p_end = pay_period(frequency, day)
            # a stretch of days with the same contract and the same what-if
            stop = min(p_end, end)
            for c in person.contracts:
                if day < c.effective_date <= stop:
                    stop = c.effective_date - ONE_DAY
            if what_if is not None and what_if.employment_id == person.employment_id \
                    and day < what_if.start <= stop:
                stop = what_if.start - ONE_DAY
            extra = _extra(person, what_if, day)
            weekly, how = weekly_pay(person, contract, today, extra)
            gross = period_gross(weekly, frequency)
            cost = employer_cost(gross, contract.terms, p_end)
            whole = gross + cost.ni_pence + cost.pension_pence
            # a period cut short at 5 April is paid for its days as a whole period's share
            days, period_days = (stop - day).days + 1, _full_days(frequency, p_start)
            amount = pro_rata(whole, days, period_days)
            word = FREQUENCY_WORDS[frequency]
            working = (f"{how}; for the {word} {format_date(p_start)} to {format_date(p_end)} "
                       f"{format_pence(gross)}, {cost.working}: {format_pence(whole)} in all"
                       f"; {days} of its {period_days} days counted")
            found.append(PayRunCost(min(p_end, last), amount,
                                    f"Pay for {person.name}", working))
            day = stop + ONE_DAY
    found.sort(key=lambda c: (c.date, c.description))
    return found
