"""Who changed what, in words people understand.

The audit trail keeps every change as it was made: the table, the action, and each column's
value before and after (`services/audit.py`). That record stays as it is. This module turns
one of its rows into a sentence and details underneath, for the "Who changed what" page:

    Helen Hill added a payment of £40.00 to Tesco on 3 May, sorted as Day centre.
        Amount: −£40.00 · Paid to: Tesco · Date: 3 May 2026 · Plan line: Day centre ...

It reads nothing from the database itself: `services/history.py` hands it the row, what each
column is (`Column`, read from the models) and the records the row's ids point to
(`Lookup`, fetched a page at a time, one query per table). So it is quick to test alone.

Rules:
- Column names never reach a page: each has words (`LABELS`, a record kind's own labels,
  or, for a column nobody named yet, its name in words without "_pence", "_id" ...).
- Money is pence and is written by `text.format_pence`; dates by `text.format_date`.
- Ids are written as the thing they point to ("Plan line: Day centre"), or "a record since
  removed" when it is gone.
- Internal-only columns (`HIDDEN`: a payment's dedupe key, a file's SHA-256 ...) are left
  out of the words; they stay in the stored record.
- A sensitive column (``info=sensitive()``) never shows a value: the trail does not keep
  one, and the words say only that it was changed.

Adding a kind of record: one entry in `KINDS`, naming it ("shift") and, if you like, how to
describe one from its values (`Record` helps: money, dates, codes and names). A table with
no entry still reads decently: its name in words, and every column in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models.banking import ACCOUNT_KINDS
from ..models.employment import (
    HOURS_KINDS,
    NI_CATEGORIES,
    PAY_FREQUENCIES,
    STARTER_STATEMENTS,
    STUDENT_LOAN_PLANS,
)
from ..models.funding import (
    ALL_CATEGORIES,
    CONTRIBUTION_BASES,
    FREQUENCIES,
    SCHEMES,
    TIMINGS,
)
from ..models.payroll import HOLIDAY_KINDS, PAY_RUN_STATUSES, PAYMENT_KINDS, SHIFT_KINDS
from ..models.people import NATIONS, ORGANISATION_KINDS, REPRESENTATIVE_TYPES, ROLES
from ..text import date_time, format_date, format_pence, hours, percent, plural

# --- what the writer is given ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """What a column holds, read from the model: ``kind`` is one of money, date, time,
    moment, bool, number, text; ``ref`` the table an id points to; ``sensitive`` from its info."""

    kind: str = "text"
    ref: str | None = None
    sensitive: bool = False


Schema = Mapping[str, Mapping[str, Column]]  # table: column: what it holds
Lookup = Mapping[str, Mapping[int, Mapping[str, Any]]]  # table: id: its values


@dataclass(frozen=True)
class Event:
    """One row of the audit trail, read back (values as the trail keeps them)."""

    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    summary: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class Detail:
    label: str
    before: str | None  # None: not shown (a new record has no before)
    after: str | None


@dataclass(frozen=True)
class Words:
    sentence: str
    details: tuple[Detail, ...] = ()


# --- columns in words ----------------------------------------------------------------------

# Columns that are only for the machine: left out of the words, kept in the record.
HIDDEN = frozenset({
    "id", "holder_id", "created_at", "agreement_id", "dedupe_key", "fingerprint", "match_key",
    "file_sha256", "sha256", "inputs_json", "bank_transaction_id", "running_balance_pence",
    "problems", "raw",
})

# Words for columns that mean the same wherever they are.
LABELS = {
    "amount_pence": "Amount", "date": "Date", "payee": "Paid to or from",
    "description": "Description", "note": "Note", "category": "Category",
    "budget_line_id": "Plan line", "account_id": "Bank account", "import_id": "From the statement",
    "source": "How it was added", "transaction_id": "Payment", "employment_id": "Personal assistant",
    "user_id": "Person", "created_by_id": "Added by", "uploaded_by_id": "Uploaded by",
    "approved_by_id": "Approved by", "undone_by_id": "Undone by", "granted_by_id": "Given by",
    "granted_at": "Given on", "uploaded_at": "Uploaded on", "approved_at": "Approved on",
    "undone_at": "Undone on", "pay_run_id": "Pay run", "payslip_id": "Payslip",
    "corrects_id": "Corrects the pay run", "name": "Name", "label": "Name",
    "filename": "File name", "size_bytes": "Size", "content_type": "Kind of file",
    "start_date": "Start date", "end_date": "End date", "effective_date": "From",
    "kind": "Kind", "status": "Status", "role": "Role", "tax_code": "Tax code",
    "ni_category": "National Insurance category", "ni_number": "National Insurance number",
    "date_of_birth": "Date of birth", "address": "Address", "first_day": "First day",
    "last_day": "Last day", "minutes": "Time", "frequency": "How often",
    "organisation_id": "Organisation", "support_worker_id": "Named support worker",
    "representative_type": "Kind of authority", "nation": "Nation",
}

# Coded columns' words, wherever the column appears (a record kind can override).
CODES: dict[str, Mapping[str, str]] = {
    "category": ALL_CATEGORIES, "scheme": SCHEMES, "timing": TIMINGS,
    "contribution_basis": CONTRIBUTION_BASES, "role": ROLES,
    "representative_type": REPRESENTATIVE_TYPES, "nation": NATIONS,
    "starter_statement": STARTER_STATEMENTS, "ni_category": NI_CATEGORIES,
    "student_loan_plan": STUDENT_LOAN_PLANS, "pay_frequency": PAY_FREQUENCIES,
    "hours_kind": HOURS_KINDS,
    "source": {"manual": "Typed in", "import": "From a bank statement"},
}

_SUFFIXES = ("_pence", "_id", "_at", "_bp", "_json")


def words_for_column(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A column's name in words: from the record kind, `LABELS`, or the name itself."""
    if labels and name in labels:
        return labels[name]
    if name in LABELS:
        return LABELS[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    text = name.replace("_", " ").strip()
    text = text.replace("ni ", "National Insurance ").replace("paye", "PAYE")
    return (text[:1].upper() + text[1:]) if text else "Detail"


# --- reading values ------------------------------------------------------------------------


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_pence(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Record:
    """A record's values, with helpers for describing it (used by `KINDS`)."""

    table: str
    values: Mapping[str, Any]
    schema: Schema
    lookup: Lookup
    year: int  # the year of the change: dates in it are written without it
    depth: int = 0

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else " ".join(str(value).split())

    def money(self, name: str) -> str:
        pence = _as_pence(self.values.get(name))
        return "" if pence is None else format_pence(abs(pence))

    def pence(self, name: str) -> int | None:
        return _as_pence(self.values.get(name))

    def date(self, name: str) -> str:
        day = _as_date(self.values.get(name))
        return "" if day is None else format_date(day, year=day.year != self.year)

    def code(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        codes = kind_for(self.table).codes.get(name) or CODES.get(name) or {}
        return codes.get(str(value), str(value))

    def name(self, column: str) -> str:
        """What the id in ``column`` points to, in words ("" when there is none)."""
        ref = self.schema.get(self.table, {}).get(column, Column()).ref
        value = self.values.get(column)
        if ref is None or value is None:
            return ""
        return name_of(ref, value, self.schema, self.lookup, self.year, self.depth + 1)


def name_of(table: str, row_id: Any, schema: Schema, lookup: Lookup, year: int,
            depth: int = 0) -> str:
    """The record ``row_id`` of ``table`` in words, as its kind describes it."""
    try:
        key = int(row_id)
    except (TypeError, ValueError):
        return "a record"
    values = lookup.get(table, {}).get(key)
    kind = kind_for(table)
    if values is None:
        return f"a {kind.noun} since removed"
    if depth > 3 or kind.describe is None:
        return f"{kind.article_for_new()}{kind.noun}".strip()
    return kind.describe(Record(table, values, schema, lookup, year, depth))


# --- record kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How to write about one kind of record.

    ``noun`` names it ("payment"); ``describe`` gives a whole phrase for one record from its
    values, without an article ("payment of £40.00 to Tesco on 3 May"); ``the`` for a
    record a holder has one of ("the funding agreement"); ``labels`` and ``codes`` give
    words for its own columns (``labels`` also sets their order), ``values`` a column's own
    way of writing its value; ``hidden`` more columns left out; ``verbs`` for created,
    changed and deleted when "added", "changed" and "removed" do not fit.
    """

    noun: str
    describe: Callable[[Record], str] | None = None
    the: bool = False
    article: str | None = None  # overrides "a"/"an"/"the" (use "" for none)
    labels: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    verbs: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def article_for_new(self) -> str:
        if self.article == "a":  # "a one-off": the sound, not the letter
            return "a "
        if self.article is not None:
            return f"{self.article} " if self.article else ""
        if self.the:
            return "the "
        return "an " if self.noun[:1].lower() in "aeiou" else "a "

    def article_for_known(self) -> str:
        if self.article == "a":
            return "the "
        if self.article is not None:
            return f"{self.article} " if self.article else ""
        return "the "


def _on(r: Record, column: str) -> str:
    day = r.date(column)
    return f" on {day}" if day else ""


def _payment(r: Record) -> str:
    pence = r.pence("amount_pence") or 0
    payee = r.text("payee")
    if pence >= 0:
        phrase = f"payment in of {r.money('amount_pence')}" + (f" from {payee}" if payee else "")
    else:
        phrase = f"payment of {r.money('amount_pence')}" + (f" to {payee}" if payee else "")
    phrase += _on(r, "date")
    line = r.name("budget_line_id") if r.depth < 2 else ""
    sorted_as = line or r.code("category")
    if sorted_as:
        phrase += f", sorted as {sorted_as}"
    return phrase


def _plan_line(r: Record) -> str:
    if r.depth:  # named from another record: its name is enough
        return r.text("label") or "a plan line"
    text = f"plan line “{r.text('label')}”"
    planned = r.money("planned_pence")
    return f"{text} ({planned} a payment period)" if planned else text


def _person(column: str) -> Callable[[Record], str]:
    return lambda r: r.name(column) or "a personal assistant"


KINDS: dict[str, Kind] = {
    "money_transaction": Kind(
        "payment", _payment,
        labels={"date": "Date", "amount_pence": "Amount", "payee": "Paid to or from",
                "category": "Category", "budget_line_id": "Plan line", "note": "Note",
                "description": "What the bank's statement says",
                "account_id": "Bank account", "source": "How it was added",
                "import_id": "From the statement"}),
    "budget_line": Kind("plan line", _plan_line,
                        labels={"label": "Name", "category": "Category",
                                "planned_pence": "Planned each payment period",
                                "outcome": "What it is for"}),
    "funding_agreement": Kind(
        "funding agreement", lambda r: f"funding agreement with {r.text('funder')}", the=True,
        labels={"funder": "Paid by", "scheme": "Type of funding",
                "option4_split": "Split between the options", "frequency": "How often",
                "timing": "In advance or in arrears",
                "client_contribution_pence": "Contribution each period",
                "contribution_basis": "How the contribution is paid",
                "contingency_reserve_pence": "Kept for emergencies",
                "surplus_threshold_weeks": "Weeks of payments that may be held",
                "opening_balance_pence": "Balance on the start date",
                "first_review_date": "First review",
                "review_interval_months": "Months between reviews"},
        codes={"frequency": FREQUENCIES}),
    "agreement_amount": Kind(
        "regular amount",
        lambda r: f"regular amount of {r.money('amount_pence')} from {r.date('effective_date')}",
        labels={"amount_pence": "Amount each period"}),
    "one_off_payment": Kind(
        "one-off payment",
        lambda r: (f"one-off payment of {r.money('amount_pence')}{_on(r, 'date')}"
                   + (f" for {r.text('description')}" if r.text("description") else "")),
        article="a", labels={"description": "What for"}),
    "statement_import": Kind(
        "bank statement import", lambda r: f"bank statement import of {r.text('filename')}",
        labels={"filename": "File name", "file_format": "Kind of file",
                "statement_start": "Statement from",
                "statement_end": "Statement to", "new_count": "New payments",
                "duplicate_count": "Payments already here", "rejected_count": "Lines not read",
                "balance_check": "Balance check", "closing_date": "Closing date",
                "closing_balance_pence": "Closing balance"},
        codes={"status": {"imported": "Imported", "undone": "Undone"}},
        values={"file_format": lambda v: " ".join(
            part.upper() if i == 0 else f"({part.replace('_', ' ').title()})"
            for i, part in enumerate(str(v).split(":", 1)))}),
    "attachment": Kind(
        "receipt",
        lambda r: (f"receipt {r.text('filename')}"
                   + (f" to the {r.name('transaction_id')}" if r.name("transaction_id") else "")),
        labels={"transaction_id": "On the payment"}),
    "account": Kind("bank account", lambda r: (r.text("name") if r.depth
                                               else f"bank account “{r.text('name')}”"),
                    labels={"name": "Name", "kind": "Kind of account", "bank_name": "Bank",
                            "last4": "Last 4 digits",
                            "statement_last4": "Last 4 digits on statements"},
                    codes={"kind": ACCOUNT_KINDS}),
    "employment": Kind(
        "personal assistant",
        lambda r: r.text("name") if r.depth else f"personal assistant {r.text('name')}",
        labels={"leaving_date": "Leaving date", "starter_statement": "Starter checklist",
                "student_loan_plan": "Student loan plan", "postgraduate_loan": "Postgraduate loan",
                "close_relative_in_household": "A close relative living in the household",
                "council_approval_reference": "Council's approval reference"}),
    "contract_version": Kind(
        "contract",
        lambda r: f"contract for {_person('employment_id')(r)} from {r.date('effective_date')}",
        labels={"pay_day": "Pay day", "day_rate_pence": "Day rate (an hour)",
                "night_rate_pence": "Night rate (an hour)",
                "weekend_rate_pence": "Weekend rate (an hour)",
                "bank_holiday_rate_pence": "Bank holiday rate (an hour)",
                "sleep_in_pence": "Sleep-in (a night)", "hours_kind": "Hours",
                "weekly_minutes": "Hours a week", "holiday_year_start": "Holiday year starts",
                "rolled_up_holiday": "Holiday pay rolled up", "pension_scheme": "Pension scheme",
                "pension_employee_bp": "Pension: the PA pays",
                "pension_employer_bp": "Pension: the employer pays",
                "written_statement_date": "Written statement given",
                "right_to_work_date": "Right to work checked", "dbs_check_date": "DBS check"}),
    "employer_details": Kind(
        "employer details", lambda r: "employer details", the=True,
        labels={"paye_reference": "PAYE reference",
                "accounts_office_reference": "Accounts Office reference",
                "insurance_renewal_date": "Insurance renewal",
                "employment_allowance_claimed": "Employment Allowance claimed",
                "payroll_by_organisation": "Payroll run by the organisation"}),
    "holder_access": Kind(
        "access",
        lambda r: (f"access to {r.name('user_id') or 'someone'} as {r.code('role')}"
                   + (f" ({r.code('representative_type').split(' (')[0]})"
                      if r.get("representative_type") else "")),
        article="", verbs={"created": "gave", "deleted": "took away"}),
    "holder": Kind("details", lambda r: f"details of {r.text('name')}", the=True,
                   labels={"preferred_name": "Preferred name", "notes": "Notes"}),
    "app_user": Kind("person", lambda r: r.text("name") or "someone", article=""),
    "organisation": Kind("organisation", lambda r: r.text("name") or "an organisation",
                         article="", codes={"kind": ORGANISATION_KINDS}),
    # Payroll records (their pages are still to come; their words are ready).
    "shift": Kind("shift", lambda r: f"shift for {_person('employment_id')(r)}"
                  f"{_on(r, 'work_date')}", codes={"kind": SHIFT_KINDS},
                  labels={"work_date": "Day", "start_time": "Started", "end_time": "Ended",
                          "break_minutes": "Break"}),
    "timesheet_approval": Kind("timesheet approval",
                               lambda r: f"timesheet for {_person('employment_id')(r)} from "
                                         f"{r.date('period_start')} to {r.date('period_end')}",
                               verbs={"created": "approved"}),
    "pay_run": Kind("pay run", lambda r: f"pay run for {r.date('period_start')} to "
                    f"{r.date('period_end')}", codes={"status": PAY_RUN_STATUSES,
                                                      "frequency": PAY_FREQUENCIES}),
    "payslip": Kind("payslip", lambda r: f"payslip for {_person('employment_id')(r)} "
                    f"(net pay {r.money('net_pence')})"),
    "payment_due": Kind("payment due", lambda r: f"payment due of {r.money('amount_pence')} to "
                        f"{r.text('payee')}{_on(r, 'due_date')}", codes={"kind": PAYMENT_KINDS}),
    "holiday_entry": Kind("holiday entry", lambda r: f"holiday for {_person('employment_id')(r)}"
                          f" from {r.date('first_day')} to {r.date('last_day')}",
                          codes={"kind": HOLIDAY_KINDS}),
    "sickness_spell": Kind("sickness absence",
                           lambda r: f"sickness absence for {_person('employment_id')(r)} "
                                     f"from {r.date('first_day')}",
                           labels={"qualifying_days": "Qualifying days",
                                   "fit_note": "Fit note"}),
}

VERBS = {"created": "added", "changed": "changed", "deleted": "removed"}
PRIVATE = "private, not shown here"
# Labels that start with a name keep their capital letter inside a sentence.
_PROPER = ("National", "PAYE", "Accounts", "Employment", "DBS", "Council")


def _in_sentence(label: str) -> str:
    return label if label.startswith(_PROPER) else label[:1].lower() + label[1:]


def kind_for(table: str) -> Kind:
    """The table's entry in `KINDS`, or a plain one named from the table."""
    return KINDS.get(table) or Kind(table.replace("_", " ").strip() or "record")


# --- writing -------------------------------------------------------------------------------


def value_words(table: str, column: str, value: Any, schema: Schema, lookup: Lookup,
                year: int) -> str:
    """One column's value in words."""
    info = schema.get(table, {}).get(column, Column())
    if info.sensitive:
        return PRIVATE
    if value is None or value == "":
        return "not given"
    custom = kind_for(table).values.get(column)
    if custom is not None:
        return custom(value)
    ref = info.ref
    if ref is None and column.endswith("_id") and column[:-3] in lookup:
        ref = column[:-3]  # a table the models do not describe yet: its name says
    if ref is not None:  # named in full: the year is written
        return name_of(ref, value, schema, lookup, 0, 1)
    codes = kind_for(table).codes.get(column) or CODES.get(column)
    if codes is not None:
        return codes.get(str(value), str(value))
    if info.kind == "bool" or isinstance(value, bool):
        return "Yes" if value else "No"
    if info.kind == "money" or column.endswith("_pence"):
        pence = _as_pence(value)
        return format_pence(pence) if pence is not None else str(value)
    known = column in schema.get(table, {})
    if info.kind == "date" or (not known and isinstance(value, str) and len(value) == 10
                               and _as_date(value) is not None):
        day = _as_date(value)
        return format_date(day) if day else str(value)
    if info.kind == "time":  # "09:00:00" as people write it: 09:00
        return str(value)[:5]
    if info.kind == "moment":
        moment = _as_moment(value)
        return date_time(moment) if moment else str(value)
    if column.endswith("_minutes") or column == "minutes":
        if not isinstance(value, int):
            return str(value)
        return hours(value) if value >= 60 else plural(value, "minute")
    if column.endswith("_bp"):
        return percent(value) if isinstance(value, int) else str(value)
    if column.endswith("_weeks"):
        return f"{value} weeks"
    if column.endswith("_months"):
        return f"{value} months"
    if isinstance(value, int):
        return f"{value:,}"
    return " ".join(str(value).split())


def _shown_columns(kind: Kind, names: set[str]) -> list[str]:
    """The columns to write about: the kind's own labels in their order, then the rest
    by name."""
    order = list(kind.labels)
    return sorted((n for n in names if n not in HIDDEN and n not in kind.hidden),
                  key=lambda n: (order.index(n) if n in order else len(order), n))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _lower_word(text: str) -> str:
    """"Added" → "added", inside a sentence; "HMRC" or "Tesco's" stay as they are only
    when they are acronyms (a capital followed by a capital)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _from_summary(actor: str, summary: str) -> str:
    """A summary ("Imported may.csv: Added 2 new payments.") after the person's name."""
    text = _lower_word(summary.strip())
    head, colon, tail = text.partition(": ")
    if colon:
        text = f"{head}: {_lower_word(tail)}"
    return f"{actor} {text}" + ("" if text.endswith((".", "!", "?")) else ".")


def describe(event: Event, schema: Schema, lookup: Lookup) -> Words:
    """The sentence for one audit row, and its details in words."""
    kind = kind_for(event.entity)
    year = event.at.year
    before, after = dict(event.before or {}), dict(event.after or {})
    columns = _shown_columns(kind, set(before) | set(after))

    def label(column: str) -> str:
        return words_for_column(column, kind.labels)

    def value(column: str, values: Mapping[str, Any]) -> str:
        return value_words(event.entity, column, values.get(column), schema, lookup, year)

    def private(column: str) -> bool:
        return schema.get(event.entity, {}).get(column, Column()).sensitive

    if event.action == "created":
        details = tuple(Detail(label(c), None, value(c, after)) for c in columns
                        if after.get(c) not in (None, ""))
    elif event.action == "deleted":
        details = tuple(Detail(label(c), value(c, before), None) for c in columns
                        if before.get(c) not in (None, ""))
    else:
        details = tuple(Detail(label(c), None, f"Changed ({PRIVATE})") if private(c)
                        else Detail(label(c), value(c, before), value(c, after))
                        for c in columns)

    if event.summary:
        return Words(_from_summary(event.actor, event.summary), details)
    if event.action not in VERBS:  # an event with no row change and nothing said
        return Words(f"{event.actor} {event.action.replace('_', ' ')}: "
                     f"{kind.article_for_new()}{kind.noun}.", details)

    verb = kind.verbs.get(event.action, VERBS[event.action])
    if event.action == "changed":
        # The record as it was just after the change: what is there now, and this change.
        current = _current(event, lookup)
        values = {**current, **after} if current is not None else None
    else:
        values = after if event.action == "created" else before
    phrase = (kind.describe(Record(event.entity, values, schema, lookup, year))
              if kind.describe is not None and values else kind.noun)
    article = kind.article_for_new() if event.action == "created" else kind.article_for_known()
    sentence = f"{event.actor} {verb} {article}{phrase}"
    if event.action == "changed" and details:
        first = details[0]
        if len(details) == 1 and first.before is not None:
            sentence += f": {_in_sentence(first.label)} from {first.before} to {first.after}"
        else:
            sentence += ": " + _and([_in_sentence(d.label) for d in details])
    return Words(sentence.rstrip(".") + ".", details)


def _current(event: Event, lookup: Lookup) -> Mapping[str, Any] | None:
    try:
        key = int(event.entity_id or "")
    except ValueError:
        return None
    return lookup.get(event.entity, {}).get(key)
