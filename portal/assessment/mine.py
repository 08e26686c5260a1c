"""The participant's own view: for each case they take part in, what to do now and by when, the
decisions about them with their reasons, their own documents and certificate."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from portal.assessment.models import Participant, Person
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.extensions import db
from portal.flows.registry import get_flow


@dataclass
class MyCase:
    case: Case
    participant: Participant
    todo: list[tuple[WorkItem, str]] = field(default_factory=list)  # open work of theirs, step title
    documents: list[DocumentVersion] = field(default_factory=list)
    certificate: DocumentVersion | None = None
    returned: list[tuple[str, str]] = field(default_factory=list)  # APL.02 elements returned: (element, note)
    returned_apl01: list[tuple[str, str]] = field(default_factory=list)  # APL.01 proofs found wanting

    @property
    def outcome(self) -> tuple[str, str | None]:
        """(what happened to them, why) in words the participant reads."""
        p = self.participant
        if p.decision == "ditolak":
            return "Tidak disetujui oleh Koordinator", p.decision_reason
        if p.recommended is False:
            return "Tidak direkomendasikan oleh Master Asesor", p.result_notes
        if p.pleno == "K":
            return "Kompeten — sertifikat diterbitkan" if self.certificate else "Kompeten (pleno)", None
        if p.pleno == "BK":
            return "Belum Kompeten (keputusan pleno)", p.pleno_reason
        if p.result in ("BK", "TH"):
            return f"Hasil asesmen: {p.result_label}", p.result_notes
        if self.case.state != "berjalan":
            return self.case.state_label, None
        return "Dalam proses", None


def my_cases(user) -> list[MyCase]:
    person = db.session.scalar(select(Person).where(Person.user_id == user.id))
    if person is None:
        return []
    rows = db.session.scalars(select(Participant).where(Participant.person_id == person.id)
                              .order_by(Participant.id.desc()))
    result = []
    for p in rows:
        case = db.session.get(Case, p.case_id)
        flow = get_flow(case.flow_code)
        mine = MyCase(case, p)
        work = db.session.scalars(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open",
                                                         WorkItem.assignee_id == user.id).order_by(WorkItem.due_at))
        mine.todo = [(w, flow.step(w.step_key).title) for w in work]
        versions = db.session.scalars(select(DocumentVersion).where(
            DocumentVersion.case_id == case.id, DocumentVersion.item_key == f"item:{p.case_item_id}")
            .order_by(DocumentVersion.code, DocumentVersion.version.desc()))
        newest: dict[str, DocumentVersion] = {}
        for version in versions:
            newest.setdefault(version.code, version)
        for version in newest.values():
            if flow.document(version.code).kind == "certificate":
                if mine.certificate is None or version.code > mine.certificate.code:
                    mine.certificate = version  # the signed one (D24 / D27) once it exists
            elif "participant" in flow.document(version.code).seen_by:
                mine.documents.append(version)
        from portal.assessment.apl02 import apl02_of

        record = apl02_of(p)
        if record is not None and record.status == "dikembalikan":
            mine.returned = [(f"{a.element.unit.code} elemen {a.element.number} {a.element.title}", a.review_note or "")
                             for a in record.answers if a.review == "kembali"]
        from portal.assessment.apl01 import apl01_of

        apl01 = apl01_of(p)
        if apl01 is not None and apl01.status == "dikembalikan":
            mine.returned_apl01 = [(e.requirement, e.review_note or "") for e in apl01.evidence
                                   if e.review == "tidak_memenuhi"]
        result.append(mine)
    return result
