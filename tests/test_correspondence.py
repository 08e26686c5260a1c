"""Correspondence: Surat Masuk with disposition, Surat Keluar from the Secretariat and from members,
monitoring with SLA states, CSV, the SLA chart, search, and secret letters."""
from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal import storage
from portal.calendar.services import seed_default_holidays
from portal.cases import engine
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.correspondence import monitoring, services
from portal.correspondence.services import IncomingLetter, OutgoingDraft, Upload
from portal.numbering.models import NumberSeries
from tests.conftest import login, make_user
from tests.factories import sample_pdf

WIB = ZoneInfo("Asia/Jakarta")
PIN = "135790"


def wib(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


class Office:
    """One person per role; the first holder of a role is who work addressed to it goes to."""

    ROLES = ("phu", "kasek", "ketua", "kabag", "staf_sertifikasi", "staf_lisensi", "koor_sdm", "anggota", "cs")

    def __init__(self, app):
        self.app = app
        self.people = {role: make_user(f"{role}_kantor", [role]) for role in self.ROLES}

    def __getitem__(self, role):
        return self.people[role]

    def client(self, role):
        client = self.app.test_client()
        login(client, self.people[role].username)
        return client


@pytest.fixture()
def office(app, db):
    seed_default_holidays([2026])
    db.session.commit()
    return Office(app)


def letter(**changes) -> IncomingLetter:
    values = dict(sender="LSP Teknologi Digital Nusantara", their_number="045/LSP-TD/III/2026",
                  their_date=date(2026, 3, 2), received_on=date(2026, 3, 5),
                  subject="Permohonan RCC Asesor Kompetensi", classification="DL.02.00", sifat="biasa",
                  matter="umum", addressed_to="kasek")
    values.update(changes)
    return IncomingLetter(**values)


def sheet_fields(*, instructions, units, due, note="") -> MultiDict:
    """The Lembar Disposisi as the browser submits it (the step form "disposisi")."""
    return MultiDict([*(("instructions", i) for i in instructions), *(("units", u) for u in units),
                      ("note", note), ("due", due.isoformat())])


def scan() -> Upload:
    return Upload("surat.pdf", sample_pdf())


def register(office, db, now, **changes) -> Case:
    case = services.register_incoming(letter(**changes), scan(), office["phu"], now=now)
    db.session.commit()
    return case


def open_steps(case) -> dict[str, WorkItem]:
    return {w.step_key: w for w in engine.open_work(case)}


def draft(**changes) -> OutgoingDraft:
    values = dict(subject="Undangan Rapat Koordinasi Lisensi",
                  kepada=["Yth. Ketua LSP Teknologi Digital", "di", "Jakarta"],
                  classification="LS.01.00", paragraf=["Dengan hormat, kami mengundang Saudara.", "Demikian."],
                  tembusan=["Kepala Sekretariat BNSP"], signer_role="ketua")
    values.update(changes)
    return OutgoingDraft(**values)


def sign_by_hand(case, signer, now):
    """What the signing queue does once the signer signed (the queue itself is tested below)."""
    work = next(w for w in engine.open_work(case) if engine.flow_of(case).step(w.step_key).signs)
    engine.upload_document(case, "SURAT_TTD", "surat-ttd.pdf", sample_pdf(), signer, work=work)
    forward = next(t for t in engine.flow_of(case).step(work.step_key).transitions if t.kind in ("advance", "approve"))
    engine.act(case, work.id, forward.key, signer, now=now)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


# --- Surat Masuk ---------------------------------------------------------------------------------

def test_every_mail_step_words_the_letters_state_in_its_declaration():
    from portal.correspondence.letters import MAIL_FLOWS
    from portal.flows.registry import FLOWS

    for code in MAIL_FLOWS:
        for step in FLOWS[code].steps:
            assert step.status, f"{code}.{step.key} has no status wording"
            step.status.format(signer="Ketua", disposer="Kepala Sekretariat", unit="Bagian Lisensi")


def test_phu_registers_a_letter_through_the_form_and_it_waits_for_the_kaseks_disposition(app, db, office):
    phu = office.client("phu")
    form = phu.get("/surat/masuk/baru").get_data(as_text=True)
    assert "Catat Surat Masuk" in form and "disposisi jatuh tempo" in form

    response = phu.post("/surat/masuk/baru", content_type="multipart/form-data", data={
        "sender": "LSP Pariwisata Indonesia", "their_number": "12/LSP-PI/XI/2026", "their_date": "2026-11-02",
        "received_on": "2026-11-03", "subject": "Permohonan pelatihan asesor", "classification": "DL.02.00",
        "sifat": "segera", "matter": "umum", "addressed_to": "kasek",
        "scan": (io.BytesIO(sample_pdf()), "pindaian.pdf"),
        "attachments": [(io.BytesIO(sample_pdf()), "daftar-peserta.pdf"), (io.BytesIO(sample_pdf()), "jadwal.pdf")],
    })
    assert response.status_code == 302
    case = db.session.scalar(select(Case).where(Case.flow_code == "SM"))
    year = case.created_at.year
    assert case.data["agenda_number"] == f"00001/SM/{year}"
    assert [a["filename"] for a in case.data["attachments"]] == ["daftar-peserta.pdf", "jadwal.pdf"]
    disposition = open_steps(case)["disposisi"]
    assert disposition.assignee_id == office["kasek"].id
    page = phu.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Agenda 00001/SM/{year}" in page and "Menunggu disposisi Kepala Sekretariat" in page
    assert "LSP Pariwisata Indonesia" in page and "2 November 2026" in page
    with phu.get(f"/surat/{case.number}/lampiran/1") as attachment:
        assert attachment.data == sample_pdf() and attachment.mimetype == "application/pdf"

    second = register(office, db, datetime.now(timezone.utc))
    assert second.data["agenda_number"] == f"00002/SM/{year}"


def test_friday_1530_arrival_is_disposed_by_monday_1500_or_the_next_working_day(app, db, office):
    # 6 March 2026 is a Friday; Monday 9 March is a working day.
    late_friday = register(office, db, wib(2026, 3, 6, 15, 30))
    assert open_steps(late_friday)["disposisi"].due_at == wib(2026, 3, 9, 15, 0)
    # 29 May 2026 is a Friday; Monday 1 June is Hari Lahir Pancasila: due Tuesday 2 June.
    before_holiday = register(office, db, wib(2026, 5, 29, 15, 30))
    assert open_steps(before_holiday)["disposisi"].due_at == wib(2026, 6, 2, 15, 0)
    # Within working hours: the same day.
    early_friday = register(office, db, wib(2026, 3, 6, 14, 0))
    assert open_steps(early_friday)["disposisi"].due_at == wib(2026, 3, 6, 15, 0)

    page = office.client("kasek").get(f"/surat/{late_friday.number}").get_data(as_text=True)
    assert "Disposisi jatuh tempo Senin, 9 Maret 2026 pukul 15.00 WIB" in page
    page = office.client("kasek").get(f"/surat/{before_holiday.number}").get_data(as_text=True)
    assert "Selasa, 2 Juni 2026 pukul 15.00 WIB" in page


def test_kasek_disposes_with_htmx_the_unit_follows_up_and_archives(app, db, office):
    case = register(office, db, datetime.now(timezone.utc))
    kasek = office.client("kasek")
    due = services.default_follow_up_due()
    response = kasek.post(f"/surat/{case.number}/disposisi", headers={"HX-Request": "true"}, data={
        "instructions": ["Tanggapi dan proses lebih lanjut", "Siapkan draf jawaban"],
        "units": ["staf_sertifikasi", "koor_sdm"], "note": "Cek kelengkapan peserta.", "due": due.isoformat()})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('<div id="letter-body">') and "<html" not in fragment
    assert "Disposisi dikirim" in fragment and "Tindak lanjut oleh Bagian Sertifikasi" in fragment

    db.session.expire_all()
    follow_up = open_steps(case)["follow_up"]
    assert follow_up.assignee_id == office["staf_sertifikasi"].id
    assert follow_up.due_at == datetime.combine(due, datetime.min.time().replace(hour=15), tzinfo=WIB)
    with kasek.get(f"/surat/{case.number}/lembar-disposisi.pdf") as sheet:
        assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
        text = pdf_text(sheet.data)
    assert "LEMBAR DISPOSISI" in text and case.data["agenda_number"] in text and "Cek kelengkapan peserta." in text

    staf = office.client("staf_sertifikasi")
    done = staf.post(f"/surat/{case.number}/tindak-lanjut",
                     data={"note": "Peserta diverifikasi; jawaban disiapkan.", "then": "arsip"})
    assert done.status_code == 302
    db.session.expire_all()
    assert case.state == "selesai"
    codes = {code for code, _ in engine.latest_documents(case)}
    assert codes == {"SURAT", "DISPOSISI", "TINDAK_LANJUT"}
    page = staf.get(f"/surat/{case.number}").get_data(as_text=True)
    assert "Selesai &amp; diarsipkan" in page and "Peserta diverifikasi; jawaban disiapkan." in page


def test_the_unit_answers_with_an_outgoing_letter_linked_to_the_incoming_one(app, db, office):
    incoming = register(office, db, wib(2026, 3, 10, 10), matter="askom")
    staf = office.client("staf_sertifikasi")
    form = staf.get(f"/surat/{incoming.number}").get_data(as_text=True)
    assert f"/surat/keluar/baru?balasan={incoming.number}" in form
    created = staf.post("/surat/keluar/baru", data={
        "jenis": "SKS", "reply_to": incoming.number, "subject": "Jawaban jadwal uji asesor", "classification": "DL.02.00",
        "sifat": "biasa", "signer_role": "kasek", "kepada": "Yth. Ketua LSP Teknologi Digital", "isi": "Jadwal disetujui."})
    assert created.status_code == 302
    reply = db.session.scalar(select(Case).where(Case.flow_code == "SKS"))
    db.session.expire_all()
    assert incoming.data["outgoing"] == [reply.number] and reply.data["reply_to"] == incoming.number
    services.record_follow_up(incoming, office["staf_sertifikasi"], note="", now=wib(2026, 3, 11, 9))
    db.session.commit()
    note = engine.latest_documents(incoming)[("TINDAK_LANJUT", "")]
    assert f"Dijawab dengan surat keluar: {reply.number}" in storage.read_bytes(note.storage_key).decode()
    assert incoming.state == "selesai"


def test_lisensi_and_askom_mail_goes_straight_to_the_section_inbox(app, db, office):
    lisensi = register(office, db, wib(2026, 3, 10, 10), matter="lisensi", subject="Perpanjangan lisensi LSP")
    askom = register(office, db, wib(2026, 3, 10, 10), matter="askom", subject="Jadwal uji asesor")
    assert set(open_steps(lisensi)) == {"follow_up"}
    assert open_steps(lisensi)["follow_up"].assignee_id == office["staf_lisensi"].id
    assert open_steps(askom)["follow_up"].assignee_id == office["staf_sertifikasi"].id
    assert "disposisi" not in engine.done_steps(lisensi)
    inbox = office.client("staf_lisensi").get("/kotak-kerja").get_data(as_text=True)
    assert lisensi.number in inbox and askom.number not in inbox


def test_disposer_returns_the_letter_and_phu_routes_it_to_the_ketua(app, db, office):
    case = register(office, db, wib(2026, 3, 10, 10))
    kasek = office.client("kasek")
    back = kasek.post(f"/surat/{case.number}/kembalikan", data={"reason": "Surat ini ditujukan kepada Ketua."})
    assert back.status_code == 302
    db.session.expire_all()
    assert set(open_steps(case)) == {"route"}
    phu = office.client("phu")
    page = phu.get(f"/surat/{case.number}").get_data(as_text=True)
    assert "Surat ini ditujukan kepada Ketua." in page and "Arahkan surat" in page
    routed = phu.post(f"/surat/{case.number}/arahkan", data={"matter": "umum", "addressed_to": "ketua"})
    assert routed.status_code == 302
    db.session.expire_all()
    assert open_steps(case)["disposisi"].assignee_id == office["ketua"].id
    # The Ketua sends it back too; PHU corrects the agenda entry (the agenda number stays).
    services.return_letter(case, office["ketua"], reason="Perihal keliru.", now=wib(2026, 3, 10, 11))
    services.return_letter(case, office["phu"], reason="Perbaiki perihal.", now=wib(2026, 3, 10, 11))
    db.session.commit()
    assert set(open_steps(case)) == {"register"}
    agenda = case.data["agenda_number"]
    corrected = phu.post(f"/surat/{case.number}/pencatatan", headers={"HX-Request": "true"}, data={
        "sender": "LSP Teknologi Digital Nusantara", "their_number": "045/LSP-TD/III/2026", "their_date": "2026-03-02",
        "received_on": "2026-03-05", "subject": "Permohonan RCC (perbaikan)", "classification": "DL.02.00",
        "sifat": "biasa", "matter": "umum", "addressed_to": "ketua"})
    assert corrected.status_code == 200 and "Menunggu disposisi Ketua BNSP" in corrected.get_data(as_text=True)
    db.session.expire_all()
    assert case.title == "Permohonan RCC (perbaikan)" and case.data["agenda_number"] == agenda
    assert open_steps(case)["disposisi"].assignee_id == office["ketua"].id
    # The Kasek can no longer dispose it: it is the Ketua's now.
    refused = kasek.post(f"/surat/{case.number}/disposisi", data={
        "instructions": ["Untuk diketahui"], "units": ["phu"], "due": services.default_follow_up_due().isoformat()})
    assert refused.status_code == 403
    assert "tidak berwenang" in refused.get_data(as_text=True)


def test_wrong_roles_are_refused(app, db, office):
    case = register(office, db, wib(2026, 3, 10, 10))
    staf = office.client("staf_lisensi")
    assert staf.post(f"/surat/{case.number}/disposisi", data={"units": ["phu"]}).status_code == 403
    assert staf.get("/surat/masuk/baru").status_code == 403
    assert office.client("kasek").post(f"/surat/{case.number}/kirim", data={"channel": "surel"}).status_code == 403
    assert office.client("anggota").get("/surat/monitoring").status_code == 403
    assert office.client("cs").post(f"/surat/{case.number}/paraf", data={"decision": "paraf"}).status_code == 403
    db.session.expire_all()
    assert set(open_steps(case)) == {"disposisi"}


def test_a_bad_upload_is_refused_in_indonesian_and_nothing_is_stored(app, db, office):
    phu = office.client("phu")
    response = phu.post("/surat/masuk/baru", content_type="multipart/form-data", data={
        "sender": "PT Contoh", "their_number": "1/X/2026", "their_date": "2026-11-02", "received_on": "2026-11-03",
        "subject": "Surat dengan pindaian rusak", "classification": "UM.00.00", "sifat": "biasa", "matter": "umum",
        "addressed_to": "kasek", "scan": (io.BytesIO(sample_pdf()), "surat.pdf"),
        "attachments": [(io.BytesIO(b"\x89PNG\r\n\x1a\nbukan pdf"), "foto.png")],
    })
    assert response.status_code == 422
    assert "foto.png: Berkas bukan PDF" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(NumberSeries)) == 0
    stored = [p for p in storage.path_for("x").parent.rglob("*") if p.is_file()]
    assert stored == []

    missing = phu.post("/surat/masuk/baru", content_type="multipart/form-data", data={"subject": ""})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert "Asal surat (pengirim) wajib diisi." in html and "Pindaian surat" in html


