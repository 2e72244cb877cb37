"""Sickness: spells off sick and Statutory Sick Pay.

Being built (issue 13): until it is, no sick pay is added to a pay run.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..models import Employment
from ..payroll.lines import PayLine


def pay_lines(session: Session, employment: Employment, period_start: date, period_end: date,
              pay_date: date) -> list[PayLine]:
    """The Statutory Sick Pay lines for this PA's pay period."""
    return []
