"""Drafts generated from the official templates, filled from the case (letters, SPT, SK, invitations,
the licence certificate), so staff start from a correct document instead of a blank page.

Numbers stay as dotted placeholders in the draft: signing reserves the number and writes it over
every placeholder (the boxes stored with the draft) before the signature seals the document.
"""
from __future__ import annotations

from datetime import timedelta

from portal.cases.models import Case
from portal.core.dates import to_wib, utcnow

LETTER_NUMBER = "……/BNSP/{cls}/{month}/{year}"
SPT_NUMBER = "SPT.……/BNSP/{cls}/{month}/{year}"


def _today():
    return to_wib(utcnow()).date()


def _placeholder(cls: str = "DL.02.00", pattern: str = LETTER_NUMBER) -> str:
    from portal.core.dates import roman_month

    today = _today()
    return pattern.format(cls=cls, month=roman_month(today.month), year=today.year)


def _ketua():
    """The Ketua's signature block with the office holder's name (not the title) on the name line."""
    from portal.documents.signatories import signatory_for

    return signatory_for("ketua")


def _addressee(case: Case) -> list[str]:
    org = case.organisation
    return [f"Yth. Pimpinan {org.name}" if org else "Yth. Pemohon", org.address or "di tempat" if org else "di tempat"]


def _participants(case: Case) -> list[str]:
    """Approved participants' lines from the assessment records (names only for cases without them)."""
    from portal.assessment.documents import approved_lines, has_records

    if has_records(case):
        return approved_lines(case)
    return [item.label for item in case.items if item.kind == "participant"]


def _service(case: Case) -> str:
    from portal.flows.registry import get_flow

    return get_flow(case.flow_code).service or "layanan BNSP"


def approval_letter(case: Case):
    from portal.documents.contexts import LetterContext, participants_annex

    names = _participants(case)
    return "letter", LetterContext(
        nomor=_placeholder(), tanggal=_today(), hal=f"Persetujuan Permohonan {_service(case)}",
        kepada=_addressee(case), lampiran_daftar=participants_annex(names) if names else None,
        paragraf=[
            f"Menindaklanjuti surat permohonan Saudara ({case.number}) perihal {case.title}, "
            f"dengan hormat kami sampaikan bahwa permohonan tersebut DISETUJUI untuk {len(names)} "
            "peserta sebagaimana daftar terlampir.",
            "Pelaksanaan kegiatan akan didampingi Master Asesor yang ditugaskan dengan Surat Perintah "
            "Tugas tersendiri. Setiap peserta akan menerima akun Portal Layanan BNSP untuk melihat "
            "APL.01 dan mengisi asesmen mandiri APL.02.",
            "Demikian kami sampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
            *(["Lampiran: Daftar peserta yang disetujui", *names] if names else []),
        ],
        penandatangan=_ketua(), tembusan=["Kepala Sekretariat BNSP"],
    )


def rejection_letter(case: Case):
    from portal.documents.contexts import LetterContext

    return "letter", LetterContext(
        nomor=_placeholder(), tanggal=_today(), hal=f"Pemberitahuan atas Permohonan {_service(case)}",
        kepada=_addressee(case),
        paragraf=[
            f"Menindaklanjuti surat permohonan Saudara ({case.number}) perihal {case.title}, dengan "
            "hormat kami sampaikan bahwa permohonan tersebut belum dapat kami setujui.",
            "Saudara dapat mengajukan kembali permohonan setelah melengkapi persyaratan.",
            "Demikian kami sampaikan, atas perhatian Saudara diucapkan terima kasih.",
        ],
        penandatangan=_ketua(), tembusan=["Kepala Sekretariat BNSP"],
    )


