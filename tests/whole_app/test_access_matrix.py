"""Who can reach what: every route is checked, found by walking the URL map."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dpsupport.models import AuditEvent
from dpsupport.services.access import policy

from ..support.factories import csrf_token, sign_in
from ..support.post_cases import CASES
from ..support.routes import PUBLIC, Route, holder_routes, routes
from ..support.scenario import ROLES, build_world, url_args


def test_every_route_has_an_access_check(app) -> None:  # type: ignore[no-untyped-def]
    for route in routes(app):
        if route.endpoint in PUBLIC:
            continue
        view = app.view_functions[route.endpoint]
        check = getattr(view, "access_checked", None)
        assert check, f"{route.rule} ({route.endpoint}) has no access check"
        if route.takes_record_id:
            # ids hang off a holder, or (the admin's pages) off the admin's own organisation
            assert check in ("holder_page", "organisation_page"), (
                f"{route.rule} takes an id but is not a holder or organisation page")
            if check == "holder_page":
                assert "holder_id" in route.arguments, (
                    f"{route.rule}: record ids hang off a holder")
        for argument in route.arguments:
            converter = app.url_map._rules_by_endpoint[route.endpoint][0]._converters[
                argument].__class__.__name__
            if argument == "token":  # a pending upload's unguessable reference, not an id
                assert converter == "UnicodeConverter", f"{route.rule}: <token> is text"
                continue
            assert converter == "IntegerConverter", (
                f"{route.rule}: <{argument}> must be an int converter")


# Written out here, not read from the policy: the funding agreement's terms decide what the
# council's checks say (the surplus warning), so they are the funder's staff's alone
# (docs/access.md). Giving them to the holder's side fails here.
FUNDERS_TERMS = ("agreement.edit", "agreement.add_amount", "agreement.add_one_off")


def test_only_the_funders_staff_change_the_agreements_terms() -> None:
    for endpoint in FUNDERS_TERMS:
        allowed = {role for role in ROLES if policy().allows(endpoint, role)}
        assert allowed == {"finance_officer", "org_admin"}, endpoint
    for role in ROLES:  # ...and everyone reads them, and who can see the record
        assert policy().allows("agreement.show", role)
        assert policy().allows("holder.who_can_see_page", role)


def test_policy_file_matches_the_routes(app) -> None:  # type: ignore[no-untyped-def]
    endpoints = {r.endpoint for r in holder_routes(app)}
    assert endpoints == set(policy().pages), (
        f"not in policy: {endpoints - set(policy().pages)}; "
        f"no such route: {set(policy().pages) - endpoints}")


def _request(client, route, world, holder_id=None):  # type: ignore[no-untyped-def]
    url = app_url(client.application, route, world, holder_id)
    if "GET" in route.methods:
        return client.get(url)
    data = dict(CASES[route.endpoint]())
    data["csrf_token"] = csrf_token(client)
    return client.post(url, data=data, content_type="multipart/form-data")


def app_url(app, route, world, holder_id=None) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        from flask import url_for

        return url_for(route.endpoint, **url_args(world, set(route.arguments), holder_id))


def test_another_organisation_gets_404_everywhere(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.outsider)
    before = session.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "refused"))
    tried = 0
    for route in holder_routes(app):
        for method in sorted(route.methods):
            url = app_url(app, route, world)
            if method == "GET":
                response = client.get(url)
            else:
                data = dict(CASES[route.endpoint]())
                data["csrf_token"] = csrf_token(client)
                response = client.post(url, data=data, content_type="multipart/form-data")
            tried += 1
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            body = response.get_data(as_text=True)
            assert "Alice" not in body and "Andrews" not in body
    session.rollback()  # a fresh snapshot: the app wrote in other transactions
    after = session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "refused"))
    assert after - before == tried, "every refused attempt is logged"
    # ...and their own holder's pages still work for them.
    own = client.get(f"/holders/{world.other_holder_id}")
    assert own.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_matches_the_access_policy(app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users[role])
    # Deleting routes go last so the records other routes need still exist.
    ordered = sorted(holder_routes(app), key=lambda r: ("delete" in r.endpoint, r.endpoint))
    for route in ordered:
        response = _request(client, route, world)
        allowed = policy().allows(route.endpoint, role,
                                  payroll_delegated=world.payroll_delegated)
        if allowed:
            assert response.status_code in (200, 302), (
                f"{role} should be able to use {route.endpoint}: got {response.status_code}")
        else:
            assert response.status_code == 403, (
                f"{role} must not use {route.endpoint}: got {response.status_code}")


def test_signed_out_people_are_sent_to_sign_in(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    for route in routes(app):
        if route.endpoint in PUBLIC or "GET" not in route.methods:
            continue
        response = client.get(app_url(app, route, world))
        assert response.status_code == 302, route.endpoint
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_delegated_pages_follow_the_holders_payroll_choice(app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    """The policy's [delegated] pages: open to the roles it names only while the holder has
    delegated payroll to their organisation; always to the roles in [pages]."""
    from dpsupport.models import EmployerDetails

    delegated = set(policy().delegated)
    assert {"timesheets.approve", "timesheets.withdraw"} <= delegated
    world = build_world(session)
    details = session.scalar(select(EmployerDetails)
                             .where(EmployerDetails.holder_id == world.holder_id))
    details.payroll_by_organisation = False
    session.commit()
    client = app.test_client()
    sign_in(client, world.users[role])
    for route in sorted((r for r in holder_routes(app) if r.endpoint in delegated),
                        key=lambda r: r.endpoint):
        response = _request(client, route, world)
        if policy().allows(route.endpoint, role):
            assert response.status_code in (200, 302), (role, route.endpoint)
        else:
            assert response.status_code == 403, (role, route.endpoint, response.status_code)
            assert role in ("support_worker", "org_admin", "finance_officer")
    assert not policy().allows("timesheets.approve", "finance_officer", payroll_delegated=True)
    assert policy().allows("timesheets.approve", "org_admin", payroll_delegated=True)


def organisation_routes(app) -> list[Route]:  # type: ignore[no-untyped-def]
    return [r for r in routes(app)
            if getattr(app.view_functions[r.endpoint], "access_checked", "")
            == "organisation_page"]


def test_only_admins_use_the_organisation_pages(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    found = organisation_routes(app)
    assert {r.endpoint for r in found} >= {"organisation.index", "organisation.add_holder",
                                           "organisation.remove_staff",
                                           "accounts.invite_staff"}
    for role in (*ROLES, "council"):
        user = world.council_officer if role == "council" else world.users[role]
        assert user is not None
        client = app.test_client()
        sign_in(client, user)
        for route in found:
            response = _request(client, route, world)
            expected = (200, 302) if role == "org_admin" else (403,)
            assert response.status_code in expected, (role, route.endpoint,
                                                       response.status_code)


def test_another_organisations_admin_finds_none_of_its_staff(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    assert world.outsider is not None
    sign_in(client, world.outsider)
    for route in organisation_routes(app):
        if route.takes_record_id:  # A's spare support worker, seen from organisation B
            response = _request(client, route, world)
            assert response.status_code == 404, route.endpoint
    assert client.get("/organisation").status_code == 200
    assert "A spare worker" not in client.get("/organisation").get_data(as_text=True)


def test_the_councils_finance_officer_reads_only_what_the_council_funds(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    assert world.council_officer is not None
    sign_in(client, world.council_officer)
    for route in holder_routes(app):
        if "GET" not in route.methods:
            continue
        # the council funds Alice: the finance officer's pages, by the policy
        response = client.get(app_url(app, route, world))
        allowed = policy().allows(route.endpoint, "finance_officer")
        assert response.status_code in ((200, 302) if allowed else (403,)), (
            route.endpoint, response.status_code)
        # ...and Bob, supported by organisation B and not funded by the council, is not found
        other = client.get(app_url(app, route, world, world.other_holder_id))
        assert other.status_code == 404, route.endpoint
    listing = client.get("/holders").get_data(as_text=True)
    assert "Alice Andrews" in listing and "Bob Brown" not in listing
