"""The MA Pelatih's review of a participant's FR.APL.01 in ASKOM ("kaji_apl01", D13): each basic
requirement Memenuhi / Tidak memenuhi with a note, and the recommendation Diterima / Tidak diterima.
A requirement found wanting returns the APL.01 to the participant, who sees the note beside it."""
from __future__ import annotations

from datetime import datetime

from wtforms import SelectField

from portal.assessment.apl01 import apl01_of, participant_of
from portal.assessment.models import EVIDENCE_REVIEWS, Apl01, Apl01Evidence
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.assessment.item_review import ItemReviewForm, item_review_form, record_item_review
from portal.extensions import db
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form

RECOMMENDATIONS = {"diterima": "Diterima", "tidak": "Tidak diterima"}


class ReviewForm(ItemReviewForm):
    recommendation = SelectField("Rekomendasi", choices=choices(RECOMMENDATIONS))
    SENDS_BACK = "tidak_memenuhi"

    def note_missing(self, label: str) -> str:
        return f"Tulis catatan untuk bukti yang tidak memenuhi ({label}): peserta membacanya."

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.sends_back_any and self.recommendation.data == "diterima":
            self.recommendation.errors.append("Rekomendasi “Diterima” hanya bila semua bukti memenuhi.")
            valid = False
        return valid


def _position(evidence: Apl01Evidence) -> int:
    return evidence.position


def _requirement(evidence: Apl01Evidence) -> str:
    return evidence.requirement


@register_form("kaji_apl01")
class KajiApl01(StepForm):
    title = "Kaji APL.01 per bukti persyaratan"
    template = "assessment/_apl01_review.html"
    models = (Apl01, Apl01Evidence)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        participant = participant_of(work)
        record = apl01_of(participant)

        form = item_review_form(ReviewForm, record.evidence if record else [], _position, _requirement,
                                EVIDENCE_REVIEWS, "memenuhi",
                                (record.recommendation if record else None) or "diterima", formdata, **kwargs)
        form.participant, form.record = participant, record
        return form

    def submit(self, case, work, form, actor, now: datetime) -> Apl01:
        record = apl01_of(participant_of(work))
        if record is None:
            raise CaseError("Peserta belum mengajukan APL.01.", 409)
        record_item_review(record, record.evidence, _position, form, actor.full_name, now)
        db.session.flush()
        audit("assessment.apl01_review", case, actor=actor, detail={"participant": record.participant_id,
                                                                   "status": record.status})
        return record

    def render(self, case, record: Apl01):
        from portal.assessment.apl01_render import render_apl01

        return render_apl01(case, record)

    def filename(self, case, record) -> str:
        return f"FR.APL.01-kaji-{record.full_name.lower().replace(' ', '-')}.pdf"
