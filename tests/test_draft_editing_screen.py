"""Issue 12: a drafter edits a generated draft from the case screen ("Ubah draf …") instead of uploading
a PDF made elsewhere; the edit is rendered from the official template as the slot's next version, and
the signer's queue follows it. Through the HTTP client, with a real RCC case at its drafting step."""
from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import storage
from portal.audit.models import AuditEntry
from portal.cases import engine
from portal.cases.models import CaseEvent, DocumentVersion
from portal.core.dates import format_date_id, to_wib, utcnow
from portal.extensions import db as _db
from portal.signing.models import SignatureRequest
from tests.conftest import login, make_organisation, make_user
from tests.factories import Cast, drive

HAL = "Persetujuan RCC Asesor Kompetensi Gelombang Kedua"
PARAGRAPH = "Kegiatan dilaksanakan di Gedung Diklat Cibubur sesuai jadwal yang disepakati bersama."


def _client(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def _url(case, work, code="D5 A"):
    return f"/kasus/{case.number}/kerja/{work.id}/draf/{code}/ubah"


def _versions(case, code="D5 A") -> int:
    return _db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.case_id == case.id, DocumentVersion.code == code))


def _latest(case, code="D5 A") -> DocumentVersion:
    return engine.latest_documents(case)[(code, "")]


