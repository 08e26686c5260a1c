"""Public verification as the public meets it: the QR page of a really signed certificate, its
masked holder name and status (valid, revoked, expired, superseded), upload-to-verify that names
what is wrong with a file, the rate-limited registry search, and the offline QR payload."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import re
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sqlalchemy import event
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal import storage
from portal.audit.services import entries_for
from portal.cases.models import Case, DocumentVersion
from portal.core.dates import utcnow
from portal.documents.contexts import sample_context
from portal.documents.pdf import render_pdf
from portal.extensions import db as _db
from portal.signing import devpki
from portal.signing.models import SignatureRequest
from portal.signing.pades import SignRequest, load_pkcs12_signer, sign_pdf
from portal.verification import offline, services
from portal.verification.i18n import format_date
from portal.verification.offline import make_payload, verify_payload
from tests.conftest import make_user
from tests.signing_pki import running_test_pki, simple_pdf

HOLDER = "Siti Rahmawati Lubis"
NIK = "3171014507900002"
CERT_NUMBER = "62090 2513 3 0108289 2026"
REG_NUMBER = "MET.000.012345.2026"
# Validity built from today, so a certificate in these tests never lapses on its own one day.
VALID_FROM = date.today() - timedelta(days=120)
VALID_UNTIL = VALID_FROM + timedelta(days=3 * 365)
VALIDITY_ID = f"{format_date(VALID_FROM, 'id')} s.d. {format_date(VALID_UNTIL, 'id')}"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    with running_test_pki(tmp_path_factory.mktemp("pki-verifikasi")) as pki:
        yield pki


@pytest.fixture(scope="module")
def signer(pki):
    return load_pkcs12_signer(pki.p12_path, pki.passphrase)


@pytest.fixture(scope="module")
def certificate_pdf():
    return render_pdf("certificate", sample_context("certificate"))


@pytest.fixture()
def trusted(app, pki, tmp_path, monkeypatch):
    """The portal trusts the test PKI's root (as it trusts the BNSP root in production)."""
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root_pem)
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", [str(root)])
    return root


class Registry:
    """Issues really signed documents into the registry, as the signing queue does."""

    def __init__(self, signer, certificate_pdf):
        self.signer = signer
        self.rendered = certificate_pdf
        self.ketua = make_user(f"ketua_{os.urandom(3).hex()}", ["ketua"])
        self.count = 0

    def issue(self, *, doc_type="certificate", number=CERT_NUMBER, registration=REG_NUMBER,
              holder=HOLDER, valid_until=VALID_UNTIL, signer=None) -> tuple[SignatureRequest, bytes]:
        from portal.signing.runner import verify_url

        self.count += 1
        case = Case(number=f"RCC-UJI-{os.urandom(4).hex()}", flow_code="RCC", title="Sertifikasi uji",
                    data={"nik": NIK, "tanggal_lahir": "1990-07-05"}, active_steps=[], flags=[])
        _db.session.add(case)
        _db.session.flush()
        source = self._version(case, "D24-draf", self.rendered.data)
        req = SignatureRequest(
            public_id=secrets.token_urlsafe(18), case_id=case.id, code="D24",
            doc_type=doc_type, title="Sertifikat Kompetensi — Sertifikat Asesor", number=number,
            registration_number=registration, holder_name=holder, valid_from=VALID_FROM,
            valid_until=valid_until, signer_role="ketua", source_version_id=source.id, state="diproses")
        _db.session.add(req)
        _db.session.flush()
        box = self.rendered.signature_box
        # In a thread of its own: sign_pdf runs an asyncio loop, and the browser tests already
        # have Playwright's loop running in this one.
        with ThreadPoolExecutor(1) as pool:
            outcome = pool.submit(sign_pdf, self.rendered.data, signer or self.signer, SignRequest(
                verify_url=verify_url(req), page_index=box.page_index, box=box.box)).result()
        signed = self._version(case, "D24", outcome.data)
        req.state, req.signed_version_id = "ditandatangani", signed.id
        req.level, req.sha256 = outcome.level, outcome.sha256
        req.signed_at, req.signed_by_id = utcnow(), self.ketua.id
        _db.session.commit()
        return req, outcome.data

    def _version(self, case, code, data) -> DocumentVersion:
        stored = storage.save_bytes(data, f"kasus/{case.id}")
        version = DocumentVersion(case_id=case.id, code=code, version=1, filename=f"{code}.pdf",
                                  content_type="application/pdf", size=stored.size,
                                  sha256=stored.sha256, storage_key=stored.key)
        _db.session.add(version)
        _db.session.flush()
        return version


