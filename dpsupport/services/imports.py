"""Importing a bank statement into a holder's account: preview, import, undo.

The reading is done by `dpsupport.statements` (pure Python); this module decides what is
new, writes it, and keeps the record of every import.

How an import stays trustworthy
-------------------------------
* **All or nothing.** Everything happens in the caller's transaction (the web layer's unit
  of work, or the CLI's). A statement with lines we cannot read is refused whole, naming
  the lines, unless the person has seen them and chosen to import the rest
  (``accept_problems``). Any error rolls the whole import back.
* **Never twice.** Each line gets a key (the bank's id when the file's ids are reliable,
  otherwise a fingerprint of date, amount, description and occurrence number: see
  `dpsupport.statements.dedupe`). A line is "already here" when its key or its fingerprint
  matches a line already in the account. The database's unique index on
  (account, key) is the final word: rows are inserted with ON CONFLICT DO NOTHING, so two
  imports of the same file at the same moment still add each line once.
* **Streaming.** Lines are read, checked and written in chunks, so a 100,000-line file is
  never held as 100,000 objects. Bank ids are trusted optimistically; if a later line turns
  out to lack an id or repeat one, the chunked work is rolled back to a savepoint and the
  file is read again using fingerprints only.
* **Recorded and undoable.** A `StatementImport` row says who, when, which file (name and
  SHA-256), and the counts; the audit trail gets a one-line summary. Undo removes every
  line the import added, as one change.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from operator import attrgetter
from typing import Any

from sqlalchemy import String, any_, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Account, Attachment, PendingUpload, StatementImport, Transaction
from ..models.base import utcnow
from ..statements import (
    MAX_BYTES,
    BalanceCheck,
    ColumnMapping,
    MappingPreview,
    Problem,
    Statement,
    StatementError,
    iter_statement,
    profile_names,
)
from ..statements import Transaction as Line
from ..statements.balances import BalanceTracker
from ..statements.dedupe import KeyStream, id_key
from ..text import format_pence, plural
from . import audit
from .sorting import payee_key, sorted_before

MAX_ROWS = 200_000
CHUNK = 1000
PREVIEW_ROWS = 10
PENDING_LIFETIME = timedelta(days=1)

FORMAT_LABELS = {
    "ofx": "OFX (Money) file",
    "qfx": "Quicken (QFX) file",
    "qif": "QIF file",
    "santander-txt": "Santander text statement",
    "xlsx": "Excel spreadsheet",
    "csv": "CSV (spreadsheet) file",
}


class ImportRefused(UserError):
    """The statement cannot be imported as it is. ``message`` is for the person importing."""

    def __init__(self, message: str, problems: list[Problem] | None = None, *,
                 can_accept: bool = False) -> None:
        super().__init__(message)
        self.problems = problems or []
        # True when importing the readable lines is possible (accept_problems=True).
        self.can_accept = can_accept


class NeedsMapping(Exception):
    """We cannot tell which column is which: ask the person, showing ``preview``."""

    def __init__(self, preview: MappingPreview | None, fmt: str) -> None:
        super().__init__("Please tell us which column holds what.")
        self.preview = preview
        self.format = fmt


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS


@dataclass(frozen=True)
class PreviewRow:
    line: int
    posted: date
    amount_pence: int
    description: str
    payee: str
    duplicate: bool
    entered_by_hand: bool = False  # same date and amount as a payment typed in by hand
    category: str | None = None  # a new payment sorted like earlier ones (sorted_before)


@dataclass
class ImportSummary:
    """What an import (or a dry run) found and did. Every count is exact."""

    filename: str
    sha256: str
    format: str
    format_label: str
    account_id: int
    read_count: int = 0
    new_count: int = 0
    duplicate_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    money_in_pence: int = 0
    money_out_pence: int = 0
    new_in_pence: int = 0
    new_out_pence: int = 0
    balance_check: BalanceCheck | None = None
    first_rows: list[PreviewRow] = field(default_factory=list)
    hand_matches: int = 0
    # new payments given the category (and plan line) of the latest sorted payment in this
    # account to the same payee, in the same direction: see sorting.sorted_before
    sorted_like_before: int = 0
    earlier_imports: list[tuple[int, datetime]] = field(default_factory=list)  # (id, when)
    remembered_mapping: bool = False  # read with the column choices saved for the account
    used_bank_ids: bool = False
    mapping: ColumnMapping | None = None
    import_id: int | None = None
    written: bool = False

    @property
    def rejected_count(self) -> int:
        return len(self.problems)

    def sorting_sentence(self) -> str:
        """What was (or would be) sorted like earlier payments; empty if nothing."""
        if not self.sorted_like_before:
            return ""
        n = self.sorted_like_before
        verb = ("was" if n == 1 else "were") if self.written else "will be"
        return (f"{plural(n, 'new payment')} {verb} sorted the same way as your earlier "
                "payments to or from the same people. You can change any of them.")

    def sentence(self) -> str:
        """One plain sentence: what was (or would be) added."""
        verb = "Added" if self.written else "This would add"
        parts = [f"{verb} {plural(self.new_count, 'new payment')}"]
        if self.duplicate_count:
            parts.append(f"{plural(self.duplicate_count, 'line')} already in this account "
                         f"{'was' if self.duplicate_count == 1 else 'were'} skipped"
                         if self.written else
                         f"{plural(self.duplicate_count, 'line')} already in this account "
                         "would be skipped")
        if self.problems:
            parts.append(f"{plural(len(self.problems), 'line')} could not be read")
        return "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "format": self.format,
            "account_id": self.account_id,
            "import_id": self.import_id,
            "written": self.written,
            "counts": {"read": self.read_count, "new": self.new_count,
                       "duplicates": self.duplicate_count, "rejected": self.rejected_count},
            "sorted_like_before": self.sorted_like_before,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "money_in_pence": self.money_in_pence,
            "money_out_pence": self.money_out_pence,
            "balance_check": None if self.balance_check is None else {
                "adds_up": self.balance_check.adds_up,
                "message": self.balance_check.message,
                "difference_pence": self.balance_check.difference_pence,
            },
            "problems": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "notices": list(self.notices),
            "earlier_imports": [{"import_id": i, "at": at.isoformat()}
                                for i, at in self.earlier_imports],
        }


def format_label(fmt: str) -> str:
    base, _, profile = fmt.partition(":")
    if base in ("csv", "xlsx") and profile and profile != "needs-mapping":
        label = profile_names().get(f"csv:{profile}")
        if label:
            # "in the layout" rather than the bank's name alone: several banks share a
            # layout, and a holder with another bank must not think we got theirs wrong
            return f"{'Excel' if base == 'xlsx' else 'CSV'} file in the {label} layout"
    return FORMAT_LABELS.get(base, fmt)


# --- reading ----------------------------------------------------------------------------------

def _read(data: bytes, filename: str, account: Account, profile: str | None,
          mapping: ColumnMapping | None, limits: Limits) -> tuple[Statement, bool]:
    """Open the statement; use the account's remembered column choices when we must.

    Returns the statement and whether the remembered choices were used. The size and row
    limits are the reader's own (it says so in plain English)."""
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
        raise NeedsMapping(st.preview, st.format)
    return st, remembered


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the core: one pass over the lines --------------------------------------------------------

