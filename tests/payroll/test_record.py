"""A payslip's stored inputs read back to the same PayInput and the same figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import payroll_rules
from dpsupport.payroll import record
from dpsupport.payroll.lines import PayLine


def test_inputs_round_trip_to_the_same_figures() -> None:
    pay = payroll_rules.PayInput(
        pay_date=date(2026, 5, 28), frequency="monthly", period=2,
        gross_pay=Decimal("1845.50"), tax_code="1257L", ni_category="A",
        previous_pay_to_date=Decimal("1800.00"), previous_tax_to_date=Decimal("105.40"),
        pension=payroll_rules.Pension(employee_rate=Decimal("0.05"),
                                      employer_rate=Decimal("0.03")),
        student_loan_plan="2", postgraduate_loan=True)
    lines = [PayLine("shifts", "120 hours at £12.50", 150000, 7200),
             PayLine("holiday", "16 hours at £12.50", 20000, 960)]
    again, lines_again, extra = record.loads(record.dumps(pay, lines, {"ae": "eligible"}))
    assert again == pay
    assert lines_again == lines
    assert extra == {"ae": "eligible"}
    assert (payroll_rules.calculate(again).as_dict()
            == payroll_rules.calculate(pay).as_dict())


def test_no_pension_and_no_loans() -> None:
    pay = payroll_rules.PayInput(pay_date=date(2026, 4, 10), frequency="weekly", period=1,
                                 gross_pay=Decimal("300"))
    again, lines, _ = record.loads(record.dumps(pay, []))
    assert again == pay and lines == []
