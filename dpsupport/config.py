"""Settings from the environment. Nothing secret has a default in production."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

MODES = ("production", "development", "demo", "test")


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    mode: str
    database_url: str
    secret_key: str
    instance_path: Path
    max_upload_bytes: int = 10 * 1024 * 1024
    # How many reverse proxies (nginx, a load balancer) stand in front of the app and set
    # X-Forwarded-For and X-Forwarded-Proto. 0: none, and those headers are not believed.
    trusted_proxies: int = 0
    # DPSUPPORT_COUNT_SQL=1: each answer says how many SQL statements it took, in an
    # X-SQL-Statements header (for the benchmarks; off unless asked for).
    count_sql: bool = False

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"


def _instance_secret(instance_path: Path) -> str:
    """A per-machine key for development and the demo, kept in the instance folder."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def load_settings(overrides: dict[str, object] | None = None, *, root: Path | None = None) -> Settings:
    overrides = overrides or {}
    env = os.environ
    mode = str(overrides.get("mode") or env.get("DPSUPPORT_ENV") or "production")
    if mode not in MODES:
        raise ConfigError(f"DPSUPPORT_ENV must be one of {', '.join(MODES)}, not {mode!r}")
    instance_path = Path(
        str(overrides.get("instance_path") or env.get("DPSUPPORT_INSTANCE_PATH")
            or (root or Path.cwd()) / "instance")
    ).resolve()
    database_url = str(
        overrides.get("database_url")
        or env.get("DPSUPPORT_DATABASE_URL")
        or f"sqlite:///{instance_path / 'dpsupport.sqlite3'}"
    )
    secret_key = str(overrides.get("secret_key") or env.get("DPSUPPORT_SECRET_KEY") or "")
    if not secret_key:
        if mode == "production":
            raise ConfigError(
                "DPSUPPORT_SECRET_KEY is not set. In production the app will not start without "
                "a secret key: set it to a long random value (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        secret_key = _instance_secret(instance_path)
    if mode == "production" and len(secret_key) < 32:
        raise ConfigError("DPSUPPORT_SECRET_KEY must be at least 32 characters long.")
    raw_max = str(overrides.get("max_upload_bytes") or env.get("DPSUPPORT_MAX_UPLOAD_BYTES")
                  or 10 * 1024 * 1024)
    try:
        max_upload = int(raw_max.strip())
    except ValueError:
        max_upload = 0
    if max_upload < 1:
        raise ConfigError("DPSUPPORT_MAX_UPLOAD_BYTES must be a whole number of bytes above "
                          f"0, like 10485760 for 10 MB, not {raw_max!r}.")
    raw_proxies = str(overrides.get("trusted_proxies") if overrides.get("trusted_proxies")
                      is not None else env.get("DPSUPPORT_TRUSTED_PROXIES") or "0")
    try:
        trusted_proxies = int(raw_proxies.strip())
    except ValueError:
        trusted_proxies = -1
    if not 0 <= trusted_proxies <= 10:
        raise ConfigError("DPSUPPORT_TRUSTED_PROXIES must be the number of reverse proxies in "
                          "front of the app, like 1 behind one nginx, or 0 when people reach "
                          f"the app directly, not {raw_proxies!r}.")
    count_sql = str(overrides.get("count_sql") or env.get("DPSUPPORT_COUNT_SQL") or "") in (
        "1", "true", "True")
    return Settings(mode, database_url, secret_key, instance_path, max_upload, trusted_proxies,
                    count_sql)
