"""The MA Pelatih's review of a participant's FR.APL.01 in ASKOM ("kaji_apl01", D13): each basic
requirement Memenuhi / Tidak memenuhi with a note, and the recommendation Diterima / Tidak diterima.
A requirement found wanting returns the APL.01 to the participant, who sees the note beside it."""
from __future__ import annotations

from datetime import datetime

from wtforms import SelectField, StringField
from wtforms.validators import Length

from portal.assessment.apl01 import apl01_of, participant_of
from portal.assessment.models import EVIDENCE_REVIEWS, Apl01, Apl01Evidence
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form

RECOMMENDATIONS = {"diterima": "Diterima", "tidak": "Tidak diterima"}


class ReviewForm(PortalForm):
    recommendation = SelectField("Rekomendasi", choices=choices(RECOMMENDATIONS))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        wanting = False
        for field in self:
            if field.name.startswith("kaji_") and field.data == "tidak_memenuhi":
                wanting = True
                note = self[f"catatan_{field.name.split('_', 1)[1]}"]
                if not note.data:
                    note.errors.append(f"Tulis catatan untuk bukti yang tidak memenuhi ({field.label.text}): "
                                       "peserta membacanya.")
                    valid = False
        if wanting and self.recommendation.data == "diterima":
            self.recommendation.errors.append("Rekomendasi “Diterima” hanya bila semua bukti memenuhi.")
            valid = False
        return valid


@register_form("kaji_apl01")
class KajiApl01(StepForm):
    title = "Kaji APL.01 per bukti persyaratan"
    template = "assessment/_apl01_review.html"
    models = (Apl01, Apl01Evidence)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        participant = participant_of(work)
        record = apl01_of(participant)

        class Form(ReviewForm):
            pass

        data = {"recommendation": (record.recommendation if record else None) or "diterima"}
        for e in (record.evidence if record else []):
            setattr(Form, f"kaji_{e.position}", SelectField(e.requirement, choices=choices(EVIDENCE_REVIEWS)))
            setattr(Form, f"catatan_{e.position}", StringField("Catatan", [Length(max=500)]))
            data[f"kaji_{e.position}"], data[f"catatan_{e.position}"] = e.review or "memenuhi", e.review_note or ""
        form = Form(formdata, data=None if formdata is not None else data, **kwargs)
        form.participant, form.record = participant, record
        return form

    def submit(self, case, work, form, actor, now: datetime) -> Apl01:
        record = apl01_of(participant_of(work))
        if record is None:
            raise CaseError("Peserta belum mengajukan APL.01.", 409)
        for e in record.evidence:
            e.review, e.review_note = form[f"kaji_{e.position}"].data, form[f"catatan_{e.position}"].data or None
        returned = any(e.review == "tidak_memenuhi" for e in record.evidence)
        record.status = "dikembalikan" if returned else "diterima"
        record.recommendation = form.recommendation.data
        record.reviewed_at, record.reviewer_name = now, actor.full_name
        db.session.flush()
        audit("assessment.apl01_review", case, actor=actor, detail={"participant": record.participant_id,
                                                                   "status": record.status})
        return record

    def render(self, case, record: Apl01):
        from portal.assessment.apl01_render import render_apl01

        return render_apl01(case, record)

    def filename(self, case, record) -> str:
        return f"FR.APL.01-kaji-{record.full_name.lower().replace(' ', '-')}.pdf"
