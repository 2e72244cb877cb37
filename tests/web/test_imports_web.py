"""Bank statement pages: upload, choose columns, check, import, cancel and undo, on both
databases, with every page checked (tests/pagecheck.py) on the way."""

from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import func, select

from dpsupport.models import (
    Account,
    AuditEvent,
    PendingUpload,
    StatementImport,
    Transaction,
)

from ..support.factories import (
    create_holder,
    create_org,
    create_user,
    csrf_token,
    grant,
    post,
    sign_in,
)

MAY = (b"Date,Description,Amount,Balance\n"
       b"01/05/2026,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n"
       b"03/05/2026,A PATEL WAGES,-450.00,550.00\n"
       b"03/05/2026,TESCO STORES,-12.50,537.50\n")
ODD = b"when;what;howmuch\n2026-05-01;Council;10\n2026-05-02;Shop;-3.20\n"
ODD_JUNE = b"when;what;howmuch\n2026-06-01;Council;10\n"
MAY_FIRST_LAST_YEAR = date(2025, 5, 1)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _world(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org)
    worker = create_user(session, org, "support_worker", name="Sam Worker")
    grant(session, holder, worker, "support_worker")
    session.commit()
    return holder, worker


def _signed_in(app, session):  # type: ignore[no-untyped-def]
    """The standard holder, their support worker signed in, and the statements URL."""
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    return holder, worker, client, f"/holders/{holder.id}/statements"


def _count(session, model, *where) -> int:  # type: ignore[no-untyped-def]
    session.rollback()  # a fresh snapshot: the app wrote in its own transactions
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _imported(session, holder) -> int:  # type: ignore[no-untyped-def]
    return _count(session, Transaction, Transaction.holder_id == holder.id,
                  Transaction.source == "import")


def _upload(client, holder, data: bytes, name: str, **extra):  # type: ignore[no-untyped-def]
    return post(client, f"/holders/{holder.id}/statements/upload",
                {"statement": (io.BytesIO(data), name), **extra},
                content_type="multipart/form-data")


