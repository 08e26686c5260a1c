"""Lampiran IV — Alur RCC Asesor Kompetensi (D1–D25): renewal of assessors' certification.

Upgrading and assessment by the Master Asesor named in the SPTs; pleno by Panitia Teknis.
Every SLA here is an assumption: the decree's RCC chart states none.
"""
from __future__ import annotations

from portal.flows.assessor_request import REQUEST_STEPS, certification_steps
from portal.flows.definition import DocKind, Flow, Step, advance, approve, doc, send_back


RCC = Flow(
    code="RCC",
    name="Alur RCC Asesor Kompetensi",
    lampiran="IV",
    number_prefix="RCC",
    service="Recognition of Current Competency (RCC) Asesor Kompetensi",
    documents=(
        doc("D1", "Aplikasi Surat permohonan",
            label="Surat permohonan dan daftar peserta", seen_by=("applicant",)),
        doc("D2", "Verifikasi dan koordinasi permohonan",
            label="Hasil verifikasi permohonan"),
        doc("D3", "Permohonan yang sudah divalidasi disetujui oleh Koor. SDM / Koor. Sertifikasi",
            DocKind.FORM_RECORD, label="Persetujuan Koordinator"),
        doc("D4", "Permohonan yang sudah divalidasi tidak disetujui oleh Koor. SDM / Koor. Sertifikasi",
            DocKind.FORM_RECORD, label="Ketidaksetujuan Koordinator"),
        doc("D5 A", "Aplikasi draf surat persetujuan permohonan",
            DocKind.LETTER, label="Draf surat persetujuan", template="approval_letter"),
        doc("D5 B", "Aplikasi draf surat tidak persetujuan permohonan",
            DocKind.LETTER, label="Draf surat tidak persetujuan", template="rejection_letter"),
        doc("D6 A", "Aplikasi SPT MA Pelatih",
            DocKind.SPT, label="Draf SPT MA Pelatih", template="spt_ma_pelatih_rcc"),
        doc("D6 B", "Aplikasi SPT MA Penguji",
            DocKind.SPT, label="Draf SPT MA Penguji", template="spt_ma_penguji_rcc"),
        doc("D7 A", "Surat persetujuan permohonan yang sudah ditandatangani ketua dan diberi nomor "
                 "(pada saat surat diberi penomoran maka peserta yang disetujui mendapatkan akun "
                 "untuk dapat masuk ke system melihat APL.01 tidak bisa meng-edit dan dapat "
                 "melakukan pengisian asesmen mandiri APL.02.RCC)",
            DocKind.LETTER, label="Surat persetujuan permohonan", signer="ketua", draft="D5 A", series="letter",
            classification="DL.02.00", seen_by=("applicant", "public")),
        doc("D7 B", "Surat tidak persetujuan permohonan yang sudah di ttd ketua dan diberi nomor",
            DocKind.LETTER, label="Surat tidak persetujuan permohonan", signer="ketua", draft="D5 B", series="letter",
            classification="DL.02.00", seen_by=("applicant", "public")),
        doc("D8 A", "SPT MA Pelatih yang sudah di tanda tangan Ketua dan diberi nomor",
            DocKind.SPT, label="SPT MA Pelatih", signer="ketua", draft="D6 A", series="spt", classification="KP.04.00",
            seen_by=("applicant", "assigned", "public")),
        doc("D8 B", "SPT MA Penguji yang sudah di tanda tangan Ketua dan diberi nomor",
            DocKind.SPT, label="SPT MA Penguji", signer="ketua", draft="D6 B", series="spt", classification="KP.04.00",
            seen_by=("applicant", "assigned", "public")),
        doc("D9", "Laporan MA Penguji bahwa upgrading sudah sesuai surat persetujuan dan siap dimulai",
            label="Laporan kesiapan MA", seen_by=("assigned",)),
        doc("D10", "Daftar peserta yang direkomendasi untuk sertifikasi asesor kompetensi oleh MA Penguji",
            DocKind.FORM_RECORD, label="Daftar peserta yang direkomendasi", seen_by=("assigned",)),
        doc("D11", "Rekaman permohonan Sertifikasi asesor kompetensi (APL.01.RCC)",
            DocKind.FORM_RECORD, label="APL.01", seen_by=("participant", "applicant", "assigned")),
        doc("D12", "Aplikasi Asesmen Mandiri (APL.02.RCC)",
            DocKind.FORM_RECORD, label="APL.02", seen_by=("participant", "assigned")),
        doc("D13", "Rekaman Asesmen Mandiri (APL.02.RCC)",
            DocKind.FORM_RECORD, label="Rekaman APL.02", seen_by=("participant", "assigned")),
        doc("D14", "Asesmen Mandiri (APL.02.RCC) yang sudah dikaji dan validasi MA Penguji",
            DocKind.FORM_RECORD, label="APL.02 yang dikaji MA Penguji", seen_by=("participant", "assigned")),
        doc("D15", "Rekaman asesmen",
            DocKind.FORM_RECORD, label="Rekaman asesmen", seen_by=("participant", "assigned")),
        doc("D16", "Laporan asesmen",
            label="Laporan asesmen", seen_by=("assigned",)),
        doc("D17", "Laporan MA Penguji penugasan uji kompetensi",
            label="Laporan penugasan uji kompetensi", seen_by=("assigned",)),
        doc("D18", "Laporan pelaksanaan RCC",
            label="Laporan pelaksanaan RCC", seen_by=("assigned",)),
        doc("D19", "Bahan pleno panitia teknis",
            label="Bahan pleno Panitia Teknis"),
        doc("D20", "Aplikasi Berita acara pleno panitia teknis",
            DocKind.BERITA_ACARA, label="Berita acara pleno Panitia Teknis"),
        doc("D21", "Aplikasi draf surat keputusan sertifikasi kompetensi",
            DocKind.SK, label="Draf SK sertifikasi kompetensi", template="competency_sk"),
        doc("D22", "Surat keputusan sertifikasi kompetensi yang sudah di tanda tangan Ketua dan diberi nomor",
            DocKind.SK, label="SK sertifikasi kompetensi", signer="ketua", draft="D21", series="sk",
            seen_by=("applicant", "public")),
        doc("D23", "Sertifikasi kompetensi asesor kompetensi yang sudah di cetak",
            DocKind.CERTIFICATE, label="Sertifikat kompetensi (cetak)"),
        doc("D24", "Sertifikat kompetensi asesor kompetensi yang sudah di tandatangan Ketua",
            DocKind.CERTIFICATE, label="Sertifikat kompetensi", signer="ketua", draft="D23",
            seen_by=("participant", "applicant", "public")),
        doc("D25", "Tanda terima sertifikasi kompetensi teknis asesor kompetensi",
            label="Tanda terima sertifikat", seen_by=("applicant",)),
    ),
    steps=(
        # 1–5: request, verification, decision, letters and SPTs, signing, numbering
        *REQUEST_STEPS,
        # 6–12: upgrading and assessment by the MA Penguji named in the SPT. The MA Pelatih leads the
        # upgrading under his SPT (D8 A), but the decree's chart gives him no box of his own (D9 and D10
        # come from the MA Penguji), so he is named for the SPT only and has no step here.
        Step(
            key="readiness", title="Laporan kesiapan: upgrading sesuai surat persetujuan",
            roles=("ma_penguji",), lane="MA Penguji", supervisor="koor_sdm", named_actor="spt_ma_penguji",
            produces=("D9",),
            transitions=(advance("recommendation", "Kirim laporan"),),
        ),
        Step(
            key="recommendation", title="Daftar peserta yang direkomendasi",
            roles=("ma_penguji",), lane="MA Penguji", supervisor="koor_sdm", named_actor="spt_ma_penguji",
            produces=("D10",), form="rekomendasi",
            transitions=(advance("apl01", "Kirim daftar"),),
        ),
        # APL.01.RCC is the request as approved: after D7 A the participant reads it (read-only, as D7 A
        # says) and confirms it; form "apl01" renders it into D11.
        Step(
            form="apl01", key="apl01", title="Rekaman permohonan (APL.01.RCC)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D11",),
            transitions=(advance("apl02", "Konfirmasi APL.01"),),
        ),
        Step(
            form="apl02", key="apl02", title="Asesmen mandiri (APL.02.RCC)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D12", "D13"),
            transitions=(advance("review_apl02", "Kirim APL.02"),),
        ),
        Step(
            key="review_apl02", title="Kaji dan validasi APL.02", form="kaji_apl02",
            roles=("ma_penguji",), lane="MA Penguji", supervisor="koor_sdm", named_actor="spt_ma_penguji", per="participant",
            requires=("D13",), produces=("D14",),
            transitions=(approve("assessment", "Validasi"), send_back("apl02", "Kembalikan APL.02")),
        ),
        Step(
            key="assessment", title="Asesmen: rekaman dan laporan", form="hasil_asesmen",
            roles=("ma_penguji",), lane="MA Penguji", supervisor="koor_sdm", named_actor="spt_ma_penguji", per="participant",
            produces=("D15", "D16"),
            transitions=(advance("assignment_report", "Simpan hasil asesmen"),),
        ),
        Step(
            key="assignment_report", title="Laporan penugasan uji kompetensi",
            roles=("ma_penguji",), lane="MA Penguji", supervisor="koor_sdm", named_actor="spt_ma_penguji",
            produces=("D17",),
            transitions=(advance("rcc_report", "Kirim laporan"),),
        ),
        # 13–15: report of the organiser, pleno Panitia Teknis
        Step(
            key="rcc_report", title="Laporan pelaksanaan RCC",
            roles=("lsp",), lane="Pemohon / LSP",
            produces=("D18",),
            transitions=(advance("pleno_material", "Kirim laporan"),),
        ),
        *certification_steps(
            pleno_role="pantek", pleno_lane="Panitia Teknis", material_title="Bahan pleno panitia teknis",
            codes=("D19", "D20", "D21", "D22", "D23", "D24", "D25"),
        ),
    ),
)
