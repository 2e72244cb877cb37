"""The start page and the organisation's list of holders."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..services.money import holder_money
from ..services.records import holders_for, is_staff
from .access import current_user, signed_in
from .database import db
from .holder import today

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
    day = today()
    rows = []
    for holder in holders_for(session, user):
        info = holder_money(session, holder, day)
        rows.append((holder, info))
    orgs = sorted({m.organisation.name for m in user.memberships})
    staff = is_staff(user)
    return render_template("main/organisation.html", rows=rows, orgs=orgs, staff=staff,
                           title="People you support" if staff else "Direct payments you manage")
