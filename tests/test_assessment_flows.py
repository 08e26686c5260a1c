"""RCC and ASKOM with people, not lines of text: three participants each, one judged Belum
Kompeten by the pleno — exactly two certificates, the SK annex names exactly those two, and the
third has none and reads why on their own page."""
from __future__ import annotations

import io
import subprocess

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal import storage
from portal.assessment.activation import activate, activation_link
from portal.assessment.apl02 import apl02_of
from portal.assessment.request import participants_of
from portal.cases import engine
from portal.cases.models import DocumentVersion
from portal.forms.base import FormInvalid
from tests.assessment_data import open_assessor_case
from tests.conftest import TEST_PASSWORD, login
from tests.factories import Cast, drive

CODES = {"RCC": {"sk": "D21", "printed": "D23"}, "ASKOM": {"sk": "D24", "printed": "D26"}}


def drafts_from_templates(cast, codes_at: dict[str, str]):
    """A `before` hook for drive(): at these steps the staff generate the draft from its template
    (as the case page's "Draf …" button does) instead of uploading a file."""
    from portal.cases.drafts import generate_draft

    def hook(case, work) -> bool:
        code = codes_at.get(work.step_key)
        if code and (code, "") not in engine.latest_documents(case):
            generate_draft(case, work, code, cast.user("staf_sertifikasi"))
        return False
    return hook


def _pdf_text(version) -> str:
    return subprocess.run(["pdftotext", "-layout", str(storage.path_for(version.storage_key)), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("flow_code", ["RCC", "ASKOM"])
def test_only_the_participants_decided_kompeten_get_certificates(app, db, flow_code):
    cast = Cast()
    case = open_assessor_case(flow_code, cast, 3)
    db.session.commit()
    budi, siti, agus = participants_of(case)
    codes = CODES[flow_code]
    drive(case, cast, answers={"Agus Prasetyo": "BK"}, before=drafts_from_templates(cast, {"draft_sk": codes["sk"]}))
    assert case.state == "selesai"

    certificates = db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.case_id == case.id, DocumentVersion.code == codes["printed"])).all()
    assert sorted(c.item_key for c in certificates) == [f"item:{budi.case_item_id}", f"item:{siti.case_item_id}"]
    sk = engine.latest_documents(case)[(codes["sk"], "")]
    annex = _pdf_text(sk)
    assert "Budi Santoso" in annex and "Siti Rahmawati" in annex and "Agus Prasetyo" not in annex
    assert budi.registration_number in annex and siti.registration_number in annex
    if flow_code == "RCC":  # RCC keeps the assessor's MET number; ASKOM takes a new one from the series
        assert budi.registration_number == budi.person.met_number
    else:
        assert budi.registration_number.startswith("MET.000.") and budi.registration_number != siti.registration_number
    assert (budi.valid_until - budi.certified_on).days in (365 * 3, 365 * 3 + 1)
    printed = engine.latest_documents(case)[(codes["printed"], f"item:{budi.case_item_id}")]
    text = _pdf_text(printed)
    assert "SKM/BNSP/00010/2/2023" in text and budi.registration_number in text
    assert agus.pleno == "BK" and agus.certificate_number is None
    from portal.assessment.apl02 import apl02_of

    record = apl02_of(budi)
    assert record.status == "diterima" and len(record.answers) == 10
    assert all(a.answer == "K" and a.review == "sesuai" for a in record.answers)

    # Agus activates his account and reads on his own page why there is no certificate.
    activate(activation_link(agus.person.user).rsplit("/", 1)[1], TEST_PASSWORD, TEST_PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, agus.person.user.username)
    page = client.get("/peserta").get_data(as_text=True)
    assert "Belum Kompeten" in page and "Bukti asesmen belum memadai" in page
    assert "Unduh sertifikat" not in page and "Budi Santoso" not in page


def test_participant_rejected_by_the_koordinator_walks_no_further_and_sees_why(app, db):
    cast = Cast()
    case = open_assessor_case("RCC", cast, 3)
    drive(case, cast, answers={"Siti Rahmawati": "tolak"}, before=drafts_from_templates(cast, {"draft_approval": "D5 A"}))
    budi, siti, agus = participants_of(case)
    assert siti.decision == "ditolak" and siti.pleno is None and siti.person.user_id is None  # no account
    text = _pdf_text(engine.latest_documents(case)[("D5 A", "")])
    assert "Budi Santoso" in text and "Agus Prasetyo" in text and "Siti Rahmawati" not in text
    assert len(db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.case_id == case.id, DocumentVersion.code == "D23")).all()) == 2


def test_approved_participants_get_an_activation_link_never_a_password(app, db):
    from portal.mail.models import OutgoingMail

    cast = Cast()
    case = open_assessor_case("ASKOM", cast, 2)
    drive(case, cast, until="readiness")
    every = db.session.scalars(select(OutgoingMail)).all()
    assert not any("kata sandi sementara" in m.body for m in every)  # never a password in an e-mail
    mails = [m for m in every if "/aktivasi/" in m.body]
    assert len(mails) == 2  # one activation link per approved participant
    link = mails[0].body.split("/aktivasi/", 1)[1].split()[0]
    client = app.test_client()
    assert client.get(f"/aktivasi/{link}").status_code == 200
    response = client.post(f"/aktivasi/{link}", data={"new": "sandi-baru-123", "confirm": "sandi-baru-123"})
    assert response.status_code == 302
    again = client.post(f"/aktivasi/{link}", data={"new": "sandi-lain-123", "confirm": "sandi-lain-123"})
    assert again.status_code == 410 and "sudah dipakai" in again.get_data(as_text=True)


