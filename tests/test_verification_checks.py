"""Public verification says what it checked, in both languages: real PDFs signed by the test PKI,
a forged CA that copies the trusted root's name, a truncated file, bytes appended after the
signature; one verdict per QR page (no green, no download on a dead document); the language
switch keeps the QR data; the registry finds SK numbers and LSP licences without personal data."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps import HTTPTimeStamper

from portal.extensions import db as _db
from portal.signing import devpki
from portal.signing.pades import SignRequest, load_pkcs12_signer, sign_pdf
from portal.signing.validation import validate_signed_pdf
from portal.verification import access, services
from tests.signing_pki import simple_pdf
from tests.test_verification import (  # noqa: F401 - fixtures shared with the HTTP-level tests
    CERT_NUMBER, HOLDER, NIK, Registry, certificate_pdf, page_text, pki, signer, trusted, upload,
)

WORDS = {
    "id": {"valid": "Dokumen SAH", "invalid": "Dokumen TIDAK SAH", "checked": "Yang diperiksa"},
    "en": {"valid": "The document is VALID", "invalid": "The document is NOT VALID",
           "checked": "What was checked"},
}


@pytest.fixture()
def registry(db, signer, certificate_pdf, trusted):  # noqa: F811
    return Registry(signer, certificate_pdf)


def forged_signer(pki, tmp_path):  # noqa: F811
    """A self-made CA with exactly the trusted root's subject name, and a signer it issued."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = pki.root.cert.subject
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    fake_root = devpki.Issued(cert, key)
    leaf = devpki.issue_cert(fake_root, devpki.SIGNER_NAME)
    p12 = tmp_path / "tiruan.p12"
    p12.write_bytes(devpki.pkcs12_bytes(leaf, [cert], b"tiruan-123"))
    return load_pkcs12_signer(p12, b"tiruan-123")


def checks_of(html: str) -> dict[str, tuple[str, str]]:
    """{check key: (state, text)} from the result page's list."""
    found = {}
    for key, state, text in re.findall(
            r'data-check="(\w+)" data-state="(\w+)">.*?<span class="check-text">(.*?)</span>', html, re.S):
        found[key] = (state, html_lib.unescape(" ".join(text.split())))
    return found


def post(client, data: bytes, lang: str):
    if lang == "id":
        return upload(client, data)
    client.get("/v/?lang=en")  # the language cookie, as the switch on the upload page sets it
    response = upload(client, data)
    client.get("/v/?lang=id")
    return response


# --- upload: what was checked ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_genuine_upload_lists_every_check(client, registry, lang):
    req, signed = registry.issue()
    response = post(client, signed, lang)
    html = page_text(response)
    assert response.status_code == 200 and WORDS[lang]["valid"] in html and WORDS[lang]["checked"] in html
    found = checks_of(html)
    assert list(found) == ["signer", "issuer", "validity", "revocation", "time", "integrity", "registry"]
    assert found["signer"][0] == "ok" and found["signer"][1].startswith("Ketua")
    assert found["issuer"][0] == "ok" and ("tepercaya (CA BNSP)" if lang == "id" else "trusted (BNSP CA)") in found["issuer"][1]
    assert found["validity"][0] == "ok"
    assert ("berlaku pada waktu penandatanganan" if lang == "id" else "valid at the signing time") in found["validity"][1]
    assert found["revocation"][0] == "info"  # B-B: the file carries no OCSP/CRL data
    assert found["time"][0] == "info"
    assert ("dinyatakan oleh penanda tangan" if lang == "id" else "declared by the signer") in found["time"][1]
    assert found["integrity"][0] == "ok"
    assert found["registry"][0] == "ok" and CERT_NUMBER in found["registry"][1]
    assert "verdict-bad" not in html and HOLDER not in html


