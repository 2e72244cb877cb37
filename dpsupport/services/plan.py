"""The support plan: the budget lines a holder plans to spend on, each one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import BudgetLine, Holder, Transaction
from ..models.funding import CATEGORIES
from ..text import plural

# re-exported for the plan page, which reads the plan through this module
from .records import budget_line as budget_line
from .records import budget_lines as budget_lines
from .records import current_agreement as current_agreement
from .records import flags_again
from .uow import transactional

MOST_MINUTES = 999 * 60


@dataclass(frozen=True)
class LineDetails:
    """What the plan line form holds."""

    category: str
    label: str
    planned_pence: int
    outcome: str | None = None
    planned_minutes: int | None = None  # hours of support each period, when the plan says


def _fill(line: BudgetLine, details: LineDetails) -> None:
    if details.category not in CATEGORIES:
        raise UserError("Select what this money is for from the list", field="category")
    line.category = details.category
    line.label = details.label.strip()
    line.planned_pence = details.planned_pence
    if details.planned_minutes is not None and not 0 < details.planned_minutes <= MOST_MINUTES:
        raise UserError("Enter the hours as a number from 0.25 to 999, or leave it empty",
                        field="hours")
    line.planned_minutes = details.planned_minutes
    line.outcome = (details.outcome or "").strip() or None


@transactional
def add_line(session: Session, holder: Holder, details: LineDetails) -> BudgetLine:
    line = BudgetLine(holder_id=holder.id)
    _fill(line, details)
    session.add(line)
    flags_again(session, holder.id)
    return line


@transactional
def change_line(session: Session, line: BudgetLine, details: LineDetails) -> BudgetLine:
    _fill(line, details)
    flags_again(session, line.holder_id)
    return line


@transactional
def remove_line(session: Session, line: BudgetLine) -> None:
    """Remove a plan line no payment is linked to (a linked one would leave its payments'
    spending history incomplete)."""
    used = session.scalar(
        select(func.count()).select_from(Transaction).where(Transaction.budget_line_id == line.id)
    ) or 0
    if used:
        raise UserError(
            f"{plural(used, 'payment')} {'is' if used == 1 else 'are'} linked to this line. "
            "Move them to another line first, so your spending history stays complete.")
    session.delete(line)
    flags_again(session, line.holder_id)
