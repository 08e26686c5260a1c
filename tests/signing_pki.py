"""A throw-away PKI for signing tests: root CA, signer, TSA and OCSP responder on 127.0.0.1.

Usage (see tests/test_pades.py)::

    with running_test_pki(tmp_path) as pki:
        signer = load_pkcs12_signer(pki.p12_path, pki.passphrase)
        ts = HTTPTimeStamper(pki.tsa_url)
        ...

The TSA and OCSP responses are produced by certomancer's service classes and served by a
``wsgiref`` server in a daemon thread on a free port; the signer and TSA certificates carry an
AIA OCSP URL pointing at it, so B-LT signing fetches real OCSP responses. Nothing leaves the
machine. ``pki.revoke(cert)`` makes the responder answer "revoked" for that certificate.
"""
from __future__ import annotations

import contextlib
import threading
from socketserver import ThreadingMixIn
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asn1crypto import keys, ocsp, tsp, x509
from certomancer.services import RevocationInfoInterface, SimpleOCSPResponder, TimeStamper
from certomancer.services import choose_signed_digest
from cryptography.hazmat.primitives import serialization

from portal.signing.devpki import Issued, issue_cert, make_root_ca, pkcs12_bytes

PASSPHRASE = b"uji-coba-saja"


def _asn1_cert(issued: Issued) -> x509.Certificate:
    return x509.Certificate.load(issued.cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(issued: Issued) -> keys.PrivateKeyInfo:
    return keys.PrivateKeyInfo.load(issued.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


class _Revocations(RevocationInfoInterface):
    def __init__(self, issuer: x509.Certificate):
        self.issuer = issuer
        self.revoked: dict[int, datetime] = {}

    def get_issuer_cert(self) -> x509.Certificate:
        return self.issuer

    def check_revocation_status(self, cid: ocsp.CertId, at_time: datetime):
        serial = cid["serial_number"].native
        when = self.revoked.get(serial)
        if when is not None and when <= at_time:
            return ocsp.CertStatus(name="revoked", value={
                "revocation_time": when, "revocation_reason": "key_compromise"}), []
        return ocsp.CertStatus(name="good", value=None), []


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # batch signing sends several TSA requests at once


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - wsgiref's signature
        pass


@dataclass
class TestPki:
    """Handles to the running test PKI."""

    __test__ = False  # not a pytest test class

    directory: Path
    root: Issued
    signer: Issued
    tsa: Issued
    ocsp_responder: Issued
    base_url: str
    p12_path: Path
    passphrase: bytes = PASSPHRASE
    revocations: _Revocations | None = field(default=None, repr=False)

    @property
    def tsa_url(self) -> str:
        return self.base_url + "/tsa"

    @property
    def ocsp_url(self) -> str:
        return self.base_url + "/ocsp"

    @property
    def root_cert(self) -> x509.Certificate:
        return _asn1_cert(self.root)

    @property
    def root_pem(self) -> bytes:
        return self.root.cert.public_bytes(serialization.Encoding.PEM)

    def revoke(self, issued: Issued) -> None:
        assert self.revocations is not None
        self.revocations.revoked[issued.cert.serial_number] = datetime.now(timezone.utc)


def _make_app(pki: TestPki):
    root_asn1 = pki.root_cert
    timestamper = TimeStamper(tsa_cert=_asn1_cert(pki.tsa), tsa_key=_asn1_key(pki.tsa),
                              certs_to_embed=[root_asn1])
    responder_cert = _asn1_cert(pki.ocsp_responder)
    responder_key = _asn1_key(pki.ocsp_responder)
    sig_algo = choose_signed_digest("sha256", responder_cert.public_key)

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] == "POST" and path == "/tsa":
            resp = timestamper.request_tsa_response(tsp.TimeStampReq.load(body))
            ctype = "application/timestamp-reply"
        elif environ["REQUEST_METHOD"] == "POST" and path == "/ocsp":
            # A fresh responder per request so thisUpdate/producedAt are "now".
            responder = SimpleOCSPResponder(
                responder_cert, responder_key, sig_algo, datetime.now(timezone.utc),
                pki.revocations)
            resp = responder.build_ocsp_response(ocsp.OCSPRequest.load(body))
            ctype = "application/ocsp-response"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        data = resp.dump()
        start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]

    return app


@contextlib.contextmanager
def running_test_pki(directory: str | Path):
    """Create the PKI in ``directory`` and serve TSA + OCSP until the block exits."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    server: WSGIServer = make_server("127.0.0.1", 0, lambda e, s: [],
                                     server_class=_ThreadingWSGIServer,
                                     handler_class=_QuietHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    root = make_root_ca("BNSP Test Root CA")
    signer = issue_cert(root, "Ketua BNSP (TEST)", ocsp_url=base_url + "/ocsp")
    # EC keys: certomancer re-parses the key for every response, which costs ~30 ms for RSA.
    tsa = issue_cert(root, "BNSP Test TSA", purpose="tsa", ocsp_url=base_url + "/ocsp",
                     key_type="ec")
    responder = issue_cert(root, "BNSP Test OCSP", purpose="ocsp", key_type="ec")
    p12_path = directory / "signer.p12"
    p12_path.write_bytes(pkcs12_bytes(signer, [root.cert], PASSPHRASE))
    pki = TestPki(directory, root, signer, tsa, responder, base_url, p12_path)
    pki.revocations = _Revocations(pki.root_cert)
    server.set_app(_make_app(pki))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="test-pki", daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def simple_pdf(title: str = "Surat Keputusan Ketua BNSP", pages: int = 1, *,
               user_password: str | None = None) -> bytes:
    """A small A4 PDF written with pyHanko's own writer (the real templates live in
    portal.documents; these tests only need something signable). With ``user_password`` the
    file is encrypted."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.basic import get_courier
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    writer = PdfFileWriter(stream_xrefs=False)
    font = get_courier(writer)
    for number in range(1, pages + 1):
        resources = generic.DictionaryObject({
            generic.NameObject("/Font"): generic.DictionaryObject({
                generic.NameObject("/F1"): font})})
        content = f"BT /F1 20 Tf 72 760 Td ({title} - halaman {number}) Tj ET".encode()
        stream = writer.add_object(generic.StreamObject(stream_data=content))
        writer.insert_page(PageObject(contents=stream, media_box=(0, 0, 595, 842),
                                      resources=resources))
    if user_password is not None:
        writer.encrypt("pemilik-" + user_password, user_password)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def unused_local_url() -> str:
    """A 127.0.0.1 URL on which nothing listens (for 'TSA down' tests)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"
