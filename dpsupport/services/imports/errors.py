"""What an import can answer instead of a summary: a refusal, or a question about columns."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import UserError
from ...statements import MappingPreview, Problem


class ImportRefused(UserError):
    """The statement cannot be imported as it is. ``message`` is for the person importing."""

    def __init__(self, message: str, problems: list[Problem] | None = None, *,
                 can_accept: bool = False, needs_mapping: bool = False,
                 next_step: str | None = None, field: str | None = None) -> None:
        super().__init__(message, next_step=next_step, field=field)
        self.problems = problems or []
        # True when importing the readable lines is possible (accept_problems=True).
        self.can_accept = can_accept
        # True when the file could be read once someone says which column is which.
        self.needs_mapping = needs_mapping


@dataclass(frozen=True)
class NeedsMapping:
    """The answer of a check when we cannot tell which column is which: ask the person,
    showing ``preview`` (a result, not an error: it is a normal step for a new layout)."""

    preview: MappingPreview | None
    format: str

    @property
    def reason(self) -> str:
        if self.preview is not None and self.preview.reason:
            return self.preview.reason
        return "We could not tell which column is which."
