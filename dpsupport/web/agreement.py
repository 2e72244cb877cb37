"""The funding agreement: who pays, how much, how often."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..models import AgreementAmount, FundingAgreement, Holder
from ..models.funding import CONTRIBUTION_BASES, FREQUENCIES, SCHEMES, TIMINGS
from ..services import records
from .access import holder_page
from .database import db
from .forms import AgreementForm, AmountChangeForm, OneOffForm

bp = Blueprint("agreement", __name__, url_prefix="/holders/<int:holder_id>/agreement")
LABELS = {"schemes": SCHEMES, "frequencies": FREQUENCIES, "timings": TIMINGS,
          "bases": CONTRIBUTION_BASES}


@bp.route("")
@holder_page
def show(holder: Holder):  # type: ignore[no-untyped-def]
    agreement = records.current_agreement(db(), holder)
    return render_template("agreement/show.html", holder=holder, agreement=agreement,
                           amount_form=AmountChangeForm(prefix="change"), one_off_form=OneOffForm(prefix="oneoff"),
                           reviews=_reviews(agreement), title="Funding agreement", **LABELS)


def _reviews(agreement: FundingAgreement | None) -> list:  # type: ignore[type-arg]
    if agreement is None:
        return []
    first = agreement.first_review_date
    return [first + relativedelta(months=agreement.review_interval_months * i) for i in range(3)]


@bp.route("/edit", methods=["GET", "POST"])
@holder_page
def edit(holder: Holder):  # type: ignore[no-untyped-def]
    session = db()
    agreement = records.current_agreement(session, holder)
    if agreement is not None:
        form = AgreementForm(
            obj=agreement, client_contribution=agreement.client_contribution_pence,
            contingency_reserve=agreement.contingency_reserve_pence,
            opening_balance=agreement.opening_balance_pence)
    else:
        form = AgreementForm()
    if form.validate_on_submit():
        creating = agreement is None
        if creating and not form.amount.data:
            form.amount.errors = ["Enter the regular payment amount"]
        else:
            if agreement is None:
                agreement = FundingAgreement(holder_id=holder.id)
                session.add(agreement)
            _fill(agreement, form)
            if creating:
                session.add(AgreementAmount(agreement=agreement,
                                            effective_date=agreement.start_date,
                                            amount_pence=int(form.amount.data or 0)))
            session.commit()
            flash("The funding agreement has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    status = 400 if form.errors else 200
    return render_template("agreement/edit.html", holder=holder, form=form, agreement=agreement,
                           title="Funding agreement details"), status


def _fill(agreement: FundingAgreement, form: AgreementForm) -> None:
    agreement.funder = (form.funder.data or "").strip()
    agreement.scheme = form.scheme.data or "dp_england"
    agreement.option4_split = (form.option4_split.data or "").strip() or None
    agreement.frequency = form.frequency.data or "four_weekly"
    agreement.timing = form.timing.data or "advance"
    agreement.start_date = form.start_date.data
    agreement.end_date = form.end_date.data
    agreement.client_contribution_pence = int(form.client_contribution.data or 0)
    agreement.contribution_basis = form.contribution_basis.data or "net"
    agreement.contingency_reserve_pence = int(form.contingency_reserve.data or 0)
    agreement.surplus_threshold_weeks = int(form.surplus_threshold_weeks.data or 0)
    agreement.opening_balance_pence = int(form.opening_balance.data or 0)
    agreement.first_review_date = form.first_review_date.data or (
        form.start_date.data + relativedelta(months=6))


@bp.route("/amounts", methods=["POST"])
@holder_page
def add_amount(holder: Holder):  # type: ignore[no-untyped-def]
    session = db()
    agreement = records.current_agreement(session, holder) or abort(404)
    form = AmountChangeForm(prefix="change")
    if form.validate_on_submit():
        try:
            records.add_amount_change(session, agreement, form.effective_date.data,
                                      int(form.amount.data or 0))
        except records.RecordError as err:
            form.form_errors.append(str(err))
        else:
            session.commit()
            flash("The new regular amount has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    session.rollback()
    return render_template("agreement/show.html", holder=holder, agreement=agreement,
                           amount_form=form, one_off_form=OneOffForm(prefix="oneoff"), form=form,
                           reviews=_reviews(agreement), title="Funding agreement", **LABELS), 400


@bp.route("/one-off", methods=["POST"])
@holder_page
def add_one_off(holder: Holder):  # type: ignore[no-untyped-def]
    session = db()
    agreement = records.current_agreement(session, holder) or abort(404)
    form = OneOffForm(prefix="oneoff")
    if form.validate_on_submit():
        try:
            records.add_one_off(session, agreement, form.date.data, int(form.amount.data or 0),
                                (form.description.data or "").strip())
        except records.RecordError as err:
            form.form_errors.append(str(err))
        else:
            session.commit()
            flash("The one-off payment has been saved")
            return redirect(url_for("agreement.show", holder_id=holder.id))
    session.rollback()
    return render_template("agreement/show.html", holder=holder, agreement=agreement,
                           amount_form=AmountChangeForm(prefix="change"), one_off_form=form, form=form,
                           reviews=_reviews(agreement), title="Funding agreement", **LABELS), 400
