"""Number at signing (issue 12): every signed document that takes a number carries it inside the
PDF, sealed by the signature, the same number the registry, /v/<id> and the QR payload show."""
from __future__ import annotations

import re
import subprocess
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from portal import storage
from portal.cases import engine
from portal.cases.models import CaseEvent
from portal.cases.drafts import can_generate, generate_draft
from portal.extensions import db as _db
from portal.numbering.models import NumberReservation, NumberVoid
from portal.signing.models import SignatureRequest
from portal.signing.queue import set_pin, start_batch
from portal.signing.runner import run_batch
from portal.signing.setup import ensure_dev_signing
from portal.signing.validation import pdfsig_report, validate_signed_pdf
from portal.verification.offline import verify_payload
from portal.core.dates import utcnow
from tests.conftest import login
from tests.factories import Cast, actor_for, drive
from tests.test_correspondence import draft, office  # noqa: F401 - the office fixture

PIN = "135792"


@pytest.fixture()
def root_cert(app, db):
    from cryptography import x509

    pki = ensure_dev_signing()
    return x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes())


def _generate_drafts(generated: set):
    """A `drive` hook: at each step, render the official drafts it produces (instead of uploads)."""
    def before(case, work):
        step = engine.flow_of(case).step(work.step_key)
        made = False
        if step.key == "draft_approval" and not (case.data or {}).get("assignees", {}).get("spt_ma_penguji"):
            from portal.assessment.people import MA_SLOTS, name_master_assessor

            cast = cast_of[case.id]
            for slot, (role, _label) in MA_SLOTS.items():  # the SPT names its MA: chosen first
                name_master_assessor(case, slot, cast.user(role), cast.user("staf_sertifikasi"))
            _db.session.commit()
        for code in step.document_codes:
            if (work.id, code) in generated or not can_generate(case, code):
                continue
            generated.add((work.id, code))
            generate_draft(case, work, code, actor_for(case, work, cast_of[case.id]))
            _db.session.commit()
            made = True
        return made
    return before


cast_of: dict[int, Cast] = {}


def _signed(flow_code: str, code: str, participants=("Budi Santoso", "Siti Rahmawati")) -> SignatureRequest:
    """Open a case, walk it to the step that signs `code` with generated drafts, and let the signer
    sign everything waiting there through the real queue (batch, runner, PAdES)."""
    cast = Cast()
    if flow_code in ("RCC", "ASKOM"):
        from tests.assessment_data import open_assessor_case

        case = open_assessor_case(flow_code, cast, len(participants), title=f"Uji nomor {code}")
    else:
        case = engine.open_case(flow_code, cast.user("lsp"), f"Uji nomor {code}", organisation=cast.organisation)
    cast_of[case.id] = cast
    sign_step = next(step for step in engine.flow_of(case).steps if code in step.signs)
    drive(case, cast, before=_generate_drafts(set()), until=sign_step.key)
    _db.session.commit()
    waiting = _db.session.scalars(select(SignatureRequest).where(
        SignatureRequest.case_id == case.id, SignatureRequest.state == "menunggu")).all()
    target = next(r for r in waiting if r.code == code)
    signer = (_db.session.get(type(cast.user("ketua")), target.signer_user_id) if target.signer_user_id
              else cast.user(target.signer_role))
    set_pin(signer, PIN)
    batch = start_batch(signer, [r.id for r in waiting if r.signer_user_id in (None, signer.id)
                                 and r.signer_role == target.signer_role], PIN)
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    return _db.session.get(SignatureRequest, target.id)


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _font_programs(data: bytes) -> dict:
    """Every embedded TrueType font program of the PDF: its object number -> hash of its bytes."""
    import hashlib
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(data))
    programs = {}
    for ref in {ref for rev in range(reader.xrefs.total_revisions) for ref in reader.xrefs.explicit_refs_in_revision(rev)}:
        obj = reader.get_object(ref)
        if isinstance(obj, generic.DictionaryObject) and obj.get("/Type") == "/FontDescriptor" and "/FontFile2" in obj:
            font_file = obj.raw_get("/FontFile2")
            programs[font_file.idnum] = hashlib.sha256(font_file.get_object().data).hexdigest()
    return programs


def _qr_url(request: SignatureRequest, tmp_path) -> str:
    """What a phone reads from the stamp's QR code."""
    box = request.source_version.signature_box
    page = int(box[0]) + 1 if box else 1  # an uploaded PDF is stamped on its first page
    pdf = storage.path_for(request.signed_version.storage_key)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "hal")], check=True)
    png = next(tmp_path.glob("hal*.png"))
    return subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True).stdout.strip()