# --- secret letters ------------------------------------------------------------------------------

def test_secret_letters_are_seen_only_by_their_addressees_and_phu(app, db, office):
    secret = register(office, db, wib(2026, 3, 10, 10), sifat="rahasia", subject="Laporan pengaduan rahasia",
                      their_number="R-77/2026")
    plain = register(office, db, wib(2026, 3, 10, 10), subject="Undangan seminar biasa")
    kabag, kasek, phu = office.client("kabag"), office.client("kasek"), office.client("phu")

    assert kabag.get(f"/surat/{secret.number}").status_code == 404
    assert office.client("kabag").get(f"/kasus/{secret.number}").status_code == 404
    listing = kabag.get("/surat/?q=2026").get_data(as_text=True)
    assert plain.number in listing and secret.number not in listing and "pengaduan" not in listing
    searched = kabag.get("/surat/?q=R-77").get_data(as_text=True)
    assert secret.number not in searched and "Tidak ada surat yang cocok" in searched
    exported = kabag.get("/surat/monitoring.csv").data.decode("utf-8-sig")
    assert "Undangan seminar biasa" in exported and "pengaduan" not in exported
    sheet = kabag.get(f"/surat/{secret.number}/lembar-disposisi.pdf")
    assert sheet.status_code == 404

    for client in (kasek, phu):
        assert client.get(f"/surat/{secret.number}").status_code == 200
        assert secret.number in client.get("/surat/?q=R-77").get_data(as_text=True)

    # The disposition's target units become addressees too.
    services.dispose(secret, office["kasek"], sheet_fields(instructions=["Koordinasikan"], units=["koor_sdm"],
                                                          due=date(2026, 3, 12)), now=wib(2026, 3, 10, 11))
    db.session.commit()
    assert office.client("koor_sdm").get(f"/surat/{secret.number}").status_code == 200
    assert kabag.get(f"/surat/{secret.number}").status_code == 404


