"""PAdES signing with the Ketua's PKCS#12 key, checked the way a recipient would check it.

A local PKI (tests/signing_pki.py) serves a TSA and an OCSP responder on 127.0.0.1 for the whole
module. Each signed PDF must validate with pyHanko (intact, trusted to the test root) and with
poppler's pdfsig; tampering must be caught, and the QR stamp must scan to the verification URL.
"""
from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
from io import BytesIO

import pytest
from cryptography import x509 as pyca_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper

from portal.signing import devpki
from portal.signing.batch import prestart, shutdown_pools, sign_many
from portal.signing.pades import (
    SigningError,
    SignOutcome,
    SignRequest,
    dss_has_revocation_info,
    load_pkcs12_signer,
    lt_validation_context,
    sign_pdf,
)
from portal.signing.validation import (
    MSG_ENCRYPTED,
    MSG_MODIFIED,
    MSG_NOT_INTACT,
    MSG_NOT_PDF,
    MSG_UNKNOWN_SIGNER,
    pdfsig_report,
    validate_signed_pdf,
)
from tests.signing_pki import running_test_pki, simple_pdf, unused_local_url

URL = "https://portal.bnsp.test/verifikasi/7d3f0c2e-5a41-4c1b-9f7e-2b8d6a1c9e55"
BOX = (300.0, 40.0, 560.0, 130.0)
REQ = SignRequest(verify_url=URL, signer_name="Ketua BNSP", page_index=0, box=BOX)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    with running_test_pki(tmp_path_factory.mktemp("pki")) as pki:
        yield pki


@pytest.fixture(scope="module")
def signer(pki):
    return load_pkcs12_signer(pki.p12_path, pki.passphrase)


@pytest.fixture(scope="module")
def signed(signer) -> SignOutcome:
    return sign_pdf(simple_pdf(), signer, REQ)


def _pdfsig(tmp_path, data: bytes) -> dict:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return pdfsig_report(path)


def test_b_b_signature_validates_with_pyhanko_and_pdfsig(signed, pki, tmp_path):
    assert signed.level == "B-B"
    assert signed.sha256 == hashlib.sha256(signed.data).hexdigest()
    report = validate_signed_pdf(signed.data, [pki.root_cert])
    assert report.ok, report.problems
    assert (report.intact, report.trusted, report.modified_after_signing) == (True, True, False)
    assert report.signer_name == "Ketua BNSP (TEST)"
    assert report.level == "B-B" and report.coverage == "ENTIRE_FILE"
    assert report.signing_time is not None and report.timestamp_valid is None
    poppler = _pdfsig(tmp_path, signed.data)
    assert poppler["valid"] and poppler["whole_file"], poppler["output"]
    assert poppler["signatures"][0]["field"] == REQ.field_name


def test_signature_dictionary_carries_reason_location_and_box(signed):
    reader = PdfFileReader(BytesIO(signed.data))
    field = reader.root["/AcroForm"]["/Fields"][0]
    assert field["/V"]["/Reason"] == "Ditandatangani secara elektronik oleh Ketua BNSP"
    assert field["/V"]["/Location"] == "Jakarta"
    assert field["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"
    assert [float(v) for v in field["/Rect"]] == list(BOX)


def test_signer_from_another_ca_is_reported_unknown(signed):
    stranger = devpki.make_root_ca("Bukan CA BNSP")
    report = validate_signed_pdf(signed.data, [stranger.cert])
    assert report.intact and not report.trusted
    assert MSG_UNKNOWN_SIGNER in report.problems


def test_b_t_with_local_tsa_has_a_valid_timestamp(signer, pki):
    outcome = sign_pdf(simple_pdf(), signer, REQ, timestamper=HTTPTimeStamper(pki.tsa_url))
    assert outcome.level == "B-T"
    report = validate_signed_pdf(outcome.data, [pki.root_cert])
    assert report.ok, report.problems
    assert report.level == "B-T" and report.timestamp_valid is True


def test_b_lt_embeds_ocsp_responses(signer, pki, tmp_path):
    outcome = sign_pdf(simple_pdf(), signer, REQ, timestamper=HTTPTimeStamper(pki.tsa_url),
                       validation_context=lt_validation_context([pki.root_cert]))
    assert outcome.level == "B-LT"
    assert dss_has_revocation_info(outcome.data)
    report = validate_signed_pdf(outcome.data, [pki.root_cert])
    assert report.ok, report.problems
    assert report.level == "B-LT" and not report.modified_after_signing
    assert _pdfsig(tmp_path, outcome.data)["valid"]


def test_tsa_down_is_a_retryable_signing_error(signer):
    with pytest.raises(SigningError) as caught:
        sign_pdf(simple_pdf(), signer, REQ, timestamper=HTTPTimeStamper(unused_local_url()))
    assert caught.value.retryable
    assert "TSA" in caught.value.message


def test_flipped_byte_in_signed_content_is_rejected(signed, pki, tmp_path):
    data = signed.data.replace(b"halaman 1", b"halaman 7", 1)
    assert data != signed.data
    report = validate_signed_pdf(data, [pki.root_cert])
    assert not report.intact and not report.ok
    assert MSG_NOT_INTACT in report.problems
    assert not _pdfsig(tmp_path, data)["valid"]


def test_forged_overlay_after_signing_is_caught_although_pdfsig_says_valid(signed, pki,
                                                                          tmp_path):
    writer = IncrementalPdfFileWriter(BytesIO(signed.data))
    overlay = generic.StreamObject(
        stream_data=b"q 1 0 0 rg BT /F1 48 Tf 150 500 Td (LULUS) Tj ET Q")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    out = BytesIO()
    writer.write(out)
    forged = out.getvalue()

    poppler = _pdfsig(tmp_path, forged)
    assert poppler["valid"] and not poppler["whole_file"]
    report = validate_signed_pdf(forged, [pki.root_cert])
    assert report.intact  # the signed bytes are untouched...
    assert report.modified_after_signing  # ...but the page shown is not what was signed
    assert report.docmdp_ok is False
    assert MSG_MODIFIED in report.problems and not report.ok


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
def test_qr_stamp_scans_to_the_verification_url(signed, tmp_path):
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(signed.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    scan = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True,
                          check=False)
    assert scan.stdout.strip() == URL


def test_cms_template_is_byte_identical_to_pyhanko(signer):
    digest = hashlib.sha256(b"isi dokumen").digest()

    async def both() -> tuple[bytes, bytes]:
        attrs = PdfCMSSignedAttributes()
        fast = await signer.async_sign(digest, "sha256", use_pades=True,
                                       signed_attr_settings=attrs)
        plain = await Signer.async_sign(signer, digest, "sha256", use_pades=True,
                                        signed_attr_settings=attrs)
        return fast.dump(), plain.dump()

    fast, plain = asyncio.run(both())
    assert fast == plain


def test_pkcs12_loader_caches_and_rejects_a_wrong_passphrase(pki):
    first = load_pkcs12_signer(pki.p12_path, pki.passphrase)
    assert load_pkcs12_signer(str(pki.p12_path), pki.passphrase.decode()) is first
    with pytest.raises(SigningError) as caught:
        load_pkcs12_signer(pki.p12_path, b"tebakan-salah")
    assert "tebakan-salah" not in str(caught.value)


@pytest.mark.parametrize("data, message", [
    (b"ini bukan PDF", MSG_NOT_PDF),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "Dokumen PDF rusak atau tidak dapat dibaca."),
])
def test_validator_explains_unreadable_input(data, message, pki):
    report = validate_signed_pdf(data, [pki.root_cert])
    assert not report.readable and not report.signed
    assert report.problems == [message]


