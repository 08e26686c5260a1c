"""Lampiran IV — Alur RCC Asesor Kompetensi (D1–D25): renewal of assessors' certification.

Upgrading and assessment by the Master Asesor named in the SPTs; pleno by Panitia Teknis.
Every SLA here is an assumption: the decree's RCC chart states none.
"""
from __future__ import annotations

from portal.flows.assessor_request import REQUEST_STEPS
from portal.flows.definition import (
    END_OK, END_REJECTED, SLA, Flow, Step, advance, approve, reject, send_back,
)


RCC = Flow(
    code="RCC",
    name="Alur RCC Asesor Kompetensi",
    lampiran="IV",
    number_prefix="RCC",
    documents=(
        ("D1", "Aplikasi Surat permohonan"),
        ("D2", "Verifikasi dan koordinasi permohonan"),
        ("D3", "Permohonan yang sudah divalidasi disetujui oleh Koor. SDM / Koor. Sertifikasi"),
        ("D4", "Permohonan yang sudah divalidasi tidak disetujui oleh Koor. SDM / Koor. Sertifikasi"),
        ("D5 A", "Aplikasi draf surat persetujuan permohonan"),
        ("D5 B", "Aplikasi draf surat tidak persetujuan permohonan"),
        ("D6 A", "Aplikasi SPT MA Pelatih"),
        ("D6 B", "Aplikasi SPT MA Penguji"),
        ("D7 A", "Surat persetujuan permohonan yang sudah ditandatangani ketua dan diberi nomor "
                 "(pada saat surat diberi penomoran maka peserta yang disetujui mendapatkan akun "
                 "untuk dapat masuk ke system melihat APL.01 tidak bisa meng-edit dan dapat "
                 "melakukan pengisian asesmen mandiri APL.02.ASKOM)"),
        ("D7 B", "Surat tidak persetujuan permohonan yang sudah di ttd ketua dan diberi nomor"),
        ("D8 A", "SPT MA Pelatih yang sudah di tanda tangan Ketua dan diberi nomor"),
        ("D8 B", "SPT MA Penguji yang sudah di tanda tangan Ketua dan diberi nomor"),
        ("D9", "Laporan MA Penguji bahwa upgrading sudah sesuai surat persetujuan dan siap dimulai"),
        ("D10", "Daftar peserta yang direkomendasi untuk sertifikasi asesor kompetensi oleh MA Penguji"),
        ("D11", "Rekaman permohonan Sertifikasi asesor kompetensi (APL.01.RCC)"),
        ("D12", "Aplikasi Asesmen Mandiri (APL.02.RCC)"),
        ("D13", "Rekaman Asesmen Mandiri (APL.02.RCC)"),
        ("D14", "Asesmen Mandiri (APL.02.RCC) yang sudah dikaji dan validasi MA Penguji"),
        ("D15", "Rekaman asesmen"),
        ("D16", "Laporan asesmen"),
        ("D17", "Laporan MA Penguji penugasan uji kompetensi"),
        ("D18", "Laporan pelaksanaan RCC"),
        ("D19", "Bahan pleno panitia teknis"),
        ("D20", "Aplikasi Berita acara pleno panitia teknis"),
        ("D21", "Aplikasi draf surat keputusan sertifikasi kompetensi"),
        ("D22", "Surat keputusan sertifikasi kompetensi yang sudah di tanda tangan Ketua dan diberi nomor"),
        ("D23", "Sertifikasi kompetensi asesor kompetensi yang sudah di cetak"),
        ("D24", "Sertifikat kompetensi asesor kompetensi yang sudah di tandatangan Ketua"),
        ("D25", "Tanda terima sertifikasi kompetensi teknis asesor kompetensi"),
    ),
    steps=(
        # 1–5: request, verification, decision, letters and SPTs, signing, numbering
        *REQUEST_STEPS,
        # 6–12: upgrading and assessment by the MA Penguji named in the SPT
        Step(
            key="readiness", title="Laporan kesiapan: upgrading sesuai surat persetujuan",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji",
            produces=("D9",),
            transitions=(advance("recommendation", "Kirim laporan"),),
        ),
        Step(
            key="recommendation", title="Daftar peserta yang direkomendasi",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji",
            produces=("D10",),
            transitions=(advance("apl01", "Kirim daftar"),),
        ),
        Step(
            key="apl01", title="Rekaman permohonan (APL.01.RCC)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D11",),
            transitions=(advance("apl02", "Konfirmasi APL.01"),),
        ),
        Step(
            key="apl02", title="Asesmen mandiri (APL.02.RCC)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D12", "D13"),
            transitions=(advance("review_apl02", "Kirim APL.02"),),
        ),
        Step(
            key="review_apl02", title="Kaji dan validasi APL.02",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji", per="participant",
            requires=("D13",), produces=("D14",),
            transitions=(approve("assessment", "Validasi"), send_back("apl02", "Kembalikan APL.02")),
        ),
        Step(
            key="assessment", title="Asesmen: rekaman dan laporan",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji", per="participant",
            produces=("D15", "D16"),
            transitions=(advance("assignment_report", "Simpan hasil asesmen"),),
        ),
        Step(
            key="assignment_report", title="Laporan penugasan uji kompetensi",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji",
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
        Step(
            key="pleno_material", title="Bahan pleno panitia teknis",
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM",
            produces=("D19",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("pleno", "Ajukan ke pleno"),),
        ),
        Step(
            key="pleno", title="Pleno Panitia Teknis: berita acara dan keputusan per peserta",
            roles=("pantek",), lane="Panitia Teknis",
            requires=("D19",), produces=("D20",),
            transitions=(
                approve("draft_sk", "Tetapkan hasil pleno"),
                reject(END_REJECTED, "Tidak ada peserta yang direkomendasikan", needs=("D20",)),
                send_back("pleno_material", "Kembalikan bahan pleno"),
            ),
        ),
        # 16–20: SK, certificates, receipt
        Step(
            key="draft_sk", title="Draf SK sertifikasi kompetensi",
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM",
            requires=("D20",), produces=("D21",), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_sk", "Ajukan ke Ketua"),),
        ),
        Step(
            key="sign_sk", title="Tanda tangan SK",
            roles=("ketua",), lane="Ketua",
            requires=("D21",), signs=("D22",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("number_sk", "Tanda tangani", key="sign"), send_back("draft_sk")),
        ),
        Step(
            key="number_sk", title="Penomoran SK",
            roles=("phu",), lane="PHU",
            numbers=("D22",), sla=SLA.ts(assumed=True),
            transitions=(advance("print_certificates", "Beri nomor", key="dispatch"),),
        ),
        Step(
            key="print_certificates", title="Sertifikat dibuat untuk setiap peserta dalam SK",
            roles=("system",), lane="Sistem",
            requires=("D22",), produces=("D23",), effects=("generate_certificates",),
            transitions=(advance("sign_certificates", "Sertifikat dibuat", key="generate"),),
        ),
        Step(
            key="sign_certificates", title="Tanda tangan sertifikat (sekaligus)",
            roles=("ketua",), lane="Ketua",
            requires=("D23",), signs=("D24",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("receipt", "Tanda tangani", key="sign"),),
        ),
        Step(
            key="receipt", title="Tanda terima sertifikat",
            roles=("lsp", "peserta"), lane="Pemohon / LSP",
            produces=("D25",),
            transitions=(advance(END_OK, "Sertifikat diterima", key="receive"),),
        ),
    ),
)
