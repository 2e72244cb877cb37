"""The pay run pages: pay runs, payslips (readable and printable, every figure with its
working), the year-end summary (P60 figures), what the employer must pay and when, the
figures for HMRC, and the spreadsheet export. On both databases; every page is checked by
tests/support/pagecheck.py. Pay runs are built from payroll_rules by
tests/support/payroll_factories.py, so the figures are real."""

from __future__ import annotations

import html
import io
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.services import employment
from dpsupport.services import payslips as service
from dpsupport.text import format_pence
from payroll_rules import PayInput

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in
from ..support.payroll_factories import NEST, Pay, add_pa, monthly_period, pay_run

ON = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
ALLOWANCE = 1_050_000  # £10,500 Employment Allowance in 2026/27 (payroll_rules' data)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "today", lambda: ON)
    monkeypatch.setattr(employment, "today", lambda: ON)


def _pence(value: Decimal) -> int:
    return int(value * 100)


class Book:
    """A holder with two PAs paid in April and May 2026 (approved) and a draft for June."""

    def __init__(self, session: Session) -> None:
        org = create_org(session, "Riverside")
        self.holder = create_holder(session, org, "Jordan Price")
        self.worker = create_user(session, org, "support_worker", name="Sam Worker")
        self.finance = create_user(session, org, "finance_officer", name="Fay Finance")
        grant(session, self.holder, self.worker, "support_worker")
        grant(session, self.holder, self.finance, "finance_officer")
        employment.save_employer_details(session, self.holder, employment.EmployerInput(
            paye_reference="123/AB45678", accounts_office_reference="123PX00123456",
            insurance_renewal_date=None, employment_allowance_claimed=True))
        self.sally = add_pa(session, self.holder, "Sally Pope", student_loan_plan="2",
                            postgraduate_loan=True, pension=True)
        self.tom = add_pa(session, self.holder, "Tom Reed", ni_number="CE654321D",
                          weekly_minutes=None)
        self.april = pay_run(session, self.holder, [
            Pay(self.sally, 160 * 60, 1300, NEST), Pay(self.tom, 40 * 60, 1250)],
            month=4, allowance_pence=ALLOWANCE)
        self.may = pay_run(session, self.holder, [
            Pay(self.sally, 180 * 60, 1300, NEST), Pay(self.tom, 30 * 60, 1250)],
            month=5, allowance_pence=ALLOWANCE)
        self.june = pay_run(session, self.holder, [Pay(self.sally, 100 * 60, 1300, NEST)],
                            month=6, approved=False)
        session.commit()

    def slip(self, run, person):  # type: ignore[no-untyped-def]
        return next(s for s in run.payslips if s.employment_id == person.id)


@pytest.fixture
def book(session: Session) -> Book:
    return Book(session)