def test_a_timestamped_signature_says_trusted_timestamp(client, registry, pki):  # noqa: F811
    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(sign_pdf, simple_pdf("SK uji"), registry.signer, SignRequest(
            verify_url="https://contoh.test/v/x", page_index=0),
            timestamper=HTTPTimeStamper(pki.tsa_url)).result()
    found = checks_of(page_text(upload(client, outcome.data)))
    assert found["time"][0] == "ok" and "cap waktu tepercaya" in found["time"][1]
    assert "BNSP Test TSA" in found["time"][1]
    assert found["registry"][0] == "bad"  # signed by the right key, but never registered


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_ca_that_copies_the_bnsp_name_is_untrusted_not_valid(client, registry, pki, tmp_path, lang):  # noqa: F811
    _req, forged = registry.issue(signer=forged_signer(pki, tmp_path))
    report = validate_signed_pdf(forged, [pki.root_pem])
    assert report.intact and not report.trusted and report.first.impostor_issuer
    html = page_text(post(client, forged, lang))
    assert WORDS[lang]["invalid"] in html and 'data-problem="impostor_ca"' in html
    found = checks_of(html)
    assert found["issuer"][0] == "bad" and found["signer"][0] == "bad"
    if lang == "id":
        assert "CA PALSU" in html and "memakai nama CA BNSP, tetapi bukan CA BNSP" in found["issuer"][1]
        assert "tepercaya (CA BNSP)" not in html
    else:
        assert "FAKE CA" in html and "uses the name of the BNSP CA but is not the BNSP CA" in found["issuer"][1]
        assert "trusted (BNSP CA)" not in html
    assert "verdict-ok" not in html and "check-ok" not in html  # nothing green on an invalid result


def test_an_uploaded_revoked_certificate_shows_nothing_green(client, registry):
    req, signed = registry.issue()
    services.revoke(req, reason="Sertifikat ditarik", reference="KEP.77/BNSP/IX/2026", actor=registry.ketua)
    _db.session.commit()
    html = page_text(upload(client, signed))
    assert 'data-problem="revoked"' in html and "verdict-ok" not in html and "check-ok" not in html
    found = checks_of(html)
    assert found["integrity"][0] == "ok" and found["registry"][0] == "bad"  # said plainly, not green


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_truncated_file_says_how_much_is_missing(client, registry, lang):
    _req, signed = registry.issue()
    cut = signed[:-300]
    response = post(client, cut, lang)
    html = html_lib.unescape(page_text(response))
    assert response.status_code == 422
    size = f"{len(cut):,}".replace(",", "." if lang == "id" else ",")
    signed_size = f"{len(signed):,}".replace(",", "." if lang == "id" else ",")
    words = ("TERPOTONG", "kurang 300 bita") if lang == "id" else ("TRUNCATED", "300 bytes missing")
    assert all(w in html for w in words) and size in html and signed_size in html


@pytest.mark.parametrize("extra", [b"\n", b"%% tambahan\n", b"A" * 3000])
def test_bytes_appended_after_the_signature_are_named(client, registry, extra):
    req, signed = registry.issue()
    html = page_text(upload(client, signed + extra))
    assert "Dokumen TIDAK SAH" in html and 'data-problem="appended_bytes"' in html
    assert f"Ada {len(extra):,} bita TAMBAHAN".replace(",", ".") in html
    found = checks_of(html)
    assert found["integrity"][0] == "bad" and found["issuer"][0] == "ok"
    assert f"/v/{req.public_id}" in html  # the registered document it was made from


def test_the_result_switches_language_without_a_new_upload_and_cannot_be_forged(client, registry):
    _req, signed = registry.issue()
    html = page_text(upload(client, signed + b"junk"))
    href = html_lib.unescape(re.search(r'class="topnav lang-toggle".*?href="([^"]+)"', html, re.S).group(1))
    assert href.startswith("/v/hasil?") and "lang=en" in href
    english = page_text(client.get(href))
    assert "The document is NOT VALID" in english and "EXTRA bytes" in english
    assert 'data-problem="appended_bytes"' in english
    forged = href.replace("lang=en", "lang=id")
    body, tag = re.search(r"d=([^&]+)", forged).group(1).split(".")
    response = client.get(forged.replace(f"{body}.{tag}", f"{body[:-2]}AA.{tag}"))
    assert response.status_code == 404 and "tidak dapat dibuka lagi" in page_text(response)


# --- the QR page: one verdict ----------------------------------------------------------------------

QR_VERDICTS = {
    "berlaku": ("Dokumen ini SAH", "This document is VALID"),
    "dicabut": ("Dokumen ini telah DICABUT", "This document has been REVOKED"),
    "kedaluwarsa": ("Masa berlaku dokumen ini telah BERAKHIR", "This document has EXPIRED"),
    "digantikan": ("telah DIGANTIKAN", "has been SUPERSEDED"),
}


