"""De-duplication keys for statement lines, scoped to one account.

The rule
--------
* ``fitid_key``: ``"id:" + bank id`` when the bank's own id (OFX FITID, Monzo transaction id)
  is *reliable for this file*: every line of that account in the file has one, and no two
  lines share one. Otherwise None for every line of that account in the file (banks reuse and
  blank FITIDs; one bad id makes all of them suspect).
* ``fingerprint``: always present. SHA-256 of (account scope, posted date, amount in pence,
  normalised description, occurrence number), where the occurrence number counts lines with
  the same (date, amount, normalised description) in this file, 1..n. Two genuinely
  identical payments on one day in one statement get #1 and #2, so both are kept; re-importing
  the same statement, or an overlapping one, gives the same keys again. Identical triples are
  indistinguishable, so numbering them in any order gives the same *set* of keys: permuting
  the lines of a file never changes the set.
* ``key``: the one to use as the primary unique key: ``fitid_key`` if there is one, else the
  fingerprint. Store both; treat a match on either as "already imported".

Normalised description: upper case, every run of non-letters/digits becomes one space.

Known limits
------------
* The same account downloaded as OFX and as CSV gives different ``key`` values (FITID vs
  fingerprint) and often different descriptions: match on fingerprint only when the
  descriptions agree, and expect to review such imports.
* If a bank changes a line's description or date between downloads (pending -> posted),
  the fingerprint changes and the line looks new.
* A statement cut part-way through a day that holds identical payments may hold #1 of them
  only; a later full statement adds #2 as new, which is correct.
* If one statement contains two identical payments and a later overlapping download shows
  only one of them (it should not), the second would never be matched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Transaction

_NON_WORD = re.compile(r"[^0-9A-Z]+")


def normalise_description(text: str) -> str:
    return _NON_WORD.sub(" ", text.upper()).strip()


@dataclass(frozen=True, slots=True)
class RecordKey:
    key: str
    fingerprint: str
    fitid_key: str | None
    occurrence: int


def fingerprint(scope: str, rec: Transaction, occurrence: int) -> str:
    payload = "\x1f".join((scope, rec.posted.isoformat(), str(rec.amount_pence),
                           normalise_description(rec.description), str(occurrence)))
    return "fp:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def reliable_ids(records: Sequence[Transaction]) -> set[int]:
    """Account indexes whose bank ids are all present and unique in this file."""
    ids: dict[int, list[str | None]] = {}
    for r in records:
        ids.setdefault(r.account_index, []).append(r.bank_id)
    return {acct for acct, vals in ids.items()
            if all(vals) and len(set(vals)) == len(vals)}


def record_keys(records: Iterable[Transaction], account_scope: str | Sequence[str]
                ) -> list[RecordKey]:
    """One key per record, in the same order. ``account_scope`` identifies the account in the
    database (e.g. its id); pass a list to give each OFX account index its own scope."""
    recs = list(records)
    good = reliable_ids(recs)
    seen: Counter[tuple[int, object, int, str]] = Counter()
    out: list[RecordKey] = []
    for r in recs:
        scope = (account_scope if isinstance(account_scope, str)
                 else account_scope[r.account_index])
        triple = (r.account_index, r.posted, r.amount_pence,
                  normalise_description(r.description))
        seen[triple] += 1
        fp = fingerprint(scope, r, seen[triple])
        fid = f"id:{scope}\x1f{r.bank_id}" if r.account_index in good and r.bank_id else None
        out.append(RecordKey(fid or fp, fp, fid, seen[triple]))
    return out
