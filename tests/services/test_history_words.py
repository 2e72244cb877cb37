"""Who changed what, in words: each kind of record's change as a sentence, with its details
in words, never a column name, an internal key or a private value. On both databases,
through the services that make the changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import Account, BudgetLine, FundingAgreement, Holder, Transaction, User
from dpsupport.services import agreements, employment, history, imports, plan, records
from dpsupport.services import history_words as words
from dpsupport.services.audit import Actor, acting_as

from ..support.factories import create_holder, create_org, create_user

STATEMENT = (b"Date,Description,Amount,Balance\n"
             b"01/05/2026,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n"
             b"03/05/2026,TESCO STORES,-12.50,987.50\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
RAW_NAMES = ("_pence", "_id", "sha256", "dedupe", "match_key", "fingerprint", "None")


def _setup(session: Session) -> tuple[Holder, User]:
    org = create_org(session)
    holder = create_holder(session, org, "Margaret Hill", start=date(2026, 4, 6))
    helen = create_user(session, org, "representative", name="Helen Hill")
    session.commit()
    return holder, helen


def _sentences(session: Session, holder: Holder) -> list[history.Change]:
    session.expire_all()
    return list(history.holder_history(session, holder, 1).changes)


def _latest(session: Session, holder: Holder, entity: str) -> history.Change:
    return next(c for c in _sentences(session, holder) if c.entity == entity)


def _all_words(change: history.Change) -> str:
    return " ".join([change.words.sentence] + [
        f"{d.label} {d.before or ''} {d.after or ''}" for d in change.words.details])


def _clean(change: history.Change) -> None:
    text = _all_words(change)
    for raw in RAW_NAMES:
        assert raw not in text, f"{raw!r} in {text!r}"


def test_a_payment_added_changed_and_removed(session) -> None:  # type: ignore[no-untyped-def]
    holder, helen = _setup(session)
    with acting_as(Actor(helen.id, helen.name)):
        line = plan.add_line(session, holder, plan.LineDetails("day_activities", "Day centre",
                                                               16000))
        tx = records.save_transaction(session, holder, None, when=date(2026, 5, 3),
                                      amount_pence=-4000, category="day_activities",
                                      budget_line_id=line.id, payee="Tesco", note=None)
    added = _latest(session, holder, "money_transaction")
    assert added.words.sentence == (
        "Helen Hill added a payment of £40.00 to Tesco on 3 May, sorted as Day centre.")
    details = {d.label: d.after for d in added.words.details}
    assert details["Amount"] == "\u2212£40.00" and details["Plan line"] == "Day centre"
    assert details["Date"] == "3 May 2026" and details["How it was added"] == "Typed in"
    assert "Added by" in details and details["Added by"] == "Helen Hill"
    _clean(added)
    assert added.after["amount_pence"] == -4000  # the record itself is kept as it was

    with acting_as(Actor(helen.id, helen.name)):
        tx = session.get(Transaction, tx.id)
        records.save_transaction(session, holder, tx, when=date(2026, 5, 3),
                                 amount_pence=-4500, category="day_activities",
                                 budget_line_id=line.id, payee="Tesco", note=None)
    changed = _latest(session, holder, "money_transaction")
    assert changed.words.sentence == (
        "Helen Hill changed the payment of £45.00 to Tesco on 3 May, sorted as Day centre: "
        "amount from \u2212£40.00 to \u2212£45.00.")
    _clean(changed)

    with acting_as(Actor(helen.id, helen.name)):
        records.delete_transaction(session, session.get(Transaction, tx.id))
    removed = _latest(session, holder, "money_transaction")
    assert removed.words.sentence == (
        "Helen Hill removed the payment of £45.00 to Tesco on 3 May, sorted as Day centre.")
    _clean(removed)


def test_plan_lines_and_the_agreement(session) -> None:  # type: ignore[no-untyped-def]
    holder, helen = _setup(session)
    officer = Actor(None, "Fran Officer")
    with acting_as(Actor(helen.id, helen.name)):
        line = plan.add_line(session, holder, plan.LineDetails("respite", "Short breaks", 12000))
        plan.change_line(session, line, plan.LineDetails("respite", "Short breaks", 15000))
    change = _latest(session, holder, "budget_line")
    assert change.words.sentence == (
        "Helen Hill changed the plan line “Short breaks” (£150.00 a payment period): "
        "planned each payment period from £120.00 to £150.00.")
    with acting_as(officer):
        agreement = session.scalars(select(FundingAgreement)).one()
        details = agreements.AgreementDetails(
            funder="Test Council", scheme="dp_england", option4_split=None,
            frequency=agreement.frequency, timing="advance", start_date=date(2026, 4, 6),
            end_date=None, client_contribution_pence=0, contribution_basis="net",
            contingency_reserve_pence=500000, surplus_threshold_weeks=52,
            opening_balance_pence=0, first_review_date=agreement.first_review_date)
        agreements.save_agreement(session, holder, details)
    terms = _latest(session, holder, "funding_agreement")
    assert terms.words.sentence == (
        "Fran Officer changed the funding agreement with Test Council: kept for emergencies "
        "and weeks of payments that may be held.")
    shown = {d.label: (d.before, d.after) for d in terms.words.details}
    assert shown == {"Kept for emergencies": ("£0.00", "£5,000.00"),
                     "Weeks of payments that may be held": ("8 weeks", "52 weeks")}
    with acting_as(officer):
        agreement = session.scalars(select(FundingAgreement)).one()
        agreements.add_amount_change(session, agreement, date(2026, 10, 1), 110000)
        agreements.add_one_off(session, agreement, date(2026, 6, 1), 25000, "Ramp")
    assert _latest(session, holder, "agreement_amount").words.sentence == (
        "Fran Officer added a regular amount of £1,100.00 from 1 October.")
    one_off = _latest(session, holder, "one_off_payment")
    assert one_off.words.sentence == (
        "Fran Officer added a one-off payment of £250.00 on 1 June for Ramp.")
    for change in _sentences(session, holder):
        _clean(change)


def test_an_import_and_a_receipt(session) -> None:  # type: ignore[no-untyped-def]
    holder, helen = _setup(session)
    account = session.scalars(select(Account)).one()
    tx = session.scalars(select(Transaction).where(Transaction.amount_pence < 0)).one()
    with acting_as(Actor(helen.id, helen.name)):
        imports.import_statement(session, account, STATEMENT, "may.csv")
        records.add_attachment(session, holder, tx, "receipt.png", PNG)
        session.commit()
    changes = _sentences(session, holder)
    receipt = next(c for c in changes if c.entity == "attachment")
    assert receipt.words.sentence == (
        "Helen Hill added a receipt receipt.png to the payment of £450.00 to A Patel on "
        "6 April, sorted as PA wages.")
    assert receipt.after["sha256"]  # kept in the record, not in the words
    imported = next(c for c in changes if c.action == "imported")
    assert imported.words.sentence.startswith("Helen Hill imported may.csv: ")
    started = next(c for c in changes if c.entity == "statement_import"
                   and c.action == "created")
    assert started.words.sentence == "Helen Hill added a bank statement import of may.csv."
    assert {d.label: d.after for d in started.words.details}["Kind of file"].startswith("CSV (")
    for change in changes:
        _clean(change)


def test_employing_a_pa_keeps_private_details_out(session) -> None:  # type: ignore[no-untyped-def]
    holder, helen = _setup(session)
    with acting_as(Actor(helen.id, helen.name)):
        pa = employment.add_employment(session, holder, employment.EmploymentInput(
            name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number="AB123456C",
            address="1 High Street", start_date=date(2026, 4, 6), leaving_date=None,
            starter_statement="A", tax_code=None, ni_category=None, student_loan_plan=None,
            postgraduate_loan=False, close_relative_in_household=False,
            council_approval_reference=None))
        employment.add_contract_version(session, holder, pa.id, employment.ContractInput(
            effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
            day_rate_pence=1300, night_rate_pence=None, weekend_rate_pence=None,
            bank_holiday_rate_pence=None, sleep_in_pence=None, hours_kind="regular",
            weekly_minutes=960, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
            pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
            right_to_work_date=None, dbs_check_date=None))
        employment.save_employer_details(session, holder, employment.EmployerInput(
            "123/AB45678", "123PX00123456", date(2027, 4, 1), True))
    changes = _sentences(session, holder)
    person = next(c for c in changes if c.entity == "employment")
    assert person.words.sentence == "Helen Hill added a personal assistant Sally Pope."
    shown = {d.label: d.after for d in person.words.details}
    assert shown["National Insurance number"] == "private, not shown here"
    assert "AB123456C" not in _all_words(person) and "High Street" not in _all_words(person)
    contract = next(c for c in changes if c.entity == "contract_version")
    assert contract.words.sentence == (
        "Helen Hill added a contract for Sally Pope from 6 April.")
    terms = {d.label: d.after for d in contract.words.details}
    assert terms["Day rate (an hour)"] == "£13.00" and terms["Hours a week"] == "16 hours"
    employer = next(c for c in changes if c.entity == "employer_details")
    assert employer.words.sentence == "Helen Hill added the employer details."
    assert {d.label: d.after for d in employer.words.details}["PAYE reference"] == "123/AB45678"
    for change in changes:
        _clean(change)


def test_names_are_looked_up_once_per_table_not_per_row(session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    holder, helen = _setup(session)
    line = session.scalars(select(BudgetLine)).one()
    with acting_as(Actor(helen.id, helen.name)):
        for day in range(1, 21):
            records.save_transaction(session, holder, None, when=date(2026, 5, day),
                                     amount_pence=-100 * day, category="pa_wages",
                                     budget_line_id=line.id, payee="Shop", note=None)
    session.expire_all()
    statements: list[str] = []

    def count(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = history.holder_history(session, holder, 1)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(page.changes) > 20
    assert len(statements) <= 1 + 3 * 3, statements  # the page, then a few tables a round


def _event(entity: str, action: str, before=None, after=None, summary=None) -> words.Event:  # type: ignore[no-untyped-def]
    return words.Event(datetime(2026, 5, 3, 9, 0, tzinfo=UTC), "Sam Worker", action, entity,
                       "7", summary, before, after)


def test_a_new_kind_of_record_reads_decently_without_an_entry() -> None:
    schema = history.schema()
    lookup = {"budget_line": {3: {"id": 3, "label": "Day centre", "planned_pence": 100}}}
    said = words.describe(_event("mileage_claim", "created", after={
        "id": 7, "holder_id": 1, "total_pence": 1234, "budget_line_id": 3, "miles": 12,
        "claim_date": "2026-05-03", "dedupe_key": "abc", "created_at": "2026-05-03T09:00:00"}),
        schema, lookup)
    assert said.sentence == "Sam Worker added a mileage claim."
    shown = {d.label: d.after for d in said.details}
    assert shown == {"Total": "£12.34", "Plan line": "Day centre", "Miles": "12",
                     "Claim date": "3 May 2026"}


def test_a_change_with_a_summary_reads_as_its_sentence() -> None:
    said = words.describe(_event("statement_import", "undone",
                                 summary="Undid the import of may.csv: removed 2 payments."),
                          history.schema(), {})
    assert said.sentence == "Sam Worker undid the import of may.csv: removed 2 payments."


def test_a_sensitive_change_says_only_that_it_changed() -> None:
    said = words.describe(_event("employment", "changed", before={"ni_number": "(not recorded)"},
                                 after={"ni_number": "changed"}), history.schema(),
                          {"employment": {7: {"id": 7, "name": "Sally Pope"}}})
    assert said.sentence == ("Sam Worker changed the personal assistant Sally Pope: "
                             "National Insurance number.")
    assert said.details == (words.Detail("National Insurance number", None,
                                         "Changed (private, not shown here)"),)


def test_every_model_column_has_words_without_its_code_name() -> None:
    """Whatever table a change comes from, no label is a column name."""
    for table, columns in history.schema().items():
        kind = words.kind_for(table)
        for column in columns:
            label = words.words_for_column(column, kind.labels)
            assert "_" not in label and not label.endswith((" id", " pence")), (table, label)


def test_access_given_and_a_payroll_record_read_as_sentences() -> None:
    schema = history.schema()
    lookup = {"app_user": {4: {"id": 4, "name": "Rita Rep"}, 5: {"id": 5, "name": "Ada Admin"}},
              "employment": {9: {"id": 9, "name": "Sally Pope"}}}
    given = words.describe(_event("holder_access", "created", after={
        "id": 7, "holder_id": 1, "user_id": 4, "role": "representative",
        "representative_type": "attorney", "granted_by_id": 5,
        "granted_at": "2026-05-03T09:00:00+00:00"}), schema, lookup)
    assert given.sentence == ("Sam Worker gave access to Rita Rep as Representative "
                              "(Attorney).")
    assert {d.label: d.after for d in given.details}["Given by"] == "Ada Admin"
    taken = words.describe(_event("holder_access", "deleted", before={
        "id": 7, "holder_id": 1, "user_id": 4, "role": "representative"}), schema, lookup)
    assert taken.sentence == "Sam Worker took away access to Rita Rep as Representative."
    shift = words.describe(_event("shift", "created", after={
        "id": 7, "employment_id": 9, "work_date": "2026-05-03", "start_time": "09:00:00",
        "end_time": "17:00:00", "break_minutes": 30, "kind": "day"}), schema, lookup)
    assert shift.sentence == "Sam Worker added a shift for Sally Pope on 3 May."
    shown = {d.label: d.after for d in shift.details}
    assert shown["Break"] == "30 minutes" and shown["Started"] == "09:00"
    assert shown["Personal assistant"] == "Sally Pope" and shown["Kind"] == "Day"
