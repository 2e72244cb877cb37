"""Timesheet pages on both databases: the week page (saving, mistakes named, adding rows),
approval and the locking it brings, who may approve (the holder's delegation), spreadsheet
upload with a preview that adds every shift or none, the template and exports."""

from __future__ import annotations

import csv
import io
from datetime import date, time

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.models import EmployerDetails, Shift, TimesheetApproval
from dpsupport.services import employment
from dpsupport.services import timesheets as service

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

MONDAY = date(2026, 5, 4)
TERMS = employment.ContractInput(
    effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
    day_rate_pence=1300, night_rate_pence=1400, weekend_rate_pence=None,
    bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
    weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
    pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
    right_to_work_date=None, dbs_check_date=None)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(employment, "today", lambda: date(2026, 5, 6))


def _count(session: Session, model: type) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org, "Jordan Price")
    users = {}
    for role in ("holder", "support_worker", "finance_officer"):
        users[role] = create_user(session, org, role, name=f"A {role}")
        grant(session, holder, users[role], role)
    users["org_admin"] = create_user(session, org, "org_admin", name="An admin")
    pa = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
        start_date=date(2026, 4, 6), leaving_date=None, starter_statement="A", tax_code=None,
        ni_category=None, student_loan_plan=None, postgraduate_loan=False,
        close_relative_in_household=False, council_approval_reference=None))
    employment.add_contract_version(session, holder, pa.id, TERMS)
    session.commit()
    return holder, pa, users


