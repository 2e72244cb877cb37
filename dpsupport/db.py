"""Database engine and sessions.

SQLite (the laptop default) runs in WAL mode with foreign keys on and a busy timeout.
A transaction that will write starts with `BEGIN IMMEDIATE` (inside `writing()`, which the
web layer uses for every POST), so two writers queue instead of one failing half-way;
reads start a plain deferred `BEGIN` and never hold up a writer.
PostgreSQL needs nothing special. The app keeps no state between requests: each request
gets its own session, committed or rolled back as one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_write_intent: ContextVar[bool] = ContextVar("dpsupport_write_intent", default=False)


def set_write_intent(value: bool) -> None:
    _write_intent.set(value)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside this block take SQLite's write lock at once."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        # 16 MB of page cache (the default is 2 MB): a statement import touches every page
        # of the de-duplication indexes, and with a small cache each insert reads from disk.
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One writing transaction: everything inside commits together or not at all."""
    with writing():
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def on_each_statement(engine: Engine, call: Callable[[], None]) -> None:
    """Call ``call`` before every SQL statement the engine runs (for counting them)."""

    def _before(*_args: object) -> None:
        call()

    event.listen(engine, "before_cursor_execute", _before)
