"""What an upload check found, item by item, in the words of the national PDF verifier
("Verifikasi Dokumen"): signer, certificate issuer and whether it is trusted, the certificate's
validity and revocation at the signing time, the signing time and where it comes from, the
document's integrity, and the registry entry it matches.

``facts_of`` reduces a :class:`~portal.signing.validation.ValidationReport` to plain JSON-able
facts; ``rows`` words them for one language; ``seal``/``unseal`` carry the facts in the address of
the result page (HMAC-sealed, so a "valid" result cannot be forged by editing a link), which lets
the visitor switch the result's language without uploading again.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from datetime import datetime

from portal.signing.validation import ValidationReport
from portal.verification import i18n
from portal.verification.offline import b64url, b64url_decode

OK, BAD, WARN, INFO = "ok", "bad", "warn", "info"


@dataclass(frozen=True)
class Row:
    key: str
    state: str  # ok / bad / warn / info
    label: str
    text: str


LABELS = {
    "id": {"signer": "Penanda tangan", "issuer": "Penerbit sertifikat (CA)",
           "validity": "Masa berlaku sertifikat", "revocation": "Status pencabutan sertifikat",
           "time": "Waktu penandatanganan", "integrity": "Keutuhan dokumen",
           "registry": "Registri dokumen BNSP"},
    "en": {"signer": "Signer", "issuer": "Certificate issuer (CA)",
           "validity": "Certificate validity", "revocation": "Certificate revocation status",
           "time": "Signing time", "integrity": "Document integrity",
           "registry": "BNSP document registry"},
}

TEXTS = {
    "id": {
        "issuer_trusted": "{name} — tepercaya (CA BNSP)",
        "issuer_impostor": ("{name} — TIDAK tepercaya: CA ini memakai nama CA BNSP, tetapi bukan CA "
                            "BNSP (kuncinya berbeda). Sertifikat ini dibuat sendiri oleh pihak lain."),
        "issuer_unknown": "{name} — TIDAK tepercaya: bukan CA BNSP",
        "validity_ok": "{start} s.d. {end} — berlaku pada waktu penandatanganan",
        "validity_bad": "{start} s.d. {end} — TIDAK berlaku pada waktu penandatanganan",
        "revoked": "DICABUT: sertifikat penanda tangan telah dicabut",
        "revocation_checked": "Tidak dicabut pada waktu penandatanganan (data OCSP/CRL tertanam di dokumen)",
        "revocation_unchecked": ("Tidak dapat dipastikan dari berkas: dokumen tidak memuat data "
                                 "pencabutan (OCSP/CRL); status dokumen di registri BNSP di bawah."),
        "time_trusted": "{time} — cap waktu tepercaya{tsa}",
        "time_declared": ("{time} — dinyatakan oleh penanda tangan (jam komputer penanda tangan), "
                          "bukan cap waktu tepercaya"),
        "time_bad": "{time} — cap waktu TIDAK sah",
        "integrity_ok": "Dokumen tidak berubah sejak ditandatangani",
        "integrity_altered": "Dokumen DIUBAH setelah ditandatangani: isinya tidak cocok lagi dengan tanda tangan",
        "integrity_modified": "Dokumen DIUBAH setelah ditandatangani: ada perubahan yang disimpan sesudah tanda tangan",
        "integrity_appended": ("Ada {extra} bita TAMBAHAN di belakang bagian yang ditandatangani: "
                               "berkas ini bukan salinan utuh dokumen bertanda tangan"),
        "unsigned": "Tidak ada tanda tangan elektronik",
        "registry_match": "Cocok: {type} nomor {number} — status {status}",
        "registry_none": "TIDAK terdaftar: sidik jari SHA-256 berkas tidak ada di registri BNSP",
        "registry_original": "Berasal dari {type} nomor {number}, tetapi berkasnya tidak sama lagi",
        "unknown": "—",
    },
    "en": {
        "issuer_trusted": "{name} — trusted (BNSP CA)",
        "issuer_impostor": ("{name} — NOT trusted: this CA uses the name of the BNSP CA but is not the "
                            "BNSP CA (its key differs). The certificate was made by someone else."),
        "issuer_unknown": "{name} — NOT trusted: not the BNSP CA",
        "validity_ok": "{start} to {end} — valid at the signing time",
        "validity_bad": "{start} to {end} — NOT valid at the signing time",
        "revoked": "REVOKED: the signer's certificate has been revoked",
        "revocation_checked": "Not revoked at the signing time (OCSP/CRL data embedded in the document)",
        "revocation_unchecked": ("Cannot be confirmed from the file: it carries no revocation data "
                                 "(OCSP/CRL); see the document's status in the BNSP registry below."),
        "time_trusted": "{time} — trusted timestamp{tsa}",
        "time_declared": ("{time} — declared by the signer (the signer's computer clock), not a "
                          "trusted timestamp"),
        "time_bad": "{time} — the timestamp is NOT valid",
        "integrity_ok": "The document has not been changed since it was signed",
        "integrity_altered": "The document was CHANGED after signing: its content no longer matches the signature",
        "integrity_modified": "The document was CHANGED after signing: changes were saved after the signature",
        "integrity_appended": ("{extra} EXTRA bytes follow the signed part: this file is not an "
                               "intact copy of the signed document"),
        "unsigned": "No electronic signature",
        "registry_match": "Matches: {type} number {number} — status {status}",
        "registry_none": "NOT registered: the file's SHA-256 fingerprint is not in the BNSP registry",
        "registry_original": "Made from {type} number {number}, but the file is no longer the same",
        "unknown": "—",
    },
}


def facts_of(report: ValidationReport, sha256: str) -> dict:
    """What the signature check established, as plain values (no file content)."""
    first = report.first
    facts = {"sha256": sha256, "signed": report.signed, "intact": report.intact,
             "modified": report.modified_after_signing, "appended": report.appended_bytes,
             "trusted": report.trusted}
    if first is not None:
        facts.update({
            "signer": first.signer_name, "issuer": first.issuer_name,
            "impostor": first.impostor_issuer, "revoked": first.revoked,
            "revocation_checked": first.revocation_checked,
            "not_before": _iso(first.cert_not_before), "not_after": _iso(first.cert_not_after),
            "time": _iso(first.signing_time), "timestamp": first.timestamp_valid,
            "tsa": first.timestamp_authority, "level": first.level,
        })
    return facts


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def valid_at_signing(facts: dict) -> bool | None:
    start, end, when = _dt(facts.get("not_before")), _dt(facts.get("not_after")), _dt(facts.get("time"))
    if not (start and end and when):
        return None
    return start <= when <= end


def rows(facts: dict, record, original, lang: str) -> list[Row]:
    """The verifier's report for one language; ``record`` the registry entry (PublicRecord) the
    file matches, ``original`` the registered document an altered copy was made from."""
    label, text = LABELS[lang], TEXTS[lang]
    if not facts.get("signed"):
        return [Row("signer", BAD, label["signer"], text["unsigned"]),
                _registry_row(record, original, lang)]
    found = [Row("signer", OK if facts.get("trusted") else BAD, label["signer"],
                 facts.get("signer") or text["unknown"])]
    issuer = facts.get("issuer") or text["unknown"]
    if facts.get("impostor"):
        found.append(Row("issuer", BAD, label["issuer"], text["issuer_impostor"].format(name=issuer)))
    elif facts.get("trusted"):
        found.append(Row("issuer", OK, label["issuer"], text["issuer_trusted"].format(name=issuer)))
    else:
        found.append(Row("issuer", BAD, label["issuer"], text["issuer_unknown"].format(name=issuer)))
    in_window = valid_at_signing(facts)
    if in_window is not None:
        window = {"start": i18n.format_date(_dt(facts["not_before"]), lang),
                  "end": i18n.format_date(_dt(facts["not_after"]), lang)}
        found.append(Row("validity", OK if in_window else BAD, label["validity"],
                         text["validity_ok" if in_window else "validity_bad"].format(**window)))
    if facts.get("revoked"):
        found.append(Row("revocation", BAD, label["revocation"], text["revoked"]))
    elif facts.get("revocation_checked"):
        found.append(Row("revocation", OK, label["revocation"], text["revocation_checked"]))
    else:
        found.append(Row("revocation", INFO, label["revocation"], text["revocation_unchecked"]))
    when = i18n.format_datetime(_dt(facts.get("time")), lang) or text["unknown"]
    if facts.get("timestamp") is True:
        tsa = f" ({facts['tsa']})" if facts.get("tsa") else ""
        found.append(Row("time", OK, label["time"], text["time_trusted"].format(time=when, tsa=tsa)))
    elif facts.get("timestamp") is False:
        found.append(Row("time", BAD, label["time"], text["time_bad"].format(time=when)))
    else:
        found.append(Row("time", INFO, label["time"], text["time_declared"].format(time=when)))
    if not facts.get("intact"):
        found.append(Row("integrity", BAD, label["integrity"], text["integrity_altered"]))
    elif facts.get("modified"):
        found.append(Row("integrity", BAD, label["integrity"], text["integrity_modified"]))
    elif facts.get("appended"):
        found.append(Row("integrity", BAD, label["integrity"],
                         text["integrity_appended"].format(extra=f"{facts['appended']:,}".replace(
                             ",", "." if lang == "id" else ","))))
    else:
        found.append(Row("integrity", OK, label["integrity"], text["integrity_ok"]))
    found.append(_registry_row(record, original, lang))
    return found


def _registry_row(record, original, lang: str) -> Row:
    label, text = LABELS[lang]["registry"], TEXTS[lang]
    if record is not None:
        status = record.status()
        return Row("registry", OK if status == "berlaku" else BAD, label, text["registry_match"].format(
            type=i18n.doc_type_label(record.doc_type, lang), number=record.number or record.public_id,
            status=i18n.STATUS_LABELS[lang][status]))
    if original is not None:
        return Row("registry", BAD, label, text["registry_original"].format(
            type=i18n.doc_type_label(original.doc_type, lang),
            number=original.number or original.public_id))
    return Row("registry", BAD, label, text["registry_none"])


# --- the result's address ------------------------------------------------------------------------

def _tag(body: bytes) -> str:
    from portal.verification import access

    return b64url(hmac.new(access.derived_key(b"upload-result"), body, hashlib.sha256).digest()[:16])


def seal(data: dict) -> str:
    body = b64url(zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9))
    return f"{body}.{_tag(body.encode())}"


def unseal(token: str | None) -> dict | None:
    """The sealed data, or None for anything not sealed by this portal."""
    if not token or len(token) > 4096 or "." not in token:
        return None
    body, tag = token.rsplit(".", 1)
    if not hmac.compare_digest(_tag(body.encode()), tag):
        return None
    try:
        return json.loads(zlib.decompress(b64url_decode(body), bufsize=8192))
    except (ValueError, zlib.error):
        return None