@pytest.fixture()
def registry(db, signer, certificate_pdf, trusted):
    return Registry(signer, certificate_pdf)


def stored_files(app) -> set[str]:
    found = set()
    for dirpath, _dirs, files in os.walk(app.config["STORAGE_DIR"]):
        found.update(os.path.join(dirpath, name) for name in files)
    return found


def page_text(response) -> str:
    return response.get_data(as_text=True)


# --- /v/<id> ------------------------------------------------------------------------------------

def test_qr_page_shows_a_valid_certificate_with_masked_holder_and_no_personal_data(client, registry):
    req, signed = registry.issue()

    response = client.get(f"/v/{req.public_id}")

    assert response.status_code == 200
    html = page_text(response)
    assert "Dokumen ini SAH dan terdaftar di BNSP." in html
    assert "Berlaku" in html and "Sertifikat Kompetensi" in html
    assert CERT_NUMBER in html and REG_NUMBER in html
    assert "Si** Ra******* Lu***" in html
    assert HOLDER not in html and "Rahmawati" not in html
    assert NIK not in html and "1990" not in html
    assert "Badan Nasional Sertifikasi Profesi (BNSP)" in html
    assert VALIDITY_ID in html
    assert req.sha256 in html and hashlib.sha256(signed).hexdigest() == req.sha256
    assert "B-B" in html and " WIB" in html and registry.ketua.full_name in html
    assert "dokumen.pdf" not in html  # the PDF only for whoever holds the QR (test_verification_privacy)
    # Public and cacheable: no session cookie, revalidated every time.
    assert "Set-Cookie" not in response.headers
    assert "no-cache" in response.headers["Cache-Control"] and response.headers.get("ETag")
    again = client.get(f"/v/{req.public_id}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_registry_values_are_escaped_on_the_qr_page(client, registry):
    req, _ = registry.issue(number='<script>alert("x")</script>', holder="<img src=x onerror=y>")
    html = page_text(client.get(f"/v/{req.public_id}"))
    assert "<script>alert" not in html and "<img src" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_signed_pdf_downloads_from_the_qr_page(client, registry):
    from portal.signing.runner import verify_url

    req, signed = registry.issue()
    qr = urlsplit(verify_url(req))
    page = page_text(client.get(f"{qr.path}?{qr.query}"))
    link = re.search(r'href="(/v/[^"]+/dokumen\.pdf\?k=[^"]+)"', page).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == signed
    assert client.get("/v/TidakAdaDokumenSepertiIni123/dokumen.pdf").status_code == 404


def test_a_signed_document_the_flow_does_not_publish_verifies_but_does_not_download(client, registry):
    req, _ = registry.issue(doc_type="undangan")
    req.case.flow_code, req.code = "LIS", "D20"  # the members' pleno invitation: internal by declaration
    _db.session.commit()
    assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}"))
    assert client.get(f"/v/{req.public_id}/dokumen.pdf").status_code == 404


def test_english_toggle_is_remembered(client, registry):
    req, _ = registry.issue()
    english = client.get(f"/v/{req.public_id}?lang=en")
    assert "This document is VALID and registered with BNSP." in page_text(english)
    assert format_date(VALID_UNTIL, "en") in page_text(english)
    assert "bnsp_lang=en" in english.headers["Set-Cookie"]
    assert "Valid" in page_text(client.get(f"/v/{req.public_id}"))
    assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}?lang=id"))


