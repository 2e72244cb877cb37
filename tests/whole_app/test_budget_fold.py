"""Issue 11.14: on a 320-pixel screen the budget table folds (as the payments table does),
so no column or period heading is hidden in a sideways scroll."""

from __future__ import annotations

from sqlalchemy import select

from dpsupport.models import User
from dpsupport.services.access import visible_holders
from dpsupport.services.demo import DEMO_PASSWORD, load_demo

from ..support.browser import browse, needs_browser

pytestmark = needs_browser


def test_budget_and_money_pages_need_no_sideways_scroll_at_320px(app, session) -> None:  # type: ignore[no-untyped-def]
    load_demo(session)
    session.commit()
    email = "sam.okafor@riverside.example"
    user = session.scalar(select(User).where(User.email == email))
    paths = [p for h in session.scalars(visible_holders(user))
             for p in (f"/holders/{h.id}/budget", f"/holders/{h.id}/transactions")]
    pages = browse(app, "fold_pages.js", email, DEMO_PASSWORD, paths)
    assert len(pages) == len(paths)
    hidden = {p["page"]: p["hidden"] for p in pages if p["hidden"]}
    assert not hidden, hidden
