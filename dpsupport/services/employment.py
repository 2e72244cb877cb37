"""Employing personal assistants: the holder's employer details, the people they employ, and
each employment's contract in dated versions.

Every lookup is scoped to the holder, so an id from someone else's records finds nothing.
Every change is one transaction (`@transactional`); anything that cannot be saved raises a
`UserError` naming the field, and nothing is saved.

The payroll rules (tax codes, minimum wage, Employment Allowance) come from `payroll_rules`.
Two rules it does not hold are written down here with where they come from:

- Starter checklist (HMRC, "Tax codes to use if your new employee does not have a P45",
  https://www.gov.uk/new-employee-tax-code): statement A, the emergency tax code; statement
  B, the emergency tax code on a week 1 or month 1 basis; statement C, code BR. The
  emergency code is the personal allowance code (1257L for 2024/25 to 2026/27, from
  `payroll_rules`' personal allowance: 12,570 / 10, with the letter L).
- State Pension age, for the National Insurance category suggestion:
  `payroll_rules.pension.state_pension_age_date` (the rule and its source are there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

import payroll_rules
import payroll_rules.pension
from payroll_rules.params import params_for_date
from payroll_rules.pension import state_pension_age_date

from ..errors import UserError
from ..models import ContractVersion, EmployerDetails, Employment
from ..models import Holder as Holder
from ..models.employment import HOURS_KINDS as HOURS_KINDS
from ..models.employment import NI_CATEGORIES as NI_CATEGORIES
from ..models.employment import PAY_FREQUENCIES as PAY_FREQUENCIES
from ..models.employment import STARTER_STATEMENTS as STARTER_STATEMENTS
from ..models.employment import STUDENT_LOAN_PLANS as STUDENT_LOAN_PLANS
from ..payroll.shifts import Rates
from ..text import format_date, format_pence, percent
from .records import flags_again, flags_later
from .uow import transactional

# --- formats --------------------------------------------------------------------------------

# Employer PAYE reference: the tax office number (3 digits), "/", and the employer's own
# reference (letters and numbers, up to 10), as on HMRC's letters: 123/AB45678.
_PAYE = re.compile(r"^(\d{3})/([A-Z0-9]{1,10})$")
# Accounts Office reference: 13 characters, 3 digits, P, a letter, 7 digits and a digit or X
# (HMRC's RTI schema pattern), for example 123PX00123456.
_ACCOUNTS_OFFICE = re.compile(r"^\d{3}P[A-Z]\d{7}[0-9X]$")
# National Insurance number: 2 letters, 6 digits, A, B, C or D (HMRC NIM39110). The first
# letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q, U or V; and BG, GB, KN,
# NK, NT, TN and ZZ are never given out.
_NI_NUMBER = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
_NI_NEVER = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


APPROVAL_NEEDED = ("Enter the council's approval reference: a direct payment can pay a close "
                   "relative who lives with you only if the council agrees")


def _squash(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def check_paye_reference(text: str | None) -> str | None:
    """The reference in HMRC's shape (``123/AB45678``), None when empty; UserError if wrong."""
    value = _squash(text)
    if not value:
        return None
    if not _PAYE.match(value):
        raise UserError("Enter the employer PAYE reference as it is on HMRC's letters: 3 "
                        "numbers, a slash, then letters and numbers, like 123/AB45678",
                        field="paye_reference")
    return value


def check_accounts_office_reference(text: str | None) -> str | None:
    value = _squash(text)
    if not value:
        return None
    if not _ACCOUNTS_OFFICE.match(value):
        raise UserError("Enter the Accounts Office reference as it is on HMRC's letters: 13 "
                        "characters, like 123PX00123456", field="accounts_office_reference")
    return value


def check_ni_number(text: str | None) -> str | None:
    value = _squash(text)
    if not value:
        return None
    if not _NI_NUMBER.match(value) or value[:2] in _NI_NEVER:
        raise UserError("Enter a National Insurance number in the right format, like "
                        "AB 12 34 56 C, or leave it empty if you do not know it yet",
                        field="ni_number")
    return value


def check_tax_code(text: str | None) -> str:
    value = " ".join((text or "").upper().split())
    if not value:
        raise UserError("Enter the tax code, or choose a starter checklist statement so we "
                        "can work it out", field="tax_code")
    try:
        return payroll_rules.parse_tax_code(value).text
    except payroll_rules.PayrollInputError:
        raise UserError("That is not a tax code we recognise. Check it against the P45 or "
                        "HMRC's letter (for example 1257L, S1257L, C1257L, BR or 1257L M1)",
                        field="tax_code") from None