def test_the_participant_is_offered_no_upload_on_the_apl02_step(app, db):
    """APL.02 is a form: its "Aplikasi" and its "Rekaman" (D12 / D13) are both filled by the record,
    so the participant's panel has no upload box, before or after submitting it."""
    from portal.forms import services as step_forms
    from portal.seeding.demo_assessment import form_answers

    cast = Cast()
    case = open_assessor_case("RCC", cast, 1)
    drive(case, cast, until="apl02")
    db.session.commit()
    (budi,) = participants_of(case)
    activate(activation_link(budi.person.user).rsplit("/", 1)[1], TEST_PASSWORD, TEST_PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, budi.person.user.username)
    work = engine.open_work(case)[0]
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Asesmen mandiri (FR.APL.02)" in page
    assert 'name="code"' not in page and 'value="D13"' not in page and "Unggah</button>" not in page
    refused = client.post(f"/kasus/{case.number}/kerja/{work.id}/unggah", content_type="multipart/form-data",
                          data={"code": "D13", "file": (io.BytesIO(b"%PDF-1.4 x %%EOF"), "apl02.pdf")})
    assert refused.status_code == 422 and "dibuat dari formulir" in refused.get_data(as_text=True)

    step_forms.submit(case, work, form_answers(case, work, {}), budi.person.user)
    db.session.commit()
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert 'name="code"' not in page and "Kirim APL.02" in page
    documents = engine.latest_documents(case)
    assert {("D12", f"item:{budi.case_item_id}"), ("D13", f"item:{budi.case_item_id}")} <= set(documents)

    # The Master Asesor reviewing it is not offered a file in place of the record either.
    engine.act(case, work.id, "submit", budi.person.user)
    db.session.commit()
    review = engine.open_work(case)[0]
    assert review.step_key == "review_apl02"
    ma = db.session.get(User, review.assignee_id)
    ma_client = app.test_client()
    login(ma_client, ma.username)
    page = ma_client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert 'value="D13"' not in page and 'value="D12"' not in page
    refused = ma_client.post(f"/kasus/{case.number}/kerja/{review.id}/unggah", content_type="multipart/form-data",
                             data={"code": "D13", "file": (io.BytesIO(b"%PDF-1.4 x %%EOF"), "apl02.pdf")})
    assert refused.status_code == 422 and "bukan berkas unggahan" in refused.get_data(as_text=True)

    # An element sent back needs a note the participant will read; with it, the APL.02 goes back.
    record = apl02_of(budi)
    first = record.answers[0].element_id
    answers = form_answers(case, review, {})
    answers.setlist(f"kaji_{first}", ["kembali"])
    with pytest.raises(FormInvalid) as no_note:
        step_forms.submit(case, review, answers, ma)
    assert "Tulis catatan untuk elemen yang dikembalikan: peserta membacanya." in no_note.value.errors
    db.session.rollback()
    answers.setlist(f"catatan_{first}", ["Bukti unit 1 belum dilampirkan."])
    step_forms.submit(case, review, answers, ma)
    db.session.commit()
    record = apl02_of(budi)
    assert record.status == "dikembalikan" and record.reviewer_name == ma.full_name
    assert [(a.review, a.review_note) for a in record.answers][0] == ("kembali", "Bukti unit 1 belum dilampirkan.")
    assert {a.review for a in record.answers[1:]} == {"sesuai"}


def test_the_activation_link_is_the_portals_one_expiring_single_use_token(app, db, monkeypatch):
    """Participant activation uses the accounts area's signed tokens: it expires, dies once a
    password is set, and a password-reset link is not an activation link."""
    import time as time_module
    from datetime import timedelta

    from portal.accounts import passwords

    cast = Cast()
    case = open_assessor_case("ASKOM", cast, 1)
    drive(case, cast, until="readiness")
    (budi,) = participants_of(case)
    client = app.test_client()
    token = activation_link(budi.person.user).rsplit("/", 1)[1]
    reset = passwords.make_token(budi.person.user)  # a reset link of the same account
    assert client.get(f"/aktivasi/{reset}").status_code == 410
    later = time_module.time() + timedelta(hours=passwords.ACTIVATION_HOURS, minutes=1).total_seconds()
    with monkeypatch.context() as patched:
        patched.setattr(passwords.time, "time", lambda: later)
        expired = client.get(f"/aktivasi/{token}")
        assert expired.status_code == 410 and "kedaluwarsa" in expired.get_data(as_text=True)
    weak = client.post(f"/aktivasi/{token}", data={"new": "12345", "confirm": "12345"})
    assert weak.status_code == 422 and "terlalu pendek" in weak.get_data(as_text=True)
    assert client.post(f"/aktivasi/{token}", data={"new": TEST_PASSWORD, "confirm": TEST_PASSWORD}).status_code == 302
    assert client.get(f"/aktivasi/{token}").status_code == 410  # spent
    login(client, budi.person.user.username)
