"""Documents of the demo cases: official drafts rendered from the case's facts with the demo people's
names (letters, SPT, SK, berita acara, invitations, certificates), and the plain working document an
applicant or a unit would upload. Drafts are found by the template a flow file's document declares;
berita acara, which staff write themselves, by the document's short name."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta

from portal.accounts.models import Organisation, User
from portal.cases import engine
from portal.cases.models import Case, CaseItem
from portal.core.dates import MONTHS_ID, format_date_id, roman_month, to_wib, utcnow
from portal.documents.contexts import (
    Assignee, Attendee, BeritaAcaraContext, CertificateContext, Diktum, LetterContext, Participant,
    Signatory, SkContext, SptContext, UndanganContext,
)
from portal.documents.pdf import render_pdf
from portal.extensions import db

# --- documents ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoDocument:
    filename: str
    data: bytes
    signature_box: list | None = None  # [page, x1, y1, x2, y2]: where the signing stamp goes
    number_boxes: list | None = None  # where signing writes the number (NumberBox.as_json)


def document_for(case: Case, code: str, item: CaseItem | None, people: dict[str, User]) -> DemoDocument:
    """The PDF a person would upload for slot `code`: an official draft rendered from the case's
    facts where BNSP drafts one, otherwise a plain working document of its author."""
    document = engine.flow_of(case).document(code)
    builder = _DRAFTS.get(document.template) or _MINUTES.get(document.short_name)
    slug = code.replace(" ", "")
    if builder is None and document.template:
        from portal.cases.drafts import TEMPLATES

        if document.template in TEMPLATES:  # an area's own draft (e.g. licensing: from the pleno record)
            builder = lambda facts: TEMPLATES[document.template](facts.case)  # noqa: E731
    if builder is None:
        return DemoDocument(f"{slug}.pdf", working_document(case, code, item))
    kind, context = builder(_Facts(case, people))
    rendered = render_pdf(kind, context)
    box = rendered.signature_box
    return DemoDocument(f"draf-{slug}-{case.number}.pdf", rendered.data,
                        [box.page_index, box.x1, box.y1, box.x2, box.y2], rendered.number_boxes_json)


@dataclass
class _Facts:
    case: Case
    people: dict[str, User]

    @property
    def org(self) -> Organisation:
        return self.case.organisation

    @property
    def today(self) -> date:
        return _today()

    def person(self, username: str) -> User:
        return self.people[username]

    def signatory(self, username: str = "ketua") -> Signatory:
        jabatan = {"ketua": "Ketua,", "kasek": "Kepala Sekretariat,"}[username]
        return Signatory(jabatan=jabatan, nama=self.person(username).full_name)

    def number(self, signed_code: str) -> str:
        """The number line of a draft: PHU (or signing) fills in the sequence later."""
        document = engine.flow_of(self.case).document(signed_code)
        month, year = roman_month(self.today.month), self.today.year
        if document.series == "sk":
            return f"KEP.……/BNSP/{month}/{year}"
        if document.series == "spt":
            return f"SPT.……/BNSP/{document.classification or 'KP.04.00'}/{month}/{year}"
        if document.series == "licence":
            return "BNSP-LSP-……-ID"
        return f"……/BNSP/{document.classification or 'UM.00.00'}/{month}/{year}"

    def addressee(self) -> list[str]:
        address = (self.org.address or "").rsplit(",", 1)
        city = address[-1].strip().rstrip("0123456789 ") if len(address) > 1 else "Tempat"
        return [f"Yth. Ketua {self.org.name}", address[0].strip() or self.org.name, "di", city]

    def their_letter(self) -> str:
        return (f"surat Saudara Nomor {(self.case.data or {}).get('their_number', '-')} tanggal "
                f"{format_date_id(to_wib(self.case.created_at).date())}")

    def participants(self) -> list[CaseItem]:
        return [i for i in self.case.items if i.kind == "participant"]

    def event_day(self, days: int) -> date:
        day = self.today + timedelta(days=days)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day


def _rcc_approval_letter(f: _Facts):
    names = ", ".join(i.label for i in f.participants())
    return "letter", LetterContext(
        nomor=f.number("D7 A"), tanggal=f.today, sifat="Segera", lampiran="1 (satu) berkas",
        hal="Persetujuan Permohonan RCC Asesor Kompetensi", kepada=f.addressee(),
        paragraf=[
            f"Menindaklanjuti {f.their_letter()} perihal Permohonan Recognition of Current Competency "
            f"(RCC) Asesor Kompetensi, bersama ini kami sampaikan bahwa permohonan tersebut telah "
            f"diverifikasi dan disetujui untuk {len(f.participants())} peserta: {names}.",
            "Pelaksanaan RCC dilakukan oleh Master Asesor yang ditugaskan BNSP dengan Surat Perintah "
            "Tugas terlampir. Peserta yang disetujui akan menerima akun portal untuk melihat APL.01 dan "
            "mengisi asesmen mandiri APL.02.RCC paling lambat 5 (lima) hari kerja sebelum pelaksanaan.",
            "Demikian kami sampaikan, atas perhatian dan kerja sama Saudara kami ucapkan terima kasih.",
        ],
        penandatangan=f.signatory(), tembusan=["Kepala Sekretariat BNSP;", "Koordinator SDM BNSP."],
    )


def _rcc_spt(signed_code: str, username: str, role_label: str):
    def build(f: _Facts):
        person = f.person(username)
        return "spt", SptContext(
            nomor=f.number(signed_code), tanggal=f.today,
            dasar=["Keputusan Ketua BNSP Nomor KEP.1516/BNSP/UM.00.00/VII/2021 tentang Alur Proses "
                   "Pelayanan di Lingkungan Badan Nasional Sertifikasi Profesi;",
                   f"Permohonan RCC Asesor Kompetensi {f.org.name} ({f.their_letter()})."],
            penerima=[Assignee(nama=person.full_name, peran=role_label,
                               nomor_registrasi=f"MET.000.{1000 + person.id * 37:06d}.2015")],
            tugas=(f"Melaksanakan {'upgrading' if 'Pelatih' in role_label else 'uji kompetensi'} "
                   f"Recognition of Current Competency (RCC) Asesor Kompetensi bagi "
                   f"{len(f.participants())} peserta {f.org.name}"),
            tempat_tugas=f"TUK Sewaktu {f.org.name}, {f.addressee()[-1]}",
            tanggal_mulai=f.event_day(10), tanggal_selesai=f.event_day(12),
            ketentuan=["Melaporkan hasil pelaksanaan tugas kepada Ketua BNSP paling lambat 3 (tiga) "
                       "hari kerja setelah tugas selesai."],
            penandatangan=f.signatory(), tembusan=[f"Ketua {f.org.name}."],
        )
    return build


def _rcc_pleno_minutes(f: _Facts):
    count = len(f.participants())
    return "berita_acara", BeritaAcaraContext(
        judul="BERITA ACARA RAPAT PLENO PANITIA TEKNIS",
        kegiatan=f"Rapat Pleno Panitia Teknis RCC Asesor Kompetensi {f.org.name}",
        nomor=f"BA.……/BNSP/SR.03.00/{roman_month(f.today.month)}/{f.today.year}", tanggal=f.today,
        waktu="09.00 – 11.30 WIB", tempat_rapat="Ruang Rapat Lantai 3, Gedung BNSP, Jakarta",
        hadir=[Attendee(nama=f.person("pantek").full_name, unsur="Ketua Panitia Teknis"),
               Attendee(nama=f.person("ma_penguji").full_name, unsur="Master Asesor Penguji"),
               Attendee(nama=f.person("staf_sertifikasi").full_name, unsur="Sekretaris / Notulis")],
        pembahasan=[f"Laporan Master Asesor Penguji atas uji kompetensi RCC terhadap {count} peserta.",
                    "Pemeriksaan kelengkapan rekaman asesmen (APL.01, APL.02.RCC, rekaman dan laporan "
                    "asesmen)."],
        keputusan=[f"{count} peserta direkomendasikan Kompeten dan diusulkan untuk ditetapkan dengan "
                   "Keputusan Ketua BNSP."],
        penandatangan=[Signatory(jabatan="Ketua Panitia Teknis,", nama=f.person("pantek").full_name),
                       Signatory(jabatan="Sekretaris,", nama=f.person("staf_sertifikasi").full_name)],
    )


def _rcc_sk(f: _Facts):
    period = f"{MONTHS_ID[f.today.month - 1]} {f.today.year}"
    return "sk", SkContext(
        nomor=f.number("D22"),
        tentang=f"Penetapan Sertifikasi Kompetensi Asesor Kompetensi (RCC) {f.org.name} Periode {period}",
        menimbang=[f"bahwa peserta yang tercantum dalam Lampiran telah mengikuti Recognition of Current "
                   f"Competency (RCC) yang diselenggarakan {f.org.name} dan direkomendasikan Kompeten "
                   "oleh Master Asesor Penguji;",
                   "bahwa hasil tersebut telah dibahas dan disetujui dalam Rapat Pleno Panitia Teknis;",
                   "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
                   "menetapkan Keputusan Ketua Badan Nasional Sertifikasi Profesi;"],
        mengingat=["Undang-Undang Nomor 13 Tahun 2003 tentang Ketenagakerjaan;",
                   "Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi;",
                   "Keputusan Ketua BNSP Nomor KEP.1516/BNSP/UM.00.00/VII/2021 tentang Alur Proses "
                   "Pelayanan di Lingkungan Badan Nasional Sertifikasi Profesi;"],
        diktum=[Diktum(isi="Menetapkan peserta sebagaimana tercantum dalam Lampiran Keputusan ini sebagai "
                           "pemegang sertifikat kompetensi Asesor Kompetensi."),
                Diktum(isi="Sertifikat kompetensi sebagaimana dimaksud dalam Diktum KESATU berlaku selama "
                           "3 (tiga) tahun sejak tanggal ditetapkan."),
                Diktum(isi="Keputusan Ketua ini mulai berlaku pada tanggal ditetapkan.")],
        tanggal=f.today, penandatangan=Signatory(jabatan="KETUA,", nama=f.person("ketua").full_name.upper()),
        peserta=[Participant(nama=i.label, nomor_registrasi=f"MET.000.{4100 + i.id * 37:06d}.{f.today.year - 3}",
                             skema="Asesor Kompetensi") for i in f.participants()],
        lampiran_judul=f"DAFTAR PESERTA RCC ASESOR KOMPETENSI\n{f.org.name.upper()}",
        tembusan=["Wakil Ketua BNSP;", "Anggota BNSP;", f"Ketua {f.org.name}."],
    )


def _lis_invitation(signed_code: str, hal: str, acara: str, kepada: list[str] | None, signer: str):
    def build(f: _Facts):
        username = signer if signer != "named" else _named_signer(f.case)
        return "undangan", UndanganContext(
            nomor=f.number(signed_code), tanggal=f.today, hal=hal, sifat="Segera", lampiran="-",
            kepada=kepada or f.addressee(),
            paragraf=[f"Sehubungan dengan permohonan lisensi {f.org.name} ({f.their_letter()}), kami "
                      "mengundang Bapak/Ibu untuk hadir pada:"],
            hari_tanggal=f.event_day(7), waktu="09.00 WIB s.d. selesai",
            tempat_acara="Ruang Rapat Lantai 3, Gedung BNSP, Jl. M.T. Haryono Kav. 52, Jakarta", acara=acara,
            penutup=["Atas perhatian dan kehadiran Bapak/Ibu kami ucapkan terima kasih."],
            penandatangan=f.signatory(username), tembusan=["Ketua BNSP (sebagai laporan)."],
        )
    return build


def _named_signer(case: Case) -> str:
    ids = engine.assignees(case, "penandatangan")
    user = db.session.get(User, ids[0]) if ids else None
    return "kasek" if user is not None and "kasek" in user.role_codes else "ketua"


def _lis_minutes(title: str, kegiatan: str, keputusan: list[str], attendees: tuple[tuple[str, str], ...]):
    def build(f: _Facts):
        hadir = [Attendee(nama=f.person(u).full_name, unsur=unsur) for u, unsur in attendees]
        hadir.append(Attendee(nama=f.case.created_by.full_name, unsur=f"Perwakilan {f.org.name}"))
        first, second = attendees[0][0], attendees[-1][0]
        return "berita_acara", BeritaAcaraContext(
            judul=title, kegiatan=kegiatan.format(org=f.org.name),
            nomor=f"BA.……/BNSP/LS.01.00/{roman_month(f.today.month)}/{f.today.year}", tanggal=f.today,
            waktu="09.00 – 12.00 WIB", tempat_rapat="Ruang Rapat Lantai 3, Gedung BNSP, Jakarta", hadir=hadir,
            pembahasan=[f"Paparan {f.org.name} tentang kesiapan kelembagaan, skema sertifikasi, TUK dan "
                        "asesor kompetensi.",
                        "Pemeriksaan kelengkapan dokumen persyaratan sesuai daftar periksa."],
            keputusan=[k.format(org=f.org.name) for k in keputusan],
            penandatangan=[Signatory(jabatan=attendees[0][1] + ",", nama=f.person(first).full_name),
                           Signatory(jabatan=attendees[-1][1] + ",", nama=f.person(second).full_name)],
        )
    return build


def _lis_assignment(f: _Facts):
    assessor = f.person("asesor_lisensi")
    return "spt", SptContext(
        nomor=f.number("D13"), tanggal=f.today, judul="SURAT TUGAS",
        dasar=["Pedoman BNSP tentang Persyaratan Umum Lembaga Sertifikasi Profesi;",
               f"Laporan asesmen kecukupan dokumen {f.org.name}."],
        penerima=[Assignee(nama=assessor.full_name, peran="Ketua Tim Asesor Lisensi",
                           nomor_registrasi=f"MET.000.{2000 + assessor.id * 41:06d}.2016")],
        tugas=f"Melaksanakan asesmen penuh lisensi awal {f.org.name}",
        tempat_tugas=f"Kantor dan TUK {f.org.name}, {f.addressee()[-1]}",
        tanggal_mulai=f.event_day(14), tanggal_selesai=f.event_day(15),
        penandatangan=f.signatory(), tembusan=[f"Ketua {f.org.name}."],
    )


def _lis_sk(f: _Facts):
    return "sk", SkContext(
        nomor=f.number("D23b"), tentang=f"Pemberian Lisensi kepada {f.org.name}",
        menimbang=[f"bahwa {f.org.name} telah memenuhi persyaratan lisensi berdasarkan hasil asesmen "
                   "kecukupan, asesmen penuh dan Rapat Pleno Anggota BNSP;",
                   "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
                   "Keputusan Ketua Badan Nasional Sertifikasi Profesi tentang Pemberian Lisensi;"],
        mengingat=["Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi;",
                   "Keputusan Ketua BNSP Nomor KEP.1516/BNSP/UM.00.00/VII/2021 tentang Alur Proses "
                   "Pelayanan di Lingkungan Badan Nasional Sertifikasi Profesi;"],
        diktum=[Diktum(isi=f"Memberikan lisensi kepada {f.org.name} sebagai Lembaga Sertifikasi Profesi "
                           "untuk melaksanakan sertifikasi kompetensi kerja."),
                Diktum(isi="Lisensi sebagaimana dimaksud dalam Diktum KESATU berlaku selama 5 (lima) tahun "
                           "dan dievaluasi melalui surveilan."),
                Diktum(isi="Keputusan Ketua ini mulai berlaku pada tanggal ditetapkan.")],
        tanggal=f.today, penandatangan=Signatory(jabatan="KETUA,", nama=f.person("ketua").full_name.upper()),
        tembusan=["Wakil Ketua BNSP;", "Anggota BNSP;", "Kepala Sekretariat BNSP."],
    )


def _lis_certificate(f: _Facts):
    return "certificate", CertificateContext(
        nama=f.org.name, nomor_sertifikat=f.number("D23c"), nomor_registrasi=f"Lisensi {f.case.number}",
        skema_judul="Lisensi Lembaga Sertifikasi Profesi Pihak Kedua",
        skema_nomor=f"KEP.……/BNSP/{roman_month(f.today.month)}/{f.today.year}",
        kualifikasi="Lembaga Sertifikasi Profesi", tanggal_terbit=f.today,
        berlaku_sampai=f.today.replace(year=f.today.year + 5), penandatangan=f.signatory(),
        judul="SERTIFIKAT LISENSI", judul_en="Licence Certificate",
        pernyataan="diberi lisensi sebagai", pernyataan_en="is licensed as",
    )


# By the template name the flow files declare (portal/cases/drafts.py has the same names).
_DRAFTS = {
    "approval_letter": _rcc_approval_letter,
    "spt_ma_pelatih_rcc": _rcc_spt("D8 A", "ma_pelatih", "Master Asesor Pelatih"),
    "spt_ma_penguji_rcc": _rcc_spt("D8 B", "ma_penguji", "Master Asesor Penguji"),
    "competency_sk": _rcc_sk,
    "apresiasi_invitation": _lis_invitation("D4", "Undangan Apresiasi Calon LSP",
                                            "Apresiasi pembentukan Lembaga Sertifikasi Profesi", None, "named"),
    "st_asesmen_penuh": _lis_assignment,
    "pleno_invitation": _lis_invitation("D20", "Undangan Rapat Pleno Lisensi",
                                        "Rapat Pleno Anggota BNSP: keputusan lisensi",
                                        ["Yth. Bapak/Ibu Anggota BNSP", "(daftar terlampir)", "di", "Tempat"],
                                        "ketua"),
    "licence_sk": _lis_sk,
    "licence_certificate": _lis_certificate,
}
# Berita acara have no template yet: staff write them; the demo writes believable ones.
_MINUTES = {
    "Berita acara pleno Panitia Teknis": _rcc_pleno_minutes,
    "Berita acara apresiasi": _lis_minutes(
        "BERITA ACARA APRESIASI", "Apresiasi calon LSP {org}",
        ["{org} dinyatakan dapat melanjutkan ke tahap pengajuan dokumen lisensi.",
         "Kode akses unggah dokumen lisensi diserahkan kepada perwakilan {org}."],
        (("staf_lisensi", "Staf Lisensi"), ("kasek", "Kepala Sekretariat"))),
    "Berita acara hasil pleno": _lis_minutes(
        "BERITA ACARA RAPAT PLENO", "Rapat Pleno Anggota BNSP tentang lisensi {org}",
        ["{org} diberikan lisensi sebagai Lembaga Sertifikasi Profesi.",
         "Staf Lisensi menyiapkan draf SK Lisensi dan sertifikat lisensi."],
        (("anggota", "Anggota BNSP"), ("staf_lisensi", "Notulis"))),
}


def working_document(case: Case, code: str, item: CaseItem | None) -> bytes:
    """A plain one-page document (what an applicant or a unit uploads): no BNSP letterhead."""
    from weasyprint import HTML

    flow = engine.flow_of(case)
    name = flow.document_name(code)
    issuer = case.organisation.name if case.organisation else "Badan Nasional Sertifikasi Profesi"
    rows = [("Kasus", case.number), ("Perihal", case.title), ("Tanggal", format_date_id(_today()))]
    if item is not None:
        rows.append(("Peserta" if item.kind == "participant" else "Temuan", item.label))
    elif code in ("D1", "D10") and any(i.kind == "participant" for i in case.items):
        names = [i.label for i in case.items if i.kind == "participant"]
        rows.append(("Daftar peserta", "; ".join(f"{n + 1}. {label}" for n, label in enumerate(names))))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    page = f"""<!doctype html><html lang="id"><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 2.2cm 2.2cm; @bottom-right {{ content: "Halaman " counter(page); font-size: 8pt; }} }}
      body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1d2733; }}
      .issuer {{ font-weight: bold; font-size: 12pt; border-bottom: 2px solid #1d2733; padding-bottom: 4pt; }}
      h1 {{ font-size: 13pt; margin: 18pt 0 10pt; }}
      th {{ text-align: left; vertical-align: top; padding: 3pt 10pt 3pt 0; white-space: nowrap; }}
      td {{ padding: 3pt 0; }}
      .note {{ margin-top: 24pt; font-size: 8.5pt; color: #5b6673; }}
    </style></head><body>
      <div class="issuer">{html.escape(issuer)}</div>
      <h1>{html.escape(code)} — {html.escape(name)}</h1>
      <table>{table}</table>
      <p>Dokumen ini disampaikan melalui Portal Layanan BNSP sebagai kelengkapan langkah alur
      {html.escape(flow.name)}.</p>
      <p class="note">Contoh dokumen untuk demonstrasi portal.</p>
    </body></html>"""
    return HTML(string=page).write_pdf()



def _today() -> date:
    return to_wib(utcnow()).date()