# --- rules ----------------------------------------------------------------------------------

def today() -> date:
    """Today's date: one place, so tests can fix it."""
    return date.today()


def age_on(born: date, on: date) -> int:
    return relativedelta(on, born).years


def emergency_tax_code(on: date) -> str:
    """The emergency code for the tax year of ``on``: the personal allowance / 10, letter L.

    UserError when payroll_rules has no figures for that tax year."""
    try:
        personal_pence = params_for_date(on).personal_allowance
    except payroll_rules.PayrollInputError:
        raise UserError(f"We do not have the tax figures for {format_date(on)}, so we cannot "
                        "work out the tax code. Enter the tax code from the P45 or HMRC",
                        field="tax_code") from None
    return f"{personal_pence // 100 // 10}L"


def starter_tax_code(statement: str, on: date, frequency: str = "monthly") -> str | None:
    """The code HMRC's starter checklist gives (see the module's notes), or None for a P45 or
    a code from HMRC (then the person types it)."""
    code = emergency_tax_code(on)
    if statement == "A":
        return code
    if statement == "B":
        suffix = "M1" if frequency == "monthly" else "W1"
        return payroll_rules.parse_tax_code(f"{code}{suffix}").text
    if statement == "C":
        return "BR"
    return None


def tax_code_text(code: str) -> str:
    """A stored code as HMRC writes it, with a space before W1, M1 or X: "1257L M1"."""
    return re.sub(r"(?<=[0-9LMNTR])(W1|M1|X)$", r" \1", code)


def suggested_ni_category(born: date, on: date) -> str:
    """HMRC's letter from age alone: M under 21, C from State Pension age, A otherwise."""
    if born < payroll_rules.pension.SPA_KNOWN_BEFORE and on >= state_pension_age_date(born):
        return "C"
    if age_on(born, on) < 21:
        return "M"
    return "A"


def employment_allowance_text(on: date) -> str:
    amount = payroll_rules.employment_allowance(on)
    pence = int(amount * 100)
    return (f"People who employ a personal assistant for care and support can claim "
            f"Employment Allowance: up to {format_pence(pence)} off the employer's National "
            "Insurance in this tax year. You claim it once a year through your payroll "
            "software or HMRC's Basic PAYE Tools (in the Employer Payment Summary).")


# --- employer details -----------------------------------------------------------------------

@dataclass(frozen=True)
class EmployerInput:
    paye_reference: str | None
    accounts_office_reference: str | None
    insurance_renewal_date: date | None
    employment_allowance_claimed: bool
    # Whether the holder's organisation may approve timesheets for them (access policy's
    # [delegated] pages). None leaves it as it is: only the holder or their representative
    # choose it, so the view passes None for anyone else.
    payroll_by_organisation: bool | None = None


def employer_details(session: Session, holder: Holder) -> EmployerDetails | None:
    return session.scalar(select(EmployerDetails).where(EmployerDetails.holder_id == holder.id))


@transactional
def save_employer_details(session: Session, holder: Holder,
                          data: EmployerInput) -> EmployerDetails:
    paye = check_paye_reference(data.paye_reference)
    accounts = check_accounts_office_reference(data.accounts_office_reference)
    row = employer_details(session, holder)
    if row is None:
        row = EmployerDetails(holder_id=holder.id)
        session.add(row)
    row.paye_reference = paye
    row.accounts_office_reference = accounts
    row.insurance_renewal_date = data.insurance_renewal_date
    row.employment_allowance_claimed = data.employment_allowance_claimed
    if data.payroll_by_organisation is not None:
        row.payroll_by_organisation = data.payroll_by_organisation
    session.flush()
    flags_later(session, holder.id)  # the insurance renewal date is an employer duty
    return row


# --- employments ----------------------------------------------------------------------------

@dataclass(frozen=True)
class EmploymentInput:
    name: str
    date_of_birth: date
    ni_number: str | None
    address: str | None
    start_date: date
    leaving_date: date | None
    starter_statement: str
    tax_code: str | None
    ni_category: str | None  # None: suggest from age
    student_loan_plan: str | None
    postgraduate_loan: bool
    close_relative_in_household: bool
    council_approval_reference: str | None


def employments(session: Session, holder: Holder) -> list[Employment]:
    return list(session.scalars(
        select(Employment).where(Employment.holder_id == holder.id)
        .order_by(Employment.leaving_date.is_not(None), Employment.name, Employment.id)))