def test_unknown_and_malformed_ids_get_the_same_404_page_after_the_same_lookup(client, registry,
                                                                              monkeypatch):
    req, _ = registry.issue()
    lookups: list[str] = []
    real_fetch = services.fetch_public_row
    monkeypatch.setattr(services, "fetch_public_row",
                        lambda public_id: lookups.append(public_id) or real_fetch(public_id))
    pages = {}
    for label, public_id in (("known", req.public_id), ("unknown", "Zz9" + req.public_id[3:]),
                             ("malformed", "salah!'--")):
        pages[label] = client.get(f"/v/{public_id}")
    assert pages["known"].status_code == 200
    for label in ("unknown", "malformed"):
        assert pages[label].status_code == 404
        assert "Dokumen tidak ditemukan" in page_text(pages[label])
    assert page_text(pages["unknown"]) == page_text(pages["malformed"])
    assert len(lookups) == 3  # one indexed query each, found or not, well-formed or not


def test_qr_page_is_one_sql_statement(client, registry):
    req, _ = registry.issue()
    path = f"/v/{req.public_id}"
    engine = services.read_engine()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the lookup goes to the driver directly (see fetch_public_row)")
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "signature_request" in statements[0]


def test_expired_and_superseded_documents_say_so(client, registry):
    old, _ = registry.issue(valid_until=date.today() - timedelta(days=2))
    assert "Kedaluwarsa" in page_text(client.get(f"/v/{old.public_id}"))
    new, _ = registry.issue()
    services.supersede(old, new, actor=registry.ketua)
    _db.session.commit()
    html = page_text(client.get(f"/v/{old.public_id}"))
    assert "DIGANTIKAN" in html and f"/v/{new.public_id}" in html


# --- revocation --------------------------------------------------------------------------------

def test_ketua_revokes_a_certificate_and_the_qr_page_shows_it_at_once(app, client, registry, login_as):
    req, _ = registry.issue()
    etag = client.get(f"/v/{req.public_id}").headers["ETag"]
    ketua = login_as("ketua")

    screen = ketua.get(f"/v/pencabutan?q={CERT_NUMBER}")
    assert screen.status_code == 200 and "Cabut dokumen" in page_text(screen)
    response = ketua.post(f"/v/pencabutan/{req.public_id}", data={
        "reason": "Pemegang terbukti memalsukan bukti asesmen.", "reference": "KEP.2001/BNSP/VIII/2026",
        "category": "pelanggaran"})
    assert response.status_code == 302

    page = client.get(f"/v/{req.public_id}", headers={"If-None-Match": etag})
    assert page.status_code == 200  # the old cached copy is no longer good
    html = page_text(page)
    assert "Dokumen ini telah DICABUT." in html
    # The public sees the category and the SK number, never the internal reason.
    assert "Pelanggaran ketentuan sertifikasi atau lisensi" in html and "KEP.2001/BNSP/VIII/2026" in html
    assert "memalsukan" not in html
    trail = entries_for("signature_request", req.id)
    assert [e.action for e in trail][-1] == "verification.revoke"
    assert trail[-1].actor_id == ketua.user.id and trail[-1].detail["reference"] == "KEP.2001/BNSP/VIII/2026"


def test_only_ketua_and_admin_may_revoke(app, client, registry, login_as):
    req, _ = registry.issue()
    cs = login_as("cs")
    assert cs.get("/v/pencabutan").status_code == 403
    refused = cs.post(f"/v/pencabutan/{req.public_id}", data={"reason": "alasan", "reference": "KEP.1"})
    assert refused.status_code == 403
    assert client.get("/v/pencabutan").status_code == 302  # to the login page
    assert login_as("admin").get("/v/pencabutan").status_code == 200
    _db.session.refresh(req)
    assert req.revoked_at is None


