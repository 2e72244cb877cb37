"""OFX / QFX reader, versions 1 (SGML) and 2 (XML).

Our own streaming tokeniser: one regular expression walks the text tag by tag; we keep
only a handful of flags (inside STMTTRN? inside LEDGERBAL? ...) and the fields of the
transaction being read, so memory does not grow with the number of transactions beyond the
text itself. No XML parser is used, so there is no entity expansion and no external entity
access: only the five standard entities and numeric character references are decoded.

Lenient on purpose: any header (or none), SGML leaf elements without close tags, empty or
self-closing tags, unclosed STMTTRN aggregates, comma decimals. A STMTTRN without FITID is
kept (bank_id None). A STMTTRN whose date or amount cannot be read becomes a problem line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from .amounts import AmountError, has_sub_penny, parse_balance, parse_pence, pence_reader
from .dates import LONDON
from .model import AccountInfo, Balance, Statement, StatementError, Transaction
from .problems import bad_amount, bad_date, no_amount, no_date
from .textio import decode

_TOKEN = re.compile(r"<([/!?]?)([^<>\s/]*)[^<>]*>([^<]*)")  # prefix, name, text after
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?[^\[]*(?:\[\s*([+-]?\d{1,2}"
                 r"(?:[.:]\d{1,2})?)?\s*(?::[^\]]*)?\])?")
_CHARSET = re.compile(r"(?:CHARSET|ENCODING)\s*[:=]\s*[\"']?([A-Za-z0-9_\-]+)", re.I)

_STMT_AGGS = {"STMTRS", "CCSTMTRS"}
_ACCT_FROM = {"BANKACCTFROM", "CCACCTFROM"}
_ACCT_TO = {"BANKACCTTO", "CCACCTTO"}
# Tags that end the transaction being read (explicitly, or implied by what comes next).
_TRN_END = {"STMTTRN", "BANKTRANLIST", "LEDGERBAL", "AVAILBAL", "INVSTMTRS"} | _STMT_AGGS
# Closing tags that change the reader's state (any other closing tag is skipped).
_CLOSE_MATTERS = _TRN_END | _ACCT_FROM | _ACCT_TO | {"PAYEE"}

# The fast path. Nearly every transaction in a real file is a "plain" block: upper-case
# leaf tags without attributes (closed or not), then </STMTTRN>. Such a block is matched
# whole by one expression and its fields taken with one findall, instead of a trip round
# the tag loop per field. Possessive quantifiers and no STMTTRN inside: no backtracking,
# and a match never runs past the next transaction, so reading stays linear in the text.
# Anything else (lower case, attributes, comments, text after a closing tag, no
# </STMTTRN>, a nested PAYEE or BANKACCTTO, a repeated tag) goes the general way, which
# gives the same result for plain blocks (tests/statements/test_fast_paths.py checks it).
_PLAIN_TRN = re.compile(r"\s*+(<STMTTRN>((?:\s*+<(?!STMTTRN>)[A-Z0-9.]++>[^<]*+"
                        r"(?:</(?!STMTTRN>)[A-Z0-9.]++>)?+)*+)\s*+</STMTTRN>)")
# A field's value without the white space around it (as str.strip() would take it off).
_PLAIN_FIELD = re.compile(r"<([A-Z0-9.]+)>\s*+([^<\s]*+(?:\s++[^<\s]++)*+)")
_NOT_PLAIN = frozenset(_TRN_END | _ACCT_TO | {"PAYEE"})


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name[0] == "#":
            try:
                code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                return chr(code) if 0 < code < 0x110000 else m.group(0)
            except ValueError:
                return m.group(0)
        return _NAMED[name]

    return _ENTITY.sub(repl, text)


def parse_ofx_datetime(value: str) -> date:
    """'20240331230000[+1:BST]' -> 2024-03-31 in UK local time. Raises ValueError."""
    m = _DT.match(value.strip())
    if not m:
        raise ValueError("bad date")
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    day = date(y, mo, d)
    tz = m.group(7)
    if m.group(4) is None or tz is None:
        return day  # no time or no zone: take the date as written
    hours, _, minutes = tz.replace(":", ".").partition(".")
    sign = -1 if hours.startswith("-") else 1
    offset = timedelta(hours=abs(int(hours)), minutes=int(minutes or 0)) * sign
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
    if hh > 23 or mm > 59 or ss > 60:
        raise ValueError("bad time")
    dt = datetime(y, mo, d, hh, mm, min(ss, 59), tzinfo=timezone(offset))
    return dt.astimezone(LONDON).date()


def decode_ofx(data: bytes) -> str:
    head = data[:4096].decode("latin-1")
    cut = head.upper().find("<OFX")
    m = _CHARSET.search(head[: cut if cut >= 0 else 4096])
    declared = m.group(1) if m else None
    if declared and declared.upper() in ("USASCII", "NONE", "UNICODE"):
        charset = re.search(r"CHARSET\s*:\s*([A-Za-z0-9_\-]+)", head, re.I)
        declared = charset.group(1) if charset else declared
    return decode(data, declared)[0]


def read_ofx(data: bytes, fmt: str = "ofx") -> Statement:
    text = decode_ofx(data)
    start = text.upper().find("<OFX")
    if start < 0:
        raise StatementError("This file looks like OFX but has no <OFX> section in it.")
    st = Statement(format=fmt)
    if re.search(r"<(STMTRS|CCSTMTRS)\b", text[start:], re.I) is None:
        if re.search(r"<INVSTMTRS\b", text, re.I):
            raise StatementError(
                "This is an investment account statement. Only bank, building society and "
                "card statements can be read."
            )
        raise StatementError(
            "This OFX file has no bank or card statement in it (it may be a log-in or "
            "account-list reply). Please download a statement from your bank instead."
        )
    st.records = _records(text, start, st)
    return st


def _records(text: str, start: int, st: Statement) -> Iterator[Transaction]:
    """The transactions of ``text`` (from ``start``), noting accounts and balances in ``st``.

    Runs of plain transaction blocks are read by :meth:`_Reader.plain_blocks`; everything
    else goes tag by tag: a transaction's own fields here (the hot path), statement-level
    tags in :meth:`_Reader.open_tag` / :meth:`_Reader.close_tag`.
    """
    reader = _Reader(text, start, st)
    make = reader.make
    in_trn = in_acct_to = in_payee = False
    fields: dict[str, str] = {}
    trn_start = trn_line = 0
    scan, general_only = start, -1  # general_only: a block the fast path gave back
    while scan >= 0:
        resume = -1
        for m in _TOKEN.finditer(text, scan):
            prefix, name, value = m.groups()
            tag = name.upper()
            if in_trn:  # the hot path: the fields of a transaction
                if not prefix:
                    if tag not in _TRN_END:
                        val = value.strip()
                        if val and "&" in val:
                            val = _unescape(val)
                        if tag in _ACCT_TO:
                            in_acct_to = True
                        elif tag == "PAYEE" and not val:
                            in_payee = True
                        elif in_acct_to:
                            pass
                        elif in_payee and tag == "NAME":
                            fields["PAYEE.NAME"] = val
                        elif not fields.get(tag):
                            fields[tag] = val
                        continue
                elif prefix == "/" and tag not in _CLOSE_MATTERS:
                    continue
            if prefix in ("!", "?"):
                continue
            pos = m.start()
            closing = prefix == "/"
            if in_trn and tag in _TRN_END:
                # end of this transaction (explicitly, or implied by what comes next)
                if closing and tag == "STMTTRN":
                    pos = m.end()
                rec = make(fields, trn_line, text[trn_start:min(pos, trn_start + 2000)].strip())
                in_trn = in_acct_to = in_payee = False
                fields = {}
                if rec is not None:
                    yield rec
                if closing and tag == "STMTTRN":
                    continue
            if closing:
                if tag in _ACCT_TO:
                    in_acct_to = False
                elif tag == "PAYEE":
                    in_payee = False
                else:
                    reader.close_tag(tag)
                continue
            if reader.in_invest and not reader.leaves_investment(tag):
                continue
            if tag == "STMTTRN":
                if pos != general_only:
                    yield from reader.plain_blocks(pos)
                    if reader.resume >= 0:
                        resume = reader.resume
                        general_only = reader.given_back
                        break  # go on from where the plain blocks end
                in_trn = True
                trn_start, trn_line = pos, reader.line_at(pos)
                fields = {}
                continue
            # (A transaction's own fields never get this far: the hot path above takes them.)
            val = value.strip()
            if val and "&" in val:
                val = _unescape(val)
            reader.open_tag(tag, val)
        scan = resume
    if in_trn:
        rec = make(fields, trn_line, text[trn_start:trn_start + 2000].strip())
        if rec is not None:
            yield rec
    if reader.bal_kind:
        reader.finish_balance()


class _Reader:
    """What :func:`_records` remembers between tags, apart from the transaction being read:
    the account, the balance being read, line numbers, and whether we are in an
    investment section or a transaction list."""

    def __init__(self, text: str, start: int, st: Statement) -> None:
        self.text, self.st = text, st
        self.line = text.count("\n", 0, start) + 1  # the line number at line_pos
        self.line_pos = start
        self.in_invest = self.in_acct_from = self.in_tranlist = False
        self.bal_kind: str | None = None
        self.bal: dict[str, str] = {}
        self.acct: dict[str, str] = {}
        self.acct_index = -1
        self.dates: dict[str, date] = {}
        self.read_pence = pence_reader()  # remembers the whole pounds: amounts repeat
        self.sub_penny_noted = False
        self.resume = -1  # after plain_blocks: where to go on from (-1: go on tag by tag)
        self.given_back = -1  # the block plain_blocks gave back to the general way

    def line_at(self, pos: int) -> int:
        """The line number at ``pos`` (which only moves forward)."""
        self.line += self.text.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line

    def plain_blocks(self, pos: int) -> Iterator[Transaction]:
        """Read the run of plain STMTTRN blocks at ``pos``; sets ``resume`` (and
        ``given_back``, for a block that turns out not to be plain)."""
        text = self.text
        self.resume = -1
        plain = _PLAIN_TRN.match(text, pos)
        while plain is not None:  # plain blocks, one after another
            trn_start = plain.start(1)
            line = self.line_at(trn_start)
            found = _PLAIN_FIELD.findall(plain.group(2))
            fields = dict(found)
            if len(fields) != len(found) or not _NOT_PLAIN.isdisjoint(fields):
                self.given_back = self.resume = trn_start  # not plain after all
                return
            if "&" in plain.group(2):
                fields = {k: _unescape(v) for k, v in fields.items()}
            rec = self.make(fields, line, plain.group(1)[:2000].strip())
            if rec is not None:
                yield rec
            self.resume = plain.end()
            plain = _PLAIN_TRN.match(text, self.resume)

    def make(self, fields: dict[str, str], line: int, raw: str) -> Transaction | None:
        """The transaction with these fields, or None (noted as a problem)."""
        st = self.st
        posted = fields.get("DTPOSTED") or fields.get("DTUSER") or ""
        amt = fields.get("TRNAMT", "")
        if not posted:
            st.add_problem(line, no_date(line, "transaction"), raw)
            return None
        d = self.dates.get(posted)
        if d is None:
            try:
                d = parse_ofx_datetime(posted)
            except ValueError:
                st.add_problem(line, bad_date(line, posted), raw)
                return None
            self.dates[posted] = d
        pence = self.read_pence(amt)  # "-12.34": the usual case, two decimals exactly
        if pence is None:
            try:
                pence = parse_pence(amt, comma_decimal=True)
            except AmountError as exc:
                st.add_problem(line, bad_amount(line, amt, exc) if amt
                               else no_amount(line, "transaction"), raw)
                return None
            if not self.sub_penny_noted and has_sub_penny(amt):
                self.sub_penny_noted = True
                st.notices.append(f"Line {line}: the amount '{amt}' has fractions of a "
                                  "penny; amounts were rounded to the nearest penny.")
        get = fields.get
        name = get("PAYEE.NAME") or get("NAME", "")
        memo = get("MEMO", "")
        desc = name if not memo or memo == name else (f"{name} {memo}" if name else memo)
        return Transaction(d, pence, desc, name, get("REFNUM") or get("CHECKNUM") or "",
                           get("FITID") or None, None, line, raw, get("TRNTYPE", ""),
                           max(self.acct_index, 0))

    def leaves_investment(self, tag: str) -> bool:
        """Inside an investment section, only a new bank or card statement counts."""
        if tag in _STMT_AGGS:
            self.in_invest = False
            return True
        return False

    def close_tag(self, tag: str) -> None:
        if tag in _ACCT_FROM:
            self.in_acct_from = False
            self.finish_account()
        elif tag in ("LEDGERBAL", "AVAILBAL"):
            self.finish_balance()
        elif tag == "INVSTMTRS":
            self.in_invest = False
        elif tag == "BANKTRANLIST":
            self.in_tranlist = False

    def open_tag(self, tag: str, val: str) -> None:
        """A tag outside a transaction: accounts, currency, period and balances."""
        st = self.st
        if self.bal_kind and tag not in ("BALAMT", "DTASOF"):
            self.finish_balance()
        if tag in _STMT_AGGS:
            st.accounts.append(AccountInfo())
            self.acct_index = len(st.accounts) - 1
            self.acct = {"CC": "1"} if tag == "CCSTMTRS" else {}
        elif tag == "INVSTMTRS":
            self.in_invest = True
            st.notices.append("An investment account in this file was skipped.")
        elif tag in _ACCT_FROM:
            self.in_acct_from = True
        elif self.in_acct_from and tag in ("BANKID", "BRANCHID", "ACCTID", "ACCTTYPE"):
            self.acct[tag] = val
            self.finish_account()
        elif tag == "CURDEF" and val and st.currency is None:
            st.currency = val.upper()
        elif tag == "BANKTRANLIST":
            self.in_tranlist = True
        elif self.in_tranlist and tag in ("DTSTART", "DTEND") and val:
            self.period(tag, val)
        elif tag in ("LEDGERBAL", "AVAILBAL"):
            self.bal_kind = tag
            self.bal.clear()
        elif self.bal_kind and tag in ("BALAMT", "DTASOF"):
            self.bal[tag] = val

    def period(self, tag: str, val: str) -> None:
        """DTSTART / DTEND of a transaction list: the widest period over all the lists."""
        st = self.st
        try:
            d = parse_ofx_datetime(val)
        except ValueError:
            return
        if tag == "DTSTART" and (st.period_start is None or d < st.period_start):
            st.period_start = d
        if tag == "DTEND" and (st.period_end is None or d > st.period_end):
            st.period_end = d

    def finish_balance(self) -> None:
        bal, st = self.bal, self.st
        if self.bal_kind and bal.get("BALAMT"):
            try:
                pence = parse_balance(bal["BALAMT"], comma_decimal=True)
                asof = parse_ofx_datetime(bal["DTASOF"]) if bal.get("DTASOF") else None
                if self.bal_kind == "LEDGERBAL":
                    st.ledger_balance = st.closing_balance = Balance(pence, asof)
                else:
                    st.available_balance = Balance(pence, asof)
            except (AmountError, ValueError):
                st.notices.append(f"The {self.bal_kind} balance in this file could not be "
                                  "read.")
        self.bal_kind = None
        bal.clear()

    def finish_account(self) -> None:
        acct, i = self.acct, self.acct_index
        if 0 <= i < len(self.st.accounts):
            self.st.accounts[i] = AccountInfo(
                acctid=acct.get("ACCTID") or None,
                bank_id=acct.get("BANKID") or None,
                sort_code=acct.get("BANKID") if _is_sort_code(acct.get("BANKID")) else None,
                account_number=acct.get("ACCTID") or None,
                account_type=acct.get("ACCTTYPE") or ("CREDITCARD" if "CC" in acct else None),
            )


def _is_sort_code(value: str | None) -> bool:
    digits = (value or "").replace("-", "")
    return len(digits) == 6 and digits.isdigit()
