"""Command line: `dpsupport db upgrade`, `dpsupport prepare-demo`, `dpsupport serve`, and the
same services organisations use for bulk work.

`--help` works anywhere, with no settings at all: only a command that serves or touches the
database builds the app (and so needs DPSUPPORT_SECRET_KEY in production).

A command that cannot do what it was asked (a `UserError`, see dpsupport/errors.py) says so
in one way: `cli_fail.fail(err)` prints one line on stderr, starting with the command's name, and
exits with status 2. Status 1 means the check the command made did not pass (check-schema).
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, routes_command, shell_command, with_appcontext
from sqlalchemy import Engine, func, inspect, select

from . import __version__
from .config import Settings


def _app_factory() -> Flask:
    from . import create_app
    from .config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a setting is missing or wrong: say so in one line
        click.echo(f"dpsupport: {exc}", err=True)
        sys.exit(2)


def _settings() -> Settings:
    settings: Settings = current_app.config["DPSUPPORT"]
    return settings


def _engine() -> Engine:
    engine: Engine = current_app.extensions["dpsupport.engine"]
    return engine


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
    _refresh_caseload(only_stale=True)
    return True


def _refresh_caseload(only_stale: bool) -> int:
    from .db import unit_of_work
    from .services.caseload import refresh_all

    with unit_of_work(current_app.extensions["dpsupport.sessions"]) as session:
        return refresh_all(session, only_stale=only_stale)


def _two_step_note() -> str:
    from .services.demo import DEMO_TOTP_SECRET

    return ("The finance officer and the admin also use two-step sign-in (docs/two_step.md): "
            "after the password, the demo shows the code a phone would show. Or add the key "
            f"{DEMO_TOTP_SECRET} to an authenticator app.")


@click.command("prepare-demo", help="Migrate the database and load demo data if it is empty.")
@with_appcontext
def prepare_demo() -> None:
    from .services.demo import DEMO_SIGN_INS

    loaded = prepare_database()
    click.echo("Loaded the demo data." if loaded else "The database already has data: kept it.")
    click.echo("\nDemo sign-ins (every password is the same):")
    for user in DEMO_SIGN_INS:
        click.echo(f"  {user.email:<34} {user.password:<20} {user.description}")
    click.echo(_two_step_note())


@click.command("serve", help="Serve the app on http://127.0.0.1:5000 (for one person or a demo).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Keep 127.0.0.1 unless others must reach it.")
@click.option("--port", default=5000, type=int, show_default=True, help="The port to listen on.")
@click.option("--demo", is_flag=True, help="Print the demo sign-ins first.")
@with_appcontext
def serve(host: str, port: int, demo: bool) -> None:
    from werkzeug.serving import run_simple

    if demo:
        from .services.demo import DEMO_SIGN_INS

        click.echo(f"\nSign in at http://{host}:{port} with any of these:")
        for user in DEMO_SIGN_INS:
            click.echo(f"  {user.email:<34} password: {user.password}   ({user.description})")
        click.echo(_two_step_note() + "\n")
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


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


@click.command("demo", help="Add a large organisation for trying and measuring (see "
               "services/demo_large.py): a council funding N holders with two years of "
               "payments each.")
@click.option("--holders", type=click.IntRange(1, 20000), required=True,
              help="How many holders to add (2000 is a large council).")
@with_appcontext
def demo_command(holders: int) -> None:
    from .db import unit_of_work
    from .migrate import upgrade
    from .services.demo import DEMO_PASSWORD
    from .services.demo_large import build_large_organisation

    upgrade(_settings().database_url, engine=_engine())
    with unit_of_work(current_app.extensions["dpsupport.sessions"]) as session:
        built = build_large_organisation(session, holders)
    from .services.caseload import refresh_all

    with unit_of_work(current_app.extensions["dpsupport.sessions"]) as session:
        refresh_all(session, only_stale=True)
    click.echo(f"Added {built.holders} holders and {built.transactions} payments.")
    click.echo(f"Sign in (password {DEMO_PASSWORD}) as {built.finance_officer} (finance "
               f"officer), {built.admin} (organisation admin) or "
               f"{built.support_workers[0]} (support worker).")
    click.echo(_two_step_note())


@click.group("caseload", help="The caseload's figures for each holder.")
def caseload_group() -> None:
    pass


@caseload_group.command("refresh", help="Work out every holder's caseload figures for today "
                        "(run it every night: forecasts move with the date).")
@click.option("--stale-only", is_flag=True, help="Only holders not worked out today.")
@with_appcontext
def caseload_refresh(stale_only: bool) -> None:
    done = _refresh_caseload(only_stale=stale_only)
    click.echo(f"Worked out the caseload figures for {done} holders.")


COMMANDS = (db_group, prepare_demo, serve, check_schema, demo_command, caseload_group)


def register_commands(app: Flask) -> None:
    """The same commands under `flask --app dpsupport ...`."""
    from .cli_flags import flags_command, send_flag_emails_command
    from .cli_import import import_statement_command
    from .cli_payroll import payroll_group

    for command in (*COMMANDS, import_statement_command, payroll_group, flags_command,
                    send_flag_emails_command):
        app.cli.add_command(command)


class _Cli(click.Group):
    """The `dpsupport` command. Listing the commands (`--help`) never builds the app: only a
    command that needs it does (through `with_appcontext`), so help needs no settings."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        extra.setdefault("obj", ScriptInfo(create_app=_app_factory, set_debug_flag=False,
                                           load_dotenv_defaults=False))
        return super().make_context(info_name, args, parent, **extra)


@click.group(cls=_Cli, help="dpsupport: money and employer tasks for direct payments.")
@click.version_option(__version__, prog_name="dpsupport")
def main() -> None:
    pass


def _add_commands() -> None:
    from .cli_flags import flags_command, send_flag_emails_command
    from .cli_import import import_statement_command
    from .cli_payroll import payroll_group

    for command in (*COMMANDS, import_statement_command, payroll_group, flags_command,
                    send_flag_emails_command, shell_command, routes_command):
        main.add_command(command)


_add_commands()

if __name__ == "__main__":
    main(prog_name="dpsupport")
