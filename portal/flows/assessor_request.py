"""Steps shared by Lampiran IV (RCC) and Lampiran V (pelatihan dan asesmen asesor): 1–5 (request,
verification, decision, approval / rejection letters with the SPTs, signing and numbering) and the
certification tail (pleno material, pleno, SK, certificates, receipt).

The decree draws the same boxes with the same codes (D1–D8 B) in both charts; flow 5 says "as flow 4".
The tails differ only in who holds the pleno (Panitia Teknis / Komisi Teknis) and in their D-codes.
"""
from __future__ import annotations

from portal.flows.definition import (
    END_OK, END_REJECTED, SLA, Step, advance, approve, reject, send_back, withdraw,
)

KOOR = ("koor_sdm", "koor_sertifikasi")

REQUEST_STEPS: tuple[Step, ...] = (
    # 1–3: request, verification, decision
    Step(
        key="request", title="Surat permohonan dan daftar peserta",
        roles=("lsp",), lane="Pemohon / LSP",
        produces=("D1",),
        transitions=(advance("verification", "Ajukan permohonan"), withdraw()),
    ),
    Step(
        key="verification", title="Verifikasi dan koordinasi permohonan",
        roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM", supervisor="koor_sdm",
        requires=("D1",), produces=("D2",), sla=SLA.hr(2, assumed=True),
        transitions=(
            advance("decision", "Teruskan ke Koordinator", key="forward"),
            send_back("request"),
            withdraw(),
        ),
    ),
    Step(
        key="decision", title="Keputusan atas permohonan yang sudah divalidasi",
        roles=KOOR, lane="Koor. SDM / Koor. Sertifikasi", supervisor="kabag",
        # Approval is per participant (form "keputusan_peserta", recorded as D3); the letter lists them.
        requires=("D2",), produces=("D3",), sla=SLA.hr(1, assumed=True), form="keputusan_peserta",
        transitions=(
            approve("draft_approval", "Setujui"),
            reject("draft_rejection", "Tidak setujui", produces=("D4",)),
            send_back("verification", "Kembalikan ke Staf"),
            withdraw(),
        ),
    ),
    # 4–5, approved: letter and SPTs drafted, signed by the Ketua, numbered by PHU
    Step(
        key="draft_approval", title="Draf surat persetujuan dan SPT MA Pelatih / MA Penguji",
        roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM", supervisor="koor_sdm",
        produces=("D5 A", "D6 A", "D6 B"), sla=SLA.hr(1, assumed=True),
        transitions=(advance("sign_approval", "Ajukan ke Ketua"),),
    ),
    Step(
        key="sign_approval", title="Tanda tangan surat persetujuan dan SPT",
        roles=("ketua",), lane="Ketua",
        requires=("D5 A", "D6 A", "D6 B"), signs=("D7 A", "D8 A", "D8 B"), sla=SLA.hr(1, assumed=True),
        transitions=(approve("number_approval", "Tanda tangani", key="sign"), send_back("draft_approval")),
    ),
    Step(
        key="number_approval", title="Registrasi & pengiriman surat persetujuan dan SPT",
        roles=("phu",), lane="PHU", supervisor="kasek",
        numbers=("D7 A", "D8 A", "D8 B"), sla=SLA.ts(assumed=True),
        effects=("create_participant_accounts",),
        transitions=(advance("readiness", "Registrasi & kirim", key="dispatch"),),
    ),
    # 4–5, not approved
    Step(
        key="draft_rejection", title="Draf surat tidak persetujuan permohonan",
        roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM", supervisor="koor_sdm",
        requires=("D4",), produces=("D5 B",), sla=SLA.hr(1, assumed=True),
        transitions=(advance("sign_rejection", "Ajukan ke Ketua"),),
    ),
    Step(
        key="sign_rejection", title="Tanda tangan surat tidak persetujuan",
        roles=("ketua",), lane="Ketua",
        requires=("D5 B",), signs=("D7 B",), sla=SLA.hr(1, assumed=True),
        transitions=(approve("number_rejection", "Tanda tangani", key="sign"), send_back("draft_rejection")),
    ),
    Step(
        key="number_rejection", title="Registrasi & pengiriman surat tidak persetujuan",
        roles=("phu",), lane="PHU", supervisor="kasek",
        numbers=("D7 B",), sla=SLA.ts(assumed=True),
        transitions=(advance(END_REJECTED, "Registrasi & kirim", key="dispatch"),),
    ),
)


def certification_steps(*, pleno_role: str, pleno_lane: str, material_title: str,
                        codes: tuple[str, str, str, str, str, str, str]) -> tuple[Step, ...]:
    """Pleno material, pleno, SK drafted / signed / numbered, certificates printed and signed, receipt.

    `codes`: pleno material, pleno minutes, draft SK, signed SK, printed certificates, signed
    certificates, receipt — in the flow's own D-codes."""
    material, minutes, sk_draft, sk, printed, signed, receipt = codes
    return (
        Step(
            key="pleno_material", title=material_title,
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM", supervisor="koor_sdm",
            produces=(material,), sla=SLA.hr(2, assumed=True),
            transitions=(advance("pleno", "Ajukan ke pleno"),),
        ),
        Step(
            key="pleno", title=f"Pleno {pleno_lane}: berita acara dan keputusan per peserta",
            roles=(pleno_role,), lane=pleno_lane,
            requires=(material,), produces=(minutes,), form="pleno",
            transitions=(
                approve("draft_sk", "Tetapkan hasil pleno"),
                reject(END_REJECTED, "Tidak ada peserta yang direkomendasikan", needs=(minutes,)),
                send_back("pleno_material", "Kembalikan bahan pleno"),
            ),
        ),
        Step(
            key="draft_sk", title="Draf SK sertifikasi kompetensi",
            roles=("staf_sertifikasi",), lane="Staf Sertifikasi / SDM", supervisor="koor_sdm",
            requires=(minutes,), produces=(sk_draft,), sla=SLA.hr(1, assumed=True),
            transitions=(advance("sign_sk", "Ajukan ke Ketua"),),
        ),
        Step(
            key="sign_sk", title="Tanda tangan SK",
            roles=("ketua",), lane="Ketua",
            requires=(sk_draft,), signs=(sk,), sla=SLA.hr(1, assumed=True),
            transitions=(approve("number_sk", "Tanda tangani", key="sign"), send_back("draft_sk")),
        ),
        Step(
            key="number_sk", title="Registrasi SK",
            roles=("phu",), lane="PHU", supervisor="kasek",
            numbers=(sk,), sla=SLA.ts(assumed=True),
            transitions=(advance("print_certificates", "Registrasi", key="dispatch"),),
        ),
        Step(
            key="print_certificates", title="Sertifikat dibuat untuk setiap peserta dalam SK",
            roles=("system",), lane="Sistem",
            requires=(sk,), produces=(printed,), effects=("generate_certificates",),
            transitions=(advance("sign_certificates", "Sertifikat dibuat", key="generate"),),
        ),
        Step(
            key="sign_certificates", title="Tanda tangan sertifikat (sekaligus)",
            roles=("ketua",), lane="Ketua",
            requires=(printed,), signs=(signed,), sla=SLA.hr(1, assumed=True),
            transitions=(approve("receipt", "Tanda tangani", key="sign"),),
        ),
        Step(
            key="receipt", title="Tanda terima sertifikat",
            roles=("lsp", "peserta"), lane="Pemohon / LSP",
            produces=(receipt,),
            transitions=(advance(END_OK, "Sertifikat diterima", key="receive"),),
        ),
    )
