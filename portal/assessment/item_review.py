"""Reviewing a participant's record item by item: FR.APL.01 per basic requirement (ASKOM, the MA
Pelatih) and FR.APL.02 per element (the MA Penguji). Each item gets a verdict and a note, the record
a recommendation; an item sent back needs a note (the participant reads it beside the item) and
returns the whole record to the participant, who corrects it and submits it again."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from wtforms import SelectField, StringField
from wtforms.validators import Length

from portal.assessment.apl01 import participant_of
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm


class ItemReviewForm(PortalForm):
    """The fields `kaji_<item>` (verdict) and `catatan_<item>` (note) are added per record by
    :func:`item_review_form`; subclasses declare `recommendation` and the verdict that sends an
    item back."""

    SENDS_BACK = ""

    def note_missing(self, label: str) -> str:
        raise NotImplementedError

    def sent_back(self) -> list:
        """The verdict fields that send their item back."""
        return [field for field in self if field.name.startswith("kaji_") and field.data == self.SENDS_BACK]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self.sent_back():
            note = self[f"catatan_{field.name.split('_', 1)[1]}"]
            if not note.data:
                note.errors.append(self.note_missing(field.label.text))
                valid = False
        return valid


def item_review_form(base: type[ItemReviewForm], items, key, label, verdicts: dict[str, str], default: str,
                     recommendation: str, formdata=None, **kwargs) -> ItemReviewForm:
    """A review form over `items` (each with `review` and `review_note`; `key(item)` names its
    fields, `label(item)` is what the reviewer judges), filled from the earlier review if any."""

    class Form(base):
        pass

    data = {"recommendation": recommendation}
    for item in items:
        name = key(item)
        setattr(Form, f"kaji_{name}", SelectField(label(item), choices=choices(verdicts)))
        setattr(Form, f"catatan_{name}", StringField("Catatan", [Length(max=500)]))
        data[f"kaji_{name}"], data[f"catatan_{name}"] = item.review or default, item.review_note or ""
    return Form(formdata, data=None if formdata is not None else data, **kwargs)


def record_item_review(record, items, key, form: ItemReviewForm, reviewer_name: str, now: datetime) -> None:
    """Write the verdicts and notes onto the items and the outcome onto the record: returned to the
    participant when any item is sent back, else accepted."""
    for item in items:
        name = key(item)
        item.review, item.review_note = form[f"kaji_{name}"].data, form[f"catatan_{name}"].data or None
    returned = any(item.review == form.SENDS_BACK for item in items)
    record.status = "dikembalikan" if returned else "diterima"
    record.recommendation = form.recommendation.data
    record.reviewed_at, record.reviewer_name = now, reviewer_name


class ItemReviewStep(StepForm):
    """The reviewer's step form: the participant's record (`record_of`), its items (`items_of`),
    each named by `item_key` and judged as `item_label` says; subclasses declare the rest."""

    review_form: ClassVar[type[ItemReviewForm]]
    verdicts: ClassVar[dict[str, str]]
    default_verdict: ClassVar[str]
    default_recommendation: ClassVar[str]
    record_name: ClassVar[str]  # "APL.01", as the refusal names it
    audit_action: ClassVar[str]

    def record_of(self, participant):
        raise NotImplementedError

    def items_of(self, record) -> list:
        raise NotImplementedError

    def item_key(self, item) -> int:
        raise NotImplementedError

    def item_label(self, item) -> str:
        raise NotImplementedError

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        participant = participant_of(work)
        record = self.record_of(participant)
        form = item_review_form(self.review_form, self.items_of(record) if record else [], self.item_key,
                                self.item_label, self.verdicts, self.default_verdict,
                                (record.recommendation if record else None) or self.default_recommendation,
                                formdata, **kwargs)
        form.participant, form.record = participant, record
        return form

    def submit(self, case, work, form, actor, now: datetime):
        record = self.record_of(participant_of(work))
        if record is None:
            raise CaseError(f"Peserta belum mengajukan {self.record_name}.", 409)
        record_item_review(record, self.items_of(record), self.item_key, form, actor.full_name, now)
        db.session.flush()
        audit(self.audit_action, case, actor=actor, detail={"participant": record.participant_id,
                                                            "status": record.status})
        return record
