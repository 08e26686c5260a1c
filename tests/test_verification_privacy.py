"""Public privacy of the registry: the full signed PDF and the unmasked name only for whoever
holds the document's QR (its secret ?k= token), the revocation category instead of the internal
reason, and a registry search that cannot list holders."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from portal.extensions import db as _db
from portal.signing.runner import verify_url
from portal.verification import services
from tests.test_verification import (  # noqa: F401  (fixtures)
    CERT_NUMBER, HOLDER, REG_NUMBER, certificate_pdf, page_text, pki, registry, signer, trusted,
)


def _qr(req) -> tuple[str, str]:
    url = urlsplit(verify_url(req))
    return url.path, parse_qs(url.query)["k"][0]


def test_walking_ids_gives_neither_the_pdf_nor_the_name(client, registry):
    req, _signed = registry.issue()
    path, token = _qr(req)
    assert client.get(f"{path}/dokumen.pdf").status_code == 404
    assert client.get(f"{path}/dokumen.pdf", query_string={"k": "A" * len(token)}).status_code == 404
    other, _ = registry.issue(number="NOMOR-LAIN-1")
    # The token of one document opens no other.
    assert client.get(f"/v/{other.public_id}/dokumen.pdf", query_string={"k": token}).status_code == 404
    html = page_text(client.get(path))
    assert HOLDER not in html and "dokumen.pdf" not in html


def test_the_qr_holder_sees_the_full_name_and_downloads_the_pdf(client, registry):
    req, signed = registry.issue()
    path, token = _qr(req)
    response = client.get(path, query_string={"k": token})
    html = page_text(response)
    assert HOLDER in html and f"dokumen.pdf?k={token}" in html
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    pdf = client.get(f"{path}/dokumen.pdf", query_string={"k": token})
    assert pdf.status_code == 200 and pdf.data == signed


def test_public_sees_the_revocation_category_not_the_reason(client, registry):
    req, _ = registry.issue()
    services.revoke(req, reason="Pemegang memalsukan portofolio asesmen", reference="KEP.9/BNSP/I/2027",
                    category="pelanggaran", actor=registry.ketua)
    _db.session.commit()
    path, token = _qr(req)
    pages = [client.get(path), client.get(path, query_string={"k": token}),
             client.get("/v/registri", query_string={"q": CERT_NUMBER})]
    for page in pages:
        html = page_text(page)
        assert "memalsukan" not in html
        assert "Pelanggaran ketentuan sertifikasi atau lisensi" in html and "KEP.9/BNSP/I/2027" in html


def test_registry_search_confirms_a_name_but_never_lists_it(client, registry):
    req, _ = registry.issue()
    listed = page_text(client.get("/v/registri", query_string={"q": REG_NUMBER}))
    assert "Si** Ra" not in listed and HOLDER not in listed and req.public_id not in listed
    right = page_text(client.get("/v/registri", query_string={"q": REG_NUMBER, "nama": "siti  rahmawati lubis"}))
    assert 'data-name-match="ya"' in right
    wrong = page_text(client.get("/v/registri", query_string={"q": REG_NUMBER, "nama": "Budi Santoso"}))
    assert 'data-name-match="tidak"' in wrong and HOLDER not in wrong
