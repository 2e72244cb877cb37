"""Named column layouts for UK banks and card providers.

Each profile is recognised from the heading row (all of ``header`` must be present, compared
after lower-casing and removing punctuation) or, for files without headings, by ``headerless``
(a check on the first data rows). Layouts are taken from the sample corpus; those marked
"(no sample)" come from importer configurations only and should be checked against a real
export when one is available.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import ColumnMapping


def norm_header(cell: object) -> str:
    s = str(cell or "").strip().lstrip("\ufeff'").lower()
    return re.sub(r"[^\w/()#]+", " ", s).replace("_", " ").strip()


@dataclass(frozen=True, slots=True)
class Profile:
    name: str  # format name is "csv:" + name (or "xlsx:" + name)
    label: str  # for people: "Nationwide current account"
    mapping: ColumnMapping
    header: tuple[str, ...] = ()  # normalised heading names that must all be present
    headerless: Callable[[Sequence[Sequence[str]]], bool] | None = None
    account_columns: tuple[str | int, ...] = ()  # columns holding sort code / account number
    card: bool = False
    exact: bool = False  # the headings must be exactly ``header`` (a very common layout)


_DMON = re.compile(r"^\d{1,2} [A-Za-z]{3} \d{2}$")
_DMY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_MONEY = re.compile(r"^-?[\d,]*\d(\.\d{1,2})?$")


def _barclaycard(rows: Sequence[Sequence[str]]) -> bool:
    return bool(rows) and all(len(r) == 7 and _DMON.match(r[0].strip()) for r in rows)


def _hsbc(rows: Sequence[Sequence[str]]) -> bool:
    return bool(rows) and all(
        len(r) == 3 and _DMY.match(r[0].strip()) and _MONEY.match(r[2].strip()) for r in rows
    )


M = ColumnMapping
PROFILES: tuple[Profile, ...] = (
    Profile(
        "nationwide", "Nationwide current account",
        M(date="date", debit="paid out", credit="paid in", balance="balance",
          description=("description",), payee="description", kind="transaction type",
          date_format="%d %b %Y"),
        header=("date", "transaction type", "description", "paid out", "paid in", "balance"),
    ),
    Profile(
        "nationwide_midata", "Nationwide (midata export)",
        M(date="date", amount="debit/credit", balance="balance",
          description=("type", "merchant/description"), payee="merchant/description",
          kind="type", date_format="%d/%m/%Y"),
        header=("date", "type", "merchant/description", "debit/credit", "balance"),
    ),
    Profile(
        "nationwide_card", "Nationwide credit card (no sample)",
        M(date="date", debit="paid out", credit="paid in", description=("transactions",),
          payee="transactions", date_format="%d %b %Y"),
        header=("date", "transactions", "location", "paid out", "paid in"), card=True,
    ),
    Profile(
        "lloyds", "Lloyds / Halifax / Bank of Scotland / TSB",
        M(date="transaction date", debit="debit amount", credit="credit amount",
          balance="balance", description=("transaction description",),
          payee="transaction description", kind="transaction type", date_format="%d/%m/%Y"),
        header=("transaction date", "transaction type", "sort code", "account number",
                "transaction description", "debit amount", "credit amount", "balance"),
        account_columns=("sort code", "account number"),
    ),
    Profile(
        "natwest", "NatWest / RBS / Ulster",
        M(date="date", amount="value", balance="balance", description=("description",),
          kind="type", date_format="%d/%m/%Y"),
        header=("date", "type", "description", "value", "balance", "account name",
                "account number"),
        account_columns=("account number",),
    ),
    Profile(
        "barclays", "Barclays",
        M(date="date", amount="amount", description=("memo",), kind="subcategory",
          reference="number", date_format="%d/%m/%Y"),
        header=("number", "date", "account", "amount", "subcategory", "memo"),
        account_columns=("account",),
    ),
    Profile(
        "barclaycard", "Barclaycard",
        M(date=0, credit=5, debit=6, description=(1,), payee=1, date_format="%d %b %y",
          header_row=0),
        headerless=_barclaycard, card=True,
    ),
    Profile(
        "starling", "Starling",
        M(date="date", amount="amount (gbp)", balance="balance (gbp)",
          description=("counter party", "reference"), payee="counter party",
          reference="reference", kind="type", date_format="%d/%m/%Y"),
        header=("date", "counter party", "reference", "type", "amount (gbp)", "balance (gbp)"),
    ),
    Profile(
        "monzo", "Monzo",
        M(date="date", amount="amount", description=("name", "description"), payee="name",
          reference="notes and #tags", bank_id="transaction id", kind="type",
          balance="balance", date_format="%d/%m/%Y"),
        header=("transaction id", "date", "time", "type", "name", "amount", "currency"),
    ),
    Profile(
        "monzo_legacy", "Monzo (2017-2018 export)",
        M(date="created", amount="amount", description=("description",), payee="description",
          reference="notes", bank_id="id", kind="category"),
        header=("id", "created", "amount", "currency", "local amount", "description"),
    ),
    Profile(
        "hsbc", "HSBC UK",
        M(date=0, amount=2, description=(1,), payee=1, date_format="%d/%m/%Y", header_row=0),
        headerless=_hsbc,
    ),
    Profile(
        "first_direct", "first direct",
        M(date="date", amount="amount", balance="balance", description=("description",),
          payee="description", date_format="%d/%m/%Y"),
        header=("date", "description", "amount", "balance"), exact=True,
    ),
    Profile(
        "john_lewis", "John Lewis Partnership card",
        M(date="date processed", amount="amount", description=("description",),
          payee="description", date_format="%d-%b-%Y", direction=3, credit_values=("CR",),
          sign="invert"),
        header=("date processed", "description", "amount"), card=True,
    ),
    Profile(
        "tesco_bank", "Tesco Bank credit card",
        M(date="transaction date", amount="billing amount",
          description=("merchant", "merchant city"), payee="merchant",
          reference="reference number", direction="debit/credit flag",
          credit_values=("CREDIT",), date_format="%d/%m/%Y"),
        header=("transaction date", "posting date", "billing amount", "merchant",
                "debit/credit flag"), card=True,
    ),
    Profile(
        "marcus", "Marcus by Goldman Sachs (no sample)",
        M(date="transactiondate", amount="value", balance="accountbalance",
          description=("description",), date_format="%Y%m%d"),
        header=("transactiondate", "description", "value", "accountbalance"),
        account_columns=("accountnumber",),
    ),
    Profile(
        "mbna", "MBNA credit card (no sample)",
        M(date="transaction date", amount="amount", description=("description",),
          payee="description", reference="reference", date_format="%d/%m/%Y", sign="invert"),
        header=("transaction date", "date entered", "reference", "description", "amount"),
        card=True,
    ),
    Profile(
        "revolut", "Revolut (no sample)",
        M(date="completed date", amount="amount", balance="balance",
          description=("description",), payee="description", kind="type"),
        header=("type", "product", "started date", "completed date", "description", "amount",
                "fee", "currency", "state", "balance"),
    ),
    Profile(
        "revolut_legacy", "Revolut, older export (no sample)",
        M(date="completed date", debit="paid out (gbp)", credit="paid in (gbp)",
          balance="balance (gbp)", description=("description",), payee="description"),
        header=("completed date", "description", "paid out (gbp)", "paid in (gbp)"),
    ),
)

BY_NAME = {p.name: p for p in PROFILES}


def match_header(cells: Sequence[object]) -> Profile | None:
    names = {norm_header(c) for c in cells}
    best: Profile | None = None
    for p in PROFILES:
        if p.exact and names - {""} != set(p.header):
            continue
        if p.header and all(h in names for h in p.header):
            if best is None or len(p.header) > len(best.header):
                best = p
    return best


def match_headerless(rows: Sequence[Sequence[str]]) -> Profile | None:
    for p in PROFILES:
        if p.headerless is not None and p.headerless(rows):
            return p
    return None
