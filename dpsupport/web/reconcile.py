"""Reconciliation pages (each account's months, one month's three lists, confirm, change,
undo) and sorting rules (list, add with "try on past payments", change, remove). Thin: a
form in, one service call, a page out."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import reconcile as service
from ..services import records
from ..services import sorting_rules as rules_service
from ..services.reconcile import Holder, Transaction
from ..text import plural
from .access import holder_page
from .database import db
from .forms import ConfirmForm, show_error, status_for
from .reconcile_forms import NONE, ChangeMatchForm, ConfirmMatchForm, SortingRuleForm

bp = Blueprint("reconcile", __name__, url_prefix="/holders/<int:holder_id>/reconcile")
rules_bp = Blueprint("rules", __name__, url_prefix="/holders/<int:holder_id>/sorting-rules")


@bp.route("")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    return render_template("reconcile/index.html", holder=holder,
                           overview=service.overview(db(), holder), summary=service.summary,
                           title="Reconciliation")


@bp.route("/accounts/<int:account_id>/<int:year>/<int:month>")
@holder_page
def period(holder: Holder, account_id: int, year: int, month: int) -> ResponseReturnValue:
    session = db()
    account = service.account(session, holder, account_id) or abort(404)
    view = service.period(session, holder, account, year, month) or abort(404)
    return render_template("reconcile/period.html", holder=holder, view=view,
                           summary=service.summary(view, status=False), kinds=service.reconcile.KINDS,
                           form=ConfirmForm(), title=f"{view.title}: {account.name}")


def _back(holder: Holder, payment_id: int) -> ResponseReturnValue:
    tx = records.transaction(db(), holder, payment_id) or abort(404)
    return redirect(url_for("reconcile.period", holder_id=holder.id, account_id=tx.account_id,
                            year=tx.date.year, month=tx.date.month))


@bp.route("/payments/<int:payment_id>/confirm", methods=["POST"])
@holder_page
def confirm(holder: Holder, payment_id: int) -> ResponseReturnValue:
    form = ConfirmMatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.confirm(db(), holder, payment_id, form.expectation.data or "")
    except UserError as err:
        # shown where the person can choose again
        return _change_page(holder, payment_id, err)
    flash("The match is confirmed")
    return _back(holder, payment_id)


@bp.route("/payments/<int:payment_id>/undo", methods=["POST"])
@holder_page
def undo(holder: Holder, payment_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        done = service.undo(db(), holder, payment_id)
    except UserError:
        abort(404)
    flash("What was decided about this payment is undone: it is worked out afresh" if done
          else "Nothing had been decided about this payment")
    return _back(holder, payment_id)


def _month_action(holder: Holder, account_id: int, year: int, month: int,
                  act: Callable[..., int], said: Callable[[int], str]) -> ResponseReturnValue:
    """One decision for a whole month of an account (confirm the suggestions, or check the
    rest): the account must be the holder's, the form confirmed; then back to the month."""
    session = db()
    account = service.account(session, holder, account_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        done = act(session, holder, account, year, month)
    except UserError:
        abort(404)
    flash(said(done))
    return redirect(url_for("reconcile.period", holder_id=holder.id, account_id=account_id,
                            year=year, month=month))


@bp.route("/accounts/<int:account_id>/<int:year>/<int:month>/confirm", methods=["POST"])
@holder_page
def confirm_all(holder: Holder, account_id: int, year: int, month: int) -> ResponseReturnValue:
    return _month_action(holder, account_id, year, month, service.confirm_suggestions,
                         lambda done: "Confirmed " + plural(done, "suggested match",
                                                             "suggested matches"))


@bp.route("/accounts/<int:account_id>/<int:year>/<int:month>/check", methods=["POST"])
@holder_page
def check_rest(holder: Holder, account_id: int, year: int, month: int) -> ResponseReturnValue:
    return _month_action(holder, account_id, year, month, service.check_the_rest,
                         lambda done: f"Checked {plural(done, 'payment')} as nothing expected")


def _change_form(holder: Holder, payment_id: int) -> tuple[Transaction, ChangeMatchForm]:
    found = service.choices_for(db(), holder, payment_id) or abort(404)
    tx, choices, current = found
    form = ChangeMatchForm()
    form.choice.choices = [(c.key, f"{c.label} ({c.hint})") for c in choices] + [
        (NONE, "Nothing we expected: it is fine as it is")]
    if not form.is_submitted():
        form.choice.data = current
    return tx, form


def _change_page(holder: Holder, payment_id: int, err: UserError) -> ResponseReturnValue:
    """The change page showing why a confirmation could not be saved."""
    tx, form = _change_form(holder, payment_id)
    form.choice.data = None
    show_error(form, err)
    return render_template("reconcile/change.html", holder=holder, tx=tx, form=form,
                           title="What was this payment?"), status_for(form)


@bp.route("/payments/<int:payment_id>/change", methods=["GET", "POST"])
@holder_page
def change(holder: Holder, payment_id: int) -> ResponseReturnValue:
    session = db()
    tx, form = _change_form(holder, payment_id)
    if form.validate_on_submit():
        try:
            if form.choice.data == NONE:
                service.mark_not_expected(session, holder, payment_id)
            else:
                service.confirm(session, holder, payment_id, form.choice.data or "")
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your choice is saved")
            return _back(holder, payment_id)
    return render_template("reconcile/change.html", holder=holder, tx=tx, form=form,
                           title="What was this payment?"), status_for(form)


# --- sorting rules --------------------------------------------------------------------------

@rules_bp.route("", endpoint="index")
@holder_page
def rules_index(holder: Holder) -> ResponseReturnValue:
    session = db()
    return render_template(
        "reconcile/rules.html", holder=holder, rules=rules_service.rules_for(session, holder),
        lines={line.id: line.label for line in records.budget_lines(session, holder)},
        categories=rules_service.ALL_CATEGORIES, directions=rules_service.RULE_DIRECTIONS,
        can_change=lambda rule: rules_service.can_change(rule, g.role),
        title="Sorting rules")


def _rule_form(holder: Holder, rule: rules_service.SortingRule | None) -> SortingRuleForm:
    form = SortingRuleForm(obj=rule) if rule is not None and request.method == "GET" \
        else SortingRuleForm()
    form.budget_line.choices = [("", "No plan line")] + [
        (str(line.id), line.label) for line in records.budget_lines(db(), holder)]
    form.scope.choices = list(rules_service.scopes_for(g.role).items())
    if rule is not None and request.method == "GET":
        form.budget_line.data = str(rule.budget_line_id or "")
        form.scope.data = "holder" if rule.holder_id is not None else "organisation"
    elif not form.is_submitted():
        form.scope.data = "holder"
        form.direction.data = "out"
    return form


def _rule_input(form: SortingRuleForm) -> rules_service.RuleInput:
    line = form.budget_line.data or ""
    return rules_service.RuleInput(form.pattern.data or "", form.direction.data or "",
                                   form.category.data or "",
                                   int(line) if line.isdigit() else None,
                                   form.scope.data or "holder")


def _rule_page(holder: Holder, rule: rules_service.SortingRule | None) -> ResponseReturnValue:
    session = db()
    form = _rule_form(holder, rule)
    preview = None
    if form.validate_on_submit():
        data = _rule_input(form)
        try:
            if request.form.get("action") == "try":
                preview = rules_service.try_rule(session, holder, g.role, data)
            elif rule is None:
                rules_service.add_rule(session, holder, g.role, data)
            else:
                rules_service.change_rule(session, holder, g.role, rule.id, data)
        except UserError as err:
            show_error(form, err)
        else:
            if preview is None:
                flash("The rule is saved. It sorts payments from statements you import from "
                      "now on")
                return redirect(url_for("rules.index", holder_id=holder.id))
    lines = {line.id: line.label for line in records.budget_lines(session, holder)}
    return render_template("reconcile/rule_form.html", holder=holder, form=form, rule=rule,
                           preview=preview, lines=lines,
                           categories=rules_service.ALL_CATEGORIES,
                           delete_form=ConfirmForm() if rule is not None else None,
                           title="Change a sorting rule" if rule else "Add a sorting rule"
                           ), status_for(form)


@rules_bp.route("/new", methods=["GET", "POST"])
@holder_page
def new(holder: Holder) -> ResponseReturnValue:
    return _rule_page(holder, None)


def _changeable(holder: Holder, rule_id: int) -> rules_service.SortingRule:
    rule = rules_service.rule(db(), holder, rule_id) or abort(404)
    if not rules_service.can_change(rule, g.role):
        abort(403)
    return rule


@rules_bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@holder_page
def edit(holder: Holder, rule_id: int) -> ResponseReturnValue:
    return _rule_page(holder, _changeable(holder, rule_id))


@rules_bp.route("/<int:rule_id>/delete", methods=["POST"])
@holder_page
def delete(holder: Holder, rule_id: int) -> ResponseReturnValue:
    _changeable(holder, rule_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        rules_service.delete_rule(db(), holder, g.role, rule_id)
    except UserError:
        abort(404)
    flash("The rule is removed")
    return redirect(url_for("rules.index", holder_id=holder.id))
