"""Sign-in throttling slows guessing down without giving anyone a button that locks a person
out (issue 12.8): only failures count, per account and per address separately; after a few,
each further attempt waits, longer each time; an attempt refused for coming too soon is not
counted; a success clears the account's count; the browser someone signed in with before is
not held up by failures on their account; and concurrent guesses cannot get more passwords
checked than the budget allows."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from dpsupport import create_app
from dpsupport.db import writing
from dpsupport.models import SignInThrottle
from dpsupport.models.base import utcnow
from dpsupport.services import auth as auth_service
from dpsupport.web.auth import KNOWN_COOKIE, wait_words

from ..conftest import TEST_SECRET
from ..support.factories import PASSWORD, post
from ..support.scenario import build_world

FREE = auth_service.FREE_FAILURES_PER_ACCOUNT


class Clock:
    """The time as the sign-in service sees it: stopped, and moved on by tests instead of
    sleeping (so a slow machine cannot change what a test sees)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def wait(self, how_long: timedelta) -> None:
        self.now += how_long


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(auth_service, "utcnow", clock)
    return clock


def _client(app, address: str = "192.0.2.1") -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return post(client, "/sign-in", data={"email": email, "password": password})


def _ok(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302


def _wrong(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 200 and "is not right" in response.get_data(as_text=True)


def _made_to_wait(response, words: str | None = None) -> bool:  # type: ignore[no-untyped-def]
    text = response.get_data(as_text=True)
    if response.status_code != 429 or "Too many wrong tries" not in text:
        return False
    return words is None or f"Wait {words}, then try again" in text


def test_a_few_failures_cost_nothing_then_each_attempt_must_wait(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    client = _client(app)
    for attempt in range(FREE):
        assert _wrong(_try(client, user.email, f"wrong guess {attempt}")), attempt + 1
    # The wait after the last free failure is short, and the page says how long.
    too_soon = _try(client, user.email, PASSWORD)
    assert _made_to_wait(too_soon, "30 seconds")
    assert "<title>Error: " in too_soon.get_data(as_text=True)
    # Even the right password is not checked while waiting, and no session is opened.
    assert client.get(f"/holders/{world.holder_id}").status_code == 302
    clock.wait(timedelta(seconds=31))
    assert _ok(_try(client, user.email, PASSWORD))
    assert client.get(f"/holders/{world.holder_id}").status_code == 200


def test_the_wait_grows_with_each_failure_up_to_a_limit(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    client = _client(app)
    for attempt in range(FREE):
        _try(client, user.email, f"wrong {attempt}")
    seen = []
    for _ in range(8):
        waiting = _try(client, user.email, PASSWORD)
        assert _made_to_wait(waiting)
        row = session.scalar(select(SignInThrottle).where(
            SignInThrottle.key == auth_service.account_key(user.email, TEST_SECRET)))
        session.rollback()
        assert row is not None and row.next_try_at is not None
        wait = auth_service.aware(row.next_try_at) - auth_service.aware(row.last_failure_at)
        seen.append(wait)
        clock.wait(wait + timedelta(seconds=1))
        assert _wrong(_try(client, user.email, "still wrong"))
    assert seen[:5] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                        timedelta(minutes=4), timedelta(minutes=8)]
    assert seen[5:] == [auth_service.LONGEST_WAIT] * 3, "never longer than 15 minutes"
    assert wait_words(timedelta(minutes=15)) == "15 minutes"
    assert wait_words(timedelta(seconds=61)) == "2 minutes"


def test_attempts_refused_for_coming_too_soon_are_not_counted(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.8: refused attempts used to count, so one try every 15 minutes kept an
    account locked for good."""
    world = build_world(session)
    user = world.users["holder"]
    attacker = _client(app, "198.51.100.7")
    for attempt in range(FREE):
        _try(attacker, user.email, f"wrong {attempt}")
    for _ in range(20):  # hammering while made to wait changes nothing
        assert _made_to_wait(_try(attacker, user.email, "guess"))
        clock.wait(timedelta(seconds=1))
    clock.wait(timedelta(seconds=11))  # 31 seconds after the last failure
    owner = _client(app, "203.0.113.5")
    assert _ok(_try(owner, user.email, PASSWORD))


def test_a_success_clears_the_accounts_count(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.8: wrong x4, right, wrong: the next correct sign-in used to get 429."""
    world = build_world(session)
    user = world.users["holder"]
    client = _client(app)
    for attempt in range(FREE - 1):
        assert _wrong(_try(client, user.email, f"wrong {attempt}"))
    assert _ok(_try(_client(app), user.email, PASSWORD))
    assert _wrong(_try(client, user.email, "wrong again"))
    assert _ok(_try(_client(app), user.email, PASSWORD))
    # ...and after that success, the full number of free failures again.
    for attempt in range(FREE):
        assert _wrong(_try(client, user.email, f"wrong later {attempt}")), attempt + 1
    assert _made_to_wait(_try(client, user.email, PASSWORD))


def test_successes_do_not_count_toward_an_address_limit(app, session, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.8: a shared office (or everyone behind one proxy) was locked out by ordinary
    use, because successful sign-ins counted toward the 30 attempts allowed per address."""
    world = build_world(session)
    monkeypatch.setattr(auth_service, "FREE_FAILURES_PER_ADDRESS", 3)
    office = "192.0.2.50"
    for _ in range(4):
        for role in ("holder", "representative", "support_worker", "finance_officer"):
            assert _ok(_try(_client(app, office), world.users[role].email, PASSWORD))
    # A few typing mistakes among them are fine too: under the address's free failures.
    for _ in range(2):
        assert _wrong(_try(_client(app, office), world.users["holder"].email, "typo"))
        assert _ok(_try(_client(app, office), world.users["holder"].email, PASSWORD))
    assert session.scalar(select(SignInThrottle).where(
        SignInThrottle.key == auth_service.address_key(office, TEST_SECRET))).failures == 2


def test_failures_from_one_address_hold_up_that_address_only(app, session, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    monkeypatch.setattr(auth_service, "FREE_FAILURES_PER_ADDRESS", 8)
    guesser = "198.51.100.9"
    for n in range(8):
        # A different email every time: no account's own count is reached.
        assert _wrong(_try(_client(app, guesser), f"guess{n}@a.example", "password guess"))
    assert _made_to_wait(_try(_client(app, guesser), "guess-last@a.example", "guess"))
    assert _made_to_wait(_try(_client(app, guesser), world.users["holder"].email, PASSWORD))
    # Everyone elsewhere, including the owners of the guessed accounts, carries on.
    assert _ok(_try(_client(app, "203.0.113.5"), world.users["holder"].email, PASSWORD))


def test_failures_on_one_account_hold_up_that_account_only(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    target, other = world.users["holder"], world.users["representative"]
    for n in range(FREE):
        # From a different address each time: no address's own count is reached.
        _try(_client(app, f"198.51.100.{n + 1}"), target.email, f"wrong {n}")
    assert _made_to_wait(_try(_client(app, "203.0.113.5"), target.email, PASSWORD))
    assert _ok(_try(_client(app, "203.0.113.5"), other.email, PASSWORD))


def test_guessing_cannot_keep_the_owner_out_of_a_browser_they_used_before(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    owner = _client(app, "203.0.113.5")
    assert _ok(_try(owner, user.email, PASSWORD))
    assert owner.get_cookie(KNOWN_COOKIE) is not None
    assert _ok(post(owner, "/sign-out"))
    for n in range(FREE + 3):  # someone else keeps the account waiting
        _try(_client(app, f"198.51.100.{n + 1}"), user.email, f"wrong {n}")
    assert _made_to_wait(_try(_client(app, "203.0.113.6"), user.email, PASSWORD))
    # A made-up cookie does not count as a browser used before...
    forged = _client(app, "203.0.113.7")
    known = owner.get_cookie(KNOWN_COOKIE)
    assert known is not None
    forged.set_cookie(KNOWN_COOKIE, known.value[:-3] + "abc")
    assert _made_to_wait(_try(forged, user.email, PASSWORD))
    # ...nor does the cookie of another account.
    other = _client(app, "203.0.113.8")
    assert _ok(_try(other, world.users["representative"].email, PASSWORD))
    assert _made_to_wait(_try(other, user.email, PASSWORD))
    # The owner's own browser is not held up by the account's failures...
    assert _ok(_try(owner, user.email, PASSWORD))
    # ...and signing in there clears the account's count for everyone.
    assert _ok(_try(_client(app, "203.0.113.6"), user.email, PASSWORD))


def test_counts_are_forgotten_an_hour_after_the_last_failure(app, session, clock) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    client = _client(app)
    for n in range(FREE + 2):
        clock.wait(timedelta(minutes=2))
        _try(client, user.email, f"wrong {n}")
    clock.wait(auth_service.FORGET_AFTER + timedelta(minutes=1))
    for n in range(FREE):
        assert _wrong(_try(client, user.email, f"wrong again {n}")), n + 1


# --- concurrent guesses ------------------------------------------------------------------------

def test_concurrent_guesses_cannot_get_more_passwords_checked(app, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.8: 40 concurrent wrong guesses on PostgreSQL got 7 passwords checked, not 5."""
    world = build_world(session)
    session.commit()
    user = world.users["holder"]
    factory = app.extensions["dpsupport.sessions"]
    checked: list[str] = []
    lock = threading.Lock()
    real = auth_service._hasher

    class CountingHasher:
        def verify(self, password_hash: str, password: str) -> bool:
            with lock:
                checked.append(password)
            return real.verify(password_hash, password)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(auth_service, "_hasher", CountingHasher())
    start = threading.Barrier(40)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            with writing(), factory() as own:
                result = auth_service.sign_in(own, user.email, f"guess {n}", f"198.51.100.{n}",
                                              TEST_SECRET)
            outcome = "waited" if result.throttled else "wrong" if result.user is None else "in"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"[:200]
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(set(outcomes)) == ["waited", "wrong"], outcomes
    assert outcomes.count("wrong") == len(checked) == FREE
    row = session.scalar(select(SignInThrottle).where(
        SignInThrottle.key == auth_service.account_key(user.email, TEST_SECRET)))
    assert row is not None and row.failures == FREE


# --- behind a reverse proxy --------------------------------------------------------------------

def _proxied_app(database_url: str, tmp_path, proxies: int):  # type: ignore[no-untyped-def]
    app = create_app({"mode": "test", "database_url": database_url, "secret_key": TEST_SECRET,
                      "instance_path": str(tmp_path / "proxied"), "trusted_proxies": proxies})
    return app


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_address_is_the_forwarded_one_only_behind_a_trusted_proxy(  # type: ignore[no-untyped-def]
        database_url: str, tmp_path, session, monkeypatch, proxies: int) -> None:
    world = build_world(session)
    session.commit()
    monkeypatch.setattr(auth_service, "FREE_FAILURES_PER_ADDRESS", 3)
    app = _proxied_app(database_url, tmp_path, proxies)
    try:
        def through_proxy(client_address: str) -> FlaskClient:
            client = app.test_client()
            client.environ_base.update({"REMOTE_ADDR": "10.0.0.2",  # the proxy itself
                                        "HTTP_X_FORWARDED_FOR": client_address})
            return client

        for n in range(3):
            _try(through_proxy("198.51.100.20"), f"guess{n}@a.example", "guess")
        someone_else = _try(through_proxy("203.0.113.5"), world.users["holder"].email, PASSWORD)
        if proxies:
            # Each person behind the proxy is counted as themselves.
            assert _ok(someone_else)
        else:
            # Not configured: a forwarded address could be made up, so it is not believed.
            assert _made_to_wait(someone_else)
    finally:
        app.extensions["dpsupport.engine"].dispose()


def test_concurrent_sign_ins_to_one_account_from_one_address_all_succeed(app, session) -> None:  # type: ignore[no-untyped-def]
    """Everyone in an office signing in at 9 o'clock, some to the same account: no errors
    (the rows are always locked in the same order, so two sign-ins cannot deadlock)."""
    world = build_world(session)
    session.commit()
    factory = app.extensions["dpsupport.sessions"]
    people = [world.users["holder"], world.users["representative"]]
    start = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def sign_in(n: int) -> None:
        start.wait()
        try:
            with writing(), factory() as own:
                result = auth_service.sign_in(own, people[n % 2].email, PASSWORD,
                                              "192.0.2.50", TEST_SECRET)
            outcome = "in" if result.user is not None else "waited" if result.throttled \
                else "wrong"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"[:300]
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes == ["in"] * 20, outcomes
    office = session.scalar(select(SignInThrottle).where(
        SignInThrottle.key == auth_service.address_key("192.0.2.50", TEST_SECRET)))
    assert office is None or office.failures == 0


def test_a_check_that_never_finished_does_not_hold_anyone_up_for_long(app, session, clock,  # type: ignore[no-untyped-def]
                                                                       monkeypatch) -> None:
    """If the process checking a password stops half-way, its mark runs out."""
    monkeypatch.setattr(auth_service, "BUSY_PATIENCE", timedelta(seconds=1))
    world = build_world(session)
    user = world.users["holder"]
    key = auth_service.account_key(user.email, TEST_SECRET)
    session.add(SignInThrottle(key=key, failures=0, checking=FREE, checking_since=clock()))
    session.commit()
    client = _client(app)
    busy = _try(client, user.email, PASSWORD)  # told to try again in a moment
    assert _made_to_wait(busy, "1 second")
    clock.wait(auth_service.CHECK_TIMEOUT + timedelta(seconds=1))
    assert _ok(_try(client, user.email, PASSWORD))