def test_revocation_needs_a_reason_and_a_reference(registry):
    req, _ = registry.issue()
    with pytest.raises(services.VerificationError, match="Alasan"):
        services.revoke(req, reason="", reference="KEP.9/BNSP/I/2027", actor=registry.ketua)
    with pytest.raises(services.VerificationError, match="SK pencabutan"):
        services.revoke(req, reason="Data tidak benar", reference=" ", actor=registry.ketua)
    services.revoke(req, reason="Data tidak benar", reference="KEP.9/BNSP/I/2027", actor=registry.ketua)
    with pytest.raises(services.VerificationError, match="sudah dicabut"):
        services.revoke(req, reason="Data tidak benar", reference="KEP.9/BNSP/I/2027", actor=registry.ketua)


# --- upload-to-verify --------------------------------------------------------------------------

def upload(client, data: bytes, name: str = "sertifikat.pdf"):
    # Encoded here, in memory: the test client would spool a big body to a temporary file.
    boundary, body = encode_multipart({"berkas": FileStorage(io.BytesIO(data), name, "berkas",
                                                             "application/pdf")})
    return client.post("/v/periksa", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_uploaded_genuine_certificate_is_valid(client, registry):
    req, signed = registry.issue()
    response = upload(client, signed)
    assert response.status_code == 200
    html = page_text(response)
    assert "Dokumen SAH" in html and f"/v/{req.public_id}" in html
    assert "Si** Ra******* Lu***" in html and HOLDER not in html


def test_flipped_byte_is_reported_as_altered(client, registry):
    _req, signed = registry.issue()
    altered = bytearray(signed)
    altered[200] ^= 0x01  # inside the page's compressed content stream
    html = page_text(upload(client, bytes(altered)))
    assert "Dokumen TIDAK SAH" in html
    assert 'data-problem="altered"' in html and "telah DIUBAH setelah ditandatangani" in html


def test_appended_incremental_update_is_reported_and_the_original_named(client, registry):
    req, signed = registry.issue()
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"q BT /F1 30 Tf 100 300 Td (BERLAKU SEUMUR HIDUP) Tj ET Q")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    out = io.BytesIO()
    writer.write(out)
    html = page_text(upload(client, out.getvalue()))
    assert 'data-problem="modified_after_signing"' in html
    assert "ada perubahan yang ditambahkan sesudah tanda tangan" in html
    assert f"/v/{req.public_id}" in html  # "this file was made from <that document>"


def test_pdf_signed_by_an_unknown_key_is_reported(client, registry, pki):
    stranger_root = devpki.make_root_ca("Bukan CA BNSP")
    stranger = devpki.issue_cert(stranger_root, "Ketua BNSP (PALSU)")
    p12 = pki.directory / "palsu.p12"
    p12.write_bytes(devpki.pkcs12_bytes(stranger, [stranger_root.cert], b"palsu-123"))
    fake_signer = load_pkcs12_signer(p12, b"palsu-123")
    _req, forged = registry.issue(signer=fake_signer)
    # A forgery is of course not in the registry: take it out as a forger's copy would be.
    _db.session.execute(SignatureRequest.__table__.update().where(
        SignatureRequest.sha256 == hashlib.sha256(forged).hexdigest()).values(sha256=None))
    _db.session.commit()
    html = page_text(upload(client, forged))
    assert 'data-problem="unknown_signer"' in html and "Penanda tangan TIDAK DIKENAL" in html
    assert 'data-problem="not_in_registry"' in html


def test_signed_but_unregistered_pdf_is_not_issued_by_bnsp(client, registry, signer):
    outcome = sign_pdf(simple_pdf("Sertifikat buatan sendiri"), signer,
                       SignRequest(verify_url="https://contoh.test/v/palsu", page_index=0))
    html = page_text(upload(client, outcome.data))
    assert 'data-problem="not_in_registry"' in html and "TIDAK DITERBITKAN BNSP" in html
    assert 'data-problem="unknown_signer"' not in html


