"""`dpsupport payroll run`: a holder's pay run from the command line, for payroll services
that run many employers.

Works out (and with --approve, approves) the pay run for the pay period holding --period.
Exit status 0 on success; 2 with one line on stderr when the run cannot be made (a shift not
approved, a tax code missing, no contract in force...). Nothing is written unless the whole
run succeeds: the draft and its approval are one transaction.
"""

from __future__ import annotations

import getpass
import json
from datetime import date
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .cli_fail import fail
from .text import format_date, format_pence


@click.group("payroll", help="Run payroll for a holder's PAs.")
def payroll_group() -> None:
    pass


def _payload(run: Any, payments: list[Any]) -> dict[str, Any]:
    from .payroll.run import NAMES

    slips = []
    for s in run.payslips:
        figures = {
            "gross_pence": s.gross_pence, "holiday_pence": s.holiday_pay_pence,
            "sick_pence": s.sick_pay_pence, "taxable_pence": s.taxable_pence,
            "tax_pence": s.tax_pence, "employee_ni_pence": s.employee_ni_pence,
            "employer_ni_pence": s.employer_ni_pence,
            "employee_pension_pence": s.employee_pension_pence,
            "employer_pension_pence": s.employer_pension_pence,
            "student_loan_pence": s.student_loan_pence,
            "postgraduate_loan_pence": s.postgraduate_loan_pence, "net_pence": s.net_pence,
        }
        assert len(figures) == len(NAMES)
        slips.append({
            "payslip_id": s.id, "employment_id": s.employment_id, "name": s.employment.name,
            "tax_year": s.tax_year, "tax_code": s.tax_code, "ni_category": s.ni_category,
            "worked_minutes": s.worked_minutes, **figures,
            "employer_cost_pence": s.gross_pence + s.employer_ni_pence
            + s.employer_pension_pence,
            "to_date": {
                "gross_pence": s.gross_to_date_pence, "taxable_pence": s.taxable_to_date_pence,
                "tax_pence": s.tax_to_date_pence,
                "employee_ni_pence": s.employee_ni_to_date_pence,
                "employer_ni_pence": s.employer_ni_to_date_pence,
                "student_loan_pence": s.student_loan_to_date_pence,
                "postgraduate_loan_pence": s.postgraduate_loan_to_date_pence,
            },
            "auto_enrolment": s.auto_enrolment,
        })
    return {
        "pay_run": {
            "id": run.id, "holder_id": run.holder_id, "frequency": run.frequency,
            "period_start": run.period_start.isoformat(),
            "period_end": run.period_end.isoformat(), "pay_date": run.pay_date.isoformat(),
            "tax_period": run.tax_period, "run_number": run.run_number,
            "corrects_id": run.corrects_id, "status": run.status,
        },
        "payslips": slips,
        "payments_due": [{
            "id": p.id, "kind": p.kind, "payee": p.payee, "amount_pence": p.amount_pence,
            "due_date": p.due_date.isoformat(), "tax_year": p.tax_year,
            "tax_month": p.tax_month, "payslip_id": p.payslip_id,
        } for p in payments],
    }


def _human(data: dict[str, Any]) -> list[str]:
    run = data["pay_run"]
    lines = [
        f"Pay run {run['id']} ({run['frequency'].replace('_', '-')}), "
        f"{format_date(date.fromisoformat(run['period_start']))} to "
        f"{format_date(date.fromisoformat(run['period_end']))}, paid "
        f"{format_date(date.fromisoformat(run['pay_date']))} (tax period {run['tax_period']}): "
        f"{'approved' if run['status'] == 'approved' else 'draft, not approved yet'}",
    ]
    for s in data["payslips"]:
        lines.append(
            f"  {s['name']}: gross {format_pence(s['gross_pence'])}, tax "
            f"{format_pence(s['tax_pence'])}, NI {format_pence(s['employee_ni_pence'])}, "
            f"pension {format_pence(s['employee_pension_pence'])}, loans "
            f"{format_pence(s['student_loan_pence'] + s['postgraduate_loan_pence'])}, net "
            f"{format_pence(s['net_pence'])}; employer NI "
            f"{format_pence(s['employer_ni_pence'])}, cost "
            f"{format_pence(s['employer_cost_pence'])}")
    if data["payments_due"]:
        lines.append("Payments due:")
        for p in data["payments_due"]:
            lines.append(f"  {format_pence(p['amount_pence'])} to {p['payee']} by "
                         f"{format_date(date.fromisoformat(p['due_date']))}")
    else:
        lines.append("Nothing is due until the pay run is approved (use --approve).")
    return lines


@payroll_group.command("run", help="Work out a holder's pay run for the pay period holding "
                                   "--period, and approve it with --approve.")
@click.option("--holder", "holder_id", type=int, required=True, help="The holder's id.")
@click.option("--period", "period_text", required=True, metavar="YYYY-MM-DD",
              help="Any day in the pay period.")
@click.option("--frequency", default=None,
              help="weekly, fortnightly, four_weekly or monthly (needed only when the holder "
                   "pays PAs at more than one frequency).")
@click.option("--approve", is_flag=True, help="Approve the pay run (it is then fixed).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (pence).")
@click.option("--as-user", "as_user", default=None,
              help="Record the run under this user's email (default: the command line).")
@with_appcontext
def run_command(holder_id: int, period_text: str, frequency: str | None, approve: bool,
                as_json: bool, as_user: str | None) -> None:
    from .db import writing
    from .errors import UserError
    from .models import Holder, User
    from .services import audit, payruns

    try:
        day = date.fromisoformat(period_text)
    except ValueError:
        fail(f"--period must be a date written YYYY-MM-DD, not '{period_text}'.")
    factory = current_app.extensions["dpsupport.sessions"]
    try:
        with writing(), factory() as session:
            holder = session.get(Holder, holder_id)
            if holder is None:
                fail(f"there is no holder {holder_id}.")
            actor = audit.Actor(None, f"Command line ({getpass.getuser()})")
            user = None
            if as_user:
                user = session.scalar(select(User).where(User.email == as_user.lower()))
                if user is None:
                    fail(f"there is no user with the email {as_user}.")
                actor = audit.Actor(user.id, user.name)
            if frequency is None:
                found = payruns.frequencies_on(session, holder, day)
                if not found:
                    fail(f"no PA of holder {holder_id} has a contract in force on "
                         f"{format_date(day)}.")
                if len(found) > 1:
                    fail(f"holder {holder_id} pays PAs {' and '.join(found)}: choose one "
                         "with --frequency.")
                frequency = found[0]
            with audit.acting_as(actor):
                period = payruns.period_for(session, holder, frequency, day)
                run = payruns.run_payroll(session, holder, frequency, period.start,
                                          approve=approve, user=user)
            shown = payruns.pay_run(session, holder, run.id)
            assert shown is not None
            due = [p for p in payruns.employer_payments(session, holder)
                   if p.pay_run_id == shown.id]
            data = _payload(shown, due)
    except UserError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo("\n".join(_human(data)))
