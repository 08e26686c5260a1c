"""Checking signed PDFs: is the signature intact, from a trusted signer, timestamped, and was
the document changed after signing? Problems are reported in Indonesian for staff and the public
verification page. ``pdfsig_report`` gives poppler's independent opinion for comparison."""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from portal.signing.pades import LEVEL_B_B, LEVEL_B_LT, LEVEL_B_T, as_asn1_cert

MSG_NOT_PDF = "Berkas bukan dokumen PDF."
MSG_BROKEN = "Dokumen PDF rusak atau tidak dapat dibaca."
MSG_ENCRYPTED = "Dokumen PDF terenkripsi sehingga tanda tangannya tidak dapat diperiksa."
MSG_UNSIGNED = "Dokumen tidak memiliki tanda tangan elektronik."
MSG_NOT_INTACT = "Isi dokumen tidak cocok dengan tanda tangan (dokumen rusak atau diubah)."
MSG_INVALID = "Tanda tangan elektronik tidak sah secara kriptografis."
MSG_UNKNOWN_SIGNER = ("Penanda tangan tidak dikenal: sertifikatnya tidak diterbitkan oleh "
                      "CA tepercaya.")
MSG_REVOKED = "Sertifikat penanda tangan telah dicabut."
MSG_CERT_PROBLEM = "Sertifikat penanda tangan tidak dapat divalidasi ({})."
MSG_BAD_TIMESTAMP = "Cap waktu (timestamp) pada tanda tangan tidak sah atau tidak tepercaya."
MSG_MODIFIED = "Dokumen diubah setelah ditandatangani."
MSG_PARTIAL = "Tanda tangan tidak mencakup seluruh isi dokumen."
MSG_UNCHECKABLE = "Tanda tangan tidak dapat diperiksa ({})."
MSG_TRUNCATED = ("Berkas terpotong: tanda tangan mencakup {signed} bita, tetapi berkas hanya "
                 "{size} bita.")
MSG_APPENDED = "Ada {extra} bita tambahan di belakang bagian berkas yang ditandatangani."
MSG_IMPOSTOR_CA = ("Sertifikat penanda tangan diterbitkan oleh CA yang memakai nama CA tepercaya "
                   "({name}) tetapi bukan CA tersebut (kuncinya berbeda): tidak tepercaya.")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_EOF_TAIL = re.compile(rb"%%EOF\s*$")

# Updates after signing that do not change what the signer saw: DSS / document timestamps.
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


@dataclass
class SignatureCheck:
    field_name: str
    signer_name: str | None = None
    signing_time: datetime | None = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    timestamp_valid: bool | None = None  # None: no signature timestamp present
    coverage: str | None = None  # pyHanko SignatureCoverageLevel name
    modification_level: str | None = None  # pyHanko ModificationLevel name
    docmdp_ok: bool | None = None
    modified_after_signing: bool = False
    level: str = LEVEL_B_B
    problems: list[str] = field(default_factory=list)
    # What the certificate says, for a verifier's report (see portal/verification/checks.py).
    issuer_name: str | None = None
    impostor_issuer: bool = False  # the issuer copies a trusted root's name, not its key
    cert_not_before: datetime | None = None
    cert_not_after: datetime | None = None
    revocation_checked: bool = False  # OCSP/CRL data embedded and used
    timestamp_authority: str | None = None


@dataclass
class ValidationReport:
    """Summary of all signatures of one PDF (the Ketua's signature is normally the only one)."""

    readable: bool = True
    signed: bool = False
    intact: bool = False
    trusted: bool = False
    signer_name: str | None = None
    signing_time: datetime | None = None
    timestamp_valid: bool | None = None
    level: str | None = None
    modified_after_signing: bool = False
    docmdp_ok: bool | None = None
    coverage: str | None = None
    problems: list[str] = field(default_factory=list)
    signatures: list[SignatureCheck] = field(default_factory=list)
    truncated: bool = False  # the file ends before the signed byte range does
    signed_bytes: int = 0  # end of the last signature's byte range
    size: int = 0
    appended_bytes: int = 0  # bytes after the signed range that are not a later revision
    later_revisions: int = 0  # incremental updates saved after the last signature

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and not self.problems

    @property
    def first(self) -> SignatureCheck | None:
        return self.signatures[0] if self.signatures else None