def test_revoked_certificate_uploaded_is_reported_revoked(client, registry):
    req, signed = registry.issue()
    services.revoke(req, reason="Sertifikat ditarik", reference="KEP.77/BNSP/IX/2026", actor=registry.ketua)
    _db.session.commit()
    html = page_text(upload(client, signed))
    assert 'data-problem="revoked"' in html and "KEP.77/BNSP/IX/2026" in html


def _zip_bomb_pdf() -> bytes:
    bomb = zlib.compress(b"\0" * (8 * 1024 * 1024), 9)
    header = b"%%PDF-1.7\n1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
    return header + bomb + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("kind, status, message", [
    ("empty", 400, "Berkas kosong"),
    ("not_pdf", 415, "Berkas bukan PDF"),
    ("encrypted", 422, "PDF terenkripsi"),
    ("truncated", 422, "terpotong"),
    ("oversized", 413, "Berkas terlalu besar"),
    ("zip_bomb", 422, "terkompresi yang tidak wajar"),
])
def test_bad_files_get_a_clear_message_and_are_never_stored(app, client, registry, monkeypatch,
                                                            kind, status, message):
    _req, signed = registry.issue()
    monkeypatch.setitem(app.config, "VERIFY_MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setitem(app.config, "VERIFY_MAX_INFLATED", 4 * 1024 * 1024)
    data = {
        "empty": b"",
        "not_pdf": b"PK\x03\x04 ini arsip zip, bukan PDF" * 10,
        "encrypted": simple_pdf(user_password="rahasia"),
        "truncated": signed[: len(signed) // 2],
        "oversized": b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF\n",
        "zip_bomb": _zip_bomb_pdf(),
    }[kind]
    before = stored_files(app)
    response = upload(client, data)
    assert response.status_code == status
    assert message in page_text(response)
    assert 'role="alert"' in page_text(response)
    assert stored_files(app) == before


def test_big_uploads_are_read_into_memory_not_spooled_to_disk(client, registry, monkeypatch):
    import werkzeug.wrappers.request as werkzeug_request

    def no_disk(*args, **kwargs):
        raise AssertionError("the upload was spooled to a temporary file")

    monkeypatch.setattr(werkzeug_request, "default_stream_factory", no_disk)
    _req, signed = registry.issue()
    big = b"%PDF-1.7\n%" + b"x" * (2 * 1024 * 1024) + b"\n%%EOF\n"  # > Werkzeug's 500 KB
    response = upload(client, big)
    assert response.status_code == 422 and "PDF rusak" in page_text(response)


def test_upload_needs_the_csrf_token(client, registry):
    response = client.post("/v/periksa", data={"berkas": (io.BytesIO(b"%PDF-1.7"), "a.pdf")},
                           content_type="multipart/form-data", csrf=False)
    assert response.status_code == 400


# --- registry search ---------------------------------------------------------------------------

def test_registry_finds_exact_numbers_only_and_never_lists_the_holder(client, registry):
    req, _ = registry.issue()
    for query in (CERT_NUMBER, REG_NUMBER, f"  {REG_NUMBER.lower()} "):
        html = page_text(client.get("/v/registri", query_string={"q": query}))
        assert "Berlaku" in html and format_date(VALID_UNTIL, "id") in html, query
        assert f"/v/{req.public_id}" not in html and "Si** Ra" not in html and HOLDER not in html
    for partial in (CERT_NUMBER[:10], "MET.000", "%"):
        html = page_text(client.get("/v/registri", query_string={"q": partial}))
        assert "Tidak ada dokumen dengan nomor" in html


def test_registry_search_is_rate_limited_per_ip(app, client, registry, monkeypatch):
    registry.issue()
    monkeypatch.setitem(app.config, "VERIFY_SEARCH_LIMIT", (3, 60))
    codes = [client.get("/v/registri", query_string={"q": f"NOMOR-{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 200]
    blocked = client.get("/v/registri", query_string={"q": REG_NUMBER})
    assert blocked.status_code == 429
    assert "Terlalu banyak permintaan" in page_text(blocked) and blocked.headers["Retry-After"] == "60"
    other_ip = client.get("/v/registri", query_string={"q": REG_NUMBER},
                          environ_overrides={"REMOTE_ADDR": "10.9.8.7"})
    assert other_ip.status_code == 200


@pytest.fixture()
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            __import__("time").sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_rate_limit_uses_redis_when_configured(app, client, registry, monkeypatch, redis_url):
    from portal.verification.models import RateLimitCounter

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "VERIFY_SEARCH_LIMIT", (2, 60))
    codes = [client.get("/v/registri", query_string={"q": REG_NUMBER}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert _db.session.query(RateLimitCounter).count() == 0  # counted in Redis, not the database


# --- offline payload ---------------------------------------------------------------------------

def test_payload_round_trip_and_tampering(registry):
    req, _ = registry.issue()
    payload = make_payload(req)
    assert len(payload) < 240
    data = verify_payload(payload)
    assert data["public_id"] == req.public_id and data["number"] == CERT_NUMBER
    assert data["doc_type"] == "certificate" and data["valid_until"] == VALID_UNTIL
    assert data["holder_hash"] == offline.holder_hash("  siti  RAHMAWATI lubis")
    raw = bytearray(offline.b64url_decode(payload))
    raw[30] ^= 0x01
    for bad in (offline.b64url(bytes(raw)), payload[:-4], "bukan payload!", ""):
        with pytest.raises(ValueError):
            verify_payload(bad)


def test_payload_from_another_key_is_refused(registry, app, tmp_path, monkeypatch):
    req, _ = registry.issue()
    monkeypatch.setitem(app.config, "OFFLINE_KEY_PATH", str(tmp_path / "lain.pem"))
    foreign = make_payload(req)
    monkeypatch.undo()
    with pytest.raises(ValueError):
        verify_payload(foreign)


def test_public_key_is_published(client, registry):
    key = offline.signing_key()
    data = client.get("/v/kunci-publik").get_json()
    assert data["alg"] == "Ed25519" and data["kid"] == key.key_id
    assert offline.b64url_decode(data["public_key"]) == key.public_raw
    assert "BEGIN PUBLIC KEY" in data["pem"]
    page = client.get("/v/offline")
    assert page.status_code == 200 and key.public_b64 in page_text(page)
    assert "max-age=3600" in page.headers["Cache-Control"]
    key_file = offline.key_path()
    assert key_file.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
def test_scanning_the_qr_of_a_signed_certificate_leads_to_a_valid_page_then_revoked(client, registry,
                                                                                    tmp_path):
    req, signed = registry.issue()
    pdf = tmp_path / "sertifikat.pdf"
    pdf.write_bytes(signed)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "hal")],
                   check=True)
    png = next(tmp_path.glob("hal*.png"))
    scan = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
    url = urlsplit(scan.stdout.strip())
    assert url.path == f"/v/{req.public_id}", scan.stdout
    assert url.query.startswith("k=") and url.fragment.startswith("p=")
    assert HOLDER in page_text(client.get(f"{url.path}?{url.query}"))  # the QR opens the full view
    assert verify_payload(url.fragment[2:])["public_id"] == req.public_id

    assert "Dokumen ini SAH" in page_text(client.get(url.path))
    services.revoke(req, reason="Dicabut karena pelanggaran kode etik", reference="KEP.5/BNSP/X/2026",
                    actor=registry.ketua)
    _db.session.commit()
    assert "Dokumen ini telah DICABUT." in page_text(client.get(url.path))


def test_every_public_page_answers_without_login(client, registry):
    for path in ("/v/", "/v/offline", "/v/kunci-publik", "/v/sehat", "/v/registri"):
        assert client.get(path).status_code == 200, path
    assert page_text(client.get("/v/sehat")) == "ok"


# --- Redis read model of the public registry ---------------------------------------------------

@pytest.fixture()
def registry_redis(app, monkeypatch, request):
    """REDIS_URL pointed at the run's private redis-server (or TEST_REDIS_URL, a database reserved
    for tests), emptied before and after."""
    import redis

    url = os.environ.get("TEST_REDIS_URL") or request.getfixturevalue("redis_process")
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url} (set TEST_REDIS_URL): {exc}")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    _wait_for_memory_registry(app)
    yield client
    client.flushdb()
    client.close()


def _wait_for_memory_registry(app) -> None:
    """The process's in-memory registry subscribes and loads in a thread of its own: let it finish
    first, so it cannot load rows a test then changes behind its back."""
    import time

    from portal.verification import readmodel

    with app.app_context():
        deadline = time.monotonic() + 10
        while readmodel._local_registry() is None and time.monotonic() < deadline:
            time.sleep(0.05)


def _change_behind_redis(req, **values) -> None:
    """Write the row with raw SQL, as nothing in the portal does: no hook sees it."""
    from sqlalchemy import text

    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with _db.engine.begin() as conn:
        conn.execute(text(f"UPDATE signature_request SET {assignments} WHERE id = :id"),
                     {**values, "id": req.id})


def test_qr_page_is_served_from_the_redis_read_model_after_the_first_visit(client, registry,
                                                                           registry_redis):
    req, _ = registry.issue()
    assert registry_redis.get(f"v:rec2:{req.public_id}") is None
    assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}"))
    assert registry_redis.ttl(f"v:rec2:{req.public_id}") > 3600

    _change_behind_redis(req, number="NOMOR-LAIN-DI-DB")
    html = page_text(client.get(f"/v/{req.public_id}"))
    assert CERT_NUMBER in html and "NOMOR-LAIN-DI-DB" not in html  # Redis answered
    english = page_text(client.get(f"/v/{req.public_id}?lang=en"))  # rendered from the cached record
    assert "This document is VALID" in english and CERT_NUMBER in english
    assert "NOMOR-LAIN-DI-DB" not in english
    assert "Si** Ra******* Lu***" in html and VALIDITY_ID in html
    # Unknown and malformed ids are still looked up and never cached.
    assert client.get("/v/TidakAdaDokumenSepertiIni123").status_code == 404
    assert client.get("/v/salah!'--").status_code == 404
    assert registry_redis.dbsize() == 1


def test_revocation_on_the_screen_shows_at_once_with_the_read_model(client, registry, registry_redis,
                                                                   login_as):
    req, _ = registry.issue()
    assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}"))
    ketua = login_as("ketua")
    response = ketua.post(f"/v/pencabutan/{req.public_id}", data={
        "reason": "Pemegang terbukti memalsukan bukti asesmen.", "reference": "KEP.2002/BNSP/VIII/2026",
        "category": "pelanggaran"})
    assert response.status_code == 302
    html = page_text(client.get(f"/v/{req.public_id}"))
    assert "Dokumen ini telah DICABUT." in html and "KEP.2002/BNSP/VIII/2026" in html


