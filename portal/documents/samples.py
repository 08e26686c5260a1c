"""Realistic Indonesian demo data for each document kind (previews, tests, the benchmarks)."""
from __future__ import annotations

from datetime import date

from portal.documents.contexts import (
    Annex, Assignee, Attendee, BeritaAcaraContext, CertificateContext, Diktum, DisposisiContext,
    LetterContext, Participant, Signatory, SkContext, SptContext, UndanganContext, participants_annex,
)

KETUA = Signatory(jabatan="Ketua,", nama="Kunjung Masehat, S.H., M.M.")
KEPALA_SEKRETARIAT = Signatory(jabatan="Kepala Sekretariat,", nama="Dra. Sri Wahyuni Lestari, M.Si.",
                               keterangan="NIP 19680412 199303 2 001")
DECREE_DATE = date(2021, 7, 28)

_FIRST = ("Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gunawan", "Hendra", "Indah", "Joko",
          "Kartika", "Lestari", "Muhammad", "Nur", "Putri", "Rahmat", "Siti", "Teguh", "Wahyu",
          "Yulia")
_LAST = ("Santoso", "Pratama", "Wulandari", "Hidayat", "Saputra", "Nugroho", "Rahmawati",
         "Kurniawan", "Siregar", "Simanjuntak", "Hasibuan", "Lubis", "Setiawan", "Permana")
_SCHEMES = ("Asesor Kompetensi", "Master Asesor", "Lead Asesor Kompetensi")


def sample_participants(count: int) -> list[Participant]:
    """Deterministic made-up participants, for previews and for long-annex tests."""
    return [
        Participant(
            nama=f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 3 + i // len(_FIRST)) % len(_LAST)]}",
            nomor_registrasi=f"MET.000.{(4100 + i * 37) % 1000000:06d}.2021",
            skema=_SCHEMES[i % len(_SCHEMES)],
            rekomendasi="Belum Kompeten" if i % 11 == 5 else "Kompeten",
        )
        for i in range(count)
    ]


def _letter() -> LetterContext:
    return LetterContext(
        nomor="875/BNSP/UM.00.00/VII/2021", tanggal=DECREE_DATE, sifat="Segera",
        hal="Persetujuan Permohonan RCC Asesor Kompetensi",
        kepada=["Yth. Ketua LSP Teknologi Digital", "Jl. Gatot Subroto Kav. 23", "di", "Jakarta"],
        paragraf=[
            "Menindaklanjuti surat Saudara Nomor 045/LSP-TD/VII/2021 tanggal 19 Juli 2021 perihal "
            "Permohonan Recognition of Current Competency (RCC) Asesor Kompetensi, bersama ini kami "
            "sampaikan bahwa permohonan tersebut telah diverifikasi dan disetujui untuk peserta "
            "sebagaimana daftar terlampir.",
            "Pelaksanaan RCC dilakukan oleh Master Asesor Penguji yang ditugaskan BNSP. Peserta yang "
            "disetujui dapat masuk ke sistem untuk melihat APL.01 dan mengisi asesmen mandiri "
            "APL.02.RCC paling lambat 5 (lima) hari kerja sebelum pelaksanaan.",
            "Demikian kami sampaikan, atas perhatian dan kerja sama Saudara kami ucapkan terima kasih.",
        ],
        penandatangan=KETUA,
        tembusan=["Wakil Ketua BNSP;", "Kepala Sekretariat BNSP;", "Koordinator SDM BNSP."],
        lampiran_daftar=participants_annex([p.nama for p in sample_participants(6)],
                                           "DAFTAR PESERTA RCC ASESOR KOMPETENSI YANG DISETUJUI"),
    )


def _undangan() -> UndanganContext:
    return UndanganContext(
        nomor="903/BNSP/UM.00.00/VII/2021", tanggal=DECREE_DATE, hal="Undangan Rapat Pleno Komisi Teknis",
        kepada=["Yth. Bapak/Ibu Anggota Komisi Teknis BNSP", "(daftar terlampir)", "di", "Tempat"],
        paragraf=["Dalam rangka penetapan hasil sertifikasi kompetensi asesor kompetensi periode "
                  "Juli 2021, kami mengundang Bapak/Ibu untuk hadir pada rapat pleno yang akan "
                  "diselenggarakan pada:"],
        hari_tanggal=date(2021, 8, 4), waktu="09.00 WIB s.d. selesai",
        tempat_acara="Ruang Rapat Lantai 3, Gedung BNSP, Jakarta",
        acara="Rapat Pleno Komisi Teknis Sertifikasi Asesor Kompetensi",
        penutup=["Mengingat pentingnya acara tersebut, kami mohon Bapak/Ibu hadir tepat waktu. "
                 "Atas perhatian Bapak/Ibu kami ucapkan terima kasih."],
        penandatangan=KEPALA_SEKRETARIAT,
        lampiran_daftar=Annex(judul="DAFTAR UNDANGAN RAPAT PLENO KOMISI TEKNIS", kolom=("Nama", "Unsur"), baris=[
            ("Ketua Komisi Teknis BNSP", "Pimpinan rapat"), ("Anggota Komisi Teknis Bidang Sertifikasi", "Anggota"),
            ("Anggota Komisi Teknis Bidang Lisensi", "Anggota"), ("Koordinator Sertifikasi", "Sekretariat"),
            ("Master Asesor Penguji", "Narasumber")]),
        tembusan=["Ketua BNSP (sebagai laporan)."],
    )


