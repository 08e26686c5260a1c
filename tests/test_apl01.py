"""FR.APL.01 is a record the participant fills, not an upload: Bagian 1 prefilled from the request,
Bagian 2 purpose and units, Bagian 3 one PDF per basic requirement checked by the MA Pelatih. Bad
input answers 422 in Indonesian with what was typed kept; the rendered PDF holds the data; RCC shows
it read-only after D7 A; nobody else's participant, and no other LSP, reads or writes it."""
from __future__ import annotations

import io
import subprocess

from sqlalchemy import func, select

from portal import storage
from portal.assessment.activation import activate, activation_link
from portal.assessment.apl01 import BASIC_REQUIREMENTS, apl01_of
from portal.assessment.models import Apl01
from portal.assessment.request import participants_of
from portal.cases import engine
from portal.cases.models import WorkItem
from portal.forms import services as step_forms
from portal.forms.base import FormInvalid
from portal.seeding.demo_assessment import evidence_pdf, form_answers
from tests.assessment_data import open_assessor_case
from tests.conftest import TEST_PASSWORD, login, make_organisation
from tests.factories import Cast, drive


def _case_at_apl01(flow_code: str, count: int = 2, organisation=None):
    cast = Cast(organisation)
    case = open_assessor_case(flow_code, cast, count)
    drive(case, cast, until="apl01")
    from portal.extensions import db

    db.session.commit()
    return cast, case


def _client_of(app, participant):
    from portal.extensions import db

    activate(activation_link(participant.person.user).rsplit("/", 1)[1], TEST_PASSWORD, TEST_PASSWORD)
    db.session.commit()
    client = app.test_client()
    login(client, participant.person.user.username)
    return client


def _work(case, participant, step_key="apl01") -> WorkItem:
    from portal.extensions import db

    return db.session.scalar(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open",
                                                    WorkItem.step_key == step_key,
                                                    WorkItem.item_id == participant.case_item_id))


def _good(participant, **changes) -> dict:
    p = participant.person
    data = {"full_name": p.full_name, "birth_place": p.birth_place, "birth_date": p.birth_date.isoformat(),
            "sex": p.sex, "nationality": "Indonesia", "address": "Jl. Pemuda No. 12, Semarang",
            "postal_code": "50132", "phone_mobile": p.phone, "email": p.email, "education": "s2",
            "institution": p.institution, "position": "Kepala Unit Sertifikasi", "purpose": "sertifikasi"}
    for n in range(1, len(BASIC_REQUIREMENTS) + 1):
        data[f"bukti_{n}"] = (io.BytesIO(evidence_pdf()), f"ijazah-{n}.pdf")
    data.update(changes)
    return data


