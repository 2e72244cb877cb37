"""Santander UK "Text file" download: From:/Account: lines, then Date:/Description:/
Amount:/Balance: blocks (cp1252, non-breaking spaces, trailing spaces)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .amounts import AmountError, parse_balance, parse_pence
from .dates import DateError, DateReader
from .model import AccountInfo, Statement, Transaction
from .problems import bad_amount, bad_date
from .textio import check_line_lengths, decode

_FIELD = re.compile(r"^\s*(From|Account|Date|Description|Amount|Balance)\s*:\s*(.*)$", re.I)


def looks_like_santander(text: str) -> bool:
    head = text[:3000]
    return bool(re.search(r"^\s*From\s*:.*\bto\b", head, re.I | re.M)) and bool(
        re.search(r"^\s*Date\s*:", head, re.I | re.M)) and bool(
        re.search(r"^\s*Amount\s*:", head, re.I | re.M))


def read_santander(data: bytes) -> Statement:
    text, _ = decode(data)
    text = text.replace("\u00a0", " ")
    st = Statement(format="santander-txt", currency="GBP")
    lines = text.splitlines()
    check_line_lengths(lines)
    for ln in lines[:10]:
        m = _FIELD.match(ln)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "from":
            parts = re.split(r"\s+to\s+", value, flags=re.I)
            reader = DateReader("%d/%m/%Y")
            try:
                st.period_start = reader(parts[0])
                st.period_end = reader(parts[1]) if len(parts) > 1 else None
            except DateError:
                pass
        elif key == "account":
            st.accounts.append(AccountInfo(account_number=value))
    st.records = _records(lines, st)
    return st


def _records(lines: list[str], st: Statement) -> Iterator[Transaction]:
    dates = DateReader("%d/%m/%Y")
    block: dict[str, str] = {}
    start = 0

    def make(end: int) -> Transaction | None:
        raw = "\n".join(lines[start - 1:end]).strip()
        try:
            posted = dates(block.get("date", ""))
        except DateError:
            st.add_problem(start, bad_date(start, block.get("date", "")), raw)
            return None
        try:
            pence = parse_pence(block.get("amount", ""))
        except AmountError as exc:
            st.add_problem(start, bad_amount(start, block.get("amount", ""), exc), raw)
            return None
        try:
            balance = parse_balance(block["balance"]) if block.get("balance") else None
        except AmountError:
            balance = None
        desc = " ".join(block.get("description", "").split())
        return Transaction(posted=posted, amount_pence=pence, description=desc, payee=desc,
                           balance_pence=balance, line=start, raw=raw)

    for i, ln in enumerate(lines, 1):
        m = _FIELD.match(ln)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key in ("from", "account"):
            continue
        if key == "date":
            if block:
                rec = make(i - 1)
                if rec is not None:
                    yield rec
            block, start = {}, i
        block[key] = value
    if block:
        rec = make(len(lines))
        if rec is not None:
            yield rec
