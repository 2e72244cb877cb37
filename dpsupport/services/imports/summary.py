"""What an import (or a check) found: counts, sentences people read, and the JSON the
command line prints. Also the plain names of the file formats."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...statements import MAX_BYTES, BalanceCheck, ColumnMapping, Problem, profile_names
from ...text import plural

MAX_ROWS = 200_000
PREVIEW_ROWS = 10

FORMAT_LABELS = {
    "ofx": "OFX (Money) file",
    "qfx": "Quicken (QFX) file",
    "qif": "QIF file",
    "santander-txt": "Santander text statement",
    "xlsx": "Excel spreadsheet",
    "csv": "CSV (spreadsheet) file",
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS


@dataclass(frozen=True)
class PreviewRow:
    line: int
    posted: date
    amount_pence: int
    description: str
    payee: str
    duplicate: bool
    entered_by_hand: bool = False  # same date and amount as a payment typed in by hand
    category: str | None = None  # a new payment sorted like earlier ones (sorted_before)


@dataclass
class ImportSummary:
    """What an import (or a dry run) found and did. Every count is exact."""

    filename: str
    sha256: str
    format: str
    format_label: str
    account_id: int
    read_count: int = 0
    new_count: int = 0
    duplicate_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    money_in_pence: int = 0
    money_out_pence: int = 0
    new_in_pence: int = 0
    new_out_pence: int = 0
    balance_check: BalanceCheck | None = None
    first_rows: list[PreviewRow] = field(default_factory=list)
    hand_matches: int = 0
    # new payments given the category (and plan line) of the latest sorted payment in this
    # account to the same payee, in the same direction: see sorting.sorted_before
    sorted_like_before: int = 0
    earlier_imports: list[tuple[int, datetime]] = field(default_factory=list)  # (id, when)
    remembered_mapping: bool = False  # read with the column choices saved for the account
    used_bank_ids: bool = False
    mapping: ColumnMapping | None = None
    import_id: int | None = None
    written: bool = False
    # The file names a bank account other than the one this account's statements came
    # from before: the question to ask, in plain words ("" when there is none).
    other_account: str = ""
    # How the statement's closing balance compares with the app's on that date ("" when
    # the file gives no balance): see importing.compare_balance.
    balance_note: str = ""

    @property
    def rejected_count(self) -> int:
        return len(self.problems)

    def sorting_sentence(self) -> str:
        """What was (or would be) sorted like earlier payments; empty if nothing."""
        if not self.sorted_like_before:
            return ""
        n = self.sorted_like_before
        verb = ("was" if n == 1 else "were") if self.written else "will be"
        return (f"{plural(n, 'new payment')} {verb} sorted the same way as your earlier "
                "payments to or from the same people. You can change any of them.")

    def sentence(self) -> str:
        """One plain sentence: what was (or would be) added."""
        verb = "Added" if self.written else "This would add"
        parts = [f"{verb} {plural(self.new_count, 'new payment')}"]
        if self.duplicate_count:
            parts.append(f"{plural(self.duplicate_count, 'line')} already in this account "
                         f"{'was' if self.duplicate_count == 1 else 'were'} skipped"
                         if self.written else
                         f"{plural(self.duplicate_count, 'line')} already in this account "
                         "would be skipped")
        if self.problems:
            parts.append(f"{plural(len(self.problems), 'line')} could not be read")
        return "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "format": self.format,
            "account_id": self.account_id,
            "import_id": self.import_id,
            "written": self.written,
            "counts": {"read": self.read_count, "new": self.new_count,
                       "duplicates": self.duplicate_count, "rejected": self.rejected_count},
            "sorted_like_before": self.sorted_like_before,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "money_in_pence": self.money_in_pence,
            "money_out_pence": self.money_out_pence,
            "balance_check": None if self.balance_check is None else {
                "adds_up": self.balance_check.adds_up,
                "message": self.balance_check.message,
                "difference_pence": self.balance_check.difference_pence,
            },
            "problems": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "notices": list(self.notices),
            "earlier_imports": [{"import_id": i, "at": at.isoformat()}
                                for i, at in self.earlier_imports],
        }


_COUNTS = ("read_count", "new_count", "duplicate_count", "money_in_pence", "money_out_pence",
           "new_in_pence", "new_out_pence", "hand_matches", "sorted_like_before")


def to_stored(summary: ImportSummary) -> str:
    """Everything a check found, as JSON to keep with the upload (see `from_stored`)."""
    bc = summary.balance_check
    return json.dumps({
        "filename": summary.filename, "sha256": summary.sha256, "format": summary.format,
        "account_id": summary.account_id,
        **{name: getattr(summary, name) for name in _COUNTS},
        "problems": [[p.line, p.reason, p.raw] for p in summary.problems],
        "notices": summary.notices,
        "date_from": summary.date_from.isoformat() if summary.date_from else None,
        "date_to": summary.date_to.isoformat() if summary.date_to else None,
        "balance_check": None if bc is None else [bc.adds_up, bc.message,
                                                  bc.difference_pence, bc.order,
                                                  list(bc.breaks)],
        "first_rows": [[r.line, r.posted.isoformat(), r.amount_pence, r.description, r.payee,
                        r.duplicate, r.entered_by_hand, r.category] for r in summary.first_rows],
        "earlier_imports": [[i, at.isoformat()] for i, at in summary.earlier_imports],
        "remembered_mapping": summary.remembered_mapping,
        "used_bank_ids": summary.used_bank_ids,
        "mapping": summary.mapping.to_dict() if summary.mapping else None,
        "other_account": summary.other_account, "balance_note": summary.balance_note,
    }, ensure_ascii=False)


def from_stored(text: str) -> ImportSummary:
    """The summary `to_stored` kept. Raises ValueError (or KeyError) if it is not one."""
    d = json.loads(text)
    bc = d["balance_check"]
    summary = ImportSummary(
        filename=d["filename"], sha256=d["sha256"], format=d["format"],
        format_label=format_label(d["format"]), account_id=d["account_id"],
        problems=[Problem(line, reason, raw) for line, reason, raw in d["problems"]],
        notices=list(d["notices"]),
        date_from=date.fromisoformat(d["date_from"]) if d["date_from"] else None,
        date_to=date.fromisoformat(d["date_to"]) if d["date_to"] else None,
        balance_check=None if bc is None else BalanceCheck(bc[0], bc[1], bc[2], bc[3],
                                                           tuple(bc[4])),
        first_rows=[PreviewRow(r[0], date.fromisoformat(r[1]), *r[2:])
                    for r in d["first_rows"]],
        earlier_imports=[(i, datetime.fromisoformat(at)) for i, at in d["earlier_imports"]],
        remembered_mapping=d["remembered_mapping"], used_bank_ids=d["used_bank_ids"],
        mapping=ColumnMapping.from_dict(d["mapping"]) if d["mapping"] else None,
        other_account=d["other_account"], balance_note=d["balance_note"])
    for name in _COUNTS:
        setattr(summary, name, int(d[name]))
    return summary


def format_label(fmt: str) -> str:
    base, _, profile = fmt.partition(":")
    if base in ("csv", "xlsx") and profile and profile != "needs-mapping":
        label = profile_names().get(f"csv:{profile}")
        if label:
            # "in the layout" rather than the bank's name alone: several banks share a
            # layout, and a holder with another bank must not think we got theirs wrong
            return f"{'Excel' if base == 'xlsx' else 'CSV'} file in the {label} layout"
    return FORMAT_LABELS.get(base, fmt)
