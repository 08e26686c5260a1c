"""Lampiran I — Alur Surat Masuk (PHU): register, route, disposition, follow-up, archive.

The decree's chart has no document legend, so the document codes here are the portal's own.
Mail for Lisensi or Askom goes straight to that section, skipping the disposition. The unit named
for the follow-up (by the routing or the disposition) also closes and archives the letter.
"""
from __future__ import annotations

from portal.flows.definition import END_OK, SLA, DocKind, Flow, Letters, Step, advance, doc, send_back

UNIT_TUJUAN = ("staf_sertifikasi", "koor_sertifikasi", "koor_sdm", "staf_lisensi", "cs", "phu",
               "kabag", "kasek")

SURAT_MASUK = Flow(
    code="SM",
    name="Alur Surat Masuk",
    lampiran="I",
    number_prefix="SM",
    legend_from_decree=False,
    letters=Letters("Surat Masuk", outgoing=False, closed="Selesai & diarsipkan"),
    documents=(
        doc("SURAT", "Surat masuk (pindaian atau berkas surel)",
            label="Surat masuk"),
        doc("DISPOSISI", "Lembar disposisi",
            DocKind.FORM_RECORD, label="Lembar Disposisi"),
        doc("TINDAK_LANJUT", "Catatan tindak lanjut",
            DocKind.FORM_RECORD, label="Catatan tindak lanjut"),
    ),
    steps=(
        Step(
            key="register", title="Terima & catat surat masuk",
            roles=("phu",), lane="PHU", supervisor="kasek",
            produces=("SURAT",), sla=SLA.ts(), effects=("assign_agenda_number",),
            status="Dicatat PHU",
            transitions=(advance("route", "Catat ke agenda"),),
        ),
        Step(
            key="route", title="Arahkan surat",
            roles=("phu",), lane="PHU", supervisor="kasek",
            requires=("SURAT",), sla=SLA.ts(),
            status="Menunggu pengarahan PHU",
            transitions=(
                advance("follow_up", "Langsung ke bagian (Lisensi / Askom)", key="route_section"),
                advance("disposisi", "Ajukan untuk disposisi", key="route_disposition"),
                send_back("register", "Perbaiki pencatatan"),
            ),
        ),
        Step(
            key="disposisi", title="Disposisi",
            roles=("kasek", "ketua"), lane="Kasek / Ketua", named_actor="penerima_disposisi",
            requires=("SURAT",), produces=("DISPOSISI",), sla=SLA.disposition(),
            form="disposisi", status="Menunggu disposisi {disposer}",
            transitions=(
                advance("follow_up", "Kirim disposisi"),
                send_back("route", "Kembalikan ke PHU"),
            ),
        ),
        Step(
            key="follow_up", title="Tindak lanjut",
            roles=UNIT_TUJUAN, lane="Unit tujuan", supervisor="kasek", named_actor="unit_tujuan",
            produces=("TINDAK_LANJUT",), sla=SLA.per_disposition(default_days=2),
            status="Tindak lanjut oleh {unit}",
            transitions=(
                advance("archive", "Tindak lanjut selesai"),
                send_back("route", "Bukan untuk unit ini, kembalikan ke PHU"),
            ),
        ),
        Step(
            key="archive", title="Selesai & arsip",
            roles=UNIT_TUJUAN, lane="PHU", supervisor="kasek", named_actor="unit_tujuan",
            status="Menunggu arsip",
            transitions=(advance(END_OK, "Arsipkan", key="archive"),),
        ),
    ),
)
