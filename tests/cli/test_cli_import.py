"""`dpsupport import-statement`: the same import from the command line, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.models import Account, AuditEvent, StatementImport, Transaction

from ..services.test_imports import MAY, _ofx, csv_statement
from ..support.factories import create_holder, create_org, create_user


@pytest.fixture
def setup(session: Session, tmp_path: Path):  # type: ignore[no-untyped-def]
    org = create_org(session)
    user = create_user(session, org, "support_worker", email="sam@example.org",
                       name="Sam Worker")
    holder = create_holder(session, org)
    session.commit()
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    assert account is not None and user.id
    path = tmp_path / "may.csv"
    path.write_bytes(csv_statement(MAY))
    return account.id, path


def _run(app, *args: str):  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    return runner.invoke(args=["import-statement", *args])


def _count(session: Session) -> int:
    session.rollback()  # end the test's read transaction: see what the command committed
    return session.scalar(select(func.count()).where(Transaction.source == "import")) or 0


def test_dry_run_json_lists_transactions_and_writes_nothing(app, session, setup) -> None:  # type: ignore[no-untyped-def]
    account_id, path = setup
    result = _run(app, str(path), "--account", str(account_id), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["counts"] == {"read": 5, "new": 5, "duplicates": 0, "rejected": 0}
    assert out["written"] is False and out["import_id"] is None
    assert [(t["date"], t["amount_pence"], t["description"]) for t in out["transactions"]] == [
        ("2026-05-01", 100000, "NORTHSHIRE COUNCIL DP"),
        ("2026-05-03", -45000, "A PATEL WAGES"),
        ("2026-05-03", -1250, "TESCO STORES"),
        ("2026-05-03", -1250, "TESCO STORES"),
        ("2026-05-10", -2500, "PAYROLL BUREAU LTD"),
    ]
    assert all(t["id"] is None and t["key"].startswith("fp:") for t in out["transactions"])
    assert _count(session) == 0
    assert session.scalar(select(func.count()).select_from(StatementImport)) == 0


def test_import_then_reimport(app, session, setup) -> None:  # type: ignore[no-untyped-def]
    account_id, path = setup
    first = _run(app, str(path), "--account", str(account_id), "--as-user", "sam@example.org")
    assert first.exit_code == 0, first.output
    assert "New: 5" in first.stdout and "This statement adds up" in first.stdout
    assert _count(session) == 5
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "imported"))
    assert event is not None and event.actor_name == "Sam Worker"
    second = _run(app, str(path), "--account", str(account_id), "--json")
    assert second.exit_code == 0, second.output
    out = json.loads(second.stdout)
    assert out["counts"]["new"] == 0 and out["counts"]["duplicates"] == 5
    assert out["earlier_imports"][0]["import_id"] is not None
    assert _count(session) == 5
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "imported")
                            .order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.actor_name.startswith("Command line")


def test_ofx_dry_run_reports_bank_ids(app, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    account_id, _ = setup
    path = tmp_path / "may.ofx"
    path.write_bytes(_ofx(["X1", "X2"]))
    result = _run(app, str(path), "--account", str(account_id), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [t["id"] for t in out["transactions"]] == ["X1", "X2"]
    assert [t["amount_pence"] for t in out["transactions"]] == [-125, -225]


@pytest.mark.parametrize("content, words", [
    (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "PDF"),
    (b"", "empty"),
    (b"just some words\nand more words\n", "columns"),
])
def test_unreadable_input_is_one_line_and_exit_2(app, session, setup, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 content: bytes, words: str) -> None:
    account_id, _ = setup
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    result = _run(app, str(path), "--account", str(account_id))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words.lower() in lines[0].lower()
    assert _count(session) == 0


def test_problem_lines_refuse_unless_accepted(app, session, setup) -> None:  # type: ignore[no-untyped-def]
    account_id, path = setup
    path.write_bytes(csv_statement(MAY).replace(b"03/05/2026,A PATEL", b"31/02/2026,A PATEL"))
    refused = _run(app, str(path), "--account", str(account_id))
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "31/02/2026" in refused.stderr and "--accept-problems" in refused.stderr
    assert _count(session) == 0
    accepted = _run(app, str(path), "--account", str(account_id), "--accept-problems")
    assert accepted.exit_code == 0, accepted.output
    assert "New: 4" in accepted.stdout and "Could not read: 1" in accepted.stdout
    assert _count(session) == 4


@pytest.mark.parametrize("args, words", [
    (["--account", "999999"], "no account 999999"),
    (["--profile", "not-a-bank"], "no bank layout"),
    (["--as-user", "nobody@example.org"], "no user"),
])
def test_bad_options_exit_2(app, session, setup, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    account_id, path = setup
    full = ["--account", str(account_id), *args] if args[0] != "--account" else args
    result = _run(app, str(path), *full)
    assert result.exit_code == 2
    assert words in result.stderr
    assert _count(session) == 0


def test_missing_file_exit_2(app, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    account_id, _ = setup
    result = _run(app, str(tmp_path / "nope.csv"), "--account", str(account_id))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_profile_option_reads_a_headerless_layout(app, session, setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    account_id, _ = setup
    path = tmp_path / "odd.csv"
    path.write_bytes(b"when;what;howmuch\n2026-05-01;x;10\n")
    result = _run(app, str(path), "--account", str(account_id))
    assert result.exit_code == 2 and "--profile" in result.stderr
    assert _count(session) == 0


def test_a_file_for_another_bank_account_needs_the_flag(app, session, setup,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    """Issue 11.5: refused unless --different-account is given."""
    def ofx(acctid: str, fitid: str) -> Path:
        path = tmp_path / f"statement-{fitid}.ofx"
        path.write_bytes((
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n"
            "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP\n"
            f"<BANKACCTFROM><BANKID>401234<ACCTID>{acctid}<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
            "<BANKTRANLIST>\n<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20260901\n<TRNAMT>-12.34\n"
            f"<FITID>{fitid}\n<NAME>TESCO\n</STMTTRN>\n</BANKTRANLIST>\n"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode())
        return path

    account_id = setup[0]
    assert _run(app, str(ofx("12345678", "A")), "--account", str(account_id)).exit_code == 0
    refused = _run(app, str(ofx("87654321", "B")), "--account", str(account_id))
    assert refused.exit_code == 2
    assert "ending 4321" in refused.output and "--different-account" in refused.output
    assert "87654321" not in refused.output
    done = _run(app, str(ofx("87654321", "B")), "--account", str(account_id),
                "--different-account")
    assert done.exit_code == 0, done.output
