"""The start page and the organisation's list of holders."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..services import caseload, two_step
from ..services.access import admin_organisation
from ..services.records import holders_for, is_staff
from .access import current_user, signed_in
from .database import db
from .forms import page_number

bp = Blueprint("main", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    user = current_user()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    holders = holders_for(db(), user)
    if len(holders) == 1 and not is_staff(user):
        return redirect(url_for("holder.money", holder_id=holders[0].id))
    return redirect(url_for("main.organisation"))


@bp.route("/holders")
@signed_in
def organisation() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    session = db()
    chosen = [f for f in request.args.getlist("show") if f in caseload.FILTERS]
    scheme = request.args.get("scheme", "")
    search = request.args.get("q", "")[:200]
    found = caseload.caseload(session, user, caseload.today(), filters=chosen, search=search,
                              scheme=scheme, page=page_number(request.args))
    orgs = sorted({m.organisation.name for m in user.memberships})
    staff = is_staff(user)
    args = {"show": chosen, "q": found.search, "scheme": found.scheme}
    return render_template("main/organisation.html", found=found, orgs=orgs, staff=staff,
                           admin=admin_organisation(session, user) is not None,
                           filters=caseload.FILTERS, page_args=args,
                           two_step_line=two_step.organisation_line(session, user),
                           title="People you support" if staff else "Direct payments you manage")
