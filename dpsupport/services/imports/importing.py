"""Checking a statement (what would importing it do?) and importing it, within the
caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Account, StatementImport, Transaction
from ...statements import (
    ColumnMapping,
    Problem,
    Statement,
    StatementError,
    iter_statement,
)
from ...statements import Transaction as Line
from ...statements.balances import BalanceTracker
from ...text import plural
from .. import audit
from .balance import compare_balance
from .errors import ImportRefused, NeedsMapping
from .scan import balance_check, scan
from .summary import ImportSummary, Limits, format_label

# --- reading ----------------------------------------------------------------------------------

def _read(data: bytes, filename: str, account: Account, profile: str | None,
          mapping: ColumnMapping | None, limits: Limits) -> tuple[Statement, bool] | NeedsMapping:
    """Open the statement; use the account's remembered column choices when we must.

    Returns the statement and whether the remembered choices were used, or NeedsMapping
    when we cannot tell which column is which. The size and row limits are the reader's own
    (it says so in plain English)."""
    remembered = False
    try:
        st = iter_statement(data, filename, profile=profile, mapping=mapping,
                            max_rows=limits.max_rows, max_bytes=limits.max_bytes)
    except StatementError as exc:
        raise ImportRefused(exc.message) from None
    if st.needs_mapping and mapping is None and profile is None and account.csv_mapping:
        try:
            saved = ColumnMapping.from_dict(json.loads(account.csv_mapping))
            again = iter_statement(data, filename, mapping=saved,
                                   max_rows=limits.max_rows, max_bytes=limits.max_bytes)
        except (StatementError, ValueError, KeyError, TypeError):
            again = None  # the remembered choices do not fit this file: ask again
        if again is not None and not again.needs_mapping:
            again.notices.insert(0, "We used the column choices you made last time for "
                                    "this account.")
            st, remembered = again, True
    if st.needs_mapping:
        return NeedsMapping(st.preview, st.format)
    return st, remembered


def _must_read(data: bytes, filename: str, account: Account, profile: str | None,
               mapping: ColumnMapping | None, limits: Limits) -> tuple[Statement, bool]:
    """`_read` for an import: a file whose columns are unknown cannot be imported."""
    opened = _read(data, filename, account, profile, mapping, limits)
    if isinstance(opened, NeedsMapping):
        raise ImportRefused(opened.reason, needs_mapping=True,
                            next_step="Choose which column is which first.")
    return opened


def _bank_account(st: Statement) -> tuple[str | None, str | None]:
    """(reference, last four digits) of the bank account the statement names, if any.

    The reference is a SHA-256 of the sort code (or OFX BANKID) and the account number (or
    ACCTID), digits only: it tells accounts apart without keeping their numbers. A number
    the bank has masked ("****1234") gives its last four digits only."""
    if not st.accounts:
        return None, None
    info = st.accounts[0]
    number = info.account_number or info.acctid or ""
    bank = info.sort_code or info.bank_id or ""
    if info.account_number and not info.sort_code and " " in number.strip():
        bank, _, number = number.strip().rpartition(" ")  # "99-88-74 1515152252"
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 4:
        return None, None
    if any(ch in number for ch in "*xX#"):
        return None, digits[-4:]
    bank_digits = "".join(ch for ch in bank if ch.isdigit())
    ref = hashlib.sha256(f"{bank_digits}|{digits}".encode()).hexdigest()
    return ref, digits[-4:]


def _other_account(account: Account, st: Statement) -> str:
    """The question to ask when the statement names a bank account other than the one this
    account's statements have named before; "" when it does not (or we cannot tell)."""
    ref, last4 = _bank_account(st)
    if last4 is None or account.statement_last4 is None:
        return ""
    differs = last4 != account.statement_last4 or (
        ref is not None and account.statement_ref is not None and ref != account.statement_ref)
    if not differs:
        return ""
    same_end = last4 == account.statement_last4
    theirs = "another account" if same_end else f"the account ending {last4}"
    return (f"This statement is for {theirs}, but the statements you imported into "
            f"{account.name} before were for the account ending {account.statement_last4}. "
            "Check this is the right statement for this account.")