def test_revocation_and_supersession_through_the_services_invalidate_the_read_model(
        client, registry, registry_redis):
    old, _ = registry.issue()
    other, _ = registry.issue()
    for req in (old, other):
        assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}"))
    new, _ = registry.issue()
    services.supersede(old, new, actor=registry.ketua)
    services.revoke(other, reason="Dicabut karena pelanggaran kode etik", reference="KEP.6/BNSP/X/2026",
                    actor=registry.ketua)
    _db.session.commit()
    assert "DIGANTIKAN" in page_text(client.get(f"/v/{old.public_id}"))
    assert "Dokumen ini telah DICABUT." in page_text(client.get(f"/v/{other.public_id}"))


def test_phu_numbering_after_signing_invalidates_the_read_model(client, registry, registry_redis):
    from types import SimpleNamespace

    from portal.signing.queue import assign_numbers

    req, _ = registry.issue(doc_type="sk", number=None, registration=None)
    req.code = "D22"  # RCC's SK: numbered by PHU after it is signed
    _db.session.commit()
    before = page_text(client.get(f"/v/{req.public_id}"))
    assert registry_redis.exists(f"v:rec2:{req.public_id}")

    numbers = assign_numbers(req.case, SimpleNamespace(numbers=["D22"]), registry.ketua)
    _db.session.commit()
    assert len(numbers) == 1 and numbers[0] not in before
    assert numbers[0] in page_text(client.get(f"/v/{req.public_id}"))