def _text(version: DocumentVersion) -> str:
    out = subprocess.run(["pdftotext", str(storage.path_for(version.storage_key)), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture()
def drafting(app, db):
    """An RCC case at "Draf surat persetujuan dan SPT", its MAs named, drafts made on the screen."""
    from portal.assessment.people import MA_SLOTS, name_master_assessor
    from tests.assessment_data import open_assessor_case

    cast = Cast()
    case = open_assessor_case("RCC", cast, 2, title="Uji ubah draf")
    drive(case, cast, until="draft_approval")
    staf = cast.user("staf_sertifikasi")
    for slot, (role, _label) in MA_SLOTS.items():
        name_master_assessor(case, slot, cast.user(role), staf)
    _db.session.commit()
    work = engine.open_work(case)[0]
    client = _client(app, staf)
    for code in ("D5 A", "D6 A", "D6 B"):
        response = client.post(f"/kasus/{case.number}/kerja/{work.id}/draf", data={"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return case, work, cast, client


def _edit_form(client, case, work, code="D5 A") -> dict:
    """What the prefilled form would post back (read from the stored draft, as the screen shows it)."""
    from portal.cases.draft_edits import editable_draft

    return dict(editable_draft(case, work, code).values)


def test_case_screen_offers_the_edit_and_an_edit_becomes_the_next_version(app, drafting, tmp_path):
    case, work, cast, client = drafting
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    for code in ("D5 A", "D6 A", "D6 B"):
        assert f"Ubah draf {code}</a>" in page
    form = client.get(_url(case, work), headers={"HX-Request": "true"})
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "<html" not in html and "Ubah draf D5 A" in html and 'name="csrf_token"' in html
    assert 'value="Persetujuan Permohonan Recognition of Current Competency (RCC) Asesor Kompetensi"' in html
    assert 'hx-post="' in html

    tomorrow = to_wib(utcnow()).date() + timedelta(days=1)
    values = _edit_form(client, case, work) | {
        "hal": HAL, "tanggal": tomorrow.isoformat(),
        "paragraf": _edit_form(client, case, work)["paragraf"] + "\n\n" + PARAGRAPH}
    response = client.post(_url(case, work), data=values, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#case-body"
    body = response.get_data(as_text=True)
    assert 'id="case-body"' in body and "Draf D5 A diubah (versi 2)" in body

    _db.session.expire_all()
    edited = _latest(case)
    assert edited.version == 2 and edited.note.startswith("Draf diubah: Tanggal surat, Hal, Isi surat")
    assert edited.number_boxes and edited.signature_box  # signing still writes the number and the stamp
    (tmp_path / "draf-diubah.pdf").write_bytes(storage.read_bytes(edited.storage_key))  # kept to look at
    text = _text(edited)
    assert HAL in text and PARAGRAPH in text and format_date_id(tomorrow) in text
    assert "……/BNSP/DL.02.00/" in text  # the number waits for the signature
    # The edited context is kept: the form opens again with the new wording.
    again = client.get(_url(case, work)).get_data(as_text=True)
    assert f'value="{HAL}"' in again and "<html" in again  # without HTMX: a page of its own
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "case.draft_edited")) == 1

    # An SPT's fields too: the place of the assignment reaches its PDF.
    spt = _edit_form(client, case, work, "D6 A") | {"tempat_tugas": "Hotel Grand Preanger, Bandung"}
    assert client.post(_url(case, work, "D6 A"), data=spt).status_code == 302
    _db.session.expire_all()
    assert "Hotel Grand Preanger, Bandung" in _text(_latest(case, "D6 A"))


def test_bad_date_is_refused_with_the_typed_values_kept_and_nothing_stored(app, drafting):
    case, work, cast, client = drafting
    stored_before = dict(case.data["drafts"]["D5 A"])
    values = _edit_form(client, case, work) | {"tanggal": "2026-02-31", "hal": HAL, "kepada": ""}
    response = client.post(_url(case, work), data=values, headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tanggal surat: tanggal tidak valid." in html
    assert "Kepada (satu baris per baris alamat) wajib diisi." in html
    assert f'value="{HAL}"' in html and 'value="2026-02-31"' in html  # what was typed stays
    assert "HX-Retarget" not in response.headers  # the form answers in its own place
    _db.session.expire_all()
    assert _versions(case) == 1 and case.data["drafts"]["D5 A"] == stored_before
    assert not _db.session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.label.like("Draf D5 A diubah%")))


def test_only_someone_who_may_act_on_the_step_edits_a_draft(app, drafting):
    case, work, cast, client = drafting
    values = _edit_form(client, case, work) | {"hal": HAL}
    other_lsp = make_user("lsp_lain_draf", ["lsp"], organisation=make_organisation("LSP Lain"))
    outsider = _client(app, other_lsp)
    assert outsider.get(_url(case, work)).status_code == 404
    assert outsider.post(_url(case, work), data=values).status_code == 404
    for person in (cast.user("lsp"), cast.user("phu"), cast.user("ketua")):  # sees the case, not this step
        other = _client(app, person)
        assert other.get(_url(case, work)).status_code == 403
        assert other.post(_url(case, work), data=values).status_code == 403
        assert "Ubah draf" not in other.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert client.post(_url(case, work), data=values, csrf=False).status_code == 400
    assert client.post(_url(case, work), data=values, csrf="bukan-token").status_code == 400
    # A document this step does not make, and a code with no generated draft, are not editable.
    assert client.get(_url(case, work, "D2")).status_code == 404
    assert client.get(_url(case, work, "D7 A")).status_code == 404
    _db.session.expire_all()
    assert _versions(case) == 1


def test_an_uploaded_pdf_is_not_overwritten_by_an_edit_of_the_older_draft(app, drafting):
    from tests.factories import sample_pdf

    case, work, cast, client = drafting
    response = client.post(f"/kasus/{case.number}/kerja/{work.id}/unggah",
                           data={"code": "D5 A", "file": (__import__("io").BytesIO(sample_pdf()), "surat.pdf")})
    assert response.status_code == 302
    assert "Ubah draf D5 A" not in client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert client.get(_url(case, work)).status_code == 404


def test_the_signers_queue_takes_the_edited_draft_and_signs_it(app, drafting):
    from portal.signing.queue import set_pin, start_batch
    from portal.signing.runner import run_batch
    from portal.signing.setup import ensure_dev_signing

    ensure_dev_signing()
    case, work, cast, client = drafting
    assert client.post(_url(case, work), data=_edit_form(client, case, work) | {"hal": HAL}).status_code == 302
    response = client.post(f"/kasus/{case.number}/kerja/{work.id}/tindakan",
                           data={"action": engine.flow_of(case).step("draft_approval").transitions[0].key,
                                 "version": case.version})
    assert response.status_code == 302
    _db.session.expire_all()
    letter = _db.session.scalars(select(SignatureRequest).where(
        SignatureRequest.case_id == case.id, SignatureRequest.code == "D7 A")).one()
    assert letter.source_version.version == 2  # the edited draft went to the signer

    # The Ketua corrects the subject once more at the signing step: the queued request follows.
    ketua = cast.user("ketua")
    sign_work = engine.open_work(case)[0]
    signer = _client(app, ketua)
    assert "Ubah draf D5 A" in signer.get(f"/kasus/{case.number}").get_data(as_text=True)
    final_hal = HAL + " (Perbaikan)"
    values = _edit_form(signer, case, sign_work) | {"hal": final_hal}
    assert signer.post(_url(case, sign_work), data=values).status_code == 302
    _db.session.expire_all()
    letter = _db.session.get(SignatureRequest, letter.id)
    assert letter.state == "menunggu" and letter.source_version.version == 3

    set_pin(ketua, "135792")
    batch = start_batch(ketua, [letter.id], "135792")
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    letter = _db.session.get(SignatureRequest, letter.id)
    assert letter.state == "ditandatangani", letter.error
    signed = _text(letter.signed_version)
    assert final_hal in signed and letter.number in signed
