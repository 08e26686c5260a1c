"""Upload-to-verify: check an uploaded PDF in memory (never stored) against the BNSP trust root
with pyHanko's modification analysis, and against the registry by SHA-256.

``check_upload(data)`` first refuses bad files with a clear Indonesian message and a 4xx status
(:class:`BadUpload`), then returns an :class:`UploadVerdict` naming exactly what is wrong.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from portal import uploads
from portal.core.errors import UserError
from portal.signing.devpki import ROOT_FILENAME
from portal.signing.validation import (
    MSG_BROKEN, MSG_ENCRYPTED, MSG_NOT_PDF, MSG_UNKNOWN_SIGNER, ValidationReport,
    validate_signed_pdf,
)
from portal.verification import checks
from portal.verification.services import PublicRecord, find_by_sha256

DEFAULT_MAX_BYTES = uploads.DEFAULT_MAX_BYTES
DEFAULT_MAX_INFLATED = uploads.DEFAULT_MAX_INFLATED
_EOF = re.compile(rb"%%EOF")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")

MSG_TOO_BIG = uploads.MSG_TOO_BIG

# Problem codes, most serious first; the page lists each with its explanation.
PROBLEMS = {
    "id": {
        "not_signed": "Dokumen tidak memiliki tanda tangan elektronik, sehingga bukan dokumen "
                      "elektronik yang diterbitkan BNSP.",
        "altered": "Isi dokumen telah DIUBAH setelah ditandatangani: tanda tangan tidak cocok lagi "
                   "dengan isinya.",
        "modified_after_signing": "Dokumen DIUBAH setelah ditandatangani: ada perubahan yang "
                                  "ditambahkan sesudah tanda tangan (pembaruan bertahap).",
        "appended_bytes": "Ada {extra} bita TAMBAHAN di belakang bagian berkas yang ditandatangani: "
                          "berkas ini bukan salinan utuh dokumen bertanda tangan.",
        "impostor_ca": "CA PALSU: sertifikat penanda tangan diterbitkan oleh CA yang memakai nama CA "
                       "BNSP ({issuer}) tetapi bukan CA BNSP. Tanda tangan ini TIDAK tepercaya.",
        "unknown_signer": "Penanda tangan TIDAK DIKENAL: sertifikat tanda tangannya tidak diterbitkan "
                          "oleh CA BNSP yang tepercaya.",
        "cert_revoked": "Sertifikat penanda tangan telah DICABUT.",
        "cert_not_valid": "Sertifikat penanda tangan TIDAK berlaku pada waktu penandatanganan.",
        "bad_signature": "Tanda tangan elektronik tidak sah atau tidak dapat diperiksa.",
        "bad_timestamp": "Cap waktu (timestamp) pada tanda tangan tidak sah.",
        "not_in_registry": "Dokumen TIDAK DITERBITKAN BNSP: sidik jari SHA-256 berkas tidak ada "
                           "dalam registri dokumen BNSP.",
        "revoked": "Dokumen telah DICABUT.",
        "superseded": "Dokumen telah DIGANTIKAN oleh dokumen yang lebih baru.",
        "expired": "Masa berlaku dokumen telah BERAKHIR.",
    },
    "en": {
        "not_signed": "The document carries no electronic signature, so it is not an electronic "
                      "document issued by BNSP.",
        "altered": "The content was CHANGED after signing: the signature no longer matches it.",
        "modified_after_signing": "The document was CHANGED after signing: changes were added after "
                                  "the signature (incremental update).",
        "appended_bytes": "{extra} EXTRA bytes follow the signed part of the file: this file is not "
                          "an intact copy of the signed document.",
        "impostor_ca": "FAKE CA: the signer's certificate was issued by a CA that uses the name of the "
                       "BNSP CA ({issuer}) but is not the BNSP CA. This signature is NOT trusted.",
        "unknown_signer": "UNKNOWN signer: the signing certificate was not issued by the trusted BNSP CA.",
        "cert_revoked": "The signer's certificate has been REVOKED.",
        "cert_not_valid": "The signer's certificate was NOT valid at the signing time.",
        "bad_signature": "The electronic signature is not valid or cannot be checked.",
        "bad_timestamp": "The signature's timestamp is not valid.",
        "not_in_registry": "NOT ISSUED BY BNSP: the file's SHA-256 fingerprint is not in the BNSP "
                           "document registry.",
        "revoked": "The document has been REVOKED.",
        "superseded": "The document has been SUPERSEDED by a newer one.",
        "expired": "The document has EXPIRED.",
    },
}
MSG_TRUNCATED_AT = {
    "id": ("Berkas PDF TERPOTONG: tanda tangan elektronik mencakup {signed} bita, tetapi berkas yang "
           "diunggah hanya {size} bita (kurang {missing} bita). Unduh ulang dokumen aslinya lalu coba "
           "lagi."),
    "en": ("The PDF file is TRUNCATED: the electronic signature covers {signed} bytes, but the "
           "uploaded file has only {size} bytes ({missing} bytes missing). Download the original "
           "again and retry."),
}


class BadUpload(UserError):
    """The file cannot be checked at all; ``status`` is the HTTP status to answer with."""


@dataclass
class UploadVerdict:
    sha256: str
    problems: list[str] = field(default_factory=list)  # codes from PROBLEMS
    record: PublicRecord | None = None
    # The registered document this file was made from (an altered copy of it), if recognised.
    original: PublicRecord | None = None
    facts: dict = field(default_factory=dict)  # checks.facts_of: what the signature check found

    @property
    def valid(self) -> bool:
        return not self.problems and self.record is not None

    def messages(self, lang: str = "id") -> list[str]:
        values = {"extra": _grouped(self.facts.get("appended") or 0, lang),
                  "issuer": self.facts.get("issuer") or ""}
        return [PROBLEMS[lang][code].format(**values) for code in self.problems]

    def rows(self, lang: str = "id") -> list[checks.Row]:
        return checks.rows(self.facts, self.record, self.original, lang)

    def sealed(self, filename: str | None = None) -> str:
        """The result's facts for its address (language switch without a new upload)."""
        return checks.seal({"f": self.facts, "o": self.original.public_id if self.original else None,
                            "n": (filename or "")[:200] or None})