# --- Surat Keluar dari Sekretariat ---------------------------------------------------------------

def test_secretariat_letter_goes_through_returns_to_the_ketuas_signature_number_and_dispatch(app, db, office):
    from portal.signing.models import SignatureRequest
    from portal.signing.queue import set_pin
    from portal.signing.setup import ensure_dev_signing
    from portal.signing.validation import validate_signed_pdf

    staf = office.client("staf_sertifikasi")
    created = staf.post("/surat/keluar/baru", data={
        "jenis": "SKS", "subject": "Undangan Rapat Koordinasi Lisensi", "classification": "LS.01.00",
        "sifat": "biasa", "lampiran": "-", "signer_role": "ketua",
        "kepada": "Yth. Ketua LSP Teknologi Digital\ndi\nJakarta", "tembusan": "Kepala Sekretariat BNSP",
        "isi": "Dengan hormat, kami mengundang Saudara.\n\nDemikian kami sampaikan.", "then": "ajukan"})
    assert created.status_code == 302
    case = db.session.scalar(select(Case).where(Case.flow_code == "SKS"))
    konsep = engine.latest_documents(case)[("KONSEP", "")]
    assert "Undangan Rapat Koordinasi Lisensi" in pdf_text(storage.read_bytes(konsep.storage_key))
    assert set(open_steps(case)) == {"paraf_kabag"}

    kabag = office.client("kabag")
    returned = kabag.post(f"/surat/{case.number}/paraf",
                          data={"decision": "kembalikan", "note": "Tambahkan waktu rapat."})
    assert returned.status_code == 302
    db.session.expire_all()
    assert open_steps(case)["konsep"].assignee_id == office["staf_sertifikasi"].id  # back to its own drafter
    page = staf.get(f"/surat/{case.number}").get_data(as_text=True)
    assert "Dikembalikan untuk perbaikan konsep" in page and "Tambahkan waktu rapat." in page
    assert "Kabag Kantor" in page  # who wrote the note
    assert kabag.post(f"/surat/{case.number}/paraf", data={"decision": "kembalikan", "note": "x"}).status_code == 409

    revised = staf.post(f"/surat/{case.number}/konsep", data={
        "subject": "Undangan Rapat Koordinasi Lisensi", "classification": "LS.01.00", "sifat": "biasa",
        "kepada": "Yth. Ketua LSP Teknologi Digital\ndi\nJakarta",
        "isi": "Rapat diadakan Senin pukul 09.00 WIB.\n\nDemikian.", "then": "ajukan"})
    assert revised.status_code == 302
    db.session.expire_all()
    assert engine.latest_documents(case)[("KONSEP", "")].version == 2
    assert kabag.post(f"/surat/{case.number}/paraf", data={"decision": "paraf", "note": ""}).status_code == 302
    kasek = office.client("kasek")
    assert kasek.post(f"/surat/{case.number}/paraf", data={"decision": "kembalikan", "note": ""}).status_code == 422
    back = kasek.post(f"/surat/{case.number}/paraf", data={"decision": "kembalikan", "note": "Perbaiki tembusan."})
    assert back.status_code == 302
    assert staf.post(f"/surat/{case.number}/ajukan").status_code == 302
    assert kabag.post(f"/surat/{case.number}/paraf", data={"decision": "paraf"}).status_code == 302
    assert kasek.post(f"/surat/{case.number}/paraf", data={"decision": "paraf", "note": "Setuju."}).status_code == 302

    db.session.expire_all()
    sign = open_steps(case)["sign"]
    assert sign.assignee_id == office["ketua"].id
    page = staf.get(f"/surat/{case.number}").get_data(as_text=True)
    assert "Menunggu tanda tangan Ketua (Ketua Kantor)" in page
    notes = re.findall(r"<blockquote>(.*?)</blockquote>", page)
    assert notes == ["Tambahkan waktu rapat.", "Perbaiki tembusan.", "Setuju."]

    # The Ketua signs in the signing queue; the signed letter lands in the case and PHU takes over.
    pki = ensure_dev_signing()
    set_pin(office["ketua"], PIN)
    db.session.commit()
    ketua = office.client("ketua")
    letter_page = ketua.get(f"/surat/{case.number}").get_data(as_text=True)
    assert "Buka antrean tanda tangan" in letter_page
    request = db.session.scalar(select(SignatureRequest).where(SignatureRequest.case_id == case.id))
    assert ketua.post("/tanda-tangan/batch", data={"requests": [request.id], "pin": PIN}).status_code == 302
    db.session.expire_all()
    assert set(open_steps(case)) == {"dispatch"}

    phu = office.client("phu")
    sent = phu.post(f"/surat/{case.number}/kirim", data={"channel": "surel", "note": "ke lsp-td@contoh.test"})
    assert sent.status_code == 302
    db.session.expire_all()
    assert case.state == "selesai"
    number = case.data["letter_number"]
    assert re.fullmatch(r"\d+/BNSP/LS\.01\.00/[IVX]+/\d{4}", number)
    request = db.session.get(SignatureRequest, request.id)
    assert request.number == number and request.state == "ditandatangani"
    signed = storage.read_bytes(request.signed_version.storage_key)
    from cryptography import x509

    report = validate_signed_pdf(signed, [x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes())])
    assert report.intact and report.trusted
    page = phu.get(f"/surat/{case.number}").get_data(as_text=True)
    assert number in page and "Terkirim" in page and "Bukti pengiriman" in page


