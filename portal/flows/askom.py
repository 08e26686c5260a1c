"""Lampiran V — Alur Pelatihan dan Asesmen Asesor Kompetensi (D1–D28).

As RCC, with training led by the MA Pelatih, assessment by the MA Penguji and the pleno by Komisi
Teknis. Every SLA here is an assumption: the decree's chart states none.
"""
from __future__ import annotations

from portal.flows.assessor_request import REQUEST_STEPS
from portal.flows.definition import (
    END_OK, END_REJECTED, SLA, Flow, Step, advance, approve, reject, send_back,
)


ASKOM = Flow(
    code="ASKOM",
    name="Alur Pelatihan dan Asesmen Asesor Kompetensi",
    lampiran="V",
    number_prefix="ASKOM",
    documents=(
        ("D1", "Aplikasi Surat permohonan"),
        ("D2", "Verifikasi dan koordinasi permohonan"),
        ("D3", "Permohonan yang sudah divalidasi disetujui oleh Koor. SDM / Koor. Sertifikasi"),
        ("D4", "Permohonan yang sudah divalidasi tidak disetujui oleh Koor. SDM / Koor. Sertifikasi"),
        ("D5 A", "Aplikasi draf surat persetujuan"),
        ("D5 B", "Aplikasi draf tidak persetujuan permohonan"),
        ("D6 A", "Aplikasi SPT MA Pelatih"),
        ("D6 B", "Aplikasi SPT MA Penguji"),
        ("D7 A", "Surat persetujuan permohonan yang sudah di ttd ketua dan diberi nomor"),
        ("D7 B", "Surat tidak persetujuan permohonan yang sudah di ttd ketua dan diberi nomor"),
        ("D8 A", "SPT MA Pelatih yang sudah di ttd ketua dan diberi nomor"),
        ("D8 B", "SPT MA Penguji yang sudah di ttd ketua dan diberi nomor"),
        ("D9", "Laporan MA Pelatih bawa pelatihan sudah sesuai surat persetujuan dan siap dimulai"),
        ("D10", "Daftar peserta yang direkomendasi untuk sertifikasi asesor kompetensi oleh MA pelatih"),
        ("D11", "Aplikasi permohonan Sertifikasi asesor kompetensi (APL.01.ASKOM)"),
        ("D12", "Rekaman permohonan Sertifikasi asesor kompetensi (APL.01.ASKOM)"),
        ("D13", "Permohonan sertifikasi asesor kompetensi yang sudah dikaji dan divalidasi oleh MA Pelatih"),
        ("D14", "Laporan MA pelatih penugasan pelatihan Askom"),
        ("D15", "Aplikasi Asesmen mandiri (APL.02.ASKOM)"),
        ("D16", "Rekaman Asesmen mandiri (APL.02.ASKOM)"),
        ("D17", "Asesmen mandiri (APL.02.ASKOM) yang sudah dikaji dan validasi MA Penguji"),
        ("D18", "Rekaman asesmen"),
        ("D19", "Laporan asesmen"),
        ("D20", "Laporan MA Penguji penugasan uji kompetensi"),
        ("D21", "Laporan pelaksana pelatihan Askom"),
        ("D22", "Bahan pleno Komisi Teknis (Komtek)"),
        ("D23", "Aplikasi Berita acara pleno Komisi Teknis (Komtek)"),
        ("D24", "Aplikasi draf surat keputusan sertifikasi kompetensi"),
        ("D25", "Surat keputusan sertifikasi kompetensi yang sudah di tanda tangan Ketua dan diberi nomor"),
        ("D26", "Sertifikasi kompetensi asesor kompetensi yang sudah di cetak"),
        ("D27", "Sertifikat asesor kompetensi yang sudah di tanda tangan ketua"),
        ("D28", "Tanda terima sertifikasi kompetensi teknis asesor kompetensi"),
    ),
    steps=(
        # 1–5: request, verification, decision, letters and SPTs, signing, numbering
        *REQUEST_STEPS,
        # 6–9: training by the MA Pelatih named in the SPT
        Step(
            key="readiness", title="Laporan kesiapan: pelatihan sesuai surat persetujuan",
            roles=("ma_pelatih",), lane="MA Pelatih", named_actor="spt_ma_pelatih",
            produces=("D9",),
            transitions=(advance("recommendation", "Kirim laporan"),),
        ),
        Step(
            key="recommendation", title="Daftar peserta yang direkomendasi",
            roles=("ma_pelatih",), lane="MA Pelatih", named_actor="spt_ma_pelatih",
            produces=("D10",),
            transitions=(advance("apl01", "Kirim daftar"),),
        ),
        Step(
            key="apl01", title="Permohonan sertifikasi (APL.01.ASKOM)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D11", "D12"),
            transitions=(advance("review_apl01", "Kirim APL.01"),),
        ),
        Step(
            key="review_apl01", title="Kaji dan validasi APL.01",
            roles=("ma_pelatih",), lane="MA Pelatih", named_actor="spt_ma_pelatih", per="participant",
            requires=("D12",), produces=("D13",),
            transitions=(approve("training_report", "Validasi"), send_back("apl01", "Kembalikan APL.01")),
        ),
        Step(
            key="training_report", title="Laporan penugasan pelatihan Askom",
            roles=("ma_pelatih",), lane="MA Pelatih", named_actor="spt_ma_pelatih",
            produces=("D14",),
            transitions=(advance("apl02", "Kirim laporan"),),
        ),
        # 10–11: self-assessment and assessment by the MA Penguji named in the SPT
        Step(
            key="apl02", title="Asesmen mandiri (APL.02.ASKOM)",
            roles=("peserta",), lane="Peserta", per="participant",
            produces=("D15", "D16"),
            transitions=(advance("review_apl02", "Kirim APL.02"),),
        ),
        Step(
            key="review_apl02", title="Kaji dan validasi APL.02",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji", per="participant",
            requires=("D16",), produces=("D17",),
            transitions=(approve("assessment", "Validasi"), send_back("apl02", "Kembalikan APL.02")),
        ),
        Step(
            key="assessment", title="Asesmen: rekaman dan laporan",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji", per="participant",
            produces=("D18", "D19"),
            transitions=(advance("assignment_report", "Simpan hasil asesmen"),),
        ),
        Step(
            key="assignment_report", title="Laporan penugasan uji kompetensi",
            roles=("ma_penguji",), lane="MA Penguji", named_actor="spt_ma_penguji",
            produces=("D20",),
            transitions=(advance("training_implementation_report", "Kirim laporan"),),
        ),
        # 12–13: report of the organiser, pleno Komisi Teknis
        Step(
            key="training_implementation_report", title="Laporan pelaksana pelatihan Askom",
            roles=("lsp",), lane="Pemohon / LSP",
            produces=("D21",),
            transitions=(advance("pleno_material", "Kirim laporan"),),
        ),
        Step(
            key="pleno_material", title="Bahan pleno Komisi Teknis",
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM",
            produces=("D22",), sla=SLA.hr(2, assumed=True),
            transitions=(advance("pleno", "Ajukan ke pleno"),),
        ),
        Step(
            key="pleno", title="Pleno Komisi Teknis: berita acara dan keputusan per peserta",
            roles=("komtek",), lane="Komisi Teknis",
            requires=("D22",), produces=("D23",),
            transitions=(
                approve("draft_sk", "Tetapkan hasil pleno"),
                reject(END_REJECTED, "Tidak ada peserta yang direkomendasikan", needs=("D23",)),
                send_back("pleno_material", "Kembalikan bahan pleno"),
            ),
        ),
        # 14–16: SK, certificates, receipt
        Step(
            key="draft_sk", title="Draf SK sertifikasi kompetensi",
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM",
            requires=("D23",), produces=("D24",), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_sk", "Ajukan ke Ketua"),),
        ),
        Step(
            key="sign_sk", title="Tanda tangan SK",
            roles=("ketua",), lane="Ketua",
            requires=("D24",), signs=("D25",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("number_sk", "Tanda tangani", key="sign"), send_back("draft_sk")),
        ),
        Step(
            key="number_sk", title="Penomoran SK",
            roles=("phu",), lane="PHU",
            numbers=("D25",), sla=SLA.ts(assumed=True),
            transitions=(advance("print_certificates", "Beri nomor", key="dispatch"),),
        ),
        Step(
            key="print_certificates", title="Sertifikat dibuat untuk setiap peserta dalam SK",
            roles=("system",), lane="Sistem",
            requires=("D25",), produces=("D26",), effects=("generate_certificates",),
            transitions=(advance("sign_certificates", "Sertifikat dibuat", key="generate"),),
        ),
        Step(
            key="sign_certificates", title="Tanda tangan sertifikat (sekaligus)",
            roles=("ketua",), lane="Ketua",
            requires=("D26",), signs=("D27",), sla=SLA.hr(1, assumed=True),
            transitions=(approve("receipt", "Tanda tangani", key="sign"),),
        ),
        Step(
            key="receipt", title="Tanda terima sertifikat",
            roles=("lsp", "peserta"), lane="Pemohon / LSP",
            produces=("D28",),
            transitions=(advance(END_OK, "Sertifikat diterima", key="receive"),),
        ),
    ),
)
