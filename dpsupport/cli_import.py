"""`dpsupport import-statement`: bulk statement imports for organisations.

Prints the same summary as the web page. Exit status 0 on success; 2 with one clear line on
stderr when the file (or the command) cannot be used; nothing is written unless the whole
import succeeds.
"""

from __future__ import annotations

import getpass
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .cli_fail import fail
from .statements import Transaction as Line
from .statements import profile_names
from .text import format_pence, long_date


def _human(summary: Any, dry_run: bool) -> list[str]:
    span = ""
    if summary.date_from:
        span = (f", {summary.date_from:%d/%m/%Y} to {summary.date_to:%d/%m/%Y}")
    lines = [
        f"File: {summary.filename} ({summary.format_label}{span})",
        f"Lines read: {summary.read_count:,}",
        f"New: {summary.new_count:,}",
        f"Already in this account (skipped): {summary.duplicate_count:,}",
        f"Could not read: {summary.rejected_count:,}",
        f"Money in: {format_pence(summary.money_in_pence)}; "
        f"money out: {format_pence(summary.money_out_pence)}",
    ]
    for p in summary.problems[:20]:
        lines.append(f"  Not read: {p.reason}")
    if summary.balance_check is not None:
        lines.append(summary.balance_check.message)
    lines.extend(summary.notices)
    if summary.sorted_like_before:
        lines.append(summary.sorting_sentence())
    for import_id, when in summary.earlier_imports:
        lines.append(f"This file was imported before, on {long_date(when)} "
                     f"(import {import_id}).")
    if dry_run:
        lines.append("Dry run: nothing was written.")
    else:
        lines.append(f"Imported as import {summary.import_id}. "
                     f"Undo it from the holder's Bank statements page if it was a mistake.")
    return lines


class _JsonLines:
    """Streams the normalised transactions as a JSON array, one line each."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def __call__(self, rec: Line, key: str, duplicate: bool) -> None:
        self.out.write(",\n" if self.count else "\n")
        self.count += 1
        self.out.write(json.dumps({
            "line": rec.line, "date": rec.posted.isoformat(), "amount_pence": rec.amount_pence,
            "description": rec.description, "payee": rec.payee, "reference": rec.reference,
            "id": rec.bank_id, "balance_pence": rec.balance_pence, "key": key,
            "duplicate": duplicate,
        }, ensure_ascii=False))


@click.command("import-statement",
               help="Import a bank statement (OFX, QFX, QIF, CSV, Excel, Santander text) into "
                    "an account.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--account", "account_id", type=int, required=True,
              help="The account's id (on the holder's Bank statements page, under 'Importing from the command line', for people who may import).")
@click.option("--profile", default=None,
              help="A bank layout for CSV/Excel files, one of: "
                   + ", ".join(sorted(name.removeprefix("csv:") for name in profile_names()))
                   + ".")
@click.option("--dry-run", is_flag=True, help="Read and check only: write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--accept-problems", is_flag=True,
              help="Import the readable lines even if some lines cannot be read.")
@click.option("--different-account", is_flag=True,
              help="Import even if the file names another bank account than this account's "
                   "earlier statements did.")
@click.option("--as-user", "as_user", default=None,
              help="Record the import under this user's email (default: the command line).")
@with_appcontext
def import_statement_command(file: Path, account_id: int, profile: str | None, dry_run: bool,
                             as_json: bool, accept_problems: bool, different_account: bool,
                             as_user: str | None) -> None:
    from .db import writing
    from .errors import UserError
    from .models import User
    from .services import audit, imports

    if profile and f"csv:{profile.split(':', 1)[-1]}" not in profile_names():
        fail(f"there is no bank layout called '{profile}'. Known layouts: "
              + ", ".join(sorted(n.split(":", 1)[1] for n in profile_names())) + ".")
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}.")
    factory = current_app.extensions["dpsupport.sessions"]
    settings = current_app.config["DPSUPPORT"]
    limits = imports.Limits(max_bytes=max(settings.max_upload_bytes, imports.MAX_BYTES))
    stream = _JsonLines(sys.stdout) if (as_json and dry_run) else None
    try:
        with nullcontext() if dry_run else writing(), factory() as session:
            # a dry run's session is closed without committing: nothing it did is kept
            account = imports.flows.account_by_id(session, account_id)
            if account is None:
                fail(f"there is no account {account_id}.")
            actor = audit.Actor(None, f"Command line ({getpass.getuser()})")
            if as_user:
                user = session.scalar(select(User).where(User.email == as_user.lower()))
                if user is None:
                    fail(f"there is no user with the email {as_user}.")
                actor = audit.Actor(user.id, user.name)
            if stream is not None:
                sys.stdout.write('{"transactions": [')
            with audit.acting_as(actor):
                if dry_run:
                    checked = imports.preview(session, account, data, file.name,
                                              profile=profile, limits=limits, on_line=stream)
                    if isinstance(checked, imports.NeedsMapping):
                        raise imports.ImportRefused(checked.reason, needs_mapping=True)
                    summary = checked
                else:
                    summary = imports.flows.import_file(
                        session, account, data, file.name, profile=profile, limits=limits,
                        accept_problems=accept_problems, different_account=different_account)
    except UserError as exc:
        if stream is not None:
            sys.stdout.write("]}\n")
        fail(f"{file.name}: {_advice(exc)}")
    if as_json:
        payload = summary.to_json()
        if stream is not None:
            sys.stdout.write("\n], ")
            sys.stdout.write(json.dumps(payload, ensure_ascii=False)[1:])
            sys.stdout.write("\n")
        else:
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_human(summary, dry_run)))


def _advice(exc: Any) -> str:
    """The refusal, with what to do about it on the command line."""
    message = exc.message
    if getattr(exc, "needs_mapping", False):
        return (f"{message} Give --profile, or import it once in the web page to choose "
                "the columns (they are then remembered for this account).")
    if getattr(exc, "field", None) == "different_account":
        return f"{message} Use --different-account to import it anyway."
    if getattr(exc, "can_accept", False):
        return f"{message} Use --accept-problems to import the other lines."
    return str(exc)
