"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is used when DPSUPPORT_TEST_POSTGRES_URL is set (`.ci/run` always sets it);
otherwise those runs are skipped with a visible reason. Each test session migrates one
fresh database per engine; each test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dpsupport.migrate import upgrade

from .support import factories
from .support.pagecheck import PageCheckingClient

PG_ENV = "DPSUPPORT_TEST_POSTGRES_URL"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"PostgreSQL tests: on ({PG_ENV} is set)"
    return f"PostgreSQL tests: SKIPPED ({PG_ENV} is not set)"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL database, dropped afterwards (the test is
    skipped, with the reason, when PostgreSQL is not configured)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} to run these tests on it")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    with throwaway_postgres("dpsupport_test") as url:
        upgrade(url)
        yield url


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                     "AND tablename <> 'alembic_version'")
            )
        ]
        # TRUNCATE does not fire the audit trail's row triggers: only tests do this.
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("_postgres_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def app(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from dpsupport import create_app

    application = create_app({
        "mode": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "instance_path": str(tmp_path / "instance"),
    })
    application.test_client_class = PageCheckingClient
    yield application
    application.extensions["dpsupport.engine"].dispose()


@pytest.fixture
def session(app):  # type: ignore[no-untyped-def]
    factory = app.extensions["dpsupport.sessions"]
    with factory() as s:
        yield s


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def holder_with_account(session):  # type: ignore[no-untyped-def]
    """An organisation, a holder with an agreement, plan and bank account (two payments),
    and a support worker granted to them: see `support.factories.HolderWithAccount`."""
    return factories.holder_with_account(session)