def test_kasek_changes_the_signer_and_the_draft_names_the_new_signer(app, db, office):
    case = services.draft_outgoing("SKS", draft(), office["staf_sertifikasi"], now=wib(2026, 3, 9, 9))
    services.submit_draft(case, office["staf_sertifikasi"], now=wib(2026, 3, 9, 9))
    services.review_draft(case, office["kabag"], approve=True, now=wib(2026, 3, 9, 10))
    db.session.commit()
    with pytest.raises(engine.CaseError):
        services.choose_signer(case, office["kabag"], "kasek")
    services.choose_signer(case, office["kasek"], "kasek")
    services.review_draft(case, office["kasek"], approve=True, now=wib(2026, 3, 9, 11))
    db.session.commit()
    assert open_steps(case)["sign"].assignee_id == office["kasek"].id
    latest = engine.latest_documents(case)[("KONSEP", "")]
    assert latest.version == 2 and "Kepala Sekretariat," in pdf_text(storage.read_bytes(latest.storage_key))


# --- Surat Keluar dari Anggota -------------------------------------------------------------------

def test_member_letter_is_signed_by_the_member_and_numbered_by_phu_within_one_working_day(app, db, office):
    from portal.signing.models import SignatureRequest

    anggota = office.client("anggota")
    form = anggota.get("/surat/keluar/baru").get_data(as_text=True)
    assert "Surat Keluar Anggota" in form
    created = anggota.post("/surat/keluar/baru", content_type="multipart/form-data", data={
        "jenis": "SKA", "subject": "Tanggapan atas undangan narasumber", "classification": "UM.00.00",
        "sifat": "biasa", "kepada": "Yth. Rektor Universitas Contoh\ndi\nBandung",
        "konsep": (io.BytesIO(sample_pdf()), "konsep-anggota.pdf")})
    assert created.status_code == 302
    case = db.session.scalar(select(Case).where(Case.flow_code == "SKA"))
    request = db.session.scalar(select(SignatureRequest).where(SignatureRequest.case_id == case.id))
    assert request.signer_user_id == office["anggota"].id and request.signer_role == "anggota"
    # Another member does not get it in his queue.
    other = make_user("anggota_lain", ["anggota"])
    from portal.signing.queue import pending_for

    assert pending_for(other) == [] and pending_for(office["anggota"]) == [request]

    sign_by_hand(case, office["anggota"], wib(2026, 3, 9, 10))
    db.session.commit()
    dispatch = open_steps(case)["dispatch"]
    assert dispatch.due_at == wib(2026, 3, 9, 15)
    status = monitoring.letters_for(office["phu"], monitoring.Filters(), now=wib(2026, 3, 9, 11))[0]
    assert status.sla_label == "1 Hr" and status.due == wib(2026, 3, 10, 15) and status.sla_state == "tepat"

    # PHU sends it back once, then numbers and sends it.
    services.return_letter(case, office["phu"], reason="Lampiran belum ada.", now=wib(2026, 3, 9, 11))
    db.session.commit()
    assert open_steps(case)["konsep_sign"].assignee_id == office["anggota"].id
    sign_by_hand(case, office["anggota"], wib(2026, 3, 9, 13))
    number = services.dispatch_letter(case, office["phu"], channel="pos", now=wib(2026, 3, 10, 9))
    db.session.commit()
    assert case.state == "selesai" and re.fullmatch(r"\d+/BNSP/UM\.00\.00/III/2026", number)
    status = monitoring.letters_for(office["phu"], monitoring.Filters(), now=wib(2026, 3, 20))[0]
    assert status.sla_state == "tepat" and status.sla_text == "Selesai tepat waktu"