CASES = [
    # (flow, signed code, kind, pattern of its number, places the number stands in the PDF)
    ("RCC", "D7 A", "letter", r"\d+/BNSP/DL\.02\.00/[IVX]+/\d{4}", 3),  # number line, Lampiran, footer
    ("RCC", "D8 A", "spt", r"SPT\.\d+/BNSP/KP\.04\.00/[IVX]+/\d{4}", 1),
    ("RCC", "D22", "sk", r"KEP\.\d+/BNSP/[IVX]+/\d{4}", 2),  # SK header and its Lampiran header
    ("LIS", "D4", "undangan", r"\d+/BNSP/LS\.01\.00/[IVX]+/\d{4}", 1),
    ("LIS", "D23c", "licence_certificate", r"BNSP-LSP-\d+-ID", 1),
]


@pytest.mark.parametrize("flow_code, code, kind, pattern, places", CASES, ids=[c[2] for c in CASES])
def test_signed_document_carries_its_number_inside_the_signature(app, db, root_cert, client, tmp_path, flow_code,
                                                                 code, kind, pattern, places):
    request = _signed(flow_code, code)
    assert request.state == "ditandatangani", request.error
    number = request.number
    assert number and re.fullmatch(pattern, number), number
    # The registry took exactly this number, in the same transaction as the signed PDF.
    assert _db.session.scalar(select(NumberReservation.text).where(NumberReservation.text == number)) == number
    assert request.source_version.number_boxes and len(request.source_version.number_boxes) >= places

    path = storage.path_for(request.signed_version.storage_key)
    (tmp_path / f"{kind}-ditandatangani.pdf").write_bytes(path.read_bytes())  # kept to look at
    text = _pdftotext(path)
    assert text.count(number) >= places, (number, text[:600])
    assert "……" not in text  # the placeholder's glyphs left the page: copied text reads the number only
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    title = next(line for line in info.splitlines() if line.startswith("Title:"))
    assert number in title and "…" not in title, title  # the document's title names it too
    # The placeholder is covered (what a reader sees); the verification page shows the same number.
    assert number in client.get(f"/v/{request.public_id}").get_data(as_text=True)
    # The QR's signed payload carries it too.
    url = _qr_url(request, tmp_path)
    assert urlsplit(url).path == f"/v/{request.public_id}", url
    payload = verify_payload(unquote(urlsplit(url).fragment.removeprefix("p=")))
    assert payload["number"] == number and payload["public_id"] == request.public_id
    # Every font embedded (the number's face too), and the signature seals the number.
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    assert any("LiberationSans" in row for row in rows), fonts
    programs = _font_programs(path.read_bytes())
    assert len(set(programs.values())) == len(programs), f"a font program embedded twice: {programs}"
    report = validate_signed_pdf(path.read_bytes(), [root_cert])
    assert report.intact and report.trusted and not report.modified_after_signing, report.problems
    assert pdfsig_report(str(path))["signatures"][0]["valid"]


def test_the_number_written_at_signing_stands_where_the_placeholder_was(app, db, root_cert):
    request = _signed("RCC", "D7 A")
    path = storage.path_for(request.signed_version.storage_key)
    box = request.source_version.number_boxes[0]  # the letter's "Nomor :" line, page 1
    x1, y1, x2, y2 = box["box"]
    height = 842  # A4 in points; pdftotext -x/-y count from the top
    found = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int(x1) - 1), "-y", str(int(height - y2) - 1),
                            "-W", str(int(x2 - x1) + 60), "-H", str(int(y2 - y1) + 2), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert request.number in found


def test_signed_sk_carries_its_number_centred_under_its_title(app, db, root_cert, tmp_path):
    from tests.test_number_centring import centre_of, lines_with_centres

    request = _signed("RCC", "D22")
    assert request.state == "ditandatangani", request.error
    lines = lines_with_centres(storage.read_bytes(request.signed_version.storage_key), tmp_path)
    line = next(text for text in lines if request.number in text)
    assert line == f"NOMOR {request.number}"
    assert abs(lines[line] - centre_of(lines, "KEPUTUSAN KETUA")) < 1, (lines[line], centre_of(lines, "KEPUTUSAN KETUA"))


