"""What each role sees in the navigation and on its home page: one table, read by both."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from werkzeug.routing import BuildError

from portal.core.access import access_of, user_may_access


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: str
    description: str


# Items whose endpoint does not exist yet are skipped, so areas can land one by one.
MENU: tuple[MenuItem, ...] = (
    MenuItem("cases.inbox", "Kotak Kerja", "Pekerjaan yang menunggu Anda, urut jatuh tempo."),
    MenuItem("cases.my_cases", "Daftar Kasus", "Permohonan dan kasus yang dapat Anda lihat, dengan statusnya."),
    MenuItem("assessment.my_page", "Sertifikasi Saya", "Yang perlu Anda kerjakan, formulir, dokumen dan sertifikat Anda."),
    MenuItem("assessment.schemes", "Katalog Skema", "Skema sertifikasi, unit kompetensi, elemen dan KUK."),
    MenuItem("notifications.dashboard_page", "Dasbor Layanan", "SLA enam alur per bulan, pekerjaan terbuka, kasus macet."),
    MenuItem("cases.new_case", "Ajukan Permohonan", "Mulai permohonan lisensi, RCC atau pelatihan asesor."),
    MenuItem("licensing.my_licences", "Lisensi Saya", "Posisi permohonan lisensi, temuan LKS dan dokumen lembaga Anda."),
    MenuItem("licensing.internal_register", "Register Lisensi", "LSP berlisensi, status dan riwayatnya."),
    MenuItem("licensing.requirements", "Persyaratan Lisensi", "Check list persyaratan apresiasi dan dokumen lisensi."),
    MenuItem("signing.queue", "Antrean Tanda Tangan", "Dokumen yang menunggu tanda tangan elektronik Anda."),
    MenuItem("correspondence.index", "Surat", "Agenda surat masuk dan keluar, disposisi, pencarian."),
    MenuItem("correspondence.mine", "Surat Saya", "Status surat yang Anda konsep atau catat."),
    MenuItem("correspondence.monitoring", "Monitoring Surat", "Status surat masuk dan keluar terhadap SLA."),
    MenuItem("verification.revocations", "Pencabutan Dokumen", "Cabut sertifikat atau lisensi dengan alasan dan SK pencabutan."),
    MenuItem("verification.index", "Verifikasi Dokumen", "Periksa keaslian sertifikat dan dokumen bertanda tangan BNSP."),
    MenuItem("calendar.manage", "Kalender Hari Kerja", "Hari libur nasional dan cuti bersama."),
    MenuItem("numbering.index", "Penomoran Surat", "Pola nomor resmi per seri dan nomor berikutnya."),
    MenuItem("admin.users", "Pengguna", "Akun internal, peran, dan status aktif."),
    MenuItem("admin.audit", "Jejak Audit", "Siapa melakukan apa, kapan, dan rantai hash-nya."),
    MenuItem("flows.alur", "Alur Layanan", "Enam alur proses pelayanan BNSP beserta diagramnya."),
    MenuItem("accounts.change_password", "Ubah Kata Sandi", "Ganti kata sandi akun Anda."),
)


def menu_for(user) -> list[tuple[MenuItem, str]]:
    from flask import current_app

    items = []
    for item in MENU:
        if item.endpoint not in current_app.view_functions:
            continue
        if not user_may_access(user, access_of(current_app, item.endpoint)):
            continue
        try:
            items.append((item, url_for(item.endpoint)))
        except BuildError:
            continue
    return items
