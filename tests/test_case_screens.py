"""The case screens: inbox, case page with diagram, generic step screen (upload, act), /alur."""
from __future__ import annotations

import gc
import io

import pytest
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from portal.cases import engine
from portal.cases.models import DocumentVersion, WorkItem
from tests.factories import sample_pdf


def _lis_case(client_lsp, db):
    response = client_lsp.post("/kasus/baru", data={"flow": "LIS", "title": "Permohonan lisensi uji"})
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    return number


def test_lsp_opens_a_licence_case_uploads_and_submits_with_htmx(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    page = lsp.get(f"/kasus/{number}").get_data(as_text=True)
    assert "Pengajuan persyaratan apresiasi" in page
    assert "flow-step--current" in page  # the diagram marks the running step
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))

    # D1 is the checklist record: a PDF per requirement, then the declaration (HTMX) renders D1.
    from portal.licensing import checklist

    for requirement in checklist.requirements("apresiasi"):
        uploaded = lsp.post(f"/lisensi/kasus/{number}/persyaratan/{requirement.id}",
                            data={"file": (io.BytesIO(sample_pdf()), "persyaratan.pdf")},
                            content_type="multipart/form-data")
        assert uploaded.status_code == 302
    upload = lsp.post(f"/kasus/{number}/kerja/{work.id}/formulir", data={"declaration": "y"},
                      headers={"HX-Request": "true"})
    assert upload.status_code == 200
    fragment = upload.get_data(as_text=True)
    assert fragment.startswith('<div id="case-body">') and "<html" not in fragment
    assert "D1 " in fragment and "versi 1" in fragment

    case = engine.open_work  # noqa: F841  (engine imported for the version below)
    version = db.session.scalar(select(WorkItem.case_id).where(WorkItem.id == work.id))
    from portal.cases.models import Case

    current = db.session.get(Case, version)
    acted = lsp.post(f"/kasus/{number}/kerja/{work.id}/tindakan",
                     data={"action": "submit", "version": current.version}, headers={"HX-Request": "true"})
    assert acted.status_code == 200
    html = acted.get_data(as_text=True)
    assert "Pengajuan persyaratan apresiasi: Ajukan" in html  # timeline updated in the same swap
    db.session.expire_all()
    assert db.session.get(WorkItem, work.id).state == "done"


