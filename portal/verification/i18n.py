"""Words of the public verification pages in Indonesian (default) and English (?lang=en)."""
from __future__ import annotations

import json
from urllib.parse import urlencode
from datetime import date, datetime
from functools import lru_cache

from flask import request

from portal.core.dates import format_date_id, format_datetime_id, to_wib

LANG_COOKIE = "bnsp_lang"
LANGUAGES = ("id", "en")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

class Strings(dict):
    """The words of one language; templates read them as attributes (``t.status``), which
    Jinja resolves in one step for an attribute, two for a key."""

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "site": "Verifikasi Dokumen BNSP",
        "switch": "English",
        "issuer": "Badan Nasional Sertifikasi Profesi (BNSP)",
        "doc_title": "Dokumen",
        "doc_type": "Jenis dokumen",
        "number": "Nomor",
        "registration": "Nomor registrasi",
        "date": "Tanggal dokumen",
        "issuer_label": "Penerbit",
        "holder": "Nama pemegang",
        "holder_note": "Sebagian nama disamarkan untuk melindungi data pribadi. Nama lengkap dan berkas PDF tersedia melalui kode QR pada dokumen.",
        "validity": "Masa berlaku",
        "validity_until": "s.d.",
        "no_expiry": "Tidak dibatasi",
        "status": "Status",
        "signer": "Penanda tangan",
        "signed_at": "Waktu penandatanganan",
        "level": "Tingkat tanda tangan (PAdES)",
        "sha256": "Sidik jari SHA-256 berkas bertanda tangan",
        "download": "Unduh PDF bertanda tangan",
        "revoked_on": "Dicabut pada",
        "revoked_reason": "Kategori alasan",
        "revoked_reference": "Dasar pencabutan",
        "superseded_by": "Digantikan oleh dokumen",
        "see_new": "lihat dokumen pengganti",
        "offline_title": "Pemeriksaan kode QR (luring)",
        "offline_wait": "Memeriksa tanda tangan digital pada kode QR…",
        "offline_none": "Alamat ini dibuka tanpa data QR; pemeriksaan luring tidak dijalankan.",
        "verdict_valid": "Dokumen ini SAH dan terdaftar di BNSP.",
        "verdict_revoked": "Dokumen ini telah DICABUT.",
        "verdict_expired": "Masa berlaku dokumen ini telah BERAKHIR.",
        "verdict_superseded": "Dokumen ini telah DIGANTIKAN oleh dokumen yang lebih baru.",
        "not_found_title": "Dokumen tidak ditemukan",
        "not_found_text": ("Tidak ada dokumen BNSP dengan alamat verifikasi ini. Periksa kembali "
                           "alamat atau pindai ulang kode QR. Dokumen yang kodenya tidak "
                           "terdaftar tidak diterbitkan oleh BNSP."),
        "check_other": "Periksa dokumen lain",
        "footer": "Waktu ditampilkan dalam WIB",
        "offline_ok": ("Kode QR ASLI: datanya ditandatangani dengan kunci BNSP dan cocok dengan "
                       "dokumen ini."),
        "offline_mismatch": ("Kode QR bertanda tangan sah, tetapi datanya TIDAK COCOK dengan "
                             "dokumen ini."),
        "offline_bad": ("Kode QR TIDAK ASLI: tanda tangan digitalnya tidak cocok dengan kunci "
                        "publik BNSP."),
        "offline_unsupported": ("Peramban ini tidak dapat memeriksa tanda tangan Ed25519. Gunakan "
                                "peramban versi terbaru."),
        "offline_intro": ("Periksa data bertanda tangan digital yang dimuat kode QR dokumen BNSP, "
                          "langsung di peramban ini tanpa menghubungi server. Pindai kode QR, "
                          "lalu buka alamatnya di sini atau tempelkan alamat lengkapnya."),
        "offline_input": "Alamat dari kode QR (atau datanya saja)",
        "offline_check": "Periksa",
        "offline_valid": ("Data kode QR ASLI: ditandatangani dengan kunci BNSP. Cocokkan data "
                          "berikut dengan dokumen yang Anda pegang."),
        "offline_name": "Nama pada dokumen (untuk dicocokkan)",
        "offline_name_ok": "Nama cocok dengan data kode QR.",
        "offline_name_bad": "Nama TIDAK cocok dengan data kode QR.",
        "offline_key": "Kunci publik BNSP yang dipakai",
        "public_id": "Kode dokumen",
        "holder_hash": "Sidik nama pemegang",
        "months": "Januari,Februari,Maret,April,Mei,Juni,Juli,Agustus,September,Oktober,November,Desember",
    },
    "en": {
        "site": "BNSP Document Verification",
        "switch": "Bahasa Indonesia",
        "issuer": "Indonesian Professional Certification Authority (BNSP)",
        "doc_title": "Document",
        "doc_type": "Document type",
        "number": "Number",
        "registration": "Registration number",
        "date": "Document date",
        "issuer_label": "Issuer",
        "holder": "Holder",
        "holder_note": "The name is partly masked to protect personal data. The full name and the PDF are available through the QR code on the document.",
        "validity": "Validity",
        "validity_until": "to",
        "no_expiry": "Not limited",
        "status": "Status",
        "signer": "Signed by",
        "signed_at": "Signing time",
        "level": "Signature level (PAdES)",
        "sha256": "SHA-256 fingerprint of the signed file",
        "download": "Download the signed PDF",
        "revoked_on": "Revoked on",
        "revoked_reason": "Reason (category)",
        "revoked_reference": "Revocation decree",
        "superseded_by": "Superseded by document",
        "see_new": "see the replacing document",
        "offline_title": "QR code check (offline)",
        "offline_wait": "Checking the digital signature in the QR code…",
        "offline_none": "This address was opened without QR data; the offline check did not run.",
        "verdict_valid": "This document is VALID and registered with BNSP.",
        "verdict_revoked": "This document has been REVOKED.",
        "verdict_expired": "This document has EXPIRED.",
        "verdict_superseded": "This document has been SUPERSEDED by a newer one.",
        "not_found_title": "Document not found",
        "not_found_text": ("There is no BNSP document at this verification address. Check the "
                           "address or scan the QR code again. A document whose code is not "
                           "registered was not issued by BNSP."),
        "check_other": "Check another document",
        "footer": "Times are shown in WIB (UTC+7)",
        "offline_ok": ("The QR code is GENUINE: its data is signed with the BNSP key and matches "
                       "this document."),
        "offline_mismatch": ("The QR code carries a valid signature, but its data does NOT MATCH "
                             "this document."),
        "offline_bad": ("The QR code is NOT GENUINE: its digital signature does not match the BNSP "
                        "public key."),
        "offline_unsupported": ("This browser cannot check Ed25519 signatures. Please use an "
                                "up-to-date browser."),
        "offline_intro": ("Check the digitally signed data carried by the QR code of a BNSP "
                          "document, right in this browser, without contacting the server. Scan "
                          "the QR code, then open its address here or paste the full address."),
        "offline_input": "Address from the QR code (or just its data)",
        "offline_check": "Check",
        "offline_valid": ("The QR data is GENUINE: signed with the BNSP key. Compare the data below "
                          "with the document you hold."),
        "offline_name": "Name on the document (to compare)",
        "offline_name_ok": "The name matches the QR data.",
        "offline_name_bad": "The name does NOT match the QR data.",
        "offline_key": "BNSP public key used",
        "public_id": "Document code",
        "holder_hash": "Holder name fingerprint",
        "months": "January,February,March,April,May,June,July,August,September,October,November,December",
    },
}

