"""The checklist as step forms: "persyaratan_apresiasi" / "persyaratan_lisensi" (the CLSP submits its
files per item as D1 / D6) and "cek_apresiasi" / "cek_lisensi" (Customer Service judges each item;
D2 / D7 rendered from the verdicts). "Lengkap" is refused while a required item is not met."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.cases import signals
from portal.cases.errors import CaseError
from portal.cases.models import Case, WorkItem
from portal.core.dates import format_datetime_id, to_wib
from portal.documents.contexts import Signatory
from portal.forms.base import FormInvalid, PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form
from portal.licensing import checklist
from portal.licensing.documents import ChecklistContext, ChecklistRow, render_checklist
from portal.licensing.models import STAGES, VERDICTS, RequirementCheck, RequirementFile
from portal.forms.base import today_wib


@dataclass
class SubmittedList:
    by: str


class DeclarationForm(PortalForm):
    declaration = BooleanField("Saya menyatakan berkas yang diunggah benar dan sesuai aslinya",
                               [InputRequired("Centang pernyataan kebenaran berkas.")])


class _RequirementUpload(StepForm):
    stage = ""
    form_class = DeclarationForm
    template = "licensing/_requirement_upload.html"
    models = (RequirementFile,)

    def submit(self, case: Case, work: WorkItem, form: PortalForm, actor, now: datetime) -> SubmittedList:
        if self.stage == "lisensi":
            from portal.licensing.access_code import require_entered

            require_entered(case)
        missing = checklist.missing_required(case, self.stage)
        if missing:
            raise FormInvalid([f"Persyaratan wajib belum diunggah: {', '.join(r.item for r in missing)}."], form)
        return SubmittedList(by=actor.full_name)

    def render(self, case: Case, record: SubmittedList):
        return render_checklist(checklist_context(case, self.stage, with_verdicts=False, signer=record.by))

    def filename(self, case: Case, record) -> str:
        return f"persyaratan-{self.stage}-{case.number}.pdf"


@register_form("persyaratan_apresiasi")
class PersyaratanApresiasi(_RequirementUpload):
    title = "Persyaratan apresiasi"
    stage = "apresiasi"


@register_form("persyaratan_lisensi")
class PersyaratanLisensi(_RequirementUpload):
    title = "Dokumen lisensi"
    stage = "lisensi"


class _CheckBase(PortalForm):
    rows: list = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for requirement, verdict, note in self.rows:
            if self[verdict].data == "tidak_memenuhi" and not self[note].data:
                self.form_errors.append(f"Tulis catatan untuk “{requirement.item}” yang tidak memenuhi.")
                valid = False
        return valid


def check_form_class(requirements) -> type[PortalForm]:
    fields, rows = {}, []
    for requirement in requirements:
        verdict, note = f"hasil_{requirement.id}", f"catatan_{requirement.id}"
        fields[verdict] = RadioField(requirement.item, choices=choices(VERDICTS),
                                     validators=[InputRequired("pilih Memenuhi atau Tidak memenuhi.")])
        fields[note] = TextAreaField(f"Catatan {requirement.item}", [Length(max=1000)])
        rows.append((requirement, verdict, note))
    return type("ChecklistCheckForm", (_CheckBase,), {**fields, "rows": rows})


class _RequirementCheck(StepForm):
    stage = ""
    template = "licensing/_requirement_check.html"
    models = (RequirementCheck,)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs) -> PortalForm:
        cls = check_form_class(checklist.requirements(self.stage))
        data = None
        if formdata is None:
            data = {}
            for requirement_id, row in checklist.latest_checks(case).items():
                data[f"hasil_{requirement_id}"], data[f"catatan_{requirement_id}"] = row.verdict, row.note
        return cls(formdata, data=data, **kwargs)

    def submit(self, case: Case, work: WorkItem, form: PortalForm, actor, now: datetime):
        verdicts = {requirement.id: (form[verdict].data, form[note].data or "")
                    for requirement, verdict, note in form.rows}
        checklist.record_checks(case, work, verdicts, actor)
        return SubmittedList(by=actor.full_name)

    def render(self, case: Case, record: SubmittedList):
        return render_checklist(checklist_context(case, self.stage, with_verdicts=True, signer=record.by))

    def filename(self, case: Case, record) -> str:
        return f"hasil-cek-{self.stage}-{case.number}.pdf"


@register_form("cek_apresiasi")
class CekApresiasi(_RequirementCheck):
    title = "Hasil pemeriksaan check list apresiasi"
    stage = "apresiasi"


@register_form("cek_lisensi")
class CekLisensi(_RequirementCheck):
    title = "Hasil pemeriksaan check list dokumen lisensi"
    stage = "lisensi"


def checklist_context(case: Case, stage: str, *, with_verdicts: bool, signer: str) -> ChecklistContext:
    files, checks = checklist.latest_files(case), checklist.latest_checks(case)
    rows = []
    for requirement in checklist.requirements(stage):
        file, check = files.get(requirement.id), checks.get(requirement.id)
        rows.append(ChecklistRow(
            item=requirement.item, description=requirement.description, required=requirement.required,
            filename=file.filename if file else "", uploaded=format_datetime_id(file.uploaded_at) if file else "",
            verdict=VERDICTS.get(check.verdict, "") if check and with_verdicts else "",
            note=check.note if check and with_verdicts else ""))
    if with_verdicts:
        unmet = checklist.unmet(case, stage)
        conclusion = ("Lengkap: seluruh persyaratan wajib memenuhi." if not unmet else
                      "Belum lengkap: " + "; ".join(r.item for r in unmet) + " perlu diperbaiki.")
        title, role = "HASIL PEMERIKSAAN CHECK LIST KELENGKAPAN DOKUMEN", "Customer Service BNSP,"
    else:
        conclusion = "Persyaratan diajukan untuk diperiksa Customer Service BNSP."
        title, role = "DAFTAR PERSYARATAN YANG DIAJUKAN", "Pemohon (Calon LSP),"
    return ChecklistContext(
        judul=title, nomor=f"{case.number}/{stage.upper()}", lembaga=case.organisation.name if case.organisation else "-",
        tahap=STAGES[stage], tanggal=today_wib(), rows=rows, with_verdicts=with_verdicts, kesimpulan=conclusion,
        penandatangan=Signatory(jabatan=role, nama=signer))


@signals.step_closed.connect
def refuse_incomplete_lengkap(case, work, actor=None, forward=False, **_) -> None:
    """A check closed forward ("Lengkap") needs every required item judged Memenuhi at that check."""
    if not forward or case.flow_code != "LIS":
        return
    from portal.cases.access import flow_of

    form_name = flow_of(case).step(work.step_key).form or ""
    if not form_name.startswith("cek_"):
        return
    unmet = checklist.unmet(case, form_name.removeprefix("cek_"), work)
    if unmet:
        raise CaseError("Belum lengkap: " + ", ".join(r.item for r in unmet) + " belum dinilai Memenuhi. "
                        "Isi hasil pemeriksaan per item, atau kembalikan untuk perbaikan.", 422)


def wib_text(value) -> str:
    return format_datetime_id(to_wib(value)) if value else ""