def employment(session: Session, holder: Holder, employment_id: int) -> Employment | None:
    return session.scalar(select(Employment).where(Employment.id == employment_id,
                                                   Employment.holder_id == holder.id))


def _pay_frequency(row: Employment) -> str:
    """How often they are paid by their latest contract; monthly until there is one."""
    return row.contracts[-1].pay_frequency if row.id is not None and row.contracts else "monthly"


def _follow_frequency(row: Employment) -> None:
    """Statement B's code is non-cumulative by pay period: week 1 for weekly, fortnightly
    and four-weekly pay, month 1 for monthly. When a contract changes how often they are
    paid, a code worked out for the other kind of period follows it (a code typed in from
    a P45 or HMRC is never changed)."""
    if row.starter_statement != "B":
        return
    for other in PAY_FREQUENCIES:
        try:
            worked_out = starter_tax_code("B", row.start_date, other)
        except UserError:
            return
        if row.tax_code == worked_out:
            row.tax_code = starter_tax_code("B", row.start_date, _pay_frequency(row)) or row.tax_code
            return


def tax_code_worked_out(row: Employment) -> bool:
    """True when their code is the one we worked out from their starter checklist statement
    (so a change form leaves the tax code box empty, and choosing another statement works)."""
    if row.starter_statement not in ("A", "B", "C"):
        return False
    try:
        return row.tax_code == starter_tax_code(row.starter_statement, row.start_date,
                                                _pay_frequency(row))
    except UserError:
        return False


def _fill(row: Employment, data: EmploymentInput) -> None:
    name = " ".join((data.name or "").split())
    if not name:
        raise UserError("Enter the name of the person you employ", field="name")
    if data.start_date < data.date_of_birth + relativedelta(years=13):
        raise UserError("The start date must be after their 13th birthday. Check the date "
                        "of birth and the start date", field="date_of_birth")
    if data.leaving_date is not None and data.leaving_date < data.start_date:
        raise UserError("The leaving date must be on or after the start date",
                        field="leaving_date")
    if data.starter_statement in ("A", "B", "C"):
        code = starter_tax_code(data.starter_statement, data.start_date,
                                _pay_frequency(row)) or ""
        if data.tax_code and data.tax_code.strip():
            code = check_tax_code(data.tax_code)
    else:
        code = check_tax_code(data.tax_code)
    category = data.ni_category or suggested_ni_category(data.date_of_birth, today())
    if category not in NI_CATEGORIES:
        raise UserError("Choose a National Insurance category", field="ni_category")
    plan = data.student_loan_plan or None
    if plan is not None and plan not in STUDENT_LOAN_PLANS:
        raise UserError("Choose a student loan plan, or 'No student loan'",
                        field="student_loan_plan")
    approval = (data.council_approval_reference or "").strip() or None
    if data.close_relative_in_household and approval is None:
        raise UserError(APPROVAL_NEEDED, field="council_approval_reference")
    row.name = name
    row.date_of_birth = data.date_of_birth
    row.ni_number = check_ni_number(data.ni_number)
    row.address = (data.address or "").strip() or None
    row.start_date = data.start_date
    row.leaving_date = data.leaving_date
    row.starter_statement = data.starter_statement
    row.tax_code = code
    row.ni_category = category
    row.student_loan_plan = plan
    row.postgraduate_loan = data.postgraduate_loan
    row.close_relative_in_household = data.close_relative_in_household
    row.council_approval_reference = approval if data.close_relative_in_household else None


@transactional
def add_employment(session: Session, holder: Holder, data: EmploymentInput) -> Employment:
    row = Employment(holder_id=holder.id)
    _fill(row, data)
    session.add(row)
    session.flush()
    flags_again(session, holder.id)  # payments to them are no longer to someone unknown
    return row


@transactional
def change_employment(session: Session, holder: Holder, employment_id: int,
                      data: EmploymentInput) -> Employment:
    row = employment(session, holder, employment_id)
    if row is None:
        raise UserError("We could not find that person in your records")
    _fill(row, data)
    _follow_frequency(row)
    first = row.contracts[0].effective_date if row.contracts else None
    if first is not None and first < row.start_date:
        raise UserError(f"Their contract starts on {format_date(first)}, before this start "
                        "date. Check the start date", field="start_date")
    session.flush()
    flags_again(session, holder.id)
    return row