def test_qr_page_answers_from_the_database_when_redis_is_down(app, client, registry, monkeypatch,
                                                              caplog):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{port}/0")
    req, _ = registry.issue()
    for _ in range(2):
        response = client.get(f"/v/{req.public_id}")
        assert response.status_code == 200 and "Dokumen ini SAH" in page_text(response)
    services.revoke(req, reason="Dicabut karena pelanggaran kode etik", reference="KEP.7/BNSP/X/2026",
                    actor=registry.ketua)
    _db.session.commit()  # the invalidation fails quietly too
    assert "Dokumen ini telah DICABUT." in page_text(client.get(f"/v/{req.public_id}"))
    assert sum("Redis unavailable" in r.getMessage() for r in caplog.records) <= 1


def test_registry_warm_loads_every_signed_document(app, registry, registry_redis):
    first, _ = registry.issue()
    second, _ = registry.issue()
    unsigned = SignatureRequest(public_id=secrets.token_urlsafe(18), case_id=first.case_id, code="D24",
                                doc_type="certificate", title="Belum", signer_role="ketua",
                                source_version_id=first.source_version_id, state="menunggu")
    _db.session.add(unsigned)
    _db.session.commit()

    result = app.test_cli_runner().invoke(args=["registry-warm", "--batch", "1"])

    assert result.exit_code == 0, result.output
    assert "2 dokumen dimuat ke Redis" in result.output
    assert {k.decode() for k in registry_redis.keys("v:rec2:*")} == {
        f"v:rec2:{first.public_id}", f"v:rec2:{second.public_id}"}
    from portal.verification import readmodel

    assert readmodel.get(first.public_id) == services.PublicRecord(
        *services.fetch_public_row(first.public_id))


