"""Command line: ``python -m payroll_rules payslip --date 2026-04-30 --frequency monthly ...``.

Prints the payslip with the explanation lines, or JSON with ``--json`` (amounts as strings with
two decimals). Bad input prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from .api import PayInput, calculate
from .errors import PayrollInputError, format_money
from .pension import Pension


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\n")


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount of money") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount of money")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-04-30") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m payroll_rules", description="UK payroll rules for PA employers")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("payslip", help="work out one payslip")
    p.add_argument("--date", required=True, type=_date, help="pay date, YYYY-MM-DD")
    p.add_argument("--frequency", required=True,
                   choices=["weekly", "fortnightly", "four_weekly", "monthly"])
    p.add_argument("--period", required=True, type=int, help="pay period number in the tax year")
    p.add_argument("--gross", required=True, type=_money, help="gross pay this period, e.g. 1156.25")
    p.add_argument("--tax-code", default="1257L")
    p.add_argument("--ni-category", default="A")
    p.add_argument("--previous-pay", type=_money, default=Decimal(0),
                   help="taxable pay in earlier periods of this tax year")
    p.add_argument("--previous-tax", type=_money, default=Decimal(0),
                   help="tax deducted in earlier periods of this tax year")
    p.add_argument("--pension-employee-rate", type=_money, default=None,
                   help="e.g. 0.05 for 5%% (enables a workplace pension)")
    p.add_argument("--pension-employer-rate", type=_money, default=Decimal("0.03"))
    p.add_argument("--pension-method", choices=["relief_at_source", "net_pay"],
                   default="relief_at_source")
    p.add_argument("--student-loan", choices=["1", "2", "4", "5"], default=None,
                   help="student loan plan type (from the SL1 notice, P45 or starter checklist)")
    p.add_argument("--postgraduate-loan", action="store_true",
                   help="the employee repays a Postgraduate Loan")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        pension = None
        if args.pension_employee_rate is not None:
            pension = Pension(args.pension_employee_rate, args.pension_employer_rate,
                              args.pension_method)
        result = calculate(PayInput(
            pay_date=args.date,
            frequency=args.frequency,
            period=args.period,
            gross_pay=args.gross,
            tax_code=args.tax_code,
            ni_category=args.ni_category,
            previous_pay_to_date=args.previous_pay,
            previous_tax_to_date=args.previous_tax,
            pension=pension,
            student_loan_plan=args.student_loan,
            postgraduate_loan=args.postgraduate_loan,
        ))
    except PayrollInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    lines = result.explain()
    if args.json:
        out = {"pay_date": args.date.isoformat(), "frequency": args.frequency,
               "period": args.period, "tax_code": args.tax_code,
               "ni_category": args.ni_category, "student_loan_plan": args.student_loan,
               "postgraduate_loan_repaid": args.postgraduate_loan, **result.as_dict(),
               "explain": lines}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"Payslip — pay date {args.date.isoformat()}, {args.frequency} period {args.period}")
    rows = [("Gross pay", result.gross_pay), ("Income tax", result.income_tax),
            ("Employee National Insurance", result.employee_ni),
            ("Employee pension", result.employee_pension)]
    if args.student_loan is not None:
        rows.append((f"Student loan (Plan {args.student_loan})", result.student_loan))
    if args.postgraduate_loan:
        rows.append(("Postgraduate loan", result.postgraduate_loan))
    rows += [("Net pay", result.net_pay), ("Employer National Insurance", result.employer_ni),
             ("Employer pension", result.employer_pension)]
    for label, value in rows:
        print(f"  {label:<30}{format_money(int(value * 100)):>14}")
    print("How this was worked out:")
    for line in lines:
        print(f"  - {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
