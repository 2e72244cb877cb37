"""Issue 11.14: on a 320-pixel screen the budget table folds (as the payments table does),
so no column or period heading is hidden in a sideways scroll."""

from __future__ import annotations

import json
import subprocess
import threading

from sqlalchemy import select
from werkzeug.serving import make_server

from dpsupport.models import User
from dpsupport.services.access import visible_holders
from dpsupport.services.demo import DEMO_PASSWORD, load_demo

from .test_accessibility import CHROMIUM, NODE, ROOT, pytestmark  # noqa: F401

SCRIPT = ROOT / "tests" / "a11y" / "fold_pages.js"


def test_budget_and_money_pages_need_no_sideways_scroll_at_320px(app, session) -> None:  # type: ignore[no-untyped-def]
    load_demo(session)
    session.commit()
    email = "sam.okafor@riverside.example"
    user = session.scalar(select(User).where(User.email == email))
    paths = [p for h in session.scalars(visible_holders(user))
             for p in (f"/holders/{h.id}/budget", f"/holders/{h.id}/transactions")]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = subprocess.run(
            [NODE, str(SCRIPT), f"http://127.0.0.1:{server.server_port}", email, DEMO_PASSWORD,
             *paths],
            capture_output=True, text=True, timeout=240, cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": "/tmp"},
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    pages = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(pages) == len(paths)
    hidden = {p["page"]: p["hidden"] for p in pages if p["hidden"]}
    assert not hidden, hidden
