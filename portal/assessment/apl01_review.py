"""The MA Pelatih's review of a participant's FR.APL.01 in ASKOM ("kaji_apl01", D13): each basic
requirement Memenuhi / Tidak memenuhi with a note, and the recommendation Diterima / Tidak diterima.
A requirement found wanting returns the APL.01 to the participant, who sees the note beside it."""
from __future__ import annotations

from wtforms import SelectField

from portal.assessment.apl01 import apl01_of
from portal.assessment.item_review import ItemReviewForm, ItemReviewStep
from portal.assessment.models import EVIDENCE_REVIEWS, Apl01, Apl01Evidence
from portal.forms.fields import choices
from portal.forms.registry import register_form

RECOMMENDATIONS = {"diterima": "Diterima", "tidak": "Tidak diterima"}


class ReviewForm(ItemReviewForm):
    recommendation = SelectField("Rekomendasi", choices=choices(RECOMMENDATIONS))
    SENDS_BACK = "tidak_memenuhi"

    def note_missing(self, label: str) -> str:
        return f"Tulis catatan untuk bukti yang tidak memenuhi ({label}): peserta membacanya."

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.sent_back() and self.recommendation.data == "diterima":
            self.recommendation.errors.append("Rekomendasi “Diterima” hanya bila semua bukti memenuhi.")
            valid = False
        return valid


@register_form("kaji_apl01")
class KajiApl01(ItemReviewStep):
    title = "Kaji APL.01 per bukti persyaratan"
    template = "assessment/_apl01_review.html"
    models = (Apl01, Apl01Evidence)
    review_form = ReviewForm
    verdicts, default_verdict, default_recommendation = EVIDENCE_REVIEWS, "memenuhi", "diterima"
    record_name, audit_action = "APL.01", "assessment.apl01_review"

    def record_of(self, participant):
        return apl01_of(participant)

    def items_of(self, record):
        return record.evidence

    def item_key(self, evidence: Apl01Evidence) -> int:
        return evidence.position

    def item_label(self, evidence: Apl01Evidence) -> str:
        return evidence.requirement

    def render(self, case, record: Apl01):
        from portal.assessment.apl01_render import render_apl01

        return render_apl01(case, record)

    def filename(self, case, record) -> str:
        return f"FR.APL.01-kaji-{record.full_name.lower().replace(' ', '-')}.pdf"