def _client(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


def _week(holder, pa) -> str:  # type: ignore[no-untyped-def]
    return f"/holders/{holder.id}/employment/{pa.id}/timesheet"


def _row(i: int, day: date, start: str, end: str, brk: str = "", kind: str = "day") -> dict:  # type: ignore[type-arg]
    return {f"shift-{i}-day": day.isoformat(), f"shift-{i}-start": start,
            f"shift-{i}-end": end, f"shift-{i}-break": brk, f"shift-{i}-kind": kind}


def _d(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def test_a_week_is_entered_on_one_page(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    client = _client(app, users["support_worker"])
    url = _week(holder, pa)
    page = client.get(f"{url}?week=2026-05-06").get_data(as_text=True)
    assert "week from 4 May 2026" in page and "week=2026-04-27" in page
    assert "week=2026-05-11" in page and 'name="shift-1-start"' in page
    # a mistake is named by its shift, linked to its box, and nothing is saved
    bad = post(client, url, {"week": "2026-05-04", "shift-count": "3",
                             **_row(0, MONDAY, "09:00", "17:00", "30"),
                             **_row(1, date(2026, 5, 5), "09:00", "25:00"),
                             **_row(2, MONDAY, "", "")})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "Shift 2: the end time 25:00 is not a time" in body
    assert 'href="#shift-1-end"' in body and 'id="shift-1-end-error"' in body
    assert _count(session, Shift) == 0
    # more rows without a script
    more = post(client, url, {"week": "2026-05-04", "shift-count": "1",
                              **_row(0, MONDAY, "09:00", "17:00"), "add_row": "1"})
    assert more.status_code == 200 and 'name="shift-1-start"' in more.get_data(as_text=True)
    good = post(client, url, {"week": "2026-05-04", "shift-count": "3",
                              **_row(0, MONDAY, "09:00", "17:00", "30"),
                              **_row(1, date(2026, 5, 5), "22:00", "07:00", "", "sleep_in"),
                              **_row(2, date(2026, 5, 6), "06:00", "10:00")})
    assert good.status_code == 302 and "week=2026-05-04" in good.headers["Location"]
    assert _count(session, Shift) == 3
    page = client.get(f"{url}?week=2026-05-04").get_data(as_text=True)
    assert "How we worked this out" in page
    assert "11 hours 30 minutes of work, £199.50 before tax" in page  # 7.5h + 4h + £50
    assert "Shifts that overlap" in page and "does not say how many hours" in page
    # removing a row leaves the others
    post(client, url, {"week": "2026-05-04", "shift-count": "2",
                       **_row(0, MONDAY, "09:00", "17:00", "30"),
                       **_row(1, date(2026, 5, 5), "06:00", "10:00"), "shift-1-remove": "y"})
    assert _count(session, Shift) == 1


def test_approval_locks_the_week_and_can_be_withdrawn(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    client = _client(app, users["holder"])
    url = _week(holder, pa)
    post(client, url, {"week": "2026-05-04", "shift-count": "1",
                       **_row(0, MONDAY, "09:00", "17:00", "30")})
    wrong = post(client, f"{url}/approve", {"week": "2026-05-04", **_d("period_start", MONDAY),
                                            **_d("period_end", date(2026, 5, 1))})
    assert wrong.status_code == 400
    assert "must be on or after the first" in wrong.get_data(as_text=True)
    done = post(client, f"{url}/approve", {"week": "2026-05-04", **_d("period_start", MONDAY),
                                           **_d("period_end", date(2026, 5, 10))})
    assert done.status_code == 302 and _count(session, TimesheetApproval) == 1
    page = client.get(f"{url}?week=2026-05-04").get_data(as_text=True)
    assert "is approved (by A holder)" in page and "Withdraw approval" in page
    refused = post(client, url, {"week": "2026-05-04", "shift-count": "1",
                                 **_row(0, date(2026, 5, 6), "09:00", "12:00")})
    assert refused.status_code == 400 and "is approved" in refused.get_data(as_text=True)
    assert _count(session, Shift) == 1
    session.rollback()
    approval = session.scalars(select(TimesheetApproval)).one()
    out = post(client, f"{url}/approvals/{approval.id}/withdraw", {"week": "2026-05-04"})
    assert out.status_code == 302 and _count(session, TimesheetApproval) == 0


def _delegated(session: Session, holder) -> bool:  # type: ignore[no-untyped-def]
    session.rollback()
    return bool(session.scalar(select(EmployerDetails.payroll_by_organisation)
                               .where(EmployerDetails.holder_id == holder.id)))


def test_staff_approve_only_where_the_holder_delegated_payroll(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    url = _week(holder, pa)
    period = {"week": "2026-05-04", **_d("period_start", MONDAY),
              **_d("period_end", date(2026, 5, 10))}
    worker, admin = _client(app, users["support_worker"]), _client(app, users["org_admin"])
    finance = _client(app, users["finance_officer"])
    for client in (worker, admin, finance):
        assert post(client, f"{url}/approve", period).status_code == 403
    assert "Approve this period" not in worker.get(url).get_data(as_text=True)
    employer = f"/holders/{holder.id}/employing/employer"
    form = {"paye_reference": "", "accounts_office_reference": "",
            "employment_allowance_claimed": "no"}
    # a support worker cannot turn it on: the box is not theirs
    assert "payroll_by_organisation" not in worker.get(employer).get_data(as_text=True)
    post(worker, employer, {**form, "payroll_by_organisation": "y"})
    assert not _delegated(session, holder)
    owner = _client(app, users["holder"])
    assert "payroll_by_organisation" in owner.get(employer).get_data(as_text=True)
    assert post(owner, employer, {**form, "payroll_by_organisation": "y"}).status_code == 302
    assert _delegated(session, holder)
    # the support worker saving other details leaves the holder's choice alone
    post(worker, employer, form)
    assert _delegated(session, holder)
    assert post(finance, f"{url}/approve", period).status_code == 403  # reads only
    assert post(worker, f"{url}/approve", period).status_code == 302
    session.rollback()
    approval = session.scalars(select(TimesheetApproval)).one()
    assert approval.approved_by_id == users["support_worker"].id
    assert post(admin, f"{url}/approvals/{approval.id}/withdraw",
                {"week": "2026-05-04"}).status_code == 302
    # the holder takes it back: staff are refused again
    post(owner, employer, form)
    assert not _delegated(session, holder)
    assert post(worker, f"{url}/approve", period).status_code == 403


def test_the_finance_officer_reads_and_changes_nothing(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    client = _client(app, users["finance_officer"])
    url = _week(holder, pa)
    page = client.get(url).get_data(as_text=True)
    assert "Save the week" not in page and "There are no shifts in this week" in page
    assert post(client, url, {"week": "2026-05-04", "shift-count": "1",
                              **_row(0, MONDAY, "09:00", "17:00")}).status_code == 403
    assert client.get(f"/holders/{holder.id}/timesheets/upload").status_code == 403
    assert client.get(f"/holders/{holder.id}/timesheets").status_code == 200


def test_a_spreadsheet_with_a_bad_row_changes_nothing(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, _pa, users = world
    client = _client(app, users["support_worker"])
    base = f"/holders/{holder.id}/timesheets"
    empty = post(client, f"{base}/upload", {}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Select a timesheet" in empty.get_data(as_text=True)
    data = (b"PA,Date,Start,End,Break,Kind\n"
            b"Sally Pope,04/05/2026,09:00,17:00,30,day\n"
            b"Sally Pope,05/05/2026,09:00,25:00,,day\n")
    sent = post(client, f"{base}/upload", {"file": (io.BytesIO(data), "week.csv")},
                content_type="multipart/form-data")
    assert sent.status_code == 302 and "ref=" in sent.headers["Location"]
    ref = sent.headers["Location"].split("ref=")[1]
    preview = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Row 3: the end time 25:00 is not a time" in preview
    assert "Add these shifts" not in preview
    forced = post(client, f"{base}/upload/confirm", {"ref": ref})
    assert forced.status_code == 400 and "none of its shifts were added" in forced.get_data(
        as_text=True)
    assert _count(session, Shift) == 0
    gone = post(client, f"{base}/upload/cancel", {"ref": ref})
    assert gone.status_code == 302
    assert client.get(f"{base}/upload/check?ref={ref}").status_code == 302  # used up


def test_a_good_spreadsheet_is_previewed_then_added(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    client = _client(app, users["holder"])
    base = f"/holders/{holder.id}/timesheets"
    template = client.get(f"{base}/template.xlsx")
    assert template.status_code == 200 and "attachment" in template.headers[
        "Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(template.data))
    wb["Shifts"].append(["Sally Pope", date(2026, 5, 4), time(22), time(7), None, "sleep_in"])
    wb["Shifts"].append([pa.id, "05/05/2026", "09:00", "13:00", 0, "Waking night"])
    out = io.BytesIO()
    wb.save(out)
    sent = post(client, f"{base}/upload", {"file": (io.BytesIO(out.getvalue()), "w.xlsx")},
                content_type="multipart/form-data")
    preview = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "2 shifts read from w.xlsx" in preview and "Add these shifts" in preview
    ref = sent.headers["Location"].split("ref=")[1]
    assert _count(session, Shift) == 0  # nothing yet
    assert post(client, f"{base}/upload/confirm", {"ref": ref}).status_code == 302
    assert _count(session, Shift) == 2


def test_exports_in_both_formats_never_run_a_cell(app, session, world) -> None:  # type: ignore[no-untyped-def]
    holder, pa, users = world
    service.add_shift(session, holder, pa.id, service.ShiftInput(MONDAY, time(9), time(10),
                                                                 0, "day"))
    pa.name = "=HYPERLINK(\"http://x\")"
    session.commit()
    client = _client(app, users["finance_officer"])
    base = f"/holders/{holder.id}/timesheets/export"
    period = {**_d("start", MONDAY), **_d("end", date(2026, 5, 10)), "employment": ""}
    got = client.get(base, query_string={**period, "format": "csv"})
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and rows[1][8] == "1300"
    got = client.get(base, query_string={**period, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(got.data)).active
    assert ws["A3"].data_type == "s" and ws["A3"].value.startswith("=HYPERLINK")
    wrong = client.get(base, query_string={**period, **_d("end", date(2026, 5, 1))})
    assert wrong.status_code == 400
    assert "The last day must be on or after the first day" in wrong.get_data(as_text=True)
    assert client.get(base).status_code == 200  # the form, empty
