"""One pass over a statement's lines: what is new, what is already here, and (when
importing) writing the new lines a chunk at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256 as _sha256
from itertools import islice
from operator import attrgetter
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ...models import Account, Transaction
from ...models.base import utcnow
from ...statements import BalanceCheck, Statement
from ...statements import Transaction as Line
from ...statements.balances import BalanceTracker
from ...statements.dedupe import KeyStream, id_key, normalise_description
from ..sorting import payee_key, sorter
from .errors import ImportRefused
from .summary import PREVIEW_ROWS, ImportSummary, PreviewRow
from .writer import Writer

CHUNK = 1000


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
    matches: MatchKeys | None = None


class MatchKeys:
    """The format-independent key of each line: "m:<date>:<amount>:<tag>:<occurrence>".

    The tag stands for the account and the normalised payee (the description when there is
    no payee); the occurrence counts lines with the same date, amount and payee in this
    file, so identical payments on one day stay apart, as with fingerprints. An OFX line
    ("TESCO STORES 3297", memo "CARD PAYMENT") and the same payment in a QIF or CSV get the
    same match key, though their descriptions, and so their fingerprints, differ.
    Migration 0004 gives lines imported before it theirs by the same rule.
    """

    __slots__ = ("_scope", "_seen", "_tags", "_days")

    def __init__(self, account_id: int) -> None:
        self._scope = f"account-{account_id}"
        self._seen: dict[str, int] = {}
        self._tags: dict[str, str] = {}
        self._days: dict[date, str] = {}

    def add_many(self, chunk: list[Line]) -> list[str]:
        seen, tags, days, scope = self._seen, self._tags, self._days, self._scope
        out = []
        for rec in chunk:
            who = rec.payee[:200] or rec.description[:500]
            tag = tags.get(who)
            if tag is None:
                if len(tags) > 8192:
                    tags.clear()
                norm = normalise_description(who)
                tag = tags[who] = _sha256(f"{scope}\x1f{norm}".encode()).hexdigest()[:16]
            day = days.get(rec.posted)
            if day is None:
                day = days[rec.posted] = rec.posted.isoformat()
            base = f"m:{day}:{rec.amount_pence}:{tag}"
            occ = seen[base] = seen.get(base, 0) + 1
            out.append(f"{base}:{occ}")
        return out


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


def _existing(p: _Pass, lo: date, hi: date, keys: list[str], fps: list[str], mks: list[str]
              ) -> tuple[set[str], set[str], set[str]]:
    """Keys, fingerprints and match keys of this chunk (dated ``lo`` to ``hi``) that the
    account already holds.

    A line keyed by its fingerprint stores it only as its key (the fingerprint column is
    filled only for lines keyed by a bank id), so: one query on the (account, key) index
    for both the keys and the fingerprints, one on the (account, fingerprint) index. Then
    the match keys (on their own index): a match counts only where at least one side has
    no bank id (two lines with different ids are two payments, says the bank), so this
    gives back the match keys held by a line without an id, and, for a chunk without
    ids, all of them."""
    if p.known_range is None or hi < p.known_range[0] or lo > p.known_range[1]:
        return set(), set(), set()
    wanted = list(set(keys) | set(fps))
    account_id = p.account.id
    found_keys = set(p.session.scalars(select(Transaction.dedupe_key).where(
        Transaction.account_id == account_id, _one_of(p, Transaction.dedupe_key, wanted))))
    found_fps = set(p.session.scalars(select(Transaction.fingerprint).where(
        Transaction.account_id == account_id, _one_of(p, Transaction.fingerprint, fps))))
    # only for lines not recognised already (none, when a statement is imported again)
    unknown = [mk for key, fp, mk in zip(keys, fps, mks, strict=True)
               if key not in found_keys and fp not in found_keys and fp not in found_fps]
    found_mks: set[str] = set()
    if unknown:
        match = select(Transaction.match_key).where(
            Transaction.account_id == account_id, _one_of(p, Transaction.match_key, unknown))
        if p.use_ids:
            match = match.where(Transaction.fingerprint.is_(None))  # keyed by a fingerprint
        found_mks = set(p.session.scalars(match))
    return found_keys, found_fps, found_mks  # type: ignore[return-value]


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


def _run(p: _Pass, records: Iterator[Line]) -> None:
    """Check and write the lines a chunk at a time. The loop over a chunk's lines is the
    hot path of a large import, so it keeps its running totals in local variables and
    hands them to the summary once per chunk."""
    s = p.summary
    session = p.session
    p.known_range = _known_range(session, p.account.id)
    matches = p.matches = MatchKeys(p.account.id)
    check_hand = _has_hand_entries(session, p.account.id)
    sorted_like = sorter(session, p.account.id, p.account.holder_id)
    no_sorting: tuple[str | None, int | None] = (None, None)
    writer = Writer(session) if p.write else None
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
        mks = matches.add_many(chunk)
        found_keys, found_fps, found_mks = _existing(p, lo, hi, keys, fps, mks)
        any_found = bool(found_keys or found_fps or found_mks)
        by_hand = _typed_by_hand(p, lo, hi) if check_hand else set()
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        money_in = money_out = new_in = new_out = dups = resorted = 0
        for rec, key, fp, mk in zip(chunk, keys, fps, mks, strict=True):
            amount = rec.amount_pence
            if amount >= 0:
                money_in += amount
            else:
                money_out -= amount
            dup = any_found and (key in found_keys or fp in found_keys or fp in found_fps
                                 or mk in found_mks)
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
                        rec.balance_pence, rec.raw or None, now, user_id, *sorting, mk))
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


def scan(session: Session, account: Account, summary: ImportSummary, st: Statement,
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


def balance_check(st: Statement, tracker: BalanceTracker) -> BalanceCheck:
    opening = st.opening_balance.amount_pence if st.opening_balance else None
    closing_bal = st.closing_balance or st.ledger_balance
    closing = closing_bal.amount_pence if closing_bal else None
    return tracker.result(opening, closing)
