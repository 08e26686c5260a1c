"""Requirement checklist (flow 6, D1/D2 apresiasi and D6/D7 licence documents): the admin keeps the
items, the CLSP uploads a PDF per item, Customer Service judges each item (Memenuhi / Tidak memenuhi
with a note). The CLSP sees those notes when the check is returned; "Lengkap" is refused while a
required item is not met. Operations only flush; the request commits."""
from __future__ import annotations

from sqlalchemy import func, select

from portal import storage, uploads
from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.cases import engine
from portal.cases.errors import CaseError
from portal.cases.models import Case, WorkItem
from portal.cases.timeline import log
from portal.core.files import clean_filename
from portal.extensions import db
from portal.licensing.models import STAGES, Requirement, RequirementCheck, RequirementFile

# The starting checklist (PBNSP 201/202 practice); the admin edits it at /lisensi/persyaratan.
DEFAULT_REQUIREMENTS: tuple[tuple[str, str, str, bool], ...] = (
    ("apresiasi", "Surat permohonan apresiasi", "Ditandatangani pimpinan lembaga pengusul.", True),
    ("apresiasi", "Akta pendirian / SK pembentukan lembaga", "Beserta pengesahan instansi berwenang.", True),
    ("apresiasi", "Surat dukungan pembentukan LSP", "Dari instansi teknis / asosiasi industri.", True),
    ("apresiasi", "Profil calon LSP", "Struktur organisasi, alamat, kontak.", False),
    ("lisensi", "Panduan mutu dan prosedur LSP", "Sesuai PBNSP 201 / 202.", True),
    ("lisensi", "Skema sertifikasi yang diajukan", "Lengkap dengan unit kompetensi.", True),
    ("lisensi", "Daftar asesor kompetensi dan TUK", "Dengan sertifikat asesor yang berlaku.", True),
    ("lisensi", "Bukti uji coba (MUK)", "Perangkat asesmen yang telah diverifikasi.", False),
)


def ensure_default_requirements() -> None:
    """A fresh database (tests, demo) starts with the default checklist; an edited one is kept."""
    if db.session.scalar(select(func.count(Requirement.id))):
        return
    for position, (stage, item, description, required) in enumerate(DEFAULT_REQUIREMENTS, start=1):
        db.session.add(Requirement(stage=stage, position=position, item=item, description=description,
                                   required=required, active=True))
    db.session.flush()


def requirements(stage: str, *, include_inactive: bool = False) -> list[Requirement]:
    ensure_default_requirements()
    query = select(Requirement).where(Requirement.stage == stage)
    if not include_inactive:
        query = query.where(Requirement.active.is_(True))
    return list(db.session.scalars(query.order_by(Requirement.position, Requirement.id)))


# --- admin ------------------------------------------------------------------------------------

def save_requirement(actor: User, *, requirement_id: int | None, stage: str, item: str, description: str,
                     required: bool, active: bool, position: int | None) -> Requirement:
    item = (item or "").strip()
    if stage not in STAGES:
        raise CaseError("Tahap persyaratan tidak dikenal.", 422)
    if not item:
        raise CaseError("Nama persyaratan wajib diisi.", 422)
    if requirement_id:
        requirement = db.session.get(Requirement, requirement_id)
        if requirement is None:
            raise CaseError("Persyaratan tidak ditemukan.", 404)
    else:
        requirement = Requirement(stage=stage)
        db.session.add(requirement)
    requirement.stage, requirement.item = stage, item[:200]
    requirement.description = (description or "").strip()[:2000]
    requirement.required, requirement.active = required, active
    requirement.position = position if position is not None else (requirement.position or 99)
    db.session.flush()
    audit("licensing.requirement", requirement, actor=actor,
          detail={"stage": stage, "item": requirement.item, "required": required, "active": active})
    return requirement


# --- the CLSP's files ----------------------------------------------------------------------------

def upload_work(case: Case, stage: str) -> WorkItem | None:
    """The open step where the CLSP uploads this stage's requirements, if any."""
    flow = engine.flow_of(case)
    return next((w for w in engine.open_work(case) if flow.step(w.step_key).form == f"persyaratan_{stage}"), None)


def upload_file(case: Case, requirement_id: int, filename: str, data: bytes, actor: User) -> RequirementFile:
    requirement = db.session.get(Requirement, requirement_id)
    if requirement is None or not requirement.active:
        raise CaseError("Persyaratan tidak ditemukan.", 404)
    work = upload_work(case, requirement.stage)
    if work is None or not engine.may_act_on(actor, case, work):
        raise CaseError("Unggah persyaratan hanya pada langkah pengajuan persyaratan oleh CLSP.", 403)
    if requirement.stage == "lisensi":
        from portal.licensing.access_code import require_entered

        require_entered(case)
    try:
        uploads.check_pdf(data)
    except uploads.UploadRefused as exc:
        raise CaseError(exc.message, exc.status)
    stored = storage.save_bytes(data, f"cases/{case.id}/persyaratan")
    row = RequirementFile(case_id=case.id, requirement_id=requirement.id, filename=clean_filename(filename),
                          storage_key=stored.key, sha256=stored.sha256, size=stored.size, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    log(case, actor, "upload", f"Persyaratan diunggah: {requirement.item}", step_key=work.step_key)
    audit("licensing.requirement_file", case, actor=actor,
          detail={"requirement": requirement.id, "sha256": stored.sha256})
    return row


def latest_files(case: Case) -> dict[int, RequirementFile]:
    rows = db.session.scalars(select(RequirementFile).where(RequirementFile.case_id == case.id)
                              .order_by(RequirementFile.id))
    return {row.requirement_id: row for row in rows}


def latest_checks(case: Case) -> dict[int, RequirementCheck]:
    rows = db.session.scalars(select(RequirementCheck).where(RequirementCheck.case_id == case.id)
                              .order_by(RequirementCheck.id))
    return {row.requirement_id: row for row in rows}


def missing_required(case: Case, stage: str) -> list[Requirement]:
    files = latest_files(case)
    return [r for r in requirements(stage) if r.required and r.id not in files]


# --- Customer Service's check ----------------------------------------------------------------------

def record_checks(case: Case, work: WorkItem, verdicts: dict[int, tuple[str, str]], actor: User) -> list[RequirementCheck]:
    rows = []
    for requirement_id, (verdict, note) in verdicts.items():
        row = RequirementCheck(case_id=case.id, work_item_id=work.id, requirement_id=requirement_id,
                               verdict=verdict, note=note, checked_by_id=actor.id)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    audit("licensing.check", case, actor=actor, detail={str(k): v[0] for k, v in verdicts.items()})
    return rows


def unmet(case: Case, stage: str, work: WorkItem | None = None) -> list[Requirement]:
    """Required items of the stage not judged Memenuhi (at this check, when `work` is given)."""
    query = select(RequirementCheck).where(RequirementCheck.case_id == case.id).order_by(RequirementCheck.id)
    if work is not None:
        query = query.where(RequirementCheck.work_item_id == work.id)
    checks = {row.requirement_id: row for row in db.session.scalars(query)}
    return [r for r in requirements(stage)
            if r.required and (r.id not in checks or checks[r.id].verdict != "memenuhi")]


def check_notes(case: Case, stage: str) -> list[tuple[Requirement, RequirementCheck]]:
    """The latest verdict per item of the stage (what the CLSP reads after a return)."""
    checks = latest_checks(case)
    return [(r, checks[r.id]) for r in requirements(stage) if r.id in checks]
