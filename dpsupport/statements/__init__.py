"""dpsupport.statements: read UK bank statements (OFX/QFX, QIF, CSV, Excel, Santander text).

Pure Python, no web or database code. The main entry points::

    st = read_statement(data, "statement.csv")          # everything in memory (records tuple)
    st = iter_statement(data, "statement.ofx")          # st.records is a one-shot iterator
    keys = record_keys(st.records, account_scope="acct-42")
    check = check_balances(st.records, opening, closing)

Every input ends in a :class:`Statement` or a :class:`StatementError` with a plain-English
message; lines that cannot be read are listed in ``Statement.problems``, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .balances import BalanceCheck, check_balances
from .csv_profiles import PROFILES
from .dedupe import RecordKey, normalise_description, record_keys
from .detect import detect_format
from .model import (
    AccountInfo,
    Balance,
    ColumnMapping,
    MappingPreview,
    Problem,
    Statement,
    StatementError,
    Transaction,
    count_limit,
)
from .payees import clean_payee

__all__ = [
    "AccountInfo", "Balance", "BalanceCheck", "ColumnMapping", "MappingPreview", "PROFILES",
    "Problem", "RecordKey", "Statement", "StatementError", "Transaction", "check_balances",
    "clean_payee",
    "detect_format", "iter_statement", "normalise_description",
    "read_statement", "record_keys", "profile_names",
]

MAX_BYTES = 20 * 1024 * 1024


def profile_names() -> dict[str, str]:
    """{"csv:nationwide": "Nationwide current account", ...} for a drop-down list."""
    return {f"csv:{p.name}": p.label for p in PROFILES}


def iter_statement(data: bytes, filename: str | None = None, *, profile: str | None = None,
                   mapping: ColumnMapping | None = None, max_rows: int = 50_000,
                   max_bytes: int = MAX_BYTES) -> Statement:
    """Read a statement lazily: ``records`` is an iterator (memory stays small).

    Errors found while iterating (a damaged line in the middle, too many rows) are raised
    as StatementError from the iterator.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise StatementError("We could not read this file.")
    data = bytes(data)
    if len(data) > max_bytes:
        raise StatementError(f"This file is larger than {max_bytes // (1024 * 1024)} MB. "
                             "Please download a shorter statement period.")
    with _plain_errors():
        return _dispatch(data, filename, profile, mapping, max_rows)


@contextmanager
def _plain_errors() -> Iterator[None]:
    """Turn an unexpected error (a bug, or very strange input) into a plain StatementError."""
    try:
        yield
    except StatementError:
        raise
    except RecursionError:
        raise StatementError("We could not read this file: its layout is too deeply "
                             "nested.") from None
    except (ValueError, LookupError, IndexError, TypeError, UnicodeError, MemoryError,
            OverflowError, ArithmeticError) as exc:
        raise StatementError(f"We could not read this file ({type(exc).__name__}).") from None


def _dispatch(data: bytes, filename: str | None, profile: str | None,
              mapping: ColumnMapping | None, max_rows: int) -> Statement:
    if profile or mapping:
        kind = detect_format(data, filename)
        if kind not in ("csv", "xlsx"):
            kind = "csv"
    else:
        kind = detect_format(data, filename)
    if kind in ("ofx", "qfx"):
        from .ofx import read_ofx
        st = read_ofx(data, kind)
    elif kind == "qif":
        from .qif import read_qif
        st = read_qif(data)
    elif kind == "santander-txt":
        from .santander import read_santander
        st = read_santander(data)
    elif kind == "xlsx":
        from .xlsx import read_xlsx
        st = read_xlsx(data, profile=profile, mapping=mapping, max_rows=max_rows)
    else:
        from .csv_reader import read_csv
        st = read_csv(data, profile=profile, mapping=mapping)
    st.records = _guard(st.records, max_rows)
    return st


def _guard(records: Iterable[Transaction], max_rows: int) -> Iterator[Transaction]:
    """The records as the readers give them, then, for each: no more than ``max_rows``
    (count_limit); the payee cleaned, from the bank's payee or else its description
    (:func:`payees.clean_payee`; the description stays as written); and unexpected
    errors turned into plain-English StatementErrors."""
    clean = clean_payee
    cleaned: dict[str, str] = {}  # a statement names the same payees over and over
    known = cleaned.get
    with _plain_errors():
        for rec in count_limit(records, max_rows):
            name = rec.payee or rec.description
            payee = known(name)
            if payee is None:
                payee = clean(name)
                if len(cleaned) < 50_000:
                    cleaned[name] = payee
            rec.payee = payee
            yield rec


def read_statement(data: bytes, filename: str | None = None, *, profile: str | None = None,
                   mapping: ColumnMapping | None = None, max_rows: int = 50_000,
                   max_bytes: int = MAX_BYTES) -> Statement:
    """Read a whole statement; ``records`` is a tuple in file order."""
    st = iter_statement(data, filename, profile=profile, mapping=mapping, max_rows=max_rows,
                        max_bytes=max_bytes)
    st.records = tuple(st.records)
    return st
