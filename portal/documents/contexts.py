"""What each official BNSP document says: one dataclass per PDF kind, plus realistic demo data.

The PDF templates (templates/pdf/) read only these fields, so the cases/flows code fills a context
from its records and hands it to `portal.documents.pdf.render_pdf`. Dates are `date` objects; the
templates format them in Indonesian.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.calendar.workdays import DISPOSITION_RULE


@dataclass(frozen=True, kw_only=True)
class Letterhead:
    """Kop surat. Address and contact lines are configuration the admin keeps up to date."""

    instansi: str = "BADAN NASIONAL SERTIFIKASI PROFESI"
    instansi_en: str = "INDONESIAN PROFESSIONAL CERTIFICATION AUTHORITY"
    alamat: str = "Jl. M.T. Haryono Kav. 52, Pancoran, Jakarta Selatan 12770"
    kontak: str = "Laman: www.bnsp.go.id"


@dataclass(frozen=True, kw_only=True)
class Signatory:
    """Who signs. `jabatan` may hold several lines (e.g. "BADAN NASIONAL ...\\nKETUA,")."""

    jabatan: str
    nama: str
    keterangan: str = ""  # line under the name: NIP or registration number, when shown
    atas_nama: str = ""  # "a.n. Ketua ..." when an official signs on behalf of the chair


@dataclass(frozen=True, kw_only=True)
class Annex:
    """A list printed as the letter's own Lampiran page (approved participants, invitees), after
    the letter and signed with it; its header repeats the letter's number and date."""

    judul: str  # "\n" breaks the heading line
    kolom: tuple[str, ...]
    baris: list[tuple[str, ...]]


def participants_annex(names: list[str], judul: str = "DAFTAR PESERTA YANG DISETUJUI") -> Annex:
    return Annex(judul=judul, kolom=("Nama",), baris=[(name,) for name in names])


@dataclass(frozen=True, kw_only=True)
class LetterContext:
    """Surat dinas (kind "letter").

    The Lampiran line says "1 (satu) berkas" when ``lampiran_daftar`` is printed with the letter;
    otherwise it shows ``lampiran``, which a caller sets only when it attaches files itself.
    """

    nomor: str
    tanggal: date
    hal: str
    kepada: list[str]  # addressee lines: "Yth. ...", address, "di", city
    paragraf: list[str]
    penandatangan: Signatory
    sifat: str = "Biasa"
    lampiran: str = "-"
    tembusan: list[str] = field(default_factory=list)
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)
    lampiran_daftar: Annex | None = None

    @property
    def lampiran_keterangan(self) -> str:
        return "1 (satu) berkas" if self.lampiran_daftar else (self.lampiran or "-")


@dataclass(frozen=True, kw_only=True)
class UndanganContext(LetterContext):
    """Surat undangan (kind "undangan"): a letter with the Hari/Tanggal, Waktu, Tempat, Acara table."""

    hari_tanggal: date
    waktu: str
    tempat_acara: str
    acara: str
    penutup: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Assignee:
    nama: str
    peran: str  # e.g. "Master Asesor Penguji"
    nomor_registrasi: str  # e.g. "MET.000.001668.2012"


@dataclass(frozen=True, kw_only=True)
class SptContext:
    """Surat Perintah Tugas / Surat Tugas (kind "spt")."""

    nomor: str
    tanggal: date
    dasar: list[str]
    penerima: list[Assignee]
    tugas: str
    tempat_tugas: str
    tanggal_mulai: date
    tanggal_selesai: date
    penandatangan: Signatory
    ketentuan: list[str] = field(default_factory=list)  # further "Untuk" points
    judul: str = "SURAT TUGAS"
    tembusan: list[str] = field(default_factory=list)
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)


@dataclass(frozen=True, kw_only=True)
class Diktum:
    """One KESATU/KEDUA/... article of a decree, optionally with numbered points."""

    isi: str
    butir: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Participant:
    nama: str
    nomor_registrasi: str
    skema: str
    rekomendasi: str = "Kompeten"


@dataclass(frozen=True, kw_only=True)
class SkContext:
    """Keputusan Ketua BNSP (kind "sk") with its participant annex (Lampiran)."""

    nomor: str
    tentang: str
    menimbang: list[str]
    mengingat: list[str]
    diktum: list[Diktum]
    tanggal: date
    penandatangan: Signatory
    peserta: list[Participant] = field(default_factory=list)
    lampiran_judul: str = "DAFTAR PESERTA"  # "\n" breaks the heading line
    tembusan: list[str] = field(default_factory=list)
    tempat: str = "Jakarta"
    instansi: str = "BADAN NASIONAL SERTIFIKASI PROFESI"


