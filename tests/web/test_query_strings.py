"""Issue 12.10: whatever is in the query string, every page answers with a page, never a
server error (500). A property test over the URL map: every GET route of a holder the
person may see, with random query strings (huge numbers, NUL, % and _, unicode, empty
values, repeated keys), on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dpsupport.models import Transaction
from dpsupport.services.access import policy

from ..support.factories import sign_in
from ..support.routes import Route, holder_routes
from ..support.scenario import build_world, url_args

ROLE = "support_worker"
# Names the pages read, and some they do not.
KEYS = ["page", "q", "from", "to", "category", "direction", "day", "next", "token",
        "holder_id", "_external", "_anchor", "x"]
NASTY = ["", "0", "-1", "1", "2", "99999999999999999999", "9" * 400, "1e308", "NaN",
         "\x00", "a\x00b", "%", "_", "%_%", "\\", "'", "\"", "<b>", "in", "out", "unsorted",
         "pa_wages", "2026-02-30", "2026-05-01", "0001-01-01", "9999-12-31", "١٢٣",
         "\u00e9\u00e8", "\U0001f600", "\u202e", "\ufeff", " ", "a" * 5000]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                   st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str))
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), values),
                 max_size=6)


def _query(items: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def _get_routes(app: Flask) -> list[Route]:
    return [r for r in holder_routes(app)
            if "GET" in r.methods and policy().allows(r.endpoint, ROLE)]


def test_no_query_string_gives_a_server_error(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client(use_cookies=True)
    sign_in(client, world.users[ROLE])
    routes = _get_routes(app)
    assert any(r.endpoint == "transactions.index" for r in routes)
    with app.test_request_context():
        from flask import url_for

        urls = [url_for(r.endpoint, **url_args(world, set(r.arguments))) for r in routes]

    @settings(max_examples=200, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(url=st.sampled_from(urls), items=pairs)
    def check(url: str, items: list[tuple[str, str]]) -> None:
        response = client.get(f"{url}?{_query(items)}")
        assert response.status_code < 500, f"{url}?{_query(items)}: {response.status_code}"

    check()
    # ...and, every time, each of the nasty values in every name the pages read
    for url in urls:
        for value in NASTY:
            query = _query([(k, value) for k in KEYS])
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, f"{url}?{query}: {response.status_code}"


def test_the_reported_addresses_give_pages(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users[ROLE])
    base = f"/holders/{world.holder_id}"
    for url in (f"{base}/transactions?page=99999999999999999999", f"{base}/transactions?q=%00",
                f"{base}/history?page=99999999999999999999", f"{base}/history?page=-5"):
        assert client.get(url).status_code == 200, url


def test_percent_and_underscore_in_the_search_match_only_themselves(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    session.rollback()
    tx = session.scalar(select(Transaction).where(Transaction.holder_id == world.holder_id,
                                                  Transaction.amount_pence < 0))
    tx.note = "paid 50% up front"
    session.commit()
    client = app.test_client()
    sign_in(client, world.users[ROLE])
    base = f"/holders/{world.holder_id}/transactions"
    everything = client.get(base).get_data(as_text=True)
    assert "Corner Shop" in everything
    percent = client.get(f"{base}?q=%25").get_data(as_text=True)
    assert tx.payee in percent and "Corner Shop" not in percent  # not every payment
    underscore = client.get(f"{base}?q=_").get_data(as_text=True)
    assert "No payments match." in underscore


def test_nul_in_any_form_field_is_not_a_server_error(app, session) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot store text with NUL in it: a form that passed one on gave a 500."""
    from ..support.factories import csrf_token
    from ..support.post_cases import CASES
    from ..support.routes import routes

    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users[ROLE])
    tried = 0
    for route in routes(app):
        if route.endpoint not in CASES or "delete" in route.endpoint:
            continue
        data = {k: (v + "\x00" if isinstance(v, str) else v)
                for k, v in CASES[route.endpoint]().items()}
        if route.endpoint.startswith("imports."):
            continue  # the statement import pages: their own tests
        with app.test_request_context():
            from flask import url_for

            url = url_for(route.endpoint, **url_args(world, set(route.arguments)))
        data["csrf_token"] = csrf_token(client)
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, f"{route.endpoint}: {response.status_code}"
        tried += 1
    assert tried >= 6
    signed_out = app.test_client()
    response = signed_out.post("/sign-in", data={"email": "a\x00@a.example", "password": "x",
                                                 "csrf_token": csrf_token(signed_out)})
    assert response.status_code < 500