# --- contracts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContractInput:
    effective_date: date
    pay_frequency: str
    pay_day: str
    day_rate_pence: int
    night_rate_pence: int | None
    weekend_rate_pence: int | None
    bank_holiday_rate_pence: int | None
    sleep_in_pence: int | None
    hours_kind: str
    weekly_minutes: int | None
    holiday_year_start: date
    pension_scheme: str | None
    pension_employee_bp: int | None
    pension_employer_bp: int | None
    written_statement_date: date | None
    right_to_work_date: date | None
    dbs_check_date: date | None
    # irregular hours only: holiday pay rolled up into each payslip (12.07%)
    rolled_up_holiday: bool = False
    # regular hours: days worked a week, when known (for the 28-day holiday cap)
    days_per_week: int | None = None


def contract_in_force(row: Employment, on: date) -> ContractVersion | None:
    """The version whose date is the latest on or before ``on``."""
    found = None
    for version in row.contracts:  # ordered by date
        if version.effective_date <= on:
            found = version
    return found


def rates_of(version: ContractVersion) -> Rates:
    """The contract version's rates, as the pay rules take them."""
    return Rates(day=version.day_rate_pence, night=version.night_rate_pence,
                 weekend=version.weekend_rate_pence,
                 bank_holiday=version.bank_holiday_rate_pence, sleep_in=version.sleep_in_pence)


def next_contract(row: Employment, on: date) -> ContractVersion | None:
    """The first version that starts after ``on`` (a change agreed for later)."""
    return next((v for v in row.contracts if v.effective_date > on), None)


@transactional
def add_contract_version(session: Session, holder: Holder, employment_id: int,
                         terms: ContractInput) -> ContractVersion:
    row = employment(session, holder, employment_id)
    if row is None:
        raise UserError("We could not find that person in your records")
    if terms.effective_date < row.start_date:
        raise UserError(f"The contract must start on or after their start date, "
                        f"{format_date(row.start_date)}", field="effective_date")
    if row.leaving_date is not None and terms.effective_date > row.leaving_date:
        raise UserError(f"They left on {format_date(row.leaving_date)}: a contract change "
                        "must start before then", field="effective_date")
    if any(v.effective_date == terms.effective_date for v in row.contracts):
        raise UserError(f"There is already a version of the contract from "
                        f"{format_date(terms.effective_date)}. Choose another date: earlier "
                        "versions are kept, never changed", field="effective_date")
    if not terms.pay_day.strip():
        raise UserError("Enter the pay day, like 'last Friday of the month'", field="pay_day")
    if terms.day_rate_pence <= 0:
        raise UserError("Enter the hourly rate for daytime work", field="day_rate")
    if terms.hours_kind == "regular" and not terms.weekly_minutes:
        raise UserError("Enter the contracted hours a week, or choose irregular hours",
                        field="weekly_hours")
    if terms.days_per_week is not None and not 1 <= terms.days_per_week <= 7:
        raise UserError("Enter the days they work a week, from 1 to 7", field="days_per_week")
    if terms.rolled_up_holiday and terms.hours_kind == "regular":
        raise UserError("Rolled-up holiday pay is only for irregular hours or part-year work. "
                        "Choose 'paid when they take holiday', or irregular hours",
                        field="rolled_up_holiday")
    has_scheme = bool((terms.pension_scheme or "").strip())
    if not has_scheme and (terms.pension_employer_bp or terms.pension_employee_bp):
        raise UserError("Enter the name of the pension scheme, or leave the pension rates "
                        "empty", field="pension_scheme")
    if has_scheme and (terms.pension_employer_bp is None or terms.pension_employee_bp is None):
        raise UserError("Enter both pension rates (the employer's and the PA's), or leave the "
                        "scheme empty", field="pension_employer_rate")
    version = ContractVersion(
        employment=row, effective_date=terms.effective_date,
        pay_frequency=terms.pay_frequency, pay_day=terms.pay_day.strip(),
        day_rate_pence=terms.day_rate_pence, night_rate_pence=terms.night_rate_pence,
        weekend_rate_pence=terms.weekend_rate_pence,
        bank_holiday_rate_pence=terms.bank_holiday_rate_pence,
        sleep_in_pence=terms.sleep_in_pence, hours_kind=terms.hours_kind,
        weekly_minutes=terms.weekly_minutes if terms.hours_kind == "regular" else None,
        days_per_week=terms.days_per_week if terms.hours_kind == "regular" else None,
        holiday_year_start=terms.holiday_year_start,
        rolled_up_holiday=terms.rolled_up_holiday and terms.hours_kind != "regular",
        pension_scheme=(terms.pension_scheme or "").strip() or None,
        pension_employee_bp=terms.pension_employee_bp if has_scheme else None,
        pension_employer_bp=terms.pension_employer_bp if has_scheme else None,
        written_statement_date=terms.written_statement_date,
        right_to_work_date=terms.right_to_work_date, dbs_check_date=terms.dbs_check_date)
    session.add(version)
    session.flush()
    session.refresh(row, ["contracts"])
    _follow_frequency(row)
    session.flush()
    flags_later(session, holder.id)  # rates and duty dates are in the contract
    return version


