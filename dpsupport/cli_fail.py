"""The one way a command says it cannot do what it was asked (see dpsupport/errors.py)."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from .errors import UserError


def fail(error: UserError | str) -> NoReturn:
    """Stop the command: one line on stderr ("dpsupport <command>: <what is wrong> <what to
    do>") and exit status 2. For a `UserError` or a plain message; never a stack trace."""
    context = click.get_current_context(silent=True)
    name = context.command_path if context is not None else "dpsupport"
    message = " ".join(str(error).split())  # one line, whatever the message holds
    click.echo(f"{name}: {message}", err=True)
    sys.exit(2)