# --- monitoring, CSV, chart, search -----------------------------------------------------------

def _sks_submitted(office, db, at: datetime, subject: str) -> Case:
    case = services.draft_outgoing("SKS", draft(subject=subject), office["staf_sertifikasi"], now=at)
    services.submit_draft(case, office["staf_sertifikasi"], now=at)
    db.session.commit()
    return case


def test_monitoring_judges_each_letter_against_its_sla(app, db, office):
    # Submitted Monday 9 March 2026 09:00: two working days → due Wednesday 11 March 15:00 WIB.
    sks = _sks_submitted(office, db, wib(2026, 3, 9, 9), "Surat uji SLA")
    sm = register(office, db, wib(2026, 3, 9, 9))  # disposition due the same day 15:00

    def state(case, now):
        statuses = monitoring.letters_for(office["kasek"], monitoring.Filters(), now=now)
        _sql_judges_alike(office["kasek"], statuses, now)
        return next(s for s in statuses if s.case.id == case.id)

    monday = state(sks, wib(2026, 3, 9, 10))
    assert monday.sla_state == "tepat" and monday.due == wib(2026, 3, 11, 15)
    assert monday.elapsed_text == "1 jam kerja" and monday.state == "Menunggu paraf Kepala Bagian"
    # The Kabag's own step (TS) is overdue on Tuesday: at risk, although the letter is not late yet.
    assert state(sks, wib(2026, 3, 10, 10)).sla_state == "berisiko"
    wednesday = state(sks, wib(2026, 3, 11, 10))
    assert wednesday.sla_state == "berisiko" and wednesday.sla_text == "Jatuh tempo hari ini"
    thursday = state(sks, wib(2026, 3, 12, 9))
    assert thursday.sla_state == "terlambat" and thursday.sla_text == "Terlambat 1 hari kerja"
    assert thursday.elapsed_text == "3 hari kerja"  # 6 h Monday, 7 h Tuesday and Wednesday, 1 h Thursday

    assert state(sm, wib(2026, 3, 9, 14)).sla_state == "berisiko"
    assert state(sm, wib(2026, 3, 9, 16)).sla_state == "terlambat"
    services.dispose(sm, office["kasek"], sheet_fields(instructions=["Untuk diketahui"], units=["phu"],
                                                      due=date(2026, 3, 11)), now=wib(2026, 3, 9, 13))
    db.session.commit()
    assert state(sm, wib(2026, 3, 10, 9)).sla_state == "tepat"


