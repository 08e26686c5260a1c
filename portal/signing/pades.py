"""PAdES signing core: one visible signature with a QR stamp, at level B-B, B-T or B-LT.

Every signing path (PKCS#12 here, PKCS#11 and the remote TTE service elsewhere) builds its
pyHanko ``PdfSigner`` through :func:`build_pdf_signer`, so documents look and validate alike.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import weakref
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from asn1crypto import cms, pem, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from portal.signing.stamp import STAMP_TEXT, BnspQRStampStyle  # noqa: F401 (STAMP_TEXT: bench)

REASON = "Ditandatangani secara elektronik oleh Ketua BNSP"
LOCATION = "Jakarta"
DEFAULT_FIELD = "TTE_Ketua_BNSP"
# Bottom right of an A4 page, in PDF points (x1, y1, x2, y2).
DEFAULT_BOX = (300.0, 40.0, 560.0, 130.0)
MD_ALGORITHM = "sha256"
LEVEL_B_B, LEVEL_B_T, LEVEL_B_LT = "B-B", "B-T", "B-LT"

class SigningError(Exception):
    """A document could not be signed. ``retryable``: trying again later may succeed
    (e.g. the timestamp service was unreachable); otherwise the input or key is at fault."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable

    def __reduce__(self):
        # Keeps ``retryable`` when the error crosses a process boundary (batch workers).
        return (_rebuild_signing_error, (self.message, self.retryable))


def _rebuild_signing_error(message: str, retryable: bool) -> "SigningError":
    return SigningError(message, retryable=retryable)


@dataclass(frozen=True)
class SignRequest:
    """Where and how one document gets the Ketua's visible signature."""

    verify_url: str
    signer_name: str = "Ketua BNSP"
    field_name: str = DEFAULT_FIELD
    page_index: int = -1  # negative counts from the end: -1 is the last page
    box: tuple[float, float, float, float] = DEFAULT_BOX
    reason: str = REASON
    location: str = LOCATION
    # The official number, written over the draft's placeholders (portal.signing.number_text) by
    # whichever process signs it, just before the signature seals it.
    number: str | None = None
    number_boxes: tuple | None = None


def with_number(pdf: bytes, req: SignRequest) -> bytes:
    """The draft with its official number written in, when it has placeholders for one."""
    if not (req.number and req.number_boxes):
        return pdf
    from portal.signing.number_text import write_number

    try:
        return write_number(pdf, list(req.number_boxes), req.number)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"Nomor tidak dapat dituliskan pada dokumen: {exc}"[:500]) from exc


def write_number_for(writer: IncrementalPdfFileWriter, req: SignRequest) -> None:
    """:func:`with_number` into the update the signature is about to seal."""
    if not (req.number and req.number_boxes):
        return
    from portal.signing.number_text import write_number_into

    try:
        write_number_into(writer, list(req.number_boxes), req.number)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(f"Nomor tidak dapat dituliskan pada dokumen: {exc}"[:500]) from exc


@dataclass(frozen=True)
class SignOutcome:
    data: bytes
    level: str  # "B-B" | "B-T" | "B-LT"
    sha256: str


def build_pdf_signer(signer: Signer, req: SignRequest, *,
                     timestamper: TimeStamper | None = None,
                     validation_context: ValidationContext | None = None) -> signers.PdfSigner:
    """A pyHanko ``PdfSigner`` for one PAdES signature with the BNSP QR stamp at ``req.box``.

    With a ``validation_context`` (which requires a ``timestamper``) revocation data is
    embedded in the DSS, giving PAdES B-LT.
    """
    if validation_context is not None and timestamper is None:
        raise ValueError("B-LT needs a timestamper as well as a validation context")
    meta = signers.PdfSignatureMetadata(
        field_name=req.field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=MD_ALGORITHM,
        reason=req.reason,
        location=req.location,
        name=req.signer_name,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        use_pades_lta=False,
    )
    return signers.PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=BnspQRStampStyle(verify_url=req.verify_url),
        new_field_spec=fields.SigFieldSpec(
            req.field_name, on_page=req.page_index, box=tuple(req.box)),
    )