def _token(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = re.search(r"/statements/upload/([^/]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def _error_summary(html: str) -> str:
    summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return summary.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_upload_check_and_import_adds_the_rows(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    empty = client.get(base).get_data(as_text=True)
    assert "You have not imported a bank statement yet" in empty
    assert "OFX" in empty and "Santander" in empty and "Download" in empty
    assert "Bank statements" in client.get(f"/holders/{holder.id}/transactions").get_data(
        as_text=True)
    assert client.get(f"{base}/upload").status_code == 200

    token = _token(_upload(client, holder, MAY, "may.csv"))
    assert _imported(session, holder) == 0  # nothing yet: only checked
    review = client.get(f"{base}/upload/{token}")
    html = _text(review.get_data(as_text=True))
    assert review.status_code == 200
    assert "This would add 3 new payments." in html
    assert "may.csv" in html and "CSV" in html
    assert "1 May 2026 to 3 May 2026" in html
    assert "£1,000.00" in html and "£462.50" in html
    assert "This statement adds up" in html
    assert html.count("New") >= 3

    done = post(client, f"{base}/upload/{token}")
    assert done.status_code == 302
    assert re.search(r"/statements/\d+$", done.headers["Location"])
    page = client.get(done.headers["Location"])
    text = _text(page.get_data(as_text=True))
    assert "Added 3 new payments." in text  # the flash
    assert "TESCO STORES" in text and "Sam Worker" in text
    assert "<h1 class=\"govuk-heading-l\">Statement for 1 May 2026 to 3 May 2026</h1>" in (
        page.get_data(as_text=True))
    assert "This removes the 3 payments this statement added" in text
    assert _imported(session, holder) == 3
    assert _count(session, PendingUpload) == 0
    record = session.scalar(select(StatementImport))
    assert record is not None and record.new_count == 3 and record.filename == "may.csv"
    assert record.file_sha256 in text
    listing = _text(client.get(base).get_data(as_text=True))
    assert "may.csv" in listing and "Imported" in listing and "Sam Worker" in listing
    assert "Statement for 1 May 2026 to 3 May 2026" in listing
    # the trail says who uploaded and who imported
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.actor_id == worker.id, AuditEvent.holder_id == holder.id)).all()
    assert "uploaded" in actions and "imported" in actions
    history = _text(client.get(f"/holders/{holder.id}/history").get_data(as_text=True))
    assert "uploaded statement may.csv for checking." in history
    assert "imported may.csv" in history


def test_the_same_file_again_is_already_here(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    post(client, f"{base}/upload/{token}")
    again = _token(_upload(client, holder, MAY, "may (1).csv"))
    text = _text(client.get(f"{base}/upload/{again}").get_data(as_text=True))
    assert text.count("Already here") == 3
    assert "You imported this file on" in text
    assert "There is nothing new to import" in text
    assert "Finish without importing" in text
    assert _imported(session, holder) == 3


def test_a_pdf_is_refused_plainly_and_nothing_is_saved(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    audits = _count(session, AuditEvent)
    response = _upload(client, holder, PDF, "statement.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in html
    summary = _error_summary(html)
    assert "PDF" in summary and 'href="#statement"' in summary
    assert _count(session, PendingUpload) == 0
    assert _count(session, AuditEvent) == audits


def test_no_file_chosen(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/statements/upload", {},
                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a statement file" in _error_summary(response.get_data(as_text=True))
    assert _count(session, PendingUpload) == 0


def test_columns_are_chosen_then_remembered(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    response = _upload(client, holder, ODD, "odd.csv")
    token = _token(response)
    assert response.headers["Location"].endswith(f"/upload/{token}/columns")
    # the check page sends people to choose the columns first
    assert client.get(f"{base}/upload/{token}").headers["Location"].endswith("/columns")
    page = client.get(f"{base}/upload/{token}/columns")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2026-05-02" in html and "howmuch" in html
    assert re.search(r'<option value="0" selected>when</option>', html)  # the guesses
    assert re.search(r'<option value="2" selected>howmuch</option>', html)
    assert re.search(r'<option value="1" selected>what</option>', html)  # issue 11.10
    assert 'value="dmy" checked' in html  # day first, the UK way

    # nothing chosen for the amount: asked again, with a summary
    bad = post(client, f"{base}/upload/{token}/columns",
               {"date": "0", "amount": "", "debit": "", "credit": "", "description": "1",
                "balance": "", "date_order": "ymd", "sign": "as_is"})
    assert bad.status_code == 400
    assert "Choose the column that has the amount" in _error_summary(bad.get_data(as_text=True))
    # the words column as the date: no line can be read, so the choice is refused
    wrong = post(client, f"{base}/upload/{token}/columns",
                 {"date": "1", "amount": "2", "debit": "", "credit": "", "description": "0",
                  "balance": "", "date_order": "dmy", "sign": "as_is"})
    assert wrong.status_code == 400
    assert "We could not read any payments" in _error_summary(wrong.get_data(as_text=True))

    good = post(client, f"{base}/upload/{token}/columns",
                {"date": "0", "amount": "2", "debit": "", "credit": "", "description": "1",
                 "balance": "", "date_order": "ymd", "sign": "as_is"})
    assert good.status_code == 302 and good.headers["Location"].endswith(f"/upload/{token}")
    text = _text(client.get(f"{base}/upload/{token}").get_data(as_text=True))
    assert "This would add 2 new payments." in text
    assert "Choose the columns again" in text
    assert post(client, f"{base}/upload/{token}").status_code == 302
    assert _imported(session, holder) == 2
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    assert account is not None and account.csv_mapping and "howmuch" in account.csv_mapping

    # next month's file of the same shape goes straight to the check page
    nxt = _upload(client, holder, ODD_JUNE, "odd-june.csv")
    later = _token(nxt)
    assert nxt.headers["Location"].endswith(f"/upload/{later}")
    text = _text(client.get(f"{base}/upload/{later}").get_data(as_text=True))
    assert "We used the column choices you made last time" in text
    assert "This would add 1 new payment." in text
    # ...and the choices can be changed: the page shows them chosen
    html = client.get(f"{base}/upload/{later}/columns").get_data(as_text=True)
    assert re.search(r'<option value="2" selected>howmuch</option>', html)
    assert 'value="ymd" checked' in html

    # a file of another shape, where the saved choices do not fit: asked again, not stuck
    other = _upload(client, holder, b"posted;memo;value\n2026-07-01;Council;10\n", "jul.csv")
    assert other.headers["Location"].endswith("/columns")
    html = client.get(other.headers["Location"]).get_data(as_text=True)
    assert "memo" in html


def test_lines_we_could_not_read_need_the_box_ticked(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    bad = MAY.replace(b"03/05/2026,A PATEL", b"31/02/2026,A PATEL")
    token = _token(_upload(client, holder, bad, "may.csv"))
    text = _text(client.get(f"{base}/upload/{token}").get_data(as_text=True))
    assert "Lines we could not read" in text and "31/02/2026" in text
    assert "Import the other 2 lines without these" in text

    refused = post(client, f"{base}/upload/{token}")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    summary = _error_summary(html)
    assert "Tick the box" in summary and 'href="#accept_problems"' in summary
    assert _imported(session, holder) == 0
    assert _count(session, StatementImport) == 0

    done = post(client, f"{base}/upload/{token}", {"accept_problems": "y"})
    assert done.status_code == 302
    assert _imported(session, holder) == 2
    text = _text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "31/02/2026" in text and "2 new payments" in text


def test_cancel_imports_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    response = post(client, f"{base}/upload/{token}/cancel")
    assert response.status_code == 302 and response.headers["Location"].endswith(base)
    assert "Nothing was imported." in client.get(base).get_data(as_text=True)
    assert _count(session, PendingUpload) == 0 and _imported(session, holder) == 0
    # the upload has gone: its pages are not found, and it cannot be imported after all
    assert client.get(f"{base}/upload/{token}").status_code == 404
    assert post(client, f"{base}/upload/{token}").status_code == 404
    assert _imported(session, holder) == 0


def test_undo_removes_the_payments(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    show = post(client, f"{base}/upload/{token}").headers["Location"]
    assert _imported(session, holder) == 3
    undone = post(client, f"{show}/undo")
    assert undone.status_code == 302 and undone.headers["Location"].endswith(show)
    text = _text(client.get(show).get_data(as_text=True))
    assert "3 payments removed" in text and "This import was undone" in text
    assert "This import has already been undone." in text
    assert "Undo this import</button>" not in text
    assert _imported(session, holder) == 0
    # a second press (an old tab, a double click) changes nothing and does not crash
    again = post(client, f"{show}/undo")
    assert again.status_code == 302
    assert "already been undone" in client.get(show).get_data(as_text=True)
    assert "Undone" in client.get(base).get_data(as_text=True)


def test_several_accounts_ask_which_one(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    second = Account(holder_id=holder.id, name="Savings", bank_name="Nationwide", last4="1234")
    session.add(second)
    session.commit()
    client = app.test_client()
    sign_in(client, worker)
    base = f"/holders/{holder.id}/statements"
    assert "Which account is this statement for?" in client.get(f"{base}/upload").get_data(
        as_text=True)
    token = _token(_upload(client, holder, MAY, "may.csv", account=str(second.id)))
    assert "Savings, Nationwide (ending 1234)" in client.get(
        f"{base}/upload/{token}").get_data(as_text=True)
    post(client, f"{base}/upload/{token}")
    assert _count(session, Transaction, Transaction.account_id == second.id) == 3


def test_another_organisation_gets_404_on_every_statement_page(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    show = post(client, f"{base}/upload/{token}").headers["Location"]
    import_id = show.rsplit("/", 1)[1]
    token = _token(_upload(client, holder, ODD, "odd.csv"))

    other_org = create_org(session, "Elsewhere")
    other_holder = create_holder(session, other_org, "Other Person")
    outsider = create_user(session, other_org, "org_admin", name="Outsider")
    stranger = create_user(session, other_org, "support_worker", name="Stranger")
    grant(session, other_holder, stranger, "support_worker")
    session.commit()
    for who in (outsider, stranger):
        other = app.test_client()
        sign_in(other, who)
        token_value = csrf_token(other)
        for url in (base, f"{base}/upload", f"{base}/upload/{token}",
                    f"{base}/upload/{token}/columns", f"{base}/{import_id}"):
            assert other.get(url).status_code == 404, url
        for url in (f"{base}/upload", f"{base}/upload/{token}/columns",
                    f"{base}/upload/{token}", f"{base}/upload/{token}/cancel",
                    f"{base}/{import_id}/undo"):
            response = other.post(url, data={"csrf_token": token_value},
                                  content_type="multipart/form-data")
            assert response.status_code == 404, url
    # ...and a token or import id that belongs to another holder is not found from theirs
    own = app.test_client()
    sign_in(own, stranger)
    there = f"/holders/{other_holder.id}/statements"
    assert own.get(f"{there}/upload/{token}").status_code == 404
    assert own.get(f"{there}/{import_id}").status_code == 404
    assert post(own, f"{there}/{import_id}/undo").status_code == 404
    assert post(own, f"{there}/upload/{token}").status_code == 404
    assert _imported(session, holder) == 3 and _count(session, PendingUpload) == 1


def test_a_finance_officer_sees_imports_but_cannot_upload(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    show = post(client, f"{base}/upload/{token}").headers["Location"]
    token = _token(_upload(client, holder, MAY, "again.csv"))

    officer = create_user(session, holder.organisation, "finance_officer", name="Fin Officer")
    grant(session, holder, officer, "finance_officer")
    session.commit()
    fo = app.test_client()
    sign_in(fo, officer)
    listing = fo.get(base).get_data(as_text=True)
    assert "may.csv" in listing and "Import a statement" not in listing
    assert "--account" not in listing  # only for people who may import
    page = fo.get(show).get_data(as_text=True)
    assert "TESCO STORES" in page and "Undo this import" not in page
    assert "Import a statement" not in fo.get(f"/holders/{holder.id}/transactions").get_data(
        as_text=True)
    assert fo.get(f"{base}/upload").status_code == 403
    assert fo.get(f"{base}/upload/{token}").status_code == 403
    assert post(fo, f"{base}/upload", {"statement": (io.BytesIO(MAY), "x.csv")},
                content_type="multipart/form-data").status_code == 403
    assert post(fo, f"{base}/upload/{token}").status_code == 403
    assert post(fo, f"{show}/undo").status_code == 403
    assert _imported(session, holder) == 3


def test_an_imported_payment_shows_where_it_came_from(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    done = post(client, f"{base}/upload/{token}")
    import_url = done.headers["Location"]
    session.rollback()
    tesco = session.scalar(select(Transaction).where(Transaction.description == "TESCO STORES"))
    assert tesco is not None
    html = client.get(f"/holders/{holder.id}/transactions/{tesco.id}").get_data(as_text=True)
    text = _text(html)
    assert re.search(r"Where it came from Bank statement may\.csv ?, imported \d+ \w+ \d{4}", text)
    assert f'href="{import_url}"' in html
    assert "Balance after it, as the bank showed it £537.50" in text
    assert text.count("TESCO STORES") == 2  # named once (the description is the payee), and in the line
    assert "See this payment as the bank's file has it" in text
    assert '<pre class="dp-raw"' in html and "03/05/2026,TESCO STORES,-12.50,537.50" in html
    # a payment typed in by hand has none of this
    post(client, f"/holders/{holder.id}/transactions/new",
         {"date-day": "4", "date-month": "5", "date-year": "2026", "direction": "out",
          "amount": "5.00", "payee": "Corner shop"})
    session.rollback()
    typed = session.scalar(select(Transaction).where(Transaction.source == "manual"))
    assert typed is not None
    text = _text(client.get(f"/holders/{holder.id}/transactions/{typed.id}").get_data(
        as_text=True))
    assert "Entered by hand" in text
    assert "as the bank showed it" not in text and "bank's file" not in text


def test_payees_sorted_before_are_sorted_again_and_the_pages_say_so(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker, client, base = _signed_in(app, session)
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    session.add(Transaction(holder_id=holder.id, account_id=account.id,
                            date=MAY_FIRST_LAST_YEAR, amount_pence=-3000, payee="Tesco Stores",
                            category="other"))
    session.commit()
    token = _token(_upload(client, holder, MAY, "may.csv"))
    review = _text(client.get(f"{base}/upload/{token}").get_data(as_text=True))
    sentence = ("1 new payment will be sorted the same way as your earlier payments to or "
                "from the same people. You can change any of them.")
    assert sentence in review
    assert review.count("Sorted as Other, like before") == 1  # on the TESCO STORES line
    done = client.get(post(client, f"{base}/upload/{token}").headers["Location"])
    shown = _text(done.get_data(as_text=True))
    assert "Added 3 new payments. 1 new payment was sorted the same way" in shown
    # the statement's page shows how each payment is sorted, and offers to sort the rest
    # (each category is written twice: in its column, and under the name for a phone)
    assert "TESCO STORES Other Other" in shown and shown.count("Not sorted yet") == 4
    assert "2 of the payments this statement added are not sorted yet" in shown
    session.rollback()
    tesco = session.scalar(select(Transaction).where(Transaction.description == "TESCO STORES"))
    assert tesco is not None and tesco.category == "other"


def test_a_statement_that_does_not_add_up_is_a_warning_and_import_anyway(app, session) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.7: not grey text beside the usual green button."""
    holder, _worker, client, base = _signed_in(app, session)
    good = client.get(f"{base}/upload/{_token(_upload(client, holder, MAY, 'may.csv'))}")
    html = good.get_data(as_text=True)
    assert "govuk-warning-text" not in html and "Import 3 new payments" in html
    odd = MAY.replace(b"537.50", b"530.00")
    token = _token(_upload(client, holder, odd, "odd.csv"))
    html = client.get(f"{base}/upload/{token}").get_data(as_text=True)
    warning = re.search(r'<div class="govuk-warning-text" id="does-not-add-up">.*?</div>',
                        html, re.S)
    assert warning and "This statement does not add up" in warning.group(0)
    assert "Import anyway" in html and "Import 3 new payments" not in html
    assert post(client, f"{base}/upload/{token}").status_code == 302
    assert _imported(session, holder) == 3


def test_the_command_lines_account_id_is_on_the_statements_page(app, session) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.16: `import-statement --help` sends people to this page for the id."""
    from dpsupport.cli_import import import_statement_command

    holder, _worker, client, base = _signed_in(app, session)
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    assert account is not None
    text = _text(client.get(base).get_data(as_text=True))
    assert "Importing from the command line" in text
    assert f"--account {account.id}" in text
    helps = " ".join(p.help or "" for p in import_statement_command.params
                     if getattr(p, "help", None))
    assert "Importing from the command line" in helps


def test_a_statement_is_read_once_to_check_and_once_to_import(app, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.2: upload, check page (twice) and import read a 9.9 MB file three or more
    times; the check page now shows what the upload's check found while nothing changed."""
    from dpsupport.services.imports import importing

    reads: list[str] = []
    real = importing.iter_statement

    def counting(data, filename=None, **kw):  # type: ignore[no-untyped-def]
        reads.append(filename)
        return real(data, filename, **kw)

    monkeypatch.setattr(importing, "iter_statement", counting)
    holder, _worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, MAY, "may.csv"))
    assert reads == ["may.csv"]
    for _ in range(2):
        text = _text(client.get(f"{base}/upload/{token}").get_data(as_text=True))
        assert "This would add 3 new payments." in text and "This statement adds up" in text
    assert reads == ["may.csv"]
    # the account changes (another statement goes in): the check is done again, and right
    other = _token(_upload(client, holder, MAY[:MAY.rindex(b"03/05")], "part.csv"))
    assert post(client, f"{base}/upload/{other}").status_code == 302
    reads.clear()
    text = _text(client.get(f"{base}/upload/{token}").get_data(as_text=True))
    assert "This would add 1 new payment" in text and reads == ["may.csv"]
    reads.clear()
    assert post(client, f"{base}/upload/{token}").status_code == 302
    assert reads == ["may.csv"]
    assert _imported(session, holder) == 3


def _bank_ofx(acctid: str, fitid: str, amount: str = "-12.34") -> bytes:
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n"
            "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP\n"
            f"<BANKACCTFROM><BANKID>401234<ACCTID>{acctid}<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
            "<BANKTRANLIST>\n<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20260901\n"
            f"<TRNAMT>{amount}\n<FITID>{fitid}\n<NAME>TESCO\n</STMTTRN>\n</BANKTRANLIST>\n"
            "<LEDGERBAL><BALAMT>500.00<DTASOF>20260901</LEDGERBAL>\n"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


def test_a_statement_for_another_bank_account_asks_first(app, session) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.5: a clear question on the check page, with a way to go ahead or stop."""
    holder, _worker, client, base = _signed_in(app, session)
    assert post(client, f"{base}/upload/{_token(_upload(client, holder, _bank_ofx('12345678', 'A'), 'a.ofx'))}").status_code == 302
    token = _token(_upload(client, holder, _bank_ofx("87654321", "B", "-5.00"), "b.ofx"))
    html = client.get(f"{base}/upload/{token}").get_data(as_text=True)
    question = re.search(r'<div class="govuk-warning-text" id="other-account">.*?</div>',
                         html, re.S)
    assert question and "ending 4321" in question.group(0) and "ending 5678" in html
    assert "87654321" not in html and "12345678" not in html  # only the last 4 digits
    assert "Yes, import it into this account" in html and "Cancel" in html
    refused = post(client, f"{base}/upload/{token}")
    assert refused.status_code == 400
    assert "Tick the box if this statement is for this account" in _error_summary(
        refused.get_data(as_text=True))
    assert _imported(session, holder) == 1
    assert post(client, f"{base}/upload/{token}", {"different_account": "y"}).status_code == 302
    assert _imported(session, holder) == 2


def test_the_balance_here_is_on_the_check_page_and_the_imports_page(app, session) -> None:  # type: ignore[no-untyped-def]
    """Issue 11.6: the statement's closing balance against the balance here."""
    holder, _worker, client, base = _signed_in(app, session)
    token = _token(_upload(client, holder, _bank_ofx("12345678", "A"), "a.ofx"))
    row = re.search(r'<div class="govuk-summary-list__row" id="balance-here">.*?</div>',
                    client.get(f"{base}/upload/{token}").get_data(as_text=True), re.S)
    assert row and "1 September 2026" in row.group(0) and "£500.00" in row.group(0)
    show = post(client, f"{base}/upload/{token}").headers["Location"]
    row = re.search(r'<div class="govuk-summary-list__row" id="balance-here">.*?</div>',
                    client.get(show).get_data(as_text=True), re.S)
    assert row and "£500.00" in row.group(0)
