"""Lampiran II — Alur Surat Keluar dari Sekretariat: 2 hari kerja from submitted draft to letter sent.

The decree's chart has no document legend, so the document codes here are the portal's own.
Every letter's state and due time is visible to its sender and to PHU (monitoring).
"""
from __future__ import annotations

from portal.flows.definition import END_OK, SLA, DocKind, Flow, Letters, Step, advance, approve, doc, send_back

UNIT_PENGONSEP = ("staf_sertifikasi", "koor_sertifikasi", "koor_sdm", "staf_lisensi", "cs", "phu",
                  "kabag")

SURAT_KELUAR_SEKRETARIAT = Flow(
    code="SKS",
    name="Alur Surat Keluar dari Sekretariat",
    lampiran="II",
    number_prefix="SKS",
    legend_from_decree=False,
    letters=Letters("Surat Keluar Sekretariat", outgoing=True, closed="Terkirim"),
    total_sla=SLA.hr(2),
    total_sla_from="paraf_kabag",
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
            key="konsep", title="Konsep surat",
            roles=UNIT_PENGONSEP, lane="Unit pengonsep", named_actor="pengonsep",
            produces=("KONSEP",), sla=SLA.none(),
            status="Konsep",
            transitions=(advance("paraf_kabag", "Ajukan konsep"),),
        ),
        Step(
            key="paraf_kabag", title="Koreksi & paraf Kepala Bagian",
            roles=("kabag",), lane="Kepala Bagian", supervisor="kasek",
            requires=("KONSEP",), sla=SLA.ts(assumed=True),
            status="Menunggu paraf Kepala Bagian",
            transitions=(approve("paraf_kasek", "Paraf"), send_back("konsep")),
        ),
        Step(
            key="paraf_kasek", title="Paraf Kepala Sekretariat",
            roles=("kasek",), lane="Kepala Sekretariat",
            requires=("KONSEP",), sla=SLA.ts(assumed=True),
            status="Menunggu paraf Kepala Sekretariat",
            transitions=(approve("sign", "Paraf"), send_back("konsep")),
        ),
        Step(
            key="sign", title="Tanda tangan surat",
            roles=("kasek", "ketua"), lane="Penandatangan (Kasek / Ketua)", named_actor="penandatangan",
            requires=("KONSEP",), signs=("SURAT_TTD",), sla=SLA.hr(1, assumed=True),
            status="Menunggu tanda tangan {signer}",
            transitions=(approve("dispatch", "Tanda tangani", key="sign"), send_back("konsep")),
        ),
        Step(
            key="dispatch", title="Registrasi & kirim",
            roles=("phu",), lane="PHU", supervisor="kasek",
            requires=("SURAT_TTD",), numbers=("SURAT_TTD",), produces=("BUKTI_KIRIM",), sla=SLA.ts(),
            status="Menunggu registrasi & pengiriman PHU",
            transitions=(advance(END_OK, "Registrasi & kirim", key="dispatch"),),
        ),
    ),
)
