"""The mail screens' forms on the portal's form layer (portal/forms): the Surat Masuk agenda entry,
the outgoing draft and the follow-up note, with the services' dataclasses they produce. The Lembar
Disposisi is a step form of its own (disposition.py). Invalid input is shown again, answered 422."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.correspondence.letters import ADDRESSEES, MATTERS, SIFAT, SIGNERS
from portal.correspondence.services import IncomingLetter, OutgoingDraft, Upload
from portal.forms.base import FormInvalid, NotAfterToday, PortalForm
from portal.forms.fields import LinesField, ParagraphsField, choices
from portal.numbering.formats import CLASSIFICATIONS
from portal.storage import MAX_DOCUMENT_BYTES

__all__ = ["FollowUpForm", "FormInvalid", "IncomingLetterForm", "OutgoingDraftForm", "read_upload", "read_uploads"]


_CLASSIFICATIONS = choices({code: f"{code} — {name}" for code, name in CLASSIFICATIONS.items()})


class IncomingLetterForm(PortalForm):
    """What PHU records from a received letter (the agenda entry), also when correcting it."""

    sender = StringField("Asal surat (pengirim)", [DataRequired(), Length(max=200)])
    their_number = StringField("Nomor surat pengirim", [DataRequired(), Length(max=100)])
    their_date = DateField("Tanggal surat", [InputRequired(), NotAfterToday()])
    received_on = DateField("Tanggal diterima", [InputRequired(), NotAfterToday()])
    classification = SelectField("Kode klasifikasi", choices=_CLASSIFICATIONS,
                                 default="UM.00.00")
    subject = StringField("Perihal", [DataRequired(), Length(max=300)])
    summary = TextAreaField("Ringkasan isi (opsional)", [Length(max=1000)])
    sifat = RadioField("Sifat surat", choices=choices(SIFAT), default="biasa")
    matter = SelectField("Arah surat", choices=choices(MATTERS), default="umum")
    addressed_to = SelectField("Ditujukan kepada (untuk disposisi)", choices=choices(ADDRESSEES), default="kasek")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.their_date.data > self.received_on.data:
            self.form_errors.append("Tanggal surat tidak boleh setelah tanggal diterima.")
            valid = False
        return valid

    @classmethod
    def of_case(cls, case, **kwargs) -> IncomingLetterForm:
        """Pre-filled with a registered letter's agenda entry (to correct it)."""
        data = case.data or {}
        names = ("sender", "their_number", "classification", "summary", "sifat", "matter", "addressed_to")
        values = {name: data.get(name) for name in names if data.get(name) is not None}
        from portal.correspondence.letters import parse_day

        values.update(their_date=parse_day(data.get("their_date")), received_on=parse_day(data.get("received_on")),
                      subject=case.title)
        return cls(data=values, **kwargs)

    def letter(self) -> IncomingLetter:
        return IncomingLetter(
            sender=self.sender.data, their_number=self.their_number.data, their_date=self.their_date.data,
            received_on=self.received_on.data, subject=self.subject.data, classification=self.classification.data,
            sifat=self.sifat.data, matter=self.matter.data, addressed_to=self.addressed_to.data,
            summary=self.summary.data or "")


class OutgoingDraftForm(PortalForm):
    """A letter drafted from the template (its body) or uploaded as a finished PDF."""

    subject = StringField("Hal (perihal)", [DataRequired(), Length(max=300)])
    classification = SelectField("Kode klasifikasi", choices=_CLASSIFICATIONS,
                                 default="UM.00.00")
    sifat = SelectField("Sifat surat", choices=choices(SIFAT), default="biasa")
    lampiran = StringField("Lampiran", [Length(max=100)], default="-")
    signer_role = SelectField("Penandatangan", choices=choices(SIGNERS), default="ketua")
    kepada = LinesField("Tujuan surat (Yth. …)", [DataRequired()], max_lines=8)
    tembusan = LinesField("Tembusan", max_lines=15)
    isi = ParagraphsField("Isi surat")
    reply_to = StringField("Jawaban atas", [Length(max=40)])

    def __init__(self, formdata=None, *, flow_code: str = "SKS", uploaded: bool = False, **kwargs) -> None:
        self.flow_code, self.uploaded = flow_code, uploaded
        super().__init__(formdata, **kwargs)

    @classmethod
    def of_case(cls, case, **kwargs) -> OutgoingDraftForm:
        """Pre-filled with the letter's last draft (to write a new version)."""
        draft = (case.data or {}).get("draft", {})
        values = {k: draft[k] for k in ("subject", "kepada", "tembusan", "lampiran") if k in draft}
        values.update(isi=draft.get("paragraf", []), classification=case.data.get("classification"),
                      sifat=case.data.get("sifat"))
        return cls(data=values, flow_code=case.flow_code, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.uploaded and not self.isi.data:
            self.form_errors.append("Tulis isi surat, atau unggah konsep dalam PDF.")
            valid = False
        return valid

    def draft(self) -> OutgoingDraft:
        return OutgoingDraft(
            subject=self.subject.data, kepada=list(self.kepada.data), classification=self.classification.data,
            sifat=self.sifat.data, paragraf=list(self.isi.data or []), tembusan=list(self.tembusan.data or []),
            lampiran=self.lampiran.data or "-",
            signer_role=self.signer_role.data if self.flow_code == "SKS" else "anggota",
            reply_to=self.reply_to.data or "")


class FollowUpForm(PortalForm):
    """What the target unit did with the letter (may be empty when a reply letter answers it)."""

    note = TextAreaField("Catatan tindak lanjut", [Length(max=2000)])
    then = StringField("Lanjutan", default="arsip")


def read_upload(file, label: str, *, required: bool = False) -> Upload | None:
    if file is None or not file.filename:
        if required:
            raise FormInvalid([f"{label}: pilih berkas PDF."])
        return None
    return Upload(file.filename, file.read(MAX_DOCUMENT_BYTES + 1))


def read_uploads(files) -> list[Upload]:
    return [Upload(f.filename, f.read(MAX_DOCUMENT_BYTES + 1)) for f in files if f and f.filename][:10]