def validate_signed_pdf(pdf: bytes, trust_roots: list) -> ValidationReport:
    """Validate every signature in ``pdf`` against ``trust_roots`` (asn1crypto or
    ``cryptography`` certificates, or PEM/DER bytes). Never raises for bad input: unreadable,
    encrypted or non-PDF data gives ``readable=False`` with the reason in ``problems``."""
    if not isinstance(pdf, (bytes, bytearray)) or b"%PDF-" not in bytes(pdf[:1024]):
        return ValidationReport(readable=False, problems=[MSG_NOT_PDF])
    pdf = bytes(pdf)
    signed_end = max((int(m[2]) + int(m[3]) for m in _BYTE_RANGE.findall(pdf)), default=0)
    if signed_end > len(pdf):
        return ValidationReport(readable=False, truncated=True, signed_bytes=signed_end,
                                size=len(pdf), problems=[MSG_TRUNCATED.format(
                                    signed=signed_end, size=len(pdf))])
    report = _validate_parsed(pdf, trust_roots)
    report.signed_bytes, report.size = signed_end, len(pdf)
    if (not report.readable and report.problems == [MSG_BROKEN] and 0 < signed_end < len(pdf)
            and _EOF_TAIL.search(pdf, max(0, signed_end - 64), signed_end)):
        # Junk after %%EOF can hide the cross-reference table from the parser: check the
        # signed part alone and say what was added.
        report = _validate_parsed(pdf[:signed_end], trust_roots)
        report.signed_bytes, report.size = signed_end, len(pdf)
        report.appended_bytes = len(pdf) - signed_end
    elif report.signed and report.later_revisions == 0 and 0 < signed_end < len(pdf):
        report.appended_bytes = len(pdf) - signed_end
    if report.appended_bytes:
        report.problems.append(MSG_APPENDED.format(extra=report.appended_bytes))
    return report


def _validate_parsed(pdf: bytes, trust_roots: list) -> ValidationReport:
    try:
        reader = PdfFileReader(BytesIO(bytes(pdf)), strict=False)
        if reader.encrypted:
            return ValidationReport(readable=False, problems=[MSG_ENCRYPTED])
        embedded = list(reader.embedded_regular_signatures)
        doc_timestamps = list(reader.embedded_timestamp_signatures)
    except Exception:  # noqa: BLE001 - any parser failure means "unreadable", not a crash
        return ValidationReport(readable=False, problems=[MSG_BROKEN])
    if not embedded:
        return ValidationReport(signed=False, problems=[MSG_UNSIGNED])

    roots = [as_asn1_cert(c) for c in trust_roots]
    has_revinfo = _dss_has_revinfo(reader)
    checks = asyncio.run(_check_all(reader, embedded, roots))
    try:
        later = reader.xrefs.total_revisions - 1 - embedded[-1].signed_revision
    except Exception:  # noqa: BLE001
        later = 0
    last_revision = max((ts.signed_revision for ts in doc_timestamps), default=-1)
    for position, check in enumerate(checks):
        later_signature = position < len(checks) - 1
        if check.modification_level == ModificationLevel.FORM_FILLING.name and later_signature:
            # Another signature added after this one is the expected kind of form filling.
            check.modified_after_signing = False
        if check.modified_after_signing:
            check.problems.append(MSG_MODIFIED)
        check.revocation_checked = has_revinfo
        _describe_certificate(check, embedded[position], roots)
        if check.timestamp_valid is not None:
            check.level = LEVEL_B_LT if has_revinfo else LEVEL_B_T
            if has_revinfo and last_revision > embedded[position].signed_revision:
                check.level = "B-LTA"
    report = _summarise(checks)
    report.later_revisions = max(0, later)
    return report


def _describe_certificate(check: SignatureCheck, sig: EmbeddedPdfSignature, roots: list) -> None:
    """Issuer, validity window and timestamp authority, and whether the issuer only copies the
    name of a trusted root (a self-made CA with the same subject as the BNSP root)."""
    try:
        cert = sig.signer_cert
        issuer = cert.issuer
        names = issuer.native
        check.issuer_name = names.get("common_name") or names.get("organization_name")
        check.cert_not_before = cert.not_valid_before
        check.cert_not_after = cert.not_valid_after
        if not check.trusted:
            check.impostor_issuer = any(
                root.subject == issuer and not _issued_by(cert, root) for root in roots)
            if check.impostor_issuer:
                message = MSG_IMPOSTOR_CA.format(name=check.issuer_name)
                check.problems = [message] + [
                    p for p in check.problems if p != MSG_UNKNOWN_SIGNER
                    and not p.startswith(MSG_CERT_PROBLEM.split("(")[0])]
    except Exception:  # noqa: BLE001 - details are a courtesy; the verdict stands without them
        return


def _issued_by(cert, root) -> bool:
    from cryptography import x509 as cx509

    try:
        child = cx509.load_der_x509_certificate(cert.dump())
        child.verify_directly_issued_by(cx509.load_der_x509_certificate(root.dump()))
        return True
    except Exception:  # noqa: BLE001 - a wrong key, algorithm or name: not issued by it
        return False


async def _check_all(reader, embedded, roots) -> list[SignatureCheck]:
    # Offline on purpose: B-LT documents carry their own revocation data in the DSS.
    context_kwargs = {"trust_roots": roots, "allow_fetching": False}
    try:
        vc = DocumentSecurityStore.read_dss(reader).as_validation_context(context_kwargs)
    except Exception:  # noqa: BLE001 - no (or unusable) DSS: validate without it
        vc = ValidationContext(**context_kwargs)
    try:
        return [await _check_one(sig, vc) for sig in embedded]
    finally:
        await vc.aclose()


