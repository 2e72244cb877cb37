"""Every POST route, found by walking the URL map: refused without a CSRF token (and nothing
changes), and with one it leaves an audit row naming the person who did it.

A new POST route needs a case in tests/post_cases.py (CASES, or OTHER_POSTS with its own
handling below); until it has one, these tests fail and name it.
"""

from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import Engine, func, inspect, select, table

from dpsupport.models import AuditEvent, User
from dpsupport.services.access import policy

from ..support.factories import PASSWORD, csrf_token, current_code, sign_in
from ..support.post_cases import ACTING_ROLES, CASES, OTHER_POSTS
from ..support.routes import Route, routes
from ..support.scenario import World, build_world, url_args

ACTING_ROLE = "support_worker"
# Pages the support worker may not use are sent by the first of these roles that may:
# the funding agreement's terms belong to the funder's finance officer.
# A review's questions are answered by the holder's side: the representative.
OTHER_ACTING_ROLES = ("finance_officer", "org_admin", "representative")
# Routes used as a named role: only an organisation admin adds staff; changing a password is
# done as someone else so the acting role keeps the password the other routes sign in with.
ACTING_AS = {"accounts.invite_staff": "org_admin", "accounts.change_password": "representative",
             # Two-step sign-in: only an admin changes the organisation's setting; the finance
             # officer (who uses it) signs in with a code and makes new recovery codes; the
             # representative (who need not) sets it up and then turns it off (set_up sorts
             # before turn_off).
             "two_step.organisation": "org_admin", "auth.two_step": "finance_officer",
             "two_step.recovery_codes": "finance_officer",
             "two_step.set_up": "representative", "two_step.turn_off": "representative",
             "organisation.add_holder": "org_admin", "organisation.remove_staff": "org_admin"}
# Routes whose success sends people to sign in (with the password they just chose).
SIGN_IN_AFTER = {"auth.sign_out", "accounts.reset", "accounts.invitation"}


def post_routes(app: Flask) -> list[Route]:
    found = [r for r in routes(app) if "POST" in r.methods]
    # Deleting routes, then signing out, go last, so what the others need still exists.
    return sorted(found, key=lambda r: (r.endpoint == "auth.sign_out", "delete" in r.endpoint,
                                        r.endpoint))


def missing_cases(app: Flask) -> list[str]:
    return [r.endpoint for r in post_routes(app)
            if r.endpoint not in CASES and r.endpoint not in OTHER_POSTS]


def _missing_message(missing: list[str]) -> str:
    return ("POST routes with no case in tests/post_cases.py: " + ", ".join(missing)
            + ". Add a valid, state-changing form for each to CASES (or to OTHER_POSTS with "
              "its own handling in tests/test_every_post.py).")


