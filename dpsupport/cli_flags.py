"""`dpsupport flags --holder ID [--json]`: a holder's open flags, for organisations and checks.

The flags are worked out again first (in one transaction, recorded as the command line), so
the list is as of today. Each flag is shown as staff read it (the holder's name, not "you"),
with its code, severity, status, title and evidence: for each payment its date, amount in
pence and description. Flags hidden from the holder are listed too, and say so. Exit status
0; 2 with one line on stderr for a holder that does not exist.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from .cli_fail import fail


def _payload(holder_id: int, views: list[Any]) -> dict[str, Any]:
    shown = []
    for view in views:
        flag = view.flag
        shown.append({
            "id": flag.id, "code": flag.code, "severity": flag.severity,
            "status": flag.status, "title": view.title,
            "hidden_from_holder": flag.hidden_from_holder,
            "amount_pence": flag.amount_pence,
            "evidence": {
                "transactions": [{"id": t.id, "date": t.date.isoformat(),
                                  "amount_pence": t.amount_pence,
                                  "description": t.description or t.payee or ""}
                                 for t in view.transactions],
                "records": [{"kind": kind, "id": value} for kind, value in view.records],
            }})
    return {"holder": holder_id, "flags": shown}


@click.command("flags", help="List a holder's open flags (questions about their money).")
@click.option("--holder", "holder_id", type=int, required=True, help="The holder's id.")
@click.option("--json", "as_json", is_flag=True, help="Print the flags as JSON.")
@with_appcontext
def flags_command(holder_id: int, as_json: bool) -> None:
    from .db import writing
    from .services import audit, flags
    from .services.records import Holder

    factory = current_app.extensions["dpsupport.sessions"]
    with writing(), factory() as session:
        holder = session.get(Holder, holder_id)
        if holder is None:
            fail(f"there is no holder {holder_id}.")
        with audit.acting_as(audit.Actor(None, f"Command line ({getpass.getuser()})")):
            flags.refresh(session, holder)
            session.commit()
        views = flags.flags_for(session, holder, for_holder=False)
        payload = _payload(holder_id, views)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not payload["flags"]:
        click.echo(f"No open flags for holder {holder_id}.")
        return
    for item in payload["flags"]:
        hidden = " (hidden from the holder)" if item["hidden_from_holder"] else ""
        click.echo(f"[{item['severity']}] {item['code']} ({item['status']}){hidden}: "
                   f"{item['title']}")
        for t in item["evidence"]["transactions"]:
            click.echo(f"    {t['date']}  {t['amount_pence']:>10}  {t['description']}")


@click.command("send-flag-emails",
               help="Email people about new questions about money, as each chose (run it "
                    "every few minutes: daily and weekly emails still go once a day or week).")
@with_appcontext
def send_flag_emails_command() -> None:
    from .db import writing
    from .errors import UserError
    from .services.notices import mail_settings, send_notices

    settings = current_app.config["DPSUPPORT"]
    try:
        mail = mail_settings(settings.mode, settings.instance_path)
    except UserError as err:
        fail(err)
    factory = current_app.extensions["dpsupport.sessions"]
    with writing(), factory() as session:
        sent = send_notices(session, mail)
    click.echo(f"Sent {sent} email{'' if sent == 1 else 's'}.")