def _remember_account(account: Account, st: Statement) -> None:
    """The first statement naming a bank account says which one this account is."""
    if account.statement_last4 is not None:
        return
    ref, last4 = _bank_account(st)
    if last4 is not None:
        account.statement_ref, account.statement_last4 = ref, last4


def lock_account(session: Session, account: Account) -> None:
    """Let one import at a time into ``account``: until this transaction ends, another
    import into it waits here, then sees every line this one added.

    Without it, two imports of the same period at the same moment on PostgreSQL (an OFX,
    keyed by the bank's ids, and a CSV, keyed by fingerprints) each found nothing there yet
    and both added every payment: the unique index cannot help when the keys differ.
    (SQLite needs nothing: a writing transaction there already holds the one write lock.)
    """
    session.execute(select(Account.id).where(Account.id == account.id).with_for_update())


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _earlier(session: Session, account: Account, sha: str) -> list[tuple[int, datetime]]:
    rows = session.execute(
        select(StatementImport.id, StatementImport.uploaded_at).where(
            StatementImport.account_id == account.id, StatementImport.file_sha256 == sha,
            StatementImport.status == "imported").order_by(StatementImport.id)
    )
    return [(i, at) for i, at in rows]


def _new_summary(session: Session, account: Account, data: bytes, filename: str,
                 st: Statement, remembered: bool) -> ImportSummary:
    sha = file_sha256(data)
    return ImportSummary(filename=filename, sha256=sha, format=st.format,
                         format_label=format_label(st.format), account_id=account.id,
                         earlier_imports=_earlier(session, account, sha), mapping=st.mapping,
                         remembered_mapping=remembered)


# --- public API ---------------------------------------------------------------------------------

def preview(session: Session, account: Account, data: bytes, filename: str, *,
            profile: str | None = None, mapping: ColumnMapping | None = None,
            limits: Limits = Limits(),
            on_line: Callable[[Line, str, bool], None] | None = None
            ) -> ImportSummary | NeedsMapping:
    """Read the statement and say what importing it would do. Writes nothing.

    Returns NeedsMapping when someone must say which column is which; raises ImportRefused
    when the file cannot be used.
    """
    opened = _read(data, filename, account, profile, mapping, limits)
    if isinstance(opened, NeedsMapping):
        return opened
    st, remembered = opened
    summary = _new_summary(session, account, data, filename, st, remembered)
    try:
        st, tracker = scan(session, account, summary, st,
                            lambda: _must_read(data, filename, account, profile, mapping, limits)[0],
                            write=False, on_line=on_line)
    except StatementError as exc:
        raise ImportRefused(exc.message) from None
    _finish(summary, st, tracker)
    summary.other_account = _other_account(account, st)
    closing = _closing(st, summary, tracker)
    if closing is not None:
        summary.balance_note = compare_balance(
            session, account, closing[0], closing[1], statement_from=summary.date_from,
            still_to_add=summary.new_in_pence - summary.new_out_pence)
    return summary


def _closing(st: Statement, summary: ImportSummary, tracker: BalanceTracker
             ) -> tuple[date, int] | None:
    """(day, pence) of the statement's closing balance, when it gives one."""
    bal = st.closing_balance or st.ledger_balance
    if bal is not None:
        on = bal.as_of or summary.date_to
        return (on, bal.amount_pence) if on is not None else None
    check = summary.balance_check
    if check is None or check.order is None or summary.date_to is None:
        return None
    # running balances all through: the closing one is on the newest line
    newest = tracker._prev if check.order == "oldest-first" else tracker._first  # noqa: SLF001
    if newest is None or newest.balance_pence is None:
        return None
    return summary.date_to, newest.balance_pence


