"""The organisation admin's pages: the organisation (staff, holders, who sees what), adding a
holder, taking someone off the staff; and, on a holder's records, their support worker and
funder, a representative's authority, and taking someone's access away."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import organisation as org_service
from ..services.agreements import AgreementDetails
from ..services.organisation import NewHolder, Organisation
from ..services.plan import LineDetails
from ..services.records import Holder
from .access import current_user, holder_page, organisation_page
from .database import db
from .forms import ConfirmForm, page_number, show_error, status_for
from .organisation_forms import (
    NO_COUNCIL,
    NO_WORKER,
    PLAN_LINES,
    AddHolderForm,
    ArrangementsForm,
    AuthorityForm,
)

bp = Blueprint("organisation", __name__, url_prefix="/organisation")
people_bp = Blueprint("people", __name__, url_prefix="/holders/<int:holder_id>")


def _choose(form: ArrangementsForm, organisation: Organisation) -> None:
    session = db()
    form.support_worker.choices = [("", NO_WORKER)] + [
        (str(i), name) for i, name in org_service.support_workers(session, organisation)]
    form.funder_organisation.choices = [("", NO_COUNCIL)] + [
        (str(i), name) for i, name in org_service.councils(session)]


def _id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.route("")
@organisation_page
def index(organisation: Organisation) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    session = db()
    return render_template(
        "organisation/index.html", organisation=organisation,
        staff=org_service.staff(session, organisation, user),
        access=org_service.who_sees_what(session, organisation, page_number(request.args)),
        title=organisation.name)


@bp.route("/staff/<int:person_id>/remove", methods=["GET", "POST"])
@organisation_page
def remove_staff(organisation: Organisation, person_id: int) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    person = org_service.staff_member(db(), organisation, person_id)
    if person is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            org_service.remove_staff(db(), organisation, user, person.user_id)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{person.name} is no longer on the staff and has been signed out.")
            return redirect(url_for("organisation.index"))
    return render_template("organisation/remove_staff.html", form=form, person=person,
                           organisation=organisation,
                           title=f"Remove {person.name} from the staff"), status_for(form)


@bp.route("/holders/new", methods=["GET", "POST"])
@organisation_page
def add_holder(organisation: Organisation) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = AddHolderForm()
    _choose(form, organisation)
    if form.validate_on_submit():
        assert form.start_date.data is not None and form.amount.data is not None
        details = NewHolder(
            name=form.name.data or "", preferred_name=form.preferred_name.data,
            date_of_birth=form.date_of_birth.data, nation=form.nation.data or "england",
            support_worker_id=_id(form.support_worker.data),
            funder_organisation_id=_id(form.funder_organisation.data))
        agreement = AgreementDetails(
            funder=form.funder.data or "", scheme=form.scheme.data or "dp_england",
            option4_split=None, frequency=form.frequency.data or "four_weekly",
            timing=form.timing.data or "advance", start_date=form.start_date.data,
            end_date=None, client_contribution_pence=0, contribution_basis="net",
            contingency_reserve_pence=0, surplus_threshold_weeks=8, opening_balance_pence=0,
            first_review_date=None, amount_pence=int(form.amount.data))
        lines = [LineDetails(category, label, pence)
                 for category, label, pence in form.plan_lines()]
        try:
            holder = org_service.add_holder(db(), organisation, user, details, agreement, lines)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{holder.name} has been added, with their funding agreement.")
            return redirect(url_for("holder.money", holder_id=holder.id))
    return render_template("organisation/add_holder.html", form=form, plan_lines=PLAN_LINES,
                           title="Add a holder"), status_for(form)


@people_bp.route("/support", methods=["GET", "POST"])
@holder_page
def arrangements(holder: Holder) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = ArrangementsForm(data={
        "support_worker": str(holder.support_worker_id or ""),
        "funder_organisation": str(holder.funder_organisation_id or "")})
    _choose(form, holder.organisation)
    if form.validate_on_submit():
        try:
            org_service.change_arrangements(db(), holder, user, _id(form.support_worker.data),
                                            _id(form.funder_organisation.data))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{holder.display_name}'s support worker and funder are saved.")
            return redirect(url_for("holder.who_can_see_page", holder_id=holder.id))
    return render_template("organisation/arrangements.html", form=form, holder=holder,
                           title=f"{holder.display_name}'s support worker and funder"
                           ), status_for(form)


@people_bp.route("/access/<int:access_id>/remove", methods=["GET", "POST"])
@holder_page
def remove_access(holder: Holder, access_id: int) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    grant = org_service.holder_grant(db(), holder, access_id)
    if grant is None:
        abort(404)
    name = grant.user.name
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            org_service.remove_access(db(), holder, grant, user)
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{name} can no longer see {holder.display_name}'s records, and has been "
                  "signed out.")
            return redirect(url_for("holder.who_can_see_page", holder_id=holder.id))
    return render_template("organisation/remove_access.html", form=form, holder=holder,
                           name=name, title=f"Take away {name}'s access"), status_for(form)


@people_bp.route("/access/<int:access_id>/authority", methods=["GET", "POST"])
@holder_page
def authority(holder: Holder, access_id: int) -> ResponseReturnValue:
    grant = org_service.holder_grant(db(), holder, access_id)
    if grant is None or grant.role != "representative":
        abort(404)
    name = grant.user.name
    form = AuthorityForm(data={"representative_type": grant.representative_type})
    if form.validate_on_submit():
        try:
            org_service.change_authority(db(), holder, grant,
                                         form.representative_type.data or "")
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{name}'s kind of authority is saved.")
            return redirect(url_for("holder.who_can_see_page", holder_id=holder.id))
    return render_template("organisation/authority.html", form=form, holder=holder, name=name,
                           title=f"{name}'s authority for {holder.display_name}"
                           ), status_for(form)
