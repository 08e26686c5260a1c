"""Words of the public pages other than the QR page (upload, result, registry, what was checked),
in Indonesian and English; merged into ``i18n.STRINGS``."""
from __future__ import annotations

PAGES = {
    "id": {
        "index_title": "Verifikasi Dokumen",
        "index_h1": "Verifikasi Dokumen BNSP",
        "index_lead": ("Periksa keaslian sertifikat, sertifikat lisensi, surat keputusan, dan surat yang "
                       "ditandatangani secara elektronik oleh BNSP."),
        "way_qr": "Pindai kode QR",
        "way_qr_text": ("pada dokumen. Alamatnya membuka halaman dokumen di portal ini beserta statusnya "
                        "(berlaku, dicabut, kedaluwarsa, atau digantikan)."),
        "way_upload": "Unggah berkas PDF",
        "way_upload_text": ("yang Anda terima. Tanda tangan elektroniknya diperiksa terhadap CA BNSP, "
                            "termasuk perubahan sesudah ditandatangani, lalu dicocokkan dengan registri."),
        "way_registry": "Cari di registri",
        "way_registry_text": "dengan nomor sertifikat, nomor lisensi, nomor registrasi, atau nomor SK.",
        "offline_hint": "Tanpa koneksi ke portal? Kode QR juga memuat data bertanda tangan digital yang dapat diperiksa di",
        "offline_link": "halaman pemeriksaan luring",
        "upload_h2": "Unggah PDF untuk diperiksa",
        "upload_file": "Berkas PDF (maksimal {} MB)",
        "upload_note": "Berkas hanya diperiksa di memori dan tidak disimpan di portal.",
        "upload_button": "Periksa dokumen",
        "registry_h2": "Cari di registri BNSP",
        "search_label": "Nomor sertifikat, nomor lisensi, nomor registrasi, atau nomor SK",
        "search_placeholder": "mis. 62090 2513 3 0108289 2026",
        "search_name": "Nama pemegang (opsional, untuk dicocokkan)",
        "search_note": ("Sertifikat dan SK hanya ditemukan dengan nomor yang persis sama; registri tidak "
                        "dapat ditelusuri per daftar dan tidak menampilkan nama pemegang sertifikat. "
                        "Masukkan nama pemegang untuk mencocokkannya; nama lengkap dan dokumen PDF "
                        "tersedia melalui kode QR pada dokumen. Lisensi LSP dapat dicari dengan nama LSP."),
        "search_button": "Cari",
        "registry_title": "Registri BNSP",
        "registry_h1": "Registri dokumen BNSP",
        "results_for": "Hasil untuk “{}”",
        "no_results": ("Tidak ada dokumen dengan nomor “{}” di registri BNSP. Periksa kembali penulisan "
                       "nomor (termasuk spasi dan titik)."),
        "licences_h2": "Lisensi LSP",
        "lsp": "Lembaga Sertifikasi Profesi",
        "schemes": "Ruang lingkup (skema)",
        "name_match": "Cocok dengan nama yang Anda masukkan",
        "name_mismatch": "TIDAK cocok dengan nama yang Anda masukkan",
        "open_page": "Buka halaman verifikasi",
        "revoked_short": "Dicabut",
        "result_title": "Hasil Verifikasi",
        "result_valid": "Dokumen SAH: tanda tangan elektronik BNSP utuh dan dokumen terdaftar serta berlaku.",
        "result_invalid": "Dokumen TIDAK SAH atau tidak berlaku.",
        "checked_h2": "Yang diperiksa",
        "found_h2": "Yang ditemukan",
        "file_checked": "Berkas diperiksa",
        "fingerprint": "Sidik jari SHA-256",
        "registry_data": "Data di registri BNSP",
        "document": "Dokumen",
        "open_doc_page": "Buka halaman verifikasi dokumen",
        "check_another": "Periksa dokumen lain",
        "revoked_at_detail": " Dicabut pada {}: {} ({}).",
        "valid_until_detail": " Berlaku sampai {}.",
        "see_replacement": "Lihat dokumen pengganti",
        "original_note": ("Berkas ini berasal dari dokumen terdaftar {}, tetapi isinya tidak sama lagi "
                          "dengan yang ditandatangani. Mintalah salinan asli kepada pemegangnya atau unduh "
                          "dari halaman verifikasi dokumen tersebut."),
        "result_gone": "Hasil pemeriksaan ini tidak dapat dibuka lagi. Unggah berkasnya sekali lagi.",
        "qr_checked_h2": "Yang diperiksa",
        "qr_registry": "Registri dokumen BNSP",
        "qr_registry_ok": "Terdaftar: alamat kode QR ini cocok dengan entri registri di atas",
        "qr_time_trusted": "cap waktu tepercaya (TSA) pada tanda tangan",
        "qr_time_declared": "dinyatakan oleh penanda tangan, bukan cap waktu tepercaya",
        "qr_file_note": ("Untuk memeriksa berkas PDF yang Anda pegang (penerbit sertifikat, keutuhan, "
                         "cap waktu), unggah berkasnya di"),
        "qr_file_link": "halaman verifikasi",
        "verdict_qr_mismatch": ("PERHATIAN: data kode QR yang dipindai TIDAK COCOK dengan dokumen ini. "
                                "Dokumen yang Anda pegang bukan dokumen yang terdaftar di alamat ini."),
        "verdict_qr_bad": ("PERHATIAN: data kode QR yang dipindai TIDAK ASLI (tanda tangan digitalnya "
                           "tidak cocok dengan kunci BNSP)."),
        "offline_inactive": ("Kode QR asli, tetapi dokumen ini TIDAK berlaku lagi: lihat status di atas."),
        "no_download_inactive": "Berkas PDF tidak disediakan karena dokumen ini tidak berlaku lagi.",
    },
    "en": {
        "index_title": "Document Verification",
        "index_h1": "BNSP Document Verification",
        "index_lead": ("Check that a certificate, licence certificate, decree or letter signed "
                       "electronically by BNSP is genuine."),
        "way_qr": "Scan the QR code",
        "way_qr_text": ("on the document. Its address opens the document's page on this portal with its "
                        "status (valid, revoked, expired or superseded)."),
        "way_upload": "Upload the PDF file",
        "way_upload_text": ("you received. Its electronic signature is checked against the BNSP CA, "
                            "including changes made after signing, then matched with the registry."),
        "way_registry": "Search the registry",
        "way_registry_text": "with the certificate, licence, registration or decree (SK) number.",
        "offline_hint": "No connection to the portal? The QR code also carries digitally signed data you can check on the",
        "offline_link": "offline check page",
        "upload_h2": "Upload a PDF to check",
        "upload_file": "PDF file (at most {} MB)",
        "upload_note": "The file is only checked in memory and never stored on the portal.",
        "upload_button": "Check the document",
        "registry_h2": "Search the BNSP registry",
        "search_label": "Certificate, licence, registration or decree (SK) number",
        "search_placeholder": "e.g. 62090 2513 3 0108289 2026",
        "search_name": "Holder's name (optional, to compare)",
        "search_note": ("Certificates and decrees are found by their exact number only; the registry "
                        "cannot be browsed as a list and never shows certificate holders' names. Enter "
                        "the holder's name to compare it; the full name and the PDF are available "
                        "through the QR code on the document. LSP licences can be searched by LSP name."),
        "search_button": "Search",
        "registry_title": "BNSP Registry",
        "registry_h1": "BNSP document registry",
        "results_for": "Results for “{}”",
        "no_results": ("There is no document numbered “{}” in the BNSP registry. Check how the number "
                       "is written (spaces and dots included)."),
        "licences_h2": "LSP licences",
        "lsp": "Professional Certification Body (LSP)",
        "schemes": "Scope (schemes)",
        "name_match": "Matches the name you entered",
        "name_mismatch": "Does NOT match the name you entered",
        "open_page": "Open the verification page",
        "revoked_short": "Revoked",
        "result_title": "Verification Result",
        "result_valid": ("The document is VALID: the BNSP electronic signature is intact and the "
                         "document is registered and in force."),
        "result_invalid": "The document is NOT VALID or no longer in force.",
        "checked_h2": "What was checked",
        "found_h2": "What was found",
        "file_checked": "File checked",
        "fingerprint": "SHA-256 fingerprint",
        "registry_data": "BNSP registry data",
        "document": "Document",
        "open_doc_page": "Open the document's verification page",
        "check_another": "Check another document",
        "revoked_at_detail": " Revoked on {}: {} ({}).",
        "valid_until_detail": " Valid until {}.",
        "see_replacement": "See the replacing document",
        "original_note": ("This file was made from the registered document {}, but its content is no "
                          "longer what was signed. Ask the holder for the original copy or download it "
                          "from that document's verification page."),
        "result_gone": "This result can no longer be opened. Please upload the file again.",
        "qr_checked_h2": "What was checked",
        "qr_registry": "BNSP document registry",
        "qr_registry_ok": "Registered: this QR code's address matches the registry entry above",
        "qr_time_trusted": "trusted timestamp (TSA) on the signature",
        "qr_time_declared": "declared by the signer, not a trusted timestamp",
        "qr_file_note": ("To check the PDF file you hold (certificate issuer, integrity, timestamp), "
                         "upload it on the"),
        "qr_file_link": "verification page",
        "verdict_qr_mismatch": ("WARNING: the scanned QR code's data does NOT MATCH this document. The "
                                "document you hold is not the one registered at this address."),
        "verdict_qr_bad": ("WARNING: the scanned QR code's data is NOT GENUINE (its digital signature "
                           "does not match the BNSP key)."),
        "offline_inactive": "The QR code is genuine, but this document is NO LONGER in force: see the status above.",
        "no_download_inactive": "The PDF is not offered because this document is no longer in force.",
    },
}

