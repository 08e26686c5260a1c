"""Signing through the national TTE remote-signing service (NIK + passphrase).

pyHanko prepares the PDF (visible QR field, signature placeholder) and the CMS signed
attributes; only the SHA-256 digest of those attributes goes to the service, which answers with
a raw RSA signature that we embed. The passphrase lives only in the arguments of one call: it is
never stored, logged or put into an error message.

The HTTP contract (paths below) is documented below and exercised by the test double in `tests/fake_tte.py`.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import enum
import hashlib
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode

from asn1crypto import algos, x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.signing.pades import SignRequest, SigningError, build_pdf_signer, open_for_signing, with_number

log = logging.getLogger(__name__)

CERTIFICATE_PATH = "/api/v2/user/certificate"
SIGN_HASH_PATH = "/api/v2/sign/hash"
# What the service does with the digest we send: RSA PKCS#1 v1.5 over SHA-256.
_MECHANISM = algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"})


class TteFailure(enum.Enum):
    PASSPHRASE = "passphrase"  # the official must re-enter the passphrase
    NIK = "nik"  # the official is not enrolled: administrative fix
    UNAVAILABLE = "unavailable"  # down, timing out or 5xx: try again later
    REJECTED = "rejected"  # the service refused the request for another reason
    INVALID_RESPONSE = "invalid_response"  # an answer we cannot use


_RETRYABLE = (TteFailure.UNAVAILABLE, TteFailure.INVALID_RESPONSE)


class TteError(SigningError):
    """A TTE signing failure with a message the official can read (Bahasa Indonesia).

    A :class:`~portal.signing.pades.SigningError`, so the queue handles every backend alike;
    ``retryable`` is True when the same request may succeed later unchanged.
    """

    def __init__(self, message: str, failure: TteFailure) -> None:
        super().__init__(message, retryable=failure in _RETRYABLE)
        self.failure = failure

    def __reduce__(self):
        return (TteError, (self.message, self.failure))


class TteClient:
    """Minimal JSON client for the TTE service; holds no credentials."""

    def __init__(self, base_url: str, timeout: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def certificate_chain(self, nik: str) -> list[asn1_x509.Certificate]:
        """The official's certificate first, then its issuers."""
        data = self._call("GET", f"{CERTIFICATE_PATH}?{urlencode({'nik': nik})}")
        return _decode_chain(data)

    def sign_hash(self, nik: str, passphrase: str, digest: bytes) -> bytes:
        """Have the service sign a SHA-256 digest; returns the raw PKCS#1 v1.5 signature."""
        data = self._call("POST", SIGN_HASH_PATH, {
            "nik": nik,
            "passphrase": passphrase,
            "hash": base64.b64encode(digest).decode(),
            "hashAlgorithm": "SHA256",
        })
        try:
            return base64.b64decode(data["signature"], validate=True)
        except (KeyError, TypeError, ValueError):
            raise _invalid_response() from None

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.base_url + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            log.warning("TTE %s %s answered HTTP %s", method, path.split("?")[0], exc.code)
            raise _error_for_status(exc.code, _error_text(exc)) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            log.warning("TTE %s %s unreachable: %s", method, path.split("?")[0],
                        type(exc).__name__)
            raise _unreachable(exc, self.timeout) from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise _invalid_response() from None
        if not isinstance(data, dict):
            raise _invalid_response()
        return data


def sign_pdf_with_tte(pdf: bytes, req: SignRequest, client: TteClient, nik: str,
                      passphrase: str, *, timestamper: TimeStamper | None = None,
                      validation_context: ValidationContext | None = None) -> bytes:
    """Sign ``pdf`` for the official ``nik``; returns the signed PDF or raises :class:`TteError`.

    Nothing is returned on failure, so a failed call never leaves a half-signed document.
    """
    chain = client.certificate_chain(nik)
    pdf = with_number(pdf, req)

    async def run() -> bytes:
        try:
            return await _sign(pdf, req, client, nik, passphrase, chain,
                               timestamper, validation_context)
        except SigningError:
            raise
        except TimestampRequestError as exc:
            raise SigningError("Layanan cap waktu (TSA) tidak dapat dihubungi atau menolak "
                               "permintaan; coba lagi nanti.", retryable=True) from exc
        except PyHankoSigningError as exc:
            retry = isinstance(exc.__cause__, (TimestampRequestError, OSError))
            raise SigningError(f"Penandatanganan gagal: {exc}", retryable=retry) from exc
        finally:
            if validation_context is not None:
                await validation_context.aclose()  # HTTP sessions belong to this event loop

    return asyncio.run(run())


