"""`dpsupport payroll run`: a holder's pay run from the command line, on both databases:
exit 0 with the payslips and payments due in pence, exit 2 with one line when it cannot run,
and nothing written unless the whole run succeeds."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.models import PaymentDue, PayRun, Payslip
from payroll_rules import PayInput, Pension

from ..services.test_payruns import _approve_timesheet, _employ, _holder, _shift


def _run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["payroll", "run", *args])


def _count(session: Session, model: type) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(model)) or 0


def _setup(session: Session, *, approved: bool = True) -> int:
    holder = _holder(session)
    pa = _employ(session, holder, "Sally Pope", start=date(2026, 4, 6), pension=(500, 300))
    for day in (7, 9, 14, 16, 21, 23):  # 60 hours at £13: £780
        _shift(session, pa, date(2026, 4, day), 10)
    _approve_timesheet(session, pa, date(2026, 4, 1),
                       date(2026, 4, 30) if approved else date(2026, 4, 15))
    session.commit()
    return holder.id


def test_a_draft_then_an_approved_run_as_json(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    holder_id = _setup(session)
    result = _run(app, "--holder", str(holder_id), "--period", "2026-04-15", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["pay_run"]["status"] == "draft" and out["payments_due"] == []
    assert out["pay_run"]["period_start"] == "2026-04-01"
    assert out["pay_run"]["pay_date"] == "2026-04-24" and out["pay_run"]["tax_period"] == 1
    [slip] = out["payslips"]
    expected = payroll_rules.calculate(PayInput(
        date(2026, 4, 24), "monthly", 1, Decimal("780.00"), "1257L", "A",
        pension=Pension(Decimal("0.05"), Decimal("0.03"))))
    assert slip["name"] == "Sally Pope" and slip["gross_pence"] == 78000
    for key, name in (("tax_pence", "income_tax"), ("employee_ni_pence", "employee_ni"),
                      ("employer_ni_pence", "employer_ni"), ("net_pence", "net_pay"),
                      ("employee_pension_pence", "employee_pension")):
        assert slip[key] == int(getattr(expected, name) * 100)
    assert slip["employee_pension_pence"] > 0
    assert slip["employer_cost_pence"] == (78000 + slip["employer_ni_pence"]
                                           + slip["employer_pension_pence"])
    assert _count(session, PayRun) == 1 and _count(session, PaymentDue) == 0

    result = _run(app, "--holder", str(holder_id), "--period", "2026-04-15", "--approve",
                  "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["pay_run"]["status"] == "approved"
    due = {p["kind"]: p for p in out["payments_due"]}
    assert due["net_pay"]["amount_pence"] == slip["net_pence"]
    assert due["net_pay"]["due_date"] == "2026-04-24"
    assert _count(session, PayRun) == 1 and _count(session, Payslip) == 1

    # once approved the period cannot be run again
    again = _run(app, "--holder", str(holder_id), "--period", "2026-04-15", "--approve")
    assert again.exit_code == 2 and "already approved" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


def test_the_words_show_each_payslip_and_what_is_due(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    holder_id = _setup(session)
    result = _run(app, "--holder", str(holder_id), "--period", "2026-04-30", "--approve")
    assert result.exit_code == 0, result.output
    assert "Sally Pope: gross £780.00" in result.stdout
    assert "to Sally Pope by 24 April 2026" in result.stdout and "to NEST by" in result.stdout


def test_an_unapproved_shift_exits_2_and_writes_nothing(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    holder_id = _setup(session, approved=False)
    result = _run(app, "--holder", str(holder_id), "--period", "2026-04-01", "--approve",
                  "--json")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "payroll run: Sally Pope's shift on 16 April 2026 is not approved yet" in lines[0]
    assert _count(session, PayRun) == 0 and _count(session, Payslip) == 0


def test_what_cannot_run_says_so_in_one_line(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    holder_id = _setup(session)
    for args, words in (
        (["--holder", "999999", "--period", "2026-04-01"], "there is no holder 999999"),
        (["--holder", str(holder_id), "--period", "1/4/2026"], "YYYY-MM-DD"),
        (["--holder", str(holder_id), "--period", "2025-04-01"], "no PA of holder"),
        (["--holder", str(holder_id), "--period", "2026-04-01", "--frequency", "yearly"],
         "not a pay frequency"),
        (["--holder", str(holder_id), "--period", "2026-04-01", "--frequency", "weekly"],
         "no approved shifts"),
    ):
        result = _run(app, *args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, args
    assert _count(session, PayRun) == 0
