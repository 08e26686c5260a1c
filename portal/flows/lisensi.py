"""Lampiran VI — Alur Lisensi Awal (D1–D33): initial licence of a Calon LSP (CLSP).

Stages as in the chart: Apresiasi, dokumen lisensi, asesmen kecukupan, asesmen penuh, Pantek,
Pleno, keputusan, penyaksian uji, serah terima. After the SK the case runs two branches in
parallel: handover of the SK, and the witnessing of a competency test; the licence certificate
(D23c) is handed over only when both are done, i.e. after the witnessing LKS is satisfactory (D31).
Only the 15-day LKS rule comes from the decree; the other SLAs are assumptions.

Each of the three assessments writes its LKS as a record with findings (desk audit D10, full
assessment D14, witnessing D30); findings are answered by the CLSP and closed by the team one by
one, and the case moves on when none is left open. The decree's legend names the correction
document of the full assessment (D15) and of the witnessing (D31) but none for the desk audit:
"D10 P" is ours, so that a desk-audit finding has its own answer slot. The 15-day rule is the
decree's for the full assessment's LKS (D15) only.
"""
from __future__ import annotations

from portal.flows.definition import (
    END_OK, END_REJECTED, SLA, DocKind, Flow, Step, Timer, advance, approve, doc, reject, send_back, withdraw,
)

CLSP = "CLSP / LSP"

