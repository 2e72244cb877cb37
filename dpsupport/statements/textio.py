"""Turning bytes into text: BOMs, declared charsets, UTF-8 with a cp1252 fallback."""

from __future__ import annotations

import codecs

from .model import StatementError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# OFX CHARSET / ENCODING values and XML encodings seen in the wild -> Python codec names.
_ALIASES = {
    "1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252",
    "8859-1": "latin-1",
    "ISO-8859-1": "latin-1",
    "ISO8859-1": "latin-1",
    "LATIN-1": "latin-1",
    "LATIN1": "latin-1",
    "ISO-8859-15": "iso8859-15",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "USASCII": "utf-8",
    "US-ASCII": "utf-8",
    "NONE": "utf-8",
    "UNICODE": "utf-8",
}


def codec_for(declared: str | None) -> str | None:
    if not declared:
        return None
    name = declared.strip().strip("\"'").upper()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding used). Never raises.

    Order: BOM; then strict UTF-8 (a valid UTF-8 file with accents is almost never really
    cp1252, and banks do mislabel UTF-8 files as CHARSET:1252); then the declared charset;
    then cp1252; finally latin-1, which accepts any byte.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in (codec_for(declared), "cp1252"):
        enc = candidate or ""
        if enc and enc != "utf-8":
            try:
                return data.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("latin-1"), "latin-1"


MAX_LINE_CHARS = 20_000  # a line of a real statement is a few hundred characters at most
MAX_COLUMNS = 1_000  # columns in one line of a CSV file (a bank's has under 50)


def too_long(line: int, length: int) -> StatementError:
    """The error for a line longer than MAX_LINE_CHARS (the file is refused as a whole)."""
    return StatementError(
        f"Line {line} of this file is {length:,} characters long, far longer than a line of "
        f"a bank statement (at most {MAX_LINE_CHARS:,}), so we could not read the file. It "
        "may be damaged, or may not be a bank statement.", line)


def too_wide(line: int, columns: int) -> StatementError:
    """The error for a line with more than MAX_COLUMNS columns."""
    return StatementError(
        f"Line {line} of this file has {columns:,} columns, far more than a bank statement "
        f"has (at most {MAX_COLUMNS:,}), so we could not read the file. It may be damaged, "
        "or may not be a bank statement.", line)


def check_line_lengths(lines: list[str], first: int = 1) -> None:
    """Refuse ``lines`` (line ``first`` onwards) if one is longer than MAX_LINE_CHARS.

    One pass in C over the lengths; the line is looked for only when there is one."""
    if lines and max(map(len, lines)) > MAX_LINE_CHARS:  # (the length may count a line end)
        for i, ln in enumerate(lines):
            length = len(ln.rstrip("\r\n"))
            if length > MAX_LINE_CHARS:
                raise too_long(first + i, length)
