"""Parsing HMRC tax codes.

Accepted forms (case and spaces ignored): an optional country prefix ``S`` (Scotland) or ``C``
(Wales); then a number and suffix letter L, M, N or T (``1257L``, ``0T``), a K code (``K585``),
``BR``, ``D0``-``D3`` (which of those exist depends on the country's bands), or ``NT``; then an
optional non-cumulative marker ``W1``, ``M1`` or ``X`` (emergency basis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import PayrollInputError

_CODE = re.compile(
    r"^(?P<region>[SC])?"
    r"(?:K(?P<knum>[1-9]\d{0,3})|(?P<num>\d{1,6})(?P<letter>[LMNT])|(?P<br>BR)|D(?P<d>\d)|(?P<nt>NT))"
    r"(?P<suffix>W1|M1|X)?$"
)

REGION_BY_PREFIX = {"": "rest_of_uk", "S": "scotland", "C": "wales"}


@dataclass(frozen=True, slots=True)
class TaxCode:
    """A parsed tax code.

    kind is "L" (number with free pay: L, M, N, T suffix letters all work the same), "K"
    (additional pay), "BR", "D" (``d_index`` 0-3) or "NT" (no tax).
    """

    text: str
    region: str  # "rest_of_uk" | "scotland" | "wales"
    kind: str
    number: int  # code number (0 for BR, D, NT)
    d_index: int  # for D codes
    cumulative: bool  # False for W1/M1/X (non-cumulative, "emergency" basis)


@lru_cache(maxsize=4096)
def parse_tax_code(text: str) -> TaxCode:
    """Parse a tax code such as ``"1257L"``, ``"S1257L M1"``, ``"K585"``, ``"CBR"`` or ``"NT"``.

    Raises PayrollInputError with a plain-English message for anything not recognised.
    """
    if not isinstance(text, str):
        raise TypeError("tax_code must be a string such as '1257L'")
    norm = "".join(text.split()).upper()
    m = _CODE.match(norm)
    if m is None:
        raise PayrollInputError(
            f"Tax code {text!r} is not a tax code this payroll recognises. Check it against the "
            "letter from HMRC (for example 1257L, S1257L, C1257L, K585, BR, D0, NT or 0T, "
            "optionally followed by W1, M1 or X)."
        )
    region = REGION_BY_PREFIX[m.group("region") or ""]
    cumulative = m.group("suffix") is None
    if m.group("knum"):
        return TaxCode(norm, region, "K", int(m.group("knum")), 0, cumulative)
    if m.group("num") is not None:
        return TaxCode(norm, region, "L", int(m.group("num")), 0, cumulative)
    if m.group("br"):
        return TaxCode(norm, region, "BR", 0, 0, cumulative)
    if m.group("d") is not None:
        return TaxCode(norm, region, "D", 0, int(m.group("d")), cumulative)
    return TaxCode(norm, region, "NT", 0, 0, cumulative)
