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
from portal.verification.services import PublicRecord, find_by_sha256

DEFAULT_MAX_BYTES = uploads.DEFAULT_MAX_BYTES
DEFAULT_MAX_INFLATED = uploads.DEFAULT_MAX_INFLATED
_EOF = re.compile(rb"%%EOF")

MSG_TOO_BIG = uploads.MSG_TOO_BIG

# Problem codes, most serious first; the page lists each with its Indonesian explanation.
PROBLEMS = {
    "not_signed": "Dokumen tidak memiliki tanda tangan elektronik, sehingga bukan dokumen "
                  "elektronik yang diterbitkan BNSP.",
    "altered": "Isi dokumen telah DIUBAH setelah ditandatangani: tanda tangan tidak cocok lagi "
               "dengan isinya.",
    "modified_after_signing": "Dokumen DIUBAH setelah ditandatangani: ada perubahan yang "
                              "ditambahkan sesudah tanda tangan (pembaruan bertahap).",
    "unknown_signer": "Penanda tangan TIDAK DIKENAL: sertifikat tanda tangannya tidak diterbitkan "
                      "oleh CA BNSP yang tepercaya.",
    "bad_signature": "Tanda tangan elektronik tidak sah atau tidak dapat diperiksa.",
    "bad_timestamp": "Cap waktu (timestamp) pada tanda tangan tidak sah.",
    "not_in_registry": "Dokumen TIDAK DITERBITKAN BNSP: sidik jari SHA-256 berkas tidak ada "
                       "dalam registri dokumen BNSP.",
    "revoked": "Dokumen telah DICABUT.",
    "superseded": "Dokumen telah DIGANTIKAN oleh dokumen yang lebih baru.",
    "expired": "Masa berlaku dokumen telah BERAKHIR.",
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
    signer_name: str | None = None
    signing_time: object = None
    level: str | None = None
    timestamp_valid: bool | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and self.record is not None

    @property
    def messages(self) -> list[str]:
        return [PROBLEMS[code] for code in self.problems]


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


def check_upload(data: bytes) -> UploadVerdict:
    """Validate ``data`` (kept in memory only). Raises BadUpload for files that cannot be checked."""
    screen(data)
    report = validate_signed_pdf(data, trust_roots())
    if not report.readable:
        message = report.problems[0] if report.problems else MSG_BROKEN
        if message == MSG_ENCRYPTED:
            raise BadUpload("PDF terenkripsi (berkata sandi) sehingga tanda tangannya tidak dapat "
                            "diperiksa. Unggah dokumen asli tanpa kata sandi.", 422)
        if message == MSG_NOT_PDF:
            raise BadUpload(MSG_NOT_PDF + " Unggah dokumen dalam format PDF.", 415)
        raise BadUpload("PDF rusak atau tidak lengkap sehingga tidak dapat dibaca.", 422)
    sha = hashlib.sha256(data).hexdigest()
    verdict = UploadVerdict(sha256=sha, signer_name=report.signer_name,
                            signing_time=report.signing_time, level=report.level,
                            timestamp_valid=report.timestamp_valid)
    verdict.problems = _signature_problems(report)
    verdict.record = find_by_sha256(sha)
    if verdict.record is None:
        verdict.original = _original_of(data)
        if not ({"altered", "modified_after_signing"} & set(verdict.problems)):
            verdict.problems.append("not_in_registry")
    else:
        status = verdict.record.status()
        if status == "dicabut":
            verdict.problems.append("revoked")
        elif status == "digantikan":
            verdict.problems.append("superseded")
        elif status == "kedaluwarsa":
            verdict.problems.append("expired")
    return verdict


def _signature_problems(report: ValidationReport) -> list[str]:
    if not report.signed:
        return ["not_signed"]
    problems = []
    if not report.intact:
        problems.append("altered")
    if report.modified_after_signing:
        problems.append("modified_after_signing")
    if MSG_UNKNOWN_SIGNER in report.problems:
        problems.append("unknown_signer")
    elif report.intact and not report.trusted:
        problems.append("bad_signature")
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