LISENSI = Flow(
    code="LIS",
    name="Alur Lisensi",
    lampiran="VI",
    number_prefix="LIS",
    service="Lisensi Lembaga Sertifikasi Profesi",
    documents=(
        doc("D1", "Dokumen yang berupa persyaratan apresiasi", DocKind.FORM_RECORD,
            label="Persyaratan apresiasi", seen_by=("applicant",)),
        doc("D2", "Dokumen perbaikan kelengkapan dokumen Apresiasi LSP sesuai check list kelengkapan "
               "dokumen Apresiasi dilampiri D1 ( Form Ceklist )",
            DocKind.FORM_RECORD, label="Hasil pemeriksaan check list apresiasi", seen_by=("applicant",)),
        doc("D3", "Dokumen yang berupa draft surat undangan apresiasi yang sudah disetujui.",
            DocKind.UNDANGAN, label="Draf undangan apresiasi", template="apresiasi_invitation"),
        doc("D4", "Dokumen yang berupa surat undangan apresiasi yang sudah ditandatangani",
            DocKind.UNDANGAN, label="Undangan apresiasi", signer="penandatangan", draft="D3", series="letter",
            classification="LS.01.00", seen_by=("applicant", "public")),
        doc("D5", "Dokumen yang berupa Berita acara Apresiasi dan bukti tanda terima Kode Akses input "
               "dokumen ke sistem BNSP",
            DocKind.BERITA_ACARA, label="Berita acara apresiasi", seen_by=("applicant",)),
        doc("D6", "Dokumen yang berupa perbaikan apresiasi dan kelengkapan dokumen lisensi sesuai dengan "
               "persyaratan pendirian LSP",
            DocKind.FORM_RECORD, label="Dokumen lisensi", seen_by=("applicant", "assigned")),
        doc("D7", "Dokumen yang berupa perbaikan kelengkapan dokumen Lisensi LSP sesuai check list "
               "kelengkapan dokumen pendirian LSP",
            DocKind.FORM_RECORD, label="Hasil pemeriksaan check list dokumen lisensi", seen_by=("applicant",)),
        doc("D8", "Dokumen untuk Asesmen Kecukupan (desk audit)",
            label="Dokumen asesmen kecukupan", seen_by=("applicant", "assigned")),
        doc("D9", "Dokumen yang berupa persetujuan pelaksanaan audit kecukupan LSP oleh Ketua Tim "
               "Asesmen Kecukupan",
            label="Persetujuan asesmen kecukupan", seen_by=("assigned",)),
        doc("D10", "Dokumen yang berupa LKS hasil asesmen kecukupan dokumen oleh Asesmen Kecukupan",
            DocKind.FORM_RECORD, label="LKS asesmen kecukupan", seen_by=("applicant", "assigned")),
        doc("D10 P", "Perbaikan temuan LKS asesmen kecukupan dan LKS closed (tidak tercantum dalam legenda "
                     "keputusan; slot jawaban CLSP per temuan asesmen kecukupan)",
            DocKind.FORM_RECORD, label="Perbaikan temuan asesmen kecukupan", seen_by=("applicant", "assigned")),
        doc("D11", "Dokumen yang berupa draf penjadwalan asesmen",
            label="Draf jadwal asesmen"),
        doc("D12", "Dokumen yang berupa draf Surat Pemberitahuan Pelaksanaan Asesmen dan Surat Tugas "
                "Asesmen Penuh, dilampiri D10 1",
            DocKind.SPT, label="Draf Surat Tugas asesmen penuh", template="st_asesmen_penuh"),
        doc("D13", "Dokumen yang berupa Surat Tugas Asesmen Penuh dilampiri D10",
            DocKind.SPT, label="Surat Tugas asesmen penuh", signer="ketua", draft="D12", series="spt",
            classification="KP.04.00", seen_by=("applicant", "assigned", "public")),
        doc("D14", "Dokumen yang berupa daftar hadir dan LKS Asesmen Lisensi Awal",
            DocKind.FORM_RECORD, label="LKS asesmen penuh", seen_by=("applicant", "assigned")),
        doc("D15", "Dokumen yang berupa perbaikan LKS hasil asesmen penuh dan LKS Closed (jika lebih dari "
                "15 hari menjadi kebijakan anggota pada rapat pleno)",
            DocKind.FORM_RECORD, label="Perbaikan temuan LKS", seen_by=("applicant", "assigned")),
        doc("D16", "Dokumen yang berupa bahan pantek (FR.09) dan dilampiri LKS Close (D15)",
            label="Bahan pantek (FR.09)", seen_by=("assigned",)),
        doc("D17", "Dokumen yang berupa bahan pantek ( FR.09) yang diperbaiki oleh Tim Asesor yang ditugaskan",
            label="Perbaikan bahan pantek (FR.09)", seen_by=("assigned",)),
        doc("D18", "Dokumen yang berupa Hasil pantek (bahan pleno) yang sudah di validasi oleh Tim pantek",
            label="Hasil pantek (bahan pleno)"),
        doc("D19", "Dokumen yang berupa Draft Surat Undangan Rapat Pleno",
            DocKind.UNDANGAN, label="Draf undangan rapat pleno", template="pleno_invitation"),
        doc("D20", "Dokumen yang berupa Surat Undangan Pleno",
            DocKind.UNDANGAN, label="Undangan rapat pleno", signer="ketua", draft="D19", series="letter",
            classification="LS.01.00"),
        doc("D21", "Dokumen yang berupa Berita acara Hasil pleno",
            DocKind.BERITA_ACARA, label="Berita acara hasil pleno"),
        doc("D22a", "Dokumen yang berupa Draf surat Pemberitahuan Penolakan Lisensi",
            DocKind.LETTER, label="Draf pemberitahuan penolakan lisensi", template="licence_rejection_pleno"),
        doc("D22b", "Dokumen yang berupa Draf SK Lisensi",
            DocKind.SK, label="Draf SK Lisensi", template="licence_sk_scope"),
        doc("D22c", "Dokumen yang berupa Draf Sertifikat Lisensi",
            DocKind.LICENCE_CERTIFICATE, label="Draf sertifikat lisensi", template="licence_certificate_scope"),
        doc("D23a", "Dokumen yang berupa surat Pemberitahuan Penolakan Lisensi",
            DocKind.LETTER, label="Pemberitahuan penolakan lisensi", signer="ketua", draft="D22a", series="letter",
            classification="LS.01.00", seen_by=("applicant", "public")),
        doc("D23b", "Dokumen yang berupa SK Lisensi",
            DocKind.SK, label="SK Lisensi", signer="ketua", draft="D22b", series="sk", seen_by=("applicant", "public")),
        doc("D23c", "Dokumen yang berupa Sertifikat Lisensi",
            DocKind.LICENCE_CERTIFICATE, label="Sertifikat Lisensi", signer="ketua", draft="D22c", series="licence",
            seen_by=("applicant", "public")),
        doc("D24", "Dokumen yang berupa Berita Acara Serah Terima SK Lisensi",
            DocKind.BERITA_ACARA, label="Berita acara serah terima SK Lisensi", seen_by=("applicant",)),
        doc("D25", "Dokumen yang berupa penerimaan Berita Acara Serah Terima SK Lisensi oleh PHU",
            label="Penerimaan serah terima SK oleh PHU"),
        doc("D26", "Dokumen yang berupa Surat Pengajuan Penyaksian Uji Kompetensi Oleh LSP",
            label="Surat pengajuan penyaksian uji", seen_by=("applicant",)),
        doc("D27", "Dokumen yang berupa draf penjadwalan Penyaksian Uji Kompetensi",
            label="Draf jadwal penyaksian uji"),
        doc("D28", "Dokumen yang berupa Draf Surat Pemberitahuan Pelaksanaan Uji Kompetensi dan Draft "
                "Surat Tugas Penyaksian Uji",
            DocKind.SPT, label="Draf Surat Tugas penyaksian uji", template="st_penyaksian"),
        doc("D29", "Dokumen yang berupa Surat Pemberitahuan Pelaksanaan Uji Kompetensi dan Surat Tugas "
                "penyaksian uji",
            DocKind.SPT, label="Surat Tugas penyaksian uji", signer="ketua", draft="D28", series="spt",
            classification="KP.04.00", seen_by=("applicant", "assigned", "public")),
        doc("D30", "Dokumen yang berupa hasil LKS dan daftar hadir penyaksian uji",
            DocKind.FORM_RECORD, label="LKS penyaksian uji", seen_by=("applicant", "assigned")),
        doc("D31", "Dokumen yang berupa perbaikan penyaksian uji dan LKS status memuaskan (close)",
            DocKind.FORM_RECORD, label="Perbaikan temuan penyaksian uji", seen_by=("applicant", "assigned")),
        doc("D32", "Dokumen yang berupa berita acara serah terima sertifikat Lisensi LSP",
            DocKind.BERITA_ACARA, label="Berita acara serah terima sertifikat lisensi", seen_by=("applicant",)),
        doc("D33", "Dokumen yang berupa Berita Acara Penerimaan Sertifikat Lisensi oleh PHU",
            label="Penerimaan sertifikat lisensi oleh PHU"),
    ),
    timers=(
        Timer(
            key="lks_15_hari",
            label="LKS belum closed lebih dari 15 {hari}: diputuskan anggota pada rapat pleno",
            steps=("lks_correction", "lks_verification"),
            after=SLA.hr(15),
            flag="lks_lewat_15_hari",
            target="draft_pleno_invitation",
        ),
    ),
    steps=(
        # Apresiasi
        Step(
            key="apresiasi_requirements", title="Pengajuan persyaratan apresiasi",
            roles=("lsp",), lane=CLSP, stage="Apresiasi",
            produces=("D1",),
            form="persyaratan_apresiasi",
            transitions=(advance("apresiasi_check", "Ajukan"), withdraw()),
        ),
        Step(
            key="apresiasi_check", title="Pemeriksaan kelengkapan dokumen apresiasi (check list)",
            roles=("cs",), lane="Customer Service", supervisor="kabag", stage="Apresiasi",
            requires=("D1",), produces=("D2",), sla=SLA.hr(2, assumed=True),
            form="cek_apresiasi",
            transitions=(advance("draft_apresiasi_invitation", "Lengkap"), send_back("apresiasi_requirements"),
                         withdraw()),
        ),
        Step(
            key="draft_apresiasi_invitation", title="Draf surat undangan apresiasi",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Apresiasi",
            produces=("D3",), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_apresiasi_invitation", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_apresiasi_invitation", title="Tanda tangan surat undangan apresiasi (Ketua / Kasek)",
            roles=("ketua", "kasek"), lane="Ketua", stage="Apresiasi", named_actor="penandatangan",
            requires=("D3",), signs=("D4",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("apresiasi", "Tanda tangani", key="sign"), send_back("draft_apresiasi_invitation")),
        ),
        Step(
            key="apresiasi", title="Apresiasi: berita acara dan tanda terima kode akses",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Apresiasi",
            produces=("D5",), effects=("issue_access_code",),
            form="berita_acara_apresiasi",
            transitions=(advance("licence_documents", "Apresiasi selesai"), withdraw()),
        ),
        # Dokumen lisensi
        Step(
            key="licence_documents", title="Perbaikan apresiasi dan unggah dokumen lisensi",
            roles=("lsp",), lane=CLSP, stage="Dokumen lisensi",
            produces=("D6",),
            form="persyaratan_lisensi",
            transitions=(advance("licence_check", "Ajukan dokumen"), withdraw()),
        ),
        Step(
            key="licence_check", title="Pemeriksaan kelengkapan dokumen lisensi (check list)",
            roles=("cs",), lane="Customer Service", supervisor="kabag", stage="Dokumen lisensi",
            requires=("D6",), produces=("D7",), sla=SLA.hr(2, assumed=True),
            form="cek_lisensi",
            transitions=(advance("desk_audit_documents", "Lengkap"), send_back("licence_documents"), withdraw()),
        ),
        # Asesmen kecukupan (desk audit)
        Step(
            key="desk_audit_documents", title="Dokumen untuk asesmen kecukupan",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Asesmen kecukupan",
            produces=("D8",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("desk_audit_approval", "Kirim ke Ketua Tim"),),
        ),
        Step(
            key="desk_audit_approval", title="Persetujuan asesmen kecukupan oleh Ketua Tim",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Asesmen kecukupan",
            named_actor="ketua_tim_kecukupan",
            requires=("D8",), produces=("D9",), sla=SLA.hr(2, assumed=True),
            transitions=(approve("desk_audit", "Setujui pelaksanaan"),
                         send_back("desk_audit_documents", "Kembalikan dokumen")),
        ),
        Step(
            key="desk_audit", title="Asesmen kecukupan: LKS",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Asesmen kecukupan",
            named_actor="tim_kecukupan",
            produces=("D10",), sla=SLA.hr(5, assumed=True),
            form="lks_kecukupan",
            transitions=(advance("desk_audit_correction", "Kirim LKS"),),
        ),
        Step(
            key="desk_audit_correction", title="Perbaikan temuan LKS asesmen kecukupan oleh CLSP",
            roles=("lsp",), lane=CLSP, stage="Asesmen kecukupan", per="finding",
            produces=("D10 P",),
            form="jawaban_temuan",
            transitions=(advance("desk_audit_verification", "Kirim perbaikan"),),
        ),
        Step(
            key="desk_audit_verification", title="Verifikasi perbaikan asesmen kecukupan: LKS closed",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Asesmen kecukupan",
            per="finding", named_actor="tim_kecukupan",
            requires=("D10 P",), sla=SLA.hr(2, assumed=True),
            transitions=(approve("draft_assignment", "LKS closed", key="close"),
                         send_back("desk_audit_correction", "Perbaikan belum memadai")),
        ),
        # Asesmen penuh (full assessment)
        Step(
            key="draft_assignment", title="Draf jadwal, pemberitahuan dan Surat Tugas asesmen penuh",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Asesmen penuh",
            requires=("D10",), produces=("D11", "D12"), sla=SLA.hr(2, assumed=True),
            transitions=(advance("sign_assignment", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_assignment", title="Tanda tangan Surat Tugas asesmen penuh",
            roles=("ketua",), lane="Ketua", stage="Asesmen penuh",
            requires=("D12",), signs=("D13",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("full_assessment", "Tanda tangani", key="sign"), send_back("draft_assignment")),
        ),
        Step(
            key="full_assessment", title="Asesmen penuh: daftar hadir dan LKS",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Asesmen penuh",
            named_actor="st_asesmen_penuh",
            requires=("D13",), produces=("D14",),
            form="lks_penuh",
            transitions=(advance("lks_correction", "Kirim LKS"),),
        ),
        Step(
            key="lks_correction", title="Perbaikan temuan LKS oleh CLSP",
            roles=("lsp",), lane=CLSP, stage="Asesmen penuh", per="finding",
            produces=("D15",),
            form="jawaban_temuan",
            transitions=(advance("lks_verification", "Kirim perbaikan"),),
        ),
        Step(
            key="lks_verification", title="Verifikasi perbaikan: LKS closed",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Asesmen penuh", per="finding",
            named_actor="st_asesmen_penuh",
            requires=("D15",), sla=SLA.hr(2, assumed=True),
            transitions=(approve("pantek_material", "LKS closed", key="close"),
                         send_back("lks_correction", "Perbaikan belum memadai")),
        ),
        # Panitia Teknis
        Step(
            key="pantek_material", title="Bahan pantek (FR.09) dengan LKS closed",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Pantek", named_actor="st_asesmen_penuh",
            produces=("D16",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("pantek_validation", "Kirim ke Pantek"),),
        ),
        # Panitia Teknis reviews FR.09 and validates it or asks the team for corrections with notes;
        # the team corrects only then (the decree's order), and the corrected material goes back to Pantek.
        Step(
            key="pantek_correction", title="Perbaikan bahan pantek (FR.09) oleh tim yang ditugaskan",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Pantek", named_actor="st_asesmen_penuh",
            produces=("D17",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("pantek_validation", "Kirim perbaikan ke Pantek"),),
        ),
        Step(
            key="pantek_validation", title="Telaah dan validasi bahan pantek (bahan pleno)",
            roles=("pantek",), lane="Panitia Teknis", supervisor="kabag", stage="Pantek",
            requires=("D16",), produces=("D18",), sla=SLA.hr(2, assumed=True),
            transitions=(approve("draft_pleno_invitation", "Validasi"),
                         send_back("pantek_correction", "Minta perbaikan ke tim asesor")),
        ),
        # Pleno
        Step(
            key="draft_pleno_invitation", title="Draf surat undangan rapat pleno",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Pleno",
            produces=("D19",), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_pleno_invitation", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_pleno_invitation", title="Tanda tangan surat undangan pleno",
            roles=("ketua",), lane="Ketua", stage="Pleno",
            requires=("D19",), signs=("D20",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("pleno", "Tanda tangani", key="sign"), send_back("draft_pleno_invitation")),
        ),
        Step(
            key="pleno", title="Rapat pleno: berita acara hasil pleno",
            roles=("anggota", "ketua"), lane="Anggota BNSP", stage="Pleno",
            produces=("D21",), form="pleno_lisensi",
            transitions=(
                approve("draft_sk", "Lisensi diberikan"),
                reject("draft_rejection", "Lisensi ditolak", needs=("D21",)),
            ),
        ),
        # Keputusan
        Step(
            key="draft_rejection", title="Draf surat pemberitahuan penolakan lisensi",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Keputusan",
            requires=("D21",), produces=("D22a",), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_rejection", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_rejection", title="Tanda tangan surat pemberitahuan penolakan lisensi",
            roles=("ketua",), lane="Ketua", stage="Keputusan",
            requires=("D22a",), signs=("D23a",), sla=SLA.hr(1, assumed=True),
            transitions=(approve(END_REJECTED, "Tanda tangani & kirim", key="sign"), send_back("draft_rejection")),
        ),
        Step(
            key="draft_sk", title="Draf SK Lisensi dan sertifikat lisensi",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Keputusan",
            requires=("D21",), produces=("D22b", "D22c"), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_sk", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_sk", title="Tanda tangan SK Lisensi dan sertifikat lisensi",
            roles=("ketua",), lane="Ketua", stage="Keputusan",
            requires=("D22b", "D22c"), signs=("D23b", "D23c"), sla=SLA.hr(1, assumed=True),
            transitions=(
                approve("sk_handover", "Tanda tangani", key="sign", fork=("witnessing_request",)),
                send_back("draft_sk"),
            ),
        ),
        Step(
            key="sk_handover", title="Berita acara serah terima SK Lisensi",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Keputusan",
            requires=("D23b",), produces=("D24",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("sk_receipt", "Serahkan ke PHU"),),
        ),
        Step(
            key="sk_receipt", title="Penerimaan serah terima SK Lisensi oleh PHU",
            roles=("phu",), lane="PHU", supervisor="kasek", stage="Keputusan",
            requires=("D24",), produces=("D25",), sla=SLA.ts(assumed=True),
            transitions=(advance("certificate_handover", "Terima"),),
        ),
        # Penyaksian uji kompetensi, in parallel with the SK handover
        Step(
            key="witnessing_request", title="Pengajuan penyaksian uji kompetensi",
            roles=("lsp",), lane=CLSP, stage="Penyaksian uji",
            produces=("D26",),
            transitions=(advance("draft_witnessing", "Ajukan"),),
        ),
        Step(
            key="draft_witnessing", title="Draf jadwal, pemberitahuan dan Surat Tugas penyaksian uji",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Penyaksian uji",
            requires=("D26",), produces=("D27", "D28"), sla=SLA.hr(2, assumed=True),
            transitions=(advance("sign_witnessing", "Ajukan tanda tangan"),),
        ),
        Step(
            key="sign_witnessing", title="Tanda tangan pemberitahuan dan Surat Tugas penyaksian uji",
            roles=("ketua",), lane="Ketua", stage="Penyaksian uji",
            requires=("D28",), signs=("D29",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("witnessing", "Tanda tangani", key="sign"), send_back("draft_witnessing")),
        ),
        Step(
            key="witnessing", title="Penyaksian uji: LKS dan daftar hadir",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Penyaksian uji",
            named_actor="st_penyaksian",
            requires=("D29",), produces=("D30",),
            form="lks_penyaksian",
            transitions=(advance("witnessing_correction", "Kirim LKS"),),
        ),
        Step(
            key="witnessing_correction", title="Perbaikan temuan penyaksian uji oleh LSP",
            roles=("lsp",), lane=CLSP, stage="Penyaksian uji", per="finding",
            produces=("D31",),
            form="jawaban_temuan",
            transitions=(advance("witnessing_verification", "Kirim perbaikan"),),
        ),
        Step(
            key="witnessing_verification", title="Verifikasi perbaikan: LKS memuaskan (close)",
            roles=("asesor_lisensi",), lane="Asesor Lisensi", supervisor="kabag", stage="Penyaksian uji", per="finding",
            named_actor="st_penyaksian",
            requires=("D31",), sla=SLA.hr(2, assumed=True),
            transitions=(approve("certificate_handover", "LKS memuaskan (close)", key="close"),
                         send_back("witnessing_correction", "Perbaikan belum memadai")),
        ),
        # Serah terima sertifikat: only when the SK is handed over and the witnessing is satisfactory
        Step(
            key="certificate_handover", title="Berita acara serah terima sertifikat lisensi",
            roles=("staf_lisensi",), lane="Staf Lisensi", supervisor="kabag", stage="Serah terima", join=True,
            requires=("D23c",), produces=("D32",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("certificate_receipt", "Serahkan ke PHU"),),
        ),
        Step(
            key="certificate_receipt", title="Penerimaan sertifikat lisensi oleh PHU",
            roles=("phu",), lane="PHU", supervisor="kasek", stage="Serah terima",
            requires=("D32",), produces=("D33",), sla=SLA.ts(assumed=True),
            transitions=(advance(END_OK, "Terima", key="receive"),),
        ),
    ),
)