class _IdsUnreliable(Exception):
    """A line without a bank id, or with a repeated one: use fingerprints instead."""


@dataclass
class _Pass:
    session: Session
    account: Account
    summary: ImportSummary
    use_ids: bool
    write: bool
    import_id: int | None = None
    user_id: int | None = None
    on_line: Callable[[Line, str, bool], None] | None = None
    tracker: BalanceTracker = field(default_factory=BalanceTracker)
    known_range: tuple[date, date] | None = None


_ACCOUNT_INDEX = attrgetter("account_index")


def _chunks(records: Iterator[Line]) -> Iterator[list[Line]]:
    while chunk := list(islice(records, CHUNK)):
        yield chunk


def _keyed_chunks(p: _Pass, records: Iterator[Line]
                  ) -> Iterator[tuple[list[Line], list[str], list[str]]]:
    """Chunks of (lines, keys, fingerprints): the same keys as `record_keys` would give."""
    scope = f"account-{p.account.id}"
    keys = KeyStream(scope)
    track = p.tracker.add_many
    for chunk in _chunks(records):
        track(chunk)
        fps = keys.add_many(chunk)
        if p.use_ids:
            if not keys.ids_reliable():
                raise _IdsUnreliable
            yield chunk, [id_key(scope, r.bank_id) for r in chunk], fps  # type: ignore[arg-type]
        else:
            yield chunk, fps, fps


