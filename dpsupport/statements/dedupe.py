"""De-duplication keys for statement lines, scoped to one account.

The rule
--------
* ``fitid_key``: ``"id:" + bank id`` when the bank's own id (OFX FITID, Monzo transaction id)
  is *reliable for this file*: every line of that account in the file has one, and no two
  lines share one. Otherwise None for every line of that account in the file (banks reuse and
  blank FITIDs; one bad id makes all of them suspect).
* ``fingerprint``: always present. ``"fp:<date>:<amount>:<tag>:<occurrence>"``, e.g.
  ``"fp:2024-12-31:-1234:9f86d081884c7d65:1"``: the posted date (ISO), the amount in pence,
  a tag standing for the account scope and the normalised description (the first 16 hex
  digits of SHA-256 of ``scope + "\x1f" + description``), and the occurrence number, which
  counts lines with the same (date, amount, normalised description) in this file, 1..n.
  Two genuinely identical payments on one day in one statement get #1 and #2, so both are
  kept; re-importing the same statement, or an overlapping one, gives the same keys again.
  Identical triples are indistinguishable, so numbering them in any order gives the same
  *set* of keys: permuting the lines of a file never changes the set.

  Why this shape: the date comes first, so a statement's keys sort together and the
  database's unique index grows in one place instead of at random (a third of the time of
  a large import went on scattered index pages when the key was one whole hash); the
  description is hashed once per distinct description, not once per line, and keeps the key
  short and free of personal text. Two different descriptions with the same date, amount
  and occurrence would share a key only if their 64-bit tags collided (about one chance in
  10^19 per pair).
* ``key``: the one to use as the primary unique key: ``fitid_key`` if there is one, else the
  fingerprint. Store both; treat a match on either as "already imported".

Normalised description: upper case, every run of non-letters/digits becomes one space.

Known limits
------------
* The same account downloaded as OFX and as CSV gives different ``key`` values (FITID vs
  fingerprint) and often different descriptions, so different fingerprints too. The importer
  therefore also gives each line a match key of date, amount, normalised payee and
  occurrence (``dpsupport.services.imports.scan.MatchKeys``), used where one side has no
  bank id.
* If a bank changes a line's description or date between downloads (pending -> posted),
  the fingerprint changes and the line looks new.
* A statement cut part-way through a day that holds identical payments may hold #1 of them
  only; a later full statement adds #2 as new, which is correct.
* If one statement contains two identical payments and a later overlapping download shows
  only one of them (it should not), the second would never be matched.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .model import Transaction

_NON_WORD = re.compile(r"[^0-9A-Z]+")
_sha256 = hashlib.sha256


def _normalise(text: str) -> str:
    return _NON_WORD.sub(" ", text.upper()).strip()


# Statements repeat the same payees over and over; the key builders below keep their own
# (per-file) memory of descriptions, and call _normalise directly.
normalise_description = lru_cache(maxsize=8192)(_normalise)


@dataclass(slots=True, unsafe_hash=True)
class RecordKey:
    """Treat as read-only (not ``frozen`` because frozen dataclasses are slow to build)."""

    key: str
    fingerprint: str
    fitid_key: str | None
    occurrence: int


def description_tag(scope: str, description: str) -> str:
    """16 hex digits standing for (account scope, normalised description)."""
    payload = f"{scope}\x1f{_normalise(description)}"
    return _sha256(payload.encode("utf-8")).hexdigest()[:16]


def fingerprint(scope: str, rec: Transaction, occurrence: int) -> str:
    return (f"fp:{rec.posted.isoformat()}:{rec.amount_pence}:"
            f"{description_tag(scope, rec.description)}:{occurrence}")


def occurrence_of(fp: str) -> int:
    """The occurrence number a fingerprint ends with."""
    return int(fp.rpartition(":")[2])


class _Tags(dict[str, str]):
    """description -> tag for one scope, remembered (payees repeat) but never more than
    ``_TAGS_KEPT`` at once, so memory does not grow with a file of unique descriptions."""

    __slots__ = ("scope",)

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __missing__(self, description: str) -> str:
        if len(self) >= _TAGS_KEPT:
            self.clear()
        tag = self[description] = description_tag(self.scope, description)
        return tag


_TAGS_KEPT = 8192
MAX_KEY = 128  # the database column's size


def id_key(scope: str, bank_id: str) -> str:
    """The ``fitid_key`` for a bank id (used only when the file's ids are reliable). A very
    long id is hashed, so the key fits the database column and stays exact."""
    key = f"id:{scope}\x1f{bank_id}"
    if len(key) > MAX_KEY:
        key = "id#" + _sha256(key.encode("utf-8")).hexdigest()
    return key


class KeyStream:
    """The keys of :func:`record_keys`, a chunk of records at a time, for an import that
    streams.

    :meth:`add_many` returns the records' fingerprints at once: they depend only on the
    records before them. Whether the bank ids can be trusted is known only at the end of
    the file: after the last chunk, :meth:`ids_reliable` says so per account, and
    :meth:`fitid_key` gives the id key (None when the ids are not reliable). While
    streaming, ``ids_reliable`` is False as soon as a blank or repeated id has been seen, so
    an importer can switch to fingerprints early. Only the (date, amount, description)
    counts and the bank ids are kept, never the records.
    """

    __slots__ = ("_scopes", "_seen", "_ids", "_bad", "_tags", "_days")

    def __init__(self, account_scope: str | Sequence[str]) -> None:
        self._scopes = account_scope
        # "fp:<date>:<amount>:<tag>" (with the account index if several) -> occurrences
        self._seen: dict[object, int] = {}
        self._ids: dict[int, set[str]] = {}
        self._bad: set[int] = set()
        self._tags: dict[int, _Tags] = {}
        self._days: dict[object, str] = {}

    def scope(self, account_index: int = 0) -> str:
        scopes = self._scopes
        return scopes if isinstance(scopes, str) else scopes[account_index]

    def add(self, rec: Transaction) -> tuple[str, int]:
        """One record's ``(fingerprint, occurrence)``."""
        fp = self.add_many([rec])[0]
        return fp, occurrence_of(fp)

    def add_many(self, records: list[Transaction]) -> list[str]:
        """The fingerprints of ``records``, in order."""
        single = isinstance(self._scopes, str)
        all_tags = self._tags
        days, days_get = self._days, self._days.get
        seen, seen_get = self._seen, self._seen.get
        ids_of, bad = self._ids, self._bad
        out: list[str] = []
        add_out = out.append
        for rec in records:
            acct = rec.account_index
            tags = all_tags.get(acct)
            if tags is None:
                tags = all_tags[acct] = _Tags(self.scope(acct))
            posted = rec.posted
            day = days_get(posted)
            if day is None:
                day = days[posted] = posted.isoformat()
            base = f"fp:{day}:{rec.amount_pence}:{tags[rec.description]}"
            key: object = base if single else (acct, base)
            occ = seen_get(key, 0) + 1
            seen[key] = occ
            add_out(f"{base}:{occ}")
            if acct in bad:
                continue
            bank_id = rec.bank_id
            ids = ids_of.get(acct)
            if ids is None:
                ids = ids_of[acct] = set()
            if not bank_id or bank_id in ids:
                bad.add(acct)
                ids.clear()  # no longer needed: this account's ids will not be used
            else:
                ids.add(bank_id)
        return out

    def ids_reliable(self, account_index: int = 0) -> bool:
        return account_index in self._ids and account_index not in self._bad

    def fitid_key(self, rec: Transaction) -> str | None:
        return self.id_key(rec.account_index, rec.bank_id)

    def id_key(self, account_index: int, bank_id: str | None) -> str | None:
        if bank_id and self.ids_reliable(account_index):
            return id_key(self.scope(account_index), bank_id)
        return None


def record_keys(records: Iterable[Transaction], account_scope: str | Sequence[str]
                ) -> list[RecordKey]:
    """One key per record, in the same order. ``account_scope`` identifies the account in the
    database (e.g. its id); pass a list to give each OFX account index its own scope.

    One pass over ``records`` with a :class:`KeyStream` (an iterator is fine: the records
    themselves are not kept, only their fingerprints and bank ids).

    The cyclic garbage collector is paused while the keys are made: building 100,000 small
    objects next to 100,000 records otherwise sets off full collections that cost a third
    of the time. Nothing made here forms a cycle; it is switched back on at the end (only if
    it was on), even on error."""
    if not gc.isenabled():
        return _record_keys(records, account_scope)
    gc.disable()
    try:
        return _record_keys(records, account_scope)
    finally:
        gc.enable()


def _record_keys(records: Iterable[Transaction], account_scope: str | Sequence[str]
                 ) -> list[RecordKey]:
    stream = KeyStream(account_scope)
    fps: list[str] = []
    ids: list[tuple[int, str | None]] = []  # (account index, bank id) per record
    it = iter(records)
    while chunk := list(islice(it, 1000)):
        fps += stream.add_many(chunk)
        ids += [(r.account_index, r.bank_id) for r in chunk]
    out = []
    for fp, (acct, bank_id) in zip(fps, ids, strict=True):
        fid = stream.id_key(acct, bank_id)
        out.append(RecordKey(fid or fp, fp, fid, occurrence_of(fp)))
    return out