async def _sign(pdf: bytes, req: SignRequest, client: TteClient, nik: str, passphrase: str,
                chain: list[asn1_x509.Certificate], timestamper: TimeStamper | None,
                validation_context: ValidationContext | None) -> bytes:
    signing_cert = chain[0]
    # Placeholder of the right size: the service's raw signature for this RSA key.
    ext_signer = ExternalSigner(
        signing_cert, SimpleCertificateStore.from_certs(chain),
        signature_value=signing_cert.public_key.byte_size,
        signature_mechanism=_MECHANISM,
    )
    pdf_signer = build_pdf_signer(ext_signer, req, timestamper=timestamper,
                                  validation_context=validation_context)

    # 1. Prepare: placeholder written, document digest over the /ByteRange computed.
    prep_digest, tbs_document, output = await pdf_signer.async_digest_doc_for_signing(
        open_for_signing(pdf))
    md_algorithm = tbs_document.md_algorithm
    if md_algorithm != "sha256":
        raise TteError("Layanan TTE hanya menerima hash SHA-256.", TteFailure.REJECTED)
    signed_attrs = await ext_signer.signed_attrs(
        prep_digest.document_digest, md_algorithm,
        attr_settings=PdfCMSSignedAttributes(
            signing_time=dt.datetime.now(dt.timezone.utc),
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
        use_pades=tbs_document.use_pades, timestamper=timestamper,
    )
    attrs_digest = hashlib.sha256(signed_attrs.dump()).digest()

    # 2. Interrupt: only the digest of the signed attributes leaves the portal.
    signature = await asyncio.to_thread(client.sign_hash, nik, passphrase, attrs_digest)
    _check_signature(signing_cert, attrs_digest, signature)

    # 3. Resume: assemble the CMS around the returned value and fill the placeholder.
    ext_signer = ExternalSigner(
        signing_cert, SimpleCertificateStore.from_certs(chain), signature_value=signature,
        signature_mechanism=_MECHANISM,
    )
    signature_cms = await ext_signer.async_sign_prescribed_attributes(
        md_algorithm, signed_attrs, timestamper=timestamper)
    await PdfTBSDocument.async_finish_signing(
        output, prep_digest, signature_cms,
        post_sign_instr=tbs_document.post_sign_instructions,
        validation_context=validation_context,
    )
    output.seek(0)
    return output.read()


def _check_signature(cert: asn1_x509.Certificate, digest: bytes, signature: bytes) -> None:
    # A bad value would produce a PDF that every validator rejects: refuse it here instead.
    public_key = x509.load_der_x509_certificate(cert.dump()).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise _invalid_response()
    try:
        public_key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    except InvalidSignature:
        raise _invalid_response() from None


def _decode_chain(data: dict) -> list[asn1_x509.Certificate]:
    try:
        chain = [asn1_x509.Certificate.load(base64.b64decode(item, validate=True))
                 for item in data["certificateChain"]]
        for cert in chain:
            cert.native  # force parsing now, not halfway through signing
    except (KeyError, TypeError, ValueError):
        raise _invalid_response() from None
    if not chain:
        raise _invalid_response()
    return chain


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("error", ""))
    except (ValueError, AttributeError, OSError):
        return ""


def _error_for_status(status: int, text: str) -> TteError:
    if status == 401:
        return TteError("Passphrase salah. Periksa kembali passphrase TTE Anda.",
                        TteFailure.PASSPHRASE)
    if status == 404 and "NIK" in text.upper():
        return TteError("NIK tidak terdaftar pada layanan TTE. Hubungi admin untuk pendaftaran "
                        "sertifikat elektronik.", TteFailure.NIK)
    if status >= 500:
        return TteError(f"Layanan TTE sedang mengalami gangguan (HTTP {status}). "
                        "Dokumen dapat ditandatangani ulang nanti.", TteFailure.UNAVAILABLE)
    detail = f": {text}" if text else ""
    return TteError(f"Permintaan ditolak oleh layanan TTE (HTTP {status}){detail}.",
                    TteFailure.REJECTED)


def _unreachable(exc: BaseException, timeout: float) -> TteError:
    reason = getattr(exc, "reason", exc)
    if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
        text = f"Layanan TTE tidak menjawab dalam {timeout:g} detik."
    else:
        text = "Layanan TTE tidak dapat dihubungi."
    return TteError(f"{text} Dokumen dapat ditandatangani ulang nanti.", TteFailure.UNAVAILABLE)


def _invalid_response() -> TteError:
    return TteError("Jawaban layanan TTE tidak valid. Dokumen dapat ditandatangani ulang nanti.",
                    TteFailure.INVALID_RESPONSE)
