"""The signer's desk: rows that say what each document is, groups across pages, filters, a fixed
query count, the confirmation with counts per kind, a wrong PIN that keeps the selection, review
mode that records what was opened, and a batch bound to one signing certificate."""
from __future__ import annotations

import os
import re
import shutil

import pytest
from sqlalchemy import event, func, select

from portal import storage
from portal.cases import engine
from portal.correspondence import services as mail
from portal.correspondence.services import OutgoingDraft
from portal.extensions import db as _db
from portal.signing import desk, runner
from portal.signing.devpki import create_dev_pki
from portal.signing.models import SignatureRequest, SigningBatch, SigningBatchDocument
from portal.signing.queue import set_pin
from portal.signing.setup import ensure_dev_signing
from portal.signing.validation import validate_signed_pdf
from tests.conftest import login
from tests.factories import Cast, drive

PIN = "246810"


def _rcc(cast: Cast, participants: int, until: str, title: str, offset: int = 0):
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, participants, offset=offset, title=title)
    drive(case, cast, until=until)
    return case


@pytest.fixture()
def desk_cast(app, db):
    ensure_dev_signing()
    cast = Cast()
    letters = _rcc(cast, 2, "sign_approval", "RCC surat persetujuan")
    certificates = _rcc(cast, 4, "sign_certificates", "RCC sertifikat", offset=2)
    set_pin(cast.user("ketua"), PIN)
    db.session.commit()
    return cast, letters, certificates


def _client(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def test_rows_say_what_each_document_is(app, db, desk_cast):
    cast, letters, certificates = desk_cast
    page = desk.desk_page(cast.user("ketua"), desk.DeskFilters())
    rows = {(r.case_number, r.code, r.holder): r for r in page.rows}
    approval = rows[(letters.number, "D7 A", "")]
    assert approval.kind_label == "Surat" and approval.addressee == cast.organisation.name
    assert approval.subject == "RCC surat persetujuan" and "persetujuan" in approval.name.lower()
    assert approval.prepared_by not in ("", "—")  # the drafter of the letter's draft
    certificate = next(r for r in page.rows if r.case_number == certificates.number and r.code == "D24")
    holder = certificate.holder
    assert holder and certificate.kind_label == "Sertifikat Kompetensi" and "SKM/BNSP" in certificate.scheme
    assert certificate.waited in ("< 1 jam kerja",) or certificate.waited.endswith("kerja")
    # Grouped by case: one group per case, "select this group" counts the whole group.
    assert {g.key: g.count for g in page.groups} == {f"kasus:{letters.id}": 3, f"kasus:{certificates.id}": 4}

    html = _client(app, cast.user("ketua")).get("/tanda-tangan/").get_data(as_text=True)
    assert "Kepada:</span> " + cast.organisation.name in html
    assert f"Pemegang:</span> {holder}" in html and "Pilih grup ini (4 dokumen)" in html
    assert "Tandatangani <span data-selected-count>0</span> dokumen" in html


def test_member_letter_shows_its_subject_and_addressee(app, db):
    anggota = Cast().user("anggota")
    from tests.factories import sample_pdf
    from portal.correspondence.services import Upload

    draft = OutgoingDraft(subject="Tanggapan atas undangan narasumber", kepada=["Yth. Rektor Universitas Contoh", "di", "Bandung"],
                          classification="UM.00.00", paragraf=["Dengan hormat."], tembusan=[], signer_role="anggota")
    mail.draft_outgoing("SKA", draft, anggota, upload=Upload("konsep.pdf", sample_pdf()))
    db.session.commit()
    row = desk.desk_page(anggota, desk.DeskFilters()).rows[0]
    assert (row.kind_label, row.subject, row.addressee) == ("Surat", "Tanggapan atas undangan narasumber",
                                                            "Yth. Rektor Universitas Contoh")
    assert desk.desk_page(anggota, desk.DeskFilters(q="Rektor Universitas")).total == 1
    assert desk.desk_page(anggota, desk.DeskFilters(q="tidak ada yang cocok")).total == 0


def test_filters_groups_across_pages_and_a_fixed_query_count(app, db, desk_cast, monkeypatch):
    cast, letters, certificates = desk_cast
    ketua = cast.user("ketua")
    assert desk.desk_page(ketua, desk.DeskFilters(kind="certificate")).total == 4
    assert desk.desk_page(ketua, desk.DeskFilters(kind="spt")).total == 2
    assert desk.desk_page(ketua, desk.DeskFilters(flow="LIS")).total == 0
    one_holder = next(i.label for i in certificates.items if i.kind == "participant")
    assert desk.desk_page(ketua, desk.DeskFilters(q=one_holder)).total == 1
    by_kind = desk.desk_page(ketua, desk.DeskFilters(group_by="jenis"))
    assert {g.label: g.count for g in by_kind.groups} == {"Sertifikat Kompetensi": 4, "Surat": 1, "Surat Tugas": 2}

    monkeypatch.setattr(desk, "PAGE_SIZE", 3)
    first = desk.desk_page(ketua, desk.DeskFilters(kind="certificate"))
    assert first.pages == 2 and len(first.rows) == 3
    # "Select this group" on page 1 takes the document on page 2 too.
    chosen = desk.resolve_selection(ketua, [], [first.groups[0].key], desk.DeskFilters(kind="certificate"))
    assert len(chosen) == 4

    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        db.session.commit()  # both measurements start from a fresh transaction
        statements.clear()
        desk.desk_page(ketua, desk.DeskFilters())
        small = len(statements)
        _rcc(cast, 6, "sign_certificates", "RCC sertifikat kedua", offset=6)
        db.session.commit()
        statements.clear()
        bigger = desk.desk_page(ketua, desk.DeskFilters())
        assert bigger.total == 13 and len(statements) == small
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)


