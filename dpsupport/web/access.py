"""Access checks in one place: sign-in required, and holder pages by role (access_policy.toml)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, request, url_for

from ..services import audit, owed
from ..services.access import User, admin_organisation, may_use, role_for_holder
from ..services.uow import transactional
from .database import db

log = logging.getLogger("dpsupport.access")
F = TypeVar("F", bound=Callable[..., Any])
# A refused look is recorded in the audit trail at once, in its own transaction.
_record_refusal = transactional(audit.record)


def current_user() -> User | None:
    return getattr(g, "user", None)


def signed_in(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    setattr(wrapper, "access_checked", "signed_in")  # noqa: B010 (read by the route tests)
    return cast(F, wrapper)


def holder_page(view: F) -> F:
    """The view gets the holder; people without a role for them get 404, others by policy."""

    @wraps(view)
    def wrapper(holder_id: int, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        session = db()
        found = role_for_holder(session, user, holder_id)
        if found is None:
            log.warning("refused: user %s asked for holder %s (%s)", user.id, holder_id,
                        request.endpoint)
            _record_refusal(session, "refused", "holder", entity_id=str(holder_id),
                            summary=f"Asked for {request.path} without access")
            abort(404)
        holder, role = found
        if not may_use(session, holder, role, request.endpoint or ""):
            abort(403)
        g.holder, g.role = holder, role
        return view(holder, **kwargs)

    setattr(wrapper, "access_checked", "holder_page")  # noqa: B010 (read by the route tests)
    # The route passes holder_id; the view gets the holder instead.
    return cast(F, wrapper)


def organisation_page(view: F) -> F:
    """The organisation's own pages (its staff, adding a holder, who sees what): for its
    admins only (services.access.admin_organisation decides); anyone else signed in gets
    403. The view gets the organisation; ids in its address are looked up within it."""

    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        organisation = admin_organisation(db(), user)
        if organisation is None:
            abort(403)
        g.organisation = organisation
        return view(organisation, **kwargs)

    setattr(wrapper, "access_checked", "organisation_page")  # noqa: B010 (read by the tests)
    return cast(F, wrapper)


def employs() -> bool:
    """For templates: True when the holder of this page employs someone (or has saved their
    employer details), so payroll links and words apply to them. Asked once a request."""
    holder = getattr(g, "holder", None)
    if holder is None:
        return False
    if not hasattr(g, "employs"):
        g.employs = owed.employs(db(), holder)
    return bool(g.employs)


def can(endpoint: str) -> bool:
    """For templates: show a link or button only to people who may use it."""
    role, holder = getattr(g, "role", None), getattr(g, "holder", None)
    return role is not None and holder is not None and may_use(db(), holder, role, endpoint)
