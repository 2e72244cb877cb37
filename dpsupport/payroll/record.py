"""What a payslip keeps of its working: the PayInput given to ``payroll_rules`` and the pay
lines, as JSON text (``Payslip.inputs_json``). Reading it back gives the same PayInput, so
``calculate(...).explain()`` shows "how we worked this out" for any payslip, however old.

Amounts are written as strings of pounds with two decimals ("1221.56"), never floats.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from payroll_rules import PayInput, Pension

from .lines import PayLine

VERSION = 1


def _pension_to(p: Pension | None) -> dict[str, str] | None:
    if p is None:
        return None
    return {"employee_rate": str(p.employee_rate), "employer_rate": str(p.employer_rate),
            "method": p.method, "basis": p.basis}


def _pension_from(d: dict[str, str] | None) -> Pension | None:
    if d is None:
        return None
    return Pension(employee_rate=Decimal(d["employee_rate"]),
                   employer_rate=Decimal(d["employer_rate"]), method=d["method"],
                   basis=d["basis"])


def dumps(pay: PayInput, lines: list[PayLine], extra: dict[str, Any] | None = None) -> str:
    """The payslip's inputs as JSON text. ``extra`` holds notes (auto-enrolment, say)."""
    data = {
        "version": VERSION,
        "pay_input": {
            "pay_date": pay.pay_date.isoformat(),
            "frequency": pay.frequency,
            "period": pay.period,
            "gross_pay": str(pay.gross_pay),
            "tax_code": pay.tax_code,
            "ni_category": pay.ni_category,
            "previous_pay_to_date": str(pay.previous_pay_to_date),
            "previous_tax_to_date": str(pay.previous_tax_to_date),
            "pension": _pension_to(pay.pension),
            "student_loan_plan": pay.student_loan_plan,
            "postgraduate_loan": pay.postgraduate_loan,
        },
        "lines": [{"kind": x.kind, "description": x.description,
                   "amount_pence": x.amount_pence, "minutes": x.minutes} for x in lines],
        "extra": extra or {},
    }
    return json.dumps(data, sort_keys=True)


def loads(text: str) -> tuple[PayInput, list[PayLine], dict[str, Any]]:
    """The PayInput, pay lines and notes a payslip was worked out from."""
    data = json.loads(text)
    p = data["pay_input"]
    pay = PayInput(
        pay_date=date.fromisoformat(p["pay_date"]),
        frequency=p["frequency"],
        period=int(p["period"]),
        gross_pay=Decimal(p["gross_pay"]),
        tax_code=p["tax_code"],
        ni_category=p["ni_category"],
        previous_pay_to_date=Decimal(p["previous_pay_to_date"]),
        previous_tax_to_date=Decimal(p["previous_tax_to_date"]),
        pension=_pension_from(p["pension"]),
        student_loan_plan=p["student_loan_plan"],
        postgraduate_loan=bool(p["postgraduate_loan"]),
    )
    lines = [PayLine(x["kind"], x["description"], int(x["amount_pence"]), int(x["minutes"]))
             for x in data["lines"]]
    return pay, lines, dict(data.get("extra") or {})