def _all_words(lang: str) -> dict[str, str]:
    from portal.verification.words import PAGES

    return {**_STRINGS[lang], **PAGES[lang]}


STRINGS = {lang: Strings(_all_words(lang)) for lang in _STRINGS}

# Why a document was revoked, as the public may know it; the staff's own reason stays internal.
REVOCATION_CATEGORIES = {
    "id": {"data_keliru": "Kesalahan data pada dokumen",
           "permintaan_pemegang": "Atas permintaan pemegang",
           "pelanggaran": "Pelanggaran ketentuan sertifikasi atau lisensi",
           "keputusan_bnsp": "Keputusan administratif BNSP"},
    "en": {"data_keliru": "Incorrect data on the document",
           "permintaan_pemegang": "At the holder's request",
           "pelanggaran": "Breach of certification or licence rules",
           "keputusan_bnsp": "Administrative decision of BNSP"},
}

STATUS_LABELS = {
    "id": {"berlaku": "Berlaku", "dicabut": "Dicabut", "kedaluwarsa": "Kedaluwarsa",
           "digantikan": "Digantikan"},
    "en": {"berlaku": "Valid", "dicabut": "Revoked", "kedaluwarsa": "Expired",
           "digantikan": "Superseded"},
}

LICENCE_STATUS_LABELS = {
    "id": {**STATUS_LABELS["id"], "dibekukan": "Dibekukan"},
    "en": {**STATUS_LABELS["en"], "dibekukan": "Suspended"},
}

DOC_TYPE_LABELS = {
    "id": {"certificate": "Sertifikat Kompetensi", "licence_certificate": "Sertifikat Lisensi",
           "sk": "Surat Keputusan", "spt": "Surat Perintah Tugas", "undangan": "Surat Undangan",
           "letter": "Surat"},
    "en": {"certificate": "Certificate of Competence", "licence_certificate": "Licence Certificate",
           "sk": "Decree (Surat Keputusan)", "spt": "Letter of Assignment", "undangan": "Invitation",
           "letter": "Letter"},
}


def current_language() -> str:
    """``?lang=`` wins (and is remembered in a cookie by the view), then the cookie, then id."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGUAGES else "id"


def switch_href(lang: str) -> str:
    """The address of this page in the other language, keeping its query (the QR's ``k``);
    static/js/verify-offline.js adds the fragment (the QR's ``#p=``) on click."""
    other = "id" if lang == "en" else "en"
    args = request.args
    if not args or (len(args) == 1 and "lang" in args):
        return _SWITCH_PLAIN[other]  # the common case on the hottest page: nothing to keep
    kept = [(key, value) for key, value in args.items(multi=True) if key != "lang"]
    return "?" + urlencode([*kept, ("lang", other)])


_SWITCH_PLAIN = {"id": "?lang=id", "en": "?lang=en"}


def format_date(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if lang == "id":
        return format_date_id(value)
    if isinstance(value, datetime):
        value = to_wib(value).date()
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def format_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if lang == "id":
        return format_datetime_id(value)
    local = to_wib(value)
    return f"{format_date(local.date(), lang)} {local:%H.%M} WIB"


def doc_type_label(doc_type: str, lang: str) -> str:
    return DOC_TYPE_LABELS[lang].get(doc_type, doc_type)


@lru_cache(maxsize=4)
def type_labels_json(lang: str) -> str:
    """{"C": "Sertifikat Kompetensi", ...}: the labels of the offline payload's type codes."""
    from portal.verification.offline import TYPE_CODES

    return json.dumps({code: doc_type_label(kind, lang) for kind, code in TYPE_CODES.items()},
                      ensure_ascii=False)