def _wait_until(predicate, seconds: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_each_worker_keeps_the_registry_in_memory_and_drops_what_the_channel_names(
        app, client, registry, registry_redis):
    """With Redis, a worker answers /v/<id> from its own copy (no network round trip), which every
    registry change published on the channel invalidates, in this process and in the others."""
    from portal.verification import readmodel

    req, _ = registry.issue()
    with app.app_context():
        assert _wait_until(lambda: readmodel._local_registry() is not None)
        local = readmodel._locals[app.config["REDIS_URL"]]
        # Issued before the copy was loaded, or remembered on the first visit: either way it is there.
        assert "Dokumen ini SAH" in page_text(client.get(f"/v/{req.public_id}"))
        assert req.public_id in local.records

    # Neither Redis nor the database is asked again: both change behind the copy's back.
    registry_redis.flushdb()
    _change_behind_redis(req, number="NOMOR-LAIN-DI-DB")
    assert "NOMOR-LAIN-DI-DB" not in page_text(client.get(f"/v/{req.public_id}"))

    # Another process revokes it: its commit publishes the id; this worker drops its copy.
    registry_redis.publish(readmodel.CHANNEL, req.public_id)
    assert _wait_until(lambda: req.public_id not in local.records)
    assert "NOMOR-LAIN-DI-DB" in page_text(client.get(f"/v/{req.public_id}"))


def test_without_the_channel_the_memory_copy_is_not_used(app, client, registry, monkeypatch):
    from portal.verification import readmodel

    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nobody listens there
    req, _ = registry.issue()
    with app.app_context():
        assert readmodel._local_registry() is None
    assert client.get(f"/v/{req.public_id}").status_code == 200
