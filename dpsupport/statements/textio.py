"""Turning bytes into text: BOMs, declared charsets, UTF-8 with a cp1252 fallback."""

from __future__ import annotations

import codecs

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
