"""dpsupport: money and employer tasks for people who receive direct payments.

`create_app()` wires settings, the database, blueprints, error pages and security headers.
Run it with `gunicorn "dpsupport:create_app()"` or `dpsupport serve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent


def template_folder() -> Path:
    """templates/ beside the package in a checkout; dpsupport/_templates in an installed wheel."""
    installed = PACKAGE_DIR / "_templates"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from .config import load_settings
    from .web import init_app

    settings = load_settings(test_config)
    app = Flask(
        __name__,
        template_folder=str(template_folder()),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_path=str(settings.instance_path),
    )
    init_app(app, settings)
    return app
