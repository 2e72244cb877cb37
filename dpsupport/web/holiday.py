"""A PA's holiday (entitlement or holiday built up, carried over, booked, balance, bank
holidays) and sickness (spells and Statutory Sick Pay). Thin: forms in, one service call,
a page out."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..errors import UserError
from ..services import employment as staff
from ..services import holiday as service
from ..services import sickness
from ..services.employment import Employment, Holder
from ..text import hours
from .access import holder_page
from .database import db
from .forms import ConfirmForm, show_error, status_for
from .holiday_forms import BalanceChangeForm, BookingForm, SicknessForm

bp = Blueprint("holiday", __name__, url_prefix="/holders/<int:holder_id>/employing")
Page = str | Response | tuple[str, int]


def _minutes(value: Decimal | None) -> int:
    return int((Decimal(value or 0) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _person(holder: Holder, employment_id: int) -> Employment:
    person = staff.employment(db(), holder, employment_id)
    if person is None:
        abort(404)
    return person


@bp.route("/<int:employment_id>/holiday")
@holder_page
def show(holder: Holder, employment_id: int) -> Page:
    session = db()
    person = _person(holder, employment_id)
    today = staff.today()
    year = (service.holiday_year(session, holder, employment_id, today)
            if person.contracts else None)
    rate = service.holiday_rate(session, person, today) if person.contracts else None
    return render_template("holiday/show.html", holder=holder, person=person, year=year,
                           rate=rate, today=today, hours=hours, kinds=service.HOLIDAY_KINDS,
                           nations=service.NATIONS,
                           confirm=ConfirmForm(), title=f"{person.name}'s holiday")


@bp.route("/<int:employment_id>/holiday/book", methods=["GET", "POST"])
@holder_page
def book(holder: Holder, employment_id: int) -> Page:
    person = _person(holder, employment_id)
    form = BookingForm()
    if form.validate_on_submit():
        try:
            done = service.book_holiday(db(), holder, employment_id, form.first_day.data,
                                        form.last_day.data, _minutes(form.hours.data),
                                        form.note.data)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Booked {hours(done.entry.minutes)} of holiday for {person.name}")
            for note in done.notes:
                flash(note)
            return redirect(url_for("holiday.show", holder_id=holder.id,
                                    employment_id=employment_id))
    return render_template("holiday/book.html", holder=holder, person=person, form=form,
                           title=f"Book holiday for {person.name}"), status_for(form)


@bp.route("/<int:employment_id>/holiday/<int:entry_id>/cancel", methods=["POST"])
@holder_page
def delete_booking(holder: Holder, employment_id: int, entry_id: int) -> Page:
    person = _person(holder, employment_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.cancel_booking(db(), holder, employment_id, entry_id)
    except UserError as err:
        flash(str(err))
    else:
        flash(f"Cancelled the holiday booked for {person.name}")
    return redirect(url_for("holiday.show", holder_id=holder.id, employment_id=employment_id))


@bp.route("/<int:employment_id>/holiday/change", methods=["GET", "POST"])
@holder_page
def change(holder: Holder, employment_id: int) -> Page:
    person = _person(holder, employment_id)
    form = BalanceChangeForm()
    if form.validate_on_submit():
        minutes = _minutes(form.hours.data)
        kind = "carried_over" if form.kind.data == "carried_over" else "adjustment"
        try:
            service.change_balance(db(), holder, employment_id, kind, form.on.data,
                                   -minutes if form.kind.data == "take_off" else minutes,
                                   note=form.note.data, reason=form.reason.data or None)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Saved the change to {person.name}'s holiday balance")
            return redirect(url_for("holiday.show", holder_id=holder.id,
                                    employment_id=employment_id))
    return render_template("holiday/change.html", holder=holder, person=person, form=form,
                           title=f"Change {person.name}'s holiday balance"), status_for(form)


@bp.route("/<int:employment_id>/sickness")
@holder_page
def sickness_page(holder: Holder, employment_id: int) -> Page:
    session = db()
    person = _person(holder, employment_id)
    rows = [(spell, sickness.spell_pay(session, person, spell))
            for spell in reversed(sickness.spells(session, person))]
    return render_template("holiday/sickness.html", holder=holder, person=person, rows=rows,
                           days_text=sickness.qualifying_days_text, confirm=ConfirmForm(),
                           title=f"{person.name}: sickness and sick pay")


@bp.route("/<int:employment_id>/sickness/new", methods=["GET", "POST"])
@holder_page
def record_sickness(holder: Holder, employment_id: int) -> Page:
    person = _person(holder, employment_id)
    form = SicknessForm()
    if form.validate_on_submit():
        try:
            sickness.record_spell(db(), holder, employment_id, form.first_day.data,
                                  form.last_day.data, form.qualifying_days.digits(),
                                  fit_note=form.fit_note.data == "yes", note=form.note.data)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Recorded {person.name}'s sickness")
            return redirect(url_for("holiday.sickness_page", holder_id=holder.id,
                                    employment_id=employment_id))
    return render_template("holiday/sickness_form.html", holder=holder, person=person,
                           form=form, title=f"Record sickness for {person.name}"
                           ), status_for(form)


@bp.route("/<int:employment_id>/sickness/<int:spell_id>/remove", methods=["POST"])
@holder_page
def delete_sickness(holder: Holder, employment_id: int, spell_id: int) -> Page:
    person = _person(holder, employment_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        sickness.remove_spell(db(), holder, employment_id, spell_id)
    except UserError as err:
        flash(str(err))
    else:
        flash(f"Removed the sickness recorded for {person.name}")
    return redirect(url_for("holiday.sickness_page", holder_id=holder.id,
                            employment_id=employment_id))
