"""What a bank line is, from its description, its payee, the bank's type code and its amount.

Pure: plain strings and ints in, a :class:`Recognition` (or None) out.

How a line is read
------------------
1. The payee and description are joined and made plain: upper case, every run of other
   characters one space ("Sky-Bet.com" -> "SKY BET COM"), so each bank's punctuation reads
   the same.
2. The words are matched against the phrase lists (``lists.py``, or the funder's own): whole
   words only, and at each place the longest phrase wins, so "CASH ISA" is savings, not cash,
   and "LADBROKE GROV" (a street) is not "LADBROKES".
3. "LINK" is cash only beside a time or a date, or "ATM" ("LINK 14:32 12JAN"); "CASH" alone
   is a weak sign, and only as the first word ("CASH TESCO 12JAN"), that a transfer, HMRC or
   a pension beats.
4. The bank's own type code, when the statement has one (OFX "ATM", Lloyds "CPT", NatWest
   "C/L", "FPO", "SO", Monzo "Pot transfer", Nationwide "Transfer to ..."; the whole code or
   its first word), says cash or transfer even when the words do not ("ATM: BMO HARRIS
   BANK"). A bank payment (FPO, SO, BP) to anyone is a transfer: whether it is to a known
   PA or provider is for the rules.
5. A sort code and account number in the description ("012345 09876543") makes the line a
   transfer and is kept as ``account`` so it can be compared with the holder's own accounts.

When a line matches more than one kind, the first of :data:`PRIORITY` wins: a payment to a
betting company by bank transfer is betting; cash back at a till is cash.

The recogniser says only what the words say. Whether that matters (is this payee a known
PA? does the plan cover cash?) is for the rules (``rules.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from . import lists

PROHIBITABLE = ("gambling", "pawnbroking", "dating", "alcohol", "tobacco")
PRIORITY = (*PROHIBITABLE, "cash", "hmrc", "pension", "payroll_bureau", "own_transfer",
            "transfer", "weak_cash")
KIND_LABELS = {
    "gambling": "betting or gambling",
    "pawnbroking": "a pawnbroker",
    "dating": "a dating service",
    "alcohol": "alcohol",
    "tobacco": "tobacco or vaping",
    "cash": "cash",
    "hmrc": "HMRC (tax)",
    "pension": "a workplace pension scheme",
    "payroll_bureau": "a payroll service",
    "own_transfer": "a move to the holder's own savings",
    "transfer": "a transfer to another account",
}

_NON_WORD = re.compile(r"[^0-9A-Z]+")
_DIGIT = re.compile(r"\d")
# "LINK" next to a time, a date or ATM: "LINK 14:32", "LINK 12JAN", "LINK ATM", "ATM LINK".
_LINK_CASH = re.compile(
    r"\b(?:LINK\s+(?:\d{1,2}[:.]\d{2}|\d{1,2}\s?[A-Z]{3}\b|\d{1,2}/\d{1,2}|ATM\b|CASH\b)"
    r"|ATM\s+LINK\b)")
# A UK sort code and account number: "01-23-45 12345678", "012345 12345678".
_ACCOUNT = re.compile(r"(?<!\d)(\d{2})[- ]?(\d{2})[- ]?(\d{2})[ ]+(\d{8})(?!\d)")


def plain(text: str) -> str:
    """Upper case; every run of characters other than A-Z and 0-9 becomes one space."""
    return _NON_WORD.sub(" ", text.upper()).strip()


@dataclass(frozen=True)
class Lists:
    """Phrases (plain words) for each kind; kind "" is the ordinary list (see lists.py)."""

    terms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: lists.DEFAULT_TERMS)
    cash_kinds: frozenset[str] = lists.CASH_KINDS
    transfer_kinds: frozenset[str] = lists.TRANSFER_KINDS
    own_transfer_kinds: frozenset[str] = lists.OWN_TRANSFER_KINDS

    def adding(self, kind: str, *phrases: str) -> Lists:
        """A copy with more phrases for one kind (written any way: they are made plain)."""
        terms = dict(self.terms)
        terms[kind] = tuple(terms.get(kind, ())) + tuple(plain(p) for p in phrases)
        return Lists(terms, self.cash_kinds, self.transfer_kinds, self.own_transfer_kinds)

    def removing(self, kind: str, *phrases: str) -> Lists:
        gone = {plain(p) for p in phrases}
        terms = dict(self.terms)
        terms[kind] = tuple(p for p in terms.get(kind, ()) if p not in gone)
        return Lists(terms, self.cash_kinds, self.transfer_kinds, self.own_transfer_kinds)

    def key(self) -> tuple[object, ...]:
        return (tuple(sorted((k, tuple(v)) for k, v in self.terms.items())),
                tuple(sorted(self.cash_kinds)), tuple(sorted(self.transfer_kinds)),
                tuple(sorted(self.own_transfer_kinds)))


DEFAULT_LISTS = Lists()


@dataclass(frozen=True, slots=True)
class Recognition:
    """What a line looks like: ``kind`` (one of :data:`KIND_LABELS`), the ``words`` that
    said so (as written in the lists, or the bank's type code), and the sort code and
    account number found in the description (``"012345 12345678"``), if any."""

    kind: str
    words: str
    account: str | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class Recogniser:
    """The lists, indexed for speed; results are remembered per distinct text."""

    def __init__(self, word_lists: Lists = DEFAULT_LISTS) -> None:
        self.lists = word_lists
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for kind, phrases in word_lists.terms.items():
            for phrase in phrases:
                words = tuple(plain(phrase).split())
                if words:
                    index.setdefault(words[0], []).append((words, kind))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))  # longest first
        self._index = index
        self._seen: dict[tuple[str, str], Recognition | None] = {}

    def matches(self, text: str) -> list[tuple[str, str]]:
        """Every (kind, phrase) found in ``text``, longest phrase first at each place."""
        return self._matches(plain(text).split())

    def _matches(self, words: list[str]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        i, n = 0, len(words)
        index = self._index
        while i < n:
            for phrase, kind in index.get(words[i], ()):
                size = len(phrase)
                if tuple(words[i:i + size]) == phrase:
                    found.append((kind, " ".join(phrase)))
                    i += size
                    break
            else:
                i += 1
        return found

    def recognise(self, description: str, payee: str = "", kind: str = "") -> Recognition | None:
        """What the line is, or None when nothing in it is on the lists."""
        text = description if not payee or payee in description else f"{payee} {description}"
        key = (text, kind)
        try:
            return self._seen[key]
        except KeyError:
            pass
        result = self._work_out(text, kind)
        if len(self._seen) < 200_000:
            self._seen[key] = result
        return result

    def _work_out(self, text: str, bank_kind: str) -> Recognition | None:
        found: dict[str, str] = {}
        words = plain(text).split()
        matched = self._matches(words)
        for kind, phrase in matched:
            if kind:
                found.setdefault(kind, phrase)
        upper = text.upper()
        if "cash" not in found:
            link = _LINK_CASH.search(upper) if "LINK" in upper else None
            if link:
                found["cash"] = link.group(0)
            elif words[:1] == ["CASH"] and len(words) > 1 and not any(
                    phrase.startswith("CASH ") for _kind, phrase in matched[:1]):
                found["weak_cash"] = "CASH"
        code = plain(bank_kind)
        if code:
            codes = (code, code.split()[0])
            if any(c in self.lists.cash_kinds for c in codes):
                found.setdefault("cash", bank_kind)
            elif any(c in self.lists.own_transfer_kinds for c in codes):
                found.setdefault("own_transfer", bank_kind)
            elif any(c in self.lists.transfer_kinds for c in codes):
                found.setdefault("transfer", bank_kind)
        account_match = _ACCOUNT.search(upper)
        account = "".join(account_match.groups()[:3]) + " " + account_match.group(4) \
            if account_match else None
        if account and not found.keys() & {"own_transfer", "transfer"}:
            found["transfer"] = account
        for kind in PRIORITY:
            if kind in found:
                return Recognition("cash" if kind == "weak_cash" else kind, found[kind], account)
        return None


_RECOGNISERS: dict[tuple[object, ...], Recogniser] = {}


def recogniser_for(word_lists: Lists = DEFAULT_LISTS) -> Recogniser:
    """One shared recogniser per set of lists (built once, then remembered)."""
    key = word_lists.key()
    found = _RECOGNISERS.get(key)
    if found is None:
        if len(_RECOGNISERS) >= 16:
            _RECOGNISERS.clear()
        found = _RECOGNISERS[key] = Recogniser(word_lists)
    return found


def recognise(description: str, payee: str = "", kind: str = "",
              word_lists: Lists = DEFAULT_LISTS) -> Recognition | None:
    """What a bank line is: see the module's docstring."""
    return recogniser_for(word_lists).recognise(description, payee, kind)


# --- Who a payment was to -----------------------------------------------------------------

_NOISE = frozenset({
    "CD", "ON", "BCC", "GBR", "GB", "GBP", "UK", "DD", "DDR", "FPO", "FPI", "SO", "BGC", "DEB",
    "REF", "VIS", "VISA", "POS", "PURCHASE", "PAYMENT", "PAYMENTS", "CONTACTLESS", "CARD", "TO",
    "FROM", "DIRECT", "DEBIT", "CREDIT", "BP", "STO", "TFR", "MOBILE", "ONLINE", "PYMT", "VIA",
    "FASTER", "BANK", "GIRO", "AT",
})
_MONTHS = frozenset({"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT",
                     "OCT", "NOV", "DEC"})
_ORG_WORDS = frozenset({"LTD", "LIMITED", "PLC", "THE", "AND", "CO", "CIC", "LLP", "UK", "OF"})


@lru_cache(maxsize=65_536)
def payee_name(payee: str, description: str = "") -> str:
    """Who a line was to or from, for grouping payments: the payee (else the description),
    made plain, without card numbers, dates, references and the bank's own words.
    "TESCO STORES 3297 ON 01 SEP BCC" -> "TESCO STORES"."""
    words = plain(payee or description).split()
    kept: list[str] = []
    for i, word in enumerate(words):
        if word in _NOISE or _DIGIT.search(word):
            continue
        if word in _MONTHS and (
                (i > 0 and words[i - 1].isdigit()) or (i + 1 < len(words) and words[i + 1].isdigit())):
            continue
        kept.append(word)
    return " ".join(kept) or plain(payee or description)


@dataclass(frozen=True, slots=True)
class KnownPayee:
    """Someone the holder pays on purpose: a PA, a care provider, a regular payee.

    ``role``: "pa", "provider", "regular", "hmrc", "pension", "payroll" (free text, shown
    to people through the rules). ``person``: a person's name ("Sally Jones") matches a line
    with the surname and the first name or its initial ("S JONES", "JONES SALLY"); an
    organisation matches when all its words are there (the line's last word may be cut
    short, as Lloyds cuts descriptions at 18 letters). ``account``: sort code and account
    number ("012345 12345678"), matched exactly when the line shows one."""

    name: str
    role: str = "regular"
    person: bool = False
    account: str | None = None


class PayeeMatcher:
    """Finds which known payee a line is to; remembers results per distinct text."""

    def __init__(self, known: Iterable[KnownPayee]) -> None:
        self.known = tuple(known)
        self._prepared: list[tuple[KnownPayee, tuple[str, ...]]] = []
        for payee in self.known:
            words = tuple(w for w in plain(payee.name).split()
                          if payee.person or w not in _ORG_WORDS)
            self._prepared.append((payee, words))
        self._all_words = {w for _payee, words in self._prepared for w in words}
        self._accounts = any(payee.account for payee in self.known)
        self._seen: dict[tuple[str, str | None], KnownPayee | None] = {}

    def match(self, text: str, account: str | None = None) -> KnownPayee | None:
        key = (text, account)
        if key in self._seen:
            return self._seen[key]
        found = self._match(text, account)
        if len(self._seen) < 200_000:
            self._seen[key] = found
        return found

    def _match(self, text: str, account: str | None) -> KnownPayee | None:
        if account and self._accounts:
            for payee in self.known:
                if payee.account and plain(payee.account).replace(" ", "") == \
                        account.replace(" ", ""):
                    return payee
        words = plain(text).split()
        present = set(words)
        if present.isdisjoint(self._all_words):
            return None  # every match needs a surname or an organisation's first word
        for payee, wanted in self._prepared:
            if not wanted:
                continue
            if payee.person:
                surname, first = wanted[-1], wanted[0]
                if len(wanted) == 1:
                    if surname in present:
                        return payee
                elif surname in present and (first in present or first[0] in present):
                    return payee
            elif _all_words(wanted, present, words, text):
                return payee
        return None


def _all_words(wanted: tuple[str, ...], present: set[str], words: list[str], text: str) -> bool:
    """Every wanted word is in the line; or the line was cut short (it is 16 characters or
    more and ends part-way through a wanted word) after the first wanted word."""
    for i, word in enumerate(wanted):
        if word in present:
            continue
        cut = (i > 0 and len(text) >= 16 and bool(words) and word.startswith(words[-1])
               and all(w in present for w in wanted[:i]))
        return cut
    return True