def _known_range(session: Session, account_id: int) -> tuple[date, date] | None:
    lo, hi = session.execute(
        select(func.min(Transaction.date), func.max(Transaction.date))
        .where(Transaction.account_id == account_id, Transaction.dedupe_key.is_not(None))
    ).one()
    return (lo, hi) if lo is not None else None


def _existing(p: _Pass, lo: date, hi: date, keys: list[str], fps: list[str]
              ) -> tuple[set[str], set[str]]:
    """Keys and fingerprints of this chunk (dated ``lo`` to ``hi``) that the account
    already holds.

    A line keyed by its fingerprint stores it only as its key (the fingerprint column is
    filled only for lines keyed by a bank id), so: one query on the (account, key) index
    for both the keys and the fingerprints, one on the (account, fingerprint) index."""
    if p.known_range is None or hi < p.known_range[0] or lo > p.known_range[1]:
        return set(), set()
    wanted = list(set(keys) | set(fps))
    account_id = p.account.id
    found_keys = set(p.session.scalars(select(Transaction.dedupe_key).where(
        Transaction.account_id == account_id, _one_of(p, Transaction.dedupe_key, wanted))))
    found_fps = set(p.session.scalars(select(Transaction.fingerprint).where(
        Transaction.account_id == account_id, _one_of(p, Transaction.fingerprint, fps))))
    return found_keys, found_fps  # type: ignore[return-value]


def _one_of(p: _Pass, column: Any, values: list[str]) -> Any:
    """``column IN values``. On PostgreSQL as ``= ANY(array)``: one parameter instead of a
    thousand or two, which the driver and the server handle many times faster."""
    if p.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(values)


def _typed_by_hand(p: _Pass, lo: date, hi: date) -> set[tuple[date, int]]:
    """(date, amount) of payments typed in by hand on the chunk's dates: possible doubles."""
    rows = p.session.execute(
        select(Transaction.date, Transaction.amount_pence).where(
            Transaction.holder_id == p.account.holder_id,
            Transaction.account_id == p.account.id, Transaction.dedupe_key.is_(None),
            Transaction.date >= lo, Transaction.date <= hi)
    )
    return {(d, a) for d, a in rows}


def _has_hand_entries(session: Session, account_id: int) -> bool:
    return session.scalar(select(Transaction.id).where(
        Transaction.account_id == account_id, Transaction.dedupe_key.is_(None)).limit(1)
    ) is not None


# The columns an imported line fills, in the order of the tuples handed to the driver.
_COLUMNS = ("holder_id", "account_id", "date", "amount_pence", "payee", "description",
            "source", "import_id", "dedupe_key", "fingerprint", "bank_transaction_id",
            "running_balance_pence", "raw", "created_at", "created_by_id", "category",
            "budget_line_id")


