"""dpsupport.budget: the pure-Python budget engine (stdlib + python-dateutil only).

It answers: how much money is there, will it last, is there a surplus the council could
claw back; and every figure carries its workings. Inputs are the frozen dataclasses in
``model``; money is int pence everywhere.
"""

from .model import (
    FundingTerms,
    Liability,
    Period,
    PlanLine,
    ScheduledPayment,
    Transaction,
)
from .periods import agreement_year, periods, weekly_equivalent
from .schedule import payment_schedule
from .text import format_date, format_pence

__all__ = [
    "FundingTerms",
    "Liability",
    "Period",
    "PlanLine",
    "ScheduledPayment",
    "Transaction",
    "agreement_year",
    "format_date",
    "format_pence",
    "payment_schedule",
    "periods",
    "weekly_equivalent",
]
