"""Migrations: from an empty database to head on SQLite and PostgreSQL, the result matches
the models exactly, and every step can be undone and done again."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, MetaData, String, inspect, text
from sqlalchemy.exc import DBAPIError

from dpsupport.db import make_engine
from dpsupport.migrate import alembic_config, downgrade, upgrade
from dpsupport.models import Base
from dpsupport.statements import Transaction as Line
from dpsupport.statements.dedupe import fingerprint

from ..conftest import throwaway_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new database with nothing in it (not the suite's migrated template)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    with throwaway_postgres("dpsupport_migrate") as url:
        yield url


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    made = make_engine(empty_url)
    yield made
    made.dispose()


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def _revisions_oldest_first() -> list[str]:
    return [s.revision for s in reversed(list(_script().walk_revisions()))]


def _current(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def _tables(engine: Engine) -> set[str]:
    inspect(engine).clear_cache()
    return set(inspect(engine).get_table_names())


def _audit_triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        return {r[0] for r in conn.execute(text(sql)) if r[0].startswith("audit_event")}


def _differences(engine: Engine, metadata: MetaData = Base.metadata) -> list:  # type: ignore[type-arg]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def _audit_row_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (at, actor_name, action, entity) "
                          "VALUES (CURRENT_TIMESTAMP, 'Migration test', 'note', 'test')"))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_name = 'Someone else'"))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))


def test_history_is_one_straight_line() -> None:
    script = _script()
    assert len(script.get_heads()) == 1, f"more than one head: {script.get_heads()}"
    assert len(script.get_bases()) == 1, f"more than one base: {script.get_bases()}"


def test_empty_to_head(empty_url: str, engine: Engine) -> None:
    assert _tables(engine) == set()
    upgrade(empty_url, engine=engine)
    assert _current(engine) == set(_script().get_heads())
    assert _tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
    expected = ({"audit_event_no_update", "audit_event_no_delete"}
                if engine.dialect.name == "sqlite" else {"audit_event_append_only"})
    assert _audit_triggers(engine) == expected
    _audit_row_is_refused(engine)
    # Running it again on an up-to-date database changes nothing and does not fail.
    upgrade(empty_url, engine=engine)
    assert _current(engine) == set(_script().get_heads())


def test_models_match_the_migrated_database(empty_url: str, engine: Engine) -> None:
    upgrade(empty_url, engine=engine)
    differences = _differences(engine)
    assert differences == [], (
        "the models and the migrations disagree; write a migration "
        "(alembic revision --autogenerate) for:\n" + "\n".join(map(str, differences)))


def test_the_comparison_would_see_a_forgotten_migration(empty_url: str, engine: Engine) -> None:
    """Guards the test above: a model change without a migration is reported."""
    upgrade(empty_url, engine=engine)
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["holder"].append_column(Column("nickname", String(50)))
    changed.tables["account"].c.name.type = String(7)
    differences = [str(d) for d in _differences(engine, changed)]
    assert any("add_column" in d and "nickname" in d for d in differences), differences
    assert any("modify_type" in d and "'account'" in d for d in differences), differences


def test_downgrade_to_base_and_upgrade_again(empty_url: str, engine: Engine) -> None:
    upgrade(empty_url, engine=engine)
    downgrade(empty_url, "base", engine=engine)
    assert _current(engine) == set()
    assert _tables(engine) <= {"alembic_version"}, "downgrade left tables behind"
    assert _audit_triggers(engine) == set()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            left = conn.execute(text("SELECT proname FROM pg_proc p JOIN pg_namespace n "
                                     "ON n.oid = p.pronamespace WHERE nspname = 'public'")).all()
        assert left == [], f"downgrade left functions behind: {left}"

    upgrade(empty_url, engine=engine)
    assert _current(engine) == set(_script().get_heads())
    assert _differences(engine) == []
    _audit_row_is_refused(engine)


def test_every_step_down_and_up_again(empty_url: str, engine: Engine) -> None:
    """The stairway: each revision applies, undoes and re-applies on top of the previous."""
    revisions = _revisions_oldest_first()
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        upgrade(empty_url, revision, engine=engine)
        assert _current(engine) == {revision}
        downgrade(empty_url, previous, engine=engine)
        assert _current(engine) == (set() if previous == "base" else {previous})
        upgrade(empty_url, revision, engine=engine)
        assert _current(engine) == {revision}
        previous = revision


def _old_fingerprint(scope: str, day: str, amount: int, description: str, n: int) -> str:
    """The fingerprint as revision 0002 wrote it (SHA-256 of every part)."""
    norm = re.sub(r"[^0-9A-Z]+", " ", description.upper()).strip()
    payload = f"{scope}\x1f{day}\x1f{amount}\x1f{norm}\x1f{n}"
    return "fp:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_fingerprints_are_rewritten_in_the_new_shape_and_back(empty_url: str,
                                                            engine: Engine) -> None:
    """Lines imported before 0003 are still recognised after it (and after going back)."""
    upgrade(empty_url, "0002", engine=engine)
    lines = [  # (date, amount, description, occurrence, keyed by a bank id?)
        ("2026-05-01", -1250, "Tesco Stores 3297", 1, False),
        ("2026-05-01", -1250, "Tesco Stores 3297", 2, False),  # the same payment twice
        ("2026-05-02", 200000, "ACME LTD / salary & bonus", 1, True),
        ("2026-05-03", -99, "x" * 600, 1, False),  # cut to 500 when stored: left alone
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisation (id, name, kind, created_at) "
                          "VALUES (1, 'ULO', 'ulo', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO holder (id, organisation_id, name, nation, created_at) "
                          "VALUES (1, 1, 'Holder', 'england', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO account (id, holder_id, name, kind, created_at) "
                          "VALUES (7, 1, 'Account', 'bank', CURRENT_TIMESTAMP)"))
        for i, (day, amount, desc, n, by_id) in enumerate(lines, start=1):
            fp = _old_fingerprint("account-7", day, amount, desc, n)
            conn.execute(text(
                "INSERT INTO money_transaction (id, holder_id, account_id, date, amount_pence, "
                "description, source, dedupe_key, fingerprint, created_at) VALUES "
                "(:id, 1, 7, :day, :amount, :desc, 'import', :key, :fp, CURRENT_TIMESTAMP)"),
                {"id": i, "day": date.fromisoformat(day), "amount": amount, "desc": desc[:500],
                 "key": f"id:account-7\x1fF{i}" if by_id else fp, "fp": fp if by_id else None})
        conn.execute(text(
            "INSERT INTO money_transaction (id, holder_id, account_id, date, amount_pence, "
            "source, created_at) VALUES (9, 1, 7, :day, -500, 'manual', CURRENT_TIMESTAMP)"),
            {"day": date(2026, 5, 1)})

    def stored() -> list[tuple[str | None, str | None]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(  # type: ignore[misc]
                "SELECT dedupe_key, fingerprint FROM money_transaction ORDER BY id"))]

    before = stored()
    upgrade(empty_url, "0003", engine=engine)
    after = stored()
    for (day, amount, desc, n, by_id), (key, fp) in zip(lines[:3], after, strict=False):
        want = fingerprint("account-7", Line(date.fromisoformat(day), amount, desc), n)
        assert (fp if by_id else key) == want  # what an import makes of the line today
    assert after[2][0] == before[2][0]  # a bank id key is not a fingerprint: unchanged
    assert after[3:] == before[3:]  # the cut description, and the line typed by hand
    downgrade(empty_url, "0002", engine=engine)
    assert stored() == before
