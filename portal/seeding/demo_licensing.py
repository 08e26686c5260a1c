"""Licensing records as a person fills them in (flow 6 step forms): used by the demo seeding and by
the tests' `drive()`, so both walk a licence through real records rather than stand-in uploads."""
from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage, MultiDict

from portal.forms import services as step_forms
from portal.forms.base import today_wib
from portal.licensing import access_code, checklist

MINUTES = {"place": "Ruang Rapat Lisensi, Kantor BNSP, Jakarta",
           "attendees": "Bagian Lisensi — BNSP\nKetua calon LSP — pemohon\nManajer mutu calon LSP — pemohon",
           "summary": "Paparan rencana skema sertifikasi calon LSP\nPenjelasan persyaratan dokumen lisensi"}


def fill_licensing_form(case, work, step, actor, file_bytes: bytes, action: str | None = None) -> bool:
    """Submit a valid record for the step's licensing form; False for a form that is not one."""
    name = step.form or ""
    if name.startswith("persyaratan_"):
        stage = name.removeprefix("persyaratan_")
        if stage == "lisensi" and not access_code.entered_at(case):
            access_code.enter(case, access_code.code_of(case), actor)
        files = checklist.latest_files(case)
        for requirement in checklist.requirements(stage):
            if requirement.id not in files:
                checklist.upload_file(case, requirement.id, f"{requirement.item}.pdf", file_bytes, actor)
        data = MultiDict({"declaration": "y"})
    elif name.startswith("cek_"):
        data = MultiDict({f"hasil_{r.id}": "memenuhi" for r in checklist.requirements(name.removeprefix("cek_"))})
    elif name == "berita_acara_apresiasi":
        data = MultiDict({**MINUTES, "held_on": today_wib().isoformat()})
    elif name.startswith("lks_"):
        data = MultiDict({"spt_number": f"ST.{case.id:03d}/BNSP/LIS/{today_wib().year}", "team": actor.full_name,
                          "held_on": today_wib().isoformat()})
    elif name == "jawaban_temuan":
        data = MultiDict({"corrective_action": "Prosedur diperbaiki, disahkan direktur dan disosialisasikan",
                          "evidence": "SOP-05 revisi 2 beserta daftar hadir sosialisasi",
                          "evidence_file": FileStorage(io.BytesIO(file_bytes), filename="sop-05-revisi-2.pdf")})
    elif name == "pleno_lisensi":
        from portal.licensing.pleno import members

        rejected = action == "reject"
        data = MultiDict([("held_on", today_wib().isoformat()), ("valid_years", "5"),
                          ("decision", "ditolak" if rejected else "diberikan"),
                          ("reasons", "Sistem manajemen mutu belum diterapkan secara konsisten\n"
                                      "Temuan mayor asesmen penuh belum ditutup dalam 15 hari kerja" if rejected else
                                      "Seluruh temuan LKS telah closed dan hasil pantek tervalidasi"),
                          ("schemes", "\n".join((case.data or {}).get("schemes") or ["Skema Okupasi Teknisi Jaringan"]))]
                         + [("attendees", str(u.id)) for u in members()[:3]])
    else:
        return False
    step_forms.submit(case, work, data, actor)
    return True
