"""Command line: `dpsupport db upgrade`, `dpsupport prepare-demo`, `dpsupport serve`, and the
same services organisations use for bulk work."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, inspect, select


def _app_factory() -> Flask:
    from . import create_app
    from .config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a setting is missing or wrong: say so in one line
        click.echo(f"dpsupport: {exc}", err=True)
        sys.exit(2)


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["DPSUPPORT"]


def _engine():  # type: ignore[no-untyped-def]
    return current_app.extensions["dpsupport.engine"]


@click.group("db", help="Set up or upgrade the database.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply every migration the database has not had yet.")
@with_appcontext
def db_upgrade() -> None:
    from .migrate import upgrade

    upgrade(_settings().database_url, engine=_engine())
    click.echo("The database is up to date.")


def prepare_database() -> bool:
    """Migrate; load the demo when there is nobody in the database. True if demo was loaded."""
    from .migrate import upgrade
    from .models import User
    from .services.demo import load_demo

    upgrade(_settings().database_url, engine=_engine())
    from .db import unit_of_work

    with unit_of_work(current_app.extensions["dpsupport.sessions"]) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return False
        load_demo(session)
        return True


@click.command("prepare-demo", help="Migrate the database and load demo data if it is empty.")
@with_appcontext
def prepare_demo() -> None:
    from .services.demo import DEMO_SIGN_INS

    loaded = prepare_database()
    click.echo("Loaded the demo data." if loaded else "The database already has data: kept it.")
    click.echo("\nDemo sign-ins (every password is the same):")
    for user in DEMO_SIGN_INS:
        click.echo(f"  {user.email:<34} {user.password:<20} {user.description}")


@click.command("serve", help="Serve the app on http://127.0.0.1:5000 (for one person or a demo).")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--demo", is_flag=True, help="Print the demo sign-ins first.")
@with_appcontext
def serve(host: str, port: int, demo: bool) -> None:
    from werkzeug.serving import run_simple

    if demo:
        from .services.demo import DEMO_SIGN_INS

        click.echo(f"\nSign in at http://{host}:{port} with any of these:")
        for user in DEMO_SIGN_INS:
            click.echo(f"  {user.email:<34} password: {user.password}   ({user.description})")
        click.echo("")
    run_simple(host, port, current_app._get_current_object(), threaded=True,  # type: ignore[attr-defined]
               use_reloader=False, use_debugger=False)


@click.command("check-schema", help="Say whether the database matches this version's models.")
@with_appcontext
def check_schema() -> None:
    tables = set(inspect(_engine()).get_table_names())
    from .models import Base

    missing = sorted(set(Base.metadata.tables) - tables)
    if missing:
        click.echo(f"Missing tables: {', '.join(missing)}. Run `dpsupport db upgrade`.", err=True)
        sys.exit(1)
    click.echo("The database has every table.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(prepare_demo)
    app.cli.add_command(serve)
    app.cli.add_command(check_schema)
    from .cli_import import import_statement_command

    app.cli.add_command(import_statement_command)


main = FlaskGroup(create_app=_app_factory, add_default_commands=True, load_dotenv=False,
                  help="dpsupport: money and employer tasks for direct payments.")

if __name__ == "__main__":
    main()