@dataclass(frozen=True, kw_only=True)
class CertificateContext:
    """Sertifikat kompetensi (kind "certificate", A4 landscape)."""

    nama: str
    nomor_sertifikat: str
    nomor_registrasi: str
    skema_judul: str
    skema_nomor: str
    kualifikasi: str
    tanggal_terbit: date
    berlaku_sampai: date
    penandatangan: Signatory
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)
    # The same frame serves the licence certificate of an LSP (D22c/D23c) with its own wording.
    judul: str = "SERTIFIKAT KOMPETENSI"
    judul_en: str = "Certificate of Competence"
    pernyataan: str = "telah kompeten pada kualifikasi"
    pernyataan_en: str = "has been competent in the qualification of"


@dataclass(frozen=True, kw_only=True)
class Attendee:
    nama: str
    unsur: str  # capacity in the meeting: "Ketua Komisi Teknis", "Anggota", ...


@dataclass(frozen=True, kw_only=True)
class BeritaAcaraContext:
    """Berita acara (kind "berita_acara"); the first signatory is the one who signs electronically."""

    judul: str
    kegiatan: str  # what was held: "Rapat Pleno Komisi Teknis ..."
    nomor: str
    tanggal: date
    waktu: str
    tempat_rapat: str
    hadir: list[Attendee]
    pembahasan: list[str]
    keputusan: list[str]
    penandatangan: list[Signatory]
    penutup: str = (
        "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."
    )
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)


DISPOSISI_UNITS = (
    "Bagian Perencanaan, Hukum dan Umum (PHU)",
    "Koordinator Lisensi",
    "Koordinator Sertifikasi",
    "Koordinator SDM",
    "Bagian Asesor Kompetensi (Askom)",
    "Bagian Keuangan",
)
DISPOSISI_INSTRUKSI = (
    "Tanggapi dan proses lebih lanjut",
    "Siapkan draf jawaban",
    "Koordinasikan",
    "Hadiri / wakili",
    "Untuk diketahui",
    "Arsipkan",
)
SIFAT_SURAT = ("Biasa", "Segera", "Sangat Segera", "Rahasia")


@dataclass(frozen=True, kw_only=True)
class DisposisiContext:
    """Lembar disposisi of a Surat Masuk (kind "lembar_disposisi")."""

    nomor_agenda: str
    tanggal_diterima: date
    asal_surat: str
    nomor_surat: str
    tanggal_surat: date
    perihal: str
    sifat: str
    diteruskan_kepada: list[str]
    instruksi: list[str]
    penandatangan: Signatory
    catatan: str = ""
    batas_waktu: date | None = None
    tanggal_disposisi: date | None = None  # defaults to the day the letter was received
    tempat: str = "Jakarta"
    aturan: str = DISPOSITION_RULE  # printed at the foot: the rule the portal computes due dates by
    unit_pilihan: tuple[str, ...] = DISPOSISI_UNITS
    instruksi_pilihan: tuple[str, ...] = DISPOSISI_INSTRUKSI
    kop: Letterhead = field(default_factory=Letterhead)

    @staticmethod
    def _marked(options: tuple[str, ...], chosen: list[str]) -> list[tuple[str, bool]]:
        # Choices outside the printed list still have to appear on the sheet.
        extra = [c for c in chosen if c not in options]
        return [(o, o in chosen) for o in (*options, *extra)]

    @property
    def units_marked(self) -> list[tuple[str, bool]]:
        return self._marked(self.unit_pilihan, self.diteruskan_kepada)

    @property
    def instruksi_marked(self) -> list[tuple[str, bool]]:
        return self._marked(self.instruksi_pilihan, self.instruksi)

    @property
    def sifat_marked(self) -> list[tuple[str, bool]]:
        return self._marked(SIFAT_SURAT, [self.sifat])

    @property
    def ringkas(self) -> bool:
        """Set tighter when the texts run long, so the sheet stays on one page (the form's limits:
        note 1000, subject 300, sender 200, number 100 characters)."""
        text = len(self.catatan) + len(self.perihal) + len(self.asal_surat) + len(self.nomor_surat)
        choices = max(len(self.units_marked), len(self.instruksi_marked))
        return text > 250 or choices > len(DISPOSISI_UNITS)


# --- demo data ------------------------------------------------------------------------------

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


__all__ = [
    "Assignee", "Attendee", "BeritaAcaraContext", "CertificateContext", "Diktum", "DisposisiContext",
    "LetterContext", "Letterhead", "Participant", "Signatory", "SkContext", "SptContext",
    "UndanganContext", "sample_context", "sample_participants",
]
