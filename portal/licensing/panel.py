"""What the case page shows of a licensing case besides its steps: the access code, the checklist
with CS's notes, the LKS findings with their status and the days left of the 15-day rule."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.cases import engine
from portal.cases.models import Case
from portal.cases.timers import days_left, days_reading, timer_deadline, timer_label
from portal.core.dates import utcnow
from portal.licensing import access_code, checklist, evidence, lks
from portal.licensing.models import CATEGORIES, STAGES, VERDICTS


@dataclass
class FindingLine:
    id: int
    acuan: str
    finding: str
    category: str
    status: str
    sent: bool
    evidence_note: str = ""
    evidence_file: str | None = None  # file name when this user may open it
    answer_id: int | None = None
    corrective_action: str = ""
    answer_note: str = ""
    answer_file: str | None = None


@dataclass
class Deadline:
    label: str
    due: datetime
    left: int
    text: str
    reading: str


@dataclass
class LicenceView:
    is_applicant: bool
    code: str | None
    code_entered: str | None
    stages: dict
    files: dict
    checks: dict
    findings: list[FindingLine] = field(default_factory=list)
    pending: list[FindingLine] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    verdicts: dict = field(default_factory=lambda: VERDICTS)
    may_name_team: bool = False

    def requirements(self, stage: str):
        return checklist.requirements(stage)

    def notes(self, stage: str):
        return [(r, c) for r, c in ((r, self.checks.get(r.id)) for r in checklist.requirements(stage))
                if c is not None and c.verdict != "memenuhi"]


def licence_view(case: Case, user, now: datetime | None = None) -> LicenceView:
    now = now or utcnow()
    is_applicant = "lsp" in user.role_codes and user.organisation_id == case.organisation_id
    view = LicenceView(is_applicant=is_applicant, code=access_code.code_of(case) if (
        is_applicant or engine.is_internal(user)) else None, code_entered=access_code.entered_at(case),
        stages=STAGES, files=checklist.latest_files(case), checks=checklist.latest_checks(case),
        may_name_team=case.state == "berjalan" and bool(user.role_codes & {"staf_lisensi", "kabag", "admin"}))
    for finding in lks.findings_of(case):
        line = FindingLine(finding.id, finding.acuan, finding.finding, CATEGORIES[finding.category],
                           lks.status_of(case, finding), finding.lks_id is not None, evidence_note=finding.evidence,
                           evidence_file=finding.evidence_filename if evidence.may_open_finding(user, case, finding)
                           else None)
        answer = lks.latest_answer(finding)
        if answer is not None:
            line.answer_id, line.corrective_action, line.answer_note = answer.id, answer.corrective_action, answer.evidence
            line.answer_file = answer.evidence_filename if evidence.may_open_answer(user, case, answer, finding) else None
        (view.findings if line.sent else view.pending).append(line)
    flow = engine.flow_of(case)
    open_steps = {w.step_key for w in engine.open_work(case)}
    for timer in flow.timers:
        if open_steps & set(timer.steps):
            due = timer_deadline(case, timer)
            if due is not None:
                left, text = days_left(now, due)
                view.deadlines.append(Deadline(timer_label(timer), due, left, text, days_reading()))
    return view


def saved_answer(work):
    """The answer already saved at this correction step (shown beside its form), if any."""
    finding = lks.finding_of_item(work.item)
    answer = lks.latest_answer(finding) if finding else None
    return answer if answer is not None and answer.work_item_id == work.id else None


def init_panel(state) -> None:
    state.app.jinja_env.globals.update(
        licence_view=licence_view, licence_finding=lambda work: lks.finding_of_item(work.item),
        licence_may_open_evidence=evidence.may_open_finding, licence_saved_answer=saved_answer,
        licence_return_notes=lks.return_notes)
