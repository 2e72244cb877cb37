"""Settings from the environment: what production refuses, and what each variable changes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dpsupport import create_app
from dpsupport.config import ConfigError, load_settings

from ..conftest import TEST_SECRET
from ..support.factories import sign_in
from ..support.scenario import build_world

VARIABLES = ("DPSUPPORT_ENV", "DPSUPPORT_SECRET_KEY", "DPSUPPORT_DATABASE_URL",
             "DPSUPPORT_INSTANCE_PATH", "DPSUPPORT_MAX_UPLOAD_BYTES", "DPSUPPORT_TRUSTED_PROXIES")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts with none of our variables set, in an empty working directory."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _dispose(app) -> None:  # type: ignore[no-untyped-def]
    app.extensions["dpsupport.engine"].dispose()


# --- production refuses to start without a proper secret key ---------------------------------

def test_production_is_the_default_and_needs_a_secret_key(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with pytest.raises(ConfigError) as exc:
        create_app()
    message = str(exc.value)
    assert "DPSUPPORT_SECRET_KEY is not set" in message
    assert "production" in message and "secrets.token_urlsafe" in message
    # No key was quietly made up and kept instead.
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_production_refuses_an_empty_secret_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_ENV", "production")
    monkeypatch.setenv("DPSUPPORT_SECRET_KEY", "")
    with pytest.raises(ConfigError, match="DPSUPPORT_SECRET_KEY is not set"):
        create_app()


@pytest.mark.parametrize("length", [1, 16, 31])
def test_production_refuses_a_short_secret_key(monkeypatch, length: int) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_ENV", "production")
    monkeypatch.setenv("DPSUPPORT_SECRET_KEY", "k" * length)
    with pytest.raises(ConfigError, match="at least 32 characters"):
        create_app()


def test_production_starts_with_a_32_character_key(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_ENV", "production")
    monkeypatch.setenv("DPSUPPORT_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("DPSUPPORT_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    try:
        assert app.config["SECRET_KEY"] == "k" * 32
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert not app.testing and not app.debug
    finally:
        _dispose(app)


def test_the_command_line_refuses_too_and_says_why(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(DPSUPPORT_ENV="production", DPSUPPORT_DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run([sys.executable, "-m", "dpsupport.cli", "db", "upgrade"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "DPSUPPORT_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr, "one clear line, not a stack trace"
    assert not database.exists(), "nothing was done to the database"


def test_an_unknown_mode_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_ENV", "prod")
    with pytest.raises(ConfigError, match="DPSUPPORT_ENV must be one of .*production"):
        load_settings()


def test_development_keeps_one_private_key_in_the_instance_folder(tmp_path: Path) -> None:
    first = load_settings({"mode": "development"})
    second = load_settings({"mode": "development"})
    key_file = tmp_path / "instance" / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not first.is_production


# --- where the data lives --------------------------------------------------------------------

def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    app = create_app({"mode": "development"})
    try:
        expected = tmp_path / "instance" / "dpsupport.sqlite3"
        assert Path(app.instance_path) == tmp_path / "instance"
        url = app.extensions["dpsupport.engine"].url
        assert url.get_backend_name() == "sqlite"
        assert Path(url.database) == expected
        with app.extensions["dpsupport.engine"].connect():
            pass
        assert expected.exists()
    finally:
        _dispose(app)


def test_the_instance_folder_can_be_moved(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "data" / "dp"
    monkeypatch.setenv("DPSUPPORT_INSTANCE_PATH", str(elsewhere))
    settings = load_settings({"mode": "development"})
    assert settings.instance_path == elsewhere
    assert settings.database_url == f"sqlite:///{elsewhere / 'dpsupport.sqlite3'}"


def test_database_url_selects_the_database(monkeypatch, database_url: str, session,  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    world = build_world(session)  # written through the suite's own app, straight to the database
    monkeypatch.setenv("DPSUPPORT_DATABASE_URL", database_url)
    app = create_app({"mode": "test", "secret_key": TEST_SECRET})
    try:
        engine_url = app.extensions["dpsupport.engine"].url
        assert engine_url.render_as_string(hide_password=False) == \
            make_url(database_url).render_as_string(hide_password=False)
        # ...and the app really uses it: the people in it can sign in and see their money.
        client = app.test_client()
        sign_in(client, world.users["holder"])
        page = client.get(f"/holders/{world.holder_id}")
        assert page.status_code == 200
        assert not (tmp_path / "instance" / "dpsupport.sqlite3").exists()
    finally:
        _dispose(app)


# --- upload limit ----------------------------------------------------------------------------

def test_max_upload_bytes_sets_the_limit(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_MAX_UPLOAD_BYTES", "5000")
    app = create_app({"mode": "test", "secret_key": TEST_SECRET,
                      "database_url": f"sqlite:///{tmp_path / 'u.sqlite3'}"})
    try:
        assert app.config["MAX_CONTENT_LENGTH"] == 5000
        client = app.test_client()
        too_big = client.post("/sign-in", data={"email": "x@example.org", "password": "p" * 6000})
        assert too_big.status_code == 413
        assert "The file is too big" in too_big.get_data(as_text=True)
        small = client.post("/sign-in", data={"email": "x@example.org", "password": "p" * 100})
        assert small.status_code == 400  # under the limit: on to the CSRF check
    finally:
        _dispose(app)


def test_the_upload_limit_has_a_sensible_default() -> None:
    assert load_settings({"mode": "test", "secret_key": TEST_SECRET}).max_upload_bytes == \
        10 * 1024 * 1024


@pytest.mark.parametrize("value", ["ten", "10MB", "-1", "1.5"])
def test_a_bad_upload_limit_is_refused_with_a_clear_message(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_MAX_UPLOAD_BYTES", value)
    with pytest.raises(ConfigError, match="DPSUPPORT_MAX_UPLOAD_BYTES must be a whole number"):
        load_settings({"mode": "test", "secret_key": TEST_SECRET})


# --- reverse proxies ---------------------------------------------------------------------------

def test_no_proxy_is_trusted_unless_configured(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert load_settings({"mode": "test", "secret_key": TEST_SECRET}).trusted_proxies == 0
    monkeypatch.setenv("DPSUPPORT_TRUSTED_PROXIES", "2")
    assert load_settings({"mode": "test", "secret_key": TEST_SECRET}).trusted_proxies == 2


@pytest.mark.parametrize("value", ["one", "-1", "1.5", "99"])
def test_a_bad_number_of_proxies_is_refused_with_a_clear_message(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DPSUPPORT_TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match="DPSUPPORT_TRUSTED_PROXIES must be the number"):
        load_settings({"mode": "test", "secret_key": TEST_SECRET})
