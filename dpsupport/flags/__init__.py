"""dpsupport.flags: questions raised from the holder's own records (docs/flags.md).

Pure Python: no Flask, no SQLAlchemy, no models. Plain lines in, plain flags out::

    from dpsupport.flags import Line, Known, Reader, work_out
    flags = work_out(lines, known=Known(payees=...), reader=Reader("Ewan"),
                     statements=spans, since=agreement_start, today=today)

- ``recognise``: what a bank line is (cash, betting, a transfer, HMRC, a pension...).
- ``rules``: the flags that need no pay runs or contracts, with the funder's ``Policy``.
- ``model``: the shapes (``Line``, ``Known``, ``StatementSpan``, ``Reader``, ``Flag``).
"""

from __future__ import annotations

from .model import HOLDER, Flag, Known, Line, Reader, StatementSpan, evidence_key
from .recognise import (
    DEFAULT_LISTS,
    KnownPayee,
    Lists,
    PayeeMatcher,
    Recognition,
    payee_name,
    plain,
    recognise,
)
from .rules import (
    CODES,
    DEFAULT_POLICY,
    Policy,
    review_due,
    statement_gaps,
    surplus_above_threshold,
    work_out,
    work_out_for,
)

__all__ = [
    "CODES", "DEFAULT_LISTS", "DEFAULT_POLICY", "HOLDER", "Flag", "Known", "KnownPayee", "Line",
    "Lists", "PayeeMatcher", "Policy", "Reader", "Recognition", "StatementSpan", "evidence_key",
    "payee_name", "plain", "recognise", "review_due", "statement_gaps",
    "surplus_above_threshold", "work_out", "work_out_for",
]
