"""The one upload gate (portal/uploads.py) and proof that every upload point goes through it:
case document slots, incoming-letter scans and attachments, outgoing drafts, dispatch receipts,
and the public upload-to-verify page. A refused file gets a clear 4xx and nothing is stored."""
from __future__ import annotations

import io
import os
import zlib

import pytest
from sqlalchemy import func, select

from portal import uploads
from portal.cases.models import Case, DocumentVersion, WorkItem
from tests.factories import sample_pdf


def _with(change) -> bytes:
    """sample_pdf() with one change to its catalog, written as a normal incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sample_pdf()))
    change(writer, writer.root, generic)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def js_open_action() -> bytes:
    def change(writer, root, g):
        root[g.NameObject("/OpenAction")] = g.DictionaryObject({
            g.NameObject("/S"): g.NameObject("/JavaScript"),
            g.NameObject("/JS"): g.TextStringObject("app.alert('x')")})
    return _with(change)


def launch_action() -> bytes:
    def change(writer, root, g):
        action = writer.add_object(g.DictionaryObject({
            g.NameObject("/S"): g.NameObject("/Launch"),
            g.NameObject("/F"): g.TextStringObject("cmd.exe")}))
        root[g.NameObject("/OpenAction")] = action
    return _with(change)


def embedded_file() -> bytes:
    def change(writer, root, g):
        stream = writer.add_object(g.StreamObject({g.NameObject("/Type"): g.NameObject("/EmbeddedFile")},
                                                  stream_data=b"MZ not a document"))
        spec = g.DictionaryObject({g.NameObject("/Type"): g.NameObject("/Filespec"),
                                   g.NameObject("/F"): g.TextStringObject("x.exe"),
                                   g.NameObject("/EF"): g.DictionaryObject({g.NameObject("/F"): stream})})
        root[g.NameObject("/Names")] = g.DictionaryObject({g.NameObject("/EmbeddedFiles"): g.DictionaryObject({
            g.NameObject("/Names"): g.ArrayObject([g.TextStringObject("x.exe"), spec])})})
    return _with(change)


def hidden_javascript_in_compressed_object_stream() -> bytes:
    """The JavaScript name tree inside an object stream: invisible to a byte search."""
    from pyhanko.pdf_utils import generic as g
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter(stream_xrefs=True)
    writer.insert_page(g.DictionaryObject({
        g.NameObject("/Type"): g.NameObject("/Page"),
        g.NameObject("/MediaBox"): g.ArrayObject([g.NumberObject(n) for n in (0, 0, 595, 842)])}))
    objstream = writer.prepare_object_stream()
    js = writer.add_object(g.DictionaryObject({g.NameObject("/S"): g.NameObject("/JavaScript"),
                                               g.NameObject("/J#53"): g.TextStringObject("x")}),
                           obj_stream=objstream)
    writer.root[g.NameObject("/Names")] = writer.add_object(g.DictionaryObject({
        g.NameObject("/JavaScript"): g.DictionaryObject({g.NameObject("/Names"): g.ArrayObject(
            [g.TextStringObject("a"), js])})}), obj_stream=objstream)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert b"/JavaScript" not in data  # compressed away: only a structural check finds it
    return data


def deflate_bomb() -> bytes:
    bomb = zlib.compress(b"\0" * (210 * 1024 * 1024), 9)
    header = b"%%PDF-1.7\n1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
    return header + bomb + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


BAD = {
    "javascript": (js_open_action, 422, "konten aktif"),
    "launch": (launch_action, 422, "konten aktif"),
    "embedded_file": (embedded_file, 422, "konten aktif"),
    "hidden_javascript": (hidden_javascript_in_compressed_object_stream, 422, "konten aktif"),
    "deflate_bomb": (deflate_bomb, 422, "terkompresi yang tidak wajar"),
    "not_pdf": (lambda: b"\x89PNG\r\n\x1a\nbukan pdf", 415, "Berkas bukan PDF"),
    "too_big": (lambda: b"%PDF-1.7\n" + os.urandom(21 * 1024 * 1024) + b"\n%%EOF\n", 413, "terlalu besar"),
}


def stored_files(app) -> list[str]:
    return [os.path.join(d, n) for d, _s, files in os.walk(app.config["STORAGE_DIR"]) for n in files]


# --- the gate itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(BAD))
def test_gate_refuses_with_status_and_message(app, kind):
    make, status, message = BAD[kind]
    with app.app_context(), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_pdf(make())
    assert refused.value.status == status and message in refused.value.message


def test_gate_accepts_plain_and_generated_pdfs(app):
    with app.app_context():
        uploads.check_pdf(sample_pdf())
        # "Open at page 1" is an OpenAction too, and harmless: LibreOffice writes it in every PDF.
        uploads.check_pdf(_with(lambda w, root, g: root.__setitem__(
            g.NameObject("/OpenAction"), g.ArrayObject([root["/Pages"].raw_get("/Kids")[0],
                                                        g.NameObject("/Fit")]))))


# --- every upload point uses it -------------------------------------------------------------------

def _incoming_letter_case(phu):
    """A case whose first step takes a plain upload (the scan of an incoming letter)."""
    response = phu.post("/kasus/baru", data={"flow": "SM", "title": "Surat masuk uji"})
    return response.headers["Location"].rsplit("/", 1)[1]


@pytest.mark.parametrize("kind", ["javascript", "deflate_bomb", "embedded_file"])
def test_case_document_slot_uses_the_gate(app, db, login_as, kind):
    make, status, message = BAD[kind]
    phu = login_as("phu")
    number = _incoming_letter_case(phu)
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    before = stored_files(app)
    response = phu.post(f"/kasus/{number}/kerja/{work.id}/unggah", content_type="multipart/form-data",
                        data={"code": "SURAT", "file": (io.BytesIO(make()), "pindaian.pdf")})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 0
    assert stored_files(app) == before


INCOMING = {
    "sender": "PT Contoh", "their_number": "1/X/2026", "their_date": "2026-11-02", "received_on": "2026-11-03",
    "subject": "Surat uji", "classification": "UM.00.00", "sifat": "biasa", "matter": "umum",
    "addressed_to": "kasek",
}


@pytest.mark.parametrize("field", ["scan", "attachments"])
@pytest.mark.parametrize("kind", ["javascript", "deflate_bomb"])
def test_incoming_letter_scan_and_attachments_use_the_gate(app, db, login_as, field, kind):
    make, status, message = BAD[kind]
    phu = login_as("phu")
    files = {"scan": (io.BytesIO(sample_pdf()), "surat.pdf"),
             "attachments": [(io.BytesIO(sample_pdf()), "lampiran.pdf")]}
    files[field] = (io.BytesIO(make()), "jahat.pdf") if field == "scan" else [(io.BytesIO(make()), "jahat.pdf")]
    response = phu.post("/surat/masuk/baru", content_type="multipart/form-data", data={**INCOMING, **files})
    assert response.status_code == status
    assert f"jahat.pdf: " in response.get_data(as_text=True) and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert stored_files(app) == []


@pytest.mark.parametrize("field", ["konsep", "attachments"])
def test_outgoing_draft_and_its_attachments_use_the_gate(app, db, login_as, field):
    make, status, message = BAD["javascript"]
    anggota = login_as("anggota")
    data = {"jenis": "SKA", "subject": "Tanggapan undangan", "classification": "UM.00.00", "sifat": "biasa",
            "kepada": "Yth. Rektor\ndi\nBandung", "konsep": (io.BytesIO(sample_pdf()), "konsep.pdf")}
    data[field] = (io.BytesIO(make()), "jahat.pdf") if field == "konsep" else [(io.BytesIO(make()), "jahat.pdf")]
    response = anggota.post("/surat/keluar/baru", content_type="multipart/form-data", data=data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert stored_files(app) == []


def test_revised_draft_uses_the_gate(app, db, login_as):
    staf = login_as("staf_sertifikasi")
    letter = {"subject": "Undangan rapat", "classification": "LS.01.00", "sifat": "biasa", "lampiran": "-",
              "signer_role": "ketua", "kepada": "Yth. Ketua LSP\ndi\nJakarta", "isi": "Dengan hormat.\n\nDemikian."}
    created = staf.post("/surat/keluar/baru", data={"jenis": "SKS", **letter})  # saved, not yet submitted
    assert created.status_code == 302
    case = db.session.scalar(select(Case))
    before = stored_files(app)
    versions = db.session.scalar(select(func.count(DocumentVersion.id)))
    response = staf.post(f"/surat/{case.number}/konsep", content_type="multipart/form-data", data={
        **letter, "konsep": (io.BytesIO(js_open_action()), "jahat.pdf")})
    assert response.status_code == 422 and "konten aktif" in response.get_data(as_text=True)
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == versions


@pytest.mark.parametrize("kind", ["javascript", "deflate_bomb"])
def test_verify_upload_uses_the_gate(app, client, db, kind):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    make, status, message = BAD[kind]
    boundary, body = encode_multipart({"berkas": FileStorage(io.BytesIO(make()), "x.pdf", "berkas",
                                                             "application/pdf")})
    response = client.post("/v/periksa", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == status and message in response.get_data(as_text=True)