def _page(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return html.unescape(response.get_data(as_text=True))


def _expected_may_sally() -> payroll_rules.PayResult:
    """Sally's May pay worked out here, independently of the pages: April's taxable pay and
    tax are the pay and tax to date."""
    april = payroll_rules.calculate(PayInput(
        pay_date=date(2026, 4, 24), frequency="monthly", period=1,
        gross_pay=Decimal("2080.00"), tax_code="1257L", pension=NEST,
        student_loan_plan="2", postgraduate_loan=True))
    return payroll_rules.calculate(PayInput(
        pay_date=date(2026, 5, 29), frequency="monthly", period=2,
        gross_pay=Decimal("2340.00"), tax_code="1257L",
        previous_pay_to_date=april.taxable_pay, previous_tax_to_date=april.income_tax,
        pension=NEST, student_loan_plan="2", postgraduate_loan=True))


# --- the payslip ----------------------------------------------------------------------------

def test_payslip_shows_payroll_rules_figures_with_their_working(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    slip = book.slip(book.may, book.sally)
    page = _page(client, f"/holders/{book.holder.id}/pay/payslips/{slip.id}")
    want = _expected_may_sally()
    assert "Payslip for Sally Pope, 1 May 2026 to 31 May 2026" in page
    for label, value in [("Gross pay", want.gross_pay), ("Income tax", want.income_tax),
                         ("National Insurance", want.employee_ni),
                         ("Pension", want.employee_pension),
                         ("Postgraduate loan", want.postgraduate_loan),
                         ("Employer National Insurance", want.employer_ni),
                         ("Employer pension contribution", want.employer_pension)]:
        assert re.search(re.escape(label) + r"</th>\s*<td[^>]*>(<strong>)?"
                         + re.escape(format_pence(_pence(value))), page), label
    assert f'<p class="dp-figure dp-money">{format_pence(_pence(want.net_pay))}</p>' in page
    # every line of payroll_rules' own explanation is on the page
    for line in want.explain():
        assert line in page
    assert page.count("How we worked this out") >= 9
    # whose payslip, from whom
    assert "Jordan Price" in page and "123/AB45678" in page
    assert "AB 12 34 56 C" in page and "1257L" in page and "A: most employees" in page
    assert "Month 2 of 2026 to 2027" in page and "29 May 2026" in page
    assert "180 hours of day shifts at £13.00 an hour" in page


def test_payslip_year_to_date_adds_the_earlier_payslip(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    april, may = book.slip(book.april, book.sally), book.slip(book.may, book.sally)
    page = _page(client, f"/holders/{book.holder.id}/pay/payslips/{may.id}")
    section = page.split("This tax year so far")[1].split("Paid by the employer")[0]
    tax_to_date = april.tax_pence + may.tax_pence
    assert format_pence(tax_to_date) == format_pence(may.tax_to_date_pence)
    assert re.search(r"Income tax</th>\s*<td[^>]*>" + re.escape(format_pence(tax_to_date)),
                     section)
    assert format_pence(april.gross_pence + may.gross_pence) in section
    assert (f"Earlier payslips this tax year in this job: {format_pence(april.tax_pence)}; "
            f"this payslip: {format_pence(may.tax_pence)}") in section


def test_a_draft_payslip_says_not_to_pay_from_it(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    slip = book.slip(book.june, book.sally)
    page = _page(client, f"/holders/{book.holder.id}/pay/payslips/{slip.id}")
    assert "Draft: this pay run is not approved yet. Do not pay from this payslip." in page


def test_someone_elses_payslip_pay_run_and_year_end_are_not_found(client, session, book: Book) -> None:  # type: ignore[no-untyped-def]
    # another holder of the same organisation, whom the same support worker may see
    other = create_holder(session, book.holder.organisation, "Other Person")
    grant(session, other, book.worker, "support_worker")
    session.commit()
    sign_in(client, book.worker)
    slip = book.slip(book.may, book.sally)
    base = f"/holders/{other.id}/pay"
    for url in (f"{base}/payslips/{slip.id}", f"{base}/{book.may.id}",
                f"{base}/{book.may.id}/pay-run.xlsx", f"{base}/year-end/2026/{book.sally.id}"):
        assert client.get(url).status_code == 404, url
    # and nothing of Jordan's shows on the other holder's pages
    for url in (base, f"{base}/payments", f"{base}/hmrc", f"{base}/year-end"):
        body = _page(client, url)
        assert "Sally Pope" not in body and "Tom Reed" not in body


# --- a pay run --------------------------------------------------------------------------------

def test_pay_run_page_has_each_pa_and_the_cost(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/pay/{book.may.id}")
    sally, tom = book.slip(book.may, book.sally), book.slip(book.may, book.tom)
    cost = sum(s.gross_pence + s.employer_ni_pence + s.employer_pension_pence
               for s in (sally, tom))
    assert "Pay run for 1 May 2026 to 31 May 2026" in page
    assert format_pence(sally.net_pence) in page and format_pence(tom.net_pence) in page
    assert format_pence(cost) in page
    assert "Download this pay run as a spreadsheet" in page
    assert "Correct this pay run" in page and "Approve the pay run" not in page
    assert "HM Revenue and Customs" in page


def test_draft_pay_run_needs_the_box_ticked_to_approve(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    url = f"/holders/{book.holder.id}/pay/{book.june.id}"
    page = _page(client, url)
    assert "This pay run is a draft" in page and "Approve the pay run" in page
    response = post(client, f"{url}/approve", {})
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    assert "Tick the box to say you have checked the pay run before you approve it" in body
    assert "There is a problem" in body


def test_pay_runs_list_links_every_run(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/pay")
    for run in (book.april, book.may, book.june):
        assert f"/holders/{book.holder.id}/pay/{run.id}" in page
    assert page.index("1 June 2026") < page.index("1 May 2026") < page.index("1 April 2026")
    assert "Draft" in page and "Approved" in page


def test_employment_index_links_to_the_pay_pages(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/employing")
    for path in ("pay", "pay/payments", "pay/hmrc", "pay/year-end"):
        assert f'href="/holders/{book.holder.id}/{path}"' in page


# --- the spreadsheet ---------------------------------------------------------------------------

def test_export_is_one_row_per_pa_with_the_payslip_figures(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.finance)  # a finance officer may download it
    response = client.get(f"/holders/{book.holder.id}/pay/{book.may.id}/pay-run.xlsx")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument"
                                 ".spreadsheetml.sheet")
    assert 'filename="pay-run-2026-05-01.xlsx"' in response.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(service.EXPORT_COLUMNS)
    assert len(rows) == 3
    col = {name: i for i, name in enumerate(rows[0])}
    want = _expected_may_sally()
    sally = next(r for r in rows[1:] if r[0] == "Sally Pope")
    tom = next(r for r in rows[1:] if r[0] == "Tom Reed")
    assert sally[col["National Insurance number"]] == "AB 12 34 56 C"
    assert sally[col["Tax code"]] == "1257L" and sally[col["NI category"]] == "A"
    assert sally[col["Tax period"]] == 2
    assert sally[col["Pay date"]].date() == date(2026, 5, 29)
    assert sally[col["Period start"]].date() == date(2026, 5, 1)
    assert sally[col["Hours worked"]] == 180
    for name, value in [("Gross pay", want.gross_pay), ("Taxable pay", want.taxable_pay),
                        ("Income tax", want.income_tax),
                        ("Employee National Insurance", want.employee_ni),
                        ("Employer National Insurance", want.employer_ni),
                        ("Employee pension", want.employee_pension),
                        ("Employer pension", want.employer_pension),
                        ("Student loan", want.student_loan),
                        ("Postgraduate loan", want.postgraduate_loan),
                        ("Net pay", want.net_pay)]:
        assert Decimal(str(sally[col[name]])) == value, name
    april = book.slip(book.april, book.sally)
    may = book.slip(book.may, book.sally)
    assert Decimal(str(sally[col["Tax to date"]])) == Decimal(april.tax_pence
                                                              + may.tax_pence).scaleb(-2)
    # 2026/27 monthly: LEL £559, PT £1,048; £2,080 and £2,340 both pass the PT
    assert Decimal(str(sally[col["NI earnings at LEL to date"]])) == Decimal("1118")
    assert Decimal(str(sally[col["NI earnings LEL to PT to date"]])) == Decimal("978")
    assert Decimal(str(sally[col["NI earnings PT to UEL to date"]])) == (
        Decimal("2080") - 1048 + Decimal("2340") - 1048)
    assert Decimal(str(tom[col["Gross pay"]])) == Decimal("375.00")
    assert tom[col["National Insurance number"]] == "CE 65 43 21 D"
    assert ws.cell(2, col["Gross pay"] + 1).number_format == service.MONEY_FORMAT


# --- year end ----------------------------------------------------------------------------------

def test_year_end_summary_has_the_p60_figures(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    index = _page(client, f"/holders/{book.holder.id}/pay/year-end")
    url = f"/holders/{book.holder.id}/pay/year-end/2026/{book.sally.id}"
    assert url in index
    page = _page(client, url)
    april, may = book.slip(book.april, book.sally), book.slip(book.may, book.sally)
    assert "Sally Pope: pay and tax for 2026 to 2027" in page
    assert "has not ended yet" in page
    assert format_pence(april.taxable_pence + may.taxable_pence) in page
    assert format_pence(april.tax_pence + may.tax_pence) in page
    assert format_pence(april.employee_ni_pence + may.employee_ni_pence) in page
    assert format_pence(april.postgraduate_loan_pence + may.postgraduate_loan_pence) in page
    row = page.split('<th scope="row" class="govuk-table__header">A</th>')[1].split("</tr>")[0]
    assert re.findall(r"£[\d,]+(?:\.\d\d)?", row)[:3] == ["£1,118", "£978", "£2,324"]
    assert "123/AB45678" in page and "Final tax code" in page


def test_year_end_for_a_year_without_pay_is_not_found(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    assert client.get(f"/holders/{book.holder.id}/pay/year-end/2025/{book.sally.id}"
                      ).status_code == 404


# --- what to pay and when ------------------------------------------------------------------------

def test_payments_page_lists_net_pay_hmrc_and_pension_with_due_dates(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/pay/payments")
    april = book.april.payslips
    hmrc = sum(s.tax_pence + s.employee_ni_pence + s.employer_ni_pence + s.student_loan_pence
               + s.postgraduate_loan_pence for s in april)
    er_ni = sum(s.employer_ni_pence for s in april)
    # the Employment Allowance takes all of April's employer NI off what HMRC is owed
    assert f"Less Employment Allowance used: {format_pence(er_ni)}, so " \
           f"{format_pence(hmrc - er_ni)} is due." in page
    # April's pay date (24 April 2026) is in tax month 1: HMRC by 22 May, pension by 22 May
    assert "PAYE tax and National Insurance to HMRC for tax month 1 (6 April 2026 to 5 May " \
           "2026)" in page
    assert "by 22 May 2026" in page
    assert "Pension contributions to NEST" in page
    assert "Net pay to Sally Pope" in page and "Net pay to Tom Reed" in page
    assert "Overdue" in page  # today is 27 November 2026
    assert "Mark as paid today" in page


def test_finance_officer_reads_every_page_and_changes_nothing(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.finance)
    h = book.holder.id
    slip = book.slip(book.may, book.sally)
    for url in (f"/holders/{h}/pay", f"/holders/{h}/pay/{book.june.id}",
                f"/holders/{h}/pay/{book.may.id}", f"/holders/{h}/pay/payslips/{slip.id}",
                f"/holders/{h}/pay/payments", f"/holders/{h}/pay/hmrc",
                f"/holders/{h}/pay/year-end", f"/holders/{h}/pay/year-end/2026/{book.sally.id}"):
        page = _page(client, url)
        for button in ("Mark as paid today", "Approve the pay run", "Correct this pay run",
                       "Run the pay for"):
            assert button not in page, (url, button)
    for url, data in [(f"/holders/{h}/pay/{book.june.id}/approve", {"confirm": "y"}),
                      (f"/holders/{h}/pay/{book.may.id}/correct", {}),
                      (f"/holders/{h}/pay/run", {"frequency": "monthly",
                                                 "period_start": "2026-07-01"}),
                      (f"/holders/{h}/pay/payments/1/paid", {})]:
        assert post(client, url, data).status_code == 403, url


# --- figures for HMRC ----------------------------------------------------------------------------

def test_hmrc_page_says_plainly_nothing_is_sent_and_lists_fps_and_eps(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/pay/hmrc")
    assert "dpsupport does not send anything to HMRC" in page
    assert "Basic PAYE Tools" in page
    sally = book.slip(book.may, book.sally)
    fps = page.split("Full Payment Submission: Pay run for 1 May 2026 to 31 May 2026")[1]
    table = fps.split("Sally Pope (National Insurance number AB 12 34 56 C)")[1].split(
        "</table>")[0]
    assert re.search(r"Tax deducted \(or refunded\)</th>\s*<td[^>]*>"
                     + re.escape(format_pence(sally.tax_pence)) + r"</td>\s*<td[^>]*>"
                     + re.escape(format_pence(sally.tax_to_date_pence)), table)
    assert re.search(r"Earnings at the Lower Earnings Limit</th>\s*<td[^>]*></td>\s*<td[^>]*>"
                     r"£1,118\.00", table)
    assert "B: 16 to 23.99 hours a week" in table  # Sally's contract: 16 hours a week
    assert "E: other" in page  # Tom's hours change from week to week
    # tax months 1 and 2 had pay; months 3 to 7 (to the end of October) had none
    assert "Tax month 3 (6 June 2026 to 5 July 2026)" in page
    assert page.count("You paid nobody in this tax month") == 5
    assert "You claim it this tax year (up to £10,500.00 off employer National Insurance)" \
        in page
    used = sum(s.employer_ni_pence for s in book.april.payslips + book.may.payslips)
    assert format_pence(min(used, ALLOWANCE)) in page


# --- print ---------------------------------------------------------------------------------------

def test_print_styles_leave_off_the_screen_only_parts() -> None:
    scss = (ROOT / "frontend" / "app.scss").read_text(encoding="utf-8")
    block = scss.split("// Printing a payslip")[1]
    assert "@media print" in block
    for selector in (".govuk-back-link", ".govuk-button", ".dp-workings", ".dp-no-print"):
        assert selector in block.split("display: none")[0], selector
    built = ROOT / "dpsupport" / "static" / "build" / "app.css"
    if built.exists():  # after scripts/build_assets.sh
        assert ".dp-no-print" in built.read_text(encoding="utf-8")


# --- the engine's buttons ---------------------------------------------------------------------
# Run the pay, approve, correct and mark as paid: the pages call the pay run engine
# (services/payruns.py).



def _shifts(session: Session, pa, days: list[date], approver) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import insert

    from dpsupport.models.payroll import Shift, TimesheetApproval

    for day in days:
        session.execute(insert(Shift).values(employment_id=pa.id, work_date=day,
                                             start_time=time(9), end_time=time(17),
                                             break_minutes=0, kind="day"))
    first, last = days[0].replace(day=1), monthly_period(days[0].year, days[0].month)[1]
    session.add(TimesheetApproval(employment_id=pa.id, period_start=first, period_end=last,
                                  approved_by_id=approver.id))
    session.commit()


def test_a_new_user_runs_the_pay_approves_it_and_prints_a_payslip(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session, "Riverside")
    holder = create_holder(session, org, "Pat Jones")
    worker = create_user(session, org, "support_worker", name="Sam Worker")
    grant(session, holder, worker, "support_worker")
    pa = add_pa(session, holder, "Sally Pope")
    _shifts(session, pa, [date(2026, 10, 5), date(2026, 10, 12)], worker)
    sign_in(client, worker)
    base = f"/holders/{holder.id}/pay"
    index = _page(client, base)
    assert "Run the pay for 1 October 2026 to 31 October 2026" in index
    response = post(client, f"{base}/run", {"frequency": "monthly",
                                            "period_start": "2026-10-01"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    draft_url = response.headers["Location"]
    draft = _page(client, draft_url)
    assert "This pay run is a draft" in draft and "£208.00" in draft  # 16 hours at £13
    run_id = int(draft_url.rstrip("/").rsplit("/", 1)[1])
    response = post(client, f"{base}/{run_id}/approve", {"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    approved = _page(client, f"{base}/{run_id}")
    assert "Approved" in approved and "Net pay to a PA: Sally Pope" in approved
    slip_id = int(re.search(rf"{base}/payslips/(\d+)", approved).group(1))
    payslip = _page(client, f"{base}/payslips/{slip_id}")
    assert "Payslip for Sally Pope, 1 October 2026 to 31 October 2026" in payslip
    assert "Draft" not in payslip.split("<h1")[1]
    assert "use your browser's Print command" in payslip


def test_marking_a_payment_as_paid_moves_it_to_paid(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    page = _page(client, f"/holders/{book.holder.id}/pay/payments")
    first = int(re.search(r"/pay/payments/(\d+)/paid", page).group(1))
    response = post(client, f"/holders/{book.holder.id}/pay/payments/{first}/paid", {})
    assert response.status_code == 302
    page = _page(client, f"/holders/{book.holder.id}/pay/payments")
    assert f"/pay/payments/{first}/paid" not in page
    assert ", paid on 27 November 2026." in page.split(">Paid</h2>")[1]


def test_correcting_an_approved_run_with_nothing_changed_says_so(client, session, book: Book) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, book.worker)
    response = post(client, f"/holders/{book.holder.id}/pay/{book.may.id}/correct", {})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)