class _Writer:
    """Inserts lines in chunks straight through the database driver.

    A statement import is the one bulk write in the app: 100,000 lines through the ORM
    would take many seconds, so the rows go to the driver's executemany as plain tuples.
    Dates and times are turned into text the way SQLAlchemy stores them on SQLite;
    PostgreSQL's driver takes them as they are. ON CONFLICT DO NOTHING on the unique
    (account, key) index makes a line that another import has just written a no-op.
    (On PostgreSQL, COPY into a temporary table and one INSERT ... SELECT per chunk was
    tried: about 10% faster, as the server's own work per row (four indexes, three
    foreign-key checks) dominates, so not worth a second way of writing.)
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.sqlite = dialect.name == "sqlite"
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        conflict = (" ON CONFLICT (account_id, dedupe_key) DO NOTHING"
                    if dialect.name in ("sqlite", "postgresql") else "")
        self.sql = (f"INSERT INTO money_transaction ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join([mark] * len(_COLUMNS))}){conflict}")

    def stamp(self, value: datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.connection.exec_driver_sql(self.sql, rows)


def _run(p: _Pass, records: Iterator[Line]) -> None:
    """Check and write the lines a chunk at a time. The loop over a chunk's lines is the
    hot path of a large import, so it keeps its running totals in local variables and
    hands them to the summary once per chunk."""
    s = p.summary
    session = p.session
    p.known_range = _known_range(session, p.account.id)
    check_hand = _has_hand_entries(session, p.account.id)
    sorted_like = sorted_before(session, p.account.id)
    no_sorting = (None, None)
    writer = _Writer(session) if p.write else None
    holder_id, account_id = p.account.holder_id, p.account.id
    import_id, user_id = p.import_id, p.user_id
    on_line = p.on_line
    now = writer.stamp(utcnow()) if writer is not None else None
    as_text = writer is not None and writer.sqlite  # SQLite stores dates as ISO text
    day_text: dict[date, str] = {}
    for chunk, keys, fps in _keyed_chunks(p, records):
        posted_all = [r.posted for r in chunk]
        lo, hi = min(posted_all), max(posted_all)
        if s.date_from is None or lo < s.date_from:
            s.date_from = lo
        if s.date_to is None or hi > s.date_to:
            s.date_to = hi
        if any(map(_ACCOUNT_INDEX, chunk)):
            raise ImportRefused("This file holds statements for more than one account. "
                                "Please download one account at a time.")
        found_keys, found_fps = _existing(p, lo, hi, keys, fps)
        any_found = bool(found_keys or found_fps)
        by_hand = _typed_by_hand(p, lo, hi) if check_hand else set()
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        money_in = money_out = new_in = new_out = dups = resorted = 0
        for rec, key, fp in zip(chunk, keys, fps, strict=True):
            amount = rec.amount_pence
            if amount >= 0:
                money_in += amount
            else:
                money_out -= amount
            dup = any_found and (key in found_keys or fp in found_keys or fp in found_fps)
            sorting = no_sorting
            if sorted_like and not dup:
                sorting = sorted_like.get(payee_key(rec.payee, rec.description, amount),
                                          no_sorting)
            if by_hand or len(s.first_rows) < PREVIEW_ROWS:
                hand = not dup and (rec.posted, amount) in by_hand
                s.hand_matches += hand
                if len(s.first_rows) < PREVIEW_ROWS:
                    s.first_rows.append(PreviewRow(rec.line, rec.posted, amount,
                                                   rec.description, rec.payee, dup, hand,
                                                   sorting[0]))
            if on_line is not None:
                on_line(rec, key, dup)
            if dup:
                dups += 1
                continue
            if amount >= 0:
                new_in += amount
            else:
                new_out -= amount
            resorted += sorting[0] is not None
            if writer is not None:
                posted = rec.posted
                when: Any = posted
                if as_text:
                    when = day_text.get(posted)
                    if when is None:
                        when = day_text[posted] = posted.isoformat()
                bank_id = rec.bank_id
                append((holder_id, account_id, when, amount, rec.payee[:200] or None,
                        rec.description[:500] or None, "import", import_id, key,
                        fp if key != fp else None, bank_id[:255] if bank_id else None,
                        rec.balance_pence, rec.raw or None, now, user_id, *sorting))
        s.read_count += len(chunk)
        s.duplicate_count += dups
        s.new_count += len(chunk) - dups
        s.money_in_pence += money_in
        s.money_out_pence += money_out
        s.new_in_pence += new_in
        s.new_out_pence += new_out
        s.sorted_like_before += resorted
        if rows and writer is not None:
            writer.write(rows)


def _scan(session: Session, account: Account, summary: ImportSummary, st: Statement,
          reread: Callable[[], Statement], *, write: bool, import_id: int | None = None,
          user_id: int | None = None,
          on_line: Callable[[Line, str, bool], None] | None = None
          ) -> tuple[Statement, BalanceTracker]:
    """One pass over the lines: with the bank's ids if the file seems to have them (rolled
    back and done again with fingerprints if they turn out unreliable)."""
    records = iter(st.records)
    first = next(records, None)

    def chained(head: Line | None, rest: Iterator[Line]) -> Iterator[Line]:
        if head is not None:
            yield head
        yield from rest

    if first is not None and first.bank_id:
        p = _Pass(session, account, summary, True, write, import_id, user_id, on_line)
        savepoint = session.begin_nested()
        try:
            _run(p, chained(first, records))
        except _IdsUnreliable:
            savepoint.rollback()
            _reset(summary)
            st = reread()
            first, records = None, iter(st.records)
        except BaseException:
            savepoint.rollback()
            raise
        else:
            savepoint.commit()
            summary.used_bank_ids = True
            return st, p.tracker
    p = _Pass(session, account, summary, False, write, import_id, user_id, on_line)
    _run(p, chained(first, records))
    return st, p.tracker


def _reset(summary: ImportSummary) -> None:
    for name in ("read_count", "new_count", "duplicate_count", "money_in_pence",
                 "money_out_pence", "new_in_pence", "new_out_pence", "hand_matches",
                 "sorted_like_before"):
        setattr(summary, name, 0)
    summary.date_from = summary.date_to = None
    summary.first_rows.clear()


def _balance(st: Statement, tracker: BalanceTracker) -> BalanceCheck:
    opening = st.opening_balance.amount_pence if st.opening_balance else None
    closing_bal = st.closing_balance or st.ledger_balance
    closing = closing_bal.amount_pence if closing_bal else None
    return tracker.result(opening, closing)


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
            on_line: Callable[[Line, str, bool], None] | None = None) -> ImportSummary:
    """Read the statement and say what importing it would do. Writes nothing.

    Raises ImportRefused (unreadable file) or NeedsMapping (ask which column is which).
    """
    st, remembered = _read(data, filename, account, profile, mapping, limits)
    summary = _new_summary(session, account, data, filename, st, remembered)
    try:
        st, tracker = _scan(session, account, summary, st,
                            lambda: _read(data, filename, account, profile, mapping, limits)[0],
                            write=False, on_line=on_line)
    except StatementError as exc:
        raise ImportRefused(exc.message) from None
    _finish(summary, st, tracker)
    return summary


def import_statement(session: Session, account: Account, data: bytes, filename: str, *,
                     profile: str | None = None, mapping: ColumnMapping | None = None,
                     accept_problems: bool = False, remember_mapping: bool = False,
                     limits: Limits = Limits(),
                     on_line: Callable[[Line, str, bool], None] | None = None
                     ) -> ImportSummary:
    """Import the statement into ``account`` within the caller's transaction.

    On ImportRefused (or any error) the caller must roll back; nothing is then written.
    """
    st, remembered = _read(data, filename, account, profile, mapping, limits)
    summary = _new_summary(session, account, data, filename, st, remembered)
    actor = audit.current_actor()
    record = StatementImport(
        account_id=account.id, holder_id=account.holder_id, uploaded_by_id=actor.user_id,
        filename=filename[:255], file_sha256=summary.sha256, file_format=st.format[:40],
        status="imported")
    session.add(record)
    session.flush()
    try:
        st, tracker = _scan(session, account, summary, st,
                            lambda: _read(data, filename, account, profile, mapping, limits)[0],
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
    audit.record(session, "imported", "statement_import", entity_id=str(record.id),
                 holder_id=account.holder_id,
                 summary=f"Imported {filename[:80]}: {summary.sentence()}")
    return summary


def _finish(summary: ImportSummary, st: Statement, tracker: BalanceTracker) -> None:
    summary.problems = list(st.problems)
    summary.notices = list(st.notices)
    summary.mapping = st.mapping or summary.mapping
    summary.balance_check = _balance(st, tracker) if summary.read_count else None


def _problem_message(problems: list[Problem]) -> str:
    first = problems[0].reason.rstrip(".")
    more = f" (and {plural(len(problems) - 1, 'other line')})" if len(problems) > 1 else ""
    return (f"We could not read {plural(len(problems), 'line')} of this file. {first}{more}. "
            "Nothing has been imported.")


# --- undo -------------------------------------------------------------------------------------

def undo_blockers(session: Session, record: StatementImport) -> str | None:
    """Why this import cannot be undone, or None."""
    if record.status != "imported":
        return "This import has already been undone."
    receipts = session.scalar(
        select(func.count()).select_from(Attachment).join(
            Transaction, Attachment.transaction_id == Transaction.id)
        .where(Transaction.import_id == record.id)) or 0
    if receipts:
        return (f"{plural(receipts, 'receipt')} {'is' if receipts == 1 else 'are'} attached to "
                "payments from this import. Remove the receipts first, so none is lost.")
    return None


def undo_import(session: Session, record: StatementImport) -> int:
    """Remove every line this import added, as one change. Returns how many."""
    reason = undo_blockers(session, record)
    if reason:
        raise ImportRefused(reason)
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(Transaction.amount_pence), 0))
        .where(Transaction.import_id == record.id)).one()
    session.execute(delete(Transaction).where(Transaction.import_id == record.id),
                    execution_options={"synchronize_session": False})
    actor = audit.current_actor()
    record.status = "undone"
    record.undone_at = utcnow()
    record.undone_by_id = actor.user_id
    session.flush()
    audit.record(session, "undone", "statement_import", entity_id=str(record.id),
                 holder_id=record.holder_id,
                 summary=f"Undid the import of {record.filename[:80]}: removed "
                         f"{plural(count, 'payment')} (net {format_pence(int(total))}).")
    return int(count)


def imports_for(session: Session, holder_id: int) -> list[StatementImport]:
    return list(session.scalars(
        select(StatementImport).where(StatementImport.holder_id == holder_id)
        .order_by(StatementImport.uploaded_at.desc(), StatementImport.id.desc())))


def import_for(session: Session, holder_id: int, import_id: int) -> StatementImport | None:
    return session.scalar(select(StatementImport).where(
        StatementImport.id == import_id, StatementImport.holder_id == holder_id))


# --- uploads waiting for the person to confirm ------------------------------------------------

def save_pending(session: Session, account: Account, data: bytes, filename: str,
                 mapping: ColumnMapping | None = None) -> PendingUpload:
    clear_stale_pending(session)
    row = PendingUpload(
        token=secrets.token_urlsafe(32), account_id=account.id, holder_id=account.holder_id,
        uploaded_by_id=audit.current_actor().user_id, filename=filename[:255],
        file_sha256=file_sha256(data), data=data,
        mapping=json.dumps(mapping.to_dict()) if mapping else None)
    session.add(row)
    session.flush()
    return row


def pending_for(session: Session, holder_id: int, token: str) -> PendingUpload | None:
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(PendingUpload).where(
        PendingUpload.token == token, PendingUpload.holder_id == holder_id))
    if row is None:
        return None
    when = row.uploaded_at
    if when.tzinfo is None:  # SQLite gives back UTC times without their zone
        when = when.replace(tzinfo=UTC)
    return None if when < utcnow() - PENDING_LIFETIME else row


def pending_mapping(row: PendingUpload) -> ColumnMapping | None:
    return ColumnMapping.from_dict(json.loads(row.mapping)) if row.mapping else None


def set_pending_mapping(row: PendingUpload, mapping: ColumnMapping) -> None:
    row.mapping = json.dumps(mapping.to_dict())


def clear_stale_pending(session: Session) -> None:
    session.execute(delete(PendingUpload).where(
        PendingUpload.uploaded_at < utcnow() - PENDING_LIFETIME),
        execution_options={"synchronize_session": False})


def drop_pending(session: Session, row: PendingUpload) -> None:
    session.delete(row)