def test_confirmation_counts_kinds_and_a_wrong_pin_keeps_the_selection(app, db, desk_cast):
    cast, letters, certificates = desk_cast
    client = _client(app, cast.user("ketua"))
    prepared = client.post("/tanda-tangan/siapkan", data={"groups": [f"kasus:{certificates.id}"],
                                                           "requests": [], "kelompok": "kasus"})
    assert prepared.status_code == 302
    confirm_url = prepared.headers["Location"]
    page = client.get(confirm_url).get_data(as_text=True)
    assert "Anda akan menandatangani 4 dokumen" in page and "<strong>4</strong> Sertifikat Kompetensi" in page
    assert "Tandatangani 4 dokumen" in page

    start_url = re.search(r'action="([^"]+/mulai)"', page).group(1)
    wrong = client.post(start_url, data={"pin": "000000"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 403 and "Sisa 4 kali percobaan" in text
    assert "Tandatangani 4 dokumen" in text  # the selection is still there
    for left in (3, 2, 1):
        assert f"Sisa {left} kali" in client.post(start_url, data={"pin": "000000"}).get_data(as_text=True)
    locked = client.post(start_url, data={"pin": "000000"})
    assert locked.status_code == 429 and re.search(r"dikunci sampai pukul \d\d\.\d\d WIB", locked.get_data(as_text=True))
    refused = client.post(start_url, data={"pin": PIN})
    assert refused.status_code == 429 and "Tandatangani 4 dokumen" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SignatureRequest).where(
        SignatureRequest.state.in_(("diproses", "ditandatangani")))) == 0


def test_review_mode_records_what_was_opened_and_returns_with_a_note(app, db, desk_cast):
    cast, letters, certificates = desk_cast
    client = _client(app, cast.user("ketua"))
    waiting = select(SignatureRequest).where(SignatureRequest.state == "menunggu")
    ids = [r.id for r in db.session.scalars(waiting.where(SignatureRequest.case_id == letters.id))]
    certificate_ids = [r.id for r in db.session.scalars(waiting.where(SignatureRequest.case_id == certificates.id))]
    location = client.post("/tanda-tangan/siapkan", data={"requests": ids + certificate_ids[:1]}).headers["Location"]
    batch_id = int(re.search(r"/batch/(\d+)/", location).group(1))

    first = client.get(f"/tanda-tangan/batch/{batch_id}/tinjau/1")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Tinjau dokumen 1 dari 4" in html
    image = re.search(r'<img class="pdf-page" src="([^"]+)"', html).group(1)
    png = client.get(image)
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    png.close()
    assert client.post(f"/tanda-tangan/batch/{batch_id}/tinjau/1/simpan").headers["Location"].endswith("/tinjau/2")
    client.get(f"/tanda-tangan/batch/{batch_id}/tinjau/4")
    back = client.post(f"/tanda-tangan/batch/{batch_id}/tinjau/4/kembalikan", data={"note": ""})
    assert "galat=" in back.headers["Location"]  # a note is required

    entries = {e.position: e for e in db.session.scalars(select(SigningBatchDocument)
                                                          .where(SigningBatchDocument.batch_id == batch_id))}
    assert entries[0].opened_at and entries[0].kept_at and entries[3].opened_at
    assert entries[1].opened_at is None and entries[2].opened_at is None
    page = client.get(f"/tanda-tangan/batch/{batch_id}/konfirmasi").get_data(as_text=True)
    assert "Sudah dibuka: 2 dari 4" in page

    start = client.post(f"/tanda-tangan/batch/{batch_id}/mulai", data={"pin": PIN})
    assert start.status_code == 302
    db.session.expire_all()
    batch = db.session.get(SigningBatch, batch_id)
    assert batch.state == "selesai" and batch.total == 4 and batch.key_fingerprint
    assert {e.request.state for e in entries.values()} == {"ditandatangani"}
    from portal.audit.models import AuditEntry

    reviewed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "signing.batch_reviewed")).one()
    assert sorted(reviewed.detail["opened_before_pin"]) == sorted([entries[0].request_id, entries[3].request_id])


