"""Reviewing a participant's record item by item: FR.APL.01 per basic requirement (ASKOM, the MA
Pelatih) and FR.APL.02 per element (the MA Penguji). Each item gets a verdict and a note, the record
a recommendation; an item sent back needs a note (the participant reads it beside the item) and
returns the whole record to the participant, who corrects it and submits it again."""
from __future__ import annotations

from datetime import datetime

from wtforms import SelectField, StringField
from wtforms.validators import Length

from portal.forms.base import PortalForm
from portal.forms.fields import choices


class ItemReviewForm(PortalForm):
    """The fields `kaji_<item>` (verdict) and `catatan_<item>` (note) are added per record by
    :func:`item_review_form`; subclasses declare `recommendation` and the verdict that sends an
    item back."""

    SENDS_BACK = ""

    def note_missing(self, label: str) -> str:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.name.startswith("kaji_") and field.data == self.SENDS_BACK:
                note = self[f"catatan_{field.name.split('_', 1)[1]}"]
                if not note.data:
                    note.errors.append(self.note_missing(field.label.text))
                    valid = False
        return valid

    @property
    def sends_back_any(self) -> bool:
        return any(field.name.startswith("kaji_") and field.data == self.SENDS_BACK for field in self)


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