async def _check_one(sig: EmbeddedPdfSignature, vc: ValidationContext) -> SignatureCheck:
    check = SignatureCheck(field_name=sig.field_name)
    try:
        check.signer_name = sig.signer_cert.subject.native.get("common_name")
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=vc,
            # Accept either usage: national CAs issue signing certs with one or the other.
            key_usage_settings=KeyUsageConstraints(
                key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False))
    except Exception as exc:  # noqa: BLE001 - report, never crash the verification page
        check.problems.append(MSG_UNCHECKABLE.format(type(exc).__name__))
        check.modified_after_signing = True
        return check
    check.intact, check.valid = status.intact, status.valid
    check.trusted, check.revoked = status.trusted, status.revoked
    ts = status.timestamp_validity
    if ts is not None:
        check.timestamp_valid = bool(ts.intact and ts.valid and ts.trusted)
        check.signing_time = ts.timestamp
        tsa = getattr(ts, "signing_cert", None)
        check.timestamp_authority = tsa.subject.native.get("common_name") if tsa is not None else None
    else:
        check.signing_time = status.signer_reported_dt
    check.coverage = status.coverage.name if status.coverage is not None else None
    level = status.modification_level
    check.modification_level = level.name if level is not None else None
    check.docmdp_ok = status.docmdp_ok
    check.modified_after_signing = (
        status.coverage != SignatureCoverageLevel.ENTIRE_FILE
        and (level is None or level not in _HARMLESS)
    )
    if not check.intact:
        check.problems.append(MSG_NOT_INTACT)
    elif not check.valid:
        check.problems.append(MSG_INVALID)
    if check.revoked:
        check.problems.append(MSG_REVOKED)
    elif check.intact and check.valid and not check.trusted:
        indic = status.trust_problem_indic
        if status.validation_path is None or (indic is not None and indic.name in (
                "NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_CONSTRAINTS_FAILURE")):
            check.problems.append(MSG_UNKNOWN_SIGNER)
        else:
            check.problems.append(MSG_CERT_PROBLEM.format(indic.name if indic else "?"))
    if check.timestamp_valid is False:
        check.problems.append(MSG_BAD_TIMESTAMP)
    if status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        check.problems.append(MSG_PARTIAL)
    return check


def _dss_has_revinfo(reader: PdfFileReader) -> bool:
    try:
        dss = reader.root["/DSS"]
    except KeyError:
        return False
    return any(len(dss.get(k, ())) > 0 for k in ("/OCSPs", "/CRLs"))


def _summarise(checks: list[SignatureCheck]) -> ValidationReport:
    first = checks[0]
    problems: list[str] = []
    for check in checks:
        problems.extend(p for p in check.problems if p not in problems)
    ts_values = [c.timestamp_valid for c in checks if c.timestamp_valid is not None]
    docmdp = [c.docmdp_ok for c in checks if c.docmdp_ok is not None]
    return ValidationReport(
        signed=True,
        intact=all(c.intact and c.valid for c in checks),
        trusted=all(c.trusted for c in checks),
        signer_name=first.signer_name,
        signing_time=first.signing_time,
        timestamp_valid=all(ts_values) if ts_values else None,
        level=first.level,
        modified_after_signing=any(c.modified_after_signing for c in checks),
        docmdp_ok=all(docmdp) if docmdp else None,
        coverage=checks[-1].coverage,
        problems=problems,
        signatures=checks,
    )


# --- poppler's pdfsig ----------------------------------------------------------------------

_SIG_HEADER = re.compile(r"^Signature #(\d+):", re.M)


def pdfsig_report(path: str | Path, *, check_certificates: bool = False,
                  timeout: float = 30) -> dict:
    """Run poppler's ``pdfsig`` on ``path`` and parse what it says about each signature.

    Returns ``{"signatures": [{"field", "signer", "valid", "validation", "certificate",
    "whole_file"}...], "valid": bool, "whole_file": bool, "output": str}``; "valid" and
    "whole_file" are False when there is no signature. Never goes online (``-no-ocsp``).
    """
    exe = shutil.which("pdfsig")
    if exe is None:
        raise RuntimeError("pdfsig (poppler-utils) tidak terpasang")
    cmd = [exe, "-no-ocsp"]
    if not check_certificates:
        cmd.append("-nocert")
    proc = subprocess.run([*cmd, str(path)], capture_output=True, text=True, timeout=timeout,
                          check=False)
    output = proc.stdout + proc.stderr
    signatures = []
    blocks = _SIG_HEADER.split(output)[1:]
    for _number, block in zip(blocks[::2], blocks[1::2], strict=True):
        fields_ = dict(re.findall(r"^\s*- ([^:\n]+): (.*)$", block, re.M))
        validation = fields_.get("Signature Validation", "")
        signatures.append({
            "field": fields_.get("Signature Field Name"),
            "signer": fields_.get("Signer Certificate Common Name"),
            "validation": validation,
            "valid": validation.strip() == "Signature is Valid.",
            "certificate": fields_.get("Certificate Validation"),
            "whole_file": bool(re.search(r"^\s*- Total document signed\s*$", block, re.M)),
        })
    return {
        "signatures": signatures,
        "valid": bool(signatures) and all(s["valid"] for s in signatures),
        "whole_file": bool(signatures) and all(s["whole_file"] for s in signatures),
        "output": output,
    }
