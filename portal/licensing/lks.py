"""LKS as structured findings (flow 6: D10 desk audit, D14 full assessment, D30 witnessing).

The assessor writes findings one by one while the LKS step is open (clause, finding, Mayor/Minor,
evidence: a PDF and / or a note, portal/licensing/evidence.py), then submits the LKS header (SPT
number, team, date) as the step form "lks_kecukupan" / "lks_penuh" / "lks_penyaksian": each finding becomes a case item of kind "finding" that the engine walks through
correction and verification on its own; with none the case moves straight on. The CLSP answers a
finding with the step form "jawaban_temuan"; the assessor closes it or returns it with a note. A
finding's status is read from where its item stands and from the returns in the timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.cases import engine, signals
from portal.cases.errors import CaseError
from portal.cases.models import Case, CaseEvent, CaseItem, WorkItem
from portal.documents.contexts import Signatory
from portal.extensions import db
from portal.flows.machine import ITEM_DONE
from portal.forms.base import NotAfterToday, PortalForm, today_wib
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form
from portal.licensing import evidence as evidence_files
from portal.licensing.documents import FindingRow, LksContext, render_lks
from portal.licensing.models import CATEGORIES, LKS_KINDS, FindingAnswer, LksFinding, LksReport


class FindingForm(PortalForm):
    acuan = StringField("Acuan (klausul)", [InputRequired(), Length(max=200)])
    finding = TextAreaField("Temuan", [InputRequired(), Length(max=2000)])
    category = RadioField("Kategori", choices=choices(CATEGORIES), validators=[InputRequired("pilih Mayor atau Minor.")])
    evidence = TextAreaField("Bukti objektif (keterangan)", [Length(max=2000)])
    evidence_file = evidence_files.file_field()


class LksForm(PortalForm):
    spt_number = StringField("Nomor Surat Tugas", [InputRequired(), Length(max=120)])
    team = TextAreaField("Tim asesor (satu nama per baris, ketua tim pertama)", [InputRequired(), Length(max=2000)])
    held_on = DateField("Tanggal asesmen", [InputRequired(), NotAfterToday()])


class AnswerForm(PortalForm):
    corrective_action = TextAreaField("Tindakan perbaikan", [InputRequired(), Length(max=4000)])
    evidence = TextAreaField("Bukti perbaikan (keterangan: dokumen, nomor, tanggal)", [Length(max=4000)])
    evidence_file = evidence_files.file_field()


# --- findings written while the LKS step is open ---------------------------------------------------

def lks_work(case: Case) -> WorkItem | None:
    flow = engine.flow_of(case)
    return next((w for w in engine.open_work(case) if (flow.step(w.step_key).form or "").startswith("lks_")), None)


def add_finding(case: Case, formdata, actor: User) -> LksFinding:
    work = lks_work(case)
    if work is None or not engine.may_act_on(actor, case, work):
        raise CaseError("Temuan dicatat oleh asesor yang ditugaskan pada langkah LKS.", 403)
    form = FindingForm(formdata)
    form.check()
    upload = evidence_files.checked_upload(form, "evidence_file", "evidence", "Bukti objektif")
    finding = LksFinding(case_id=case.id, work_item_id=work.id, acuan=form.acuan.data, finding=form.finding.data,
                         category=form.category.data, evidence=form.evidence.data or "", written_by_id=actor.id)
    evidence_files.attach(finding, case, upload)
    db.session.add(finding)
    db.session.flush()
    audit("licensing.finding", case, actor=actor, detail={"finding": finding.id, "acuan": finding.acuan})
    return finding


def remove_finding(case: Case, finding_id: int, actor: User) -> None:
    work = lks_work(case)
    finding = db.session.get(LksFinding, finding_id)
    if finding is None or finding.case_id != case.id or work is None or finding.work_item_id != work.id:
        raise CaseError("Temuan tidak ditemukan.", 404)
    if not engine.may_act_on(actor, case, work) or finding.case_item_id is not None:
        raise CaseError("Temuan yang sudah dikirim dalam LKS tidak dapat dihapus.", 403)
    db.session.delete(finding)
    db.session.flush()


def findings_of(case: Case, *, work: WorkItem | None = None, lks: LksReport | None = None) -> list[LksFinding]:
    query = select(LksFinding).where(LksFinding.case_id == case.id)
    if work is not None:
        query = query.where(LksFinding.work_item_id == work.id)
    if lks is not None:
        query = query.where(LksFinding.lks_id == lks.id)
    return list(db.session.scalars(query.order_by(LksFinding.id)))


def finding_of_item(item: CaseItem | None) -> LksFinding | None:
    if item is None:
        return None
    return db.session.scalar(select(LksFinding).where(LksFinding.case_item_id == item.id))


def latest_answer(finding: LksFinding) -> FindingAnswer | None:
    return db.session.scalar(select(FindingAnswer).where(FindingAnswer.finding_id == finding.id)
                             .order_by(FindingAnswer.id.desc()).limit(1))


def return_notes(finding: LksFinding) -> list[str]:
    if finding.case_item_id is None:
        return []
    return list(db.session.scalars(select(CaseEvent.reason).where(
        CaseEvent.item_id == finding.case_item_id, CaseEvent.action_key == "return").order_by(CaseEvent.id)))


def status_of(case: Case, finding: LksFinding, closing: dict[int, bool] | None = None) -> str:
    """Terbuka / Perlu perbaikan ulang / Menunggu verifikasi / Closed."""
    if closing and finding.id in closing:
        return "Closed" if closing[finding.id] else "Perlu perbaikan ulang"
    item = finding.case_item
    if item is None:
        return "Belum dikirim"
    if item.position == ITEM_DONE:
        return "Closed"
    flow = engine.flow_of(case)
    if item.position and flow.step(item.position).requires:  # the verification step needs the answer
        return "Menunggu verifikasi"
    return "Perlu perbaikan ulang" if return_notes(finding) else "Terbuka"


# --- the LKS step form ----------------------------------------------------------------------------

@dataclass
class SubmittedLks:
    report: LksReport


class _Lks(StepForm):
    kind = ""
    form_class = LksForm
    template = "licensing/_lks_form.html"
    models = (LksReport, LksFinding)

    def initial(self, case: Case, work: WorkItem) -> dict:
        given = db.session.scalar(select(LksReport).where(LksReport.work_item_id == work.id)
                                  .order_by(LksReport.id.desc()).limit(1))
        if given is not None:
            return {"spt_number": given.spt_number, "team": given.team, "held_on": given.held_on}
        step = engine.flow_of(case).step(work.step_key)
        team = [db.session.get(User, uid) for uid in engine.assignees(case, step.named_actor)]
        return {"team": "\n".join(u.full_name for u in team if u), "held_on": today_wib()}

    def submit(self, case: Case, work: WorkItem, form: LksForm, actor, now: datetime) -> SubmittedLks:
        report = LksReport(case_id=case.id, work_item_id=work.id, kind=self.kind, spt_number=form.spt_number.data,
                           team=form.team.data, held_on=form.held_on.data, submitted_by_id=actor.id, submitted_at=now)
        db.session.add(report)
        db.session.flush()
        for finding in findings_of(case, work=work):
            finding.lks_id = report.id
            if finding.case_item_id is None:
                item = engine.add_item(case, "finding", f"{finding.acuan}: {finding.finding}"[:300], actor=actor,
                                       data={"finding_id": finding.id})
                finding.case_item_id = item.id
        db.session.flush()
        audit("licensing.lks", case, actor=actor, detail={"lks": report.id, "findings": len(findings_of(case, work=work))})
        return SubmittedLks(report)

    def render(self, case: Case, record: SubmittedLks):
        return render_lks(lks_context(case, record.report))

    def filename(self, case: Case, record) -> str:
        return f"lks-{self.kind}-{case.number}.pdf"


@register_form("lks_kecukupan")
class LksKecukupan(_Lks):
    title = "LKS asesmen kecukupan"
    kind = "kecukupan"


@register_form("lks_penuh")
class LksPenuh(_Lks):
    title = "LKS asesmen penuh"
    kind = "penuh"


@register_form("lks_penyaksian")
class LksPenyaksian(_Lks):
    title = "LKS penyaksian uji"
    kind = "penyaksian"


def lks_context(case: Case, report: LksReport, closing: dict[int, bool] | None = None,
                only: LksFinding | None = None, answered: bool = False) -> LksContext:
    """The LKS with every finding's status; `only` one finding as its answer was just written
    (`answered`: it now waits for the team's verification)."""
    findings = [only] if only is not None else findings_of(case, lks=report)
    rows = []
    statuses = []
    for finding in findings:
        answer = latest_answer(finding)
        notes = return_notes(finding)
        status = "Menunggu verifikasi" if answered else status_of(case, finding, closing)
        statuses.append(status)
        rows.append(FindingRow(acuan=finding.acuan, finding=finding.finding, category=CATEGORIES[finding.category],
                               evidence=finding.evidence, evidence_file=finding.evidence_filename or "", status=status,
                               corrective_action=answer.corrective_action if answer else "",
                               correction_evidence=answer.evidence if answer else "",
                               correction_file=(answer.evidence_filename or "") if answer else "",
                               note=notes[-1] if notes else ""))
    overall = "Closed" if all(s == "Closed" for s in statuses) else "Open"
    team = [line.strip() for line in report.team.splitlines() if line.strip()]
    return LksContext(
        judul="LAPORAN KETIDAKSESUAIAN (LKS)", nomor=f"LKS/{case.number}/{report.id}",
        lembaga=case.organisation.name if case.organisation else "-", kegiatan=LKS_KINDS[report.kind],
        spt=report.spt_number, tim=team, tanggal=report.held_on, findings=rows, status=overall,
        penandatangan=Signatory(jabatan="Ketua Tim Asesor,", nama=team[0] if team else "-"))


# --- the CLSP's answer ------------------------------------------------------------------------------

@register_form("jawaban_temuan")
class JawabanTemuan(StepForm):
    title = "Perbaikan temuan LKS"
    form_class = AnswerForm
    template = "licensing/_answer_form.html"
    models = (FindingAnswer,)

    def initial(self, case: Case, work: WorkItem) -> dict:
        finding = finding_of_item(work.item)
        answer = latest_answer(finding) if finding else None
        return {"corrective_action": answer.corrective_action, "evidence": answer.evidence} if answer else {}

    def submit(self, case: Case, work: WorkItem, form: AnswerForm, actor, now: datetime) -> FindingAnswer:
        finding = finding_of_item(work.item)
        if finding is None:
            raise CaseError("Temuan LKS untuk langkah ini tidak ditemukan.", 404)
        saved = latest_answer(finding)
        saved = saved if saved is not None and saved.work_item_id == work.id else None  # this attempt's, saved again
        upload = evidence_files.checked_upload(form, "evidence_file", "evidence", "Bukti perbaikan",
                                               kept=bool(saved and saved.evidence_key))
        answer = FindingAnswer(finding_id=finding.id, work_item_id=work.id, corrective_action=form.corrective_action.data,
                               evidence=form.evidence.data or "", answered_by_id=actor.id, answered_at=now)
        evidence_files.attach(answer, case, upload, previous=saved)
        db.session.add(answer)
        db.session.flush()
        return answer

    def render(self, case: Case, record: FindingAnswer):
        finding = db.session.get(LksFinding, record.finding_id)
        return render_lks(lks_context(case, db.session.get(LksReport, finding.lks_id), only=finding, answered=True))

    def filename(self, case: Case, record) -> str:
        return f"perbaikan-temuan-{record.finding_id}-{case.number}.pdf"


# --- the LKS again, with statuses, whenever an assessor closes or returns a finding -------------------

@signals.step_closed.connect
def rerender_lks_on_verification(case, work, actor=None, forward=False, **_) -> None:
    if case.flow_code != "LIS" or work.state != "done" or work.item_id is None:
        return
    flow = engine.flow_of(case)
    step = flow.step(work.step_key)
    finding = finding_of_item(work.item)
    if finding is None or not step.requires or finding.lks_id is None:
        return  # not a verification step (the correction step produces, it does not require)
    report = db.session.get(LksReport, finding.lks_id)
    lks_step = flow.step(db.session.get(WorkItem, report.work_item_id).step_key)
    rendered = render_lks(lks_context(case, report, closing={finding.id: forward}))
    box = rendered.signature_box
    engine.upload_document(case, lks_step.produces[0], f"lks-{report.kind}-{case.number}.pdf", rendered.data, actor,
                           note="Status temuan diperbarui", check=False,
                           signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2])
