"""What each official BNSP document says: one dataclass per PDF kind, plus realistic demo data.

The PDF templates (templates/pdf/) read only these fields, so the cases/flows code fills a context
from its records and hands it to `portal.documents.pdf.render_pdf`. Dates are `date` objects; the
templates format them in Indonesian.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
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


# Where each kind carries its own official number (the templates repeat it from there: number
# line, SK annex header, page footers). The lembar disposisi carries the agenda number instead.
NUMBER_FIELD: dict[type, str] = {
    LetterContext: "nomor", UndanganContext: "nomor", SptContext: "nomor", SkContext: "nomor",
    BeritaAcaraContext: "nomor", CertificateContext: "nomor_sertifikat",
}


def with_number(context, number: str):
    """The same document carrying ``number`` (e.g. reserved at signing) wherever it shows it."""
    return replace(context, **{NUMBER_FIELD[type(context)]: number})


def sample_context(kind: str):
    """Realistic Indonesian demo data for one document kind (previews, tests): see samples.py."""
    from portal.documents.samples import sample_context as build

    return build(kind)


def sample_participants(count: int) -> list[Participant]:
    from portal.documents.samples import sample_participants as build

    return build(count)


__all__ = [
    "Assignee", "Attendee", "BeritaAcaraContext", "CertificateContext", "Diktum", "DisposisiContext",
    "LetterContext", "Letterhead", "Participant", "Signatory", "SkContext", "SptContext",
    "UndanganContext", "sample_context", "sample_participants",
]
