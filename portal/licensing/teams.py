"""Assessor teams named before the Surat Tugas (desk audit, full assessment, witnessing): a lead and
members, all holding the licence-assessor role, each with a declaration of no conflict of interest.
The team fills the case's named-actor slot, so the Surat Tugas draft names every member, the lead
receives the step's work, and every member sees the case from that moment."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.audit.services import record as audit
from portal.cases import engine
from portal.cases.errors import CaseError
from portal.cases.models import Case
from portal.cases.timeline import log
from portal.extensions import db
from portal.licensing.models import TeamAssignment

ASSESSOR_ROLE = "asesor_lisensi"


@dataclass(frozen=True)
class Assessment:
    key: str
    label: str
    slots: tuple[str, ...]  # named-actor slots of the flow the team fills (lead first where separate)
    signing_step: str  # once this step is done, the Surat Tugas is signed and the team is fixed


ASSESSMENTS = {
    "kecukupan": Assessment("kecukupan", "Asesmen kecukupan (desk audit)", ("ketua_tim_kecukupan", "tim_kecukupan"),
                            "desk_audit_approval"),
    "penuh": Assessment("penuh", "Asesmen penuh", ("st_asesmen_penuh",), "sign_assignment"),
    "penyaksian": Assessment("penyaksian", "Penyaksian uji kompetensi", ("st_penyaksian",), "sign_witnessing"),
}


def candidates() -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == ASSESSOR_ROLE, User.is_enabled.is_(True)).order_by(User.full_name)))


def current_team(case: Case, assessment: str) -> TeamAssignment | None:
    return db.session.scalar(select(TeamAssignment).where(TeamAssignment.case_id == case.id,
                                                          TeamAssignment.assessment == assessment)
                             .order_by(TeamAssignment.id.desc()).limit(1))


def assign_team(case: Case, assessment: str, lead_id: int | None, member_ids: list[int], no_conflict: set[int],
                actor: User) -> TeamAssignment:
    spec = ASSESSMENTS.get(assessment)
    if spec is None:
        raise CaseError("Jenis asesmen tidak dikenal.", 422)
    if spec.signing_step in engine.done_steps(case):
        raise CaseError("Surat Tugas asesmen ini sudah ditandatangani; tim tidak dapat diubah lagi.", 409)
    lead = db.session.get(User, lead_id or 0)
    if lead is None:
        raise CaseError("Pilih ketua tim.", 422)
    members = [db.session.get(User, uid) for uid in dict.fromkeys(member_ids) if uid != lead.id]
    team = [lead, *[m for m in members if m is not None]]
    not_assessors = [u.full_name for u in team if ASSESSOR_ROLE not in u.role_codes or not u.is_enabled]
    if not_assessors:
        raise CaseError(f"Bukan asesor lisensi aktif: {', '.join(not_assessors)}.", 422)
    undeclared = [u.full_name for u in team if u.id not in no_conflict]
    if undeclared:
        raise CaseError("Pernyataan bebas konflik kepentingan belum dicentang untuk: "
                        f"{', '.join(undeclared)}. Pilih asesor lain bila ada konflik kepentingan.", 422)
    row = TeamAssignment(case_id=case.id, assessment=assessment, lead_id=lead.id, member_ids=[m.id for m in team[1:]],
                         declarations={str(u.id): "Menyatakan tidak memiliki konflik kepentingan dengan pemohon"
                                       for u in team}, assigned_by_id=actor.id)
    db.session.add(row)
    for slot in spec.slots:
        engine.assign(case, slot, lead, actor)  # the lead takes the step's work; signals go out
    slots = dict((case.data or {}).get("assignees", {}))
    for slot in spec.slots[-1:]:
        slots[slot] = [u.id for u in team]  # the Surat Tugas names everyone; everyone sees the case
    case.data = {**(case.data or {}), "assignees": slots}
    db.session.flush()
    names = ", ".join(u.full_name for u in team)
    log(case, actor, "system", f"Tim {spec.label}: {names} (ketua: {lead.full_name}); bebas konflik kepentingan")
    audit("licensing.team", case, actor=actor, detail={"assessment": assessment, "lead": lead.id,
                                                       "members": [u.id for u in team[1:]]})
    return row