def test_returning_a_document_in_review_takes_it_and_its_step_out_of_the_batch(app, db, desk_cast):
    cast, letters, certificates = desk_cast
    client = _client(app, cast.user("ketua"))
    location = client.post("/tanda-tangan/siapkan", data={"groups": ["semua"]}).headers["Location"]
    batch_id = int(re.search(r"/batch/(\d+)/", location).group(1))
    entries = db.session.scalars(select(SigningBatchDocument).where(SigningBatchDocument.batch_id == batch_id)
                                 .order_by(SigningBatchDocument.position)).all()
    position = next(e.position for e in entries if e.request.case_id == letters.id) + 1
    client.post(f"/tanda-tangan/batch/{batch_id}/tinjau/{position}/kembalikan", data={"note": "Tanggal SPT salah"})
    page = client.get(location).get_data(as_text=True)
    assert "Anda akan menandatangani 4 dokumen" in page and "3 dikembalikan dengan catatan" in page
    db.session.expire_all()
    assert engine.open_work(letters)[0].step_key == "draft_approval"


def _two_keys(tmp_path):
    passphrase = "kunci-uji-tukar"
    first = create_dev_pki(tmp_path / "a", passphrase, signer_name="Ketua BNSP (kunci A)")
    second = create_dev_pki(tmp_path / "b", passphrase, signer_name="Ketua BNSP (kunci B)")
    (tmp_path / "pass").write_text(passphrase)
    active = tmp_path / "aktif.p12"
    shutil.copyfile(first.p12_path, active)
    return first, second, active


def test_a_certificate_swapped_mid_batch_fails_the_batch_cleanly(app, db, desk_cast, tmp_path, monkeypatch):
    cast, letters, certificates = desk_cast
    first, second, active = _two_keys(tmp_path)
    monkeypatch.setitem(app.config, "SIGNING_P12_PATH", str(active))
    monkeypatch.setitem(app.config, "SIGNING_P12_PASSPHRASE_FILE", str(tmp_path / "pass"))
    monkeypatch.setitem(app.config, "SIGNING_CHUNK", 2)
    _rcc(cast, 4, "sign_certificates", "RCC sertifikat ketiga", offset=12)
    db.session.commit()
    original = runner.store_signed_group
    stored = []

    def store_then_swap(*args, **kwargs):
        result = original(*args, **kwargs)
        stored.append([request.id for request in result])
        if len(stored) == 1:  # between the first and the later chunks the key file is replaced
            swapped = tmp_path / "baru.p12"
            shutil.copyfile(second.p12_path, swapped)
            os.replace(swapped, active)
        return result

    monkeypatch.setattr(runner, "store_signed_group", store_then_swap)
    client = _client(app, cast.user("ketua"))
    location = client.post("/tanda-tangan/siapkan", data={"kelompok": "jenis", "jenis": "certificate",
                                                          "groups": ["jenis:certificate"]}).headers["Location"]
    batch_id = int(re.search(r"/batch/(\d+)/", location).group(1))
    client.post(f"/tanda-tangan/batch/{batch_id}/mulai", data={"pin": PIN})

    db.session.expire_all()
    batch = db.session.get(SigningBatch, batch_id)
    assert batch.state == "gagal" and "Sertifikat tanda tangan berubah" in batch.message
    documents = db.session.scalars(select(SignatureRequest).where(SignatureRequest.batch_id == batch_id)).all()
    signed = [r for r in documents if r.state == "ditandatangani"]
    back = [r for r in documents if r.state != "ditandatangani"]
    # Chunks of 2: the first is stored when the key changes; the chunks already handed to the
    # signing processes (CHUNKS_AHEAD) may have been signed by the first key, none after the swap.
    assert len(documents) == 8 and 2 <= len(signed) <= 2 * (1 + runner.CHUNKS_AHEAD) and back
    assert {r.state for r in back} == {"menunggu"} and all("berubah" in r.error for r in back)
    assert all(r.signed_version_id is None for r in back)
    for request in signed:  # signed before the swap, by the first key only
        report = validate_signed_pdf(storage.read_bytes(request.signed_version.storage_key), [first.root_cert()])
        assert report.intact and report.trusted, report.problems
    page = client.get(f"/tanda-tangan/batch/{batch_id}").get_data(as_text=True)
    assert "Dihentikan: Sertifikat tanda tangan berubah" in page
    queue_page = client.get("/tanda-tangan/").get_data(as_text=True)
    assert "berubah (atau tidak dapat dibaca) di tengah batch" in queue_page
