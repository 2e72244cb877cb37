"""The organisation admin's pages: the organisation page, adding a holder (all or nothing,
then in the caseload), taking someone off the staff or taking their access away (they are
signed out on their next request), and nobody else may use them."""

from __future__ import annotations

from sqlalchemy import func, select

from dpsupport.models import Holder, HolderAccess, Membership, Organisation

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in


def _org(session):  # type: ignore[no-untyped-def]
    org = create_org(session, "Riverside ULO")
    admin = create_user(session, org, "org_admin", name="Ada Admin")
    worker = create_user(session, org, "support_worker", name="Sam Worker")
    holder = create_holder(session, org, "Ann Andrews")
    grant(session, holder, worker, "support_worker")
    rep = create_user(session, org, "representative", name="Rita Relative")
    grant(session, holder, rep, "representative")
    session.commit()
    return org, admin, worker, holder, rep


def test_only_an_admin_uses_the_organisation_pages(app, session) -> None:  # type: ignore[no-untyped-def]
    org, admin, worker, holder, rep = _org(session)
    for person in (worker, rep):
        client = app.test_client()
        sign_in(client, person)
        assert client.get("/organisation").status_code == 403
        assert client.get("/organisation/holders/new").status_code == 403
        assert client.get(f"/organisation/staff/{worker.id}/remove").status_code == 403
        assert client.get(f"/holders/{holder.id}/support").status_code == 403
        assert post(client, f"/organisation/staff/{worker.id}/remove").status_code == 403
    session.rollback()
    assert session.scalar(select(Membership).where(Membership.user_id == worker.id))
    client = app.test_client()
    sign_in(client, admin)
    page = client.get("/organisation").get_data(as_text=True)
    assert "Sam Worker" in page and "Support worker" in page and "Ada Admin (you)" in page
    # who can see what: Ann, with her support worker and representative
    assert "Ann Andrews" in page and "Rita Relative: Representative" in page
    assert client.get("/organisation/staff/999999/remove").status_code == 404
    # a representative who is a member for their own records is not staff: not removable here
    assert client.get(f"/organisation/staff/{rep.id}/remove").status_code == 404
    assert client.get("/holders").status_code == 200
    assert "Your organisation" in client.get("/holders").get_data(as_text=True)


def test_removing_access_signs_them_out_on_their_next_request(app, session) -> None:  # type: ignore[no-untyped-def]
    org, admin, worker, holder, rep = _org(session)
    other = create_holder(session, org, "Bea Brown")
    grant(session, other, rep, "representative")
    session.commit()
    rita = app.test_client()
    sign_in(rita, rep)
    assert rita.get(f"/holders/{holder.id}").status_code == 200
    access = session.scalars(select(HolderAccess).where(HolderAccess.user_id == rep.id,
                                                        HolderAccess.holder_id == holder.id)
                             ).one()
    ada = app.test_client()
    sign_in(ada, admin)
    who = ada.get(f"/holders/{holder.id}/who-can-see").get_data(as_text=True)
    assert "Give someone access" in who and "Remove access" in who
    assert f"/holders/{holder.id}/access/{access.id}/remove" in who
    assert ada.get(f"/holders/{holder.id}/access/{access.id}/remove").status_code == 200
    done = post(ada, f"/holders/{holder.id}/access/{access.id}/remove")
    assert done.status_code == 302
    # her very next request is refused: she is signed out, on every device
    next_page = rita.get(f"/holders/{other.id}")
    assert next_page.status_code == 302 and "/sign-in" in next_page.headers["Location"]
    sign_in(rita, rep)
    assert rita.get(f"/holders/{holder.id}").status_code == 404
    assert rita.get(f"/holders/{other.id}").status_code == 200
    # a support worker may give access but not take it away
    sam = app.test_client()
    sign_in(sam, worker)
    who = sam.get(f"/holders/{holder.id}/who-can-see").get_data(as_text=True)
    assert "Give someone access" in who and "Remove access" not in who


def test_removing_staff_signs_them_out_and_takes_their_access(app, session) -> None:  # type: ignore[no-untyped-def]
    org, admin, worker, holder, rep = _org(session)
    sam = app.test_client()
    sign_in(sam, worker)
    assert sam.get(f"/holders/{holder.id}").status_code == 200
    ada = app.test_client()
    sign_in(ada, admin)
    confirm = ada.get(f"/organisation/staff/{worker.id}/remove").get_data(as_text=True)
    assert "sign them out at once" in confirm
    assert post(ada, f"/organisation/staff/{worker.id}/remove").status_code == 302
    assert "/sign-in" in sam.get(f"/holders/{holder.id}").headers["Location"]
    sign_in(sam, worker)
    assert sam.get(f"/holders/{holder.id}").status_code == 404
    # an admin cannot remove themselves
    refused = post(ada, f"/organisation/staff/{admin.id}/remove")
    assert refused.status_code == 400 and "Ask another admin" in refused.get_data(as_text=True)