def spt(role_label: str, named_actor: str, task: str):
    def build(case: Case):
        from portal.accounts.models import User
        from portal.documents.contexts import Assignee, SptContext
        from portal.extensions import db

        ids = (case.data or {}).get("assignees", {}).get(named_actor, [])
        people = [db.session.get(User, uid) for uid in ids]
        from portal.assessment.documents import registration_of

        receivers = [Assignee(nama=p.full_name, peran=role_label, nomor_registrasi=registration_of(p))
                     for p in people if p]
        if not receivers and named_actor in ("spt_ma_pelatih", "spt_ma_penguji"):
            from portal.cases.errors import CaseError

            raise CaseError(f"Pilih {role_label} terlebih dahulu: SPT menyebut nama yang ditugaskan.", 422)
        if not receivers:
            receivers = [Assignee(nama="(nama akan diisi)", peran=role_label, nomor_registrasi="-")]
        start = _today() + timedelta(days=14)
        return "spt", SptContext(
            nomor=_placeholder("KP.04.00", SPT_NUMBER), tanggal=_today(),
            dasar=[f"Surat permohonan {case.organisation.name if case.organisation else 'pemohon'} "
                   f"({case.number}) perihal {case.title}."],
            penerima=receivers, tugas=task.format(org=case.organisation.name if case.organisation else ""),
            tempat_tugas=case.organisation.name if case.organisation else "Jakarta",
            tanggal_mulai=start, tanggal_selesai=start + timedelta(days=2), penandatangan=_ketua(),
        )
    return build


def competency_sk(case: Case):
    from portal.documents.contexts import Diktum, Participant, SkContext
    from portal.core.dates import roman_month

    from portal.assessment.documents import sk_annex

    today = _today()
    scheme, people = sk_annex(case)  # exactly the participants the pleno decided Kompeten
    return "sk", SkContext(
        nomor=f"KEP.……/BNSP/{roman_month(today.month)}/{today.year}",
        tentang=f"Sertifikasi Kompetensi {scheme} ({_service(case)})",
        menimbang=["bahwa berdasarkan hasil pleno atas pelaksanaan kegiatan perlu menetapkan peserta yang "
                   "dinyatakan kompeten;",
                   "bahwa berdasarkan pertimbangan sebagaimana dimaksud pada huruf a, perlu menetapkan "
                   "Keputusan Ketua Badan Nasional Sertifikasi Profesi;"],
        mengingat=["Undang-Undang Nomor 13 Tahun 2003 tentang Ketenagakerjaan;",
                   "Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi;"],
        diktum=[Diktum(isi="Menetapkan peserta sebagaimana tercantum dalam Lampiran Keputusan ini sebagai "
                           f"pemegang sertifikat kompetensi {scheme}."),
                Diktum(isi="Keputusan ini mulai berlaku pada tanggal ditetapkan.")],
        tanggal=today, penandatangan=_ketua(), peserta=people,
    )


def invitation(subject: str, event: str):
    def build(case: Case):
        from portal.documents.contexts import UndanganContext

        when = _today() + timedelta(days=10)
        return "undangan", UndanganContext(
            nomor=_placeholder("LS.01.00"), tanggal=_today(), hal=subject, kepada=_addressee(case),
            paragraf=[f"Dalam rangka proses lisensi {case.organisation.name if case.organisation else ''} "
                      f"({case.number}), dengan hormat kami mengundang Saudara untuk hadir pada:"],
            hari_tanggal=when, waktu="09.00 WIB s.d. selesai", tempat_acara="Kantor BNSP, Jakarta",
            acara=event, penandatangan=_ketua(),
        )
    return build


def licence_sk(case: Case):
    from portal.documents.contexts import Diktum, SkContext
    from portal.core.dates import roman_month

    today = _today()
    name = case.organisation.name if case.organisation else "LSP"
    return "sk", SkContext(
        nomor=f"KEP.……/BNSP/{roman_month(today.month)}/{today.year}", tentang=f"Pemberian Lisensi kepada {name}",
        menimbang=[f"bahwa {name} telah memenuhi persyaratan lisensi berdasarkan hasil asesmen dan "
                   "keputusan rapat pleno;"],
        mengingat=["Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi;"],
        diktum=[Diktum(isi=f"Memberikan lisensi kepada {name} sebagai Lembaga Sertifikasi Profesi."),
                Diktum(isi="Lisensi berlaku selama 5 (lima) tahun sejak tanggal ditetapkan.")],
        tanggal=today, penandatangan=_ketua(),
    )