def test_wrong_file_type_gets_a_clear_message_and_stores_nothing(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    from portal.licensing import checklist
    from portal.licensing.models import RequirementFile

    requirement = checklist.requirements("apresiasi")[0]
    response = lsp.post(f"/lisensi/kasus/{number}/persyaratan/{requirement.id}",
                        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\nnot a pdf"), "foto.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == 415  # the upload gate: not a PDF is an unsupported media type
    assert "Berkas bukan PDF" in response.get_data(as_text=True)
    assert db.session.scalars(select(RequirementFile)).all() == []
    assert db.session.scalars(select(DocumentVersion)).all() == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_oversized_upload_is_refused_with_413(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    big = b"%PDF-1.7\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = lsp.post(f"/kasus/{number}/kerja/{work.id}/unggah",
                        data={"code": "D1", "file": (io.BytesIO(big), "besar.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "terlalu besar" in response.get_data(as_text=True)
    # Werkzeug leaves the spooled temp file of the refused body to the garbage collector.
    del response
    gc.collect()


def test_replayed_action_form_gets_409(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    from portal.cases.models import Case

    case = db.session.get(Case, work.case_id)
    engine.upload_document(case, "D1", "a.pdf", sample_pdf(), lsp.user, work=work)
    db.session.commit()
    form = {"action": "submit", "version": case.version}
    assert lsp.post(f"/kasus/{number}/kerja/{work.id}/tindakan", data=form).status_code == 302
    again = lsp.post(f"/kasus/{number}/kerja/{work.id}/tindakan", data=form)
    assert again.status_code == 409


def test_another_organisation_gets_404_on_case_and_document(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    from portal.cases.models import Case

    case = db.session.get(Case, work.case_id)
    version = engine.upload_document(case, "D1", "a.pdf", sample_pdf(), lsp.user, work=work)
    db.session.commit()
    stranger = login_as("lsp")
    assert stranger.get(f"/kasus/{number}").status_code == 404
    assert stranger.get(f"/kasus/{number}/dokumen/{version.id}").status_code == 404
    assert number not in stranger.get("/kasus").get_data(as_text=True)
    with lsp.get(f"/kasus/{number}/dokumen/{version.id}") as own:
        assert own.status_code == 200 and own.data.startswith(b"%PDF")


def test_inbox_lists_work_for_the_role_with_due_state_and_filters(app, db, login_as):
    lsp = login_as("lsp")
    number = _lis_case(lsp, db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    from portal.cases.models import Case

    case = db.session.get(Case, work.case_id)
    engine.upload_document(case, "D1", "a.pdf", sample_pdf(), lsp.user, work=work)
    engine.act(case, work.id, "submit", lsp.user)
    cs_work = engine.open_work(case)[0]
    cs_work.due_at = datetime.now(timezone.utc) - timedelta(days=3)
    db.session.commit()

    cs = login_as("cs")
    page = cs.get("/kotak-kerja").get_data(as_text=True)
    assert number in page and "is-overdue" in page and "Terlambat" in page
    assert number not in login_as("kasek").get("/kotak-kerja").get_data(as_text=True)
    fragment = cs.get("/kotak-kerja?alur=RCC", headers={"HX-Request": "true", "HX-Target": "inbox-list"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="inbox-list"') and number not in text
    assert number in cs.get(f"/kotak-kerja?q={number[-5:]}").get_data(as_text=True)


def test_public_alur_page_shows_the_six_flows_with_diagrams(client, db):
    html = client.get("/alur/").get_data(as_text=True)
    assert html.count("<svg") == 6
    for name in ("Surat Masuk", "Lisensi", "RCC"):
        assert name in html
    assert "D22b" in html and "style=" not in html


def test_external_users_cannot_open_internal_flows(app, db, login_as):
    lsp = login_as("lsp")
    response = lsp.post("/kasus/baru", data={"flow": "SM", "title": "Surat"})
    assert response.status_code == 422


def test_admin_edits_the_holiday_calendar_and_due_dates_follow(app, db, login_as):
    from datetime import date

    from portal.calendar.services import work_calendar

    admin = login_as("admin")
    assert admin.post("/admin/kalender/tambah", data={"day": "2026-12-28", "name": "Cuti bersama tambahan"}).status_code == 302
    page = admin.get("/admin/kalender/?tahun=2026").get_data(as_text=True)
    assert "Senin, 28 Desember 2026" in page and "Cuti bersama tambahan" in page
    from flask import g

    g.pop("work_calendar", None)
    assert not work_calendar().is_working_day(date(2026, 12, 28))
    bad = admin.post("/admin/kalender/tambah", data={"day": "bukan-tanggal", "name": "x"})
    assert bad.status_code == 422 and "Tanggal tidak valid" in bad.get_data(as_text=True)


def test_inbox_hides_the_subject_of_a_secret_letter_from_those_who_may_not_read_it(app, db, login_as):
    from portal.cases.access import ROLE_BITS

    phu = login_as("phu")
    case = engine.open_case("SM", phu.user, "Laporan investigasi rahasia", data={
        "sifat": "rahasia", "addressee_roles": ["kasek"]})
    work = engine.open_work(case)[0]
    work.role_mask |= ROLE_BITS["cs"]  # someone whose role acts on a step of it
    db.session.commit()
    assert "Laporan investigasi rahasia" in phu.get("/kotak-kerja").get_data(as_text=True)
    cs_page = login_as("cs").get("/kotak-kerja").get_data(as_text=True)
    assert case.number in cs_page and "(Surat rahasia)" in cs_page
    assert "Laporan investigasi rahasia" not in cs_page