def test_encrypted_pdf_is_refused_clearly(signer, pki):
    encrypted = simple_pdf(user_password="pengguna")
    assert validate_signed_pdf(encrypted, [pki.root_cert]).problems == [MSG_ENCRYPTED]
    with pytest.raises(SigningError, match="terenkripsi"):
        sign_pdf(encrypted, signer, REQ)


def test_sign_many_uses_two_processes_and_one_bad_input_does_not_stop_the_rest(pki):
    items = [(simple_pdf(f"Sertifikat {i}"), SignRequest(verify_url=f"{URL}-{i}"))
             for i in range(10)]
    items[3] = (b"bukan pdf", items[3][1])
    try:
        prestart(pki.p12_path, pki.passphrase, processes=2)
        results = sign_many(items, pki.p12_path, pki.passphrase, processes=2)
    finally:
        shutdown_pools()
    assert len(results) == 10
    assert isinstance(results[3], SigningError) and not results[3].retryable
    for index, outcome in enumerate(results):
        if index == 3:
            continue
        assert isinstance(outcome, SignOutcome) and outcome.level == "B-B"
        report = validate_signed_pdf(outcome.data, [pki.root_cert])
        assert report.ok, (index, report.problems)
        assert f"Sertifikat {index}".encode() in outcome.data  # order preserved


def test_sign_many_with_a_wrong_passphrase_fails_every_item(pki):
    results = sign_many([(simple_pdf(), REQ)] * 2, pki.p12_path, b"salah")
    assert all(isinstance(r, SigningError) and not r.retryable for r in results)


def test_dev_pki_is_created_once_with_signing_key_usage(tmp_path):
    first = devpki.create_dev_pki(tmp_path, "rahasia-dev")
    before = first.p12_path.read_bytes()
    again = devpki.create_dev_pki(tmp_path, "rahasia-dev")
    assert again.p12_path.read_bytes() == before  # idempotent: same key, same root
    assert "BNSP Dev Root CA" in first.root_cert().subject.rfc4514_string()
    signer = load_pkcs12_signer(first.p12_path, "rahasia-dev")
    usage = pyca_x509.load_der_x509_certificate(signer.signing_cert.dump()).extensions \
        .get_extension_for_class(pyca_x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert signer.signing_cert.subject.native["common_name"] == "Ketua BNSP (DEV)"
    assert b"rahasia-dev" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())


def _pdffonts(tmp_path, data: bytes) -> list[list[str]]:
    """pdffonts rows (name, type, encoding, emb, sub, uni, object, ID) of every font in the file."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_stamp_text_is_set_in_an_embedded_font_with_the_signers_name(signer, tmp_path):
    from portal.documents import render_pdf
    from portal.documents.contexts import sample_context

    letter = render_pdf("letter", sample_context("letter"))
    box = letter.signature_box
    outcome = sign_pdf(letter.data, signer, SignRequest(verify_url=URL, signer_name="Dr. Siti Aisyah Nurhaliza",
                                                        page_index=box.page_index, box=box.box))
    fonts = _pdffonts(tmp_path, outcome.data)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    assert any("LiberationSans" in row[0] for row in fonts)
    path = tmp_path / "signed.pdf"
    path.write_bytes(outcome.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Dr. Siti Aisyah Nurhaliza" in text and "WIB" in text