def _holder_form(**changes: str) -> dict[str, str]:
    form = {"name": "Nell New", "preferred_name": "", "date_of_birth-day": "3",
            "date_of_birth-month": "3", "date_of_birth-year": "1950", "nation": "england",
            "support_worker": "", "funder_organisation": "", "funder": "Leeds City Council",
            "scheme": "dp_england", "frequency": "four_weekly", "timing": "advance",
            "start_date-day": "6", "start_date-month": "4", "start_date-year": "2026",
            "amount": "1,200.00", "plan1_category": "pa_wages", "plan1_label": "PA wages",
            "plan1_planned": "900"}
    form.update(changes)
    return form


def test_adding_a_holder_puts_them_in_the_caseload(app, session) -> None:  # type: ignore[no-untyped-def]
    org, admin, worker, holder, rep = _org(session)
    council = create_org(session, "Northshire Council", kind="council")
    officer = create_user(session, council, "finance_officer", name="Fay Council")
    session.commit()
    ada = app.test_client()
    sign_in(ada, admin)
    page = ada.get("/organisation/holders/new").get_data(as_text=True)
    assert "Sam Worker" in page and "Northshire Council" in page
    count = session.scalar(select(func.count()).select_from(Holder))
    # half a plan line: refused, with the line named, and nothing saved
    half = post(ada, "/organisation/holders/new", _holder_form(plan2_label="Respite"))
    assert half.status_code == 400
    text = half.get_data(as_text=True)
    assert "Select what plan line 2 is for" in text and "There is a problem" in text
    no_funder = post(ada, "/organisation/holders/new", _holder_form(funder=""))
    assert no_funder.status_code == 400 and "Enter who pays" in no_funder.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Holder)) == count
    done = post(ada, "/organisation/holders/new", _holder_form(
        support_worker=str(worker.id), funder_organisation=str(council.id), funder=""))
    assert done.status_code == 302
    session.rollback()
    nell = session.scalars(select(Holder).where(Holder.name == "Nell New")).one()
    assert done.headers["Location"].endswith(f"/holders/{nell.id}")
    assert nell.funder_organisation_id == council.id and nell.support_worker_id == worker.id
    sam = app.test_client()
    sign_in(sam, worker)
    caseload = sam.get("/holders?show=mine").get_data(as_text=True)
    assert "Nell New" in caseload and "Ann Andrews" not in caseload
    fay = app.test_client()
    sign_in(fay, officer)
    assert "Nell New" in fay.get("/holders").get_data(as_text=True)
    assert fay.get(f"/holders/{nell.id}").status_code == 200
    assert fay.get(f"/holders/{holder.id}").status_code == 404


def test_the_support_worker_and_a_representatives_authority(app, session) -> None:  # type: ignore[no-untyped-def]
    org, admin, worker, holder, rep = _org(session)
    newcomer = create_user(session, org, "support_worker", name="Nia Newcomer",
                           email="nia@example.org")
    other_org = create_org(session, "Elsewhere")
    stranger = create_user(session, other_org, "support_worker", name="Not Ours",
                           email="not.ours@example.org")
    session.commit()
    ada = app.test_client()
    sign_in(ada, admin)
    url = f"/holders/{holder.id}/support"
    wrong = post(ada, url, {"support_worker": str(stranger.id), "funder_organisation": ""})
    assert wrong.status_code == 400
    assert "Select a support worker from the list" in wrong.get_data(as_text=True)
    assert post(ada, url, {"support_worker": str(newcomer.id),
                           "funder_organisation": ""}).status_code == 302
    session.rollback()
    session.expire_all()  # (nothing ran since the commit: the rollback expired nothing)
    assert session.get(Holder, holder.id).support_worker_id == newcomer.id  # type: ignore[union-attr]
    assert session.scalar(select(HolderAccess.role).where(
        HolderAccess.holder_id == holder.id, HolderAccess.user_id == newcomer.id)) == (
        "support_worker")
    access = session.scalars(select(HolderAccess).where(HolderAccess.user_id == rep.id)).one()
    worker_access = session.scalars(select(HolderAccess).where(
        HolderAccess.user_id == worker.id)).one()
    authority = f"/holders/{holder.id}/access/{access.id}/authority"
    assert ada.get(f"/holders/{holder.id}/access/{worker_access.id}/authority"
                   ).status_code == 404  # only a representative has a kind of authority
    assert post(ada, authority, {"representative_type": "attorney"}).status_code == 302
    who = ada.get(f"/holders/{holder.id}/who-can-see").get_data(as_text=True)
    assert "Attorney (lasting power of attorney)" in who
    # an id from another holder's records is not found
    session.rollback()  # (a fresh transaction: the app wrote since this one read)
    bea = create_holder(session, org, "Bea")
    session.commit()
    assert ada.get(f"/holders/{bea.id}/access/{access.id}/remove").status_code == 404
    assert session.scalar(select(Organisation.name).where(Organisation.id == org.id))
