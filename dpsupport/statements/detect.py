"""Working out what kind of file we have been given, from its content."""

from __future__ import annotations

import io
import re
import zipfile

from .model import StatementError
from .santander import looks_like_santander
from .textio import decode

_SORRY = "We could not read this file. "
_ASK = "please download a CSV or OFX statement from your bank instead."


def _no(what: str) -> StatementError:
    return StatementError(f"{_SORRY}It looks like {what}: {_ASK}")


def detect_format(data: bytes, filename: str | None = None) -> str:
    """Return "ofx", "qfx", "qif", "csv", "xlsx" or "santander-txt"; else StatementError."""
    name = (filename or "").lower()
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise StatementError("This file is empty. Please check you chose the right file.")
    head = data[:8]
    if head.startswith(b"%PDF"):
        raise _no("a PDF")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise _no("a damaged zip file") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            raise _no("a Word document")
        if any(n.startswith("ppt/") for n in names):
            raise _no("a PowerPoint file")
        if "content.xml" in names:
            raise _no("an OpenDocument file (please save it as CSV)")
        raise _no("a zip file (please unzip it and upload the statement inside)")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise StatementError(f"{_SORRY}It looks like an old-style Excel (.xls) or Word file. "
                             "Please save it as CSV or .xlsx, or download a CSV or OFX "
                             "statement from your bank instead.")
    for magic, what in ((b"\x89PNG", "a picture (PNG)"), (b"\xff\xd8\xff", "a photo (JPEG)"),
                        (b"GIF8", "a picture (GIF)"), (b"II*\x00", "a scanned image (TIFF)"),
                        (b"MM\x00*", "a scanned image (TIFF)"), (b"RIFF", "a media file"),
                        (b"\x1f\x8b", "a compressed (gzip) file"), (b"Rar!", "a RAR archive"),
                        (b"7z\xbc\xaf", "a 7-Zip archive"), (b"{\\rtf", "a Word (RTF) document"),
                        (b"\x7fELF", "a program file"), (b"MZ", "a program file")):
        if head.startswith(magic):
            raise _no(what)
    if data[:12].find(b"ftyp") == 4 or data[:12].startswith(b"RIFF"):
        raise _no("a photo or video")
    sample = data[:65536]
    text, _ = decode(sample if len(data) <= 65536 else sample[: sample.rfind(b"\n") + 1 or 65536])
    if _binary(text):
        raise StatementError(f"{_SORRY}It does not contain text, so it is not a statement we "
                             f"can read: {_ASK}")
    upper = text[:8192].upper()
    stripped = text.lstrip("\ufeff \t\r\n")
    if "OFXHEADER" in upper or "<OFX>" in upper or re.search(r"<OFX[\s>]", upper):
        return "qfx" if name.endswith(".qfx") or "<INTU.BID>" in upper else "ofx"
    if stripped[:1] == "!" and re.match(r"!\s*(TYPE|ACCOUNT|OPTION|CLEAR)", stripped.upper()):
        return "qif"
    low = stripped[:200].lower()
    if low.startswith(("<!doctype html", "<html")) or "<html" in low:
        raise _no("a web page (you may have saved the bank's page rather than the statement)")
    if stripped.startswith(("{", "[")) and name.endswith(".json") or (
            stripped.startswith("{") and '":' in stripped[:500]):
        raise StatementError(f"{_SORRY}It looks like a settings file (JSON) for another "
                             f"program, not a bank statement: {_ASK}")
    if stripped.startswith("<?xml") or stripped.startswith("<"):
        raise _no("an XML document that is not OFX")
    if looks_like_santander(text):
        return "santander-txt"
    if _settings_file(text) or name.endswith((".rules", ".conf", ".ini", ".yaml", ".yml")):
        raise StatementError(f"{_SORRY}It looks like a settings file for another program "
                             f"(for example hledger rules or an importer setup), not a bank "
                             f"statement: {_ASK}")
    if name.endswith(".qif") and re.search(r"^[DT].+$", text, re.M):
        return "qif"
    return "csv"


def _binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or ch == "\ufffd")
    return bad > max(2, len(sample) // 50)


_RULE_LINE = re.compile(
    r"^\s*(skip\b|fields\s|if\b|account[12]\b|date-format\b|currency\b|separator\b|"
    r"newest-first|include\s|source\s|decimal-mark|balance-type|encoding\s|amount(-in|-out)?\s"
    r"|description\s|comment\s|end\b|\[[^\]]+\]$|#|;|[A-Za-z ][\w ]*=\s)", re.I)


def _settings_file(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()]
    if not lines:
        return False
    if any(re.match(r"^\s*(fields\s+\w|account1\s|date-format\s|if\s*$|if\s+\S)", ln)
           for ln in lines) and sum(1 for ln in lines if _RULE_LINE.match(ln)) >= 2:
        return True
    hits = sum(1 for ln in lines if _RULE_LINE.match(ln))
    sections = sum(1 for ln in lines if re.match(r"^\s*\[[^\]]+\]\s*$", ln))
    return sections >= 1 and hits / len(lines) > 0.5 or hits / len(lines) > 0.8
