"""People the holder employs (PAs): the list, each PA's page, their contract in dated
versions, and the holder's employer details. Thin: forms in, one service call, a page out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..errors import UserError
from ..services import employment as service
from ..services import owed
from ..services.access import policy
from ..services.employment import Holder
from ..text import hours, percent
from .access import holder_page
from .database import db
from .employment_forms import ContractForm, EmployerForm, EmploymentForm
from .forms import show_error, status_for

bp = Blueprint("employment", __name__, url_prefix="/holders/<int:holder_id>/employing")
LABELS = {"statements": service.STARTER_STATEMENTS, "categories": service.NI_CATEGORIES,
          "plans": service.STUDENT_LOAN_PLANS, "frequencies": service.PAY_FREQUENCIES,
          "hours_kinds": service.HOURS_KINDS, "hours": hours,
          "percent": percent, "tax_code": service.tax_code_text,
          "ni_number": service.ni_number_text}
Page = str | Response | tuple[str, int]


@bp.route("")
@holder_page
def index(holder: Holder) -> Page:
    session, today = db(), service.today()
    people = service.employments(session, holder)
    contracts = {p.id: service.contract_in_force(p, today) for p in people}
    return render_template("employment/index.html", holder=holder, people=people,
                           contracts=contracts, today=today, allowance=_allowance_text(),
                           employer=service.employer_details(session, holder),
                           duties=owed.employer_duties(session, holder, today),
                           title="People you employ", **LABELS)


@bp.route("/employer", methods=["GET", "POST"])
@holder_page
def employer(holder: Holder) -> Page:
    session = db()
    row = service.employer_details(session, holder)
    form = EmployerForm(obj=row)
    if row is not None and not form.is_submitted():
        form.employment_allowance_claimed.data = "yes" if row.employment_allowance_claimed else "no"
    may_delegate = policy().in_group("payroll", g.role)
    if form.validate_on_submit():
        try:
            service.save_employer_details(session, holder, service.EmployerInput(
                paye_reference=form.paye_reference.data,
                accounts_office_reference=form.accounts_office_reference.data,
                insurance_renewal_date=form.insurance_renewal_date.data,
                employment_allowance_claimed=form.employment_allowance_claimed.data == "yes",
                payroll_by_organisation=(bool(form.payroll_by_organisation.data)
                                         if may_delegate else None)))
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your employer details have been saved")
            return redirect(url_for("employment.index", holder_id=holder.id))
    return render_template("employment/employer.html", holder=holder, form=form,
                           allowance=_allowance_text(), may_delegate=may_delegate,
                           delegated=bool(row and row.payroll_by_organisation),
                           title="Your details as an employer"), status_for(form)


def _allowance_text() -> str | None:
    try:
        return service.employment_allowance_text(service.today())
    except Exception:  # noqa: BLE001 - no figures for this tax year: say nothing wrong
        return None


def _employment_input(form: EmploymentForm) -> service.EmploymentInput:
    return service.EmploymentInput(
        name=form.name.data or "", date_of_birth=form.date_of_birth.data,
        ni_number=form.ni_number.data, address=form.address.data,
        start_date=form.start_date.data, leaving_date=form.leaving_date.data,
        starter_statement=form.starter_statement.data or "p45", tax_code=form.tax_code.data,
        ni_category=form.ni_category.data or None,
        student_loan_plan=form.student_loan_plan.data or None,
        postgraduate_loan=form.postgraduate_loan.data == "yes",
        close_relative_in_household=form.close_relative_in_household.data == "yes",
        council_approval_reference=form.council_approval_reference.data)


@bp.route("/new", methods=["GET", "POST"])
@holder_page
def new(holder: Holder) -> Page:
    form = EmploymentForm()
    if form.validate_on_submit():
        try:
            row = service.add_employment(db(), holder, _employment_input(form))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Added {row.name}. Now add their contract")
            return redirect(url_for("employment.new_contract", holder_id=holder.id,
                                    employment_id=row.id))
    return render_template("employment/form.html", holder=holder, form=form, person=None,
                           title="Add someone you employ"), status_for(form)


@bp.route("/<int:employment_id>")
@holder_page
def show(holder: Holder, employment_id: int) -> Page:
    person = service.employment(db(), holder, employment_id) or abort(404)
    today = service.today()
    current = service.contract_in_force(person, today)
    check = service.minimum_wage_check(person, current, today) if current else None
    coming = service.next_contract(person, today)
    coming_check = (service.minimum_wage_check(person, coming, coming.effective_date)
                    if coming else None)
    return render_template(
        "employment/show.html", holder=holder, person=person, current=current,
        coming=coming, check=check, coming_check=coming_check, today=today,
        pension_note=service.pension_note(current, today) if current else None,
        age=service.age_on(person.date_of_birth, today),
        category_note=service.category_note(person, today),
        history=list(reversed(person.contracts)), title=person.name, **LABELS)


@bp.route("/<int:employment_id>/edit", methods=["GET", "POST"])
@holder_page
def edit(holder: Holder, employment_id: int) -> Page:
    session = db()
    person = service.employment(session, holder, employment_id) or abort(404)
    form = EmploymentForm(obj=person)
    if not form.is_submitted():
        form.postgraduate_loan.data = "yes" if person.postgraduate_loan else "no"
        form.close_relative_in_household.data = ("yes" if person.close_relative_in_household
                                                 else "no")
        form.student_loan_plan.data = person.student_loan_plan or ""
        form.tax_code.data = ("" if service.tax_code_worked_out(person)
                              else service.tax_code_text(person.tax_code))
    if form.validate_on_submit():
        try:
            service.change_employment(session, holder, employment_id, _employment_input(form))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Saved the changes to {person.name}'s details")
            return redirect(url_for("employment.show", holder_id=holder.id,
                                    employment_id=employment_id))
    return render_template("employment/form.html", holder=holder, form=form, person=person,
                           title=f"Change {person.name}'s details"), status_for(form)


def _percent_to_bp(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


def _contract_defaults(person: Any, current: Any) -> dict[str, Any]:
    """A new version starts as a copy of the one in force (only what changes is typed)."""
    if current is None:
        return {"effective_date": person.start_date, "holiday_year_start": person.start_date}
    minutes = current.weekly_minutes
    return {
        "pay_frequency": current.pay_frequency, "pay_day": current.pay_day,
        "day_rate": current.day_rate_pence, "night_rate": current.night_rate_pence,
        "weekend_rate": current.weekend_rate_pence,
        "bank_holiday_rate": current.bank_holiday_rate_pence, "sleep_in": current.sleep_in_pence,
        "hours_kind": current.hours_kind,
        "weekly_hours": None if minutes is None else Decimal(minutes) / 60,
        "holiday_year_start": current.holiday_year_start,
        "rolled_up_holiday": "yes" if current.rolled_up_holiday else "no",
        "days_per_week": current.days_per_week,
        "pension_scheme": current.pension_scheme,
        "pension_employer_rate": (None if current.pension_employer_bp is None
                                  else Decimal(current.pension_employer_bp) / 100),
        "pension_employee_rate": (None if current.pension_employee_bp is None
                                  else Decimal(current.pension_employee_bp) / 100),
        "written_statement_date": current.written_statement_date,
        "right_to_work_date": current.right_to_work_date,
        "dbs_check_date": current.dbs_check_date,
    }


@bp.route("/<int:employment_id>/contract", methods=["GET", "POST"])
@holder_page
def new_contract(holder: Holder, employment_id: int) -> Page:
    session = db()
    person = service.employment(session, holder, employment_id) or abort(404)
    current = service.contract_in_force(person, service.today()) or (
        person.contracts[-1] if person.contracts else None)
    form = ContractForm(data=_contract_defaults(person, current))
    if form.validate_on_submit():
        hours = form.weekly_hours.data
        try:
            service.add_contract_version(session, holder, employment_id, service.ContractInput(
                effective_date=form.effective_date.data,
                pay_frequency=form.pay_frequency.data or "monthly",
                pay_day=form.pay_day.data or "", day_rate_pence=int(form.day_rate.data or 0),
                night_rate_pence=form.night_rate.data, weekend_rate_pence=form.weekend_rate.data,
                bank_holiday_rate_pence=form.bank_holiday_rate.data,
                sleep_in_pence=form.sleep_in.data, hours_kind=form.hours_kind.data or "regular",
                weekly_minutes=None if hours is None else int(hours * 60),
                holiday_year_start=form.holiday_year_start.data,
                rolled_up_holiday=form.rolled_up_holiday.data == "yes",
                days_per_week=form.days_per_week.data,
                pension_scheme=form.pension_scheme.data,
                pension_employee_bp=_percent_to_bp(form.pension_employee_rate.data),
                pension_employer_bp=_percent_to_bp(form.pension_employer_rate.data),
                written_statement_date=form.written_statement_date.data,
                right_to_work_date=form.right_to_work_date.data,
                dbs_check_date=form.dbs_check_date.data))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Saved {person.name}'s contract")
            return redirect(url_for("employment.show", holder_id=holder.id,
                                    employment_id=employment_id))
    title = ("Change " + person.name + "'s contract" if person.contracts
             else "Add " + person.name + "'s contract")
    return render_template("employment/contract_form.html", holder=holder, form=form,
                           person=person, current=current, title=title), status_for(form)