def _sql_judges_alike(user, statuses, now):
    """The SQL-paged list (sla_index) judges every letter as the Python judgement does."""
    page, counts = monitoring.letters_page(user, monitoring.Filters(), 1, now=now)
    assert counts == monitoring.counts(statuses) and page.total == len(statuses)
    for sla_state in monitoring.SLA_STATES:
        paged, _ = monitoring.letters_page(user, monitoring.Filters(sla=sla_state), 1, now=now)
        assert {r.case.id for r in paged.rows} == {s.case.id for s in statuses if s.sla_state == sla_state}


def test_monitoring_page_filters_and_csv_export(app, db, office):
    now = datetime.now(timezone.utc)
    late = _sks_submitted(office, db, now - timedelta(days=14), "=HYPERLINK(\"http://jahat.test\")")
    fresh = register(office, db, now, subject="Surat masuk terbaru")
    kasek = office.client("kasek")

    page = kasek.get("/surat/monitoring").get_data(as_text=True)
    assert late.number in page and fresh.number in page and "Unduh CSV" in page
    only_late = kasek.get("/surat/monitoring?sla=terlambat", headers={"HX-Request": "true", "HX-Target": "letter-list"})
    fragment = only_late.get_data(as_text=True)
    assert fragment.startswith('<div id="letter-list">')
    assert late.number in fragment and fresh.number not in fragment
    sm_only = kasek.get("/surat/monitoring?alur=SM").get_data(as_text=True)
    assert fresh.number in sm_only and late.number not in sm_only

    response = kasek.get("/surat/monitoring.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Jenis", "Nomor kasus", "Nomor agenda / surat"]
    by_number = {row[1]: row for row in rows[1:]}
    assert set(by_number) == {late.number, fresh.number}
    assert by_number[late.number][5] == "'=HYPERLINK(\"http://jahat.test\")"  # never a live formula
    assert by_number[late.number][13] == "Terlambat" and by_number[late.number][12] == "2 Hr"
    assert by_number[fresh.number][0] == "Surat Masuk" and by_number[fresh.number][2] == fresh.data["agenda_number"]
    filtered = list(csv.reader(io.StringIO(kasek.get("/surat/monitoring.csv?alur=SKS").data.decode("utf-8-sig"))))
    assert [row[1] for row in filtered[1:]] == [late.number]
    assert kasek.get("/surat/monitoring?dari=kemarin").status_code == 200
    assert "tidak valid" in kasek.get("/surat/monitoring?dari=kemarin").get_data(as_text=True)