# --- minimum wage ---------------------------------------------------------------------------

RATE_NAMES = {
    "day_rate_pence": "daytime",
    "night_rate_pence": "waking night",
    "weekend_rate_pence": "weekend",
    "bank_holiday_rate_pence": "bank holiday",
}


@dataclass(frozen=True)
class WageCheck:
    """What the minimum wage check found: ``ok`` False means a rate is below it."""

    ok: bool
    messages: tuple[str, ...]


def minimum_wage_check(row: Employment, version: ContractVersion, on: date) -> WageCheck:
    """The contract's hourly rates against the minimum wage for the PA's age on ``on``.

    A warning, never a block: the person may be an apprentice, or the rates may be about to
    change. The sleep-in allowance is not working time, so it is not compared.
    """
    age = age_on(row.date_of_birth, on)
    try:
        minimum = payroll_rules.minimum_hourly_wage(age, on)
    except payroll_rules.PayrollInputError:
        if age < 16:
            return WageCheck(True, (f"{row.name} is {age}: there is no minimum wage under 16.",))
        return WageCheck(True, ("We cannot check the minimum wage for this date: our figures "
                                "do not cover it yet.",))
    minimum_pence = int(minimum * 100)
    low = [(RATE_NAMES[key], pence) for key in RATE_NAMES
           if (pence := getattr(version, key)) is not None and pence < minimum_pence]
    band = "21 or over" if age >= 21 else ("18 to 20" if age >= 18 else "16 to 17")
    rule = (f"On {format_date(on)} the minimum wage for someone aged {band} is "
            f"{format_pence(minimum_pence)} an hour.")
    if not low:
        return WageCheck(True, (f"{rule} Every hourly rate in this contract is at or above "
                                "it.",))
    lines = [f"The {name} rate of {format_pence(p)} an hour is "
             f"{format_pence(minimum_pence - p)} below it." for name, p in low]
    return WageCheck(False, (rule, *lines,
                             "Paying less than the minimum wage is against the law. Add a new "
                             "version of the contract with a higher rate, unless they are an "
                             "apprentice on the apprentice rate."))


# --- words ----------------------------------------------------------------------------------

def ni_number_text(number: str | None) -> str:
    """AB123456C as it is printed on HMRC's letters: "AB 12 34 56 C"."""
    if not number or len(number) != 9:
        return number or ""
    return " ".join((number[:2], number[2:4], number[4:6], number[6:8], number[8]))


def category_note(row: Employment, on: date) -> str | None:
    """A word when the category chosen and the one their age suggests differ on M, C or A
    (other letters, such as H or J, are chosen for reasons age cannot show)."""
    suggested = suggested_ni_category(row.date_of_birth, on)
    if suggested == row.ni_category or row.ni_category not in ("A", "M", "C"):
        return None
    return (f"from their age today we would expect {NI_CATEGORIES[suggested]}. A category "
            "changes on their 21st birthday and when they reach State Pension age.")


def pension_note(version: ContractVersion, on: date) -> str | None:
    """A word when the scheme's rates are below the automatic enrolment minimums in force on
    ``on`` (payroll_rules' pension data; for a scheme on qualifying earnings: some schemes
    use another basis and may differ)."""
    if version.pension_scheme is None:
        return None
    employer_min, total_min = (int(rate * 10_000) for rate in
                               payroll_rules.pension.minimum_contribution_rates(on))
    employer = version.pension_employer_bp or 0
    total = employer + (version.pension_employee_bp or 0)
    if employer >= employer_min and total >= total_min:
        return None
    return (f"For automatic enrolment the employer pays at least "
            f"{percent(employer_min)} of qualifying earnings and at least "
            f"{percent(total_min)} is paid in all. These rates are "
            f"{percent(employer)} from you and {percent(total)} in all: check them "
            "with the pension scheme.")
