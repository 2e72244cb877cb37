"""A line of pay on a payslip, from any source (shifts, holiday, sick pay). Pure."""

from __future__ import annotations

from dataclasses import dataclass

# Where a line of pay comes from. Basic pay and holiday pay are earnings for tax and NI;
# so is Statutory Sick Pay.
LINE_KINDS = {
    "shifts": "Pay for shifts worked",
    "sleep_in": "Sleep-in allowances",
    "holiday": "Holiday pay",
    "rolled_up_holiday": "Rolled-up holiday pay (12.07%)",
    "sick_pay": "Statutory Sick Pay",
}


@dataclass(frozen=True, slots=True)
class PayLine:
    """One line of pay: what it is, how it was worked out (in words), minutes and pence."""

    kind: str
    description: str
    amount_pence: int
    minutes: int = 0

    def __post_init__(self) -> None:
        if self.kind not in LINE_KINDS:
            raise ValueError(f"Unknown kind of pay line: {self.kind}")
        if type(self.amount_pence) is not int:
            raise TypeError("A pay line's amount is whole pence")
