"""Several people (or several tabs) at once: ordinary page views must never fail.

These tests use real threads against a real database file (the embedded SQLite default, and
PostgreSQL), because "database is locked" only happens when connections really overlap.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select, update

from dpsupport.models import UserSession
from dpsupport.models.base import utcnow
from dpsupport.services import auth as auth_service

from ..support.factories import post, sign_in
from ..support.scenario import build_world

THREADS = 8
ROUNDS = 10


def _age_sessions(engine, by: timedelta) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(last_seen_at=utcnow() - by))


def _last_seen(engine):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.scalars(select(UserSession.last_seen_at)))


def _parallel_gets(app, cookie: str, url: str) -> list[int | str]:  # type: ignore[no-untyped-def]
    """THREADS clients with the same session cookie GET `url` at the same moment."""
    statuses: list[int | str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def one() -> None:
        client = FlaskClient(app)
        client.set_cookie("dpsupport_session", cookie)
        start.wait()
        status: int | str
        try:
            status = client.get(url).status_code
        except Exception as exc:  # in test mode an error reaches the client: count it
            status = f"{type(exc).__name__}: {exc}"[:200]
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_parallel_page_views_with_an_old_session_never_fail(app, session) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.7: 8 parallel GETs for one session whose last_seen is old used to fail with
    "database is locked" (a read transaction that then wrote) about 1 time in 20."""
    world = build_world(session)
    session.commit()
    client = app.test_client()
    sign_in(client, world.users["holder"])
    cookie = client.get_cookie("dpsupport_session")
    assert cookie is not None
    engine = app.extensions["dpsupport.engine"]
    url = f"/holders/{world.holder_id}"
    statuses: list[int | str] = []
    for _ in range(ROUNDS):
        # Old enough that this round's requests want to note that the person is still here.
        _age_sessions(engine, auth_service.LAST_SEEN_REFRESH + timedelta(minutes=1))
        statuses += _parallel_gets(app, cookie.value, url)
    assert statuses.count(200) == THREADS * ROUNDS, sorted(set(map(str, statuses)))
    # ...and the session was noted as still in use.
    (seen,) = _last_seen(engine)
    seen = seen if seen.tzinfo else seen.replace(tzinfo=utcnow().tzinfo)
    assert utcnow() - seen < timedelta(minutes=1)


def test_page_views_do_not_write_while_the_session_is_fresh(app, session) -> None:  # type: ignore[no-untyped-def]
    """A page view writes nothing unless last_seen is older than LAST_SEEN_REFRESH."""
    world = build_world(session)
    session.commit()
    client = app.test_client()
    sign_in(client, world.users["holder"])
    engine = app.extensions["dpsupport.engine"]
    _age_sessions(engine, auth_service.LAST_SEEN_REFRESH - timedelta(minutes=1))
    (before,) = _last_seen(engine)
    assert client.get(f"/holders/{world.holder_id}").status_code == 200
    assert _last_seen(engine) == [before]
    # Older than the refresh interval: noted, once.
    _age_sessions(engine, auth_service.LAST_SEEN_REFRESH + timedelta(minutes=1))
    (old,) = _last_seen(engine)
    assert client.get(f"/holders/{world.holder_id}").status_code == 200
    (noted,) = _last_seen(engine)
    assert noted != old


def test_page_views_and_changes_at_the_same_time_never_fail(app, session) -> None:  # type: ignore[no-untyped-def]
    """Readers and a writer overlap: nobody gets an error, and the change is kept."""
    world = build_world(session)
    session.commit()
    holder = world.users["holder"]
    writer = app.test_client()
    sign_in(writer, holder)
    reader = app.test_client()
    sign_in(reader, holder)
    cookie = reader.get_cookie("dpsupport_session")
    assert cookie is not None
    engine = app.extensions["dpsupport.engine"]
    url = f"/holders/{world.holder_id}"
    failures: list[str] = []

    def write() -> None:
        for n in range(ROUNDS):
            try:
                response = post(writer, f"/holders/{world.holder_id}/transactions/new",
                                data={"date-day": "7", "date-month": "4", "date-year": "2026",
                                      "direction": "out", "amount": f"{n + 1}.00",
                                      "payee": f"Shop {n}", "category": "other"})
            except Exception as exc:
                failures.append(f"POST raised {type(exc).__name__}: {exc}"[:200])
                continue
            if response.status_code != 302:
                failures.append(f"POST gave {response.status_code}")

    thread = threading.Thread(target=write)
    thread.start()
    statuses: list[int | str] = []
    for _ in range(ROUNDS):
        _age_sessions(engine, auth_service.LAST_SEEN_REFRESH + timedelta(minutes=1))
        statuses += _parallel_gets(app, cookie.value, url)
    thread.join(120)
    assert not failures, failures
    assert statuses.count(200) == THREADS * ROUNDS, sorted(set(map(str, statuses)))