def _spt() -> SptContext:
    return SptContext(
        nomor="412/BNSP/SDM.02.00/VII/2021", tanggal=DECREE_DATE,
        dasar=[
            "Peraturan Badan Nasional Sertifikasi Profesi Nomor 3/BNSP/III/2014 tentang Pedoman "
            "Ketentuan Umum Lisensi Lembaga Sertifikasi Profesi;",
            "Surat Persetujuan Permohonan RCC Asesor Kompetensi Nomor 875/BNSP/UM.00.00/VII/2021 "
            "tanggal 28 Juli 2021.",
        ],
        penerima=[
            Assignee(nama="Ir. Hendra Gunawan, M.T.", peran="Master Asesor Penguji",
                     nomor_registrasi="MET.000.001668.2012"),
            Assignee(nama="Dewi Kartika Sari, S.E., M.M.", peran="Master Asesor Penguji",
                     nomor_registrasi="MET.000.002315.2014"),
            Assignee(nama="Rahmat Hidayat, S.Kom.", peran="Pendamping / Observer",
                     nomor_registrasi="MET.000.004877.2017"),
        ],
        tugas="Melaksanakan uji kompetensi Recognition of Current Competency (RCC) Asesor Kompetensi "
              "di LSP Teknologi Digital",
        tempat_tugas="TUK Sewaktu LSP Teknologi Digital, Jakarta",
        tanggal_mulai=date(2021, 8, 9), tanggal_selesai=date(2021, 8, 11),
        ketentuan=["Melaporkan hasil pelaksanaan tugas kepada Ketua BNSP paling lambat 3 (tiga) hari "
                   "kerja setelah tugas selesai."],
        penandatangan=KETUA, tembusan=["Ketua LSP Teknologi Digital."],
    )


def _sk() -> SkContext:
    return SkContext(
        nomor="KEP.1517/BNSP/SR.03.00/VII/2021",
        tentang="Penetapan Sertifikasi Kompetensi Asesor Kompetensi Periode Juli 2021",
        menimbang=[
            "bahwa berdasarkan hasil uji kompetensi asesor kompetensi yang dilaksanakan pada bulan "
            "Juli 2021, peserta yang tercantum dalam Lampiran telah direkomendasikan oleh Master "
            "Asesor Penguji;",
            "bahwa hasil uji kompetensi tersebut telah dibahas dan disetujui dalam Rapat Pleno "
            "Komisi Teknis tanggal 26 Juli 2021;",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
            "menetapkan Keputusan Ketua Badan Nasional Sertifikasi Profesi tentang Penetapan "
            "Sertifikasi Kompetensi Asesor Kompetensi Periode Juli 2021;",
        ],
        mengingat=[
            "Undang-Undang Nomor 13 Tahun 2003 tentang Ketenagakerjaan (Lembaran Negara Republik "
            "Indonesia Tahun 2003 Nomor 39, Tambahan Lembaran Negara Republik Indonesia Nomor 4279);",
            "Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi "
            "(Lembaran Negara Republik Indonesia Tahun 2018 Nomor 34);",
            "Keputusan Ketua Badan Nasional Sertifikasi Profesi Nomor KEP.1516/BNSP/UM.00.00/VII/2021 "
            "tentang Alur Proses Pelayanan di Lingkungan Badan Nasional Sertifikasi Profesi;",
        ],
        diktum=[
            Diktum(isi="Menetapkan peserta sebagaimana tercantum dalam Lampiran yang merupakan bagian "
                       "tidak terpisahkan dari Keputusan ini sebagai pemegang sertifikat kompetensi "
                       "sesuai rekomendasi masing-masing."),
            Diktum(isi="Sertifikat kompetensi sebagaimana dimaksud dalam Diktum KESATU:",
                   butir=["berlaku selama 3 (tiga) tahun sejak tanggal ditetapkan;",
                          "dapat diperpanjang melalui Recognition of Current Competency (RCC)."]),
            Diktum(isi="Keputusan Ketua ini mulai berlaku pada tanggal ditetapkan."),
        ],
        tanggal=DECREE_DATE,
        penandatangan=Signatory(jabatan="KETUA,", nama="KUNJUNG MASEHAT, S.H., M.M."),
        peserta=sample_participants(12),
        lampiran_judul="DAFTAR PESERTA SERTIFIKASI KOMPETENSI ASESOR KOMPETENSI\nPERIODE JULI 2021",
        tembusan=["Wakil Ketua BNSP;", "Anggota BNSP;", "Kepala Sekretariat BNSP."],
    )