def _grouped(number: int, lang: str) -> str:
    text = f"{number:,}"
    return text.replace(",", ".") if lang == "id" else text


# --- trust roots -----------------------------------------------------------------------------

_roots_cache: dict[tuple, list[bytes]] = {}


def trust_root_paths() -> list[Path]:
    """``SIGNING_TRUST_ROOTS`` (list of PEM paths, or one string separated by os.pathsep), else
    ``SIGNING_ROOT_CERT_PATH``, else the dev root that ``flask setup-signing`` made in SIGNING_DIR."""
    configured = current_app.config.get("SIGNING_TRUST_ROOTS")
    if isinstance(configured, str):
        configured = [p for p in configured.split(os.pathsep) if p]
    if configured:
        return [Path(p) for p in configured]
    single = current_app.config.get("SIGNING_ROOT_CERT_PATH")
    if single:
        return [Path(single)]
    directory = current_app.config.get("SIGNING_DIR") or Path(current_app.instance_path) / "signing"
    return [Path(directory) / ROOT_FILENAME]


def trust_roots() -> list[bytes]:
    paths = [p for p in trust_root_paths() if p.is_file()]
    key = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    roots = _roots_cache.get(key)
    if roots is None:
        roots = []
        for path in paths:
            # A bundle may hold several certificates.
            roots += [m.group(0) for m in re.finditer(
                rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", path.read_bytes(), re.S)]
        if not roots:
            current_app.logger.warning("verification: no BNSP trust root found at %s",
                                       ", ".join(map(str, trust_root_paths())))
        _roots_cache.clear()
        _roots_cache[key] = roots
    return roots


# --- checks ----------------------------------------------------------------------------------

def max_bytes() -> int:
    return int(current_app.config.get("VERIFY_MAX_BYTES", DEFAULT_MAX_BYTES))


def screen(data: bytes) -> None:
    """The upload gate every upload point uses (portal.uploads), with this page's own limits:
    size, sniffing, structure, active content, decompression bombs."""
    try:
        uploads.check_pdf(data, limit=max_bytes(), inflated_limit=int(
            current_app.config.get("VERIFY_MAX_INFLATED") or DEFAULT_MAX_INFLATED))
    except uploads.UploadRefused as exc:
        raise BadUpload(exc.message, exc.status) from None


def check_upload(data: bytes, lang: str = "id") -> UploadVerdict:
    """Validate ``data`` (kept in memory only). Raises BadUpload for files that cannot be checked."""
    _refuse_truncated(data, lang)
    try:
        screen(data)
    except BadUpload as refused:
        # Junk after the signed file's %%EOF looks "cut off" to the gate; say what it really is.
        signed = _signed_end(data)
        if not (refused.message == uploads.MSG_TRUNCATED and 0 < signed < len(data)
                and data[:signed].rstrip().endswith(b"%%EOF")):
            raise
        screen(data[:signed])
    report = validate_signed_pdf(data, trust_roots())
    if report.truncated:
        _refuse_truncated(data, lang, report.signed_bytes)
    if not report.readable:
        message = report.problems[0] if report.problems else MSG_BROKEN
        if message == MSG_ENCRYPTED:
            raise BadUpload("PDF terenkripsi (berkata sandi) sehingga tanda tangannya tidak dapat "
                            "diperiksa. Unggah dokumen asli tanpa kata sandi.", 422)
        if message == MSG_NOT_PDF:
            raise BadUpload(MSG_NOT_PDF + " Unggah dokumen dalam format PDF.", 415)
        raise BadUpload("PDF rusak atau tidak lengkap sehingga tidak dapat dibaca.", 422)
    sha = hashlib.sha256(data).hexdigest()
    facts = checks.facts_of(report, sha)
    facts["problems"] = _signature_problems(report)
    original = None
    if find_by_sha256(sha) is None:
        if report.appended_bytes:  # the signed part alone may be a registered document
            original = find_by_sha256(hashlib.sha256(data[:report.signed_bytes]).hexdigest())
        original = original or _original_of(data)
    return verdict_from(facts, original)


def verdict_from(facts: dict, original: PublicRecord | None = None) -> UploadVerdict:
    """The verdict on checked facts, with the registry read now (a revocation shows at once)."""
    verdict = UploadVerdict(sha256=facts["sha256"], facts=facts, original=original,
                            problems=list(facts.get("problems", [])))
    verdict.record = find_by_sha256(verdict.sha256)
    if verdict.record is None:
        if not ({"altered", "modified_after_signing", "appended_bytes"} & set(verdict.problems)):
            verdict.problems.append("not_in_registry")
    else:
        verdict.original = None
        status = verdict.record.status()
        if status == "dicabut":
            verdict.problems.append("revoked")
        elif status == "digantikan":
            verdict.problems.append("superseded")
        elif status == "kedaluwarsa":
            verdict.problems.append("expired")
    return verdict


def _signed_end(data: bytes) -> int:
    return max((int(m[2]) + int(m[3]) for m in _BYTE_RANGE.findall(data)), default=0)


def _refuse_truncated(data: bytes, lang: str, signed: int | None = None) -> None:
    """A precise answer for a cut-off signed file: how much the signature covers, how much came."""
    if signed is None:
        signed = _signed_end(data)
    if signed > len(data) and data[:5] == b"%PDF-":
        raise BadUpload(MSG_TRUNCATED_AT[lang].format(
            signed=_grouped(signed, lang), size=_grouped(len(data), lang),
            missing=_grouped(signed - len(data), lang)), 422)


def _signature_problems(report: ValidationReport) -> list[str]:
    if not report.signed:
        return ["not_signed"]
    problems = []
    first = report.first
    if not report.intact:
        problems.append("altered")
    if report.modified_after_signing:
        problems.append("modified_after_signing")
    if report.appended_bytes:
        problems.append("appended_bytes")
    if first is not None and first.impostor_issuer:
        problems.append("impostor_ca")
    elif MSG_UNKNOWN_SIGNER in report.problems:
        problems.append("unknown_signer")
    elif first is not None and first.revoked:
        problems.append("cert_revoked")
    elif report.intact and not report.trusted:
        problems.append("bad_signature")
    facts = checks.facts_of(report, "")
    if checks.valid_at_signing(facts) is False and "cert_not_valid" not in problems:
        problems.append("cert_not_valid")
    if report.timestamp_valid is False:
        problems.append("bad_timestamp")
    if not problems and not report.ok:
        problems.append("bad_signature")
    return problems


def _original_of(data: bytes) -> PublicRecord | None:
    """An appended (incremental) update leaves the earlier revisions in front, byte for byte:
    if the file up to one of its earlier ``%%EOF`` markers is registered, name that document."""
    candidates = []
    for match in _EOF.finditer(data, 0, max(0, len(data) - 8)):
        end = match.end()
        candidates += [data[:end], data[:end + 1], data[:end + 2]]
    hashes = [hashlib.sha256(prefix).hexdigest() for prefix in candidates[-30:]]
    return find_by_sha256(*hashes) if hashes else None