def test_search_by_numbers_sender_subject_and_dates(app, db, office):
    first = register(office, db, wib(2026, 3, 2, 10), sender="Kementerian Ketenagakerjaan",
                     their_number="B.123/KEMNAKER/2026", subject="Koordinasi program pemagangan")
    second = register(office, db, wib(2026, 4, 6, 10), sender="LSP Logistik", subject="Permohonan lisensi ulang")
    outgoing = _sks_submitted(office, db, wib(2026, 4, 7, 9), "Jawaban permohonan lisensi ulang")
    outgoing.data = {**outgoing.data, "letter_number": "77/BNSP/LS.01.00/IV/2026"}
    db.session.commit()
    phu = office.client("phu")

    def found(query):
        page = phu.get("/surat/?" + query).get_data(as_text=True)
        return {c.number for c in (first, second, outgoing) if f"/surat/{c.number}\"" in page}

    assert found("q=" + first.data["agenda_number"]) == {first.number}
    assert found("q=B.123") == {first.number}
    assert found("q=77/BNSP") == {outgoing.number}
    assert found("q=kemnaker") == {first.number}  # case-insensitive
    assert found("q=ketenagakerjaan") == {first.number}
    assert found("q=lisensi+ulang") == {second.number, outgoing.number}
    assert found("q=LSP+Teknologi") == {outgoing.number}  # the addressee of an outgoing letter
    assert found("dari=2026-04-01&sampai=2026-04-06") == {second.number}
    assert found("q=100%25") == set()  # % is taken literally


