"""The funding agreement: who pays, how much, how often."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import agreements
from ..services.agreements import AgreementDetails, FundingAgreement
from ..services.records import Holder
from .access import holder_page
from .database import db
from .forms import AgreementForm, AmountChangeForm, OneOffForm, show_error, status_for

bp = Blueprint("agreement", __name__, url_prefix="/holders/<int:holder_id>/agreement")


def _show(holder: Holder, agreement: FundingAgreement | None, *,
          amount_form: AmountChangeForm | None = None,
          one_off_form: OneOffForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The agreement page; after a refused change, with that form's errors (status 400)."""
    failed = amount_form or one_off_form
    return render_template(
        "agreement/show.html", holder=holder, agreement=agreement,
        amount_form=amount_form or AmountChangeForm(prefix="change"),
        one_off_form=one_off_form or OneOffForm(prefix="oneoff"), form=failed,
        reviews=agreements.reviews(agreement), title="Funding agreement",
        last=agreements.last_changes(db(), holder),
        **agreements.LABELS), status


@bp.route("")
@holder_page
def show(holder: Holder) -> ResponseReturnValue:
    return _show(holder, agreements.current_agreement(db(), holder))


def _details(form: AgreementForm) -> AgreementDetails:
    assert form.start_date.data is not None  # the form checked it is there
    return AgreementDetails(
        funder=form.funder.data or "", scheme=form.scheme.data or "dp_england",
        option4_split=form.option4_split.data, frequency=form.frequency.data or "four_weekly",
        timing=form.timing.data or "advance", start_date=form.start_date.data,
        end_date=form.end_date.data,
        client_contribution_pence=int(form.client_contribution.data or 0),
        contribution_basis=form.contribution_basis.data or "net",
        contingency_reserve_pence=int(form.contingency_reserve.data or 0),
        surplus_threshold_weeks=int(form.surplus_threshold_weeks.data or 0),
        opening_balance_pence=int(form.opening_balance.data or 0),
        first_review_date=form.first_review_date.data,
        amount_pence=int(form.amount.data) if form.amount.data is not None else None,
        opening_balance_reason=form.opening_balance_reason.data or "")


@bp.route("/edit", methods=["GET", "POST"])
@holder_page
def edit(holder: Holder) -> ResponseReturnValue:
    agreement = agreements.current_agreement(db(), holder)
    if agreement is not None:
        form = AgreementForm(
            obj=agreement, client_contribution=agreement.client_contribution_pence,
            contingency_reserve=agreement.contingency_reserve_pence,
            opening_balance=agreement.opening_balance_pence)
    else:
        form = AgreementForm()
    if form.validate_on_submit():
        try:
            agreements.save_agreement(db(), holder, _details(form))
        except UserError as err:
            show_error(form, err)
        else:
            flash("The funding agreement has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    status = status_for(form)
    return render_template("agreement/edit.html", holder=holder, form=form, agreement=agreement,
                           money_moved=agreements.money_has_moved(db(), holder),
                           title="Funding agreement details"), status


@bp.route("/amounts", methods=["POST"])
@holder_page
def add_amount(holder: Holder) -> ResponseReturnValue:
    agreement = agreements.current_agreement(db(), holder) or abort(404)
    form = AmountChangeForm(prefix="change")
    if form.validate_on_submit():
        assert form.effective_date.data is not None
        try:
            agreements.add_amount_change(db(), agreement, form.effective_date.data,
                                         int(form.amount.data or 0))
        except UserError as err:
            show_error(form, err)
        else:
            flash("The new regular amount has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    return _show(holder, agreement, amount_form=form, status=400)


@bp.route("/one-off", methods=["POST"])
@holder_page
def add_one_off(holder: Holder) -> ResponseReturnValue:
    agreement = agreements.current_agreement(db(), holder) or abort(404)
    form = OneOffForm(prefix="oneoff")
    if form.validate_on_submit():
        assert form.date.data is not None
        try:
            agreements.add_one_off(db(), agreement, form.date.data, int(form.amount.data or 0),
                                   form.description.data or "")
        except UserError as err:
            show_error(form, err)
        else:
            flash("The one-off payment has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    return _show(holder, agreement, one_off_form=form, status=400)