# --- Signing ------------------------------------------------------------------------------

def open_for_signing(pdf: bytes) -> IncrementalPdfFileWriter:
    """Parse ``pdf`` for an incremental update, or raise a SigningError saying why not."""
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningError("Berkas bukan dokumen PDF.")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SigningError(f"Dokumen PDF rusak dan tidak dapat ditandatangani ({exc}).") from exc
    if writer.security_handler is not None:
        raise SigningError("Dokumen PDF terenkripsi; kirim versi tanpa kata sandi.")
    return writer


# signer -> {timestamper identity -> bytes}; weak so per-batch signers (PKCS#11) are not kept.
_reserve_cache: "weakref.WeakKeyDictionary[Signer, dict[object, int]]" = weakref.WeakKeyDictionary()


async def signature_reserve(signer: Signer, timestamper: TimeStamper | None = None) -> int:
    """Bytes to reserve for the CMS blob (hex-encoded), computed once per signer and TSA.

    Reserving up front spares pyHanko a dry-run signature (and, with a TSA, a round trip) per
    document. B-LT keeps pyHanko's own estimate because revocation data sizes vary.
    """
    per_signer = _reserve_cache.setdefault(signer, {})
    ts_key = getattr(timestamper, "url", None) or id(timestamper)
    cached = per_signer.get(ts_key)
    if cached is None:
        probe = await signer.async_sign(
            hashlib.sha256(b"").digest(), MD_ALGORITHM, dry_run=True, use_pades=True,
            timestamper=timestamper, signed_attr_settings=PdfCMSSignedAttributes())
        hex_len = 2 * len(probe.dump())
        # Margin for TSA tokens whose size varies between responses (serial numbers, nonces).
        cached = hex_len + (hex_len // 4 if timestamper else 64)
        cached += cached % 2
        per_signer[ts_key] = cached
    return cached


async def async_sign_pdf(pdf: bytes, signer: Signer, req: SignRequest, *,
                         timestamper: TimeStamper | None = None,
                         validation_context: ValidationContext | None = None) -> SignOutcome:
    writer = open_for_signing(pdf)
    write_number_for(writer, req)
    pdf_signer = build_pdf_signer(signer, req, timestamper=timestamper,
                                  validation_context=validation_context)
    try:
        reserve = None if validation_context else await signature_reserve(signer, timestamper)
        out = await pdf_signer.async_sign_pdf(writer, bytes_reserved=reserve)
    except SigningError:
        raise
    except TimestampRequestError as exc:
        raise SigningError("Layanan cap waktu (TSA) tidak dapat dihubungi atau menolak "
                           "permintaan; coba lagi nanti.", retryable=True) from exc
    except (PathBuildingError, PathValidationError) as exc:
        raise SigningError("Sertifikat penanda tangan tidak dapat divalidasi ke CA "
                           "tepercaya.") from exc
    except PyHankoSigningError as exc:
        # pyHanko reports a failed timestamp fetch during pre-sign validation this way too.
        retry = isinstance(exc.__cause__, (TimestampRequestError, OSError))
        raise SigningError(f"Penandatanganan gagal: {exc}", retryable=retry) from exc
    except OSError as exc:
        raise SigningError(f"Kesalahan jaringan saat menandatangani: {exc}",
                           retryable=True) from exc
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SigningError(f"Dokumen tidak dapat ditandatangani: {exc}") from exc
    data = out.getvalue()
    if timestamper is None:
        level = LEVEL_B_B
    elif validation_context is None:
        level = LEVEL_B_T
    else:
        level = LEVEL_B_LT if dss_has_revocation_info(data) else LEVEL_B_T
    return SignOutcome(data, level, hashlib.sha256(data).hexdigest())


def sign_pdf(pdf: bytes, signer: Signer, req: SignRequest, *,
             timestamper: TimeStamper | None = None,
             validation_context: ValidationContext | None = None) -> SignOutcome:
    """Sign ``pdf``: B-T with a timestamper, B-LT when revocation data also got embedded
    (needs a validation context that may fetch OCSP/CRLs), else B-B.

    Raises :class:`SigningError` (``retryable=True`` when the TSA or network failed).
    """
    async def run() -> SignOutcome:
        try:
            return await async_sign_pdf(pdf, signer, req, timestamper=timestamper,
                                        validation_context=validation_context)
        finally:
            # Close the HTTP sessions the context opened for OCSP/CRL fetching in this loop.
            if validation_context is not None:
                await validation_context.aclose()

    return asyncio.run(run())


def dss_has_revocation_info(pdf: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    root = PdfFileReader(BytesIO(pdf)).root
    if "/DSS" not in root:
        return False
    dss = root["/DSS"]
    return any(len(dss.get(k, ())) > 0 for k in ("/OCSPs", "/CRLs"))


def as_asn1_cert(cert) -> x509.Certificate:
    """Accept an asn1crypto or ``cryptography`` certificate, or PEM/DER bytes."""
    if isinstance(cert, x509.Certificate):
        return cert
    if isinstance(cert, (bytes, bytearray)):
        data = bytes(cert)
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        return x509.Certificate.load(data)
    if hasattr(cert, "public_bytes"):  # cryptography.x509.Certificate
        return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    raise TypeError(f"not a certificate: {type(cert).__name__}")


def lt_validation_context(trust_roots, *, other_certs=()) -> ValidationContext:
    """Validation context for B-LT signing: may fetch OCSP/CRLs named in the certificates.

    Soft-fail: an unreachable responder does not stop signing; the result is then only B-T.
    """
    return ValidationContext(trust_roots=[as_asn1_cert(c) for c in trust_roots],
                             other_certs=[as_asn1_cert(c) for c in other_certs],
                             allow_fetching=True, revocation_mode="soft-fail")


# --- PKCS#12 key in memory ------------------------------------------------------------------

class Pkcs12Signer(signers.SimpleSigner):
    """``SimpleSigner`` that keeps the parsed private key and reuses a CMS template.

    pyHanko's SimpleSigner re-parses the private key on every signature (~30 ms for RSA-2048).
    For plain PAdES B-B with RSA PKCS#1 v1.5 the CMS is the same for every document except the
    message digest and the signature, so it is built once by pyHanko and only those two byte
    ranges are replaced; the result is byte-identical to what pyHanko would produce.
    """

    def __init__(self, base: signers.SimpleSigner):
        super().__init__(signing_cert=base.signing_cert, signing_key=base.signing_key,
                         cert_registry=base.cert_registry)
        self._key = serialization.load_der_private_key(base.signing_key.dump(), password=None)
        self._templates: dict[str, _CmsTemplate | None] = {}

    def _is_rsa_pkcs1(self, digest_algorithm: str) -> bool:
        mech = self.get_signature_mechanism_for_digest(digest_algorithm)
        return isinstance(self._key, RSAPrivateKey) and mech.signature_algo == "rsassa_pkcs1v15"

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self._is_rsa_pkcs1(digest_algorithm):
            return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run and self._is_rsa_pkcs1(digest_algorithm):
            # Size estimation only needs the length, which is the modulus size.
            return bytes(self._key.key_size // 8)
        return self.sign_raw(data, digest_algorithm)

    async def async_sign(self, data_digest: bytes, digest_algorithm: str, dry_run=False,
                         use_pades=False, timestamper=None, signed_attr_settings=None,
                         is_pdf_sig=True, encap_content_info=None) -> cms.ContentInfo:
        plain = (use_pades and not dry_run and timestamper is None and is_pdf_sig
                 and encap_content_info is None and self.unsigned_attr_prov_spec is None
                 and not self.attribute_certs
                 and (signed_attr_settings is None
                      or (signed_attr_settings.adobe_revinfo_attr is None
                          and signed_attr_settings.cades_signed_attrs is None)))
        if plain:
            template = await self._template(digest_algorithm)
            if template is not None:
                return template.fill(data_digest, self.sign_raw)
        return await super().async_sign(
            data_digest, digest_algorithm, dry_run=dry_run, use_pades=use_pades,
            timestamper=timestamper, signed_attr_settings=signed_attr_settings,
            is_pdf_sig=is_pdf_sig, encap_content_info=encap_content_info)

    async def _template(self, digest_algorithm: str) -> "_CmsTemplate | None":
        if digest_algorithm not in self._templates:
            template = None
            if self._is_rsa_pkcs1(digest_algorithm):
                template = await _CmsTemplate.build(self, digest_algorithm)
            self._templates[digest_algorithm] = template
        return self._templates[digest_algorithm]


@dataclass(frozen=True)
class _CmsTemplate:
    digest_algorithm: str
    der: bytes = field(repr=False)
    attrs: bytes = field(repr=False)  # DER of the signed attributes as signed (SET OF, tag 0x31)
    digest_in_der: int
    digest_in_attrs: int
    digest_len: int
    sig_in_der: int
    sig_len: int

    @classmethod
    async def build(cls, signer: Pkcs12Signer, digest_algorithm: str) -> "_CmsTemplate | None":
        marker = os.urandom(hashlib.new(digest_algorithm).digest_size)
        base = super(Pkcs12Signer, signer)
        ci = await base.async_sign(marker, digest_algorithm, use_pades=True,
                                   signed_attr_settings=PdfCMSSignedAttributes())
        der = ci.dump()
        info = ci["content"]["signer_infos"][0]
        signature = info["signature"].native
        attrs_tagged = info["signed_attrs"].dump()
        attrs = b"\x31" + attrs_tagged[1:]
        if der.count(marker) != 1 or der.count(signature) != 1 or attrs.count(marker) != 1:
            return None
        template = cls(digest_algorithm, der, attrs, der.index(marker), attrs.index(marker),
                       len(marker), der.index(signature), len(signature))
        # Self-check: the template must reproduce pyHanko's output exactly.
        if template.fill(marker, signer.sign_raw).dump() != der:
            return None
        try:
            signer._key.public_key().verify(signature, attrs, PKCS1v15(),
                                            get_pyca_cryptography_hash(digest_algorithm))
        except InvalidSignature:
            return None
        return template

    def fill(self, digest: bytes, sign_raw) -> cms.ContentInfo:
        if len(digest) != self.digest_len:
            raise ValueError("digest length does not match the template")
        a = self.digest_in_attrs
        attrs = self.attrs[:a] + digest + self.attrs[a + self.digest_len:]
        signature = sign_raw(attrs, self.digest_algorithm)
        if len(signature) != self.sig_len:
            raise ValueError("signature length does not match the template")
        d, s = self.digest_in_der, self.sig_in_der
        der = (self.der[:d] + digest + self.der[d + self.digest_len:s] + signature
               + self.der[s + self.sig_len:])
        return cms.ContentInfo.load(der)


_signer_cache: dict[tuple[str, int, bytes], Pkcs12Signer] = {}
_signer_lock = threading.Lock()


def load_pkcs12_signer(path: str | Path, passphrase: bytes | str) -> Pkcs12Signer:
    """Load the PKCS#12 key once per process (keyed by file, mtime and a passphrase hash).

    The passphrase is only held in memory by the caller; it is neither stored nor logged.
    """
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    real = os.path.realpath(path)
    try:
        mtime = os.stat(real).st_mtime_ns
    except OSError as exc:
        raise SigningError(f"Berkas kunci PKCS#12 tidak ditemukan: {path}") from exc
    key = (real, mtime, hashlib.sha256(passphrase).digest())
    with _signer_lock:
        signer = _signer_cache.get(key)
        if signer is None:
            with open(real, "rb") as fh:
                data = fh.read()
            try:
                base = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=passphrase)
            except ValueError:
                # Deliberately no detail: the message must not echo anything about the secret.
                raise SigningError("Berkas PKCS#12 tidak dapat dibuka: passphrase salah atau "
                                   "berkas rusak.") from None
            signer = Pkcs12Signer(base)
            _signer_cache[key] = signer
        return signer