def test_a_secret_draft_is_seen_by_its_drafter_reviewers_signer_and_phu_only(app, db, office):
    case = services.draft_outgoing("SKS", draft(sifat="rahasia", subject="Hasil audit rahasia"),
                                   office["staf_sertifikasi"], now=wib(2026, 3, 9, 9))
    db.session.commit()
    for role, status in (("staf_sertifikasi", 200), ("kabag", 200), ("kasek", 200), ("ketua", 200), ("phu", 200),
                         ("cs", 404), ("staf_lisensi", 404), ("anggota", 404)):
        assert office.client(role).get(f"/surat/{case.number}").status_code == status, role


def test_each_drafter_sees_their_own_letters(app, db, office):
    mine = _sks_submitted(office, db, wib(2026, 3, 9, 9), "Surat saya sendiri")
    theirs = services.draft_outgoing("SKS", draft(subject="Surat orang lain"), office["cs"], now=wib(2026, 3, 9, 9))
    db.session.commit()
    page = office.client("staf_sertifikasi").get("/surat/saya").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    assert "Menunggu paraf Kepala Bagian" in page


def test_sla_chart_counts_finished_letters_per_month_and_prints(app, db, office):
    on_time = register(office, db, wib(2026, 3, 9, 9), matter="lisensi")
    services.record_follow_up(on_time, office["staf_lisensi"], note="Selesai.", now=wib(2026, 3, 10, 9))
    late = register(office, db, wib(2026, 3, 9, 9), matter="lisensi")
    services.record_follow_up(late, office["staf_lisensi"], note="Terlambat.", now=wib(2026, 3, 20, 9))
    db.session.commit()
    statuses = monitoring.letters_for(office["kasek"], monitoring.Filters(state="selesai"), closed_in=2026)
    march = monitoring.monthly_figures(statuses, 2026)["SM"][2]
    assert (march.on_time, march.late) == (1, 1)

    response = office.client("kabag").get("/surat/monitoring/grafik?tahun=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<svg") == 3
    assert 'class="chart-ontime"' in html and 'class="chart-late"' in html
    assert "Surat Masuk 2026: 1 surat selesai tepat waktu, 1 terlambat." in html
    assert "style=" not in html and "<style" not in html  # the CSP forbids inline styles
    assert "css/correspondence.css" in html
    with app.test_client().get("/static/css/correspondence.css") as stylesheet:
        assert "@media print" in stylesheet.get_data(as_text=True)


def test_menu_offers_the_mail_screens_to_the_right_roles(app, db, office, login_as):
    home = office.client("phu").get("/beranda").get_data(as_text=True)
    assert 'href="/surat/monitoring"' in home and 'href="/surat/"' in home
    lsp_home = login_as("lsp").get("/beranda").get_data(as_text=True)
    assert "/surat/" not in lsp_home
    assert login_as("lsp").get("/surat/").status_code == 403