def _pdf_text(version) -> str:
    return subprocess.run(["pdftotext", "-layout", str(storage.path_for(version.storage_key)), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_participant_fills_apl01_bad_input_is_422_in_indonesian_and_the_pdf_holds_the_data(app, db):
    _cast, case = _case_at_apl01("ASKOM")
    budi, _siti = participants_of(case)
    work = _work(case, budi)
    client = _client_of(app, budi)
    url = f"/kasus/{case.number}/kerja/{work.id}/formulir"

    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Bagian 1: Data pribadi" in page and "Bagian 3: Bukti persyaratan dasar" in page
    assert f'value="{budi.person.full_name}"' in page and budi.person.nik in page  # prefilled from the request
    assert "M.74SPS03.088.2" in page  # the scheme's units
    assert 'name="code"' not in page  # APL.01 (D11 / D12) is a form, not an upload

    bad = _good(budi, address="", email="bukan-email", purpose="lainnya", full_name="Budi Santoso, S.T.",
                birth_date="1982-04-18", bukti_2=(io.BytesIO(b"bukan pdf"), "ijazah.docx"))
    del bad["bukti_1"]
    refused = client.post(url, data=bad, content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Alamat rumah wajib diisi." in text and "E-mail “bukan-email” tidak valid." in text
    assert "Sebutkan tujuan asesmen lainnya." in text
    assert f"NIK {budi.person.nik} tidak cocok dengan tanggal lahir 18-04-1982." in text
    assert f"Unggah bukti “{BASIC_REQUIREMENTS[0]}” (PDF)." in text and "Berkas bukan PDF" in text
    assert 'value="Budi Santoso, S.T."' in text  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(Apl01)) == 0  # nothing stored

    saved = client.post(url, data=_good(budi, full_name="Budi Santoso, S.T."), content_type="multipart/form-data")
    assert saved.status_code == 302
    db.session.expire_all()
    record = apl01_of(budi)
    assert record.status == "diajukan" and record.full_name == "Budi Santoso, S.T." and len(record.evidence) == 4
    documents = engine.latest_documents(case)
    d11, d12 = (documents[(code, f"item:{budi.case_item_id}")] for code in ("D11", "D12"))
    assert d11.sha256 == d12.sha256  # one record, both of the decree's slots
    text = _pdf_text(d11)
    for expected in ("FR.APL.01", "Budi Santoso, S.T.", budi.person.nik, "Jl. Pemuda No. 12, Semarang",
                     "Magister (S2)", "Kepala Unit Sertifikasi", "SKM/BNSP/00010/2/2023", "[X] Sertifikasi",
                     "M.74SPS03.088.2", "ijazah-1.pdf", BASIC_REQUIREMENTS[1][:25]):
        assert expected in text, expected

    # Submitted: read-only until the MA returns it.
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert 'name="full_name"' not in page
    assert client.post(url, data=_good(budi), content_type="multipart/form-data").status_code == 403
    evidence = record.evidence[0]
    download = client.get(f"/kasus/{case.number}/apl01/bukti/{evidence.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_another_participant_or_another_lsp_can_neither_read_nor_write_it(app, db, login_as):
    cast, case = _case_at_apl01("ASKOM")
    budi, siti = participants_of(case)
    siti_client = _client_of(app, siti)
    budis_url = f"/kasus/{case.number}/kerja/{_work(case, budi).id}/formulir"
    assert siti_client.post(budis_url, data=_good(budi), content_type="multipart/form-data").status_code == 403
    assert siti_client.post(budis_url + "/draf", data={"full_name": "X"}).status_code == 403
    assert apl01_of(budi) is None

    step_forms.submit(case, _work(case, budi), form_answers(case, _work(case, budi), {}), budi.person.user)
    db.session.commit()
    record = apl01_of(budi)
    d11 = engine.latest_documents(case)[("D11", f"item:{budi.case_item_id}")]
    own_url = f"/kasus/{case.number}/kerja/{_work(case, siti).id}/formulir"
    assert siti_client.get(f"/kasus/{case.number}/dokumen/{d11.id}").status_code == 404
    assert siti_client.get(f"/kasus/{case.number}/apl01/bukti/{record.evidence[0].id}").status_code == 404
    assert "Budi Santoso" not in siti_client.get(f"/kasus/{case.number}").get_data(as_text=True).split(
        "Bagian 1: Data pribadi")[1].split("</section>")[0]  # her own form, not his
    assert siti_client.post(own_url, data=_good(siti), content_type="multipart/form-data").status_code == 302

    other_lsp = login_as("lsp", organisation=make_organisation("LSP Lain"))
    assert other_lsp.get(f"/kasus/{case.number}").status_code == 404
    assert other_lsp.get(f"/kasus/{case.number}/apl01/bukti/{record.evidence[0].id}").status_code == 404
    assert other_lsp.post(own_url, data=_good(siti)).status_code == 404
    # The applicant LSP sees its participant's APL.01 (declared seen_by "applicant").
    own_lsp = app.test_client()
    login(own_lsp, cast.user("lsp").username)
    assert own_lsp.get(f"/kasus/{case.number}/dokumen/{d11.id}").status_code == 200


def test_rcc_apl01_is_read_only_after_d7a_and_the_participant_confirms_it(app, db):
    _cast, case = _case_at_apl01("RCC", 1)
    (budi,) = participants_of(case)
    work = _work(case, budi)
    client = _client_of(app, budi)
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "tidak dapat Anda ubah" in page and budi.person.met_number in page
    assert 'name="full_name"' not in page and 'type="file"' not in page and 'name="code"' not in page
    url = f"/kasus/{case.number}/kerja/{work.id}/formulir"
    refused = client.post(url, data={"full_name": "Nama Lain"})
    assert refused.status_code == 422 and "Centang pernyataan" in refused.get_data(as_text=True)
    assert client.post(url, data={"statement": "y", "full_name": "Nama Lain"}).status_code == 302
    db.session.expire_all()
    record = apl01_of(budi)
    assert record.status == "dikonfirmasi" and record.full_name == budi.person.full_name  # not editable
    text = _pdf_text(engine.latest_documents(case)[("D11", f"item:{budi.case_item_id}")])
    assert budi.person.full_name in text and budi.person.met_number in text and "Nama Lain" not in text
    assert "[X] Pengakuan Kompetensi Terkini (PKT)" in text
    assert client.post(url, data={"statement": "y"}).status_code == 403  # confirmed once
    assert client.post(f"/kasus/{case.number}/kerja/{work.id}/tindakan",
                       data={"action": "submit", "version": case.version}).status_code == 302
    db.session.expire_all()
    assert _work(case, budi, "apl02") is not None


def test_ma_pelatih_finds_a_requirement_wanting_and_the_participant_replaces_only_that_proof(app, db):
    cast, case = _case_at_apl01("ASKOM", 1)
    (budi,) = participants_of(case)
    work = _work(case, budi)
    step_forms.submit(case, work, form_answers(case, work, {}), budi.person.user)
    engine.act(case, work.id, "submit", budi.person.user)
    db.session.commit()
    review = _work(case, budi, "review_apl01")
    ma = db.session.get(type(budi.person.user), review.assignee_id)
    ma_client = app.test_client()
    login(ma_client, ma.username)
    panel = ma_client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Kaji APL.01 — Budi Santoso" in panel and "bukti-2.pdf" in panel and 'name="kaji_2"' in panel
    evidence_id = apl01_of(budi).evidence[1].id
    assert ma_client.get(f"/kasus/{case.number}/apl01/bukti/{evidence_id}").status_code == 200  # the named MA
    answers = form_answers(case, review, {})
    answers.setlist("kaji_2", ["tidak_memenuhi"])
    try:
        step_forms.submit(case, review, answers, ma)
        raise AssertionError("a wanting requirement without a note was accepted")
    except FormInvalid as exc:
        assert any("Tulis catatan untuk bukti yang tidak memenuhi" in m for m in exc.errors)
        assert any("hanya bila semua bukti memenuhi" in m for m in exc.errors)
    db.session.rollback()
    answers.setlist("catatan_2", ["Sertifikat teknis sudah kedaluwarsa; unggah yang berlaku."])
    answers.setlist("recommendation", ["tidak"])
    step_forms.submit(case, review, answers, ma)
    db.session.commit()
    try:
        engine.act(case, review.id, "approve", ma)
        raise AssertionError("validated while a requirement is not met")
    except engine.CaseError as exc:
        assert "APL.01 ini belum diterima" in exc.message
    db.session.rollback()
    engine.act(case, review.id, "return", ma, reason="Bukti nomor 2 belum memenuhi.")
    db.session.commit()

    client = _client_of(app, budi)
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "APL.01 dikembalikan" in page and "sudah kedaluwarsa; unggah yang berlaku" in page
    own_page = client.get("/peserta").get_data(as_text=True)  # told on their own page, not only the case
    assert "APL.01 dikembalikan Master Asesor" in own_page and "sudah kedaluwarsa" in own_page
    again = _work(case, budi)
    data = _good(budi)
    for n in (1, 3, 4):
        del data[f"bukti_{n}"]  # kept from the first submission
    data["bukti_2"] = (io.BytesIO(evidence_pdf()), "sertifikat-teknis-2026.pdf")
    assert client.post(f"/kasus/{case.number}/kerja/{again.id}/formulir", data=data,
                       content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    record = apl01_of(budi)
    assert record.status == "diajukan" and [e.file_name for e in record.evidence] == [
        "bukti-1.pdf", "sertifikat-teknis-2026.pdf", "bukti-3.pdf", "bukti-4.pdf"]
