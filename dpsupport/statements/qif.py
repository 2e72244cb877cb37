"""QIF (Quicken Interchange Format) bank, card and cash accounts.

Records are lines of ``<letter><value>`` ended by ``^``. We read D (date), T/U (amount),
P (payee), M (memo), N (cheque number / reference) and L (category, ignored); split lines
(S/E/$) are ignored because T already holds the total. Only !Type:Bank, !Type:CCard,
!Type:Cash, !Type:Oth A and !Type:Oth L sections are statements; categories, classes,
memorised payees and investment sections are skipped with a notice.
"""

from __future__ import annotations

from collections.abc import Iterator

from .amounts import AmountError, parse_pence
from .dates import DateError, DateReader, decide_order, in_plausible_range
from .model import AccountInfo, Statement, StatementError, Transaction
from .problems import bad_amount, bad_date, no_amount, no_date
from .textio import check_line_lengths, decode

_BANKISH = {"bank", "ccard", "cash", "oth a", "oth l"}


def read_qif(data: bytes) -> Statement:
    text, _ = decode(data)
    lines = text.splitlines()
    check_line_lengths(lines)
    st = Statement(format="qif")
    order, assumed = decide_order(
        ln.strip()[1:].strip() for ln in lines if ln.strip().startswith("D"))
    if order is None:
        raise StatementError("The dates in this file are written in two different ways (some "
                             "day first, some month first), so we cannot be sure what they "
                             "mean.")
    if assumed:
        st.notices.append("Every date in this file could be read either way round. We have "
                          "read them the UK way: day, then month.")
    elif order == "mdy":
        st.notices.append("The dates in this file are written month first (the American "
                          "way); we have read them that way.")
    if not any(ln.strip().lower().replace(" ", "").startswith("!type:") for ln in lines):
        if not any(ln.startswith(("D", "T")) for ln in lines):
            raise StatementError("This QIF file has no transactions in it.")
    st.records = _records(lines, st, DateReader(None, order))
    return st


def _records(lines: list[str], st: Statement, dates: DateReader) -> Iterator[Transaction]:
    section = "bank"
    in_account = False
    fields: dict[str, str] = {}
    start = 0
    skipped: set[str] = set()
    account_name = None

    def make(end: int) -> Transaction | None:
        raw = "\n".join(lines[start - 1:end])[:2000]
        d_txt = fields.get("D", "")
        amt = fields.get("T") or fields.get("U") or ""
        if not d_txt:
            st.add_problem(start, no_date(start, "transaction"), raw)
            return None
        try:
            posted = dates(d_txt)
            if not in_plausible_range(posted):
                raise DateError("range")
        except DateError:
            st.add_problem(start, bad_date(start, d_txt), raw)
            return None
        try:
            pence = parse_pence(amt)
        except AmountError as exc:
            st.add_problem(start, bad_amount(start, amt, exc) if amt
                           else no_amount(start, "transaction"), raw)
            return None
        payee, memo = fields.get("P", ""), fields.get("M", "")
        desc = payee if not memo or memo == payee else (f"{payee} {memo}" if payee else memo)
        return Transaction(posted=posted, amount_pence=pence, description=desc, payee=payee,
                           reference=fields.get("N", ""), line=start, raw=raw,
                           kind=fields.get("L", ""))

    for i, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("!"):
            low = s[1:].lower()
            if low.startswith("type:"):
                section = low[5:].strip()
                in_account = False
                if section not in _BANKISH and section not in skipped:
                    skipped.add(section)
                    st.notices.append(f"Line {i}: a '{s[6:].strip()}' section (not bank "
                                      "transactions) was skipped.")
            elif low.startswith("account"):
                in_account = True
            elif low.startswith(("option", "clear")):
                pass
            fields = {}
            continue
        if s.startswith("^"):
            if in_account:
                if account_name and not st.accounts:
                    st.accounts.append(AccountInfo(name=account_name))
                in_account = False
            elif fields and section in _BANKISH:
                rec = make(i - 1)
                if rec is not None:
                    yield rec
            fields = {}
            continue
        code, value = s[0], s[1:].strip()
        if in_account:
            if code == "N":
                account_name = value
            continue
        if not fields:
            start = i
        if code in "SE$%":
            continue
        fields.setdefault(code, value)
    if fields and section in _BANKISH and not in_account and ("D" in fields or "T" in fields):
        rec = make(len(lines))
        if rec is not None:
            yield rec