def _url(app: Flask, route: Route, world: World) -> str:
    with app.test_request_context():
        return url_for(route.endpoint, **url_args(world, set(route.arguments)))


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database (not only the ones the models know about)."""
    names = inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(table(name))) or 0
                for name in names}


def _engine(app: Flask) -> Engine:
    return app.extensions["dpsupport.engine"]  # type: ignore[no-any-return]


def _form(route: Route, world: World, user: User) -> dict:  # type: ignore[type-arg]
    if route.endpoint == "auth.sign_in":
        return {"email": user.email, "password": PASSWORD}
    if route.endpoint == "auth.two_step":
        return {"code": current_code()}
    if route.endpoint in CASES:
        return dict(CASES[route.endpoint]())
    return {}


def test_every_post_route_has_a_case(app) -> None:  # type: ignore[no-untyped-def]
    assert post_routes(app), "found no POST routes at all: the URL map walk is broken"
    missing = missing_cases(app)
    assert not missing, _missing_message(missing)
    # Cases for routes that no longer exist are dead weight: say so too.
    endpoints = {r.endpoint for r in post_routes(app)}
    stale = sorted(set(CASES) - endpoints)
    assert not stale, f"tests/post_cases.py has cases for routes that do not exist: {stale}"


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users[ACTING_ROLE]
    client = app.test_client()
    sign_in(client, user)
    problems = []
    tried = 0
    for route in post_routes(app):
        url = _url(app, route, world)
        before = row_counts(_engine(app))
        response = client.post(url, data=_form(route, world, user),
                               content_type="multipart/form-data")
        after = row_counts(_engine(app))
        tried += 1
        if response.status_code != 400:
            problems.append(f"{route.endpoint}: POST without a token gave "
                            f"{response.status_code}, not 400")
        changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
        if changed:
            problems.append(f"{route.endpoint}: rows changed without a token: {changed}")
        if response.status_code == 400:
            body = response.get_data(as_text=True)
            if "Nothing has been saved" not in body:
                problems.append(f"{route.endpoint}: the 400 page does not say nothing was saved")
    assert tried >= 2
    assert not problems, "\n".join(problems)
    # Still signed in: the refused sign-out did not sign anyone out.
    assert client.get(f"/holders/{world.holder_id}").status_code == 200


def test_every_post_with_a_token_writes_an_audit_row_naming_the_person(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    engine = _engine(app)
    clients = {}

    def client_for(role: str):  # type: ignore[no-untyped-def]
        if role not in clients:
            clients[role] = app.test_client()
            sign_in(clients[role], world.users[role])
        return clients[role]

    problems = []
    for route in post_routes(app):
        if route.endpoint not in CASES and route.endpoint not in OTHER_POSTS:
            continue  # named by the check below
        role = ACTING_AS.get(route.endpoint) or ACTING_ROLES.get(route.endpoint, ACTING_ROLE)
        if "holder_id" in route.arguments and not policy().allows(
                route.endpoint, role, payroll_delegated=world.payroll_delegated):
            role = next((r for r in OTHER_ACTING_ROLES if policy().allows(
                route.endpoint, r, payroll_delegated=world.payroll_delegated)),
                        "")
            if not role:
                problems.append(f"{route.endpoint}: none of the test's acting roles may use "
                                "it; choose another role for it here")
                continue
        user, client = world.users[role], client_for(role)
        if route.endpoint == "auth.sign_in":
            client.post("/sign-out", data={"csrf_token": csrf_token(client)})
        elif route.endpoint == "auth.two_step":  # the password first, then the code
            client.post("/sign-out", data={"csrf_token": csrf_token(client)})
            client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": csrf_token(client)})
        elif route.endpoint not in CASES and route.endpoint != "auth.sign_out":
            problems.append(f"{route.endpoint}: in OTHER_POSTS but this test does not know how "
                            "to exercise it")
            continue
        url = _url(app, route, world)  # may make records (a pending upload, a link) first
        with engine.connect() as conn:
            last_id = conn.scalar(select(func.max(AuditEvent.id))) or 0
        data = _form(route, world, user)
        data["csrf_token"] = csrf_token(client)
        response = client.post(url, data=data, content_type="multipart/form-data")
        location = response.headers.get("Location", "")
        if response.status_code != 302 or (route.endpoint not in SIGN_IN_AFTER
                                           and "/sign-in" in location):
            problems.append(f"{route.endpoint}: valid POST gave {response.status_code} "
                            f"{location}, not the redirect after success (is its case in "
                            "post_cases.py still valid?)")
            continue
        with engine.connect() as conn:
            rows = conn.execute(select(AuditEvent.actor_id, AuditEvent.actor_name,
                                       AuditEvent.holder_id, AuditEvent.action)
                                .where(AuditEvent.id > last_id)).all()
        if not rows:
            problems.append(f"{route.endpoint}: wrote no audit row")
            continue
        anonymous = [r for r in rows if (r.actor_id, r.actor_name) != (user.id, user.name)]
        if anonymous:
            problems.append(f"{route.endpoint}: audit rows not naming {user.name!r}: "
                            f"{[(r.actor_id, r.actor_name, r.action) for r in anonymous]}")
        if "holder_id" in route.arguments and not any(r.holder_id == world.holder_id
                                                      for r in rows):
            problems.append(f"{route.endpoint}: no audit row is filed under the holder")
    missing = missing_cases(app)
    if missing:
        problems.append(_missing_message(missing))
    assert not problems, "\n".join(problems)