def licence_certificate(case: Case):
    from dateutil.relativedelta import relativedelta

    from portal.documents.contexts import CertificateContext

    today = _today()
    return "certificate", CertificateContext(
        nama=case.organisation.name if case.organisation else "LSP", nomor_sertifikat="BNSP-LSP-……-ID",
        nomor_registrasi=case.number, skema_judul="Lisensi Lembaga Sertifikasi Profesi", skema_nomor="-",
        kualifikasi="Lembaga Sertifikasi Profesi", tanggal_terbit=today,
        berlaku_sampai=today + relativedelta(years=5), penandatangan=_ketua(),
        judul="SERTIFIKAT LISENSI", judul_en="Licence Certificate",
        pernyataan="diberi lisensi sebagai", pernyataan_en="is licensed as",
    )


# Official templates by the name a flow file's document declaration gives in `template=`.
TEMPLATES = {
    "approval_letter": approval_letter,
    "rejection_letter": rejection_letter,
    "spt_ma_pelatih_rcc": spt("Master Asesor Pelatih", "spt_ma_pelatih", "Melaksanakan upgrading RCC di {org}"),
    "spt_ma_penguji_rcc": spt("Master Asesor Penguji", "spt_ma_penguji", "Melaksanakan asesmen RCC di {org}"),
    "spt_ma_pelatih_askom": spt("Master Asesor Pelatih", "spt_ma_pelatih",
                                "Melatih calon asesor kompetensi di {org}"),
    "spt_ma_penguji_askom": spt("Master Asesor Penguji", "spt_ma_penguji",
                                "Mengases calon asesor kompetensi di {org}"),
    "competency_sk": competency_sk,
    "apresiasi_invitation": invitation("Undangan Apresiasi Lisensi", "Apresiasi persyaratan lisensi LSP"),
    "st_asesmen_penuh": spt("Asesor Lisensi", "st_asesmen_penuh", "Melaksanakan asesmen penuh lisensi di {org}"),
    "pleno_invitation": invitation("Undangan Rapat Pleno Lisensi", "Rapat pleno keputusan lisensi"),
    "licence_rejection_letter": rejection_letter,
    "licence_sk": licence_sk,
    "licence_certificate": licence_certificate,
    "st_penyaksian": spt("Asesor Lisensi", "st_penyaksian", "Melaksanakan penyaksian uji kompetensi di {org}"),
}


def template_of(case: Case, code: str):
    from portal.flows.registry import get_flow

    flow = get_flow(case.flow_code)
    if code not in flow.document_codes:
        return None
    name = flow.document(code).template
    return TEMPLATES.get(name) if name else None


def can_generate(case: Case, code: str) -> bool:
    return template_of(case, code) is not None


def generate_draft(case: Case, work, code: str, actor):
    """Render the draft of `code` for this case and store it as the slot's next version."""
    from portal.cases.documents import upload_document
    from portal.cases.draft_edits import remember
    from portal.cases.errors import CaseError
    from portal.documents.pdf import render_pdf

    builder = template_of(case, code)
    if builder is None:
        raise CaseError(f"Tidak ada templat untuk dokumen {code}.", 400)
    kind, context = builder(case)
    rendered = render_pdf(kind, context)
    box = rendered.signature_box
    version = upload_document(case, code, f"draf-{code.replace(' ', '')}-{case.number}.pdf", rendered.data, actor,
                              work=work, note="Draf dibuat dari templat resmi", check=False,
                              signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2],
                              number_boxes=rendered.number_boxes_json)
    remember(case, version, kind, context)  # the drafter may change it later (portal.cases.draft_edits)
    return version
