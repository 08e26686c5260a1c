"""Lampiran III — Alur Surat Keluar dari WAKA / Anggota BNSP: 1 hari kerja.

The decree's chart has no document legend, so the document codes here are the portal's own.
The member drafts and signs the letter himself: he is named as `penandatangan` when he drafts it,
so the draft waits in his own signing queue (not every member's) and returns to him.
"""
from __future__ import annotations

from portal.flows.definition import END_OK, SLA, DocKind, Flow, Letters, Step, advance, doc, send_back

SURAT_KELUAR_ANGGOTA = Flow(
    code="SKA",
    name="Alur Surat Keluar dari Anggota BNSP",
    lampiran="III",
    number_prefix="SKA",
    legend_from_decree=False,
    letters=Letters("Surat Keluar Anggota", outgoing=True, closed="Terkirim"),
    total_sla=SLA.hr(1),
    total_sla_from="dispatch",
    documents=(
        doc("KONSEP", "Konsep surat beserta lampiran",
            DocKind.LETTER, label="Konsep surat"),
        doc("SURAT_TTD", "Surat yang sudah ditandatangani",
            DocKind.LETTER, label="Surat", signer="penandatangan", draft="KONSEP", series="letter", seen_by=("public",)),
        doc("BUKTI_KIRIM", "Bukti pengiriman surat",
            label="Bukti pengiriman"),
    ),
    steps=(
        Step(
            key="konsep_sign", title="Konsep & tanda tangan",
            roles=("anggota",), lane="WAKA / Anggota BNSP", named_actor="penandatangan",
            produces=("KONSEP",), signs=("SURAT_TTD",), sla=SLA.none(),
            status="Konsep, menunggu tanda tangan {signer}",
            transitions=(advance("dispatch", "Tanda tangani & kirim ke PHU"),),
        ),
        Step(
            key="dispatch", title="Registrasi & kirim",
            roles=("phu",), lane="PHU", supervisor="kasek",
            requires=("SURAT_TTD",), numbers=("SURAT_TTD",), produces=("BUKTI_KIRIM",), sla=SLA.ts(),
            status="Menunggu registrasi & pengiriman PHU",
            transitions=(
                advance(END_OK, "Registrasi & kirim", key="dispatch"),
                send_back("konsep_sign", "Kembalikan ke pengirim"),
            ),
        ),
    ),
)