def test_failed_signature_records_the_number_void_and_the_retry_takes_the_next(app, db, root_cert):
    cast = Cast()
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, 1, title="Uji tanda tangan gagal")
    cast_of[case.id] = cast
    drive(case, cast, before=_generate_drafts(set()), until="sign_approval")
    ketua = cast.user("ketua")
    set_pin(ketua, PIN)
    _db.session.commit()
    letter = _db.session.scalars(select(SignatureRequest).where(
        SignatureRequest.case_id == case.id, SignatureRequest.code == "D7 A")).one()
    good_draft = storage.read_bytes(letter.source_version.storage_key)
    storage.path_for(letter.source_version.storage_key).write_bytes(b"%PDF-1.7\nrusak")
    batch = start_batch(ketua, [letter.id], PIN)
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    letter = _db.session.get(SignatureRequest, letter.id)
    assert letter.state == "gagal" and letter.number is None
    void = _db.session.scalars(select(NumberVoid)).one()
    assert void.series_code == "letter" and void.sequence == 1 and "gagal" in void.reason.lower()

    storage.path_for(letter.source_version.storage_key).write_bytes(good_draft)
    batch = start_batch(ketua, [letter.id], PIN)
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    letter = _db.session.get(SignatureRequest, letter.id)
    assert letter.state == "ditandatangani" and letter.number.startswith("2/BNSP/")
    assert letter.number in _pdftotext(storage.path_for(letter.signed_version.storage_key))


def test_phu_registers_the_number_signing_gave_and_numbers_nothing_new(app, db, root_cert):
    request = _signed("RCC", "D7 A")
    case = request.case
    reserved = _db.session.scalars(select(NumberReservation)).all()
    work = engine.open_work(case)[0]
    assert work.step_key == "number_approval"
    engine.act(case, work.id, "dispatch", cast_of[case.id].user("phu"))
    _db.session.commit()
    _db.session.expire_all()
    assert len(_db.session.scalars(select(NumberReservation)).all()) == len(reserved)
    assert _db.session.get(SignatureRequest, request.id).number == request.number
    labels = _db.session.scalars(select(CaseEvent.label).where(CaseEvent.case_id == case.id)).all()
    assert any(label.startswith("Registrasi & pengiriman") and request.number in label for label in labels), labels


def test_uploaded_draft_gets_its_number_in_the_registry_and_qr_only(app, db, root_cert, tmp_path):
    """A PDF made elsewhere has no placeholder to write on: the number is the registry's and the QR's."""
    cast = Cast()
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, 1, title="Uji draf unggahan")
    drive(case, cast, until="sign_approval")  # drafts uploaded as plain PDFs
    ketua = cast.user("ketua")
    set_pin(ketua, PIN)
    _db.session.commit()
    letter = _db.session.scalars(select(SignatureRequest).where(
        SignatureRequest.case_id == case.id, SignatureRequest.code == "D7 A")).one()
    assert letter.source_version.number_boxes is None
    assert letter.number_note.startswith("Draf unggahan: nomor resmi diberikan saat ditandatangani")
    # The Ketua's desk says so on the letter's row before it is signed.
    client = app.test_client()
    login(client, ketua.username)
    desk_html = " ".join(client.get("/tanda-tangan/").get_data(as_text=True).split())
    assert "nomor resmi diberikan saat ditandatangani dan tercatat di registri serta kode QR, tetapi tidak " \
           "tertulis di dalam PDF" in desk_html
    batch = start_batch(ketua, [letter.id], PIN)
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    letter = _db.session.get(SignatureRequest, letter.id)
    assert letter.state == "ditandatangani" and re.fullmatch(r"\d+/BNSP/DL\.02\.00/[IVX]+/\d{4}", letter.number)
    assert letter.number not in _pdftotext(storage.path_for(letter.signed_version.storage_key))
    url = _qr_url(letter, tmp_path)
    assert verify_payload(unquote(urlsplit(url).fragment.removeprefix("p=")))["number"] == letter.number


def test_outgoing_letter_keeps_its_drafters_classification_and_dispatch_reuses_the_number(app, db, office,
                                                                                        root_cert):
    from portal.correspondence import services

    now = utcnow()
    case = services.draft_outgoing("SKS", draft(classification="LS.01.00"), office["staf_sertifikasi"], now=now)
    services.submit_draft(case, office["staf_sertifikasi"], now=now)
    services.review_draft(case, office["kabag"], approve=True, now=now)
    services.review_draft(case, office["kasek"], approve=True, now=now)
    set_pin(office["ketua"], PIN)
    _db.session.commit()
    request = _db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id)).one()
    batch = start_batch(office["ketua"], [request.id], PIN)
    _db.session.commit()
    run_batch(batch.id)
    _db.session.expire_all()
    request = _db.session.get(SignatureRequest, request.id)
    assert request.state == "ditandatangani"
    assert re.fullmatch(r"\d+/BNSP/LS\.01\.00/[IVX]+/\d{4}", request.number), request.number
    assert request.number in _pdftotext(storage.path_for(request.signed_version.storage_key))
    assert services.dispatch_letter(case, office["phu"], channel="surel") == request.number
    _db.session.commit()
    assert case.data["letter_number"] == request.number
    assert len(_db.session.scalars(select(NumberReservation)).all()) == 1
