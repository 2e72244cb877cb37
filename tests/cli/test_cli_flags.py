"""`dpsupport flags --holder ID [--json]`: the open flags with code, severity, title and
evidence (date, amount in pence, description); exit 2 and one line for an unknown holder."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from dpsupport.models import Flag, Transaction
from dpsupport.services import flags

from ..support.factories import holder_with_account


def _run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["flags", *args])


def _setup(session):  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    session.add(Transaction(holder_id=h.holder.id, account_id=h.account.id,
                            date=date(2026, 5, 3), amount_pence=-4000, payee="Cash machine",
                            description="LINK 14:32 03MAY"))
    session.commit()
    return h


def test_json_lists_open_flags_with_their_evidence(app, session) -> None:  # type: ignore[no-untyped-def]
    h = _setup(session)
    result = _run(app, "--holder", str(h.holder.id), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["holder"] == h.holder.id
    [cash] = [f for f in payload["flags"] if f["code"] == "cash_withdrawal"]
    assert cash["severity"] == "attention" and cash["status"] == "open"
    assert cash["title"] == "£40.00 cash taken out on 3 May 2026: what was it for?"
    assert [(t["date"], t["amount_pence"], t["description"])
            for t in cash["evidence"]["transactions"]] == [
        ("2026-05-03", -4000, "LINK 14:32 03MAY")]
    # the flags were kept, and a resolved one is not listed
    session.rollback()
    row = session.scalar(select(Flag).where(Flag.code == "cash_withdrawal"))
    assert row is not None
    view = flags.flag_for(session, h.holder, row.id, for_holder=False)
    assert view is not None
    flags.resolve(session, h.holder, view, "Seen the receipt")
    again = json.loads(_run(app, "--holder", str(h.holder.id), "--json").stdout)
    assert "cash_withdrawal" not in [f["code"] for f in again["flags"]]


def test_plain_output_names_code_severity_and_evidence(app, session) -> None:  # type: ignore[no-untyped-def]
    h = _setup(session)
    result = _run(app, "--holder", str(h.holder.id))
    assert result.exit_code == 0
    assert "[attention] cash_withdrawal (open): £40.00 cash taken out" in result.stdout
    assert "2026-05-03       -4000  LINK 14:32 03MAY" in result.stdout


def test_an_unknown_holder_is_one_line_and_exit_2(app, session) -> None:  # type: ignore[no-untyped-def]
    result = _run(app, "--holder", "999999")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("flags: there is no holder 999999.")


def test_send_flag_emails_writes_mail_files_in_test_mode(app, session) -> None:  # type: ignore[no-untyped-def]
    h = _setup(session)
    flags.refresh(session, h.holder)
    session.commit()
    result = app.test_cli_runner().invoke(args=["send-flag-emails"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Sent 1 email."  # the support worker
    folder = app.config["DPSUPPORT"].instance_path / "mail"
    assert len(list(folder.glob("*.eml"))) == 1
    again = app.test_cli_runner().invoke(args=["send-flag-emails"])
    assert again.stdout.strip() == "Sent 0 emails."