# Refusals of the upload gate (portal/uploads.py), by their Indonesian start.
UPLOAD_ERRORS_EN = {
    "Berkas kosong": "The file is empty. Choose a PDF file.",
    "Berkas terlalu besar": "The file is too large: at most {} MB. It was not stored.",
    "Berkas bukan PDF": "The file is not a PDF. Upload the document as a PDF.",
    "Berkas PDF terpotong": "The PDF file is truncated or damaged (incomplete). Download the original again and retry.",
    "Berkas PDF berisi data terkompresi": "The PDF holds abnormally large compressed data and is not accepted.",
    "PDF terenkripsi": "Encrypted or password-protected PDFs cannot be checked. Upload the PDF without a password.",
    "PDF rusak": "The PDF is damaged or incomplete and cannot be read.",
    "PDF tidak berisi halaman": "The PDF has no pages.",
    "PDF berisi konten aktif": "The PDF holds active content that could run commands when opened, so it is not accepted.",
    "Berkas bukan dokumen PDF": "The file is not a PDF. Upload the document as a PDF.",
}


def upload_error(message: str, lang: str, max_mb: int) -> str:
    if lang != "en":
        return message
    for start, english in UPLOAD_ERRORS_EN.items():
        if message.startswith(start):
            return english.format(max_mb)
    return message