def import_statement(session: Session, account: Account, data: bytes, filename: str, *,
                     profile: str | None = None, mapping: ColumnMapping | None = None,
                     accept_problems: bool = False, remember_mapping: bool = False,
                     different_account: bool = False, limits: Limits = Limits(),
                     on_line: Callable[[Line, str, bool], None] | None = None
                     ) -> ImportSummary:
    """Import the statement into ``account`` within the caller's transaction.

    On ImportRefused (or any error) the caller must roll back; nothing is then written.
    A statement naming another bank account than the account's earlier statements did is
    refused unless ``different_account`` says the person has seen that and goes ahead.
    """
    st, remembered = _must_read(data, filename, account, profile, mapping, limits)
    lock_account(session, account)
    summary = _new_summary(session, account, data, filename, st, remembered)
    actor = audit.current_actor()
    record = StatementImport(
        account_id=account.id, holder_id=account.holder_id, uploaded_by_id=actor.user_id,
        filename=filename[:255], file_sha256=summary.sha256, file_format=st.format[:40],
        status="imported")
    session.add(record)
    session.flush()
    try:
        st, tracker = scan(session, account, summary, st,
                            lambda: _must_read(data, filename, account, profile, mapping, limits)[0],
                            write=True, import_id=record.id, user_id=actor.user_id,
                            on_line=on_line)
    except StatementError as exc:
        raise ImportRefused(exc.message) from None
    _finish(summary, st, tracker)
    if summary.read_count == 0:
        raise ImportRefused("We could not find any payments in this file, so there is "
                            "nothing to import.", summary.problems)
    if summary.problems and not accept_problems:
        raise ImportRefused(_problem_message(summary.problems), summary.problems,
                            can_accept=True)
    summary.other_account = _other_account(account, st)
    if summary.other_account and not different_account:
        raise ImportRefused(summary.other_account, field="different_account",
                            next_step="Nothing has been imported.")
    _remember_account(account, st)
    closing = _closing(st, summary, tracker)
    if closing is not None:
        record.closing_date, record.closing_balance_pence = closing
    # What really went in: another import of the same lines at the same moment may have
    # won the race for some of them (they are then "already here").
    added = session.scalar(select(func.count()).where(Transaction.import_id == record.id)) or 0
    summary.duplicate_count += summary.new_count - added
    summary.new_count = added
    record.statement_start = summary.date_from
    record.statement_end = summary.date_to
    record.new_count = summary.new_count
    record.duplicate_count = summary.duplicate_count
    record.rejected_count = len(summary.problems)
    record.problems = json.dumps([{"line": p.line, "reason": p.reason}
                                  for p in summary.problems]) if summary.problems else None
    record.balance_check = summary.balance_check.message if summary.balance_check else None
    if remember_mapping and summary.mapping is not None and st.format.startswith(
            ("csv", "xlsx")):
        account.csv_mapping = json.dumps(summary.mapping.to_dict(), sort_keys=True)
    summary.import_id = record.id
    summary.written = True
    session.flush()
    from ..records import flags_later  # flags are worked out again as the import ends

    flags_later(session, account.holder_id)
    audit.record(session, "imported", "statement_import", entity_id=str(record.id),
                 holder_id=account.holder_id,
                 summary=f"Imported {filename[:80]}: {summary.sentence()}")
    return summary


def _finish(summary: ImportSummary, st: Statement, tracker: BalanceTracker) -> None:
    summary.problems = list(st.problems)
    summary.notices = list(st.notices)
    summary.mapping = st.mapping or summary.mapping
    summary.balance_check = balance_check(st, tracker) if summary.read_count else None


def _problem_message(problems: list[Problem]) -> str:
    first = problems[0].reason.rstrip(".")
    more = f" (and {plural(len(problems) - 1, 'other line')})" if len(problems) > 1 else ""
    return (f"We could not read {plural(len(problems), 'line')} of this file. {first}{more}. "
            "Nothing has been imported.")