def _certificate() -> CertificateContext:
    return CertificateContext(
        nama="Siti Rahmawati Lubis", nomor_sertifikat="62090 2513 3 0108289 2026",
        nomor_registrasi="MET.000.012345.2026", kualifikasi="Asesor Kompetensi",
        skema_judul="Skema Sertifikasi Asesor Kompetensi", skema_nomor="SKM/BNSP/00015/1/2017/73E",
        tanggal_terbit=date(2026, 7, 28), berlaku_sampai=date(2029, 7, 28),
        penandatangan=Signatory(jabatan="Ketua,", nama="Kunjung Masehat, S.H., M.M."),
    )


def _berita_acara() -> BeritaAcaraContext:
    return BeritaAcaraContext(
        judul="BERITA ACARA RAPAT PLENO KOMISI TEKNIS",
        kegiatan="Rapat Pleno Komisi Teknis Sertifikasi Asesor Kompetensi",
        nomor="BA.027/BNSP/SR.03.00/VII/2021", tanggal=date(2021, 7, 26), waktu="09.00 – 12.30 WIB",
        tempat_rapat="Ruang Rapat Lantai 3, Gedung BNSP, Jakarta",
        hadir=[
            Attendee(nama="Dr. Ir. Bambang Setiawan, M.T.", unsur="Ketua Komisi Teknis"),
            Attendee(nama="Yulia Permana, S.H., M.H.", unsur="Anggota Komisi Teknis"),
            Attendee(nama="Ir. Teguh Nugroho", unsur="Anggota Komisi Teknis"),
            Attendee(nama="Indah Wulandari, S.E.", unsur="Sekretaris / Notulis"),
        ],
        pembahasan=[
            "Laporan Master Asesor Penguji atas pelaksanaan uji kompetensi asesor kompetensi periode "
            "Juli 2021 terhadap 12 (dua belas) peserta.",
            "Pemeriksaan kelengkapan rekaman asesmen (APL.01, APL.02, rekaman dan laporan asesmen).",
        ],
        keputusan=[
            "11 (sebelas) peserta direkomendasikan Kompeten dan diusulkan untuk ditetapkan dengan "
            "Keputusan Ketua BNSP.",
            "1 (satu) peserta direkomendasikan Belum Kompeten dan dapat mengikuti asesmen ulang.",
        ],
        penandatangan=[
            Signatory(jabatan="Ketua Komisi Teknis,", nama="Dr. Ir. Bambang Setiawan, M.T."),
            Signatory(jabatan="Sekretaris,", nama="Indah Wulandari, S.E."),
        ],
    )


def _disposisi() -> DisposisiContext:
    return DisposisiContext(
        nomor_agenda="SM-2021-0734", tanggal_diterima=date(2021, 7, 28),
        asal_surat="LSP Teknologi Digital", nomor_surat="045/LSP-TD/VII/2021",
        tanggal_surat=date(2021, 7, 19),
        perihal="Permohonan Recognition of Current Competency (RCC) Asesor Kompetensi",
        sifat="Segera", diteruskan_kepada=["Koordinator SDM", "Bagian Asesor Kompetensi (Askom)"],
        instruksi=["Tanggapi dan proses lebih lanjut", "Siapkan draf jawaban"],
        catatan="Mohon diverifikasi kelengkapan persyaratan peserta dan disiapkan draf surat "
                "persetujuan (D5 A) serta SPT MA Penguji (D6 B).",
        batas_waktu=date(2021, 7, 30), penandatangan=KEPALA_SEKRETARIAT,
    )


_SAMPLES = {
    "letter": _letter, "undangan": _undangan, "spt": _spt, "sk": _sk, "certificate": _certificate,
    "berita_acara": _berita_acara, "lembar_disposisi": _disposisi,
}


def sample_context(kind: str):
    """Realistic Indonesian demo data for one document kind (previews, tests)."""
    try:
        return _SAMPLES[kind]()
    except KeyError:
        raise ValueError(f"unknown document kind: {kind!r}") from None


