"""The unit of work: every service that writes is one transaction, committed by the service.

    @transactional
    def add_one_off(session, agreement, ...):
        ...

The decorated function's first argument is the SQLAlchemy session. When it returns, the
session is committed; when it raises anything (a `UserError` included), everything it did is
rolled back and the error goes on to the caller. A transactional service called from another
one joins the outer transaction: only the outermost commits, so a use case made of smaller
ones is still all or nothing. Views and the command line never call commit or rollback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")
_DEPTH = "dpsupport.uow_depth"


def transactional(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    @functools.wraps(fn)
    def wrapper(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        depth: int = session.info.get(_DEPTH, 0)
        session.info[_DEPTH] = depth + 1
        try:
            result = fn(session, *args, **kwargs)
            if depth == 0:
                _before_commit(session)
                session.commit()
            return result
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            session.info[_DEPTH] = depth

    return wrapper


def _before_commit(session: Session) -> None:
    """What every unit of work does last, in the same transaction: the flags of holders
    whose payments owed changed (services/flags.later), then the caseload figures of
    holders whose records changed (services/caseload.py)."""
    session.flush()
    from .caseload import refresh_changed
    from .flags import refresh_later
    from .money import end_sharing, shared_while

    shared_while(session)  # both read each changed holder's money picture: work it out once
    try:
        refresh_later(session)
        refresh_changed(session)
    finally:
        end_sharing(session)


def in_transaction(session: Session) -> bool:
    """True inside a transactional service (for code that must not commit on its own)."""
    return bool(session.info.get(_DEPTH, 0))
