"""FR.APL.02 asesmen mandiri as step forms: the participant answers every element of the scheme's
units ("Dapatkah saya …?", K / BK, evidence named or uploaded) with the draft saved as they type,
submits once and it becomes read-only; the MA reviews element by element ("kaji_apl02"). A return
reopens only the returned elements, with the MA's note shown next to each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from portal import storage
from portal.assessment.apl01 import participant_of
from portal.assessment.decisions import _actor_name, _facts
from portal.assessment.item_review import ItemReviewForm, ItemReviewStep
from portal.assessment.models import Apl02, Apl02Answer
from portal.assessment.render import FormRecordContext, FormTable, render_record
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.core.dates import to_wib, utcnow
from portal.documents.contexts import Signatory
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form

ANSWERS = {"K": "K (kompeten)", "BK": "BK (belum kompeten)"}
REVIEWS = {"sesuai": "Sesuai", "kembali": "Kembalikan untuk diperbaiki"}
RECOMMENDATIONS = {"lanjut": "Asesmen dapat dilanjutkan", "tidak": "Asesmen tidak dapat dilanjutkan"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def apl02_of(participant) -> Apl02 | None:
    return db.session.scalar(select(Apl02).where(Apl02.participant_id == participant.id))


def elements_of(participant):
    return [(unit, element) for unit in participant.scheme.units for element in unit.elements]


def question(element) -> str:
    return f"Dapatkah saya {element.title[0].lower()}{element.title[1:]}?"


class Apl02Form(PortalForm):
    pass


@register_form("apl02")
class AsesmenMandiri(StepForm):
    title = "Asesmen mandiri (FR.APL.02)"
    template = "assessment/_apl02_form.html"
    models = (Apl02, Apl02Answer)
    autosave = True  # filled in on a phone, often in several sittings

    def may_fill(self, user, case, work) -> bool:
        record = apl02_of(participant_of(work))
        return super().may_fill(user, case, work) and (record is None or record.status == "dikembalikan")

    def editable(self, record, participant) -> list:
        if record is None:
            return elements_of(participant)
        returned = {a.element_id for a in record.answers if a.review == "kembali"}
        return [(u, e) for u, e in elements_of(participant) if e.id in returned]

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        participant = participant_of(work)
        record = apl02_of(participant)

        class Form(Apl02Form):
            pass

        for _unit, element in self.editable(record, participant):
            setattr(Form, f"jawab_{element.id}", RadioField(question(element), choices=choices(ANSWERS),
                                                           validators=[InputRequired("Pilih K atau BK.")]))
            setattr(Form, f"bukti_{element.id}", StringField("Bukti yang relevan", [Length(max=500)]))
        if formdata is None and draft:
            from werkzeug.datastructures import MultiDict

            formdata = MultiDict([(k, v) for k, values in draft.items() for v in values])
        data = None
        if formdata is None and record is not None:
            data = {f"{p}_{a.element_id}": v for a in record.answers for p, v in (("jawab", a.answer),
                                                                                  ("bukti", a.evidence))}
        form = Form(formdata, data=data, **kwargs)
        form.participant, form.record = participant, record
        form.editable_ids = {e.id for _u, e in self.editable(record, participant)}
        return form

    def submit(self, case, work, form, actor, now: datetime) -> Apl02:
        from flask import has_request_context, request

        participant = participant_of(work)
        record = apl02_of(participant)
        editable = self.editable(record, participant)  # before a new record exists (autoflush)
        record = record or Apl02(participant_id=participant.id)
        db.session.add(record)
        existing = {a.element_id: a for a in record.answers}
        files = request.files if has_request_context() else {}
        problems = []
        for unit, element in editable:
            answer = existing.get(element.id) or Apl02Answer(element_id=element.id)
            answer.answer, answer.evidence = form[f"jawab_{element.id}"].data, form[f"bukti_{element.id}"].data or ""
            upload = files.get(f"berkas_{element.id}") if files else None
            if upload is not None and upload.filename:
                data = upload.read(MAX_EVIDENCE_BYTES + 1)
                try:
                    storage.check_pdf(data, MAX_EVIDENCE_BYTES)
                except storage.UploadRefused as exc:
                    problems.append(f"Bukti elemen {unit.code} {element.number}: {exc}")
                    continue
                answer.evidence_key = storage.save_bytes(data, f"cases/{case.id}/bukti").key
                answer.evidence_name = upload.filename[:255]
            if not answer.evidence and not answer.evidence_key:
                problems.append(f"Elemen {unit.code} {element.number}: sebutkan bukti yang relevan atau unggah berkasnya.")
            answer.review, answer.review_note = None, None
            if element.id not in existing:
                record.answers.append(answer)
        if problems:
            from portal.forms.base import FormInvalid

            raise FormInvalid(problems, form)
        record.status, record.submitted_at, record.recommendation = "diajukan", now, None
        db.session.flush()
        audit("assessment.apl02_submit", case, actor=actor, detail={"participant": participant.id})
        return record

    def document_codes(self, step) -> tuple[str, ...]:
        """The submitted APL.02 is both the decree's "Aplikasi" (D12 / D15) and its "Rekaman" (D13 / D16)
        that the MA reviews: the rendered form fills both slots, and neither is an upload."""
        return tuple(step.produces)

    def render(self, case, record: Apl02):
        return render_apl02(case, record, signer=record.participant.person.full_name, title="Asesi,")

    def filename(self, case, record) -> str:
        return f"FR.APL.02-{record.participant.person.full_name.lower().replace(' ', '-')}.pdf"


def render_apl02(case, record: Apl02, *, signer: str, title: str):
    p = record.participant
    answers = {a.element_id: a for a in record.answers}
    tables = []
    for unit in p.scheme.units:
        rows = []
        for element in unit.elements:
            a = answers.get(element.id)
            kuk = "; ".join(f"{n} {t}" for n, t in element.kuk)
            evidence = (a.evidence + (f" (berkas: {a.evidence_name})" if a.evidence_name else "")) if a else "-"
            review = REVIEWS.get(a.review or "", "-") + (f": {a.review_note}" if a and a.review_note else "") if a else "-"
            rows.append([element.number, f"{question(element)} KUK: {kuk}", a.answer if a else "-", evidence, review])
        tables.append(FormTable(title=f"Unit {unit.code} — {unit.title}", header=["No", "Elemen / KUK", "K/BK",
                                                                                  "Bukti yang relevan", "Kaji asesor"],
                                rows=rows))
    notes = []
    if record.recommendation:
        notes.append(f"Ditinjau oleh asesor {record.reviewer_name or ''}: {RECOMMENDATIONS[record.recommendation]}.")
    return render_record(FormRecordContext(
        kode="FR.APL.02", judul="ASESMEN MANDIRI",
        fakta=[*_facts(case)[:3], ("Skema", f"{p.scheme.title} ({p.scheme.number})"), ("Nama asesi", p.person.full_name),
               ("Status", {"diajukan": "Diajukan", "dikembalikan": "Dikembalikan", "diterima": "Diterima"}[record.status])],
        tabel=tables, catatan=notes, tanggal=to_wib(utcnow()).date(), penandatangan=Signatory(jabatan=title, nama=signer)))


class ReviewForm(ItemReviewForm):
    recommendation = SelectField("Rekomendasi", choices=choices(RECOMMENDATIONS))
    SENDS_BACK = "kembali"

    def note_missing(self, label: str) -> str:
        return "Tulis catatan untuk elemen yang dikembalikan: peserta membacanya."


@register_form("kaji_apl02")
class KajiApl02(ItemReviewStep):
    title = "Kaji APL.02 per elemen"
    template = "assessment/_apl02_review.html"
    models = (Apl02, Apl02Answer)
    review_form = ReviewForm
    verdicts, default_verdict, default_recommendation = REVIEWS, "sesuai", "lanjut"
    record_name, audit_action = "APL.02", "assessment.apl02_review"

    def record_of(self, participant):
        return apl02_of(participant)

    def items_of(self, record):
        return record.answers

    def item_key(self, answer: Apl02Answer) -> int:
        return answer.element_id

    def item_label(self, answer: Apl02Answer) -> str:
        return question(answer.element)

    def render(self, case, record: Apl02):
        return render_apl02(case, record, signer=record.reviewer_name or "", title="Master Asesor Penguji,")

    def filename(self, case, record) -> str:
        return f"FR.APL.02-kaji-{record.participant.person.full_name.lower().replace(' ', '-')}.pdf"