def _make(registry, status: str):
    if status == "kedaluwarsa":
        return registry.issue(valid_until=date.today() - timedelta(days=1))[0]
    req, _ = registry.issue()
    if status == "dicabut":
        services.revoke(req, reason="Data tidak benar", reference="KEP.9/BNSP/I/2027",
                        category="data_keliru", actor=registry.ketua)
    elif status == "digantikan":
        newer, _ = registry.issue()
        services.supersede(req, newer, actor=registry.ketua)
    _db.session.commit()
    return req


@pytest.mark.parametrize("status", list(QR_VERDICTS))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_each_qr_verdict_in_both_languages_and_no_green_on_a_dead_document(client, registry, status, lang):
    req = _make(registry, status)
    token = access.token_for(req.public_id)
    html = page_text(client.get(f"/v/{req.public_id}?k={token}&lang={lang}"))
    assert QR_VERDICTS[status][0 if lang == "id" else 1] in html
    assert f'data-status="{status}"' in html
    if status == "berlaku":
        assert "verdict-ok" in html and "/dokumen.pdf" in html and "check-ok" in html
    else:
        assert "verdict-ok" not in html and "check-ok" not in html and "status-berlaku" not in html
        assert "/dokumen.pdf" not in html  # no download as if valid
        assert ("tidak berlaku lagi" if lang == "id" else "no longer in force") in html
    assert ("Yang diperiksa" if lang == "id" else "What was checked") in html


def test_the_language_switch_keeps_the_qr_token(client, registry):
    req, _ = registry.issue()
    token = access.token_for(req.public_id)
    html = page_text(client.get(f"/v/{req.public_id}?k={token}"))
    switch = html_lib.unescape(re.search(r'<a href="([^"]+)" data-keep-fragment', html).group(1))
    assert switch == f"?k={token}&lang=en"
    english = page_text(client.get(f"/v/{req.public_id}{switch}"))
    assert HOLDER in english and "Download the signed PDF" in english  # still the QR's full view
    for path in ("/v/?lang=id", "/v/registri?q=abcd&lang=id", "/v/offline?lang=id"):
        html = page_text(client.get(path))
        switch = html_lib.unescape(re.search(r'<a href="([^"]+)" data-keep-fragment', html).group(1))
        assert switch.endswith("lang=en") and "English" in html
        assert 'lang="en"' in page_text(client.get(path.split("?")[0] + switch))


# --- registry ----------------------------------------------------------------------------------------

def test_registry_finds_sk_numbers_and_lsp_licences_without_personal_data(client, registry):
    sk, _ = registry.issue(doc_type="sk", number="KEP.1234/BNSP/XI/2026", registration=None,
                           holder=HOLDER, valid_until=None)
    licence, _ = registry.issue(doc_type="licence_certificate", number="BNSP-LSP-0999-ID",
                                registration=None, holder="LSP Energi Nusantara")
    licence.code = "D23c"
    licence.case.flow_code = "LIS"
    _db.session.commit()

    html = page_text(client.get("/v/registri", query_string={"q": "KEP.1234/BNSP/XI/2026"}))
    assert 'data-doc-type="sk"' in html and "Surat Keputusan" in html
    html = page_text(client.get("/v/registri", query_string={"q": "Energi Nusantara", "lang": "en"}))
    assert 'data-doc-type="licence"' in html and "LSP Energi Nusantara" in html
    assert "BNSP-LSP-0999-ID" in html and "Professional Certification Body" in html
    for query in ("KEP.1234/BNSP/XI/2026", CERT_NUMBER, "BNSP-LSP-0999-ID"):
        html = page_text(client.get("/v/registri", query_string={"q": query}))
        assert HOLDER not in html and "Si** Ra" not in html and NIK not in html and "1990" not in html


def test_a_document_the_flow_does_not_publish_shows_no_download_link_even_with_the_qr(client, registry):
    req, _ = registry.issue(doc_type="undangan")
    req.case.flow_code, req.code = "LIS", "D20"  # the members' pleno invitation: internal
    _db.session.commit()
    token = access.token_for(req.public_id)
    html = page_text(client.get(f"/v/{req.public_id}?k={token}"))
    assert "Dokumen ini SAH" in html and "/dokumen.pdf" not in html and "Unduh PDF" not in html
    assert client.get(f"/v/{req.public_id}/dokumen.pdf?k={token}").status_code == 404
